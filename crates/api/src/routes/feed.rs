//! The production's stream over REST: a consistent snapshot and catch-up since a seq.

use actix_web::{web, HttpResponse};
use prodsync_domain::catalog::PRODUCTION_ENTITIES;
use prodsync_domain::ErrorCode;
use prodsync_domain::ProductionId;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::access::{authorize, Caller};
use crate::error::ApiError;
use crate::request::parse_id;
use crate::state::AppState;
use prodsync_domain::access::Operation;

const DEFAULT_LIMIT: i64 = 1000;
const MAX_LIMIT: i64 = 10_000;

pub async fn snapshot(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::Read).await?;
    let snap = state.feed.snapshot(ProductionId(pid)).await?;
    let mut groups: Map<String, Value> =
        PRODUCTION_ENTITIES.iter().map(|k| (k.path.to_owned(), Value::Array(Vec::new()))).collect();
    for e in &snap.entities {
        if let Some(Value::Array(list)) = groups.get_mut(e.kind.path) {
            list.push(e.to_json());
        }
    }
    Ok(HttpResponse::Ok().json(json!({
        "production": snap.production.to_json(),
        "entities": groups,
        "seq": snap.seq,
    })))
}

#[derive(Deserialize)]
pub struct ChangesQuery {
    since: Option<String>,
    limit: Option<String>,
}

pub(crate) fn number(
    name: &str,
    raw: Option<&str>,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ApiError> {
    let Some(raw) = raw else { return Ok(default) };
    match raw.parse::<i64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("{name} must be an integer from {} to {}, got {raw:?}", range.start(), range.end()),
        )
        .with_details(json!({"field": name}))),
    }
}

pub async fn changes(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::Read).await?;
    let since = number("since", query.since.as_deref(), 0, 0..=i64::MAX)?;
    let limit = number("limit", query.limit.as_deref(), DEFAULT_LIMIT, 1..=MAX_LIMIT)?;
    let page = state.feed.changes_since(ProductionId(pid), since, limit).await?;
    Ok(HttpResponse::Ok().json(json!({
        "productionId": pid,
        "since": since,
        "events": page.events,
        "headSeq": page.head_seq,
        "hasMore": page.has_more,
    })))
}
