//! One fresh database per test, copied from a migrated template (about 25 ms a test), so
//! tests run in parallel and never see each other's rows. The template's name carries a
//! fingerprint of the migrations, so a changed migration builds a new one.
//!
//! The server to use comes from `TEST_DATABASE_URL`, else `DATABASE_URL`, else the local
//! default; any database on it will do for the admin connection.

use diesel::sql_query;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use tokio::sync::OnceCell;

use crate::migrate::run_migrations;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
static TEMPLATE: OnceCell<String> = OnceCell::const_new();

pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub async fn new() -> TestDatabase {
        let template = TEMPLATE.get_or_init(build_template).await;
        let name = format!("prodsync_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = admin().await;
        sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
        TestDatabase { url: with_database(&server_url(), &name), name }
    }

    /// An empty database, not ours (another application's, for the import tests).
    pub async fn blank() -> TestDatabase {
        let name = format!("prodsync_source_{}", uuid::Uuid::new_v4().simple());
        let mut admin = admin().await;
        sql_query(format!("CREATE DATABASE {name} TEMPLATE template0"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
        TestDatabase { url: with_database(&server_url(), &name), name }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs outside any runtime guarantee: use a thread with its own.
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                let mut admin = admin().await;
                let _ = sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await;
            });
        })
        .join();
    }
}

async fn admin() -> AsyncPgConnection {
    let url = server_url();
    AsyncPgConnection::establish(&url)
        .await
        .unwrap_or_else(|e| panic!("tests need PostgreSQL at {url} (set TEST_DATABASE_URL): {e}"))
}

/// Builds the template once per fingerprint, under an advisory lock so that parallel test
/// binaries do not race; built under a temporary name and renamed, so a crash mid-way
/// never leaves a half-migrated template behind.
async fn build_template() -> String {
    let name = format!("prodsync_tmpl_{}", env!("MIGRATIONS_FINGERPRINT"));
    let mut admin = admin().await;
    sql_query("SELECT pg_advisory_lock(727274)").execute(&mut admin).await.expect("advisory lock");
    let exists = sql_query(format!("SELECT 1 AS x FROM pg_database WHERE datname = '{name}'"))
        .execute(&mut admin)
        .await
        .expect("looking up the template")
        > 0;
    if !exists {
        let building = format!("{name}_building");
        let _ =
            sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).execute(&mut admin).await;
        sql_query(format!("CREATE DATABASE {building}"))
            .execute(&mut admin)
            .await
            .expect("creating template");
        run_migrations(&with_database(&server_url(), &building)).await.expect("migrating the template");
        sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
            .execute(&mut admin)
            .await
            .expect("renaming the template");
    }
    sql_query("SELECT pg_advisory_unlock(727274)").execute(&mut admin).await.expect("advisory unlock");
    name
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_only_the_database_name() {
        assert_eq!(
            with_database("postgres://u@h:5/db?sslmode=disable", "x"),
            "postgres://u@h:5/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h:5", "x"), "postgres://u@h:5/x");
    }
}
