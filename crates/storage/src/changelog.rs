//! The change log: appending a committed change (allocating its seq) and reading it back
//! as events or as field history.

use std::sync::LazyLock;

use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::OptionalExtension;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use prodsync_domain::change::{previous_from_diff, EventName, RawEvent, RawPayload};
use prodsync_domain::field::format_timestamp;
use prodsync_domain::history::{base_values, PastChange};
use prodsync_domain::member::{MemberChange, MEMBER};
use prodsync_domain::merge::BaseValues;
use prodsync_domain::ports::Cause;
use prodsync_domain::{Change, ChangeEvent, EntityKind, EventPayload, SyncError};
use serde_json::Value;
use uuid::Uuid;

use crate::db_error::DbError;
use crate::prepared::{stmt, Sql};
use crate::rows::{HistoryRow, LogRow, RawLogRow, SeqRow};

/// Bumps the production's counter and writes the entry in one statement. The counter row
/// stays locked until commit, so the next writer of this production gets the next seq only
/// after this one is visible: seqs are gapless and in commit order. An undoable write's
/// entry carries its undo step ($13): the steps are read from the log (`undo.rs`), so a
/// write records one without a statement or a row of its own.
static APPEND: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "WITH s AS (UPDATE productions SET seq = seq + 1 WHERE id = $1 RETURNING id, seq) \
    INSERT INTO change_log (production_id, seq, entity_type, entity_id, action, entity_version, user_id, \
    user_name, created_at, changed_fields, diff, data, cause, step) \
    SELECT s.id, s.seq, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM s RETURNING seq",
    )
});

static HISTORY: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "SELECT entity_version, user_id, diff FROM change_log \
    WHERE production_id = $1 AND entity_id = $2 AND entity_type = $3 AND entity_version > $4 \
    AND action = 'updated' ORDER BY entity_version",
    )
});

/// Seqs are gapless, so a page is exactly the range ($2, $3], $4 rows: bounded so
/// the planner walks the primary key for that range, even when its statistics still
/// think the production has a handful of rows (right after thousands were written, it
/// sorted every row after `since` for every page).
pub static EVENTS_SINCE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "SELECT production_id, seq, entity_type, action, entity_version, user_id, \
    created_at, changed_fields, diff, data, cause FROM change_log WHERE production_id = $1 AND seq > $2 \
    AND seq <= $3 ORDER BY seq LIMIT $4",
    )
});

/// The same page as [`EVENTS_SINCE`] for replay: JSON comes back as text, and an update's
/// diff comes back as `previous`, which the row decoder takes from it (`previous.rs`).
pub static RAW_EVENTS_SINCE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "SELECT production_id, seq, entity_type, action, entity_version, user_id, created_at, \
    changed_fields, data, CASE WHEN action = 'updated' THEN diff END AS previous, cause FROM change_log \
    WHERE production_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4",
    )
});

/// Takes the connection shared, so the caller may pipeline it with its own statement.
pub async fn append(conn: &AsyncPgConnection, change: Change) -> Result<ChangeEvent, DbError> {
    let diff = change.diff_json();
    let (kind, id, at, name) =
        (change.entity.kind.name, change.entity.id, change.at, change.actor_name.clone());
    let step = change.step;
    let event = change.into_event(0);
    let entry = Entry { kind, id, at, user_name: name.as_deref(), diff: &diff, step };
    append_event(conn, entry, event).await
}

/// What the log keeps of a change besides its event.
struct Entry<'a> {
    kind: &'a str,
    id: Uuid,
    at: time::OffsetDateTime,
    user_name: Option<&'a str>,
    diff: &'a Value,
    /// The undo step it joins, for an undoable write.
    step: Option<Uuid>,
}

/// A membership change: in the production's stream like any entity change.
pub async fn append_member(conn: &AsyncPgConnection, change: MemberChange) -> Result<ChangeEvent, DbError> {
    let diff = change.diff_json();
    let (id, at, name) = (change.member.id, change.at, change.actor_name.clone());
    let event = change.into_event(0);
    let entry = Entry { kind: MEMBER, id, at, user_name: name.as_deref(), diff: &diff, step: None };
    append_event(conn, entry, event).await
}

/// Writes `event` (its seq still 0) to the log and gives it the seq it got.
async fn append_event(
    mut conn: &AsyncPgConnection,
    entry: Entry<'_>,
    mut event: ChangeEvent,
) -> Result<ChangeEvent, DbError> {
    let Entry { kind, id, at, user_name, diff, step } = entry;
    let production_id = event.production_id();
    let action = event.event.action.as_str();
    let p = &event.data;
    let row = stmt(&APPEND)
        .bind::<SqlUuid, _>(production_id)
        .bind::<Text, _>(kind)
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(action)
        .bind::<BigInt, _>(p.version)
        .bind::<Nullable<Text>, _>(p.user_id.as_deref())
        .bind::<Nullable<Text>, _>(user_name)
        .bind::<Timestamptz, _>(at)
        .bind::<Array<Text>, _>(&p.changed_fields)
        .bind::<Jsonb, _>(diff)
        .bind::<Jsonb, _>(&p.data)
        .bind::<Nullable<Text>, _>(p.cause.map(Cause::as_str))
        .bind::<Nullable<SqlUuid>, _>(step)
        .get_result::<SeqRow>(&mut conn)
        .await
        .optional()?;
    let seq = row.ok_or(SyncError::NotFound { kind: "production", id: production_id })?.seq;
    event.data.seq = seq;
    Ok(event)
}

/// Each field's value at `base` and its latest writer, from the updates after `base`.
/// By type as well as id: ids are unique per table only, and clients may choose them.
pub async fn history(
    mut conn: &AsyncPgConnection,
    kind: &EntityKind,
    production: Uuid,
    entity: Uuid,
    base: i64,
) -> Result<BaseValues, DbError> {
    let rows: Vec<HistoryRow> = stmt(&HISTORY)
        .bind::<SqlUuid, _>(production)
        .bind::<SqlUuid, _>(entity)
        .bind::<Text, _>(kind.name)
        .bind::<BigInt, _>(base)
        .load(&mut conn)
        .await?;
    let past: Vec<PastChange> = rows.into_iter().map(past_change).collect();
    Ok(base_values(&past))
}

fn past_change(row: HistoryRow) -> PastChange {
    let diff = match row.diff {
        Value::Object(m) => m
            .into_iter()
            .map(|(field, pair)| {
                let old = pair.get("old").cloned().unwrap_or(Value::Null);
                let new = pair.get("new").cloned().unwrap_or(Value::Null);
                (field, old, new)
            })
            .collect(),
        _ => Vec::new(),
    };
    PastChange { version: row.entity_version, user: row.user_id, diff }
}

/// A log row as the event it was; a row naming a type this build does not know is a
/// fault (a newer server's log read by an older one), not something to guess at.
pub fn to_raw_event(row: RawLogRow) -> Result<RawEvent, DbError> {
    let Some(name) = EventName::parse(&format!("{}:{}", row.entity_type, row.action)) else {
        return Err(DbError::internal(format!("change log row {} names an unknown event", row.seq)));
    };
    Ok(RawEvent {
        event: name,
        data: RawPayload {
            data: row.data,
            user_id: row.user_id,
            timestamp: format_timestamp(row.created_at),
            production_id: row.production_id,
            seq: row.seq,
            version: row.entity_version,
            changed_fields: row.changed_fields,
            previous: row.previous,
            cause: row.cause.as_deref().and_then(Cause::parse),
        },
    })
}

pub fn to_event(row: LogRow) -> Result<ChangeEvent, DbError> {
    let Some(name) = EventName::parse(&format!("{}:{}", row.entity_type, row.action)) else {
        return Err(DbError::internal(format!("change log row {} names an unknown event", row.seq)));
    };
    Ok(ChangeEvent::new(
        name,
        EventPayload {
            data: row.data,
            user_id: row.user_id,
            timestamp: format_timestamp(row.created_at),
            production_id: row.production_id,
            seq: row.seq,
            version: row.entity_version,
            previous: previous_from_diff(&row.action, &row.diff),
            cause: row.cause.as_deref().and_then(Cause::parse),
            changed_fields: row.changed_fields,
        },
    ))
}
