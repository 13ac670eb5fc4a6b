//! The head check: the open rooms' latest seqs read in one query, and each room that is
//! behind reads what it lacks. Both fan-outs send notices after the commit and may lose one
//! (a crash between commit and send; on NATS also a restart, a dropped slow subscriber);
//! they rely on it, so a lost notice delays an event by at most one period, never loses it.

use std::time::Duration;

use crate::Hub;

/// Checks once: `Ok(rooms checked)`. A room already at its head does nothing.
pub async fn check(hub: &Hub) -> Result<usize, prodsync_domain::SyncError> {
    let open = hub.open_rooms();
    for chunk in open.chunks(5000) {
        for (production, seq) in hub.feed().heads(chunk).await? {
            hub.catch_up(production, Some(seq));
        }
    }
    Ok(open.len())
}

/// Checks every `period`, forever.
pub fn spawn(hub: Hub, period: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match check(&hub).await {
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "head check failed; the next one retries"),
            }
        }
    });
}
