//! Scenario 3: one room with many subscribers; a writer updates at a fixed rate; each
//! delivery's latency is measured from the start of its REST call.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};

use crate::fixtures::Target;
use crate::pacer::Pacer;
use crate::server::{CpuMeter, ServerProc};
use crate::stats::{histogram, Latency, Row};
use crate::ws;

const MARK: &[u8] = br#""note":"f"#;

/// `targets`: cameras of one production; the writer cycles through them so that the
/// figure is fan-out, not waiting for one row's lock.
pub async fn run(
    server: &ServerProc,
    targets: &[Target],
    subscribers: usize,
    rate: f64,
    duration: Duration,
) -> Result<Row, String> {
    run_on(server, &[server], targets, subscribers, rate, duration, "fan-out").await
}

/// The writer on `server`, the subscribers spread round-robin over `instances` (one or
/// several processes on one database); CPU is the sum over the processes.
pub async fn run_on(
    server: &ServerProc,
    instances: &[&ServerProc],
    targets: &[Target],
    subscribers: usize,
    rate: f64,
    duration: Duration,
    scenario: &str,
) -> Result<Row, String> {
    let target = targets[0];
    let total = (rate * duration.as_secs_f64()).round().max(1.0) as usize;
    let base = Instant::now();
    let sent_at: Arc<Vec<AtomicU64>> = Arc::new((0..total).map(|_| AtomicU64::new(0)).collect());
    let pacer = Pacer::start(&server.base, targets, rate, base, sent_at.clone()).await?;
    let mut sockets = Vec::with_capacity(subscribers);
    let opened: Vec<Result<ws::Ws, String>> = stream::iter(0..subscribers)
        .map(|i| {
            ws::connect_and_join(instances[i % instances.len()].port, 2, i, target.production, 64 * 1024)
        })
        .buffer_unordered(256)
        .collect()
        .await;
    let mut errors = 0u64;
    for s in opened {
        match s {
            Ok(s) => sockets.push(s),
            Err(e) => {
                errors += 1;
                eprintln!("fan-out: a subscriber failed to join: {e}");
            }
        }
    }
    let last_delivery = Arc::new(AtomicU64::new(0));
    // Every reader started before the first update. Spawned just before it, a thousand
    // readers' first polls (each allocating its histogram) ran behind the first deliveries:
    // the first events reached the last-spawned sockets up to 130 ms late, which was the
    // bench's start-up, not the server's.
    let started = Arc::new(tokio::sync::Barrier::new(sockets.len() + 1));
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|mut s| {
            let (sent_at, last_delivery) = (sent_at.clone(), last_delivery.clone());
            let started = started.clone();
            tokio::spawn(async move {
                let mut h = histogram();
                started.wait().await;
                let mut got = 0usize;
                let deadline = tokio::time::Instant::now() + duration + Duration::from_secs(15);
                while got < total {
                    let bytes = match tokio::time::timeout_at(deadline, s.next()).await {
                        Ok(Ok(ws::Frame::Text(t))) => t,
                        _ => break,
                    };
                    let Some(at) = memchr::memmem::find(bytes, MARK) else { continue };
                    let digits = &bytes[at + MARK.len()..];
                    let end = digits.iter().position(|b| !b.is_ascii_digit()).unwrap_or(digits.len());
                    let Some(n) =
                        std::str::from_utf8(&digits[..end]).ok().and_then(|d| d.parse::<usize>().ok())
                    else {
                        continue;
                    };
                    let now = base.elapsed().as_micros() as u64;
                    let sent = sent_at.get(n).map_or(0, |a| a.load(Ordering::Relaxed));
                    let _ = h.record(now.saturating_sub(sent).max(1));
                    last_delivery.fetch_max(now, Ordering::Relaxed);
                    got += 1;
                }
                (h, got)
            })
        })
        .collect();

    started.wait().await;
    let meters: Vec<CpuMeter> = instances.iter().map(|s| CpuMeter::start(s)).collect();
    let paced = tokio::task::spawn_blocking(move || pacer.run()).await.map_err(|e| e.to_string())??;
    errors += paced.errors;
    let calls = Latency::of(&paced.calls);
    let mut all = histogram();
    let mut delivered = 0u64;
    for r in readers {
        if let Ok((h, got)) = r.await {
            let _ = all.add(&h);
            delivered += got as u64;
        }
    }
    let cores: f64 = meters.iter().zip(instances).map(|(m, s)| m.cores(s)).sum();
    let cpu_used: f64 = meters.iter().zip(instances).map(|(m, s)| m.used(s)).sum();
    let cpu = &meters[0];
    let expected = (subscribers as u64 - errors.min(subscribers as u64)) * total as u64;
    // From the first call: joining and the writer's warm-up are not the run.
    let first_call = sent_at.iter().map(|a| a.load(Ordering::Relaxed)).filter(|&t| t > 0).min().unwrap_or(0);
    let span = Duration::from_micros(last_delivery.load(Ordering::Relaxed).saturating_sub(first_call))
        .as_secs_f64()
        .max(1e-3);
    Ok(Row {
        scenario: scenario.into(),
        params: format!(
            "{subscribers} subs on {} instance{}, {rate} upd/s, {}s",
            instances.len(),
            if instances.len() == 1 { "" } else { "s" },
            duration.as_secs()
        ),
        throughput: delivered as f64 / span,
        unit: "deliveries/s".into(),
        latency: Latency::of(&all),
        errors,
        lost: expected.saturating_sub(delivered),
        server_cpu_cores: cores,
        client_cpu_cores: cpu.bench_cores(),
        server_peak_rss_mib: instances.iter().map(|s| s.peak_rss_kib()).sum::<u64>() as f64 / 1024.0,
        cpu_us_per_delivery: (delivered > 0).then(|| cpu_used * 1e6 / delivered as f64),
        note: format!(
            "{total} updates to {} cameras x {subscribers} subscribers; latency = REST call start -> delivery; \
             the calls themselves p50 {:.1} ms, p99 {:.1} ms",
            targets.len(),
            calls.p50_ms,
            calls.p99_ms,
        ),
    })
}
