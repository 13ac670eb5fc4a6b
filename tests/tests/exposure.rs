//! What public answers reveal, and to whom: pages of another site cannot open sockets
//! (`/ws`, Socket.IO), and a create with a client-chosen id says nothing about what holds
//! it. (`/health` without the database: outage.rs.)

use prodsync_e2e::{token, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

const EVIL: &str = "https://evil.example";

/// The upgrade's status: 101 when the socket opened, else the refusal's.
async fn upgrade(url: &str, origin: Option<&str>) -> u16 {
    let mut req = url.into_client_request().expect("request");
    if let Some(origin) = origin {
        req.headers_mut().insert("origin", HeaderValue::from_str(origin).unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((_, res)) => res.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => res.status().as_u16(),
        Err(e) => panic!("no HTTP answer to the upgrade: {e}"),
    }
}

fn own_origin(s: &TestServer) -> String {
    s.base.clone()
}

fn socketio_ws(s: &TestServer) -> String {
    format!("{}/socket.io/?EIO=4&transport=websocket", s.base.replacen("http", "ws", 1))
}

async fn polling(s: &TestServer, origin: Option<&str>) -> (StatusCode, String) {
    let mut req = s.http.get(s.url("/socket.io/?EIO=4&transport=polling"));
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    let res = req.send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn pages_of_another_origin_cannot_open_sockets() {
    let s = TestServer::start().await;
    let ws = format!("{}?userId=ann", s.ws_url());
    assert_eq!(upgrade(&ws, Some(EVIL)).await, 403, "/ws from a foreign page");
    assert_eq!(upgrade(&ws, Some("null")).await, 403, "/ws from a sandboxed or file page");
    assert_eq!(upgrade(&ws, Some(&own_origin(&s))).await, 101, "/ws from this server's own page");
    assert_eq!(upgrade(&ws, None).await, 101, "/ws from a client that is no page");

    assert_eq!(upgrade(&socketio_ws(&s), Some(EVIL)).await, 403, "Socket.IO WebSocket from a foreign page");
    assert_eq!(upgrade(&socketio_ws(&s), None).await, 101);
    let (status, body) = polling(&s, Some(EVIL)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "Socket.IO polling from a foreign page: {body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), json!({"code": 4, "message": "Forbidden"}));
    let (status, body) = polling(&s, Some(&own_origin(&s))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.starts_with('0'), "an Engine.IO open packet: {body}");
    // A polling POST (no preflight needed) from a foreign page is refused too.
    let sid: Value = serde_json::from_str(&body[1..]).unwrap();
    let post = s
        .http
        .post(s.url(&format!("/socket.io/?EIO=4&transport=polling&sid={}", sid["sid"].as_str().unwrap())))
        .header("origin", EVIL)
        .header("content-type", "text/plain")
        .body("40")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn listed_origins_and_the_open_setting_let_pages_in() {
    let listed = TestServer::start_tuned(|c| c.cors_origins = vec!["https://plan.example".into()]).await;
    let ws = format!("{}?userId=ann", listed.ws_url());
    assert_eq!(upgrade(&ws, Some("https://plan.example")).await, 101);
    assert_eq!(upgrade(&ws, Some(EVIL)).await, 403);
    assert_eq!(polling(&listed, Some("https://plan.example")).await.0, StatusCode::OK);

    let open = TestServer::start_tuned(|c| c.allow_any_origin = true).await;
    assert_eq!(upgrade(&format!("{}?userId=ann", open.ws_url()), Some(EVIL)).await, 101);
    assert_eq!(upgrade(&socketio_ws(&open), Some(EVIL)).await, 101);
    assert_eq!(polling(&open, Some(EVIL)).await.0, StatusCode::OK);
}

/// The same refusal for an id that is taken, whoever holds it: the answer names neither
/// the id nor its type.
#[tokio::test]
async fn a_taken_id_is_refused_without_naming_what_holds_it() {
    let s = TestServer::start_jwt(|_| {}).await;
    let (ann, eve) = (token("ann", false), token("eve", false));
    let made =
        s.call_ok("POST", "/api/productions", &ann, Some(&json!({"showName": "Ann's", "client": "c"}))).await;
    let pid = made["id"].as_str().unwrap();
    let cam = s
        .call_ok("POST", &format!("/api/productions/{pid}/cameras"), &ann, Some(&json!({"name": "Cam 1"})))
        .await;
    let cam_id = cam["id"].as_str().unwrap();

    let (status, body) = s
        .call("POST", "/api/productions", &eve, Some(&json!({"id": pid, "showName": "Eve's", "client": "c"})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let text = body.to_string();
    assert!(!text.contains(pid) && !text.contains("production"), "the answer names nothing: {text}");
    assert_eq!(body["error"], "id_conflict");
    assert_eq!(body["details"], json!({"field": "id"}));
    // A member reusing an id of their own gets the same answer, word for word.
    let (status, own) = s
        .call(
            "POST",
            &format!("/api/productions/{pid}/cameras"),
            &ann,
            Some(&json!({"id": cam_id, "name": "Cam 2"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!((&own["message"], &own["details"]), (&body["message"], &body["details"]), "{own}");

    // The compatibility layer: a production made there, then its uuid reused by another.
    let (status, compat) = s
        .call(
            "POST",
            "/compat/api/productions",
            &ann,
            Some(&json!({"id": "prod_1_taken", "name": "Compat show"})),
        )
        .await;
    assert!(status.is_success(), "{status} {compat}");
    let taken = compat["uuid"].as_str().or(compat["id"].as_str()).unwrap().to_owned();
    let (status, again) = s
        .call("POST", "/compat/api/productions", &eve, Some(&json!({"id": "prod_1_taken", "name": "Mine"})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    let text = again.to_string();
    assert!(!text.contains("prod_1_taken") && !text.contains(&taken), "{text}");
}

/// A method a documented path does not serve: 405 with `Allow` (from the OpenAPI
/// document), never the 404 or 415 of another route the path also fits.
#[tokio::test]
async fn undeclared_methods_answer_405_with_allow() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cases = [
        ("PATCH", "/api/productions".to_owned(), "GET, POST, HEAD"),
        ("POST", format!("/api/productions/{pid}/snapshot"), "GET, HEAD"),
        ("GET", format!("/api/productions/{pid}/undo"), "POST"),
        ("POST", format!("/api/productions/{pid}/cameras/{pid}"), "DELETE, GET, PATCH, PUT, HEAD"),
        ("DELETE", "/api/settings/values".to_owned(), "GET, HEAD"),
    ];
    for (method, path, allow) in cases {
        let res = s
            .http
            .request(method.parse().unwrap(), s.url(&path))
            .header("x-user-id", "ann")
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "method_not_allowed", "{body}");
    }
    // Served methods still reach their routes.
    assert_eq!(s.get(&format!("/api/productions/{pid}/snapshot")).await.0, StatusCode::OK);
}
