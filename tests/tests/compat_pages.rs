//! Pages of the original frontend, each replayed as the requests its hooks send (bodies
//! as `useLEDScreenAPI`, `useRecordAPI`, `useMediaServerAPI`/`useProjectStore` and
//! `useEquipmentLibrary` build them) and checked as the page reads the answers. The Shows,
//! checklist and cameras pages are in compat.rs; computers and device ports in
//! compat_contract.rs.

use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};

const WHO: (&str, &str) = ("ann", "Ann");

async fn call(s: &TestServer, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    s.call(method, &format!("/compat/api{path}"), "", body.as_ref()).await
}

async fn ok(s: &TestServer, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, got) = call(s, method, path, body).await;
    assert!(status.is_success(), "{method} {path}: {status} {got}");
    got
}

/// Adds what every write of the original carries: who is acting.
fn by_ann(mut body: Value) -> Value {
    body["userId"] = json!(WHO.0);
    body["userName"] = json!(WHO.1);
    body
}

async fn show(s: &TestServer) -> String {
    let p =
        ok(s, "POST", "/productions", Some(by_ann(json!({"name": "Arena Tour", "client": "ACME"})))).await;
    p["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_led_page_makes_moves_and_removes_a_wall() {
    let s = TestServer::start().await;
    let pid = show(&s).await;
    // The page polls the list for a show it may not have synced yet: [] not an error.
    assert_eq!(ok(&s, "GET", "/led-screens/production/prod_1_not_synced", None).await, json!([]));
    let (status, refused) = call(
        &s,
        "POST",
        "/led-screens",
        Some(by_ann(json!({"productionId": "prod_1_not_synced", "name": "Wall", "sortOrder": 0}))),
    )
    .await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::BAD_REQUEST, Some("PRODUCTION_NOT_FOUND")));

    let grid = json!({"cols": 8, "rows": 4, "tiles": [[0, 0], [1, 0]]});
    let wall = ok(&s, "POST", "/led-screens", Some(by_ann(json!({"productionId": pid, "name": "Upstage wall",
        "sortOrder": 0, "posDsXM": 1.5, "posDsYM": -2.25, "rotationDeg": 0, "tileGrid": grid, "note": null})))).await;
    let uuid = wall["uuid"].as_str().unwrap().to_owned();
    assert_eq!((wall["name"].as_str(), wall["tileGrid"].clone()), (Some("Upstage wall"), grid));
    assert_eq!(wall["productionId"], json!(pid));
    let moved = ok(
        &s,
        "PUT",
        &format!("/led-screens/{uuid}"),
        Some(by_ann(json!({"productionId": pid,
        "name": "Upstage wall", "posDsXM": 3.0, "rotationDeg": 90, "version": wall["version"]}))),
    )
    .await;
    assert_eq!((moved["posDsXM"].as_f64(), moved["rotationDeg"].as_f64()), (Some(3.0), Some(90.0)));
    assert_eq!(moved["version"], 2);
    let list = ok(&s, "GET", &format!("/led-screens/production/{pid}"), None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["posDsYM"].as_f64(), Some(-2.25));
    // The page sends its user in a DELETE body.
    let gone =
        ok(&s, "DELETE", &format!("/led-screens/{uuid}"), Some(json!({"userId": "ann", "userName": "Ann"})))
            .await;
    assert_eq!(gone, json!({"success": true}));
    assert_eq!(call(&s, "GET", &format!("/led-screens/{uuid}"), None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_records_page_keeps_its_recorders() {
    let s = TestServer::start().await;
    let pid = show(&s).await;
    let rec = ok(
        &s,
        "POST",
        "/records",
        Some(by_ann(json!({"id": "REC 1", "productionId": pid, "name": "ISO recorder",
        "manufacturer": "AJA", "model": "Ki Pro Ultra", "format": "ProRes 422 HQ", "note": ""}))),
    )
    .await;
    assert_eq!((rec["id"].as_str(), rec["model"].as_str()), (Some("REC 1"), Some("Ki Pro Ultra")));
    assert_eq!(rec["note"], Value::Null, "empty strings are stored as null, as the original stores them");
    let uuid = rec["uuid"].as_str().unwrap();
    let (status, dup) = call(
        &s,
        "POST",
        "/records",
        Some(by_ann(json!({"id": "REC 1", "productionId": pid, "name": "Again"}))),
    )
    .await;
    assert_eq!((status, dup["details"]["field"].as_str()), (StatusCode::CONFLICT, Some("id")));
    let edited = ok(
        &s,
        "PUT",
        &format!("/records/{uuid}"),
        Some(by_ann(json!({"name": "ISO recorder",
        "format": "ProRes 4444", "version": 1}))),
    )
    .await;
    assert_eq!(edited["format"], "ProRes 4444");
    let list = ok(&s, "GET", &format!("/records/production/{pid}"), None).await;
    assert_eq!(
        list.as_array().unwrap().iter().map(|r| r["id"].clone()).collect::<Vec<_>>(),
        [json!("REC 1")]
    );
    assert_eq!(ok(&s, "DELETE", &format!("/records/{uuid}"), None).await, json!({"success": true}));
    assert_eq!(ok(&s, "GET", &format!("/records/production/{pid}"), None).await, json!([]));
}

#[tokio::test]
async fn the_media_server_page_saves_a_pair_and_its_ports() {
    let s = TestServer::start().await;
    let pid = show(&s).await;
    let server = |id: &str, backup: bool| {
        by_ann(json!({"id": id, "name": format!("{id} playback"), "pairNumber": 1, "isBackup": backup,
            "platform": "Disguise", "note": null, "computerType": "vx4", "productionId": pid}))
    };
    let main = ok(&s, "POST", "/media-servers", Some(server("MS 1A", false))).await;
    let backup = ok(&s, "POST", "/media-servers", Some(server("MS 1B", true))).await;
    assert_eq!((main["isBackup"].as_bool(), backup["isBackup"].as_bool()), (Some(false), Some(true)));
    assert_eq!(main["computerType"], "vx4");
    let list = ok(&s, "GET", &format!("/media-servers/production/{pid}"), None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(2));

    // Its I/O panel: the ports of the main server, saved and read back.
    let main_uuid = main["uuid"].as_str().unwrap();
    let ports = json!([{"portLabel": "DP 1", "ioType": "DisplayPort", "direction": "OUTPUT"},
        {"portLabel": "Genlock", "ioType": "BNC", "direction": "INPUT"}]);
    let saved = ok(
        &s,
        "POST",
        &format!("/device-ports/device/{main_uuid}/sync"),
        Some(json!({"productionId": pid, "deviceDisplayId": "MS 1A", "ports": ports})),
    )
    .await;
    assert_eq!(saved.as_array().map(Vec::len), Some(2));
    let read = ok(&s, "GET", &format!("/device-ports/device/{main_uuid}"), None).await;
    assert_eq!(read, saved);
    let backup_uuid = backup["uuid"].as_str().unwrap();
    assert_eq!(ok(&s, "GET", &format!("/device-ports/device/{backup_uuid}"), None).await, json!([]));

    let renamed = ok(
        &s,
        "PUT",
        &format!("/media-servers/{main_uuid}"),
        Some(by_ann(json!({"name": "Main playback",
        "platform": "Disguise"}))),
    )
    .await;
    assert_eq!(renamed["name"], "Main playback");
    assert_eq!(
        ok(&s, "DELETE", &format!("/media-servers/{backup_uuid}"), None).await,
        json!({"success": true})
    );
    let left = ok(&s, "GET", &format!("/media-servers/production/{pid}"), None).await;
    assert_eq!(
        left.as_array().unwrap().iter().map(|m| m["id"].clone()).collect::<Vec<_>>(),
        [json!("MS 1A")]
    );
}

#[tokio::test]
async fn the_settings_page_reads_and_edits_the_lookup_lists() {
    let s = TestServer::start().await;
    // useEquipmentLibrary reads each list as an array of strings.
    for list in ["connector-types", "source-types", "frame-rates", "resolutions"] {
        let got = ok(&s, "GET", &format!("/settings/{list}"), None).await;
        let items = got.as_array().unwrap_or_else(|| panic!("{list}: {got}"));
        assert!(!items.is_empty() && items.iter().all(Value::is_string), "{list}: {got}");
    }
    let added =
        ok(&s, "POST", "/settings/connector-types", Some(by_ann(json!({"name": "SMPTE Fiber"})))).await;
    assert_eq!(added["id"], "SMPTE Fiber");
    let types = ok(&s, "GET", "/settings/connector-types", None).await;
    assert_eq!(types.as_array().unwrap().last(), Some(&json!("SMPTE Fiber")));
    let mut reordered: Vec<Value> = types.as_array().unwrap().clone();
    reordered.reverse();
    ok(&s, "PUT", "/settings/connector-types/reorder", Some(by_ann(json!({"types": reordered})))).await;
    assert_eq!(ok(&s, "GET", "/settings/connector-types", None).await[0], "SMPTE Fiber");
    let (status, bad) =
        call(&s, "PUT", "/settings/connector-types/reorder", Some(json!({"types": "HDMI"}))).await;
    assert_eq!((status, bad["details"]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("types")));
    ok(&s, "DELETE", "/settings/connector-types/SMPTE%20Fiber", None).await;
    let after = ok(&s, "GET", "/settings/connector-types", None).await;
    assert!(!after.as_array().unwrap().contains(&json!("SMPTE Fiber")));
    let restored = ok(&s, "POST", "/settings/connector-types/restore-defaults", None).await;
    assert_eq!(restored, ok(&s, "GET", "/settings/connector-types", None).await);
}
