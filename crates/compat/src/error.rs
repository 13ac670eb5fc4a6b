//! Errors in the original's shape: `{"error": "<message>"}`, which its frontend shows
//! (`err.response.data.error`), plus our stable `code` and `details` for anyone else. The
//! status and code come from the application layer's one taxonomy (`Problem`); this module
//! only renames fields to the original's names and renders. Where the original answers
//! with its own code (`PRODUCTION_NOT_FOUND`), that answer is built word for word.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use prodsync_app::{AuthError, Problem};
use prodsync_domain::{ErrorCode, SyncError};
use serde_json::{json, Value};

#[derive(Debug)]
pub enum CompatError {
    /// The application's answer, shaped as the original's.
    Problem(Problem),
    /// An answer the original gives in its own words (status and body).
    Original { status: u16, body: Value },
}

impl CompatError {
    pub fn not_found(message: impl Into<String>) -> Self {
        CompatError::Problem(Problem::new(404, ErrorCode::NotFound, message))
    }

    pub fn bad_request(code: ErrorCode, field: &str, message: impl Into<String>) -> Self {
        CompatError::Problem(Problem::bad_request(code, field, message))
    }

    /// The original's unmatched route: 404 `{"error": "Route not found"}`.
    pub fn no_route() -> Self {
        CompatError::Original { status: 404, body: json!({"error": "Route not found"}) }
    }

    /// The original's refusal of a create for a production it does not have (its LED and
    /// computer pages read the code to tell the user the show is not synced).
    pub fn production_not_found(production: &str) -> Self {
        let error = format!(
            "Production {production} not found in database. This production may exist only in local cache. \
             Please refresh the page or create a new production."
        );
        let body = json!({"error": error, "code": "PRODUCTION_NOT_FOUND", "productionId": production});
        CompatError::Original { status: 400, body }
    }

    /// Whether this says the production does not exist (or is hidden from the caller).
    pub fn is_missing_production(&self) -> bool {
        matches!(self, CompatError::Problem(p) if p.code == ErrorCode::NotFound && p.details["kind"] == "production")
    }

    /// A create's answer for a production it cannot write in: the original's own.
    pub fn for_create_in(self, production: &str) -> Self {
        if self.is_missing_production() {
            return CompatError::production_not_found(production);
        }
        self
    }

    pub fn status(&self) -> u16 {
        match self {
            CompatError::Problem(p) => p.status,
            CompatError::Original { status, .. } => *status,
        }
    }
}

/// Our field names as the original's pages know them: the display id is its `id`, our
/// UUID its `uuid`.
fn original_field(field: &str) -> &str {
    match field {
        "displayId" => "id",
        "id" => "uuid",
        "showName" => "name",
        other => other,
    }
}

impl std::fmt::Display for CompatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompatError::Problem(p) => p.fmt(f),
            CompatError::Original { status, body } => write!(f, "{status} {body}"),
        }
    }
}

impl ResponseError for CompatError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let p = match self {
            CompatError::Original { body, .. } => return HttpResponse::build(status).json(body),
            CompatError::Problem(p) => p,
        };
        if p.is_server_error() {
            tracing::error!(code = %p.code, message = %p.message, "compat request failed");
            return HttpResponse::build(status).json(json!({"error": p.public_message(), "code": p.code}));
        }
        let mut details = p.details.clone();
        if let Some(field) = p.field().map(original_field) {
            details["field"] = Value::from(field);
        }
        HttpResponse::build(status).json(json!({"error": p.message, "code": p.code, "details": details}))
    }
}

impl From<Problem> for CompatError {
    fn from(p: Problem) -> Self {
        CompatError::Problem(p)
    }
}

impl From<SyncError> for CompatError {
    fn from(e: SyncError) -> Self {
        CompatError::Problem(e.into())
    }
}

impl From<AuthError> for CompatError {
    fn from(e: AuthError) -> Self {
        CompatError::Problem(e.into())
    }
}

impl From<prodsync_domain::ValidationError> for CompatError {
    fn from(e: prodsync_domain::ValidationError) -> Self {
        CompatError::Problem(e.into())
    }
}
