//! Embedded migrations, applied by `prodsync migrate` and on `serve` start.

use diesel::Connection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::AsyncPgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// Applies pending migrations and returns the names of those applied. Runs the sync
/// harness on a blocking thread: diesel-async's async harness panics on a current-thread
/// runtime, which is what actix and the tests use.
pub async fn run_migrations(url: &str) -> Result<Vec<String>, String> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn =
            AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url).map_err(|e| e.to_string())?;
        let applied = conn.run_pending_migrations(MIGRATIONS).map_err(|e| e.to_string())?;
        Ok(applied.iter().map(|m| m.to_string()).collect())
    })
    .await
    .map_err(|e| format!("migration task failed: {e}"))?
}
