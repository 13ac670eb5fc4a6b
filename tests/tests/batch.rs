//! Batches over real HTTP: atomic ones in one transaction with contiguous seqs, a bad
//! operation that changes nothing and is named by index, non-atomic ones, and retries.

use std::time::Duration;

use prodsync_e2e::ws::{seqs, WsClient};
use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn a_thousand_operations_commit_together_with_contiguous_seqs() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1"})).await;
    let mut watcher = WsClient::connect(&s.ws_url()).await;
    watcher.join(&pid, None).await;
    let head = s.head_seq(&pid).await;

    let mut ops: Vec<Value> = (0..998)
        .map(|i| json!({"op": "create", "entity": "checklist-items", "body": {"title": format!("Task {i}")}}))
        .collect();
    ops.push(json!({"op": "update", "entity": "cameras", "id": cam["id"], "body": {"model": "HDC-5500"}}));
    ops.push(json!({"op": "delete", "entity": "cameras", "id": cam["id"]}));
    let (status, got) =
        s.post(&format!("/api/productions/{pid}/batch"), &json!({"operations": ops, "atomic": true})).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    let results = got["results"].as_array().unwrap();
    assert_eq!(results.len(), 1000);
    assert!(results[..998].iter().all(|r| r["status"] == 201 && r["body"]["title"].is_string()));
    assert_eq!(
        (results[998]["status"].as_u64(), &results[998]["body"]["model"]),
        (Some(200), &json!("HDC-5500"))
    );
    assert_eq!(
        (results[999]["status"].as_u64(), &results[999]["body"]["deleted"]),
        (Some(200), &json!(true))
    );
    assert_eq!(got["seq"], head + 1000);

    let events = watcher.events_until(head + 1000, Duration::from_secs(10)).await;
    assert_eq!(seqs(&events), ((head + 1)..=(head + 1000)).collect::<Vec<_>>(), "every seq, in order");
    assert_eq!(events.last().unwrap()["event"], "camera:deleted");
}

#[tokio::test]
async fn an_atomic_batch_with_one_bad_operation_changes_nothing_and_names_it() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let url = format!("/api/productions/{pid}/batch");
    let good = json!({"op": "create", "entity": "cameras", "body": {"name": "Fine"}});
    let before = s.fingerprint().await;
    let cases = [
        (
            json!({"op": "create", "entity": "cameras", "body": {"name": "x", "colour": "red"}}),
            422,
            "unknown_field",
        ),
        (
            json!({"op": "update", "entity": "cameras", "id": uuid::Uuid::new_v4(), "body": {"note": "x"}}),
            404,
            "not_found",
        ),
        (json!({"op": "dance", "entity": "cameras"}), 422, "invalid_value"),
        (json!({"op": "create", "entity": "widgets", "body": {}}), 422, "invalid_value"),
        (json!({"op": "delete", "entity": "cameras"}), 422, "missing_field"),
    ];
    for (bad, status, code) in cases {
        let ops = json!([good, good, bad, good]);
        let (got_status, got) = s.post(&url, &json!({"operations": ops})).await;
        assert_eq!((got_status.as_u16(), got["error"].as_str()), (status, Some(code)), "{bad}: {got}");
        assert_eq!(got["details"]["index"], 2, "{got}");
    }
    assert_eq!(s.fingerprint().await, before, "nothing was applied");
    let too_many: Vec<Value> = (0..1001).map(|_| good.clone()).collect();
    let (status, got) = s.post(&url, &json!({"operations": too_many})).await;
    assert_eq!(
        (status, got["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("too_many_operations"))
    );
    let (status, got) = s.post(&url, &json!({"ops": []})).await;
    assert_eq!(
        (status, got["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("operations"))
    );
    assert_eq!(s.fingerprint().await, before);
}

#[tokio::test]
async fn a_non_atomic_batch_applies_what_it_can_and_retries_replay() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let url = s.url(&format!("/api/productions/{pid}/batch"));
    let body = json!({"atomic": false, "operations": [
        {"op": "create", "entity": "cameras", "body": {"name": "A"}},
        {"op": "create", "entity": "cameras", "body": {"colour": "red"}},
        {"op": "update", "entity": "cameras", "id": uuid::Uuid::new_v4(), "body": {"note": "x"}},
        {"op": "create", "entity": "cameras", "body": {"name": "B"}},
    ]});
    let send = || {
        s.http.post(&url).header("x-user-id", "ann").header("idempotency-key", "queue-1").json(&body).send()
    };
    let res = send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let first: Value = res.json().await.unwrap();
    let statuses: Vec<u64> =
        first["results"].as_array().unwrap().iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [201, 422, 404, 201]);
    assert_eq!(first["results"][1]["body"]["error"], "unknown_field");
    let (_, cams) = s.get(&format!("/api/productions/{pid}/cameras")).await;
    assert_eq!(cams.as_array().unwrap().len(), 2);

    let res = send().await.unwrap();
    assert_eq!(res.headers()["idempotency-replayed"], "true");
    assert_eq!(res.json::<Value>().await.unwrap(), first);
    let (_, cams) = s.get(&format!("/api/productions/{pid}/cameras")).await;
    assert_eq!(cams.as_array().unwrap().len(), 2, "the replay wrote nothing");
}
