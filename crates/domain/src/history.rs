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
/// the base version and its latest writer.
pub fn base_values(after_base: &[PastChange]) -> BaseValues {
    let mut ordered: Vec<&PastChange> = after_base.iter().collect();
    ordered.sort_by_key(|c| c.version);
    let mut out = BaseValues::new();
    for change in ordered {
        for (field, old, _) in &change.diff {
            out.entry(field.clone())
                .and_modify(|h: &mut FieldHistory| h.last_writer = change.user.clone())
                .or_insert_with(|| FieldHistory { at_base: old.clone(), last_writer: change.user.clone() });
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
        assert_eq!(history["name"], FieldHistory { at_base: json!("A"), last_writer: Some("cy".into()) });
        assert_eq!(history["note"], FieldHistory { at_base: json!(null), last_writer: Some("bo".into()) });
        assert!(!history.contains_key("model"));
    }
}
