//! Scenario: activity-feed pages on a production with a very long change log. The log is
//! filled in bulk with SQL (a million REST writes would take most of an hour here), shaped
//! like real traffic: 1,000 entities, 20 users, mostly camera updates, a rare type.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::fixtures::Target;
use crate::server::ServerProc;
use crate::stats::{histogram, Latency, Row};

/// Every `RARE`-th entry is a `stream` change: a filter on a rare type must not scan.
const RARE: usize = 10_000;

fn fill_sql(production: uuid::Uuid, rows: usize) -> String {
    format!(
        "BEGIN;
         INSERT INTO change_log (production_id, seq, entity_type, entity_id, action, entity_version,
             user_id, user_name, created_at, changed_fields, diff, data)
         SELECT '{production}', p.seq + s,
                CASE WHEN s % {RARE} = 0 THEN 'stream' ELSE 'camera' END,
                md5('e' || (s % 1000))::uuid, 'updated', s / 1000 + 2,
                'user' || (s % 20), 'User ' || (s % 20), now() - make_interval(secs => {rows} - s),
                ARRAY['note'],
                jsonb_build_object('note', jsonb_build_object('old', 'n' || (s - 1), 'new', 'n' || s)),
                jsonb_build_object('id', md5('e' || (s % 1000))::uuid, 'name', 'Cam ' || (s % 1000), 'note', 'n' || s)
         FROM generate_series(1, {rows}) s, (SELECT seq FROM productions WHERE id = '{production}') p;
         UPDATE productions SET seq = seq + {rows} WHERE id = '{production}';
         COMMIT;
         ANALYZE change_log;"
    )
}

fn fill(db_url: &str, production: uuid::Uuid, rows: usize) -> Result<Duration, String> {
    let started = Instant::now();
    let out = Command::new("psql")
        .args([db_url, "-v", "ON_ERROR_STOP=1", "-qc", &fill_sql(production, rows)])
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    if !out.status.success() {
        return Err(format!("filling the change log: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(started.elapsed())
}

/// Times `requests` sequential GETs of one page kind.
async fn pages(server: &ServerProc, label: &str, query: &str, requests: usize, rows: usize) -> Row {
    let http = reqwest::Client::new();
    let url = format!("{}{query}", server.base);
    let mut h = histogram();
    let mut errors = 0;
    let mut items = 0;
    let started = Instant::now();
    for _ in 0..requests {
        let t = Instant::now();
        let page = async {
            http.get(&url).send().await.ok()?.error_for_status().ok()?.json::<serde_json::Value>().await.ok()
        };
        match page.await {
            Some(p) => items = p["items"].as_array().map_or(0, Vec::len),
            None => errors += 1,
        }
        h.record(t.elapsed().as_micros() as u64).ok();
    }
    if items == 0 {
        errors += 1; // an empty page measures nothing
    }
    Row {
        scenario: "activity page".into(),
        params: format!("{label}, {}k log rows", rows / 1000),
        throughput: requests as f64 / started.elapsed().as_secs_f64(),
        unit: "pages/s".into(),
        latency: Latency::of(&h),
        errors,
        note: format!("{items} items a page; sequential GETs over HTTP"),
        ..Default::default()
    }
}

pub async fn run(server: &ServerProc, target: Target, rows: usize, requests: usize) -> Vec<Row> {
    let filled = match fill(server.db_url(), target.production, rows) {
        Ok(d) => d,
        Err(e) => {
            return vec![Row { scenario: "activity page".into(), errors: 1, note: e, ..Default::default() }]
        }
    };
    eprintln!("activity: {rows} change-log rows written in {:.1} s", filled.as_secs_f64());
    let p = target.production;
    let entity = uuid::Uuid::from_bytes(md5::compute("e7").0);
    let base = format!("/api/productions/{p}/activity");
    let kinds = [
        ("newest 50", format!("{base}?limit=50")),
        ("50 from the middle", format!("{base}?limit=50&before={}", rows / 2)),
        ("one entity", format!("{base}?limit=50&entityId={entity}")),
        ("one user", format!("{base}?limit=50&userId=user7")),
        ("a rare type", format!("{base}?limit=50&entityType=stream")),
    ];
    let mut out = Vec::new();
    for (label, query) in kinds {
        out.push(pages(server, label, &query, requests, rows).await);
    }
    out
}
