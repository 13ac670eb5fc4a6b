//! The WebSocket protocol end to end: real sockets, the real server, real PostgreSQL.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::SinkExt;

use prodsync_e2e::ws::{seqs, Got, WsClient};
use prodsync_e2e::TestServer;
use prodsync_realtime::close_codes;
use reqwest::StatusCode;
use serde_json::{json, Value};

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test]
async fn a_create_update_and_delete_reach_the_other_client_with_the_exact_payload() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let mut bob = WsClient::connect(&s.ws_url()).await;
    let (_, joined) = bob.join(&pid, None).await;
    assert_eq!(joined, json!({"productionId": pid, "seq": 1, "replayed": 0}));

    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1"})).await;
    let id = cam["id"].as_str().unwrap();
    let (_, updated) =
        s.put(&format!("/api/productions/{pid}/cameras/{id}"), "ann", &json!({"model": "HDC-5500"})).await;
    let (status, _) = s.send("DELETE", &format!("/api/productions/{pid}/cameras/{id}"), "ann", None).await;
    assert_eq!(status, StatusCode::OK);

    let events = bob.events_until(4, SECOND).await;
    let names: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(names, ["camera:created", "camera:updated", "camera:deleted"]);
    let upd = &events[1]["data"];
    let mut keys: Vec<&str> = upd.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["changedFields", "data", "previous", "productionId", "seq", "timestamp", "userId", "version"]
    );
    assert_eq!(upd["previous"], json!({"model": null}), "the old value of each changed field");
    assert!(events[0]["data"].get("previous").is_none() && events[2]["data"].get("previous").is_none());
    assert_eq!(
        (upd["userId"].as_str(), upd["seq"].as_i64(), upd["version"].as_i64()),
        (Some("ann"), Some(3), Some(2))
    );
    assert_eq!(upd["changedFields"], json!(["model"]));
    assert_eq!(upd["productionId"], json!(pid));
    let mut entity = updated.clone();
    entity.as_object_mut().unwrap().retain(|k, _| k != "changedFields" && k != "conflicts");
    assert_eq!(upd["data"], entity, "the event carries the full entity as REST returned it");
    assert_eq!(events[2]["data"]["data"]["model"], "HDC-5500", "a delete carries the last state");
    assert_eq!(events[0]["data"]["data"], cam);

    // Catch-up over REST and a replay on join deliver the very same events.
    let (_, page) = s.get(&format!("/api/productions/{pid}/changes?since=1")).await;
    assert_eq!(page["events"].as_array().unwrap(), &events);
    let mut late = WsClient::connect(&s.ws_url()).await;
    let (replayed, _) = late.join(&pid, Some(1)).await;
    assert_eq!(replayed, events);
}

#[tokio::test]
async fn a_client_never_receives_another_productions_events() {
    let s = TestServer::start().await;
    let (a, b) = (s.production("A").await, s.production("B").await);
    let mut in_a = WsClient::connect(&s.ws_url()).await;
    in_a.join(&a, None).await;
    for i in 0..5 {
        s.create(&b, "ccus", json!({ "name": format!("B{i}") })).await;
    }
    s.create(&a, "ccus", json!({"name": "A0"})).await;
    let got = in_a.events_until(2, SECOND).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["data"]["productionId"], json!(a));
    assert_eq!(in_a.next(Duration::from_millis(200)).await, Got::Timeout);
}

#[tokio::test]
async fn three_subscribers_get_every_seq_of_500_concurrent_updates_once_in_order() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let mut cams = Vec::new();
    for i in 0..8 {
        cams.push(s.create(&pid, "cameras", json!({ "name": format!("Cam {i}") })).await);
    }
    let head = s.head_seq(&pid).await;
    let mut subs = Vec::new();
    for _ in 0..3 {
        let mut c = WsClient::connect(&s.ws_url()).await;
        c.join(&pid, Some(head)).await;
        subs.push(c);
    }
    let writers = (0..8).map(|w| {
        let (s, pid, cam) = (&s, pid.clone(), cams[w].clone());
        async move {
            let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
            for round in 0..63 {
                if w * 63 + round >= 500 {
                    break;
                }
                let field = ["note", "model", "lensType"][round % 3];
                let (status, body) =
                    s.put(&path, &format!("w{w}"), &json!({ field: format!("w{w}-{round}") })).await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        }
    });
    futures_util::future::join_all(writers).await;
    let last = s.head_seq(&pid).await;
    assert_eq!(last, head + 500);
    let (_, snapshot) = s.get(&format!("/api/productions/{pid}/snapshot")).await;
    for sub in &mut subs {
        let events = sub.events_until(last, Duration::from_secs(20)).await;
        assert_eq!(seqs(&events), (head + 1..=last).collect::<Vec<_>>(), "each seq once, in order");
        // Rebuild the cameras from the initial state plus the events: it must equal the snapshot.
        let mut state: BTreeMap<String, Value> =
            cams.iter().map(|c| (c["id"].as_str().unwrap().to_owned(), c.clone())).collect();
        for e in &events {
            state.insert(e["data"]["data"]["id"].as_str().unwrap().to_owned(), e["data"]["data"].clone());
        }
        let mut from_snapshot: Vec<Value> = snapshot["entities"]["cameras"].as_array().unwrap().clone();
        from_snapshot.sort_by_key(|c| c["id"].as_str().unwrap().to_owned());
        assert_eq!(state.into_values().collect::<Vec<_>>(), from_snapshot);
    }
}

#[tokio::test]
async fn rejoining_with_since_replays_exactly_what_was_missed_while_writes_go_on() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    let mut c = WsClient::connect(&s.ws_url()).await;
    let (_, joined) = c.join(&pid, None).await;
    let last_seen = joined["seq"].as_i64().unwrap();
    drop(c);

    for i in 0..100 {
        s.ok("PUT", &path, "ann", Some(&json!({ "note": format!("offline {i}") }))).await;
    }
    // Keep writing while the client rejoins, so the replay/live seam is exercised.
    let writer = async {
        for i in 0..60 {
            s.ok("PUT", &path, "bob", Some(&json!({ "model": format!("live {i}") }))).await;
        }
    };
    let reader = async {
        let mut c = WsClient::connect(&s.ws_url()).await;
        let (replayed, joined) = c.join(&pid, Some(last_seen)).await;
        assert!(replayed.len() >= 100, "replayed {}", replayed.len());
        assert_eq!(joined["replayed"], json!(replayed.len()));
        (c, replayed)
    };
    let ((mut c, replayed), ()) = tokio::join!(reader, writer);
    let last = s.head_seq(&pid).await;
    assert_eq!(last, last_seen + 160);
    let mut all = replayed;
    if seqs(&all).last() != Some(&last) {
        all.extend(c.events_until(last, Duration::from_secs(10)).await);
    }
    assert_eq!(seqs(&all), (last_seen + 1..=last).collect::<Vec<_>>(), "no gap and no duplicate at the seam");
    assert_eq!(c.next(Duration::from_millis(200)).await, Got::Timeout);
}

/// A join, a leave and a join again, sent before the first answer came back: the room's
/// answer to the first join is not taken for the second, whose `since` is the one obeyed.
#[tokio::test]
async fn a_rejoin_sent_before_the_first_answer_is_answered_on_its_own_terms() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    for n in 0..3 {
        s.create(&pid, "cameras", json!({"name": format!("Cam {n}")})).await;
    }
    let head = s.head_seq(&pid).await;
    let mut c = WsClient::connect(&s.ws_url()).await;
    c.send_together(&[
        ("join-production", json!({"productionId": pid})),
        ("leave-production", json!({"productionId": pid})),
        ("join-production", json!({"productionId": pid, "since": 0})),
    ])
    .await;
    // Frames before `left` answer the first join (when it came back first); after it,
    // only the second join's replay and answer.
    while c.frame().await["event"] != "left" {}
    let mut replayed = Vec::new();
    let joined = loop {
        let f = c.frame().await;
        if f["event"] == "joined" {
            break f["data"].clone();
        }
        replayed.push(f);
    };
    assert_eq!(seqs(&replayed), (1..=head).collect::<Vec<_>>());
    assert_eq!(joined["replayed"], json!(head), "{joined}");
}

#[tokio::test]
async fn since_older_than_the_log_answers_resync_required() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    for i in 0..5 {
        s.create(&pid, "ccus", json!({ "name": format!("CCU {i}") })).await;
    }
    let store = s.store();
    store.prune_change_log(2).await.unwrap();
    let mut c = WsClient::connect(&s.ws_url()).await;
    c.send("join-production", json!({"productionId": pid, "since": 1})).await;
    let data = c.expect_event("resync-required").await;
    assert_eq!((data["productionId"].as_str(), data["oldestSeq"].as_i64()), (Some(pid.as_str()), Some(5)));
    // The recipe: load the snapshot, join with its seq.
    let (_, snap) = s.get(&format!("/api/productions/{pid}/snapshot")).await;
    let (replayed, joined) = c.join(&pid, snap["seq"].as_i64()).await;
    assert_eq!((replayed.len(), joined["seq"].as_i64()), (0, Some(6)));
}

#[tokio::test]
async fn a_client_that_stops_reading_is_cut_off_and_the_others_are_not_slowed() {
    let s = TestServer::start_tuned(|c| c.ws_send_queue = 8).await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    let mut slow = WsClient::connect_with_buffer(&s.ws_url(), Some(4096)).await;
    slow.join(&pid, None).await;
    let mut fast = WsClient::connect(&s.ws_url()).await;
    let (_, joined) = fast.join(&pid, None).await;
    let start = joined["seq"].as_i64().unwrap();

    let big = "x".repeat(8000);
    let mut cut_off = false;
    let mut writes = 0;
    while writes < 2000 && !cut_off {
        for _ in 0..50 {
            writes += 1;
            s.ok("PUT", &path, "ann", Some(&json!({ "note": format!("{writes} {big}") }))).await;
        }
        cut_off = s.metric("slow_consumers_cut_total").await == 1.0;
        // The fast client keeps up the whole time.
        let got = fast.events_until(start + writes, Duration::from_secs(10)).await;
        assert_eq!(got.last().unwrap()["data"]["seq"], json!(start + writes));
    }
    assert!(cut_off, "the slow client was not cut off after {writes} writes");
    // The slow client finds, after what was already on its wire, the resync close code.
    let mut last_seq = start;
    loop {
        match slow.next(Duration::from_secs(10)).await {
            Got::Frame(f) => {
                let seq = f["data"]["seq"].as_i64().unwrap();
                assert_eq!(seq, last_seq + 1, "in order up to the cut");
                last_seq = seq;
            }
            Got::Closed { code, reason } => {
                assert_eq!(code, close_codes::RESYNC, "{reason}");
                assert!(reason.contains("resync from your last seq"), "{reason}");
                break;
            }
            Got::Timeout => panic!("no close frame after seq {last_seq}"),
        }
    }
}

#[tokio::test]
async fn a_client_that_stops_answering_pings_is_removed() {
    let s = TestServer::start_tuned(|c| {
        c.ws_ping_interval_ms = 50;
        c.ws_client_timeout_ms = 300;
    })
    .await;
    let pid = s.production("Gala").await;
    let mut mute = WsClient::connect(&s.ws_url()).await;
    mute.join(&pid, None).await;
    // Not reading means tungstenite never answers the pings.
    let gone = || async { s.metric("ws_connections").await == 0.0 && s.metric("rooms").await == 0.0 };
    prodsync_e2e::eventually("the silent socket and its room are gone", gone).await;
    match mute.next(SECOND).await {
        Got::Closed { code, .. } => assert_eq!(code, close_codes::TIMEOUT),
        other => panic!("expected the timeout close, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_frames_get_an_error_frame_and_the_socket_stays_usable() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let mut c = WsClient::connect(&s.ws_url()).await;
    let cases = [
        ("not json".to_owned(), "invalid_json"),
        (json!({"event": "dance"}).to_string(), "unknown_event"),
        (json!({"event": 7}).to_string(), "invalid_payload"),
        (json!({"event": "join-production", "data": {"productionId": 7}}).to_string(), "invalid_payload"),
        (
            json!({"event": "join-production", "data": {"productionId": "nope"}}).to_string(),
            "invalid_payload",
        ),
        (
            json!({"event": "join-production", "data": {"productionId": pid, "since": "x"}}).to_string(),
            "invalid_payload",
        ),
        (
            json!({"event": "join-production", "data": {"productionId": pid, "since": -1}}).to_string(),
            "invalid_payload",
        ),
        (
            json!({"event": "join-production", "data": {"productionId": uuid::Uuid::new_v4()}}).to_string(),
            "not_found",
        ),
        (
            json!({"event": "join-production", "data": {"x": "y".repeat(20_000)}}).to_string(),
            "frame_too_large",
        ),
    ];
    for (text, code) in cases {
        c.send_text(text.clone()).await;
        let err = c.expect_event("error").await;
        assert_eq!(err["error"], code, "{} -> {err}", &text[..text.len().min(80)]);
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    c.socket.send(tokio_tungstenite::tungstenite::Message::binary(vec![1, 2, 3])).await.unwrap();
    assert_eq!(c.expect_event("error").await["error"], "binary_not_supported");
    let (_, joined) = c.join(&pid, None).await;
    assert_eq!(joined["seq"], 1, "still usable after every bad frame");
    c.send("join-production", json!({"productionId": pid})).await;
    assert_eq!(c.expect_event("error").await["error"], "already_joined");
    c.send("leave-production", json!({"productionId": pid})).await;
    assert_eq!(c.expect_event("left").await["productionId"], json!(pid));
}

#[tokio::test]
async fn a_frame_over_the_codec_limit_is_closed_with_1009() {
    let s = TestServer::start().await;
    let mut c = WsClient::connect(&s.ws_url()).await;
    let big = json!({"event": "join-production", "data": {"x": "y".repeat(1024 * 1024 + 1)}}).to_string();
    // The server may close before it has read the whole frame: a failed send is fine.
    let _ = c.socket.send(tokio_tungstenite::tungstenite::Message::text(big)).await;
    match c.next(SECOND * 5).await {
        Got::Closed { code, .. } => assert_eq!(code, close_codes::MESSAGE_TOO_BIG),
        other => panic!("expected close 1009, got {other:?}"),
    }
}

#[tokio::test]
async fn the_production_list_room_sees_shows_appear_change_and_go() {
    let s = TestServer::start().await;
    let mut c = WsClient::connect(&s.ws_url()).await;
    c.send("join-production-list", json!({})).await;
    c.expect_event("joined-production-list").await;
    let pid = s.production("New show").await;
    let created = c.frame().await;
    assert_eq!(
        (created["event"].as_str(), created["data"]["data"]["id"].as_str()),
        (Some("production:created"), Some(pid.as_str()))
    );
    s.ok("PUT", &format!("/api/productions/{pid}"), "ann", Some(&json!({"venue": "Arena"}))).await;
    assert_eq!(c.frame().await["event"], "production:updated");
    s.ok("DELETE", &format!("/api/productions/{pid}"), "ann", None).await;
    assert_eq!(c.frame().await["event"], "production:deleted");
}

#[tokio::test]
async fn a_change_whose_broadcast_never_came_is_filled_from_the_change_log_in_order() {
    use prodsync_domain::catalog::CCU;
    use prodsync_domain::ports::{Actor, EntityStore};

    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let mut c = WsClient::connect(&s.ws_url()).await;
    c.join(&pid, None).await;
    // Committed behind the server's back (as another instance, or a write task that died
    // between commit and publish, would): seq 2 is never published to this server's rooms.
    let store = s.store();
    let input = prodsync_domain::parse_create(&CCU, &json!({"name": "unannounced"})).unwrap();
    let pid_uuid = pid.parse().unwrap();
    let hidden = store.create(&CCU, Some(pid_uuid), input, Actor::user("elsewhere")).await.unwrap();
    assert_eq!(hidden.events[0].seq(), 2);
    s.create(&pid, "ccus", json!({"name": "announced"})).await; // seq 3, published
    let events = c.events_until(3, Duration::from_secs(5)).await;
    assert_eq!(seqs(&events), vec![2, 3]);
    assert_eq!(events[0]["data"]["data"]["name"], "unannounced");
    assert_eq!(events[0]["data"]["userId"], "elsewhere");
}

#[tokio::test]
async fn every_socket_of_a_room_gets_the_same_bytes_for_an_event() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let mut a = WsClient::connect(&s.ws_url()).await;
    let mut b = WsClient::connect(&s.ws_url()).await;
    a.join(&pid, None).await;
    b.join(&pid, None).await;
    s.create(&pid, "cameras", json!({"name": "Cam 1", "note": "é ☃"})).await;
    let (fa, fb) =
        (a.raw(Duration::from_secs(5)).await.unwrap(), b.raw(Duration::from_secs(5)).await.unwrap());
    assert!(fa.contains("camera:created"), "{fa}");
    assert_eq!(fa, fb, "one encoding of the event, shared by every socket");
}

/// Raw HTTP over one TCP connection: what the upgrade path answers byte for byte.
async fn raw_exchange(url: &str, request: &[u8], until: &[u8]) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("tcp connect");
    tcp.write_all(request).await.expect("write");
    let mut got = Vec::new();
    let read_all = async {
        let mut buf = [0u8; 4096];
        while !got.windows(until.len()).any(|w| w == until) {
            match tcp.read(&mut buf).await.expect("read") {
                0 => break,
                n => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read_all).await.expect("an answer within 10 s");
    got
}

fn upgrade_request(path: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .into_bytes()
}

/// A client frame: text, FIN, masked as RFC 6455 requires.
fn masked_text(text: &str) -> Vec<u8> {
    let (payload, mask) = (text.as_bytes(), [7u8, 1, 9, 3]);
    assert!(payload.len() < 126, "short frames only");
    let mut frame = vec![0x81, 0x80 | payload.len() as u8];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

#[tokio::test]
async fn a_frame_sent_with_the_upgrade_request_is_read_and_answered() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    // The join arrives in the same packet as the handshake: the server has read it along
    // with the request, before the socket was handed over.
    let mut request = upgrade_request("/ws");
    request
        .extend(masked_text(&json!({"event": "join-production", "data": {"productionId": pid}}).to_string()));
    let got = raw_exchange(&s.url(""), &request, br#""event":"joined"}"#).await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 101 Switching Protocols\r\n"), "{text}");
    assert!(text.contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), "{text}");
    assert!(text.contains(r#""event":"joined"}"#), "{text}");
}

#[tokio::test]
async fn a_refused_upgrade_gets_its_whole_answer_and_the_connection_closes() {
    let s = TestServer::start_jwt(|_| {}).await;
    let got = raw_exchange(&s.url(""), &upgrade_request("/ws"), b"\0never").await;
    let text = String::from_utf8_lossy(&got);
    let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
    assert!(head.starts_with("HTTP/1.1 401 Unauthorized\r\n"), "{head}");
    assert!(head.contains(&format!("content-length: {}\r\n", body.len())), "{head}");
    let error: Value = serde_json::from_str(body).expect("a JSON body");
    assert!(error["error"].is_string(), "{error}");
}

/// A replay of several pages, read several at once: every event once, in order.
#[tokio::test]
async fn a_replay_of_several_pages_arrives_whole_and_in_order() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let since = s.head_seq(&pid).await;
    for batch in 0..4 {
        let ops: Vec<_> = (0..900)
            .map(|i| json!({"op": "create", "entity": "checklist-items", "body": {"title": format!("{batch}-{i}")}}))
            .collect();
        s.ok("POST", &format!("/api/productions/{pid}/batch"), "ann", Some(&json!({ "operations": ops })))
            .await;
    }
    let head = s.head_seq(&pid).await;
    assert_eq!(head, since + 3600);
    let mut c = WsClient::connect(&s.ws_url()).await;
    let (replayed, joined) = c.join(&pid, Some(since)).await;
    assert_eq!(seqs(&replayed), (since + 1..=head).collect::<Vec<_>>());
    assert_eq!(joined["replayed"], json!(3600));
    let titles: Vec<&str> = replayed.iter().map(|e| e["data"]["data"]["title"].as_str().unwrap()).collect();
    assert_eq!((titles[0], titles[1000], titles[3599]), ("0-0", "1-100", "3-899"));
}
