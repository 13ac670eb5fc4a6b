//! Scenario 4: many idle WebSocket connections, each joined to a room; server RSS per
//! connection.

use std::time::Duration;

use futures_util::{stream, StreamExt};

use crate::fixtures::Target;
use crate::server::ServerProc;
use crate::stats::Row;
use crate::ws;

pub async fn run(server: &ServerProc, targets: &[Target], counts: &[usize]) -> Vec<Row> {
    let mut rows = Vec::new();
    let baseline = server.rss_kib();
    let mut held = Vec::new();
    let mut errors = 0u64;
    for &count in counts {
        let started = std::time::Instant::now();
        let from = held.len();
        let opened: Vec<Result<ws::Ws, String>> = stream::iter(from..count)
            .map(|i| ws::connect_and_join(server.port, 20, i, targets[i % targets.len()].production, 4096))
            .buffer_unordered(512)
            .collect()
            .await;
        for s in opened {
            match s {
                Ok(s) => held.push(s),
                Err(e) => {
                    if errors < 5 {
                        eprintln!("connections: {e}");
                    }
                    errors += 1;
                }
            }
        }
        let took = started.elapsed();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss = server.rss_kib();
        let per_conn = (rss.saturating_sub(baseline)) as f64 * 1024.0 / held.len().max(1) as f64;
        rows.push(Row {
            scenario: "idle connections".into(),
            params: format!("{count} joined sockets, {} rooms", targets.len()),
            throughput: (count - from) as f64 / took.as_secs_f64(),
            unit: "joins/s".into(),
            errors,
            lost: (count - held.len()) as u64,
            server_peak_rss_mib: server.peak_rss_kib() as f64 / 1024.0,
            note: format!(
                "RSS {:.1} MiB over a {:.1} MiB baseline: {:.1} KiB per connection",
                rss as f64 / 1024.0,
                baseline as f64 / 1024.0,
                per_conn / 1024.0
            ),
            ..Default::default()
        });
    }
    rows
}
