//! `POST /api/productions/:pid/undo` and `/redo`: the caller's own history in the
//! production, kept on the server so every device of theirs shares it.

use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::access::Operation;
use prodsync_domain::command::{Command, Outcome, StoredResponse};
use serde_json::json;

use crate::access::{authorize, Caller};
use crate::error::ApiError;
use crate::request::parse_id;
use crate::routes::entities::unexpected;
use crate::state::AppState;

fn answer(o: &Outcome) -> StoredResponse {
    let Outcome::Undone(u) = o else { return unexpected(o) };
    let step =
        json!({"seq": u.seq, "entityType": u.entity_type, "entityId": u.entity_id, "action": u.action});
    let skipped: Vec<_> = u
        .skipped
        .iter()
        .map(|s| json!({"field": s.field, "changedBy": s.changed_by, "entityId": s.entity_id}))
        .collect();
    let key = if u.redo { "redone" } else { "undone" };
    StoredResponse {
        status: 200,
        body: json!({ key: step, "seq": u.events.last().map(|e| e.seq()), "skippedFields": skipped }),
    }
}

async fn step(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    redo: bool,
) -> Result<HttpResponse, ApiError> {
    let production = parse_id("productionId", &path)?;
    authorize(&state, &caller, production, Operation::Edit).await?;
    let command = if redo { Command::Redo { production } } else { Command::Undo { production } };
    state.run(&req, &caller, None, command, answer).await
}

pub async fn undo(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    step(state, caller, req, path, false).await
}

pub async fn redo(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    step(state, caller, req, path, true).await
}
