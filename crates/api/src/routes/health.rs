//! `/health`: 200 while the database answers, 503 while it does not.

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

fn unhealthy(reason: &str) -> HttpResponse {
    tracing::warn!(reason, "health check: database unreachable");
    HttpResponse::ServiceUnavailable()
        .json(json!({"status": "unhealthy", "database": {"connected": false, "error": reason}}))
}
