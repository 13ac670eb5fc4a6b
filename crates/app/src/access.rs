//! The one question every route and socket asks before it acts: may this caller do this
//! here? The answer is the domain's (`access::decide`); this module fetches the role it
//! needs and turns the verdict into a `Problem`. Not a member reads as no such production.

use prodsync_domain::access::{
    decide, decide_global, list_scope, needs_membership, GlobalOperation, Identity, ListScope, Operation,
    Role, Verdict,
};
use prodsync_domain::ports::{Actor, ProductionCursor, ProductionPage};
use prodsync_domain::ProductionId;
use serde_json::json;

use crate::{App, Problem};

/// Who a write is attributed to.
pub fn actor(who: &Identity) -> Actor {
    Actor { id: who.user_id.clone(), name: who.name.clone(), cause: None, step: None }
}

/// Operations outside every production (libraries, settings, creating a production).
pub fn authorize_global(who: &Identity, op: GlobalOperation) -> Result<(), Problem> {
    match decide_global(who, op) {
        Verdict::Allow => Ok(()),
        _ => Err(Problem::forbidden("only administrators may do this")),
    }
}

impl App {
    /// Allows (with the caller's role, when membership counts), or refuses: 404 for a
    /// production the caller may not see, 403 for one they may see but not change so.
    pub async fn authorize(
        &self,
        who: &Identity,
        production: ProductionId,
        op: Operation,
    ) -> Result<Option<Role>, Problem> {
        let role = match &who.user_id {
            Some(user) if needs_membership(who) => self.members.role(production, user).await?,
            _ => None,
        };
        match decide(who, role, op) {
            Verdict::Allow => Ok(role),
            Verdict::Hidden => Err(Problem::production_not_found(production.uuid())),
            Verdict::Forbidden => Err(Problem::forbidden(format!(
                "this needs the {} role in this production; yours is {}",
                op.needs().as_str(),
                role.map_or("none", |r| r.as_str())
            ))
            .with_details(json!({"required": op.needs(), "role": role}))),
        }
    }

    /// A page of the productions the caller may see (administrators and trusted
    /// networks: all), oldest first.
    pub async fn productions(
        &self,
        who: &Identity,
        after: Option<ProductionCursor>,
        limit: i64,
    ) -> Result<ProductionPage, Problem> {
        authorize_global(who, GlobalOperation::ListProductions)?;
        Ok(match list_scope(who) {
            ListScope::All => self.members.productions(None, after, limit).await?,
            ListScope::MemberOf(user) => self.members.productions(Some(user), after, limit).await?,
            ListScope::Nothing => ProductionPage { items: vec![], next: None },
        })
    }
}
