//! Several real `prodsync` processes on one PostgreSQL: every subscriber of every instance
//! gets every event, in order, once; a crashed instance loses no acknowledged write; an
//! instance that loses its database connection says so on /ready and catches up after;
//! SIGTERM finishes requests in flight and closes sockets with 1012. The tests of several
//! instances run over both fan-outs (`fanout = "postgres"` and `"nats"`);
//! `cluster_nats.rs` has what only NATS does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use prodsync_e2e::cluster::{Fan, Instance};
use prodsync_e2e::db_client;
use prodsync_e2e::proxy::{host_port, via, Proxy};
use prodsync_e2e::test_db::{server_url, TestDatabase};
use prodsync_e2e::ws::{seqs, Got, WsClient};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn post(
    http: &reqwest::Client,
    url: &str,
    body: &Value,
) -> Result<(StatusCode, Value), reqwest::Error> {
    let res =
        http.post(url).header("x-user-id", "ann").json(body).timeout(Duration::from_secs(15)).send().await?;
    let status = res.status();
    Ok((status, res.json().await.unwrap_or(Value::Null)))
}

async fn production(http: &reqwest::Client, node: &Instance) -> String {
    let (status, p) =
        post(http, &format!("{}/api/productions", node.base), &json!({"showName": "Tour", "client": "ACME"}))
            .await
            .unwrap();
    assert_eq!(status, StatusCode::CREATED);
    p["id"].as_str().unwrap().to_owned()
}

async fn head(http: &reqwest::Client, node: &Instance, pid: &str) -> i64 {
    let url = format!("{}/api/productions/{pid}/changes?since=0&limit=1", node.base);
    http.get(url).send().await.unwrap().json::<Value>().await.unwrap()["headSeq"].as_i64().unwrap()
}

async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    http.get(url).send().await.unwrap().json().await.unwrap()
}

/// Two instances on one database, both ready.
async fn two(fan: &Fan, db: &TestDatabase, http: &reqwest::Client) -> (Instance, Instance) {
    let (a, b) = (fan.start(&db.url), fan.start(&db.url));
    a.ready(http).await;
    b.ready(http).await;
    (a, b)
}

/// A test over PostgreSQL's fan-out and the same over NATS's.
macro_rules! both_fanouts {
    ($body:ident, $postgres:ident, $nats:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $postgres() {
            $body(Fan::Postgres).await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $nats() {
            $body(Fan::nats()).await
        }
    };
}

fn contiguous(from: i64, to: i64) -> Vec<i64> {
    (from..=to).collect()
}

both_fanouts!(
    three_instances,
    three_instances_behave_as_one_server,
    three_instances_behave_as_one_server_over_nats
);

async fn three_instances(fan: Fan) {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let nodes: Vec<Instance> = (0..3).map(|_| fan.start(&db.url)).collect();
    for n in &nodes {
        n.ready(&http).await;
    }
    let pid = production(&http, &nodes[0]).await;
    let mut subs = Vec::new();
    for n in &nodes {
        for _ in 0..2 {
            let mut c = WsClient::connect(&n.ws_url()).await;
            c.join(&pid, None).await;
            subs.push(c);
        }
    }
    let start = head(&http, &nodes[0], &pid).await;
    // A writer on every instance at once.
    let writers = nodes.iter().enumerate().map(|(i, n)| {
        let (http, url) = (http.clone(), format!("{}/api/productions/{pid}/checklist-items", n.base));
        async move {
            for k in 0..30 {
                let (status, body) =
                    post(&http, &url, &json!({"title": format!("node {i} item {k}")})).await.unwrap();
                assert_eq!(status, StatusCode::CREATED, "{body}");
            }
        }
    });
    futures_util::future::join_all(writers).await;
    let end = head(&http, &nodes[2], &pid).await;
    assert_eq!(end, start + 90);
    for (i, sub) in subs.iter_mut().enumerate() {
        let got = sub.events_until(end, Duration::from_secs(15)).await;
        assert_eq!(seqs(&got), contiguous(start + 1, end), "subscriber {i}: in order, no gap, no duplicate");
    }
    let snapshots: Vec<Value> = futures_util::future::join_all(nodes.iter().map(|n| {
        let url = format!("{}/api/productions/{pid}/snapshot", n.base);
        let http = http.clone();
        async move { http.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    }))
    .await;
    assert_eq!(snapshots[0]["entities"]["checklist-items"].as_array().unwrap().len(), 90);
    assert!(snapshots.iter().all(|s| s == &snapshots[0]), "every instance serves the same state");
}

both_fanouts!(
    killed_instance,
    a_killed_instance_loses_no_acknowledged_write_and_its_clients_resume_elsewhere,
    a_killed_instance_loses_no_acknowledged_write_and_its_clients_resume_elsewhere_over_nats
);

async fn killed_instance(fan: Fan) {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let (a, mut b) = two(&fan, &db, &http).await;
    let pid = production(&http, &a).await;
    let mut sub = WsClient::connect(&b.ws_url()).await;
    sub.join(&pid, None).await;
    let start = head(&http, &a, &pid).await;

    // Writers on both instances; the one on b stops when b dies.
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let on_b = Arc::new(AtomicUsize::new(0));
    let writer = |base: String, who: &'static str| {
        let (http, acked, on_b, pid) = (http.clone(), acknowledged.clone(), on_b.clone(), pid.clone());
        tokio::spawn(async move {
            for k in 0..60 {
                let url = format!("{base}/api/productions/{pid}/checklist-items");
                match post(&http, &url, &json!({"title": format!("{who} {k}")})).await {
                    Ok((StatusCode::CREATED, body)) => {
                        acked.lock().unwrap().push(body["id"].as_str().unwrap().to_owned());
                        if who == "b" {
                            on_b.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    Ok((status, body)) => panic!("{who}: {status} {body}"),
                    Err(_) => break, // the instance is gone: this write was never acknowledged
                }
            }
        })
    };
    let (wa, wb) = (writer(a.base.clone(), "a"), writer(b.base.clone(), "b"));
    prodsync_e2e::eventually("b took 20 writes", || async { on_b.load(Ordering::SeqCst) >= 20 }).await;
    b.kill();
    wa.await.unwrap();
    wb.await.unwrap();

    // The subscriber's socket to b is gone: it reconnects to a and resumes from its last seq.
    let mut got = Vec::new();
    loop {
        match sub.next(Duration::from_secs(10)).await {
            Got::Frame(f) if f["data"]["seq"].is_i64() => got.push(f),
            Got::Frame(_) => {}
            Got::Closed { .. } => break,
            Got::Timeout => panic!("the socket to the killed instance did not close"),
        }
    }
    let last = seqs(&got).last().copied().unwrap_or(start);
    let mut again = WsClient::connect(&a.ws_url()).await;
    let (replayed, _) = again.join(&pid, Some(last)).await;
    got.extend(replayed);
    let end = head(&http, &a, &pid).await;
    if seqs(&got).last().copied().unwrap_or(start) < end {
        got.extend(again.events_until(end, Duration::from_secs(10)).await);
    }
    assert_eq!(seqs(&got), contiguous(start + 1, end), "no gap, no duplicate across the crash");

    let list: Value = get_json(&http, &format!("{}/api/productions/{pid}/checklist-items", a.base)).await;
    let stored: Vec<&str> = list.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    let acked = acknowledged.lock().unwrap().clone();
    assert!(acked.len() >= 80, "load on both: {} acknowledged", acked.len());
    for id in &acked {
        assert!(stored.contains(&id.as_str()), "acknowledged write {id} lost");
    }
}

both_fanouts!(
    cut_from_the_database,
    an_instance_cut_from_the_database_is_unready_refuses_writes_fast_and_catches_up,
    an_instance_cut_from_the_database_is_unready_refuses_writes_fast_and_catches_up_over_nats
);

async fn cut_from_the_database(fan: Fan) {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let mut proxy = Proxy::start(&host_port(&server_url())).await;
    let via_proxy = via(proxy.port, &db.name);
    let (a, b) = (fan.start(&via_proxy), fan.start(&db.url));
    a.ready(&http).await;
    b.ready(&http).await;
    let pid = production(&http, &b).await;
    let mut sub = WsClient::connect(&a.ws_url()).await;
    sub.join(&pid, None).await;
    let start = head(&http, &b, &pid).await;

    proxy.cut();
    prodsync_e2e::eventually("a is unready", || async {
        http.get(format!("{}/ready", a.base))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE)
    })
    .await;
    let started = std::time::Instant::now();
    let (status, body) =
        post(&http, &format!("{}/api/productions/{pid}/cameras", a.base), &json!({"name": "Cam"}))
            .await
            .unwrap();
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("database_unavailable"))
    );
    assert!(started.elapsed() < Duration::from_secs(10), "a write fails fast, it does not hang");
    // Meanwhile the other instance keeps taking writes.
    for k in 0..5 {
        let (status, _) = post(
            &http,
            &format!("{}/api/productions/{pid}/cameras", b.base),
            &json!({"name": format!("Cam {k}")}),
        )
        .await
        .unwrap();
        assert_eq!(status, StatusCode::CREATED);
    }

    // Nothing new is written after the outage: only the catch-up on reconnect can bring
    // those five to a's subscriber.
    let end = head(&http, &b, &pid).await;
    proxy.restore().await;
    a.ready(&http).await;
    let got = sub.events_until(end, Duration::from_secs(15)).await;
    assert_eq!(
        seqs(&got),
        contiguous(start + 1, end),
        "what was committed during the outage arrives, in order"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_finishes_requests_in_flight_and_closes_sockets_with_1012() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let mut a = Instance::start(&db.url, &[]);
    a.ready(&http).await;
    let pid = production(&http, &a).await;
    let mut sub = WsClient::connect(&a.ws_url()).await;
    sub.join(&pid, None).await;

    let ops: Vec<Value> = (0..1000)
        .map(|i| json!({"op": "create", "entity": "checklist-items", "body": {"title": format!("t{i}")}}))
        .collect();
    let url = format!("{}/api/productions/{pid}/batch", a.base);
    let batch = {
        let http = http.clone();
        tokio::spawn(async move { post(&http, &url, &json!({"operations": ops})).await })
    };
    // SIGTERM while the batch's transaction is running.
    let (conn, _) = db_client(&db.url).await;
    prodsync_e2e::eventually("the batch is in flight", || async {
        let rows = conn
            .query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND xact_start IS NOT NULL AND pid <> pg_backend_pid() AND query ILIKE '%checklist_items%'", &[])
            .await
            .unwrap();
        !rows.is_empty()
    })
    .await;
    a.terminate();
    let (status, body) = batch.await.unwrap().expect("the request in flight was answered");
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["results"].as_array().unwrap().len(), 1000);
    loop {
        match sub.next(Duration::from_secs(10)).await {
            Got::Frame(_) => {}
            Got::Closed { code, .. } => {
                assert_eq!(code, 1012);
                break;
            }
            Got::Timeout => panic!("no close frame"),
        }
    }
    let status = a.exited_within(Duration::from_secs(15)).expect("exited within the shutdown deadline");
    assert!(status.success(), "{status:?}");
}

/// The others stop notifying an instance whose heartbeat came late (a stalled process, a
/// slow database): what they commit meanwhile still reaches its subscribers, read from the
/// change log once they know of it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_instance_the_others_forgot_reads_what_they_committed_meanwhile() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let a = Instance::start(&db.url, &[]);
    a.ready(&http).await;
    let (client, _task) = db_client(&db.url).await;
    let a_id: String = client.query_one("SELECT id::text FROM instances", &[]).await.unwrap().get(0);
    let b = Instance::start(&db.url, &[]);
    b.ready(&http).await;
    let pid = production(&http, &a).await;
    let mut sub = WsClient::connect(&a.ws_url()).await;
    sub.join(&pid, None).await;

    // a's row goes stale, as after a stalled heartbeat, until b no longer counts a.
    let stale = tokio::spawn(async move {
        loop {
            let sql = format!("UPDATE instances SET seen = now() - interval '1 minute' WHERE id = '{a_id}'");
            client.batch_execute(&sql).await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    prodsync_e2e::eventually("b counts no other instance", || {
        metric(&http, &b, "fanout_peers_alive").map(|v| v == 0.0)
    })
    .await;
    let forgotten = metric(&http, &a, "fanout_forgotten_total").await;
    let (status, _) =
        post(&http, &format!("{}/api/productions/{pid}/cameras", b.base), &json!({"name": "Unnoticed"}))
            .await
            .unwrap();
    assert_eq!(status, StatusCode::CREATED);
    let end = head(&http, &b, &pid).await;
    prodsync_e2e::eventually("a sees its row was stale", || {
        metric(&http, &a, "fanout_forgotten_total").map(move |v| v > forgotten)
    })
    .await;
    stale.abort();
    let got = sub.events_until(end, Duration::from_secs(15)).await;
    assert_eq!(got.last().map(|e| e["event"].clone()), Some(json!("camera:created")), "{got:?}");
}

/// Notices follow the commit on PostgreSQL's fan-out too, so one can be lost between the
/// two (a crash): the head check reads what it would have said. Here the writer is an
/// instance on NATS, whose commits never NOTIFY at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_commit_without_a_notice_reaches_subscribers_through_the_head_check() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let b = Fan::Postgres.start_with(&db.url, &[("PRODSYNC_HEAD_CHECK_MS", "200")]);
    let nats = Fan::nats();
    let silent = nats.start(&db.url);
    b.ready(&http).await;
    silent.ready(&http).await;
    let pid = production(&http, &b).await;
    let mut sub = WsClient::connect(&b.ws_url()).await;
    sub.join(&pid, None).await;
    let start = head(&http, &b, &pid).await;
    for k in 0..3 {
        let url = format!("{}/api/productions/{pid}/cameras", silent.base);
        let (status, _) = post(&http, &url, &json!({"name": format!("Unannounced {k}")})).await.unwrap();
        assert_eq!(status, StatusCode::CREATED);
    }
    let got = sub.events_until(start + 3, Duration::from_secs(15)).await;
    assert_eq!(seqs(&got), contiguous(start + 1, start + 3));
    assert_eq!(metric(&http, &b, "fanout_notices_received_total").await, 0.0, "no notice carried them");
}

async fn metric(http: &reqwest::Client, node: &Instance, name: &str) -> f64 {
    prodsync_e2e::metric_at(http, &node.base, name).await
}

both_fanouts!(
    presence_across,
    presence_spans_instances_and_leaves_with_a_dead_one,
    presence_spans_instances_and_leaves_with_a_dead_one_over_nats
);

async fn presence_across(fan: Fan) {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let (a, mut b) = two(&fan, &db, &http).await;
    let pid = production(&http, &a).await;
    let mut ann = WsClient::connect(&format!("{}?userId=ann&userName=Ann", a.ws_url())).await;
    ann.see_presence = true;
    ann.join(&pid, None).await;
    let mut bob = WsClient::connect(&format!("{}?userId=bob&userName=Bob", b.ws_url())).await;
    bob.see_presence = true;
    bob.join(&pid, None).await;

    // Ann, on a, sees Bob arrive on b; then his focus.
    let seen = until_presence(&mut ann, |d| d["user"]["userId"] == "bob").await;
    assert_eq!(seen["user"]["userName"], "Bob");
    let cam = post(&http, &format!("{}/api/productions/{pid}/cameras", a.base), &json!({"name": "Cam"}))
        .await
        .unwrap()
        .1;
    bob.send("presence:update", json!({"productionId": pid, "focus": {"entityType": "camera", "entityId": cam["id"], "field": "model"}}))
        .await;
    let moved =
        until_presence(&mut ann, |d| d["user"]["userId"] == "bob" && !d["user"]["focus"].is_null()).await;
    assert_eq!(moved["user"]["focus"]["field"], "model");
    let listed: Value = get_json(&http, &format!("{}/api/productions/{pid}/presence", a.base)).await;
    let users: Vec<&str> =
        listed["users"].as_array().unwrap().iter().map(|u| u["userId"].as_str().unwrap()).collect();
    assert_eq!(users, vec!["ann", "bob"], "the presence route counts every instance");

    // b dies without a word: its users leave once it has been silent a while.
    b.kill();
    let left = until_presence(&mut ann, |d| d["userId"] == "bob").await;
    assert_eq!(left["userId"], "bob");
}

/// The next presence frame whose data passes `pred` (other frames are skipped).
async fn until_presence(ws: &mut WsClient, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match ws.next(left).await {
            Got::Frame(f)
                if f["event"].as_str().is_some_and(|e| e.starts_with("presence:")) && pred(&f["data"]) =>
            {
                return f["data"].clone()
            }
            Got::Frame(_) => {}
            other => panic!("waiting for presence: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lone_instance_sends_no_notices_and_starts_when_another_appears() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let a = Instance::start(&db.url, &[]);
    a.ready(&http).await;
    let pid = production(&http, &a).await;
    let url = format!("{}/api/productions/{pid}/cameras", a.base);
    // Listen as another process would, without registering as an instance.
    let (_listening, mut heard) = listen_on(&db.url).await;
    let (status, _) = post(&http, &url, &json!({"name": "Alone"})).await.unwrap();
    assert_eq!(status, StatusCode::CREATED);
    // Nothing to wait for but silence: a notice would be here within milliseconds.
    assert!(
        tokio::time::timeout(Duration::from_millis(500), heard.recv()).await.is_err(),
        "a lone instance notified"
    );

    // Another instance appears (its row in `instances`): within a check interval, writes notify.
    let (client, _task) = db_client(&db.url).await;
    client.batch_execute("INSERT INTO instances (id, seen) VALUES (gen_random_uuid(), now())").await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, _) = post(&http, &url, &json!({"name": "Seen"})).await.unwrap();
        assert_eq!(status, StatusCode::CREATED);
        if tokio::time::timeout(Duration::from_millis(200), heard.recv()).await.is_ok() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "writes never notified once a peer was alive");
    }
}

// An operator (and the bench's CPU count) tells the listening connection from the pool's
// in pg_stat_activity: it carries the URL's application_name plus " listener".
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_listening_connection_is_named_apart_from_the_pool() {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let a = Instance::start(&format!("{}?application_name=crew-a", db.url), &[]);
    a.ready(&http).await;
    production(&http, &a).await;
    let (client, _task) = db_client(&db.url).await;
    let names: Vec<String> = client
        .query(
            "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() \
             AND application_name LIKE 'crew-a%' ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(names.iter().filter(|n| *n == "crew-a listener").count(), 1, "{names:?}");
    assert!(names.iter().any(|n| n == "crew-a"), "the pool keeps the URL's name: {names:?}");
}

/// A connection that LISTENs on the change channel: each payload arrives on the receiver
/// while the returned client lives.
async fn listen_on(url: &str) -> (tokio_postgres::Client, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (client, mut connection) =
        tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(Ok(m)) = futures_util::StreamExt::next(&mut messages).await {
            if let tokio_postgres::AsyncMessage::Notification(n) = m {
                let _ = tx.send(n.payload().to_owned());
            }
        }
    });
    client.batch_execute(&format!("LISTEN {}", prodsync_domain::fanout::CHANNEL)).await.unwrap();
    (client, rx)
}

// Production-list events made on one instance reach list subscribers on another (over
// PostgreSQL they ride the write's transaction; the other notices follow the commit).
both_fanouts!(
    list_across,
    production_list_events_reach_list_subscribers_on_every_instance,
    production_list_events_reach_list_subscribers_on_every_instance_over_nats
);

async fn list_across(fan: Fan) {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    let (a, b) = two(&fan, &db, &http).await;
    let mut list = WsClient::connect(&b.ws_url()).await;
    list.send("join-production-list", json!({})).await;
    list.expect_event("joined-production-list").await;
    let pid = production(&http, &a).await;
    let created = list.expect_event("production:created").await;
    assert_eq!(created["data"]["id"], json!(pid));
    let res = http
        .delete(format!("{}/api/productions/{pid}", a.base))
        .header("x-user-id", "ann")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let deleted = list.expect_event("production:deleted").await;
    assert_eq!(deleted["data"]["id"], json!(pid));
}

// A settings change (outside every production) reaches the sockets of every instance, once.
both_fanouts!(
    settings_announced,
    a_settings_change_is_announced_on_every_instance,
    a_settings_change_is_announced_on_every_instance_over_nats
);

async fn settings_announced(fan: Fan) {
    let db = TestDatabase::new().await;
    let http = reqwest::Client::new();
    // Started together, neither instance may have counted the other when a writes (they
    // recount on a clock): an announcement has no log to repair from, so it must not wait
    // for that count. This failed once in CI before announcements stopped waiting for it.
    let (a, b) = two(&fan, &db, &http).await;
    let mut on_a = WsClient::connect(&a.ws_url()).await;
    let mut on_b = WsClient::connect(&b.ws_url()).await;
    // The last is larger than a NOTIFY payload may be (8,000 bytes): it travels by reference.
    let values = [json!({"dark": true}), json!({"dark": false}), json!({"notes": "n".repeat(20_000)})];
    for value in values {
        let res = http
            .put(format!("{}/api/settings/values/theme", a.base))
            .header("x-user-id", "ann")
            .json(&json!({ "value": value }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        // The next announcement each socket hears is this one: the one before came once
        // (PostgreSQL also hands a its own NOTIFY, which must not be announced again).
        for socket in [&mut on_a, &mut on_b] {
            let heard = socket.expect_event("settings:updated").await;
            assert_eq!((heard["key"].as_str(), &heard["value"]), (Some("theme"), &value));
        }
    }
}
