//! Productions and the entities inside them: list, create, get, update (field merge), delete.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::catalog::{self, PRODUCTION, PRODUCTION_ENTITIES};
use prodsync_domain::ports::Updated;
use prodsync_domain::{parse_create, parse_update, Entity, EntityKind, OnConflict};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::ApiError;
use crate::request::{actor, if_match, parse_id};
use crate::state::AppState;

type Json = web::Json<Value>;

fn kind_for(path: &str) -> Result<&'static EntityKind, ApiError> {
    catalog::by_path(path).ok_or_else(|| {
        let known: Vec<&str> = PRODUCTION_ENTITIES.iter().map(|k| k.path).collect();
        ApiError::new(StatusCode::NOT_FOUND, "unknown_entity_type", format!("{path:?} is not an entity type"))
            .with_details(json!({"field": "entity", "known": known}))
    })
}

fn list_json(entities: Vec<Entity>) -> HttpResponse {
    HttpResponse::Ok().json(entities.iter().map(Entity::to_json).collect::<Vec<_>>())
}

pub async fn list_productions(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(list_json(state.entities.list(&PRODUCTION, None).await?))
}

pub async fn create_production(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json,
) -> Result<HttpResponse, ApiError> {
    create_in(&state, &req, &PRODUCTION, None, &body).await
}

pub async fn get_production(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    Ok(HttpResponse::Ok().json(state.entities.get(&PRODUCTION, pid, pid).await?.to_json()))
}

pub async fn update_production(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: Json,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    update_in(&state, &req, &PRODUCTION, pid, pid, &body).await
}

pub async fn delete_production(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    delete_in(&state, &req, &PRODUCTION, pid, pid).await
}

pub async fn list(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (pid, kind) = (parse_id("productionId", &path.0)?, kind_for(&path.1)?);
    Ok(list_json(state.entities.list(kind, Some(pid)).await?))
}

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Json,
) -> Result<HttpResponse, ApiError> {
    let (pid, kind) = (parse_id("productionId", &path.0)?, kind_for(&path.1)?);
    create_in(&state, &req, kind, Some(pid), &body).await
}

pub async fn get(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (pid, kind, id) = (parse_id("productionId", &path.0)?, kind_for(&path.1)?, parse_id("id", &path.2)?);
    Ok(HttpResponse::Ok().json(state.entities.get(kind, pid, id).await?.to_json()))
}

pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    body: Json,
) -> Result<HttpResponse, ApiError> {
    let (pid, kind, id) = (parse_id("productionId", &path.0)?, kind_for(&path.1)?, parse_id("id", &path.2)?);
    update_in(&state, &req, kind, pid, id, &body).await
}

pub async fn delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (pid, kind, id) = (parse_id("productionId", &path.0)?, kind_for(&path.1)?, parse_id("id", &path.2)?);
    delete_in(&state, &req, kind, pid, id).await
}

async fn create_in(
    state: &AppState,
    req: &HttpRequest,
    kind: &'static EntityKind,
    pid: Option<Uuid>,
    body: &Value,
) -> Result<HttpResponse, ApiError> {
    let input = parse_create(kind, body)?;
    let user = actor(req)?;
    let store = state.entities.clone();
    let log_user = user.clone();
    let written = state.commit(async move { store.create(kind, pid, input, user).await }).await?;
    let seq = written.events.last().map(|e| e.seq());
    tracing::debug!(production_id = %written.entity.production_id, user_id = ?log_user, kind = kind.name,
        id = %written.entity.id, ?seq, "created");
    Ok(HttpResponse::Created().json(written.entity.to_json()))
}

async fn update_in(
    state: &AppState,
    req: &HttpRequest,
    kind: &'static EntityKind,
    pid: Uuid,
    id: Uuid,
    body: &Value,
) -> Result<HttpResponse, ApiError> {
    let mut input = parse_update(kind, body)?;
    if let Some(version) = if_match(req)? {
        input.base_version = Some(version);
        input.on_conflict = OnConflict::Reject;
    }
    let user = actor(req)?;
    let store = state.entities.clone();
    let log_user = user.clone();
    let updated: Updated =
        state.commit(async move { store.update(kind, pid, id, input, user).await }).await?;
    tracing::debug!(production_id = %pid, user_id = ?log_user, kind = kind.name, %id,
        changed = ?updated.changed_fields, conflicts = updated.conflicts.len(), "updated");
    let mut out = updated.entity.to_json();
    out["changedFields"] = json!(updated.changed_fields);
    out["conflicts"] = json!(updated.conflicts);
    Ok(HttpResponse::Ok().json(out))
}

async fn delete_in(
    state: &AppState,
    req: &HttpRequest,
    kind: &'static EntityKind,
    pid: Uuid,
    id: Uuid,
) -> Result<HttpResponse, ApiError> {
    let user = actor(req)?;
    let store = state.entities.clone();
    let log_user = user.clone();
    let written = state.commit(async move { store.delete(kind, pid, id, user).await }).await?;
    let seq = written.events.last().map(|e| e.seq());
    tracing::debug!(production_id = %pid, user_id = ?log_user, kind = kind.name, %id, ?seq, "deleted");
    Ok(HttpResponse::Ok().json(json!({"id": id, "deleted": true, "seq": seq})))
}
