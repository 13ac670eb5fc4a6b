//! What a session runs over. `/ws` is a WebSocket whose frames are written straight to the
//! HTTP response (`wire`); another protocol's adapter
//! (the Socket.IO compatibility layer) attaches a virtual socket whose frames travel over
//! channels, so it gets the same joins, replay, ordering, presence and cut-offs.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use bytestring::ByteString;
use prodsync_domain::access::Identity;
use tokio::sync::mpsc;

use crate::hub::Hub;

/// One message from the client side, as a session handles it.
pub(crate) enum Inbound {
    Text(ByteString),
    Binary,
    Ping(Bytes),
    /// Any sign of life (a pong, or the adapter's own heartbeat).
    Alive,
    Close,
    /// A frame over the codec's limit.
    TooBig,
}

/// Where a session writes. Generic (not boxed) so the per-frame path costs no allocation;
/// not `Send`: sessions run on the actix worker that accepted them.
pub(crate) trait Link {
    fn text(&mut self, frame: ByteString) -> impl Future<Output = Result<(), ()>>;
    /// Text frames of `items`, one each, in order (a replay page). This way each frame is
    /// a fresh string on the link's queue; `/ws` packs them into a few large writes.
    async fn texts<T: serde::Serialize>(&mut self, items: &[T]) -> Result<(), ()> {
        for item in items {
            let text = serde_json::to_string(item).map_err(|_| ())?;
            self.text(ByteString::from(text)).await?;
        }
        Ok(())
    }
    fn ping(&mut self) -> impl Future<Output = Result<(), ()>>;
    fn pong(&mut self, bytes: Bytes) -> impl Future<Output = Result<(), ()>>;
    fn close(&mut self, code: u16, reason: String) -> impl Future<Output = ()>;
    /// Where rooms may write this socket's frames themselves, skipping the session.
    fn outbox(&self) -> Option<&Arc<crate::outbox::Outbox>> {
        None
    }
}

/// Where a session reads.
pub(crate) trait Source {
    fn recv(&mut self) -> impl Future<Output = Option<Inbound>>;
}

/// What an adapter sends into a virtual socket.
#[derive(Debug)]
pub enum ToCore {
    /// A client frame of the `/ws` protocol (docs/protocol.md).
    Frame(String),
    /// The adapter heard from its client (its own ping was answered).
    Alive,
}

/// What a virtual socket sends back: `/ws` server frames, then why it closed.
#[derive(Debug)]
pub enum FromCore {
    Frame(ByteString),
    Closed { code: u16, reason: String },
}

/// A session over channels, for another wire protocol's adapter. Dropping `to_core` ends
/// it; `from_core` ends after `Closed` (or when the session stops without closing).
pub struct VirtualSocket {
    pub to_core: mpsc::Sender<ToCore>,
    pub from_core: mpsc::Receiver<FromCore>,
}

/// The user already holds the most sockets allowed.
#[derive(Debug)]
pub struct TooManySockets {
    pub limit: usize,
}

struct ChannelLink(mpsc::Sender<FromCore>);

impl Link for ChannelLink {
    async fn text(&mut self, frame: ByteString) -> Result<(), ()> {
        self.0.send(FromCore::Frame(frame)).await.map_err(|_| ())
    }
    async fn ping(&mut self) -> Result<(), ()> {
        // The adapter pings its own client and reports back with `ToCore::Alive`.
        Ok(())
    }
    async fn pong(&mut self, _bytes: Bytes) -> Result<(), ()> {
        Ok(())
    }
    async fn close(&mut self, code: u16, reason: String) {
        let _ = self.0.send(FromCore::Closed { code, reason }).await;
    }
}

impl Source for mpsc::Receiver<ToCore> {
    async fn recv(&mut self) -> Option<Inbound> {
        Some(match mpsc::Receiver::recv(self).await? {
            ToCore::Frame(text) => Inbound::Text(ByteString::from(text)),
            ToCore::Alive => Inbound::Alive,
        })
    }
}

/// Opens a virtual socket for `who`, counted against the same per-user limit as `/ws`.
/// Small buffers: a client that stops reading backs up into the session's own queue, and
/// is cut off there like any slow socket.
pub fn attach(hub: &Hub, who: Identity) -> Result<VirtualSocket, TooManySockets> {
    let user: Option<Arc<str>> = who.user_id.as_deref().map(Arc::from);
    if let Some(u) = &user {
        if !hub.admit(u) {
            return Err(TooManySockets { limit: hub.settings().max_sockets_per_user });
        }
    }
    let (to_core, inbound) = mpsc::channel(64);
    let (out, from_core) = mpsc::channel(64);
    crate::session::spawn(hub, ChannelLink(out), inbound, who, user);
    Ok(VirtualSocket { to_core, from_core })
}
