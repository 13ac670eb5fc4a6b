//! A committed change and the event it becomes: the one shape that REST catch-up
//! (`/changes`) and WebSocket fan-out both deliver.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::Entity;
use crate::field::format_timestamp;
use crate::merge::FieldChange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Created,
    Updated,
    Deleted,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        [Action::Created, Action::Updated, Action::Deleted].into_iter().find(|a| a.as_str() == s)
    }
}

/// An event's name, `<subject>:<action>` on the wire (`camera:updated`, `member:deleted`):
/// typed, so that "is this a delete" or "is this about a production" is a field, not a
/// string match that a renamed type would silently break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventName {
    /// An entity type's name (`catalog`), or `member`.
    pub subject: &'static str,
    pub action: Action,
}

impl EventName {
    pub fn new(subject: &'static str, action: Action) -> EventName {
        EventName { subject, action }
    }

    /// A name as the wire or the change log has it; `None` for a subject we do not know.
    pub fn parse(s: &str) -> Option<EventName> {
        let (subject, action) = s.split_once(':')?;
        let subject = match subject {
            crate::member::MEMBER => crate::member::MEMBER,
            other => crate::catalog::by_name(other)?.name,
        };
        Some(EventName { subject, action: Action::parse(action)? })
    }

    pub fn is_member(&self) -> bool {
        self.subject == crate::member::MEMBER
    }

    pub fn is_production(&self) -> bool {
        self.subject == crate::catalog::PRODUCTION.name
    }
}

impl std::fmt::Display for EventName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.subject, self.action.as_str())
    }
}

impl PartialEq<&str> for EventName {
    fn eq(&self, other: &&str) -> bool {
        other.split_once(':') == Some((self.subject, self.action.as_str()))
    }
}

impl Serialize for EventName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<EventName, D::Error> {
        let raw = std::borrow::Cow::<str>::deserialize(d)?;
        EventName::parse(&raw).ok_or_else(|| serde::de::Error::custom(format!("unknown event {raw:?}")))
    }
}

/// A write about to be committed, before it has its seq.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub action: Action,
    /// The state after the write; for a delete, the last state.
    pub entity: Entity,
    pub changes: Vec<FieldChange>,
    pub actor: Option<String>,
    /// The actor's display name, for the activity feed (not in the event).
    pub actor_name: Option<String>,
    /// `undo` or `redo` when the write is one.
    pub cause: Option<crate::ports::Cause>,
    /// The actor's undo step this change belongs to, if the write is undoable.
    pub step: Option<Uuid>,
    pub at: OffsetDateTime,
}

impl Change {
    pub fn changed_fields(&self) -> Vec<String> {
        self.changes.iter().map(|c| c.field.to_owned()).collect()
    }

    /// `{"field": {"old": .., "new": ..}}`: what the activity feed and the stale-echo rule read.
    pub fn diff_json(&self) -> Value {
        let m: Map<String, Value> = self
            .changes
            .iter()
            .map(|c| {
                let mut pair = Map::with_capacity(2);
                pair.insert("old".into(), c.old.clone());
                pair.insert("new".into(), c.new.clone());
                (c.field.to_owned(), Value::Object(pair))
            })
            .collect();
        Value::Object(m)
    }

    /// For an update, each changed field's value before it.
    fn previous(&self) -> Option<Map<String, Value>> {
        (self.action == Action::Updated)
            .then(|| self.changes.iter().map(|c| (c.field.to_owned(), c.old.clone())).collect())
    }

    pub fn into_event(self, seq: i64) -> ChangeEvent {
        let changed_fields = self.changed_fields();
        let previous = self.previous();
        let e = &self.entity;
        ChangeEvent::new(
            EventName::new(e.kind.name, self.action),
            EventPayload {
                data: e.to_json(),
                user_id: self.actor,
                timestamp: format_timestamp(self.at),
                production_id: e.production_id,
                seq,
                version: e.version,
                changed_fields,
                previous,
                cause: self.cause,
            },
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventPayload {
    /// The full entity, camelCase.
    pub data: Value,
    pub user_id: Option<String>,
    pub timestamp: String,
    pub production_id: Uuid,
    pub seq: i64,
    pub version: i64,
    pub changed_fields: Vec<String>,
    /// `{type}:updated` only: the values of `changedFields` before the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Map<String, Value>>,
    /// `undo` or `redo` when the change is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<crate::ports::Cause>,
}

/// `previous` from a stored diff (`{"field": {"old", "new"}}`), for an update.
pub fn previous_from_diff(action: &str, diff: &Value) -> Option<Map<String, Value>> {
    if action != Action::Updated.as_str() {
        return None;
    }
    let fields = diff.as_object()?;
    Some(
        fields.iter().map(|(f, pair)| (f.clone(), pair.get("old").cloned().unwrap_or(Value::Null))).collect(),
    )
}

/// `{"event": "camera:updated", "data": {...}}`, exactly as a WebSocket frame carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEvent {
    pub event: EventName,
    pub data: EventPayload,
}

impl ChangeEvent {
    pub fn new(event: EventName, data: EventPayload) -> Self {
        ChangeEvent { event, data }
    }

    pub fn seq(&self) -> i64 {
        self.data.seq
    }

    pub fn production_id(&self) -> Uuid {
        self.data.production_id
    }
}

/// A change event as replay sends it: the entity and `previous` kept as the JSON text the
/// change log holds, so replaying thousands of events costs neither a parse into values
/// nor an encoding back (catch-up of 10,000 events spent most of its time there). It
/// serialises to the same object as the [`ChangeEvent`] it stands for.
#[derive(Debug, Serialize)]
pub struct RawEvent {
    pub event: EventName,
    pub data: RawPayload,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawPayload {
    pub data: Box<serde_json::value::RawValue>,
    pub user_id: Option<String>,
    pub timestamp: String,
    pub production_id: Uuid,
    pub seq: i64,
    pub version: i64,
    pub changed_fields: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<Box<serde_json::value::RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<crate::ports::Cause>,
}

impl RawEvent {
    pub fn seq(&self) -> i64 {
        self.data.seq
    }
}

impl From<&ChangeEvent> for RawEvent {
    /// The slow way, for feeds that hold values (tests, other stores).
    fn from(e: &ChangeEvent) -> RawEvent {
        let raw = |v: &Value| serde_json::value::to_raw_value(v).unwrap_or_else(|_| Default::default());
        let p = &e.data;
        RawEvent {
            event: e.event,
            data: RawPayload {
                data: raw(&p.data),
                user_id: p.user_id.clone(),
                timestamp: p.timestamp.clone(),
                production_id: p.production_id,
                seq: p.seq,
                version: p.version,
                changed_fields: p.changed_fields.clone(),
                previous: p.previous.as_ref().map(|m| raw(&Value::Object(m.clone()))),
                cause: p.cause,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_raw_event_is_the_same_object_as_its_event() {
        let name = EventName::parse("camera:updated").unwrap();
        for (previous, cause) in [
            (Some(json!({"model": null}).as_object().unwrap().clone()), Some(crate::ports::Cause::Undo)),
            (None, None),
        ] {
            let e = ChangeEvent::new(
                name,
                EventPayload {
                    data: json!({"id": "x", "model": "HDC-5500", "maxZoom": 20.5, "outputs": [{"a": [1, 2]}]}),
                    user_id: Some("ann".into()),
                    timestamp: "2026-12-02T04:00:00.1Z".into(),
                    production_id: Uuid::nil(),
                    seq: 7,
                    version: 3,
                    changed_fields: vec!["model".into()],
                    previous,
                    cause,
                },
            );
            let raw = serde_json::to_string(&RawEvent::from(&e)).unwrap();
            assert_eq!(raw, serde_json::to_string(&e).unwrap());
        }
    }
}
