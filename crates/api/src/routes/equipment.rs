//! The global equipment library.

use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::access::GlobalOperation;
use prodsync_domain::command::{Command, Outcome, StoredResponse};
use prodsync_domain::equipment::{CATEGORIES, EQUIPMENT};
use prodsync_domain::{parse_create, parse_update, Entity};
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
}

pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ReadEquipment)?;
    if let Some(c) = query.category.as_deref().filter(|c| !CATEGORIES.contains(c)) {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("category must be one of {}, got {c:?}", CATEGORIES.join(", ")),
        )
        .with_details(json!({"field": "category"})));
    }
    let items = state.equipment.list(query.category.as_deref()).await?;
    Ok(HttpResponse::Ok().json(items.iter().map(Entity::to_json).collect::<Vec<_>>()))
}

pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ReadEquipment)?;
    let id = parse_id("id", &path)?;
    Ok(HttpResponse::Ok().json(state.equipment.get(id).await?.to_json()))
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
    caller: Caller,
    req: HttpRequest,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ChangeEquipment)?;
    let input = parse_create(&EQUIPMENT, &body)?;
    state.run(&req, &caller, Some(&body), Command::CreateEquipment { input }, created).await
}

pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ChangeEquipment)?;
    let id = parse_id("id", &path)?;
    let input = parse_update(&EQUIPMENT, &body)?;
    state.run(&req, &caller, Some(&body), Command::UpdateEquipment { id, input }, item).await
}

pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ChangeEquipment)?;
    let id = parse_id("id", &path)?;
    state.run(&req, &caller, None, Command::DeleteEquipment { id }, item).await
}
