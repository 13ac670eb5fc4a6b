//! `prodsync import videodept`: a crew's shows brought over from the Video Production
//! Manager's own PostgreSQL database (its Prisma schema, `api/prisma/schema.prisma` in
//! vant-ks/VideoDept).
//!
//! Pure planning, then writing through our commands:
//! - [`rows`]: a row as the original's REST routes send it, then in our forms;
//! - [`fit`]: a body made acceptable to our validation, or refused with the reason;
//! - [`library`]: equipment, formats and dropdown lists merged into ours;
//! - [`plan`]: every production with what is in it, references resolved;
//! - [`apply`]: what differs from what we hold, written with cause `import`.

pub mod apply;
pub mod fit;
pub mod library;
pub mod plan;
pub mod rows;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Every table the import reads (the rest of their schema is their sync machinery and
/// their own event log, which our change log replaces).
pub const TABLES: &[&str] = &[
    "productions",
    "checklist_items",
    "ccus",
    "cameras",
    "sources",
    "source_outputs",
    "sends",
    "connections",
    "cable_snakes",
    "cam_switchers",
    "vision_switchers",
    "led_screens",
    "media_servers",
    "projection_screens",
    "projection_surfaces",
    "records",
    "routers",
    "streams",
    "ip_addresses",
    "device_ports",
    "cables",
    "equipment_specs",
    "equipment_cards",
    "equipment_card_io",
    "equipment_io_ports",
    "formats",
    "connector_types",
    "source_types",
    "frame_rates",
    "resolution_presets",
    "settings",
];

/// The original's rows by table; an absent table reads as empty.
#[derive(Debug, Default)]
pub struct Tables(BTreeMap<String, Vec<Map<String, Value>>>);

impl Tables {
    pub fn rows(&self, table: &str) -> &[Map<String, Value>] {
        self.0.get(table).map_or(&[], Vec::as_slice)
    }

    pub fn has(&self, table: &str) -> bool {
        self.0.contains_key(table)
    }

    /// `{"table": [row, …]}`, for tests.
    pub fn from_json(v: &Value) -> Tables {
        let tables = v.as_object().map_or_else(BTreeMap::new, |m| {
            m.iter()
                .map(|(k, rows)| {
                    let rows = rows.as_array().into_iter().flatten().filter_map(|r| r.as_object().cloned());
                    (k.clone(), rows.collect())
                })
                .collect()
        });
        Tables(tables)
    }
}

impl From<prodsync_storage::ForeignTables> for Tables {
    fn from(t: prodsync_storage::ForeignTables) -> Tables {
        Tables(t.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
}

/// A row imported with a change, or not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remark {
    pub table: &'static str,
    /// Their `uuid` (or `id` where a table has no uuid).
    pub row: String,
    pub reason: String,
    /// Whether the row was left out (else it was imported, changed as `reason` says).
    pub skipped: bool,
}

impl Remark {
    pub fn skipped(table: &'static str, row: &str, reason: impl Into<String>) -> Remark {
        Remark { table, row: row.to_owned(), reason: reason.into(), skipped: true }
    }

    pub fn adjusted(table: &'static str, row: &str, reason: impl Into<String>) -> Remark {
        Remark { table, row: row.to_owned(), reason: reason.into(), skipped: false }
    }
}
