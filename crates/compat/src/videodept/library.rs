//! The original's shared libraries merged into ours without duplicates: equipment specs
//! (with their ports and cards, which the original keeps in three more tables), video
//! formats, and the four dropdown lists. An item we already have (the same id, the same
//! key, or the same manufacturer and model; for a format the same raster and rate) is
//! used as it is, and every device that pointed at theirs points at ours.

use std::collections::HashMap;

use prodsync_domain::equipment::EQUIPMENT;
use prodsync_domain::format::FORMAT;
use prodsync_domain::settings::Lookup;
use prodsync_domain::{CreateInput, Entity};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::fit::fit;
use super::rows::{is_deleted, text, uuid_of};
use super::{Remark, Tables};

/// What the libraries need: items to create, and theirs-to-ours ids for every item.
#[derive(Default)]
pub struct LibraryPlan {
    pub equipment: Vec<CreateInput>,
    pub formats: Vec<CreateInput>,
    /// Their `equipment_specs.uuid` / `formats.uuid` -> our item's id.
    pub equipment_ids: HashMap<String, Uuid>,
    pub format_ids: HashMap<String, Uuid>,
    pub remarks: Vec<Remark>,
}

pub fn plan(tables: &Tables, our_equipment_list: &[Entity], our_formats: &[Entity]) -> LibraryPlan {
    let mut out = LibraryPlan::default();
    for row in tables.rows("equipment_specs").iter().filter(|r| !is_deleted(r)) {
        let Some(theirs) = text(row, "uuid") else { continue };
        let body = equipment_body(tables, row);
        match our_equipment(our_equipment_list, &body) {
            Some(ours) => {
                out.equipment_ids.insert(theirs.to_owned(), ours.id);
            }
            None => match fit(&EQUIPMENT, body) {
                Ok(f) => {
                    for d in f.dropped {
                        out.remarks.push(Remark::adjusted("equipment_specs", theirs, d));
                    }
                    out.equipment_ids.insert(theirs.to_owned(), f.input.id.unwrap_or_default());
                    out.equipment.push(f.input);
                }
                Err(reason) => out.remarks.push(Remark::skipped("equipment_specs", theirs, reason)),
            },
        }
    }
    for row in tables.rows("formats") {
        let Some(theirs) = text(row, "uuid") else { continue };
        let body = format_body(row);
        match our_formats.iter().find(|f| same_format(f, &body)) {
            Some(ours) => {
                out.format_ids.insert(theirs.to_owned(), ours.id);
            }
            None => match fit(&FORMAT, body) {
                Ok(f) => {
                    out.format_ids.insert(theirs.to_owned(), f.input.id.unwrap_or_default());
                    out.formats.push(f.input);
                }
                Err(reason) => out.remarks.push(Remark::skipped("formats", theirs, reason)),
            },
        }
    }
    out
}

/// An equipment spec in our shape, its ports and cards gathered from their tables.
fn equipment_body(tables: &Tables, row: &Map<String, Value>) -> Map<String, Value> {
    let uuid = text(row, "uuid").unwrap_or_default();
    let key = text(row, "id");
    let belongs = |r: &Map<String, Value>| {
        text(r, "equipment_uuid") == Some(uuid) || (key.is_some() && text(r, "equipment_id") == key)
    };
    let ports: Vec<&Map<String, Value>> =
        tables.rows("equipment_io_ports").iter().filter(|r| belongs(r)).collect();
    let mut cards: Vec<&Map<String, Value>> =
        tables.rows("equipment_cards").iter().filter(|r| belongs(r)).collect();
    cards.sort_by_key(|c| c.get("slot_number").and_then(Value::as_i64));
    let cards: Vec<Value> = cards
        .into_iter()
        .map(|card| {
            let (cu, cid) = (text(card, "uuid"), text(card, "id"));
            let io: Vec<&Map<String, Value>> = tables
                .rows("equipment_card_io")
                .iter()
                .filter(|p| {
                    (cu.is_some() && text(p, "card_uuid") == cu)
                        || (cid.is_some() && text(p, "card_id") == cid)
                })
                .collect();
            json!({"id": cid, "slotNumber": card.get("slot_number"),
                "inputs": port_list(&io, "INPUT"), "outputs": port_list(&io, "OUTPUT")})
        })
        .collect();
    let mut body = Map::new();
    body.insert("id".into(), json!(uuid_of("equipment_specs", uuid)));
    let copy = [
        ("id", "displayId"),
        ("manufacturer", "manufacturer"),
        ("model", "model"),
        ("card_slots", "cardSlots"),
        ("format_by_io", "formatByIo"),
        ("is_secondary_device", "isSecondaryDevice"),
        ("device_formats", "deviceFormats"),
        ("specs", "specs"),
    ];
    for (theirs, ours) in copy {
        if let Some(v) = row.get(theirs).filter(|v| !v.is_null()) {
            body.insert(ours.into(), v.clone());
        }
    }
    for (theirs, ours) in [("category", "category"), ("io_architecture", "ioArchitecture")] {
        if let Some(v) = text(row, theirs) {
            body.insert(ours.into(), json!(v.to_lowercase().replace('_', "-")));
        }
    }
    if !ports.is_empty() {
        body.insert("inputs".into(), port_list(&ports, "INPUT"));
        body.insert("outputs".into(), port_list(&ports, "OUTPUT"));
    }
    if !cards.is_empty() {
        body.insert("cards".into(), Value::Array(cards));
    }
    body
}

/// Ports of one direction, in their order: `{"id", "type", "label", "format"}`.
fn port_list(ports: &[&Map<String, Value>], direction: &str) -> Value {
    let mut chosen: Vec<&&Map<String, Value>> =
        ports.iter().filter(|p| text(p, "port_type") == Some(direction)).collect();
    chosen.sort_by_key(|p| p.get("port_index").and_then(Value::as_i64));
    Value::Array(
        chosen
            .into_iter()
            .map(|p| {
                let mut port = Map::new();
                port.insert("type".into(), json!(text(p, "io_type").unwrap_or("unknown")));
                for (theirs, ours) in [("id", "id"), ("label", "label"), ("format", "format")] {
                    if let Some(v) = text(p, theirs) {
                        port.insert(ours.into(), json!(v));
                    }
                }
                Value::Object(port)
            })
            .collect(),
    )
}

/// Ours for theirs: the same id, else the same key, else the same manufacturer and model
/// (in that order: our library may hold one model twice, under two keys).
fn our_equipment<'a>(ours: &'a [Entity], theirs: &Map<String, Value>) -> Option<&'a Entity> {
    let lower = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_lowercase);
    let id = theirs.get("id").and_then(Value::as_str);
    let key = lower(theirs.get("displayId"));
    let model = (lower(theirs.get("manufacturer")), lower(theirs.get("model")));
    ours.iter()
        .find(|e| Some(e.id.to_string().as_str()) == id)
        .or_else(|| ours.iter().find(|e| key.is_some() && lower(e.value("displayId")) == key))
        .or_else(|| {
            ours.iter().find(|e| {
                model.1.is_some() && (lower(e.value("manufacturer")), lower(e.value("model"))) == model
            })
        })
}

fn format_body(row: &Map<String, Value>) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("id".into(), json!(uuid_of("formats", text(row, "uuid").unwrap_or_default())));
    for (theirs, ours) in [
        ("id", "displayId"),
        ("h_res", "hRes"),
        ("v_res", "vRes"),
        ("frame_rate", "frameRate"),
        ("is_interlaced", "isInterlaced"),
    ] {
        if let Some(v) = row.get(theirs).filter(|v| !v.is_null()) {
            body.insert(ours.into(), v.clone());
        }
    }
    body.insert("blanking".into(), json!(text(row, "blanking").unwrap_or("NONE").to_lowercase()));
    // Ours are the server's seed; theirs arrive as a user's own.
    body.insert("isSystem".into(), json!(false));
    body
}

fn same_format(ours: &Entity, theirs: &Map<String, Value>) -> bool {
    let num = |v: Option<&Value>| v.and_then(Value::as_f64);
    let flag = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
    let text_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let raster = ["hRes", "vRes"].iter().all(|f| num(ours.value(f)) == num(theirs.get(*f)));
    let rate = match (num(ours.value("frameRate")), num(theirs.get("frameRate"))) {
        (Some(a), Some(b)) => (a - b).abs() < 0.005,
        _ => false,
    };
    let blanking = text_of(ours.value("blanking")).unwrap_or_else(|| "none".into())
        == text_of(theirs.get("blanking")).unwrap_or_else(|| "none".into());
    theirs.get("id").and_then(Value::as_str) == Some(ours.id.to_string().as_str())
        || text_of(ours.value("displayId")) == text_of(theirs.get("displayId"))
        || (raster
            && rate
            && blanking
            && flag(ours.value("isInterlaced")) == flag(theirs.get("isInterlaced")))
}

/// The table each of our dropdown lists comes from.
pub fn lookup_table(lookup: Lookup) -> (&'static str, &'static str) {
    match lookup {
        Lookup::ConnectorTypes => ("connector_types", "name"),
        Lookup::SourceTypes => ("source_types", "name"),
        Lookup::FrameRates => ("frame_rates", "rate"),
        Lookup::Resolutions => ("resolution_presets", "name"),
    }
}

/// The values of one of their dropdown lists, active ones in their order, checked as a
/// client's new value is (`settings::parse_value`); the ones we would refuse (too long, a
/// '/' that no DELETE could name, a rate that is no number) come back as remarks.
pub fn lookup_values(tables: &Tables, lookup: Lookup) -> (Vec<String>, Vec<Remark>) {
    let (table, column) = lookup_table(lookup);
    let mut rows: Vec<&Map<String, Value>> = tables
        .rows(table)
        .iter()
        .filter(|r| r.get("is_active").and_then(Value::as_bool) != Some(false))
        .collect();
    rows.sort_by_key(|r| r.get("sort_order").and_then(Value::as_i64).unwrap_or(0));
    let (mut values, mut remarks) = (Vec::new(), Vec::new());
    for raw in rows.into_iter().filter_map(|r| r.get(column)) {
        match prodsync_domain::settings::parse_value(lookup, raw) {
            Ok(v) => values.push(v),
            Err(e) => remarks.push(Remark::skipped(table, raw.as_str().unwrap_or_default(), e.to_string())),
        }
    }
    (values, remarks)
}

/// Their values we lack, in their order, each once.
pub fn missing(theirs: &[String], ours: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in theirs {
        if !ours.contains(v) && !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use prodsync_domain::new_entity;
    use time::OffsetDateTime;

    fn tables(v: Value) -> Tables {
        Tables::from_json(&v)
    }

    fn stored(kind: &'static prodsync_domain::EntityKind, body: Value) -> Entity {
        let input = prodsync_domain::parse_create(kind, &body).unwrap();
        new_entity(kind, Uuid::new_v4(), Uuid::nil(), &input, None, OffsetDateTime::now_utc()).0
    }

    #[test]
    fn equipment_gathers_ports_and_cards_and_merges_by_model() {
        let t = tables(json!({
            "equipment_specs": [
                {"uuid": "aaaaaaaa-0000-4000-8000-000000000001", "id": "acme-sw-1", "category": "VISION_SWITCHER",
                 "manufacturer": "Acme", "model": "SW-1", "io_architecture": "CARD_BASED", "card_slots": 2,
                 "format_by_io": true, "is_secondary_device": false, "is_deleted": false},
                {"uuid": "aaaaaaaa-0000-4000-8000-000000000002", "id": "sony-hdc-5500", "category": "CAMERA",
                 "manufacturer": "Sony", "model": "HDC-5500", "io_architecture": "DIRECT", "is_deleted": false},
                {"uuid": "aaaaaaaa-0000-4000-8000-000000000003", "id": "gone", "category": "CAMERA",
                 "manufacturer": "Old", "model": "X", "io_architecture": "DIRECT", "is_deleted": true}],
            "equipment_cards": [{"uuid": "c1", "id": "card-1", "equipment_id": "acme-sw-1", "slot_number": 1}],
            "equipment_card_io": [
                {"uuid": "p2", "id": "in-2", "card_uuid": "c1", "port_type": "INPUT", "io_type": "12G-SDI", "port_index": 2},
                {"uuid": "p1", "id": "in-1", "card_uuid": "c1", "port_type": "INPUT", "io_type": "12G-SDI", "port_index": 1,
                 "label": "In 1"}],
            "equipment_io_ports": []
        }));
        let ours =
            [stored(&EQUIPMENT, json!({"manufacturer": "SONY", "model": "hdc-5500", "category": "camera"}))];
        let plan = plan(&t, &ours, &[]);
        assert_eq!(plan.equipment.len(), 1, "Sony exists, the deleted one is left: {:?}", plan.remarks);
        assert_eq!(plan.equipment_ids["aaaaaaaa-0000-4000-8000-000000000002"], ours[0].id);
        let acme = &plan.equipment[0];
        let field = |name: &str| {
            let i = EQUIPMENT.field_index(name).unwrap();
            acme.patch.0.iter().find(|(j, _)| *j == i).map(|(_, v)| v.clone())
        };
        assert_eq!(field("category"), Some(json!("vision-switcher")));
        assert_eq!(field("ioArchitecture"), Some(json!("card-based")));
        assert_eq!(
            field("cards"),
            Some(json!([{"id": "card-1", "slotNumber": 1, "inputs": [
                {"id": "in-1", "type": "12G-SDI", "label": "In 1"}, {"id": "in-2", "type": "12G-SDI"}], "outputs": []}]))
        );
        assert!(!plan.equipment_ids.contains_key("aaaaaaaa-0000-4000-8000-000000000003"));
    }

    #[test]
    fn formats_merge_by_raster_and_rate() {
        let t = tables(json!({"formats": [
            {"uuid": "bbbbbbbb-0000-4000-8000-000000000001", "id": "1080i5994", "h_res": 1920, "v_res": 1080,
             "frame_rate": 59.94, "is_interlaced": true, "blanking": "NONE"},
            {"uuid": "bbbbbbbb-0000-4000-8000-000000000002", "id": "odd", "h_res": 1234, "v_res": 567,
             "frame_rate": 30, "is_interlaced": false, "blanking": "RBv2"}]}));
        let ours = [stored(
            &FORMAT,
            json!({"displayId": "1920 x 1080 @ 59.94i", "hRes": 1920, "vRes": 1080, "frameRate": 59.94, "isInterlaced": true}),
        )];
        let plan = plan(&t, &[], &ours);
        assert_eq!(plan.format_ids["bbbbbbbb-0000-4000-8000-000000000001"], ours[0].id);
        assert_eq!(plan.formats.len(), 1);
        let blanking = FORMAT.field_index("blanking").unwrap();
        assert!(plan.formats[0].patch.0.contains(&(blanking, json!("rbv2"))));
    }

    #[test]
    fn lookups_add_what_is_missing_in_their_order() {
        let t = tables(json!({"frame_rates": [
            {"id": "a", "rate": "59.94", "sort_order": 2, "is_active": true},
            {"id": "b", "rate": " 47.952 ", "sort_order": 1, "is_active": true},
            {"id": "c", "rate": "12", "sort_order": 0, "is_active": false},
            {"id": "d", "rate": "fast", "sort_order": 3, "is_active": true}]}));
        let (theirs, refused) = lookup_values(&t, Lookup::FrameRates);
        assert_eq!(theirs, ["47.952", "59.94"]);
        assert_eq!(
            refused.iter().map(|r| (r.table, r.row.as_str())).collect::<Vec<_>>(),
            [("frame_rates", "fast")]
        );
        assert_eq!(missing(&theirs, &["59.94".into()]), ["47.952"]);
    }
}
