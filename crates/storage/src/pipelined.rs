//! One entity update in two round trips: BEGIN travels with the receipt's guard and the
//! row's lock, COMMIT with the row's write and its log entry.
//!
//! diesel's `transaction` sends BEGIN and COMMIT on round trips of their own: four in all
//! for an update, each one waking this process and a PostgreSQL backend. And the
//! production's counter row, locked by the log append, stayed locked until our task had
//! run again and sent COMMIT: on a busy machine, a wait for a core inside every hot
//! production's critical section. Here the append and COMMIT go out together, so that
//! section ends inside PostgreSQL.
//!
//! Should a statement fail, PostgreSQL turns the COMMIT after it into a rollback; its error
//! is the one reported. diesel's transaction manager is told of the transaction, so a
//! connection dropped mid-way is discarded by the pool rather than reused half-open.

use std::sync::LazyLock;

use diesel::connection::{TransactionDepthChange, TransactionManagerStatus};
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, RunQueryDsl, TransactionManager};
use prodsync_domain::command::{Outcome, Receipt};
use prodsync_domain::ports::Actor;
use prodsync_domain::{EntityKind, UpdateInput};
use uuid::Uuid;

use crate::commands::{guard, keep};
use crate::db_error::DbError;
use crate::entities::{lock, merge_update, now, write_update, Merge};
use crate::prepared::{stmt, Sql};

static BEGIN: LazyLock<Sql> = LazyLock::new(|| Sql::new("BEGIN"));
static COMMIT: LazyLock<Sql> = LazyLock::new(|| Sql::new("COMMIT"));

/// What the update needs besides its command.
pub(crate) struct Update<'a> {
    pub kind: &'static EntityKind,
    pub production: Uuid,
    pub id: Uuid,
    pub input: &'a UpdateInput,
    pub actor: &'a Actor,
    pub receipt: Option<&'a Receipt>,
    /// Statements must follow the write before COMMIT (a notice that rides the
    /// transaction): COMMIT then goes with those instead.
    pub notices_follow: bool,
}

/// Runs the update; on any error the transaction is rolled back (or already was).
pub(crate) async fn update(
    conn: &mut AsyncPgConnection,
    u: Update<'_>,
    notify: impl AsyncFnOnce(&mut AsyncPgConnection, &Outcome) -> Result<(), DbError>,
) -> Result<Outcome, DbError> {
    depth(conn, TransactionDepthChange::IncreaseDepth)?;
    let result = run(conn, &u, notify).await;
    // Still open: it failed before its COMMIT was sent.
    if let Ok(Some(_)) = status(conn).transaction_depth() {
        let rolled_back =
            <AnsiTransactionManager as TransactionManager<AsyncPgConnection>>::rollback_transaction(conn)
                .await;
        if let (Ok(_), Err(e)) = (&result, rolled_back) {
            return Err(e.into());
        }
    }
    result
}

async fn run(
    conn: &mut AsyncPgConnection,
    u: &Update<'_>,
    notify: impl AsyncFnOnce(&mut AsyncPgConnection, &Outcome) -> Result<(), DbError>,
) -> Result<Outcome, DbError> {
    let shared: &AsyncPgConnection = conn;
    let guarded = async {
        match u.receipt {
            Some(r) => guard(shared, r).await,
            None => Ok(()),
        }
    };
    let (began, guarded, locked) =
        futures_util::join!(execute(shared, &BEGIN), guarded, lock(shared, u.kind, u.production, u.id));
    began?;
    guarded?;
    let (current, _) = locked?;
    let write = match merge_update(shared, current, u.production, u.input, u.actor, now()).await? {
        Merge::Noop(updated) => return finish(conn, u, Outcome::Updated(updated), notify).await,
        Merge::Write(write) => write,
    };
    if u.receipt.is_some() || u.notices_follow {
        let outcome = Outcome::Updated(write_update(shared, write).await?);
        return finish(conn, u, outcome, notify).await;
    }
    commit_with(conn, async |c| Ok(Outcome::Updated(write_update(c, write).await?))).await
}

/// What follows the write, then COMMIT with the last of it.
async fn finish(
    conn: &mut AsyncPgConnection,
    u: &Update<'_>,
    outcome: Outcome,
    notify: impl AsyncFnOnce(&mut AsyncPgConnection, &Outcome) -> Result<(), DbError>,
) -> Result<Outcome, DbError> {
    if u.notices_follow {
        notify(conn, &outcome).await?;
    }
    commit_with(conn, async |c| match u.receipt {
        Some(r) => keep(c, r, &(r.respond)(&outcome)).await,
        None => Ok(()),
    })
    .await?;
    Ok(outcome)
}

/// Sends `last`'s statements and COMMIT in one round trip.
async fn commit_with<T>(
    conn: &mut AsyncPgConnection,
    last: impl AsyncFnOnce(&AsyncPgConnection) -> Result<T, DbError>,
) -> Result<T, DbError> {
    let shared: &AsyncPgConnection = conn;
    let (last, committed) = futures_util::join!(last(shared), execute(shared, &COMMIT));
    closed(conn, &committed)?;
    let last = last?;
    committed?;
    Ok(last)
}

async fn execute(mut conn: &AsyncPgConnection, sql: &Sql) -> Result<(), DbError> {
    stmt(sql).execute(&mut conn).await?;
    Ok(())
}

/// After a COMMIT was sent: the transaction is over, committed or rolled back, unless the
/// connection itself failed (the pool must not reuse it then).
fn closed(conn: &mut AsyncPgConnection, committed: &Result<(), DbError>) -> Result<(), DbError> {
    match committed {
        Err(DbError::Query(diesel::result::Error::DatabaseError(..))) | Ok(()) => {
            depth(conn, TransactionDepthChange::DecreaseDepth)
        }
        Err(_) => {
            status(conn).set_in_error();
            Ok(())
        }
    }
}

/// The transaction depth diesel's manager keeps: a nested `transaction` makes a savepoint
/// inside ours, and a connection returned while it is open is discarded by the pool.
fn depth(conn: &mut AsyncPgConnection, change: TransactionDepthChange) -> Result<(), DbError> {
    match status(conn) {
        TransactionManagerStatus::Valid(valid) => Ok(valid.change_transaction_depth(change)?),
        TransactionManagerStatus::InError => {
            Err(DbError::Query(diesel::result::Error::BrokenTransactionManager))
        }
    }
}

fn status(conn: &mut AsyncPgConnection) -> &mut TransactionManagerStatus {
    <AnsiTransactionManager as TransactionManager<AsyncPgConnection>>::transaction_manager_status_mut(conn)
}
