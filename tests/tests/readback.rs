//! Property: any JSON value in any field of any entity type is either refused with a 4xx,
//! or stored and then readable everywhere it shows (the entity, its type's list, the
//! production's snapshot, the production list, `/changes`, the compatibility layer) and
//! deletable. "Stored or refused" alone let a number near f64::MAX in a JSON field through
//! with 201, after which every read of the production list answered 500 for good.
//!
//! Also: rows already poisoned (written before the rule, or by hand) are repaired by the
//! migration's function, and a value no parser takes reads as null with a `fieldErrors`
//! entry while the rest of the data stays readable.

use std::collections::HashMap;

use prodsync_domain::catalog::{PRODUCTION, PRODUCTION_ENTITIES};
use prodsync_domain::field::FieldType;
use prodsync_domain::EntityKind;
use prodsync_e2e::{db_client, TestServer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::StatusCode;
use serde_json::{json, Map, Value};

/// Every type a client writes: the production itself and everything in it.
fn kinds() -> Vec<&'static EntityKind> {
    std::iter::once(&PRODUCTION).chain(PRODUCTION_ENTITIES.iter().copied()).collect()
}

/// A field by its type's index in [`kinds`] and its own index.
type FieldAt = (usize, usize);

/// Every (type, field) a client may write, JSON fields listed apart: they take any shape,
/// so they get half the cases.
fn fields() -> (Vec<FieldAt>, Vec<FieldAt>) {
    let (mut json_fields, mut others) = (Vec::new(), Vec::new());
    for (k, kind) in kinds().iter().enumerate() {
        for (i, f) in kind.fields.iter().enumerate() {
            if f.access == prodsync_domain::field::Access::ServerSet {
                continue;
            }
            if f.ty == FieldType::Json {
                json_fields.push((k, i))
            } else {
                others.push((k, i))
            }
        }
    }
    (json_fields, others)
}

fn nested(levels: usize, inner: Value) -> Value {
    (0..levels).fold(inner, |v, _| json!([v]))
}

/// Numbers at and past the edges of f64 and of the documented ±1e300.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(f64::MAX)),
        Just(json!(-f64::MAX)),
        Just(json!(1.7976931348623157e308)),
        Just(json!(1e300)),
        Just(json!(-1e301)),
        Just(json!(f64::MIN_POSITIVE)),
        Just(json!(5e-324)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(2.0)),
        Just(json!(-0.0)),
        any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
    ]
}

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\u{0}".to_owned()),
        Just("0000-01-01".to_owned()),
        Just("9999-12-31T23:30:00-01:00".to_owned()),
        Just("2026-02-12T10:00:00.123456789Z".to_owned()),
        Just("\u{feff}\u{10ffff}\u{7f}".to_owned()),
        any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        number(),
        string().prop_map(Value::from),
    ];
    let tree = leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(string(), inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<String, Value>>())),
        ]
    });
    prop_oneof![
        4 => tree,
        1 => (1usize..160, number()).prop_map(|(levels, n)| nested(levels, n)),
    ]
}

/// A case: a (type, field) and the value to put there.
fn case() -> impl Strategy<Value = (usize, usize, Value)> {
    let (json_fields, others) = fields();
    prop_oneof![
        (prop::sample::select(json_fields), json_value()).prop_map(|((k, i), v)| (k, i, v)),
        (prop::sample::select(others), json_value()).prop_map(|((k, i), v)| (k, i, v)),
    ]
}

/// Plain values for the required fields: unique text, the target made for a reference,
/// an enum's first value.
fn plain_required(kind: &EntityKind, targets: &HashMap<&str, String>, n: usize) -> Map<String, Value> {
    let value = |ty: FieldType| match ty {
        FieldType::Enum(values) => json!(values[0]),
        FieldType::Ref(target) => json!(targets[target]),
        FieldType::Uuid => json!(uuid::Uuid::new_v4()),
        FieldType::Integer | FieldType::Number => json!(1),
        _ => json!(format!("base {n}")),
    };
    kind.fields.iter().filter(|f| f.is_required()).map(|f| (f.name.to_owned(), value(f.ty))).collect()
}

fn path_of(kind: &EntityKind, pid: &str) -> String {
    if kind.is_production() {
        "/api/productions".into()
    } else {
        format!("/api/productions/{pid}/{}", kind.path)
    }
}

/// Each read that shows `kind`'s entities in production `pid`, and the value of `field`
/// of entity `id` where the read gives entities by id.
async fn reads(s: &TestServer, kind: &EntityKind, pid: &str) -> Result<(), TestCaseError> {
    let mut paths = vec![
        "/api/productions".to_owned(),
        format!("/api/productions/{pid}"),
        format!("/api/productions/{pid}/snapshot"),
        format!("/api/productions/{pid}/changes?since=0&limit=1000"),
        "/compat/api/productions".to_owned(),
        format!("/compat/api/productions/{pid}"),
    ];
    if !kind.is_production() {
        paths.push(format!("/api/productions/{pid}/{}", kind.path));
    }
    for route in prodsync_compat::ROUTES.iter().filter(|r| r.kind.name == kind.name) {
        paths.push(format!("/compat/api/{}/production/{pid}", route.segment));
    }
    for path in paths {
        let (status, body) = s.get(&path).await;
        prop_assert_eq!(status, StatusCode::OK, "GET {} after the write: {}", path, body);
    }
    Ok(())
}

struct World {
    s: TestServer,
    pid: String,
    targets: HashMap<&'static str, String>,
    counter: std::sync::atomic::AtomicUsize,
}

impl World {
    fn n(&self) -> usize {
        self.counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    async fn new() -> World {
        let s = TestServer::start().await;
        let pid = s.production("Readback").await;
        let mut world = World { s, pid, targets: HashMap::new(), counter: Default::default() };
        // Required references need something to point at: one of each target, made once.
        for kind in PRODUCTION_ENTITIES {
            let body = Value::Object(plain_required(kind, &world.targets, world.n()));
            let made = world.s.create(&world.pid, kind.path, body).await;
            world.targets.insert(kind.name, made["id"].as_str().unwrap().to_owned());
        }
        world
    }

    /// Creates with `field: value`, then reads and deletes what was made.
    async fn create_case(&self, kind: &EntityKind, field: &str, value: &Value) -> Result<(), TestCaseError> {
        let mut body = plain_required(kind, &self.targets, self.n());
        body.insert(field.to_owned(), value.clone());
        let (status, created) = self.s.post(&path_of(kind, &self.pid), &Value::Object(body)).await;
        prop_assert!(
            !status.is_server_error(),
            "create {} {}={}: {} {}",
            kind.name,
            field,
            value,
            status,
            created
        );
        if !status.is_success() {
            prop_assert!(created["error"].is_string(), "a 4xx names its code: {}", created);
            return Ok(());
        }
        let id = created["id"].as_str().unwrap().to_owned();
        let pid = if kind.is_production() { id.clone() } else { self.pid.clone() };
        let one = format!("{}/{id}", path_of(kind, &pid));
        let (status, got) = self.s.get(&one).await;
        prop_assert_eq!(status, StatusCode::OK, "GET {}: {}", one, got);
        prop_assert_eq!(&got[field], &created[field], "{} reads back as it was stored", field);
        prop_assert!(got.get("fieldErrors").is_none(), "nothing stored is unreadable: {}", got);
        reads(&self.s, kind, &pid).await?;
        let (status, gone) = self.s.send("DELETE", &one, "tester", None).await;
        prop_assert!(status.is_success(), "DELETE {}: {} {}", one, status, gone);
        Ok(())
    }

    /// Updates a plain entity with `field: value`, then reads it.
    async fn update_case(&self, kind: &EntityKind, field: &str, value: &Value) -> Result<(), TestCaseError> {
        if kind.is_production() {
            return Ok(()); // the create case covers the production's own fields
        }
        let plain = Value::Object(plain_required(kind, &self.targets, self.n()));
        let made = self.s.create(&self.pid, kind.path, plain).await;
        let one = format!("{}/{}", path_of(kind, &self.pid), made["id"].as_str().unwrap());
        let (status, body) = self.s.put(&one, "tester", &json!({ field: value })).await;
        prop_assert!(
            !status.is_server_error(),
            "update {} {}={}: {} {}",
            kind.name,
            field,
            value,
            status,
            body
        );
        if status.is_success() {
            let (status, got) = self.s.get(&one).await;
            prop_assert_eq!(status, StatusCode::OK, "GET {}: {}", one, got);
            prop_assert_eq!(&got[field], &body[field], "{} reads back as it was stored", field);
            reads(&self.s, kind, &self.pid).await?;
        }
        Ok(())
    }
}

#[test]
fn any_json_in_any_field_is_refused_or_readable_everywhere_and_deletable() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let world = rt.block_on(World::new());
    let mut runner = TestRunner::new(Config { cases: 160, failure_persistence: None, ..Config::default() });
    let result = runner.run(&case(), |(k, i, value)| {
        let kind = kinds()[k];
        let field = kind.fields[i].name;
        rt.block_on(async {
            world.create_case(kind, field, &value).await?;
            world.update_case(kind, field, &value).await
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Values a parser cannot take, put in place behind the server's back (as an older
/// build, or a hand-written statement, could have).
#[tokio::test]
async fn poisoned_rows_are_repaired_and_what_cannot_be_read_is_named_not_a_500() {
    let s = TestServer::start().await;
    let pid = s.production("Poisoned").await;
    let conn = s.create(&pid, "connections", json!({"destinationType": "monitor", "note": "kept"})).await;
    let cid = conn["id"].as_str().unwrap();
    let (db, _task) = db_client(&s.db.url).await;
    // A number past ±1e300 in a JSON column: the migration's repair turns it to null.
    db.batch_execute(&format!(
        "UPDATE productions SET source_types = '[1.7976931348623157e308, \"SDI\"]' WHERE id = '{pid}'"
    ))
    .await
    .unwrap();
    let (status, before) = s.get(&format!("/api/productions/{pid}")).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(before["sourceTypes"], Value::Null, "out of range reads as null: {before}");
    assert_eq!(before["fieldErrors"][0]["field"], "sourceTypes", "{before}");
    assert_eq!(before["fieldErrors"][0]["code"], "unreadable_value", "{before}");
    let repaired = db.query_one("SELECT prodsync_repair_json_numbers()", &[]).await.unwrap();
    assert_eq!(repaired.get::<_, i64>(0), 1, "one row held such a number");
    let (_, after) = s.get(&format!("/api/productions/{pid}")).await;
    assert_eq!(after["sourceTypes"], json!([null, "SDI"]), "{after}");
    assert!(after.get("fieldErrors").is_none(), "{after}");

    // Nested deeper than any parser goes: no repair, but every read still answers.
    let deep = format!("{}1{}", "[".repeat(3000), "]".repeat(3000));
    db.batch_execute(&format!("UPDATE connections SET signal_path = '{deep}' WHERE id = '{cid}'"))
        .await
        .unwrap();
    for path in [
        format!("/api/productions/{pid}/connections/{cid}"),
        format!("/api/productions/{pid}/connections"),
        format!("/api/productions/{pid}/snapshot"),
        "/api/productions".to_owned(),
        "/compat/api/productions".to_owned(),
    ] {
        let (status, body) = s.get(&path).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    }
    let (_, got) = s.get(&format!("/api/productions/{pid}/connections/{cid}")).await;
    assert_eq!((&got["signalPath"], &got["note"]), (&Value::Null, &json!("kept")), "{got}");
    assert_eq!(
        got["fieldErrors"],
        json!([{"field": "signalPath", "code": "unreadable_value",
        "message": "the stored value of signalPath cannot be read; it reads as null until written again"}])
    );
    let (_, snapshot) = s.get(&format!("/api/productions/{pid}/snapshot")).await;
    let text = snapshot.to_string();
    assert!(text.contains("unreadable_value") && !text.contains("\\u0000"), "{text}");
    // A write of another field stores the row again, with null where nothing was readable.
    let one = format!("/api/productions/{pid}/connections/{cid}");
    let (status, body) = s.put(&one, "ann", &json!({"note": "edited"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The change log too: that update's diff made to hold both kinds of value. Replay takes
    // an update's previous values from its diff; neither may stop a join or /changes.
    let seq: i64 = db
        .query_one(
            &format!("SELECT max(seq) FROM change_log WHERE production_id = '{pid}' AND action = 'updated'"),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    db.batch_execute(&format!(
        "UPDATE change_log SET diff = '{{\"note\": {{\"old\": {deep}, \"new\": \"edited\"}}, \
         \"mark\": {{\"old\": 1e400}}, \"kept\": {{\"old\": \"as it was\"}}}}' \
         WHERE production_id = '{pid}' AND seq = {seq}"
    ))
    .await
    .unwrap();
    let mut ws = prodsync_e2e::ws::WsClient::connect(&s.ws_url()).await;
    let (replayed, joined) = ws.join(&pid, Some(0)).await;
    assert_eq!(replayed.len() as i64, joined["seq"].as_i64().unwrap(), "every event replayed");
    let update = replayed.iter().find(|e| e["data"]["seq"] == seq).expect("the update replayed");
    let previous = &update["data"]["previous"];
    assert_eq!((&previous["mark"], &previous["kept"]), (&Value::Null, &json!("as it was")), "{previous}");
    assert!(previous["note"].to_string().len() < 100, "too deep to read is cut short: {previous}");
    let (status, page) = s.get(&format!("/api/productions/{pid}/changes?since=0")).await;
    assert_eq!(status, StatusCode::OK, "{page}");

    let (status, gone) = s.send("DELETE", &one, "ann", None).await;
    assert!(status.is_success(), "{status} {gone}");
}
