//! The activity feed: who changed what, when, from which value to which, newest first. It
//! reads the change log, which already keeps each change's diff and the entity as of that
//! change; this module decides how a log entry reads as an item.

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::field::format_timestamp;

/// Filters and paging, as the client asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityQuery {
    /// Only entries with a seq below this (the previous page's `nextBefore`).
    pub before: Option<i64>,
    pub limit: i64,
    /// An event prefix: `camera`, `production`, `member`.
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub user_id: Option<String>,
}

/// One change-log entry, as storage reads it.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub action: String,
    pub changed_fields: Vec<String>,
    /// `{"field": {"old", "new"}}`
    pub diff: Value,
    /// The entity as of this change (its last state, for a delete).
    pub data: Value,
    /// `undo` or `redo` when the change was one.
    pub cause: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChangeView {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityItem {
    pub seq: i64,
    pub timestamp: String,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub entity_name: Option<String>,
    pub changes: Vec<FieldChangeView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityPage {
    pub items: Vec<ActivityItem>,
    /// `before` for the next page; `None` on the last.
    pub next_before: Option<i64>,
}

/// What people call an entity: its `name`, a checklist item's `title`, a production's
/// `showName`, a membership's user; failing those (ports, cables, IP addresses, source
/// outputs have no name), its display id, or what it is about.
pub fn entity_name(entity_type: &str, data: &Value) -> Option<String> {
    let key = match entity_type {
        "checklist-item" => "title",
        "production" => "showName",
        "member" => "userId",
        _ => "name",
    };
    let fallback = match entity_type {
        "ip-address" => "ip",
        "device-port" => "portLabel",
        "source-output" => "connector",
        "cable" => "cableType",
        _ => key,
    };
    [key, "displayId", fallback].iter().find_map(|k| data.get(*k).and_then(Value::as_str)).map(str::to_owned)
}

pub fn item(e: LogEntry) -> ActivityItem {
    let changes = e
        .changed_fields
        .iter()
        .map(|field| {
            let pair = e.diff.get(field);
            let side = |k: &str| pair.and_then(|p| p.get(k)).cloned().unwrap_or(Value::Null);
            FieldChangeView { field: field.clone(), from: side("old"), to: side("new") }
        })
        .collect();
    ActivityItem {
        seq: e.seq,
        timestamp: format_timestamp(e.at),
        entity_name: entity_name(&e.entity_type, &e.data),
        user_id: e.user_id,
        user_name: e.user_name,
        action: e.action,
        entity_type: e.entity_type,
        entity_id: e.entity_id,
        changes,
        cause: e.cause,
    }
}

/// A page from up to `limit + 1` entries, newest first: the extra one only says more follow.
pub fn page(mut entries: Vec<LogEntry>, limit: i64) -> ActivityPage {
    let more = entries.len() as i64 > limit;
    entries.truncate(limit.max(0) as usize);
    let next_before = if more { entries.last().map(|e| e.seq) } else { None };
    ActivityPage { items: entries.into_iter().map(item).collect(), next_before }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(seq: i64, entity_type: &str, data: Value) -> LogEntry {
        LogEntry {
            seq,
            at: OffsetDateTime::UNIX_EPOCH,
            user_id: Some("ann".into()),
            user_name: Some("Ann".into()),
            entity_type: entity_type.into(),
            entity_id: Uuid::nil(),
            action: "updated".into(),
            changed_fields: vec!["model".into(), "note".into()],
            diff: json!({"note": {"old": null, "new": "x"}, "model": {"old": "A", "new": "B"}}),
            data,
            cause: None,
        }
    }

    #[test]
    fn each_type_is_named_by_its_own_field() {
        let table = [
            ("camera", json!({"name": "Cam 1"}), Some("Cam 1")),
            ("checklist-item", json!({"title": "Book crew", "name": "x"}), Some("Book crew")),
            ("production", json!({"showName": "Gala"}), Some("Gala")),
            ("cable", json!({"displayId": "CBL 4", "cableType": "SDI"}), Some("CBL 4")),
            ("cable", json!({"displayId": null, "cableType": "SDI"}), Some("SDI")),
            ("ip-address", json!({"ip": "10.0.0.1"}), Some("10.0.0.1")),
            ("device-port", json!({"portLabel": "SDI Out 1"}), Some("SDI Out 1")),
            ("member", json!({"userId": "bob"}), Some("bob")),
            ("camera", json!({}), None),
        ];
        for (ty, data, want) in table {
            assert_eq!(entity_name(ty, &data).as_deref(), want, "{ty}");
        }
    }

    #[test]
    fn changes_follow_the_changed_fields_order_with_from_and_to() {
        let it = item(entry(7, "camera", json!({"name": "Cam 1"})));
        let got: Vec<(&str, Value, Value)> =
            it.changes.iter().map(|c| (c.field.as_str(), c.from.clone(), c.to.clone())).collect();
        assert_eq!(got, [("model", json!("A"), json!("B")), ("note", json!(null), json!("x"))]);
        assert_eq!(
            (it.entity_name.as_deref(), it.timestamp.as_str()),
            (Some("Cam 1"), "1970-01-01T00:00:00Z")
        );
    }

    #[test]
    fn the_extra_entry_only_says_more_follow() {
        let entries = |n: i64| (0..n).map(|i| entry(10 - i, "camera", json!({}))).collect::<Vec<_>>();
        let p = page(entries(3), 2);
        assert_eq!((p.items.len(), p.next_before), (2, Some(9)));
        let p = page(entries(2), 2);
        assert_eq!((p.items.len(), p.next_before), (2, None));
    }
}
