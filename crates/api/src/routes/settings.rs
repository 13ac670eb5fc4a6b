//! Settings shared by every production: `/api/settings/<list>` for the lookup lists
//! behind the app's dropdowns, `/api/settings/values/<key>` for key/value settings. Every
//! change is announced to every connected socket (`settings:*`). Writes are commands, so
//! they take `Idempotency-Key` like every other write.

use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::access::GlobalOperation;
use prodsync_domain::command::{Command, Outcome, StoredResponse};
use prodsync_domain::settings::{check_key, check_value, parse_value, Lookup, LookupChange};
use prodsync_domain::ErrorCode;
use prodsync_domain::ValidationError;
use serde_json::{json, Value};

use crate::access::{authorize_global, Caller};
use crate::error::ApiError;
use crate::routes::entities::unexpected;
use crate::state::AppState;

pub fn scope() -> actix_web::Scope {
    web::scope("/settings")
        .route("/values", web::get().to(all_values))
        .service(
            web::resource("/values/{key}")
                .route(web::get().to(get_value))
                .route(web::put().to(put_value))
                .route(web::delete().to(delete_value)),
        )
        .route("/{list}", web::get().to(list))
        .route("/{list}", web::post().to(add))
        .route("/{list}/reorder", web::put().to(reorder))
        .route("/{list}/restore-defaults", web::post().to(restore_defaults))
        .route("/{list}/{value}", web::delete().to(remove))
}

/// A key is a path segment: one that does not fit is a malformed path (400).
fn key(raw: &str) -> Result<(), ApiError> {
    check_key(raw).map_err(|e| {
        let message = e.errors.first().map(|e| e.message.clone()).unwrap_or_default();
        ApiError::bad_request(ErrorCode::InvalidPath, message).with_details(json!({"field": "key"}))
    })
}

fn lookup(path: &str) -> Result<Lookup, ApiError> {
    Lookup::from_path(path).ok_or_else(|| {
        let names: Vec<&str> = Lookup::ALL.iter().map(|l| l.path()).collect();
        ApiError::new(
            actix_web::http::StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("no settings list {path:?}; the lists are {}", names.join(", ")),
        )
    })
}

async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ReadLibrary)?;
    let lookup = lookup(&path)?;
    Ok(HttpResponse::Ok().json(state.settings.lookup(lookup).await?))
}

/// Runs a lookup change as a command: with an `Idempotency-Key`, a retry gets the kept
/// answer and nothing is written or announced again.
async fn change(
    state: &AppState,
    req: &HttpRequest,
    caller: &Caller,
    body: Option<&Value>,
    lookup: Lookup,
    change: LookupChange,
    respond: fn(&Outcome) -> StoredResponse,
) -> Result<HttpResponse, ApiError> {
    authorize_global(caller, GlobalOperation::ChangeLibrary)?;
    tracing::info!(list = lookup.path(), action = change.action(), user_id = ?caller.0.user_id, "settings list change");
    state.run(req, caller, body, Command::ChangeLookup { lookup, change }, respond).await
}

fn list_changed(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::Lookup { values, .. } => StoredResponse { status: 200, body: json!(values) },
        other => unexpected(other),
    }
}

fn list_added(o: &Outcome) -> StoredResponse {
    StoredResponse { status: 201, ..list_changed(o) }
}

async fn add(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let lookup = lookup(&path)?;
    let raw = body.get(lookup.value_field()).unwrap_or(&Value::Null);
    let value = parse_value(lookup, raw)?;
    change(&state, &req, &caller, Some(&body), lookup, LookupChange::Add(value), list_added).await
}

async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (list, value) = path.into_inner();
    let lookup = lookup(&list)?;
    change(&state, &req, &caller, None, lookup, LookupChange::Remove(value), list_changed).await
}

async fn reorder(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let lookup = lookup(&path)?;
    let order: Option<Vec<String>> =
        body.get("values").and_then(|v| serde_json::from_value::<Vec<String>>(v.clone()).ok());
    let order = order.ok_or_else(|| {
        ValidationError::single(
            "values",
            ErrorCode::InvalidType,
            "values must be the list's values in their new order".into(),
        )
    })?;
    change(&state, &req, &caller, Some(&body), lookup, LookupChange::Reorder(order), list_changed).await
}

async fn restore_defaults(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let lookup = lookup(&path)?;
    change(&state, &req, &caller, None, lookup, LookupChange::RestoreDefaults, list_changed).await
}

async fn all_values(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ReadLibrary)?;
    Ok(HttpResponse::Ok().json(state.settings.all().await?))
}

async fn get_value(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ReadLibrary)?;
    key(&path)?;
    Ok(HttpResponse::Ok().json(state.settings.get(&path).await?))
}

async fn put_value(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ChangeLibrary)?;
    key(&path)?;
    let value = body.get("value").unwrap_or(&Value::Null);
    check_value(value)?;
    let category = match body.get("category") {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) if c.chars().count() <= 100 && !c.contains('\0') => Some(c.clone()),
        Some(_) => {
            return Err(ValidationError::single(
                "category",
                ErrorCode::InvalidValue,
                "category must be a string of at most 100 characters".into(),
            )
            .into())
        }
    };
    let command = Command::PutSetting { key: path.into_inner(), value: value.clone(), category };
    state.run(&req, &caller, Some(&body), command, setting_written).await
}

fn setting_written(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::Setting(s) => StoredResponse { status: 200, body: json!(s) },
        other => unexpected(other),
    }
}

async fn delete_value(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ChangeLibrary)?;
    key(&path)?;
    state.run(&req, &caller, None, Command::DeleteSetting { key: path.into_inner() }, setting_deleted).await
}

fn setting_deleted(o: &Outcome) -> StoredResponse {
    match o {
        Outcome::SettingDeleted { key } => {
            StoredResponse { status: 200, body: json!({"key": key, "deleted": true}) }
        }
        other => unexpected(other),
    }
}
