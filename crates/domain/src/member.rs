//! A production's members and the change events their changes become. Membership changes
//! travel in the production's own stream (`member:created|updated|deleted`, with a seq) so
//! that a browser's member list stays in sync like everything else, and so that a room can
//! take a removed member's sockets out at exactly the right point of the stream.

use serde::Serialize;
use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::Role;
use crate::change::{Action, ChangeEvent, EventPayload};
use crate::field::format_timestamp;

/// The event prefix of membership changes.
pub const MEMBER: &str = "member";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// Stable id of this membership (the change log keys entities by UUID).
    #[serde(skip)]
    pub id: Uuid,
    pub user_id: String,
    pub role: Role,
    pub added_by: Option<String>,
    #[serde(serialize_with = "rfc3339")]
    pub added_at: OffsetDateTime,
    #[serde(skip)]
    pub version: i64,
}

fn rfc3339<S: serde::Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_timestamp(*t))
}

/// A committed membership change. `events` is empty when nothing changed.
#[derive(Debug, Clone)]
pub struct MemberWrite {
    pub member: Member,
    pub events: Vec<ChangeEvent>,
}

/// A membership change about to be committed, before it has its seq.
#[derive(Debug, Clone)]
pub struct MemberChange {
    pub action: Action,
    pub production_id: Uuid,
    pub member: Member,
    pub actor: Option<String>,
    pub actor_name: Option<String>,
    pub at: OffsetDateTime,
    /// The role before an update, for the diff.
    pub previous_role: Option<Role>,
    /// `import` when an import grants the membership.
    pub cause: Option<crate::ports::Cause>,
}

impl MemberChange {
    pub fn changed_fields(&self) -> Vec<String> {
        match self.action {
            Action::Deleted => vec![],
            _ => vec!["role".to_owned()],
        }
    }

    pub fn diff_json(&self) -> Value {
        match self.action {
            Action::Deleted => json!({}),
            _ => json!({"role": {"old": self.previous_role, "new": self.member.role}}),
        }
    }

    pub fn data(&self) -> Value {
        let mut v = serde_json::to_value(&self.member).unwrap_or(Value::Null);
        v["productionId"] = json!(self.production_id);
        v
    }

    pub fn into_event(self, seq: i64) -> ChangeEvent {
        ChangeEvent::new(
            crate::change::EventName::new(MEMBER, self.action),
            EventPayload {
                data: self.data(),
                user_id: self.actor.clone(),
                timestamp: format_timestamp(self.at),
                production_id: self.production_id,
                seq,
                version: self.member.version,
                changed_fields: self.changed_fields(),
                previous: crate::change::previous_from_diff(self.action.as_str(), &self.diff_json()),
                cause: self.cause,
            },
        )
    }
}

/// The user an event takes out of its production, if it is a member removal.
pub fn removed_user(event: &ChangeEvent) -> Option<&str> {
    let removal = event.event.is_member() && event.event.action == Action::Deleted;
    if !removal {
        return None;
    }
    event.data.data.get("userId").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(action: Action) -> MemberChange {
        MemberChange {
            action,
            production_id: Uuid::nil(),
            member: Member {
                id: Uuid::nil(),
                user_id: "bob".into(),
                role: Role::Editor,
                added_by: Some("ann".into()),
                added_at: OffsetDateTime::UNIX_EPOCH,
                version: 1,
            },
            actor: Some("ann".into()),
            actor_name: None,
            at: OffsetDateTime::UNIX_EPOCH,
            previous_role: None,
            cause: None,
        }
    }

    #[test]
    fn only_a_removal_names_a_removed_user() {
        let removed = change(Action::Deleted).into_event(3);
        assert_eq!(removed.event, "member:deleted");
        assert_eq!(removed_user(&removed), Some("bob"));
        assert_eq!(removed_user(&change(Action::Created).into_event(4)), None);
        assert_eq!(removed_user(&change(Action::Updated).into_event(5)), None);
    }

    #[test]
    fn events_carry_the_member_in_camel_case() {
        let e = change(Action::Created).into_event(2);
        assert_eq!(e.data.data["userId"], "bob");
        assert_eq!(e.data.data["role"], "editor");
        assert_eq!(e.data.data["addedAt"], "1970-01-01T00:00:00Z");
        assert_eq!(e.data.changed_fields, vec!["role"]);
    }
}
