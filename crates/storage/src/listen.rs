//! The LISTEN side of cross-instance fan-out: one dedicated connection per instance that
//! receives every other instance's change notices. A notice lost while the connection is
//! down loses nothing: on reconnect the caller is told (`Signal::Connected` again) and
//! every room checks the change log's head and fills its gap.

use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures_util::StreamExt;
pub use prodsync_domain::fanout::Signal;
use prodsync_domain::fanout::{self, liveness, CHANNEL, SETTINGS_CHANNEL};
use prodsync_domain::presence::{Report, PRESENCE_CHANNEL};
use tokio::sync::mpsc;

/// What the listening connection's `application_name` ends in, after the URL's (or
/// "prodsync"), so that `pg_stat_activity` tells an operator, and the bench's CPU count,
/// which connection it is.
pub const LISTENER_SUFFIX: &str = " listener";

/// Listens until the receiver is dropped, reconnecting with a growing pause. Keeps this
/// instance's row in `instances` fresh and `store`'s peers flag current.
pub fn listen(url: String, store: &crate::PgStore) -> mpsc::UnboundedReceiver<Signal> {
    let (tx, rx) = mpsc::unbounded_channel();
    let (me, peers, store) = (store.instance(), store.peers_flag(), store.clone());
    tokio::spawn(async move {
        let mut pause = Duration::from_millis(100);
        loop {
            let reason = match session(&url, me, &peers, &tx, &store).await {
                Ok(()) => return, // nobody listens any more
                Err(e) => e,
            };
            if tx.send(Signal::Lost(reason)).is_err() {
                return;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    });
    rx
}

/// One connection's life: `Ok` when the receiver is gone, `Err` when the connection is.
async fn session(
    url: &str,
    me: uuid::Uuid,
    peers: &std::sync::atomic::AtomicBool,
    tx: &mpsc::UnboundedSender<Signal>,
    store: &crate::PgStore,
) -> Result<(), String> {
    let mut conn = tokio::time::timeout(Duration::from_secs(5), AsyncPgConnection::establish(url))
        .await
        .map_err(|_| "connecting timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    let named = format!(
        "SELECT set_config('application_name', left(coalesce(nullif(current_setting('application_name'), ''), \
         'prodsync') || '{LISTENER_SUFFIX}', 63), false)"
    );
    conn.batch_execute(&format!(
        "{named}; LISTEN {CHANNEL}; LISTEN {PRESENCE_CHANNEL}; LISTEN {SETTINGS_CHANNEL}"
    ))
    .await
    .map_err(|e| e.to_string())?;
    let beat = heartbeat(&mut conn, me).await?;
    peers.store(beat.others, std::sync::atomic::Ordering::Relaxed);
    if tx.send(Signal::Connected { peers: beat.others }).is_err() {
        return Ok(());
    }
    // The connection is checked (so a cut one is noticed), this instance's row refreshed
    // and the others counted on a clock, however busy the connection is.
    let every = liveness::REFRESH_EVERY;
    let mut check = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        {
            let mut stream = std::pin::pin!(conn.notifications_stream());
            loop {
                let next = tokio::select! {
                    next = stream.next() => next,
                    _ = check.tick() => break,
                };
                match next {
                    Some(Ok(n)) => {
                        let signal = if n.channel == PRESENCE_CHANNEL {
                            Report::decode(&n.payload).map(Signal::Presence)
                        } else if n.channel == SETTINGS_CHANNEL {
                            if let Some(id) = fanout::decode_reference(&n.payload) {
                                fetch_kept(store.clone(), id, tx.clone());
                                continue;
                            }
                            fanout::decode_announcement(&n.payload)
                                .ok_or_else(|| "not an announcement".to_owned())
                        } else {
                            fanout::parse(&n.payload).map(Signal::Notice).map_err(|e| e.to_string())
                        };
                        match signal {
                            Ok(s) => {
                                if tx.send(s).is_err() {
                                    return Ok(());
                                }
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, channel = %n.channel, "ignored a notice that does not parse")
                            }
                        }
                    }
                    Some(Err(e)) => return Err(e.to_string()),
                    None => return Err("notification stream ended".into()),
                }
            }
        }
        let beat = tokio::time::timeout(Duration::from_secs(5), heartbeat(&mut conn, me))
            .await
            .map_err(|_| "connection check timed out".to_owned())??;
        peers.store(beat.others, std::sync::atomic::Ordering::Relaxed);
        if !beat.was_known && tx.send(Signal::Forgotten).is_err() {
            return Ok(());
        }
        if tx.is_closed() {
            return Ok(());
        }
    }
}

/// What one heartbeat learnt.
#[derive(diesel::QueryableByName)]
struct Beat {
    /// Other instances were seen lately: writes here must notify.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    others: bool,
    /// This instance's row was fresher than `liveness::FORGOTTEN_AFTER` before the
    /// refresh: the others surely counted it.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    was_known: bool,
}

/// Refreshes this instance's row and counts the others seen lately (rows of instances
/// gone for an hour are dropped on the way). All parts see the rows as they were before.
async fn heartbeat(conn: &mut AsyncPgConnection, me: uuid::Uuid) -> Result<Beat, String> {
    use diesel_async::RunQueryDsl;
    let (alive, known) = (liveness::ALIVE_WITHIN.as_secs(), liveness::FORGOTTEN_AFTER.as_secs());
    let sql = format!(
        "WITH up AS (INSERT INTO instances (id, seen) VALUES ('{me}', now()) \
         ON CONFLICT (id) DO UPDATE SET seen = now()), \
         gone AS (DELETE FROM instances WHERE seen < now() - interval '1 hour') \
         SELECT EXISTS (SELECT 1 FROM instances WHERE id <> '{me}' AND seen > now() - interval '{alive} seconds') AS others, \
         EXISTS (SELECT 1 FROM instances WHERE id = '{me}' AND seen > now() - interval '{known} seconds') AS was_known"
    );
    let rows: Vec<Beat> = diesel::sql_query(sql).load(conn).await.map_err(|e| e.to_string())?;
    rows.into_iter().next().ok_or_else(|| "the heartbeat returned no row".to_owned())
}

/// Reads an announcement another instance kept for being too large to notify, and hands
/// it on; on its own task, so the notices behind it do not wait for the read.
fn fetch_kept(store: crate::PgStore, id: i64, tx: mpsc::UnboundedSender<Signal>) {
    tokio::spawn(async move {
        match crate::fanout::kept_announcement(&store, id).await {
            Ok(Some(text)) => match fanout::decode_announcement(&text) {
                Some(signal) => {
                    let _ = tx.send(signal);
                }
                None => tracing::warn!(id, "ignored a kept announcement that does not parse"),
            },
            Ok(None) => tracing::warn!(id, "a kept announcement was gone before it was read"),
            Err(e) => {
                tracing::warn!(error = %e, id, "could not read a kept announcement; its sockets miss it")
            }
        }
    });
}
