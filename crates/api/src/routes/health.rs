//! `/health`: 200 while the database answers, 503 while it does not. It is public, so it
//! says that and the latency, nothing else (connection counts are in `/metrics`).

use std::time::Duration;

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::state::AppState;

const PING_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    match tokio::time::timeout(PING_TIMEOUT, state.health.ping()).await {
        Ok(Ok(latency)) => HttpResponse::Ok().json(json!({
            "status": "healthy",
            "database": {"connected": true, "latency": format!("{}ms", latency.as_millis())},
        })),
        Ok(Err(e)) => unhealthy(&e.to_string()),
        Err(_) => unhealthy("no answer within 2s"),
    }
}

/// The reason goes to the log only: it can name the database, its host and its user, and
/// `/health` is open to anyone.
fn unhealthy(reason: &str) -> HttpResponse {
    tracing::warn!(reason, "health check: database unreachable");
    HttpResponse::ServiceUnavailable().json(json!({"status": "unhealthy", "database": {"connected": false}}))
}

/// `/ready`: 200 when this instance can serve: the database answers and it hears the
/// other instances' changes. A load balancer sends no traffic to it otherwise.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let database = matches!(tokio::time::timeout(PING_TIMEOUT, state.health.ping()).await, Ok(Ok(_)));
    let listening = state.listening.load(std::sync::atomic::Ordering::Relaxed);
    let body = json!({"ready": database && listening, "database": database, "notifications": listening});
    if database && listening {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
