//! `CommandStore`: one write command in one transaction, with its idempotency receipt.
//!
//! A receipt's key is guarded by a transaction-scoped advisory lock: a second request with
//! the same key while the first runs finds the lock taken (409 in progress); one after it
//! finds the kept answer (replay). The answer is written before COMMIT, so the write and
//! its receipt exist together or not at all.

use std::sync::LazyLock;

use async_trait::async_trait;
use diesel::sql_types::{Bool, Jsonb, SmallInt, Text};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use prodsync_domain::catalog::PRODUCTION;
use prodsync_domain::command::{seen, Atomicity, Command, Outcome, Receipt, Seen, StoredResponse};
use prodsync_domain::ports::{Actor, CommandStore};
use prodsync_domain::{EntityKind, SyncError};
use serde_json::Value;
use uuid::Uuid;

use crate::db_error::DbError;
use crate::entities::{create_tx, delete_tx, now, update_tx};
use crate::fanout::notify;
use crate::library;
use crate::members::{remove_tx, set_tx};
use crate::pipelined::{self, Update};
use crate::prepared::{stmt, Sql};
use crate::settings;
use crate::undo::undo_tx;
use crate::PgStore;
use prodsync_domain::rules::check_production;

static TRY_LOCK: LazyLock<Sql> =
    LazyLock::new(|| Sql::new("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 7)) AS locked"));
static KEPT: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new("SELECT fingerprint, status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2")
});
static KEEP: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new("INSERT INTO idempotency_keys (user_id, key, fingerprint, status, response) VALUES ($1, $2, $3, $4, $5)")
});
static PRUNE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)")
});

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

#[derive(QueryableByName)]
struct KeptRow {
    #[diesel(sql_type = Text)]
    fingerprint: String,
    #[diesel(sql_type = SmallInt)]
    status: i16,
    #[diesel(sql_type = Jsonb, deserialize_as = crate::lenient::ScrubbedJson)]
    response: Value,
}

/// Takes the key's lock, and stops here when the key was used before. Both statements go
/// out in one round trip: PostgreSQL runs them in order, so the kept answer is read with
/// the lock held.
pub(crate) async fn guard(conn: &AsyncPgConnection, r: &Receipt) -> Result<(), DbError> {
    let lock_name = format!("{}\u{1f}{}", r.user, r.key);
    let (mut a, mut b) = (conn, conn);
    let (locked, kept) = futures_util::join!(
        stmt(&TRY_LOCK).bind::<Text, _>(&lock_name).get_result::<Locked>(&mut a),
        stmt(&KEPT).bind::<Text, _>(&r.user).bind::<Text, _>(&r.key).get_result::<KeptRow>(&mut b)
    );
    if !locked?.locked {
        return Err(SyncError::IdempotencyInProgress.into());
    }
    let kept = kept.optional()?;
    let Some(k) = kept else { return Ok(()) };
    let response = StoredResponse { status: k.status as u16, body: k.response };
    Err(match seen(&k.fingerprint, response, &r.fingerprint) {
        Seen::Replay(answer) => SyncError::AlreadyDone(answer),
        Seen::Reused => SyncError::IdempotencyKeyReused,
    }
    .into())
}

pub(crate) async fn keep(
    mut conn: &AsyncPgConnection,
    r: &Receipt,
    answer: &StoredResponse,
) -> Result<(), DbError> {
    stmt(&KEEP)
        .bind::<Text, _>(&r.user)
        .bind::<Text, _>(&r.key)
        .bind::<Text, _>(&r.fingerprint)
        .bind::<SmallInt, _>(answer.status as i16)
        .bind::<Jsonb, _>(&answer.body)
        .execute(&mut conn)
        .await?;
    Ok(())
}

/// Runs the command itself (the same transactions as the plain store methods).
async fn run(conn: &mut AsyncPgConnection, command: &Command, actor: &Actor) -> Result<Outcome, DbError> {
    Ok(match command {
        Command::Create { kind, production, input } => {
            let id = input.id.unwrap_or_else(Uuid::new_v4);
            let production_id = if kind.is_production() { id } else { production.unwrap_or(id) };
            let input = prodsync_domain::CreateInput { id: Some(id), ..input.clone() };
            Outcome::Written(create_tx(conn, kind, id, production_id, &input, actor, None).await?)
        }
        Command::Update { kind, production, id, input } => {
            Outcome::Updated(update_tx(conn, kind, *production, *id, input, actor, now()).await?)
        }
        Command::Delete { kind, production, id } => {
            Outcome::Written(delete_tx(conn, kind, *production, *id, actor).await?)
        }
        Command::SetMember { production, user, role } => {
            Outcome::Member(set_tx(conn, *production, user, *role, actor).await?)
        }
        Command::RemoveMember { production, user } => {
            Outcome::Member(remove_tx(conn, *production, user, actor).await?)
        }
        Command::CreateLibrary { kind, input } => Outcome::Library {
            item: library::create_tx(conn, kind, input, actor.id()).await?,
            deleted: false,
        },
        Command::UpdateLibrary { kind, id, input } => Outcome::Library {
            item: library::update_tx(conn, kind, *id, input, actor.id()).await?,
            deleted: false,
        },
        Command::DeleteLibrary { kind, id } => {
            Outcome::Library { item: library::delete_tx(conn, kind, *id).await?, deleted: true }
        }
        Command::Undo { production } => undo_tx(conn, *production, actor, false).await?,
        Command::Redo { production } => undo_tx(conn, *production, actor, true).await?,
        Command::ChangeLookup { lookup, change } => Outcome::Lookup {
            lookup: *lookup,
            change: change.clone(),
            values: settings::change_lookup_tx(conn, *lookup, change).await?,
        },
        Command::PutSetting { key, value, category } => {
            Outcome::Setting(settings::put_tx(conn, key, value, category.as_deref(), actor.id()).await?)
        }
        Command::DeleteSetting { key } => {
            settings::delete_tx(conn, key).await?;
            Outcome::SettingDeleted { key: key.clone() }
        }
        Command::Imported { command, origin } => {
            let actor = origin.actor(actor);
            match (&**command, &origin.history) {
                (Command::Create { kind, production, input }, Some(history)) => {
                    let id = input.id.unwrap_or_else(Uuid::new_v4);
                    let production_id = if kind.is_production() { id } else { production.unwrap_or(id) };
                    let input = prodsync_domain::CreateInput { id: Some(id), ..input.clone() };
                    let written =
                        create_tx(conn, kind, id, production_id, &input, &actor, Some(history)).await?;
                    Outcome::Written(written)
                }
                (inner, _) => Box::pin(run(conn, inner, &actor)).await?,
            }
        }
    })
}

/// The type errors are reported against, and the checks a command needs before any I/O.
fn prepare(command: &mut Command) -> Result<&'static EntityKind, SyncError> {
    match command {
        Command::Create { kind, production, input } => {
            // The id is fixed once, so a retried transaction creates the same entity.
            let id = *input.id.get_or_insert_with(Uuid::new_v4);
            let production_id = match production {
                _ if kind.is_production() => id,
                Some(p) => *p,
                None => return Err(SyncError::Internal(format!("a {} needs a production", kind.name))),
            };
            check_production(kind, production_id, input.production_id)?;
            Ok(kind)
        }
        Command::Update { kind, production, input, .. } => {
            check_production(kind, *production, input.production_id)?;
            Ok(kind)
        }
        Command::Delete { kind, .. } => Ok(kind),
        Command::CreateLibrary { kind, input } => {
            // The id is fixed once, so a retried transaction creates the same item.
            input.id.get_or_insert_with(Uuid::new_v4);
            Ok(kind)
        }
        Command::UpdateLibrary { kind, .. } | Command::DeleteLibrary { kind, .. } => Ok(kind),
        Command::Imported { command, .. } => prepare(command),
        Command::SetMember { .. }
        | Command::RemoveMember { .. }
        | Command::Undo { .. }
        | Command::Redo { .. }
        | Command::ChangeLookup { .. }
        | Command::PutSetting { .. }
        | Command::DeleteSetting { .. } => Ok(&PRODUCTION),
    }
}

#[async_trait]
impl CommandStore for PgStore {
    async fn execute(
        &self,
        mut command: Command,
        actor: Actor,
        receipt: Option<Receipt>,
    ) -> Result<Outcome, SyncError> {
        let kind = prepare(&mut command)?;
        let actor = with_step(actor, command.is_undoable());
        self.commit(kind, receipt.as_ref(), Write::One(&command), &actor).await
    }

    async fn execute_batch(
        &self,
        mut commands: Vec<Result<Command, SyncError>>,
        atomicity: Atomicity,
        actor: Actor,
        receipt: Option<Receipt>,
    ) -> Result<Outcome, SyncError> {
        for (index, command) in commands.iter_mut().enumerate() {
            let prepared = match command {
                Ok(c) => prepare(c).map(|_| ()),
                Err(e) => Err(e.clone()),
            };
            match (prepared, atomicity) {
                (Ok(()), _) => {}
                (Err(e), Atomicity::All) => return Err(SyncError::BatchFailed { index, error: Box::new(e) }),
                (Err(e), Atomicity::Each) => *command = Err(e),
            }
        }
        // One request, one undo step, however many operations.
        let undoable = commands.iter().any(|c| c.as_ref().is_ok_and(Command::is_undoable));
        let actor = with_step(actor, undoable);
        self.commit(&PRODUCTION, receipt.as_ref(), Write::Batch(&commands, atomicity), &actor).await
    }
}

/// What one request writes.
#[derive(Clone, Copy)]
enum Write<'a> {
    One(&'a Command),
    Batch(&'a [Result<Command, SyncError>], Atomicity),
}

impl PgStore {
    /// Whether a write's transaction may send notices. On PostgreSQL's fan-out always the
    /// production list's (nothing repairs a lost one, and an instance counts its peers only
    /// on a clock: one started a moment ago missed a production created meanwhile); the
    /// others only while another instance is alive.
    fn notifies(&self) -> bool {
        self.deferred || self.has_peers()
    }

    /// One transaction around a write: the idempotency guard, the write, the notice to the
    /// other instances and the kept answer commit together, retried on a deadlock.
    async fn commit(
        &self,
        kind: &'static EntityKind,
        receipt: Option<&Receipt>,
        write: Write<'_>,
        actor: &Actor,
    ) -> Result<Outcome, SyncError> {
        let outcome = self.run_in_transaction(kind, receipt, write, actor).await?;
        if let Some(publisher) = &self.after_commit {
            publisher.publish(&outcome.events());
            if let Some((event, data)) = outcome.announcement() {
                publisher.announce(event, data);
            }
        }
        Ok(outcome)
    }

    async fn run_in_transaction(
        &self,
        kind: &'static EntityKind,
        receipt: Option<&Receipt>,
        write: Write<'_>,
        actor: &Actor,
    ) -> Result<Outcome, SyncError> {
        self.retrying(kind, || async {
            let mut conn = self.conn().await?;
            if let Write::One(Command::Update { kind, production, id, input }) = write {
                let notices_follow =
                    self.notifies() && (!self.deferred || prodsync_domain::fanout::lists(kind));
                let update =
                    Update { kind, production: *production, id: *id, input, actor, receipt, notices_follow };
                let notify = async |c: &mut AsyncPgConnection, outcome: &Outcome| {
                    notify(c, self.instance, &outcome.events(), self.deferred).await
                };
                return pipelined::update(&mut conn, update, notify).await;
            }
            conn.transaction(async |c| {
                if let Some(r) = receipt {
                    guard(c, r).await?;
                }
                let outcome = match write {
                    Write::One(command) => run(c, command, actor).await?,
                    Write::Batch(commands, atomicity) => {
                        Outcome::Batch(run_batch(c, commands, atomicity, actor).await?)
                    }
                };
                if self.notifies() {
                    notify(c, self.instance, &outcome.events(), self.deferred).await?;
                }
                if let Some(r) = receipt {
                    keep(c, r, &(r.respond)(&outcome)).await?;
                }
                Ok(outcome)
            })
            .await
        })
        .await
    }
}

/// Runs each command of a batch; `Err` stops an atomic batch (the transaction rolls back).
async fn run_batch(
    conn: &mut AsyncPgConnection,
    commands: &[Result<Command, SyncError>],
    atomicity: Atomicity,
    actor: &Actor,
) -> Result<Vec<Result<Outcome, SyncError>>, DbError> {
    let mut results = Vec::with_capacity(commands.len());
    for (index, command) in commands.iter().enumerate() {
        let result = match command {
            Err(e) => Err(DbError::Domain(e.clone())),
            Ok(command) if atomicity == Atomicity::All => run(conn, command, actor).await,
            // A savepoint of its own: a failed operation leaves no trace, the rest go on.
            Ok(command) => conn.transaction(async |sp| run(sp, command, actor).await).await,
        };
        match (result, atomicity) {
            (Ok(outcome), _) => results.push(Ok(outcome)),
            (Err(e), _) if e.is_retryable() => return Err(e),
            (Err(e), Atomicity::All) => {
                let error = Box::new(e.into_sync(kind_of(command)));
                return Err(SyncError::BatchFailed { index, error }.into());
            }
            (Err(e), Atomicity::Each) => results.push(Err(e.into_sync(kind_of(command)))),
        }
    }
    Ok(results)
}

fn kind_of(command: &Result<Command, SyncError>) -> &'static EntityKind {
    match command {
        Ok(Command::Create { kind, .. } | Command::Update { kind, .. } | Command::Delete { kind, .. }) => {
            kind
        }
        _ => &PRODUCTION,
    }
}

impl PgStore {
    /// Drops receipts older than `hours` (kept at least 24 h, as promised to clients).
    pub async fn prune_idempotency_keys(&self, hours: i32) -> Result<usize, SyncError> {
        let run = async {
            let mut conn = self.conn().await?;
            Ok(stmt(&PRUNE).bind::<diesel::sql_types::Integer, _>(hours.max(24)).execute(&mut conn).await?)
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }
}

/// A write that makes an undo step (the domain's rule) gets the step's id: the change log
/// records the step as it appends.
fn with_step(actor: Actor, undoable: bool) -> Actor {
    let step = prodsync_domain::undo::records_step(&actor, undoable).then(Uuid::new_v4);
    Actor { step, ..actor }
}
