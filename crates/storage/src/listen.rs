//! The LISTEN side of cross-instance fan-out: one dedicated connection per instance that
//! receives every other instance's change notices. A notice lost while the connection is
//! down loses nothing: on reconnect the caller is told (`Signal::Connected` again) and
//! every room checks the change log's head and fills its gap.

use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures_util::StreamExt;
use prodsync_domain::fanout::{self, Notice, CHANNEL};
use prodsync_domain::presence::{Report, PRESENCE_CHANNEL};
use tokio::sync::mpsc;

/// What the listener reports.
#[derive(Debug)]
pub enum Signal {
    /// Listening (again): anything committed meanwhile must be read from the log.
    Connected,
    /// The connection went away; notices are not arriving until `Connected`.
    Lost(String),
    Notice(Notice),
    /// Another instance's presence report.
    Presence(Report),
}

/// How often a quiet connection is checked, so a cut one is noticed.
const CHECK_EVERY: Duration = Duration::from_secs(2);

/// Listens until the receiver is dropped, reconnecting with a growing pause.
pub fn listen(url: String) -> mpsc::UnboundedReceiver<Signal> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut pause = Duration::from_millis(100);
        loop {
            let reason = match session(&url, &tx).await {
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
async fn session(url: &str, tx: &mpsc::UnboundedSender<Signal>) -> Result<(), String> {
    let mut conn = tokio::time::timeout(Duration::from_secs(5), AsyncPgConnection::establish(url))
        .await
        .map_err(|_| "connecting timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    conn.batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {PRESENCE_CHANNEL}"))
        .await
        .map_err(|e| e.to_string())?;
    if tx.send(Signal::Connected).is_err() {
        return Ok(());
    }
    loop {
        {
            let mut stream = std::pin::pin!(conn.notifications_stream());
            loop {
                match tokio::time::timeout(CHECK_EVERY, stream.next()).await {
                    Ok(Some(Ok(n))) => {
                        let signal = if n.channel == PRESENCE_CHANNEL {
                            Report::decode(&n.payload).map(Signal::Presence)
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
                    Ok(Some(Err(e))) => return Err(e.to_string()),
                    Ok(None) => return Err("notification stream ended".into()),
                    Err(_) => break, // quiet: check the connection
                }
            }
        }
        tokio::time::timeout(Duration::from_secs(5), conn.batch_execute("SELECT 1"))
            .await
            .map_err(|_| "connection check timed out".to_owned())?
            .map_err(|e| e.to_string())?;
        if tx.is_closed() {
            return Ok(());
        }
    }
}
