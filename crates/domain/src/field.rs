//! Field declarations and the normalisation of one JSON value to a field's type.
//!
//! Values travel as `serde_json::Value` but always in one canonical form per type (UTC
//! RFC 3339 timestamps, floats as f64, lowercase UUIDs), so "equal to the stored value"
//! is plain JSON equality.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};
use uuid::Uuid;

use crate::json::{self, JsonProblem};

/// Longest text a client may store in one field; longer is bad input, not a 5xx.
pub const MAX_TEXT_CHARS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    /// A PostgreSQL INTEGER.
    Integer,
    /// A PostgreSQL DOUBLE PRECISION.
    Number,
    Bool,
    Timestamp,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    Uuid,
    /// Free-form JSON (stored as JSONB).
    Json,
    /// Text restricted to these values.
    Enum(&'static [&'static str]),
    /// The id of an entity of the named type (its event prefix) in the same production.
    Ref(&'static str),
    /// The id of an item of a global library (`equipment`, `format`), shared by every
    /// production. The item cannot be deleted while anything points at it (archive it).
    Library(&'static str),
}

impl FieldType {
    pub fn describe(self) -> String {
        match self {
            FieldType::Text => "a string".into(),
            FieldType::Integer => "an integer".into(),
            FieldType::Number => "a number".into(),
            FieldType::Bool => "a boolean".into(),
            FieldType::Timestamp => "an RFC 3339 timestamp".into(),
            FieldType::Date => "a date (YYYY-MM-DD)".into(),
            FieldType::Uuid => "a UUID".into(),
            FieldType::Json => "any JSON value".into(),
            FieldType::Enum(values) => format!("one of {}", values.join(", ")),
            FieldType::Ref(target) => format!("the id (UUID) of a {target}"),
            FieldType::Library(target) => format!("the id (UUID) of a {target} library item"),
        }
    }
}

/// Who may write a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Optional, clients write it.
    Optional,
    /// Clients must give it on create and may not clear it.
    Required,
    /// Only the server writes it; clients' copies are ignored.
    ServerSet,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// camelCase, as on the wire.
    pub name: &'static str,
    pub ty: FieldType,
    pub access: Access,
    /// No two entities of the type (inside one production, for production types) may hold
    /// the same non-null value. The column has a unique index named `{table}_{column}_key`.
    pub unique: bool,
}

impl FieldDef {
    pub const fn required(name: &'static str, ty: FieldType) -> Self {
        FieldDef { name, ty, access: Access::Required, unique: false }
    }
    pub const fn optional(name: &'static str, ty: FieldType) -> Self {
        FieldDef { name, ty, access: Access::Optional, unique: false }
    }
    pub const fn server_set(name: &'static str, ty: FieldType) -> Self {
        FieldDef { name, ty, access: Access::ServerSet, unique: false }
    }
    pub const fn unique(self) -> Self {
        FieldDef { unique: true, ..self }
    }

    pub fn is_required(&self) -> bool {
        self.access == Access::Required
    }

    /// The snake_case column that holds this field.
    pub fn column(&self) -> String {
        snake_case(self.name)
    }
}

pub fn snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Why a value does not fit its field; the caller adds the field's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueProblem {
    WrongType,
    TooLong,
    OutOfRange,
    NotAllowed,
    /// PostgreSQL text and JSONB cannot hold U+0000.
    NulCharacter,
    /// JSON nested deeper than [`crate::json::MAX_DEPTH`].
    TooDeep,
}

/// PostgreSQL's dates and timestamps start at 4713 BC, but ISO years before 1 do not
/// survive its text input; the time crate's end is 9999.
const FIRST_YEAR: i32 = 1;
/// Largest magnitude a number takes, in a number field or inside JSON.
pub use crate::json::MAX_NUMBER;

/// RFC 3339 has four-digit years: a timestamp that reaches year 10000 in UTC cannot be
/// written back out.
const LAST_YEAR: i32 = 9999;

/// Brings `raw` to the canonical form of `ty`. `Null` passes; whether it is allowed is the
/// caller's business (it depends on required-ness and on create vs update).
pub fn normalize(ty: FieldType, raw: &Value) -> Result<Value, ValueProblem> {
    if raw.is_null() {
        return Ok(Value::Null);
    }
    json::check(raw).map_err(|p| match p {
        JsonProblem::NulCharacter => ValueProblem::NulCharacter,
        JsonProblem::NumberOutOfRange => ValueProblem::OutOfRange,
        JsonProblem::TooDeep => ValueProblem::TooDeep,
    })?;
    match ty {
        FieldType::Text => {
            let s = raw.as_str().ok_or(ValueProblem::WrongType)?;
            if s.chars().count() > MAX_TEXT_CHARS {
                return Err(ValueProblem::TooLong);
            }
            Ok(raw.clone())
        }
        FieldType::Integer => {
            let n = as_integer(raw).ok_or(ValueProblem::WrongType)?;
            i32::try_from(n).map_err(|_| ValueProblem::OutOfRange)?;
            Ok(Value::from(n))
        }
        // The range (±MAX_NUMBER) was checked above, for every number at any depth.
        FieldType::Number => raw.as_f64().map(Value::from).ok_or(ValueProblem::WrongType),
        FieldType::Bool => raw.as_bool().map(Value::from).ok_or(ValueProblem::WrongType),
        FieldType::Timestamp => {
            let s = raw.as_str().ok_or(ValueProblem::WrongType)?;
            let t = OffsetDateTime::parse(s, &Rfc3339).map_err(|_| ValueProblem::WrongType)?;
            // `to_offset` panics past year 9999; the checked form says so instead.
            let utc = t.checked_to_offset(UtcOffset::UTC).ok_or(ValueProblem::OutOfRange)?;
            if !(FIRST_YEAR..=LAST_YEAR).contains(&utc.year()) {
                return Err(ValueProblem::OutOfRange);
            }
            Ok(Value::from(format_timestamp(t)))
        }
        FieldType::Date => {
            let s = raw.as_str().ok_or(ValueProblem::WrongType)?;
            let format = time::macros::format_description!("[year]-[month]-[day]");
            // PostgreSQL's to_jsonb gives plain dates, clients sometimes send a midnight timestamp.
            let day = s.get(..10).unwrap_or(s);
            let d = Date::parse(day, format).map_err(|_| ValueProblem::WrongType)?;
            if s.len() > 10 && OffsetDateTime::parse(s, &Rfc3339).is_err() {
                return Err(ValueProblem::WrongType);
            }
            if d.year() < FIRST_YEAR {
                return Err(ValueProblem::OutOfRange);
            }
            Ok(Value::from(d.format(format).map_err(|_| ValueProblem::WrongType)?))
        }
        FieldType::Uuid | FieldType::Ref(_) | FieldType::Library(_) => {
            let s = raw.as_str().ok_or(ValueProblem::WrongType)?;
            let id = Uuid::parse_str(s).map_err(|_| ValueProblem::WrongType)?;
            Ok(Value::from(id.to_string()))
        }
        FieldType::Json => Ok(raw.clone()),
        FieldType::Enum(allowed) => {
            let s = raw.as_str().ok_or(ValueProblem::WrongType)?;
            if allowed.contains(&s) {
                Ok(raw.clone())
            } else {
                Err(ValueProblem::NotAllowed)
            }
        }
    }
}

/// An integer, also when written with a zero fraction (`2.0`): JSON Schema, and so the
/// OpenAPI document, counts that as an integer, and clients generated from it send it.
pub fn as_integer(raw: &Value) -> Option<i64> {
    if let Some(n) = raw.as_i64() {
        return Some(n);
    }
    let f = raw.as_f64().filter(|f| f.fract() == 0.0)?;
    // Exact in f64 and in i64 alike: beyond 2^53 a float no longer names one integer.
    (f.abs() <= 9_007_199_254_740_992.0).then_some(f as i64)
}

/// UTC, RFC 3339, at most microsecond precision (what PostgreSQL keeps).
pub fn format_timestamp(t: OffsetDateTime) -> String {
    truncate_to_micros(t.to_offset(UtcOffset::UTC))
        .format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

pub fn truncate_to_micros(t: OffsetDateTime) -> OffsetDateTime {
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.replace_nanosecond(micros).unwrap_or(t)
}

pub fn parse_timestamp(raw: &Value) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(raw.as_str()?, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn case_conversions_round_trip() {
        for name in ["showName", "hRes", "smpteCableLength", "mes", "ccuId"] {
            assert_eq!(camel_case(&snake_case(name)), name);
        }
        assert_eq!(snake_case("hRes"), "h_res");
    }

    #[test]
    fn each_kinds_columns_are_its_fields_snake_case_names_in_order() {
        for kind in crate::catalog::all() {
            let expected: Vec<String> = kind.fields.iter().map(|f| snake_case(f.name)).collect();
            assert_eq!(kind.columns(), expected, "{}", kind.name);
        }
    }

    #[test]
    fn timestamps_are_canonical_utc() {
        let v = normalize(FieldType::Timestamp, &json!("2026-02-12T12:00:00.1234567+02:00")).unwrap();
        assert_eq!(v, json!("2026-02-12T10:00:00.123456Z"));
        let pg = normalize(FieldType::Timestamp, &json!("2026-02-12T10:00:00.123456+00:00")).unwrap();
        assert_eq!(v, pg);
    }

    #[test]
    fn numbers_compare_equal_whatever_their_spelling() {
        let a = normalize(FieldType::Number, &json!(2)).unwrap();
        let b = normalize(FieldType::Number, &json!(2.0)).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn rejects_wrong_types_and_ranges() {
        assert_eq!(normalize(FieldType::Integer, &json!("3")), Err(ValueProblem::WrongType));
        assert_eq!(normalize(FieldType::Integer, &json!(1.5)), Err(ValueProblem::WrongType));
        assert_eq!(normalize(FieldType::Integer, &json!(2.0)).unwrap(), json!(2));
        assert_eq!(normalize(FieldType::Integer, &json!(-0.0)).unwrap(), json!(0));
        assert_eq!(normalize(FieldType::Integer, &json!(1e20)), Err(ValueProblem::WrongType));
        assert_eq!(normalize(FieldType::Integer, &json!(1_i64 << 40)), Err(ValueProblem::OutOfRange));
        assert_eq!(normalize(FieldType::Enum(&["a"]), &json!("b")), Err(ValueProblem::NotAllowed));
        assert_eq!(normalize(FieldType::Ref("ccu"), &json!("nope")), Err(ValueProblem::WrongType));
        assert_eq!(normalize(FieldType::Date, &json!("2026-13-01")), Err(ValueProblem::WrongType));
        assert_eq!(normalize(FieldType::Date, &json!("2026-02-12T00:00:00Z")).unwrap(), json!("2026-02-12"));
    }

    #[test]
    fn rejects_what_postgresql_cannot_store() {
        assert_eq!(normalize(FieldType::Text, &json!("a\u{0}b")), Err(ValueProblem::NulCharacter));
        assert_eq!(normalize(FieldType::Json, &json!({"k": ["\u{0}"]})), Err(ValueProblem::NulCharacter));
        assert_eq!(normalize(FieldType::Json, &json!({"\u{0}": 1})), Err(ValueProblem::NulCharacter));
        assert_eq!(normalize(FieldType::Json, &json!([f64::MAX])), Err(ValueProblem::OutOfRange));
        assert_eq!(normalize(FieldType::Json, &json!({"k": [-1e301]})), Err(ValueProblem::OutOfRange));
        assert_eq!(normalize(FieldType::Date, &json!("0000-01-01")), Err(ValueProblem::OutOfRange));
        assert_eq!(
            normalize(FieldType::Timestamp, &json!("0000-06-01T00:00:00Z")),
            Err(ValueProblem::OutOfRange)
        );
        // Valid in its own offset, but year 0 in UTC.
        let shifted = json!("0001-01-01T00:30:00+01:00");
        assert_eq!(normalize(FieldType::Timestamp, &shifted), Err(ValueProblem::OutOfRange));
        assert_eq!(normalize(FieldType::Date, &json!("0001-01-01")).unwrap(), json!("0001-01-01"));
        assert_eq!(normalize(FieldType::Date, &json!("9999-12-31")).unwrap(), json!("9999-12-31"));
        assert_eq!(normalize(FieldType::Number, &json!(f64::MAX)), Err(ValueProblem::OutOfRange));
        assert_eq!(normalize(FieldType::Number, &json!(-1e301)), Err(ValueProblem::OutOfRange));
        assert_eq!(normalize(FieldType::Number, &json!(1e300)).unwrap(), json!(1e300));
        // Year 9999 in its own offset, year 10000 in UTC.
        let late = json!("9999-12-31T23:30:00-01:00");
        assert_eq!(normalize(FieldType::Timestamp, &late), Err(ValueProblem::OutOfRange));
    }
}
