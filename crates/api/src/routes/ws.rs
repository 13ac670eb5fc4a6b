//! `GET /ws`: authenticates the upgrade, then hands the socket to the realtime crate.
//! Browsers cannot set headers on a WebSocket, so the token may come as `?access_token=`
//! (and, on a trusted network, the user as `?userId=` / `?userName=`).

use prodsync_domain::ErrorCode;
use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_realtime::{upgrade, Hub};

use crate::access::bearer;
use crate::auth::Credentials;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn ws(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    hub: web::Data<Hub>,
) -> Result<HttpResponse, actix_web::Error> {
    let query = web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or_default();
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    // CORS does not cover WebSockets: without this, any page a crew member opens could
    // read live data from a server on their network (docs/security.md).
    if !state.origins.allows(header("origin"), header("host")) {
        tracing::info!(origin = header("origin"), "/ws: refused a page of another origin");
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            ErrorCode::OriginNotAllowed,
            "pages of this origin may not open a WebSocket here; add it to cors_origins",
        )
        .into());
    }
    let creds = Credentials {
        bearer: bearer(&req)?.or(query.get("access_token").map(String::as_str)),
        user_id: header("x-user-id").or(query.get("userId").map(String::as_str)),
        user_name: header("x-user-name").or(query.get("userName").map(String::as_str)),
    };
    let who = state.auth.identify(&creds).map_err(ApiError::from)?;
    upgrade(&req, body, &hub, who)
}
