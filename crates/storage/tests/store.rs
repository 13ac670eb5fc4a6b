//! The PostgreSQL adapter against a real database, one fresh database per test.

use prodsync_domain::{EntityId, ProductionId};
use std::time::Duration;

use diesel::sql_types::Text;
use diesel::{sql_query, QueryableByName};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use prodsync_domain::catalog::{self, CAMERA, CCU, PRODUCTION, PRODUCTION_ENTITIES};
use prodsync_domain::field::FieldType;
use prodsync_domain::ports::{Actor, ChangeFeed, EntityStore};
use prodsync_domain::{parse_create, parse_update, SyncError};
use prodsync_storage::test_db::TestDatabase;
use prodsync_storage::{connect, PgStore, PoolSettings};
use serde_json::{json, Value};
use uuid::Uuid;

async fn store(db: &TestDatabase) -> PgStore {
    store_with(db, 4).await
}

async fn store_with(db: &TestDatabase, connections: usize) -> PgStore {
    let pool = connect(&PoolSettings {
        url: db.url.clone(),
        max_size: connections,
        wait_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(5),
        threads: 1,
    })
    .unwrap();
    PgStore::new(pool)
}

async fn production(s: &PgStore) -> ProductionId {
    let input = parse_create(&PRODUCTION, &json!({"showName": "Gala", "client": "ACME"})).unwrap();
    s.create(&PRODUCTION, None, input, Actor::user("ann")).await.unwrap().entity.production()
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
}

#[tokio::test]
async fn every_declared_field_has_a_column_of_its_type() {
    let db = TestDatabase::new().await;
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let cols: Vec<Column> = sql_query(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = 'public'",
    )
    .load(&mut conn)
    .await
    .unwrap();
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    // Index and constraint names are how a duplicate or a bad reference names its field.
    let names: Vec<String> = sql_query(
        "SELECT indexname::text AS name FROM pg_indexes WHERE schemaname = 'public' \
         UNION ALL SELECT conname::text FROM pg_constraint WHERE contype = 'f'",
    )
    .load::<Name>(&mut conn)
    .await
    .unwrap()
    .into_iter()
    .map(|n| n.name)
    .collect();
    for kind in PRODUCTION_ENTITIES.iter().chain(catalog::LIBRARIES).copied().chain([&PRODUCTION]) {
        for f in kind.fields {
            if f.unique {
                let index = format!("{}_{}_key", kind.table, f.column());
                assert!(
                    names.contains(&index),
                    "{}.{} is declared unique but has no index {index}",
                    kind.table,
                    f.name
                );
            }
            if matches!(f.ty, FieldType::Ref(_) | FieldType::Library(_)) {
                let fkey = format!("{}_{}_fkey", kind.table, f.column());
                assert!(names.contains(&fkey), "{}.{} has no foreign key {fkey}", kind.table, f.name);
            }
            let col = cols.iter().find(|c| c.table_name == kind.table && c.column_name == f.column());
            let col = col.unwrap_or_else(|| panic!("{}.{} has no column", kind.table, f.column()));
            let expected = match f.ty {
                FieldType::Text | FieldType::Enum(_) => "text",
                FieldType::Integer => "integer",
                FieldType::Number => "double precision",
                FieldType::Bool => "boolean",
                FieldType::Timestamp => "timestamp with time zone",
                FieldType::Date => "date",
                FieldType::Uuid | FieldType::Ref(_) | FieldType::Library(_) => "uuid",
                FieldType::Json => "jsonb",
            };
            assert_eq!(col.data_type, expected, "{}.{}", kind.table, f.column());
        }
    }
}

#[tokio::test]
async fn writes_get_gapless_seqs_and_noops_get_none() {
    let db = TestDatabase::new().await;
    let s = store(&db).await;
    let p = production(&s).await;
    let cam = s
        .create(&CAMERA, Some(p), parse_create(&CAMERA, &json!({"name": "Cam 1"})).unwrap(), Actor::default())
        .await
        .unwrap();
    assert_eq!(cam.events[0].seq(), 2);
    let id = cam.entity.entity_id();
    let u = s
        .update(&CAMERA, p, id, parse_update(&CAMERA, &json!({"note": "x"})).unwrap(), Actor::default())
        .await
        .unwrap();
    assert_eq!(u.events[0].seq(), 3);
    let noop = s
        .update(&CAMERA, p, id, parse_update(&CAMERA, &json!({"note": "x"})).unwrap(), Actor::default())
        .await
        .unwrap();
    assert!(noop.events.is_empty());
    assert_eq!(noop.entity.version, 2);
    let page = s.changes_since(p, 0, 100).await.unwrap();
    let seqs: Vec<i64> = page.events.iter().map(|e| e.seq()).collect();
    assert_eq!(seqs, vec![1, 2, 3]);
    assert_eq!(page.head_seq, 3);
    assert_eq!(page.events[2], u.events[0], "catch-up event equals the live one");
}

/// An update's COMMIT travels with its write (`pipelined.rs`): when the write fails,
/// PostgreSQL rolls the transaction back instead, and the one connection there is serves
/// the next update at once, in a transaction of its own, with the next seq.
#[tokio::test]
async fn a_failed_update_rolls_back_and_its_connection_serves_the_next() {
    let db = TestDatabase::new().await;
    let s = store_with(&db, 1).await;
    let p = production(&s).await;
    let mut ids = Vec::new();
    for (name, display) in [("Cam 1", "C1"), ("Cam 2", "C2")] {
        let input = parse_create(&CAMERA, &json!({"name": name, "displayId": display})).unwrap();
        ids.push(s.create(&CAMERA, Some(p), input, Actor::user("ann")).await.unwrap().entity.entity_id());
    }
    let taken = parse_update(&CAMERA, &json!({"displayId": "C1", "note": "lost"})).unwrap();
    let err = s.update(&CAMERA, p, ids[1], taken, Actor::user("ann")).await.unwrap_err();
    assert!(matches!(err, SyncError::Duplicate { .. }), "{err:?}");
    let next = parse_update(&CAMERA, &json!({"note": "kept"})).unwrap();
    let u = s.update(&CAMERA, p, ids[1], next, Actor::user("ann")).await.unwrap();
    assert_eq!(u.events[0].seq(), 4, "no seq went to the failed update");
    // Read on another connection: the update committed, the failed one left nothing.
    let other = store(&db).await;
    let now = other.get(&CAMERA, p, ids[1]).await.unwrap();
    assert_eq!((now.value("displayId"), now.value("note")), (Some(&json!("C2")), Some(&json!("kept"))));
    assert_eq!(other.head_seq(p).await.unwrap(), 4);
}

#[tokio::test]
async fn a_stale_echo_is_detected_from_the_change_log() {
    let db = TestDatabase::new().await;
    let s = store(&db).await;
    let p = production(&s).await;
    let cam = s
        .create(
            &CAMERA,
            Some(p),
            parse_create(&CAMERA, &json!({"name": "Cam 1", "note": "a"})).unwrap(),
            Actor::default(),
        )
        .await
        .unwrap();
    let stale = cam.entity.to_json();
    let id = cam.entity.entity_id();
    s.update(&CAMERA, p, id, parse_update(&CAMERA, &json!({"note": "b"})).unwrap(), Actor::user("ann"))
        .await
        .unwrap();
    let mut echo = stale.clone();
    echo["model"] = json!("HDC-5500");
    let r =
        s.update(&CAMERA, p, id, parse_update(&CAMERA, &echo).unwrap(), Actor::user("bob")).await.unwrap();
    assert_eq!(r.entity.value("note"), Some(&json!("b")));
    assert_eq!(r.entity.value("model"), Some(&json!("HDC-5500")));
    assert!(r.conflicts.is_empty());
    let mut clash = stale;
    clash["note"] = json!("c");
    let r =
        s.update(&CAMERA, p, id, parse_update(&CAMERA, &clash).unwrap(), Actor::user("cy")).await.unwrap();
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].overwritten_by.as_deref(), Some("ann"));
}

#[tokio::test]
async fn references_stay_inside_a_production_and_deleting_the_target_clears_them() {
    let db = TestDatabase::new().await;
    let s = store(&db).await;
    let (p, q) = (production(&s).await, production(&s).await);
    let ccu = |name: &str| parse_create(&CCU, &json!({ "name": name })).unwrap();
    let ccu_p = s.create(&CCU, Some(p), ccu("CCU 1"), Actor::default()).await.unwrap().entity.entity_id();
    let ccu_q = s.create(&CCU, Some(q), ccu("CCU Q"), Actor::default()).await.unwrap().entity.entity_id();
    let foreign = parse_create(&CAMERA, &json!({"name": "Cam", "ccuId": ccu_q.to_string()})).unwrap();
    let err = s.create(&CAMERA, Some(p), foreign, Actor::default()).await.unwrap_err();
    assert!(matches!(err, SyncError::InvalidReference { field: "ccuId", .. }), "{err:?}");
    let own = parse_create(&CAMERA, &json!({"name": "Cam", "ccuId": ccu_p.to_string()})).unwrap();
    let cam = s.create(&CAMERA, Some(p), own, Actor::default()).await.unwrap().entity.entity_id();
    let deleted = s.delete(&CCU, p, ccu_p, Actor::user("ann")).await.unwrap();
    let names: Vec<String> = deleted.events.iter().map(|e| e.event.to_string()).collect();
    assert_eq!(names, vec!["camera:updated", "ccu:deleted"]);
    assert_eq!(s.get(&CAMERA, p, cam).await.unwrap().value("ccuId"), Some(&Value::Null));
}

#[tokio::test]
async fn unknown_production_and_entity_are_told_apart() {
    let db = TestDatabase::new().await;
    let s = store(&db).await;
    let p = production(&s).await;
    let nobody = Uuid::new_v4();
    assert!(matches!(
        s.get(&CAMERA, ProductionId(nobody), EntityId(nobody)).await,
        Err(SyncError::NotFound { kind: "production", .. })
    ));
    assert!(matches!(
        s.get(&CAMERA, p, EntityId(nobody)).await,
        Err(SyncError::NotFound { kind: "camera", .. })
    ));
    assert!(matches!(
        s.list(&CAMERA, Some(ProductionId(nobody))).await,
        Err(SyncError::NotFound { kind: "production", .. })
    ));
    let create = parse_create(&CAMERA, &json!({"name": "Cam"})).unwrap();
    let err = s.create(&CAMERA, Some(ProductionId(nobody)), create, Actor::default()).await.unwrap_err();
    assert!(matches!(err, SyncError::NotFound { kind: "production", id } if id == nobody), "{err:?}");
}

#[tokio::test]
async fn pruned_history_answers_resync_required() {
    let db = TestDatabase::new().await;
    let s = store(&db).await;
    let p = production(&s).await;
    for i in 0..5 {
        let body = parse_create(&CCU, &json!({ "name": format!("CCU {i}") })).unwrap();
        s.create(&CCU, Some(p), body, Actor::default()).await.unwrap();
    }
    assert_eq!(s.prune_change_log(2).await.unwrap(), 4);
    assert!(matches!(s.changes_since(p, 2, 10).await, Err(SyncError::ResyncRequired { oldest: 5, .. })));
    let page = s.changes_since(p, 4, 10).await.unwrap();
    assert_eq!(page.events.iter().map(|e| e.seq()).collect::<Vec<_>>(), vec![5, 6]);
    let snap = s.snapshot(p).await.unwrap();
    assert_eq!((snap.seq, snap.entities.len()), (6, 5));
    assert!(catalog::by_name("ccu").is_some());
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Undone steps stay in `undo_steps` (so that they stay undone) until the log entries they
/// stand for are pruned.
#[tokio::test]
async fn pruning_the_log_drops_the_undo_steps_it_held() {
    use prodsync_domain::command::Command;
    use prodsync_domain::ports::CommandStore;
    let db = TestDatabase::new().await;
    let s = store(&db).await;
    let p = production(&s).await;
    for i in 0..3 {
        let body = parse_create(&CCU, &json!({ "name": format!("CCU {i}") })).unwrap();
        s.create(&CCU, Some(p), body, Actor::user("ann")).await.unwrap();
    }
    for _ in 0..2 {
        CommandStore::execute(&s, Command::Undo { production: p.uuid() }, Actor::user("ann"), None)
            .await
            .unwrap();
    }
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let steps = async |conn: &mut AsyncPgConnection| {
        sql_query("SELECT count(*) AS n FROM undo_steps").get_result::<Count>(conn).await.unwrap().n
    };
    assert_eq!(steps(&mut conn).await, 2, "the two undone steps (seqs 4 and 3)");
    assert_eq!(s.prune_change_log(3).await.unwrap(), 3, "seqs 1 to 3 go");
    assert_eq!(steps(&mut conn).await, 1, "the step at seq 3 went with its entry");
    s.prune_change_log(2).await.unwrap();
    assert_eq!(steps(&mut conn).await, 0);
}

#[tokio::test]
async fn history_is_read_for_the_entity_type_not_just_the_id() {
    // Ids are unique per table, and clients may choose them: a CCU and a camera can share
    // one. The CCU's note history must not decide what the camera's note was.
    let db = TestDatabase::new().await;
    let s = store(&db).await;
    let p = production(&s).await;
    let shared = Uuid::new_v4();
    let with_id = |body: Value| {
        let mut b = body;
        b["id"] = json!(shared);
        b
    };
    let camera = parse_create(&CAMERA, &with_id(json!({"name": "Cam", "note": "a"}))).unwrap();
    s.create(&CAMERA, Some(p), camera, Actor::default()).await.unwrap();
    let ccu = parse_create(&CCU, &with_id(json!({"name": "CCU", "note": "x"}))).unwrap();
    s.create(&CCU, Some(p), ccu, Actor::default()).await.unwrap();
    let update = |kind, body: Value| parse_update(kind, &body).unwrap();
    s.update(&CCU, p, EntityId(shared), update(&CCU, json!({"note": "y"})), Actor::default()).await.unwrap(); // ccu v2
    s.update(&CAMERA, p, EntityId(shared), update(&CAMERA, json!({"model": "HDC"})), Actor::default())
        .await
        .unwrap(); // camera v2
    s.update(&CAMERA, p, EntityId(shared), update(&CAMERA, json!({"note": "z"})), Actor::user("ann"))
        .await
        .unwrap(); // v3
                   // Bob saw the camera at version 1 (note "a") and sets note to "x": a real edit.
    let r = s
        .update(
            &CAMERA,
            p,
            EntityId(shared),
            update(&CAMERA, json!({"version": 1, "note": "x"})),
            Actor::default(),
        )
        .await
        .unwrap();
    assert_eq!(r.entity.value("note"), Some(&json!("x")), "bob's edit was taken for a stale echo");
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].overwritten_by.as_deref(), Some("ann"));
}
