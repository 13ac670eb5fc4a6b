//! Shapes of the rows the generic statements return. Every JSONB column is read through
//! [`LenientJson`]: one unparseable value never fails a whole list.

use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::QueryableByName;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::lenient::{LenientJson, MaybeLenientJson, ScrubbedJson};

/// One entity row as `to_jsonb(t)`.
#[derive(QueryableByName)]
pub struct RowJson {
    #[diesel(sql_type = Jsonb, deserialize_as = LenientJson)]
    pub row: Value,
}

#[derive(QueryableByName)]
pub struct MaybeRowJson {
    #[diesel(sql_type = Nullable<Jsonb>, deserialize_as = MaybeLenientJson)]
    pub row: Option<Value>,
}

/// A snapshot row: which type, and the row.
#[derive(QueryableByName)]
pub struct KindRow {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Jsonb, deserialize_as = LenientJson)]
    pub row: Value,
}

#[derive(QueryableByName)]
pub struct SeqRow {
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
}

#[derive(QueryableByName)]
pub struct HeadRow {
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
    #[diesel(sql_type = BigInt)]
    pub log_floor: i64,
}

/// One change-log entry, enough to rebuild its event.
#[derive(QueryableByName)]
pub struct LogRow {
    #[diesel(sql_type = SqlUuid)]
    pub production_id: Uuid,
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
    #[diesel(sql_type = Text)]
    pub entity_type: String,
    #[diesel(sql_type = Text)]
    pub action: String,
    #[diesel(sql_type = BigInt)]
    pub entity_version: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub user_id: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: OffsetDateTime,
    #[diesel(sql_type = Array<Text>)]
    pub changed_fields: Vec<String>,
    #[diesel(sql_type = Jsonb, deserialize_as = ScrubbedJson)]
    pub diff: Value,
    #[diesel(sql_type = Jsonb, deserialize_as = ScrubbedJson)]
    pub data: Value,
    #[diesel(sql_type = Nullable<Text>)]
    pub cause: Option<String>,
}

/// A change-log row for replay: the entity and `previous` as JSON text.
#[derive(QueryableByName)]
pub struct RawLogRow {
    #[diesel(sql_type = SqlUuid)]
    pub production_id: Uuid,
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
    #[diesel(sql_type = Text)]
    pub entity_type: String,
    #[diesel(sql_type = Text)]
    pub action: String,
    #[diesel(sql_type = BigInt)]
    pub entity_version: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub user_id: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: OffsetDateTime,
    #[diesel(sql_type = Array<Text>)]
    pub changed_fields: Vec<String>,
    #[diesel(sql_type = Jsonb, deserialize_as = crate::lenient::RawJson)]
    pub data: Box<serde_json::value::RawValue>,
    /// Read from the diff column (an update's only), taken apart here: see `previous`.
    #[diesel(sql_type = Nullable<Jsonb>, deserialize_as = crate::previous::Previous)]
    pub previous: Option<Box<serde_json::value::RawValue>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub cause: Option<String>,
}

/// One past update of an entity, for the stale-echo rule.
#[derive(QueryableByName)]
pub struct HistoryRow {
    #[diesel(sql_type = BigInt)]
    pub entity_version: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub user_id: Option<String>,
    #[diesel(sql_type = Jsonb, deserialize_as = ScrubbedJson)]
    pub diff: Value,
}

/// A log row's seq, whichever shape it was read in.
pub trait Seq {
    fn seq(&self) -> i64;
}

impl Seq for LogRow {
    fn seq(&self) -> i64 {
        self.seq
    }
}

impl Seq for RawLogRow {
    fn seq(&self) -> i64 {
        self.seq
    }
}
