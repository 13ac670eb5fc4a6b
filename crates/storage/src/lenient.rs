//! Reads JSONB that serde_json cannot parse whole, keeping everything that can be parsed.
//!
//! Every read decodes rows as JSON (`to_jsonb(row)`, a list as one `jsonb_agg`). One value
//! a parser refuses (nested past its 128 levels, or a number written before the domain's
//! rule in `domain::json` existed) would otherwise fail the whole statement: a production's
//! snapshot, the production list, a page of the change log, all answering 500 for good.
//! Here the failing value alone is replaced by [`UNREADABLE`], found by descending only
//! into the arrays and objects that fail to parse; a value that parses costs one parse.

use std::collections::BTreeMap;

use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::{Jsonb, Nullable};
use serde_json::value::RawValue;
use serde_json::Value;

/// What an unparseable value reads as. It holds U+0000, which no stored value can (the
/// domain refuses it on input and JSONB cannot hold it), so the entity decoder sees it as
/// a value that breaks the input rule and reports that field as unreadable.
pub const UNREADABLE: &str = "\u{0}unreadable";

/// A JSONB column read leniently; `#[diesel(deserialize_as = LenientJson)]` on a `Value`.
pub struct LenientJson(Value);

impl From<LenientJson> for Value {
    fn from(j: LenientJson) -> Value {
        j.0
    }
}

impl FromSql<Jsonb, Pg> for LenientJson {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        // JSONB's binary form: a version byte (1), then the JSON text.
        match value.as_bytes().split_first() {
            Some((1, text)) => Ok(LenientJson(decode(text))),
            _ => Err("unsupported JSONB encoding".into()),
        }
    }
}

/// A JSONB column read leniently with unparseable values as null, where nothing decodes
/// the value field by field (a log entry's event data and diff, a receipt, an activity
/// entry): a client then sees null, as it sees an entity's unreadable field.
pub struct ScrubbedJson(Value);

impl From<ScrubbedJson> for Value {
    fn from(j: ScrubbedJson) -> Value {
        j.0
    }
}

impl FromSql<Jsonb, Pg> for ScrubbedJson {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let mut v = LenientJson::from_sql(value)?.0;
        scrub(&mut v);
        Ok(ScrubbedJson(v))
    }
}

pub(crate) fn scrub(v: &mut Value) {
    match v {
        Value::String(s) if s == UNREADABLE => *v = Value::Null,
        Value::Array(items) => items.iter_mut().for_each(scrub),
        Value::Object(map) => map.values_mut().for_each(scrub),
        _ => {}
    }
}

/// A nullable JSONB column read leniently, for an `Option<Value>`.
pub struct MaybeLenientJson(Option<Value>);

impl From<MaybeLenientJson> for Option<Value> {
    fn from(j: MaybeLenientJson) -> Option<Value> {
        j.0
    }
}

impl FromSql<Nullable<Jsonb>, Pg> for MaybeLenientJson {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        Ok(MaybeLenientJson(Some(LenientJson::from_sql(value)?.0)))
    }

    fn from_nullable_sql(value: Option<PgValue<'_>>) -> deserialize::Result<Self> {
        value.map_or(Ok(MaybeLenientJson(None)), Self::from_sql)
    }
}

/// Parses `text`, replacing only the parts that do not parse.
pub fn decode(text: &[u8]) -> Value {
    if let Ok(v) = serde_json::from_slice(text) {
        return v;
    }
    match serde_json::from_slice::<&RawValue>(text) {
        Ok(raw) => salvage(raw, 0),
        Err(_) => Value::String(UNREADABLE.into()),
    }
}

/// How far [`salvage`] descends: a list, its rows, their columns. Deeper, the whole column
/// value is unreadable (and the recursion stays bounded however deep the text nests).
const SALVAGE_DEPTH: usize = 3;

/// `raw` is well-formed JSON (a `RawValue` is only scanned, at any depth, with no range
/// checks), so only the parse into values can fail, somewhere inside it.
fn salvage(raw: &RawValue, depth: usize) -> Value {
    if let Ok(v) = serde_json::from_str(raw.get()) {
        return v;
    }
    let text = raw.get().trim_start();
    if depth >= SALVAGE_DEPTH {
        return Value::String(UNREADABLE.into());
    }
    if text.starts_with('{') {
        if let Ok(map) = serde_json::from_str::<BTreeMap<String, &RawValue>>(text) {
            return Value::Object(map.into_iter().map(|(k, v)| (k, salvage(v, depth + 1))).collect());
        }
    } else if text.starts_with('[') {
        if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(text) {
            return Value::Array(items.into_iter().map(|v| salvage(v, depth + 1)).collect());
        }
    }
    Value::String(UNREADABLE.into())
}

/// A JSONB column kept as its JSON text, for replay: no parse into values, no encoding
/// back. Text that may not parse whole (a digit run long enough to overflow a double, or
/// nesting past the parser's limit) takes the lenient way, scrubbed as [`ScrubbedJson`].
pub struct RawJson(Box<RawValue>);

impl From<RawJson> for Box<RawValue> {
    fn from(j: RawJson) -> Box<RawValue> {
        j.0
    }
}

impl FromSql<Jsonb, Pg> for RawJson {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        match value.as_bytes().split_first() {
            Some((1, text)) => Ok(RawJson(raw(text))),
            _ => Err("unsupported JSONB encoding".into()),
        }
    }
}

/// Digits in a row from which a number may overflow a double (PostgreSQL writes numbers
/// without exponent: 1e308 is 309 digits). Counted anywhere, strings included: a false
/// alarm only costs the slow way.
const LONG_DIGITS: usize = 300;

pub(crate) fn raw(text: &[u8]) -> Box<RawValue> {
    let mut run = 0;
    let long = text.iter().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run >= LONG_DIGITS
    });
    if !long {
        if let Ok(r) = std::str::from_utf8(text)
            .map_err(|_| ())
            .and_then(|s| RawValue::from_string(s.to_owned()).map_err(|_| ()))
        {
            return r;
        }
    }
    let mut v = decode(text);
    scrub(&mut v);
    serde_json::value::to_raw_value(&v)
        .unwrap_or_else(|_| RawValue::from_string("null".into()).expect("null is JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(levels: usize) -> String {
        format!("{}1{}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn replay_keeps_the_text_and_scrubs_what_would_not_parse() {
        let plain = r#"{"a": [1, 2.5], "b": "x"}"#;
        assert_eq!(raw(plain.as_bytes()).get(), plain, "the log's own text, untouched");
        let past_f64 = format!("1{}", "0".repeat(400));
        let poisoned = format!(r#"{{"big": {past_f64}, "ok": 2, "deep": {}}}"#, nested(1000));
        let got: Value =
            serde_json::from_str(raw(poisoned.as_bytes()).get()).expect("readable by any client");
        let mut as_changes_gives = decode(poisoned.as_bytes());
        scrub(&mut as_changes_gives);
        assert_eq!(got, as_changes_gives, "the same as /changes reads it");
        assert_eq!((got["big"].clone(), got["ok"].clone()), (Value::Null, json!(2)));
    }

    #[test]
    fn readable_json_reads_as_it_is() {
        let text = br#"{"a": [1, 2.5, {"b": null}], "c": "x"}"#;
        assert_eq!(decode(text), json!({"a": [1, 2.5, {"b": null}], "c": "x"}));
    }

    #[test]
    fn only_the_unparseable_value_is_replaced() {
        let text = format!(r#"[{{"id": 1, "deep": {}, "note": "kept"}}, {{"id": 2}}]"#, nested(100_000));
        let got = decode(text.as_bytes());
        // Three levels down (list, row, column, first item) it stops descending.
        assert_eq!(got, json!([{"id": 1, "deep": [UNREADABLE], "note": "kept"}, {"id": 2}]));
    }

    #[test]
    fn numbers_past_f64_are_replaced_others_kept() {
        // f64::MAX as PostgreSQL gives a stored 1.7976931348623157e308 back: 309 digits.
        let max = format!("17976931348623157{}", "0".repeat(292));
        let text = format!(r#"{{"big": [1e400], "max": {max}, "ok": 2}}"#);
        let got = decode(text.as_bytes());
        assert_eq!(got["big"], json!([UNREADABLE]));
        assert_eq!(got["max"], json!(f64::MAX), "float_roundtrip parses PostgreSQL's full decimal");
        assert_eq!(got["ok"], json!(2));
    }

    #[test]
    fn scrubbed_reads_have_null_where_the_marker_was() {
        let mut v = decode(format!(r#"{{"a": {}, "b": [1]}}"#, nested(300)).as_bytes());
        scrub(&mut v);
        assert_eq!(v, json!({"a": [[null]], "b": [1]}));
    }

    #[test]
    fn malformed_text_is_one_unreadable_value() {
        assert_eq!(decode(b"{nope"), json!(UNREADABLE));
    }
}
