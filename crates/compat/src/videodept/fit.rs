//! Fitting one row's body to our validation. The original checked little, so a row may
//! hold a value we refuse (an enum outside our list, a display id where we keep a UUID).
//! A bad optional field is dropped and said so; a row whose required field is bad is not
//! imported, with the reason. Either way the rest of the import goes on.

use prodsync_domain::field::Access;
use prodsync_domain::{parse_create, CreateInput, EntityKind, ValidationError};
use serde_json::{Map, Value};

/// A body that passed, and what was dropped to make it pass (one line per field).
pub struct Fitted {
    pub input: CreateInput,
    pub body: Map<String, Value>,
    pub dropped: Vec<String>,
}

pub fn fit(kind: &'static EntityKind, mut body: Map<String, Value>) -> Result<Fitted, String> {
    let mut dropped = Vec::new();
    // Each round drops every optional field named; a second round cannot name new ones,
    // but the bound keeps a surprise from looping.
    for _ in 0..3 {
        match check(kind, &body) {
            Ok(input) => return Ok(Fitted { input, body, dropped }),
            Err(e) => {
                for f in &e.errors {
                    let optional = kind.field(&f.field).is_some_and(|d| d.access != Access::Required);
                    if !optional || body.remove(&f.field).is_none() {
                        return Err(reasons(&e));
                    }
                    dropped.push(format!("{} dropped: {}", f.field, f.message));
                }
            }
        }
    }
    Err("its fields could not be made valid".into())
}

fn check(kind: &'static EntityKind, body: &Map<String, Value>) -> Result<CreateInput, ValidationError> {
    let input = parse_create(kind, &Value::Object(body.clone()))?;
    if !kind.owned_by_production() && !kind.is_production() {
        prodsync_domain::library::validate(kind, &input.patch.0)?;
    }
    Ok(input)
}

fn reasons(e: &ValidationError) -> String {
    e.errors.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use prodsync_domain::catalog::{CAMERA, CONNECTION, PROJECTION_SURFACE};
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn bad_optional_fields_go_and_required_ones_stop_the_row() {
        let ok = fit(&CAMERA, body(json!({"name": "Cam", "maxZoom": 20}))).unwrap();
        assert!(ok.dropped.is_empty());
        let odd =
            fit(&PROJECTION_SURFACE, body(json!({"name": "Screen", "surfaceType": "SIDEWAYS", "widthM": 4})))
                .unwrap();
        assert_eq!(odd.dropped.len(), 1, "{:?}", odd.dropped);
        assert!(odd.dropped[0].starts_with("surfaceType dropped"));
        assert!(!odd.body.contains_key("surfaceType") && odd.body.contains_key("widthM"));
        let label =
            fit(&CONNECTION, body(json!({"destinationType": "send", "destinationId": "SEND 4"}))).unwrap();
        assert!(label.dropped[0].starts_with("destinationId dropped"));
        let no_name = fit(&CAMERA, body(json!({"name": null, "maxZoom": 20})));
        assert!(no_name.is_err_and(|r| r.contains("name")));
    }
}
