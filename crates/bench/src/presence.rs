//! Scenario: presence fan-out. N users in one room, each moving their focus once a second
//! (staggered); every move reaches every socket in the room. The focus's `entityId` carries
//! the send time, so each delivery's latency is measured from its send.

use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use serde_json::json;
use uuid::Uuid;

use crate::fixtures::Target;
use crate::server::{CpuMeter, ServerProc};
use crate::stats::{histogram, Latency, Row};
use crate::ws;

const MARK: &[u8] = br#""entityId":""#;

/// The send time (since `base`) a delivered frame carries, if it is a focus move.
fn sent_at(frame: &[u8]) -> Option<u128> {
    let at = memchr::memmem::find(frame, MARK)? + MARK.len();
    let id = std::str::from_utf8(frame.get(at..at + 36)?).ok()?;
    Some(Uuid::parse_str(id).ok()?.as_u128())
}

pub async fn run(server: &ServerProc, target: Target, users: usize, duration: Duration) -> Row {
    let opened: Vec<Result<ws::Ws, String>> = stream::iter(0..users)
        .map(|i| async move {
            let user = format!("user{i}");
            let mut s = ws::Ws::connect_as(server.port, 60, i, 256 * 1024, Some(&user)).await?;
            s.join(target.production, None).await?;
            Ok(s)
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let mut errors = 0u64;
    let mut sockets = Vec::new();
    for s in opened {
        match s {
            Ok(s) => sockets.push(s),
            Err(e) => {
                errors += 1;
                eprintln!("presence: a user failed to join: {e}");
            }
        }
    }
    let joined = sockets.len();
    let cpu = CpuMeter::start(server);
    let base = Instant::now();
    let end = base + duration;
    let production = target.production;
    let tasks: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            tokio::spawn(async move {
                let mut h = histogram();
                let mut sent = 0u64;
                // Staggered: user i moves at i/users of each second.
                let mut next_move = base + Duration::from_secs(1).mul_f64(i as f64 / joined.max(1) as f64);
                let drain_until = end + Duration::from_secs(2);
                loop {
                    let wake = if next_move < end { next_move } else { drain_until };
                    match tokio::time::timeout_at(wake.into(), s.next()).await {
                        Ok(Ok(ws::Frame::Text(t))) => {
                            if let Some(at) = sent_at(t) {
                                let now = base.elapsed().as_nanos();
                                h.record((now.saturating_sub(at) / 1000) as u64).ok();
                            }
                        }
                        Ok(Ok(ws::Frame::Closed)) | Ok(Err(_)) => return (h, sent, true),
                        Err(_) if next_move < end => {
                            let stamp = Uuid::from_u128(base.elapsed().as_nanos());
                            let focus = json!({"entityType": "camera", "entityId": stamp, "field": "name"});
                            let frame = json!({"event": "presence:update", "data": {"productionId": production, "focus": focus}});
                            if s.send_text(&frame.to_string()).await.is_err() {
                                return (h, sent, true);
                            }
                            sent += 1;
                            next_move += Duration::from_secs(1);
                        }
                        Err(_) => return (h, sent, false),
                    }
                }
            })
        })
        .collect();
    let mut all = histogram();
    let (mut moves, mut cut) = (0u64, 0u64);
    for t in tasks {
        match t.await {
            Ok((h, sent, closed)) => {
                all.add(&h).ok();
                moves += sent;
                cut += u64::from(closed);
            }
            Err(_) => cut += 1,
        }
    }
    let cores = cpu.cores(server);
    let deliveries = all.len();
    let expected = moves * joined as u64;
    Row {
        scenario: "presence".into(),
        params: format!("{users} users, 1 move/s each, {}s", duration.as_secs()),
        throughput: deliveries as f64 / duration.as_secs_f64(),
        unit: "deliveries/s".into(),
        latency: Latency::of(&all),
        errors: errors + cut,
        lost: expected.saturating_sub(deliveries),
        server_cpu_cores: cores,
        client_cpu_cores: cpu.bench_cores(),
        server_peak_rss_mib: server.peak_rss_kib() as f64 / 1024.0,
        cpu_us_per_delivery: None,
        note: format!(
            "{moves} moves x {joined} sockets; {cut} sockets closed; latency = send -> delivery; server {:.1} us CPU/delivery",
            cores * duration.as_secs_f64() * 1e6 / deliveries.max(1) as f64
        ),
    }
}
