//! The domain's ports over PostgreSQL, with diesel + diesel-async.
//!
//! Entity tables are typed (one column per field), but the statements are generic: rows
//! travel as JSONB (`to_jsonb(row)` out, `jsonb_populate_record` in) and the catalog's
//! declarations say which columns exist. That keeps "add an entity type" to one
//! declaration plus one migration, while PostgreSQL still enforces types and references.

mod activity;
mod changelog;
mod commands;
mod db_error;
mod entities;
mod fanout;
mod feed;
mod foreign;
mod lenient;
mod library;
mod listen;
mod members;
mod migrate;
mod notifier;
mod pipelined;
mod pool;
mod prepared;
mod previous;
mod retention;
mod rows;
mod settings;
mod sql;
#[cfg(any(test, feature = "testing"))]
pub mod test_db;
mod undo;

pub use foreign::{read_tables, ForeignTables};
pub use library::LibraryStore;
pub use listen::{listen, Signal, LISTENER_SUFFIX};
pub use migrate::run_migrations;
pub use notifier::Notifier;
pub use pool::{connect, PgPool, PoolSettings};
pub use settings::SettingsStore;

/// The PostgreSQL adapter: implements `EntityStore`, `ChangeFeed`, `MemberStore` and `HealthCheck`.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// This process, as its change notices name it (so it skips its own).
    instance: uuid::Uuid,
    /// Whether another instance is alive: only then do writes notify (kept by `listen`).
    peers: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Told of every commit's events: a tool's way to tell running servers over a fan-out
    /// that is not the database's (NATS). The server publishes through its app layer.
    after_commit: Option<std::sync::Arc<dyn prodsync_domain::ports::ChangePublisher>>,
    /// Notices without list events are left to the caller, who sends them after the
    /// commit (`notify_after_commit`), out of the production's critical section.
    deferred: bool,
}

impl PgStore {
    pub fn new(pool: PgPool) -> Self {
        PgStore {
            pool,
            instance: uuid::Uuid::new_v4(),
            peers: Default::default(),
            after_commit: None,
            deferred: false,
        }
    }

    /// A store for a command-line tool (import, export): every running server is its peer,
    /// so its writes always notify, and subscribers see an import arrive.
    pub fn for_tool(pool: PgPool) -> Self {
        let store = PgStore::new(pool);
        store.peers.store(true, std::sync::atomic::Ordering::Relaxed);
        store
    }

    /// A store for a command-line tool whose running servers hear each other through
    /// `publisher` (NATS), not NOTIFY: each commit's events go there after it.
    pub fn for_tool_publishing(
        pool: PgPool,
        publisher: std::sync::Arc<dyn prodsync_domain::ports::ChangePublisher>,
    ) -> Self {
        PgStore { after_commit: Some(publisher), ..PgStore::new(pool) }
    }

    /// A server's store on PostgreSQL's fan-out: a write's transaction notifies only what
    /// carries production-list events (`fanout::in_transaction`); the server sends the
    /// rest after the commit, merged, and its head check repairs a notice lost between.
    pub fn deferring_notices(self) -> Self {
        PgStore { deferred: true, ..self }
    }

    pub fn instance(&self) -> uuid::Uuid {
        self.instance
    }

    /// Whether writes tell other instances (another one is alive).
    pub fn has_peers(&self) -> bool {
        self.peers.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn peers_flag(&self) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
        self.peers.clone()
    }

    /// Connections in use and callers waiting for one, for the metrics.
    pub fn pool_status(&self) -> (usize, usize) {
        self.pool.status()
    }
}
