//! Scenario 5: a subscriber rejoining N events behind: time from join to live.

use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use serde_json::json;

use crate::fixtures::Target;
use crate::server::ServerProc;
use crate::stats::{Latency, Row};
use crate::ws;

pub async fn run(server: &ServerProc, target: Target, missed: usize) -> Row {
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

    let mut socket = match ws::Ws::connect(server.port, 40, 0, 1 << 20).await {
        Ok(s) => s,
        Err(e) => return Row { scenario: "catch-up".into(), errors: 1, note: e, ..Default::default() },
    };
    let started = Instant::now();
    let replayed = socket.join(target.production, Some(since)).await;
    let took = started.elapsed();
    let (replayed, errors) = match replayed {
        Ok(n) => (n as u64, failed),
        Err(e) => {
            eprintln!("catch-up: {e}");
            (0, failed + 1)
        }
    };
    Row {
        scenario: "catch-up".into(),
        params: format!("rejoin {behind} events behind"),
        throughput: replayed as f64 / took.as_secs_f64(),
        unit: "events/s".into(),
        latency: Latency { count: 1, p50_ms: ms(took), p90_ms: ms(took), p99_ms: ms(took), max_ms: ms(took) },
        errors,
        lost: (behind as u64).saturating_sub(replayed),
        server_peak_rss_mib: server.peak_rss_kib() as f64 / 1024.0,
        note: format!("time to live (join sent -> joined received): {:.0} ms", ms(took)),
        ..Default::default()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
