//! The field-level merge rules, exercised through a tiny in-memory log that plays the part
//! of the change log (the merge itself is pure; storage only feeds it history).

use prodsync_domain::catalog::CAMERA;
use prodsync_domain::history::{base_values, PastChange};
use prodsync_domain::{apply_update, new_entity, parse_create, parse_update, Entity, Merged, SyncError};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

/// One entity plus the diffs of every update it went through.
struct Sim {
    entity: Entity,
    log: Vec<PastChange>,
}

impl Sim {
    fn new(body: Value) -> Sim {
        let input = parse_create(&CAMERA, &body).expect("valid create");
        let (entity, _) = new_entity(&CAMERA, Uuid::new_v4(), Uuid::new_v4(), &input, Some("creator"), now());
        Sim { entity, log: Vec::new() }
    }

    fn update(&mut self, body: Value, user: &str) -> Result<Merged, SyncError> {
        let input = parse_update(&CAMERA, &body).expect("valid update");
        let base = input.base_version.unwrap_or(i64::MAX);
        let after: Vec<PastChange> = self.log.iter().filter(|c| c.version > base).cloned().collect();
        let merged = apply_update(&self.entity, &input, &base_values(&after), Some(user), now())?;
        if !merged.is_noop() {
            self.log.push(PastChange {
                version: merged.entity.version,
                user: Some(user.into()),
                diff: merged
                    .changes
                    .iter()
                    .map(|c| (c.field.to_string(), c.old.clone(), c.new.clone()))
                    .collect(),
            });
            self.entity = merged.entity.clone();
        }
        Ok(merged)
    }

    fn get(&self, field: &str) -> Value {
        self.entity.value(field).cloned().unwrap_or(Value::Null)
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The camera as a client would have loaded it (whole object, camelCase).
fn copy_of(sim: &Sim) -> Map<String, Value> {
    let Value::Object(m) = sim.entity.to_json() else { unreachable!() };
    m
}

fn with(mut copy: Map<String, Value>, changes: &[(&str, Value)]) -> Value {
    for (k, v) in changes {
        copy.insert((*k).into(), v.clone());
    }
    Value::Object(copy)
}

#[test]
fn different_fields_edited_concurrently_are_both_kept() {
    let mut sim = Sim::new(json!({"name": "Cam 1", "model": "HDC-3500"}));
    let ann = copy_of(&sim);
    let bob = copy_of(&sim);
    sim.update(with(ann, &[("name", json!("Cam 1 Hand"))]), "ann").unwrap();
    let r = sim.update(with(bob, &[("model", json!("HDC-5500"))]), "bob").unwrap();
    assert_eq!(sim.get("name"), json!("Cam 1 Hand"));
    assert_eq!(sim.get("model"), json!("HDC-5500"));
    assert!(r.conflicts.is_empty());
    assert_eq!(sim.entity.version, 3);
    assert_eq!(sim.entity.field_versions["name"], 2);
    assert_eq!(sim.entity.field_versions["model"], 3);
}

#[test]
fn a_stale_whole_object_echo_does_not_overwrite_a_newer_value() {
    let mut sim = Sim::new(json!({"name": "Cam 1", "note": "old"}));
    let stale = copy_of(&sim);
    sim.update(json!({"note": "newer"}), "ann").unwrap();
    sim.update(json!({"note": "newest"}), "cy").unwrap();
    let r = sim.update(Value::Object(stale), "bob").unwrap();
    assert!(r.is_noop());
    assert_eq!(sim.get("note"), json!("newest"));
    assert_eq!(sim.entity.version, 3);
}

#[test]
fn a_real_concurrent_edit_is_last_write_wins_and_reported() {
    let mut sim = Sim::new(json!({"name": "Cam 1", "note": "old"}));
    let ann = copy_of(&sim);
    let bob = copy_of(&sim);
    sim.update(with(ann, &[("note", json!("ann's"))]), "ann").unwrap();
    let r = sim.update(with(bob, &[("note", json!("bob's"))]), "bob").unwrap();
    assert_eq!(sim.get("note"), json!("bob's"));
    assert_eq!(r.conflicts.len(), 1);
    let c = &r.conflicts[0];
    assert_eq!(
        (c.field, &c.overwritten_value, c.overwritten_by.as_deref()),
        ("note", &json!("ann's"), Some("ann"))
    );
    assert_eq!(c.overwritten_at_version, 2);
}

#[test]
fn reject_mode_refuses_a_real_concurrent_edit() {
    let mut sim = Sim::new(json!({"name": "Cam 1"}));
    sim.update(json!({"name": "Cam A"}), "ann").unwrap();
    let before = sim.entity.clone();
    let err = sim.update(json!({"version": 1, "onConflict": "reject", "name": "Cam B"}), "bob").unwrap_err();
    match err {
        SyncError::Rejected { base, conflicts } => {
            assert_eq!(base, 1);
            assert_eq!(conflicts[0].field, "name");
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert_eq!(sim.entity, before);
}

#[test]
fn reject_mode_still_writes_when_nothing_conflicts() {
    let mut sim = Sim::new(json!({"name": "Cam 1"}));
    sim.update(json!({"note": "x"}), "ann").unwrap();
    let r = sim.update(json!({"version": 1, "onConflict": "reject", "name": "Cam B"}), "bob").unwrap();
    assert_eq!(r.changes.len(), 1);
}

#[test]
fn an_update_that_changes_nothing_is_a_noop() {
    let mut sim = Sim::new(json!({"name": "Cam 1", "maxZoom": 20}));
    let r = sim.update(json!({"name": "Cam 1", "maxZoom": 20.0}), "ann").unwrap();
    assert!(r.is_noop());
    assert_eq!(sim.entity.version, 1);
    assert!(sim.log.is_empty());
}

#[test]
fn an_id_that_differs_from_the_path_is_refused() {
    let mut sim = Sim::new(json!({"name": "Cam 1"}));
    let other = Uuid::new_v4();
    let err = sim.update(json!({"id": other.to_string(), "name": "x"}), "ann").unwrap_err();
    assert!(matches!(err, SyncError::IdMismatch { body, .. } if body == other));
}

#[test]
fn unknown_history_counts_as_a_conflict() {
    let mut sim = Sim::new(json!({"name": "Cam 1", "note": "a"}));
    sim.update(json!({"note": "b"}), "ann").unwrap();
    sim.log.clear(); // as if retention pruned it
    let r = sim.update(json!({"version": 1, "note": "a"}), "bob").unwrap();
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(sim.get("note"), json!("a"));
}

// ---- properties ----

const FIELDS: &[&str] = &["name", "note", "maxZoom", "hasDolly", "model"];

fn value_for(field: &str, pick: u8) -> Value {
    match field {
        "maxZoom" => json!(f64::from(pick % 3) * 10.0),
        "hasDolly" => json!(pick.is_multiple_of(2)),
        "name" => json!(format!("n{}", pick % 3)),
        _ => json!(format!("v{}", pick % 3)),
    }
}

#[derive(Debug, Clone)]
struct Op {
    client: usize,
    /// Field indexes and value picks the client edits.
    edits: Vec<(usize, u8)>,
    /// Send the whole copy (true) or only the edited fields (false).
    whole: bool,
    refresh: bool,
}

fn op() -> impl Strategy<Value = Op> {
    (0..3usize, prop::collection::vec((0..FIELDS.len(), any::<u8>()), 0..3), any::<bool>(), any::<bool>())
        .prop_map(|(client, edits, whole, refresh)| Op { client, edits, whole, refresh })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Clients holding copies of various ages send partial updates or whole-object echoes.
    #[test]
    fn merge_rules_hold_for_any_interleaving(ops in prop::collection::vec(op(), 1..30)) {
        let mut sim = Sim::new(json!({"name": "n0", "note": "v0", "maxZoom": 0.0, "hasDolly": true, "model": "v0"}));
        let mut copies = vec![copy_of(&sim); 3];
        let mut effective = 0;
        for op in ops {
            let copy = copies[op.client].clone();
            let mut body = if op.whole { copy.clone() } else { Map::new() };
            if !op.whole { body.insert("version".into(), copy["version"].clone()); }
            let mut edited = Vec::new();
            for (fi, pick) in &op.edits {
                let f = FIELDS[*fi];
                let v = value_for(f, *pick);
                if copy[f] != v { edited.push(f); }
                body.insert(f.into(), v);
            }
            edited.dedup();
            let base = copy["version"].as_i64().unwrap();
            let before = sim.entity.clone();
            let merged = sim.update(Value::Object(body.clone()), &format!("c{}", op.client)).unwrap();
            for f in FIELDS {
                let sent = body.get(*f);
                let after = sim.get(f);
                let edited_now = edited.contains(f) && sent != Some(&copy[*f]);
                if !edited_now {
                    // An echoed value from the client's copy never changes the field.
                    prop_assert_eq!(&after, before.value(f).unwrap(), "echo changed {}", f);
                } else {
                    // An edit always lands (last write wins).
                    prop_assert_eq!(Some(&after), sent, "edit of {} lost", f);
                }
                let written_by_other = before.field_version(f) > base;
                let reported = merged.conflicts.iter().any(|c| c.field == *f);
                let expect_report = edited_now && written_by_other && before.value(f) != sent;
                prop_assert_eq!(reported, expect_report, "conflict report for {}", f);
            }
            if merged.is_noop() {
                prop_assert_eq!(sim.entity.version, before.version);
            } else {
                effective += 1;
                prop_assert_eq!(sim.entity.version, before.version + 1);
            }
            prop_assert_eq!(sim.entity.version, 1 + effective);
            for (f, v) in &sim.entity.field_versions {
                prop_assert!(*v <= sim.entity.version, "fieldVersion of {} ahead", f);
            }
            if op.refresh { copies[op.client] = copy_of(&sim); }
        }
    }

    /// The order in which two clients with the same base edit disjoint fields does not
    /// matter: both edits are kept either way.
    #[test]
    fn disjoint_edits_commute(a in 0..FIELDS.len(), b in 0..FIELDS.len(), pa in any::<u8>(), pb in any::<u8>(), ann_first in any::<bool>()) {
        prop_assume!(a != b);
        let mut sim = Sim::new(json!({"name": "n0", "note": "v0", "maxZoom": 0.0, "hasDolly": true, "model": "v0"}));
        let copy = copy_of(&sim);
        let (fa, fb) = (FIELDS[a], FIELDS[b]);
        let (va, vb) = (value_for(fa, pa), value_for(fb, pb));
        let ann = with(copy.clone(), &[(fa, va.clone())]);
        let bob = with(copy, &[(fb, vb.clone())]);
        if ann_first {
            sim.update(ann, "ann").unwrap();
            sim.update(bob, "bob").unwrap();
        } else {
            sim.update(bob, "bob").unwrap();
            sim.update(ann, "ann").unwrap();
        }
        prop_assert_eq!(sim.get(fa), va);
        prop_assert_eq!(sim.get(fb), vb);
    }
}

#[test]
fn completing_a_checklist_item_stamps_completed_at() {
    use prodsync_domain::catalog::CHECKLIST_ITEM;
    let input = parse_create(&CHECKLIST_ITEM, &json!({"title": "Book crew"})).unwrap();
    let (item, _) = new_entity(&CHECKLIST_ITEM, Uuid::new_v4(), Uuid::new_v4(), &input, None, now());
    assert_eq!(item.value("completedAt"), Some(&Value::Null));
    let done = parse_update(&CHECKLIST_ITEM, &json!({"completed": true})).unwrap();
    let m = apply_update(&item, &done, &Default::default(), Some("ann"), now()).unwrap();
    assert!(m.entity.value("completedAt").unwrap().is_string());
    assert_eq!(m.entity.field_versions["completedAt"], 2);
    let undone = parse_update(&CHECKLIST_ITEM, &json!({"completed": false})).unwrap();
    let m2 = apply_update(&m.entity, &undone, &Default::default(), Some("ann"), now()).unwrap();
    assert_eq!(m2.entity.value("completedAt"), Some(&Value::Null));
}
