//! Rows brought over from another system (the original app's own database). Such a row
//! keeps its author and the versions it reached there, so the field-level merge keeps
//! working for clients that still hold the original's `fieldVersions`, and the activity
//! feed says who wrote what rather than "the importer".

use std::collections::BTreeMap;

use serde_json::Value;

use crate::entity::Entity;
use crate::ports::{Actor, Cause};

/// Who wrote a row there, and the history it carries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origin {
    /// The original's `last_modified_by`; the import's own actor when it has none.
    pub author: Option<String>,
    /// For a create: the versions to keep. `None` for updates (a re-run moves our own
    /// versions on, as any write does).
    pub history: Option<History>,
}

/// The version a row had reached there, and each field's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub version: i64,
    pub field_versions: BTreeMap<String, i64>,
    /// Values the server sets itself (a checklist item's `completedAt`), as they were
    /// there: field index and value.
    pub stamps: Vec<(usize, Value)>,
}

impl Origin {
    /// The actor the write runs as: the row's author, cause `import`, no undo step.
    pub fn actor(&self, importer: &Actor) -> Actor {
        Actor {
            id: self.author.clone().or_else(|| importer.id.clone()),
            name: None,
            cause: Some(Cause::Import),
            step: None,
        }
    }
}

/// Puts the carried history on a freshly created entity: the server-set values as they
/// were, each written field's version as it was there, and an entity version no lower
/// than any field's (our invariant: a field was written at or before the entity's
/// version).
pub fn carry(entity: &mut Entity, history: &History) {
    for (i, v) in &history.stamps {
        if let Some(slot) = entity.values.get_mut(*i) {
            *slot = v.clone();
        }
    }
    for (field, version) in entity.field_versions.iter_mut() {
        if let Some(kept) = history.field_versions.get(field) {
            *version = (*kept).max(1);
        }
    }
    let highest = entity.field_versions.values().copied().max().unwrap_or(1);
    entity.version = history.version.max(highest).max(1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{CAMERA, CHECKLIST_ITEM};
    use crate::input::parse_create;
    use crate::merge::new_entity;
    use serde_json::json;
    use time::OffsetDateTime;
    use uuid::Uuid;

    fn created(kind: &'static crate::EntityKind, body: Value) -> Entity {
        let input = parse_create(kind, &body).unwrap();
        new_entity(kind, Uuid::new_v4(), Uuid::new_v4(), &input, Some("ann"), OffsetDateTime::now_utc()).0
    }

    #[test]
    fn versions_are_kept_and_the_entity_version_covers_them() {
        type Versions = &'static [(&'static str, i64)];
        let table: &[(i64, Versions, i64, Versions)] = &[
            // (row version, carried field versions, expected version, expected fields)
            (7, &[("name", 3), ("hasJib", 7)], 7, &[("name", 3), ("hasJib", 7)]),
            // The original's field counters ran ahead of its row version.
            (2, &[("name", 5)], 5, &[("name", 5), ("hasJib", 1)]),
            // Nothing carried: a plain create.
            (1, &[], 1, &[("name", 1), ("hasJib", 1)]),
            // A version the original never had (0) is still a version.
            (0, &[("name", 0)], 1, &[("name", 1), ("hasJib", 1)]),
            // A field we do not have, carried, changes nothing.
            (1, &[("ccuUuid", 9)], 1, &[("name", 1), ("hasJib", 1)]),
        ];
        for (version, fields, want_version, want_fields) in table {
            let mut camera = created(&CAMERA, json!({"name": "Cam", "hasJib": true}));
            let history = History {
                version: *version,
                field_versions: fields.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
                stamps: vec![],
            };
            carry(&mut camera, &history);
            let got: Vec<(&str, i64)> = camera.field_versions.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            let mut want = want_fields.to_vec();
            want.sort();
            assert_eq!((camera.version, got), (*want_version, want), "{version} {fields:?}");
        }
    }

    #[test]
    fn server_set_values_are_kept_as_they_were() {
        let mut item = created(&CHECKLIST_ITEM, json!({"title": "Book crew", "completed": true}));
        let at = CHECKLIST_ITEM.field_index("completedAt").unwrap();
        assert!(item.values[at].is_string(), "stamped now by the derived rule");
        let then = json!("2026-01-05T10:00:00Z");
        carry(&mut item, &History { version: 2, stamps: vec![(at, then.clone())], ..Default::default() });
        assert_eq!(item.values[at], then);
    }

    #[test]
    fn the_author_writes_with_cause_import_and_no_step() {
        let importer = Actor { step: Some(Uuid::new_v4()), ..Actor::user("operator") };
        let by_ann = Origin { author: Some("ann".into()), history: None }.actor(&importer);
        assert_eq!(
            (by_ann.id.as_deref(), by_ann.cause, by_ann.step),
            (Some("ann"), Some(Cause::Import), None)
        );
        let nobody = Origin::default().actor(&importer);
        assert_eq!(nobody.id.as_deref(), Some("operator"));
        assert!(!crate::undo::records_step(&by_ann, true));
    }
}
