//! The real binary killed with SIGKILL right after a write: the retry with the same
//! Idempotency-Key, against the restarted server, is answered by replay, and the write
//! exists once. (The receipt commits in the write's own transaction.)

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use prodsync_storage::test_db::TestDatabase;
use serde_json::{json, Value};

fn start(db: &TestDatabase) -> (Child, String) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_prodsync"))
        .args(["serve", "--bind", "127.0.0.1", "--port", &port.to_string(), "--database-url", &db.url])
        .env("PRODSYNC_LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("starting prodsync");
    (child, format!("http://127.0.0.1:{port}"))
}

async fn healthy(http: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if http.get(format!("{base}/health")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up");
}

async fn post(http: &reqwest::Client, url: &str, body: &Value) -> (u16, bool, Value) {
    let res = http
        .post(url)
        .header("x-user-id", "ann")
        .header("idempotency-key", "offline-edit-17")
        .json(body)
        .send()
        .await
        .unwrap();
    let replayed = res.headers().get("idempotency-replayed").is_some();
    (res.status().as_u16(), replayed, res.json().await.unwrap())
}

#[tokio::test]
async fn a_retry_after_a_crash_is_answered_by_replay() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let (mut server, base) = start(&db);
    healthy(&http, &base).await;
    let production = json!({"showName": "Gala", "client": "ACME"});
    let res = http
        .post(format!("{base}/api/productions"))
        .header("x-user-id", "ann")
        .json(&production)
        .send()
        .await
        .unwrap();
    let pid = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let cams = format!("{base}/api/productions/{pid}/cameras");
    let (status, replayed, first) = post(&http, &cams, &json!({"name": "Cam 1"})).await;
    assert_eq!((status, replayed), (201, false));

    server.kill().expect("SIGKILL"); // no graceful shutdown: as a crash
    server.wait().unwrap();
    let (mut server, base) = start(&db);
    healthy(&http, &base).await;
    let cams = format!("{base}/api/productions/{pid}/cameras");
    let (status, replayed, again) = post(&http, &cams, &json!({"name": "Cam 1"})).await;
    assert_eq!((status, replayed), (201, true));
    assert_eq!(again, first);
    let list: Value = http.get(&cams).send().await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "written once");
    server.kill().ok();
    server.wait().ok();
}
