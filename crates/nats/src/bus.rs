//! The connection to NATS: publishing notices and presence reports, and subscribing to a
//! production while this instance has a room for it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_nats::{Client, ConnectOptions, Event};
use futures_util::StreamExt;
use prodsync_domain::fanout::{self, Signal};
use prodsync_domain::presence::Report;
use prodsync_domain::ChangeEvent;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use uuid::Uuid;

use crate::auth::Auth;
use crate::liveness::Peers;
use crate::subjects::{self, Kind};

/// Where NATS is and how to reach it (no `Debug`: the URL may carry a secret).
#[derive(Clone)]
pub struct Target {
    pub url: String,
    pub auth: Auth,
    /// Messages one subscription may hold before NATS's client drops them (and reports a
    /// slow consumer, which makes every room read its head: nothing is lost, only repaired).
    pub subscription_capacity: usize,
}

/// Cheap to clone; every clone is the same connection.
#[derive(Clone)]
pub struct Bus {
    client: Client,
    instance: Uuid,
    interest: UnboundedSender<(Uuid, bool)>,
    peers: Arc<Peers>,
    /// Publishes handed to the client but not yet taken by it (`drain` waits for them).
    pending: Arc<Pending>,
}

#[derive(Default)]
struct Pending {
    count: std::sync::atomic::AtomicUsize,
    done: tokio::sync::Notify,
}

/// Connects in the background (the server starts, unready, while NATS is away) and
/// reports on the returned channel: `Connected` / `Lost` as the connection comes and goes,
/// `Dropped` when the client dropped messages, notices and presence of watched
/// productions, and `Watching` once a production's subscription is confirmed.
pub async fn connect(target: &Target, instance: Uuid) -> Result<(Bus, UnboundedReceiver<Signal>), String> {
    let (signals, rx) = unbounded_channel();
    let client = client(target, instance, Some(signals.clone())).await?;
    let (interest, wanted) = unbounded_channel();
    let peers = Arc::new(Peers::default());
    crate::liveness::spawn(client.clone(), instance, peers.clone());
    let notice = |text: &str| fanout::parse(text).ok().map(Signal::Notice);
    tokio::spawn(hear_everywhere(client.clone(), subjects::LIST, notice, signals.clone()));
    tokio::spawn(hear_everywhere(
        client.clone(),
        subjects::SETTINGS,
        fanout::decode_announcement,
        signals.clone(),
    ));
    tokio::spawn(manage(client.clone(), wanted, signals));
    Ok((Bus { client, instance, interest, peers, pending: Default::default() }, rx))
}

/// A bus that only publishes (a command-line tool): no subscriptions, no heartbeat, so
/// the servers do not count it as an instance.
pub async fn publisher(target: &Target, instance: Uuid) -> Result<Bus, String> {
    let client = client(target, instance, None).await?;
    let (interest, _) = unbounded_channel();
    Ok(Bus { client, instance, interest, peers: Default::default(), pending: Default::default() })
}

async fn client(
    target: &Target,
    instance: Uuid,
    signals: Option<UnboundedSender<Signal>>,
) -> Result<Client, String> {
    target
        .auth
        .apply(ConnectOptions::new())
        .await?
        .name(format!("prodsync {instance}"))
        // Its own notices are already in its rooms.
        .no_echo()
        .retry_on_initial_connect()
        .max_reconnects(None)
        .connection_timeout(Duration::from_secs(3))
        .reconnect_delay_callback(|attempt| {
            Duration::from_millis((100 * 2u64.pow(attempt.min(6) as u32)).min(5000))
        })
        .subscription_capacity(target.subscription_capacity.max(1))
        .event_callback(move |event| {
            let signals = signals.clone();
            async move {
                if let Some(signals) = signals {
                    report(&signals, event)
                }
            }
        })
        .connect(target.url.as_str())
        .await
        .map_err(|e| format!("connecting to NATS: {e}"))
}

fn report(signals: &UnboundedSender<Signal>, event: Event) {
    let signal = match event {
        Event::Connected => Signal::Connected { peers: false },
        Event::Disconnected => Signal::Lost("disconnected from NATS".into()),
        Event::SlowConsumer(_) => Signal::Dropped,
        Event::Closed => Signal::Lost("the NATS connection closed".into()),
        other => {
            tracing::warn!(event = %other, "NATS");
            return;
        }
    };
    let _ = signals.send(signal);
}

impl Bus {
    /// Tells the instances with a room for these productions (and every instance, for
    /// production-list events). After the commit, best effort: a notice that does not
    /// arrive is made up for by the head check.
    pub fn publish(&self, events: &[ChangeEvent]) {
        if events.is_empty() {
            return;
        }
        let at_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
        for notice in fanout::notices(self.instance, events, at_ms) {
            let subject = if notice.for_list {
                subjects::LIST.to_owned()
            } else {
                subjects::changes(notice.production)
            };
            self.send(subject, notice.text);
        }
    }

    /// Another instance's rooms for this production merge the report.
    pub fn publish_presence(&self, payload: String) {
        match Report::decode(&payload) {
            Ok(report) => self.send(subjects::presence(report.production), payload),
            Err(e) => tracing::warn!(error = %e, "not publishing a presence report that does not parse"),
        }
    }

    /// A settings change for every instance's sockets.
    pub fn announce(&self, event: &str, data: &serde_json::Value) {
        self.send(subjects::SETTINGS.to_owned(), fanout::encode_announcement(self.instance, event, data));
    }

    fn send(&self, subject: String, payload: String) {
        let (client, pending) = (self.client.clone(), self.pending.clone());
        pending.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::spawn(async move {
            if let Err(e) = client.publish(subject, payload.into()).await {
                tracing::debug!(error = %e, "notice not published; the head check makes up for it");
            }
            pending.count.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            pending.done.notify_waiters();
        });
    }

    /// Waits until everything published so far has reached the NATS server, for at most
    /// `within` (a tool about to exit). `false` when it had not.
    pub async fn drain(&self, within: Duration) -> bool {
        let all = async {
            loop {
                let done = self.pending.done.notified();
                if self.pending.count.load(std::sync::atomic::Ordering::SeqCst) == 0 {
                    break;
                }
                done.await;
            }
            self.client.flush().await.is_ok()
        };
        tokio::time::timeout(within, all).await.unwrap_or(false)
    }

    /// Subscribes to a production's subject while `open` (called as rooms open and close).
    pub fn interest(&self, production: Uuid, open: bool) {
        let _ = self.interest.send((production, open));
    }

    pub fn connected(&self) -> bool {
        self.client.connection_state() == async_nats::connection::State::Connected
    }

    pub fn has_peers(&self) -> bool {
        self.peers.any_alive()
    }
}

/// Keeps one subscription per production with a room here, in the order rooms opened
/// and closed. Dropping a subscription unsubscribes.
async fn manage(
    client: Client,
    mut wanted: UnboundedReceiver<(Uuid, bool)>,
    signals: UnboundedSender<Signal>,
) {
    let mut subscribed: HashMap<Uuid, tokio::task::JoinHandle<()>> = HashMap::new();
    while let Some((production, open)) = wanted.recv().await {
        if !open {
            if let Some(task) = subscribed.remove(&production) {
                task.abort();
            }
            continue;
        }
        if subscribed.contains_key(&production) {
            continue;
        }
        match client.subscribe(subjects::production(production)).await {
            Ok(sub) => {
                subscribed.insert(production, tokio::spawn(hear(sub, signals.clone())));
                // Once NATS has the subscription, the room reads what committed before it.
                let (client, signals) = (client.clone(), signals.clone());
                tokio::spawn(async move {
                    if client.flush().await.is_ok() {
                        let _ = signals.send(Signal::Watching(production));
                    }
                });
            }
            Err(e) => {
                tracing::warn!(%production, error = %e, "could not subscribe; the head check keeps the room current")
            }
        }
    }
}

async fn hear(mut sub: async_nats::Subscriber, signals: UnboundedSender<Signal>) {
    while let Some(msg) = sub.next().await {
        let Ok(text) = std::str::from_utf8(&msg.payload) else { continue };
        let signal = match subjects::kind(msg.subject.as_str()) {
            Some(Kind::Changes) => fanout::parse(text).map(Signal::Notice).map_err(|e| e.to_string()),
            Some(Kind::Presence) => Report::decode(text).map(Signal::Presence),
            None => continue,
        };
        match signal {
            Ok(s) => {
                if signals.send(s).is_err() {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, subject = %msg.subject, "ignored a notice that does not parse")
            }
        }
    }
}

/// A subject every instance hears (production-list notices, settings announcements):
/// each message decoded by `decode`, until nobody listens.
async fn hear_everywhere(
    client: Client,
    subject: &'static str,
    decode: fn(&str) -> Option<Signal>,
    signals: UnboundedSender<Signal>,
) {
    let mut sub = match client.subscribe(subject).await {
        Ok(sub) => sub,
        Err(e) => {
            tracing::error!(error = %e, subject, "could not subscribe");
            return;
        }
    };
    while let Some(msg) = sub.next().await {
        match std::str::from_utf8(&msg.payload).ok().and_then(decode) {
            Some(signal) => {
                if signals.send(signal).is_err() {
                    return;
                }
            }
            None => tracing::warn!(subject, "ignored a message that does not parse"),
        }
    }
}

/// A tool's store publishes each commit through the bus (`PgStore::for_tool_publishing`).
impl prodsync_domain::ports::ChangePublisher for Bus {
    fn publish(&self, events: &[ChangeEvent]) {
        Bus::publish(self, events);
    }

    fn announce(&self, event: &str, data: serde_json::Value) {
        Bus::announce(self, event, &data);
    }
}
