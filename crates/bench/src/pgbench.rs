//! Scenario 2: the write path's transaction driven by pgbench on the same database, with
//! the same concurrency: the physical references our HTTP path is compared with. Two
//! scripts: the statements the server runs today (what HTTP, Rust and the round trips
//! cost on top of them), and the minimal versioned update any server keeping a gapless
//! log must run (what our extra statements cost on top of that floor).

use std::process::Command;
use std::time::Duration;

use crate::stats::{Latency, Row};

/// The statements the server runs for `PUT .../cameras/:id {"note": ...}`, in its two
/// round trips (`storage/src/pipelined.rs`): BEGIN with the row's lock; then the merged row
/// written back through jsonb_populate_record, the production's seq bumped and the log
/// entry (with its undo step) appended in one statement, and COMMIT. (The merge itself runs
/// in Rust in the server; here the merged row is built in SQL.)
const SCRIPT: &str = r#"\set n random(1, :ncams)
\set p (:n - 1) % :nprod + 1
\startpipeline
BEGIN;
SELECT to_jsonb(t) AS row FROM cameras t WHERE t.id = md5('cam' || :n)::uuid AND t.production_id = md5('prod' || :p)::uuid FOR UPDATE;
\endpipeline
\startpipeline
UPDATE cameras t SET (name, model, format_mode, lens_type, max_zoom, shooting_distance, has_tripod, has_short_tripod, has_dolly, has_jib, ccu_id, smpte_cable_length, note, version, field_versions, last_modified_by, updated_at) = (SELECT r.name, r.model, r.format_mode, r.lens_type, r.max_zoom, r.shooting_distance, r.has_tripod, r.has_short_tripod, r.has_dolly, r.has_jib, r.ccu_id, r.smpte_cable_length, r.note, r.version, r.field_versions, r.last_modified_by, r.updated_at FROM jsonb_populate_record(NULL::cameras, (SELECT to_jsonb(c) || jsonb_build_object('note', 'pgbench ' || :n, 'version', c.version + 1, 'field_versions', c.field_versions || jsonb_build_object('note', c.version + 1), 'last_modified_by', 'pgbench', 'updated_at', now()) FROM cameras c WHERE c.id = md5('cam' || :n)::uuid)) r) WHERE t.id = md5('cam' || :n)::uuid;
WITH s AS (UPDATE productions SET seq = seq + 1 WHERE id = md5('prod' || :p)::uuid RETURNING seq) INSERT INTO change_log (production_id, seq, entity_type, entity_id, action, entity_version, user_id, created_at, changed_fields, diff, data, step) SELECT md5('prod' || :p)::uuid, s.seq, 'camera', c.id, 'updated', c.version, 'pgbench', now(), ARRAY['note'], jsonb_build_object('note', jsonb_build_object('old', 'x', 'new', c.note)), to_jsonb(c), gen_random_uuid() FROM s, cameras c WHERE c.id = md5('cam' || :n)::uuid;
COMMIT;
\endpipeline
"#;

/// The floor: lock the row, write it, bump the production's seq and append the log row
/// (with the entity, as catch-up needs it). No undo step, no activity indexes beyond the
/// table's, no idempotency, no merge.
const MINIMAL: &str = r#"\set n random(1, :ncams)
\set p (:n - 1) % :nprod + 1
BEGIN;
SELECT version FROM cameras WHERE id = md5('cam' || :n)::uuid FOR UPDATE;
WITH c AS (UPDATE cameras SET note = 'pgbench ' || :n, version = version + 1, updated_at = now() WHERE id = md5('cam' || :n)::uuid RETURNING *), s AS (UPDATE productions SET seq = seq + 1 WHERE id = md5('prod' || :p)::uuid RETURNING seq) INSERT INTO change_log (production_id, seq, entity_type, entity_id, action, entity_version, user_id, created_at, changed_fields, diff, data) SELECT md5('prod' || :p)::uuid, s.seq, 'camera', c.id, 'updated', c.version, 'pgbench', now(), ARRAY['note'], jsonb_build_object('note', jsonb_build_object('old', 'x', 'new', c.note)), to_jsonb(c) FROM s, c;
COMMIT;
"#;

/// Which transaction pgbench drives.
#[derive(Clone, Copy, Debug)]
pub enum Script {
    /// The statements the server runs for one update.
    SameStatements,
    /// The minimal versioned update.
    Minimal,
}

impl Script {
    fn text(self) -> &'static str {
        match self {
            Script::SameStatements => SCRIPT,
            Script::Minimal => MINIMAL,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Script::SameStatements => "pgbench same statements",
            Script::Minimal => "pgbench minimal update",
        }
    }
}

pub fn available() -> bool {
    Command::new("pgbench").arg("--version").output().is_ok_and(|o| o.status.success())
}

pub fn run(
    db_url: &str,
    clients: usize,
    duration: Duration,
    cameras: usize,
    productions: usize,
    label: &str,
    script: Script,
) -> Result<Row, String> {
    let dir = std::env::temp_dir().join(format!("prodsync-pgbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let kind = script;
    let script = dir.join(format!("{kind:?}.sql"));
    std::fs::write(&script, kind.text()).map_err(|e| e.to_string())?;
    let out = Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-c", &clients.to_string(), "-j", &clients.min(2).to_string()])
        .args(["-T", &duration.as_secs().max(1).to_string()])
        .args(["-D", &format!("ncams={cameras}"), "-D", &format!("nprod={productions}")])
        .arg("-f")
        .arg(&script)
        .arg(db_url)
        .output()
        .map_err(|e| format!("running pgbench: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("pgbench failed: {}{}", text, String::from_utf8_lossy(&out.stderr)));
    }
    let number_after = |key: &str| -> Option<f64> {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l[key.len()..].split_whitespace().next()?.parse().ok())
    };
    let tps = number_after("tps = ").ok_or_else(|| format!("no tps in pgbench output: {text}"))?;
    let avg = number_after("latency average = ").unwrap_or(0.0);
    let failed = number_after("number of failed transactions: ").unwrap_or(0.0);
    Ok(Row {
        scenario: kind.name().into(),
        params: format!("{label}, {clients} clients, {}s", duration.as_secs()),
        throughput: tps,
        unit: "tx/s".into(),
        latency: Latency { p50_ms: avg, ..Default::default() },
        errors: failed as u64,
        note: "latency column: pgbench's average".into(),
        ..Default::default()
    })
}
