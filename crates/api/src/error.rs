//! Every failure a client can see: an HTTP status, a stable `error` code, a message that
//! says what to do, and details. A 5xx is a bug or an outage, and is logged as such.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use prodsync_domain::access::MemberChangeError;
use prodsync_domain::SyncError;
use serde_json::{json, Value};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), details: json!({}) }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// What a non-member sees: exactly what a production that does not exist looks like.
    pub fn production_not_found(id: uuid::Uuid) -> Self {
        SyncError::NotFound { kind: "production", id }.into()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((actix_web::http::header::WWW_AUTHENTICATE, "Bearer"));
        }
        if !self.status.is_server_error() {
            return res.json(json!({"error": self.code, "message": self.message, "details": self.details}));
        }
        // The cause stays in the log; the client gets the id to quote.
        let request_id = crate::request_id::current();
        tracing::error!(code = self.code, status = self.status.as_u16(), request_id = ?request_id, "{}", self.message);
        let message = match self.code {
            "database_unavailable" => "the database is unreachable; nothing was changed, try again shortly",
            _ => "internal error; nothing is known to have changed. Quote the request id when reporting it",
        };
        res.json(json!({"error": self.code, "message": message, "details": {"requestId": request_id}}))
    }
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        use StatusCode as S;
        let message = e.to_string();
        match e {
            SyncError::NotFound { kind, id } => ApiError::new(S::NOT_FOUND, "not_found", message)
                .with_details(json!({"kind": kind, "id": id})),
            SyncError::IdExists { .. } => {
                ApiError::new(S::CONFLICT, "id_conflict", message).with_details(json!({"field": "id"}))
            }
            SyncError::IdMismatch { path, body } => ApiError::new(S::CONFLICT, "id_mismatch", message)
                .with_details(json!({"field": "id", "pathId": path, "bodyId": body})),
            SyncError::ProductionMismatch { path, body } => {
                ApiError::new(S::UNPROCESSABLE_ENTITY, "production_mismatch", message)
                    .with_details(json!({"field": "productionId", "pathId": path, "bodyId": body}))
            }
            SyncError::Rejected { base, conflicts } => ApiError::new(
                S::CONFLICT,
                "version_conflict",
                format!("{message}; nothing was written. Reload the entity and apply your edit again."),
            )
            .with_details(json!({"baseVersion": base, "conflicts": conflicts})),
            SyncError::InvalidReference { field, target } => {
                ApiError::new(S::UNPROCESSABLE_ENTITY, "invalid_reference", message)
                    .with_details(json!({"field": field, "target": target}))
            }
            SyncError::Invalid(v) => {
                let code = v.errors.first().map_or("invalid_body", |e| e.code);
                let field = v.errors.first().map(|e| e.field.clone());
                ApiError::new(S::UNPROCESSABLE_ENTITY, code, message)
                    .with_details(json!({"field": field, "fields": v.errors}))
            }
            SyncError::ResyncRequired { since, oldest } => ApiError::new(S::GONE, "resync_required", message)
                .with_details(json!({"since": since, "oldestSeq": oldest})),
            SyncError::NoSuchMember { user } => ApiError::new(S::NOT_FOUND, "member_not_found", message)
                .with_details(json!({"field": "userId", "userId": user})),
            SyncError::Member(MemberChangeError::LastOwner) => {
                ApiError::new(S::CONFLICT, "last_owner", message).with_details(json!({"field": "role"}))
            }
            SyncError::IdempotencyKeyReused => {
                ApiError::new(S::UNPROCESSABLE_ENTITY, "idempotency_key_reused", message)
                    .with_details(json!({"field": "Idempotency-Key"}))
            }
            SyncError::IdempotencyInProgress => {
                ApiError::new(S::CONFLICT, "idempotency_in_progress", message)
                    .with_details(json!({"field": "Idempotency-Key"}))
            }
            SyncError::NothingToUndo => ApiError::new(S::CONFLICT, "nothing_to_undo", message),
            SyncError::NothingToRedo => ApiError::new(S::CONFLICT, "nothing_to_redo", message),
            SyncError::BatchFailed { index, error } => {
                let mut api = ApiError::from(*error);
                api.message = format!("operation {index} failed, so none was applied: {}", api.message);
                if let Value::Object(details) = &mut api.details {
                    details.insert("index".into(), json!(index));
                }
                api
            }
            // Answered as a replay where writes run (AppState::run); reaching here is a bug.
            SyncError::AlreadyDone(_) => ApiError::new(S::INTERNAL_SERVER_ERROR, "internal", message),
            SyncError::Duplicate { field, value } => ApiError::new(S::CONFLICT, "duplicate_value", message)
                .with_details(json!({"field": field, "value": value})),
            SyncError::InUse { kind, id, by } => ApiError::new(S::CONFLICT, "in_use", message)
                .with_details(json!({"kind": kind, "id": id, "usedBy": by})),
            SyncError::SettingNotFound { .. } => ApiError::new(S::NOT_FOUND, "not_found", message),
            SyncError::Unavailable(_) => {
                ApiError::new(S::SERVICE_UNAVAILABLE, "database_unavailable", message)
            }
            SyncError::Internal(_) => ApiError::new(S::INTERNAL_SERVER_ERROR, "internal", message),
        }
    }
}

impl ApiError {
    /// The answer as a batch result or a kept response carries it.
    pub fn stored(&self) -> prodsync_domain::command::StoredResponse {
        let body = json!({"error": self.code, "message": self.message, "details": self.details});
        prodsync_domain::command::StoredResponse { status: self.status.as_u16(), body }
    }
}

impl From<prodsync_domain::ValidationError> for ApiError {
    fn from(e: prodsync_domain::ValidationError) -> Self {
        SyncError::Invalid(e).into()
    }
}
