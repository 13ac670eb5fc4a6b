//! Productions and the entities inside them: list, create, get, update (field merge), delete.
//! Each handler asks `authorize` first; a production the caller may not see is a 404.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::access::{GlobalOperation, Operation};
use prodsync_domain::catalog::{self, PRODUCTION, PRODUCTION_ENTITIES};
use prodsync_domain::ports::Updated;
use prodsync_domain::{parse_create, parse_update, Entity, EntityKind, OnConflict};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::access::{authorize, authorize_global, Caller};
use crate::error::ApiError;
use crate::request::{if_match, parse_id};
use crate::state::AppState;

type Json = web::Json<Value>;

fn kind_for(path: &str) -> Result<&'static EntityKind, ApiError> {
    catalog::by_path(path).ok_or_else(|| {
        let known: Vec<&str> = PRODUCTION_ENTITIES.iter().map(|k| k.path).collect();
        ApiError::new(StatusCode::NOT_FOUND, "unknown_entity_type", format!("{path:?} is not an entity type"))
            .with_details(json!({"field": "entity", "known": known}))
    })
}

pub(crate) fn list_json(entities: &[Entity]) -> HttpResponse {
    HttpResponse::Ok().json(entities.iter().map(Entity::to_json).collect::<Vec<_>>())
}

pub async fn create_production(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::CreateProduction)?;
    create_in(&state, &caller, &PRODUCTION, None, &body).await
}

pub async fn get_production(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::Read).await?;
    Ok(HttpResponse::Ok().json(state.entities.get(&PRODUCTION, pid, pid).await?.to_json()))
}

pub async fn update_production(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: Json,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::ManageProduction).await?;
    update_in(&state, &caller, &req, &PRODUCTION, pid, pid, &body).await
}

pub async fn delete_production(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::ManageProduction).await?;
    delete_in(&state, &caller, &PRODUCTION, pid, pid).await
}

/// The entity type and production of a request, once the caller may do `op` there.
async fn scoped(
    state: &AppState,
    caller: &Caller,
    pid: &str,
    entity: &str,
    op: Operation,
) -> Result<(Uuid, &'static EntityKind), ApiError> {
    let (pid, kind) = (parse_id("productionId", pid)?, kind_for(entity)?);
    authorize(state, caller, pid, op).await?;
    Ok((pid, kind))
}

pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (pid, kind) = scoped(&state, &caller, &path.0, &path.1, Operation::Read).await?;
    Ok(list_json(&state.entities.list(kind, Some(pid)).await?))
}

pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: Json,
) -> Result<HttpResponse, ApiError> {
    let (pid, kind) = scoped(&state, &caller, &path.0, &path.1, Operation::Edit).await?;
    create_in(&state, &caller, kind, Some(pid), &body).await
}

pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id("id", &path.2)?;
    let (pid, kind) = scoped(&state, &caller, &path.0, &path.1, Operation::Read).await?;
    Ok(HttpResponse::Ok().json(state.entities.get(kind, pid, id).await?.to_json()))
}

pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    body: Json,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id("id", &path.2)?;
    let (pid, kind) = scoped(&state, &caller, &path.0, &path.1, Operation::Edit).await?;
    update_in(&state, &caller, &req, kind, pid, id, &body).await
}

pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id("id", &path.2)?;
    let (pid, kind) = scoped(&state, &caller, &path.0, &path.1, Operation::Edit).await?;
    delete_in(&state, &caller, kind, pid, id).await
}

async fn create_in(
    state: &AppState,
    caller: &Caller,
    kind: &'static EntityKind,
    pid: Option<Uuid>,
    body: &Value,
) -> Result<HttpResponse, ApiError> {
    let input = parse_create(kind, body)?;
    let (store, user) = (state.entities.clone(), caller.actor());
    let written = state.commit(async move { store.create(kind, pid, input, user).await }).await?;
    let seq = written.events.last().map(|e| e.seq());
    tracing::debug!(production_id = %written.entity.production_id, user_id = ?caller.0.user_id, kind = kind.name,
        id = %written.entity.id, ?seq, "created");
    Ok(HttpResponse::Created().json(written.entity.to_json()))
}

async fn update_in(
    state: &AppState,
    caller: &Caller,
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
    let (store, user) = (state.entities.clone(), caller.actor());
    let updated: Updated =
        state.commit(async move { store.update(kind, pid, id, input, user).await }).await?;
    tracing::debug!(production_id = %pid, user_id = ?caller.0.user_id, kind = kind.name, %id,
        changed = ?updated.changed_fields, conflicts = updated.conflicts.len(), "updated");
    let mut out = updated.entity.to_json();
    out["changedFields"] = json!(updated.changed_fields);
    out["conflicts"] = json!(updated.conflicts);
    Ok(HttpResponse::Ok().json(out))
}

async fn delete_in(
    state: &AppState,
    caller: &Caller,
    kind: &'static EntityKind,
    pid: Uuid,
    id: Uuid,
) -> Result<HttpResponse, ApiError> {
    let (store, user) = (state.entities.clone(), caller.actor());
    let written = state.commit(async move { store.delete(kind, pid, id, user).await }).await?;
    let seq = written.events.last().map(|e| e.seq());
    tracing::debug!(production_id = %pid, user_id = ?caller.0.user_id, kind = kind.name, %id, ?seq, "deleted");
    Ok(HttpResponse::Ok().json(json!({"id": id, "deleted": true, "seq": seq})))
}
