//! The global libraries: equipment and formats. One set of handlers; the route's `kind`
//! says which library.

use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::access::GlobalOperation;
use prodsync_domain::command::{Command, Outcome, StoredResponse};
use prodsync_domain::equipment::{CATEGORIES, EQUIPMENT};
use prodsync_domain::ErrorCode;
use prodsync_domain::{parse_create, parse_update, Entity, EntityKind};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::access::{authorize_global, Caller};
use crate::error::ApiError;
use crate::request::parse_id;
use crate::routes::entities::unexpected;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ListQuery {
    category: Option<String>,
    /// Archived equipment is left out unless asked for.
    #[serde(rename = "includeArchived", default)]
    include_archived: bool,
}

pub async fn list(
    state: web::Data<AppState>,
    kind: web::Data<&'static EntityKind>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ReadLibrary)?;
    let kind = *kind.get_ref();
    if query.category.is_some() && kind != &EQUIPMENT {
        return Err(ApiError::bad_request(ErrorCode::InvalidQuery, format!("{} has no category", kind.path))
            .with_details(json!({"field": "category"})));
    }
    if let Some(c) = query.category.as_deref().filter(|c| !CATEGORIES.contains(c)) {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("category must be one of {}, got {c:?}", CATEGORIES.join(", ")),
        )
        .with_details(json!({"field": "category"})));
    }
    let shown = |e: &Entity| {
        let is = |field: &str, v: &Value| e.value(field).is_some_and(|x| x == v);
        let category_ok = query.category.as_deref().is_none_or(|c| is("category", &json!(c)));
        category_ok && (query.include_archived || !is("archived", &json!(true)))
    };
    let items = state.library.list(kind).await?;
    Ok(HttpResponse::Ok().json(items.iter().filter(|e| shown(e)).map(Entity::to_json).collect::<Vec<_>>()))
}

pub async fn get(
    state: web::Data<AppState>,
    kind: web::Data<&'static EntityKind>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ReadLibrary)?;
    let id = parse_id("id", &path)?;
    Ok(HttpResponse::Ok().json(state.library.get(kind.get_ref(), id).await?.to_json()))
}

fn item(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::Library { item, deleted: false } => StoredResponse { status: 200, body: item.to_json() },
        Outcome::Library { item, deleted: true } => {
            StoredResponse { status: 200, body: json!({"id": item.id, "deleted": true}) }
        }
        other => unexpected(other),
    }
}

fn created(o: &Outcome) -> StoredResponse {
    StoredResponse { status: 201, ..item(o) }
}

pub async fn create(
    state: web::Data<AppState>,
    kind: web::Data<&'static EntityKind>,
    caller: Caller,
    req: HttpRequest,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ChangeLibrary)?;
    let kind = *kind.get_ref();
    let input = parse_create(kind, &body)?;
    state.run(&req, &caller, Some(&body), Command::CreateLibrary { kind, input }, created).await
}

pub async fn update(
    state: web::Data<AppState>,
    kind: web::Data<&'static EntityKind>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ChangeLibrary)?;
    let (kind, id) = (*kind.get_ref(), parse_id("id", &path)?);
    let input = parse_update(kind, &body)?;
    state.run(&req, &caller, Some(&body), Command::UpdateLibrary { kind, id, input }, item).await
}

pub async fn delete(
    state: web::Data<AppState>,
    kind: web::Data<&'static EntityKind>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ChangeLibrary)?;
    let (kind, id) = (*kind.get_ref(), parse_id("id", &path)?);
    state.run(&req, &caller, None, Command::DeleteLibrary { kind, id }, item).await
}

/// `POST /api/equipment/{id}/archive` and `/unarchive`: retire an item (it stays for the
/// shows that use it, but is no longer listed) or bring it back.
pub async fn archive(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_archived(state, caller, req, path, true).await
}

pub async fn unarchive(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_archived(state, caller, req, path, false).await
}

async fn set_archived(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    archived: bool,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ChangeLibrary)?;
    let id = parse_id("id", &path)?;
    let body = json!({ "archived": archived });
    let input = parse_update(&EQUIPMENT, &body)?;
    state.run(&req, &caller, Some(&body), Command::UpdateLibrary { kind: &EQUIPMENT, id, input }, item).await
}
