//! The caller of each request, and the one question every route asks before it acts:
//! may this caller do this here? The answer is the domain's (`access::decide`); this module
//! only fetches the role it needs and turns the verdict into a status.

use std::future::{ready, Ready};

use actix_web::http::StatusCode;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use prodsync_domain::access::{
    decide, decide_global, needs_membership, GlobalOperation, Identity, Operation, Verdict,
};
use prodsync_domain::ports::Actor;
use serde_json::json;
use uuid::Uuid;

use crate::auth::{AuthError, Credentials};
use crate::error::ApiError;
use crate::state::AppState;

/// Who is calling, established before the handler runs: a 401 never reaches a handler.
#[derive(Debug, Clone)]
pub struct Caller(pub Identity);

impl Caller {
    /// Who a write is attributed to.
    pub fn actor(&self) -> Actor {
        Actor { id: self.0.user_id.clone(), name: self.0.name.clone(), cause: None, step: None }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::BadName(field) => {
                ApiError::bad_request("invalid_header", e.to_string()).with_details(json!({"field": field}))
            }
            _ => ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", e.to_string()),
        }
    }
}

fn header<'a>(req: &'a HttpRequest, name: &'static str) -> Result<Option<&'a str>, ApiError> {
    match req.headers().get(name) {
        None => Ok(None),
        Some(v) => v.to_str().map(Some).map_err(|_| {
            ApiError::bad_request("invalid_header", format!("{name} must be printable ASCII"))
                .with_details(json!({"field": name}))
        }),
    }
}

/// `Authorization: Bearer <token>`; any other scheme counts as no token.
pub fn bearer(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
    Ok(header(req, "Authorization")?
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer "))))
}

fn identify(req: &HttpRequest) -> Result<Caller, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "no app state"))?;
    let creds = Credentials {
        bearer: bearer(req)?,
        user_id: header(req, "X-User-Id")?,
        user_name: header(req, "X-User-Name")?,
    };
    Ok(Caller(state.auth.identify(&creds)?))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(identify(req))
    }
}

/// Allows, or answers 404 (not a member: the production does not exist for them) or 403.
pub async fn authorize(
    state: &AppState,
    caller: &Caller,
    production: Uuid,
    op: Operation,
) -> Result<(), ApiError> {
    let role = match &caller.0.user_id {
        Some(user) if needs_membership(&caller.0) => state.members.role(production, user).await?,
        _ => None,
    };
    match decide(&caller.0, role, op) {
        Verdict::Allow => Ok(()),
        Verdict::Hidden => Err(ApiError::production_not_found(production)),
        Verdict::Forbidden => Err(forbidden(format!(
            "this needs the {} role in this production; yours is {}",
            op.needs().as_str(),
            role.map_or("none", |r| r.as_str())
        ))
        .with_details(json!({"required": op.needs(), "role": role}))),
    }
}

pub fn authorize_global(caller: &Caller, op: GlobalOperation) -> Result<(), ApiError> {
    match decide_global(&caller.0, op) {
        Verdict::Allow => Ok(()),
        _ => Err(forbidden("only administrators may do this")),
    }
}

fn forbidden(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
}
