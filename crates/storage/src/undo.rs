//! Undo and redo over the change log, inside the command's transaction. Which steps exist
//! and what inverting an entry writes are the domain's rules (`domain::undo`); this module
//! reads the step's entries and the entities as they are now, and runs the inverses as
//! ordinary writes (new seqs, events with `cause`).

use std::sync::LazyLock;

use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Uuid as SqlUuid};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use prodsync_domain::catalog;
use prodsync_domain::command::{Outcome, Undone};
use prodsync_domain::ports::{Actor, Cause};
use prodsync_domain::rules::Pick;
use prodsync_domain::undo::{invert, Inverse, Logged};
use prodsync_domain::{Action, ChangeEvent, SyncError};
use serde_json::Value;
use uuid::Uuid;

use crate::db_error::DbError;
use crate::entities::{create_tx, delete_tx, now, update_tx};
use crate::prepared::{stmt, Sql};
use crate::rows::RowJson;
use crate::sql::statements;

/// One user's undos and redos in a production run one at a time: two at once would pick
/// the same step.
static ONE_AT_A_TIME: LazyLock<Sql> =
    LazyLock::new(|| Sql::new("SELECT pg_advisory_xact_lock(hashtextextended($1, 8))"));

/// The user's newest step not undone, from the log: its newest entry, the first entry of
/// its run (a step's entries are consecutive: its request held the production's counter
/// from its first append to its commit), or, once redone, the redo's writes.
static LATEST_DONE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "WITH a AS (SELECT $1::uuid AS p, $2::text AS u), \
         s AS (SELECT c.step, c.seq FROM change_log c, a WHERE c.production_id = a.p AND c.user_id = a.u \
           AND c.step IS NOT NULL AND NOT EXISTS (SELECT 1 FROM undo_steps d \
             WHERE d.step = c.step AND d.production_id = a.p AND d.undone) \
           ORDER BY c.seq DESC LIMIT 1) \
         SELECT s.step, coalesce(r.step_seq, s.seq) AS step_seq, \
           coalesce(r.first_seq, (SELECT b.seq + 1 FROM change_log b, a WHERE b.production_id = a.p \
             AND b.seq < s.seq AND b.step IS DISTINCT FROM s.step ORDER BY b.seq DESC LIMIT 1), \
             (SELECT min(m.seq) FROM change_log m, a WHERE m.production_id = a.p)) AS first_seq, \
           coalesce(r.last_seq, s.seq) AS last_seq, r.undo_first, r.undo_last \
         FROM a CROSS JOIN s LEFT JOIN undo_steps r ON r.production_id = a.p AND r.step = s.step",
    )
});
/// Steps are undone newest first, so the one undone last is the oldest undone. Only those
/// undone after the user's newest step: a later step of theirs ends what could be redone.
static LATEST_UNDONE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "WITH a AS (SELECT $1::uuid AS p, $2::text AS u) \
         SELECT r.step, r.step_seq, r.first_seq, r.last_seq, r.undo_first, r.undo_last FROM undo_steps r, a \
         WHERE r.production_id = a.p AND r.user_id = a.u AND r.undone \
           AND r.undone_at > coalesce((SELECT c.seq FROM change_log c WHERE c.production_id = a.p \
             AND c.user_id = a.u AND c.step IS NOT NULL ORDER BY c.seq DESC LIMIT 1), 0) \
         ORDER BY r.step_seq LIMIT 1",
    )
});
/// An undo: the step is undone as of the production's seq now (after the undo's writes).
/// Nothing when the undo deleted the production itself (a duplicate undone).
static MARK_UNDONE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "WITH a AS (SELECT $1::uuid AS p) \
         INSERT INTO undo_steps (production_id, user_id, step, step_seq, first_seq, last_seq, undone, undone_at, \
           undo_first, undo_last) \
         SELECT a.p, $2, $3, $4, $5, $6, true, p.seq, $7, $8 FROM a JOIN productions p ON p.id = a.p \
         ON CONFLICT (step, production_id) DO UPDATE SET undone = true, undone_at = EXCLUDED.undone_at, \
           undo_first = EXCLUDED.undo_first, undo_last = EXCLUDED.undo_last",
    )
});
/// A redo: the step is done again, and its writes are now the redo's (when it wrote any).
static MARK_REDONE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "UPDATE undo_steps SET undone = false, first_seq = coalesce($1, first_seq), \
         last_seq = coalesce($2, last_seq) WHERE production_id = $3 AND step = $4",
    )
});
static ENTRIES: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "SELECT seq, entity_type, entity_id, action, entity_version, changed_fields, diff, data FROM change_log \
         WHERE production_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq DESC",
    )
});

#[derive(QueryableByName)]
struct Step {
    #[diesel(sql_type = SqlUuid)]
    step: Uuid,
    #[diesel(sql_type = BigInt)]
    step_seq: i64,
    #[diesel(sql_type = BigInt)]
    first_seq: i64,
    #[diesel(sql_type = BigInt)]
    last_seq: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    undo_first: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    undo_last: Option<i64>,
}

#[derive(QueryableByName)]
struct Entry {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Text)]
    entity_type: String,
    #[diesel(sql_type = SqlUuid)]
    entity_id: Uuid,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = BigInt)]
    entity_version: i64,
    #[diesel(sql_type = Array<Text>)]
    changed_fields: Vec<String>,
    #[diesel(sql_type = Jsonb, deserialize_as = crate::lenient::ScrubbedJson)]
    diff: Value,
    #[diesel(sql_type = Jsonb, deserialize_as = crate::lenient::ScrubbedJson)]
    data: Value,
}

fn seq_range(events: &[ChangeEvent]) -> Option<(i64, i64)> {
    Some((events.first()?.seq(), events.last()?.seq()))
}

fn action_of(raw: &str) -> Option<Action> {
    match raw {
        "created" => Some(Action::Created),
        "updated" => Some(Action::Updated),
        "deleted" => Some(Action::Deleted),
        _ => None,
    }
}

fn logged(e: &Entry) -> Option<Logged> {
    let kind = catalog::by_name(&e.entity_type)?;
    let changes = e
        .changed_fields
        .iter()
        .map(|f| {
            let side = |k: &str| e.diff.get(f).and_then(|p| p.get(k)).cloned().unwrap_or(Value::Null);
            (f.clone(), side("old"), side("new"))
        })
        .collect();
    Some(Logged {
        kind,
        entity_id: e.entity_id,
        action: action_of(&e.action)?,
        version: e.entity_version,
        changes,
        data: e.data.clone(),
    })
}

/// Undoes the actor's latest step (or, with `redo`, reverses their latest undo).
pub(crate) async fn undo_tx(
    conn: &mut AsyncPgConnection,
    production: Uuid,
    actor: &Actor,
    redo: bool,
) -> Result<Outcome, DbError> {
    let nothing = if redo { SyncError::NothingToRedo } else { SyncError::NothingToUndo };
    let Some(user) = actor.id() else { return Err(nothing.into()) };
    let pick = match prodsync_domain::rules::pick(redo) {
        Pick { undone: false, newest: true } => &LATEST_DONE,
        Pick { undone: true, newest: false } => &LATEST_UNDONE,
        other => return Err(DbError::internal(format!("no statement picks {other:?}"))),
    };
    let lock_name = format!("{production}\u{1f}{user}");
    stmt(&ONE_AT_A_TIME).bind::<Text, _>(&lock_name).execute(conn).await?;
    let step: Option<Step> =
        stmt(pick).bind::<SqlUuid, _>(production).bind::<Text, _>(user).get_result(conn).await.optional()?;
    let Some(step) = step else { return Err(nothing.into()) };
    // What to reverse: the write itself, or what its undo wrote.
    let range =
        if redo { step.undo_first.zip(step.undo_last) } else { Some((step.first_seq, step.last_seq)) };
    let entries: Vec<Entry> = match range {
        Some((from, to)) => {
            stmt(&ENTRIES)
                .bind::<SqlUuid, _>(production)
                .bind::<BigInt, _>(from)
                .bind::<BigInt, _>(to)
                .load(conn)
                .await?
        }
        None => vec![],
    };
    let original: Vec<Entry> = if redo {
        stmt(&ENTRIES)
            .bind::<SqlUuid, _>(production)
            .bind::<BigInt, _>(step.first_seq)
            .bind::<BigInt, _>(step.last_seq)
            .load(conn)
            .await?
    } else {
        vec![]
    };
    let head = if redo { <[Entry]>::first(&original) } else { <[Entry]>::first(&entries) };
    let (seq, entity_type, entity_id, action) =
        head.map(|e| (e.seq, e.entity_type.clone(), e.entity_id, e.action.clone())).unwrap_or_default();
    let cause = Actor { cause: Some(if redo { Cause::Redo } else { Cause::Undo }), ..actor.clone() };
    let mut events = Vec::new();
    let mut skipped = Vec::new();
    for entry in entries.iter().filter_map(logged) {
        let current = current(conn, &entry, production).await?;
        let since =
            crate::changelog::history(conn, entry.kind, production, entry.entity_id, entry.version).await?;
        let (inverse, skips) = invert(&entry, current.as_ref(), &since, Some(user));
        skipped.extend(skips);
        events.extend(apply(conn, production, inverse, &cause).await?);
    }
    // An undo remembers what it wrote (for a redo); a redo becomes the step's writes (for
    // the next undo, whose rule compares field versions with those writes).
    let (first, last) = seq_range(&events).unzip();
    mark(conn, production, user, &step, redo, (first, last)).await?;
    Ok(Outcome::Undone(Undone { seq, entity_type, entity_id, action, redo, events, skipped }))
}

/// Records what the undo or redo did: `wrote`, the seqs of its writes.
async fn mark(
    conn: &mut AsyncPgConnection,
    production: Uuid,
    user: &str,
    step: &Step,
    redo: bool,
    wrote: (Option<i64>, Option<i64>),
) -> Result<(), DbError> {
    let statement = if redo {
        stmt(&MARK_REDONE)
            .bind::<Nullable<BigInt>, _>(wrote.0)
            .bind::<Nullable<BigInt>, _>(wrote.1)
            .bind::<SqlUuid, _>(production)
            .bind::<SqlUuid, _>(step.step)
    } else {
        stmt(&MARK_UNDONE)
            .bind::<SqlUuid, _>(production)
            .bind::<Text, _>(user)
            .bind::<SqlUuid, _>(step.step)
            .bind::<BigInt, _>(step.step_seq)
            .bind::<BigInt, _>(step.first_seq)
            .bind::<BigInt, _>(step.last_seq)
            .bind::<Nullable<BigInt>, _>(wrote.0)
            .bind::<Nullable<BigInt>, _>(wrote.1)
    };
    statement.execute(conn).await?;
    Ok(())
}

/// The entity as it is now, locked; `None` when it is gone.
async fn current(
    conn: &mut AsyncPgConnection,
    entry: &Logged,
    production: Uuid,
) -> Result<Option<prodsync_domain::Entity>, DbError> {
    let scope = if entry.kind.is_production() { entry.entity_id } else { production };
    let row: Option<RowJson> = stmt(&statements(entry.kind).lock)
        .bind::<SqlUuid, _>(entry.entity_id)
        .bind::<SqlUuid, _>(scope)
        .get_result(conn)
        .await
        .optional()?;
    row.map(|r| crate::entities::decode(entry.kind, &r.row)).transpose()
}

async fn apply(
    conn: &mut AsyncPgConnection,
    production: Uuid,
    inverse: Option<Inverse>,
    actor: &Actor,
) -> Result<Vec<ChangeEvent>, DbError> {
    Ok(match inverse {
        None => vec![],
        Some(Inverse::Delete { kind, id }) => delete_tx(conn, kind, production, id, actor).await?.events,
        Some(Inverse::Restore { kind, input }) => {
            let id = input.id.unwrap_or_else(Uuid::new_v4);
            create_tx(conn, kind, id, production, &input, actor, None).await?.events
        }
        Some(Inverse::Update { kind, id, input }) => {
            let scope = if kind.is_production() { id } else { production };
            update_tx(conn, kind, scope, id, &input, actor, now()).await?.events
        }
    })
}
