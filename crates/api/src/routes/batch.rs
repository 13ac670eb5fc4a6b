//! `POST /api/productions/:pid/batch`: many entity writes in one request (an offline
//! queue replayed, a bulk import), all or nothing in one transaction, or each on its own.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::access::Operation;
use prodsync_domain::command::{Atomicity, Command, Outcome, StoredResponse, MAX_BATCH};
use prodsync_domain::ErrorCode;
use prodsync_domain::{catalog, parse_create, parse_update, SyncError, ValidationError};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::access::{authorize, Caller};
use crate::error::ApiError;
use crate::request::parse_id;
use crate::routes::entities::{any, unexpected};
use crate::state::AppState;

fn invalid(field: String, code: ErrorCode, message: String) -> SyncError {
    SyncError::Invalid(ValidationError::single(&field, code, message))
}

/// One operation as a command, or why it cannot be one.
fn command(production: Uuid, index: usize, op: &Value) -> Result<Command, SyncError> {
    let at = |key: &str| format!("operations[{index}].{key}");
    let text = |key: &str| op.get(key).and_then(Value::as_str);
    let kind = text("entity").and_then(catalog::by_path).ok_or_else(|| {
        invalid(at("entity"), ErrorCode::InvalidValue, "entity must be an entity path such as cameras".into())
    })?;
    let id = match op.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            Uuid::parse_str(s)
                .map_err(|_| invalid(at("id"), ErrorCode::InvalidUuid, "id must be a UUID".into()))?,
        ),
        Some(_) => return Err(invalid(at("id"), ErrorCode::InvalidUuid, "id must be a UUID".into())),
    };
    let body = op.get("body").cloned().unwrap_or_else(|| json!({}));
    let need_id = || {
        id.ok_or_else(|| {
            invalid(at("id"), ErrorCode::MissingField, "update and delete need the entity's id".into())
        })
    };
    match text("op") {
        Some("create") => {
            let mut input = parse_create(kind, &body)?;
            input.id = input.id.or(id);
            Ok(Command::Create { kind, production: Some(production), input })
        }
        Some("update") => {
            Ok(Command::Update { kind, production, id: need_id()?, input: parse_update(kind, &body)? })
        }
        Some("delete") => Ok(Command::Delete { kind, production, id: need_id()? }),
        _ => Err(invalid(at("op"), ErrorCode::InvalidValue, "op must be create, update or delete".into())),
    }
}

fn unprocessable(code: ErrorCode, field: &str, message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).with_details(json!({"field": field}))
}

fn parse(production: Uuid, body: &Value) -> Result<(Vec<Result<Command, SyncError>>, Atomicity), ApiError> {
    let Some(ops) = body.get("operations").and_then(Value::as_array) else {
        return Err(unprocessable(
            ErrorCode::InvalidBody,
            "operations",
            "the body is {\"operations\": [...], \"atomic\": true}".into(),
        ));
    };
    if ops.len() > MAX_BATCH {
        return Err(unprocessable(
            ErrorCode::TooManyOperations,
            "operations",
            format!("at most {MAX_BATCH} operations a batch"),
        ));
    }
    let atomicity = match body.get("atomic") {
        None | Some(Value::Bool(true)) => Atomicity::All,
        Some(Value::Bool(false)) => Atomicity::Each,
        Some(_) => {
            return Err(unprocessable(
                ErrorCode::InvalidType,
                "atomic",
                "atomic must be true or false".into(),
            ))
        }
    };
    if let Some(extra) =
        body.as_object().and_then(|o| o.keys().find(|k| !matches!(k.as_str(), "operations" | "atomic")))
    {
        return Err(unprocessable(
            ErrorCode::UnknownField,
            extra,
            format!("{extra} is not a field of a batch"),
        ));
    }
    Ok((ops.iter().enumerate().map(|(i, op)| command(production, i, op)).collect(), atomicity))
}

fn answer(o: &Outcome) -> StoredResponse {
    let Outcome::Batch(items) = o else { return unexpected(o) };
    let results: Vec<Value> = items
        .iter()
        .map(|r| {
            let one = match r {
                Ok(outcome) => any(outcome),
                Err(e) => ApiError::from(e.clone()).stored(),
            };
            json!({"status": one.status, "body": one.body})
        })
        .collect();
    let seq = o.events().last().map(|e| e.seq());
    StoredResponse { status: 200, body: json!({"results": results, "seq": seq}) }
}

pub async fn batch(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::Edit).await?;
    let (commands, atomicity) = parse(pid, &body)?;
    tracing::debug!(production_id = %pid, user_id = ?caller.0.user_id, operations = commands.len(), ?atomicity, "batch");
    state.run_batch(&req, &caller, &body, commands, atomicity, answer).await
}
