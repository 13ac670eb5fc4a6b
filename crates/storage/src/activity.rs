//! `ActivityLog` over the change log: one statement per combination of filters, so each
//! runs as a short range of its own index (see the activity migration), newest first.

use std::sync::LazyLock;

use async_trait::async_trait;
use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use prodsync_domain::activity::{page, ActivityPage, ActivityQuery, LogEntry};
use prodsync_domain::catalog::PRODUCTION;
use prodsync_domain::ports::ActivityLog;
use prodsync_domain::ProductionId;
use prodsync_domain::SyncError;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db_error::DbError;
use crate::prepared::{stmt, Sql};
use crate::PgStore;

/// Indexed by filter bits: 1 entity type, 2 entity id, 4 user.
static PAGES: LazyLock<Vec<Sql>> = LazyLock::new(|| (0..8).map(page_sql).collect());

fn page_sql(filters: usize) -> Sql {
    let mut sql =
        "SELECT seq, created_at, user_id, user_name, entity_type, entity_id, action, changed_fields, \
                   diff, data, cause FROM change_log WHERE production_id = $1 AND seq < $2"
            .to_owned();
    let mut n = 3;
    for (bit, column) in [(1, "entity_type"), (2, "entity_id"), (4, "user_id")] {
        if filters & bit != 0 {
            sql.push_str(&format!(" AND {column} = ${n}"));
            n += 1;
        }
    }
    sql.push_str(&format!(" ORDER BY seq DESC LIMIT ${n}"));
    Sql::new(sql)
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Timestamptz)]
    created_at: OffsetDateTime,
    #[diesel(sql_type = Nullable<Text>)]
    user_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    user_name: Option<String>,
    #[diesel(sql_type = Text)]
    entity_type: String,
    #[diesel(sql_type = SqlUuid)]
    entity_id: Uuid,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Array<Text>)]
    changed_fields: Vec<String>,
    #[diesel(sql_type = Jsonb, deserialize_as = crate::lenient::ScrubbedJson)]
    diff: Value,
    #[diesel(sql_type = Jsonb, deserialize_as = crate::lenient::ScrubbedJson)]
    data: Value,
    #[diesel(sql_type = Nullable<Text>)]
    cause: Option<String>,
}

impl From<Row> for LogEntry {
    fn from(r: Row) -> LogEntry {
        LogEntry {
            seq: r.seq,
            at: r.created_at,
            user_id: r.user_id,
            user_name: r.user_name,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            action: r.action,
            changed_fields: r.changed_fields,
            diff: r.diff,
            data: r.data,
            cause: r.cause,
        }
    }
}

#[async_trait]
impl ActivityLog for PgStore {
    async fn activity(&self, production: ProductionId, q: &ActivityQuery) -> Result<ActivityPage, SyncError> {
        let production = production.uuid();
        let filters = usize::from(q.entity_type.is_some())
            | usize::from(q.entity_id.is_some()) << 1
            | usize::from(q.user_id.is_some()) << 2;
        let run = async {
            let mut conn = self.conn().await?;
            crate::feed::head(&conn, production).await?;
            let mut query = stmt(&PAGES[filters])
                .bind::<SqlUuid, _>(production)
                .bind::<BigInt, _>(q.before.unwrap_or(i64::MAX));
            if let Some(t) = &q.entity_type {
                query = query.bind::<Text, _>(t.as_str());
            }
            if let Some(id) = q.entity_id {
                query = query.bind::<SqlUuid, _>(id);
            }
            if let Some(u) = &q.user_id {
                query = query.bind::<Text, _>(u.as_str());
            }
            let rows: Vec<Row> = query.bind::<BigInt, _>(q.limit + 1).load(&mut conn).await?;
            Ok(page(rows.into_iter().map(LogEntry::from).collect(), q.limit))
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }
}
