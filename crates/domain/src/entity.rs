//! One stored entity: its typed fields plus the sync columns, and its two JSON forms
//! (camelCase on the wire, snake_case columns in PostgreSQL).

use crate::ErrorCode;
use std::collections::BTreeMap;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::field::{format_timestamp, normalize, parse_timestamp};
use crate::kind::EntityKind;

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub kind: &'static EntityKind,
    pub id: Uuid,
    /// For a production, its own id.
    pub production_id: Uuid,
    /// Canonical values, one per `kind.fields` entry, in the same order.
    pub values: Vec<Value>,
    pub version: i64,
    /// Field name -> the entity version at which that field was last written.
    pub field_versions: BTreeMap<String, i64>,
    pub last_modified_by: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Fields whose stored value could not be read back (written before the rule in
    /// [`crate::json`] existed, or by hand): shown as null and named in `fieldErrors`,
    /// so the rest of the entity, its production and every list stay readable.
    pub unreadable: Vec<&'static str>,
}

/// A stored row that does not decode: the schema and the catalog disagree.
#[derive(Debug, thiserror::Error)]
#[error("row of {kind} does not match its declaration: {problem}")]
pub struct RowMismatch {
    pub kind: &'static str,
    pub problem: String,
}

impl Entity {
    /// Its id, typed for the ports.
    pub fn entity_id(&self) -> crate::EntityId {
        crate::EntityId(self.id)
    }

    /// Its production's id, typed for the ports.
    pub fn production(&self) -> crate::ProductionId {
        crate::ProductionId(self.production_id)
    }

    pub fn value(&self, field: &str) -> Option<&Value> {
        self.kind.field_index(field).map(|i| &self.values[i])
    }

    pub fn field_version(&self, field: &str) -> i64 {
        self.field_versions.get(field).copied().unwrap_or(0)
    }

    /// The wire form: camelCase, every field present (null when unset).
    pub fn to_json(&self) -> Value {
        let mut m = Map::with_capacity(self.values.len() + 8);
        m.insert("id".into(), Value::from(self.id.to_string()));
        if self.kind.owned_by_production() {
            m.insert("productionId".into(), Value::from(self.production_id.to_string()));
        }
        for (def, v) in self.kind.fields.iter().zip(&self.values) {
            m.insert(def.name.into(), v.clone());
        }
        m.insert("version".into(), Value::from(self.version));
        m.insert("fieldVersions".into(), field_versions_json(&self.field_versions));
        m.insert("lastModifiedBy".into(), self.last_modified_by.clone().into());
        m.insert("createdAt".into(), Value::from(format_timestamp(self.created_at)));
        m.insert("updatedAt".into(), Value::from(format_timestamp(self.updated_at)));
        if !self.unreadable.is_empty() {
            m.insert("fieldErrors".into(), unreadable_json(&self.unreadable));
        }
        Value::Object(m)
    }

    /// The row form: snake_case columns, as `jsonb_populate_record` takes them.
    pub fn to_row(&self) -> Value {
        let mut m = Map::with_capacity(self.values.len() + 8);
        m.insert("id".into(), Value::from(self.id.to_string()));
        if self.kind.owned_by_production() {
            m.insert("production_id".into(), Value::from(self.production_id.to_string()));
        }
        for (column, v) in self.kind.columns().iter().zip(&self.values) {
            m.insert(column.clone(), v.clone());
        }
        m.insert("version".into(), Value::from(self.version));
        m.insert("field_versions".into(), field_versions_json(&self.field_versions));
        m.insert("last_modified_by".into(), self.last_modified_by.clone().into());
        m.insert("created_at".into(), Value::from(format_timestamp(self.created_at)));
        m.insert("updated_at".into(), Value::from(format_timestamp(self.updated_at)));
        Value::Object(m)
    }

    /// Decodes a row as PostgreSQL's `to_jsonb(row)` gives it.
    pub fn from_row(kind: &'static EntityKind, row: &Value) -> Result<Entity, RowMismatch> {
        let bad = |problem: String| RowMismatch { kind: kind.name, problem };
        let uuid = |col: &str| -> Result<Uuid, RowMismatch> {
            row.get(col)
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or_else(|| bad(format!("column {col} is not a UUID")))
        };
        let stamp = |col: &str| -> Result<OffsetDateTime, RowMismatch> {
            row.get(col)
                .and_then(parse_timestamp)
                .ok_or_else(|| bad(format!("column {col} is not a timestamp")))
        };
        let id = uuid("id")?;
        let production_id = match (kind.is_production(), kind.owned_by_production()) {
            (true, _) => id,
            (false, true) => uuid("production_id")?,
            (false, false) => Uuid::nil(),
        };
        let mut values = Vec::with_capacity(kind.fields.len());
        let mut unreadable = Vec::new();
        for (def, column) in kind.fields.iter().zip(kind.columns()) {
            let raw = row.get(column).unwrap_or(&Value::Null);
            // The input rule again: what it refuses now (or what storage could not parse,
            // see storage's lenient JSON) is no value a client can be given or send back.
            values.push(normalize(def.ty, raw).unwrap_or_else(|_| {
                unreadable.push(def.name);
                Value::Null
            }));
        }
        let field_versions = match row.get("field_versions") {
            Some(Value::Object(m)) => m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_i64()?))).collect(),
            _ => BTreeMap::new(),
        };
        Ok(Entity {
            kind,
            id,
            production_id,
            values,
            version: row.get("version").and_then(Value::as_i64).ok_or_else(|| bad("version".into()))?,
            field_versions,
            last_modified_by: row.get("last_modified_by").and_then(Value::as_str).map(str::to_owned),
            created_at: stamp("created_at")?,
            updated_at: stamp("updated_at")?,
            unreadable,
        })
    }
}

/// `fieldErrors` of an entity read with unreadable fields: the error shape of a 422, one
/// stable code.
fn unreadable_json(fields: &[&str]) -> Value {
    let error = |f: &&str| {
        serde_json::json!({"field": f, "code": ErrorCode::UnreadableValue,
            "message": format!("the stored value of {f} cannot be read; it reads as null until written again")})
    };
    Value::Array(fields.iter().map(error).collect())
}

fn field_versions_json(fv: &BTreeMap<String, i64>) -> Value {
    Value::Object(fv.iter().map(|(k, v)| (k.clone(), Value::from(*v))).collect())
}
