//! The global equipment library: plain CRUD over the same generic statements, without the
//! change log (it is not part of any production's stream).

use diesel::sql_types::{Jsonb, Nullable, Uuid as SqlUuid};
use diesel::OptionalExtension;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use prodsync_domain::equipment::{validate_ports, EQUIPMENT};
use prodsync_domain::field::truncate_to_micros;
use prodsync_domain::{apply_update, new_entity, CreateInput, Entity, SyncError, UpdateInput};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db_error::DbError;
use crate::entities::decode;
use crate::prepared::stmt;
use crate::rows::{MaybeRowJson, RowJson};
use crate::sql::statements;
use crate::PgStore;

/// Equipment-library operations; a thin facade so the API needs no SQL.
#[derive(Clone)]
pub struct EquipmentStore {
    store: PgStore,
}

impl EquipmentStore {
    pub fn new(store: PgStore) -> Self {
        EquipmentStore { store }
    }

    pub async fn list(&self, category: Option<&str>) -> Result<Vec<Entity>, SyncError> {
        let run = async {
            let mut conn = self.store.conn().await?;
            let row = stmt(&statements(&EQUIPMENT).list)
                .bind::<Nullable<SqlUuid>, _>(None::<Uuid>)
                .get_result::<MaybeRowJson>(&mut conn)
                .await?;
            let rows = match row.row {
                Some(Value::Array(rows)) => rows,
                _ => Vec::new(),
            };
            let all: Result<Vec<Entity>, DbError> = rows.iter().map(|r| decode(&EQUIPMENT, r)).collect();
            Ok(all?
                .into_iter()
                .filter(|e| category.is_none_or(|c| e.value("category").and_then(Value::as_str) == Some(c)))
                .collect())
        };
        run.await.map_err(|e: DbError| e.into_sync(&EQUIPMENT))
    }

    pub async fn get(&self, id: Uuid) -> Result<Entity, SyncError> {
        let run = async {
            let mut conn = self.store.conn().await?;
            let row = stmt(&statements(&EQUIPMENT).get)
                .bind::<SqlUuid, _>(id)
                .bind::<SqlUuid, _>(id)
                .get_result::<RowJson>(&mut conn)
                .await
                .optional()?;
            let row = row.ok_or(SyncError::NotFound { kind: EQUIPMENT.name, id })?;
            decode(&EQUIPMENT, &row.row)
        };
        run.await.map_err(|e: DbError| e.into_sync(&EQUIPMENT))
    }
}

/// Adds an item (its ports checked first); `IdExists` or `duplicate_model` when taken.
pub(crate) async fn create_tx(
    conn: &mut AsyncPgConnection,
    input: &CreateInput,
    actor: Option<&str>,
) -> Result<Entity, DbError> {
    validate_ports(&input.patch.0).map_err(SyncError::from)?;
    let id = input.id.unwrap_or_else(Uuid::new_v4);
    let (entity, _) = new_entity(&EQUIPMENT, id, Uuid::nil(), input, actor, now());
    let n = stmt(&statements(&EQUIPMENT).insert)
        .bind::<Jsonb, _>(entity.to_row())
        .execute(conn)
        .await
        .map_err(|e| duplicate_model(e, &entity))?;
    if n == 0 {
        return Err(SyncError::IdExists { kind: EQUIPMENT.name, id }.into());
    }
    Ok(entity)
}

/// The item, locked until the transaction ends.
async fn lock_item(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Entity, DbError> {
    let row = stmt(&statements(&EQUIPMENT).lock)
        .bind::<SqlUuid, _>(id)
        .bind::<SqlUuid, _>(id)
        .get_result::<RowJson>(conn)
        .await
        .optional()?;
    decode(&EQUIPMENT, &row.ok_or(SyncError::NotFound { kind: EQUIPMENT.name, id })?.row)
}

/// Removes an item, answering it as it was.
pub(crate) async fn delete_tx(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Entity, DbError> {
    let item = lock_item(conn, id).await?;
    stmt(&statements(&EQUIPMENT).delete).bind::<SqlUuid, _>(id).execute(conn).await?;
    Ok(item)
}

/// Reads, merges and writes under the row lock, so two concurrent edits of one item each
/// keep their fields.
pub(crate) async fn update_tx(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    input: &UpdateInput,
    actor: Option<&str>,
) -> Result<Entity, DbError> {
    validate_ports(&input.patch.0).map_err(SyncError::from)?;
    let current = lock_item(conn, id).await?;
    let merged = apply_update(&current, input, &Default::default(), actor, now())?;
    if !merged.is_noop() {
        stmt(&statements(&EQUIPMENT).update)
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

/// Two library entries with the same manufacturer and model are one too many.
fn duplicate_model(e: diesel::result::Error, entity: &Entity) -> DbError {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            let f = |n| entity.value(n).and_then(Value::as_str).unwrap_or_default().to_owned();
            DbError::Domain(SyncError::Invalid(prodsync_domain::ValidationError::single(
                "model",
                "duplicate_model",
                format!("{} {} is already in the library", f("manufacturer"), f("model")),
            )))
        }
        other => other.into(),
    }
}
