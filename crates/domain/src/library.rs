//! The global libraries (equipment, formats) share one write path; what differs is the
//! shape checks of each, chosen here.

use serde_json::Value;

use crate::error::ValidationError;
use crate::kind::EntityKind;

/// Checks what the field declarations cannot say (port lists, plausible resolutions).
pub fn validate(kind: &EntityKind, fields: &[(usize, Value)]) -> Result<(), ValidationError> {
    match kind.name {
        crate::kind::EQUIPMENT => crate::equipment::validate(fields),
        crate::kind::FORMAT => crate::format::validate(fields),
        _ => Ok(()),
    }
}
