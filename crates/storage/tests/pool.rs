//! The connection pool over a real database: a pool per querying thread, one limit.

use std::sync::mpsc;
use std::time::Duration;

use diesel::sql_query;
use diesel_async::RunQueryDsl;
use prodsync_storage::test_db::TestDatabase;
use prodsync_storage::{connect, PgPool, PoolSettings};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

async fn select_one(pool: &PgPool) -> impl Drop {
    let mut conn = pool.get().await.expect("a connection");
    sql_query("SELECT 1").execute(&mut conn).await.expect("the connection works");
    conn
}

/// Two threads, two connections in all: one each.
fn two_threads_two_connections(db: &TestDatabase) -> PgPool {
    connect(&PoolSettings {
        url: db.url.clone(),
        max_size: 2,
        wait_timeout: Duration::from_millis(300),
        connect_timeout: Duration::from_secs(5),
        threads: 2,
    })
    .unwrap()
}

#[test]
fn a_thread_at_its_share_borrows_another_threads_idle_connection_and_the_limit_holds() {
    let db = runtime().block_on(TestDatabase::new());
    let pool = two_threads_two_connections(&db);

    // The other thread opens its connection, gives it back, and keeps driving it.
    let (opened, wait_opened) = mpsc::channel();
    let (stop, wait_stop) = tokio::sync::oneshot::channel::<()>();
    let other = {
        let pool = pool.clone();
        std::thread::spawn(move || {
            runtime().block_on(async move {
                drop(select_one(&pool).await);
                opened.send(()).unwrap();
                let _ = wait_stop.await;
            })
        })
    };
    wait_opened.recv().unwrap();

    runtime().block_on(async {
        let _own = select_one(&pool).await;
        // This thread's share is taken; the other thread's idle connection serves.
        let _borrowed = select_one(&pool).await;
        assert_eq!(pool.status(), (2, 0), "two connections in use, no one waiting");
        assert!(pool.get().await.is_err(), "a third connection would be over the limit");
    });
    stop.send(()).unwrap();
    other.join().unwrap();
}

#[test]
fn a_thread_that_ends_takes_its_pool_with_it() {
    let db = runtime().block_on(TestDatabase::new());
    let pool = two_threads_two_connections(&db);
    // Another thread opens a connection, gives it back, and ends, its runtime with it.
    let other = pool.clone();
    std::thread::spawn(move || runtime().block_on(async move { drop(select_one(&other).await) }))
        .join()
        .unwrap();

    runtime().block_on(async {
        let _own = select_one(&pool).await;
        // The ended thread's idle connection had nothing left to drive it: handing it out
        // would fail the query. This thread's share is taken, so it waits and is refused.
        assert!(pool.get().await.is_err(), "a dead thread's connection was handed out");
    });
}
