//! `GET /api/productions/:pid/presence`: who is in the production's room right now.

use actix_web::{web, HttpResponse};
use prodsync_domain::access::Operation;
use prodsync_domain::ProductionId;
use prodsync_realtime::Hub;
use serde_json::json;

use crate::access::{authorize, Caller};
use crate::error::ApiError;
use crate::request::parse_id;
use crate::state::AppState;

pub async fn presence(
    state: web::Data<AppState>,
    hub: web::Data<Hub>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::Read).await?;
    // An administrator (or a trusted network) may name any id: it must still exist.
    state.feed.head_seq(ProductionId(pid)).await?;
    Ok(HttpResponse::Ok().json(json!({"productionId": pid, "users": hub.presence(pid).await})))
}
