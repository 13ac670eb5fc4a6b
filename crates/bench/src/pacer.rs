//! The fan-out scenarios' writer: updates at a fixed rate from its own thread and runtime.
//!
//! In the field the writer is another browser. Sharing this process's runtime with ten
//! thousand reader tasks, its calls waited in the same run queue as the readers (its
//! "REST call start" was stamped, then the request sat behind them), and every delivery's
//! latency carried that wait. Its own thread leaves only the machine's cores shared. It
//! warms up before the subscribers join (its HTTP connections, the server's database
//! connections), so that the first timed events do not pay for opening connections.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::json;

use hdrhistogram::Histogram;

use crate::fixtures::Target;
use crate::stats::histogram;

/// Writes `{"note": "w…"}` during warm-up (readers skip it) and `{"note": "f<n>"}` then.
pub struct Pacer {
    go: mpsc::Sender<()>,
    done: JoinHandle<Paced>,
}

/// How the paced writes went.
pub struct Paced {
    pub errors: u64,
    /// Each call's own latency, µs: how much of a delivery's was the write's.
    pub calls: Histogram<u64>,
}

/// Warm-up writes, a few at a time: as many connections as the paced writes use at once.
const WARM_UP: usize = 32;
const WARM_UP_AT_ONCE: usize = 4;

impl Pacer {
    /// Starts the thread and returns once it has warmed up. `sent_at[n]` gets the time of
    /// update `n`'s call, in µs since `clock`.
    pub async fn start(
        base: &str,
        targets: &[Target],
        rate: f64,
        clock: Instant,
        sent_at: Arc<Vec<AtomicU64>>,
    ) -> Result<Pacer, String> {
        let urls: Vec<String> = targets
            .iter()
            .map(|t| format!("{base}/api/productions/{}/cameras/{}", t.production, t.camera))
            .collect();
        // Awaited, not received blocking: the caller is a task of the bench's runtime.
        let (ready_tx, ready) = tokio::sync::oneshot::channel::<Result<(), String>>();
        let (go, go_rx) = mpsc::channel::<()>();
        let done = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async move {
                let http = reqwest::Client::new();
                let warm = warm_up(&http, &urls).await;
                let failed = warm.is_err();
                let _ = ready_tx.send(warm);
                if failed || go_rx.recv().is_err() {
                    return Paced { errors: 0, calls: histogram() };
                }
                paced(&http, &urls, rate, clock, &sent_at).await
            })
        });
        match ready.await {
            Ok(Ok(())) => Ok(Pacer { go, done }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err("the writer thread died while warming up".into()),
        }
    }

    /// Writes every update on its schedule from now (blocks until the last call ends).
    pub fn run(self) -> Result<Paced, String> {
        let _ = self.go.send(());
        self.done.join().map_err(|_| "the writer thread panicked".to_string())
    }
}

async fn warm_up(http: &reqwest::Client, urls: &[String]) -> Result<(), String> {
    for round in 0..WARM_UP / WARM_UP_AT_ONCE {
        let calls = (0..WARM_UP_AT_ONCE).map(|i| {
            let url = &urls[(round * WARM_UP_AT_ONCE + i) % urls.len()];
            http.put(url).json(&json!({"note": format!("w{round}")})).send()
        });
        for res in futures_util::future::join_all(calls).await {
            match res {
                Ok(r) if r.status().is_success() => {}
                Ok(r) => return Err(format!("warm-up write answered {}", r.status())),
                Err(e) => return Err(format!("warm-up write failed: {e}")),
            }
        }
    }
    Ok(())
}

async fn paced(
    http: &reqwest::Client,
    urls: &[String],
    rate: f64,
    clock: Instant,
    sent_at: &Arc<Vec<AtomicU64>>,
) -> Paced {
    let start = tokio::time::Instant::now();
    let calls: Vec<_> = (0..sent_at.len())
        .map(|n| {
            let (http, sent_at) = (http.clone(), sent_at.clone());
            let url = urls[n % urls.len()].clone();
            let when = start + Duration::from_secs_f64(n as f64 / rate);
            tokio::spawn(async move {
                tokio::time::sleep_until(when).await;
                let at = Instant::now();
                sent_at[n].store(at.duration_since(clock).as_micros() as u64, Ordering::Relaxed);
                let res = http.put(&url).json(&json!({"note": format!("f{n}")})).send().await;
                let took = at.elapsed().as_micros() as u64;
                res.is_ok_and(|r| r.status().is_success()).then_some(took)
            })
        })
        .collect();
    let mut paced = Paced { errors: 0, calls: histogram() };
    for call in calls {
        match call.await.ok().flatten() {
            Some(us) => {
                let _ = paced.calls.record(us.max(1));
            }
            None => paced.errors += 1,
        }
    }
    paced
}
