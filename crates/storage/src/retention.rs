//! Change-log retention: keep the newest N events of each production. A client whose
//! `since` falls below what is kept is told to resync from the snapshot.

use std::sync::LazyLock;

use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use prodsync_domain::catalog::PRODUCTION;
use prodsync_domain::SyncError;

use crate::db_error::DbError;
use crate::prepared::{stmt, Sql};
use crate::PgStore;

static PRUNE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "WITH k AS (SELECT $1::bigint AS keep), floors AS ( \
           UPDATE productions SET log_floor = seq - k.keep FROM k WHERE seq - k.keep > log_floor \
           RETURNING id, log_floor), \
         steps AS (DELETE FROM undo_steps u USING floors f WHERE u.production_id = f.id AND u.step_seq <= f.log_floor) \
         DELETE FROM change_log c USING floors f WHERE c.production_id = f.id AND c.seq <= f.log_floor",
    )
});

impl PgStore {
    /// Deletes all but the newest `keep` change-log entries of every production and raises
    /// each production's floor; returns how many entries went. Undo steps whose entries
    /// went go with them (undo reaches only as far back as the log).
    pub async fn prune_change_log(&self, keep: i64) -> Result<usize, SyncError> {
        let run = async {
            let mut conn = self.conn().await?;
            Ok(stmt(&PRUNE).bind::<BigInt, _>(keep.max(0)).execute(&mut conn).await?)
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }
}
