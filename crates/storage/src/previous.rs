//! An update's `previous` values for replay, taken from its diff's JSON text in the
//! server rather than by PostgreSQL.
//!
//! A diff is `{"field": {"old": …, "new": …}, …}`; replay sends `{"field": old, …}`. Done
//! in SQL (`jsonb_each` and `jsonb_object_agg` per row) it was three quarters of a replay
//! page's execution time; here only the diff's outer two levels are scanned and each old
//! value is copied as text, in the diff's own key order.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use prodsync_domain::change::previous_from_diff;

use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::{Jsonb, Nullable};

use crate::lenient;

/// The diff column read as the `previous` it implies, for
/// `#[diesel(deserialize_as = Previous)]` on an `Option<Box<RawValue>>`; SQL null (not an
/// update) reads as `None`.
pub struct Previous(Option<Box<RawValue>>);

impl From<Previous> for Option<Box<RawValue>> {
    fn from(p: Previous) -> Option<Box<RawValue>> {
        p.0
    }
}

impl FromSql<Nullable<Jsonb>, Pg> for Previous {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        // JSONB's binary form: a version byte (1), then the JSON text.
        match value.as_bytes().split_first() {
            Some((1, text)) => Ok(Previous(from_diff(text))),
            _ => Err("unsupported JSONB encoding".into()),
        }
    }

    fn from_nullable_sql(value: Option<PgValue<'_>>) -> deserialize::Result<Self> {
        value.map_or(Ok(Previous(None)), Self::from_sql)
    }
}

/// `previous` for an update whose diff is `diff` (JSONB's text), `None` when the diff is
/// not an object. A field whose pair has no `old` (or is not a pair) reads as null. Text
/// that does not scan (nesting past the parser's limit) takes the lenient way.
pub(crate) fn from_diff(diff: &[u8]) -> Option<Box<RawValue>> {
    if !is_object(diff) {
        return None;
    }
    let Ok(Fields(fields)) = serde_json::from_slice::<Fields<'_>>(diff) else {
        let diff = lenient::decode(diff);
        let mut previous = serde_json::Value::Object(previous_from_diff("updated", &diff)?);
        lenient::scrub(&mut previous);
        return serde_json::value::to_raw_value(&previous).ok();
    };
    let mut text = Vec::with_capacity(diff.len() / 2 + 2);
    text.push(b'{');
    for (i, (field, pair)) in fields.iter().enumerate() {
        if i > 0 {
            text.push(b',');
        }
        serde_json::to_writer(&mut text, field.as_ref()).ok()?;
        text.push(b':');
        let old = is_object(pair.get().as_bytes())
            .then(|| serde_json::from_str::<Pair<'_>>(pair.get()).ok())
            .flatten()
            .and_then(|p| p.old);
        text.extend_from_slice(old.map_or("null", |v| v.get()).as_bytes());
    }
    text.push(b'}');
    Some(lenient::raw(&text))
}

fn is_object(text: &[u8]) -> bool {
    text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// One field's pair: only `old` is kept (null reads as absent, and is sent as null).
#[derive(Deserialize)]
struct Pair<'a> {
    #[serde(borrow)]
    old: Option<&'a RawValue>,
}

/// A diff's fields in their order, each pair as text.
struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> Visitor<'de> for InOrder {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<Cow<'de, str>, &'de RawValue>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(InOrder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn previous(diff: &str) -> Option<Value> {
        from_diff(diff.as_bytes()).map(|raw| serde_json::from_str(raw.get()).unwrap())
    }

    #[test]
    fn each_field_reads_as_its_old_value() {
        let cases = [
            (r#"{"note": {"new": "b", "old": "a"}}"#, Some(json!({"note": "a"}))),
            (
                r#"{"name": {"new": "B", "old": "A"}, "rows": {"new": [1], "old": [{"x": {"y": 2}}]}}"#,
                Some(json!({"name": "A", "rows": [{"x": {"y": 2}}]})),
            ),
            (r#"{"note": {"new": "b"}}"#, Some(json!({"note": null}))),
            (r#"{"note": {"new": "b", "old": null}}"#, Some(json!({"note": null}))),
            (
                r#"{"note": "not a pair", "n": [1, 2], "m": 3}"#,
                Some(json!({"note": null, "n": null, "m": null})),
            ),
            (r#"{"a\"b\\c\u00e9": {"old": 1}}"#, Some(json!({"a\"b\\cé": 1}))),
            (r#"{}"#, Some(json!({}))),
            (r#"[{"note": {"old": 1}}]"#, None),
            (r#""text""#, None),
            ("null", None),
        ];
        for (diff, want) in cases {
            assert_eq!(previous(diff), want, "{diff}");
            // The same as the domain's rule on the parsed diff.
            let parsed: Value = serde_json::from_str(diff).unwrap();
            let domain = previous_from_diff("updated", &parsed).map(Value::Object);
            assert_eq!(previous(diff), domain, "{diff}");
        }
    }

    #[test]
    fn the_diffs_field_order_is_kept() {
        let raw = from_diff(br#"{"zz": {"old": 1}, "a": {"old": 2}, "mm": {"old": 3}}"#).unwrap();
        assert_eq!(raw.get(), r#"{"zz":1,"a":2,"mm":3}"#);
    }

    #[test]
    fn what_would_not_parse_reads_as_null_and_the_rest_stays() {
        let huge = "9".repeat(400);
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let diff =
            format!(r#"{{"big": {{"old": {huge}}}, "deep": {{"old": {deep}}}, "ok": {{"old": "x"}}}}"#);
        let got = previous(&diff).unwrap();
        assert_eq!((&got["big"], &got["ok"]), (&Value::Null, &json!("x")));
        // As PostgreSQL's `previous` read leniently was: scrubbed below the salvage depth.
        let before = lenient::raw(format!(r#"{{"big": {huge}, "deep": {deep}, "ok": "x"}}"#).as_bytes());
        assert_eq!(got, serde_json::from_str::<Value>(before.get()).unwrap());
    }
}
