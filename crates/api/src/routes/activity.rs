//! `GET /api/productions/:pid/activity`: who changed what, newest first, filtered and paged.

use actix_web::{web, HttpResponse};
use prodsync_domain::access::{is_valid_user_text, Operation};
use prodsync_domain::activity::ActivityQuery;
use prodsync_domain::catalog;
use prodsync_domain::member::MEMBER;
use prodsync_domain::ErrorCode;
use prodsync_domain::ProductionId;
use serde::Deserialize;
use serde_json::json;

use crate::access::{authorize, Caller};
use crate::error::ApiError;
use crate::request::parse_id;
use crate::routes::feed::number;
use crate::state::AppState;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Query {
    limit: Option<String>,
    before: Option<String>,
    entity_type: Option<String>,
    entity_id: Option<String>,
    user_id: Option<String>,
}

fn bad(field: &str, message: String) -> ApiError {
    ApiError::bad_request(ErrorCode::InvalidQuery, message).with_details(json!({"field": field}))
}

fn parse(q: &Query) -> Result<ActivityQuery, ApiError> {
    let entity_type = match q.entity_type.as_deref() {
        None => None,
        Some(t) if t == MEMBER || catalog::by_name(t).is_some() => Some(t.to_owned()),
        Some(t) => {
            return Err(bad(
                "entityType",
                format!("entityType must be an event prefix such as camera, got {t:?}"),
            ))
        }
    };
    let entity_id = q.entity_id.as_deref().map(|raw| parse_id("entityId", raw)).transpose()?;
    let user_id = match q.user_id.as_deref() {
        Some(u) if !is_valid_user_text(u) => {
            return Err(bad("userId", "userId must be printable text of at most 200 characters".into()))
        }
        other => other.map(str::to_owned),
    };
    Ok(ActivityQuery {
        limit: number("limit", q.limit.as_deref(), DEFAULT_LIMIT, 1..=MAX_LIMIT)?,
        before: q
            .before
            .as_deref()
            .map(|_| number("before", q.before.as_deref(), 0, 1..=i64::MAX))
            .transpose()?,
        entity_type,
        entity_id,
        user_id,
    })
}

pub async fn activity(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<Query>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    let query = parse(&query)?;
    authorize(&state, &caller, pid, Operation::Read).await?;
    Ok(HttpResponse::Ok().json(state.activity.activity(ProductionId(pid), &query).await?))
}
