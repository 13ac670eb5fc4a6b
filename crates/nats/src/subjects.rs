//! Subject names: one small tree under `prodsync.`, so a deployment can share a NATS
//! server with other applications and grant this one `prodsync.>` alone.

use uuid::Uuid;

/// A production's changes and presence: `prodsync.p.<id>.changes` / `.presence`. An
/// instance with a room for it subscribes to `prodsync.p.<id>.*`.
pub fn production(id: Uuid) -> String {
    format!("prodsync.p.{id}.*")
}

pub fn changes(id: Uuid) -> String {
    format!("prodsync.p.{id}.changes")
}

pub fn presence(id: Uuid) -> String {
    format!("prodsync.p.{id}.presence")
}

/// Notices carrying production-list events (every instance may have list subscribers).
pub const LIST: &str = "prodsync.list";

/// Changes outside every production (settings, the library's lookups).
pub const SETTINGS: &str = "prodsync.settings";

/// Instances' heartbeats.
pub const ALIVE: &str = "prodsync.alive";

/// The kind of message a production subject carries.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    Changes,
    Presence,
}

pub fn kind(subject: &str) -> Option<Kind> {
    match subject.rsplit('.').next()? {
        "changes" => Some(Kind::Changes),
        "presence" => Some(Kind::Presence),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_production_subscription_covers_its_changes_and_presence() {
        let id = Uuid::from_u128(7);
        let prefix = production(id).trim_end_matches('*').to_owned();
        assert!(changes(id).starts_with(&prefix) && presence(id).starts_with(&prefix));
        assert_eq!(kind(&changes(id)), Some(Kind::Changes));
        assert_eq!(kind(&presence(id)), Some(Kind::Presence));
        assert_eq!(kind(LIST), None);
        assert!(!changes(Uuid::from_u128(8)).starts_with(&prefix));
    }
}
