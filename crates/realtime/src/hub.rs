//! The registry of rooms, and the `ChangePublisher` the write path calls after commit.

use prodsync_domain::ProductionId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Waker;

use bytestring::ByteString;
use prodsync_domain::member::removed_user;
use prodsync_domain::ports::{ChangeFeed, ChangePublisher, MemberStore};
use prodsync_domain::presence::{Focus, PresentUser};
use prodsync_domain::{Action, ChangeEvent};
use tokio::sync::mpsc::{self, error::TrySendError, UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::room::{self, RoomEvent, RoomMsg};
use crate::settings::RealtimeSettings;

/// What a room or the hub hands to one socket's session. Pointer-sized, because every
/// socket's queue preallocates a block of them: the payloads live behind shared pointers.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// A live event of a joined production, serialised once and shared by all its sockets.
    Event(Arc<Delivery>),
    /// The room took the join; everything after `head` follows as `Event`s.
    Joined(Box<JoinAnswer>),
    JoinFailed(Box<JoinFailure>),
    /// A production-list event; the session shows it only if its user may see it.
    List(Arc<ListDelivery>),
    /// A member removal took this socket out of the production's room.
    Removed(Uuid),
    /// `presence:changed` or `presence:left` of a joined production.
    Presence(Arc<PresenceDelivery>),
    /// A change outside every production (settings), sent to every socket.
    Notice(Arc<ByteString>),
    /// The instance is shutting down: close with 1012.
    Shutdown,
}

#[derive(Debug)]
pub(crate) struct PresenceDelivery {
    pub production_id: Uuid,
    pub frame: ByteString,
    /// Its WebSocket frame, encoded once for every socket (see `Delivery::wire`).
    pub wire: std::sync::OnceLock<bytes::Bytes>,
}

impl PresenceDelivery {
    pub fn new(production_id: Uuid, frame: ByteString) -> PresenceDelivery {
        PresenceDelivery { production_id, frame, wire: std::sync::OnceLock::new() }
    }

    fn wire(&self) -> &bytes::Bytes {
        self.wire.get_or_init(|| crate::wire::text(&self.frame))
    }
}

/// A `production:*` or `member:*` event, as the production-list room carries it.
#[derive(Debug)]
pub(crate) struct ListDelivery {
    pub production_id: Uuid,
    pub frame: ByteString,
    /// For `member:*` events: the member it is about.
    pub member: Option<String>,
    /// For `production:created`: its creator, who can see it from now on.
    pub creator: Option<String>,
    pub action: Action,
}

#[derive(Debug)]
pub(crate) struct Delivery {
    pub production_id: Uuid,
    pub seq: i64,
    pub frame: ByteString,
    /// The WebSocket frame of `frame`, encoded by the first socket that needs it and
    /// shared by every other (server frames are unmasked: the same bytes serve all).
    pub wire: std::sync::OnceLock<bytes::Bytes>,
}

impl Delivery {
    pub fn new(production_id: Uuid, seq: i64, frame: ByteString) -> Delivery {
        Delivery { production_id, seq, frame, wire: std::sync::OnceLock::new() }
    }

    fn wire(&self) -> &bytes::Bytes {
        self.wire.get_or_init(|| crate::wire::text(&self.frame))
    }
}

#[derive(Debug)]
pub(crate) struct JoinAnswer {
    pub production_id: Uuid,
    /// Which of the socket's joins this answers (a leave and a rejoin can overtake one).
    pub attempt: u64,
    pub head: i64,
    pub since: Option<i64>,
    /// Who is present, the joining socket's user included: `presence:state` after `joined`.
    pub presence: Vec<PresentUser>,
}

#[derive(Debug)]
pub(crate) struct JoinFailure {
    pub production_id: Uuid,
    pub attempt: u64,
    pub code: &'static str,
    pub message: String,
}

/// One socket as a room sees it: a bounded queue, and a bell rung when the queue is full.
#[derive(Clone, Debug)]
pub(crate) struct Subscriber {
    pub id: u64,
    /// Whose socket this is, so a member removal can find it and presence can count it.
    pub user: Option<Arc<str>>,
    pub name: Option<Arc<str>>,
    pub tx: mpsc::Sender<Outgoing>,
    pub overflow: Arc<Notify>,
    /// A `/ws` socket's outbox: the room's events and presence go there, not through `tx`.
    pub direct: Option<Arc<crate::outbox::Outbox>>,
}

impl Subscriber {
    /// Queues without waiting. `false` means drop this subscriber: it is gone, or too slow
    /// (then its session is told to close with the resync code).
    pub fn offer(&self, msg: Outgoing) -> bool {
        match self.tx.try_send(msg) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                self.overflow.notify_one();
                false
            }
            Err(TrySendError::Closed(_)) => false,
        }
    }

    /// A room's event, straight to the outbox when the socket has one; a response body
    /// waiting for it goes in `wake`, for the room's next flush.
    pub fn event(&self, d: &Arc<Delivery>, wake: &mut Vec<Waker>) -> bool {
        match &self.direct {
            Some(outbox) => self.pushed(outbox.room_frame(d.production_id, Some(d.seq), d.wire()), wake),
            None => self.offer(Outgoing::Event(d.clone())),
        }
    }

    /// A room's presence frame, like `event`.
    pub fn presence(&self, d: &Arc<PresenceDelivery>, wake: &mut Vec<Waker>) -> bool {
        match &self.direct {
            Some(outbox) => self.pushed(outbox.room_frame(d.production_id, None, d.wire()), wake),
            None => self.offer(Outgoing::Presence(d.clone())),
        }
    }

    fn pushed(&self, taken: Result<Option<Waker>, ()>, wake: &mut Vec<Waker>) -> bool {
        match taken {
            Ok(waker) => {
                wake.extend(waker);
                true
            }
            Err(()) => {
                // Too slow (or closing): the session closes with the resync code.
                self.overflow.notify_one();
                false
            }
        }
    }
}

struct RoomEntry {
    tx: UnboundedSender<RoomMsg>,
    generation: u64,
}

struct Inner {
    rooms: Mutex<HashMap<Uuid, RoomEntry>>,
    list: Mutex<Vec<Subscriber>>,
    /// Every open socket, for `announce`.
    everyone: Mutex<HashMap<u64, Subscriber>>,
    /// Open sockets per user, for `max_sockets_per_user`.
    sockets: Mutex<HashMap<Arc<str>, usize>>,
    feed: Arc<dyn ChangeFeed>,
    members: Arc<dyn MemberStore>,
    settings: RealtimeSettings,
    ids: AtomicU64,
    connections: AtomicUsize,
    cut_off: AtomicU64,
    gap_fills: AtomicU64,
    replay_reads: AtomicU64,
    /// Pages of the log being read (or just read) for joins, shared between them.
    replays: crate::replay::ReplayReads,
    deliveries: AtomicU64,
    /// Set when several instances share the database: presence reports go out here.
    presence_bus: std::sync::OnceLock<crate::presence::PresenceBus>,
    /// Told when a room opens (`true`) or closes, under the registry lock so the calls
    /// come in order: a fan-out that hears only the productions with a room here.
    interest: std::sync::OnceLock<Interest>,
}

/// What `Hub::set_interest` takes: called with a production and whether a room for it is
/// open now. It must not block (it runs under the registry lock).
pub type Interest = Arc<dyn Fn(Uuid, bool) + Send + Sync>;

/// Cheap to clone; every clone is the same hub.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

/// Counts for `/health` and the benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HubStats {
    pub connections: usize,
    pub rooms: usize,
    /// Sockets closed since start because they could not keep up.
    pub slow_consumers_cut: u64,
    /// Events read from the change log to fill a gap or catch up with another instance.
    pub gap_fills: u64,
    /// Pages of the change log read to replay a join's missed events.
    pub replay_reads: u64,
    /// Events handed to sockets' queues.
    pub deliveries: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep serving.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Hub {
    pub fn new(feed: Arc<dyn ChangeFeed>, members: Arc<dyn MemberStore>, settings: RealtimeSettings) -> Hub {
        Hub {
            inner: Arc::new(Inner {
                rooms: Mutex::new(HashMap::new()),
                list: Mutex::new(Vec::new()),
                everyone: Mutex::new(HashMap::new()),
                sockets: Mutex::new(HashMap::new()),
                feed,
                members,
                settings,
                ids: AtomicU64::new(1),
                connections: AtomicUsize::new(0),
                cut_off: AtomicU64::new(0),
                gap_fills: AtomicU64::new(0),
                replay_reads: AtomicU64::new(0),
                replays: Default::default(),
                deliveries: AtomicU64::new(0),
                presence_bus: std::sync::OnceLock::new(),
                interest: std::sync::OnceLock::new(),
            }),
        }
    }

    pub fn stats(&self) -> HubStats {
        HubStats {
            connections: self.inner.connections.load(Ordering::Relaxed),
            rooms: lock(&self.inner.rooms).len(),
            slow_consumers_cut: self.inner.cut_off.load(Ordering::Relaxed),
            gap_fills: self.inner.gap_fills.load(Ordering::Relaxed),
            replay_reads: self.inner.replay_reads.load(Ordering::Relaxed),
            deliveries: self.inner.deliveries.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn settings(&self) -> &RealtimeSettings {
        &self.inner.settings
    }

    pub(crate) fn feed(&self) -> &Arc<dyn ChangeFeed> {
        &self.inner.feed
    }

    pub(crate) fn members(&self) -> &Arc<dyn MemberStore> {
        &self.inner.members
    }

    /// Counts a new socket of `user`; `false` when the user already holds the most allowed.
    pub(crate) fn admit(&self, user: &Arc<str>) -> bool {
        let mut sockets = lock(&self.inner.sockets);
        let n = sockets.entry(user.clone()).or_insert(0);
        if *n >= self.inner.settings.max_sockets_per_user {
            return false;
        }
        *n += 1;
        true
    }

    pub(crate) fn release(&self, user: &Arc<str>) {
        let mut sockets = lock(&self.inner.sockets);
        if let Some(n) = sockets.get_mut(user) {
            *n -= 1;
            if *n == 0 {
                sockets.remove(user);
            }
        }
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.inner.ids.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn connected(&self) {
        self.inner.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn filled(&self, n: usize) {
        self.inner.gap_fills.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// A page of the log for a join's replay, read once for every join asking for it.
    pub(crate) fn replay_page(
        &self,
        production: Uuid,
        from: i64,
        limit: i64,
    ) -> impl std::future::Future<Output = Result<Arc<prodsync_domain::ports::RawPage>, prodsync_domain::SyncError>>
    {
        let reads = &self.inner.replay_reads;
        self.inner.replays.read(&self.inner.feed, production, from, limit, || {
            reads.fetch_add(1, Ordering::Relaxed);
        })
    }

    pub(crate) fn delivered(&self, n: usize) {
        self.inner.deliveries.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Another instance committed: rooms here read what they lack from the change log,
    /// and list subscribers here get the list events it carried.
    pub fn on_notice(&self, notice: &prodsync_domain::fanout::Notice) {
        self.catch_up(notice.production, Some(notice.seq));
        if !notice.list.is_empty() {
            self.to_list(&notice.list);
        }
        if let Some(from) = notice.list_from {
            let hub = self.clone();
            let (production, to) = (notice.production, notice.seq);
            tokio::spawn(async move {
                match hub.feed().changes_since(ProductionId(production), from - 1, to - from + 1).await {
                    Ok(page) => {
                        let list: Vec<ChangeEvent> = page.events.into_iter().filter(for_list).collect();
                        hub.to_list(&list);
                    }
                    Err(e) => {
                        tracing::warn!(%production, error = %e, "could not read list events from the change log")
                    }
                }
            });
        }
    }

    /// Presence spans instances from now on: rooms report to `bus` and merge what the
    /// other instances report (`on_presence`).
    pub fn set_presence_bus(&self, bus: crate::presence::PresenceBus) {
        let _ = self.inner.presence_bus.set(bus);
    }

    pub(crate) fn presence_bus(&self) -> Option<crate::presence::PresenceBus> {
        self.inner.presence_bus.get().cloned()
    }

    /// Another instance's presence report: to the room, if there is one here.
    pub fn on_presence(&self, report: prodsync_domain::presence::Report) {
        if let Some(entry) = lock(&self.inner.rooms).get(&report.production) {
            let _ = entry.tx.send(RoomMsg::Remote(report));
        }
    }

    /// From now on `interest` hears of every room that opens or closes; it is told at once
    /// of the rooms open now.
    pub fn set_interest(&self, interest: Interest) {
        let rooms = lock(&self.inner.rooms);
        if self.inner.interest.set(interest.clone()).is_ok() {
            rooms.keys().for_each(|p| interest(*p, true));
        }
    }

    /// The productions with a room here.
    pub fn open_rooms(&self) -> Vec<Uuid> {
        lock(&self.inner.rooms).keys().copied().collect()
    }

    /// The production's log has reached `seq` (`None`: unknown): its room here, if any,
    /// reads what it lacks.
    pub fn catch_up(&self, production: Uuid, seq: Option<i64>) {
        if let Some(entry) = lock(&self.inner.rooms).get(&production) {
            let _ = entry.tx.send(RoomMsg::CatchUp { seq });
        }
    }

    /// The listen connection was down: every room here reads what it missed.
    pub fn catch_up_all(&self) {
        for entry in lock(&self.inner.rooms).values() {
            let _ = entry.tx.send(RoomMsg::CatchUp { seq: None });
        }
    }

    /// List events to this instance's list subscribers (and nothing to rooms).
    fn to_list(&self, events: &[ChangeEvent]) {
        for event in events.iter().filter(|e| for_list(e)) {
            let Ok(text) = serde_json::to_string(event) else { continue };
            let shared = Arc::new(list_delivery(event, ByteString::from(text)));
            lock(&self.inner.list).retain(|s| s.offer(Outgoing::List(shared.clone())));
        }
    }

    pub(crate) fn cut_off(&self) {
        self.inner.cut_off.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn disconnected(&self) {
        self.inner.connections.fetch_sub(1, Ordering::Relaxed);
    }

    /// Sends to the production's room, starting it if needed. Under the registry lock, so a
    /// room deciding to stop cannot miss a message (see `remove_if_idle`).
    fn to_room(&self, production_id: Uuid, msg: RoomMsg) {
        let mut rooms = lock(&self.inner.rooms);
        let entry = rooms.entry(production_id).or_insert_with(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            let generation = self.next_id();
            tokio::spawn(room::run(self.clone(), production_id, generation, rx));
            if let Some(interest) = self.inner.interest.get() {
                interest(production_id, true);
            }
            RoomEntry { tx, generation }
        });
        let _ = entry.tx.send(msg);
    }

    pub(crate) fn join(&self, production_id: Uuid, sub: Subscriber, since: Option<i64>, attempt: u64) {
        self.to_room(production_id, RoomMsg::Join { sub, since, attempt });
    }

    /// A joined socket's focus; the room coalesces and broadcasts it.
    pub(crate) fn focus(&self, production_id: Uuid, subscriber: u64, focus: Option<Focus>) {
        if let Some(entry) = lock(&self.inner.rooms).get(&production_id) {
            let _ = entry.tx.send(RoomMsg::Focus { id: subscriber, focus });
        }
    }

    /// Who is present in a production on this instance (nobody when it has no room).
    pub async fn presence(&self, production_id: Uuid) -> Vec<PresentUser> {
        let (reply, answer) = oneshot::channel();
        match lock(&self.inner.rooms).get(&production_id) {
            Some(entry) => {
                let _ = entry.tx.send(RoomMsg::Presence { reply });
            }
            // No room, nobody there. (Holding `reply` here would wait for ourselves.)
            None => return Vec::new(),
        }
        answer.await.unwrap_or_default()
    }

    pub(crate) fn leave(&self, production_id: Uuid, subscriber: u64) {
        if let Some(entry) = lock(&self.inner.rooms).get(&production_id) {
            let _ = entry.tx.send(RoomMsg::Leave { id: subscriber });
        }
    }

    /// Shutting down: every socket closes with 1012 (service restart), so its client
    /// reconnects, to another instance behind the balancer, and resumes with `since`.
    pub fn shutdown(&self) {
        let everyone: Vec<Subscriber> = lock(&self.inner.everyone).values().cloned().collect();
        tracing::info!(sockets = everyone.len(), "closing every socket with 1012");
        for s in everyone {
            if !s.offer(Outgoing::Shutdown) {
                s.overflow.notify_one();
            }
        }
    }

    /// Counts the socket in, for announcements to everyone.
    pub(crate) fn register(&self, sub: Subscriber) {
        lock(&self.inner.everyone).insert(sub.id, sub);
    }

    pub(crate) fn unregister(&self, subscriber: u64) {
        lock(&self.inner.everyone).remove(&subscriber);
    }

    pub(crate) fn join_list(&self, sub: Subscriber) {
        lock(&self.inner.list).push(sub);
    }

    pub(crate) fn leave_list(&self, subscriber: u64) {
        lock(&self.inner.list).retain(|s| s.id != subscriber);
    }

    /// Called by a room with no subscribers: it is removed only if nothing new arrived for
    /// it, checked under the same lock that senders hold.
    pub(crate) fn remove_if_idle(
        &self,
        production_id: Uuid,
        generation: u64,
        rx: &UnboundedReceiver<RoomMsg>,
    ) -> bool {
        let mut rooms = lock(&self.inner.rooms);
        let ours = rooms.get(&production_id).is_some_and(|e| e.generation == generation);
        if ours && rx.is_empty() {
            rooms.remove(&production_id);
            if let Some(interest) = self.inner.interest.get() {
                interest(production_id, false);
            }
            return true;
        }
        !ours
    }
}

impl ChangePublisher for Hub {
    fn announce(&self, event: &str, data: serde_json::Value) {
        let shared = Arc::new(crate::protocol::frame(event, data));
        // A socket whose queue is full is cut off as for any event (it reloads).
        lock(&self.inner.everyone).retain(|_, s| s.offer(Outgoing::Notice(shared.clone())));
    }

    /// Called on every committed write, so an event nobody listens to costs only two
    /// lookups, not a serialisation. A room that opens right after the lookup misses
    /// nothing: it reads its head seq from the database after it is registered.
    fn publish(&self, events: &[ChangeEvent]) {
        for event in events {
            let production_id = event.production_id();
            let to_list = for_list(event) && !lock(&self.inner.list).is_empty();
            let to_room = lock(&self.inner.rooms).contains_key(&production_id);
            if !to_list && !to_room {
                continue;
            }
            let frame = match serde_json::to_string(event) {
                Ok(s) => ByteString::from(s),
                Err(e) => {
                    tracing::error!(error = %e, seq = event.seq(), "could not serialise an event");
                    continue;
                }
            };
            if to_list {
                let shared = Arc::new(list_delivery(event, frame.clone()));
                lock(&self.inner.list).retain(|s| s.offer(Outgoing::List(shared.clone())));
            }
            if let Some(entry) = lock(&self.inner.rooms).get(&production_id) {
                let removes = removed_user(event).map(Arc::from);
                let _ =
                    entry.tx.send(RoomMsg::Event { seq: event.seq(), item: RoomEvent { frame, removes } });
            }
        }
    }
}

/// The production list carries changes of productions and of memberships.
fn for_list(event: &ChangeEvent) -> bool {
    event.event.is_production() || event.event.is_member()
}

fn list_delivery(event: &ChangeEvent, frame: ByteString) -> ListDelivery {
    let about = |key: &str| event.data.data.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    let is_member = event.event.is_member();
    let action = event.event.action;
    ListDelivery {
        production_id: event.production_id(),
        frame,
        member: if is_member { about("userId") } else { None },
        creator: if !is_member && action == Action::Created { event.data.user_id.clone() } else { None },
        action,
    }
}
