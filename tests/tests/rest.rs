//! Every REST endpoint over real HTTP against real PostgreSQL.

use std::future::Future;
use std::pin::Pin;

use prodsync_domain::catalog::{by_name, PRODUCTION_ENTITIES};
use prodsync_domain::field::{Access, FieldType};
use prodsync_domain::EntityKind;
use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// A value of the field's type, different for each `n`.
fn sample(ty: FieldType, n: i64) -> Value {
    match ty {
        FieldType::Text => json!(format!("text {n}")),
        FieldType::Integer => json!(n),
        FieldType::Number => json!(n as f64 + 0.5),
        FieldType::Bool => json!(n % 2 == 1),
        FieldType::Timestamp => json!(format!("2026-03-0{}T10:00:00Z", 1 + n % 9)),
        FieldType::Date => json!(format!("2026-04-0{}", 1 + n % 9)),
        FieldType::Uuid => json!(Uuid::from_u128(n as u128).to_string()),
        FieldType::Json => json!({"hops": [n]}),
        FieldType::Enum(values) => json!(values[n as usize % values.len()]),
        FieldType::Ref(_) | FieldType::Library(_) => Value::Null,
    }
}

/// Bodies with every client-writable field set, references included: a referenced entity
/// is created first (its event noted), a library reference takes a seeded item.
struct Bodies<'a> {
    s: &'a TestServer,
    pid: String,
    library: std::collections::HashMap<&'static str, Vec<Value>>,
    events: Vec<String>,
    unique: usize,
}

impl<'a> Bodies<'a> {
    async fn new(s: &'a TestServer, pid: &str) -> Bodies<'a> {
        let mut library = std::collections::HashMap::new();
        for kind in prodsync_domain::catalog::LIBRARIES {
            let (_, items) = s.get(&format!("/api/{}", kind.path)).await;
            let ids: Vec<Value> = items.as_array().unwrap().iter().map(|i| i["id"].clone()).collect();
            assert!(ids.len() >= 3, "the {} library is seeded", kind.name);
            library.insert(kind.name, ids);
        }
        Bodies { s, pid: pid.to_owned(), library, events: vec![], unique: 0 }
    }

    fn full<'b>(
        &'b mut self,
        kind: &'static EntityKind,
        n: i64,
    ) -> Pin<Box<dyn Future<Output = Value> + 'b>> {
        Box::pin(async move {
            let mut m = Map::new();
            for f in kind.fields.iter().filter(|f| f.access != Access::ServerSet) {
                let v = match f.ty {
                    FieldType::Ref(target) => {
                        let target = by_name(target).unwrap();
                        let body = self.full(target, n).await;
                        let made = self.s.create(&self.pid, target.path, body).await;
                        self.events.push(format!("{}:created", target.name));
                        made["id"].clone()
                    }
                    FieldType::Library(name) => self.library[name][n as usize].clone(),
                    _ if f.unique => {
                        self.unique += 1;
                        json!(format!("{} {}", f.name, self.unique))
                    }
                    ty => sample(ty, n),
                };
                m.insert(f.name.to_owned(), v);
            }
            Value::Object(m)
        })
    }
}

#[tokio::test]
async fn health_reports_the_database() {
    let s = TestServer::start().await;
    let (status, body) = s.get("/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["database"]["connected"], true);
    assert!(body["database"]["latency"].as_str().unwrap().ends_with("ms"));
}

#[tokio::test]
async fn every_entity_type_round_trips_through_every_endpoint() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let mut bodies = Bodies::new(&s, &pid).await;
    let mut expected_events = vec!["production:created".to_owned()];
    for kind in PRODUCTION_ENTITIES {
        let base = format!("/api/productions/{pid}/{}", kind.path);
        let body = bodies.full(kind, 1).await;
        expected_events.append(&mut bodies.events);
        let created = s.create(&pid, kind.path, body.clone()).await;
        expected_events.push(format!("{}:created", kind.name));
        for (k, v) in body.as_object().unwrap() {
            assert_eq!(&created[k], v, "{}.{k} after create", kind.name);
        }
        assert_eq!(created["version"], 1);
        assert_eq!(created["productionId"], json!(pid));
        let id = created["id"].as_str().unwrap();

        let (status, got) = s.get(&format!("{base}/{id}")).await;
        assert_eq!((status, &got), (StatusCode::OK, &created), "{} GET", kind.name);
        let (_, list) = s.get(&base).await;
        assert_eq!(list.as_array().unwrap(), &vec![created.clone()], "{} list", kind.name);

        let changed = bodies.full(kind, 2).await;
        expected_events.append(&mut bodies.events);
        expected_events.push(format!("{}:updated", kind.name));
        let (status, updated) = s.put(&format!("{base}/{id}"), "ann", &changed).await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["lastModifiedBy"], "ann");
        for (k, v) in changed.as_object().unwrap() {
            assert_eq!(&updated[k], v, "{}.{k} after update", kind.name);
        }
        assert!(!updated["changedFields"].as_array().unwrap().is_empty());

        let (status, _) =
            s.send("PATCH", &format!("{base}/{id}"), "bob", Some(&json!({"note": "patched"}))).await;
        let patched = kind.field("note").is_some();
        assert_eq!(status, if patched { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY });

        let (status, deleted) = s.send("DELETE", &format!("{base}/{id}"), "cy", None).await;
        assert_eq!(status, StatusCode::OK, "{deleted}");
        assert_eq!(s.get(&format!("{base}/{id}")).await.0, StatusCode::NOT_FOUND);
        if patched {
            expected_events.push(format!("{}:updated", kind.name));
        }
        expected_events.push(format!("{}:deleted", kind.name));
    }
    let (_, changes) = s.get(&format!("/api/productions/{pid}/changes?since=0&limit=10000")).await;
    let events = changes["events"].as_array().unwrap();
    let names: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(names, expected_events);
    let seqs: Vec<i64> = events.iter().map(|e| e["data"]["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=events.len() as i64).collect::<Vec<_>>());
    assert_eq!(changes["headSeq"], json!(events.len()));
}

#[tokio::test]
async fn productions_list_update_snapshot_and_delete_with_everything_in_them() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let other = s.production("Other").await;
    let (_, list) = s.get("/api/productions").await;
    assert_eq!(list.as_array().unwrap().len(), 2);

    let (status, updated) =
        s.put(&format!("/api/productions/{pid}"), "ann", &json!({"status": "ready", "venue": "Arena"})).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!((updated["version"].as_i64(), updated["status"].as_str()), (Some(2), Some("ready")));
    let ccu = s.create(&pid, "ccus", json!({"name": "CCU 1"})).await;
    s.create(&pid, "cameras", json!({"name": "Cam 1", "ccuId": ccu["id"]})).await;
    s.create(&other, "cameras", json!({"name": "Elsewhere"})).await;

    let (_, snap) = s.get(&format!("/api/productions/{pid}/snapshot")).await;
    assert_eq!(snap["seq"], 4);
    assert_eq!(snap["production"]["venue"], "Arena");
    assert_eq!(snap["entities"]["cameras"].as_array().unwrap().len(), 1);
    assert_eq!(snap["entities"]["ccus"][0]["id"], ccu["id"]);
    assert_eq!(snap["entities"]["streams"], json!([]));

    let (status, _) = s.send("DELETE", &format!("/api/productions/{pid}"), "ann", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s.get(&format!("/api/productions/{pid}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(s.get(&format!("/api/productions/{pid}/cameras")).await.0, StatusCode::NOT_FOUND);
    let (_, others) = s.get(&format!("/api/productions/{other}/cameras")).await;
    assert_eq!(others.as_array().unwrap().len(), 1, "the other production is untouched");
}

#[tokio::test]
async fn two_people_editing_different_fields_both_keep_their_edit() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1", "model": "HDC-3500"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    // Both send the whole camera as they loaded it, each with one field changed.
    let mut ann = cam.clone();
    ann["name"] = json!("Cam 1 (hand-held)");
    let mut bob = cam.clone();
    bob["model"] = json!("HDC-5500");
    let (a, b) = tokio::join!(s.put(&path, "ann", &ann), s.put(&path, "bob", &bob));
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK));
    let (_, now) = s.get(&path).await;
    assert_eq!(now["name"], "Cam 1 (hand-held)");
    assert_eq!(now["model"], "HDC-5500");
    assert_eq!(now["version"], 3);
    assert!(
        a.1["conflicts"].as_array().unwrap().is_empty() && b.1["conflicts"].as_array().unwrap().is_empty()
    );
}

#[tokio::test]
async fn conflicts_are_reported_or_rejected_as_asked() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1", "note": "old"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    s.ok("PUT", &path, "ann", Some(&json!({"version": 1, "note": "ann's"}))).await;

    // Reject mode, by header and by body: 409, and nothing written.
    let before = s.fingerprint().await;
    let res = s
        .http
        .put(s.url(&path))
        .header("if-match", "1")
        .header("x-user-id", "bob")
        .json(&json!({"note": "bob's"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "version_conflict");
    assert_eq!(body["details"]["conflicts"][0]["field"], "note");
    assert_eq!(body["details"]["conflicts"][0]["overwrittenBy"], "ann");
    let (status, body) =
        s.put(&path, "bob", &json!({"version": 1, "onConflict": "reject", "note": "bob's"})).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::CONFLICT, Some("version_conflict")));
    assert_eq!(s.fingerprint().await, before, "a rejected update writes nothing");

    // Default mode: last write wins, and the response says what was overwritten.
    let (status, body) = s.put(&path, "bob", &json!({"version": 1, "note": "bob's"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["note"], "bob's");
    assert_eq!(body["conflicts"][0]["overwrittenValue"], "ann's");

    // A stale echo of the original copy changes nothing and is no new version.
    let before = s.fingerprint().await;
    let (status, body) = s.put(&path, "cy", &cam).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((body["note"].as_str(), body["version"].as_i64()), (Some("bob's"), Some(3)));
    assert_eq!(body["changedFields"], json!([]));
    assert_eq!(s.fingerprint().await, before, "a no-op writes no version and no change-log row");
}

#[tokio::test]
async fn ids_conflict_only_where_they_must() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let id = Uuid::new_v4().to_string();
    let cam = s.create(&pid, "cameras", json!({"id": id, "name": "Offline cam"})).await;
    assert_eq!(cam["id"], json!(id), "a client-supplied id is kept");
    let (status, body) =
        s.post(&format!("/api/productions/{pid}/cameras"), &json!({"id": id, "name": "x"})).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::CONFLICT, Some("id_conflict")));
    let other = Uuid::new_v4().to_string();
    let (status, body) = s
        .put(&format!("/api/productions/{pid}/cameras/{id}"), "ann", &json!({"id": other, "name": "y"}))
        .await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::CONFLICT, Some("id_mismatch")));
    assert_eq!(body["details"]["field"], "id");
}

#[tokio::test]
async fn references_must_stay_inside_the_production() {
    let s = TestServer::start().await;
    let (p, q) = (s.production("P").await, s.production("Q").await);
    let foreign = s.create(&q, "ccus", json!({"name": "Q's CCU"})).await;
    let before = s.fingerprint().await;
    let (status, body) = s
        .post(&format!("/api/productions/{p}/cameras"), &json!({"name": "Cam", "ccuId": foreign["id"]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        (body["error"].as_str(), body["details"]["field"].as_str()),
        (Some("invalid_reference"), Some("ccuId"))
    );
    assert_eq!(s.fingerprint().await, before);
}

/// Method, path, body, expected status, error code, and the field the details name.
type BadCase<'a> = (&'a str, String, Option<String>, StatusCode, &'a str, Option<&'a str>);

#[tokio::test]
async fn bad_input_is_a_4xx_with_a_stable_code_and_changes_nothing() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1"})).await;
    let cams = format!("/api/productions/{pid}/cameras");
    let one = format!("{cams}/{}", cam["id"].as_str().unwrap());
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(1024 * 1024 + 10));
    let cases: Vec<BadCase> = vec![
        ("POST", cams.clone(), Some("{\"name\": ".into()), StatusCode::BAD_REQUEST, "malformed_json", None),
        ("POST", cams.clone(), Some("[1]".into()), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", None),
        ("POST", cams.clone(), Some(r#"{"name": 7}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "invalid_type", Some("name")),
        ("PUT", one.clone(), Some(r#"{"hasDolly": "yes"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "invalid_type", Some("hasDolly")),
        ("POST", cams.clone(), Some(r#"{"name": "a", "colour": "red"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "unknown_field", Some("colour")),
        ("POST", cams.clone(), Some(r#"{"model": "HDC"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "missing_field", Some("name")),
        ("PUT", one.clone(), Some(r#"{"name": null}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "missing_field", Some("name")),
        ("POST", cams.clone(), Some(r#"{"name": "a", "ccuId": "not-a-uuid"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "invalid_type", Some("ccuId")),
        ("POST", cams.clone(), Some(r#"{"id": "nope", "name": "a"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "invalid_uuid", Some("id")),
        ("PUT", format!("/api/productions/{pid}"), Some(r#"{"status": "done"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", Some("status")),
        ("PUT", format!("/api/productions/{pid}/switchers/{}", Uuid::nil()), Some(r#"{"inputs": 3000000000}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "out_of_range", Some("inputs")),
        // What PostgreSQL cannot store is bad input, not a 500.
        ("PUT", format!("/api/productions/{pid}"), Some(r#"{"showName": "Gala\u0000"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", Some("showName")),
        ("POST", "/api/productions".into(), Some(r#"{"showName": "\u0000", "client": "x"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", Some("showName")),
        ("PUT", format!("/api/productions/{pid}"), Some(r#"{"showDate": "0000-01-01"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "out_of_range", Some("showDate")),
        ("PUT", format!("/api/productions/{pid}"), Some(r#"{"loadIn": "0000-12-31T23:00:00Z"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "out_of_range", Some("loadIn")),
        ("PUT", format!("/api/productions/{pid}/connections/{}", Uuid::nil()), Some(r#"{"signalPath": {"a\u0000": 1}}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", Some("signalPath")),
        ("PUT", one.clone(), Some(r#"{"productionId": "6f1c1f43-2d5e-4a59-9d1a-6f6d8a9a0b11"}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "production_mismatch", Some("productionId")),
        ("GET", "/api/productions/not-a-uuid/cameras".into(), None, StatusCode::BAD_REQUEST, "invalid_uuid", Some("productionId")),
        ("PUT", format!("{cams}/123"), Some("{}".into()), StatusCode::BAD_REQUEST, "invalid_uuid", Some("id")),
        ("POST", format!("/api/productions/{pid}/widgets"), Some(r#"{"name": "a"}"#.into()), StatusCode::NOT_FOUND, "unknown_entity_type", Some("entity")),
        ("POST", cams.clone(), Some(huge), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", None),
        ("GET", format!("/api/productions/{pid}/changes?since=abc"), None, StatusCode::BAD_REQUEST, "invalid_query", Some("since")),
        ("GET", format!("/api/productions/{pid}/changes?limit=0"), None, StatusCode::BAD_REQUEST, "invalid_query", Some("limit")),
        ("GET", format!("/api/productions/{}/cameras", Uuid::new_v4()), None, StatusCode::NOT_FOUND, "not_found", None),
        ("PUT", format!("{cams}/{}", Uuid::new_v4()), Some(r#"{"name": "a"}"#.into()), StatusCode::NOT_FOUND, "not_found", None),
        ("GET", "/api/equipment?category=toaster".into(), None, StatusCode::BAD_REQUEST, "invalid_query", Some("category")),
        ("POST", "/api/equipment".into(), Some(r#"{"manufacturer": "Sony", "model": "X", "category": "camera", "inputs": [{"label": "no type"}]}"#.into()), StatusCode::UNPROCESSABLE_ENTITY, "invalid_type", Some("inputs")),
    ];
    let before = s.fingerprint().await;
    for (method, path, body, status, code, field) in cases {
        let mut req =
            s.http.request(method.parse().unwrap(), s.url(&path)).header("content-type", "application/json");
        if let Some(b) = body {
            req = req.body(b);
        }
        let res = req.send().await.unwrap();
        let got_status = res.status();
        let got: Value = res.json().await.unwrap_or_else(|e| panic!("{method} {path}: body not JSON: {e}"));
        assert_eq!((got_status, got["error"].as_str()), (status, Some(code)), "{method} {path}: {got}");
        assert!(got["message"].as_str().is_some_and(|m| !m.is_empty()), "{got}");
        if let Some(f) = field {
            assert_eq!(got["details"]["field"], f, "{method} {path}: {got}");
        }
    }
    let res =
        s.http.put(s.url(&one)).header("if-match", "seven").json(&json!({"note": "x"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Header values a client can send but the server must refuse: non-ASCII bytes, too long.
    let latin1 = reqwest::header::HeaderValue::from_bytes(b"caf\xe9").unwrap();
    for value in [latin1, reqwest::header::HeaderValue::from_str(&"u".repeat(201)).unwrap()] {
        let res = s
            .http
            .put(s.url(&one))
            .header("x-user-id", value)
            .json(&json!({"note": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let got: Value = res.json().await.unwrap();
        assert_eq!(
            (got["error"].as_str(), got["details"]["field"].as_str()),
            (Some("invalid_header"), Some("X-User-Id"))
        );
    }
    assert_eq!(s.fingerprint().await, before, "bad input changed the database");
}

#[tokio::test]
async fn sixteen_writers_on_one_camera_keep_every_last_write_and_a_gapless_log() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let cam = s.create(&pid, "cameras", json!({"name": "Cam 1"})).await;
    let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
    let camera = prodsync_domain::catalog::by_name("camera").unwrap();
    // Twelve plain fields for sixteen writers: some fields have two writers racing.
    let plain = |f: &&prodsync_domain::field::FieldDef| {
        matches!(f.ty, FieldType::Text | FieldType::Bool | FieldType::Number) && !f.unique
    };
    let fields: Vec<_> = camera.fields.iter().filter(plain).take(12).collect();
    const WRITERS: usize = 16;
    const ROUNDS: i64 = 25;
    let tasks = (0..WRITERS).map(|w| {
        let field = fields[w % fields.len()];
        let (s, path) = (&s, path.clone());
        async move {
            let mut effective = 0;
            for round in 0..ROUNDS {
                let value = match field.ty {
                    FieldType::Bool => json!(round % 2 == 0),
                    FieldType::Number => json!((w as i64 * 1000 + round) as f64),
                    _ => json!(format!("w{w}-r{round}")),
                };
                let (status, body) =
                    s.put(&path, &format!("writer-{w}"), &json!({ field.name: value })).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                if !body["changedFields"].as_array().unwrap().is_empty() {
                    effective += 1;
                }
            }
            effective
        }
    });
    let effective: i64 = futures_util::future::join_all(tasks).await.into_iter().sum();

    let (_, now) = s.get(&path).await;
    assert_eq!(now["version"].as_i64(), Some(1 + effective));
    let (_, changes) = s.get(&format!("/api/productions/{pid}/changes?since=0&limit=10000")).await;
    let events = changes["events"].as_array().unwrap();
    let seqs: Vec<i64> = events.iter().map(|e| e["data"]["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=2 + effective).collect::<Vec<_>>(), "seqs 1..N, no gap, no duplicate");
    // Every field holds the value of its last write in commit order.
    for f in &fields {
        let last = events
            .iter()
            .rev()
            .find(|e| e["data"]["changedFields"].as_array().unwrap().contains(&json!(f.name)));
        if let Some(last) = last {
            assert_eq!(now[f.name], last["data"]["data"][f.name], "{}", f.name);
        }
    }
    // Fields with a single writer end with that writer's last value.
    for (w, f) in fields.iter().enumerate().filter(|(w, _)| *w < WRITERS && w + fields.len() >= WRITERS) {
        if f.ty == FieldType::Text {
            assert_eq!(now[f.name], json!(format!("w{w}-r{}", ROUNDS - 1)), "{}", f.name);
        }
    }
}

#[tokio::test]
async fn equipment_library_is_seeded_and_editable() {
    let s = TestServer::start().await;
    let (status, all) = s.get("/api/equipment").await;
    assert_eq!(status, StatusCode::OK);
    let all = all.as_array().unwrap();
    assert!(all.len() >= 40, "seeded with {} items", all.len());
    for category in ["camera", "ccu", "switcher", "router", "led-processor", "projector", "recorder"] {
        assert!(all.iter().any(|e| e["category"] == category), "no {category} in the seed");
    }
    let (_, ccus) = s.get("/api/equipment?category=ccu").await;
    assert!(ccus.as_array().unwrap().iter().all(|e| e["category"] == "ccu"));

    let body = json!({"manufacturer": "Acme", "model": "Cam 9", "category": "camera",
        "outputs": [{"type": "12G-SDI", "count": 2, "label": "PGM"}]});
    let (status, created) = s.post("/api/equipment", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/equipment/{}", created["id"].as_str().unwrap());
    let (status, updated) = s.put(&path, "ann", &json!({"notes": "loaner"})).await;
    assert_eq!((status, updated["notes"].as_str()), (StatusCode::OK, Some("loaner")));
    let (status, dup) = s.post("/api/equipment", &body).await;
    assert_eq!((status, dup["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("duplicate_model")));
    assert_eq!(s.send("DELETE", &path, "ann", None).await.0, StatusCode::OK);
    assert_eq!(s.get(&path).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_routes_answer_in_the_error_shape() {
    let s = TestServer::start().await;
    let (status, body) = s.get("/api/nothing-here").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}

#[tokio::test]
async fn deleting_a_production_while_its_entities_are_written_never_gives_a_5xx() {
    let s = TestServer::start().await;
    for round in 0..3 {
        let pid = s.production(&format!("Doomed {round}")).await;
        let ccu = s.create(&pid, "ccus", json!({"name": "CCU"})).await;
        let mut cams = Vec::new();
        for i in 0..6 {
            cams.push(
                s.create(&pid, "cameras", json!({"name": format!("Cam {i}"), "ccuId": ccu["id"]})).await,
            );
        }
        let writers = cams.iter().enumerate().map(|(w, cam)| {
            let path = format!("/api/productions/{pid}/cameras/{}", cam["id"].as_str().unwrap());
            let s = &s;
            async move {
                let mut statuses = Vec::new();
                for i in 0..30 {
                    statuses.push(s.put(&path, &format!("w{w}"), &json!({ "note": format!("{i}") })).await.0);
                }
                statuses
            }
        });
        let ccu_path = format!("/api/productions/{pid}/ccus/{}", ccu["id"].as_str().unwrap());
        let started_at = s.head_seq(&pid).await;
        let deleter = async {
            // Start once the writers are under way, so the delete meets them mid-flight.
            prodsync_e2e::eventually("the writers are writing", || async {
                s.head_seq(&pid).await > started_at + 6
            })
            .await;
            // Clearing the CCU's references locks cameras the writers are updating.
            let ccu_gone = s.send("DELETE", &ccu_path, "boss", None).await;
            let production_gone = s.send("DELETE", &format!("/api/productions/{pid}"), "boss", None).await;
            assert_eq!(ccu_gone.0, StatusCode::OK, "{}", ccu_gone.1);
            assert_eq!(production_gone.0, StatusCode::OK, "{}", production_gone.1);
            (ccu_gone.0, production_gone.0)
        };
        let (statuses, (ccu_gone, production_gone)) =
            tokio::join!(futures_util::future::join_all(writers), deleter);
        assert_eq!((ccu_gone, production_gone), (StatusCode::OK, StatusCode::OK));
        for status in statuses.into_iter().flatten() {
            assert!(status == StatusCode::OK || status == StatusCode::NOT_FOUND, "a write got {status}");
        }
        assert_eq!(s.get(&format!("/api/productions/{pid}")).await.0, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_cross_site_form_post_cannot_write_and_every_response_names_its_request() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let before = s.fingerprint().await;
    for content_type in [Some("application/x-www-form-urlencoded"), Some("text/plain"), None] {
        let mut req =
            s.http.post(s.url(&format!("/api/productions/{pid}/cameras"))).body(r#"{"name": "Sneaky"}"#);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type:?}");
        let got: Value = res.json().await.unwrap();
        assert_eq!(got["error"], "unsupported_media_type");
    }
    assert_eq!(s.fingerprint().await, before);
    // +json types are JSON too.
    let res = s
        .http
        .post(s.url(&format!("/api/productions/{pid}/cameras")))
        .header("content-type", "application/vnd.prodsync+json")
        .body(r#"{"name": "Fine"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.headers().get("x-request-id").expect("a request id").to_str().unwrap().to_owned();
    assert_eq!(id.len(), 32, "{id}");
    // A client's own id is kept, so it can find its request in the server's log.
    let res = s.http.get(s.url("/health")).header("x-request-id", "trace-42").send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-42");
}

#[tokio::test]
async fn browsers_on_listed_origins_may_call_and_others_get_no_cors_headers() {
    let s = TestServer::start_tuned(|c| c.cors_origins = vec!["https://crew.example".into()]).await;
    let preflight = |origin: &'static str| {
        s.http
            .request(reqwest::Method::OPTIONS, s.url("/api/productions"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type, idempotency-key")
            .send()
    };
    let ok = preflight("https://crew.example").await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.headers()["access-control-allow-origin"], "https://crew.example");
    let evil = preflight("https://evil.example").await.unwrap();
    assert!(evil.headers().get("access-control-allow-origin").is_none(), "{:?}", evil.headers());
    let res =
        s.http.get(s.url("/api/productions")).header("origin", "https://evil.example").send().await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    // A page this server serves itself is same-origin, whatever the list says.
    let host = s.base.trim_start_matches("http://").to_owned();
    let res = s
        .http
        .post(s.url("/api/productions"))
        .header("origin", format!("http://{host}"))
        .json(&json!({"showName": "Same origin", "client": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn every_documented_operation_is_served_and_the_docs_page_is_there() {
    let s = TestServer::start().await;
    let (status, doc) = s.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut count = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{productionId}", &Uuid::new_v4().to_string())
            .replace("{id}", &Uuid::new_v4().to_string())
            .replace("{userId}", "zed");
        for method in item.as_object().unwrap().keys() {
            let body = item[method].get("requestBody").map(|_| json!({}));
            let (status, got) = s.send(&method.to_uppercase(), &concrete, "tester", body.as_ref()).await;
            let unrouted = status == StatusCode::METHOD_NOT_ALLOWED
                || got["message"].as_str().is_some_and(|m| m.starts_with("no such route"));
            assert!(!unrouted, "{method} {path} is documented but not served: {status} {got}");
            assert!(!status.is_server_error(), "{method} {path}: {status} {got}");
            count += 1;
        }
    }
    assert!(count > 90, "only {count} operations documented");
    let page = s.http.get(s.url("/api/docs")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("swagger"), "the docs page is Swagger UI");
}
