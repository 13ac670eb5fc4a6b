//! Productions and the entities inside them: list, create, get, update (field merge), delete.
//! Each handler asks `authorize` first; a production the caller may not see is a 404.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::access::{GlobalOperation, Operation};
use prodsync_domain::catalog::{self, PRODUCTION, PRODUCTION_ENTITIES};
use prodsync_domain::command::{Command, Outcome, StoredResponse};
use prodsync_domain::ErrorCode;
use prodsync_domain::{parse_create, parse_update, Entity, EntityKind, OnConflict};
use prodsync_domain::{EntityId, ProductionId};
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
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownEntityType,
            format!("{path:?} is not an entity type"),
        )
        .with_details(json!({"field": "entity", "known": known}))
    })
}

pub(crate) fn list_json(entities: &[Entity]) -> HttpResponse {
    HttpResponse::Ok().json(entities.iter().map(Entity::to_json).collect::<Vec<_>>())
}

pub async fn create_production(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: Json,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::CreateProduction)?;
    create_in(&state, &caller, &req, &PRODUCTION, None, &body).await
}

pub async fn get_production(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::Read).await?;
    Ok(HttpResponse::Ok()
        .json(state.entities.get(&PRODUCTION, ProductionId(pid), EntityId(pid)).await?.to_json()))
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
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::ManageProduction).await?;
    delete_in(&state, &caller, &req, &PRODUCTION, pid, pid).await
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
    Ok(list_json(&state.entities.list(kind, Some(ProductionId(pid))).await?))
}

pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Json,
) -> Result<HttpResponse, ApiError> {
    let (pid, kind) = scoped(&state, &caller, &path.0, &path.1, Operation::Edit).await?;
    create_in(&state, &caller, &req, kind, Some(pid), &body).await
}

pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id("id", &path.2)?;
    let (pid, kind) = scoped(&state, &caller, &path.0, &path.1, Operation::Read).await?;
    Ok(HttpResponse::Ok().json(state.entities.get(kind, ProductionId(pid), EntityId(id)).await?.to_json()))
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
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id("id", &path.2)?;
    let (pid, kind) = scoped(&state, &caller, &path.0, &path.1, Operation::Edit).await?;
    delete_in(&state, &caller, &req, kind, pid, id).await
}

fn created(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::Written(w) => StoredResponse { status: 201, body: w.entity.to_json() },
        other => unexpected(other),
    }
}

fn updated(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::Updated(u) => {
            let mut body = u.entity.to_json();
            body["changedFields"] = json!(u.changed_fields);
            body["conflicts"] = json!(u.conflicts);
            StoredResponse { status: 200, body }
        }
        other => unexpected(other),
    }
}

fn deleted(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::Written(w) => StoredResponse {
            status: 200,
            body: json!({"id": w.entity.id, "deleted": true, "seq": w.events.last().map(|e| e.seq())}),
        },
        other => unexpected(other),
    }
}

/// The answer to any entity command, by what it did (for batches).
pub(crate) fn any(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::Written(w)
            if w.events.last().is_some_and(|e| e.event.action == prodsync_domain::Action::Deleted) =>
        {
            deleted(o)
        }
        Outcome::Written(_) => created(o),
        Outcome::Updated(_) => updated(o),
        other => unexpected(other),
    }
}

/// A command answered with another command's shape: a bug, said as a 500.
pub(crate) fn unexpected(o: &Outcome) -> StoredResponse {
    tracing::error!(outcome = ?o, "a write's answer does not match its command");
    StoredResponse {
        status: 500,
        body: json!({"error": ErrorCode::Internal, "message": "internal error", "details": {}}),
    }
}

async fn create_in(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    kind: &'static EntityKind,
    production: Option<Uuid>,
    body: &Value,
) -> Result<HttpResponse, ApiError> {
    let input = parse_create(kind, body)?;
    tracing::debug!(?production, user_id = ?caller.0.user_id, kind = kind.name, "create");
    state.run(req, caller, Some(body), Command::Create { kind, production, input }, created).await
}

async fn update_in(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    kind: &'static EntityKind,
    production: Uuid,
    id: Uuid,
    body: &Value,
) -> Result<HttpResponse, ApiError> {
    let mut input = parse_update(kind, body)?;
    if let Some(version) = if_match(req)? {
        input.base_version = Some(version);
        input.on_conflict = OnConflict::Reject;
    }
    tracing::debug!(%production, user_id = ?caller.0.user_id, kind = kind.name, %id, "update");
    state.run(req, caller, Some(body), Command::Update { kind, production, id, input }, updated).await
}

async fn delete_in(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    kind: &'static EntityKind,
    production: Uuid,
    id: Uuid,
) -> Result<HttpResponse, ApiError> {
    tracing::debug!(%production, user_id = ?caller.0.user_id, kind = kind.name, %id, "delete");
    state.run(req, caller, None, Command::Delete { kind, production, id }, deleted).await
}
