//! Every entity type the server syncs, one declaration each. Adding a type is a declaration
//! here plus a migration that creates its table (see docs/adding-an-entity-type.md).

use crate::field::FieldDef as F;
use crate::field::FieldType::*;
use crate::kind::{Derived, EntityKind};

pub const PRODUCTION_STATUS: &[&str] = &["planning", "ready", "active", "completed", "archived"];
pub const SWITCHER_KINDS: &[&str] = &["camera", "vision"];

pub static PRODUCTION: EntityKind = EntityKind {
    name: "production",
    path: "productions",
    table: "productions",
    fields: &[
        F::required("showName", Text),
        F::required("client", Text),
        F::optional("venue", Text),
        F::optional("room", Text),
        F::optional("loadIn", Timestamp),
        F::optional("loadOut", Timestamp),
        F::optional("showDate", Date),
        F::optional("showInfoUrl", Text),
        F::optional("status", Enum(PRODUCTION_STATUS)),
    ],
    derived: &[],
};

pub static CHECKLIST_ITEM: EntityKind = EntityKind {
    name: "checklist-item",
    path: "checklist-items",
    table: "checklist_items",
    fields: &[
        F::required("title", Text),
        F::optional("completed", Bool),
        F::server_set("completedAt", Timestamp),
        F::optional("category", Text),
        F::optional("assignedTo", Text),
        F::optional("dueDate", Date),
        F::optional("daysBeforeShow", Integer),
        F::optional("sortOrder", Integer),
        F::optional("note", Text),
    ],
    derived: &[Derived::StampWhenTrue { flag: "completed", stamp: "completedAt" }],
};

pub static CAMERA: EntityKind = EntityKind {
    name: "camera",
    path: "cameras",
    table: "cameras",
    fields: &[
        F::required("name", Text),
        F::optional("model", Text),
        F::optional("formatMode", Text),
        F::optional("lensType", Text),
        F::optional("maxZoom", Number),
        F::optional("shootingDistance", Number),
        F::optional("hasTripod", Bool),
        F::optional("hasShortTripod", Bool),
        F::optional("hasDolly", Bool),
        F::optional("hasJib", Bool),
        F::optional("ccuId", Ref("ccu")),
        F::optional("smpteCableLength", Number),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static CCU: EntityKind = EntityKind {
    name: "ccu",
    path: "ccus",
    table: "ccus",
    fields: &[
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("formatMode", Text),
        F::optional("fiberInput", Text),
        F::optional("referenceInput", Text),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static SOURCE: EntityKind = EntityKind {
    name: "source",
    path: "sources",
    table: "sources",
    fields: &[
        F::required("name", Text),
        F::required("type", Text),
        F::optional("hRes", Integer),
        F::optional("vRes", Integer),
        F::optional("rate", Number),
        F::optional("standard", Text),
        F::optional("secondaryDevice", Text),
        F::optional("blanking", Text),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static SEND: EntityKind = EntityKind {
    name: "send",
    path: "sends",
    table: "sends",
    fields: &[
        F::required("name", Text),
        F::required("type", Text),
        F::optional("hRes", Integer),
        F::optional("vRes", Integer),
        F::optional("rate", Number),
        F::optional("standard", Text),
        F::optional("secondaryDevice", Text),
        F::optional("output", Text),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static CONNECTION: EntityKind = EntityKind {
    name: "connection",
    path: "connections",
    table: "connections",
    fields: &[
        F::optional("sourceId", Ref("source")),
        F::required("destinationType", Text),
        F::optional("destinationId", Uuid),
        F::optional("intermediateType", Text),
        F::optional("intermediateId", Uuid),
        F::optional("signalPath", Json),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static CABLE_SNAKE: EntityKind = EntityKind {
    name: "cable-snake",
    path: "cable-snakes",
    table: "cable_snakes",
    fields: &[
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static SWITCHER: EntityKind = EntityKind {
    name: "switcher",
    path: "switchers",
    table: "switchers",
    fields: &[
        F::required("name", Text),
        F::optional("kind", Enum(SWITCHER_KINDS)),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("inputs", Integer),
        F::optional("outputs", Integer),
        F::optional("mes", Integer),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static LED_SCREEN: EntityKind = EntityKind {
    name: "led-screen",
    path: "led-screens",
    table: "led_screens",
    fields: &[
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("hRes", Integer),
        F::optional("vRes", Integer),
        F::optional("rate", Number),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static MEDIA_SERVER: EntityKind = EntityKind {
    name: "media-server",
    path: "media-servers",
    table: "media_servers",
    fields: &[
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("outputs", Integer),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static PROJECTION_SCREEN: EntityKind = EntityKind {
    name: "projection-screen",
    path: "projection-screens",
    table: "projection_screens",
    fields: &[
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("hRes", Integer),
        F::optional("vRes", Integer),
        F::optional("rate", Number),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static RECORD: EntityKind = EntityKind {
    name: "record",
    path: "records",
    table: "records",
    fields: &[
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("format", Text),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static ROUTER: EntityKind = EntityKind {
    name: "router",
    path: "routers",
    table: "routers",
    fields: &[
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("inputs", Integer),
        F::optional("outputs", Integer),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static STREAM: EntityKind = EntityKind {
    name: "stream",
    path: "streams",
    table: "streams",
    fields: &[
        F::required("name", Text),
        F::optional("platform", Text),
        F::optional("url", Text),
        F::optional("streamKey", Text),
        F::optional("note", Text),
    ],
    derived: &[],
};

/// The types that live inside a production, in the order a snapshot lists them. A type
/// that others reference comes before them.
pub static PRODUCTION_ENTITIES: &[&EntityKind] = &[
    &CHECKLIST_ITEM,
    &CCU,
    &CAMERA,
    &SOURCE,
    &SEND,
    &CONNECTION,
    &CABLE_SNAKE,
    &SWITCHER,
    &LED_SCREEN,
    &MEDIA_SERVER,
    &PROJECTION_SCREEN,
    &RECORD,
    &ROUTER,
    &STREAM,
];

/// The entity type served under `/api/productions/:pid/<path>`.
pub fn by_path(path: &str) -> Option<&'static EntityKind> {
    PRODUCTION_ENTITIES.iter().copied().find(|k| k.path == path)
}

/// The entity type with this event prefix, the production included.
pub fn by_name(name: &str) -> Option<&'static EntityKind> {
    if name == PRODUCTION.name {
        return Some(&PRODUCTION);
    }
    PRODUCTION_ENTITIES.iter().copied().find(|k| k.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_paths_and_tables_are_unique_and_references_resolve() {
        let (mut names, mut paths, mut tables) = (Vec::new(), Vec::new(), Vec::new());
        for kind in PRODUCTION_ENTITIES.iter().copied().chain([&PRODUCTION]) {
            assert!(!names.contains(&kind.name), "duplicate name {}", kind.name);
            assert!(!paths.contains(&kind.path), "duplicate path {}", kind.path);
            assert!(!tables.contains(&kind.table), "duplicate table {}", kind.table);
            names.push(kind.name);
            paths.push(kind.path);
            tables.push(kind.table);
            assert_eq!(by_name(kind.name).map(|k| k.table), Some(kind.table));
            for (_, target) in kind.references() {
                assert!(by_name(target).is_some(), "{} references unknown {target}", kind.name);
            }
            for d in kind.derived {
                let Derived::StampWhenTrue { flag, stamp } = d;
                assert!(kind.field(flag).is_some() && kind.field(stamp).is_some());
            }
        }
    }
}
