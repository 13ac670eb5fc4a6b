//! The original app's contract on the compatibility surface, case by case as its pages
//! read the answers (400 PRODUCTION_NOT_FOUND, empty lists, computers, device ports, its
//! 404), and the same access rules and bounds as `/api` in `jwt` mode, over compat REST
//! and Socket.IO: the role table, the token in CONNECT, sessions bound to their opener,
//! and the relay attacks (join + change back to back, a removed member, a user at the
//! socket limit, a spoofed `userId`), and a join flood that must be answered in full.

use prodsync_e2e::sio::{Connected, SioClient};
use prodsync_e2e::{eventually, token, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A compat request as the original frontend sends it, with a bearer token ("" = none).
async fn compat(
    s: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    s.call(method, &format!("/compat/api{path}"), token, body.as_ref()).await
}

#[tokio::test]
async fn writes_for_an_unknown_production_get_the_originals_400_and_lists_are_empty() {
    let s = TestServer::start().await;
    let body = json!({"id": "CAM 1", "productionId": "prod_1_missing", "name": "A", "userId": "ann"});
    let (status, got) = compat(&s, "POST", "/cameras", "", Some(body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{got}");
    assert_eq!(
        (got["code"].as_str(), got["productionId"].as_str()),
        (Some("PRODUCTION_NOT_FOUND"), Some("prod_1_missing"))
    );
    assert!(got["error"].as_str().unwrap().contains("not found"), "{got}");
    for path in ["/cameras/production/prod_1_missing", "/led-screens/production/prod_1_missing"] {
        let (status, got) = compat(&s, "GET", path, "", None).await;
        assert_eq!((status, got), (StatusCode::OK, json!([])), "{path}");
    }
    let (status, got) = compat(&s, "GET", "/no-such-type/production/x/y", "", None).await;
    assert_eq!((status, got), (StatusCode::NOT_FOUND, json!({"error": "Route not found"})));
    let (status, got) = compat(&s, "GET", "/no-such-type/abc", "", None).await;
    assert_eq!((status, got), (StatusCode::NOT_FOUND, json!({"error": "Route not found"})));
}

/// A show made as the original's Shows page makes it; its original id.
async fn show(s: &TestServer) -> String {
    let (status, p) = compat(
        s,
        "POST",
        "/productions",
        "",
        Some(json!({"name": "Gala", "client": "ACME", "userId": "ann"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_second_camera_with_a_used_display_id_is_a_409_naming_id() {
    let s = TestServer::start().await;
    let pid = show(&s).await;
    let cam = json!({"id": "CAM 1", "productionId": pid, "name": "A", "userId": "ann"});
    assert_eq!(compat(&s, "POST", "/cameras", "", Some(cam.clone())).await.0, StatusCode::CREATED);
    let (status, got) = compat(&s, "POST", "/cameras", "", Some(cam)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{got}");
    assert_eq!(
        (got["code"].as_str(), got["details"]["field"].as_str()),
        (Some("duplicate_value"), Some("id"))
    );
    let (_, list) = compat(&s, "GET", &format!("/cameras/production/{pid}"), "", None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "nothing changed: {list}");
}

#[tokio::test]
async fn computers_are_sources_of_category_computer_listed_apart() {
    let s = TestServer::start().await;
    let pid = show(&s).await;
    let computer = json!({"id": "COMP 1", "productionId": pid, "name": "Playback", "type": "Laptop", "userId": "ann",
        "outputs": [{"connector": "HDMI"}]});
    let (status, made) = compat(&s, "POST", "/computers", "", Some(computer)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["category"], "COMPUTER");
    let source = json!({"id": "SRC 1", "productionId": pid, "name": "Camera feed", "type": "Camera", "category": "CAMERA", "userId": "ann"});
    assert_eq!(compat(&s, "POST", "/sources", "", Some(source)).await.0, StatusCode::CREATED);
    let (_, computers) = compat(&s, "GET", &format!("/computers/production/{pid}"), "", None).await;
    let ids: Vec<&str> = computers.as_array().unwrap().iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids, ["COMP 1"]);
    assert_eq!(computers[0]["outputs"].as_array().map(Vec::len), Some(1));
    let (status, _) =
        compat(&s, "GET", &format!("/computers/{}", made["uuid"].as_str().unwrap()), "", None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_devices_ports_are_listed_replaced_and_deleted_as_the_original_does() {
    let s = TestServer::start().await;
    let pid = show(&s).await;
    let (_, ccu) = compat(
        &s,
        "POST",
        "/ccus",
        "",
        Some(json!({"id": "CCU 1", "productionId": pid, "name": "CCU", "userId": "ann"})),
    )
    .await;
    let device = ccu["uuid"].as_str().unwrap().to_owned();
    let path = format!("/device-ports/device/{device}");
    assert_eq!(compat(&s, "GET", &path, "", None).await, (StatusCode::OK, json!([])));
    let ports = json!([
        {"portLabel": "SDI 1", "ioType": "SDI", "direction": "OUTPUT"},
        {"portLabel": "Fiber", "ioType": "SMPTE", "direction": "INPUT"},
        {"portLabel": "SDI 2", "ioType": "SDI", "direction": "OUTPUT"},
    ]);
    let sync = format!("{path}/sync");
    let (status, got) = compat(
        &s,
        "POST",
        &sync,
        "",
        Some(json!({"productionId": pid, "deviceDisplayId": "CCU 1", "ports": ports})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{got}");
    let label = |v: &Value| {
        v.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(label(&got), ["CCU 1_in_1", "CCU 1_out_1", "CCU 1_out_2"], "inputs first");
    assert_eq!(
        (got[0]["direction"].as_str(), got[0]["deviceUuid"].as_str()),
        (Some("INPUT"), Some(device.as_str()))
    );
    assert_eq!(compat(&s, "GET", &path, "", None).await.1, got);

    // A save that keeps the fiber input (by uuid, relabelled) and drops the outputs.
    let keep = json!([{"uuid": got[0]["uuid"], "id": "CCU 1_in_1", "portLabel": "Fiber A", "ioType": "SMPTE", "direction": "INPUT"}]);
    let (_, after) = compat(&s, "POST", &sync, "", Some(json!({"productionId": pid, "ports": keep}))).await;
    assert_eq!(label(&after), ["CCU 1_in_1"]);
    assert_eq!(
        (after[0]["uuid"].clone(), after[0]["portLabel"].as_str()),
        (got[0]["uuid"].clone(), Some("Fiber A"))
    );

    let (status, bad) = compat(&s, "POST", &sync, "", Some(json!({"ports": []}))).await;
    assert_eq!(
        (status, bad),
        (StatusCode::BAD_REQUEST, json!({"error": "productionId and ports[] are required"}))
    );
    assert_eq!(compat(&s, "DELETE", &path, "", None).await, (StatusCode::OK, json!({"success": true})));
    assert_eq!(compat(&s, "GET", &path, "", None).await, (StatusCode::OK, json!([])));
}

/// In jwt mode: a production owned by olga with vera (viewer), ed (editor) and owen (owner).
async fn crew(s: &TestServer) -> (String, String) {
    let olga = token("olga", false);
    let p = s
        .call_ok("POST", "/api/productions", &olga, Some(&json!({"showName": "Gala", "client": "ACME"})))
        .await;
    let pid = p["id"].as_str().unwrap().to_owned();
    for (user, role) in [("vera", "viewer"), ("ed", "editor"), ("owen", "owner")] {
        let path = format!("/api/productions/{pid}/members/{user}");
        s.call_ok("PUT", &path, &olga, Some(&json!({ "role": role }))).await;
    }
    let cam = s
        .call_ok(
            "POST",
            &format!("/api/productions/{pid}/cameras"),
            &olga,
            Some(&json!({"displayId": "CAM 1", "name": "A"})),
        )
        .await;
    (pid, cam["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn compat_rest_in_jwt_mode_follows_the_role_table() {
    let s = TestServer::start_jwt(|_| {}).await;
    let (pid, cam) = crew(&s).await;
    let callers = [
        ("viewer", token("vera", false)),
        ("editor", token("ed", false)),
        ("owner", token("owen", false)),
        ("non-member", token("nick", false)),
        ("no token", String::new()),
        ("bad token", "not.a.jwt".to_owned()),
    ];
    // The original's empty list for a production a non-member cannot see; 401 without a token.
    let rows: Vec<(&str, String, Option<Value>, [u16; 6])> = vec![
        ("GET", format!("/cameras/production/{pid}"), None, [200, 200, 200, 200, 401, 401]),
        ("GET", format!("/cameras/{cam}"), None, [200, 200, 200, 404, 401, 401]),
        ("GET", format!("/productions/{pid}"), None, [200, 200, 200, 404, 401, 401]),
        ("PUT", format!("/cameras/{cam}"), Some(json!({"note": "x"})), [403, 200, 200, 404, 401, 401]),
        (
            "POST",
            "/cameras".into(),
            Some(json!({"productionId": pid, "name": "B"})),
            [403, 201, 201, 400, 401, 401],
        ),
        // The editor's delete goes through; the owner then finds nothing to delete.
        ("DELETE", format!("/cameras/{cam}"), None, [403, 200, 404, 404, 401, 401]),
    ];
    for (method, path, body, expected) in rows {
        for ((who, t), want) in callers.iter().zip(expected) {
            let (status, got) = compat(&s, method, &path, t, body.clone()).await;
            assert_eq!(status.as_u16(), want, "{who}: {method} {path}: {got}");
            if method == "GET" && path.contains("/production/") && who == &"non-member" {
                assert_eq!(got, json!([]), "a hidden production lists as empty");
            }
        }
    }
}

#[tokio::test]
async fn the_standard_token_in_connect_works_over_websocket_and_polling() {
    let s = TestServer::start_jwt(|_| {}).await;
    let (pid, _) = crew(&s).await;
    // WebSocket: io(url, {auth: {token}}).
    let mut ws = SioClient::open(&s.base).await;
    assert!(matches!(ws.connect(json!({"token": token("ed", false)})).await, Connected::Ok(_)));
    assert_eq!(ws.join(&pid).await["ok"], true);
    // No token, or a bad one: the CONNECT is refused.
    let mut anon = SioClient::open(&s.base).await;
    assert!(matches!(anon.connect(json!({})).await, Connected::Refused(_)));
    let mut bad = SioClient::open(&s.base).await;
    assert!(matches!(bad.connect(json!({"token": "not.a.jwt"})).await, Connected::Refused(_)));

    // Polling: the handshake carries nothing; the token comes in the CONNECT packet.
    let base = s.url("/socket.io/?EIO=4&transport=polling");
    let open = s.http.get(&base).send().await.unwrap();
    assert_eq!(open.status(), StatusCode::OK);
    let text = open.text().await.unwrap();
    let sid: Value = serde_json::from_str(&text[1..]).unwrap();
    let with_sid = format!("{base}&sid={}", sid["sid"].as_str().unwrap());
    let connect = format!("40{}", json!({"token": token("vera", false)}));
    let posted = s.http.post(&with_sid).body(connect).send().await.unwrap();
    assert_eq!(posted.status(), StatusCode::OK);
    let answer = s.http.get(&with_sid).send().await.unwrap().text().await.unwrap();
    assert!(answer.starts_with("40{"), "a CONNECT answer, got {answer}");

    // The session is its opener's: another user's token with its sid is refused.
    let other = s.http.get(&with_sid).bearer_auth(token("nick", false)).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::BAD_REQUEST);
    let post =
        s.http.post(&with_sid).bearer_auth(token("nick", false)).body("42[\"x\",{}]").send().await.unwrap();
    assert_eq!(post.status(), StatusCode::BAD_REQUEST);
    ws.close().await;
}

/// A client of `user`, connected with its token.
async fn member(s: &TestServer, user: &str) -> SioClient {
    let mut c = SioClient::open(&s.base).await;
    assert!(matches!(c.connect(json!({"token": token(user, false)})).await, Connected::Ok(_)), "{user}");
    c
}

/// The next relayed `production:change` at `c`: who it says sent it, and its data.
async fn relayed(c: &mut SioClient) -> (Value, Value) {
    let got = c.event("production:change").await;
    (got["userId"].clone(), got["data"].clone())
}

#[tokio::test]
async fn a_non_member_cannot_relay_and_nobody_relays_under_another_name() {
    let s = TestServer::start_jwt(|_| {}).await;
    let (pid, _) = crew(&s).await;
    let mut owen = member(&s, "owen").await;
    assert_eq!(owen.join(&pid).await["ok"], true);
    let mut ed = member(&s, "ed").await;
    assert_eq!(ed.join(&pid).await["ok"], true);

    // Join and change back to back, before the join was answered.
    let mut nick = member(&s, "nick").await;
    let id = nick.emit_ack("production:join", json!({"productionId": pid})).await;
    nick.emit("production:change", json!({"productionId": pid, "changeType": "x", "data": "from nick"}))
        .await;
    assert_eq!(nick.ack(id).await["ok"], false);
    nick.emit(
        "production:change",
        json!({"productionId": pid, "changeType": "x", "data": "from nick again"}),
    )
    .await;
    nick.sync().await;

    // ed names owen as the sender: the relay says ed.
    ed.emit(
        "production:change",
        json!({"productionId": pid, "userId": "owen", "changeType": "x", "data": "from ed"}),
    )
    .await;
    assert_eq!(
        relayed(&mut owen).await,
        (json!("ed"), json!("from ed")),
        "the first relay owen hears is ed's"
    );
}

#[tokio::test]
async fn a_removed_member_stops_relaying_both_ways() {
    let s = TestServer::start_jwt(|_| {}).await;
    let (pid, _) = crew(&s).await;
    let (mut owen, mut ed, mut vera) =
        (member(&s, "owen").await, member(&s, "ed").await, member(&s, "vera").await);
    for c in [&mut owen, &mut ed, &mut vera] {
        assert_eq!(c.join(&pid).await["ok"], true);
    }
    ed.emit("production:change", json!({"productionId": pid, "data": 1})).await;
    assert_eq!(relayed(&mut owen).await, (json!("ed"), json!(1)));

    s.call_ok("DELETE", &format!("/api/productions/{pid}/members/ed"), &token("olga", false), None).await;
    ed.event("production:deleted").await;
    ed.emit("production:change", json!({"productionId": pid, "data": 2})).await;
    ed.sync().await;
    vera.emit("production:change", json!({"productionId": pid, "data": 3})).await;
    assert_eq!(relayed(&mut owen).await, (json!("vera"), json!(3)), "ed's change after removal never came");
    ed.sync().await;
    assert!(ed.events.iter().all(|(name, _)| name != "production:change"), "ed heard: {:?}", ed.events);
}

#[tokio::test]
async fn a_user_at_the_socket_limit_is_refused_and_does_not_relay() {
    let s = TestServer::start_jwt(|c| c.ws_max_sockets_per_user = 1).await;
    let (pid, _) = crew(&s).await;
    let mut owen = member(&s, "owen").await;
    assert_eq!(owen.join(&pid).await["ok"], true);
    let mut ed = member(&s, "ed").await;
    assert_eq!(ed.join(&pid).await["ok"], true);
    let mut ed2 = member(&s, "ed").await;
    let refused = ed2.join(&pid).await;
    assert_eq!(
        (refused["ok"].clone(), refused["error"].clone()),
        (json!(false), json!("refused")),
        "ed's second socket is over the limit"
    );
    ed2.emit("production:change", json!({"productionId": pid, "data": "over the limit"})).await;
    ed2.sync().await;
    ed.emit("production:change", json!({"productionId": pid, "data": "within"})).await;
    assert_eq!(relayed(&mut owen).await, (json!("ed"), json!("within")));
}

#[tokio::test]
async fn thousands_of_joins_back_to_back_are_each_answered_and_the_socket_is_freed() {
    let s = TestServer::start().await;
    let before = s.metric("ws_connections").await;
    let mut c = SioClient::open(&s.base).await;
    assert!(matches!(c.connect(json!({})).await, Connected::Ok(_)));
    const N: u64 = 3000;
    for i in 0..N {
        let data = json!({"productionId": format!("prod_flood_{i}"), "userId": "flooder"});
        c.emit_ack("production:join", data).await;
    }
    let answers = c.acks(N).await;
    assert!(answers.iter().all(|a| a.get("ok").is_some()), "every join answered");
    assert!(answers.iter().all(|a| a["ok"] == false), "none of those productions exist");
    c.close().await;
    eventually("the session's core socket is freed", || async { s.metric("ws_connections").await == before })
        .await;
}

#[tokio::test]
async fn one_address_cannot_open_sessions_without_end() {
    let s = TestServer::start().await;
    let url = s.url("/socket.io/?EIO=4&transport=polling");
    let mut refused = None;
    for i in 0..300 {
        let status = s.http.get(&url).send().await.unwrap().status();
        if status != StatusCode::OK {
            refused = Some((i, status));
            break;
        }
    }
    assert_eq!(refused, Some((256, StatusCode::TOO_MANY_REQUESTS)));
}

/// A polling client that closes its session while its long-poll GET waits (socket.io-client
/// does so on `close()`) gets that GET answered with the close packet at once, as Engine.IO's
/// server does; it was left waiting until the ping timeout (45 s) answered it with a noop.
#[tokio::test]
async fn a_polling_close_answers_the_waiting_get() {
    let s = TestServer::start().await;
    let base = s.url("/socket.io/?EIO=4&transport=polling");
    let text = s.http.get(&base).send().await.unwrap().text().await.unwrap();
    let sid: Value = serde_json::from_str(&text[1..]).unwrap();
    let with_sid = format!("{base}&sid={}", sid["sid"].as_str().unwrap());
    assert_eq!(s.http.post(&with_sid).body("40").send().await.unwrap().status(), StatusCode::OK);
    let answer = s.http.get(&with_sid).send().await.unwrap().text().await.unwrap();
    assert!(answer.starts_with("40{"), "a CONNECT answer, got {answer}");

    let waiting = tokio::spawn({
        let (http, url) = (s.http.clone(), with_sid.clone());
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    });
    eventually("the long-poll waits", || async { s.metric("socketio_polls_waiting").await == 1.0 }).await;
    let closing = s.http.post(&with_sid).body("1").send().await;
    let answer = waiting.await.unwrap();
    assert_eq!(answer, "1", "the waiting GET gets the close packet (closing answered {closing:?})");
}
