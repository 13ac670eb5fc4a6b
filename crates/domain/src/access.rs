//! Who may do what. Identity comes from the adapters (a header on a trusted network, a
//! verified JWT on the internet); membership comes from storage; the verdict comes from
//! here, so REST routes and the WebSocket session ask one function and never decide.

use serde::{Deserialize, Serialize};

/// A member's role in one production. Ordered: each role may do what the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Editor,
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Owner];
    /// The user who creates a production becomes this.
    pub const CREATOR: Role = Role::Owner;

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Who is asking, as the adapter established it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `None` only on a trusted network when the client did not say.
    pub user_id: Option<String>,
    pub name: Option<String>,
    /// Administrators may do everything. On a trusted network (`none` mode) everyone is.
    pub admin: bool,
}

impl Identity {
    /// Everyone on a trusted network: may do everything, named if the client said who.
    pub fn trusted(user_id: Option<String>, name: Option<String>) -> Identity {
        Identity { user_id, name, admin: true }
    }
}

/// Every kind of request the rules tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// The production, its entities, snapshot, changes, activity, presence, members list.
    Read,
    /// `join-production`.
    Join,
    /// Create, update, delete entities; undo, redo, batch.
    Edit,
    /// Update or delete the production itself.
    ManageProduction,
    /// Add, change or remove members.
    ManageMembers,
}

impl Operation {
    pub const ALL: [Operation; 5] = [
        Operation::Read,
        Operation::Join,
        Operation::Edit,
        Operation::ManageProduction,
        Operation::ManageMembers,
    ];

    /// The least role that may do it.
    pub fn needs(self) -> Role {
        match self {
            Operation::Read | Operation::Join => Role::Viewer,
            Operation::Edit => Role::Editor,
            Operation::ManageProduction | Operation::ManageMembers => Role::Owner,
        }
    }
}

/// What the adapter answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Not a member: the production does not exist for this caller (404, never 403, so
    /// that ids of other crews' productions leak nothing).
    Hidden,
    /// A member whose role is too low (403).
    Forbidden,
}

/// The one rule for anything inside a production.
pub fn decide(who: &Identity, role: Option<Role>, op: Operation) -> Verdict {
    if who.admin {
        return Verdict::Allow;
    }
    match role {
        None => Verdict::Hidden,
        Some(r) if r >= op.needs() => Verdict::Allow,
        Some(_) => Verdict::Forbidden,
    }
}

/// Whether the caller needs its role looked up at all (administrators do not).
pub fn needs_membership(who: &Identity) -> bool {
    !who.admin
}

/// Global resources, outside any production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalOperation {
    CreateProduction,
    ListProductions,
    ReadEquipment,
    ChangeEquipment,
}

pub fn decide_global(who: &Identity, op: GlobalOperation) -> Verdict {
    match op {
        GlobalOperation::ChangeEquipment if !who.admin => Verdict::Forbidden,
        // Every signed-in user may start a production (becoming its owner), list their own
        // and read the equipment library.
        _ => Verdict::Allow,
    }
}

/// Why a membership change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberChangeError {
    #[error("a production must keep at least one owner; make someone else owner first")]
    LastOwner,
}

/// A production always keeps an owner: demoting or removing its last one is refused.
/// `owners` are the current owners; `new_role` is `None` for a removal.
pub fn check_member_change(
    owners: &[&str],
    target: &str,
    new_role: Option<Role>,
) -> Result<(), MemberChangeError> {
    let target_is_owner = owners.contains(&target);
    let stays_owner = new_role == Some(Role::Owner);
    if target_is_owner && !stays_owner && owners.len() == 1 {
        return Err(MemberChangeError::LastOwner);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::*;

    fn user(admin: bool) -> Identity {
        Identity { user_id: Some("ann".into()), name: None, admin }
    }

    #[test]
    fn the_role_table() {
        // (role, [Read, Join, Edit, ManageProduction, ManageMembers])
        let table: [(Option<Role>, [Verdict; 5]); 4] = [
            (None, [Hidden, Hidden, Hidden, Hidden, Hidden]),
            (Some(Role::Viewer), [Allow, Allow, Forbidden, Forbidden, Forbidden]),
            (Some(Role::Editor), [Allow, Allow, Allow, Forbidden, Forbidden]),
            (Some(Role::Owner), [Allow, Allow, Allow, Allow, Allow]),
        ];
        for (role, verdicts) in table {
            for (op, want) in Operation::ALL.into_iter().zip(verdicts) {
                assert_eq!(decide(&user(false), role, op), want, "{role:?} {op:?}");
            }
        }
    }

    #[test]
    fn administrators_and_trusted_networks_may_do_everything() {
        for role in [None, Some(Role::Viewer)] {
            for op in Operation::ALL {
                assert_eq!(decide(&user(true), role, op), Allow);
                assert_eq!(decide(&Identity::trusted(None, None), role, op), Allow);
            }
        }
        assert!(!needs_membership(&Identity::trusted(None, None)));
    }

    #[test]
    fn only_administrators_change_the_equipment_library() {
        use GlobalOperation::*;
        let table = [
            (CreateProduction, Allow, Allow),
            (ListProductions, Allow, Allow),
            (ReadEquipment, Allow, Allow),
            (ChangeEquipment, Forbidden, Allow),
        ];
        for (op, member, admin) in table {
            assert_eq!(decide_global(&user(false), op), member, "{op:?}");
            assert_eq!(decide_global(&user(true), op), admin, "{op:?}");
        }
    }

    #[test]
    fn the_last_owner_stays() {
        let last = Err(MemberChangeError::LastOwner);
        type Case<'a> = (&'a [&'a str], &'a str, Option<Role>, Result<(), MemberChangeError>);
        let table: [Case; 7] = [
            (&["ann"], "ann", None, last.clone()),
            (&["ann"], "ann", Some(Role::Editor), last.clone()),
            (&["ann"], "ann", Some(Role::Owner), Ok(())),
            (&["ann", "bob"], "ann", None, Ok(())),
            (&["ann", "bob"], "bob", Some(Role::Viewer), Ok(())),
            (&["ann"], "bob", None, Ok(())),
            (&["ann"], "bob", Some(Role::Owner), Ok(())),
        ];
        for (owners, target, role, want) in table {
            assert_eq!(check_member_change(owners, target, role), want, "{owners:?} {target} {role:?}");
        }
    }

    #[test]
    fn roles_round_trip_and_order() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Owner);
        assert_eq!(Role::parse("admin"), None);
    }
}
