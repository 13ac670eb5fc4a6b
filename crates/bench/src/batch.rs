//! Scenario: one atomic batch of N updates (an offline queue replayed at once): the time
//! from request to answer, and to the last event at a subscriber.

use std::time::Instant;

use serde_json::json;

use crate::fixtures::Target;
use crate::server::{CpuMeter, ServerProc};
use crate::stats::{Latency, Row};
use crate::ws;

pub async fn run(server: &ServerProc, targets: &[Target], operations: usize) -> Row {
    let production = targets[0].production;
    let mut watcher = match ws::Ws::connect(server.port, 50, 0, 1 << 20).await {
        Ok(w) => w,
        Err(e) => return Row { scenario: "batch".into(), errors: 1, note: e, ..Default::default() },
    };
    if let Err(e) = watcher.join(production, None).await {
        return Row { scenario: "batch".into(), errors: 1, note: e, ..Default::default() };
    }
    let ops: Vec<_> = (0..operations)
        .map(|i| {
            let t = targets[i % targets.len()];
            json!({"op": "update", "entity": "cameras", "id": t.camera, "body": {"note": format!("batch {i}")}})
        })
        .collect();
    let url = format!("{}/api/productions/{production}/batch", server.base);
    let cpu = CpuMeter::start(server);
    let started = Instant::now();
    let answer =
        reqwest::Client::new().post(&url).json(&json!({"operations": ops, "atomic": true})).send().await;
    let answered = started.elapsed();
    let ok = answer.is_ok_and(|r| r.status().is_success());
    let mut events = 0usize;
    while ok && events < operations {
        match watcher.next().await {
            Ok(ws::Frame::Text(t)) if t.starts_with(br#"{"event":"camera:updated""#) => events += 1,
            Ok(ws::Frame::Text(_)) => {}
            _ => break,
        }
    }
    let delivered = started.elapsed();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    Row {
        scenario: "batch".into(),
        params: format!("{operations} updates, atomic"),
        throughput: events as f64 / delivered.as_secs_f64(),
        unit: "events/s".into(),
        latency: Latency {
            count: 1,
            p50_ms: ms(answered),
            p90_ms: ms(answered),
            p99_ms: ms(answered),
            max_ms: ms(delivered),
        },
        errors: u64::from(!ok),
        lost: (operations - events) as u64,
        server_cpu_cores: cpu.cores(server),
        client_cpu_cores: cpu.bench_cores(),
        server_peak_rss_mib: server.peak_rss_kib() as f64 / 1024.0,
        cpu_us_per_delivery: None,
        note: format!(
            "answered in {:.0} ms; last event at the subscriber after {:.0} ms",
            ms(answered),
            ms(delivered)
        ),
    }
}
