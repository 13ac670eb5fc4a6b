//! A production as a file and a new production from an old one (docs/rest.md):
//! `GET /api/productions/:pid/export`, `POST /api/productions/import`,
//! `POST /api/productions/:pid/duplicate`. The plan (ids, references, order) is the
//! domain's (`domain::transfer`); here it is read from the request and run as one batch,
//! all or nothing, with the caller as the new production's owner.

use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::access::{GlobalOperation, Operation};
use prodsync_domain::catalog;
use prodsync_domain::command::{Atomicity, Outcome, StoredResponse};
use prodsync_domain::transfer::{self, Ids, Plan};
use prodsync_domain::{ErrorCode, ProductionId, SyncError, ValidationError};
use serde::Deserialize;
use std::collections::HashSet;

use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::access::{authorize, authorize_global, Caller};
use crate::error::ApiError;
use crate::request::parse_id;
use crate::routes::entities::unexpected;
use crate::state::AppState;

/// The whole production as one versioned file (owner).
pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::ManageProduction).await?;
    let snapshot = state.feed.snapshot(ProductionId(pid)).await?;
    let members = state.members.members(ProductionId(pid)).await?;
    let used = transfer::library_used(&snapshot.entities);
    let library: Vec<_> = state.library.all().await?.into_iter().filter(|i| used.contains(&i.id)).collect();
    let now = prodsync_domain::field::format_timestamp(time::OffsetDateTime::now_utc());
    let file = transfer::export(&snapshot.production, &snapshot.entities, &members, &library, &now);
    Ok(HttpResponse::Ok()
        .insert_header(("content-disposition", format!("attachment; filename=\"production-{pid}.json\"")))
        .json(file))
}

#[derive(Deserialize)]
pub struct ImportQuery {
    ids: Option<String>,
}

/// A production from a file: new ids (the default) or the file's own (`?ids=keep`; a
/// taken id is a 409 and nothing is written).
pub async fn import(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::CreateProduction)?;
    let ids = match query.ids.as_deref() {
        None | Some("new") => Ids::New,
        Some("keep") => Ids::Keep,
        Some(_) => {
            return Err(ApiError::bad_request(ErrorCode::InvalidQuery, "ids must be new or keep")
                .with_details(json!({"field": "ids"})))
        }
    };
    let plan = transfer::plan_import(&body, ids, &mut Uuid::new_v4).map_err(SyncError::from)?;
    run(&state, &caller, &req, &body, plan).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DuplicateBody {
    show_name: Option<String>,
    include: Option<Vec<String>>,
    #[serde(default)]
    reset_checklist: bool,
}

/// A new production from this one (any member who may create productions): the types
/// asked for (all by default), new ids, references remapped; optionally a fresh checklist.
pub async fn duplicate(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize_global(&caller, GlobalOperation::CreateProduction)?;
    authorize(&state, &caller, pid, Operation::Read).await?;
    let asked: DuplicateBody = serde_json::from_value(body.clone()).map_err(|e| {
        SyncError::from(ValidationError::single("body", ErrorCode::InvalidBody, format!("{e}")))
    })?;
    let include = match &asked.include {
        None => None,
        Some(paths) => Some(
            paths
                .iter()
                .map(|p| {
                    catalog::by_path(p).ok_or_else(|| {
                        SyncError::from(ValidationError::single(
                            "include",
                            ErrorCode::InvalidValue,
                            format!("{p:?} is not an entity type"),
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    let snapshot = state.feed.snapshot(ProductionId(pid)).await?;
    let mut entities = snapshot.entities;
    if asked.reset_checklist {
        transfer::reset_checklist(&mut entities);
    }
    let mut changes = Map::new();
    if let Some(name) = asked.show_name {
        changes.insert("showName".into(), Value::from(name));
    }
    let plan =
        transfer::plan_copy(&snapshot.production, &entities, include.as_deref(), &changes, &mut Uuid::new_v4)
            .map_err(SyncError::from)?;
    run(&state, &caller, &req, &body, plan).await
}

/// The plan as one atomic batch, the caller its owner.
async fn run(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    body: &Value,
    plan: Plan,
) -> Result<HttpResponse, ApiError> {
    let held: HashSet<Uuid> = if plan.library.is_empty() {
        HashSet::new()
    } else {
        state.library.all().await?.into_iter().map(|i| i.id).collect()
    };
    let commands = plan.into_commands(caller.0.user_id.as_deref(), &held);
    state.run_batch(req, caller, body, commands, Atomicity::All, made).await
}

/// 201 with the new production and how many entities it holds.
fn made(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::Batch(results) => match results.first() {
            Some(Ok(Outcome::Written(w))) => StoredResponse {
                status: 201,
                body: json!({"production": w.entity.to_json(),
                    "entities": results[1..].iter().filter(|r| matches!(r, Ok(Outcome::Written(_)))).count()}),
            },
            _ => unexpected(o),
        },
        other => unexpected(other),
    }
}
