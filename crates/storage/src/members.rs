//! `MemberStore` over PostgreSQL: roles, member changes with their change-log events, and
//! the production list as each user may see it.
//!
//! Lock order for member changes: the production row first, then its member rows. A
//! production delete takes the production row before its cascade reaches the members, so
//! the two never wait on each other in opposite orders.

use std::sync::LazyLock;

use async_trait::async_trait;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use prodsync_domain::access::{check_member_change, Role};
use prodsync_domain::catalog::PRODUCTION;
use prodsync_domain::field::truncate_to_micros;
use prodsync_domain::member::{Member, MemberChange, MemberWrite};
use prodsync_domain::ports::{Actor, MemberStore, ProductionCursor, ProductionPage};
use prodsync_domain::ProductionId;
use prodsync_domain::{Action, SyncError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::changelog;
use crate::db_error::DbError;
use crate::entities::decode;
use crate::prepared::{stmt, Sql};
use crate::rows::RowJson;
use crate::PgStore;

static ROLE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new("SELECT role FROM production_members WHERE production_id = $1 AND user_id = $2")
});
const MEMBER_COLUMNS: &str = "user_id, id, role, added_by, added_at, version";
static MEMBERS: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(format!(
        "SELECT {MEMBER_COLUMNS} FROM production_members WHERE production_id = $1 ORDER BY added_at, user_id"
    ))
});
static LOCK_PRODUCTION: LazyLock<Sql> =
    LazyLock::new(|| Sql::new("SELECT seq, log_floor FROM productions WHERE id = $1 FOR UPDATE"));
static LOCK_MEMBERS: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(format!(
        "SELECT {MEMBER_COLUMNS} FROM production_members WHERE production_id = $1 ORDER BY user_id FOR UPDATE"
    ))
});
static UPSERT: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "INSERT INTO production_members (production_id, user_id, id, role, added_by, added_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (production_id, user_id) DO UPDATE SET role = EXCLUDED.role, version = EXCLUDED.version",
    )
});
static REMOVE: LazyLock<Sql> =
    LazyLock::new(|| Sql::new("DELETE FROM production_members WHERE production_id = $1 AND user_id = $2"));
static MEMBERSHIPS: LazyLock<Sql> =
    LazyLock::new(|| Sql::new("SELECT production_id AS id FROM production_members WHERE user_id = $1"));
static PAGE_ALL: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "SELECT to_jsonb(t) AS row FROM productions t WHERE (t.created_at, t.id) > ($1, $2) \
         ORDER BY t.created_at, t.id LIMIT $3",
    )
});
static PAGE_MINE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::new(
        "SELECT to_jsonb(t) AS row FROM production_members m JOIN productions t ON t.id = m.production_id \
         WHERE m.user_id = $1 AND (t.created_at, t.id) > ($2, $3) ORDER BY t.created_at, t.id LIMIT $4",
    )
});

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

#[derive(QueryableByName)]
struct RoleRow {
    #[diesel(sql_type = Text)]
    role: String,
}

#[derive(QueryableByName)]
struct MemberRow {
    #[diesel(sql_type = Text)]
    user_id: String,
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Nullable<Text>)]
    added_by: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    added_at: OffsetDateTime,
    #[diesel(sql_type = BigInt)]
    version: i64,
}

fn role_of(raw: &str) -> Result<Role, DbError> {
    Role::parse(raw).ok_or_else(|| DbError::internal(format!("unknown role {raw:?} in production_members")))
}

impl MemberRow {
    fn into_member(self) -> Result<Member, DbError> {
        Ok(Member {
            id: self.id,
            role: role_of(&self.role)?,
            user_id: self.user_id,
            added_by: self.added_by,
            added_at: self.added_at,
            version: self.version,
        })
    }
}

/// Adds a production's founding member (`domain::rules::founding_member`) inside the
/// create's transaction. No event: `production:created` already names the creator.
pub(crate) async fn add_member(
    conn: &mut AsyncPgConnection,
    production: Uuid,
    user: &str,
    role: Role,
    at: OffsetDateTime,
) -> Result<(), DbError> {
    upsert(conn, production, user, Uuid::new_v4(), role, Some(user), at, 1).await
}

#[allow(clippy::too_many_arguments)]
async fn upsert(
    conn: &mut AsyncPgConnection,
    production: Uuid,
    user: &str,
    id: Uuid,
    role: Role,
    added_by: Option<&str>,
    at: OffsetDateTime,
    version: i64,
) -> Result<(), DbError> {
    stmt(&UPSERT)
        .bind::<SqlUuid, _>(production)
        .bind::<Text, _>(user)
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(role.as_str())
        .bind::<Nullable<Text>, _>(added_by)
        .bind::<Timestamptz, _>(at)
        .bind::<BigInt, _>(version)
        .execute(conn)
        .await?;
    Ok(())
}

/// Locks the production, then its members; `NotFound` when the production is gone.
async fn lock_members(conn: &mut AsyncPgConnection, production: Uuid) -> Result<Vec<Member>, DbError> {
    let found = stmt(&LOCK_PRODUCTION).bind::<SqlUuid, _>(production).execute(conn).await?;
    if found == 0 {
        return Err(SyncError::NotFound { kind: PRODUCTION.name, id: production }.into());
    }
    let rows: Vec<MemberRow> = stmt(&LOCK_MEMBERS).bind::<SqlUuid, _>(production).load(conn).await?;
    rows.into_iter().map(MemberRow::into_member).collect()
}

fn owners(members: &[Member]) -> Vec<&str> {
    members.iter().filter(|m| m.role == Role::Owner).map(|m| m.user_id.as_str()).collect()
}

pub(crate) async fn set_tx(
    conn: &mut AsyncPgConnection,
    production: Uuid,
    user: &str,
    role: Role,
    actor: &Actor,
) -> Result<MemberWrite, DbError> {
    let members = lock_members(conn, production).await?;
    check_member_change(&owners(&members), user, Some(role)).map_err(SyncError::from)?;
    let at = truncate_to_micros(OffsetDateTime::now_utc());
    let existing = members.into_iter().find(|m| m.user_id == user);
    let (member, action, previous_role) = match existing {
        Some(m) if m.role == role => return Ok(MemberWrite { member: m, events: vec![] }),
        Some(m) => {
            let previous = Some(m.role);
            (Member { role, version: m.version + 1, ..m }, Action::Updated, previous)
        }
        None => {
            let member = Member {
                id: Uuid::new_v4(),
                user_id: user.to_owned(),
                role,
                added_by: actor.id.clone(),
                added_at: at,
                version: 1,
            };
            (member, Action::Created, None)
        }
    };
    upsert(
        conn,
        production,
        user,
        member.id,
        role,
        member.added_by.as_deref(),
        member.added_at,
        member.version,
    )
    .await?;
    let change = MemberChange {
        action,
        production_id: production,
        member: member.clone(),
        actor: actor.id.clone(),
        actor_name: actor.name.clone(),
        at,
        previous_role,
        cause: actor.cause,
    };
    let event = changelog::append_member(conn, change).await?;
    Ok(MemberWrite { member, events: vec![event] })
}

pub(crate) async fn remove_tx(
    conn: &mut AsyncPgConnection,
    production: Uuid,
    user: &str,
    actor: &Actor,
) -> Result<MemberWrite, DbError> {
    let members = lock_members(conn, production).await?;
    check_member_change(&owners(&members), user, None).map_err(SyncError::from)?;
    let Some(member) = members.into_iter().find(|m| m.user_id == user) else {
        return Err(SyncError::NoSuchMember { user: user.to_owned() }.into());
    };
    stmt(&REMOVE).bind::<SqlUuid, _>(production).bind::<Text, _>(user).execute(conn).await?;
    let change = MemberChange {
        action: Action::Deleted,
        production_id: production,
        member: member.clone(),
        actor: actor.id.clone(),
        actor_name: actor.name.clone(),
        at: truncate_to_micros(OffsetDateTime::now_utc()),
        previous_role: Some(member.role),
        cause: actor.cause,
    };
    let event = changelog::append_member(conn, change).await?;
    Ok(MemberWrite { member, events: vec![event] })
}

/// Before every production: the first page starts here.
fn origin() -> ProductionCursor {
    ProductionCursor {
        created_at: OffsetDateTime::UNIX_EPOCH.replace_year(1).unwrap_or(OffsetDateTime::UNIX_EPOCH),
        id: Uuid::nil(),
    }
}

#[async_trait]
impl MemberStore for PgStore {
    async fn role(&self, production: ProductionId, user: &str) -> Result<Option<Role>, SyncError> {
        let production = production.uuid();
        let run = async {
            let mut conn = self.conn().await?;
            let row: Option<RoleRow> = stmt(&ROLE)
                .bind::<SqlUuid, _>(production)
                .bind::<Text, _>(user)
                .get_result(&mut conn)
                .await
                .optional()?;
            row.map(|r| role_of(&r.role)).transpose()
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }

    async fn members(&self, production: ProductionId) -> Result<Vec<Member>, SyncError> {
        let production = production.uuid();
        let run = async {
            let mut conn = self.conn().await?;
            crate::feed::head(&conn, production).await?;
            let rows: Vec<MemberRow> = stmt(&MEMBERS).bind::<SqlUuid, _>(production).load(&mut conn).await?;
            rows.into_iter().map(MemberRow::into_member).collect::<Result<Vec<_>, _>>()
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }

    async fn memberships(&self, user: &str) -> Result<Vec<Uuid>, SyncError> {
        let run = async {
            let mut conn = self.conn().await?;
            let rows: Vec<IdRow> = stmt(&MEMBERSHIPS).bind::<Text, _>(user).load(&mut conn).await?;
            Ok(rows.into_iter().map(|r| r.id).collect())
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }

    async fn productions(
        &self,
        visible_to: Option<&str>,
        after: Option<ProductionCursor>,
        limit: i64,
    ) -> Result<ProductionPage, SyncError> {
        let after = after.unwrap_or_else(origin);
        let run = async {
            let mut conn = self.conn().await?;
            let rows: Vec<RowJson> = match visible_to {
                None => {
                    stmt(&PAGE_ALL)
                        .bind::<Timestamptz, _>(after.created_at)
                        .bind::<SqlUuid, _>(after.id)
                        .bind::<BigInt, _>(limit + 1)
                        .load(&mut conn)
                        .await?
                }
                Some(user) => {
                    stmt(&PAGE_MINE)
                        .bind::<Text, _>(user)
                        .bind::<Timestamptz, _>(after.created_at)
                        .bind::<SqlUuid, _>(after.id)
                        .bind::<BigInt, _>(limit + 1)
                        .load(&mut conn)
                        .await?
                }
            };
            let more = rows.len() as i64 > limit;
            let items = rows
                .iter()
                .take(limit as usize)
                .map(|r| decode(&PRODUCTION, &r.row))
                .collect::<Result<Vec<_>, _>>()?;
            let next = items
                .last()
                .filter(|_| more)
                .map(|e| ProductionCursor { created_at: e.created_at, id: e.id });
            Ok(ProductionPage { items, next })
        };
        run.await.map_err(|e: DbError| e.into_sync(&PRODUCTION))
    }
}
