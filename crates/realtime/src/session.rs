//! One WebSocket: reads client frames, writes what its rooms queue for it, replays missed
//! events on join, pings, and closes itself when it is too slow or silent.

use crate::budget::Budget;
use prodsync_domain::ProductionId;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use bytestring::ByteString;
use prodsync_domain::access::{
    decide, list_shows, needs_membership, Identity, ListEvent, Operation, Verdict,
};
use prodsync_domain::SyncError;
use serde_json::json;
use tokio::sync::{mpsc, Notify};
use tokio::time::{interval, Instant, MissedTickBehavior};
use uuid::Uuid;

use crate::hub::{Hub, JoinAnswer, Outgoing, Subscriber};
use crate::link::{Inbound, Link, Source};
use crate::outbox::Outbox;
use crate::protocol::{self, close_codes, error_frame, frame, ClientFrame, FrameError};

/// Frames larger than this are refused by the codec and end the connection; frames up to
/// it but over `max_frame_bytes` get an error frame and the socket stays usable.
const CODEC_LIMIT: usize = 1024 * 1024;
const REPLAY_PAGE: i64 = 1000;
/// Pages of a replay read at once: PostgreSQL reads them in parallel while this session
/// sends the oldest (the catch-up of 10,000 events behind was bound by the reads).
const REPLAY_AHEAD: usize = 3;
/// Frames written but not yet taken by the HTTP response: a socket whose peer stops
/// reading backs up into its session's own queue, where the slow-consumer rule applies.
const WRITE_QUEUE: usize = 32;
/// Presence updates per socket: a burst of this many, then this many a second.
const PRESENCE_BURST: u32 = 240;
const PRESENCE_PER_SECOND: u32 = 120;

/// Upgrades `GET /ws` for an authenticated caller and starts the session task. The api
/// crate established `who` (a header on a trusted network, a token otherwise); a user who
/// already holds `max_sockets_per_user` sockets gets a 429 instead of a new one.
pub fn upgrade(
    req: &HttpRequest,
    body: web::Payload,
    hub: &Hub,
    who: Identity,
) -> Result<HttpResponse, actix_web::Error> {
    let user: Option<Arc<str>> = who.user_id.as_deref().map(Arc::from);
    if let Some(u) = &user {
        if !hub.admit(u) {
            let limit = hub.settings().max_sockets_per_user;
            tracing::warn!(user_id = %u, limit, "refused a socket: too many open for this user");
            return Ok(HttpResponse::TooManyRequests().json(json!({
                "error": "too_many_sockets",
                "message": format!("at most {limit} open sockets per user; close one first"),
                "details": {"limit": limit},
            })));
        }
    }
    let outbox = Arc::new(Outbox::new(hub.settings().send_queue + WRITE_QUEUE, WRITE_QUEUE));
    let (response, link, source) = match crate::wire::handle(req, body, CODEC_LIMIT, outbox) {
        Ok(parts) => parts,
        Err(e) => {
            if let Some(u) = &user {
                hub.release(u);
            }
            return Err(e);
        }
    };
    spawn(hub, link, source, who, user);
    Ok(response)
}

/// Runs one session over any link until it ends, counting it while it lives.
pub(crate) fn spawn<L: Link + 'static, S: Source + 'static>(
    hub: &Hub,
    link: L,
    mut source: S,
    who: Identity,
    user: Option<Arc<str>>,
) {
    let hub = hub.clone();
    let task = async move {
        hub.connected();
        Conn::new(hub.clone(), link, who, user.clone()).run(&mut source).await;
        hub.disconnected();
        if let Some(u) = &user {
            hub.release(u);
        }
    };
    actix_web::rt::spawn(task);
}

/// Where this socket stands in one production.
enum Membership {
    /// Join sent to the room, its answer not yet here: frames from an earlier membership
    /// still in the queue are dropped, and so is the answer to an earlier join (a join,
    /// a leave and a join again can all be on their way at once).
    Joining {
        attempt: u64,
    },
    Live {
        last_seq: i64,
    },
}

/// Why the loop ends.
enum Stop {
    Gone,
    TooSlow,
    Silent,
    /// A frame over the codec's limit: close 1009 (RFC 6455 "message too big").
    TooBig,
    /// The instance is shutting down: close 1012.
    Restart,
}

struct Conn<L: Link> {
    hub: Hub,
    link: L,
    who: Identity,
    user: Option<Arc<str>>,
    me: Subscriber,
    rx: mpsc::Receiver<Outgoing>,
    rooms: HashMap<Uuid, Membership>,
    /// Joins sent so far: each answer names the one it answers.
    attempts: u64,
    in_list: bool,
    /// Productions whose list events this socket may see; `None`: all (administrators).
    visible: Option<HashSet<Uuid>>,
    joins: Budget,
    /// Focus moves: far above any UI's pace, low enough that a flood cannot pile up in
    /// the room's queue.
    moves: Budget,
}

impl<L: Link> Conn<L> {
    fn new(hub: Hub, link: L, who: Identity, user: Option<Arc<str>>) -> Conn<L> {
        let settings = hub.settings();
        let (tx, rx) = mpsc::channel(settings.send_queue.max(1));
        let joins = Budget::new(settings.join_burst, settings.joins_per_second);
        let moves = Budget::new(PRESENCE_BURST, PRESENCE_PER_SECOND);
        let name = who.name.as_deref().map(Arc::from);
        let me = Subscriber {
            id: hub.next_id(),
            user: user.clone(),
            name,
            tx,
            overflow: Arc::new(Notify::new()),
            direct: link.outbox().cloned(),
        };
        let visible = needs_membership(&who).then(HashSet::new);
        let rooms = HashMap::new();
        Conn { hub, link, who, user, me, rx, rooms, attempts: 0, in_list: false, visible, joins, moves }
    }

    async fn run(mut self, stream: &mut impl Source) {
        tracing::debug!(session = self.me.id, user_id = ?self.user, "socket connected");
        self.hub.register(self.me.clone());
        let stop = match Box::pin(self.status()).await {
            Ok(()) => self.serve(stream).await,
            Err(stop) => stop,
        };
        let close = match stop {
            Stop::Gone => None,
            Stop::TooSlow => {
                self.hub.cut_off();
                Some((close_codes::RESYNC, self.resync_reason()))
            }
            Stop::Silent => Some((close_codes::TIMEOUT, "no pong within the client timeout".to_owned())),
            Stop::TooBig => {
                Some((close_codes::MESSAGE_TOO_BIG, format!("frames are at most {CODEC_LIMIT} bytes")))
            }
            Stop::Restart => Some((
                close_codes::SERVICE_RESTART,
                "server restarting: reconnect and resume with since".to_owned(),
            )),
        };
        self.leave_all();
        let Some((code, reason)) = close else { return };
        tracing::warn!(session = self.me.id, user_id = ?self.user, code, %reason, "closing socket");
        let grace = self.hub.settings().close_grace;
        let _ = Box::pin(tokio::time::timeout(grace, self.link.close(code, reason))).await;
    }

    async fn serve(&mut self, stream: &mut impl Source) -> Stop {
        let settings = self.hub.settings().clone();
        let mut ping = interval(settings.ping_interval);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last_heard = Instant::now();
        let overflow = self.me.overflow.clone();
        loop {
            let step = tokio::select! {
                biased;
                _ = overflow.notified() => Err(Stop::TooSlow),
                msg = stream.recv() => match msg {
                    Some(Inbound::TooBig) => Err(Stop::TooBig),
                    Some(msg) => {
                        last_heard = Instant::now();
                        self.on_message(msg).await
                    }
                    None => Err(Stop::Gone),
                },
                out = self.rx.recv() => match out {
                    Some(out) => self.on_outgoing(out).await,
                    None => Err(Stop::Gone),
                },
                _ = ping.tick() => {
                    if last_heard.elapsed() > settings.client_timeout {
                        Err(Stop::Silent)
                    } else {
                        self.link.ping().await.map_err(|_| Stop::Gone)
                    }
                }
            };
            if let Err(stop) = step {
                return stop;
            }
        }
    }

    /// Sends one frame, giving up if the socket is found too slow meanwhile.
    async fn send(&mut self, text: ByteString) -> Result<(), Stop> {
        let overflow = self.me.overflow.clone();
        tokio::select! {
            biased;
            _ = overflow.notified() => Err(Stop::TooSlow),
            sent = self.link.text(text) => sent.map_err(|_| Stop::Gone),
        }
    }

    /// Frames of `items` in order, as [`Conn::send`] sends one.
    async fn send_all<T: serde::Serialize>(&mut self, items: &[T]) -> Result<(), Stop> {
        let overflow = self.me.overflow.clone();
        tokio::select! {
            biased;
            _ = overflow.notified() => Err(Stop::TooSlow),
            sent = self.link.texts(items) => sent.map_err(|_| Stop::Gone),
        }
    }

    async fn status(&mut self) -> Result<(), Stop> {
        let rooms: Vec<Uuid> = self
            .rooms
            .iter()
            .filter(|(_, m)| matches!(m, Membership::Live { .. }))
            .map(|(id, _)| *id)
            .collect();
        let data = json!({"status": "connected", "rooms": rooms, "productionList": self.in_list});
        self.send(frame("connection-status", data)).await
    }

    async fn on_message(&mut self, msg: Inbound) -> Result<(), Stop> {
        match msg {
            Inbound::Text(text) if text.len() > self.hub.settings().max_frame_bytes => {
                let limit = self.hub.settings().max_frame_bytes;
                let e = FrameError {
                    code: "frame_too_large",
                    message: format!("frames are at most {limit} bytes"),
                };
                self.send(error_frame(&e, None)).await
            }
            Inbound::Text(text) => match protocol::parse(&text) {
                Ok(f) => Box::pin(self.on_frame(f)).await,
                Err(e) => self.send(error_frame(&e, None)).await,
            },
            Inbound::Binary => {
                let e = FrameError { code: "binary_not_supported", message: "send JSON text frames".into() };
                self.send(error_frame(&e, None)).await
            }
            Inbound::Ping(bytes) => self.link.pong(bytes).await.map_err(|_| Stop::Gone),
            Inbound::Alive => Ok(()),
            Inbound::Close | Inbound::TooBig => Err(Stop::Gone),
        }
    }

    async fn on_frame(&mut self, f: ClientFrame) -> Result<(), Stop> {
        match f {
            ClientFrame::JoinProduction { production_id, since } => {
                if self.rooms.contains_key(&production_id) {
                    let e = FrameError {
                        code: "already_joined",
                        message: "already in this production; leave-production first to rejoin with since"
                            .into(),
                    };
                    return self.send(error_frame(&e, Some(production_id))).await;
                }
                if self.rooms.len() >= self.hub.settings().max_rooms_per_socket {
                    let limit = self.hub.settings().max_rooms_per_socket;
                    let e = FrameError {
                        code: "too_many_rooms",
                        message: format!("a socket may be in at most {limit} productions; leave one first"),
                    };
                    return self.send(error_frame(&e, Some(production_id))).await;
                }
                if !self.joins.take() {
                    let e = FrameError {
                        code: "rate_limited",
                        message: "too many joins; wait a moment and join again".into(),
                    };
                    return self.send(error_frame(&e, Some(production_id))).await;
                }
                // Asked here too (and again once the room took the join), so that a caller
                // who may not join never shows up in the room's presence.
                match self.may_join(production_id).await {
                    Ok(true) => {}
                    Ok(false) => {
                        let e = FrameError {
                            code: "not_found",
                            message: format!("production {production_id} does not exist"),
                        };
                        return self.send(error_frame(&e, Some(production_id))).await;
                    }
                    Err(e) => {
                        let e = FrameError { code: "unavailable", message: format!("cannot join now: {e}") };
                        return self.send(error_frame(&e, Some(production_id))).await;
                    }
                }
                tracing::debug!(%production_id, user_id = ?self.user, ?since, "join-production");
                self.attempts += 1;
                self.rooms.insert(production_id, Membership::Joining { attempt: self.attempts });
                if let Some(outbox) = self.link.outbox() {
                    outbox.hold(production_id);
                }
                self.hub.join(production_id, self.me.clone(), since, self.attempts);
                Ok(())
            }
            ClientFrame::LeaveProduction { production_id } => {
                if self.rooms.remove(&production_id).is_some() {
                    self.forget(production_id);
                    self.hub.leave(production_id, self.me.id);
                }
                self.send(frame("left", json!({"productionId": production_id}))).await
            }
            ClientFrame::PresenceUpdate { production_id, focus } => {
                if !matches!(self.rooms.get(&production_id), Some(Membership::Live { .. })) {
                    let e = FrameError {
                        code: "not_joined",
                        message: "join the production before sending presence".into(),
                    };
                    return self.send(error_frame(&e, Some(production_id))).await;
                }
                if self.moves.take() {
                    self.hub.focus(production_id, self.me.id, focus);
                    return Ok(());
                }
                let e = FrameError {
                    code: "rate_limited",
                    message: format!(
                        "at most {PRESENCE_PER_SECOND} presence updates a second; this one was dropped"
                    ),
                };
                self.send(error_frame(&e, Some(production_id))).await
            }
            ClientFrame::JoinProductionList => {
                if !self.in_list {
                    // Registered before the memberships are read: a change committed
                    // meanwhile waits in the queue and is applied after the read.
                    self.in_list = true;
                    self.hub.join_list(self.me.clone());
                    if let Err(e) = self.load_visible().await {
                        self.in_list = false;
                        self.hub.leave_list(self.me.id);
                        let e = FrameError {
                            code: "unavailable",
                            message: format!("cannot join the list now: {e}"),
                        };
                        return self.send(error_frame(&e, None)).await;
                    }
                }
                self.send(frame("joined-production-list", json!({}))).await
            }
            ClientFrame::LeaveProductionList => {
                self.in_list = false;
                self.hub.leave_list(self.me.id);
                self.send(frame("left-production-list", json!({}))).await
            }
        }
    }

    async fn on_outgoing(&mut self, out: Outgoing) -> Result<(), Stop> {
        match out {
            Outgoing::Event(d) => match self.rooms.get_mut(&d.production_id) {
                Some(Membership::Live { last_seq }) if d.seq > *last_seq => {
                    *last_seq = d.seq;
                    // Only sockets without an outbox get events here (see `Subscriber::event`).
                    self.send(d.frame.clone()).await
                }
                _ => Ok(()),
            },
            // Boxed: a join is rare and its replay future is large; kept inline it would
            // make every idle socket's task that large.
            Outgoing::Joined(j) => Box::pin(self.go_live(*j)).await,
            Outgoing::Presence(d) => match self.rooms.get(&d.production_id) {
                Some(Membership::Live { .. }) => self.send(d.frame.clone()).await,
                _ => Ok(()),
            },
            Outgoing::Notice(frame) => self.send(ByteString::clone(&frame)).await,
            Outgoing::Shutdown => Err(Stop::Restart),
            Outgoing::JoinFailed(f) => {
                if !self.answers(f.production_id, f.attempt) {
                    return Ok(());
                }
                self.rooms.remove(&f.production_id);
                self.forget(f.production_id);
                let error = FrameError { code: f.code, message: f.message };
                self.send(error_frame(&error, Some(f.production_id))).await
            }
            Outgoing::List(d) if self.in_list => {
                let shown = match &mut self.visible {
                    None => true,
                    Some(set) => {
                        let event = ListEvent {
                            production: d.production_id,
                            action: d.action,
                            member: d.member.as_deref(),
                            creator: d.creator.as_deref(),
                        };
                        list_shows(set, self.user.as_deref(), &event)
                    }
                };
                if shown {
                    self.send(d.frame.clone()).await
                } else {
                    Ok(())
                }
            }
            Outgoing::List(_) => Ok(()),
            Outgoing::Removed(production_id) => {
                if self.rooms.remove(&production_id).is_none() {
                    return Ok(());
                }
                self.forget(production_id);
                tracing::info!(%production_id, user_id = ?self.user, session = self.me.id, "removed from production");
                self.send(frame("removed-from-production", json!({"productionId": production_id}))).await?;
                self.status().await
            }
        }
    }

    /// The productions this user is a member of, for filtering the list room.
    async fn load_visible(&mut self) -> Result<(), SyncError> {
        let (Some(set), Some(user)) = (&mut self.visible, &self.user) else { return Ok(()) };
        set.extend(self.hub.members().memberships(user).await?);
        Ok(())
    }

    /// May this caller join? Asked after the room took the join, so that a removal
    /// committed before this answer is seen here, and one after it reaches the room.
    async fn may_join(&self, production_id: Uuid) -> Result<bool, SyncError> {
        let role = match &self.user {
            Some(user) if needs_membership(&self.who) => {
                self.hub.members().role(ProductionId(production_id), user).await?
            }
            _ => None,
        };
        Ok(decide(&self.who, role, Operation::Join) == Verdict::Allow)
    }

    /// The room took us at `head`: replay (since, head] from the change log, then live.
    async fn go_live(&mut self, answer: JoinAnswer) -> Result<(), Stop> {
        let JoinAnswer { production_id, attempt, head, since, presence } = answer;
        if !self.answers(production_id, attempt) {
            return Ok(()); // left before the room answered, or joined again since
        }
        match self.may_join(production_id).await {
            Ok(true) => {}
            Ok(false) => {
                let e = SyncError::NotFound { kind: "production", id: production_id };
                return self.refuse_join(production_id, since, e).await;
            }
            Err(e) => return self.refuse_join(production_id, since, e).await,
        }
        let mut cursor = since.unwrap_or(head);
        let mut replayed = 0;
        // Seqs are gapless, so every page's range is known before any arrives: up to
        // `REPLAY_AHEAD` pages are read at once, on connections of their own, while the one
        // before them is sent (each shared with every join asking for it at the same
        // time); the JSON goes out as the log holds it.
        let hub = self.hub.clone();
        let fetch = move |from: i64| {
            let read = hub.replay_page(production_id, from, REPLAY_PAGE.min(head - from));
            (from, tokio::spawn(read))
        };
        let mut ahead: std::collections::VecDeque<_> = std::collections::VecDeque::new();
        let mut planned = cursor;
        while let Some((from, reading)) = {
            while ahead.len() < REPLAY_AHEAD && planned < head {
                ahead.push_back(fetch(planned));
                planned = (planned + REPLAY_PAGE).min(head);
            }
            ahead.pop_front()
        } {
            let page = match reading.await {
                Ok(Ok(page)) => page,
                Ok(Err(e)) => return self.refuse_join(production_id, since, e).await,
                Err(e) => {
                    return self.refuse_join(production_id, since, SyncError::Internal(e.to_string())).await
                }
            };
            let Some(last) = page.events.last().map(|e| e.seq()) else { break };
            debug_assert_eq!(from, cursor);
            self.send_all(&page.events).await?;
            cursor = last;
            replayed += page.events.len();
            if last < (from + REPLAY_PAGE).min(head) {
                // A short page (never, while seqs are gapless): read on from where it ended.
                ahead.clear();
                planned = last;
            }
        }
        if cursor > head {
            // The client claims a seq this production never reached (a reset database?).
            let e = SyncError::ResyncRequired { since: cursor, oldest: 1 };
            return self.refuse_join(production_id, since, e).await;
        }
        self.rooms.insert(production_id, Membership::Live { last_seq: head });
        tracing::debug!(%production_id, user_id = ?self.user, head, replayed, "joined");
        self.send(frame("joined", json!({"productionId": production_id, "seq": head, "replayed": replayed})))
            .await?;
        self.send(frame("presence:state", json!({"productionId": production_id, "users": presence}))).await?;
        self.status().await?;
        // What the room pushed since it took the join follows, then the room writes itself.
        if let Some(outbox) = self.link.outbox() {
            outbox.release(production_id, head);
        }
        Ok(())
    }

    /// Whether the room's answer is to the join this socket waits for.
    fn answers(&self, production_id: Uuid, attempt: u64) -> bool {
        matches!(self.rooms.get(&production_id), Some(Membership::Joining { attempt: a }) if *a == attempt)
    }

    /// No more room frames of `production` for this socket.
    fn forget(&self, production_id: Uuid) {
        if let Some(outbox) = self.link.outbox() {
            outbox.forget(production_id);
        }
    }

    async fn refuse_join(
        &mut self,
        production_id: Uuid,
        since: Option<i64>,
        e: SyncError,
    ) -> Result<(), Stop> {
        self.rooms.remove(&production_id);
        self.forget(production_id);
        self.hub.leave(production_id, self.me.id);
        match e {
            SyncError::ResyncRequired { oldest, .. } => {
                let data = json!({"productionId": production_id, "since": since, "oldestSeq": oldest,
                    "message": "load GET /api/productions/:id/snapshot, then join with since = its seq"});
                self.send(frame("resync-required", data)).await
            }
            SyncError::NotFound { .. } => {
                // Exactly what a production that does not exist answers (see room.rs).
                let e = FrameError {
                    code: "not_found",
                    message: format!("production {production_id} does not exist"),
                };
                self.send(error_frame(&e, Some(production_id))).await
            }
            other => {
                let e = FrameError {
                    code: "replay_failed",
                    message: format!("could not replay missed events: {other}"),
                };
                self.send(error_frame(&e, Some(production_id))).await
            }
        }
    }

    fn leave_all(&mut self) {
        self.hub.unregister(self.me.id);
        for (production_id, _) in self.rooms.drain() {
            self.hub.leave(production_id, self.me.id);
        }
        if self.in_list {
            self.hub.leave_list(self.me.id);
        }
    }

    fn resync_reason(&self) -> String {
        let outbox = self.link.outbox();
        let seqs: Vec<String> = self
            .rooms
            .iter()
            .filter_map(|(production, m)| match m {
                Membership::Live { last_seq } => {
                    Some(outbox.and_then(|o| o.last_seq(*production)).unwrap_or(*last_seq).to_string())
                }
                Membership::Joining { .. } => None,
            })
            .collect();
        // Close reasons are limited to 123 bytes.
        let mut reason = format!("too slow: resync from your last seq (last sent {})", seqs.join(","));
        reason.truncate(120);
        reason
    }
}
