//! Presence over real sockets: who is in a production, which field each is editing, tabs,
//! lost sockets, isolation between productions, and coalescing of focus bursts.

use std::time::{Duration, Instant};

use prodsync_e2e::ws::{Got, WsClient};
use prodsync_e2e::TestServer;
use serde_json::{json, Value};

const SECOND: Duration = Duration::from_secs(1);

async fn present(s: &TestServer, user: &str, name: &str) -> WsClient {
    let mut c = WsClient::connect(&format!("{}?userId={user}&userName={name}", s.ws_url())).await;
    c.see_presence = true;
    c
}

fn users(state: &Value) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = state["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["userId"].as_str().unwrap().to_owned(), u["connections"].as_u64().unwrap()))
        .collect();
    v.sort();
    v
}

fn focus(id: &str, field: &str) -> Value {
    json!({"entityType": "camera", "entityId": id, "field": field})
}

#[tokio::test]
async fn two_users_see_each_other_and_each_others_focus() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1"})).await;
    let cam = cam["id"].as_str().unwrap().to_owned();

    let mut ann = present(&s, "ann", "Ann").await;
    ann.join(&pid, None).await;
    assert_eq!(users(ann.presence_state.as_ref().unwrap()), [("ann".into(), 1)]);
    let mut bob = present(&s, "bob", "Bob").await;
    bob.join(&pid, None).await;
    assert_eq!(users(bob.presence_state.as_ref().unwrap()), [("ann".into(), 1), ("bob".into(), 1)]);
    let arrived = ann.expect_event("presence:changed").await;
    assert_eq!(arrived["user"], json!({"userId": "bob", "userName": "Bob", "focus": null, "connections": 1}));

    bob.send("presence:update", json!({"productionId": pid, "focus": focus(&cam, "model")})).await;
    let moved = ann.expect_event("presence:changed").await;
    assert_eq!(
        (moved["user"]["userId"].as_str(), &moved["user"]["focus"]),
        (Some("bob"), &focus(&cam, "model"))
    );
    // The whole room hears it, bob's own sockets included (his other tabs follow him).
    assert_eq!(bob.expect_event("presence:changed").await, moved);

    let (_, rest) = s.get(&format!("/api/productions/{pid}/presence")).await;
    assert_eq!(users(&rest), [("ann".into(), 1), ("bob".into(), 1)]);
    let bob_entry = rest["users"].as_array().unwrap().iter().find(|u| u["userId"] == "bob").unwrap().clone();
    assert_eq!(bob_entry["focus"], focus(&cam, "model"));

    // A focus that names nothing real is refused, and changes nothing.
    bob.send(
        "presence:update",
        json!({"productionId": pid, "focus": {"entityType": "camera", "entityId": cam, "field": "colour"}}),
    )
    .await;
    assert_eq!(bob.expect_event("error").await["error"], "invalid_payload");
    let other = s.production("Other").await;
    bob.send("presence:update", json!({"productionId": other, "focus": null})).await;
    assert_eq!(bob.expect_event("error").await["error"], "not_joined");
}

#[tokio::test]
async fn a_production_nobody_has_open_has_nobody_present() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let asked = tokio::time::timeout(SECOND * 5, s.get(&format!("/api/productions/{pid}/presence"))).await;
    let (status, body) = asked.expect("GET presence answered");
    assert_eq!((status.as_u16(), body["users"].clone()), (200, json!([])));
}

#[tokio::test]
async fn a_user_with_two_tabs_is_one_entry_and_leaves_when_both_close() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let mut bob = present(&s, "bob", "Bob").await;
    bob.join(&pid, None).await;
    let mut tab1 = present(&s, "ann", "Ann").await;
    tab1.join(&pid, None).await;
    assert_eq!(bob.expect_event("presence:changed").await["user"]["connections"], 1);
    let mut tab2 = present(&s, "ann", "Ann").await;
    tab2.join(&pid, None).await;
    assert_eq!(users(tab2.presence_state.as_ref().unwrap()), [("ann".into(), 2), ("bob".into(), 1)]);
    assert_eq!(bob.expect_event("presence:changed").await["user"]["connections"], 2);

    tab2.send("leave-production", json!({"productionId": pid})).await;
    let fewer = bob.expect_event("presence:changed").await;
    assert_eq!(
        (fewer["user"]["userId"].as_str(), fewer["user"]["connections"].as_u64()),
        (Some("ann"), Some(1))
    );
    drop(tab1); // closes the TCP connection without a close frame
    let left = bob.expect_event("presence:left").await;
    assert_eq!(left, json!({"productionId": pid, "userId": "ann"}));
}

#[tokio::test]
async fn a_silent_socket_is_reported_gone_within_the_ping_timeout() {
    let s = TestServer::start_tuned(|c| {
        c.ws_ping_interval_ms = 50;
        c.ws_client_timeout_ms = 400;
    })
    .await;
    let pid = s.production("Gala").await;
    let mut mute = present(&s, "mute", "Mute").await;
    mute.join(&pid, None).await;
    let mut bob = present(&s, "bob", "Bob").await;
    bob.join(&pid, None).await;
    // mute never reads again, so it never answers a ping: its socket goes silent.
    let started = Instant::now();
    let left = loop {
        match bob.next(Duration::from_secs(3)).await {
            Got::Frame(f) if f["event"] == "presence:left" => break f,
            Got::Frame(_) => continue,
            other => panic!("expected presence:left, got {other:?}"),
        }
    };
    assert_eq!(left["data"]["userId"], "mute");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn presence_of_one_production_never_reaches_another() {
    let s = TestServer::start().await;
    let (a, b) = (s.production("A").await, s.production("B").await);
    let cam = s.create(&a, "cameras", json!({"name": "Cam"})).await;
    let mut ann = present(&s, "ann", "Ann").await;
    ann.join(&a, None).await;
    let mut carl = present(&s, "carl", "Carl").await;
    carl.join(&b, None).await;
    assert_eq!(users(carl.presence_state.as_ref().unwrap()), [("carl".into(), 1)]);
    ann.send(
        "presence:update",
        json!({"productionId": a, "focus": focus(cam["id"].as_str().unwrap(), "name")}),
    )
    .await;
    // A change in B is carl's next frame: nothing of A's presence came before it.
    let created = s.create(&b, "cameras", json!({"name": "In B"})).await;
    let f = carl.frame().await;
    assert_eq!(
        (f["event"].as_str(), &f["data"]["data"]["id"]),
        (Some("camera:created"), &created["id"]),
        "{f}"
    );
}

#[tokio::test]
async fn a_burst_of_focus_moves_is_coalesced_and_the_last_arrives_last() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam"})).await;
    let cam = cam["id"].as_str().unwrap().to_owned();
    let mut bob = present(&s, "bob", "Bob").await;
    bob.join(&pid, None).await;
    let mut ann = present(&s, "ann", "Ann").await;
    ann.join(&pid, None).await;
    assert_eq!(bob.expect_event("presence:changed").await["user"]["userId"], "ann");

    let fields = ["name", "model", "lensType", "note"];
    let started = Instant::now();
    for i in 0..199 {
        ann.send("presence:update", json!({"productionId": pid, "focus": focus(&cam, fields[i % 4])})).await;
    }
    let last = focus(&cam, "smpteCableLength");
    ann.send("presence:update", json!({"productionId": pid, "focus": last})).await;
    let sent_in = started.elapsed();

    let mut seen = Vec::new();
    loop {
        let f = bob.expect_event("presence:changed").await;
        seen.push(f["user"]["focus"].clone());
        if f["user"]["focus"] == last {
            break;
        }
    }
    let span = started.elapsed();
    // At most one per 100 ms (plus the first, sent at once), however fast ann typed.
    let allowed = (span.as_millis() / 100) as usize + 2;
    assert!(seen.len() <= allowed, "{} updates in {span:?} (sent in {sent_in:?})", seen.len());
    assert!(seen.len() < 200, "nothing was coalesced");
    // Nothing more after the last: it was last.
    assert_eq!(bob.next(Duration::from_millis(300)).await, Got::Timeout);
    assert!(span < 5 * SECOND);
}

#[tokio::test]
async fn a_flood_of_focus_moves_is_refused_beyond_the_sockets_budget() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam"})).await;
    let mut ann = present(&s, "ann", "Ann").await;
    ann.join(&pid, None).await;
    ann.see_presence = false;
    for _ in 0..400 {
        ann.send(
            "presence:update",
            json!({"productionId": pid, "focus": focus(cam["id"].as_str().unwrap(), "name")}),
        )
        .await;
    }
    let err = ann.expect_event("error").await;
    assert_eq!(err["error"], "rate_limited", "{err}");
}
