//! Every entity type the server syncs, one declaration each. Adding a type is a declaration
//! here plus a migration that creates its table (see docs/adding-an-entity-type.md).

use crate::field::FieldDef as F;
use crate::field::FieldType::*;
use crate::kind::{Derived, EntityKind};

pub const PRODUCTION_STATUS: &[&str] = &["planning", "ready", "active", "completed", "archived"];
/// The original app keeps camera switchers and vision switchers apart; here they are one
/// type told apart by `kind`, so a switcher of either kind is served everywhere.
pub const SWITCHER_KINDS: &[&str] = &["camera", "vision"];
pub const SURFACE_TYPES: &[&str] = &["front", "rear", "dual-vision", "mapped"];
pub const PORT_DIRECTIONS: &[&str] = &["input", "output"];

/// Every type inside a production has a human label such as "CAM 1" (the original app's
/// display `id`), unique per production and type, while `id` stays the UUID.
const DISPLAY_ID: F = F::optional("displayId", Text).unique();
/// The equipment-library item a device was picked from.
const EQUIPMENT_ID: F = F::optional("equipmentId", Library("equipment"));

pub static PRODUCTION: EntityKind = EntityKind {
    name: "production",
    path: "productions",
    table: "productions",
    fields: &[
        // The original app's id for the show (`prod_<ms>_<random>`), unique across productions.
        F::optional("displayId", Text).unique(),
        F::required("showName", Text),
        F::required("client", Text),
        F::optional("venue", Text),
        F::optional("room", Text),
        F::optional("loadIn", Timestamp),
        F::optional("loadOut", Timestamp),
        F::optional("showDate", Date),
        F::optional("showInfoUrl", Text),
        F::optional("status", Enum(PRODUCTION_STATUS)),
        // The computer types this show offers for sources (a list of strings).
        F::optional("sourceTypes", Json),
    ],
    derived: &[],
};

pub static CHECKLIST_ITEM: EntityKind = EntityKind {
    name: "checklist-item",
    path: "checklist-items",
    table: "checklist_items",
    fields: &[
        DISPLAY_ID,
        F::required("title", Text),
        F::optional("completed", Bool),
        F::server_set("completedAt", Timestamp),
        F::optional("category", Text),
        F::optional("assignedTo", Text),
        F::optional("dueDate", Date),
        F::optional("daysBeforeShow", Integer),
        F::optional("sortOrder", Integer),
        F::optional("note", Text),
        F::optional("moreInfo", Json),
        F::optional("completionNote", Json),
        F::optional("completionDate", Timestamp),
        F::optional("reference", Text),
    ],
    derived: &[Derived::StampWhenTrue { flag: "completed", stamp: "completedAt" }],
};

pub static CAMERA: EntityKind = EntityKind {
    name: "camera",
    path: "cameras",
    table: "cameras",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("formatMode", Text),
        F::optional("lensType", Text),
        F::optional("maxZoom", Number),
        F::optional("shootingDistance", Number),
        F::optional("focalLength", Number),
        F::optional("hasHeavyTripod", Bool),
        F::optional("hasMediumTripod", Bool),
        F::optional("hasTripod", Bool),
        F::optional("hasShortTripod", Bool),
        F::optional("hasDolly", Bool),
        F::optional("hasJib", Bool),
        F::optional("hasSteadicam", Bool),
        F::optional("hasMagicArm", Bool),
        F::optional("ccuId", Ref("ccu")),
        F::optional("smpteCableLength", Number),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static CCU: EntityKind = EntityKind {
    name: "ccu",
    path: "ccus",
    table: "ccus",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("formatMode", Text),
        F::optional("fiberInput", Text),
        F::optional("referenceInput", Text),
        F::optional("outputs", Json),
        F::optional("sortOrder", Integer),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static SOURCE: EntityKind = EntityKind {
    name: "source",
    path: "sources",
    table: "sources",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::required("type", Text),
        F::optional("category", Text),
        F::optional("formatAssignmentMode", Text),
        F::optional("hRes", Integer),
        F::optional("vRes", Integer),
        F::optional("rate", Number),
        F::optional("standard", Text),
        F::optional("secondaryDevice", Text),
        F::optional("primaryDevicePort", Text),
        F::optional("secondaryDevicePort", Text),
        F::optional("blanking", Text),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

/// One output of a source (a laptop's HDMI and its USB-C), deleted with its source.
pub static SOURCE_OUTPUT: EntityKind = EntityKind {
    name: "source-output",
    path: "source-outputs",
    table: "source_outputs",
    fields: &[
        DISPLAY_ID,
        F::required("sourceId", Ref("source")),
        F::required("connector", Text),
        F::optional("outputIndex", Integer),
        F::optional("hRes", Integer),
        F::optional("vRes", Integer),
        F::optional("rate", Number),
        F::optional("standard", Text),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static SEND: EntityKind = EntityKind {
    name: "send",
    path: "sends",
    table: "sends",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::required("type", Text),
        F::optional("hRes", Integer),
        F::optional("vRes", Integer),
        F::optional("rate", Number),
        F::optional("standard", Text),
        F::optional("secondaryDevice", Text),
        F::optional("output", Text),
        F::optional("outputConnector", Text),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static CONNECTION: EntityKind = EntityKind {
    name: "connection",
    path: "connections",
    table: "connections",
    fields: &[
        DISPLAY_ID,
        F::optional("sourceId", Ref("source")),
        F::optional("sourceOutputId", Ref("source-output")),
        F::required("destinationType", Text),
        F::optional("destinationId", Uuid),
        F::optional("intermediateType", Text),
        F::optional("intermediateId", Uuid),
        F::optional("intermediateInput", Text),
        F::optional("intermediateOutput", Text),
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
        DISPLAY_ID,
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static SWITCHER: EntityKind = EntityKind {
    name: "switcher",
    path: "switchers",
    table: "switchers",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::optional("kind", Enum(SWITCHER_KINDS)),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("inputs", Integer),
        F::optional("outputs", Integer),
        F::optional("mes", Integer),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static LED_SCREEN: EntityKind = EntityKind {
    name: "led-screen",
    path: "led-screens",
    table: "led_screens",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("hRes", Integer),
        F::optional("vRes", Integer),
        F::optional("rate", Number),
        F::optional("sortOrder", Integer),
        // The LED processor driving the wall, from the equipment library.
        F::optional("processorId", Library("equipment")),
        // Position from downstage centre, metres (+x stage right, +y upstage).
        F::optional("posDsXM", Number),
        F::optional("posDsYM", Number),
        F::optional("rotationDeg", Number),
        // {cols, rows, tiles: [...]}: the planner's layout of tiles.
        F::optional("tileGrid", Json),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static MEDIA_SERVER: EntityKind = EntityKind {
    name: "media-server",
    path: "media-servers",
    table: "media_servers",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        // Servers run in pairs: a main and its backup share a pair number.
        F::optional("pairNumber", Integer),
        F::optional("isBackup", Bool),
        F::optional("platform", Text),
        F::optional("computerType", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("outputs", Integer),
        F::optional("outputsData", Json),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static PROJECTION_SCREEN: EntityKind = EntityKind {
    name: "projection-screen",
    path: "projection-screens",
    table: "projection_screens",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("hRes", Integer),
        F::optional("vRes", Integer),
        F::optional("rate", Number),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

/// A surface projected onto, placed in the room (metres and degrees).
pub static PROJECTION_SURFACE: EntityKind = EntityKind {
    name: "projection-surface",
    path: "projection-surfaces",
    table: "projection_surfaces",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::optional("widthM", Number),
        F::optional("heightM", Number),
        F::optional("bezelHM", Number),
        F::optional("bezelVM", Number),
        F::optional("surfaceType", Enum(SURFACE_TYPES)),
        F::optional("gainFactor", Number),
        F::optional("distFloorM", Number),
        F::optional("posDsXM", Number),
        F::optional("posDsYM", Number),
        F::optional("posDsZM", Number),
        F::optional("rotX", Number),
        F::optional("rotY", Number),
        F::optional("rotZ", Number),
        F::optional("ambientLux", Number),
        // [{id, label, xM, yM, widthM, heightM}]
        F::optional("mattes", Json),
        // [{projectorId, throwDistM, lensId, horizOffsetM, vertOffsetM}]
        F::optional("projectorAssignments", Json),
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static RECORD: EntityKind = EntityKind {
    name: "record",
    path: "records",
    table: "records",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("format", Text),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static ROUTER: EntityKind = EntityKind {
    name: "router",
    path: "routers",
    table: "routers",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::optional("manufacturer", Text),
        F::optional("model", Text),
        F::optional("inputs", Integer),
        F::optional("outputs", Integer),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

pub static STREAM: EntityKind = EntityKind {
    name: "stream",
    path: "streams",
    table: "streams",
    fields: &[
        DISPLAY_ID,
        F::required("name", Text),
        F::optional("platform", Text),
        F::optional("url", Text),
        F::optional("streamKey", Text),
        EQUIPMENT_ID,
        F::optional("note", Text),
    ],
    derived: &[],
};

/// One entry of the show's IP plan; an address is used once per production.
pub static IP_ADDRESS: EntityKind = EntityKind {
    name: "ip-address",
    path: "ip-addresses",
    table: "ip_addresses",
    fields: &[
        DISPLAY_ID,
        F::required("ip", Text).unique(),
        F::required("deviceName", Text),
        F::required("category", Text),
        F::optional("subnet", Text),
        F::optional("gateway", Text),
        F::optional("note", Text),
    ],
    derived: &[],
};

/// One physical port of one device in this show ("CCU 1 SDI Out 3").
pub static DEVICE_PORT: EntityKind = EntityKind {
    name: "device-port",
    path: "device-ports",
    table: "device_ports",
    fields: &[
        DISPLAY_ID,
        // The device (a camera, a CCU, a switcher...) of this production it belongs to.
        F::required("deviceId", Uuid),
        // The port of the device's equipment-library item it was made from ("sdi-1").
        F::optional("specPortId", Text),
        F::required("portLabel", Text),
        F::required("ioType", Text),
        F::required("direction", Enum(PORT_DIRECTIONS)),
        F::optional("formatId", Library("format")),
        F::optional("note", Text),
    ],
    derived: &[],
};

/// A cable from an output port to an input port; deleted with either port.
pub static CABLE: EntityKind = EntityKind {
    name: "cable",
    path: "cables",
    table: "cables",
    fields: &[
        DISPLAY_ID,
        F::required("outputPortId", Ref("device-port")),
        F::required("inputPortId", Ref("device-port")),
        F::required("cableType", Text),
        F::optional("lengthFt", Number),
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
    &SOURCE_OUTPUT,
    &SEND,
    &CONNECTION,
    &CABLE_SNAKE,
    &SWITCHER,
    &LED_SCREEN,
    &MEDIA_SERVER,
    &PROJECTION_SCREEN,
    &PROJECTION_SURFACE,
    &RECORD,
    &ROUTER,
    &STREAM,
    &IP_ADDRESS,
    &DEVICE_PORT,
    &CABLE,
];

/// The global libraries: shared by every production, not versioned per production, no
/// change stream. Production types point at their items with `Library` fields.
pub static LIBRARIES: &[&EntityKind] = &[&crate::equipment::EQUIPMENT, &crate::format::FORMAT];

/// Every entity type: the production, the types inside one, the libraries.
pub fn all() -> impl Iterator<Item = &'static EntityKind> {
    std::iter::once(&PRODUCTION).chain(PRODUCTION_ENTITIES.iter().copied()).chain(LIBRARIES.iter().copied())
}

pub fn library(name: &str) -> Option<&'static EntityKind> {
    LIBRARIES.iter().copied().find(|k| k.name == name)
}

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
            for (_, target) in kind.library_references() {
                assert!(library(target).is_some(), "{} references unknown library {target}", kind.name);
            }
            for d in kind.derived {
                let Derived::StampWhenTrue { flag, stamp } = d;
                assert!(kind.field(flag).is_some() && kind.field(stamp).is_some());
            }
        }
    }
}
