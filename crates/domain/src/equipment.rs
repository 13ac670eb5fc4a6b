//! The global equipment library: gear the app offers when adding a camera, a switcher...
//! It reuses the entity declaration and validation, but is not per production, not
//! versioned per field, and has no change stream.

use serde_json::Value;

use crate::error::{FieldError, ValidationError};
use crate::field::FieldDef as F;
use crate::field::FieldType::*;
use crate::kind::EntityKind;

pub const CATEGORIES: &[&str] = &[
    "camera",
    "ccu",
    "lens",
    "switcher",
    "router",
    "led-processor",
    "projector",
    "recorder",
    "media-server",
    "converter",
    "monitor",
];

pub static EQUIPMENT: EntityKind = EntityKind {
    name: "equipment",
    path: "equipment",
    table: "equipment",
    fields: &[
        F::required("manufacturer", Text),
        F::required("model", Text),
        F::required("category", Enum(CATEGORIES)),
        // [{"type": "12G-SDI", "count": 4, "label": "SDI out"}]
        F::optional("inputs", Json),
        F::optional("outputs", Json),
        F::optional("notes", Text),
    ],
    derived: &[],
};

/// Checks that `inputs`/`outputs` are lists of `{type, count, label?}`.
pub fn validate_ports(fields: &[(usize, Value)]) -> Result<(), ValidationError> {
    let errors: Vec<FieldError> = fields
        .iter()
        .filter(|(i, v)| matches!(EQUIPMENT.fields[*i].name, "inputs" | "outputs") && !v.is_null())
        .filter(|(_, v)| !is_port_list(v))
        .map(|(i, _)| {
            let name = EQUIPMENT.fields[*i].name;
            FieldError {
                field: name.into(),
                code: "invalid_type",
                message: format!(
                    "{name} must be a list of ports like {{\"type\": \"12G-SDI\", \"count\": 2, \"label\": \"PGM\"}}"
                ),
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationError { errors })
    }
}

fn is_port_list(v: &Value) -> bool {
    let Some(ports) = v.as_array() else { return false };
    ports.iter().all(|p| {
        let Some(o) = p.as_object() else { return false };
        let type_ok = o.get("type").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
        let count_ok = o.get("count").and_then(Value::as_i64).is_some_and(|n| (1..=10_000).contains(&n));
        let label_ok = o.get("label").is_none_or(|l| l.is_string() || l.is_null());
        let keys_ok = o.keys().all(|k| matches!(k.as_str(), "type" | "count" | "label"));
        type_ok && count_ok && label_ok && keys_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_create;
    use serde_json::json;

    #[test]
    fn ports_must_be_typed_and_counted() {
        let ok = parse_create(
            &EQUIPMENT,
            &json!({"manufacturer": "Sony", "model": "HDC-5500", "category": "camera",
            "outputs": [{"type": "12G-SDI", "count": 2}]}),
        )
        .unwrap();
        assert!(validate_ports(&ok.patch.0).is_ok());
        let bad = parse_create(
            &EQUIPMENT,
            &json!({"manufacturer": "Sony", "model": "X", "category": "camera",
            "inputs": [{"type": "SDI"}]}),
        )
        .unwrap();
        assert_eq!(validate_ports(&bad.patch.0).unwrap_err().errors[0].field, "inputs");
    }
}
