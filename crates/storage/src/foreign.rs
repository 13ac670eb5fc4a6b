//! Reading another application's PostgreSQL database, read-only, as JSON rows: the source
//! of `prodsync import videodept`. Rows come as `to_jsonb(row)` so the importer works on
//! column names, whatever version of that schema it meets; a table that is not there is
//! reported as absent rather than failing the read (older versions lack some).

use std::collections::BTreeMap;
use std::time::Duration;

use diesel::sql_types::{Bool, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value};

use crate::rows::RowJson;

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    exists: bool,
}

/// Rows of each table read, by table name; a table the database does not have is absent.
pub type ForeignTables = BTreeMap<&'static str, Vec<Map<String, Value>>>;

/// Reads whole tables in one read-only, repeatable-read transaction (one consistent
/// picture even while the other application still runs). The error never carries the
/// URL, which may hold a password.
pub async fn read_tables(url: &str, tables: &[&'static str]) -> Result<ForeignTables, String> {
    let mut conn = tokio::time::timeout(Duration::from_secs(10), AsyncPgConnection::establish(url))
        .await
        .map_err(|_| "the source database did not answer within 10 s".to_owned())?
        .map_err(|e| format!("cannot connect to the source database: {e}"))?;
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(async |c| {
            let mut out = ForeignTables::new();
            for table in tables {
                if let Some(rows) = read_table(c, table).await? {
                    out.insert(table, rows);
                }
            }
            Ok::<_, diesel::result::Error>(out)
        })
        .await
        .map_err(|e| format!("reading the source database: {e}"))
}

async fn read_table(
    conn: &mut AsyncPgConnection,
    table: &str,
) -> Result<Option<Vec<Map<String, Value>>>, diesel::result::Error> {
    let present: Exists = diesel::sql_query("SELECT to_regclass($1) IS NOT NULL AS exists")
        .bind::<Text, _>(format!("public.{table}"))
        .get_result(conn)
        .await?;
    if !present.exists {
        return Ok(None);
    }
    // The name is one of the importer's own constants; quoted all the same.
    let quoted = table.replace('"', "\"\"");
    let sql =
        format!("SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb) AS row FROM public.\"{quoted}\" t");
    let all: RowJson = diesel::sql_query(sql).get_result(conn).await?;
    let rows = match all.row {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(Some(rows))
}
