//! The original app's JSON shapes and ours, both ways. Pure: references to other
//! entities arrive already resolved (display id for a UUID, or back).
//!
//! Original entity: `uuid` is the primary key and `id` the display id ("CAM 1"); a
//! reference is `ccuId` (the target's display id) plus `ccuUuid`; library references are
//! `equipmentUuid`, `formatUuid`…; `fieldVersions` is `{field: {version, updated_at}}`;
//! a production has `id` (its `prod_…` id), `name` for the show name and upper-case
//! `status`. Ours: `id` is the UUID, `displayId` the label, `xxxId` a UUID.

use std::collections::HashMap;

#[cfg(test)]
use prodsync_domain::catalog::PRODUCTION;
use prodsync_domain::catalog::{self, CABLE, CAMERA, CCU, CHECKLIST_ITEM, CONNECTION};
use prodsync_domain::field::FieldType;
use prodsync_domain::EntityKind;
use serde_json::{Map, Value};
use uuid::Uuid;

/// One of the original's per-type REST resources.
#[derive(Debug)]
pub struct Route {
    /// `/api/<segment>/…`
    pub segment: &'static str,
    pub kind: &'static EntityKind,
    /// `entityType` in its socket events.
    pub entity_type: &'static str,
    /// A resource that holds part of a type (the two switcher resources by `kind`, the
    /// computers by `category`): the field and the value it sets on create and lists by.
    pub pin: Option<(&'static str, &'static str)>,
}

const fn r(segment: &'static str, kind: &'static EntityKind, entity_type: &'static str) -> Route {
    Route { segment, kind, entity_type, pin: None }
}

impl Route {
    /// Whether an entity (our JSON) belongs to this resource.
    pub fn holds(&self, entity: &Value) -> bool {
        self.pin.is_none_or(|(field, value)| entity.get(field).and_then(Value::as_str) == Some(value))
    }

    /// The same for a stored entity.
    pub fn holds_entity(&self, entity: &prodsync_domain::Entity) -> bool {
        self.pin.is_none_or(|(field, value)| entity.value(field).and_then(Value::as_str) == Some(value))
    }
}

pub static ROUTES: &[Route] = &[
    r("cameras", &CAMERA, "camera"),
    r("ccus", &CCU, "ccu"),
    r("sources", &catalog::SOURCE, "source"),
    Route {
        segment: "computers",
        kind: &catalog::SOURCE,
        entity_type: "source",
        pin: Some(("category", "COMPUTER")),
    },
    r("source-outputs", &catalog::SOURCE_OUTPUT, "sourceOutput"),
    r("sends", &catalog::SEND, "send"),
    r("media-servers", &catalog::MEDIA_SERVER, "mediaServer"),
    r("routers", &catalog::ROUTER, "router"),
    r("cable-snakes", &catalog::CABLE_SNAKE, "cableSnake"),
    r("cables", &CABLE, "cable"),
    r("records", &catalog::RECORD, "record"),
    r("streams", &catalog::STREAM, "stream"),
    Route {
        segment: "vision-switchers",
        kind: &catalog::SWITCHER,
        entity_type: "visionSwitcher",
        pin: Some(("kind", "vision")),
    },
    Route {
        segment: "cam-switchers",
        kind: &catalog::SWITCHER,
        entity_type: "camSwitcher",
        pin: Some(("kind", "camera")),
    },
    r("led-screens", &catalog::LED_SCREEN, "ledScreen"),
    r("projection-screens", &catalog::PROJECTION_SCREEN, "projectionScreen"),
    r("projection-surfaces", &catalog::PROJECTION_SURFACE, "projectionSurface"),
    r("ip-addresses", &catalog::IP_ADDRESS, "ipAddress"),
    r("checklist-items", &CHECKLIST_ITEM, "checklist-item"),
    r("connections", &CONNECTION, "connection"),
    r("device-ports", &catalog::DEVICE_PORT, "devicePort"),
];

pub fn route(segment: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.segment == segment)
}

/// The `entityType` an event about this entity carries (switchers by their kind).
pub fn entity_type(kind: &EntityKind, entity: &Value) -> Option<&'static str> {
    ROUTES.iter().filter(|r| r.kind == kind).find(|r| r.holds(entity)).map(|r| r.entity_type)
}

/// Fields the original names after the UUID they hold.
fn uuid_name(field: &str) -> Option<&'static str> {
    Some(match field {
        "equipmentId" => "equipmentUuid",
        "processorId" => "processorUuid",
        "deviceId" => "deviceUuid",
        "formatId" => "formatUuid",
        "specPortId" => "specPortUuid",
        _ => return None,
    })
}

/// `ccuId` -> `ccuUuid`.
fn ref_uuid_name(field: &str) -> String {
    format!("{}Uuid", field.strip_suffix("Id").unwrap_or(field))
}

/// Display ids of referenced entities, by UUID.
pub type Labels = HashMap<Uuid, String>;

/// Our wire form of an entity (or production) as the original app reads it.
pub fn to_original(kind: &EntityKind, ours: &Value, production: &str, labels: &Labels) -> Value {
    let Some(o) = ours.as_object() else { return ours.clone() };
    let mut out = Map::new();
    let uuid = o.get("id").cloned().unwrap_or(Value::Null);
    let display = o.get("displayId").filter(|v| v.is_string()).cloned();
    out.insert("uuid".into(), uuid.clone());
    if kind.is_production() {
        out.insert("id".into(), Value::from(production));
    } else {
        out.insert("id".into(), display.unwrap_or(uuid));
        out.insert("productionId".into(), Value::from(production));
    }
    for f in kind.fields.iter().filter(|f| f.name != "displayId") {
        let v = o.get(f.name).cloned().unwrap_or(Value::Null);
        match f.ty {
            FieldType::Ref(_) => {
                let label = v.as_str().and_then(|s| Uuid::parse_str(s).ok()).and_then(|id| labels.get(&id));
                out.insert(f.name.into(), label.map_or(v.clone(), |l| Value::from(l.as_str())));
                out.insert(ref_uuid_name(f.name), v);
            }
            _ => {
                let name = uuid_name(f.name).unwrap_or(f.name);
                out.insert(name.into(), v);
            }
        }
    }
    if kind == &catalog::DEVICE_PORT {
        if let Some(d) = o.get("direction").and_then(Value::as_str) {
            out.insert("direction".into(), Value::from(d.to_uppercase()));
        }
    }
    if kind.is_production() {
        out.insert("name".into(), o.get("showName").cloned().unwrap_or(Value::Null));
        if let Some(s) = o.get("status").and_then(Value::as_str) {
            out.insert("status".into(), Value::from(s.to_uppercase()));
        }
    }
    let updated = o.get("updatedAt").cloned().unwrap_or(Value::Null);
    let versions: Map<String, Value> = o
        .get("fieldVersions")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), serde_json::json!({"version": v, "updated_at": updated})))
                .collect()
        })
        .unwrap_or_default();
    out.insert("fieldVersions".into(), Value::Object(versions));
    for key in ["version", "lastModifiedBy", "createdAt", "updatedAt"] {
        out.insert(key.into(), o.get(key).cloned().unwrap_or(Value::Null));
    }
    out.insert("isDeleted".into(), Value::Bool(false));
    out.insert("syncedAt".into(), Value::Null);
    Value::Object(out)
}

/// A reference the original sent as a display id: it must be resolved against the
/// production before the write.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    pub field: &'static str,
    pub target: &'static str,
    pub label: String,
}

/// An original request body as our write body: renamed, with `userId`/`userName` and
/// keys we do not keep dropped, empty strings as null (as the original stores them).
/// References given as display ids come back to be resolved.
pub fn from_original(kind: &'static EntityKind, body: &Value) -> (Value, Vec<Unresolved>) {
    let empty = Map::new();
    let o = body.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    let mut unresolved = Vec::new();
    let get = |k: &str| o.get(k).map(|v| if v.as_str() == Some("") { &Value::Null } else { v });
    if let Some(uuid) = get("uuid").filter(|v| !v.is_null()) {
        out.insert("id".into(), uuid.clone());
    }
    if let Some(label) = get("id").filter(|v| !v.is_null()) {
        if kind.is_production() || Uuid::parse_str(label.as_str().unwrap_or_default()).is_err() {
            out.insert("displayId".into(), label.clone());
        } else if !out.contains_key("id") {
            out.insert("id".into(), label.clone());
        }
    }
    if let Some(v) = get("version") {
        out.insert("version".into(), v.clone());
    }
    for f in kind.fields.iter().filter(|f| f.name != "displayId") {
        match f.ty {
            FieldType::Ref(target) => {
                let by_uuid = get(&ref_uuid_name(f.name)).filter(|v| !v.is_null());
                match (by_uuid, get(f.name)) {
                    (Some(u), _) => {
                        out.insert(f.name.into(), u.clone());
                    }
                    (None, Some(Value::String(s))) if Uuid::parse_str(s).is_err() => {
                        unresolved.push(Unresolved { field: f.name, target, label: s.clone() });
                    }
                    (None, Some(v)) => {
                        out.insert(f.name.into(), v.clone());
                    }
                    (None, None) => {}
                }
            }
            _ => {
                let theirs = uuid_name(f.name).and_then(&get);
                if let Some(v) = theirs.or_else(|| get(f.name)) {
                    out.insert(f.name.into(), v.clone());
                }
            }
        }
    }
    // The original's port directions are upper case (INPUT, OUTPUT).
    if kind == &catalog::DEVICE_PORT {
        if let Some(d) = out.get("direction").and_then(Value::as_str) {
            let lower = Value::from(d.to_lowercase());
            out.insert("direction".into(), lower);
        }
    }
    if kind.is_production() {
        if let Some(name) = get("name").filter(|v| !v.is_null()) {
            out.entry("showName").or_insert_with(|| name.clone());
        }
        if let Some(s) = out.get("status").and_then(Value::as_str) {
            let lower = Value::from(s.to_lowercase());
            out.insert("status".into(), lower);
        }
        for key in ["loadIn", "loadOut"] {
            if let Some(day) = out.get(key).and_then(Value::as_str).filter(|s| s.len() == 10) {
                let stamp = Value::from(format!("{day}T00:00:00Z"));
                out.insert(key.into(), stamp);
            }
        }
    }
    (Value::Object(out), unresolved)
}

/// The original's `changes` of an update: `{field: {from, to}}` in its names.
pub fn changes(kind: &EntityKind, changed: &[Value], previous: &Value, now: &Value) -> Value {
    let mut out = Map::new();
    for name in changed.iter().filter_map(Value::as_str) {
        let Some(f) = kind.field(name) else { continue };
        let theirs = match f.ty {
            FieldType::Ref(_) => ref_uuid_name(name),
            _ if name == "displayId" => "id".into(),
            _ => uuid_name(name).unwrap_or(name).to_owned(),
        };
        let pair = serde_json::json!({"from": previous.get(name), "to": now.get(name)});
        out.insert(theirs, pair);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn camera() -> Value {
        json!({"id": "11111111-1111-4111-8111-111111111111", "productionId": "22222222-2222-4222-8222-222222222222",
            "displayId": "CAM 1", "name": "Cam", "ccuId": "33333333-3333-4333-8333-333333333333",
            "equipmentId": "44444444-4444-4444-8444-444444444444", "hasJib": true, "version": 3,
            "fieldVersions": {"name": 1, "hasJib": 3}, "lastModifiedBy": "ann",
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z"})
    }

    #[test]
    fn an_entity_reads_as_the_original_shapes_it() {
        let mut labels = Labels::new();
        labels.insert(Uuid::parse_str("33333333-3333-4333-8333-333333333333").unwrap(), "CCU 1".into());
        let got = to_original(&CAMERA, &camera(), "prod_1_abc", &labels);
        assert_eq!(got["uuid"], "11111111-1111-4111-8111-111111111111");
        assert_eq!(got["id"], "CAM 1");
        assert_eq!(got["productionId"], "prod_1_abc");
        assert_eq!(
            (got["ccuId"].as_str(), got["ccuUuid"].as_str()),
            (Some("CCU 1"), Some("33333333-3333-4333-8333-333333333333"))
        );
        assert_eq!(got["equipmentUuid"], "44444444-4444-4444-8444-444444444444");
        assert!(got.get("equipmentId").is_none() && got.get("displayId").is_none());
        assert_eq!(
            got["fieldVersions"]["hasJib"],
            json!({"version": 3, "updated_at": "2026-01-02T00:00:00Z"})
        );
        assert_eq!((got["isDeleted"].clone(), got["version"].clone()), (json!(false), json!(3)));
    }

    #[test]
    fn an_original_body_becomes_ours() {
        let body = json!({"id": "CAM 2", "productionId": "prod_1_abc", "name": "Cam", "ccuId": "CCU 1",
            "equipmentUuid": "44444444-4444-4444-8444-444444444444", "note": "", "userId": "ann", "userName": "Ann",
            "lastModifiedBy": "x", "somethingElse": 1, "version": 4});
        let (ours, unresolved) = from_original(&CAMERA, &body);
        assert_eq!(
            ours,
            json!({"displayId": "CAM 2", "name": "Cam", "version": 4, "note": null,
            "equipmentId": "44444444-4444-4444-8444-444444444444"})
        );
        assert_eq!(unresolved, vec![Unresolved { field: "ccuId", target: "ccu", label: "CCU 1".into() }]);
        let (ours, unresolved) = from_original(
            &CAMERA,
            &json!({"ccuId": "CCU 1", "ccuUuid": "33333333-3333-4333-8333-333333333333"}),
        );
        assert_eq!(
            (ours["ccuId"].as_str(), unresolved.len()),
            (Some("33333333-3333-4333-8333-333333333333"), 0)
        );
    }

    #[test]
    fn a_production_has_a_name_upper_case_status_and_dates() {
        let (ours, _) = from_original(
            &PRODUCTION,
            &json!({"id": "prod_1_abc", "name": "Gala", "client": "ACME",
            "status": "PLANNING", "loadIn": "2026-02-15", "metadata": {"x": 1}}),
        );
        assert_eq!(
            ours,
            json!({"displayId": "prod_1_abc", "showName": "Gala", "client": "ACME",
            "status": "planning", "loadIn": "2026-02-15T00:00:00Z"})
        );
        let back = to_original(
            &PRODUCTION,
            &json!({"id": "55555555-5555-4555-8555-555555555555", "showName": "Gala",
            "status": "active", "displayId": "prod_1_abc"}),
            "prod_1_abc",
            &Labels::new(),
        );
        assert_eq!(
            (back["id"].as_str(), back["name"].as_str(), back["status"].as_str()),
            (Some("prod_1_abc"), Some("Gala"), Some("ACME").and(Some("ACTIVE")))
        );
        assert!(back.get("productionId").is_none());
    }

    #[test]
    fn switchers_are_told_apart_by_kind() {
        let sw = &catalog::SWITCHER;
        assert_eq!(entity_type(sw, &json!({"kind": "vision"})), Some("visionSwitcher"));
        assert_eq!(entity_type(sw, &json!({"kind": "camera"})), Some("camSwitcher"));
        assert_eq!(entity_type(&CAMERA, &json!({})), Some("camera"));
        assert_eq!(route("computers").map(|r| r.kind.name), Some("source"));
    }

    #[test]
    fn changes_use_the_original_names() {
        let got = changes(
            &CAMERA,
            &[json!("ccuId"), json!("name")],
            &json!({"ccuId": null, "name": "A"}),
            &json!({"ccuId": "x", "name": "B"}),
        );
        assert_eq!(got, json!({"ccuUuid": {"from": null, "to": "x"}, "name": {"from": "A", "to": "B"}}));
    }
}
