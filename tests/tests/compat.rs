//! The compatibility layer for the original Video Production Manager: its REST routes and
//! shapes (replayed here as its frontend sends them), and Socket.IO driven by the real
//! `socket.io-client` from npm (tests/socketio, run with Node against this server).

use std::process::Command;

use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A request as the original frontend's axios client sends it: JSON, no user header.
async fn call(s: &TestServer, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = s.http.request(method.parse().unwrap(), s.url(&format!("/compat/api{path}")));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn ok(s: &TestServer, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, got) = call(s, method, path, body).await;
    assert!(status.is_success(), "{method} {path}: {status} {got}");
    got
}

#[tokio::test]
async fn the_original_frontend_creates_a_show_opens_it_and_edits_its_gear() {
    let s = TestServer::start().await;
    let who = json!({"userId": "ann", "userName": "Ann"});
    // The Shows page: create, then list.
    let (status, show) = call(&s, "POST", "/productions", Some(json!({"name": "Morning News Show", "client": "ABC Network",
        "venue": "Studio A", "room": "Control Room 1", "status": "PLANNING", "loadIn": "2026-02-15", "loadOut": "2026-02-15",
        "userId": "ann", "userName": "Ann"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{show}");
    let pid = show["id"].as_str().unwrap().to_owned();
    assert!(pid.starts_with("prod_"), "{pid}");
    assert_eq!(
        (show["name"].as_str(), show["showName"].as_str(), show["status"].as_str()),
        (Some("Morning News Show"), Some("Morning News Show"), Some("PLANNING"))
    );
    assert_eq!(show["loadIn"], "2026-02-15T00:00:00Z");
    assert_eq!(show["sourceTypes"].as_array().unwrap().len(), 11, "the original's default source types");
    let list = ok(&s, "GET", "/productions", None).await;
    assert_eq!(list[0]["id"], json!(pid));

    // Opening it: the production, then each type's list.
    let opened = ok(&s, "GET", &format!("/productions/{pid}"), None).await;
    assert_eq!(opened["uuid"], show["uuid"]);
    for segment in [
        "cameras",
        "ccus",
        "sources",
        "sends",
        "checklist-items",
        "vision-switchers",
        "cam-switchers",
        "ip-addresses",
        "cables",
        "device-ports",
    ] {
        assert_eq!(
            ok(&s, "GET", &format!("/{segment}/production/{pid}"), None).await,
            json!([]),
            "{segment}"
        );
    }

    // A CCU, then a camera on it (named by the CCU's display id, as the original does).
    let ccu = ok(
        &s,
        "POST",
        "/ccus",
        Some(json!({"id": "CCU 1", "productionId": pid, "name": "CCU 1", "userId": "ann"})),
    )
    .await;
    let mut camera = json!({"id": "CAM 1", "productionId": pid, "name": "Camera 1", "manufacturer": "Sony", "model": "HDC-5500",
        "hasTripod": true, "hasSteadicam": false, "ccuId": "CCU 1", "smpteCableLength": 300, "note": "", "equipmentUuid": null});
    camera.as_object_mut().unwrap().extend(who.as_object().unwrap().clone());
    let (status, cam) = call(&s, "POST", "/cameras", Some(camera)).await;
    assert_eq!(status, StatusCode::CREATED, "{cam}");
    assert_eq!((cam["id"].as_str(), cam["productionId"].as_str()), (Some("CAM 1"), Some(pid.as_str())));
    assert_eq!((cam["ccuId"].as_str(), &cam["ccuUuid"]), (Some("CCU 1"), &ccu["uuid"]));
    assert_eq!(
        (cam["note"].clone(), cam["version"].clone(), cam["lastModifiedBy"].clone()),
        (Value::Null, json!(1), json!("ann"))
    );
    assert!(cam["fieldVersions"]["name"]["version"].is_i64(), "{}", cam["fieldVersions"]);
    let uuid = cam["uuid"].as_str().unwrap();

    // Edit: the original sends the whole form back with the version it loaded.
    let mut edit = cam.clone();
    edit["model"] = json!("HDC-3500");
    edit["userId"] = json!("bob");
    let edited = ok(&s, "PUT", &format!("/cameras/{uuid}"), Some(edit)).await;
    assert_eq!(
        (edited["model"].as_str(), edited["version"].as_i64(), edited["lastModifiedBy"].as_str()),
        (Some("HDC-3500"), Some(2), Some("bob"))
    );
    // A stale copy of another field merges rather than failing (our merge rules).
    let stale = ok(
        &s,
        "PUT",
        &format!("/cameras/{uuid}"),
        Some(json!({"note": "tally left", "version": 1, "userId": "cy"})),
    )
    .await;
    assert_eq!(
        (stale["model"].as_str(), stale["note"].as_str(), stale["version"].as_i64()),
        (Some("HDC-3500"), Some("tally left"), Some(3))
    );

    // A source with its outputs, as one request.
    let src = ok(
        &s,
        "POST",
        "/sources",
        Some(json!({"id": "SRC 1", "productionId": pid, "name": "Playback", "type": "Laptop - MAC GFX",
        "hRes": 1920, "vRes": 1080, "rate": 59.94, "userId": "ann",
        "outputs": [{"connector": "HDMI", "hRes": 1920, "vRes": 1080}, {"connector": "USB-C"}]})),
    )
    .await;
    let outputs = src["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 2);
    assert_eq!(
        (
            outputs[0]["connector"].as_str(),
            outputs[0]["outputIndex"].as_i64(),
            outputs[0]["sourceId"].as_str()
        ),
        (Some("HDMI"), Some(1), Some("SRC 1"))
    );
    assert_eq!(outputs[1]["sourceUuid"], src["uuid"]);
    // Editing the source replaces its outputs with the list sent.
    let src_uuid = src["uuid"].as_str().unwrap();
    let replaced = ok(
        &s,
        "PUT",
        &format!("/sources/{src_uuid}"),
        Some(json!({"name": "Playback A", "outputs": [{"connector": "SDI"}], "userId": "ann"})),
    )
    .await;
    assert_eq!(
        (
            replaced["name"].as_str(),
            replaced["outputs"].as_array().unwrap().len(),
            replaced["outputs"][0]["connector"].as_str()
        ),
        (Some("Playback A"), 1, Some("SDI"))
    );
    let listed = ok(&s, "GET", &format!("/sources/production/{pid}"), None).await;
    assert_eq!(listed[0]["outputs"][0]["connector"], "SDI");

    // A checklist item, ticked.
    let item = ok(&s, "POST", "/checklist-items", Some(json!({"id": "TASK 1", "productionId": pid, "title": "Book crew",
        "category": "Staffing", "moreInfo": [{"type": "text", "content": "call the agency"}], "userId": "ann"}))).await;
    let done = ok(
        &s,
        "PUT",
        &format!("/checklist-items/{}", item["uuid"].as_str().unwrap()),
        Some(json!({"completed": true, "version": 1, "userId": "ann"})),
    )
    .await;
    assert_eq!(done["completed"], true);
    assert!(done["completedAt"].is_string());

    // Vision and camera switchers are one type underneath, listed apart.
    ok(
        &s,
        "POST",
        "/vision-switchers",
        Some(json!({"id": "VS 1", "productionId": pid, "name": "Main", "mes": 3})),
    )
    .await;
    ok(&s, "POST", "/cam-switchers", Some(json!({"id": "CS 1", "productionId": pid, "name": "ISO"}))).await;
    let vision = ok(&s, "GET", &format!("/vision-switchers/production/{pid}"), None).await;
    assert_eq!((vision.as_array().unwrap().len(), vision[0]["id"].as_str()), (1, Some("VS 1")));
    // The native API sees the same data.
    let (_, native) = s.get(&format!("/api/productions/{}/switchers", show["uuid"].as_str().unwrap())).await;
    assert_eq!(native.as_array().unwrap().len(), 2);

    // Deletes, and the original's error shape for what is gone.
    assert_eq!(ok(&s, "DELETE", &format!("/cameras/{uuid}"), None).await, json!({"success": true}));
    let (status, gone) = call(&s, "GET", &format!("/cameras/{uuid}"), None).await;
    assert_eq!((status, gone["error"].is_string()), (StatusCode::NOT_FOUND, true));
    let (status, bad) =
        call(&s, "POST", "/cameras", Some(json!({"productionId": pid, "ccuId": "CCU 9", "name": "x"}))).await;
    assert_eq!((status, bad["details"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("ccuId")));

    // Settings as the original's settings page reads and writes them.
    let rates = ok(&s, "GET", "/settings/frame-rates", None).await;
    assert_eq!(rates[0], "60");
    ok(
        &s,
        "PUT",
        "/settings/frame-rates/reorder",
        Some(json!({"rates": rates.as_array().unwrap().iter().rev().collect::<Vec<_>>()})),
    )
    .await;
    assert_eq!(ok(&s, "GET", "/settings/frame-rates", None).await[0], "23.98");
    ok(&s, "POST", "/settings/theme", Some(json!({"value": "dark", "category": "ui"}))).await;
    assert_eq!(ok(&s, "GET", "/settings", None).await, json!({"theme": "dark"}));
    assert_eq!(ok(&s, "GET", "/health", None).await["status"], "ok");
    let formats = ok(&s, "GET", "/formats", None).await;
    assert!(formats
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "1920 x 1080 @ 59.94i" && f["blanking"] == "NONE"));

    // The same production id reaches the same show after a restart: it is derived, not stored per process.
    let again = ok(&s, "GET", &format!("/productions/{pid}"), None).await;
    assert_eq!(again["uuid"], show["uuid"]);
    assert_eq!(ok(&s, "DELETE", &format!("/productions/{pid}"), None).await, json!({"success": true}));
    assert_eq!(call(&s, "GET", &format!("/productions/{pid}"), None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_real_socket_io_client_connects_joins_and_hears_every_change() {
    let s = TestServer::start().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/socketio");
    assert!(
        std::path::Path::new(dir).join("node_modules/socket.io-client").exists(),
        "run `npm ci --prefix tests/socketio` first (scripts/test does)"
    );
    let out = Command::new("node")
        .args(["--test", "--test-reporter=spec", "compat.test.mjs"])
        .current_dir(dir)
        .env("PRODSYNC_URL", s.url(""))
        .output()
        .expect("node (20 or later) runs the Socket.IO tests");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "socket.io-client tests failed:\n{report}");
    // The spec reporter's summary: `ℹ tests 5`, `ℹ pass 5`, `ℹ fail 0`, each on its own line.
    let count = |what: &str| -> Option<u32> {
        report.lines().find_map(|l| l.trim().strip_prefix("ℹ ")?.strip_prefix(what)?.trim().parse().ok())
    };
    assert_eq!((count("tests "), count("pass "), count("fail ")), (Some(5), Some(5), Some(0)), "{report}");
}
