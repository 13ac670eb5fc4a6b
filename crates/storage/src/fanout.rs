//! The sending side of cross-instance fan-out (`listen` is the receiving side): change
//! notices (in the write's own transaction, or after it), presence reports, settings
//! announcements.
//! Notices and reports only while another instance is alive (NOTIFY serialises commits
//! on PostgreSQL's notification queue); announcements always, as nothing repairs them.

use std::sync::LazyLock;

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use prodsync_domain::catalog::PRODUCTION;
use prodsync_domain::SyncError;
use uuid::Uuid;

use crate::db_error::DbError;
use crate::prepared::{stmt, Sql};
use crate::PgStore;

static NOTIFY: LazyLock<Sql> =
    LazyLock::new(|| Sql::new(format!("SELECT pg_notify('{}', $1)", prodsync_domain::fanout::CHANNEL)));

/// Tells the other instances, in the write's own transaction: the notice is delivered if
/// and only if the write commits. `deferred`: only notices with list events; the caller
/// sends the others after the commit.
pub(crate) async fn notify(
    conn: &mut AsyncPgConnection,
    instance: Uuid,
    events: &[prodsync_domain::ChangeEvent],
    deferred: bool,
) -> Result<(), DbError> {
    // Most writes carry no list event: their notices are built once, after the commit.
    if deferred && !events.iter().any(prodsync_domain::fanout::for_list) {
        return Ok(());
    }
    let at_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    for notice in prodsync_domain::fanout::notices(instance, events, at_ms) {
        if deferred && !prodsync_domain::fanout::in_transaction(&notice) {
            continue;
        }
        stmt(&NOTIFY).bind::<diesel::sql_types::Text, _>(notice.text).execute(conn).await?;
    }
    Ok(())
}

static NOTIFY_MANY: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(format!(
        "SELECT pg_notify('{}', t) FROM unnest($1::text[]) AS t",
        prodsync_domain::fanout::CHANNEL
    ))
});

static NOTIFY_PRESENCE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(format!("SELECT pg_notify('{}', $1)", prodsync_domain::presence::PRESENCE_CHANNEL))
});

static NOTIFY_SETTINGS: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(format!("SELECT pg_notify('{}', $1)", prodsync_domain::fanout::SETTINGS_CHANNEL))
});

/// Keeps an announcement too large for NOTIFY, notifies `{"ref": id}` (what
/// `fanout::decode_reference` reads), and drops what was kept more than five minutes ago
/// (every instance has read it long since).
static KEEP_AND_NOTIFY: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(format!(
        "WITH old AS (DELETE FROM fanout_payloads WHERE created_at < now() - interval '5 minutes'), \
         kept AS (INSERT INTO fanout_payloads (body) VALUES ($1) RETURNING id) \
         SELECT pg_notify('{}', json_build_object('ref', id)::text) FROM kept",
        prodsync_domain::fanout::SETTINGS_CHANNEL
    ))
});

static KEPT: LazyLock<Sql> = LazyLock::new(|| Sql::new("SELECT body FROM fanout_payloads WHERE id = $1"));

#[derive(diesel::QueryableByName)]
struct Body {
    #[diesel(sql_type = diesel::sql_types::Text)]
    body: String,
}

/// The announcement kept under `id` by another instance; `None` once it is gone.
pub(crate) async fn kept_announcement(store: &PgStore, id: i64) -> Result<Option<String>, SyncError> {
    use diesel::OptionalExtension;
    let run = async {
        let mut conn = store.conn().await?;
        let row: Option<Body> =
            stmt(&KEPT).bind::<diesel::sql_types::BigInt, _>(id).get_result(&mut conn).await.optional()?;
        Ok(row.map(|r| r.body))
    };
    run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
}

impl PgStore {
    /// A settings announcement for the other instances' sockets, after the commit (best
    /// effort, like the announcement to this instance's sockets). Sent even when no peer
    /// has been counted yet: the count is refreshed on a clock, so an instance started a
    /// moment ago may already have sockets, and an announcement has no log to repair from.
    /// Settings change rarely, so the NOTIFY costs nothing that matters.
    pub async fn notify_settings(&self, event: &str, data: &serde_json::Value) -> Result<(), SyncError> {
        let payload = prodsync_domain::fanout::encode_announcement(self.instance(), event, data);
        let run = async {
            let mut conn = self.conn().await?;
            // Too large for a payload: kept in a table, its id notified (in one statement,
            // so both commit together).
            let sql = if payload.len() > prodsync_domain::fanout::MAX_PAYLOAD {
                &KEEP_AND_NOTIFY
            } else {
                &NOTIFY_SETTINGS
            };
            stmt(sql).bind::<diesel::sql_types::Text, _>(payload).execute(&mut conn).await?;
            Ok(())
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }

    /// Change notices of writes already committed, in one statement (one small
    /// transaction of its own). Best effort: a notice lost here (an error, a crash before
    /// it) is made good by the receivers' head check.
    pub(crate) async fn notify_after_commit(&self, notices: Vec<String>) -> Result<(), SyncError> {
        if notices.is_empty() {
            return Ok(());
        }
        let run = async {
            let mut conn = self.conn().await?;
            stmt(&NOTIFY_MANY)
                .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(notices)
                .execute(&mut conn)
                .await?;
            Ok(())
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }

    /// A presence report for the other instances (best effort: the next heartbeat repeats it).
    pub async fn notify_presence(&self, payload: String) -> Result<(), SyncError> {
        if !self.has_peers() {
            return Ok(());
        }
        let run = async {
            let mut conn = self.conn().await?;
            stmt(&NOTIFY_PRESENCE).bind::<diesel::sql_types::Text, _>(payload).execute(&mut conn).await?;
            Ok(())
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }
}
