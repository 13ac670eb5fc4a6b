//! `GET /api/productions`: the caller's productions (administrators: all), oldest first,
//! in pages. The body stays a plain array (what existing clients read); the next page is
//! named by `X-Next-Cursor` and a `Link: <...>; rel="next"` header.

use actix_web::{web, HttpResponse};
use prodsync_domain::access::{list_scope, GlobalOperation, ListScope};
use prodsync_domain::ports::{ProductionCursor, ProductionPage};
use prodsync_domain::Entity;
use prodsync_domain::ErrorCode;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::{authorize_global, Caller};
use crate::error::ApiError;
use crate::routes::feed::number;
use crate::state::AppState;

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;

#[derive(Deserialize)]
pub struct PageQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

/// `<microseconds since 1970>.<uuid>`: opaque to clients, stable across restarts.
fn encode(c: &ProductionCursor) -> String {
    format!("{}.{}", c.created_at.unix_timestamp_nanos() / 1000, c.id.simple())
}

fn decode(raw: &str) -> Result<ProductionCursor, ApiError> {
    let parse = || {
        let (micros, id) = raw.split_once('.')?;
        let nanos = micros.parse::<i128>().ok()?.checked_mul(1000)?;
        let created_at = OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()?;
        Some(ProductionCursor { created_at, id: Uuid::parse_str(id).ok()? })
    };
    parse().ok_or_else(|| {
        ApiError::bad_request(ErrorCode::InvalidQuery, "cursor must be a value from X-Next-Cursor")
            .with_details(json!({"field": "cursor"}))
    })
}

pub async fn list_productions(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ListProductions)?;
    let limit = number("limit", query.limit.as_deref(), DEFAULT_LIMIT, 1..=MAX_LIMIT)?;
    let after = query.cursor.as_deref().map(decode).transpose()?;
    let page = match list_scope(&caller.0) {
        ListScope::All => state.members.productions(None, after, limit).await?,
        ListScope::MemberOf(user) => state.members.productions(Some(user), after, limit).await?,
        ListScope::Nothing => ProductionPage { items: vec![], next: None },
    };
    let mut res = HttpResponse::Ok();
    if let Some(next) = &page.next {
        let cursor = encode(next);
        res.insert_header(("x-next-cursor", cursor.clone()));
        res.insert_header((
            "link",
            format!("</api/productions?limit={limit}&cursor={cursor}>; rel=\"next\""),
        ));
    }
    Ok(res.json(page.items.iter().map(Entity::to_json).collect::<Vec<_>>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = ProductionCursor {
            created_at: OffsetDateTime::from_unix_timestamp_nanos(1_764_000_000_123_456_000).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(decode(&encode(&c)).unwrap(), c);
        for bad in ["", "x", "1.2", "99999999999999999999999999.00000000000000000000000000000000", ".abc"] {
            assert_eq!(decode(bad).unwrap_err().code, "invalid_query", "{bad}");
        }
    }
}
