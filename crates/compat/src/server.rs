//! Engine.IO 4 at `/socket.io/`: the handshake, HTTP long-polling (GET to receive, POST to
//! send), the WebSocket transport (directly, or as an upgrade of a polling session with the
//! `2probe`/`3probe`/`5` exchange), and the server's ping. Each session runs one task
//! (`bridge::run`) that speaks Socket.IO on top and drives a virtual socket of the core.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, Session};
use prodsync_domain::access::Identity;
use serde_json::json;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::engineio::{decode_payload, encode_payload, open_json, Packet};
use crate::registry::Refused;
use crate::CompatState;

pub const PING_INTERVAL: Duration = Duration::from_millis(25_000);
pub const PING_TIMEOUT: Duration = Duration::from_millis(20_000);
pub const MAX_PAYLOAD: usize = 1_000_000;
/// Packets waiting for a client; a client that lets more pile up is dropped.
const OUTBOX: usize = 4096;
/// Packets a POST may carry at once.
const INBOX: usize = 256;

/// One Engine.IO session as its transports see it.
pub(crate) struct Handle {
    /// Packets for the client, taken by whichever transport is current (one GET at a time,
    /// or the WebSocket after an upgrade).
    pub outbox: tokio::sync::Mutex<mpsc::Receiver<String>>,
    pub push: mpsc::Sender<String>,
    /// Packets from the client, for the session task.
    pub inbox: mpsc::Sender<Packet>,
    pub upgraded: AtomicBool,
    pub closed: AtomicBool,
    /// The address that opened the session: a request with its sid from elsewhere is refused.
    pub peer: Option<IpAddr>,
    /// The user it belongs to, once known (handshake credentials or CONNECT token).
    user: Mutex<Option<String>>,
}

impl Handle {
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
    }

    pub fn user(&self) -> Option<String> {
        self.user.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn set_user(&self, user: &str) {
        *self.user.lock().unwrap_or_else(|p| p.into_inner()) = Some(user.to_owned());
    }

    /// Whether a request may act on this session: from the address that opened it, and,
    /// if it names a user, the same user.
    fn admits(&self, peer: Option<IpAddr>, who: Option<&Identity>) -> bool {
        let user = who.and_then(|w| w.user_id.clone());
        self.peer == peer && (user.is_none() || user == self.user())
    }
}

pub fn scope() -> actix_web::Resource {
    web::resource(["/socket.io", "/socket.io/"]).route(web::get().to(get)).route(web::post().to(post))
}

fn error(code: u8, message: &str) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({"code": code, "message": message}))
}

/// Engine.IO's refusal of a request its `allowRequest` turns down: 403, code 4. Every
/// Socket.IO request is checked, polling ones too: a page of another site can send a
/// polling POST without a preflight, and so join and relay blind.
fn foreign_origin(state: &CompatState, req: &HttpRequest) -> Option<HttpResponse> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if state.origins.allows(header("origin"), header("host")) {
        return None;
    }
    tracing::info!(origin = header("origin"), "socket.io: refused a page of another origin");
    Some(HttpResponse::Forbidden().json(json!({"code": 4, "message": "Forbidden"})))
}

fn query(req: &HttpRequest) -> HashMap<String, String> {
    web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default()
}

/// Who a request is from: a token (header or `access_token`), or a user named by header
/// or query on a trusted network. None when it names nobody: the standard client gives its
/// token in the CONNECT packet (`io(url, {auth: {token}})`), which `bridge` checks, and the
/// original app names its user in its `production:join` (`none` mode only).
fn identity(
    state: &CompatState,
    req: &HttpRequest,
    q: &HashMap<String, String>,
) -> Result<Option<Identity>, String> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let bearer =
        header("authorization").and_then(prodsync_app::bearer).or(q.get("access_token").map(String::as_str));
    let (user_id, user_name) = match state.auth.requires_token() {
        true => (None, None),
        false => (
            header("x-user-id").or(q.get("userId").map(String::as_str)),
            header("x-user-name").or(q.get("userName").map(String::as_str)),
        ),
    };
    if bearer.is_none() && user_id.is_none() {
        return Ok(None);
    }
    let creds = prodsync_app::Credentials { bearer, user_id, user_name };
    state.auth.identify(&creds).map(Some).map_err(|e| e.to_string())
}

/// A session refused for the client's count of sessions: 429, in Engine.IO's error shape.
fn too_many(refused: Refused) -> HttpResponse {
    HttpResponse::TooManyRequests().json(json!({"code": 4, "message": refused.message()}))
}

fn peer(req: &HttpRequest) -> Option<IpAddr> {
    req.peer_addr().map(|a| a.ip())
}

/// The session a request names, if it may act on it.
fn session(state: &CompatState, req: &HttpRequest, sid: &str, who: Option<&Identity>) -> Option<Arc<Handle>> {
    let handle = state.sockets.get(sid)?;
    if handle.admits(peer(req), who) {
        return Some(handle);
    }
    tracing::info!(sid, "socket.io: refused a request for a session opened by someone else");
    None
}

fn check_version(q: &HashMap<String, String>) -> Result<&str, Box<HttpResponse>> {
    if q.get("EIO").map(String::as_str) != Some("4") {
        return Err(Box::new(error(5, "Unsupported protocol version")));
    }
    match q.get("transport").map(String::as_str) {
        Some(t @ ("polling" | "websocket")) => Ok(t),
        _ => Err(Box::new(error(0, "Transport unknown"))),
    }
}

/// A new session: registered (if its address and user may open another), its task
/// started, its open packet queued.
fn open(
    state: &CompatState,
    req: &HttpRequest,
    who: Option<Identity>,
    upgrades: &[&str],
) -> Result<Arc<Handle>, Refused> {
    let sid = Uuid::new_v4().simple().to_string();
    let (push, outbox) = mpsc::channel(OUTBOX);
    let (inbox, from_client) = mpsc::channel(INBOX);
    let handle = Arc::new(Handle {
        outbox: tokio::sync::Mutex::new(outbox),
        push: push.clone(),
        inbox,
        upgraded: AtomicBool::new(false),
        closed: AtomicBool::new(false),
        peer: peer(req),
        user: Mutex::new(who.as_ref().and_then(|w| w.user_id.clone())),
    });
    if let Err(refused) = state.sockets.open(&sid, handle.clone()) {
        tracing::info!(peer = ?handle.peer, "socket.io: {}", refused.message());
        return Err(refused);
    }
    let open = open_json(
        &sid,
        upgrades,
        PING_INTERVAL.as_millis() as u64,
        PING_TIMEOUT.as_millis() as u64,
        MAX_PAYLOAD,
    );
    let _ = push.try_send(Packet::Open(open).encode());
    tracing::debug!(%sid, "socket.io session opened");
    actix_web::rt::spawn(crate::bridge::run(state.clone(), sid, who, handle.clone(), from_client));
    Ok(handle)
}

async fn get(state: web::Data<CompatState>, req: HttpRequest, body: web::Payload) -> HttpResponse {
    if let Some(refused) = foreign_origin(&state, &req) {
        return refused;
    }
    let q = query(&req);
    let transport = match check_version(&q) {
        Ok(t) => t,
        Err(res) => return *res,
    };
    let who = match identity(&state, &req, &q) {
        Ok(who) => who,
        Err(e) => return HttpResponse::Unauthorized().json(json!({"code": 4, "message": e})),
    };
    match (transport, q.get("sid")) {
        ("polling", None) => match open(&state, &req, who, &["websocket"]) {
            Ok(handle) => poll(&handle).await,
            Err(refused) => too_many(refused),
        },
        ("polling", Some(sid)) => match session(&state, &req, sid, who.as_ref()) {
            Some(h) if !h.upgraded.load(Ordering::Relaxed) => poll(&h).await,
            _ => error(1, "Session ID unknown"),
        },
        ("websocket", sid) => {
            let existing = match sid {
                Some(sid) => match session(&state, &req, sid, who.as_ref()) {
                    Some(h) => Some(h),
                    None => return error(1, "Session ID unknown"),
                },
                None => None,
            };
            let (response, session, stream) = match actix_ws::handle(&req, body) {
                Ok(parts) => parts,
                Err(e) => return HttpResponse::from_error(e),
            };
            let stream = stream
                .max_frame_size(MAX_PAYLOAD)
                .aggregate_continuations()
                .max_continuation_size(MAX_PAYLOAD);
            let (handle, probing) = match existing {
                Some(h) => (h, true),
                None => match open(&state, &req, who, &[]) {
                    Ok(h) => (h, false),
                    Err(refused) => return too_many(refused),
                },
            };
            actix_web::rt::spawn(websocket(handle, session, stream, probing));
            response
        }
        _ => error(0, "Transport unknown"),
    }
}

/// Counts a long-polling GET held open (`socketio_polls_waiting`) while it lives.
struct Waiting;

impl Waiting {
    fn count() -> Waiting {
        metrics::gauge!("socketio_polls_waiting").increment(1.0);
        Waiting
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        metrics::gauge!("socketio_polls_waiting").decrement(1.0);
    }
}

/// A long-polling GET: waits for packets (the server's ping comes at the latest every
/// ping interval), then answers everything queued.
async fn poll(handle: &Handle) -> HttpResponse {
    let Ok(mut outbox) = handle.outbox.try_lock() else {
        handle.close();
        return error(3, "Overlapping GET requests");
    };
    let first = {
        let _waiting = Waiting::count();
        tokio::time::timeout(PING_INTERVAL + PING_TIMEOUT, outbox.recv()).await
    };
    let mut packets = match first {
        Ok(Some(p)) => vec![p],
        Ok(None) => vec![Packet::Close.encode()],
        Err(_) => vec![Packet::Noop.encode()],
    };
    let mut size = packets[0].len();
    while size < MAX_PAYLOAD {
        match outbox.try_recv() {
            Ok(p) => {
                size += p.len() + 1;
                packets.push(p);
            }
            Err(_) => break,
        }
    }
    HttpResponse::Ok().content_type("text/plain; charset=UTF-8").body(encode_payload(&packets))
}

async fn post(state: web::Data<CompatState>, req: HttpRequest, body: String) -> HttpResponse {
    if let Some(refused) = foreign_origin(&state, &req) {
        return refused;
    }
    let q = query(&req);
    if let Err(res) = check_version(&q) {
        return *res;
    }
    let who = match identity(&state, &req, &q) {
        Ok(who) => who,
        Err(e) => return HttpResponse::Unauthorized().json(json!({"code": 4, "message": e})),
    };
    let Some(handle) = q.get("sid").and_then(|sid| session(&state, &req, sid, who.as_ref())) else {
        return error(1, "Session ID unknown");
    };
    if body.len() > MAX_PAYLOAD {
        handle.close();
        return HttpResponse::PayloadTooLarge().finish();
    }
    let packets = match decode_payload(&body) {
        Ok(p) => p,
        Err(e) => {
            handle.close();
            return error(3, &format!("Bad request: {e}"));
        }
    };
    for p in packets {
        if handle.inbox.send(p).await.is_err() {
            return error(1, "Session ID unknown");
        }
    }
    HttpResponse::Ok().content_type("text/html").body("ok")
}

/// The WebSocket transport. For an upgrade, the client first probes (`2probe` ->
/// `3probe`), the pending GET is released with a noop, and after the client's `5` every
/// packet goes over the socket.
async fn websocket(
    handle: Arc<Handle>,
    mut session: Session,
    mut stream: actix_ws::AggregatedMessageStream,
    probing: bool,
) {
    if probing {
        match stream.recv().await {
            Some(Ok(AggregatedMessage::Text(t))) if &*t == "2probe" => {
                if session.text("3probe").await.is_err() {
                    return;
                }
            }
            _ => return,
        }
        let _ = handle.push.send(Packet::Noop.encode()).await;
        match stream.recv().await {
            Some(Ok(AggregatedMessage::Text(t))) if &*t == "5" => {}
            _ => return,
        }
        handle.upgraded.store(true, Ordering::Relaxed);
    }
    // The GET that held the outbox returns on the noop and lets go of it.
    let mut outbox = handle.outbox.lock().await;
    loop {
        tokio::select! {
            out = outbox.recv() => match out {
                Some(p) => {
                    if session.text(p).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            msg = stream.recv() => match msg {
                Some(Ok(AggregatedMessage::Text(t))) => match Packet::decode(&t) {
                    Ok(p) => {
                        if handle.inbox.send(p).await.is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "bad engine.io packet; closing");
                        break;
                    }
                },
                Some(Ok(AggregatedMessage::Ping(b))) => {
                    let _ = session.pong(&b).await;
                }
                Some(Ok(AggregatedMessage::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    handle.close();
    let _ = handle.inbox.try_send(Packet::Close);
    let _ = session.close(None).await;
}
