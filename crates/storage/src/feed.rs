//! `ChangeFeed` and `HealthCheck` over PostgreSQL: snapshots, catch-up, the head seq.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use diesel::sql_types::{BigInt, Uuid as SqlUuid};
use diesel::OptionalExtension;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use prodsync_domain::catalog::{self, PRODUCTION};
use prodsync_domain::ports::{ChangeFeed, ChangePage, HealthCheck, RawPage, Snapshot};
use prodsync_domain::SyncError;
use serde_json::Value;
use uuid::Uuid;

use crate::changelog::{to_event, to_raw_event, EVENTS_SINCE, RAW_EVENTS_SINCE};
use crate::db_error::DbError;
use crate::entities::decode;
use crate::prepared::{stmt, Sql};
use crate::rows::{HeadRow, KindRow, Seq};
use crate::sql::SNAPSHOT;
use crate::PgStore;
use prodsync_domain::ProductionId;

static HEAD: LazyLock<Sql> =
    LazyLock::new(|| Sql::new("SELECT seq, log_floor FROM productions WHERE id = $1"));
static HEADS: LazyLock<Sql> =
    LazyLock::new(|| Sql::new("SELECT id, seq FROM productions WHERE id = ANY($1)"));
static PING: LazyLock<Sql> = LazyLock::new(|| Sql::new("SELECT 1"));

pub(crate) async fn head(mut conn: &AsyncPgConnection, production: Uuid) -> Result<HeadRow, DbError> {
    stmt(&HEAD)
        .bind::<SqlUuid, _>(production)
        .get_result::<HeadRow>(&mut conn)
        .await
        .optional()?
        .ok_or(DbError::Domain(SyncError::NotFound { kind: PRODUCTION.name, id: production }))
}

#[async_trait]
impl ChangeFeed for PgStore {
    async fn snapshot(&self, production: ProductionId) -> Result<Snapshot, SyncError> {
        let production = production.uuid();
        let run = async {
            let mut conn = self.conn().await?;
            let rows: Vec<KindRow> = stmt(&SNAPSHOT).bind::<SqlUuid, _>(production).load(&mut conn).await?;
            let mut production_row = None;
            let mut entities = Vec::with_capacity(rows.len());
            for r in rows {
                let kind = catalog::by_name(&r.kind).ok_or_else(|| DbError::internal(&r.kind))?;
                if kind.is_production() {
                    let seq = r.row.get("seq").and_then(Value::as_i64).unwrap_or(0);
                    production_row = Some((decode(kind, &r.row)?, seq));
                } else {
                    entities.push(decode(kind, &r.row)?);
                }
            }
            let (production, seq) =
                production_row.ok_or(SyncError::NotFound { kind: PRODUCTION.name, id: production })?;
            Ok(Snapshot { production, entities, seq })
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }

    async fn changes_since(
        &self,
        production: ProductionId,
        since: i64,
        limit: i64,
    ) -> Result<ChangePage, SyncError> {
        let (events, head_seq, has_more) =
            self.page(production, since, limit, &EVENTS_SINCE, to_event).await?;
        Ok(ChangePage { events, head_seq, has_more })
    }

    async fn raw_changes_since(
        &self,
        production: ProductionId,
        since: i64,
        limit: i64,
    ) -> Result<RawPage, SyncError> {
        let (events, head_seq, has_more) =
            self.page(production, since, limit, &RAW_EVENTS_SINCE, to_raw_event).await?;
        Ok(RawPage { events, head_seq, has_more })
    }

    async fn head_seq(&self, production: ProductionId) -> Result<i64, SyncError> {
        let production = production.uuid();
        let run = async {
            let conn = self.conn().await?;
            Ok(head(&conn, production).await?.seq)
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }

    async fn heads(&self, productions: &[Uuid]) -> Result<Vec<(Uuid, i64)>, SyncError> {
        let run = async {
            let mut conn = self.conn().await?;
            let rows: Vec<IdSeqRow> = stmt(&HEADS)
                .bind::<diesel::sql_types::Array<SqlUuid>, _>(productions)
                .load(&mut conn)
                .await?;
            Ok(rows.into_iter().map(|r| (r.id, r.seq)).collect())
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }
}

#[derive(diesel::QueryableByName)]
struct IdSeqRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

impl PgStore {
    /// A page of the log after `since` (at most `limit` events), its rows read by `sql`:
    /// `ResyncRequired` when the log no longer holds (or never held) what follows `since`.
    async fn page<R, E>(
        &self,
        production: ProductionId,
        since: i64,
        limit: i64,
        sql: &Sql,
        convert: fn(R) -> Result<E, DbError>,
    ) -> Result<(Vec<E>, i64, bool), SyncError>
    where
        R: diesel::QueryableByName<diesel::pg::Pg> + Seq + Send + 'static,
    {
        let production = production.uuid();
        let run = async {
            let mut conn = self.conn().await?;
            let head = head(&conn, production).await?;
            let resync = SyncError::ResyncRequired { since, oldest: head.log_floor + 1 };
            if since < head.log_floor || since > head.seq {
                return Err(resync.into());
            }
            let rows: Vec<R> = stmt(sql)
                .bind::<SqlUuid, _>(production)
                .bind::<BigInt, _>(since)
                .bind::<BigInt, _>(since.saturating_add(limit + 1))
                .bind::<BigInt, _>(limit + 1)
                .load(&mut conn)
                .await?;
            // Pruning may have run between the two statements: never hand out a gap.
            if <[R]>::first(&rows).is_some_and(|r| r.seq() != since + 1) {
                return Err(resync.into());
            }
            let has_more = rows.len() as i64 > limit;
            let events = rows.into_iter().take(limit as usize).map(convert).collect::<Result<_, _>>()?;
            Ok((events, head.seq, has_more))
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }
}

#[async_trait]
impl HealthCheck for PgStore {
    async fn ping(&self) -> Result<Duration, SyncError> {
        let started = Instant::now();
        let run = async {
            let mut conn = self.conn().await?;
            stmt(&PING).execute(&mut conn).await?;
            Ok(started.elapsed())
        };
        run.await.map_err(|e: DbError| match e.into_sync(&PRODUCTION) {
            SyncError::Internal(m) => SyncError::Unavailable(m),
            other => other,
        })
    }
}
