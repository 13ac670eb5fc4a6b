//! Errors in the original's shape: `{"error": "<message>"}`, which its frontend shows
//! (`err.response.data.error`), plus our stable `code` and `details` for anyone else.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use prodsync_domain::SyncError;
use serde_json::{json, Value};

#[derive(Debug)]
pub struct CompatError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
}

impl CompatError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        CompatError { status, code, message: message.into(), details: json!({}) }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn with_field(mut self, field: &str) -> Self {
        self.details = json!({"field": field});
        self
    }
}

impl std::fmt::Display for CompatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for CompatError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, message = %self.message, "compat request failed");
            let message = if self.code == "database_unavailable" {
                "the database is unreachable; nothing was changed, try again shortly"
            } else {
                "internal error"
            };
            return HttpResponse::build(self.status).json(json!({"error": message, "code": self.code}));
        }
        HttpResponse::build(self.status)
            .json(json!({"error": self.message, "code": self.code, "details": self.details}))
    }
}

impl From<SyncError> for CompatError {
    fn from(e: SyncError) -> Self {
        use StatusCode as S;
        let message = e.to_string();
        let (status, code, details) = match &e {
            SyncError::NotFound { kind, .. } if *kind == "production" => {
                (S::NOT_FOUND, "not_found", json!({}))
            }
            SyncError::NotFound { .. } => (S::NOT_FOUND, "not_found", json!({})),
            SyncError::IdExists { .. } => (S::CONFLICT, "id_conflict", json!({"field": "uuid"})),
            SyncError::IdMismatch { .. } => (S::CONFLICT, "id_mismatch", json!({"field": "uuid"})),
            SyncError::Rejected { conflicts, .. } => {
                (S::CONFLICT, "version_conflict", json!({"conflicts": conflicts}))
            }
            SyncError::InvalidReference { field, .. } => {
                (S::UNPROCESSABLE_ENTITY, "invalid_reference", json!({"field": field}))
            }
            SyncError::Invalid(v) => (
                S::UNPROCESSABLE_ENTITY,
                v.errors.first().map_or("invalid_body", |e| e.code),
                json!({"field": v.errors.first().map(|e| e.field.clone()), "fields": v.errors}),
            ),
            SyncError::Duplicate { field, .. } => (S::CONFLICT, "duplicate_value", json!({"field": field})),
            SyncError::InUse { by, .. } => (S::CONFLICT, "in_use", json!({"usedBy": by})),
            SyncError::SettingNotFound { .. } => (S::NOT_FOUND, "not_found", json!({})),
            SyncError::ProductionMismatch { .. } => {
                (S::UNPROCESSABLE_ENTITY, "production_mismatch", json!({"field": "productionId"}))
            }
            SyncError::Unavailable(_) => (S::SERVICE_UNAVAILABLE, "database_unavailable", json!({})),
            _ => (S::INTERNAL_SERVER_ERROR, "internal", json!({})),
        };
        CompatError { status, code, message, details }
    }
}

impl From<prodsync_domain::ValidationError> for CompatError {
    fn from(e: prodsync_domain::ValidationError) -> Self {
        SyncError::Invalid(e).into()
    }
}
