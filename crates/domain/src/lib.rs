//! The pure core of the sync server: entity types, validation, the field-level merge rules,
//! change events, and the ports that storage and realtime implement. No I/O here.

pub mod access;
pub mod activity;
pub mod catalog;
pub mod change;
pub mod code;
pub mod command;
pub mod data_model;
pub mod entity;
pub mod equipment;
pub mod error;
pub mod fanout;
pub mod field;
pub mod format;
pub mod history;
pub mod ids;
pub mod imported;
pub mod input;
pub mod json;
pub mod kind;
pub mod library;
pub mod member;
pub mod merge;
pub mod origin;
pub mod ports;
pub mod presence;
pub mod rules;
pub mod settings;
pub mod transfer;
pub mod undo;

pub use change::{Action, Change, ChangeEvent, EventPayload};
pub use code::ErrorCode;
pub use entity::Entity;
pub use error::{FieldError, SyncError, ValidationError};
pub use ids::{EntityId, ProductionId};
pub use input::{parse_create, parse_update, CreateInput, OnConflict, Patch, UpdateInput};
pub use kind::EntityKind;
pub use merge::{apply_update, new_entity, Conflict, FieldChange, Merged};
