//! Who may do what. Identity comes from the adapters (a header on a trusted network, a
//! verified JWT on the internet); membership comes from storage; the verdict comes from
//! here, so REST routes and the WebSocket session ask one function and never decide.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

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

/// Longest user id or display name accepted, from a header, a token or a path.
pub const MAX_USER_CHARS: usize = 200;

/// A user id or display name: 1 to 200 characters, none of them control characters (they
/// end up in logs, headers of other clients' events and PostgreSQL text).
pub fn is_valid_user_text(s: &str) -> bool {
    !s.is_empty() && s.chars().count() <= MAX_USER_CHARS && !s.chars().any(char::is_control)
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
    /// The equipment and format libraries, and the shared settings.
    ReadLibrary,
    ChangeLibrary,
}

pub fn decide_global(who: &Identity, op: GlobalOperation) -> Verdict {
    match op {
        GlobalOperation::ChangeLibrary if !who.admin => Verdict::Forbidden,
        // Every signed-in user may start a production (becoming its owner), list their own
        // and read the libraries and settings; only administrators change what every
        // production shares.
        _ => Verdict::Allow,
    }
}

/// Which productions a caller's list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListScope<'a> {
    All,
    MemberOf(&'a str),
    /// No identity to be a member with (cannot happen in jwt mode).
    Nothing,
}

pub fn list_scope(who: &Identity) -> ListScope<'_> {
    match (who.admin, who.user_id.as_deref()) {
        (true, _) => ListScope::All,
        (false, Some(user)) => ListScope::MemberOf(user),
        (false, None) => ListScope::Nothing,
    }
}

/// A `production:*` or `member:*` event as the production-list room sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListEvent<'a> {
    pub production: Uuid,
    pub action: crate::change::Action,
    /// `member:*` events: whose membership.
    pub member: Option<&'a str>,
    /// `production:created`: who created it (and so owns it).
    pub creator: Option<&'a str>,
}

/// Whether a list event reaches a non-administrator whose memberships are `visible`,
/// keeping `visible` current: their own membership changes show (and add or remove the
/// production), a production they create shows, anything else only for productions they
/// are a member of.
pub fn list_shows(visible: &mut HashSet<Uuid>, me: Option<&str>, e: &ListEvent<'_>) -> bool {
    use crate::change::Action;
    let mine = |who: Option<&str>| me.is_some() && who == me;
    if mine(e.member) {
        if e.action == Action::Deleted {
            visible.remove(&e.production);
        } else {
            visible.insert(e.production);
        }
        return true;
    }
    if mine(e.creator) {
        visible.insert(e.production);
        return true;
    }
    let shown = visible.contains(&e.production);
    if shown && e.member.is_none() && e.action == Action::Deleted {
        visible.remove(&e.production);
    }
    shown
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
            (ReadLibrary, Allow, Allow),
            (ChangeLibrary, Forbidden, Allow),
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
    fn the_list_room_shows_what_concerns_the_user_and_their_productions() {
        use crate::change::Action::{Created, Deleted, Updated};
        let (mine, theirs) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let ev = |production, action, member, creator| ListEvent { production, action, member, creator };
        let mut visible: HashSet<Uuid> = [mine].into();
        // (event, shown, mine visible after, theirs visible after)
        let steps = [
            (ev(theirs, Updated, None, None), false, true, false),
            (ev(mine, Updated, None, None), true, true, false),
            (ev(theirs, Created, Some("bob"), None), false, true, false),
            (ev(theirs, Created, Some("ann"), None), true, true, true),
            (ev(theirs, Updated, None, None), true, true, true),
            (ev(theirs, Deleted, Some("ann"), None), true, true, false),
            (ev(theirs, Updated, None, None), false, true, false),
            (ev(mine, Deleted, None, None), true, false, false),
            (ev(theirs, Created, None, Some("ann")), true, false, true),
        ];
        for (i, (e, shown, has_mine, has_theirs)) in steps.into_iter().enumerate() {
            assert_eq!(list_shows(&mut visible, Some("ann"), &e), shown, "step {i}");
            assert_eq!(
                (visible.contains(&mine), visible.contains(&theirs)),
                (has_mine, has_theirs),
                "step {i}"
            );
        }
        // Without an identity, nothing is "mine".
        assert!(!list_shows(&mut HashSet::new(), None, &ev(mine, Created, None, None)));
    }

    #[test]
    fn who_lists_what() {
        assert_eq!(list_scope(&user(true)), ListScope::All);
        assert_eq!(list_scope(&user(false)), ListScope::MemberOf("ann"));
        let nobody = Identity { user_id: None, name: None, admin: false };
        assert_eq!(list_scope(&nobody), ListScope::Nothing);
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
