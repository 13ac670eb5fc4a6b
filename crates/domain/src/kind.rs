//! What the server knows about one entity type: its names and its fields.

use std::sync::LazyLock;

use crate::field::{FieldDef, FieldType};

/// A rule the server applies after a write, so clients need not (and cannot) do it.
#[derive(Debug, Clone, Copy)]
pub enum Derived {
    /// `stamp` becomes "now" when `flag` turns true and null when it turns false.
    StampWhenTrue { flag: &'static str, stamp: &'static str },
}

#[derive(Debug)]
pub struct EntityKind {
    /// Event prefix and the name used in errors: `camera`.
    pub name: &'static str,
    /// URL path segment: `cameras`.
    pub path: &'static str,
    /// PostgreSQL table: `cameras`.
    pub table: &'static str,
    pub fields: &'static [FieldDef],
    pub derived: &'static [Derived],
}

/// The event prefix of the production type, the root every other entity belongs to.
pub const PRODUCTION: &str = "production";
/// The global equipment library's type name; it belongs to no production.
pub const EQUIPMENT: &str = "equipment";
/// The global library of video formats; it belongs to no production.
pub const FORMAT: &str = "format";

impl EntityKind {
    pub fn is_production(&self) -> bool {
        self.name == PRODUCTION
    }

    /// True for the types that live inside a production (a `production_id` column).
    pub fn owned_by_production(&self) -> bool {
        !matches!(self.name, PRODUCTION | EQUIPMENT | FORMAT)
    }

    /// The snake_case column of each field, in the order of `fields`. Every write names
    /// each column of its row twice (reading the row, writing it): worked out once per
    /// type rather than each time.
    pub fn columns(&self) -> &'static [String] {
        static TABLE: LazyLock<Vec<(&'static str, Vec<String>)>> = LazyLock::new(|| {
            crate::catalog::all().map(|k| (k.name, k.fields.iter().map(FieldDef::column).collect())).collect()
        });
        let found = TABLE.iter().find(|(name, _)| *name == self.name);
        &found.unwrap_or_else(|| panic!("{} is not in the catalog", self.name)).1
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Fields that reference entities of another type, with the target's name.
    pub fn references(&self) -> impl Iterator<Item = (usize, &'static str)> + '_ {
        self.fields.iter().enumerate().filter_map(|(i, f)| match f.ty {
            FieldType::Ref(target) => Some((i, target)),
            _ => None,
        })
    }

    /// Fields that point at a global library item, with the library's name.
    pub fn library_references(&self) -> impl Iterator<Item = (usize, &'static str)> + '_ {
        self.fields.iter().enumerate().filter_map(|(i, f)| match f.ty {
            FieldType::Library(target) => Some((i, target)),
            _ => None,
        })
    }

    pub fn event_name(&self, action: crate::change::Action) -> String {
        format!("{}:{}", self.name, action.as_str())
    }
}

impl PartialEq for EntityKind {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
