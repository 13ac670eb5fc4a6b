//! What only the NATS fan-out does (`fanout = "nats"`; the tests both fan-outs share are in
//! cluster.rs): an instance hears only the productions it has rooms for; a NATS restart
//! under load loses nothing and makes `/ready` 503 while NATS is away; a commit whose
//! notice never left reaches subscribers through the head check; credentials come from
//! settings, never reach the log, and wrong ones keep an instance unready; notices NATS's
//! client dropped for a slow instance are read from the log.

use std::time::Duration;

use prodsync_e2e::cluster::{Fan, Instance};
use prodsync_e2e::nats::NatsServer;
use prodsync_e2e::test_db::TestDatabase;
use prodsync_e2e::ws::{seqs, WsClient};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn post(http: &reqwest::Client, url: &str, body: &Value) -> (StatusCode, Value) {
    let res = http
        .post(url)
        .header("x-user-id", "ann")
        .json(body)
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .expect("the instance answers");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn production(http: &reqwest::Client, node: &Instance) -> String {
    let (status, p) =
        post(http, &format!("{}/api/productions", node.base), &json!({"showName": "Tour", "client": "ACME"}))
            .await;
    assert_eq!(status, StatusCode::CREATED);
    p["id"].as_str().unwrap().to_owned()
}

async fn head(http: &reqwest::Client, node: &Instance, pid: &str) -> i64 {
    let url = format!("{}/api/productions/{pid}/changes?since=0&limit=1", node.base);
    http.get(url).send().await.unwrap().json::<Value>().await.unwrap()["headSeq"].as_i64().unwrap()
}

/// A new production made on `writer`, and a socket on `reader` joined to it: the
/// production's id, the socket, and the head the test's writes come after.
async fn watched(http: &reqwest::Client, writer: &Instance, reader: &Instance) -> (String, WsClient, i64) {
    let pid = production(http, writer).await;
    let mut socket = WsClient::connect(&reader.ws_url()).await;
    socket.join(&pid, None).await;
    let start = head(http, writer, &pid).await;
    (pid, socket, start)
}

async fn items(http: &reqwest::Client, node: &Instance, pid: &str, n: usize, label: &str) {
    for k in 0..n {
        let url = format!("{}/api/productions/{pid}/checklist-items", node.base);
        let (status, body) = post(http, &url, &json!({"title": format!("{label} {k}")})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

async fn metric(http: &reqwest::Client, node: &Instance, name: &str) -> f64 {
    prodsync_e2e::metric_at(http, &node.base, name).await
}

async fn ready_status(http: &reqwest::Client, node: &Instance) -> Option<StatusCode> {
    http.get(format!("{}/ready", node.base)).send().await.ok().map(|r| r.status())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_instance_hears_only_the_productions_it_has_rooms_for() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let fan = Fan::nats();
    let nodes: Vec<Instance> = (0..3).map(|_| fan.start(&db.url)).collect();
    for n in &nodes {
        n.ready(&http).await;
    }
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let pid = production(&http, a).await;
    // The creation is a production-list event: every instance hears that one.
    prodsync_e2e::eventually("c heard the list notice", || async {
        metric(&http, c, "fanout_notices_received_total").await >= 1.0
    })
    .await;
    let (b0, c0) = (
        metric(&http, b, "fanout_notices_received_total").await,
        metric(&http, c, "fanout_notices_received_total").await,
    );

    let mut on_b = WsClient::connect(&b.ws_url()).await;
    on_b.join(&pid, None).await;
    let start = head(&http, a, &pid).await;
    items(&http, a, &pid, 10, "a").await;
    let got = on_b.events_until(start + 10, Duration::from_secs(15)).await;
    assert_eq!(seqs(&got), (start + 1..=start + 10).collect::<Vec<_>>());
    assert!(
        metric(&http, b, "fanout_notices_received_total").await >= b0 + 10.0,
        "b has a room: it hears each write"
    );
    assert_eq!(
        metric(&http, c, "fanout_notices_received_total").await,
        c0,
        "c has no room for it: it hears none"
    );

    // A room on c: c hears the production from then on; when it closes, no longer.
    let mut on_c = WsClient::connect(&c.ws_url()).await;
    on_c.join(&pid, Some(start + 10)).await;
    items(&http, a, &pid, 3, "a").await;
    let got = on_c.events_until(start + 13, Duration::from_secs(15)).await;
    assert_eq!(seqs(&got), vec![start + 11, start + 12, start + 13]);
    let c1 = metric(&http, c, "fanout_notices_received_total").await;
    assert!(c1 >= c0 + 3.0, "{c1} after {c0}");
    // With a room open for one production, c still hears nothing of another.
    let other = production(&http, a).await;
    prodsync_e2e::eventually("c heard the second creation", || async {
        metric(&http, c, "fanout_notices_received_total").await >= c1 + 1.0
    })
    .await;
    let c1 = metric(&http, c, "fanout_notices_received_total").await;
    let mut other_on_b = WsClient::connect(&b.ws_url()).await;
    other_on_b.join(&other, None).await;
    let other_start = head(&http, a, &other).await;
    items(&http, a, &other, 5, "other").await;
    other_on_b.events_until(other_start + 5, Duration::from_secs(15)).await;
    assert_eq!(
        metric(&http, c, "fanout_notices_received_total").await,
        c1,
        "only the production c has a room for"
    );
    drop(on_c);
    prodsync_e2e::eventually("c's room closed", || async { metric(&http, c, "rooms").await == 0.0 }).await;
    items(&http, a, &pid, 5, "later").await;
    on_b.events_until(start + 18, Duration::from_secs(15)).await;
    assert_eq!(metric(&http, c, "fanout_notices_received_total").await, c1, "c unsubscribed with its room");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_nats_restart_under_load_loses_nothing_and_ready_is_503_while_it_is_away() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let mut fan = Fan::nats();
    let (a, b) = (fan.start(&db.url), fan.start(&db.url));
    a.ready(&http).await;
    b.ready(&http).await;
    let (pid, mut sub, start) = watched(&http, &a, &b).await;

    let writer = {
        let (http, url) = (http.clone(), format!("{}/api/productions/{pid}/checklist-items", a.base));
        tokio::spawn(async move {
            for k in 0..120 {
                let (status, body) = post(&http, &url, &json!({"title": format!("item {k}")})).await;
                assert_eq!(status, StatusCode::CREATED, "writes go on without NATS: {body}");
            }
        })
    };
    prodsync_e2e::eventually("writes under way", || async { head(&http, &a, &pid).await >= start + 20 })
        .await;
    let Fan::Nats(nats) = &mut fan else { unreachable!() };
    nats.stop();
    for node in [&a, &b] {
        prodsync_e2e::eventually("unready while NATS is away", || async {
            ready_status(&http, node).await == Some(StatusCode::SERVICE_UNAVAILABLE)
        })
        .await;
    }
    let during = head(&http, &a, &pid).await;
    prodsync_e2e::eventually("writes while NATS is away", || async {
        head(&http, &a, &pid).await >= during + 10
    })
    .await;
    nats.start_again();
    a.ready(&http).await;
    b.ready(&http).await;
    writer.await.unwrap();
    let end = head(&http, &a, &pid).await;
    assert_eq!(end, start + 120);
    let got = sub.events_until(end, Duration::from_secs(15)).await;
    assert_eq!(seqs(&got), (start + 1..=end).collect::<Vec<_>>(), "in order, none lost, none twice");
}

/// A commit whose notice never reached NATS (the instance died between commit and
/// publish) is found by the head check. Here the commit comes from an instance on the
/// PostgreSQL fan-out, which never publishes to NATS.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_commit_whose_notice_never_left_reaches_subscribers_through_the_head_check() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let fan = Fan::nats();
    let a = fan.start_with(&db.url, &[("PRODSYNC_HEAD_CHECK_MS", "200")]);
    let silent = Fan::Postgres.start(&db.url);
    a.ready(&http).await;
    silent.ready(&http).await;
    let (pid, mut sub, start) = watched(&http, &a, &a).await;
    items(&http, &silent, &pid, 3, "unannounced").await;
    let got = sub.events_until(start + 3, Duration::from_secs(15)).await;
    assert_eq!(seqs(&got), vec![start + 1, start + 2, start + 3]);
    assert_eq!(metric(&http, &a, "fanout_notices_received_total").await, 0.0, "no notice carried them");
}

/// The CLI tells running servers over NATS too: an imported production reaches a
/// production-list subscriber at once (servers on NATS do not hear NOTIFY).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_import_from_the_command_line_reaches_list_subscribers_over_nats() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let fan = Fan::nats();
    let a = fan.start(&db.url);
    a.ready(&http).await;
    let pid = production(&http, &a).await;
    let file = std::env::temp_dir().join(format!("prodsync-nats-import-{pid}.json"));
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let out = prodsync_e2e::cluster::command(
        &db.url,
        args(&["export", "--production", &pid, "--out", file.to_str().unwrap()]),
    )
    .await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let mut list = WsClient::connect(&a.ws_url()).await;
    list.send("join-production-list", json!({})).await;
    list.expect_event("joined-production-list").await;
    let Fan::Nats(nats) = &fan else { unreachable!() };
    let out = prodsync_e2e::cluster::command_with(
        &db.url,
        args(&["import", "file", file.to_str().unwrap()]),
        nats.env(),
    )
    .await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let created = list.expect_event("production:created").await;
    assert_eq!(created["data"]["showName"], "Tour");
    assert_ne!(created["data"]["id"], json!(pid), "the copy, with an id of its own");
}

/// NATS credentials given as settings, not in the URL: two instances with the user and
/// password NATS requires hear each other's notices (the head check is a minute away, so
/// only a notice brings the events in time); one with a wrong password stays unready and
/// logs NATS's refusal; no log carries either password.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nats_credentials_come_from_settings_and_wrong_ones_keep_an_instance_unready() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let fan = Fan::Nats(NatsServer::start_with(&["--user", "prodsync", "--pass", "s3cret-pass"]));
    let settings = |password| {
        [
            ("PRODSYNC_NATS_USER", "prodsync"),
            ("PRODSYNC_NATS_PASSWORD", password),
            ("PRODSYNC_HEAD_CHECK_MS", "60000"),
            ("PRODSYNC_LOG_LEVEL", "info"),
        ]
    };
    let dir = std::env::temp_dir();
    let logs =
        ["a", "b", "wrong"].map(|n| dir.join(format!("prodsync-nats-creds-{}-{n}.log", std::process::id())));
    let a = fan.start_logging(&db.url, &settings("s3cret-pass"), &logs[0]);
    let b = fan.start_logging(&db.url, &settings("s3cret-pass"), &logs[1]);
    a.ready(&http).await;
    b.ready(&http).await;
    let (pid, mut on_b, start) = watched(&http, &a, &b).await;
    items(&http, &a, &pid, 3, "a").await;
    let got = on_b.events_until(start + 3, Duration::from_secs(15)).await;
    assert_eq!(seqs(&got), vec![start + 1, start + 2, start + 3]);
    assert!(metric(&http, &b, "fanout_notices_received_total").await >= 1.0);

    let wrong = fan.start_logging(&db.url, &settings("not-the-pass"), &logs[2]);
    let read = |path: &std::path::Path| std::fs::read_to_string(path).unwrap_or_default();
    prodsync_e2e::eventually("the wrong password's refusal is logged", || async {
        read(&logs[2]).contains("authorization violation")
    })
    .await;
    assert_eq!(ready_status(&http, &wrong).await, Some(StatusCode::SERVICE_UNAVAILABLE));
    for log in &logs {
        let text = read(log);
        assert!(text.contains("user prodsync with a password"), "the kind is logged: {text}");
        assert!(
            !text.contains("s3cret-pass") && !text.contains("not-the-pass"),
            "a password in {}",
            log.display()
        );
        let _ = std::fs::remove_file(log);
    }
}

/// The slow-consumer path: an instance whose subscriptions may queue one notice is stopped
/// (SIGSTOP) while another commits a burst, so on waking it reads the notices all at once
/// and NATS's client drops all but the first it can hand over. The instance counts the
/// drop and reads every room's head: its subscriber gets every event, though the head
/// check is a minute away.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notices_dropped_for_a_slow_instance_are_read_from_the_log() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let fan = Fan::nats();
    let a = fan.start(&db.url);
    let slow = [("PRODSYNC_NATS_SUBSCRIPTION_CAPACITY", "1"), ("PRODSYNC_HEAD_CHECK_MS", "60000")];
    let b = fan.start_with(&db.url, &slow);
    a.ready(&http).await;
    b.ready(&http).await;
    let (pid, mut on_b, start) = watched(&http, &a, &b).await;
    let signal = |s: &str| {
        let ok = std::process::Command::new("kill").args([s, &b.pid().to_string()]).status().unwrap();
        assert!(ok.success(), "kill {s}");
    };
    signal("-STOP");
    items(&http, &a, &pid, 40, "burst").await;
    signal("-CONT");
    let got = on_b.events_until(start + 40, Duration::from_secs(15)).await;
    assert_eq!(seqs(&got), (start + 1..=start + 40).collect::<Vec<_>>());
    assert!(metric(&http, &b, "fanout_dropped_total").await >= 1.0, "NATS's client dropped notices");
}
