//! The write path: `EntityStore` over PostgreSQL. Each write locks what it changes, merges
//! in the domain, writes the row and appends to the change log in one transaction.

use std::future::Future;

use async_trait::async_trait;
use diesel::sql_types::{Jsonb, Nullable, Uuid as SqlUuid};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use prodsync_domain::catalog::{PRODUCTION, PRODUCTION_ENTITIES};
use prodsync_domain::command::{Command, Outcome};
use prodsync_domain::field::truncate_to_micros;
use prodsync_domain::imported::{carry, History};
use prodsync_domain::merge::{needs_history, BaseValues};
use prodsync_domain::ports::{Actor, CommandStore, EntityStore, Updated, Written};
use prodsync_domain::rules::{on_target_deleted, OnTargetDeleted};
use prodsync_domain::{
    apply_update, new_entity, Action, Change, CreateInput, Entity, EntityKind, Patch, SyncError, UpdateInput,
};
use prodsync_domain::{EntityId, ProductionId};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db_error::DbError;
use crate::prepared::stmt;
use crate::rows::{MaybeRowJson, RowJson};
use crate::sql::{referencing, statements};
use crate::{changelog, PgStore};

/// Deadlocks left after the lock ordering in `delete_tx` (a row created or re-pointed
/// while a delete runs) resolve when the transaction runs again.
const ATTEMPTS: usize = 8;

impl PgStore {
    pub(crate) async fn conn(
        &self,
    ) -> Result<diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>, DbError> {
        self.pool.get().await.map_err(DbError::Pool)
    }

    pub(crate) async fn retrying<T, F, Fut>(
        &self,
        kind: &'static EntityKind,
        mut attempt: F,
    ) -> Result<T, SyncError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, DbError>>,
    {
        for n in 1.. {
            match attempt().await {
                Err(e) if e.is_retryable() && n < ATTEMPTS => {
                    tracing::info!(kind = kind.name, attempt = n, "retrying transaction after {e:?}");
                    tokio::time::sleep(backoff(n)).await;
                }
                other => return other.map_err(|e| e.into_sync(kind)),
            }
        }
        unreachable!("the loop returns on its last attempt")
    }
}

#[async_trait]
impl EntityStore for PgStore {
    // The writes are commands without a receipt: one code path for every write.
    async fn create(
        &self,
        kind: &'static EntityKind,
        production: Option<ProductionId>,
        input: CreateInput,
        actor: Actor,
    ) -> Result<Written, SyncError> {
        let production = production.map(ProductionId::uuid);
        match CommandStore::execute(self, Command::Create { kind, production, input }, actor, None).await? {
            Outcome::Written(w) => Ok(w),
            other => Err(mismatch(&other)),
        }
    }

    async fn update(
        &self,
        kind: &'static EntityKind,
        production: ProductionId,
        id: EntityId,
        input: UpdateInput,
        actor: Actor,
    ) -> Result<Updated, SyncError> {
        let (production, id) = (production.uuid(), id.uuid());
        match CommandStore::execute(self, Command::Update { kind, production, id, input }, actor, None)
            .await?
        {
            Outcome::Updated(u) => Ok(u),
            other => Err(mismatch(&other)),
        }
    }

    async fn delete(
        &self,
        kind: &'static EntityKind,
        production: ProductionId,
        id: EntityId,
        actor: Actor,
    ) -> Result<Written, SyncError> {
        let (production, id) = (production.uuid(), id.uuid());
        match CommandStore::execute(self, Command::Delete { kind, production, id }, actor, None).await? {
            Outcome::Written(w) => Ok(w),
            other => Err(mismatch(&other)),
        }
    }

    async fn get(
        &self,
        kind: &'static EntityKind,
        production: ProductionId,
        id: EntityId,
    ) -> Result<Entity, SyncError> {
        let (production, id) = (production.uuid(), id.uuid());
        let run = async {
            let mut conn = self.conn().await?;
            let row = stmt(&statements(kind).get)
                .bind::<SqlUuid, _>(id)
                .bind::<SqlUuid, _>(production)
                .get_result::<RowJson>(&mut conn)
                .await
                .optional()?;
            match row {
                Some(r) => decode(kind, &r.row),
                None => Err(missing(&conn, kind, production, id).await),
            }
        };
        run.await.map_err(|e| e.into_sync(kind))
    }

    async fn find(&self, kind: &'static EntityKind, id: EntityId) -> Result<Entity, SyncError> {
        let id = id.uuid();
        let run = async {
            let mut conn = self.conn().await?;
            let row = stmt(&statements(kind).find)
                .bind::<SqlUuid, _>(id)
                .get_result::<RowJson>(&mut conn)
                .await
                .optional()?;
            match row {
                Some(r) => decode(kind, &r.row),
                None => Err(SyncError::NotFound { kind: kind.name, id }.into()),
            }
        };
        run.await.map_err(|e| e.into_sync(kind))
    }

    async fn list(
        &self,
        kind: &'static EntityKind,
        production: Option<ProductionId>,
    ) -> Result<Vec<Entity>, SyncError> {
        let production = production.map(ProductionId::uuid);
        let run = async {
            let mut conn = self.conn().await?;
            let row = stmt(&statements(kind).list)
                .bind::<Nullable<SqlUuid>, _>(production)
                .get_result::<MaybeRowJson>(&mut conn)
                .await
                .optional()?;
            let Some(Some(Value::Array(rows))) = row.map(|r| r.row) else {
                let id = production.unwrap_or_default();
                return Err(DbError::Domain(SyncError::NotFound { kind: PRODUCTION.name, id }));
            };
            rows.iter().map(|r| decode(kind, r)).collect()
        };
        run.await.map_err(|e| e.into_sync(kind))
    }
}

pub(crate) fn mismatch(outcome: &Outcome) -> SyncError {
    SyncError::Internal(format!("a command answered with another command's outcome: {outcome:?}"))
}

/// A few milliseconds, growing with the attempt, jittered so that two retrying
/// transactions do not collide again in step.
fn backoff(attempt: usize) -> std::time::Duration {
    let jitter = u64::from(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().subsec_nanos()
            % 7,
    );
    std::time::Duration::from_millis(5 * attempt as u64 + jitter)
}

pub(crate) fn now() -> OffsetDateTime {
    truncate_to_micros(OffsetDateTime::now_utc())
}

pub(crate) fn decode(kind: &'static EntityKind, row: &Value) -> Result<Entity, DbError> {
    Entity::from_row(kind, row).map_err(DbError::internal)
}

/// Which of the two is missing: the production, or the entity in it.
async fn missing(conn: &AsyncPgConnection, kind: &'static EntityKind, production: Uuid, id: Uuid) -> DbError {
    if kind.owned_by_production() {
        if let Err(e) = crate::feed::head(conn, production).await {
            return e;
        }
    }
    SyncError::NotFound { kind: kind.name, id }.into()
}

pub(crate) async fn create_tx(
    conn: &mut AsyncPgConnection,
    kind: &'static EntityKind,
    id: Uuid,
    production_id: Uuid,
    input: &CreateInput,
    actor: &Actor,
    history: Option<&History>,
) -> Result<Written, DbError> {
    let at = now();
    let (mut entity, changes) = new_entity(kind, id, production_id, input, actor.id(), at);
    if let Some(h) = history {
        carry(&mut entity, h);
    }
    let inserted = stmt(&statements(kind).insert)
        .bind::<Jsonb, _>(entity.to_row())
        .execute(conn)
        .await
        .map_err(|e| production_missing(e, production_id))?;
    if inserted == 0 {
        return Err(SyncError::IdExists { kind: kind.name, id }.into());
    }
    if let Some((user, role)) = prodsync_domain::rules::founding_member(kind, actor.id()) {
        crate::members::add_member(conn, id, user, role, at).await?;
    }
    let change = Change {
        action: Action::Created,
        entity: entity.clone(),
        changes,
        actor: actor.id.clone(),
        actor_name: actor.name.clone(),
        cause: actor.cause,
        step: actor.step,
        at,
    };
    let event = changelog::append(conn, change).await?;
    Ok(Written { entity, events: vec![event] })
}

/// An insert into a production that does not exist violates `{table}_production_id_fkey`;
/// only here is it known which production that was.
fn production_missing(e: diesel::result::Error, production: Uuid) -> DbError {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, ref info)
            if info.constraint_name().is_some_and(|c| c.ends_with("_production_id_fkey")) =>
        {
            SyncError::NotFound { kind: PRODUCTION.name, id: production }.into()
        }
        other => other.into(),
    }
}

pub(crate) async fn lock(
    mut conn: &AsyncPgConnection,
    kind: &'static EntityKind,
    production: Uuid,
    id: Uuid,
) -> Result<(Entity, Value), DbError> {
    let row = stmt(&statements(kind).lock)
        .bind::<SqlUuid, _>(id)
        .bind::<SqlUuid, _>(production)
        .get_result::<RowJson>(&mut conn)
        .await
        .optional()?;
    match row {
        Some(r) => Ok((decode(kind, &r.row)?, r.row)),
        None => Err(missing(conn, kind, production, id).await),
    }
}

pub(crate) async fn update_tx(
    conn: &mut AsyncPgConnection,
    kind: &'static EntityKind,
    production: Uuid,
    id: Uuid,
    input: &UpdateInput,
    actor: &Actor,
    at: OffsetDateTime,
) -> Result<Updated, DbError> {
    let (current, _) = lock(conn, kind, production, id).await?;
    match merge_update(conn, current, production, input, actor, at).await? {
        Merge::Noop(updated) => Ok(updated),
        Merge::Write(write) => write_update(conn, write).await,
    }
}

/// An update merged onto the locked row: nothing to write, or the row and its change.
#[allow(clippy::large_enum_variant)] // moved once per update; boxing would allocate on every one
pub(crate) enum Merge {
    Noop(Updated),
    Write(UpdateWrite),
}

pub(crate) struct UpdateWrite {
    entity: Entity,
    conflicts: Vec<prodsync_domain::Conflict>,
    changed_fields: Vec<&'static str>,
    change: Change,
}

/// The domain's merge of `input` onto `current` (reading the field history first when the
/// client's base version needs it).
pub(crate) async fn merge_update(
    conn: &AsyncPgConnection,
    current: Entity,
    production: Uuid,
    input: &UpdateInput,
    actor: &Actor,
    at: OffsetDateTime,
) -> Result<Merge, DbError> {
    let history = match input.base_version {
        Some(base) if needs_history(&current, input) => {
            changelog::history(conn, current.kind, production, current.id, base).await?
        }
        _ => BaseValues::new(),
    };
    let merged = apply_update(&current, input, &history, actor.id(), at)?;
    let changed_fields: Vec<&'static str> = merged.changes.iter().map(|c| c.field).collect();
    if merged.is_noop() {
        return Ok(Merge::Noop(Updated {
            entity: merged.entity,
            changed_fields,
            conflicts: merged.conflicts,
            events: vec![],
        }));
    }
    let change = Change {
        action: Action::Updated,
        entity: merged.entity.clone(),
        changes: merged.changes,
        actor: actor.id.clone(),
        actor_name: actor.name.clone(),
        cause: actor.cause,
        step: actor.step,
        at,
    };
    Ok(Merge::Write(UpdateWrite {
        entity: merged.entity,
        conflicts: merged.conflicts,
        changed_fields,
        change,
    }))
}

/// The row and its log entry in one round trip (pipelined): the row stays locked one
/// round trip less. Should the update fail (a taken display id), the append fails after
/// it with "transaction aborted"; both are awaited and the update's error is reported
/// (`try_join!` returned whichever it saw first, which made that a 500 now and then).
pub(crate) async fn write_update(conn: &AsyncPgConnection, write: UpdateWrite) -> Result<Updated, DbError> {
    let UpdateWrite { entity, conflicts, changed_fields, change } = write;
    let mut shared = conn;
    let update = stmt(&statements(entity.kind).update)
        .bind::<Jsonb, _>(entity.to_row())
        .bind::<SqlUuid, _>(entity.id)
        .execute(&mut shared);
    let (updated, appended) =
        futures_util::join!(async { update.await.map_err(DbError::from) }, changelog::append(conn, change));
    updated?;
    let event = appended?;
    Ok(Updated { entity, changed_fields, conflicts, events: vec![event] })
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

pub(crate) async fn delete_tx(
    conn: &mut AsyncPgConnection,
    kind: &'static EntityKind,
    production: Uuid,
    id: Uuid,
    actor: &Actor,
) -> Result<Written, DbError> {
    let at = now();
    // Lock order: entity rows before the production row. Every write locks its entity and
    // then, to take a seq, the production row; a delete touching several rows must take
    // them all before its first seq, or it deadlocks with those writers.
    if kind.is_production() {
        lock_children(conn, production).await?;
    }
    let (entity, raw) = lock(conn, kind, production, id).await?;
    let steps = dependents(conn, kind, production, id).await?;
    let mut events = Vec::new();
    let mut gone = std::collections::HashSet::new();
    for step in steps {
        match step {
            Step::Clear(r) if !gone.contains(&r.id) => {
                events.extend(clear_reference(conn, r, production, actor, at).await?);
            }
            Step::Delete(r) if gone.insert(r.id) => {
                let (dependent, _) = lock(conn, r.kind, production, r.id).await?;
                events.push(remove(conn, dependent, actor, at).await?);
            }
            _ => {}
        }
    }
    if kind.is_production() {
        stmt(&statements(kind).delete).bind::<SqlUuid, _>(id).execute(conn).await?;
        // Its change log goes with it; the event still reaches open rooms and the
        // production list, one past the last seq.
        let seq = raw.get("seq").and_then(Value::as_i64).unwrap_or(0) + 1;
        events.push(deleted(entity.clone(), actor, at).into_event(seq));
    } else {
        events.push(remove(conn, entity.clone(), actor, at).await?);
    }
    Ok(Written { entity, events })
}

fn deleted(entity: Entity, actor: &Actor, at: OffsetDateTime) -> Change {
    Change {
        action: Action::Deleted,
        entity,
        changes: vec![],
        actor: actor.id.clone(),
        actor_name: actor.name.clone(),
        cause: actor.cause,
        step: actor.step,
        at,
    }
}

/// Deletes one locked entity of a production and logs it.
async fn remove(
    conn: &mut AsyncPgConnection,
    entity: Entity,
    actor: &Actor,
    at: OffsetDateTime,
) -> Result<prodsync_domain::ChangeEvent, DbError> {
    stmt(&statements(entity.kind).delete).bind::<SqlUuid, _>(entity.id).execute(conn).await?;
    changelog::append(conn, deleted(entity, actor, at)).await
}

/// What deleting an entity does to the entities that point at it, deepest first: an
/// optional reference is cleared (a camera loses its CCU), a required one takes its
/// owner along (a source's outputs, a port's cables), recursively. Every row involved is
/// locked here, before the first seq is taken.
fn dependents<'a>(
    conn: &'a mut AsyncPgConnection,
    kind: &'static EntityKind,
    production: Uuid,
    id: Uuid,
) -> std::pin::Pin<Box<dyn Future<Output = Result<Vec<Step>, DbError>> + Send + 'a>> {
    Box::pin(async move {
        let mut steps = Vec::new();
        for r in lock_referrers(conn, kind, production, id).await? {
            match on_target_deleted(&r.kind.fields[r.field]) {
                OnTargetDeleted::DeleteReferrer => {
                    steps.extend(dependents(conn, r.kind, production, r.id).await?);
                    steps.push(Step::Delete(r));
                }
                OnTargetDeleted::ClearReference => steps.push(Step::Clear(r)),
            }
        }
        Ok(steps)
    })
}

enum Step {
    Clear(Referrer),
    Delete(Referrer),
}

async fn lock_children(conn: &mut AsyncPgConnection, production: Uuid) -> Result<(), DbError> {
    for kind in PRODUCTION_ENTITIES.iter().copied() {
        stmt(&statements(kind).lock_all).bind::<SqlUuid, _>(production).execute(conn).await?;
    }
    Ok(())
}

/// A field of another entity that points at the one being deleted.
struct Referrer {
    kind: &'static EntityKind,
    field: usize,
    id: Uuid,
}

async fn lock_referrers(
    conn: &mut AsyncPgConnection,
    target: &'static EntityKind,
    production: Uuid,
    id: Uuid,
) -> Result<Vec<Referrer>, DbError> {
    let mut found = Vec::new();
    for kind in PRODUCTION_ENTITIES.iter().copied() {
        for (field, _) in kind.references().filter(|(_, t)| *t == target.name) {
            let sql = referencing(kind, field);
            let ids: Vec<IdRow> =
                stmt(&sql).bind::<SqlUuid, _>(production).bind::<SqlUuid, _>(id).load(conn).await?;
            found.extend(ids.into_iter().map(|row| Referrer { kind, field, id: row.id }));
        }
    }
    Ok(found)
}

/// Deleting a CCU leaves its cameras without one: each is a versioned update of its own,
/// with its own event, so no client keeps a dangling id.
async fn clear_reference(
    conn: &mut AsyncPgConnection,
    r: Referrer,
    production: Uuid,
    actor: &Actor,
    at: OffsetDateTime,
) -> Result<Vec<prodsync_domain::ChangeEvent>, DbError> {
    let input = UpdateInput {
        id: None,
        production_id: None,
        base_version: None,
        on_conflict: Default::default(),
        patch: Patch(vec![(r.field, Value::Null)]),
    };
    Ok(update_tx(conn, r.kind, production, r.id, &input, actor, at).await?.events)
}
