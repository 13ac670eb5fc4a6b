//! Writes as values: each REST write is one `Command`, run by the store in one
//! transaction. Having them as values lets one transaction also keep the request's
//! idempotency receipt (so a retry can never apply twice, and a crash can never leave a
//! write without its receipt or a receipt without its write), and lets later features
//! (batches, undo) run several as one.

use std::borrow::Cow;

use serde_json::Value;
use uuid::Uuid;

use crate::access::Role;
use crate::change::ChangeEvent;
use crate::error::SyncError;
use crate::input::{CreateInput, UpdateInput};
use crate::kind::EntityKind;
use crate::member::MemberWrite;
use crate::ports::{Updated, Written};
use crate::settings::{Lookup, LookupChange, Setting};

#[derive(Debug, Clone)]
pub enum Command {
    /// `production` is `None` only when creating a production.
    Create {
        kind: &'static EntityKind,
        production: Option<Uuid>,
        input: CreateInput,
    },
    Update {
        kind: &'static EntityKind,
        production: Uuid,
        id: Uuid,
        input: UpdateInput,
    },
    Delete {
        kind: &'static EntityKind,
        production: Uuid,
        id: Uuid,
    },
    SetMember {
        production: Uuid,
        user: String,
        role: Role,
    },
    RemoveMember {
        production: Uuid,
        user: String,
    },
    /// A global library: equipment or formats (no production, no change log).
    CreateLibrary {
        kind: &'static EntityKind,
        input: CreateInput,
    },
    UpdateLibrary {
        kind: &'static EntityKind,
        id: Uuid,
        input: UpdateInput,
    },
    DeleteLibrary {
        kind: &'static EntityKind,
        id: Uuid,
    },
    /// Undo the actor's latest step in the production, or redo their latest undone one.
    Undo {
        production: Uuid,
    },
    Redo {
        production: Uuid,
    },
    /// A change to one of the shared lookup lists behind the app's dropdowns.
    ChangeLookup {
        lookup: Lookup,
        change: LookupChange,
    },
    /// A key/value setting, written whole (value already checked by `settings::check_value`).
    PutSetting {
        key: String,
        value: Value,
        category: Option<String>,
    },
    DeleteSetting {
        key: String,
    },
    /// A write brought over from another system (the original app's database): run as
    /// the row's own author with cause `import`, never an undo step; a create keeps the
    /// version and field versions the row had there.
    Imported {
        command: Box<Command>,
        origin: crate::imported::Origin,
    },
}

impl Command {
    /// Whether the actor's undo history records this write as a step of its own: edits
    /// inside a production (not creating or deleting the production, not memberships).
    pub fn is_undoable(&self) -> bool {
        match self {
            Command::Create { kind, .. } | Command::Delete { kind, .. } => !kind.is_production(),
            Command::Update { .. } => true,
            // Nobody's edit: undo must not take a crew's imported show apart row by row.
            Command::Imported { .. } => false,
            _ => false,
        }
    }
}

/// What an undo or redo did.
#[derive(Debug, Clone)]
pub struct Undone {
    /// The step's main change (its last entry): what the client's undo button named.
    pub seq: i64,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub action: String,
    pub redo: bool,
    pub events: Vec<ChangeEvent>,
    pub skipped: Vec<crate::undo::Skipped>,
}

/// What a command did, with the events it produced.
#[derive(Debug, Clone)]
pub enum Outcome {
    Written(Written),
    Updated(Updated),
    Member(MemberWrite),
    /// A batch: each operation's outcome, in order (errors only in a non-atomic batch).
    Batch(Vec<Result<Outcome, SyncError>>),
    Undone(Undone),
    /// A library item as written; `deleted` for a removal.
    Library {
        item: crate::Entity,
        deleted: bool,
    },
    /// A lookup list after a change: the whole new list.
    Lookup {
        lookup: Lookup,
        change: LookupChange,
        values: Vec<String>,
    },
    /// A key/value setting as written.
    Setting(Setting),
    SettingDeleted {
        key: String,
    },
}

/// Most operations one batch may carry.
pub const MAX_BATCH: usize = 1000;

/// How a batch runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Atomicity {
    /// All or nothing, in one transaction, with contiguous seqs.
    All,
    /// Each operation stands alone (a failed one changes nothing and the rest go on).
    Each,
}

impl Outcome {
    /// Every event, in seq order (a batch's are gathered, the rest borrowed).
    pub fn events(&self) -> Cow<'_, [ChangeEvent]> {
        match self {
            Outcome::Written(w) => Cow::Borrowed(&w.events),
            Outcome::Updated(u) => Cow::Borrowed(&u.events),
            Outcome::Member(m) => Cow::Borrowed(&m.events),
            Outcome::Undone(u) => Cow::Borrowed(&u.events),
            Outcome::Library { .. }
            | Outcome::Lookup { .. }
            | Outcome::Setting(_)
            | Outcome::SettingDeleted { .. } => Cow::Borrowed(&[]),
            Outcome::Batch(items) => {
                Cow::Owned(items.iter().flatten().flat_map(|o| o.events().into_owned()).collect())
            }
        }
    }

    /// What a settings write tells every connected client (outside every production, so
    /// not in a change log): the event and its data, the same from every adapter.
    pub fn announcement(&self) -> Option<(&'static str, Value)> {
        match self {
            Outcome::Lookup { lookup, change, values } => {
                let value = match change {
                    LookupChange::Add(v) | LookupChange::Remove(v) => Some(v.clone()),
                    _ => None,
                };
                let data = serde_json::json!({"list": lookup.path(), "action": change.action(),
                    "value": value, "values": values});
                Some((lookup.event(), data))
            }
            Outcome::Setting(s) => Some(("settings:updated", serde_json::json!(s))),
            Outcome::SettingDeleted { key } => Some(("settings:deleted", serde_json::json!({"key": key}))),
            _ => None,
        }
    }
}

/// The answer a client got, as kept for a retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: Value,
}

/// An `Idempotency-Key` and what the adapter needs to keep with it.
pub struct Receipt {
    /// Keys are per user; `""` for requests with no user (a trusted network).
    pub user: String,
    pub key: String,
    /// A digest of method, path and body: a retry must be the same request.
    pub fingerprint: String,
    /// Builds the response from the outcome inside the write's transaction: the very
    /// function the adapter answers with, so the kept answer is the one that was sent.
    pub respond: fn(&Outcome) -> StoredResponse,
}

impl std::fmt::Debug for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receipt").field("user", &self.user).field("key", &self.key).finish_non_exhaustive()
    }
}

/// What a kept receipt says about a request carrying its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Answer with the kept response; write nothing.
    Replay(StoredResponse),
    /// The key was used for another request.
    Reused,
}

/// The rule for a key that was seen before: the same request is replayed, any other is
/// refused.
pub fn seen(kept_fingerprint: &str, kept: StoredResponse, fingerprint: &str) -> Seen {
    if kept_fingerprint == fingerprint {
        Seen::Replay(kept)
    } else {
        Seen::Reused
    }
}

/// `Idempotency-Key`: 1 to 255 printable ASCII characters.
pub fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_key_replays_only_its_own_request() {
        let kept = StoredResponse { status: 201, body: json!({"id": 1}) };
        assert_eq!(seen("abc", kept.clone(), "abc"), Seen::Replay(kept.clone()));
        assert_eq!(seen("abc", kept, "abd"), Seen::Reused);
    }

    #[test]
    fn keys_are_short_printable_ascii() {
        for (key, ok) in [
            ("k", true),
            (&"x".repeat(255)[..], true),
            ("", false),
            (&"x".repeat(256)[..], false),
            ("tab\there", false),
            ("é", false),
        ] {
            assert_eq!(valid_key(key), ok, "{key:?}");
        }
    }
}
