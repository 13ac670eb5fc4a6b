//! Scenario 5: a subscriber rejoining N events behind: time from join to live, over
//! several rejoins (one figure is one noisy sample on a shared machine).

use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use serde_json::json;

use crate::fixtures::Target;
use crate::server::ServerProc;
use crate::stats::{histogram, Latency, Row};
use crate::ws;

/// `rejoins` sockets rejoin one after another; the latency columns are over them.
pub async fn run(server: &ServerProc, target: Target, missed: usize, rejoins: usize) -> Row {
    let http = reqwest::Client::new();
    let head_url = format!("{}/api/productions/{}/changes?since=0&limit=1", server.base, target.production);
    let head = |http: reqwest::Client| {
        let url = head_url.clone();
        async move {
            let page: serde_json::Value = http.get(&url).send().await.ok()?.json().await.ok()?;
            page["headSeq"].as_i64()
        }
    };
    let since = head(http.clone()).await.unwrap_or(0);
    let url = format!("{}/api/productions/{}/cameras/{}", server.base, target.production, target.camera);
    let failed = stream::iter(0..missed)
        .map(|n| {
            let (http, url) = (http.clone(), url.clone());
            async move {
                http.put(&url)
                    .json(&json!({"note": format!("missed {n}")}))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        })
        .buffer_unordered(8)
        .filter(|ok| std::future::ready(!ok))
        .count()
        .await as u64;
    let behind = head(http).await.unwrap_or(0) - since;

    // Each rejoin starts one event later than the one before, so no two ask for the same
    // pages (the server shares a page read by joins asking for it within two seconds).
    let mut h = histogram();
    let (mut replayed_total, mut errors, mut expected) = (0u64, failed, 0u64);
    let mut first = None;
    for i in 0..rejoins.max(1) as i64 {
        expected += (behind - i).max(0) as u64;
        let mut socket = match ws::Ws::connect(server.port, 40, i as usize, 1 << 20).await {
            Ok(s) => s,
            Err(e) => return Row { scenario: "catch-up".into(), errors: 1, note: e, ..Default::default() },
        };
        let started = Instant::now();
        let replayed = socket.join(target.production, Some(since + i)).await;
        let took = started.elapsed();
        match replayed {
            Ok(n) => replayed_total += n as u64,
            Err(e) => {
                eprintln!("catch-up: {e}");
                errors += 1;
            }
        }
        let _ = h.record(took.as_micros().max(1) as u64);
        first.get_or_insert(took);
    }
    let latency = Latency::of(&h);
    let first = first.map_or(0.0, ms);
    Row {
        scenario: "catch-up".into(),
        params: format!("rejoin {behind} events behind, {rejoins}x"),
        throughput: replayed_total as f64 / (h.mean() * h.len() as f64 / 1e6).max(1e-9),
        unit: "events/s".into(),
        errors,
        lost: expected.saturating_sub(replayed_total),
        server_peak_rss_mib: server.peak_rss_kib() as f64 / 1024.0,
        note: format!(
            "time to live (join sent -> joined received): first {first:.0} ms, median {:.0} ms of {rejoins}",
            latency.p50_ms
        ),
        latency,
        ..Default::default()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
