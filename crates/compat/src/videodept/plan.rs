//! Every production of the original with everything in it, as our create bodies: ids
//! kept (their `uuid`; the production's own id through [`crate::ids::production_uuid`],
//! as the compatibility layer maps it), references by display id or uuid resolved inside
//! the production, soft-deleted rows left out, each row's author and versions carried.
//! Targets are planned before what points at them (the catalog's order), so a reference
//! to a row that was left out is seen and cleared (or, when required, the row is left out
//! too) rather than failing the write.

use std::collections::{HashMap, HashSet};

use prodsync_domain::catalog::{self, PRODUCTION};
use prodsync_domain::field::FieldType;
use prodsync_domain::imported::{History, Origin};
use prodsync_domain::{CreateInput, EntityKind};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::fit::fit;
use super::library::LibraryPlan;
use super::rows::{api_shape, epoch_ms, field_versions, is_deleted, normalise, text, uuid_of};
use super::{Remark, Tables};
use crate::ids::production_uuid;
use crate::shapes::from_original;

/// One of their tables and the type it becomes; `pin` is a field its rows all get (the
/// two switcher tables are one type of ours, told apart by `kind`).
struct Source {
    table: &'static str,
    kind: &'static EntityKind,
    pin: Option<(&'static str, &'static str)>,
}

const fn s(table: &'static str, kind: &'static EntityKind) -> Source {
    Source { table, kind, pin: None }
}

/// In the catalog's order: what is referenced comes first.
static SOURCES: &[Source] = &[
    s("checklist_items", &catalog::CHECKLIST_ITEM),
    s("ccus", &catalog::CCU),
    s("cameras", &catalog::CAMERA),
    s("sources", &catalog::SOURCE),
    s("source_outputs", &catalog::SOURCE_OUTPUT),
    s("sends", &catalog::SEND),
    s("connections", &catalog::CONNECTION),
    s("cable_snakes", &catalog::CABLE_SNAKE),
    Source { table: "cam_switchers", kind: &catalog::SWITCHER, pin: Some(("kind", "camera")) },
    Source { table: "vision_switchers", kind: &catalog::SWITCHER, pin: Some(("kind", "vision")) },
    s("led_screens", &catalog::LED_SCREEN),
    s("media_servers", &catalog::MEDIA_SERVER),
    s("projection_screens", &catalog::PROJECTION_SCREEN),
    s("projection_surfaces", &catalog::PROJECTION_SURFACE),
    s("records", &catalog::RECORD),
    s("routers", &catalog::ROUTER),
    s("streams", &catalog::STREAM),
    s("ip_addresses", &catalog::IP_ADDRESS),
    s("device_ports", &catalog::DEVICE_PORT),
    s("cables", &catalog::CABLE),
];

/// One row to write.
#[derive(Debug, Clone)]
pub struct Row {
    pub table: &'static str,
    pub kind: &'static EntityKind,
    pub id: Uuid,
    pub input: CreateInput,
    pub origin: Origin,
}

#[derive(Debug)]
pub struct ProductionPlan {
    /// Their id (`prod_…`), kept as our `displayId`.
    pub original_id: String,
    pub id: Uuid,
    pub show_name: String,
    pub production: Row,
    pub rows: Vec<Row>,
    /// Rows soft-deleted there, by table: left out on purpose.
    pub deleted_there: HashMap<&'static str, usize>,
    pub remarks: Vec<Remark>,
}

/// Every production (or the one asked for), and what could not be planned at all.
pub fn plan(
    tables: &Tables,
    library: &LibraryPlan,
    only: Option<&str>,
) -> (Vec<ProductionPlan>, Vec<Remark>) {
    let mut plans = Vec::new();
    let mut remarks = Vec::new();
    for row in tables.rows("productions") {
        let Some(pid) = text(row, "id") else { continue };
        if only.is_some_and(|o| o != pid) {
            continue;
        }
        if is_deleted(row) {
            remarks.push(Remark::skipped("productions", pid, "deleted in the original"));
            continue;
        }
        match production(row, pid) {
            Ok(p) => plans.push(contents(tables, library, pid, p)),
            Err(reason) => remarks.push(Remark::skipped("productions", pid, reason)),
        }
    }
    if let Some(o) = only.filter(|_| plans.is_empty() && remarks.is_empty()) {
        remarks.push(Remark::skipped("productions", o, "no production has this id in the source"));
    }
    (plans, remarks)
}

fn production(row: &Map<String, Value>, pid: &str) -> Result<Row, String> {
    let (body, _) = from_original(&PRODUCTION, &api_shape(row));
    let mut body = body.as_object().cloned().unwrap_or_default();
    body.remove("version");
    normalise(&PRODUCTION, &mut body);
    let id = production_uuid(pid);
    body.insert("id".into(), json!(id));
    let fitted = fit(&PRODUCTION, body)?;
    Ok(Row {
        table: "productions",
        kind: &PRODUCTION,
        id,
        input: fitted.input,
        origin: origin(&PRODUCTION, row),
    })
}

/// What a production holds, as far as it can be mapped.
fn contents(tables: &Tables, library: &LibraryPlan, pid: &str, production: Row) -> ProductionPlan {
    let show_name = production
        .input
        .patch
        .0
        .iter()
        .find(|(i, _)| PRODUCTION.fields[*i].name == "showName")
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let mut p = ProductionPlan {
        original_id: pid.to_owned(),
        id: production.id,
        show_name,
        production,
        rows: Vec::new(),
        deleted_there: HashMap::new(),
        remarks: Vec::new(),
    };
    let sources: HashSet<&str> = tables
        .rows("sources")
        .iter()
        .filter(|r| text(r, "production_id") == Some(pid) && !is_deleted(r))
        .filter_map(|r| text(r, "uuid"))
        .collect();
    let deleted: HashSet<&str> = SOURCES
        .iter()
        .flat_map(|s| tables.rows(s.table))
        .filter(|r| text(r, "production_id") == Some(pid) && is_deleted(r))
        .filter_map(|r| text(r, "uuid"))
        .collect();
    let mut seen = Seen::default();
    for source in SOURCES {
        for row in tables.rows(source.table) {
            let inside = match source.table {
                // Outputs have no production of their own: their source's.
                "source_outputs" => text(row, "source_uuid").is_some_and(|u| sources.contains(u)),
                _ => text(row, "production_id") == Some(pid),
            };
            if !inside {
                continue;
            }
            if is_deleted(row) {
                *p.deleted_there.entry(source.table).or_default() += 1;
                continue;
            }
            let key = text(row, "uuid").or_else(|| text(row, "id")).unwrap_or_default().to_owned();
            match entity(source, row, library, &deleted, &mut seen) {
                Ok((planned, notes)) => {
                    p.remarks.extend(notes.into_iter().map(|n| Remark::adjusted(source.table, &key, n)));
                    p.rows.push(planned);
                }
                Err(reason) => p.remarks.push(Remark::skipped(source.table, &key, reason)),
            }
        }
    }
    p
}

/// What was planned so far in one production: ids by type, and display ids by type.
#[derive(Default)]
struct Seen {
    ids: HashMap<&'static str, HashSet<Uuid>>,
    labels: HashMap<(&'static str, String), Uuid>,
}

fn entity(
    source: &Source,
    row: &Map<String, Value>,
    library: &LibraryPlan,
    deleted: &HashSet<&str>,
    seen: &mut Seen,
) -> Result<(Row, Vec<String>), String> {
    let kind = source.kind;
    let (body, unresolved) = from_original(kind, &api_shape(row));
    let mut body = body.as_object().cloned().unwrap_or_default();
    let mut notes = Vec::new();
    body.remove("version");
    let own = text(row, "uuid").or_else(|| text(row, "id")).unwrap_or_default();
    let id = uuid_of(source.table, own);
    body.insert("id".into(), json!(id));
    if let Some((field, value)) = source.pin {
        body.insert(field.into(), json!(value));
    }
    normalise(kind, &mut body);
    if kind == &catalog::DEVICE_PORT {
        if let Some(device) = text(row, "device_uuid").filter(|d| deleted.contains(d)) {
            return Err(format!("its device {device} is deleted in the original"));
        }
    }
    for u in unresolved {
        match seen.labels.get(&(u.target, u.label.clone())) {
            Some(target) => {
                body.insert(u.field.into(), json!(target));
            }
            None => notes.push(format!(
                "{} cleared: no {} labelled {:?} in this production",
                u.field, u.target, u.label
            )),
        }
    }
    check_references(kind, &mut body, library, seen, &mut notes)?;
    unique_label(kind, &mut body, seen, &mut notes);
    let fitted = fit(kind, body)?;
    notes.extend(fitted.dropped);
    seen.ids.entry(kind.name).or_default().insert(id);
    if let Some(label) = fitted.body.get("displayId").and_then(Value::as_str) {
        seen.labels.insert((kind.name, label.to_owned()), id);
    }
    let row = Row { table: source.table, kind, id, input: fitted.input, origin: origin(kind, row) };
    Ok((row, notes))
}

/// A reference to a row that is not planned (deleted there, or never there) is cleared,
/// or stops the row when it is required; a library reference is moved to our item.
fn check_references(
    kind: &'static EntityKind,
    body: &mut Map<String, Value>,
    library: &LibraryPlan,
    seen: &Seen,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    for f in kind.fields {
        let Some(value) = body.get(f.name).and_then(Value::as_str).map(str::to_owned) else { continue };
        let found = match f.ty {
            FieldType::Ref(target) => Uuid::parse_str(&value)
                .ok()
                .filter(|u| seen.ids.get(target).is_some_and(|ids| ids.contains(u)))
                .map(|u| json!(u)),
            FieldType::Library(lib) => {
                let ids = if lib == "format" { &library.format_ids } else { &library.equipment_ids };
                ids.get(&value).map(|u| json!(u))
            }
            _ => continue,
        };
        match found {
            Some(v) => {
                body.insert(f.name.into(), v);
            }
            None if f.access == prodsync_domain::field::Access::Required => {
                return Err(format!("{} points at {value}, which is not in this production", f.name));
            }
            None => {
                body.remove(f.name);
                let what = match f.ty {
                    FieldType::Library(lib) => format!("no {lib} library item {value}"),
                    _ => format!("{value} is not in this production (deleted there?)"),
                };
                notes.push(format!("{} cleared: {what}", f.name));
            }
        }
    }
    Ok(())
}

/// Our display ids are unique per production and type; the original's were not (it
/// dropped that constraint). A repeat gets a suffix and a note.
fn unique_label(
    kind: &'static EntityKind,
    body: &mut Map<String, Value>,
    seen: &Seen,
    notes: &mut Vec<String>,
) {
    let Some(label) = body.get("displayId").and_then(Value::as_str).map(str::to_owned) else { return };
    if !seen.labels.contains_key(&(kind.name, label.clone())) {
        return;
    }
    let free =
        (2..).map(|n| format!("{label} ({n})")).find(|l| !seen.labels.contains_key(&(kind.name, l.clone())));
    if let Some(new) = free {
        notes.push(format!("displayId {label:?} is used twice there; this one is {new:?}"));
        body.insert("displayId".into(), json!(new));
    }
}

/// Who wrote the row there, and the versions it reached.
fn origin(kind: &EntityKind, row: &Map<String, Value>) -> Origin {
    let author = text(row, "last_modified_by")
        .filter(|a| prodsync_domain::access::is_valid_user_text(a))
        .map(str::to_owned);
    let mut stamps = Vec::new();
    if kind == &catalog::CHECKLIST_ITEM && row.get("completed").and_then(Value::as_bool) == Some(true) {
        if let (Some(i), Some(at)) =
            (kind.field_index("completedAt"), row.get("completed_at").and_then(epoch_ms))
        {
            stamps.push((i, json!(at)));
        }
    }
    let history = History {
        version: row.get("version").and_then(Value::as_i64).unwrap_or(1),
        field_versions: field_versions(kind, row.get("field_versions")),
        stamps,
    };
    Origin { author, history: Some(history) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::videodept::library;

    const P: &str = "prod_1738000000000_abc";

    fn show() -> Tables {
        Tables::from_json(&json!({
            "productions": [
                {"id": P, "client": "ACME", "show_name": "Gala", "status": "ACTIVE", "load_in": "2026-02-15T08:00:00",
                 "version": 4, "field_versions": {"show_name": {"version": 3, "updated_at": "x"}},
                 "last_modified_by": "ann", "is_deleted": false},
                {"id": "prod_gone", "client": "X", "show_name": "Old", "is_deleted": true}],
            "ccus": [
                {"uuid": "00000000-0000-4000-8000-0000000000c1", "id": "CCU 1", "production_id": P, "name": "CCU A", "is_deleted": false},
                {"uuid": "00000000-0000-4000-8000-0000000000c2", "id": "CCU 2", "production_id": P, "name": "CCU B", "is_deleted": true}],
            "cameras": [
                {"uuid": "00000000-0000-4000-8000-0000000000a1", "id": "CAM 1", "production_id": P, "name": "Cam 1",
                 "ccu_id": "CCU 1", "ccu_uuid": null, "is_deleted": false, "version": 6,
                 "field_versions": {"ccu_id": {"version": 5}}, "last_modified_by": "bob"},
                {"uuid": "00000000-0000-4000-8000-0000000000a2", "id": "CAM 2", "production_id": P, "name": "Cam 2",
                 "ccu_uuid": "00000000-0000-4000-8000-0000000000c2", "ccu_id": "CCU 2", "is_deleted": false},
                {"uuid": "00000000-0000-4000-8000-0000000000a3", "id": "CAM 1", "production_id": P, "name": "Cam 3",
                 "is_deleted": false, "equipment_uuid": "not-in-library"},
                {"uuid": "00000000-0000-4000-8000-0000000000a4", "id": "CAM 4", "production_id": P, "name": "Cam 4",
                 "is_deleted": true}],
            "sources": [{"uuid": "00000000-0000-4000-8000-0000000000b1", "id": "SRC 1", "production_id": P,
                 "name": "Laptop", "type": "Laptop", "category": "COMPUTER", "is_deleted": false}],
            "source_outputs": [
                {"uuid": "00000000-0000-4000-8000-0000000000d1", "id": "SRC 1-1", "source_uuid": "00000000-0000-4000-8000-0000000000b1",
                 "source_id": "SRC 1", "connector": "HDMI", "output_index": 1},
                {"uuid": "00000000-0000-4000-8000-0000000000d2", "id": "X-1", "source_uuid": "00000000-0000-4000-8000-0000000000ff",
                 "source_id": "X", "connector": "HDMI"}],
            "cam_switchers": [{"uuid": "00000000-0000-4000-8000-0000000000e1", "id": "CSW 1", "production_id": P,
                 "name": "Cam switch", "is_deleted": false}],
            "checklist_items": [{"uuid": "00000000-0000-4000-8000-0000000000f1", "id": "CHK 1", "production_id": P,
                 "title": "Book crew", "completed": true, "completed_at": 1767225600000_i64, "due_date": "2026-03-01T00:00:00"}]
        }))
    }

    #[test]
    fn a_show_is_planned_with_references_resolved_and_deletions_left_out() {
        let (plans, remarks) = plan(&show(), &LibraryPlan::default(), None);
        assert_eq!(remarks, vec![Remark::skipped("productions", "prod_gone", "deleted in the original")]);
        let p = &plans[0];
        assert_eq!((p.id, p.show_name.as_str()), (production_uuid(P), "Gala"));
        let tables: Vec<&str> = p.rows.iter().map(|r| r.table).collect();
        assert_eq!(
            tables,
            [
                "checklist_items",
                "ccus",
                "cameras",
                "cameras",
                "cameras",
                "sources",
                "source_outputs",
                "cam_switchers"
            ]
        );
        assert_eq!((p.deleted_there["ccus"], p.deleted_there["cameras"]), (1, 1));
        let value = |row: &Row, field: &str| {
            let i = row.kind.field_index(field).unwrap();
            row.input.patch.0.iter().find(|(j, _)| *j == i).map(|(_, v)| v.clone())
        };
        let cam1 = &p.rows[2];
        assert_eq!(
            value(cam1, "ccuId"),
            Some(json!("00000000-0000-4000-8000-0000000000c1")),
            "by display id"
        );
        assert_eq!(cam1.origin.author.as_deref(), Some("bob"));
        let h = cam1.origin.history.as_ref().unwrap();
        assert_eq!((h.version, h.field_versions.get("ccuId")), (6, Some(&5)));
        let cam2 = &p.rows[3];
        assert_eq!(value(cam2, "ccuId"), None, "its CCU is deleted there");
        let cam3 = &p.rows[4];
        assert_eq!(value(cam3, "displayId"), Some(json!("CAM 1 (2)")));
        assert_eq!(value(cam3, "equipmentId"), None);
        assert_eq!(value(&p.rows[7], "kind"), Some(json!("camera")));
        let checklist = &p.rows[0];
        assert_eq!(value(checklist, "dueDate"), Some(json!("2026-03-01")));
        let stamp = &checklist.origin.history.as_ref().unwrap().stamps;
        assert_eq!(stamp[0].1, json!("2026-01-01T00:00:00Z"));
        let production = &p.production;
        assert_eq!(value(production, "status"), Some(json!("active")));
        assert_eq!(value(production, "loadIn"), Some(json!("2026-02-15T08:00:00Z")));
        assert_eq!(value(production, "displayId"), Some(json!(P)));
        let noted: Vec<(&str, bool)> = p.remarks.iter().map(|r| (r.table, r.skipped)).collect();
        assert_eq!(noted, [("cameras", false), ("cameras", false), ("cameras", false)], "{:?}", p.remarks);
        assert!(p
            .rows
            .iter()
            .all(|r| r.id != Uuid::parse_str("00000000-0000-4000-8000-0000000000d2").unwrap()));
    }

    #[test]
    fn one_production_when_asked() {
        let library = library::plan(&show(), &[], &[]);
        let (plans, _) = plan(&show(), &library, Some(P));
        assert_eq!(plans.len(), 1);
        let (none, remarks) = plan(&show(), &library, Some("prod_nope"));
        assert!(none.is_empty());
        assert!(remarks[0].reason.contains("no production"));
    }
}
