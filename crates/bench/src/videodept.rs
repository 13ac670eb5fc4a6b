//! Scenario: `prodsync import videodept` of one show of N rows from a database in the
//! original app's schema (tests/fixtures/videodept/schema.sql): a fifth CCUs, the rest
//! cameras linked to them by display id only (so every link is resolved), run as the
//! operator runs it, a child process of the server binary. A second run measures the
//! "nothing to do" pass over the same rows.

use std::path::Path;
use std::time::{Duration, Instant};

use prodsync_storage::test_db::TestDatabase;

use crate::server::ServerProc;
use crate::stats::{Latency, Row};

const SCHEMA: &str = include_str!("../../../tests/fixtures/videodept/schema.sql");
const SHOW: &str = "prod_1738000000000_bench";

async fn source(rows: usize) -> Result<TestDatabase, String> {
    let db = TestDatabase::blank().await;
    let (client, conn) =
        tokio_postgres::connect(&db.url, tokio_postgres::NoTls).await.map_err(|e| e.to_string())?;
    let driver = tokio::spawn(conn);
    let ccus = (rows / 5).max(1);
    let fill = format!(
        "INSERT INTO productions (id, client, show_name, updated_at) VALUES ('{SHOW}', 'bench', 'Bench show', now());
         INSERT INTO ccus (id, production_id, name, updated_at)
           SELECT 'CCU ' || n, '{SHOW}', 'CCU ' || n, now() FROM generate_series(1, {ccus}) n;
         INSERT INTO cameras (id, production_id, name, max_zoom, ccu_id, updated_at, last_modified_by)
           SELECT 'CAM ' || n, '{SHOW}', 'Camera ' || n, 20 + n % 7, 'CCU ' || (1 + n % {ccus}), now(), 'ann'
           FROM generate_series(1, {cameras}) n;",
        cameras = rows.saturating_sub(ccus),
    );
    client.batch_execute(SCHEMA).await.map_err(|e| e.to_string())?;
    client.batch_execute(&fill).await.map_err(|e| e.to_string())?;
    drop(client);
    driver.abort();
    Ok(db)
}

fn row(label: &str, rows: usize, took: Duration, ok: bool, note: String) -> Row {
    let ms = took.as_secs_f64() * 1000.0;
    Row {
        scenario: label.into(),
        params: format!("{rows} rows"),
        throughput: rows as f64 / took.as_secs_f64(),
        unit: "rows/s".into(),
        latency: Latency { count: 1, p50_ms: ms, p90_ms: ms, p99_ms: ms, max_ms: ms },
        errors: u64::from(!ok),
        note,
        ..Default::default()
    }
}

pub async fn run(bin: &Path, server: &ServerProc, rows: usize) -> Vec<Row> {
    let src = match source(rows).await {
        Ok(db) => db,
        Err(e) => {
            return vec![Row {
                scenario: "videodept import".into(),
                errors: 1,
                note: e,
                ..Default::default()
            }]
        }
    };
    let mut out = Vec::new();
    for label in ["videodept import", "videodept re-run"] {
        let (bin, from, to) = (bin.to_owned(), src.url.clone(), server.db_url().to_owned());
        let started = Instant::now();
        let done = tokio::task::spawn_blocking(move || {
            std::process::Command::new(bin)
                .args(["import", "videodept", "--from", &from, "--database-url", &to])
                .env("PRODSYNC_LOG_LEVEL", "warn")
                .output()
        })
        .await;
        let took = started.elapsed();
        let (ok, note) = match done {
            Ok(Ok(o)) if o.status.success() => {
                let said = String::from_utf8_lossy(&o.stdout);
                (true, said.lines().last().unwrap_or_default().to_owned())
            }
            Ok(Ok(o)) => (false, String::from_utf8_lossy(&o.stderr).into_owned()),
            other => (false, format!("{other:?}")),
        };
        out.push(row(label, rows + 1, took, ok, note));
    }
    out
}
