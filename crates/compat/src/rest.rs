//! The original app's REST routes under `/compat/api`, translated onto our commands.
//! Per type: `GET /<type>/production/:pid`, `GET|PUT|DELETE /<type>/:uuid`,
//! `POST /<type>` with `productionId` in the body. Plus productions, settings, the
//! libraries and `/health`, in the original's shapes.

use prodsync_domain::{EntityId, ProductionId};
use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use prodsync_app::access::actor;
use prodsync_app::{Problem, Receipted};
use prodsync_domain::access::{GlobalOperation, Identity, Operation};
use prodsync_domain::catalog::{self, PRODUCTION, SOURCE, SOURCE_OUTPUT};
use prodsync_domain::command::{Atomicity, Command, Outcome};
use prodsync_domain::settings::{parse_value, Lookup, LookupChange};
use prodsync_domain::{parse_create, parse_update, Entity, EntityKind, ErrorCode, SyncError};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::CompatError;
use crate::ids::{new_production_id, production_original, production_uuid};
use crate::shapes::{self, from_original, route, to_original, Labels, Route};
use crate::CompatState;

pub(crate) type Result<T> = std::result::Result<T, CompatError>;
type State = web::Data<CompatState>;

/// Whatever no route below matches: the original's own 404.
async fn no_route() -> Result<HttpResponse> {
    Err(CompatError::no_route())
}

pub fn scope() -> actix_web::Scope {
    web::scope("/compat/api")
        .default_service(web::to(no_route))
        .route("/health", web::get().to(health))
        .route("/productions", web::get().to(list_productions))
        .route("/productions", web::post().to(create_production))
        .service(
            web::resource("/productions/{id}")
                .route(web::get().to(get_production))
                .route(web::put().to(update_production))
                .route(web::delete().to(delete_production)),
        )
        .route("/equipment", web::get().to(list_equipment))
        .route("/formats", web::get().to(list_formats))
        .route("/settings", web::get().to(all_settings))
        .route("/settings/{name}", web::get().to(get_setting))
        .route("/settings/{name}", web::post().to(post_setting))
        .route("/settings/{name}", web::delete().to(delete_setting))
        .route("/settings/{list}/reorder", web::put().to(reorder_lookup))
        .route("/settings/{list}/restore-defaults", web::post().to(restore_lookup))
        .route("/settings/{list}/{value}", web::delete().to(remove_lookup))
        .configure(crate::ports::routes)
        .route("/{segment}/production/{pid}", web::get().to(list_entities))
        .route("/{segment}", web::post().to(create_entity))
        .service(
            web::resource("/{segment}/{uuid}")
                .route(web::get().to(get_entity))
                .route(web::put().to(update_entity))
                .route(web::delete().to(delete_entity)),
        )
}

/// Who calls: a token, or (on a trusted network) `X-User-Id`, or the `userId`/`userName`
/// the original app puts in its bodies.
pub(crate) fn caller(state: &CompatState, req: &HttpRequest, body: Option<&Value>) -> Result<Identity> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let bearer = header("authorization").and_then(prodsync_app::bearer);
    let from_body = |k: &str| {
        if state.auth.requires_token() {
            None
        } else {
            body.and_then(|b| b.get(k)).and_then(Value::as_str)
        }
    };
    let user_id = header("x-user-id").or_else(|| from_body("userId"));
    let user_name = header("x-user-name").or_else(|| from_body("userName"));
    Ok(state.auth.identify(&prodsync_app::Credentials { bearer, user_id, user_name })?)
}

/// One command, run by the application layer (spawned, published, counted).
pub(crate) async fn run(state: &CompatState, command: Command, who: &Identity) -> Result<Outcome> {
    Ok(state.app.execute(command, actor(who), None).await.now()?)
}

/// Several commands as one transaction (a source and its outputs), published after.
pub(crate) async fn run_batch(
    state: &CompatState,
    commands: Vec<std::result::Result<Command, SyncError>>,
    who: &Identity,
) -> Result<Outcome> {
    Ok(state.app.execute_batch(commands, Atomicity::All, actor(who), None).await.now()?)
}

/// The access check, as the original's pages can read it: a production the caller may
/// not see is one that does not exist.
pub(crate) async fn authorize(
    state: &CompatState,
    who: &Identity,
    production: Uuid,
    op: Operation,
) -> Result<()> {
    state.app.authorize(who, ProductionId(production), op).await?;
    Ok(())
}

pub(crate) fn segment(raw: &str) -> Result<&'static Route> {
    route(raw).ok_or_else(CompatError::no_route)
}

pub(crate) fn parse_uuid(raw: &str, what: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| CompatError::not_found(format!("{what} not found")))
}

async fn health() -> HttpResponse {
    let now = prodsync_domain::field::format_timestamp(time::OffsetDateTime::now_utc());
    HttpResponse::Ok().json(
        json!({"status": "ok", "timestamp": now, "server": "prodsync", "version": env!("CARGO_PKG_VERSION")}),
    )
}

// ---- productions ------------------------------------------------------------------

fn production_json(p: &Entity) -> Value {
    let display = p.value("displayId").and_then(Value::as_str);
    to_original(&PRODUCTION, &p.to_json(), &production_original(p.id, display), &Labels::new())
}

/// The original id of a production, for entities of it.
pub(crate) async fn production_label(state: &CompatState, id: Uuid) -> String {
    match state.entities.get(&PRODUCTION, ProductionId(id), EntityId(id)).await {
        Ok(p) => production_original(id, p.value("displayId").and_then(Value::as_str)),
        Err(_) => id.to_string(),
    }
}

/// Productions the caller may see, read in pages of the shared scope rule.
const PAGE: i64 = 500;

async fn list_productions(state: State, req: HttpRequest) -> Result<HttpResponse> {
    let who = caller(&state, &req, None)?;
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = state.app.productions(&who, after, PAGE).await?;
        all.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    all.sort_by_key(|p| std::cmp::Reverse(p.created_at));
    Ok(HttpResponse::Ok().json(all.iter().map(production_json).collect::<Vec<_>>()))
}

async fn create_production(state: State, req: HttpRequest, body: web::Json<Value>) -> Result<HttpResponse> {
    let who = caller(&state, &req, Some(&body))?;
    let (mut ours, _) = from_original(&PRODUCTION, &body);
    let display = match ours.get("displayId").and_then(Value::as_str) {
        Some(d) => d.to_owned(),
        None => {
            let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
            new_production_id(now as u128, Uuid::new_v4().as_u128() as u64)
        }
    };
    ours["displayId"] = Value::from(display.as_str());
    ours["id"] = Value::from(production_uuid(&display).to_string());
    if ours.get("client").is_none() {
        ours["client"] = Value::from("");
    }
    if ours.get("sourceTypes").is_none() {
        ours["sourceTypes"] = json!(Lookup::SourceTypes.defaults());
    }
    let input = parse_create(&PRODUCTION, &ours)?;
    let out = run(&state, Command::Create { kind: &PRODUCTION, production: None, input }, &who).await?;
    let Outcome::Written(w) = out else { return Err(unexpected()) };
    Ok(HttpResponse::Created().json(production_json(&w.entity)))
}

async fn get_production(state: State, req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse> {
    let who = caller(&state, &req, None)?;
    let id = production_uuid(&path);
    authorize(&state, &who, id, Operation::Read).await?;
    let p = state
        .entities
        .get(&PRODUCTION, ProductionId(id), EntityId(id))
        .await
        .map_err(|_| CompatError::not_found("Production not found"))?;
    Ok(HttpResponse::Ok().json(production_json(&p)))
}

async fn update_production(
    state: State,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse> {
    let who = caller(&state, &req, Some(&body))?;
    let id = production_uuid(&path);
    authorize(&state, &who, id, Operation::ManageProduction).await?;
    let (mut ours, _) = from_original(&PRODUCTION, &body);
    strip_ids(&mut ours);
    let input = parse_update(&PRODUCTION, &ours)?;
    let out = run(&state, Command::Update { kind: &PRODUCTION, production: id, id, input }, &who).await?;
    let Outcome::Updated(u) = out else { return Err(unexpected()) };
    Ok(HttpResponse::Ok().json(production_json(&u.entity)))
}

async fn delete_production(state: State, req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse> {
    let who = caller(&state, &req, None)?;
    let id = production_uuid(&path);
    authorize(&state, &who, id, Operation::ManageProduction).await?;
    run(&state, Command::Delete { kind: &PRODUCTION, production: id, id }, &who).await?;
    Ok(HttpResponse::Ok().json(json!({"success": true})))
}

/// An update names its entity by the path: ids in the body (the original echoes them)
/// are not a change.
fn strip_ids(ours: &mut Value) {
    if let Some(o) = ours.as_object_mut() {
        o.remove("id");
    }
}

fn unexpected() -> CompatError {
    Problem::internal("a command answered with another command's outcome").into()
}

// ---- entities ---------------------------------------------------------------------

/// Display ids of every entity the kind's references can point at, in one production.
pub(crate) async fn labels(state: &CompatState, kind: &EntityKind, production: Uuid) -> Result<Labels> {
    let mut labels = Labels::new();
    for (_, target) in kind.references() {
        let Some(target) = catalog::by_name(target) else { continue };
        for e in state.entities.list(target, Some(ProductionId(production))).await? {
            if let Some(d) = e.value("displayId").and_then(Value::as_str) {
                labels.insert(e.id, d.to_owned());
            }
        }
    }
    Ok(labels)
}

/// One entity as the original shows it; a source with its `outputs`.
fn entity_json(route: &Route, e: &Entity, production: &str, labels: &Labels, outputs: &[Entity]) -> Value {
    let mut v = to_original(route.kind, &e.to_json(), production, labels);
    if route.kind == &SOURCE {
        let mut mine: Vec<&Entity> =
            outputs.iter().filter(|o| o.value("sourceId") == Some(&json!(e.id))).collect();
        mine.sort_by_key(|o| o.value("outputIndex").and_then(Value::as_i64).unwrap_or(0));
        let mut out_labels = labels.clone();
        if let Some(d) = e.value("displayId").and_then(Value::as_str) {
            out_labels.insert(e.id, d.to_owned());
        }
        v["outputs"] =
            mine.iter().map(|o| to_original(&SOURCE_OUTPUT, &o.to_json(), production, &out_labels)).collect();
    }
    v
}

async fn outputs_of(state: &CompatState, kind: &EntityKind, production: Uuid) -> Result<Vec<Entity>> {
    if kind == &SOURCE {
        return Ok(state.entities.list(&SOURCE_OUTPUT, Some(ProductionId(production))).await?);
    }
    Ok(Vec::new())
}

async fn list_entities(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (seg, pid) = path.into_inner();
    let route = segment(&seg)?;
    let who = caller(&state, &req, None)?;
    let production = production_uuid(&pid);
    // The original answers an unknown production with an empty list (its pages poll it);
    // one the caller may not see is the same to them.
    let listed = match authorize(&state, &who, production, Operation::Read).await {
        Ok(()) => {
            state.entities.list(route.kind, Some(ProductionId(production))).await.map_err(CompatError::from)
        }
        Err(e) => Err(e),
    };
    let all = match listed {
        Err(e) if e.is_missing_production() => return Ok(HttpResponse::Ok().json(json!([]))),
        other => other?,
    };
    let labels = labels(&state, route.kind, production).await?;
    let outputs = outputs_of(&state, route.kind, production).await?;
    let shown = all
        .iter()
        .filter(|e| route.holds_entity(e))
        .map(|e| entity_json(route, e, &pid, &labels, &outputs))
        .collect::<Vec<_>>();
    Ok(HttpResponse::Ok().json(shown))
}

/// The entity and the original id of its production, if the caller may see it.
async fn locate(
    state: &CompatState,
    who: &Identity,
    route: &Route,
    raw: &str,
    op: Operation,
) -> Result<(Entity, String)> {
    let missing = || CompatError::not_found(format!("{} not found", route.entity_type));
    let id = parse_uuid(raw, route.entity_type)?;
    let e = state.entities.find(route.kind, EntityId(id)).await.map_err(|e| match e {
        SyncError::NotFound { .. } => missing(),
        other => other.into(),
    })?;
    if !route.holds_entity(&e) {
        return Err(missing());
    }
    // Not a member: no such entity. A member without the role: 403, as on /api.
    authorize(state, who, e.production_id, op).await.map_err(|e| match e.status() {
        404 => missing(),
        _ => e,
    })?;
    let label = production_label(state, e.production_id).await;
    Ok((e, label))
}

async fn get_entity(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (seg, raw) = path.into_inner();
    let route = segment(&seg)?;
    let who = caller(&state, &req, None)?;
    let (e, production) = locate(&state, &who, route, &raw, Operation::Read).await?;
    Ok(HttpResponse::Ok().json(shown(&state, route, &e, &production).await?))
}

/// An entity as the original shows it, references by display id and a source's outputs.
async fn shown(state: &CompatState, route: &Route, e: &Entity, production: &str) -> Result<Value> {
    let labels = labels(state, route.kind, e.production_id).await?;
    let outputs = outputs_of(state, route.kind, e.production_id).await?;
    Ok(entity_json(route, e, production, &labels, &outputs))
}

/// Resolves references the original gave as display ids ("CCU 1") to UUIDs.
async fn resolve(
    state: &CompatState,
    production: Uuid,
    ours: &mut Value,
    unresolved: Vec<shapes::Unresolved>,
) -> Result<()> {
    let mut cache: HashMap<&str, Vec<Entity>> = HashMap::new();
    for u in unresolved {
        let Some(target) = catalog::by_name(u.target) else { continue };
        if !cache.contains_key(u.target) {
            cache.insert(u.target, state.entities.list(target, Some(ProductionId(production))).await?);
        }
        let found = cache[u.target]
            .iter()
            .find(|e| e.value("displayId").and_then(Value::as_str) == Some(u.label.as_str()));
        match found {
            Some(e) => ours[u.field] = json!(e.id),
            None => return Err(SyncError::InvalidReference { field: u.field, target: u.target }.into()),
        }
    }
    Ok(())
}

async fn create_entity(
    state: State,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse> {
    let route = segment(&path)?;
    let who = caller(&state, &req, Some(&body))?;
    let pid = body.get("productionId").and_then(Value::as_str).ok_or_else(|| {
        CompatError::bad_request(ErrorCode::MissingField, "productionId", "productionId is required")
    })?;
    let production = production_uuid(pid);
    // A production the server does not have (or the caller may not see): the original's
    // own answer, which its pages read to say the show is not synced.
    authorize(&state, &who, production, Operation::Edit).await.map_err(|e| e.for_create_in(pid))?;
    let (mut ours, unresolved) = from_original(route.kind, &body);
    resolve(&state, production, &mut ours, unresolved).await?;
    if let Some((field, value)) = route.pin {
        ours[field] = Value::from(value);
    }
    let id = *ours
        .get("id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
        .get_or_insert_with(Uuid::new_v4);
    ours["id"] = json!(id);
    let mut commands = vec![Ok(Command::Create {
        kind: route.kind,
        production: Some(production),
        input: parse_create(route.kind, &ours)?,
    })];
    if route.kind == &SOURCE {
        commands.extend(output_creates(&body, id, production)?);
    }
    run_batch(&state, commands, &who).await.map_err(|e| e.for_create_in(pid))?;
    let e = state.entities.get(route.kind, ProductionId(production), EntityId(id)).await?;
    Ok(HttpResponse::Created().json(shown(&state, route, &e, pid).await?))
}

/// A source's `outputs` array, as creates of its outputs.
fn output_creates(
    body: &Value,
    source: Uuid,
    production: Uuid,
) -> Result<Vec<std::result::Result<Command, SyncError>>> {
    let Some(outputs) = body.get("outputs").and_then(Value::as_array) else { return Ok(Vec::new()) };
    outputs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let (mut ours, _) = from_original(&SOURCE_OUTPUT, o);
            ours.as_object_mut().map(|m| m.remove("id"));
            ours["sourceId"] = json!(source);
            if ours.get("outputIndex").is_none_or(Value::is_null) {
                ours["outputIndex"] = json!(i + 1);
            }
            if ours.get("connector").is_none_or(Value::is_null) {
                ours["connector"] = json!("HDMI");
            }
            let input = parse_create(&SOURCE_OUTPUT, &ours)?;
            Ok(Ok(Command::Create { kind: &SOURCE_OUTPUT, production: Some(production), input }))
        })
        .collect()
}

async fn update_entity(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<Value>,
) -> Result<HttpResponse> {
    let (seg, raw) = path.into_inner();
    let route = segment(&seg)?;
    let who = caller(&state, &req, Some(&body))?;
    let (e, production) = locate(&state, &who, route, &raw, Operation::Edit).await?;
    let (mut ours, unresolved) = from_original(route.kind, &body);
    resolve(&state, e.production_id, &mut ours, unresolved).await?;
    if let Some(o) = ours.as_object_mut() {
        o.remove("id");
    }
    let mut commands = vec![Ok(Command::Update {
        kind: route.kind,
        production: e.production_id,
        id: e.id,
        input: parse_update(route.kind, &ours)?,
    })];
    if route.kind == &SOURCE && body.get("outputs").is_some_and(Value::is_array) {
        // The original replaces a source's outputs with the list it sends.
        for old in outputs_of(&state, route.kind, e.production_id).await? {
            if old.value("sourceId") == Some(&json!(e.id)) {
                commands.push(Ok(Command::Delete {
                    kind: &SOURCE_OUTPUT,
                    production: e.production_id,
                    id: old.id,
                }));
            }
        }
        commands.extend(output_creates(&body, e.id, e.production_id)?);
    }
    run_batch(&state, commands, &who).await?;
    let now = state.entities.get(route.kind, ProductionId(e.production_id), EntityId(e.id)).await?;
    Ok(HttpResponse::Ok().json(shown(&state, route, &now, &production).await?))
}

async fn delete_entity(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (seg, raw) = path.into_inner();
    let route = segment(&seg)?;
    let who = caller(&state, &req, None)?;
    let (e, _) = locate(&state, &who, route, &raw, Operation::Edit).await?;
    run(&state, Command::Delete { kind: route.kind, production: e.production_id, id: e.id }, &who).await?;
    Ok(HttpResponse::Ok().json(json!({"success": true})))
}

// ---- libraries and settings ---------------------------------------------------------

fn global(
    state: &CompatState,
    req: &HttpRequest,
    body: Option<&Value>,
    op: GlobalOperation,
) -> Result<Identity> {
    let who = caller(state, req, body)?;
    prodsync_app::access::authorize_global(&who, op)?;
    Ok(who)
}

fn library_json(kind: &EntityKind, e: &Entity) -> Value {
    let mut v = e.to_json();
    let uuid = v["id"].clone();
    v["uuid"] = uuid.clone();
    v["id"] = v.get("displayId").filter(|d| d.is_string()).cloned().unwrap_or(uuid);
    if kind == &prodsync_domain::format::FORMAT {
        let b = v["blanking"].as_str().map(|b| {
            if b == "none" {
                "NONE".to_owned()
            } else {
                format!("RBv{}", &b[3..])
            }
        });
        v["blanking"] = json!(b.unwrap_or_else(|| "NONE".into()));
    }
    if let Some(o) = v.as_object_mut() {
        o.remove("displayId");
    }
    v
}

async fn list_equipment(state: State, req: HttpRequest) -> Result<HttpResponse> {
    global(&state, &req, None, GlobalOperation::ReadLibrary)?;
    let kind = &prodsync_domain::equipment::EQUIPMENT;
    let items = state.library.list(kind).await?;
    let shown = items.iter().filter(|e| e.value("archived") != Some(&json!(true)));
    Ok(HttpResponse::Ok().json(shown.map(|e| library_json(kind, e)).collect::<Vec<_>>()))
}

async fn list_formats(state: State, req: HttpRequest) -> Result<HttpResponse> {
    global(&state, &req, None, GlobalOperation::ReadLibrary)?;
    let kind = &prodsync_domain::format::FORMAT;
    let items = state.library.list(kind).await?;
    Ok(HttpResponse::Ok().json(items.iter().map(|e| library_json(kind, e)).collect::<Vec<_>>()))
}

/// The original's names for the lookup lists' body keys in a reorder.
fn reorder_key(l: Lookup) -> &'static str {
    match l {
        Lookup::ConnectorTypes | Lookup::SourceTypes => "types",
        Lookup::FrameRates => "rates",
        Lookup::Resolutions => "resolutions",
    }
}

/// A lookup change, run and announced as every settings write is (the shared command).
async fn change_lookup(
    state: &CompatState,
    who: &Identity,
    lookup: Lookup,
    change: LookupChange,
) -> Result<Vec<String>> {
    match run(state, Command::ChangeLookup { lookup, change }, who).await? {
        Outcome::Lookup { values, .. } => Ok(values),
        _ => Err(unexpected()),
    }
}

async fn all_settings(state: State, req: HttpRequest) -> Result<HttpResponse> {
    global(&state, &req, None, GlobalOperation::ReadLibrary)?;
    let all = state.settings.all().await?;
    let map: serde_json::Map<String, Value> = all.into_iter().map(|s| (s.key, s.value)).collect();
    Ok(HttpResponse::Ok().json(map))
}

async fn get_setting(state: State, req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse> {
    global(&state, &req, None, GlobalOperation::ReadLibrary)?;
    if let Some(lookup) = Lookup::from_path(&path) {
        return Ok(HttpResponse::Ok().json(state.settings.lookup(lookup).await?));
    }
    let s = state.settings.get(&path).await.map_err(|_| CompatError::not_found("Setting not found"))?;
    Ok(HttpResponse::Ok().json(s.value))
}

async fn post_setting(
    state: State,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse> {
    let who = global(&state, &req, Some(&body), GlobalOperation::ChangeLibrary)?;
    if let Some(lookup) = Lookup::from_path(&path) {
        let raw = body.get(lookup.value_field()).or_else(|| body.get("name")).unwrap_or(&Value::Null);
        let value = parse_value(lookup, raw)?;
        let values = change_lookup(&state, &who, lookup, LookupChange::Add(value.clone())).await?;
        let row = json!({"id": value, lookup.value_field(): value, "sort_order": values.len() - 1, "is_active": true});
        return Ok(HttpResponse::Ok().json(row));
    }
    prodsync_domain::settings::check_key(&path)?;
    let value = body.get("value").unwrap_or(&Value::Null);
    prodsync_domain::settings::check_value(value)?;
    let category = body.get("category").and_then(Value::as_str).map(str::to_owned);
    let command = Command::PutSetting { key: path.into_inner(), value: value.clone(), category };
    let Outcome::Setting(s) = run(&state, command, &who).await? else { return Err(unexpected()) };
    Ok(HttpResponse::Ok()
        .json(json!({"key": s.key, "value": s.value, "category": s.category, "updated_at": s.updated_at})))
}

async fn delete_setting(state: State, req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse> {
    let who = global(&state, &req, None, GlobalOperation::ChangeLibrary)?;
    let command = Command::DeleteSetting { key: path.into_inner() };
    run(&state, command, &who).await.map_err(|e| match e.status() {
        404 => CompatError::not_found("Setting not found"),
        _ => e,
    })?;
    Ok(HttpResponse::Ok().json(json!({"success": true})))
}

fn lookup_of(path: &str) -> Result<Lookup> {
    Lookup::from_path(path).ok_or_else(CompatError::no_route)
}

async fn remove_lookup(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let who = global(&state, &req, None, GlobalOperation::ChangeLibrary)?;
    let (list, value) = path.into_inner();
    change_lookup(&state, &who, lookup_of(&list)?, LookupChange::Remove(value)).await?;
    Ok(HttpResponse::Ok().json(json!({"success": true})))
}

async fn reorder_lookup(
    state: State,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse> {
    let who = global(&state, &req, Some(&body), GlobalOperation::ChangeLibrary)?;
    let lookup = lookup_of(&path)?;
    let order: Vec<String> = body
        .get(reorder_key(lookup))
        .or_else(|| body.get("values"))
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .ok_or_else(|| {
            let key = reorder_key(lookup);
            CompatError::bad_request(ErrorCode::InvalidType, key, format!("{key} must be a list of strings"))
        })?;
    change_lookup(&state, &who, lookup, LookupChange::Reorder(order)).await?;
    Ok(HttpResponse::Ok().json(json!({"success": true})))
}

async fn restore_lookup(state: State, req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse> {
    let who = global(&state, &req, None, GlobalOperation::ChangeLibrary)?;
    let values = change_lookup(&state, &who, lookup_of(&path)?, LookupChange::RestoreDefaults).await?;
    Ok(HttpResponse::Ok().json(values))
}
