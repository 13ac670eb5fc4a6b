//! What an undo does. A step is what one request of one user wrote (one or more change-log
//! entries); undoing it writes the inverse of each entry, newest first, but never over a
//! value someone else wrote since: such fields are skipped and reported. A field only the
//! same user wrote since (their later steps, and the undos of those) is undone when it
//! holds again what the step wrote, so undoing two edits of one field walks back through
//! both. Redo is the undo of the undo, by the same rule.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::change::Action;
use crate::entity::Entity;
use crate::input::{parse_create, CreateInput, OnConflict, Patch, UpdateInput};
use crate::kind::EntityKind;
use crate::merge::BaseValues;

/// One change-log entry of the step being undone.
#[derive(Debug, Clone)]
pub struct Logged {
    pub kind: &'static EntityKind,
    pub entity_id: Uuid,
    pub action: Action,
    /// The entity's version after this change.
    pub version: i64,
    /// (field, value before, value after) of an update.
    pub changes: Vec<(String, Value, Value)>,
    /// The entity as of this change (its last state, for a delete).
    pub data: Value,
}

/// A field left alone because someone else wrote it since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub entity_type: &'static str,
    pub entity_id: Uuid,
    pub field: String,
    /// Who wrote it since, when known; `None` also when the entity was deleted since.
    pub changed_by: Option<String>,
}

/// The write that reverses one entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Inverse {
    Delete {
        kind: &'static EntityKind,
        id: Uuid,
    },
    /// Recreate a deleted entity with its id and fields.
    Restore {
        kind: &'static EntityKind,
        input: CreateInput,
    },
    Update {
        kind: &'static EntityKind,
        id: Uuid,
        input: UpdateInput,
    },
}

/// The inverse of `entry` undone by `actor`, given the entity as it is now (`None`: gone)
/// and the history of each field written since the entry.
pub fn invert(
    entry: &Logged,
    now: Option<&Entity>,
    since: &BaseValues,
    actor: Option<&str>,
) -> (Option<Inverse>, Vec<Skipped>) {
    let kind = entry.kind;
    let skip = |field: &str, changed_by| Skipped {
        entity_type: kind.name,
        entity_id: entry.entity_id,
        field: field.to_owned(),
        changed_by,
    };
    match (entry.action, now) {
        (Action::Created, Some(_)) => (Some(Inverse::Delete { kind, id: entry.entity_id }), vec![]),
        (Action::Created, None) => (None, vec![]),
        (Action::Deleted, None) => match parse_create(kind, &entry.data) {
            Ok(mut input) => {
                input.id = Some(entry.entity_id);
                (Some(Inverse::Restore { kind, input }), vec![])
            }
            Err(_) => (None, vec![]),
        },
        // Recreated since by someone: theirs stands.
        (Action::Deleted, Some(_)) => (None, vec![]),
        (Action::Updated, None) => (None, entry.changes.iter().map(|(f, _, _)| skip(f, None)).collect()),
        (Action::Updated, Some(current)) => {
            let mut patch = Vec::new();
            let mut skipped = Vec::new();
            for (field, old, new) in &entry.changes {
                let Some(i) = kind.field_index(field) else { continue };
                if current.field_version(field) == entry.version
                    || only_mine_and_back(current, field, new, since, actor)
                {
                    patch.push((i, old.clone()));
                } else {
                    skipped.push(skip(field, since.get(field).and_then(|h| h.last_writer.clone())));
                }
            }
            if patch.is_empty() {
                return (None, skipped);
            }
            patch.sort_by_key(|(i, _)| *i);
            let input = UpdateInput {
                id: None,
                production_id: None,
                base_version: None,
                on_conflict: OnConflict::Overwrite,
                patch: Patch(patch),
            };
            (Some(Inverse::Update { kind, id: entry.entity_id, input }), skipped)
        }
    }
}

/// Whether `field`, written since the step, was written only by `actor` and holds again
/// what the step wrote (`new`): then undoing the step takes nothing from anyone.
fn only_mine_and_back(
    current: &Entity,
    field: &str,
    new: &Value,
    since: &BaseValues,
    actor: Option<&str>,
) -> bool {
    let Some(history) = since.get(field) else { return false };
    let mine = actor.is_some() && history.one_writer && history.last_writer.as_deref() == actor;
    mine && current.value(field).unwrap_or(&Value::Null) == new
}

/// Whether a write becomes a step of its actor's undo history: an undoable command (an
/// edit inside a production), by a known user, that is not itself an undo or redo. Such a
/// write also ends what its actor could redo: the undone steps no longer apply.
pub fn records_step(actor: &crate::ports::Actor, undoable: bool) -> bool {
    undoable && actor.id().is_some() && actor.cause.is_none()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plain_undoable_writes_of_a_known_user_make_a_step() {
        use crate::ports::{Actor, Cause};
        let ann = Actor::user("ann");
        let undoing = Actor { cause: Some(Cause::Undo), ..ann.clone() };
        let table = [
            (&ann, true, true),
            (&ann, false, false),
            (&undoing, true, false),
            (&Actor::default(), true, false),
        ];
        for (actor, undoable, step) in table {
            assert_eq!(super::records_step(actor, undoable), step, "{actor:?} {undoable}");
        }
    }

    use super::*;
    use crate::catalog::CAMERA;
    use crate::merge::{apply_update, new_entity};
    use crate::parse_update;
    use proptest::prelude::*;
    use serde_json::json;
    use time::OffsetDateTime;

    fn camera() -> Entity {
        let input = parse_create(&CAMERA, &json!({"name": "Cam 1", "model": "A", "note": "n"})).unwrap();
        new_entity(&CAMERA, Uuid::nil(), Uuid::nil(), &input, Some("seed"), OffsetDateTime::UNIX_EPOCH).0
    }

    /// Applies an update as the store would, returning the new entity and its log entry.
    fn update(e: &Entity, body: Value, who: &str) -> (Entity, Logged) {
        let merged = apply_update(
            e,
            &parse_update(&CAMERA, &body).unwrap(),
            &Default::default(),
            Some(who),
            OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        let changes =
            merged.changes.iter().map(|c| (c.field.to_owned(), c.old.clone(), c.new.clone())).collect();
        let logged = Logged {
            kind: &CAMERA,
            entity_id: e.id,
            action: Action::Updated,
            version: merged.entity.version,
            changes,
            data: merged.entity.to_json(),
        };
        (merged.entity, logged)
    }

    fn none() -> BaseValues {
        BaseValues::new()
    }

    /// The fields' history from the log entries written after a step, with their users.
    fn since(after: &[(&Logged, &str)]) -> BaseValues {
        let past: Vec<_> = after
            .iter()
            .map(|(l, who)| crate::history::PastChange {
                version: l.version,
                user: Some(who.to_string()),
                diff: l.changes.clone(),
            })
            .collect();
        crate::history::base_values(&past)
    }

    fn apply(e: &Entity, inverse: Option<Inverse>) -> Entity {
        match inverse {
            Some(Inverse::Update { input, .. }) => {
                apply_update(e, &input, &Default::default(), Some("ann"), OffsetDateTime::UNIX_EPOCH)
                    .unwrap()
                    .entity
            }
            None => e.clone(),
            other => panic!("an update's inverse is an update, got {other:?}"),
        }
    }

    #[test]
    fn create_delete_and_update_invert() {
        let e = camera();
        let created = Logged {
            kind: &CAMERA,
            entity_id: e.id,
            action: Action::Created,
            version: 1,
            changes: vec![],
            data: e.to_json(),
        };
        assert_eq!(
            invert(&created, Some(&e), &none(), Some("ann")).0,
            Some(Inverse::Delete { kind: &CAMERA, id: e.id })
        );
        assert_eq!(invert(&created, None, &none(), Some("ann")).0, None, "already gone");
        let deleted = Logged { action: Action::Deleted, ..created };
        match invert(&deleted, None, &none(), Some("ann")).0 {
            Some(Inverse::Restore { input, .. }) => {
                assert_eq!(input.id, Some(e.id));
                let set = input.patch.0.iter().filter(|(_, v)| !v.is_null()).count();
                assert_eq!(set, 3, "name, model and note come back");
            }
            other => panic!("{other:?}"),
        }
        let (after, logged) = update(&e, json!({"model": "B"}), "ann");
        let (inverse, skipped) = invert(&logged, Some(&after), &none(), Some("ann"));
        assert!(skipped.is_empty());
        assert_eq!(apply(&after, inverse).value("model"), Some(&json!("A")));
    }

    #[test]
    fn a_field_someone_wrote_since_is_skipped_and_named() {
        let (mine, logged) = update(&camera(), json!({"model": "B", "note": "mine"}), "ann");
        let (theirs, bobs) = update(&mine, json!({"note": "bob's"}), "bob");
        let (inverse, skipped) = invert(&logged, Some(&theirs), &since(&[(&bobs, "bob")]), Some("ann"));
        assert_eq!(
            skipped.iter().map(|s| (s.field.as_str(), s.changed_by.as_deref())).collect::<Vec<_>>(),
            [("note", Some("bob"))]
        );
        let undone = apply(&theirs, inverse);
        assert_eq!((undone.value("model"), undone.value("note")), (Some(&json!("A")), Some(&json!("bob's"))));
    }

    /// Two steps of ann on one field: undone newest first, the second undo finds the field
    /// written since only by ann (her later step and its undo), holding again what the first
    /// step wrote, so it walks back to the start. Anyone else's write in between, or a value
    /// that is not what the step wrote, still stops it.
    #[test]
    fn undoing_two_edits_of_one_field_walks_back_through_both() {
        let start = camera();
        let (b, first) = update(&start, json!({"model": "B"}), "ann");
        let (c, second) = update(&b, json!({"model": "C"}), "ann");
        let (inverse, skipped) = invert(&second, Some(&c), &none(), Some("ann"));
        assert!(skipped.is_empty());
        let back_to_b = apply(&c, inverse.clone());
        let (_, undo_log) = match inverse {
            Some(Inverse::Update { input, .. }) => {
                let body = json!({"model": input.patch.0[0].1});
                update(&c, body, "ann")
            }
            other => panic!("{other:?}"),
        };
        let mine = since(&[(&second, "ann"), (&undo_log, "ann")]);
        let (inverse, skipped) = invert(&first, Some(&back_to_b), &mine, Some("ann"));
        assert_eq!((skipped, apply(&back_to_b, inverse).value("model")), (vec![], Some(&json!("A"))));

        let table: [(&str, &BaseValues, &Entity); 3] = [
            ("another user wrote in between", &since(&[(&second, "bob"), (&undo_log, "ann")]), &back_to_b),
            ("the field is not back to what the step wrote", &since(&[(&second, "ann")]), &c),
            ("undone by someone else", &mine, &back_to_b),
        ];
        for (case, history, now) in table {
            let actor = if case.starts_with("undone by") { Some("bob") } else { Some("ann") };
            let (inverse, skipped) = invert(&first, Some(now), history, actor);
            assert_eq!((inverse, skipped.len()), (None, 1), "{case}");
        }
    }

    fn field_values() -> impl Strategy<Value = Value> {
        prop_oneof![Just(Value::Null), "[a-z]{1,3}".prop_map(Value::from)]
    }

    proptest! {
        /// Undo then redo is the identity when nobody else wrote; undo never overwrites a
        /// value another user wrote after the undone write.
        #[test]
        fn undo_redo_identity_and_no_overwrite(
            mine in proptest::collection::btree_map(prop::sample::select(vec!["model", "note", "lensType", "formatMode"]), field_values(), 1..4),
            theirs in proptest::collection::btree_map(prop::sample::select(vec!["model", "note", "lensType", "formatMode"]), field_values(), 0..3),
        ) {
            let before = camera();
            let (after, logged) = update(&before, json!(mine), "ann");
            // Nobody else wrote: undo restores, redo re-applies.
            let (inverse, skipped) = invert(&logged, Some(&after), &none(), Some("ann"));
            prop_assert!(skipped.is_empty());
            let undone = apply(&after, inverse.clone());
            prop_assert_eq!(&undone.values, &before.values);
            if let Some(Inverse::Update { input, .. }) = &inverse {
                let merged = apply_update(&after, input, &Default::default(), Some("ann"), OffsetDateTime::UNIX_EPOCH).unwrap();
                let undo_log = Logged {
                    kind: &CAMERA, entity_id: after.id, action: Action::Updated, version: merged.entity.version,
                    changes: merged.changes.iter().map(|c| (c.field.to_owned(), c.old.clone(), c.new.clone())).collect(),
                    data: merged.entity.to_json(),
                };
                let redone = apply(&merged.entity, invert(&undo_log, Some(&merged.entity), &none(), Some("ann")).0);
                prop_assert_eq!(&redone.values, &after.values);
            }
            // Someone else wrote after: their values survive the undo.
            let (later, bobs) = update(&after, json!(theirs), "bob");
            let (inverse, _) = invert(&logged, Some(&later), &since(&[(&bobs, "bob")]), Some("ann"));
            let undone = apply(&later, inverse);
            for field in CAMERA.fields.iter().map(|f| f.name) {
                if later.field_version(field) > logged.version {
                    prop_assert_eq!(undone.value(field), later.value(field), "{} was overwritten", field);
                }
            }
        }
    }
}
