//! One row of the original's tables, as its REST routes would have sent it, then in our
//! forms. The original stores snake_case columns and its routes answer `toCamelCase(row)`;
//! that JSON is what [`crate::shapes::from_original`] already maps, so the database
//! import and the compatibility layer map fields the same way. What only the database
//! shows is fixed here: Prisma's zone-less timestamps (UTC), `DateTime` columns behind our
//! day-only fields, upper-case enum values, and the `{field: {version, updated_at}}` field
//! versions keyed by either spelling.

use std::collections::BTreeMap;

use prodsync_domain::field::{format_timestamp, FieldType};
use prodsync_domain::EntityKind;
use serde_json::{Map, Value};
use uuid::Uuid;

/// `pos_ds_x_m` -> `posDsXM`, as the original's `toCamelCase` does.
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// A row with camelCase keys: the original API's JSON for it.
pub fn api_shape(row: &Map<String, Value>) -> Value {
    Value::Object(row.iter().map(|(k, v)| (camel(k), v.clone())).collect())
}

/// Values put in our forms, field by field, where the database keeps them otherwise.
pub fn normalise(kind: &EntityKind, body: &mut Map<String, Value>) {
    for f in kind.fields {
        let Some(Value::String(s)) = body.get(f.name) else { continue };
        let fixed = match f.ty {
            FieldType::Timestamp => zoned(s),
            FieldType::Date => s.get(..10).map(str::to_owned),
            FieldType::Enum(allowed) => enum_value(s, allowed),
            _ => None,
        };
        if let Some(v) = fixed {
            body.insert(f.name.into(), Value::from(v));
        }
    }
}

/// Prisma's `timestamp(3)` is UTC without a zone: `2026-02-15T09:30:00.123`.
fn zoned(s: &str) -> Option<String> {
    let has_zone = s.ends_with('Z') || s.get(19..).is_some_and(|tail| tail.contains(['+', '-']));
    (s.len() >= 19 && !has_zone).then(|| format!("{s}Z"))
}

/// `DUAL_VISION` -> `dual-vision`, when that is one of ours.
fn enum_value(s: &str, allowed: &[&str]) -> Option<String> {
    let ours = s.to_lowercase().replace('_', "-");
    (ours != s && allowed.contains(&ours.as_str())).then_some(ours)
}

/// The original's field versions in our field names: `{"ccu_id": {"version": 3, …}}` or
/// `{"ccuId": 3}` both give `ccuId -> 3`; names we do not keep are left out.
pub fn field_versions(kind: &EntityKind, raw: Option<&Value>) -> BTreeMap<String, i64> {
    let Some(Value::Object(m)) = raw else { return BTreeMap::new() };
    m.iter()
        .filter_map(|(k, v)| {
            let name = ours(kind, &camel(k))?;
            let version = v.as_i64().or_else(|| v.get("version").and_then(Value::as_i64))?;
            Some((name.to_owned(), version))
        })
        .collect()
}

/// Our field a name of theirs stands for (`equipmentUuid` is our `equipmentId`).
fn ours(kind: &EntityKind, theirs: &str) -> Option<&'static str> {
    let renamed = theirs.strip_suffix("Uuid").map(|stem| format!("{stem}Id"));
    let found = [Some(theirs), renamed.as_deref()].into_iter().flatten().find_map(|n| kind.field(n));
    found.map(|f| f.name)
}

/// The original's `completed_at` (milliseconds since 1970) as our timestamp.
pub fn epoch_ms(v: &Value) -> Option<String> {
    let ms = v.as_i64().or_else(|| v.as_str()?.parse().ok())?;
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    Some(format_timestamp(t))
}

/// A text id of theirs as our UUID: itself when it is one, else a stable UUID of it (the
/// same on every run, so a re-run finds what the first one wrote).
pub fn uuid_of(table: &str, text: &str) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x3d6e_9f41_0a7b_4c55_8e12_b9d0_47c3_a2f8);
    Uuid::parse_str(text).unwrap_or_else(|_| Uuid::new_v5(&NAMESPACE, format!("{table}/{text}").as_bytes()))
}

pub fn text<'a>(row: &'a Map<String, Value>, column: &str) -> Option<&'a str> {
    row.get(column).and_then(Value::as_str).filter(|s| !s.is_empty())
}

pub fn is_deleted(row: &Map<String, Value>) -> bool {
    row.get("is_deleted").and_then(Value::as_bool) == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use prodsync_domain::catalog::{CAMERA, CHECKLIST_ITEM, PRODUCTION, PROJECTION_SURFACE};
    use serde_json::json;

    #[test]
    fn names_become_the_apis() {
        let table = [
            ("pos_ds_x_m", "posDsXM"),
            ("h_res", "hRes"),
            ("bezel_h_m", "bezelHM"),
            ("show_name", "showName"),
            ("name", "name"),
            ("equipment_uuid", "equipmentUuid"),
        ];
        for (snake, want) in table {
            assert_eq!(camel(snake), want);
        }
    }

    #[test]
    fn values_take_our_forms() {
        let cases: &[(&EntityKind, &str, Value, Value)] = &[
            (&PRODUCTION, "loadIn", json!("2026-02-15T09:30:00.123"), json!("2026-02-15T09:30:00.123Z")),
            (&PRODUCTION, "loadIn", json!("2026-02-15T09:30:00Z"), json!("2026-02-15T09:30:00Z")),
            (&PRODUCTION, "loadIn", json!("2026-02-15T09:30:00+02:00"), json!("2026-02-15T09:30:00+02:00")),
            (&CHECKLIST_ITEM, "dueDate", json!("2026-03-01T00:00:00"), json!("2026-03-01")),
            (&PROJECTION_SURFACE, "surfaceType", json!("DUAL_VISION"), json!("dual-vision")),
            (&PROJECTION_SURFACE, "surfaceType", json!("SIDEWAYS"), json!("SIDEWAYS")),
            (&CAMERA, "name", json!("CAM_1"), json!("CAM_1")),
        ];
        for (kind, field, given, want) in cases {
            let mut body = Map::new();
            body.insert(field.to_string(), given.clone());
            normalise(kind, &mut body);
            assert_eq!(&body[*field], want, "{field} {given}");
        }
    }

    #[test]
    fn field_versions_in_either_spelling() {
        let raw = json!({"has_jib": {"version": 3, "updated_at": "x"}, "ccuId": 2,
            "equipment_uuid": {"version": 4}, "id": {"version": 9}, "bogus": 1, "name": "x"});
        let got = field_versions(&CAMERA, Some(&raw));
        let want: BTreeMap<String, i64> =
            [("hasJib", 3), ("ccuId", 2), ("equipmentId", 4)].map(|(k, v)| (k.to_owned(), v)).into();
        assert_eq!(got, want);
        assert!(field_versions(&CAMERA, Some(&json!([1]))).is_empty());
    }

    #[test]
    fn ids_and_epochs() {
        let u = Uuid::new_v4();
        assert_eq!(uuid_of("cameras", &u.to_string()), u);
        assert_eq!(uuid_of("cameras", "CAM 1"), uuid_of("cameras", "CAM 1"));
        assert_ne!(uuid_of("cameras", "CAM 1"), uuid_of("ccus", "CAM 1"));
        assert_eq!(epoch_ms(&json!(1_767_225_600_000_i64)).as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(epoch_ms(&json!("1767225600000")).as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(epoch_ms(&json!("soon")), None);
    }
}
