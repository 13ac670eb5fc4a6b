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
