//! The original's routes for a device's I/O ports (`/device-ports/device/:deviceUuid`),
//! which its CCU, computer, media-server, monitor, projector and switcher pages call to
//! fill and save their port panels: list a device's ports, replace them all at once
//! (`/sync`), delete them all. Our ports are `device-port` entities; a sync is one batch.

use prodsync_domain::{EntityId, ProductionId};
use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_domain::access::{Identity, Operation};
use prodsync_domain::catalog::{self, CABLE, DEVICE_PORT, PRODUCTION};
use prodsync_domain::command::Command;
use prodsync_domain::{parse_create, parse_update, Entity, SyncError};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::CompatError;
use crate::ids::production_uuid;
use crate::rest::{authorize, caller, production_label, run_batch, Result};
use crate::shapes::{from_original, to_original, Labels};
use crate::CompatState;

type State = web::Data<CompatState>;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/device-ports/device/{uuid}")
            .route(web::get().to(list))
            .route(web::delete().to(delete_all)),
    )
    .route("/device-ports/device/{uuid}/sync", web::post().to(sync));
}

/// The production a device belongs to, if the caller may act so on it. A uuid that names
/// no device, or one the caller may not see, has no ports (the original answers `[]`).
async fn production_of(
    state: &CompatState,
    who: &Identity,
    device: Uuid,
    op: Operation,
) -> Result<Option<Uuid>> {
    for kind in catalog::PRODUCTION_ENTITIES.iter().filter(|k| **k != &DEVICE_PORT && **k != &CABLE) {
        match state.entities.find(kind, EntityId(device)).await {
            Ok(e) => {
                return match authorize(state, who, e.production_id, op).await {
                    Ok(()) => Ok(Some(e.production_id)),
                    Err(e) if e.status() == 404 => Ok(None),
                    Err(e) => Err(e),
                };
            }
            Err(SyncError::NotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// The device's ports, inputs first, each direction by display id (the original's order).
async fn ports_of(state: &CompatState, production: Uuid, device: Uuid) -> Result<Vec<Entity>> {
    let mut ports: Vec<Entity> = state
        .entities
        .list(&DEVICE_PORT, Some(ProductionId(production)))
        .await?
        .into_iter()
        .filter(|p| p.value("deviceId") == Some(&json!(device)))
        .collect();
    let key = |p: &Entity| {
        let text = |f: &str| p.value(f).and_then(Value::as_str).unwrap_or_default().to_owned();
        (text("direction"), text("displayId"))
    };
    ports.sort_by_key(key);
    Ok(ports)
}

async fn shown(state: &CompatState, production: Uuid, device: Uuid) -> Result<Value> {
    let label = production_label(state, production).await;
    let ports = ports_of(state, production, device).await?;
    let labels = Labels::new();
    Ok(ports.iter().map(|p| to_original(&DEVICE_PORT, &p.to_json(), &label, &labels)).collect())
}

async fn list(state: State, req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse> {
    let who = caller(&state, &req, None)?;
    let Ok(device) = Uuid::parse_str(&path) else { return Ok(HttpResponse::Ok().json(json!([]))) };
    match production_of(&state, &who, device, Operation::Read).await? {
        Some(production) => Ok(HttpResponse::Ok().json(shown(&state, production, device).await?)),
        None => Ok(HttpResponse::Ok().json(json!([]))),
    }
}

async fn delete_all(state: State, req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse> {
    let who = caller(&state, &req, None)?;
    let device = Uuid::parse_str(&path).ok();
    if let Some(device) = device {
        if let Some(production) = production_of(&state, &who, device, Operation::Edit).await? {
            let deletes = ports_of(&state, production, device)
                .await?
                .into_iter()
                .map(|p| Ok(Command::Delete { kind: &DEVICE_PORT, production, id: p.id }))
                .collect::<Vec<_>>();
            if !deletes.is_empty() {
                run_batch(&state, deletes, &who).await?;
            }
        }
    }
    Ok(HttpResponse::Ok().json(json!({"success": true})))
}

/// The original's display id of a port it names no id for: `<device>_<in|out>_<n>`.
fn port_id(device: &str, direction: &str, n: usize) -> String {
    let dir = if direction.eq_ignore_ascii_case("input") { "in" } else { "out" };
    format!("{device}_{dir}_{n}")
}

/// Replaces the device's ports with the list sent: ports named by an existing `uuid` are
/// updated, the others created, and the ports not in the list deleted, in one batch.
async fn sync(
    state: State,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse> {
    let who = caller(&state, &req, Some(&body))?;
    let (Some(pid), Some(incoming)) =
        (body.get("productionId").and_then(Value::as_str), body.get("ports").and_then(Value::as_array))
    else {
        let body = json!({"error": "productionId and ports[] are required"});
        return Err(CompatError::Original { status: 400, body });
    };
    let device = Uuid::parse_str(&path).map_err(|_| CompatError::not_found("Device not found"))?;
    let production = production_uuid(pid);
    authorize(&state, &who, production, Operation::Edit).await.map_err(|e| e.for_create_in(pid))?;
    state
        .entities
        .get(&PRODUCTION, ProductionId(production), EntityId(production))
        .await
        .map_err(|e| CompatError::from(e).for_create_in(pid))?;
    let existing = ports_of(&state, production, device).await?;
    let device_label =
        body.get("deviceDisplayId").and_then(Value::as_str).map_or(path.to_string(), str::to_owned);
    let mut counters: HashMap<String, usize> = HashMap::new();
    let (mut updates, mut creates) = (Vec::new(), Vec::new());
    let mut kept = Vec::new();
    for port in incoming {
        let (mut ours, _) = from_original(&DEVICE_PORT, port);
        let direction = ours.get("direction").and_then(Value::as_str).unwrap_or_default().to_owned();
        let n = counters.entry(direction.clone()).or_default();
        *n += 1;
        if ours.get("displayId").is_none_or(Value::is_null) {
            ours["displayId"] = Value::from(port_id(&device_label, &direction, *n));
        }
        ours["deviceId"] = json!(device);
        let id = ours.get("id").and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok());
        if let Some(o) = ours.as_object_mut() {
            o.remove("id");
        }
        match id.filter(|id| existing.iter().any(|p| p.id == *id)) {
            Some(id) => {
                kept.push(id);
                let input = parse_update(&DEVICE_PORT, &ours)?;
                updates.push(Ok(Command::Update { kind: &DEVICE_PORT, production, id, input }));
            }
            None => {
                let input = parse_create(&DEVICE_PORT, &ours)?;
                creates.push(Ok(Command::Create { kind: &DEVICE_PORT, production: Some(production), input }));
            }
        }
    }
    // Deletes first: a new port may take the display id of one that goes.
    let mut commands: Vec<_> = existing
        .iter()
        .filter(|p| !kept.contains(&p.id))
        .map(|p| Ok(Command::Delete { kind: &DEVICE_PORT, production, id: p.id }))
        .collect();
    commands.extend(updates);
    commands.extend(creates);
    if !commands.is_empty() {
        run_batch(&state, commands, &who).await?;
    }
    Ok(HttpResponse::Ok().json(shown(&state, production, device).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_numbered_per_direction_as_the_original_numbers_them() {
        assert_eq!(port_id("CCU 1", "input", 1), "CCU 1_in_1");
        assert_eq!(port_id("CCU 1", "OUTPUT", 2), "CCU 1_out_2");
    }
}
