//! Scenario: a reconnect storm. N sockets joined to one production drop at once (a
//! restart, a network blip); events are written while they are away; then every socket
//! reconnects with `since` within one second, as jittered clients do. Reported: time
//! from the first reconnect to the last `joined`, events lost, the server's peak memory,
//! and how many pages of the change log the server read for it (`replay_reads_total`):
//! one per socket today; a merged catch-up would read once per range.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use serde_json::json;

use crate::fixtures::Target;
use crate::server::ServerProc;
use crate::stats::{Latency, Row};
use crate::ws;

async fn metric(http: &reqwest::Client, base: &str, name: &str) -> f64 {
    let Ok(r) = http.get(format!("{base}/metrics")).send().await else { return 0.0 };
    let text = r.text().await.unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0.0)
}

async fn head(http: &reqwest::Client, base: &str, target: Target) -> i64 {
    let url = format!("{base}/api/productions/{}/changes?since=0&limit=1", target.production);
    let page: Option<serde_json::Value> = match http.get(url).send().await {
        Ok(r) => r.json().await.ok(),
        Err(_) => None,
    };
    page.and_then(|p| p["headSeq"].as_i64()).unwrap_or(0)
}

pub async fn run(server: &ServerProc, target: Target, sockets: usize, missed: usize) -> Row {
    let http = reqwest::Client::new();
    let base = &server.base;
    let fail =
        |note: String| Row { scenario: "reconnect storm".into(), errors: 1, note, ..Default::default() };
    let joined: Vec<Result<ws::Ws, String>> = stream::iter(0..sockets)
        .map(|i| ws::connect_and_join(server.port, 60, i, target.production, 4096))
        .buffer_unordered(256)
        .collect()
        .await;
    let joined: Vec<ws::Ws> = joined.into_iter().filter_map(Result::ok).collect();
    if joined.len() < sockets {
        return fail(format!("only {} of {sockets} sockets joined", joined.len()));
    }
    let since = head(&http, base, target).await;
    drop(joined); // all at once
    let url = format!("{base}/api/productions/{}/cameras/{}", target.production, target.camera);
    for n in 0..missed {
        if http.put(&url).json(&json!({"note": format!("while away {n}")})).send().await.is_err() {
            return fail("a write failed".into());
        }
    }
    let reads_before = metric(&http, base, "replay_reads_total").await;
    let started = Instant::now();
    let spread = Duration::from_secs(1);
    let last = Arc::new(std::sync::Mutex::new(Duration::ZERO));
    let results: Vec<Result<usize, String>> = stream::iter(0..sockets)
        .map(|i| {
            let last = last.clone();
            async move {
                // Jittered clients: spread evenly over the second.
                let at = spread.mul_f64(i as f64 / sockets as f64);
                tokio::time::sleep_until(tokio::time::Instant::from_std(started + at)).await;
                let attempt = async {
                    let mut s = ws::Ws::connect(server.port, 80, i, 4096).await?;
                    s.join(target.production, Some(since)).await
                };
                let got = tokio::time::timeout(Duration::from_secs(30), attempt)
                    .await
                    .unwrap_or_else(|_| Err("no joined within 30 s".into()));
                let mut l = last.lock().unwrap_or_else(|p| p.into_inner());
                *l = (*l).max(started.elapsed());
                got
            }
        })
        .buffer_unordered(sockets.max(1))
        .collect()
        .await;
    let took = *last.lock().unwrap_or_else(|p| p.into_inner());
    let reads = metric(&http, base, "replay_reads_total").await - reads_before;
    let errors = results.iter().filter(|r| r.is_err()).count() as u64;
    let lost: u64 =
        results.iter().filter_map(|r| r.as_ref().ok()).map(|&n| missed.saturating_sub(n) as u64).sum();
    if let Some(Err(e)) = results.iter().find(|r| r.is_err()) {
        eprintln!("reconnect storm: {e}");
    }
    let ms = took.as_secs_f64() * 1000.0;
    Row {
        scenario: "reconnect storm".into(),
        params: format!("{sockets} sockets, {missed} events missed, back within 1 s"),
        throughput: sockets as f64 / took.as_secs_f64(),
        unit: "rejoins/s".into(),
        latency: Latency { count: 1, p50_ms: ms, p90_ms: ms, p99_ms: ms, max_ms: ms },
        errors,
        lost,
        server_peak_rss_mib: server.peak_rss_kib() as f64 / 1024.0,
        note: format!("all live {ms:.0} ms after the first reconnect; {reads:.0} change-log reads"),
        ..Default::default()
    }
}
