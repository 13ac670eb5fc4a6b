//! Settings shared by every production: the lookup lists and key/value settings, over real
//! HTTP, with every change announced to every connected socket.

use prodsync_e2e::ws::WsClient;
use prodsync_e2e::{token, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn strings(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect()
}

#[tokio::test]
async fn lookup_lists_change_as_a_whole_and_every_socket_hears_of_it() {
    let s = TestServer::start().await;
    let (status, rates) = s.get("/api/settings/frame-rates").await;
    assert_eq!(
        (status, strings(&rates)),
        (StatusCode::OK, vec!["60", "59.94", "50", "30", "29.97", "25", "24", "23.98"])
    );
    let (_, connectors) = s.get("/api/settings/connector-types").await;
    assert_eq!(connectors.as_array().unwrap().len(), 24);
    // A socket that joined nothing still hears of shared settings.
    let mut ws = WsClient::connect(&s.ws_url()).await;

    let (status, list) = s.post("/api/settings/frame-rates", &json!({"rate": " 48 "})).await;
    assert_eq!(status, StatusCode::CREATED, "{list}");
    assert_eq!(strings(&list).last(), Some(&"48"));
    let heard = ws.expect_event("settings:frame-rates-updated").await;
    assert_eq!((heard["action"].as_str(), heard["value"].as_str()), (Some("add"), Some("48")));
    assert_eq!(heard["values"], list);

    let mut order = strings(&list).into_iter().map(str::to_owned).collect::<Vec<_>>();
    order.reverse();
    let reordered =
        s.ok("PUT", "/api/settings/frame-rates/reorder", "admin", Some(&json!({"values": order}))).await;
    assert_eq!(reordered, json!(order));
    assert_eq!(ws.expect_event("settings:frame-rates-updated").await["action"], "reorder");

    let removed = s.ok("DELETE", "/api/settings/frame-rates/29.97", "admin", None).await;
    assert!(!strings(&removed).contains(&"29.97"));
    assert_eq!(ws.expect_event("settings:frame-rates-updated").await["value"], "29.97");

    // Refusals change nothing.
    let before = s.get("/api/settings/frame-rates").await.1;
    let refusals = [
        (
            "POST",
            "/api/settings/frame-rates",
            Some(json!({"rate": "48"})),
            StatusCode::CONFLICT,
            "duplicate_value",
        ),
        (
            "POST",
            "/api/settings/frame-rates",
            Some(json!({"rate": "fast"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
        ),
        (
            "POST",
            "/api/settings/frame-rates",
            Some(json!({"name": "50"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_type",
        ),
        ("DELETE", "/api/settings/frame-rates/29.97", None, StatusCode::NOT_FOUND, "not_found"),
        (
            "PUT",
            "/api/settings/frame-rates/reorder",
            Some(json!({"values": ["60"]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
        ),
        ("GET", "/api/settings/colours", None, StatusCode::NOT_FOUND, "not_found"),
    ];
    for (method, path, body, status, code) in refusals {
        let (got_status, got) = s.send(method, path, "admin", body.as_ref()).await;
        assert_eq!((got_status, got["error"].as_str()), (status, Some(code)), "{method} {path}: {got}");
    }
    assert_eq!(s.get("/api/settings/frame-rates").await.1, before);

    let restored = s.ok("POST", "/api/settings/frame-rates/restore-defaults", "admin", None).await;
    assert_eq!(strings(&restored), vec!["60", "59.94", "50", "30", "29.97", "25", "24", "23.98"]);
    assert_eq!(ws.expect_event("settings:frame-rates-updated").await["action"], "restore-defaults");
}

#[tokio::test]
async fn key_value_settings_are_stored_read_and_announced() {
    let s = TestServer::start().await;
    let mut ws = WsClient::connect(&s.ws_url()).await;
    let (status, missing) = s.get("/api/settings/values/theme").await;
    assert_eq!((status, missing["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    let put = s
        .ok(
            "PUT",
            "/api/settings/values/theme",
            "ann",
            Some(&json!({"value": {"dark": true}, "category": "ui"})),
        )
        .await;
    assert_eq!((put["value"].clone(), put["lastModifiedBy"].as_str()), (json!({"dark": true}), Some("ann")));
    let heard = ws.expect_event("settings:updated").await;
    assert_eq!((heard["key"].as_str(), heard["value"].clone()), (Some("theme"), json!({"dark": true})));
    let (_, all) = s.get("/api/settings/values").await;
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(s.get("/api/settings/values/theme").await.1, put);

    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    for (path, body, status, field) in [
        ("/api/settings/values/a%20b", json!({"value": 1}), StatusCode::BAD_REQUEST, "key"),
        ("/api/settings/values/theme", json!({"category": "ui"}), unprocessable, "value"),
        ("/api/settings/values/theme", json!({"value": 1, "category": 7}), unprocessable, "category"),
    ] {
        let (got_status, got) = s.put(path, "ann", &body).await;
        assert_eq!((got_status, got["details"]["field"].as_str()), (status, Some(field)), "{path} {body}");
    }
    let (status, got) = s.get("/api/settings/values/a%2Cb").await;
    assert_eq!((status, got["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_path")));
    s.ok("DELETE", "/api/settings/values/theme", "ann", None).await;
    assert_eq!(ws.expect_event("settings:deleted").await["key"], "theme");
    assert_eq!(s.get("/api/settings/values/theme").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn in_jwt_mode_everyone_reads_settings_and_libraries_and_only_administrators_change_them() {
    let s = TestServer::start_jwt(|_| {}).await;
    let (crew, admin) = (token("ann", false), token("root", true));
    for path in ["/api/settings/connector-types", "/api/settings/values", "/api/formats", "/api/equipment"] {
        assert_eq!(s.call("GET", path, &crew, None).await.0, StatusCode::OK, "{path}");
        assert_eq!(s.call("GET", path, "", None).await.0, StatusCode::UNAUTHORIZED, "{path}");
    }
    let writes = [
        ("POST", "/api/settings/connector-types", json!({"name": "BNC"})),
        ("PUT", "/api/settings/values/theme", json!({"value": 1})),
        ("POST", "/api/formats", json!({"displayId": "x", "hRes": 1, "vRes": 1, "frameRate": 1})),
    ];
    for (method, path, body) in &writes {
        let (status, got) = s.call(method, path, &crew, Some(body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {got}");
        let (status, got) = s.call(method, path, &admin, Some(body)).await;
        assert!(status.is_success(), "{method} {path}: {got}");
    }
}
