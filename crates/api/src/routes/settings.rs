//! Settings shared by every production: `/api/settings/<list>` for the lookup lists
//! behind the app's dropdowns, `/api/settings/values/<key>` for key/value settings. Every
//! change is announced to every connected socket (`settings:*`).

use actix_web::{web, HttpResponse};
use prodsync_domain::access::GlobalOperation;
use prodsync_domain::settings::{check_key, check_value, parse_value, Lookup, LookupChange};
use prodsync_domain::ValidationError;
use serde_json::{json, Value};

use crate::access::{authorize_global, Caller};
use crate::error::ApiError;
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
        ApiError::bad_request("invalid_path", message).with_details(json!({"field": "key"}))
    })
}

fn lookup(path: &str) -> Result<Lookup, ApiError> {
    Lookup::from_path(path).ok_or_else(|| {
        let names: Vec<&str> = Lookup::ALL.iter().map(|l| l.path()).collect();
        ApiError::new(
            actix_web::http::StatusCode::NOT_FOUND,
            "not_found",
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

async fn change(
    state: &AppState,
    caller: &Caller,
    path: &str,
    change: LookupChange,
) -> Result<Vec<String>, ApiError> {
    authorize_global(caller, GlobalOperation::ChangeLibrary)?;
    let lookup = lookup(path)?;
    let values = state.settings.change_lookup(lookup, &change).await?;
    let value = match &change {
        LookupChange::Add(v) | LookupChange::Remove(v) => Some(v.clone()),
        _ => None,
    };
    tracing::info!(list = lookup.path(), action = change.action(), user_id = ?caller.0.user_id, "settings list changed");
    let data = json!({"list": lookup.path(), "action": change.action(), "value": value, "values": values});
    state.publisher.announce(lookup.event(), data);
    Ok(values)
}

async fn add(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let field = lookup(&path)?.value_field();
    let raw = body.get(field).unwrap_or(&Value::Null);
    let value = parse_value(lookup(&path)?, raw)?;
    Ok(HttpResponse::Created().json(change(&state, &caller, &path, LookupChange::Add(value)).await?))
}

async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (list, value) = path.into_inner();
    Ok(HttpResponse::Ok().json(change(&state, &caller, &list, LookupChange::Remove(value)).await?))
}

async fn reorder(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let order: Option<Vec<String>> =
        body.get("values").and_then(|v| serde_json::from_value::<Vec<String>>(v.clone()).ok());
    let order = order.ok_or_else(|| {
        ValidationError::single(
            "values",
            "invalid_type",
            "values must be the list's values in their new order".into(),
        )
    })?;
    Ok(HttpResponse::Ok().json(change(&state, &caller, &path, LookupChange::Reorder(order)).await?))
}

async fn restore_defaults(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(change(&state, &caller, &path, LookupChange::RestoreDefaults).await?))
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
        Some(Value::String(c)) if c.chars().count() <= 100 && !c.contains('\0') => Some(c.as_str()),
        Some(_) => {
            return Err(ValidationError::single(
                "category",
                "invalid_value",
                "category must be a string of at most 100 characters".into(),
            )
            .into())
        }
    };
    let setting = state.settings.put(&path, value, category, caller.0.user_id.as_deref()).await?;
    state.publisher.announce("settings:updated", json!(setting));
    Ok(HttpResponse::Ok().json(setting))
}

async fn delete_value(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize_global(&caller, GlobalOperation::ChangeLibrary)?;
    key(&path)?;
    state.settings.delete(&path).await?;
    state.publisher.announce("settings:deleted", json!({"key": path.as_str()}));
    Ok(HttpResponse::Ok().json(json!({"key": path.as_str(), "deleted": true})))
}
