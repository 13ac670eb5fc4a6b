//! Undo and redo over real HTTP and WebSocket: updates, creates, deletes with the
//! references they cleared, batches, fields others changed since, the redo list, and
//! another device of the same user seeing the undo.

use std::time::Duration;

use prodsync_e2e::ws::WsClient;
use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn undo(s: &TestServer, pid: &str, user: &str) -> (StatusCode, Value) {
    s.send("POST", &format!("/api/productions/{pid}/undo"), user, None).await
}

async fn redo(s: &TestServer, pid: &str, user: &str) -> (StatusCode, Value) {
    s.send("POST", &format!("/api/productions/{pid}/redo"), user, None).await
}

#[tokio::test]
async fn an_update_is_undone_and_redone_and_other_devices_see_why() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let (status, got) = undo(&s, &pid, "ann").await;
    assert_eq!((status, got["error"].as_str()), (StatusCode::CONFLICT, Some("nothing_to_undo")));
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1", "model": "A"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    let mut tablet = WsClient::connect(&format!("{}?userId=ann", s.ws_url())).await;
    tablet.join(&pid, None).await;
    let updated = s.ok("PUT", &path, "ann", Some(&json!({"model": "B"}))).await;

    let (status, got) = undo(&s, &pid, "ann").await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["undone"]["action"], "updated");
    assert_eq!(got["undone"]["entityId"], cam["id"]);
    assert_eq!(got["skippedFields"], json!([]));
    assert_eq!(s.get(&path).await.1["model"], "A");
    let seq = got["seq"].as_i64().unwrap();
    let events = tablet.events_until(seq, Duration::from_secs(5)).await;
    let last = events.last().unwrap();
    assert_eq!(
        (last["event"].as_str(), last["data"]["cause"].as_str()),
        (Some("camera:updated"), Some("undo"))
    );
    assert_eq!(last["data"]["userId"], "ann");
    assert!(events[0]["data"].get("cause").is_none(), "the plain write has no cause");

    let (status, got) = redo(&s, &pid, "ann").await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["redone"]["action"], "updated");
    assert_eq!(s.get(&path).await.1["model"], updated["model"]);
    let events = tablet.events_until(got["seq"].as_i64().unwrap(), Duration::from_secs(5)).await;
    assert_eq!(events.last().unwrap()["data"]["cause"], "redo");
    // Undo again works on what the redo wrote.
    assert_eq!(undo(&s, &pid, "ann").await.0, StatusCode::OK);
    assert_eq!(s.get(&path).await.1["model"], "A");
    // The activity feed shows undo and redo as the writes they are.
    let (_, feed) = s.get(&format!("/api/productions/{pid}/activity?limit=4")).await;
    let causes: Vec<Option<&str>> =
        feed["items"].as_array().unwrap().iter().map(|i| i["cause"].as_str()).collect();
    assert_eq!(causes, [Some("undo"), Some("redo"), Some("undo"), None]);
}

#[tokio::test]
async fn a_create_is_undone_by_deleting_and_redone_with_its_id() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    let (_, got) = undo(&s, &pid, "tester").await;
    assert_eq!(got["undone"]["action"], "created", "{got}");
    assert_eq!(s.get(&path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(redo(&s, &pid, "tester").await.0, StatusCode::OK);
    let (status, back) = s.get(&path).await;
    assert_eq!((status, &back["name"]), (StatusCode::OK, &json!("Cam 1")));
}

#[tokio::test]
async fn a_delete_is_undone_whole_with_the_references_it_cleared() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let ccu = s.create(&pid, "ccus", json!({"name": "CCU 1"})).await;
    let mut cams = Vec::new();
    for i in 0..2 {
        cams.push(s.create(&pid, "cameras", json!({"name": format!("Cam {i}"), "ccuId": ccu["id"]})).await);
    }
    let ccu_path = format!("/api/productions/{pid}/ccus/{}", ccu["id"].as_str().unwrap());
    s.ok("DELETE", &ccu_path, "ann", None).await;
    for cam in &cams {
        let (_, now) =
            s.get(&format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap())).await;
        assert_eq!(now["ccuId"], Value::Null);
    }
    let (status, got) = undo(&s, &pid, "ann").await;
    assert_eq!((status, got["undone"]["action"].as_str()), (StatusCode::OK, Some("deleted")), "{got}");
    let (status, back) = s.get(&ccu_path).await;
    assert_eq!((status, &back["name"]), (StatusCode::OK, &json!("CCU 1")));
    for cam in &cams {
        let (_, now) =
            s.get(&format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap())).await;
        assert_eq!(now["ccuId"], ccu["id"], "the reference came back");
    }
}

#[tokio::test]
async fn a_batch_is_one_step() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let ops: Vec<Value> = (0..3)
        .map(|i| json!({"op": "create", "entity": "cameras", "body": {"name": format!("C{i}")}}))
        .collect();
    s.ok("POST", &format!("/api/productions/{pid}/batch"), "ann", Some(&json!({"operations": ops}))).await;
    assert_eq!(s.get(&format!("/api/productions/{pid}/cameras")).await.1.as_array().unwrap().len(), 3);
    assert_eq!(undo(&s, &pid, "ann").await.0, StatusCode::OK);
    assert_eq!(s.get(&format!("/api/productions/{pid}/cameras")).await.1, json!([]));
    assert_eq!(
        undo(&s, &pid, "ann").await.0,
        StatusCode::CONFLICT,
        "creating the production is not an undo step"
    );
}

#[tokio::test]
async fn undo_leaves_what_others_wrote_since_and_a_new_write_clears_redo() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1", "model": "A", "note": "n"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    s.ok("PUT", &path, "ann", Some(&json!({"model": "B", "note": "ann's"}))).await;
    s.ok("PUT", &path, "bob", Some(&json!({"note": "bob's"}))).await;
    let (status, got) = undo(&s, &pid, "ann").await;
    assert_eq!(status, StatusCode::OK, "{got}");
    let skipped: Vec<(&str, &str)> = got["skippedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["changedBy"].as_str().unwrap()))
        .collect();
    assert_eq!(skipped, [("note", "bob")]);
    let (_, now) = s.get(&path).await;
    assert_eq!((&now["model"], &now["note"]), (&json!("A"), &json!("bob's")));
    // Bob's own undo is his, not ann's.
    let (_, got) = undo(&s, &pid, "bob").await;
    assert_eq!(s.get(&path).await.1["note"], "ann's", "{got}");

    // A new write of ann clears her redo list.
    s.ok("PUT", &path, "ann", Some(&json!({"lensType": "wide"}))).await;
    let (status, got) = redo(&s, &pid, "ann").await;
    assert_eq!((status, got["error"].as_str()), (StatusCode::CONFLICT, Some("nothing_to_redo")));
}

/// Steps now come from the change log: undo walks back over a user's steps (past other
/// users' writes and past steps already undone), redo walks forward again, and a new step
/// ends what could be redone without un-undoing anything. (Each step writes its own field,
/// so that each undo's effect shows which step it took.)
#[tokio::test]
async fn undo_and_redo_walk_the_steps_in_order_and_a_new_step_ends_the_redo_list() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1", "model": "A"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    let field = |got: &Value, f: &str| got[f].as_str().map(str::to_owned);
    for (f, v) in [("model", "B"), ("lensType", "wide"), ("formatMode", "1080p")] {
        s.ok("PUT", &path, "ann", Some(&json!({f: v}))).await;
        s.ok("PUT", &path, "bob", Some(&json!({"name": format!("bob after {f}")}))).await;
    }
    assert_eq!(undo(&s, &pid, "ann").await.0, StatusCode::OK);
    assert_eq!(field(&s.get(&path).await.1, "formatMode"), None);
    assert_eq!(undo(&s, &pid, "ann").await.0, StatusCode::OK);
    assert_eq!(field(&s.get(&path).await.1, "lensType"), None);
    assert_eq!(redo(&s, &pid, "ann").await.0, StatusCode::OK);
    let now = s.get(&path).await.1;
    assert_eq!(
        (field(&now, "lensType"), field(&now, "formatMode")),
        (Some("wide".into()), None),
        "redo reverses the latest undo first"
    );
    // A new step of ann: the format's undo can no longer be redone, and it stays undone.
    s.ok("PUT", &path, "ann", Some(&json!({"note": "ann's new step"}))).await;
    let (status, got) = redo(&s, &pid, "ann").await;
    assert_eq!((status, got["error"].as_str()), (StatusCode::CONFLICT, Some("nothing_to_redo")));
    assert_eq!(undo(&s, &pid, "ann").await.0, StatusCode::OK);
    assert_eq!(field(&s.get(&path).await.1, "note"), None, "the new step went first");
    assert_eq!(undo(&s, &pid, "ann").await.0, StatusCode::OK);
    assert_eq!(field(&s.get(&path).await.1, "lensType"), None, "then the redone step");
    let (status, got) = undo(&s, &pid, "ann").await;
    assert_eq!(status, StatusCode::OK, "{got}");
    let now = s.get(&path).await.1;
    assert_eq!(
        (field(&now, "model"), field(&now, "formatMode")),
        (Some("A".into()), None),
        "then the first step, past the one undone for good"
    );
    let (status, got) = undo(&s, &pid, "ann").await;
    assert_eq!((status, got["error"].as_str()), (StatusCode::CONFLICT, Some("nothing_to_undo")));
    assert_eq!(field(&now, "name"), Some("bob after formatMode".into()), "bob's writes were never ann's");
}

/// Two edits of one field by one user, undone twice, walk back to where the field began;
/// redone twice, forward to the last edit. Between the undos the field was written only by
/// ann (her second edit, its undo) and holds what her first edit wrote. A write by bob in
/// between stops the walk, named in `skippedFields`.
#[tokio::test]
async fn undoing_two_edits_of_one_field_walks_back_through_both() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1", "model": "A"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    let model = |got: Value| got["model"].as_str().map(str::to_owned);
    for v in ["B", "C"] {
        s.ok("PUT", &path, "ann", Some(&json!({"model": v}))).await;
    }
    let mut seen = Vec::new();
    for again in [false, false, true, true] {
        let (status, got) = if again { redo(&s, &pid, "ann").await } else { undo(&s, &pid, "ann").await };
        assert_eq!((status, &got["skippedFields"]), (StatusCode::OK, &json!([])), "{got}");
        seen.push(model(s.get(&path).await.1).unwrap());
    }
    assert_eq!(seen, ["B", "A", "B", "C"]);

    s.ok("PUT", &path, "ann", Some(&json!({"model": "D"}))).await;
    s.ok("PUT", &path, "bob", Some(&json!({"model": "E"}))).await;
    s.ok("PUT", &path, "bob", Some(&json!({"model": "D"}))).await;
    let (status, got) = undo(&s, &pid, "ann").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["skippedFields"][0]["changedBy"], "bob", "{got}");
    assert_eq!(model(s.get(&path).await.1).as_deref(), Some("D"), "bob's write stands");
}
