//! A production as a file, and a new production from an old one. Both are the same pure
//! plan: entities (as write bodies) whose ids are kept or renewed, every reference inside
//! the set remapped, checked to point inside the set, ordered so that targets are created
//! before what points at them. The store runs the plan as one batch of creates, in one
//! transaction: all of it, or nothing.
//!
//! The file (`FORMAT`, `VERSION`): `{"format", "version", "exportedAt", "production":
//! {body}, "entities": {"<path>": [{body}, …]}, "members": [{"userId", "role"}],
//! "library": {"equipment": [{body}], "formats": [{body}]}}`. A body is the entity's id
//! and its writable fields, exactly what a create takes. `library` holds the shared
//! library items the entities point at, so a file carried to another server reads whole
//! there: items that server lacks are added to its library, ones it has are used.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::access::Role;
use crate::catalog::{self, PRODUCTION};
use crate::field::{Access, FieldType};
use crate::input::{parse_create, CreateInput};
use crate::kind::EntityKind;
use crate::member::Member;
use crate::rules::{on_target_deleted, OnTargetDeleted};
use crate::{Entity, ErrorCode, FieldError, ValidationError};

pub const FORMAT: &str = "prodsync.production";
pub const VERSION: u64 = 1;
/// What one file may hold (a show is a few thousand entities).
pub const MAX_ENTITIES: usize = 50_000;

/// A create body: the id and every field a client may write (server-set ones are set
/// again by the server, such as a checklist item's `completedAt`).
pub fn body(e: &Entity) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(e.id));
    for (def, v) in e.kind.fields.iter().zip(&e.values) {
        if def.access != Access::ServerSet && !v.is_null() {
            m.insert(def.name.into(), v.clone());
        }
    }
    Value::Object(m)
}

/// The library items (equipment, formats) the entities point at.
pub fn library_used(entities: &[Entity]) -> HashSet<Uuid> {
    entities
        .iter()
        .flat_map(|e| e.kind.fields.iter().zip(&e.values))
        .filter(|(def, _)| matches!(def.ty, FieldType::Library(_)))
        .filter_map(|(_, v)| v.as_str().and_then(|s| Uuid::parse_str(s).ok()))
        .collect()
}

/// The file for a production, its entities, its members and the library items used.
pub fn export(
    production: &Entity,
    entities: &[Entity],
    members: &[Member],
    library: &[Entity],
    exported_at: &str,
) -> Value {
    let mut by_path: Map<String, Value> = Map::new();
    for kind in catalog::PRODUCTION_ENTITIES {
        let items: Vec<Value> = entities.iter().filter(|e| e.kind == *kind).map(body).collect();
        if !items.is_empty() {
            by_path.insert(kind.path.into(), Value::Array(items));
        }
    }
    let members: Vec<Value> = members.iter().map(|m| json!({"userId": m.user_id, "role": m.role})).collect();
    let mut items: Map<String, Value> = Map::new();
    for kind in catalog::LIBRARIES {
        let of_kind: Vec<Value> = library.iter().filter(|e| e.kind == *kind).map(body).collect();
        items.insert(kind.path.into(), Value::Array(of_kind));
    }
    json!({"format": FORMAT, "version": VERSION, "exportedAt": exported_at, "production": body(production),
        "entities": by_path, "members": members, "library": items})
}

/// A checklist as at the start of a show: nothing done yet.
pub fn reset_checklist(entities: &mut [Entity]) {
    for e in entities.iter_mut().filter(|e| e.kind == &catalog::CHECKLIST_ITEM) {
        if let Some(i) = e.kind.field_index("completed") {
            e.values[i] = json!(false);
        }
    }
}

/// Whether ids are kept (a backup restored, a hand-over) or renewed (a copy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ids {
    Keep,
    New,
}

/// What to write: the production, then its entities in an order where every reference
/// points at something already written, then its members.
#[derive(Debug)]
pub struct Plan {
    pub production_id: Uuid,
    pub production: CreateInput,
    pub entities: Vec<(&'static EntityKind, CreateInput)>,
    pub members: Vec<(String, Role)>,
    /// Library items the file brings (ids kept: the same item on every server).
    pub library: Vec<(&'static EntityKind, CreateInput)>,
}

impl Plan {
    /// The plan as one batch: the production (whose creator becomes its owner), the
    /// library items this server lacks (`held` are the ids it has), its entities, and the
    /// other members (`creator` is owner already).
    pub fn into_commands(
        self,
        creator: Option<&str>,
        held: &HashSet<Uuid>,
    ) -> Vec<Result<crate::command::Command, crate::SyncError>> {
        use crate::command::Command;
        let Plan { production_id, production, entities, members, library } = self;
        let mut commands = Vec::with_capacity(entities.len() + members.len() + library.len() + 1);
        commands.push(Ok(Command::Create { kind: &PRODUCTION, production: None, input: production }));
        for (kind, input) in library.into_iter().filter(|(_, i)| i.id.is_some_and(|id| !held.contains(&id))) {
            commands.push(Ok(Command::CreateLibrary { kind, input }));
        }
        for (kind, input) in entities {
            commands.push(Ok(Command::Create { kind, production: Some(production_id), input }));
        }
        for (user, role) in members.into_iter().filter(|(u, _)| Some(u.as_str()) != creator) {
            commands.push(Ok(Command::SetMember { production: production_id, user, role }));
        }
        commands
    }
}

/// One entity of a file, located for error messages (`entities.cameras[3]`).
struct Item {
    kind: &'static EntityKind,
    at: String,
    body: Map<String, Value>,
}

fn problem(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> ValidationError {
    ValidationError { errors: vec![FieldError { field: field.into(), code, message: message.into() }] }
}

fn id_of(item: &Map<String, Value>, at: &str) -> Result<Uuid, ValidationError> {
    item.get("id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| problem(format!("{at}.id"), ErrorCode::InvalidUuid, format!("{at}.id must be a UUID")))
}

/// Reads a file into a plan; any problem is named by where it is, and nothing is planned.
pub fn plan_import(file: &Value, ids: Ids, fresh: &mut dyn FnMut() -> Uuid) -> Result<Plan, ValidationError> {
    if file.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(problem("format", ErrorCode::InvalidValue, format!("format must be {FORMAT:?}")));
    }
    match file.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        other => {
            let got = other.map_or("none".to_owned(), |v| v.to_string());
            return Err(problem(
                "version",
                ErrorCode::InvalidValue,
                format!("this server reads version {VERSION} files; this one is version {got}"),
            ));
        }
    }
    let production = file
        .get("production")
        .and_then(Value::as_object)
        .ok_or_else(|| problem("production", ErrorCode::MissingField, "production must be an object"))?;
    let mut items = Vec::new();
    let entities = match file.get("entities") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(problem("entities", ErrorCode::InvalidType, "entities must be an object")),
    };
    for (path, list) in &entities {
        let kind = catalog::by_path(path).ok_or_else(|| {
            problem(
                format!("entities.{path}"),
                ErrorCode::UnknownField,
                format!("{path} is not an entity type"),
            )
        })?;
        let list = list.as_array().ok_or_else(|| {
            problem(
                format!("entities.{path}"),
                ErrorCode::InvalidType,
                format!("entities.{path} must be a list"),
            )
        })?;
        for (i, v) in list.iter().enumerate() {
            let at = format!("entities.{path}[{i}]");
            let body = v.as_object().cloned().ok_or_else(|| {
                problem(at.clone(), ErrorCode::InvalidType, format!("{at} must be an object"))
            })?;
            items.push(Item { kind, at, body });
        }
    }
    if items.len() > MAX_ENTITIES {
        return Err(problem(
            "entities",
            ErrorCode::TooMany,
            format!("at most {MAX_ENTITIES} entities per file"),
        ));
    }
    let members = members(file.get("members"))?;
    let library = library_items(file.get("library"))?;
    let mut planned = plan(production.clone(), items, members, ids, fresh)?;
    planned.library = library;
    Ok(planned)
}

/// The file's library items, each checked as a library create is.
fn library_items(raw: Option<&Value>) -> Result<Vec<(&'static EntityKind, CreateInput)>, ValidationError> {
    let Some(raw) = raw.filter(|v| !v.is_null()) else { return Ok(Vec::new()) };
    let lists = raw
        .as_object()
        .ok_or_else(|| problem("library", ErrorCode::InvalidType, "library must be an object"))?;
    let mut out = Vec::new();
    for (path, list) in lists {
        let at = format!("library.{path}");
        let kind = catalog::LIBRARIES.iter().copied().find(|k| k.path == path).ok_or_else(|| {
            problem(
                at.clone(),
                ErrorCode::UnknownField,
                format!("{path} is not a library (equipment, formats)"),
            )
        })?;
        let list = list
            .as_array()
            .ok_or_else(|| problem(at.clone(), ErrorCode::InvalidType, format!("{at} must be a list")))?;
        for (i, item) in list.iter().enumerate() {
            let at = format!("{at}[{i}]");
            let body = item.as_object().ok_or_else(|| {
                problem(at.clone(), ErrorCode::InvalidType, format!("{at} must be an object"))
            })?;
            id_of(body, &at)?;
            let input = parse_create(kind, item).map_err(|e| located(e, &at))?;
            crate::library::validate(kind, &input.patch.0).map_err(|e| located(e, &at))?;
            out.push((kind, input));
        }
    }
    Ok(out)
}

fn members(raw: Option<&Value>) -> Result<Vec<(String, Role)>, ValidationError> {
    let Some(list) = raw.filter(|v| !v.is_null()) else { return Ok(Vec::new()) };
    let list = list
        .as_array()
        .ok_or_else(|| problem("members", ErrorCode::InvalidType, "members must be a list"))?;
    list.iter()
        .enumerate()
        .map(|(i, m)| {
            let user =
                m.get("userId").and_then(Value::as_str).filter(|u| crate::access::is_valid_user_text(u));
            let role = m.get("role").cloned().and_then(|r| serde_json::from_value::<Role>(r).ok());
            match (user, role) {
                (Some(u), Some(r)) => Ok((u.to_owned(), r)),
                _ => Err(problem(
                    format!("members[{i}]"),
                    ErrorCode::InvalidValue,
                    "a member is {\"userId\": <printable text>, \"role\": \"owner\"|\"editor\"|\"viewer\"}",
                )),
            }
        })
        .collect()
}

/// A copy of a production: the entities of the `include`d types (all when `None`), with new
/// ids. A reference to an entity left out is cleared when optional; an entity whose
/// required reference is left out is left out too (the same rule as a delete).
pub fn plan_copy(
    production: &Entity,
    entities: &[Entity],
    include: Option<&[&'static EntityKind]>,
    changes: &Map<String, Value>,
    fresh: &mut dyn FnMut() -> Uuid,
) -> Result<Plan, ValidationError> {
    let chosen: Vec<&Entity> =
        entities.iter().filter(|e| include.is_none_or(|kinds| kinds.contains(&e.kind))).collect();
    let present: HashSet<Uuid> = chosen.iter().map(|e| e.id).collect();
    let kept = keep_complete(&chosen, present);
    let mut items = Vec::new();
    for e in chosen.into_iter().filter(|e| kept.contains(&e.id)) {
        let Value::Object(mut body) = body(e) else { continue };
        for def in e.kind.fields {
            let points_out = matches!(def.ty, FieldType::Ref(_))
                && body
                    .get(def.name)
                    .and_then(Value::as_str)
                    .and_then(|s| Uuid::parse_str(s).ok())
                    .is_some_and(|t| !kept.contains(&t));
            if points_out {
                body.remove(def.name);
            }
        }
        items.push(Item { kind: e.kind, at: format!("{}:{}", e.kind.path, e.id), body });
    }
    let Value::Object(mut production) = body(production) else { unreachable!("a body is an object") };
    for (k, v) in changes {
        production.insert(k.clone(), v.clone());
    }
    plan(production, items, Vec::new(), Ids::New, fresh)
}

/// The entities that survive leaving some out: one whose required reference points at an
/// entity not present goes too, and so on, until nothing changes.
fn keep_complete(chosen: &[&Entity], mut present: HashSet<Uuid>) -> HashSet<Uuid> {
    loop {
        let before = present.len();
        for e in chosen {
            let orphan = e.kind.fields.iter().zip(&e.values).any(|(def, v)| {
                let target = v.as_str().and_then(|s| Uuid::parse_str(s).ok());
                matches!(def.ty, FieldType::Ref(_))
                    && on_target_deleted(def) == OnTargetDeleted::DeleteReferrer
                    && target.is_some_and(|t| !present.contains(&t))
            });
            if orphan {
                present.remove(&e.id);
            }
        }
        if present.len() == before {
            return present;
        }
    }
}

fn plan(
    mut production: Map<String, Value>,
    items: Vec<Item>,
    members: Vec<(String, Role)>,
    ids: Ids,
    fresh: &mut dyn FnMut() -> Uuid,
) -> Result<Plan, ValidationError> {
    let old_production = id_of(&production, "production")?;
    // Every id of the set, old -> new, with the type that holds it.
    let mut map: HashMap<Uuid, (Uuid, &'static EntityKind)> = HashMap::new();
    let mut renew = |old: Uuid| if ids == Ids::New { fresh() } else { old };
    let production_id = renew(old_production);
    for item in &items {
        let old = id_of(&item.body, &item.at)?;
        if map.insert(old, (renew(old), item.kind)).is_some() {
            return Err(problem(
                format!("{}.id", item.at),
                ErrorCode::DuplicateValue,
                format!("{old} is in the file twice"),
            ));
        }
    }
    production.insert("id".into(), json!(production_id));
    let production =
        parse_create(&PRODUCTION, &Value::Object(production)).map_err(|e| located(e, "production"))?;
    let mut planned = Vec::with_capacity(items.len());
    for mut item in items {
        remap(&mut item, &map)?;
        let input = parse_create(item.kind, &Value::Object(item.body)).map_err(|e| located(e, &item.at))?;
        planned.push((item.kind, input));
    }
    Ok(Plan {
        production_id,
        production,
        entities: in_dependency_order(planned)?,
        members,
        library: Vec::new(),
    })
}

fn located(mut e: ValidationError, at: &str) -> ValidationError {
    for f in &mut e.errors {
        f.field = format!("{at}.{}", f.field);
    }
    e
}

/// Renews the item's id and every id it holds that names an entity of the set; a
/// reference to an entity of this production that is not in the set is an error.
fn remap(item: &mut Item, map: &HashMap<Uuid, (Uuid, &'static EntityKind)>) -> Result<(), ValidationError> {
    for key in std::iter::once("id").chain(item.kind.fields.iter().map(|f| f.name)) {
        let ty = item.kind.field_index(key).map(|i| item.kind.fields[i].ty);
        let Some(old) = item.body.get(key).and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok())
        else {
            continue;
        };
        match (map.get(&old), ty) {
            (Some((_, kind)), Some(FieldType::Ref(target))) if kind.name != target => {
                return Err(problem(
                    format!("{}.{key}", item.at),
                    ErrorCode::InvalidReference,
                    format!("{key} names a {}, not a {target}", kind.name),
                ));
            }
            (Some((new, _)), _) => {
                item.body.insert(key.into(), json!(new));
            }
            (None, Some(FieldType::Ref(target))) => {
                return Err(problem(
                    format!("{}.{key}", item.at),
                    ErrorCode::InvalidReference,
                    format!("{key} names a {target} that is not in the file"),
                ));
            }
            // A library item, or a free UUID: kept as it is.
            (None, _) => {}
        }
    }
    Ok(())
}

/// Creates ordered so that each entity comes after what it references (in the set).
fn in_dependency_order(
    planned: Vec<(&'static EntityKind, CreateInput)>,
) -> Result<Vec<(&'static EntityKind, CreateInput)>, ValidationError> {
    let ids: HashSet<Uuid> = planned.iter().filter_map(|(_, i)| i.id).collect();
    let mut done: HashSet<Uuid> = HashSet::new();
    let mut left = planned;
    let mut ordered = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let (ready, waiting): (Vec<_>, Vec<_>) = left.into_iter().partition(|(kind, input)| {
            input.patch.0.iter().all(|(i, v)| {
                let target = v.as_str().and_then(|s| Uuid::parse_str(s).ok());
                !matches!(kind.fields[*i].ty, FieldType::Ref(_) | FieldType::Uuid)
                    || target.is_none_or(|t| !ids.contains(&t) || done.contains(&t) || Some(t) == input.id)
            })
        });
        if ready.is_empty() {
            return Err(problem(
                "entities",
                ErrorCode::InvalidReference,
                "the file's references form a cycle",
            ));
        }
        done.extend(ready.iter().filter_map(|(_, i)| i.id));
        ordered.extend(ready);
        left = waiting;
    }
    Ok(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(entities: Value) -> Value {
        json!({"format": FORMAT, "version": 1, "production": {"id": Uuid::from_u128(1), "showName": "Gala", "client": "ACME"},
            "entities": entities})
    }

    fn with_library(library: Value) -> Value {
        let mut f = file(json!({}));
        f["library"] = library;
        f
    }

    fn counter() -> impl FnMut() -> Uuid {
        let mut n = 1000u128;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

    #[test]
    fn new_ids_are_given_and_every_reference_follows() {
        let (ccu, cam) = (Uuid::from_u128(10), Uuid::from_u128(11));
        let f = file(json!({
            "cameras": [{"id": cam, "name": "Cam 1", "ccuId": ccu}],
            "ccus": [{"id": ccu, "name": "CCU 1"}],
        }));
        let plan = plan_import(&f, Ids::New, &mut counter()).unwrap();
        assert_ne!(plan.production_id, Uuid::from_u128(1));
        let names: Vec<&str> = plan.entities.iter().map(|(k, _)| k.name).collect();
        assert_eq!(names, ["ccu", "camera"], "the CCU is created before the camera that points at it");
        let new_ccu = plan.entities[0].1.id.unwrap();
        let cam_input = &plan.entities[1].1;
        let ccu_field = catalog::CAMERA.field_index("ccuId").unwrap();
        let points = cam_input.patch.0.iter().find(|(i, _)| *i == ccu_field).map(|(_, v)| v.clone());
        assert_eq!(points, Some(json!(new_ccu)));
        assert_ne!(new_ccu, ccu);
    }

    #[test]
    fn kept_ids_stay() {
        let ccu = Uuid::from_u128(10);
        let plan =
            plan_import(&file(json!({"ccus": [{"id": ccu, "name": "CCU 1"}]})), Ids::Keep, &mut counter())
                .unwrap();
        assert_eq!((plan.production_id, plan.entities[0].1.id), (Uuid::from_u128(1), Some(ccu)));
    }

    #[test]
    fn bad_files_are_refused_naming_the_problem() {
        let missing_target = file(
            json!({"cameras": [{"id": Uuid::from_u128(11), "name": "Cam", "ccuId": Uuid::from_u128(99)}]}),
        );
        let wrong_version = json!({"format": FORMAT, "version": 2, "production": {}});
        let table: Vec<(Value, &str, ErrorCode)> = vec![
            (missing_target, "entities.cameras[0].ccuId", ErrorCode::InvalidReference),
            (wrong_version, "version", ErrorCode::InvalidValue),
            (json!({"format": "zip"}), "format", ErrorCode::InvalidValue),
            (file(json!({"robots": []})), "entities.robots", ErrorCode::UnknownField),
            (with_library(json!({"robots": []})), "library.robots", ErrorCode::UnknownField),
            (
                with_library(
                    json!({"equipment": [{"id": Uuid::from_u128(7), "model": "X1", "category": "camera"}]}),
                ),
                "library.equipment[0].manufacturer",
                ErrorCode::MissingField,
            ),
            (
                file(json!({"cameras": [{"id": "x", "name": "Cam"}]})),
                "entities.cameras[0].id",
                ErrorCode::InvalidUuid,
            ),
            (
                file(json!({"cameras": [{"id": Uuid::from_u128(5)}]})),
                "entities.cameras[0].name",
                ErrorCode::MissingField,
            ),
            (
                file(
                    json!({"ccus": [{"id": Uuid::from_u128(5), "name": "a"}, {"id": Uuid::from_u128(5), "name": "b"}]}),
                ),
                "entities.ccus[1].id",
                ErrorCode::DuplicateValue,
            ),
        ];
        for (f, field, code) in table {
            let e = plan_import(&f, Ids::New, &mut counter()).unwrap_err();
            assert_eq!((e.errors[0].field.as_str(), e.errors[0].code), (field, code), "{f}");
        }
    }
}
