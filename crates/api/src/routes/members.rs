//! A production's members: list (any member), add or change a role, remove (owners).
//! Changes go through the change log and are published like entity changes; a removal
//! takes the removed user's sockets out of the room at that point of the stream.

use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::access::{is_valid_user_text, Operation, Role};
use prodsync_domain::command::{Command, Outcome, StoredResponse};
use prodsync_domain::ErrorCode;
use prodsync_domain::ProductionId;
use serde_json::{json, Value};

use crate::access::{authorize, Caller};
use crate::error::ApiError;
use crate::request::parse_id;
use crate::routes::entities::unexpected;
use crate::state::AppState;

pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let pid = parse_id("productionId", &path)?;
    authorize(&state, &caller, pid, Operation::Read).await?;
    Ok(HttpResponse::Ok().json(state.members.members(ProductionId(pid)).await?))
}

fn user_id(raw: &str) -> Result<String, ApiError> {
    if is_valid_user_text(raw) {
        Ok(raw.to_owned())
    } else {
        Err(ApiError::bad_request(
            ErrorCode::InvalidPath,
            "userId must be printable text of at most 200 characters",
        )
        .with_details(json!({"field": "userId"})))
    }
}

fn role(body: &Value) -> Result<Role, ApiError> {
    let bad = |code| {
        ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            code,
            "the body must be {\"role\": \"viewer\" | \"editor\" | \"owner\"}",
        )
        .with_details(json!({"field": "role"}))
    };
    let Some(obj) = body.as_object() else { return Err(bad(ErrorCode::InvalidBody)) };
    if let Some(extra) = obj.keys().find(|k| *k != "role") {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::UnknownField,
            format!("{extra} is not a field of a membership; send only role"),
        )
        .with_details(json!({"field": extra})));
    }
    match obj.get("role") {
        None | Some(Value::Null) => Err(bad(ErrorCode::MissingField)),
        Some(Value::String(s)) => Role::parse(s).ok_or_else(|| bad(ErrorCode::InvalidValue)),
        Some(_) => Err(bad(ErrorCode::InvalidType)),
    }
}

fn member_set(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::Member(m) => StoredResponse { status: 200, body: json!(m.member) },
        other => unexpected(other),
    }
}

fn member_removed(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::Member(m) => StoredResponse {
            status: 200,
            body: json!({"userId": m.member.user_id, "removed": true, "seq": m.events.last().map(|e| e.seq())}),
        },
        other => unexpected(other),
    }
}

pub async fn put(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let (pid, user) = (parse_id("productionId", &path.0)?, user_id(&path.1)?);
    let role = role(&body)?;
    authorize(&state, &caller, pid, Operation::ManageMembers).await?;
    tracing::info!(production_id = %pid, member = %user, role = role.as_str(), by = ?caller.0.user_id, "set membership");
    state
        .run(&req, &caller, Some(&body), Command::SetMember { production: pid, user, role }, member_set)
        .await
}

pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (pid, user) = (parse_id("productionId", &path.0)?, user_id(&path.1)?);
    authorize(&state, &caller, pid, Operation::ManageMembers).await?;
    tracing::info!(production_id = %pid, member = %user, by = ?caller.0.user_id, "remove member");
    state.run(&req, &caller, None, Command::RemoveMember { production: pid, user }, member_removed).await
}
