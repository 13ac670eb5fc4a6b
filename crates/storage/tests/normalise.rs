//! Property: whatever JSON a client puts in whatever field of whatever entity type, the
//! answer is a value stored or a client error, never a panic or a fault (a 5xx). Runs the
//! domain's normalisation and the real write path against real PostgreSQL, which is where
//! values that look fine to Rust (a NUL, year 0, year 10000 in UTC) used to fail.

use prodsync_domain::catalog::{PRODUCTION, PRODUCTION_ENTITIES};
use prodsync_domain::field::FieldType;
use prodsync_domain::ports::{Actor, EntityStore};
use prodsync_domain::{parse_create, parse_update, CreateInput, EntityKind, SyncError};
use prodsync_domain::{EntityId, ProductionId};
use prodsync_storage::test_db::TestDatabase;
use prodsync_storage::{connect, PgStore, PoolSettings};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// Strings that sit on the edges of what the types accept, and arbitrary text.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0000-01-01".to_owned()),
        Just("0001-01-01T00:30:00+01:00".to_owned()),
        Just("9999-12-31T23:30:00-01:00".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("2026-02-12T10:00:00.123456789Z".to_owned()),
        Just("\u{0}".to_owned()),
        Just(Uuid::new_v4().to_string()),
        Just("planning".to_owned()),
        Just("camera".to_owned()),
        any::<String>(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2}))?",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![Just(i64::from(i32::MAX) + 1), Just(i64::from(i32::MIN)), Just(0)].prop_map(Value::from),
        any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(Value::from),
        string().prop_map(Value::from),
        string().prop_map(Value::from),
        string().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(string(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// Every type a client writes: the production itself and everything in it.
fn kinds() -> Vec<&'static EntityKind> {
    std::iter::once(&PRODUCTION).chain(PRODUCTION_ENTITIES.iter().copied()).collect()
}

/// Values on the edges of what a field's type accepts.
fn edge(ty: FieldType) -> BoxedStrategy<Value> {
    let pick = |values: &[&str]| {
        let values: Vec<Value> = values.iter().map(|v| json!(v)).collect();
        prop::sample::select(values).boxed()
    };
    match ty {
        FieldType::Timestamp => prop_oneof![
            pick(&["0000-06-01T00:00:00Z", "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00",
                "9999-12-31T23:59:59Z", "2026-02-12T10:00:00.123456789+14:00"]),
            "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9])T[0-2][0-9]:[0-5][0-9]:[0-5][0-9][+-](0[0-9]|1[0-4]):[0-5][0-9]"
                .prop_map(Value::from),
        ]
        .boxed(),
        FieldType::Date => prop_oneof![
            pick(&["0000-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "2026-02-12T23:00:00-05:00"]),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(Value::from),
        ]
        .boxed(),
        FieldType::Integer => prop_oneof![
            Just(json!(i64::from(i32::MAX) + 1)),
            Just(json!(i32::MIN)),
            Just(json!(1e10)),
            Just(json!(-0.0))
        ]
        .boxed(),
        FieldType::Number => prop_oneof![Just(json!(f64::MAX)), Just(json!(f64::MIN_POSITIVE)), Just(json!(-0.0))].boxed(),
        _ => pick(&["\u{0}", "a\u{0}b", "\u{7f}\u{1}", ""]).boxed(),
    }
}

/// A body for one entity type: some of its fields (by index), each any JSON value or a
/// value on the edge of the field's type.
fn body() -> impl Strategy<Value = (usize, Vec<(usize, Value)>)> {
    (0..kinds().len()).prop_flat_map(|k| {
        let fields = kinds()[k].fields;
        let field = (0..fields.len())
            .prop_flat_map(move |i| (Just(i), prop_oneof![json_value(), edge(fields[i].ty)]));
        (Just(k), prop::collection::vec(field, 1..5))
    })
}

/// Creates one entity of `kind` (a production when `kind` is one), returning its
/// production and id.
async fn create(
    store: &PgStore,
    kind: &'static EntityKind,
    production: Uuid,
    input: CreateInput,
) -> Result<(ProductionId, EntityId), SyncError> {
    let scope = if kind.is_production() { None } else { Some(ProductionId(production)) };
    let e = store.create(kind, scope, input, Actor::user("prop")).await?.entity;
    Ok((e.production(), e.entity_id()))
}

/// The required fields with plain values: unique text, a target made earlier for a
/// reference, the first value of an enum.
fn plain_required(
    kind: &'static EntityKind,
    targets: &std::collections::HashMap<&'static str, Uuid>,
    counter: &std::sync::atomic::AtomicUsize,
) -> Value {
    let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let fields = kind.fields.iter().filter(|f| f.is_required()).map(|f| {
        let v = match f.ty {
            FieldType::Enum(values) => json!(values[0]),
            FieldType::Ref(target) => json!(targets[target]),
            FieldType::Uuid => json!(Uuid::new_v4()),
            FieldType::Integer | FieldType::Number => json!(1),
            _ => json!(format!("base {n}")),
        };
        (f.name.to_owned(), v)
    });
    Value::Object(fields.collect())
}

fn is_fault(e: &SyncError) -> bool {
    matches!(e, SyncError::Internal(_) | SyncError::Unavailable(_))
}

#[test]
fn any_json_in_any_field_is_stored_or_refused_never_a_fault() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let db = rt.block_on(TestDatabase::new());
    let pool = connect(&PoolSettings {
        url: db.url.clone(),
        max_size: 2,
        wait_timeout: std::time::Duration::from_secs(5),
        connect_timeout: std::time::Duration::from_secs(5),
        threads: 1,
    })
    .unwrap();
    let store = PgStore::new(pool);
    let production = rt.block_on(async {
        let input = parse_create(&PRODUCTION, &json!({"showName": "Fuzz", "client": "Prop"})).unwrap();
        store.create(&PRODUCTION, None, input, Actor::user("prop")).await.unwrap().entity.id
    });
    // Required references need something to point at: one of each target, made once.
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let mut targets: std::collections::HashMap<&'static str, Uuid> = std::collections::HashMap::new();
    for kind in PRODUCTION_ENTITIES {
        let body = plain_required(kind, &targets, &counter);
        let (_, id) =
            rt.block_on(create(&store, kind, production, parse_create(kind, &body).unwrap())).unwrap();
        targets.insert(kind.name, id.uuid());
    }
    let config = ProptestConfig { cases: 600, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |((k, fields) in body())| {
        let kind = kinds()[k];
        let mut map: Map<String, Value> =
            fields.into_iter().map(|(i, v)| (kind.fields[i].name.to_owned(), v)).collect();
        // Give the required fields a plain value when the case left them out, so that
        // most cases reach PostgreSQL rather than stopping at missing_field.
        let plain = plain_required(kind, &targets, &counter);
        for (name, v) in plain.as_object().unwrap() {
            map.entry(name.clone()).or_insert_with(|| v.clone());
        }
        let body = Value::Object(map);
        rt.block_on(async {
            if let Ok(input) = parse_create(kind, &body) {
                match create(&store, kind, production, input).await {
                    // What was stored must read back: a value PostgreSQL takes but cannot
                    // give back is a fault on every later read.
                    Ok((scope, id)) => {
                        let read = store.get(kind, scope, id).await;
                        prop_assert!(read.is_ok(), "read back {} {body}: {:?}", kind.name, read.err());
                    }
                    Err(e) => prop_assert!(!is_fault(&e), "create {} {body}: {e}", kind.name),
                }
            }
            Ok(())
        })?;
        // The same body as an update of an entity that exists.
        rt.block_on(async {
            let base = parse_create(kind, &plain_required(kind, &targets, &counter)).unwrap();
            let (scope, id) = create(&store, kind, production, base).await.unwrap();
            if let Ok(input) = parse_update(kind, &body) {
                if let Err(e) = store.update(kind, scope, id, input, Actor::user("prop")).await {
                    prop_assert!(!is_fault(&e), "update {} {body}: {e}", kind.name);
                }
            }
            Ok(())
        })?;
    });
}
