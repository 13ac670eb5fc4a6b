//! The one rule for free-form JSON the server stores, wherever it nests: a JSON field of an
//! entity, a production's lookups, a key/value setting. "Accepted" must mean "readable
//! back": PostgreSQL keeps a JSONB number as an exact decimal and hands it back in full
//! (1e308 comes back as 309 digits), and every read parses rows again, inside one or two
//! more levels of nesting (a row object, a list). So a value is refused when it holds:
//!
//! - U+0000 anywhere, in a string or a key (PostgreSQL's JSONB cannot hold it);
//! - a number beyond ±[`MAX_NUMBER`] (the range documented for every number the server
//!   takes, far past any measure a crew writes down);
//! - arrays and objects nested deeper than [`MAX_DEPTH`] (a read parses at most 128 levels,
//!   and a row wraps the value in two or three more).

use serde_json::Value;

/// Largest magnitude of any number the server stores, in a number field or inside JSON.
pub const MAX_NUMBER: f64 = 1e300;

/// Deepest nesting of arrays and objects in one stored JSON value (`[[1]]` is 2).
pub const MAX_DEPTH: usize = 32;

/// Why a JSON value cannot be stored as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonProblem {
    NulCharacter,
    NumberOutOfRange,
    TooDeep,
}

/// Checks `value` against the rule above; the first problem met is the answer.
pub fn check(value: &Value) -> Result<(), JsonProblem> {
    check_at(value, 0)
}

fn check_at(value: &Value, depth: usize) -> Result<(), JsonProblem> {
    match value {
        Value::Null | Value::Bool(_) => Ok(()),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.abs() <= MAX_NUMBER => Ok(()),
            _ => Err(JsonProblem::NumberOutOfRange),
        },
        Value::String(s) if s.contains('\0') => Err(JsonProblem::NulCharacter),
        Value::String(_) => Ok(()),
        Value::Array(_) | Value::Object(_) if depth >= MAX_DEPTH => Err(JsonProblem::TooDeep),
        Value::Array(items) => items.iter().try_for_each(|v| check_at(v, depth + 1)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            if k.contains('\0') {
                return Err(JsonProblem::NulCharacter);
            }
            check_at(v, depth + 1)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(levels: usize) -> Value {
        (0..levels).fold(json!(1), |inner, _| json!([inner]))
    }

    #[test]
    fn the_rule_as_a_table() {
        let cases: Vec<(Value, Result<(), JsonProblem>)> = vec![
            (json!(null), Ok(())),
            (json!({"a": [1, 2.5, "x", true, null]}), Ok(())),
            (json!(1e300), Ok(())),
            (json!(-1e300), Ok(())),
            (json!(f64::MIN_POSITIVE), Ok(())),
            (json!(u64::MAX), Ok(())),
            (json!(i64::MIN), Ok(())),
            (json!([1.7976931348623157e308]), Err(JsonProblem::NumberOutOfRange)),
            (json!({"deep": {"er": [-1e301]}}), Err(JsonProblem::NumberOutOfRange)),
            (json!(["a\u{0}b"]), Err(JsonProblem::NulCharacter)),
            (json!({"\u{0}": 1}), Err(JsonProblem::NulCharacter)),
            (nested(MAX_DEPTH), Ok(())),
            (nested(MAX_DEPTH + 1), Err(JsonProblem::TooDeep)),
            (json!({"k": nested(MAX_DEPTH - 1)}), Ok(())),
            (json!({"k": nested(MAX_DEPTH)}), Err(JsonProblem::TooDeep)),
        ];
        for (value, want) in cases {
            assert_eq!(check(&value), want, "{value}");
        }
    }
}
