//! Domain errors. Every variant maps to one HTTP status and one stable error code in `api`.

use serde::Serialize;
use uuid::Uuid;

use crate::merge::Conflict;
use crate::ErrorCode;

/// One problem with one field of a request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
    pub message: String,
}

/// A request body that does not fit its entity type. Lists every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .errors.first().map(|e| e.message.as_str()).unwrap_or("invalid body"))]
pub struct ValidationError {
    pub errors: Vec<FieldError>,
}

impl ValidationError {
    pub fn single(field: &str, code: ErrorCode, message: String) -> Self {
        ValidationError { errors: vec![FieldError { field: field.into(), code, message }] }
    }
}

/// What a sync operation (merge, store, feed) can fail with, as the API needs to tell it apart.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SyncError {
    #[error("{kind} {id} not found")]
    NotFound { kind: &'static str, id: Uuid },
    /// A create with a client-chosen id that is taken. Its message names neither the id
    /// nor its type: the caller may not be able to see what holds it (docs/security.md).
    #[error("this id is taken; send no id and the server chooses one")]
    IdExists { kind: &'static str, id: Uuid },
    #[error("body id {body} does not match the path id {path}")]
    IdMismatch { path: Uuid, body: Uuid },
    #[error("productionId {body} in the body does not match the path production {path}")]
    ProductionMismatch { path: Uuid, body: Uuid },
    #[error("{} field(s) changed since version {base}: {}", .conflicts.len(), conflict_fields(.conflicts))]
    Rejected { base: i64, conflicts: Vec<Conflict> },
    #[error("{field} does not name an existing {target} (of this production, or of the {target} library)")]
    InvalidReference { field: &'static str, target: &'static str },
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("events after seq {since} are no longer kept (oldest kept: {oldest}); load the snapshot")]
    ResyncRequired { since: i64, oldest: i64 },
    #[error("{user} is not a member of this production")]
    NoSuchMember { user: String },
    #[error(transparent)]
    Member(#[from] crate::access::MemberChangeError),
    #[error("this Idempotency-Key was used before for this same request")]
    AlreadyDone(crate::command::StoredResponse),
    #[error("this Idempotency-Key was used before for a different request; use a new key for a new request")]
    IdempotencyKeyReused,
    #[error("a request with this Idempotency-Key is still running; retry when it has answered")]
    IdempotencyInProgress,
    #[error("operation {index} of the batch failed, so none was applied: {error}")]
    BatchFailed { index: usize, error: Box<SyncError> },
    #[error("nothing of yours to undo in this production")]
    NothingToUndo,
    #[error("nothing of yours to redo in this production (a new write clears what could be redone)")]
    NothingToRedo,
    #[error("{field} is already taken{}", .value.as_ref().map(|v| format!(": {v:?}")).unwrap_or_default())]
    Duplicate { field: String, value: Option<String> },
    #[error("{kind} {id} is still used by a {by}; archive it instead, or change the {by} first")]
    InUse { kind: &'static str, id: Uuid, by: &'static str },
    #[error("{what} not found")]
    SettingNotFound { what: String },
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

fn conflict_fields(conflicts: &[Conflict]) -> String {
    conflicts.iter().map(|c| c.field).collect::<Vec<_>>().join(", ")
}
