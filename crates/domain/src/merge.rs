//! The field-level merge rules: what an update writes, what it skips, what it reports.
//!
//! For each field in the update, in this order:
//! 1. equal to the stored value: nothing to do;
//! 2. the client said which version it last saw (`base`) and someone wrote the field after
//!    it: if the client sends the value the field had at `base`, it is a stale echo of the
//!    client's old copy and is skipped; otherwise both changed it, a real conflict: last
//!    write wins and the conflict is reported (or, with `OnConflict::Reject`, nothing at all
//!    is written);
//! 3. otherwise the value is written.
//!
//! A field whose history after `base` is no longer known counts as a real conflict: the
//! server cannot prove the value is an echo, and reporting it is the safe side.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::Entity;
use crate::error::SyncError;
use crate::field::truncate_to_micros;
use crate::input::{CreateInput, OnConflict, UpdateInput};
use crate::kind::{Derived, EntityKind};

/// One field's value before and after a write.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Value,
    pub new: Value,
}

/// A field that the update overwrote although someone else had written it since the
/// client's base version.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub field: &'static str,
    /// The value the update replaced (or, when rejected, would have replaced).
    pub overwritten_value: Value,
    /// Who wrote the replaced value, when known.
    pub overwritten_by: Option<String>,
    /// The entity version at which the replaced value was written.
    pub overwritten_at_version: i64,
    pub your_value: Value,
}

/// What the change log says of one field since the client's base version.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldHistory {
    /// The field's value at the base version.
    pub at_base: Value,
    /// The user of the latest write to the field.
    pub last_writer: Option<String>,
    /// Whether every write to the field since the base was by `last_writer`.
    pub one_writer: bool,
}

/// Field name -> its history after the base version; fields not written since are absent.
pub type BaseValues = HashMap<String, FieldHistory>;

#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The entity after the update; the same version when nothing changed.
    pub entity: Entity,
    pub changes: Vec<FieldChange>,
    pub conflicts: Vec<Conflict>,
}

impl Merged {
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }
}

/// True when the merge needs the field history after the client's base version: some sent
/// field differs from the stored value and was written after that version.
pub fn needs_history(current: &Entity, input: &UpdateInput) -> bool {
    let Some(base) = input.base_version else { return false };
    input.patch.0.iter().any(|(i, v)| {
        let def = &current.kind.fields[*i];
        current.values[*i] != *v && current.field_version(def.name) > base
    })
}

pub fn apply_update(
    current: &Entity,
    input: &UpdateInput,
    history: &BaseValues,
    actor: Option<&str>,
    now: OffsetDateTime,
) -> Result<Merged, SyncError> {
    if let Some(body_id) = input.id.filter(|id| *id != current.id) {
        return Err(SyncError::IdMismatch { path: current.id, body: body_id });
    }
    let kind = current.kind;
    let mut next = current.clone();
    let mut changes = Vec::new();
    let mut conflicts = Vec::new();
    for (i, value) in &input.patch.0 {
        let def = &kind.fields[*i];
        let stored = &current.values[*i];
        if stored == value {
            continue;
        }
        if input.base_version.is_some_and(|base| current.field_version(def.name) > base) {
            let past = history.get(def.name);
            if past.is_some_and(|p| p.at_base == *value) {
                continue; // stale echo of the client's old copy
            }
            conflicts.push(Conflict {
                field: def.name,
                overwritten_value: stored.clone(),
                overwritten_by: past.and_then(|p| p.last_writer.clone()),
                overwritten_at_version: current.field_version(def.name),
                your_value: value.clone(),
            });
        }
        next.values[*i] = value.clone();
        changes.push(FieldChange { field: def.name, old: stored.clone(), new: value.clone() });
    }
    if input.on_conflict == OnConflict::Reject && !conflicts.is_empty() {
        return Err(SyncError::Rejected { base: input.base_version.unwrap_or(0), conflicts });
    }
    if changes.is_empty() {
        return Ok(Merged { entity: next, changes, conflicts });
    }
    apply_derived(kind, &mut next.values, &mut changes, now);
    // A write stores the whole row: what could not be read is stored as the null it read as.
    next.unreadable.clear();
    next.version = current.version + 1;
    stamp(&mut next, &changes, actor, now);
    Ok(Merged { entity: next, changes, conflicts })
}

/// The entity a create makes: version 1, every given field written at version 1.
pub fn new_entity(
    kind: &'static EntityKind,
    id: Uuid,
    production_id: Uuid,
    input: &CreateInput,
    actor: Option<&str>,
    now: OffsetDateTime,
) -> (Entity, Vec<FieldChange>) {
    let now = truncate_to_micros(now);
    let mut values = vec![Value::Null; kind.fields.len()];
    let mut changes = Vec::new();
    for (i, v) in &input.patch.0 {
        values[*i] = v.clone();
        if !v.is_null() {
            changes.push(FieldChange { field: kind.fields[*i].name, old: Value::Null, new: v.clone() });
        }
    }
    apply_derived(kind, &mut values, &mut changes, now);
    let mut entity = Entity {
        kind,
        id,
        production_id,
        values,
        version: 1,
        field_versions: Default::default(),
        last_modified_by: None,
        created_at: now,
        updated_at: now,
        unreadable: Vec::new(),
    };
    stamp(&mut entity, &changes, actor, now);
    (entity, changes)
}

fn stamp(entity: &mut Entity, changes: &[FieldChange], actor: Option<&str>, now: OffsetDateTime) {
    for c in changes {
        entity.field_versions.insert(c.field.to_owned(), entity.version);
    }
    entity.last_modified_by = actor.map(str::to_owned);
    entity.updated_at = truncate_to_micros(now);
}

fn apply_derived(
    kind: &EntityKind,
    values: &mut [Value],
    changes: &mut Vec<FieldChange>,
    now: OffsetDateTime,
) {
    for rule in kind.derived {
        let Derived::StampWhenTrue { flag, stamp } = *rule;
        let Some(flag_change) = changes.iter().find(|c| c.field == flag) else { continue };
        let (Some(si), true) = (kind.field_index(stamp), flag_change.old != flag_change.new) else {
            continue;
        };
        let new = if flag_change.new == Value::Bool(true) {
            Value::from(crate::field::format_timestamp(now))
        } else {
            Value::Null
        };
        if values[si] != new {
            let field = kind.fields[si].name;
            changes.push(FieldChange { field, old: std::mem::replace(&mut values[si], new.clone()), new });
        }
    }
}
