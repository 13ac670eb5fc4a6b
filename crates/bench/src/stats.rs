//! Latency summaries and the report rows every scenario produces.

use hdrhistogram::Histogram;
use serde::Serialize;

/// Microsecond latencies from 1 µs to 60 s at 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Latency {
    pub count: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    pub fn of(h: &Histogram<u64>) -> Latency {
        let ms = |us: u64| us as f64 / 1000.0;
        Latency {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.50)),
            p90_ms: ms(h.value_at_quantile(0.90)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Row {
    pub scenario: String,
    pub params: String,
    /// Operations per second (updates, deliveries, replayed events: see `unit`).
    pub throughput: f64,
    pub unit: String,
    pub latency: Latency,
    pub errors: u64,
    /// Events that should have arrived and did not.
    pub lost: u64,
    pub server_cpu_cores: f64,
    /// CPU the bench process itself used meanwhile: it shares the machine with the server.
    pub client_cpu_cores: f64,
    pub server_peak_rss_mib: f64,
    /// Server CPU time per delivery, µs, for the fan-out rows (the figure that matters for
    /// a real-time server, without arithmetic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_us_per_delivery: Option<f64>,
    /// Anything scenario-specific (ratio to pgbench, RSS per connection, time to live).
    pub note: String,
}

pub fn print_table(rows: &[Row]) {
    println!(
        "{:<22} {:<30} {:>12} {:<13} {:>8} {:>8} {:>8} {:>8} {:>6} {:>5} {:>5} {:>5} {:>8} {:>8}  note",
        "scenario",
        "params",
        "throughput",
        "unit",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "errors",
        "lost",
        "cpu",
        "bench",
        "rss MiB",
        "µs/dlv"
    );
    for r in rows {
        println!(
            "{:<22} {:<30} {:>12.1} {:<13} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>6} {:>5} {:>5.2} {:>5.2} {:>8.1} {:>8}  {}",
            r.scenario,
            r.params,
            r.throughput,
            r.unit,
            r.latency.p50_ms,
            r.latency.p90_ms,
            r.latency.p99_ms,
            r.latency.max_ms,
            r.errors,
            r.lost,
            r.server_cpu_cores,
            r.client_cpu_cores,
            r.server_peak_rss_mib,
            r.cpu_us_per_delivery.map_or_else(String::new, |c| format!("{c:.2}")),
            r.note
        );
    }
}
