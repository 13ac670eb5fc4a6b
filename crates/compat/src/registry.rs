//! Which Engine.IO sessions are open, who opened them from where, and which Socket.IO
//! clients are live in which production (for the original's `production:change` relay).
//! Everything one client can make the server hold is counted here and bounded: sessions
//! per address and per user, and a production's entry lives only while it has members.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use prodsync_domain::access::Identity;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::server::Handle;

/// Sessions one address may hold open (a venue's crew behind one NAT fits well within).
pub const SESSIONS_PER_ADDRESS: usize = 256;
/// Sessions one user may hold open (the core's own per-user socket limit is 50).
pub const SESSIONS_PER_USER: usize = 64;

/// How long a lost client may take to come back and recover its session (Socket.IO's
/// default `maxDisconnectionDuration`).
pub const RECOVERY_WINDOW: Duration = Duration::from_secs(120);

/// The Socket.IO clients live in one production: sid -> its outbox.
type Members = HashMap<String, mpsc::Sender<String>>;

#[derive(Default)]
struct Inner {
    sessions: HashMap<String, Arc<Handle>>,
    rooms: HashMap<Uuid, Members>,
    per_address: HashMap<IpAddr, usize>,
    per_user: HashMap<String, usize>,
}

#[derive(Clone, Default)]
pub struct Registry {
    inner: Arc<Mutex<Inner>>,
    /// Sessions that ended lately, by recovery id, for clients that come back.
    recovery: Arc<Mutex<HashMap<String, (Instant, Recovery)>>>,
}

/// What a reconnecting client gets back.
pub(crate) struct Recovery {
    pub who: Option<Identity>,
    pub joined: HashMap<Uuid, String>,
    pub join_heads: HashMap<Uuid, i64>,
    pub in_list: bool,
}

/// Why a session was not opened or bound.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    TooManyForAddress,
    TooManyForUser,
}

impl Refused {
    pub fn message(&self) -> String {
        match self {
            Refused::TooManyForAddress => format!("at most {SESSIONS_PER_ADDRESS} sessions per address"),
            Refused::TooManyForUser => format!("at most {SESSIONS_PER_USER} sessions per user"),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn release<K: std::hash::Hash + Eq>(counts: &mut HashMap<K, usize>, key: &K) {
    if let Some(n) = counts.get_mut(key) {
        *n -= 1;
        if *n == 0 {
            counts.remove(key);
        }
    }
}

impl Registry {
    pub(crate) fn get(&self, sid: &str) -> Option<Arc<Handle>> {
        lock(&self.inner).sessions.get(sid).cloned()
    }

    /// Registers a new session, counted against its address and its user.
    pub(crate) fn open(&self, sid: &str, handle: Arc<Handle>) -> Result<(), Refused> {
        let mut inner = lock(&self.inner);
        if let Some(peer) = handle.peer {
            if inner.per_address.get(&peer).copied().unwrap_or(0) >= SESSIONS_PER_ADDRESS {
                return Err(Refused::TooManyForAddress);
            }
        }
        if let Some(user) = handle.user() {
            if inner.per_user.get(&user).copied().unwrap_or(0) >= SESSIONS_PER_USER {
                return Err(Refused::TooManyForUser);
            }
            *inner.per_user.entry(user).or_default() += 1;
        }
        if let Some(peer) = handle.peer {
            *inner.per_address.entry(peer).or_default() += 1;
        }
        inner.sessions.insert(sid.to_owned(), handle);
        Ok(())
    }

    /// A session that named its user only in its CONNECT packet: counted from now on.
    pub(crate) fn bind_user(&self, handle: &Handle, user: &str) -> Result<(), Refused> {
        let mut inner = lock(&self.inner);
        if inner.per_user.get(user).copied().unwrap_or(0) >= SESSIONS_PER_USER {
            return Err(Refused::TooManyForUser);
        }
        *inner.per_user.entry(user.to_owned()).or_default() += 1;
        handle.set_user(user);
        Ok(())
    }

    pub(crate) fn remove(&self, sid: &str) {
        let mut inner = lock(&self.inner);
        let Some(handle) = inner.sessions.remove(sid) else { return };
        if let Some(peer) = handle.peer {
            release(&mut inner.per_address, &peer);
        }
        if let Some(user) = handle.user() {
            release(&mut inner.per_user, &user);
        }
        inner.rooms.retain(|_, members| {
            members.remove(sid);
            !members.is_empty()
        });
    }

    /// Open sessions (for tests and logs).
    pub fn sessions(&self) -> usize {
        lock(&self.inner).sessions.len()
    }

    /// Productions with at least one live Socket.IO client.
    pub fn rooms(&self) -> usize {
        lock(&self.inner).rooms.len()
    }

    /// Keeps an ended session's state for `RECOVERY_WINDOW`, dropping older ones.
    pub(crate) fn keep(&self, pid: String, record: Recovery) {
        let mut kept = lock(&self.recovery);
        kept.retain(|_, (at, _)| at.elapsed() < RECOVERY_WINDOW);
        kept.insert(pid, (Instant::now(), record));
    }

    pub(crate) fn take(&self, pid: &str) -> Option<Recovery> {
        let (at, record) = lock(&self.recovery).remove(pid)?;
        (at.elapsed() < RECOVERY_WINDOW).then_some(record)
    }

    /// A client the core has let into the production.
    pub(crate) fn enter(&self, production: Uuid, sid: &str, push: mpsc::Sender<String>) {
        lock(&self.inner).rooms.entry(production).or_default().insert(sid.to_owned(), push);
    }

    pub(crate) fn exit(&self, production: Uuid, sid: &str) {
        let mut inner = lock(&self.inner);
        if let Some(m) = inner.rooms.get_mut(&production) {
            m.remove(sid);
            if m.is_empty() {
                inner.rooms.remove(&production);
            }
        }
    }

    /// Every other Socket.IO client in the production.
    pub(crate) fn others(&self, production: Uuid, sid: &str) -> Vec<mpsc::Sender<String>> {
        lock(&self.inner)
            .rooms
            .get(&production)
            .map(|m| m.iter().filter(|(s, _)| s.as_str() != sid).map(|(_, p)| p.clone()).collect())
            .unwrap_or_default()
    }
}
