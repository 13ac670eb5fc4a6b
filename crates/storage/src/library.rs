//! The global libraries (equipment, formats): plain CRUD over the same generic statements,
//! without the change log (they are not part of any production's stream).

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Jsonb, Nullable, Uuid as SqlUuid};
use diesel::OptionalExtension;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use prodsync_domain::catalog::PRODUCTION_ENTITIES;
use prodsync_domain::field::truncate_to_micros;
use prodsync_domain::{
    apply_update, library, new_entity, CreateInput, Entity, EntityKind, SyncError, UpdateInput,
};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db_error::DbError;
use crate::entities::decode;
use crate::prepared::stmt;
use crate::rows::{MaybeRowJson, RowJson};
use crate::sql::statements;
use crate::PgStore;

/// Library reads; a thin facade so the API needs no SQL. Writes are commands.
#[derive(Clone)]
pub struct LibraryStore {
    store: PgStore,
}

impl LibraryStore {
    pub fn new(store: PgStore) -> Self {
        LibraryStore { store }
    }

    /// Every item whose `filter_field` (if given) holds `filter_value`.
    pub async fn list(&self, kind: &'static EntityKind) -> Result<Vec<Entity>, SyncError> {
        let run = async {
            let mut conn = self.store.conn().await?;
            let row = stmt(&statements(kind).list)
                .bind::<Nullable<SqlUuid>, _>(None::<Uuid>)
                .get_result::<MaybeRowJson>(&mut conn)
                .await?;
            let rows = match row.row {
                Some(Value::Array(rows)) => rows,
                _ => Vec::new(),
            };
            rows.iter().map(|r| decode(kind, r)).collect::<Result<Vec<Entity>, DbError>>()
        };
        run.await.map_err(|e: DbError| e.into_sync(kind))
    }

    /// Every item of every library (a few hundred): what a production file may use.
    pub async fn all(&self) -> Result<Vec<Entity>, SyncError> {
        let mut out = Vec::new();
        for kind in prodsync_domain::catalog::LIBRARIES {
            out.extend(self.list(kind).await?);
        }
        Ok(out)
    }

    pub async fn get(&self, kind: &'static EntityKind, id: Uuid) -> Result<Entity, SyncError> {
        let run = async {
            let mut conn = self.store.conn().await?;
            let row = stmt(&statements(kind).get)
                .bind::<SqlUuid, _>(id)
                .bind::<SqlUuid, _>(id)
                .get_result::<RowJson>(&mut conn)
                .await
                .optional()?;
            let row = row.ok_or(SyncError::NotFound { kind: kind.name, id })?;
            decode(kind, &row.row)
        };
        run.await.map_err(|e: DbError| e.into_sync(kind))
    }
}

/// Adds an item (its shape checked first); `IdExists`, `duplicate_model` or a duplicate
/// unique field when taken.
pub(crate) async fn create_tx(
    conn: &mut AsyncPgConnection,
    kind: &'static EntityKind,
    input: &CreateInput,
    actor: Option<&str>,
) -> Result<Entity, DbError> {
    library::validate(kind, &input.patch.0).map_err(SyncError::from)?;
    let id = input.id.unwrap_or_else(Uuid::new_v4);
    let (entity, _) = new_entity(kind, id, Uuid::nil(), input, actor, now());
    let n = stmt(&statements(kind).insert)
        .bind::<Jsonb, _>(entity.to_row())
        .execute(conn)
        .await
        .map_err(|e| duplicate_model(e, &entity))?;
    if n == 0 {
        return Err(SyncError::IdExists { kind: kind.name, id }.into());
    }
    Ok(entity)
}

/// The item, locked until the transaction ends.
async fn lock_item(
    conn: &mut AsyncPgConnection,
    kind: &'static EntityKind,
    id: Uuid,
) -> Result<Entity, DbError> {
    let row = stmt(&statements(kind).lock)
        .bind::<SqlUuid, _>(id)
        .bind::<SqlUuid, _>(id)
        .get_result::<RowJson>(conn)
        .await
        .optional()?;
    decode(kind, &row.ok_or(SyncError::NotFound { kind: kind.name, id })?.row)
}

/// Removes an item, answering it as it was; refused while a production's entity uses it.
pub(crate) async fn delete_tx(
    conn: &mut AsyncPgConnection,
    kind: &'static EntityKind,
    id: Uuid,
) -> Result<Entity, DbError> {
    let item = lock_item(conn, kind, id).await?;
    stmt(&statements(kind).delete)
        .bind::<SqlUuid, _>(id)
        .execute(conn)
        .await
        .map_err(|e| in_use(e, kind, id))?;
    Ok(item)
}

/// Reads, merges and writes under the row lock, so two concurrent edits of one item each
/// keep their fields.
pub(crate) async fn update_tx(
    conn: &mut AsyncPgConnection,
    kind: &'static EntityKind,
    id: Uuid,
    input: &UpdateInput,
    actor: Option<&str>,
) -> Result<Entity, DbError> {
    library::validate(kind, &input.patch.0).map_err(SyncError::from)?;
    let current = lock_item(conn, kind, id).await?;
    let merged = apply_update(&current, input, &Default::default(), actor, now())?;
    if !merged.is_noop() {
        stmt(&statements(kind).update)
            .bind::<Jsonb, _>(merged.entity.to_row())
            .bind::<SqlUuid, _>(id)
            .execute(conn)
            .await
            .map_err(|e| duplicate_model(e, &merged.entity))?;
    }
    Ok(merged.entity)
}

fn now() -> OffsetDateTime {
    truncate_to_micros(OffsetDateTime::now_utc())
}

/// Two equipment entries with the same manufacturer and model are one too many. Other
/// unique fields are reported by `DbError::into_sync`.
fn duplicate_model(e: DieselError, entity: &Entity) -> DbError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, ref info)
            if info.constraint_name() == Some("equipment_manufacturer_model_key") =>
        {
            let f = |n| entity.value(n).and_then(Value::as_str).unwrap_or_default().to_owned();
            DbError::Domain(SyncError::Invalid(prodsync_domain::ValidationError::single(
                "model",
                prodsync_domain::ErrorCode::DuplicateModel,
                format!("{} {} is already in the library", f("manufacturer"), f("model")),
            )))
        }
        other => other.into(),
    }
}

/// A delete refused by a production entity's reference (`{table}_{column}_fkey`).
fn in_use(e: DieselError, kind: &'static EntityKind, id: Uuid) -> DbError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, ref info) => {
            let constraint = info.constraint_name().unwrap_or_default();
            let by = PRODUCTION_ENTITIES
                .iter()
                .find(|k| constraint.starts_with(&format!("{}_", k.table)))
                .map_or("production entity", |k| k.name);
            SyncError::InUse { kind: kind.name, id, by }.into()
        }
        other => other.into(),
    }
}
