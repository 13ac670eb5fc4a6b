//! Prometheus `/metrics`, through the `metrics` facade and its Prometheus exporter (no
//! hand-written exposition format). Requests by route pattern and status with latency
//! histograms, write latency, WebSocket connections, rooms, deliveries, slow consumers cut,
//! gap fills, cross-instance notice lag, and the database pool.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use actix_web::dev::ServiceResponse;
use actix_web::{web, HttpResponse};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use prodsync_realtime::Hub;

use crate::state::AppState;

const LATENCY_BUCKETS: &[f64] =
    &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process-wide recorder (installed once, however many servers a test process runs).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
            .expect("buckets are not empty");
        match builder.install_recorder() {
            Ok(h) => h,
            // Another recorder is installed (a host program): render ours, unrecorded.
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        }
    })
}

/// Installs the recorder; the server calls it before serving.
pub fn init() {
    handle();
}

/// The pattern of a busy route, declared with it: `match_pattern` would match the path
/// against the route table a second time (a tenth of the write path's CPU went to that
/// and to routing itself).
#[derive(Debug, Clone, Copy)]
pub struct RouteLabel(pub &'static str);

/// Counts a request under its route pattern (`/api/productions/{pid}/{entity}`), never
/// its raw path: ids would make a series per entity.
pub fn observe<B>(res: &ServiceResponse<B>, method: &actix_web::http::Method, started: Instant) {
    let req = res.request();
    let route = match req.app_data::<RouteLabel>() {
        Some(label) => label.0.to_owned(),
        None => req.match_pattern().unwrap_or_else(|| "unmatched".into()),
    };
    let (method, status) = (method.to_string(), res.status().as_u16().to_string());
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
}

/// A write's commit time (the whole command: lock, merge, log, commit).
pub fn write_done(took: Duration, ok: bool) {
    let outcome = if ok { "ok" } else { "error" };
    metrics::histogram!("write_duration_seconds", "outcome" => outcome).record(took.as_secs_f64());
}

/// From another instance's commit to this instance hearing of it.
/// Another instance's notice arrived: counted (an instance hears only its rooms' notices
/// over NATS, every notice over PostgreSQL) and its lag recorded.
pub fn notice(at_ms: i64) {
    metrics::counter!("fanout_notices_received_total").increment(1);
    let now_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    metrics::histogram!("fanout_notice_lag_seconds").record((now_ms - at_ms).max(0) as f64 / 1000.0);
}

/// The fan-out dropped notices on the way here; every room read its head again.
pub fn dropped() {
    metrics::counter!("fanout_dropped_total").increment(1);
}

/// This instance's heartbeat came late enough that the others may have stopped notifying it.
pub fn forgotten() {
    metrics::counter!("fanout_forgotten_total").increment(1);
}

pub async fn render(state: web::Data<AppState>, hub: web::Data<Hub>) -> HttpResponse {
    let stats = hub.stats();
    metrics::gauge!("ws_connections").set(stats.connections as f64);
    metrics::gauge!("rooms").set(stats.rooms as f64);
    metrics::counter!("deliveries_total").absolute(stats.deliveries);
    metrics::counter!("slow_consumers_cut_total").absolute(stats.slow_consumers_cut);
    metrics::counter!("gap_fill_events_total").absolute(stats.gap_fills);
    metrics::counter!("replay_reads_total").absolute(stats.replay_reads);
    let (in_use, waiting) = (state.pool_status)();
    metrics::gauge!("db_pool_in_use").set(in_use as f64);
    metrics::gauge!("db_pool_waiting").set(waiting as f64);
    let listening = state.listening.load(std::sync::atomic::Ordering::Relaxed);
    metrics::gauge!("fanout_listening").set(if listening { 1.0 } else { 0.0 });
    metrics::gauge!("fanout_peers_alive").set(if (state.has_peers)() { 1.0 } else { 0.0 });
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(handle().render())
}
