//! Change notices sent after the commit, on PostgreSQL's fan-out.
//!
//! A NOTIFY inside the write's transaction is sent while the production's counter row is
//! locked, and PostgreSQL serialises notifying commits: with a second instance alive it
//! took a fifth off write throughput. So a write's transaction notifies only what carries
//! production-list events, and the rest come here after the commit: whatever waits is
//! merged (one notice per production, its highest seq) and sent in one statement while the
//! next batch gathers. A notice lost on the way (an error, a crash just after the commit)
//! is made good by the receivers' head check within one period.
//!
//! Statements are paced (`PACE`): every notifying statement wakes every listening
//! connection, this instance's own included, and each wake is a transaction in each of
//! them. Sent as fast as they went, a hot production's notices took 0.7 statements per
//! write, 3.0–3.5 transactions per write in all (1 alone); paced, a statement carries what
//! 5 ms of writes produced: 1.5 (docs/benchmarks.md, session 9). A quiet production's
//! notice still goes at once: the pause only holds back a statement that follows another
//! within `PACE`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::PgStore;
use prodsync_domain::fanout::{self, Packed};
use prodsync_domain::ChangeEvent;
use tokio::sync::mpsc;
use tokio::time::{Duration, Instant};

/// Notices waiting beyond this are dropped (the head check repairs them): a database too
/// slow to take notices must not make the server hold an ever longer queue.
const MAX_WAITING: usize = 10_000;
/// Most notices one statement sends.
const MAX_BATCH: usize = 1000;
/// Least time between two statements: at most this is added to a cross-instance event
/// under load, a third of a socket's flush interval.
const PACE: Duration = Duration::from_millis(5);

/// The sending end, cheap to clone; the task sending the batches lives while it does.
#[derive(Clone)]
pub struct Notifier {
    tx: mpsc::Sender<Packed>,
    store: PgStore,
    dropped: Arc<AtomicU64>,
}

impl Notifier {
    pub fn spawn(store: PgStore) -> Notifier {
        let (tx, rx) = mpsc::channel(MAX_WAITING);
        let dropped = Arc::new(AtomicU64::new(0));
        tokio::spawn(send_batches(rx, store.clone(), dropped.clone()));
        Notifier { tx, store, dropped }
    }

    /// Queues the notices of committed `events` the transaction did not send, when another
    /// instance is alive to hear them.
    pub fn committed(&self, events: &[ChangeEvent]) {
        if events.is_empty() || !self.store.has_peers() {
            return;
        }
        let at_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
        for notice in fanout::notices(self.store.instance(), events, at_ms) {
            if fanout::in_transaction(&notice) {
                continue;
            }
            if self.tx.try_send(notice).is_err() {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

async fn send_batches(mut rx: mpsc::Receiver<Packed>, store: PgStore, dropped: Arc<AtomicU64>) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    let mut last = Instant::now();
    while rx.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        tokio::time::sleep_until(last + PACE).await;
        while waiting.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(notice) => waiting.push(notice),
                Err(_) => break,
            }
        }
        last = Instant::now();
        let texts: Vec<String> =
            fanout::coalesce(std::mem::take(&mut waiting)).into_iter().map(|n| n.text).collect();
        let count = texts.len();
        if let Err(e) = store.notify_after_commit(texts).await {
            tracing::warn!(error = %e, notices = count, "change notices not sent; the other instances' head check finds those changes");
        }
        let lost = dropped.swap(0, Ordering::Relaxed);
        if lost > 0 {
            tracing::warn!(notices = lost, "change notices dropped: too many waiting for the database; the other instances' head check finds those changes");
        }
    }
}
