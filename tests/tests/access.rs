//! Identity and access in `jwt` mode, over real HTTP and WebSocket: every kind of caller
//! against every kind of route, member removal, and who sees which productions.

use std::time::Duration;

use prodsync_e2e::ws::{Got, WsClient};
use prodsync_e2e::{token, TestServer, JWT_SECRET};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Who calls, and with which token ("" = none).
struct Who {
    name: &'static str,
    token: String,
}

fn callers() -> Vec<Who> {
    let expired = {
        // Signed correctly, expired an hour ago (beyond any leeway).
        use jsonwebtoken::{encode, EncodingKey, Header};
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let claims = json!({"sub": "vera", "exp": now - 3600});
        encode(&Header::default(), &claims, &EncodingKey::from_secret(JWT_SECRET.as_bytes())).unwrap()
    };
    let forged = prodsync_api::auth::mint(
        "not-the-secret-not-the-secret-xx",
        "olga",
        None,
        true,
        Duration::from_secs(600),
    )
    .unwrap();
    vec![
        Who { name: "viewer", token: token("vera", false) },
        Who { name: "editor", token: token("ed", false) },
        Who { name: "owner", token: token("owen", false) },
        Who { name: "non-member", token: token("nick", false) },
        Who { name: "admin", token: token("ada", true) },
        Who { name: "no token", token: String::new() },
        Who { name: "expired", token: expired },
        Who { name: "wrong signature", token: forged },
    ]
}

/// A production owned by olga with vera (viewer), ed (editor) and owen (owner) as members.
async fn crew_production(s: &TestServer, olga: &str) -> String {
    let p = s
        .call_ok("POST", "/api/productions", olga, Some(&json!({"showName": "Gala", "client": "ACME"})))
        .await;
    let pid = p["id"].as_str().unwrap().to_owned();
    for (user, role) in [("vera", "viewer"), ("ed", "editor"), ("owen", "owner")] {
        let path = format!("/api/productions/{pid}/members/{user}");
        s.call_ok("PUT", &path, olga, Some(&json!({ "role": role }))).await;
    }
    pid
}

/// The status each caller must get, in `callers()` order.
type Row = [u16; 8];
const READ: Row = [200, 200, 200, 404, 200, 401, 401, 401];
const CREATE: Row = [403, 201, 201, 404, 201, 401, 401, 401];
const EDIT: Row = [403, 200, 200, 404, 200, 401, 401, 401];
const MANAGE: Row = [403, 403, 200, 404, 200, 401, 401, 401];
const ANYONE_SIGNED_IN: Row = [201, 201, 201, 201, 201, 401, 401, 401];
const READ_GLOBAL: Row = [200, 200, 200, 200, 200, 401, 401, 401];
const ADMIN_ONLY: Row = [403, 403, 403, 403, 201, 401, 401, 401];

#[tokio::test]
async fn every_caller_against_every_kind_of_route_answers_as_the_spec_says() {
    let s = TestServer::start_jwt(|_| {}).await;
    let olga = token("olga", false);
    let pid = crew_production(&s, &olga).await;
    let p = format!("/api/productions/{pid}");
    let cam = s.call_ok("POST", &format!("{p}/cameras"), &olga, Some(&json!({"name": "Cam 1"}))).await;
    let cam = format!("{p}/cameras/{}", cam["id"].as_str().unwrap());

    for (i, who) in callers().iter().enumerate() {
        // Fresh targets for the destructive calls, made by the owner.
        let doomed =
            s.call_ok("POST", &format!("{p}/cameras"), &olga, Some(&json!({"name": "Doomed"}))).await;
        let doomed = format!("{p}/cameras/{}", doomed["id"].as_str().unwrap());
        s.call_ok("PUT", &format!("{p}/members/zed"), &olga, Some(&json!({"role": "viewer"}))).await;
        let gone = crew_production(&s, &olga).await;
        let equipment = json!({"manufacturer": format!("Maker {i}"), "model": "X", "category": "camera"});

        let cases: Vec<(&str, String, Option<Value>, Row)> = vec![
            ("GET", p.clone(), None, READ),
            ("GET", format!("{p}/cameras"), None, READ),
            ("GET", cam.clone(), None, READ),
            ("GET", format!("{p}/snapshot"), None, READ),
            ("GET", format!("{p}/changes?since=0"), None, READ),
            ("GET", format!("{p}/members"), None, READ),
            ("POST", format!("{p}/cameras"), Some(json!({"name": "New"})), CREATE),
            ("PUT", cam.clone(), Some(json!({"note": who.name})), EDIT),
            ("PATCH", cam.clone(), Some(json!({"model": who.name})), EDIT),
            ("DELETE", doomed, None, EDIT),
            ("PUT", p.clone(), Some(json!({"venue": who.name})), MANAGE),
            ("PUT", format!("{p}/members/zed"), Some(json!({"role": "editor"})), MANAGE),
            ("DELETE", format!("{p}/members/zed"), None, MANAGE),
            ("DELETE", format!("/api/productions/{gone}"), None, MANAGE),
            (
                "POST",
                "/api/productions".into(),
                Some(json!({"showName": "Mine", "client": "Me"})),
                ANYONE_SIGNED_IN,
            ),
            ("GET", "/api/equipment".into(), None, READ_GLOBAL),
            ("POST", "/api/equipment".into(), Some(equipment), ADMIN_ONLY),
        ];
        for (method, path, body, row) in cases {
            let (status, got) = s.call(method, &path, &who.token, body.as_ref()).await;
            assert_eq!(status.as_u16(), row[i], "{} {method} {path}: {got}", who.name);
            let code = got["error"].as_str();
            match status.as_u16() {
                401 => assert_eq!(code, Some("unauthorized"), "{got}"),
                403 => assert_eq!(code, Some("forbidden"), "{got}"),
                404 => assert_eq!(code, Some("not_found"), "{got}"),
                _ => assert!(status.is_success(), "{got}"),
            }
        }
    }
}

#[tokio::test]
async fn unauthorized_answers_name_the_scheme_and_hidden_productions_look_missing() {
    let s = TestServer::start_jwt(|_| {}).await;
    let olga = token("olga", false);
    let pid = crew_production(&s, &olga).await;
    let res = s.http.get(s.url(&format!("/api/productions/{pid}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    // A non-member's 404 is byte for byte what a production that does not exist gives.
    let nick = token("nick", false);
    let (_, hidden) = s.call("GET", &format!("/api/productions/{pid}"), &nick, None).await;
    let missing_id = uuid::Uuid::new_v4();
    let (_, missing) = s.call("GET", &format!("/api/productions/{missing_id}"), &nick, None).await;
    assert_eq!(hidden["error"], missing["error"]);
    assert_eq!(
        hidden["message"].as_str().unwrap().replace(&pid, "ID"),
        missing["message"].as_str().unwrap().replace(&missing_id.to_string(), "ID")
    );
    // X-User-Id means nothing in jwt mode.
    let (status, _) = s.send("GET", &format!("/api/productions/{pid}"), "olga", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn join_production_answers_each_caller_as_the_spec_says() {
    let s = TestServer::start_jwt(|_| {}).await;
    let pid = crew_production(&s, &token("olga", false)).await;
    for who in callers() {
        let url = if who.token.is_empty() { s.ws_url() } else { s.ws_url_with_token(&who.token) };
        let connected = WsClient::try_connect(&url).await;
        match who.name {
            "no token" | "expired" | "wrong signature" => {
                assert_eq!(connected.err(), Some(401), "{}", who.name);
                continue;
            }
            _ => {}
        }
        let mut c = connected.unwrap_or_else(|status| panic!("{} refused with {status}", who.name));
        c.send("join-production", json!({"productionId": pid})).await;
        let f = c.frame().await;
        if who.name == "non-member" {
            assert_eq!(
                (f["event"].as_str(), f["data"]["error"].as_str()),
                (Some("error"), Some("not_found")),
                "{f}"
            );
        } else {
            assert_eq!(f["event"], "joined", "{}: {f}", who.name);
        }
    }
}

#[tokio::test]
async fn a_removed_member_is_taken_out_of_the_room_and_receives_nothing_after() {
    let s = TestServer::start_jwt(|_| {}).await;
    let olga = token("olga", false);
    let pid = crew_production(&s, &olga).await;
    let cam = s
        .call_ok("POST", &format!("/api/productions/{pid}/cameras"), &olga, Some(&json!({"name": "C"})))
        .await;
    let cam = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());

    let mut ed = WsClient::connect(&s.ws_url_with_token(&token("ed", false))).await;
    ed.join(&pid, None).await;
    let mut ed_tab2 = WsClient::connect(&s.ws_url_with_token(&token("ed", false))).await;
    ed_tab2.join(&pid, None).await;
    let mut vera = WsClient::connect(&s.ws_url_with_token(&token("vera", false))).await;
    vera.join(&pid, None).await;

    let removed = s.call_ok("DELETE", &format!("/api/productions/{pid}/members/ed"), &olga, None).await;
    let removal_seq = removed["seq"].as_i64().unwrap();
    for tab in [&mut ed, &mut ed_tab2] {
        let f = tab.frame().await;
        assert_eq!(f["event"], "removed-from-production", "{f}");
        assert_eq!(f["data"]["productionId"], json!(pid));
        let status = tab.expect_event("connection-status").await;
        assert_eq!(status["rooms"], json!([]));
    }
    let seen = vera.events_until(removal_seq, Duration::from_secs(5)).await;
    assert_eq!(seen.last().unwrap()["event"], "member:deleted");
    assert_eq!(seen.last().unwrap()["data"]["data"]["userId"], "ed");

    // The next change reaches vera; by then it would have reached ed too, had ed stayed.
    s.call_ok("PUT", &cam, &olga, Some(&json!({"note": "after"}))).await;
    let after = vera.events_until(removal_seq + 1, Duration::from_secs(5)).await;
    assert_eq!(after.last().unwrap()["event"], "camera:updated");
    assert_eq!(ed.next(Duration::from_millis(300)).await, Got::Timeout, "ed got something after removal");
    // And rejoining is refused as for anyone outside the production.
    ed.send("join-production", json!({"productionId": pid})).await;
    let f = ed.frame().await;
    assert_eq!(f["data"]["error"], "not_found", "{f}");
    let (status, _) = s.call("GET", &cam, &token("ed", false), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn membership_changes_are_in_the_change_stream_and_the_last_owner_stays() {
    let s = TestServer::start_jwt(|_| {}).await;
    let olga = token("olga", false);
    let pid = crew_production(&s, &olga).await;
    let p = format!("/api/productions/{pid}");
    let members = s.call_ok("GET", &format!("{p}/members"), &token("vera", false), None).await;
    let mut roles: Vec<(String, String)> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["userId"].as_str().unwrap().to_owned(), m["role"].as_str().unwrap().to_owned()))
        .collect();
    roles.sort();
    let want = [("ed", "editor"), ("olga", "owner"), ("owen", "owner"), ("vera", "viewer")];
    assert_eq!(roles, want.map(|(u, r)| (u.to_owned(), r.to_owned())));
    assert_eq!(members[0]["addedBy"], "olga");
    assert!(members[0]["addedAt"].is_string());

    let changes = s.call_ok("GET", &format!("{p}/changes?since=0"), &olga, None).await;
    let events: Vec<&str> =
        changes["events"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["production:created", "member:created", "member:created", "member:created"]);

    // Two owners: either may go, but not both.
    s.call_ok("DELETE", &format!("{p}/members/owen"), &olga, None).await;
    let (status, got) = s.call("DELETE", &format!("{p}/members/olga"), &olga, None).await;
    assert_eq!((status, got["error"].as_str()), (StatusCode::CONFLICT, Some("last_owner")), "{got}");
    let (status, got) =
        s.call("PUT", &format!("{p}/members/olga"), &olga, Some(&json!({"role": "editor"}))).await;
    assert_eq!((status, got["error"].as_str()), (StatusCode::CONFLICT, Some("last_owner")), "{got}");
    // Bad bodies name the field and change nothing.
    let before = s.fingerprint().await;
    for (body, code) in [
        (json!({"role": "admin"}), "invalid_value"),
        (json!({}), "missing_field"),
        (json!({"role": 3}), "invalid_type"),
        (json!({"role": "viewer", "x": 1}), "unknown_field"),
    ] {
        let (status, got) = s.call("PUT", &format!("{p}/members/zed"), &olga, Some(&body)).await;
        assert_eq!(
            (status, got["error"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{body}: {got}"
        );
    }
    let (status, got) = s.call("DELETE", &format!("{p}/members/nobody"), &olga, None).await;
    assert_eq!((status, got["error"].as_str()), (StatusCode::NOT_FOUND, Some("member_not_found")), "{got}");
    assert_eq!(s.fingerprint().await, before);
}

#[tokio::test]
async fn the_list_and_the_list_room_show_only_the_callers_productions() {
    let s = TestServer::start_jwt(|_| {}).await;
    let (olga, nick) = (token("olga", false), token("nick", false));
    let mine =
        s.call_ok("POST", "/api/productions", &olga, Some(&json!({"showName": "Mine", "client": "A"}))).await;
    let theirs = s
        .call_ok("POST", "/api/productions", &nick, Some(&json!({"showName": "Theirs", "client": "B"})))
        .await;
    let (mine, theirs) = (mine["id"].as_str().unwrap().to_owned(), theirs["id"].as_str().unwrap().to_owned());
    let ids = |list: Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(s.call_ok("GET", "/api/productions", &olga, None).await), vec![mine.clone()]);
    assert_eq!(ids(s.call_ok("GET", "/api/productions", &nick, None).await), vec![theirs.clone()]);
    assert_eq!(
        ids(s.call_ok("GET", "/api/productions", &token("ada", true), None).await),
        [mine.clone(), theirs.clone()]
    );

    let mut list = WsClient::connect(&s.ws_url_with_token(&olga)).await;
    list.send("join-production-list", json!({})).await;
    list.expect_event("joined-production-list").await;
    // Nick's production changes: olga's list stays silent; her own change is the next she sees.
    s.call_ok("PUT", &format!("/api/productions/{theirs}"), &nick, Some(&json!({"venue": "Hidden"}))).await;
    s.call_ok("PUT", &format!("/api/productions/{mine}"), &olga, Some(&json!({"venue": "Seen 1"}))).await;
    let f = list.frame().await;
    assert_eq!(
        (f["event"].as_str(), f["data"]["data"]["venue"].as_str()),
        (Some("production:updated"), Some("Seen 1")),
        "{f}"
    );

    // Added to nick's production: she hears of it and then of its changes.
    s.call_ok(
        "PUT",
        &format!("/api/productions/{theirs}/members/olga"),
        &nick,
        Some(&json!({"role": "viewer"})),
    )
    .await;
    let f = list.frame().await;
    assert_eq!(
        (f["event"].as_str(), f["data"]["data"]["userId"].as_str()),
        (Some("member:created"), Some("olga")),
        "{f}"
    );
    s.call_ok("PUT", &format!("/api/productions/{theirs}"), &nick, Some(&json!({"venue": "Shared"}))).await;
    let f = list.frame().await;
    assert_eq!(f["data"]["data"]["venue"], "Shared", "{f}");

    // Removed again: she hears that, and nothing more of it.
    s.call_ok("DELETE", &format!("/api/productions/{theirs}/members/olga"), &nick, None).await;
    let f = list.frame().await;
    assert_eq!(f["event"], "member:deleted", "{f}");
    s.call_ok("PUT", &format!("/api/productions/{theirs}"), &nick, Some(&json!({"venue": "Hidden again"})))
        .await;
    s.call_ok("PUT", &format!("/api/productions/{mine}"), &olga, Some(&json!({"venue": "Seen 2"}))).await;
    let f = list.frame().await;
    assert_eq!(f["data"]["data"]["venue"], "Seen 2", "{f}");
}

#[tokio::test]
async fn the_production_list_pages_with_a_cursor() {
    let s = TestServer::start().await;
    let mut made = Vec::new();
    for i in 0..5 {
        made.push(s.production(&format!("Show {i}")).await);
    }
    let mut seen = Vec::new();
    let mut url = s.url("/api/productions?limit=2");
    let mut pages = 0;
    loop {
        let res = s.http.get(&url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let next = res.headers().get("x-next-cursor").map(|v| v.to_str().unwrap().to_owned());
        let link = res.headers().get("link").map(|v| v.to_str().unwrap().to_owned());
        let page: Value = res.json().await.unwrap();
        pages += 1;
        seen.extend(page.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        let Some(cursor) = next else { break };
        assert!(link.unwrap().contains(&cursor));
        url = s.url(&format!("/api/productions?limit=2&cursor={cursor}"));
    }
    assert_eq!((pages, seen), (3, made));
    for bad in ["limit=0", "limit=501", "cursor=nope"] {
        let (status, got) = s.get(&format!("/api/productions?{bad}")).await;
        assert_eq!(
            (status, got["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_query")),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn one_socket_and_one_user_can_hold_only_so_much() {
    let s = TestServer::start_jwt(|c| {
        c.ws_max_rooms_per_socket = 2;
        c.ws_max_sockets_per_user = 2;
        c.ws_join_burst = 3;
        c.ws_joins_per_second = 1;
    })
    .await;
    let olga = token("olga", false);
    let mut pids = Vec::new();
    for _ in 0..3 {
        pids.push(crew_production(&s, &olga).await);
    }
    let mut a = WsClient::connect(&s.ws_url_with_token(&olga)).await;
    a.join(&pids[0], None).await;
    a.join(&pids[1], None).await;
    a.send("join-production", json!({"productionId": pids[2]})).await;
    let f = a.frame().await;
    assert_eq!(f["data"]["error"], "too_many_rooms", "{f}");

    let _b = WsClient::connect(&s.ws_url_with_token(&olga)).await;
    assert_eq!(WsClient::try_connect(&s.ws_url_with_token(&olga)).await.err(), Some(429));
    // Another user is not affected; and a closed socket frees its place.
    let mut ed = WsClient::connect(&s.ws_url_with_token(&token("ed", false))).await;
    drop(a);
    let mut c = loop {
        match WsClient::try_connect(&s.ws_url_with_token(&olga)).await {
            Ok(c) => break c,
            Err(429) => tokio::task::yield_now().await,
            Err(other) => panic!("{other}"),
        }
    };
    // Joins beyond the burst are refused until the budget refills.
    let mut refused = 0;
    for _ in 0..6 {
        c.send("join-production", json!({"productionId": pids[0]})).await;
        let f = c.frame().await;
        match f["event"].as_str() {
            Some("joined") => {
                c.expect_event("connection-status").await;
                c.send("leave-production", json!({"productionId": pids[0]})).await;
                c.expect_event("left").await;
            }
            _ => {
                assert_eq!(f["data"]["error"], "rate_limited", "{f}");
                refused += 1;
            }
        }
    }
    // ed's budget is his own: the budget is per socket.
    for pid in &pids[..2] {
        ed.join(pid, None).await;
    }
    assert!(refused >= 1, "joins were never limited");
}
