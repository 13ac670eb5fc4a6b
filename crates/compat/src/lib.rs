//! A drop-in backend for the original Video Production Manager's frontend: its REST routes
//! and JSON shapes under `/compat/api`, and Socket.IO (Engine.IO 4, Socket.IO 5) at
//! `/socket.io/`. An inbound adapter like `api`: it translates, and the core (the same
//! commands, merge rules, rooms, ordering and catch-up) does the work; the core knows
//! nothing of it. docs/compat.md says how to point the original app here.

mod bridge;
mod engineio;
mod error;
mod ids;
mod rest;
mod server;
mod shapes;
mod socketio;

/// Which of our types each of the original's REST segments serves (tests walk them).
pub use shapes::{Route, ROUTES};

use std::sync::Arc;

use actix_web::web;
use prodsync_domain::access::{decide, needs_membership, Identity, Operation, Verdict};
use prodsync_domain::command::{Atomicity, Command, Outcome};
use prodsync_domain::origin::OriginPolicy;
use prodsync_domain::ports::{Actor, ChangePublisher, CommandStore, EntityStore, MemberStore};
use prodsync_domain::SyncError;
use prodsync_realtime::Hub;
use prodsync_storage::{LibraryStore, SettingsStore};
use uuid::Uuid;

pub use error::CompatError;

/// Who is calling, as the api crate's authentication decides it (header on a trusted
/// network, or a JWT): injected, so both adapters share one notion of identity.
pub trait Identify: Send + Sync {
    fn identify(
        &self,
        bearer: Option<&str>,
        user_id: Option<&str>,
        user_name: Option<&str>,
    ) -> Result<Identity, String>;
    /// `jwt` mode: identity only from tokens, never from bodies.
    fn requires_token(&self) -> bool;
}

/// The ports this adapter drives.
#[derive(Clone)]
pub struct CompatState {
    pub entities: Arc<dyn EntityStore>,
    pub commands: Arc<dyn CommandStore>,
    pub members: Arc<dyn MemberStore>,
    pub publisher: Arc<dyn ChangePublisher>,
    pub library: LibraryStore,
    pub settings: SettingsStore,
    pub hub: Hub,
    pub identify: Arc<dyn Identify>,
    /// Which browser pages may open a Socket.IO session (`domain::origin`).
    pub origins: Arc<OriginPolicy>,
    pub sockets: server::Registry,
}

impl CompatState {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        entities: Arc<dyn EntityStore>,
        commands: Arc<dyn CommandStore>,
        members: Arc<dyn MemberStore>,
        publisher: Arc<dyn ChangePublisher>,
        library: LibraryStore,
        settings: SettingsStore,
        hub: Hub,
        identify: Arc<dyn Identify>,
        origins: Arc<OriginPolicy>,
    ) -> CompatState {
        CompatState {
            entities,
            commands,
            members,
            publisher,
            library,
            settings,
            hub,
            identify,
            origins,
            sockets: server::Registry::default(),
        }
    }

    /// Runs a command to completion and publishes its events, on a task of its own (a
    /// client that goes away cannot cut a write between commit and publish).
    pub(crate) async fn run(&self, command: Command, actor: Actor) -> Result<Outcome, SyncError> {
        self.write(|store| async move { store.execute(command, actor, None).await }).await
    }

    /// Several commands as one transaction (a source and its outputs), published after.
    pub(crate) async fn run_batch(
        &self,
        commands: Vec<Result<Command, SyncError>>,
        actor: Actor,
    ) -> Result<Outcome, SyncError> {
        self.write(|store| async move { store.execute_batch(commands, Atomicity::All, actor, None).await })
            .await
    }

    async fn write<F>(&self, write: impl FnOnce(Arc<dyn CommandStore>) -> F) -> Result<Outcome, SyncError>
    where
        F: std::future::Future<Output = Result<Outcome, SyncError>> + Send + 'static,
    {
        let (write, publisher) = (write(self.commands.clone()), self.publisher.clone());
        let task = tokio::spawn(async move {
            let out = write.await?;
            publisher.publish(&out.events());
            if let Some((event, data)) = out.announcement() {
                publisher.announce(event, data);
            }
            Ok::<_, SyncError>(out)
        });
        task.await.map_err(|e| SyncError::Internal(format!("write task failed: {e}")))?
    }

    /// The same rule as every native route: not a member looks like no production.
    pub(crate) async fn authorize(
        &self,
        who: &Identity,
        production: Uuid,
        op: Operation,
    ) -> Result<(), CompatError> {
        let role = match &who.user_id {
            Some(user) if needs_membership(who) => self.members.role(production, user).await?,
            _ => None,
        };
        match decide(who, role, op) {
            Verdict::Allow => Ok(()),
            Verdict::Hidden => Err(CompatError::not_found("Production not found")),
            Verdict::Forbidden => {
                Err(CompatError::forbidden(format!("this needs the {} role", op.needs().as_str())))
            }
        }
    }
}

/// Mounts `/compat/api/…` and `/socket.io/`. Needs `web::Data<CompatState>`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(server::scope()).service(rest::scope());
}
