//! The ports: what the domain needs from storage and from realtime. `storage` implements
//! the stores over PostgreSQL, `realtime` implements the publisher over WebSocket rooms.

use std::time::Duration;

use async_trait::async_trait;
use uuid::Uuid;

use crate::access::Role;
use crate::activity::{ActivityPage, ActivityQuery};
use crate::change::ChangeEvent;
use crate::command::{Atomicity, Command, Outcome, Receipt};
use crate::entity::Entity;
use crate::error::SyncError;
use crate::ids::{EntityId, ProductionId};
use crate::input::{CreateInput, UpdateInput};
use crate::kind::EntityKind;
use crate::member::Member;
use crate::merge::Conflict;

/// Who a write is attributed to: the user id (when known) and their display name, which
/// the change log keeps for the activity feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<String>,
    pub name: Option<String>,
    /// Why the write happens when it is not a plain edit (an undo, a redo); it travels
    /// into the events' `cause`.
    pub cause: Option<Cause>,
    /// The undo step this write's changes join (set by the store for undoable writes:
    /// the change log records the step as it appends, in the same statement).
    pub step: Option<Uuid>,
}

/// Why a change was made when it is not a plain edit: `"undo"`, `"redo"` or `"import"`
/// (brought over from another system) on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cause {
    Undo,
    Redo,
    Import,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Undo => "undo",
            Cause::Redo => "redo",
            Cause::Import => "import",
        }
    }

    pub fn parse(s: &str) -> Option<Cause> {
        [Cause::Undo, Cause::Redo, Cause::Import].into_iter().find(|c| c.as_str() == s)
    }
}

impl Actor {
    pub fn user(id: &str) -> Actor {
        Actor { id: Some(id.to_owned()), name: None, cause: None, step: None }
    }

    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// A committed create or delete with the events it produced, in seq order.
#[derive(Debug, Clone)]
pub struct Written {
    pub entity: Entity,
    pub events: Vec<ChangeEvent>,
}

/// A committed update. `events` is empty when the update changed nothing.
#[derive(Debug, Clone)]
pub struct Updated {
    pub entity: Entity,
    pub changed_fields: Vec<&'static str>,
    pub conflicts: Vec<Conflict>,
    pub events: Vec<ChangeEvent>,
}

/// A production and everything in it, as of `seq`.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub production: Entity,
    pub entities: Vec<Entity>,
    pub seq: i64,
}

/// Events after a seq, in order.
#[derive(Debug, Clone)]
pub struct ChangePage {
    pub events: Vec<ChangeEvent>,
    /// The production's latest seq when the page was read.
    pub head_seq: i64,
    pub has_more: bool,
}

/// Events after a seq as replay sends them (see [`crate::change::RawEvent`]).
#[derive(Debug)]
pub struct RawPage {
    pub events: Vec<crate::change::RawEvent>,
    pub head_seq: i64,
    pub has_more: bool,
}

/// Versioned entities. Every successful write commits together with its change-log entry.
#[async_trait]
pub trait EntityStore: Send + Sync {
    /// `production` is the owning production; `None` only when creating a production.
    async fn create(
        &self,
        kind: &'static EntityKind,
        production: Option<ProductionId>,
        input: CreateInput,
        actor: Actor,
    ) -> Result<Written, SyncError>;
    async fn update(
        &self,
        kind: &'static EntityKind,
        production: ProductionId,
        id: EntityId,
        input: UpdateInput,
        actor: Actor,
    ) -> Result<Updated, SyncError>;
    async fn delete(
        &self,
        kind: &'static EntityKind,
        production: ProductionId,
        id: EntityId,
        actor: Actor,
    ) -> Result<Written, SyncError>;
    async fn get(
        &self,
        kind: &'static EntityKind,
        production: ProductionId,
        id: EntityId,
    ) -> Result<Entity, SyncError>;

    /// An entity by its id alone, whatever its production (for clients that address
    /// entities without their production, such as the original app's REST routes).
    async fn find(&self, kind: &'static EntityKind, id: EntityId) -> Result<Entity, SyncError>;
    /// `production` is `None` only when listing productions.
    async fn list(
        &self,
        kind: &'static EntityKind,
        production: Option<ProductionId>,
    ) -> Result<Vec<Entity>, SyncError>;
}

/// The ordered change stream of each production.
#[async_trait]
pub trait ChangeFeed: Send + Sync {
    async fn snapshot(&self, production: ProductionId) -> Result<Snapshot, SyncError>;
    /// Events with seq > `since`, at most `limit`; `ResyncRequired` when some were pruned.
    async fn changes_since(
        &self,
        production: ProductionId,
        since: i64,
        limit: i64,
    ) -> Result<ChangePage, SyncError>;
    /// The production's latest seq; `NotFound` for an unknown production.
    async fn head_seq(&self, production: ProductionId) -> Result<i64, SyncError>;
    /// The latest seqs of several productions in one read (unknown ones are left out):
    /// the head check that repairs notices a fan-out lost.
    async fn heads(&self, productions: &[uuid::Uuid]) -> Result<Vec<(uuid::Uuid, i64)>, SyncError> {
        let mut heads = Vec::with_capacity(productions.len());
        for p in productions {
            match self.head_seq(ProductionId(*p)).await {
                Ok(seq) => heads.push((*p, seq)),
                Err(SyncError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(heads)
    }
    /// The same events as `changes_since`, with their JSON kept as text (for replay).
    async fn raw_changes_since(
        &self,
        production: ProductionId,
        since: i64,
        limit: i64,
    ) -> Result<RawPage, SyncError> {
        let page = self.changes_since(production, since, limit).await?;
        let events = page.events.iter().map(crate::change::RawEvent::from).collect();
        Ok(RawPage { events, head_seq: page.head_seq, has_more: page.has_more })
    }
}

/// Runs one write command in one transaction, keeping its idempotency receipt (when given)
/// in the same transaction.
#[async_trait]
pub trait CommandStore: Send + Sync {
    /// `Err(AlreadyDone)` when the receipt's key was used before for the same request.
    async fn execute(
        &self,
        command: Command,
        actor: Actor,
        receipt: Option<Receipt>,
    ) -> Result<Outcome, SyncError>;
    /// Runs the commands in order in one transaction: all or nothing (`BatchFailed` names
    /// the first failure), or each in a savepoint of its own. Answers `Outcome::Batch`.
    async fn execute_batch(
        &self,
        commands: Vec<Result<Command, SyncError>>,
        atomicity: Atomicity,
        actor: Actor,
        receipt: Option<Receipt>,
    ) -> Result<Outcome, SyncError>;
}

/// The activity feed over the change log.
#[async_trait]
pub trait ActivityLog: Send + Sync {
    /// Newest first; `NotFound` for an unknown production.
    async fn activity(
        &self,
        production: ProductionId,
        query: &ActivityQuery,
    ) -> Result<ActivityPage, SyncError>;
}

/// Round-trip to the database, for `/health`.
#[async_trait]
pub trait HealthCheck: Send + Sync {
    async fn ping(&self) -> Result<Duration, SyncError>;
}

/// Hands committed events to whoever delivers them. Must not block: the write path calls it
/// after commit, on the request's task.
pub trait ChangePublisher: Send + Sync {
    fn publish(&self, events: &[ChangeEvent]);
    /// A change outside every production (settings): to every connected client.
    fn announce(&self, event: &str, data: serde_json::Value);
}

/// A publisher for when nobody listens (tools, tests of the write path alone).
pub struct NoPublisher;

impl ChangePublisher for NoPublisher {
    fn publish(&self, _events: &[ChangeEvent]) {}
    fn announce(&self, _event: &str, _data: serde_json::Value) {}
}

/// Where a page of productions ends: the last item's creation time and id (keyset order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductionCursor {
    pub created_at: time::OffsetDateTime,
    pub id: Uuid,
}

#[derive(Debug, Clone)]
pub struct ProductionPage {
    pub items: Vec<Entity>,
    /// Present when more productions follow.
    pub next: Option<ProductionCursor>,
}

/// Memberships and roles, and what each user may see.
#[async_trait]
pub trait MemberStore: Send + Sync {
    /// The user's role in the production; `None` when not a member or no such production.
    async fn role(&self, production: ProductionId, user: &str) -> Result<Option<Role>, SyncError>;
    async fn members(&self, production: ProductionId) -> Result<Vec<Member>, SyncError>;
    /// Every production the user is a member of.
    async fn memberships(&self, user: &str) -> Result<Vec<Uuid>, SyncError>;
    /// Productions `visible_to` is a member of (`None`: all), oldest first, after `after`.
    async fn productions(
        &self,
        visible_to: Option<&str>,
        after: Option<ProductionCursor>,
        limit: i64,
    ) -> Result<ProductionPage, SyncError>;
}
