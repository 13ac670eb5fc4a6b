//! `docs/data-model.md`, written from the catalog so the document cannot drift from the
//! code: a test compares the file with this text (`PRODSYNC_BLESS=1` rewrites it).

use std::fmt::Write;

use crate::catalog::{LIBRARIES, PRODUCTION, PRODUCTION_ENTITIES};
use crate::field::{Access, FieldDef, FieldType};
use crate::kind::{Derived, EntityKind};
use crate::settings::Lookup;

const INTRO: &str = "# Data model

Generated from `crates/domain/src/catalog.rs` (and the library and settings modules) by
`prodsync_domain::data_model::markdown`; `cargo test` fails when this file is stale, and
`PRODSYNC_BLESS=1 cargo test -p prodsync-domain data_model` rewrites it.

Every entity has, besides the fields below, `id` (UUID), `version`, `fieldVersions`,
`lastModifiedBy`, `createdAt` and `updatedAt`; every entity inside a production also has
`productionId`. Field names are camelCase on the wire and snake_case columns in
PostgreSQL. A *display id* (`displayId`, such as \"CAM 1\") is the human label the original
app calls `id`; it is unique per production and type, while `id` stays the UUID.

References: a **Ref** names an entity of the same production (PostgreSQL checks it).
Deleting the target clears an optional reference (a versioned update with its own event)
and deletes the entity holding a required one (its own `deleted` event), recursively. A
**Library** reference names an item of a global library; such an item cannot be deleted
while anything uses it (409 `in_use`): archive it instead.

The original app's camera switchers and vision switchers are one type here, `switcher`,
told apart by `kind` (`camera` or `vision`).
";

pub fn markdown() -> String {
    let mut out = String::from(INTRO);
    out.push_str("\n## Productions\n");
    kind_section(&mut out, &PRODUCTION);
    out.push_str(
        "\n## Inside a production\n\nIn snapshot order (a type comes after the types it references).\n",
    );
    for kind in PRODUCTION_ENTITIES {
        kind_section(&mut out, kind);
    }
    out.push_str(
        "\n## Global libraries\n\nShared by every production; read by any signed-in user, changed by administrators.\n\
         Not part of any production's change stream.\n",
    );
    for kind in LIBRARIES {
        kind_section(&mut out, kind);
    }
    settings_section(&mut out);
    out
}

fn kind_section(out: &mut String, kind: &'static EntityKind) {
    let base = if kind.is_production() {
        "/api/productions".to_owned()
    } else if kind.owned_by_production() {
        format!("/api/productions/:pid/{}", kind.path)
    } else {
        format!("/api/{}", kind.path)
    };
    let _ = write!(out, "\n### {}\n\n`{base}`, table `{}`", kind.name, kind.table);
    if kind.owned_by_production() || kind.is_production() {
        let _ = write!(out, ", events `{}:created|updated|deleted`", kind.name);
    }
    out.push_str(".\n\n| field | type | | notes |\n|---|---|---|---|\n");
    for f in kind.fields {
        let _ = writeln!(out, "| `{}` | {} | {} | {} |", f.name, type_name(f.ty), access(f), notes(kind, f));
    }
    let referrers = referrers(kind);
    if !referrers.is_empty() {
        let _ = writeln!(out, "\nReferenced by: {}.", referrers.join(", "));
    }
}

fn type_name(ty: FieldType) -> String {
    match ty {
        FieldType::Text => "text".into(),
        FieldType::Integer => "integer".into(),
        FieldType::Number => "number".into(),
        FieldType::Bool => "boolean".into(),
        FieldType::Timestamp => "timestamp".into(),
        FieldType::Date => "date".into(),
        FieldType::Uuid => "uuid".into(),
        FieldType::Json => "JSON".into(),
        FieldType::Enum(values) => format!("one of `{}`", values.join("`, `")),
        FieldType::Ref(target) => format!("Ref → {target}"),
        FieldType::Library(target) => format!("Library → {target}"),
    }
}

fn access(f: &FieldDef) -> &'static str {
    match f.access {
        Access::Required => "required",
        Access::Optional => "",
        Access::ServerSet => "server-set",
    }
}

fn notes(kind: &EntityKind, f: &FieldDef) -> String {
    let mut notes = Vec::new();
    if f.unique {
        notes.push(if kind.owned_by_production() { "unique per production" } else { "unique" }.to_owned());
    }
    for d in kind.derived {
        let Derived::StampWhenTrue { flag, stamp } = d;
        if f.name == *stamp {
            notes.push(format!("set when `{flag}` turns true, cleared when it turns false"));
        }
    }
    if let FieldType::Ref(_) = f.ty {
        notes.push(
            if f.is_required() { "deleted with its target" } else { "cleared when its target is deleted" }
                .into(),
        );
    }
    notes.join("; ")
}

/// "camera.ccuId" for every field of any type pointing at `kind`.
fn referrers(kind: &EntityKind) -> Vec<String> {
    PRODUCTION_ENTITIES
        .iter()
        .flat_map(|k| k.fields.iter().map(move |f| (k, f)))
        .filter(|(_, f)| matches!(f.ty, FieldType::Ref(t) | FieldType::Library(t) if t == kind.name))
        .map(|(k, f)| format!("`{}.{}`", k.name, f.name))
        .collect()
}

fn settings_section(out: &mut String) {
    out.push_str(
        "\n## Settings\n\nShared by every production. Each change is announced to every connected socket.\n\n\
         | list | `/api/settings/…` | event | defaults |\n|---|---|---|---|\n",
    );
    for l in Lookup::ALL {
        let _ = writeln!(
            out,
            "| {} | `{}` | `{}` | {} |",
            l.path(),
            l.path(),
            l.event(),
            l.defaults().join(", ")
        );
    }
    out.push_str(
        "\nKey/value settings live at `/api/settings/values/:key` (any JSON up to 64 KiB, an optional\n\
         `category`); changes are announced as `settings:updated` and `settings:deleted`.\n",
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn data_model_doc_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/data-model.md");
        let text = super::markdown();
        if std::env::var_os("PRODSYNC_BLESS").is_some() {
            std::fs::write(path, &text).unwrap();
        }
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            on_disk == text,
            "docs/data-model.md is stale: run PRODSYNC_BLESS=1 cargo test -p prodsync-domain data_model"
        );
    }
}
