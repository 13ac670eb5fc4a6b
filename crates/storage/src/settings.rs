//! Settings shared by every production: lookup lists and key/value settings. A lookup
//! change runs the domain's `apply` on the current list under a per-list lock and writes
//! the whole new list, so two concurrent changes never interleave.

use std::sync::LazyLock;

use diesel::sql_types::{Jsonb, Nullable, Text};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use prodsync_domain::catalog::PRODUCTION;
use prodsync_domain::field::format_timestamp;
use prodsync_domain::settings::{apply, Lookup, LookupChange, Setting};
use prodsync_domain::SyncError;
use serde_json::Value;

use crate::db_error::DbError;
use crate::prepared::{stmt, Sql};
use crate::PgStore;

static VALUES: LazyLock<Sql> =
    LazyLock::new(|| Sql::new("SELECT value FROM lookup_values WHERE list = $1 ORDER BY sort_order, value"));
static LOCK_LIST: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new("SELECT pg_advisory_xact_lock(hashtext('prodsync.lookup.' || $1))::text AS value")
});
static CLEAR: LazyLock<Sql> = LazyLock::new(|| Sql::new("DELETE FROM lookup_values WHERE list = $1"));
static INSERT: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "INSERT INTO lookup_values (list, value, sort_order) \
         SELECT $1, v, (n - 1)::int FROM unnest($2::text[]) WITH ORDINALITY AS t(v, n)",
    )
});
static ALL: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "SELECT coalesce(jsonb_agg(jsonb_build_object('key', key, 'value', value, 'category', category, \
         'lastModifiedBy', last_modified_by, 'updatedAt', updated_at) ORDER BY key), '[]') AS row \
         FROM settings WHERE key = coalesce($1, key)",
    )
});
static UPSERT: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "INSERT INTO settings (key, value, category, last_modified_by, updated_at) VALUES ($1, $2, $3, $4, now()) \
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, category = EXCLUDED.category, \
         last_modified_by = EXCLUDED.last_modified_by, updated_at = EXCLUDED.updated_at \
         RETURNING jsonb_build_object('key', key, 'value', value, 'category', category, \
         'lastModifiedBy', last_modified_by, 'updatedAt', updated_at) AS row",
    )
});
static DELETE: LazyLock<Sql> = LazyLock::new(|| Sql::new("DELETE FROM settings WHERE key = $1"));

#[derive(QueryableByName)]
struct ValueRow {
    #[diesel(sql_type = Text)]
    value: String,
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = Jsonb, deserialize_as = crate::lenient::ScrubbedJson)]
    row: Value,
}

/// Settings reads; writes are commands (`commands.rs`), so they keep idempotency receipts
/// in their own transaction like every other write.
#[derive(Clone)]
pub struct SettingsStore {
    store: PgStore,
}

impl SettingsStore {
    pub fn new(store: PgStore) -> Self {
        SettingsStore { store }
    }

    /// The list's values in order.
    pub async fn lookup(&self, lookup: Lookup) -> Result<Vec<String>, SyncError> {
        let run = async {
            let mut conn = self.store.conn().await?;
            values(&mut conn, lookup).await
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }

    /// Every key/value setting, by key.
    pub async fn all(&self) -> Result<Vec<Setting>, SyncError> {
        self.read(None).await
    }

    pub async fn get(&self, key: &str) -> Result<Setting, SyncError> {
        let found = self.read(Some(key)).await?.into_iter().next();
        found.ok_or_else(|| SyncError::SettingNotFound { what: format!("setting {key:?}") })
    }

    async fn read(&self, key: Option<&str>) -> Result<Vec<Setting>, SyncError> {
        let run = async {
            let mut conn = self.store.conn().await?;
            let row = stmt(&ALL)
                .bind::<Nullable<Text>, _>(key)
                .get_result::<JsonRow>(&mut conn)
                .await
                .optional()?;
            match row.map(|r| r.row) {
                Some(Value::Array(rows)) => rows.into_iter().map(setting).collect(),
                _ => Ok(Vec::new()),
            }
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }
}

/// Applies one change under the list's lock and writes the whole new list.
pub(crate) async fn change_lookup_tx(
    c: &mut AsyncPgConnection,
    lookup: Lookup,
    change: &LookupChange,
) -> Result<Vec<String>, DbError> {
    stmt(&LOCK_LIST).bind::<Text, _>(lookup.path()).execute(c).await?;
    let current = values(c, lookup).await?;
    let next = apply(lookup, &current, change)?;
    stmt(&CLEAR).bind::<Text, _>(lookup.path()).execute(c).await?;
    stmt(&INSERT)
        .bind::<Text, _>(lookup.path())
        .bind::<diesel::sql_types::Array<Text>, _>(&next)
        .execute(c)
        .await?;
    Ok(next)
}

pub(crate) async fn put_tx(
    c: &mut AsyncPgConnection,
    key: &str,
    value: &Value,
    category: Option<&str>,
    actor: Option<&str>,
) -> Result<Setting, DbError> {
    let row = stmt(&UPSERT)
        .bind::<Text, _>(key)
        .bind::<Jsonb, _>(value)
        .bind::<Nullable<Text>, _>(category)
        .bind::<Nullable<Text>, _>(actor)
        .get_result::<JsonRow>(c)
        .await?;
    setting(row.row)
}

pub(crate) async fn delete_tx(c: &mut AsyncPgConnection, key: &str) -> Result<(), DbError> {
    if stmt(&DELETE).bind::<Text, _>(key).execute(c).await? == 0 {
        return Err(SyncError::SettingNotFound { what: format!("setting {key:?}") }.into());
    }
    Ok(())
}

async fn values(conn: &mut AsyncPgConnection, lookup: Lookup) -> Result<Vec<String>, DbError> {
    let rows: Vec<ValueRow> = stmt(&VALUES).bind::<Text, _>(lookup.path()).load(conn).await?;
    Ok(rows.into_iter().map(|r| r.value).collect())
}

/// PostgreSQL's JSON form of a settings row, with the timestamp made canonical.
fn setting(mut row: Value) -> Result<Setting, DbError> {
    if let Some(at) = row.get("updatedAt").and_then(prodsync_domain::field::parse_timestamp) {
        row["updatedAt"] = Value::from(format_timestamp(at));
    }
    serde_json::from_value(row).map_err(DbError::internal)
}
