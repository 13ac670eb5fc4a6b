//! The connection pool: one per thread that queries, sharing one limit.
//!
//! Connections are made lazily, so the server starts (and `/health` answers 503) while the
//! database is down, and recovers when it comes back.
//!
//! Why per thread: diesel-async drives each connection with a task spawned on the runtime
//! that opened it, and every actix worker is a runtime of its own. A request served by one
//! worker with a connection opened by another woke that other thread at each round trip,
//! there and back (three eventfd writes and as many extra `epoll_wait`s per write, by
//! `strace`; about 6 % of the server's CPU per write, docs/benchmarks.md). So each thread
//! takes from its own pool first, whose connections it opened and drives itself. When its
//! pool is at its share and all busy, it borrows an idle connection of another thread's
//! pool, as before, rather than wait while one sits idle; only when none is idle anywhere
//! does it wait for its own.
//!
//! A thread's pool goes when the thread does (an actix worker restarted after a panic, a
//! runtime shut down): its connections were driven by that thread's runtime, so another
//! thread borrowing one would get a dead connection, and its share would count against
//! the limit for good.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock, Weak};
use std::thread::ThreadId;
use std::time::Duration;

use deadpool::managed::{PoolError, Timeouts};
use deadpool::Runtime;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::AsyncPgConnection;

type ThreadPool = Pool<AsyncPgConnection>;

#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub url: String,
    /// Connections in all, over every thread's pool.
    pub max_size: usize,
    /// How long a request waits for a free connection before it gets a 503.
    pub wait_timeout: Duration,
    /// How long opening a new connection may take.
    pub connect_timeout: Duration,
    /// The threads that serve requests (the server's workers): each may open
    /// `max_size / threads` (at least one). A thread that only runs background jobs gets
    /// a share too (the server's use one or two connections).
    pub threads: usize,
}

/// The pools of every thread that has queried, by thread.
#[derive(Clone)]
pub struct PgPool(Arc<Pools>);

struct Pools {
    settings: PoolSettings,
    by_thread: RwLock<HashMap<ThreadId, ThreadPool>>,
}

pub fn connect(settings: &PoolSettings) -> Result<PgPool, String> {
    // The calling thread's pool is built now, so that a setting deadpool refuses is
    // reported at start rather than on the first query. No connection is opened yet.
    let pool = PgPool(Arc::new(Pools { settings: settings.clone(), by_thread: RwLock::default() }));
    pool.local()?;
    Ok(pool)
}

impl PgPool {
    /// A connection: this thread's own when it has one free or may open one, else an idle
    /// one of another thread, else this thread's own when one is given back.
    pub async fn get(&self) -> Result<Object<AsyncPgConnection>, String> {
        let local = self.local()?;
        let now = Timeouts { wait: Some(Duration::ZERO), ..local.timeouts() };
        match local.timeout_get(&now).await {
            Ok(conn) => return Ok(conn),
            Err(PoolError::Timeout(_)) => {}
            Err(e) => return Err(e.to_string()),
        }
        for other in self.others() {
            // Only an idle one: asking for more would open it here, driven by this thread
            // for the rest of its life in the other thread's pool.
            if other.status().available > 0 {
                if let Ok(conn) = other.timeout_get(&now).await {
                    return Ok(conn);
                }
            }
        }
        local.get().await.map_err(|e| e.to_string())
    }

    /// Connections in use and callers waiting for one, over every thread's pool.
    pub fn status(&self) -> (usize, usize) {
        let pools = self.0.by_thread.read().unwrap_or_else(PoisonError::into_inner);
        pools.values().map(|p| p.status()).fold((0, 0), |(used, waiting), s| {
            (used + s.size.saturating_sub(s.available), waiting + s.waiting)
        })
    }

    /// This thread's pool, made on its first query.
    fn local(&self) -> Result<ThreadPool, String> {
        let me = std::thread::current().id();
        if let Some(pool) = self.0.by_thread.read().unwrap_or_else(PoisonError::into_inner).get(&me) {
            return Ok(pool.clone());
        }
        let pool = build(&self.0.settings)?;
        // Told before the pool is in the map, so that no thread ends with its pool left in.
        let _ = LEAVING.try_with(|l| l.pools.borrow_mut().push(Arc::downgrade(&self.0)));
        let mut pools = self.0.by_thread.write().unwrap_or_else(PoisonError::into_inner);
        Ok(pools.entry(me).or_insert(pool).clone())
    }

    /// The other threads' pools.
    fn others(&self) -> Vec<ThreadPool> {
        let me = std::thread::current().id();
        let pools = self.0.by_thread.read().unwrap_or_else(PoisonError::into_inner);
        pools.iter().filter(|(thread, _)| **thread != me).map(|(_, pool)| pool.clone()).collect()
    }
}

thread_local! {
    static LEAVING: Leaving = Leaving { me: std::thread::current().id(), pools: RefCell::default() };
}

/// The pools a thread has joined, left when the thread ends (its thread-locals dropped).
struct Leaving {
    /// Kept from the start: `thread::current` may be gone while thread-locals are dropped.
    me: ThreadId,
    pools: RefCell<Vec<Weak<Pools>>>,
}

impl Drop for Leaving {
    fn drop(&mut self) {
        for pools in self.pools.get_mut().drain(..).filter_map(|p| p.upgrade()) {
            pools.by_thread.write().unwrap_or_else(PoisonError::into_inner).remove(&self.me);
        }
    }
}

fn build(settings: &PoolSettings) -> Result<ThreadPool, String> {
    let mut config = ManagerConfig::default();
    // A broken connection shows on first use and is dropped then; verifying every checkout
    // would add a round trip to each request.
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(&settings.url, config);
    let share = (settings.max_size / settings.threads.max(1)).max(1);
    ThreadPool::builder(manager)
        .max_size(share)
        .wait_timeout(Some(settings.wait_timeout))
        .create_timeout(Some(settings.connect_timeout))
        .recycle_timeout(Some(settings.connect_timeout))
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| e.to_string())
}
