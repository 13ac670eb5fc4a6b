//! What the change log tells the merge about fields written after a client's base version.

use serde_json::Value;

use crate::merge::{BaseValues, FieldHistory};

/// One past update of an entity, as the change log keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct PastChange {
    /// The entity version this change produced.
    pub version: i64,
    pub user: Option<String>,
    /// Field name, old value, new value.
    pub diff: Vec<(String, Value, Value)>,
}

/// Folds the changes made after the base version (in any order) into each field's value at
/// the base version, its latest writer, and whether that writer was its only one.
pub fn base_values(after_base: &[PastChange]) -> BaseValues {
    let mut ordered: Vec<&PastChange> = after_base.iter().collect();
    ordered.sort_by_key(|c| c.version);
    let mut out = BaseValues::new();
    for change in ordered {
        for (field, old, _) in &change.diff {
            out.entry(field.clone())
                .and_modify(|h: &mut FieldHistory| {
                    h.one_writer &= h.last_writer == change.user;
                    h.last_writer = change.user.clone();
                })
                .or_insert_with(|| FieldHistory {
                    at_base: old.clone(),
                    last_writer: change.user.clone(),
                    one_writer: true,
                });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(version: i64, user: &str, diff: &[(&str, Value, Value)]) -> PastChange {
        PastChange {
            version,
            user: Some(user.into()),
            diff: diff.iter().map(|(f, o, n)| (f.to_string(), o.clone(), n.clone())).collect(),
        }
    }

    #[test]
    fn the_first_old_value_is_the_base_and_the_last_writer_wins() {
        let history = base_values(&[
            change(4, "cy", &[("name", json!("B"), json!("C"))]),
            change(3, "bo", &[("name", json!("A"), json!("B")), ("note", json!(null), json!("x"))]),
        ]);
        let name = FieldHistory { at_base: json!("A"), last_writer: Some("cy".into()), one_writer: false };
        assert_eq!(history["name"], name);
        let note = FieldHistory { at_base: json!(null), last_writer: Some("bo".into()), one_writer: true };
        assert_eq!(history["note"], note);
        assert!(!history.contains_key("model"));
    }

    #[test]
    fn one_writer_holds_only_while_every_write_is_by_the_same_user() {
        let one = |changes: &[PastChange]| base_values(changes)["name"].one_writer;
        let name = |v: i64, user: &str| change(v, user, &[("name", json!(v - 1), json!(v))]);
        assert!(one(&[name(3, "ann")]));
        assert!(one(&[name(4, "ann"), name(3, "ann")]));
        assert!(!one(&[name(3, "ann"), name(4, "bo")]));
        assert!(!one(&[name(3, "ann"), name(4, "bo"), name(5, "ann")]), "bo's write in between counts");
    }
}
