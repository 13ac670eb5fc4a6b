//! Decisions the store carries out inside its transactions, stated here as pure functions
//! so that each is one table test away from being checked: what a delete does to what
//! refers to the deleted entity, who becomes a new production's first member, which body
//! `productionId` a write may carry, and which step an undo or a redo takes.

use uuid::Uuid;

use crate::access::Role;
use crate::field::FieldDef;
use crate::kind::EntityKind;
use crate::SyncError;

/// What deleting an entity does to an entity whose `field` points at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnTargetDeleted {
    /// A required reference cannot dangle: the referrer goes too (a source's outputs, a
    /// port's cables), and what refers to it in turn, recursively.
    DeleteReferrer,
    /// An optional one is cleared (a camera loses its CCU).
    ClearReference,
}

pub fn on_target_deleted(field: &FieldDef) -> OnTargetDeleted {
    if field.is_required() {
        OnTargetDeleted::DeleteReferrer
    } else {
        OnTargetDeleted::ClearReference
    }
}

/// The member a create adds in the same transaction: whoever creates a production owns
/// it (an anonymous create on a trusted network adds nobody).
pub fn founding_member<'a>(kind: &EntityKind, creator: Option<&'a str>) -> Option<(&'a str, Role)> {
    creator.filter(|_| kind.is_production()).map(|user| (user, Role::CREATOR))
}

/// A body may name its production only to repeat the path's.
pub fn check_production(kind: &EntityKind, path: Uuid, body: Option<Uuid>) -> Result<(), SyncError> {
    match body {
        Some(b) if kind.owned_by_production() && b != path => {
            Err(SyncError::ProductionMismatch { path, body: b })
        }
        _ => Ok(()),
    }
}

/// Which of the actor's steps an undo or a redo takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    /// Among steps already undone (redo) or not (undo).
    pub undone: bool,
    /// The newest such step, or the oldest.
    pub newest: bool,
}

/// Undo takes the newest step not undone. Steps are undone newest first, so the step a
/// redo reverses, the one undone last, is the oldest of those undone. (A new step of the
/// user ends what could be redone: see `undo::records_step`.)
pub fn pick(redo: bool) -> Pick {
    match redo {
        false => Pick { undone: false, newest: true },
        true => Pick { undone: true, newest: false },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{self, CAMERA, CCU, PRODUCTION, SOURCE_OUTPUT};

    fn field(kind: &EntityKind, name: &str) -> &'static FieldDef {
        let kind = catalog::by_name(kind.name).unwrap();
        &kind.fields[kind.field_index(name).unwrap()]
    }

    #[test]
    fn a_delete_takes_required_referrers_along_and_clears_optional_ones() {
        let table = [
            (&SOURCE_OUTPUT, "sourceId", OnTargetDeleted::DeleteReferrer),
            (&catalog::CABLE, "outputPortId", OnTargetDeleted::DeleteReferrer),
            (&catalog::CABLE, "inputPortId", OnTargetDeleted::DeleteReferrer),
            (&CAMERA, "ccuId", OnTargetDeleted::ClearReference),
        ];
        for (kind, name, effect) in table {
            assert_eq!(on_target_deleted(field(kind, name)), effect, "{}.{name}", kind.name);
        }
    }

    #[test]
    fn the_creator_of_a_production_owns_it_and_nothing_else_adds_a_member() {
        assert_eq!(founding_member(&PRODUCTION, Some("ann")), Some(("ann", Role::Owner)));
        assert_eq!(founding_member(&PRODUCTION, None), None);
        assert_eq!(founding_member(&CAMERA, Some("ann")), None);
        assert_eq!(founding_member(&CCU, Some("ann")), None);
    }

    #[test]
    fn a_body_may_only_repeat_its_paths_production() {
        let (p, q) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert!(check_production(&CAMERA, p, None).is_ok());
        assert!(check_production(&CAMERA, p, Some(p)).is_ok());
        assert!(matches!(check_production(&CAMERA, p, Some(q)), Err(SyncError::ProductionMismatch { .. })));
        // A production's own body names no other production.
        assert!(check_production(&PRODUCTION, p, Some(q)).is_ok());
    }

    #[test]
    fn undo_takes_the_newest_step_and_redo_the_last_undone() {
        assert_eq!(pick(false), Pick { undone: false, newest: true });
        assert_eq!(pick(true), Pick { undone: true, newest: false });
    }
}
