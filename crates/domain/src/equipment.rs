//! The global equipment library: gear the app offers when adding a camera, a switcher...
//! It reuses the entity declaration and validation, but is not per production, not
//! versioned per field, and has no change stream.
//!
//! An item's I/O is modelled as the original app models it: either `direct` (lists of
//! ports on the device) or `card-based` (slots holding cards, each with its own ports).

use crate::ErrorCode;
use serde_json::Value;

use crate::error::{FieldError, ValidationError};
use crate::field::FieldDef as F;
use crate::field::FieldType::*;
use crate::kind::EntityKind;

pub const CATEGORIES: &[&str] = &[
    "camera",
    "ptz",
    "ccu",
    "lens",
    "switcher",
    "cam-switcher",
    "vision-switcher",
    "router",
    "led-processor",
    "led-tile",
    "projector",
    "recorder",
    "media-server",
    "converter",
    "monitor",
    "computer",
    "cable-snake",
    "stream-encoder",
];

pub const IO_ARCHITECTURES: &[&str] = &["direct", "card-based"];

pub static EQUIPMENT: EntityKind = EntityKind {
    name: "equipment",
    path: "equipment",
    table: "equipment",
    fields: &[
        // The original library's key, such as "sony-hdcu-5500".
        F::optional("displayId", Text).unique(),
        F::required("manufacturer", Text),
        F::required("model", Text),
        F::required("category", Enum(CATEGORIES)),
        F::optional("ioArchitecture", Enum(IO_ARCHITECTURES)),
        // [{"id": "sdi-1", "type": "SDI", "label": "SDI Out 1", "format": "1080i59.94"}]
        // or, grouped, [{"type": "12G-SDI", "count": 4}]
        F::optional("inputs", Json),
        F::optional("outputs", Json),
        F::optional("cardSlots", Integer),
        // [{"id": "card-1", "slotNumber": 1, "inputs": [ports], "outputs": [ports]}]
        F::optional("cards", Json),
        // ["1080i59.94", "1080p60"]
        F::optional("deviceFormats", Json),
        // Whether each port has its own format (else the device has one).
        F::optional("formatByIo", Bool),
        // Converters and the like, offered as a source's secondary device.
        F::optional("isSecondaryDevice", Bool),
        // Free-form facts: {"lumens": 31000, "lensMount": "B4"}.
        F::optional("specs", Json),
        // Retired items stay for the shows that use them but are no longer offered.
        F::optional("archived", Bool),
        F::optional("notes", Text),
    ],
    derived: &[],
};

/// Checks the shapes of the JSON fields: ports, cards, formats and specs.
pub fn validate(fields: &[(usize, Value)]) -> Result<(), ValidationError> {
    let errors: Vec<FieldError> = fields
        .iter()
        .filter(|(_, v)| !v.is_null())
        .filter_map(|(i, v)| {
            let name = EQUIPMENT.fields[*i].name;
            let (ok, shape) = match name {
                "inputs" | "outputs" => (is_port_list(v), PORTS),
                "cards" => (is_card_list(v), CARDS),
                "deviceFormats" => (is_string_list(v), "a list of format names like [\"1080p59.94\"]"),
                "specs" => (v.is_object(), "an object like {\"lumens\": 31000}"),
                _ => return None,
            };
            (!ok).then(|| FieldError {
                field: name.into(),
                code: ErrorCode::InvalidType,
                message: format!("{name} must be {shape}"),
            })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationError { errors })
    }
}

const PORTS: &str =
    "a list of ports like {\"id\": \"sdi-1\", \"type\": \"12G-SDI\", \"label\": \"PGM\"} (or with \"count\")";
const CARDS: &str = "a list of cards like {\"slotNumber\": 1, \"inputs\": [ports], \"outputs\": [ports]}";
const MAX_PORTS_PER_GROUP: i64 = 10_000;

fn is_port_list(v: &Value) -> bool {
    let Some(ports) = v.as_array() else { return false };
    ports.iter().all(|p| {
        let Some(o) = p.as_object() else { return false };
        let text = |k: &str| o.get(k).is_none_or(|l| l.is_string() || l.is_null());
        let type_ok = o.get("type").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
        let count_ok =
            o.get("count").is_none_or(|c| c.as_i64().is_some_and(|n| (1..=MAX_PORTS_PER_GROUP).contains(&n)));
        let keys_ok = o.keys().all(|k| matches!(k.as_str(), "id" | "type" | "count" | "label" | "format"));
        type_ok && count_ok && keys_ok && text("id") && text("label") && text("format")
    })
}

fn is_card_list(v: &Value) -> bool {
    let Some(cards) = v.as_array() else { return false };
    cards.iter().all(|c| {
        let Some(o) = c.as_object() else { return false };
        let slot_ok = o.get("slotNumber").and_then(Value::as_i64).is_some_and(|n| (1..=1000).contains(&n));
        let ports_ok = ["inputs", "outputs"].iter().all(|k| o.get(*k).is_none_or(is_port_list));
        let keys_ok = o.keys().all(|k| matches!(k.as_str(), "id" | "slotNumber" | "inputs" | "outputs"));
        let id_ok = o.get("id").is_none_or(Value::is_string);
        slot_ok && ports_ok && keys_ok && id_ok
    })
}

fn is_string_list(v: &Value) -> bool {
    v.as_array().is_some_and(|items| items.iter().all(Value::is_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_create;
    use serde_json::json;

    fn check(body: Value) -> Result<(), Vec<String>> {
        let mut full = json!({"manufacturer": "Sony", "model": "HDC-5500", "category": "camera"});
        full.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
        let input = parse_create(&EQUIPMENT, &full).unwrap();
        validate(&input.patch.0).map_err(|e| e.errors.into_iter().map(|e| e.field).collect())
    }

    #[test]
    fn shapes_of_ports_cards_formats_and_specs() {
        let table: &[(Value, Result<(), Vec<String>>)] = &[
            (json!({"outputs": [{"type": "12G-SDI", "count": 2}]}), Ok(())),
            (
                json!({"outputs": [{"id": "sdi-1", "type": "SDI", "label": "Out 1", "format": "1080i59.94"}]}),
                Ok(()),
            ),
            (json!({"inputs": [{"type": "SDI"}], "outputs": []}), Ok(())),
            (json!({"inputs": [{"label": "no type"}]}), Err(vec!["inputs".into()])),
            (json!({"inputs": [{"type": "SDI", "count": 0}]}), Err(vec!["inputs".into()])),
            (json!({"inputs": [{"type": "SDI", "colour": "red"}]}), Err(vec!["inputs".into()])),
            (json!({"inputs": {"type": "SDI"}}), Err(vec!["inputs".into()])),
            (
                json!({"cards": [{"id": "card-1", "slotNumber": 1, "inputs": [{"type": "12G-SDI"}], "outputs": []}]}),
                Ok(()),
            ),
            (json!({"cards": [{"inputs": []}]}), Err(vec!["cards".into()])),
            (json!({"cards": [{"slotNumber": 1, "inputs": [{"count": 2}]}]}), Err(vec!["cards".into()])),
            (json!({"deviceFormats": ["1080p60", "720p59.94"]}), Ok(())),
            (json!({"deviceFormats": [1080]}), Err(vec!["deviceFormats".into()])),
            (json!({"specs": {"lumens": 31000}}), Ok(())),
            (json!({"specs": [1]}), Err(vec!["specs".into()])),
            (json!({"specs": "x", "inputs": 3}), Err(vec!["inputs".into(), "specs".into()])),
        ];
        for (body, expected) in table {
            assert_eq!(&check(body.clone()), expected, "{body}");
        }
    }
}
