//! Which other instances are alive, over the bus: each publishes a heartbeat on
//! `prodsync.alive` every `liveness::REFRESH_EVERY` and counts the others heard within
//! `liveness::ALIVE_WITHIN`. Only for operators (the `fanout_peers_alive` gauge): unlike
//! NOTIFY, publishing to nobody costs nothing, so writes do not depend on it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use prodsync_domain::fanout::liveness;
use uuid::Uuid;

/// The others heard lately.
#[derive(Default)]
pub struct Peers {
    seen: Mutex<HashMap<Uuid, Instant>>,
}

impl Peers {
    pub fn heard(&self, instance: Uuid) {
        self.lock().insert(instance, Instant::now());
    }

    pub fn any_alive(&self) -> bool {
        let mut seen = self.lock();
        seen.retain(|_, at| at.elapsed() < liveness::ALIVE_WITHIN);
        !seen.is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Instant>> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Publishes this instance's heartbeat and hears the others', until the client closes.
pub fn spawn(client: async_nats::Client, me: Uuid, peers: Arc<Peers>) {
    let heard = client.clone();
    tokio::spawn(async move {
        use futures_util::StreamExt;
        let Ok(mut sub) = heard.subscribe(crate::subjects::ALIVE).await else { return };
        while let Some(msg) = sub.next().await {
            match std::str::from_utf8(&msg.payload).ok().and_then(|s| Uuid::parse_str(s).ok()) {
                Some(other) if other != me => peers.heard(other),
                _ => {}
            }
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(liveness::REFRESH_EVERY);
        loop {
            tick.tick().await;
            let beat = bytes::Bytes::from(me.to_string());
            if client.publish(crate::subjects::ALIVE, beat).await.is_err() {
                tracing::debug!("heartbeat not published; NATS is away");
            }
        }
    });
}
