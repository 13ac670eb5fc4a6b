//! The application layer's `Problem` as this API answers it: the status, and
//! `{"error": <code>, "message", "details"}`. A 5xx is a bug or an outage: logged with its
//! cause, answered with the request id to quote and never with the cause itself.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use prodsync_app::{AuthError, Problem};
use prodsync_domain::{ErrorCode, SyncError};
use serde_json::{json, Value};

#[derive(Debug)]
pub struct ApiError(pub Problem);

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError(Problem::new(status.as_u16(), code, message))
    }

    pub fn with_details(self, details: Value) -> Self {
        ApiError(self.0.with_details(details))
    }

    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// What a non-member sees: exactly what a production that does not exist looks like.
    pub fn production_not_found(id: uuid::Uuid) -> Self {
        ApiError(Problem::production_not_found(id))
    }

    /// The answer as a batch result or a kept response carries it.
    pub fn stored(&self) -> prodsync_domain::command::StoredResponse {
        let body = json!({"error": self.code, "message": self.message, "details": self.details});
        prodsync_domain::command::StoredResponse { status: self.status, body }
    }
}

impl std::ops::Deref for ApiError {
    type Target = Problem;
    fn deref(&self) -> &Problem {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut Problem {
        &mut self.0
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        if self.status == 401 {
            res.insert_header((actix_web::http::header::WWW_AUTHENTICATE, "Bearer"));
        }
        if !self.is_server_error() {
            return res.json(json!({"error": self.code, "message": self.message, "details": self.details}));
        }
        // The cause stays in the log; the client gets the id to quote.
        let request_id = crate::request_id::current();
        tracing::error!(code = %self.code, status = self.status, request_id = ?request_id, "{}", self.message);
        res.json(json!({"error": self.code, "message": self.public_message(), "details": {"requestId": request_id}}))
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError(p)
    }
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        ApiError(e.into())
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        ApiError(e.into())
    }
}

impl From<prodsync_domain::ValidationError> for ApiError {
    fn from(e: prodsync_domain::ValidationError) -> Self {
        ApiError(e.into())
    }
}
