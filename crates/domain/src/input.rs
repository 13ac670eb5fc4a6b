//! Turns a client's JSON body into a validated create or update command. Nothing here
//! touches storage: a body is accepted or rejected on its own.

use crate::ErrorCode;
use serde_json::Value;
use uuid::Uuid;

use crate::error::{FieldError, ValidationError};
use crate::field::{camel_case, normalize, Access, FieldType, ValueProblem};
use crate::kind::EntityKind;

/// Sync columns a client may echo back from an entity it loaded; the server owns them.
const ECHOED_SYNC_KEYS: &[&str] =
    &["fieldVersions", "lastModifiedBy", "createdAt", "updatedAt", "fieldErrors"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Last write wins; the response reports what was overwritten.
    #[default]
    Overwrite,
    /// Nothing is written when any sent field was concurrently changed; 409.
    Reject,
}

/// Canonical values for some fields, by index into `kind.fields`, each field at most once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch(pub Vec<(usize, Value)>);

#[derive(Debug, Clone, PartialEq)]
pub struct CreateInput {
    pub id: Option<Uuid>,
    pub production_id: Option<Uuid>,
    pub patch: Patch,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UpdateInput {
    pub id: Option<Uuid>,
    pub production_id: Option<Uuid>,
    /// The version the client last saw, when it said.
    pub base_version: Option<i64>,
    pub on_conflict: OnConflict,
    pub patch: Patch,
}

pub fn parse_create(kind: &'static EntityKind, body: &Value) -> Result<CreateInput, ValidationError> {
    let parsed = parse_body(kind, body)?;
    let mut errors = parsed.errors;
    for (i, def) in kind.fields.iter().enumerate() {
        let given = parsed.patch.0.iter().any(|(j, v)| *j == i && !v.is_null());
        if def.is_required() && !given && !errors.iter().any(|e| e.field == def.name) {
            errors.push(missing(def.name));
        }
    }
    finish(errors)?;
    Ok(CreateInput { id: parsed.id, production_id: parsed.production_id, patch: parsed.patch })
}

pub fn parse_update(kind: &'static EntityKind, body: &Value) -> Result<UpdateInput, ValidationError> {
    let parsed = parse_body(kind, body)?;
    let mut errors = parsed.errors;
    for (i, v) in &parsed.patch.0 {
        if v.is_null() && kind.fields[*i].is_required() {
            errors.push(missing(kind.fields[*i].name));
        }
    }
    finish(errors)?;
    Ok(UpdateInput {
        id: parsed.id,
        production_id: parsed.production_id,
        base_version: parsed.version,
        on_conflict: parsed.on_conflict,
        patch: parsed.patch,
    })
}

struct Parsed {
    id: Option<Uuid>,
    production_id: Option<Uuid>,
    version: Option<i64>,
    on_conflict: OnConflict,
    patch: Patch,
    errors: Vec<FieldError>,
}

fn parse_body(kind: &'static EntityKind, body: &Value) -> Result<Parsed, ValidationError> {
    let Value::Object(map) = body else {
        return Err(ValidationError::single(
            "",
            ErrorCode::InvalidBody,
            format!("the body must be a JSON object with the fields of a {}", kind.name),
        ));
    };
    let mut p = Parsed {
        id: None,
        production_id: None,
        version: None,
        on_conflict: OnConflict::Overwrite,
        patch: Patch::default(),
        errors: Vec::new(),
    };
    for (key, raw) in map {
        parse_key(kind, key, raw, &mut p);
    }
    // Declaration order, whatever order the keys came in: changedFields, `previous` and the
    // activity feed then list fields as the type declares them.
    p.patch.0.sort_by_key(|(i, _)| *i);
    Ok(p)
}

fn parse_key(kind: &'static EntityKind, key: &str, raw: &Value, p: &mut Parsed) {
    match key {
        "id" => p.id = uuid_field(key, raw, &mut p.errors),
        "productionId" if kind.owned_by_production() => p.production_id = uuid_field(key, raw, &mut p.errors),
        "version" => match crate::field::as_integer(raw) {
            Some(v) if v >= 1 => p.version = Some(v),
            _ if raw.is_null() => {}
            _ => p.errors.push(type_error(key, "a positive integer (the version you last saw)")),
        },
        "onConflict" => match raw.as_str() {
            Some("reject") => p.on_conflict = OnConflict::Reject,
            Some("overwrite") => p.on_conflict = OnConflict::Overwrite,
            _ => p.errors.push(FieldError {
                field: key.into(),
                code: ErrorCode::InvalidValue,
                message: "onConflict must be \"reject\" or \"overwrite\"".into(),
            }),
        },
        k if ECHOED_SYNC_KEYS.contains(&k) => {}
        _ => match kind.field_index(key) {
            Some(i) if kind.fields[i].access == Access::ServerSet => {}
            Some(i) => match normalize(kind.fields[i].ty, raw) {
                Ok(v) => p.patch.0.push((i, v)),
                Err(problem) => p.errors.push(value_error(kind, i, problem)),
            },
            None => p.errors.push(unknown_field(kind, key)),
        },
    }
}

fn uuid_field(key: &str, raw: &Value, errors: &mut Vec<FieldError>) -> Option<Uuid> {
    match raw.as_str().map(Uuid::parse_str) {
        Some(Ok(id)) => Some(id),
        _ if raw.is_null() => None,
        _ => {
            errors.push(FieldError {
                field: key.into(),
                code: ErrorCode::InvalidUuid,
                message: format!("{key} must be a UUID, got {raw}"),
            });
            None
        }
    }
}

fn finish(errors: Vec<FieldError>) -> Result<(), ValidationError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationError { errors })
    }
}

fn missing(field: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: ErrorCode::MissingField,
        message: format!("{field} is required and may not be null"),
    }
}

fn type_error(field: &str, expected: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: ErrorCode::InvalidType,
        message: format!("{field} must be {expected}"),
    }
}

fn value_error(kind: &EntityKind, i: usize, problem: ValueProblem) -> FieldError {
    let def = &kind.fields[i];
    let (code, message) = match problem {
        ValueProblem::WrongType => {
            (ErrorCode::InvalidType, format!("{} must be {}", def.name, def.ty.describe()))
        }
        ValueProblem::TooLong => (
            ErrorCode::TooLong,
            format!("{} is longer than {} characters", def.name, crate::field::MAX_TEXT_CHARS),
        ),
        ValueProblem::OutOfRange if def.ty == FieldType::Json => (
            ErrorCode::OutOfRange,
            format!("{} holds a number beyond ±{:e}", def.name, crate::json::MAX_NUMBER),
        ),
        ValueProblem::OutOfRange => {
            (ErrorCode::OutOfRange, format!("{} is out of range for {}", def.name, def.ty.describe()))
        }
        ValueProblem::NotAllowed => {
            (ErrorCode::InvalidValue, format!("{} must be {}", def.name, def.ty.describe()))
        }
        ValueProblem::NulCharacter => {
            (ErrorCode::InvalidValue, format!("{} may not contain the NUL character (\\u0000)", def.name))
        }
        ValueProblem::TooDeep => (
            ErrorCode::TooDeep,
            format!("{} nests arrays and objects deeper than {} levels", def.name, crate::json::MAX_DEPTH),
        ),
    };
    FieldError { field: def.name.into(), code, message }
}

fn unknown_field(kind: &EntityKind, key: &str) -> FieldError {
    let hint =
        kind.field(&camel_case(key)).map(|f| format!("; did you mean {}?", f.name)).unwrap_or_default();
    FieldError {
        field: key.into(),
        code: ErrorCode::UnknownField,
        message: format!("{key} is not a field of {}{hint}", kind.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{CAMERA, CHECKLIST_ITEM};
    use serde_json::json;

    fn codes(e: ValidationError) -> Vec<(String, &'static str)> {
        e.errors.into_iter().map(|e| (e.field, e.code.as_str())).collect()
    }

    #[test]
    fn create_requires_required_fields() {
        let e = parse_create(&CAMERA, &json!({"model": "HDC-5500"})).unwrap_err();
        assert_eq!(codes(e), vec![("name".into(), "missing_field")]);
        let e = parse_create(&CAMERA, &json!({"name": null})).unwrap_err();
        assert_eq!(codes(e), vec![("name".into(), "missing_field")]);
    }

    #[test]
    fn every_problem_is_named() {
        let e = parse_update(&CAMERA, &json!({"name": 3, "hasDolly": "yes", "color": "red", "ccu_id": "x"}))
            .unwrap_err();
        let mut got = codes(e);
        got.sort();
        assert_eq!(
            got,
            vec![
                ("ccu_id".into(), "unknown_field"),
                ("color".into(), "unknown_field"),
                ("hasDolly".into(), "invalid_type"),
                ("name".into(), "invalid_type"),
            ]
        );
    }

    #[test]
    fn snake_case_keys_get_a_hint() {
        let e = parse_update(&CAMERA, &json!({"ccu_id": null})).unwrap_err();
        assert!(e.errors[0].message.contains("did you mean ccuId"), "{}", e.errors[0].message);
    }

    #[test]
    fn whole_entity_echo_is_accepted_and_sync_keys_ignored() {
        let body = json!({
            "id": "7f1c1f43-2d5e-4a59-9d1a-6f6d8a9a0b11", "productionId": "8f1c1f43-2d5e-4a59-9d1a-6f6d8a9a0b11",
            "title": "Book crew", "completed": true, "completedAt": "2026-01-01T00:00:00Z",
            "version": 4, "fieldVersions": {"title": 1}, "lastModifiedBy": "ann",
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
        });
        let u = parse_update(&CHECKLIST_ITEM, &body).unwrap();
        assert_eq!(u.base_version, Some(4));
        assert_eq!(u.patch.0.len(), 2, "completedAt is server-set and ignored");
    }

    #[test]
    fn updates_may_not_clear_required_fields() {
        let e = parse_update(&CAMERA, &json!({"name": null})).unwrap_err();
        assert_eq!(codes(e), vec![("name".into(), "missing_field")]);
        assert!(parse_update(&CAMERA, &json!({"note": null})).is_ok());
    }

    #[test]
    fn json_fields_follow_the_stored_json_rule() {
        let deep = (0..40).fold(json!(1), |inner, _| json!([inner]));
        let e = parse_update(&CAMERA, &json!({"version": 2.0, "note": "x"})).unwrap();
        assert_eq!(e.base_version, Some(2), "2.0 is an integer to JSON Schema");
        let kind = &crate::catalog::CONNECTION;
        let e = parse_update(kind, &json!({"signalPath": [1.7976931348623157e308]})).unwrap_err();
        assert_eq!(codes(e), vec![("signalPath".into(), "out_of_range")]);
        let e = parse_update(kind, &json!({"signalPath": deep})).unwrap_err();
        assert_eq!(codes(e), vec![("signalPath".into(), "too_deep")]);
    }

    #[test]
    fn body_must_be_an_object() {
        let e = parse_update(&CAMERA, &json!([1, 2])).unwrap_err();
        assert_eq!(e.errors[0].code, "invalid_body");
    }
}
