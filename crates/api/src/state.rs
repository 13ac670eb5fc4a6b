//! What every handler can reach: the ports, behind trait objects.

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse};
use prodsync_domain::command::{Atomicity, Command, Outcome, StoredResponse};
use prodsync_domain::member::MemberWrite;
use serde_json::Value;

use crate::access::Caller;
use crate::idempotency;
use prodsync_domain::ports::{
    ActivityLog, ChangeFeed, ChangePublisher, CommandStore, EntityStore, HealthCheck, MemberStore, Updated,
    Written,
};
use prodsync_domain::{ChangeEvent, SyncError};
use prodsync_storage::{LibraryStore, SettingsStore};

use crate::error::ApiError;

#[derive(Clone)]
pub struct AppState {
    pub entities: Arc<dyn EntityStore>,
    pub feed: Arc<dyn ChangeFeed>,
    pub health: Arc<dyn HealthCheck>,
    pub publisher: Arc<dyn ChangePublisher>,
    pub library: LibraryStore,
    pub settings: SettingsStore,
    pub members: Arc<dyn MemberStore>,
    pub commands: Arc<dyn CommandStore>,
    pub activity: Arc<dyn ActivityLog>,
    pub auth: Arc<crate::auth::Authenticator>,
    /// Which browser pages may use the server (CORS, `/ws`, Socket.IO).
    pub origins: Arc<prodsync_domain::origin::OriginPolicy>,
    /// Whether this instance hears the others' changes (LISTEN connected): `/ready`.
    pub listening: Arc<std::sync::atomic::AtomicBool>,
    /// Database connections in use and callers waiting, for `/metrics`.
    pub pool_status: Arc<dyn Fn() -> (usize, usize) + Send + Sync>,
    /// Whether other instances are alive (this one's writes notify them), for `/metrics`.
    pub has_peers: Arc<dyn Fn() -> bool + Send + Sync>,
}

/// The result of a committed write, with the events it produced.
pub trait Committed {
    fn events(&self) -> Cow<'_, [ChangeEvent]>;
    /// A change outside every production (settings), for every connected client.
    fn announcement(&self) -> Option<(&'static str, Value)> {
        None
    }
}

impl Committed for Written {
    fn events(&self) -> Cow<'_, [ChangeEvent]> {
        Cow::Borrowed(&self.events)
    }
}

impl Committed for Outcome {
    fn events(&self) -> Cow<'_, [ChangeEvent]> {
        Outcome::events(self)
    }
    fn announcement(&self) -> Option<(&'static str, Value)> {
        Outcome::announcement(self)
    }
}

impl Committed for MemberWrite {
    fn events(&self) -> Cow<'_, [ChangeEvent]> {
        Cow::Borrowed(&self.events)
    }
}

impl Committed for Updated {
    fn events(&self) -> Cow<'_, [ChangeEvent]> {
        Cow::Borrowed(&self.events)
    }
}

impl AppState {
    /// Runs a write command and answers with `respond(outcome)`; with an Idempotency-Key,
    /// the answer is kept in the write's transaction and a retry gets it back unwritten.
    pub async fn run(
        &self,
        req: &HttpRequest,
        caller: &Caller,
        body: Option<&Value>,
        command: Command,
        respond: fn(&Outcome) -> StoredResponse,
    ) -> Result<HttpResponse, ApiError> {
        let receipt = idempotency::receipt(req, caller, body, respond)?;
        let (store, actor) = (self.commands.clone(), caller.actor());
        self.answer(async move { store.execute(command, actor, receipt).await }, respond).await
    }

    /// Commits, publishes, and answers with `respond`, or with the kept answer of a retry.
    async fn answer<F>(
        &self,
        write: F,
        respond: fn(&Outcome) -> StoredResponse,
    ) -> Result<HttpResponse, ApiError>
    where
        F: Future<Output = Result<Outcome, SyncError>> + Send + 'static,
    {
        match self.write(write).await {
            Ok(outcome) => Ok(idempotency::answer(respond(&outcome))),
            Err(SyncError::AlreadyDone(kept)) => Ok(idempotency::replay(kept)),
            Err(e) => Err(e.into()),
        }
    }

    /// Runs a write to completion and publishes its events, on a task of its own: a client
    /// that disconnects mid-request cannot cancel a write between commit and publish.
    /// A batch, answered like `run`.
    pub async fn run_batch(
        &self,
        req: &HttpRequest,
        caller: &Caller,
        body: &Value,
        commands: Vec<Result<Command, SyncError>>,
        atomicity: Atomicity,
        respond: fn(&Outcome) -> StoredResponse,
    ) -> Result<HttpResponse, ApiError> {
        let receipt = idempotency::receipt(req, caller, Some(body), respond)?;
        let (store, actor) = (self.commands.clone(), caller.actor());
        self.answer(async move { store.execute_batch(commands, atomicity, actor, receipt).await }, respond)
            .await
    }

    pub async fn commit<T, F>(&self, write: F) -> Result<T, ApiError>
    where
        F: Future<Output = Result<T, SyncError>> + Send + 'static,
        T: Committed + Send + 'static,
    {
        self.write(write).await.map_err(ApiError::from)
    }

    async fn write<T, F>(&self, write: F) -> Result<T, SyncError>
    where
        F: Future<Output = Result<T, SyncError>> + Send + 'static,
        T: Committed + Send + 'static,
    {
        let publisher = self.publisher.clone();
        let task = tokio::spawn(async move {
            let started = std::time::Instant::now();
            let out = write.await;
            crate::metrics::write_done(started.elapsed(), out.is_ok());
            let out = out?;
            publisher.publish(&out.events());
            if let Some((event, data)) = out.announcement() {
                publisher.announce(event, data);
            }
            Ok::<_, SyncError>(out)
        });
        match task.await {
            Ok(result) => result,
            Err(e) => Err(SyncError::Internal(format!("write task failed: {e}"))),
        }
    }
}
