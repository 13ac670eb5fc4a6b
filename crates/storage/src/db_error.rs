//! Turns database failures into the domain's errors, so that a client's mistake (a bad
//! reference, a duplicate id) is a 4xx and only a real fault is a 5xx.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use prodsync_domain::catalog::{LIBRARIES, PRODUCTION_ENTITIES};
use prodsync_domain::field::FieldType;
use prodsync_domain::{EntityKind, SyncError};

#[derive(Debug)]
pub(crate) enum DbError {
    Query(DieselError),
    Pool(String),
    Domain(SyncError),
}

impl From<DieselError> for DbError {
    fn from(e: DieselError) -> Self {
        DbError::Query(e)
    }
}

impl From<SyncError> for DbError {
    fn from(e: SyncError) -> Self {
        DbError::Domain(e)
    }
}

impl DbError {
    pub fn internal(msg: impl std::fmt::Display) -> Self {
        DbError::Domain(SyncError::Internal(msg.to_string()))
    }

    /// Deadlocks (a production delete racing an entity write) and serialization failures
    /// are resolved by running the transaction again.
    pub fn is_retryable(&self) -> bool {
        match self {
            DbError::Query(DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _)) => true,
            DbError::Query(DieselError::DatabaseError(_, info)) => {
                info.message().contains("deadlock detected")
            }
            _ => false,
        }
    }

    pub fn into_sync(self, kind: &'static EntityKind) -> SyncError {
        match self {
            DbError::Domain(e) => e,
            DbError::Pool(msg) => SyncError::Unavailable(msg),
            DbError::Query(DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info)) => {
                foreign_key(kind, info.constraint_name().unwrap_or_default())
            }
            DbError::Query(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) => {
                duplicate(kind, info.constraint_name().unwrap_or_default())
            }
            DbError::Query(DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            )) => SyncError::Unavailable(info.message().to_owned()),
            DbError::Query(DieselError::BrokenTransactionManager) => {
                SyncError::Unavailable("connection lost mid-transaction".into())
            }
            DbError::Query(e) if looks_like_connection_loss(&e) => SyncError::Unavailable(e.to_string()),
            DbError::Query(e) => SyncError::Internal(e.to_string()),
        }
    }
}

fn looks_like_connection_loss(e: &DieselError) -> bool {
    let msg = e.to_string().to_ascii_lowercase();
    ["connection closed", "connection reset", "broken pipe", "terminating connection", "connection refused"]
        .iter()
        .any(|needle| msg.contains(needle))
}

/// A reference to an entity not in this production. Constraint names follow
/// `{table}_{column}_fkey` (see the migrations); a missing production is mapped where the
/// insert knows its id (`entities::production_missing`).
fn foreign_key(kind: &'static EntityKind, constraint: &str) -> SyncError {
    let owner = owner(kind, constraint);
    for f in owner.fields {
        if let FieldType::Ref(target) | FieldType::Library(target) = f.ty {
            if constraint == format!("{}_{}_fkey", owner.table, f.column()) {
                return SyncError::InvalidReference { field: f.name, target };
            }
        }
    }
    SyncError::Internal(format!("unexpected foreign-key violation on {constraint}"))
}

/// A value already held by another entity in a unique field; the index is named
/// `{table}_{column}_key` (see the migrations).
fn duplicate(kind: &'static EntityKind, constraint: &str) -> SyncError {
    let owner = owner(kind, constraint);
    match owner
        .fields
        .iter()
        .find(|f| f.unique && constraint == format!("{}_{}_key", owner.table, f.column()))
    {
        Some(f) => SyncError::Duplicate { field: f.name.into(), value: None },
        None => SyncError::Internal(format!("unexpected unique violation on {constraint}")),
    }
}

/// The type whose table a constraint is on (tables that share a prefix, such as
/// `sources` and `source_outputs`, are told apart by the longest match).
fn owner(kind: &'static EntityKind, constraint: &str) -> &'static EntityKind {
    PRODUCTION_ENTITIES
        .iter()
        .chain(LIBRARIES)
        .copied()
        .filter(|k| constraint.starts_with(&format!("{}_", k.table)))
        .max_by_key(|k| k.table.len())
        .unwrap_or(kind)
}
