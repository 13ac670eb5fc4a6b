//! What every handler can reach: the application layer (`prodsync_app::App`, shared with
//! the compatibility adapter) and what only this API serves (the feed, health, activity).

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse};
use prodsync_app::{App, Done};
use prodsync_domain::command::{Atomicity, Command, Outcome, StoredResponse};
use prodsync_domain::ports::{ActivityLog, ChangeFeed, HealthCheck};
use prodsync_domain::SyncError;
use serde_json::Value;

use crate::access::Caller;
use crate::error::ApiError;
use crate::idempotency;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub feed: Arc<dyn ChangeFeed>,
    pub health: Arc<dyn HealthCheck>,
    pub activity: Arc<dyn ActivityLog>,
    /// Which browser pages may use the server (CORS, `/ws`, Socket.IO).
    pub origins: Arc<prodsync_domain::origin::OriginPolicy>,
    /// Whether this instance hears the others' changes (LISTEN connected): `/ready`.
    pub listening: Arc<std::sync::atomic::AtomicBool>,
    /// Database connections in use and callers waiting, for `/metrics`.
    pub pool_status: Arc<dyn Fn() -> (usize, usize) + Send + Sync>,
    /// Whether other instances are alive (this one's writes notify them), for `/metrics`.
    pub has_peers: Arc<dyn Fn() -> bool + Send + Sync>,
}

/// Handlers reach the shared ports (`state.entities`, `state.members`…) through the app.
impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
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
        answer(self.app.execute(command, caller.actor(), receipt).await?, respond)
    }

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
        answer(self.app.execute_batch(commands, atomicity, caller.actor(), receipt).await?, respond)
    }
}

/// The answer to a write: its own, or the kept one of the first try.
fn answer(done: Done, respond: fn(&Outcome) -> StoredResponse) -> Result<HttpResponse, ApiError> {
    Ok(match done {
        Done::Now(outcome) => idempotency::answer(respond(&outcome)),
        Done::Before(kept) => idempotency::replay(kept),
    })
}
