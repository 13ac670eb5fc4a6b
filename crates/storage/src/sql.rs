//! The generic statements for each entity type, written once from the catalog. Their text
//! never varies per call, so diesel's statement cache prepares each one once per connection.

use std::collections::HashMap;
use std::sync::LazyLock;

use prodsync_domain::catalog::{LIBRARIES, PRODUCTION, PRODUCTION_ENTITIES};
use prodsync_domain::EntityKind;

use crate::prepared::Sql;

pub struct KindSql {
    /// $1 id, $2 scope (production id; the id itself for productions and library items).
    pub get: Sql,
    /// $1 id, whatever the scope.
    pub find: Sql,
    pub lock: Sql,
    /// $1 scope. Returns one aggregated array, or no row when the production is unknown.
    pub list: Sql,
    /// $1 the row as JSONB. Inserts nothing when the id exists.
    pub insert: Sql,
    /// $1 the row as JSONB, $2 id.
    pub update: Sql,
    /// $1 id.
    pub delete: Sql,
    /// $1 scope. Locks every row of the production, in id order (before a production
    /// delete locks the production row itself).
    pub lock_all: Sql,
}

static STATEMENTS: LazyLock<HashMap<&'static str, KindSql>> = LazyLock::new(|| {
    PRODUCTION_ENTITIES
        .iter()
        .chain(LIBRARIES)
        .copied()
        .chain([&PRODUCTION])
        .map(|k| (k.name, build(k)))
        .collect()
});

pub fn statements(kind: &EntityKind) -> &'static KindSql {
    &STATEMENTS[kind.name]
}

fn build(kind: &EntityKind) -> KindSql {
    let table = kind.table;
    let scope = if kind.owned_by_production() { "production_id" } else { "id" };
    let field_cols: Vec<String> = kind.fields.iter().map(|f| f.column()).collect();
    let mut written: Vec<String> = field_cols.clone();
    written.extend(["version", "field_versions", "last_modified_by", "updated_at"].map(String::from));
    let mut inserted = vec!["id".to_owned()];
    if kind.owned_by_production() {
        inserted.push("production_id".into());
    }
    inserted.extend(written.iter().cloned());
    inserted.push("created_at".into());
    let list = if kind.owned_by_production() {
        format!(
            "SELECT (SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.created_at, t.id), '[]'::jsonb) \
             FROM {table} t WHERE t.production_id = p.id) AS row FROM productions p WHERE p.id = $1"
        )
    } else {
        format!(
            "SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.created_at, t.id), '[]'::jsonb) AS row \
             FROM {table} t WHERE t.id = coalesce($1::uuid, t.id)"
        )
    };
    let r_cols: Vec<String> = written.iter().map(|c| format!("r.{c}")).collect();
    KindSql {
        get: Sql::new(format!("SELECT to_jsonb(t) AS row FROM {table} t WHERE t.id = $1 AND t.{scope} = $2")),
        find: Sql::new(format!("SELECT to_jsonb(t) AS row FROM {table} t WHERE t.id = $1")),
        lock: Sql::new(format!(
            "SELECT to_jsonb(t) AS row FROM {table} t WHERE t.id = $1 AND t.{scope} = $2 FOR UPDATE"
        )),
        list: Sql::new(list),
        insert: Sql::new(format!(
            "INSERT INTO {table} ({cols}) SELECT {cols} FROM jsonb_populate_record(NULL::{table}, $1) \
             ON CONFLICT (id) DO NOTHING",
            cols = inserted.join(", ")
        )),
        update: Sql::new(format!(
            "UPDATE {table} t SET ({cols}) = (SELECT {r} FROM jsonb_populate_record(NULL::{table}, $1) r) \
             WHERE t.id = $2",
            cols = written.join(", "),
            r = r_cols.join(", ")
        )),
        delete: Sql::new(format!("DELETE FROM {table} WHERE id = $1")),
        lock_all: Sql::new(format!("SELECT id FROM {table} WHERE {scope} = $1 ORDER BY id FOR UPDATE")),
    }
}

/// Every entity of a production plus the production row (with its seq), in one statement,
/// so the snapshot is consistent without an explicit transaction.
pub static SNAPSHOT: LazyLock<Sql> = LazyLock::new(|| {
    let mut parts =
        vec!["SELECT 'production' AS kind, to_jsonb(t) AS row FROM productions t, p WHERE t.id = p.id"
            .to_owned()];
    for k in PRODUCTION_ENTITIES {
        parts.push(format!(
            "SELECT '{}', to_jsonb(t) FROM {} t, p WHERE t.production_id = p.id",
            k.name, k.table
        ));
    }
    Sql::new(format!("WITH p AS (SELECT $1::uuid AS id) {}", parts.join(" UNION ALL ")))
});

/// Locks the entities of `kind` whose field references one entity, for clearing the
/// references before that entity is deleted.
pub fn referencing(kind: &EntityKind, field_index: usize) -> Sql {
    Sql::new(format!(
        "SELECT id FROM {} WHERE production_id = $1 AND {} = $2 ORDER BY id FOR UPDATE",
        kind.table,
        kind.fields[field_index].column()
    ))
}
