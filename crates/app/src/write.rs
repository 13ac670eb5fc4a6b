//! Writes: a command runs to completion and its events are published on a task of its
//! own, so a client that hangs up mid-request cannot cut a write between commit and
//! publish (the events would be lost to every other client until a catch-up). Every
//! write of every adapter comes through here, and so is counted in `/metrics` once.

use std::future::Future;
use std::time::{Duration, Instant};

use prodsync_domain::command::{Atomicity, Command, Outcome, Receipt, StoredResponse};
use prodsync_domain::ports::Actor;
use prodsync_domain::SyncError;

use crate::{App, Problem};

/// A write that was done: now, or before (a retry with the same Idempotency-Key gets the
/// answer that was kept, and nothing is written again).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // moved once per write; boxing would allocate on every write
pub enum Done {
    Now(Outcome),
    Before(StoredResponse),
}

/// A write's answer with the replay told apart, for adapters that have no Idempotency-Key.
pub trait Receipted {
    /// The outcome of a write made now; a replay where none can happen is a bug.
    fn now(self) -> Result<Outcome, Problem>;
}

impl Receipted for Result<Done, Problem> {
    fn now(self) -> Result<Outcome, Problem> {
        match self? {
            Done::Now(outcome) => Ok(outcome),
            Done::Before(_) => Err(Problem::internal("a write without a key was answered as a replay")),
        }
    }
}

impl App {
    /// One command, in one transaction.
    pub async fn execute(
        &self,
        command: Command,
        actor: Actor,
        receipt: Option<Receipt>,
    ) -> Result<Done, Problem> {
        let store = self.commands.clone();
        self.write(async move { store.execute(command, actor, receipt).await }).await
    }

    /// Several commands in one transaction: all or nothing, or each on its own.
    pub async fn execute_batch(
        &self,
        commands: Vec<Result<Command, SyncError>>,
        atomicity: Atomicity,
        actor: Actor,
        receipt: Option<Receipt>,
    ) -> Result<Done, Problem> {
        let store = self.commands.clone();
        self.write(async move { store.execute_batch(commands, atomicity, actor, receipt).await }).await
    }

    async fn write<F>(&self, write: F) -> Result<Done, Problem>
    where
        F: Future<Output = Result<Outcome, SyncError>> + Send + 'static,
    {
        let publisher = self.publisher.clone();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let out = write.await;
            record(started.elapsed(), out.is_ok());
            let out = out?;
            publisher.publish(&out.events());
            if let Some((event, data)) = out.announcement() {
                publisher.announce(event, data);
            }
            Ok::<_, SyncError>(out)
        });
        match task.await {
            Ok(Ok(outcome)) => Ok(Done::Now(outcome)),
            Ok(Err(SyncError::AlreadyDone(kept))) => Ok(Done::Before(kept)),
            Ok(Err(e)) => Err(e.into()),
            Err(e) => Err(Problem::internal(format!("write task failed: {e}"))),
        }
    }
}

/// A write's commit time (the whole command: lock, merge, log, commit).
fn record(took: Duration, ok: bool) {
    let outcome = if ok { "ok" } else { "error" };
    metrics::histogram!("write_duration_seconds", "outcome" => outcome).record(took.as_secs_f64());
}
