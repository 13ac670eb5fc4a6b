//! Wiring of the cross-instance fan-out the settings choose (`fanout`): PostgreSQL's
//! LISTEN/NOTIFY, or NATS with the head check. Both end in the same signals, handled once
//! here: notices make rooms read the change log, presence merges, `/ready` follows the
//! connection.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use prodsync_domain::fanout::{liveness, Fanout, Signal};
use prodsync_domain::ports::ChangePublisher;
use prodsync_domain::ChangeEvent;
use prodsync_nats::Bus;
use prodsync_realtime::{Hub, PresenceBus};
use prodsync_storage::{Notifier, PgStore};
use tokio::sync::mpsc::UnboundedReceiver;
use uuid::Uuid;

use crate::config::Settings;

/// What the rest of the wiring needs from the fan-out.
pub struct Wired {
    /// Hands committed events to this instance's rooms (and to NATS, when used).
    pub publisher: Arc<dyn ChangePublisher>,
    pub has_peers: Arc<dyn Fn() -> bool + Send + Sync>,
}

/// Starts the fan-out; `listening` follows its connection (for `/ready`).
pub async fn start(
    settings: &Settings,
    store: &PgStore,
    hub: &Hub,
    listening: Arc<AtomicBool>,
) -> Result<Wired, String> {
    match settings.fanout {
        Fanout::Postgres => Ok(postgres(settings, store, hub, listening)),
        Fanout::Nats => nats(settings, store, hub, listening).await,
    }
}

/// LISTEN on a connection of its own; while another instance is alive, NOTIFY in a write's
/// transaction what carries list events, and the rest after the commit (`notifier`), with
/// the head check on a clock for a notice lost in between.
fn postgres(settings: &Settings, store: &PgStore, hub: &Hub, listening: Arc<AtomicBool>) -> Wired {
    let reporter = store.clone();
    hub.set_presence_bus(PresenceBus {
        instance: store.instance(),
        send: Arc::new(move |payload| {
            let store = reporter.clone();
            tokio::spawn(async move {
                if let Err(e) = store.notify_presence(payload).await {
                    tracing::debug!(error = %e, "presence report not sent; the next heartbeat repeats it");
                }
            });
        }),
    });
    let signals = prodsync_storage::listen(settings.database_url.clone(), store);
    tokio::spawn(handle(signals, hub.clone(), store.instance(), listening));
    prodsync_realtime::heads::spawn(hub.clone(), Duration::from_millis(settings.head_check_ms.max(50)));
    let peers = store.clone();
    let notifier = Notifier::spawn(store.clone());
    let publisher = Arc::new(Notified { hub: hub.clone(), store: store.clone(), notifier });
    Wired { publisher, has_peers: Arc::new(move || peers.has_peers()) }
}

/// Publish after the commit, subscribe per open room, and check the open rooms' heads on
/// a clock: what a lost notice would have said is read from the log within one period.
async fn nats(
    settings: &Settings,
    store: &PgStore,
    hub: &Hub,
    listening: Arc<AtomicBool>,
) -> Result<Wired, String> {
    let target = settings.nats()?;
    let (bus, signals) = prodsync_nats::connect(&target, store.instance()).await?;
    tracing::info!(url = %settings.nats_url_for_logs(), credentials = ?target.auth, "fan-out over NATS");
    let reporter = bus.clone();
    hub.set_presence_bus(PresenceBus {
        instance: store.instance(),
        send: Arc::new(move |payload| reporter.publish_presence(payload)),
    });
    let watcher = bus.clone();
    hub.set_interest(Arc::new(move |production, open| watcher.interest(production, open)));
    prodsync_realtime::heads::spawn(hub.clone(), Duration::from_millis(settings.head_check_ms.max(50)));
    tokio::spawn(handle(signals, hub.clone(), store.instance(), listening));
    let peers = bus.clone();
    Ok(Wired {
        publisher: Arc::new(Published { hub: hub.clone(), bus }),
        has_peers: Arc::new(move || peers.has_peers()),
    })
}

/// Events reach the other instances through a NOTIFY after their commit (list events in
/// their transaction); settings announcements are notified after it too.
struct Notified {
    hub: Hub,
    store: PgStore,
    notifier: Notifier,
}

impl ChangePublisher for Notified {
    fn publish(&self, events: &[ChangeEvent]) {
        self.hub.publish(events);
        self.notifier.committed(events);
    }

    fn announce(&self, event: &str, data: serde_json::Value) {
        let (store, name, payload) = (self.store.clone(), event.to_owned(), data.clone());
        tokio::spawn(async move {
            if let Err(e) = store.notify_settings(&name, &payload).await {
                tracing::warn!(error = %e, event = %name, "settings announcement not sent to the other instances");
            }
        });
        self.hub.announce(event, data);
    }
}

/// This instance's rooms first, then the other instances through NATS.
struct Published {
    hub: Hub,
    bus: Bus,
}

impl ChangePublisher for Published {
    fn publish(&self, events: &[ChangeEvent]) {
        self.hub.publish(events);
        self.bus.publish(events);
    }

    fn announce(&self, event: &str, data: serde_json::Value) {
        self.bus.announce(event, &data);
        self.hub.announce(event, data);
    }
}

/// Hands the fan-out's signals to the hub, for as long as it sends them.
async fn handle(mut signals: UnboundedReceiver<Signal>, hub: Hub, me: Uuid, listening: Arc<AtomicBool>) {
    while let Some(signal) = signals.recv().await {
        match signal {
            Signal::Connected { peers } => {
                if peers && !listening.load(Ordering::Relaxed) {
                    // Others notify only once they know this instance: wait until they
                    // have all seen it before serving.
                    tokio::time::sleep(liveness::SEEN_WITHIN).await;
                }
                if !listening.swap(true, Ordering::Relaxed) {
                    tracing::info!(peers, "listening for other instances' changes");
                }
                // What committed while this connection was away. Instances started
                // together may not have counted this one yet, and commit without
                // notifying it until they do: the head check reads that.
                hub.catch_up_all();
            }
            Signal::Forgotten => {
                crate::metrics::forgotten();
                tracing::warn!("this instance's heartbeat came late; the others may have stopped notifying it, so its rooms rely on the head check until they count it again");
            }
            Signal::Dropped => {
                crate::metrics::dropped();
                tracing::warn!(
                    "the fan-out dropped notices (this instance was slow); every room reads its head"
                );
                hub.catch_up_all();
            }
            Signal::Lost(reason) => {
                listening.store(false, Ordering::Relaxed);
                tracing::warn!(%reason, "lost the connection that hears other instances; reconnecting");
            }
            Signal::Watching(production) => hub.catch_up(production, None),
            Signal::Presence(report) => hub.on_presence(report),
            // PostgreSQL delivers an instance's own NOTIFY to its LISTEN too; its sockets
            // heard the announcement when it was made.
            Signal::Announce { from, .. } if from == me => {}
            Signal::Announce { event, data, .. } => hub.announce(&event, data),
            Signal::Notice(n) if n.instance == me => {}
            Signal::Notice(n) => {
                crate::metrics::notice(n.at_ms);
                hub.on_notice(&n);
            }
        }
    }
}
