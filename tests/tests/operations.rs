//! What an operator sees: readiness and Prometheus metrics.

use prodsync_e2e::ws::WsClient;
use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn ready_says_the_instance_can_serve() {
    let s = TestServer::start().await;
    prodsync_e2e::eventually("ready", || async { s.get("/ready").await.0 == StatusCode::OK }).await;
    let (_, body) = s.get("/ready").await;
    assert_eq!(body, json!({"ready": true, "database": true, "notifications": true}));
}

#[tokio::test]
async fn metrics_count_requests_by_route_sockets_deliveries_and_the_pool() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let mut ws = WsClient::connect(&s.ws_url()).await;
    ws.join(&pid, None).await;
    s.create(&pid, "cameras", json!({"name": "Cam 1"})).await;
    ws.events_until(2, std::time::Duration::from_secs(5)).await;
    let (status, _) = s.get(&format!("/api/productions/{pid}/cameras")).await;
    assert_eq!(status, StatusCode::OK);

    let text = s.http.get(s.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let line = |prefix: &str| text.lines().find(|l| l.starts_with(prefix)).map(str::to_owned);
    let has = |needle: &str| text.lines().any(|l| !l.starts_with('#') && l.contains(needle));
    // One series per route pattern, never per id.
    assert!(has(r#"route="/api/productions/{pid}/{entity}""#), "{text}");
    assert!(!text.contains(&pid), "ids must not become labels");
    assert!(has("http_request_duration_seconds_bucket"), "{text}");
    assert!(has("write_duration_seconds_bucket"), "{text}");
    assert_eq!(line("ws_connections "), Some("ws_connections 1".into()), "{text}");
    assert_eq!(line("rooms "), Some("rooms 1".into()));
    let deliveries: f64 = line("deliveries_total ").unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    assert!(deliveries >= 1.0, "{text}");
    for name in [
        "db_pool_in_use ",
        "db_pool_waiting ",
        "slow_consumers_cut_total ",
        "gap_fill_events_total ",
        "fanout_listening ",
    ] {
        assert!(line(name).is_some(), "{name} missing:\n{text}");
    }
}
