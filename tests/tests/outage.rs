//! The database going away and coming back, through a proxy the test cuts and restores.

use prodsync_e2e::proxy::{host_port, via, Proxy};
use prodsync_e2e::test_db::{server_url, TestDatabase};
use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn health_is_503_while_the_database_is_down_and_recovers() {
    let db = TestDatabase::new().await;
    let mut proxy = Proxy::start(&host_port(&server_url())).await;
    let via_proxy = via(proxy.port, &db.name);
    let s = TestServer::start_with(db, via_proxy, |_| {}).await;
    assert_eq!(s.get("/health").await.0, StatusCode::OK);
    let pid = s.production("Gala").await;

    proxy.cut();
    let (status, body) = s.get("/health").await;
    // Public: that it is down, nothing of why (the reason names the database and its host).
    assert_eq!(
        (status, body),
        (StatusCode::SERVICE_UNAVAILABLE, json!({"status": "unhealthy", "database": {"connected": false}}))
    );
    let (status, body) = s.post(&format!("/api/productions/{pid}/cameras"), &json!({"name": "Cam"})).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("database_unavailable")),
        "{body}"
    );

    proxy.restore().await;
    prodsync_e2e::eventually("the server is healthy again", || async {
        s.get("/health").await.0 == StatusCode::OK
    })
    .await;
    let mut created = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..10 {
        created = s.post(&format!("/api/productions/{pid}/cameras"), &json!({"name": "Cam"})).await.0;
        if created == StatusCode::CREATED {
            break;
        }
    }
    assert_eq!(created, StatusCode::CREATED);
    let (_, cams) = s.get(&format!("/api/productions/{pid}/cameras")).await;
    assert_eq!(cams.as_array().unwrap().len(), 1, "the write during the outage was not applied");
}

/// A write that fails after its row was updated (here the change-log append, refused by a
/// trigger the test adds) leaves nothing: the row, its version and the log are as before,
/// and the 500 carries no database message.
#[tokio::test]
async fn a_write_failing_half_way_changes_nothing() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam", "note": "before"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    let head = s.head_seq(&pid).await;
    let (client, _task) = prodsync_e2e::db_client(&s.db.url).await;
    client
        .batch_execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$; \
             CREATE TRIGGER refuse BEFORE INSERT ON change_log FOR EACH ROW EXECUTE FUNCTION refuse();",
        )
        .await
        .unwrap();

    let (status, body) = s.put(&path, "ann", &json!({"note": "after"})).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert!(!body.to_string().contains("refused"), "a database message in a 500: {body}");

    client.batch_execute("DROP TRIGGER refuse ON change_log").await.unwrap();
    let (_, now) = s.get(&path).await;
    assert_eq!((now["note"].as_str(), now["version"].as_i64()), (Some("before"), Some(1)), "{now}");
    assert_eq!(s.head_seq(&pid).await, head);
}
