//! Scenario 1: N concurrent HTTP clients issuing field updates (PUT).

use std::time::{Duration, Instant};

use serde_json::json;

use crate::fixtures::{Target, XorShift};
use crate::server::{CpuMeter, ServerProc};
use crate::stats::{histogram, Latency, Row};

pub async fn run(
    server: &ServerProc,
    targets: &[Target],
    clients: usize,
    duration: Duration,
    label: &str,
) -> Row {
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients).build().expect("http client");
    let cpu = CpuMeter::start(server);
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let (http, base, targets) = (http.clone(), server.base.clone(), targets.to_vec());
            tokio::spawn(async move {
                let mut h = histogram();
                let mut errors = 0u64;
                let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ (c as u64 + 1));
                let mut i = 0u64;
                while Instant::now() < deadline {
                    let t = targets[rng.below(targets.len())];
                    let url = format!("{base}/api/productions/{}/cameras/{}", t.production, t.camera);
                    let sent = Instant::now();
                    let ok = match http
                        .put(&url)
                        .header("x-user-id", "bench")
                        .json(&json!({"note": format!("c{c}-{i}")}))
                        .send()
                        .await
                    {
                        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        let _ = h.record(sent.elapsed().as_micros().max(1) as u64);
                    } else {
                        errors += 1;
                    }
                    i += 1;
                }
                (h, errors)
            })
        })
        .collect();
    let mut all = histogram();
    let mut errors = 0;
    for t in tasks {
        if let Ok((h, e)) = t.await {
            let _ = all.add(&h);
            errors += e;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    Row {
        scenario: "write path".into(),
        params: format!("{label}, {clients} clients, {}s", duration.as_secs()),
        throughput: all.len() as f64 / elapsed,
        unit: "updates/s".into(),
        latency: Latency::of(&all),
        errors,
        server_cpu_cores: cpu.cores(server),
        client_cpu_cores: cpu.bench_cores(),
        server_peak_rss_mib: server.peak_rss_kib() as f64 / 1024.0,
        ..Default::default()
    }
}
