//! One Socket.IO client: speaks Socket.IO over its Engine.IO session, and drives a
//! virtual socket of the core with `/ws` frames, translating both ways. Everything a
//! `/ws` client is promised (access checks, seq order, no gaps, presence, cut-off of a
//! slow client) it gets from the core; here are only names and shapes.

use prodsync_domain::{EntityId, ProductionId};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use prodsync_domain::access::Identity;
use prodsync_domain::catalog::{self, PRODUCTION};
use prodsync_domain::change::EventName;
use prodsync_domain::{Action, EntityKind};
use prodsync_realtime::{attach, Budget, FromCore, ToCore, VirtualSocket};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::{interval, Instant, MissedTickBehavior};
use uuid::Uuid;

use crate::engineio::Packet as Eio;
use crate::ids::{production_original, production_uuid};
use crate::registry::Recovery;
use crate::server::{Handle, PING_INTERVAL, PING_TIMEOUT};
use crate::shapes::{self, to_original, Labels};
use crate::socketio::{Kind, Packet as Sio};
use crate::CompatState;

struct Bridge {
    state: CompatState,
    sid: String,
    handle: Arc<Handle>,
    /// The Socket.IO namespace the client connected to (the original app connects to
    /// whatever path its API URL has, such as `/compat`: every namespace is the same here).
    namespace: Option<String>,
    who: Option<Identity>,
    core: Option<VirtualSocket>,
    /// Joined productions (asked for, or live): our id -> the original's id.
    joined: HashMap<Uuid, String>,
    /// The productions the core has let this client into: only these relay.
    live: std::collections::HashSet<Uuid>,
    /// `production:change` relays allowed now (a token bucket).
    relays: Budget,
    in_list: bool,
    /// Who is present per production, as `presence:update` lists them.
    presence: HashMap<Uuid, Vec<Value>>,
    /// The last production event seq delivered, so one that arrives by both the list and
    /// the room is delivered once.
    last_production_seq: HashMap<Uuid, i64>,
    /// Acks a client asked for on a join, sent once the core says the join is live (so
    /// `await socket.emitWithAck("production:join", …)` means "from here on, nothing is
    /// missed").
    pending_acks: Vec<(Pending, String, u64)>,
    /// Socket.IO's connection-state-recovery id: a client that reconnects with it (and the
    /// offset of the last event it received) gets its rooms back and what it missed.
    pid: String,
    /// The last seq delivered per joined production; every seq'd event carries all of
    /// them as its offset, so the last offset a client holds says exactly what it has.
    delivered: HashMap<Uuid, i64>,
    /// Each joined production's seq when the join went live: a client whose last offset
    /// does not name a production has received nothing of it since.
    join_heads: HashMap<Uuid, i64>,
    /// Display ids of the entities this client's productions hold, as its events told
    /// them (read from the database once for an entity not seen since the join), so
    /// resolving an event's references costs no query in the steady state.
    known: HashMap<Uuid, Option<String>>,
}

/// Acks waiting for the core at once; a client that asks for more gets refusals at once.
const MAX_PENDING_ACKS: usize = 256;
/// How long a session may stay without a Socket.IO CONNECT (Socket.IO's `connectTimeout`).
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(45);
/// `production:change` relays a client may send: a burst, refilled each second.
const RELAY_BURST: u32 = 100;
const RELAYS_PER_SECOND: u32 = 50;

/// What a deferred ack waits for.
#[derive(PartialEq)]
enum Pending {
    Production(Uuid),
    List,
}

/// Why a session ends (logged with its end).
#[derive(Debug)]
enum End {
    Client,
    Timeout,
    Core,
}

pub(crate) async fn run(
    state: CompatState,
    sid: String,
    who: Option<Identity>,
    handle: Arc<Handle>,
    mut from_client: mpsc::Receiver<Eio>,
) {
    let mut b = Bridge {
        state,
        sid,
        handle,
        namespace: None,
        who,
        core: None,
        joined: HashMap::new(),
        live: Default::default(),
        relays: Budget::new(RELAY_BURST, RELAYS_PER_SECOND),
        in_list: false,
        presence: HashMap::new(),
        last_production_seq: HashMap::new(),
        pending_acks: Vec::new(),
        pid: Uuid::new_v4().simple().to_string(),
        delivered: HashMap::new(),
        join_heads: HashMap::new(),
        known: HashMap::new(),
    };
    let mut ping = interval(PING_INTERVAL);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ping.tick().await;
    let mut awaiting_pong: Option<Instant> = None;
    let opened = Instant::now();
    let end = loop {
        let core = async {
            match b.core.as_mut() {
                Some(c) => c.from_core.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            packet = from_client.recv() => match packet {
                None | Some(Eio::Close) => break End::Client,
                Some(Eio::Pong(_)) => {
                    awaiting_pong = None;
                    if let Some(c) = &b.core {
                        let _ = c.to_core.try_send(ToCore::Alive);
                    }
                }
                Some(Eio::Message(text)) => {
                    if !b.on_client(&text).await {
                        break End::Client;
                    }
                }
                Some(Eio::Ping(data)) => b.send_eio(Eio::Pong(data)),
                Some(_) => {}
            },
            out = core => match out {
                Some(FromCore::Frame(frame)) => b.on_core(&frame).await,
                Some(FromCore::Closed { code, reason }) => {
                    tracing::info!(sid = %b.sid, code, %reason, "the core closed a socket.io client");
                    break End::Core;
                }
                None => break End::Core,
            },
            _ = ping.tick() => {
                if b.handle.closed.load(Ordering::Relaxed) {
                    break End::Client;
                }
                if b.namespace.is_none() && opened.elapsed() > CONNECT_TIMEOUT {
                    break End::Timeout;
                }
                if awaiting_pong.is_some_and(|at| at.elapsed() > PING_TIMEOUT) {
                    break End::Timeout;
                }
                if awaiting_pong.is_none() {
                    awaiting_pong = Some(Instant::now());
                }
                b.send_eio(Eio::Ping(String::new()));
            }
        }
    };
    // However it ended, the client's transport gets the close packet: also when the
    // client closed, so a long-polling GET it left waiting is answered now (as Engine.IO's
    // own server answers it), not with a noop at the ping timeout 45 s on.
    b.send_eio(Eio::Close);
    if b.namespace.is_some() {
        let record = Recovery {
            who: b.who.clone(),
            joined: b.joined.clone(),
            join_heads: b.join_heads.clone(),
            in_list: b.in_list,
        };
        b.state.sockets.keep(b.pid.clone(), record);
    }
    b.state.sockets.remove(&b.sid);
    b.handle.close();
    tracing::debug!(sid = %b.sid, why = ?end, "socket.io session closed");
}

impl Bridge {
    fn send_eio(&self, p: Eio) {
        if self.handle.push.try_send(p.encode()).is_err() {
            // Too far behind: the client reconnects and catches up from REST.
            self.handle.close();
        }
    }

    fn emit(&self, event: &str, data: Value) {
        let ns = self.namespace.as_deref().unwrap_or("/");
        self.send_eio(Eio::Message(Sio::event(ns, event, data).encode()));
    }

    /// Handles one Socket.IO packet; `false` ends the session.
    async fn on_client(&mut self, text: &str) -> bool {
        let packet = match Sio::decode(text) {
            Ok(p) => p,
            Err(e) => {
                tracing::debug!(sid = %self.sid, error = %e, "bad socket.io packet");
                return false;
            }
        };
        match packet.kind {
            Kind::Connect => self.on_connect(&packet).await,
            Kind::Disconnect => return false,
            Kind::Event => {
                let Some((name, data)) = packet.event_parts() else { return true };
                let (name, data) = (name.to_owned(), data.clone());
                let wait = self.on_event(&name, &data).await;
                if let Some(id) = packet.ack {
                    match wait {
                        Ok(Some(_)) if self.pending_acks.len() >= MAX_PENDING_ACKS => {
                            self.ack(&packet.namespace, id, json!({"ok": false, "error": "too_many_pending"}))
                        }
                        Ok(Some(pending)) => self.pending_acks.push((pending, packet.namespace.clone(), id)),
                        Ok(None) => self.ack(&packet.namespace, id, json!({"ok": true})),
                        Err(error) => self.ack(&packet.namespace, id, json!({"ok": false, "error": error})),
                    }
                }
            }
            Kind::Ack | Kind::ConnectError => {}
        }
        true
    }

    async fn on_connect(&mut self, packet: &Sio) {
        // The standard client's way to give a token: `io(url, {auth: {token}})`.
        let token = packet.data.as_ref().and_then(|d| d.get("token")).and_then(Value::as_str);
        if let Some(t) = token {
            let creds = prodsync_app::Credentials { bearer: Some(t), ..Default::default() };
            match self.state.auth.identify(&creds) {
                Ok(who) => {
                    if let Err(refusal) = self.bind(who) {
                        return self.refuse(&packet.namespace, &refusal);
                    }
                }
                Err(e) => return self.refuse(&packet.namespace, &e.to_string()),
            }
        }
        if self.state.auth.requires_token() && self.who.is_none() {
            return self.refuse(&packet.namespace, "a token is required");
        }
        self.namespace = Some(packet.namespace.clone());
        let recovered = self.recover(packet.data.as_ref());
        let reply = Sio {
            kind: Kind::Connect,
            namespace: packet.namespace.clone(),
            ack: None,
            data: Some(json!({"sid": self.sid, "pid": self.pid})),
        };
        self.send_eio(Eio::Message(reply.encode()));
        if recovered {
            // Rejoin each room from the seq the client last received: the core replays
            // what came after, in order, before anything new.
            let rooms: Vec<(Uuid, i64)> =
                self.joined.keys().map(|id| (*id, self.delivered.get(id).copied().unwrap_or(0))).collect();
            for (id, since) in rooms {
                let join = json!({"productionId": id, "since": since});
                if let Err(why) = self.send_core(&json!({}), "join-production", join).await {
                    // Not back in that room: say so rather than leave it silent.
                    tracing::warn!(sid = %self.sid, production = %id, why, "socket.io rejoin after recovery failed");
                    self.joined.remove(&id);
                }
            }
            if self.in_list && self.send_core(&json!({}), "join-production-list", json!({})).await.is_err() {
                self.in_list = false;
            }
        }
    }

    /// Takes over a recent session's state when the client brings its `pid`, for the
    /// same user, with the offset of the last event it received.
    fn recover(&mut self, auth: Option<&Value>) -> bool {
        let Some(pid) = auth.and_then(|a| a.get("pid")).and_then(Value::as_str) else { return false };
        let Some(record) = self.state.sockets.take(pid) else { return false };
        let user = |w: &Option<Identity>| w.as_ref().and_then(|w| w.user_id.clone());
        if self.who.is_some() && user(&self.who) != user(&record.who) {
            return false;
        }
        let offset =
            auth.and_then(|a| a.get("offset")).and_then(Value::as_str).map(parse_offset).unwrap_or_default();
        self.pid = pid.to_owned();
        self.who = self.who.take().or(record.who);
        self.joined = record.joined;
        self.in_list = record.in_list;
        // What the client says it has, not what was sent (that may have been lost).
        self.delivered = self
            .joined
            .keys()
            .filter_map(|id| offset.get(id).or(record.join_heads.get(id)).map(|seq| (*id, *seq)))
            .collect();
        tracing::info!(sid = %self.sid, rooms = self.joined.len(), "socket.io client recovered its session");
        true
    }

    /// `uuid@seq,uuid@seq`: the seq each joined production's stream is at.
    fn offset(&self) -> String {
        let mut parts: Vec<String> = self.delivered.iter().map(|(id, seq)| format!("{id}@{seq}")).collect();
        parts.sort();
        parts.join(",")
    }

    /// An event of a production's stream, with its seq recorded and the offset attached.
    fn emit_seq(&mut self, production: Uuid, seq: i64, event: &str, data: Value) {
        if self.joined.contains_key(&production) {
            self.delivered.insert(production, seq);
        }
        let ns = self.namespace.as_deref().unwrap_or("/");
        let mut packet = Sio::event(ns, event, data);
        if let Some(Value::Array(items)) = packet.data.as_mut() {
            items.push(Value::from(self.offset()));
        }
        self.send_eio(Eio::Message(packet.encode()));
    }

    fn ack(&self, namespace: &str, id: u64, answer: Value) {
        let ack =
            Sio { kind: Kind::Ack, namespace: namespace.into(), ack: Some(id), data: Some(json!([answer])) };
        self.send_eio(Eio::Message(ack.encode()));
    }

    /// Sends the acks that waited for this.
    fn settle(&mut self, done: &Pending, answer: Value) {
        let (ready, waiting): (Vec<_>, Vec<_>) = self.pending_acks.drain(..).partition(|(p, _, _)| p == done);
        self.pending_acks = waiting;
        for (_, namespace, id) in ready {
            self.ack(&namespace, id, answer.clone());
        }
    }

    fn refuse(&self, namespace: &str, message: &str) {
        let p = Sio {
            kind: Kind::ConnectError,
            namespace: namespace.into(),
            ack: None,
            data: Some(json!({"message": message})),
        };
        self.send_eio(Eio::Message(p.encode()));
    }

    /// Takes the identity a token or (on a trusted network) a join names, as the session's
    /// for good: another user cannot take over a session, and a user is counted once.
    fn bind(&mut self, who: Identity) -> Result<(), String> {
        let user = |w: &Identity| w.user_id.clone();
        if let Some(current) = &self.who {
            if user(current) != user(&who) {
                return Err("this session belongs to another user".into());
            }
        }
        if let (Some(u), None) = (user(&who), self.handle.user()) {
            self.state.sockets.bind_user(&self.handle, &u).map_err(|r| r.message())?;
        }
        self.who = Some(who);
        Ok(())
    }

    /// The virtual socket, opened on first need with the caller's identity (in `none`
    /// mode, the user the original app names in its join); `None` when it cannot be: the
    /// reason is emitted as an `error` event, and `core_refused` says it to acks).
    async fn core(&mut self, data: &Value) -> Option<&VirtualSocket> {
        if self.core.is_none() {
            let who = match &self.who {
                Some(w) => w.clone(),
                None => {
                    let text = |k: &str| data.get(k).and_then(Value::as_str);
                    let creds = prodsync_app::Credentials {
                        bearer: None,
                        user_id: text("userId"),
                        user_name: text("userName"),
                    };
                    let who = self.state.auth.identify(&creds).ok()?;
                    if let Err(refusal) = self.bind(who.clone()) {
                        self.emit("error", json!({"message": refusal}));
                        return None;
                    }
                    who
                }
            };
            match attach(&self.state.hub, who) {
                Ok(socket) => self.core = Some(socket),
                Err(e) => {
                    self.emit(
                        "error",
                        json!({"message": format!("at most {} open sockets per user", e.limit)}),
                    );
                    return None;
                }
            }
        }
        self.core.as_ref()
    }

    /// Hands a frame to the core without waiting: a client that sends faster than its core
    /// socket reads is told so at once (waiting here, while the core waits for this task to
    /// read its answers, would stall the session for good).
    async fn send_core(&mut self, data: &Value, event: &str, payload: Value) -> Result<(), &'static str> {
        let frame = json!({"event": event, "data": payload}).to_string();
        let core = self.core(data).await.ok_or("refused")?;
        core.to_core.try_send(ToCore::Frame(frame)).map_err(|_| "busy")
    }

    /// Handles an event; a join answers what its ack must wait for, or why it failed.
    async fn on_event(&mut self, name: &str, data: &Value) -> Result<Option<Pending>, &'static str> {
        let original = data.get("productionId").and_then(Value::as_str).map(str::to_owned);
        match (name, original) {
            ("production:join", Some(pid)) => {
                let id = production_uuid(&pid);
                if self.joined.insert(id, pid).is_none() {
                    let join = json!({"productionId": id, "since": null});
                    if let Err(why) = self.send_core(data, "join-production", join).await {
                        self.joined.remove(&id);
                        return Err(why);
                    }
                    return Ok(Some(Pending::Production(id)));
                }
            }
            ("production:leave", Some(pid)) => {
                let id = production_uuid(&pid);
                if self.joined.remove(&id).is_some() {
                    self.drop_room(id);
                    // Undelivered, the core keeps sending that room's events; they are
                    // dropped here, as the production is no longer joined.
                    let _ = self.send_core(data, "leave-production", json!({"productionId": id})).await;
                }
            }
            ("production-list:join", _) => {
                self.in_list = true;
                self.send_core(data, "join-production-list", json!({})).await?;
                return Ok(Some(Pending::List));
            }
            ("production-list:leave", _) => {
                self.in_list = false;
                let _ = self.send_core(data, "leave-production-list", json!({})).await;
                // as a leave above
            }
            ("production:change", Some(pid)) => self.relay(&pid, data),
            _ => tracing::debug!(sid = %self.sid, event = name, "ignored socket.io event"),
        }
        Ok(None)
    }

    /// This client is no longer in the production: no relay either way, no presence.
    fn drop_room(&mut self, id: Uuid) {
        self.live.remove(&id);
        self.state.sockets.exit(id, &self.sid);
        self.presence.remove(&id);
    }

    /// The original's `production:change`: passed as is to the other Socket.IO clients
    /// in the production (it is not stored: the app uses it for transient hints). Only
    /// from a client the core has let in, under the session's own user, at a bounded rate.
    fn relay(&mut self, pid: &str, data: &Value) {
        let id = production_uuid(pid);
        if !self.live.contains(&id) {
            return;
        }
        if !self.relays.take() {
            tracing::debug!(sid = %self.sid, "production:change relay over its rate; dropped");
            return;
        }
        let user = self.who.as_ref();
        let payload = json!({
            "userId": user.and_then(|w| w.user_id.clone()),
            "userName": user.and_then(|w| w.name.clone()),
            "changeType": data.get("changeType"),
            "data": data.get("data"),
        });
        let ns = self.namespace.as_deref().unwrap_or("/");
        let packet = Eio::Message(Sio::event(ns, "production:change", payload).encode()).encode();
        for other in self.state.sockets.others(id, &self.sid) {
            let _ = other.try_send(packet.clone());
        }
    }

    async fn on_core(&mut self, frame: &str) {
        let Ok(f) = serde_json::from_str::<Value>(frame) else { return };
        let (Some(event), data) = (f["event"].as_str(), &f["data"]) else { return };
        let production = data["productionId"].as_str().and_then(|s| Uuid::parse_str(s).ok());
        match (event, production) {
            ("joined", Some(id)) => {
                // Everything up to the head is now with the client (replayed, or in what it
                // loads over REST after joining).
                let head = data["seq"].as_i64().unwrap_or(0);
                self.join_heads.insert(id, head);
                if self.joined.contains_key(&id) && self.live.insert(id) {
                    self.state.sockets.enter(id, &self.sid, self.handle.push.clone());
                }
                let at = self.delivered.entry(id).or_insert(head);
                *at = (*at).max(head);
                self.settle(&Pending::Production(id), json!({"ok": true}));
            }
            ("joined-production-list", _) => self.settle(&Pending::List, json!({"ok": true})),
            // A member removed while connected: out of the room, and out of the relay.
            // The original's client has no word for it; to it the show is gone.
            ("removed-from-production", Some(id)) => {
                if let Some(pid) = self.joined.remove(&id) {
                    self.drop_room(id);
                    self.join_heads.remove(&id);
                    self.delivered.remove(&id);
                    self.emit("production:deleted", json!({"productionId": pid}));
                }
            }
            // A join the core refused (no such production, not a member): the original's
            // client has no event for it; an ack, if asked for, says so.
            ("error" | "resync-required", Some(id)) => {
                if self.joined.remove(&id).is_some() {
                    self.drop_room(id);
                    tracing::info!(sid = %self.sid, production = %id, error = %data["error"], "socket.io join refused");
                }
                self.settle(&Pending::Production(id), json!({"ok": false, "error": data["error"]}));
            }
            _ => self.on_frame(event, data).await,
        }
    }

    async fn on_frame(&mut self, event: &str, data: &Value) {
        match event {
            "presence:state" | "presence:changed" | "presence:left" => self.on_presence(event, data),
            e if e.starts_with("settings:") => self.emit(e, data.clone()),
            e if e.starts_with("production:") => self.on_production(e, data).await,
            e => {
                let Some(name) = EventName::parse(e) else { return };
                if let Some(kind) = catalog::by_name(name.subject) {
                    self.on_entity(kind, name.action, data).await;
                }
            }
        }
    }

    fn on_presence(&mut self, event: &str, data: &Value) {
        let Some(id) = data["productionId"].as_str().and_then(|s| Uuid::parse_str(s).ok()) else { return };
        let users = self.presence.entry(id).or_default();
        let entry =
            |u: &Value| json!({"userId": u["userId"], "userName": u["userName"], "socketId": u["userId"]});
        match event {
            "presence:state" => {
                *users = data["users"].as_array().map(|a| a.iter().map(entry).collect()).unwrap_or_default()
            }
            "presence:changed" => {
                let u = entry(&data["user"]);
                users.retain(|x| x["userId"] != u["userId"]);
                users.push(u);
            }
            _ => users.retain(|x| x["userId"] != data["userId"]),
        }
        let list = Value::Array(users.clone());
        self.emit("presence:update", list);
    }

    fn original_id(&self, id: Uuid, production: &Value) -> String {
        self.joined
            .get(&id)
            .cloned()
            .unwrap_or_else(|| production_original(id, production.get("displayId").and_then(Value::as_str)))
    }

    async fn on_production(&mut self, event: &str, data: &Value) {
        let Some(id) = data["productionId"].as_str().and_then(|s| Uuid::parse_str(s).ok()) else { return };
        let seq = data["seq"].as_i64().unwrap_or(0);
        if self.last_production_seq.get(&id).is_some_and(|s| *s >= seq) {
            return;
        }
        self.last_production_seq.insert(id, seq);
        let entity = &data["data"];
        let pid = self.original_id(id, entity);
        let production = to_original(&PRODUCTION, entity, &pid, &Labels::new());
        let who = json!(data["userId"]);
        match event {
            "production:created" => self.emit(
                "production:created",
                json!({"production": production, "userId": who, "userName": who}),
            ),
            "production:updated" if self.joined.contains_key(&id) => {
                self.emit_seq(id, seq, "production:updated", production)
            }
            "production:updated" => self.emit(
                "production:updated",
                json!({"production": production, "userId": who, "userName": who}),
            ),
            "production:deleted" => self.emit("production:deleted", json!({"productionId": pid})),
            _ => {}
        }
    }

    async fn on_entity(&mut self, kind: &'static EntityKind, action: Action, data: &Value) {
        let Some(id) = data["productionId"].as_str().and_then(|s| Uuid::parse_str(s).ok()) else { return };
        let Some(pid) = self.joined.get(&id).cloned() else { return };
        let seq = data["seq"].as_i64().unwrap_or(0);
        let entity = &data["data"];
        let Some(entity_type) = shapes::entity_type(kind, entity) else { return };
        let user = data["userId"].clone();
        let user_name =
            data.get("userName").cloned().filter(|v| !v.is_null()).unwrap_or_else(|| user.clone());
        let uuid = entity["id"].clone();
        if let Some(e) = uuid.as_str().and_then(|s| Uuid::parse_str(s).ok()) {
            let display = entity["displayId"].as_str().map(str::to_owned);
            if action == Action::Deleted {
                self.known.remove(&e);
            } else {
                self.known.insert(e, display);
            }
        }
        match action {
            Action::Created | Action::Updated => {
                let labels = self.labels(kind, id, entity).await;
                let mut payload = json!({"entityType": entity_type, "entity": to_original(kind, entity, &pid, &labels),
                    "userId": user, "userName": user_name});
                if action == Action::Updated {
                    let changed = data["changedFields"].as_array().cloned().unwrap_or_default();
                    payload["changes"] = shapes::changes(kind, &changed, &data["previous"], entity);
                }
                self.emit_seq(id, seq, &format!("entity:{}", action.as_str()), payload);
            }
            Action::Deleted => self.emit_seq(
                id,
                seq,
                "entity:deleted",
                json!({"entityType": entity_type, "entityId": uuid, "userId": user, "userName": user_name}),
            ),
        }
    }

    /// Display ids of what this entity references, for the original's `ccuId` & co.
    async fn labels(&mut self, kind: &EntityKind, production: Uuid, entity: &Value) -> Labels {
        let mut labels = Labels::new();
        for (i, target) in kind.references() {
            let Some(id) = entity[kind.fields[i].name].as_str().and_then(|s| Uuid::parse_str(s).ok()) else {
                continue;
            };
            if !self.known.contains_key(&id) {
                let Some(target) = catalog::by_name(target) else { continue };
                let Ok(e) = self.state.entities.get(target, ProductionId(production), EntityId(id)).await
                else {
                    continue;
                };
                self.known.insert(id, e.value("displayId").and_then(Value::as_str).map(str::to_owned));
            }
            if let Some(Some(d)) = self.known.get(&id) {
                labels.insert(id, d.clone());
            }
        }
        labels
    }
}

/// `uuid@seq,uuid@seq` back to seqs; anything malformed is left out (that room then
/// replays from its start, which costs time but loses nothing).
fn parse_offset(offset: &str) -> HashMap<Uuid, i64> {
    offset
        .split(',')
        .filter_map(|part| {
            let (id, seq) = part.split_once('@')?;
            Some((Uuid::parse_str(id).ok()?, seq.parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip_and_tolerate_garbage() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let parsed = parse_offset(&format!("{a}@12,{b}@40"));
        assert_eq!((parsed[&a], parsed[&b]), (12, 40));
        let partial = parse_offset(&format!("{a}@x,nonsense,{b}@7"));
        assert_eq!(partial.len(), 1);
        assert_eq!(partial[&b], 7);
        assert!(parse_offset("").is_empty());
    }
}
