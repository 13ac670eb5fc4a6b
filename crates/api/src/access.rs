//! The caller of each request, established before the handler runs (a 401 never reaches
//! a handler), and the access check every route makes: both the application layer's
//! (`prodsync_app`), here only read from the request and answered as this API answers.

use prodsync_domain::ProductionId;
use std::future::{ready, Ready};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use prodsync_app::Credentials;
use prodsync_domain::access::{GlobalOperation, Identity, Operation};
use prodsync_domain::ports::Actor;
use prodsync_domain::ErrorCode;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Caller(pub Identity);

impl Caller {
    /// Who a write is attributed to.
    pub fn actor(&self) -> Actor {
        prodsync_app::access::actor(&self.0)
    }
}

fn header<'a>(req: &'a HttpRequest, name: &'static str) -> Result<Option<&'a str>, ApiError> {
    match req.headers().get(name) {
        None => Ok(None),
        Some(v) => v.to_str().map(Some).map_err(|_| {
            ApiError(prodsync_app::Problem::bad_request(
                ErrorCode::InvalidHeader,
                name,
                format!("{name} must be printable ASCII"),
            ))
        }),
    }
}

/// `Authorization: Bearer <token>`; any other scheme counts as no token.
pub fn bearer(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
    Ok(header(req, "Authorization")?.and_then(prodsync_app::bearer))
}

fn identify(req: &HttpRequest) -> Result<Caller, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError(prodsync_app::Problem::internal("no app state")))?;
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
    state.app.authorize(&caller.0, ProductionId(production), op).await?;
    Ok(())
}

pub fn authorize_global(caller: &Caller, op: GlobalOperation) -> Result<(), ApiError> {
    Ok(prodsync_app::access::authorize_global(&caller.0, op)?)
}
