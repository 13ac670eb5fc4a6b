//! One error taxonomy for every adapter: what failed (a stable `ErrorCode`), the HTTP
//! status it is, a message that says what to do, and details naming the field. `api`
//! renders it as `{"error", "message", "details"}`; `compat` in the original app's shape.
//! A 5xx is a bug or an outage; its message stays in the log (the adapters see to that).

use prodsync_domain::access::MemberChangeError;
use prodsync_domain::{ErrorCode, SyncError, ValidationError};
use serde_json::{json, Value};

use crate::identity::AuthError;

#[derive(Debug, Clone)]
pub struct Problem {
    pub status: u16,
    pub code: ErrorCode,
    pub message: String,
    pub details: Value,
}

impl Problem {
    pub fn new(status: u16, code: ErrorCode, message: impl Into<String>) -> Problem {
        Problem { status, code, message: message.into(), details: json!({}) }
    }

    pub fn with_details(mut self, details: Value) -> Problem {
        self.details = details;
        self
    }

    /// A request that cannot be read (400): a header, path or query naming `field`.
    pub fn bad_request(code: ErrorCode, field: &str, message: impl Into<String>) -> Problem {
        Problem::new(400, code, message).with_details(json!({"field": field}))
    }

    pub fn forbidden(message: impl Into<String>) -> Problem {
        Problem::new(403, ErrorCode::Forbidden, message)
    }

    /// What a non-member sees: exactly what a production that does not exist looks like.
    pub fn production_not_found(id: uuid::Uuid) -> Problem {
        SyncError::NotFound { kind: "production", id }.into()
    }

    pub fn internal(message: impl Into<String>) -> Problem {
        Problem::new(500, ErrorCode::Internal, message)
    }

    pub fn is_server_error(&self) -> bool {
        self.status >= 500
    }

    /// What a client is told of a 5xx: never the cause (that goes to the log), only
    /// whether trying again shortly may help.
    pub fn public_message(&self) -> &'static str {
        match self.code {
            ErrorCode::DatabaseUnavailable => {
                "the database is unreachable; nothing was changed, try again shortly"
            }
            _ => "internal error; nothing is known to have changed. Quote the request id when reporting it",
        }
    }

    /// The field the details name, if any.
    pub fn field(&self) -> Option<&str> {
        self.details.get("field").and_then(Value::as_str)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl From<AuthError> for Problem {
    fn from(e: AuthError) -> Problem {
        match e {
            AuthError::BadName(field) => Problem::bad_request(ErrorCode::InvalidHeader, field, e.to_string()),
            _ => Problem::new(401, ErrorCode::Unauthorized, e.to_string()),
        }
    }
}

impl From<ValidationError> for Problem {
    fn from(e: ValidationError) -> Problem {
        SyncError::Invalid(e).into()
    }
}

impl From<SyncError> for Problem {
    fn from(e: SyncError) -> Problem {
        use ErrorCode as C;
        let message = e.to_string();
        let p = |status, code| Problem::new(status, code, message.clone());
        match e {
            SyncError::NotFound { kind, id } => {
                p(404, C::NotFound).with_details(json!({"kind": kind, "id": id}))
            }
            SyncError::IdExists { .. } => p(409, C::IdConflict).with_details(json!({"field": "id"})),
            SyncError::IdMismatch { path, body } => {
                p(409, C::IdMismatch).with_details(json!({"field": "id", "pathId": path, "bodyId": body}))
            }
            SyncError::ProductionMismatch { path, body } => p(422, C::ProductionMismatch)
                .with_details(json!({"field": "productionId", "pathId": path, "bodyId": body})),
            SyncError::Rejected { base, conflicts } => Problem::new(
                409,
                C::VersionConflict,
                format!("{message}; nothing was written. Reload the entity and apply your edit again."),
            )
            .with_details(json!({"baseVersion": base, "conflicts": conflicts})),
            SyncError::InvalidReference { field, target } => {
                p(422, C::InvalidReference).with_details(json!({"field": field, "target": target}))
            }
            SyncError::Invalid(v) => {
                let code = v.errors.first().map_or(C::InvalidBody, |e| e.code);
                let field = v.errors.first().map(|e| e.field.clone());
                p(422, code).with_details(json!({"field": field, "fields": v.errors}))
            }
            SyncError::ResyncRequired { since, oldest } => {
                p(410, C::ResyncRequired).with_details(json!({"since": since, "oldestSeq": oldest}))
            }
            SyncError::NoSuchMember { user } => {
                p(404, C::MemberNotFound).with_details(json!({"field": "userId", "userId": user}))
            }
            SyncError::Member(MemberChangeError::LastOwner) => {
                p(409, C::LastOwner).with_details(json!({"field": "role"}))
            }
            SyncError::IdempotencyKeyReused => {
                p(422, C::IdempotencyKeyReused).with_details(json!({"field": "Idempotency-Key"}))
            }
            SyncError::IdempotencyInProgress => {
                p(409, C::IdempotencyInProgress).with_details(json!({"field": "Idempotency-Key"}))
            }
            SyncError::NothingToUndo => p(409, C::NothingToUndo),
            SyncError::NothingToRedo => p(409, C::NothingToRedo),
            SyncError::BatchFailed { index, error } => {
                let mut inner = Problem::from(*error);
                inner.message = format!("operation {index} failed, so none was applied: {}", inner.message);
                if let Value::Object(details) = &mut inner.details {
                    details.insert("index".into(), json!(index));
                }
                inner
            }
            // Answered as a replay where writes run (`App::execute`); reaching here is a bug.
            SyncError::AlreadyDone(_) => p(500, C::Internal),
            SyncError::Duplicate { field, value } => {
                p(409, C::DuplicateValue).with_details(json!({"field": field, "value": value}))
            }
            SyncError::InUse { kind, id, by } => {
                p(409, C::InUse).with_details(json!({"kind": kind, "id": id, "usedBy": by}))
            }
            SyncError::SettingNotFound { .. } => p(404, C::NotFound),
            SyncError::Unavailable(_) => p(503, C::DatabaseUnavailable),
            SyncError::Internal(_) => p(500, C::Internal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn each_domain_error_has_its_status_and_code() {
        let id = Uuid::nil();
        let table: Vec<(SyncError, u16, ErrorCode)> = vec![
            (SyncError::NotFound { kind: "camera", id }, 404, ErrorCode::NotFound),
            (SyncError::IdExists { kind: "camera", id }, 409, ErrorCode::IdConflict),
            (SyncError::Duplicate { field: "id".into(), value: None }, 409, ErrorCode::DuplicateValue),
            (SyncError::InvalidReference { field: "ccuId", target: "ccu" }, 422, ErrorCode::InvalidReference),
            (SyncError::Unavailable("x".into()), 503, ErrorCode::DatabaseUnavailable),
            (SyncError::Internal("x".into()), 500, ErrorCode::Internal),
            (SyncError::NothingToUndo, 409, ErrorCode::NothingToUndo),
        ];
        for (error, status, code) in table {
            let p = Problem::from(error);
            assert_eq!((p.status, p.code), (status, code), "{p}");
        }
    }

    #[test]
    fn a_failed_batch_answers_as_its_failing_operation_with_the_index() {
        let inner = SyncError::Duplicate { field: "id".into(), value: Some("CAM 1".into()) };
        let p = Problem::from(SyncError::BatchFailed { index: 2, error: Box::new(inner) });
        assert_eq!((p.status, p.code, p.field()), (409, ErrorCode::DuplicateValue, Some("id")));
        assert_eq!(p.details["index"], 2);
    }
}
