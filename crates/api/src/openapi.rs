//! The OpenAPI 3.1 document at `/api/openapi.json`, and Swagger UI at `/api/docs`.
//!
//! Entity schemas are generated from the same catalog declarations that validate requests
//! and shape responses, and the route table below is the one `routes::configure` serves,
//! so the document cannot drift from the code: an end-to-end test calls every documented
//! operation and finds it served, and the fuzzer in CI (schemathesis) checks every
//! response against the document.

use serde_json::{json, Map, Value};
use utoipa_swagger_ui::SwaggerUi;

use prodsync_domain::catalog::{LIBRARIES, PRODUCTION, PRODUCTION_ENTITIES};
use prodsync_domain::equipment::{CATEGORIES, EQUIPMENT};
use prodsync_domain::field::{Access, FieldDef, FieldType, MAX_TEXT_CHARS};
use prodsync_domain::format::FORMAT;
use prodsync_domain::json::{MAX_DEPTH, MAX_NUMBER};
use prodsync_domain::settings::{Lookup, MAX_VALUE_CHARS};
use prodsync_domain::EntityKind;

pub const DOC_PATH: &str = "/api/openapi.json";

/// Swagger UI (vendored: no download at build or run time) serving our document.
pub fn swagger() -> SwaggerUi {
    SwaggerUi::new("/api/docs/{_:.*}").external_url_unchecked(DOC_PATH, document())
}

/// `/api/docs` -> `/api/docs/`, where Swagger UI lives.
pub async fn docs_redirect() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect().insert_header(("location", "/api/docs/")).finish()
}

/// `checklist-item` -> `ChecklistItem`.
fn pascal(name: &str) -> String {
    name.split('-').map(|w| w[..1].to_uppercase() + &w[1..]).collect()
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn nullable(mut schema: Value, null: bool) -> Value {
    if !null {
        return schema;
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        values.push(Value::Null);
    }
    if let Some(Value::String(t)) = schema.get("type").cloned() {
        schema["type"] = json!([t, "null"]);
    }
    schema
}

fn field_schema(ty: FieldType) -> Value {
    match ty {
        // PostgreSQL text cannot hold U+0000: such a string is a 422.
        FieldType::Text => json!({"type": "string", "maxLength": MAX_TEXT_CHARS, "pattern": "^[^\\u0000]*$"}),
        FieldType::Integer => {
            json!({"type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX})
        }
        FieldType::Number => json!({"type": "number", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER}),
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Timestamp => json!({"type": "string", "format": "date-time"}),
        FieldType::Date => json!({"type": "string", "format": "date"}),
        FieldType::Uuid => json!({"type": "string", "format": "uuid"}),
        FieldType::Ref(target) => {
            json!({"type": "string", "format": "uuid", "description": format!("the id of a {target} of this production")})
        }
        FieldType::Library(target) => {
            json!({"type": "string", "format": "uuid", "description": format!("the id of an item of the {target} library")})
        }
        FieldType::Json => json!({"description": format!(
            "any JSON value: numbers within ±{MAX_NUMBER:e} at any depth, arrays and objects nested at most \
             {MAX_DEPTH} deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value)"
        )}),
        FieldType::Enum(values) => json!({"type": "string", "enum": values}),
    }
}

fn port_list_schema() -> Value {
    let text = json!({"type": ["string", "null"], "pattern": "^[^\\u0000]*$"});
    json!({"type": "array", "items": {"type": "object", "required": ["type"], "additionalProperties": false,
        "properties": {"type": {"type": "string", "minLength": 1, "pattern": "^[^\\u0000]*$"},
            "count": {"type": "integer", "minimum": 1, "maximum": 10000}, "id": text, "label": text, "format": text}}})
}

/// Library fields whose JSON has a shape the domain checks (`equipment::validate`,
/// `format::validate`).
fn field_schema_of(kind: &EntityKind, f: &FieldDef) -> Value {
    match (kind.name, f.name) {
        (n, "inputs" | "outputs") if n == EQUIPMENT.name => port_list_schema(),
        (n, "cards") if n == EQUIPMENT.name => json!({"type": "array", "items": {"type": "object",
            "required": ["slotNumber"], "additionalProperties": false, "properties": {
                "id": {"type": "string", "pattern": "^[^\\u0000]*$"}, "slotNumber": {"type": "integer", "minimum": 1, "maximum": 1000},
                "inputs": port_list_schema(), "outputs": port_list_schema()}}}),
        (n, "deviceFormats") if n == EQUIPMENT.name => {
            json!({"type": "array", "items": {"type": "string", "pattern": "^[^\\u0000]*$"}})
        }
        (n, "specs") if n == EQUIPMENT.name => json!({"type": "object"}),
        (n, "hRes" | "vRes") if n == FORMAT.name => {
            json!({"type": "integer", "minimum": 1, "maximum": 32768})
        }
        (n, "frameRate") if n == FORMAT.name => {
            json!({"type": "number", "exclusiveMinimum": 0, "maximum": 1000})
        }
        _ => field_schema(f.ty),
    }
}

fn entity_schema(kind: &EntityKind) -> Value {
    let mut props = Map::new();
    props.insert("id".into(), json!({"type": "string", "format": "uuid"}));
    if kind.owned_by_production() {
        props.insert("productionId".into(), json!({"type": "string", "format": "uuid"}));
    }
    for f in kind.fields {
        props.insert(f.name.into(), nullable(field_schema_of(kind, f), true));
    }
    props.insert("version".into(), json!({"type": "integer", "minimum": 1}));
    props.insert(
        "fieldVersions".into(),
        json!({"type": "object", "additionalProperties": {"type": "integer"},
            "description": "field -> the entity version at which it was last written"}),
    );
    props.insert("lastModifiedBy".into(), json!({"type": ["string", "null"]}));
    props.insert("createdAt".into(), json!({"type": "string", "format": "date-time"}));
    props.insert("updatedAt".into(), json!({"type": "string", "format": "date-time"}));
    let required: Vec<String> = props.keys().cloned().collect();
    props.insert(
        "fieldErrors".into(),
        json!({"type": "array", "description": "only when a stored value cannot be read: each such field reads as null",
            "items": {"type": "object", "required": ["field", "code", "message"], "properties": {
                "field": {"type": "string"}, "code": {"const": "unreadable_value"}, "message": {"type": "string"}}}}),
    );
    json!({"type": "object", "properties": props, "required": required})
}

/// What a client may send: the writable fields, the ids, and the sync keys a client may
/// echo back from an entity it loaded (ignored by the server).
fn input_schema(kind: &EntityKind, create: bool) -> Value {
    let writable: Vec<&FieldDef> = kind.fields.iter().filter(|f| f.access != Access::ServerSet).collect();
    let mut props = Map::new();
    props.insert("id".into(), json!({"type": ["string", "null"], "format": "uuid",
        "description": "on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise)"}));
    if kind.owned_by_production() {
        props.insert(
            "productionId".into(),
            json!({"type": ["string", "null"], "format": "uuid",
            "description": "the path's production (422 production_mismatch otherwise)"}),
        );
    }
    for f in &writable {
        props.insert(f.name.into(), nullable(field_schema_of(kind, f), !f.is_required()));
    }
    props.insert(
        "version".into(),
        json!({"type": ["integer", "null"], "minimum": 1, "description": "the version you last saw: protects your edit from your own stale copy"}),
    );
    props.insert("onConflict".into(), json!({"enum": ["overwrite", "reject"]}));
    for echoed in ["fieldVersions", "lastModifiedBy", "createdAt", "updatedAt", "fieldErrors"] {
        props.insert(echoed.into(), json!({"description": "ignored: the server owns it"}));
    }
    let required: Vec<&str> =
        if create { writable.iter().filter(|f| f.is_required()).map(|f| f.name).collect() } else { vec![] };
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

fn schemas() -> Map<String, Value> {
    let mut s = Map::new();
    s.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error", "message", "details"], "properties": {
            "error": {"type": "string", "description": "a stable code (docs/rest.md)"},
            "message": {"type": "string", "description": "what to do"},
            "details": {"type": "object", "description": "details.field names the field at fault"}}}),
    );
    s.insert(
        "Conflict".into(),
        json!({"type": "object", "required": ["field", "overwrittenValue", "overwrittenBy", "overwrittenAtVersion", "yourValue"],
            "properties": {"field": {"type": "string"}, "overwrittenValue": {}, "overwrittenBy": {"type": ["string", "null"]},
                "overwrittenAtVersion": {"type": "integer"}, "yourValue": {}}}),
    );
    s.insert(
        "Event".into(),
        json!({"type": "object", "required": ["event", "data"], "properties": {
            "event": {"type": "string", "description": "{type}:created|updated|deleted, member:*"},
            "data": {"type": "object", "required": ["data", "userId", "timestamp", "productionId", "seq", "version", "changedFields"],
                "properties": {"data": {"type": "object"}, "userId": {"type": ["string", "null"]},
                    "timestamp": {"type": "string", "format": "date-time"}, "productionId": {"type": "string", "format": "uuid"},
                    "seq": {"type": "integer"}, "version": {"type": "integer"},
                    "changedFields": {"type": "array", "items": {"type": "string"}},
                    "previous": {"type": "object", "description": "updates only: the values of changedFields before"}}}}}),
    );
    s.insert(
        "Member".into(),
        json!({"type": "object", "required": ["userId", "role", "addedBy", "addedAt"], "properties": {
            "userId": {"type": "string"}, "role": {"enum": ["viewer", "editor", "owner"]},
            "addedBy": {"type": ["string", "null"]}, "addedAt": {"type": "string", "format": "date-time"}}}),
    );
    s.insert(
        "UndoResult".into(),
        json!({"type": "object", "required": ["seq", "skippedFields"], "properties": {
            "undone": {"type": "object"}, "redone": {"type": "object"}, "seq": {"type": ["integer", "null"]},
            "skippedFields": {"type": "array", "items": {"type": "object", "required": ["field", "changedBy"],
                "properties": {"field": {"type": "string"}, "changedBy": {"type": ["string", "null"]}, "entityId": {"type": "string"}}}}}}),
    );
    s.insert(
        "ProductionFile".into(),
        json!({"type": "object", "required": ["format", "version", "production"],
            "description": "a production as a file (GET …/export): write bodies, ids included; references point inside the file",
            "properties": {
                "format": {"const": prodsync_domain::transfer::FORMAT},
                "version": {"const": prodsync_domain::transfer::VERSION},
                "exportedAt": {"type": "string", "format": "date-time"},
                "production": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "format": "uuid"}}},
                "entities": {"type": "object", "description": "entity path (cameras, ccus…) to a list of bodies",
                    "additionalProperties": array_of(json!({"type": "object", "required": ["id"],
                        "properties": {"id": {"type": "string", "format": "uuid"}}}))},
                "members": array_of(json!({"type": "object", "required": ["userId", "role"], "properties": {
                    "userId": {"type": "string"}, "role": {"enum": ["viewer", "editor", "owner"]}}})),
                "library": {"type": "object", "additionalProperties": false,
                    "description": "the library items the entities use; on import, those this server lacks are added",
                    "properties": {"equipment": array_of(json!({"type": "object", "required": ["id"]})),
                        "formats": array_of(json!({"type": "object", "required": ["id"]}))}}}}),
    );
    s.insert(
        "Duplicate".into(),
        json!({"type": "object", "additionalProperties": false, "properties": {
            "showName": {"type": "string", "minLength": 1, "maxLength": 10000},
            "include": {"type": "array", "items": {"enum": PRODUCTION_ENTITIES.iter().map(|k| k.path).collect::<Vec<_>>()},
                "description": "entity paths to copy (all when absent)"},
            "resetChecklist": {"type": "boolean", "description": "copy checklist items as not completed"}}}),
    );
    s.insert(
        "Imported".into(),
        json!({"type": "object", "required": ["production", "entities"], "properties": {
            "production": schema_ref("Production"), "entities": {"type": "integer", "description": "entities written"}}}),
    );
    s.insert(
        "Batch".into(),
        json!({"type": "object", "required": ["operations"], "additionalProperties": false, "properties": {
            "atomic": {"type": "boolean", "description": "all or nothing (default true)"},
            "operations": {"type": "array", "maxItems": 1000, "items": {"type": "object", "required": ["op", "entity"],
                "properties": {"op": {"enum": ["create", "update", "delete"]}, "entity": {"type": "string", "description": "a path segment such as cameras"},
                    "id": {"type": ["string", "null"], "format": "uuid"}, "body": {"type": "object"}}}}}}),
    );
    s.insert(
        "ActivityPage".into(),
        json!({"type": "object", "required": ["items", "nextBefore"], "properties": {
            "nextBefore": {"type": ["integer", "null"], "description": "before for the next page; null on the last"},
            "items": {"type": "array", "items": {"type": "object",
                "required": ["seq", "timestamp", "userId", "userName", "action", "entityType", "entityId", "entityName", "changes"],
                "properties": {"seq": {"type": "integer"}, "timestamp": {"type": "string", "format": "date-time"},
                    "userId": {"type": ["string", "null"]}, "userName": {"type": ["string", "null"]},
                    "action": {"enum": ["created", "updated", "deleted"]}, "entityType": {"type": "string"},
                    "entityId": {"type": "string", "format": "uuid"}, "entityName": {"type": ["string", "null"]},
                    "cause": {"enum": ["undo", "redo", "import"]},
                    "changes": {"type": "array", "items": {"type": "object", "required": ["field", "from", "to"],
                        "properties": {"field": {"type": "string"}, "from": {}, "to": {}}}}}}}}}),
    );
    s.insert(
        "PresentUser".into(),
        json!({"type": "object", "required": ["userId", "userName", "focus", "connections"], "properties": {
            "userId": {"type": "string"}, "userName": {"type": ["string", "null"]},
            "focus": {"oneOf": [{"type": "null"}, {"type": "object", "required": ["entityType", "entityId", "field"],
                "properties": {"entityType": {"type": "string"}, "entityId": {"type": "string", "format": "uuid"}, "field": {"type": "string"}}}]},
            "connections": {"type": "integer", "minimum": 1}}}),
    );
    s.insert(
        "Deleted".into(),
        json!({"type": "object", "required": ["id", "deleted"], "properties": {
            "id": {"type": "string", "format": "uuid"}, "deleted": {"const": true}, "seq": {"type": ["integer", "null"]}}}),
    );
    for kind in PRODUCTION_ENTITIES.iter().chain(LIBRARIES).copied().chain([&PRODUCTION]) {
        let name = pascal(kind.name);
        s.insert(name.clone(), entity_schema(kind));
        s.insert(format!("{name}Create"), input_schema(kind, true));
        s.insert(format!("{name}Update"), input_schema(kind, false));
        s.insert(
            format!("{name}Updated"),
            json!({"allOf": [schema_ref(&name), {"type": "object", "required": ["changedFields", "conflicts"], "properties": {
                "changedFields": {"type": "array", "items": {"type": "string"}},
                "conflicts": {"type": "array", "items": schema_ref("Conflict")}}}]}),
        );
    }
    s
}

fn error_responses(codes: &[u16]) -> Map<String, Value> {
    let describe = |c: u16| match c {
        400 => "malformed request (path, query, header or JSON syntax)",
        401 => "jwt mode: missing, malformed, expired or badly signed token",
        403 => "a member without the role this needs",
        404 => "no such production (or not a member of it), entity or route",
        409 => "id conflict, version conflict (reject mode) or last owner",
        410 => "resync_required: events after since are no longer kept; load the snapshot",
        413 => "body over 1 MiB",
        415 => "a body that is not application/json",
        422 => "a body that does not fit; details.field names the field",
        _ => "the database is unreachable; nothing was changed",
    };
    codes
        .iter()
        .map(|c| {
            let body = json!({"description": describe(*c), "content": {"application/json": {"schema": schema_ref("Error")}}});
            (c.to_string(), body)
        })
        .collect()
}

const READ_ERRORS: &[u16] = &[400, 401, 403, 404, 503];
const CHANGES_ERRORS: &[u16] = &[400, 401, 403, 404, 410, 503];
const WRITE_ERRORS: &[u16] = &[400, 401, 403, 404, 409, 413, 415, 422, 503];

struct Op {
    method: &'static str,
    id: String,
    summary: String,
    params: Vec<Value>,
    body: Option<String>,
    status: u16,
    response: Value,
    links: Option<Value>,
}

fn op(
    method: &'static str,
    id: impl Into<String>,
    summary: impl Into<String>,
    status: u16,
    response: Value,
) -> Op {
    Op {
        method,
        id: id.into(),
        summary: summary.into(),
        params: vec![],
        body: None,
        status,
        response,
        links: None,
    }
}

impl Op {
    fn params(mut self, params: Vec<Value>) -> Self {
        self.params = params;
        self
    }
    fn body(mut self, schema: String) -> Self {
        self.body = Some(schema);
        self
    }
    fn links(mut self, links: Value) -> Self {
        self.links = Some(links);
        self
    }

    fn to_json(&self) -> Value {
        let errors = match (self.id.as_str(), self.method != "get") {
            ("getChanges", _) => CHANGES_ERRORS,
            (_, true) => WRITE_ERRORS,
            (_, false) => READ_ERRORS,
        };
        let mut responses = error_responses(errors);
        let mut ok =
            json!({"description": "success", "content": {"application/json": {"schema": self.response}}});
        if let Some(links) = &self.links {
            ok["links"] = links.clone();
        }
        responses.insert(self.status.to_string(), ok);
        let mut params = self.params.clone();
        params.extend([header_param("X-User-Id"), header_param("X-User-Name")]);
        if self.method != "get" {
            params.push(json!({"name": "Idempotency-Key", "in": "header", "required": false,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
                "description": "retries with the same key get the first answer again (Idempotency-Replayed: true)"}));
        }
        let mut o = json!({"operationId": self.id, "summary": self.summary, "parameters": params, "responses": responses});
        if let Some(schema) = &self.body {
            o["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": schema_ref(schema)}}});
        }
        o
    }
}

fn path_param(name: &str, uuid: bool) -> Value {
    let schema = if uuid {
        json!({"type": "string", "format": "uuid"})
    } else {
        json!({"type": "string", "minLength": 1, "maxLength": 200})
    };
    json!({"name": name, "in": "path", "required": true, "schema": schema})
}

fn query_param(name: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description})
}

/// The server trims these and refuses control characters (`domain::access::is_valid_user_text`).
fn header_param(name: &str) -> Value {
    json!({"name": name, "in": "header", "required": false,
        "schema": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"},
        "description": "auth_mode = none only: who is acting (ignored in jwt mode)"})
}

fn array_of(schema: Value) -> Value {
    json!({"type": "array", "items": schema})
}

/// Links from a created entity to what a client does next, for stateful testing.
fn entity_links(name: &str) -> Value {
    let params = json!({"productionId": "$response.body#/productionId", "id": "$response.body#/id"});
    json!({
        format!("get{name}"): {"operationId": format!("get{name}"), "parameters": params},
        format!("update{name}"): {"operationId": format!("update{name}"), "parameters": params},
        format!("delete{name}"): {"operationId": format!("delete{name}"), "parameters": params},
    })
}

fn production_links() -> Value {
    let params = json!({"productionId": "$response.body#/id"});
    let mut links = Map::new();
    for id in
        ["getProduction", "updateProduction", "getSnapshot", "getChanges", "listMembers", "deleteProduction"]
    {
        links.insert(id.into(), json!({"operationId": id, "parameters": params}));
    }
    for kind in PRODUCTION_ENTITIES {
        let id = format!("create{}", pascal(kind.name));
        links.insert(id.clone(), json!({"operationId": id, "parameters": params}));
    }
    Value::Object(links)
}

/// Every REST operation, by path.
fn operations() -> Vec<(String, Vec<Op>)> {
    let pid = || path_param("productionId", true);
    let p = "/api/productions/{productionId}";
    let mut paths = vec![
        (
            "/api/productions".to_owned(),
            vec![
                op("get", "listProductions", "the caller's productions (administrators: all), oldest first", 200, array_of(schema_ref("Production")))
                    .params(vec![
                        query_param("limit", json!({"type": "integer", "minimum": 1, "maximum": 500}), "page size (100)"),
                        query_param("cursor", json!({"type": "string"}), "X-Next-Cursor of the previous page"),
                    ]),
                op("post", "createProduction", "create a production; the caller becomes its owner", 201, schema_ref("Production"))
                    .body("ProductionCreate".into())
                    .links(production_links()),
            ],
        ),
        (
            p.to_owned(),
            vec![
                op("get", "getProduction", "one production", 200, schema_ref("Production")).params(vec![pid()]),
                op("put", "updateProduction", "update (field merge; owner)", 200, schema_ref("ProductionUpdated"))
                    .params(vec![pid()])
                    .body("ProductionUpdate".into()),
                op("patch", "patchProduction", "same as PUT", 200, schema_ref("ProductionUpdated"))
                    .params(vec![pid()])
                    .body("ProductionUpdate".into()),
                op("delete", "deleteProduction", "delete with everything in it (owner)", 200, schema_ref("Deleted")).params(vec![pid()]),
            ],
        ),
        (
            format!("{p}/snapshot"),
            vec![op("get", "getSnapshot", "the production and all its entities, as of seq", 200, json!({
                "type": "object", "required": ["production", "entities", "seq"],
                "properties": {"production": schema_ref("Production"), "entities": {"type": "object",
                    "additionalProperties": array_of(json!({"type": "object"}))}, "seq": {"type": "integer"}}}))
            .params(vec![pid()])],
        ),
        (
            format!("{p}/changes"),
            vec![op("get", "getChanges", "events after since, in seq order (catch-up)", 200, json!({
                "type": "object", "required": ["productionId", "since", "events", "headSeq", "hasMore"],
                "properties": {"productionId": {"type": "string", "format": "uuid"}, "since": {"type": "integer"},
                    "events": array_of(schema_ref("Event")), "headSeq": {"type": "integer"}, "hasMore": {"type": "boolean"}}}))
            .params(vec![
                pid(),
                query_param("since", json!({"type": "integer", "minimum": 0}), "the last seq you have (0)"),
                query_param("limit", json!({"type": "integer", "minimum": 1, "maximum": 10000}), "at most this many (1000)"),
            ])],
        ),
        (
            format!("{p}/members"),
            vec![op("get", "listMembers", "the production's members (any member)", 200, array_of(schema_ref("Member"))).params(vec![pid()])],
        ),
        (
            format!("{p}/undo"),
            vec![op("post", "undo", "undo the caller's latest write here (editor)", 200, schema_ref("UndoResult")).params(vec![pid()])],
        ),
        (
            format!("{p}/redo"),
            vec![op("post", "redo", "redo the caller's latest undone write (editor)", 200, schema_ref("UndoResult")).params(vec![pid()])],
        ),
        (
            "/api/productions/import".to_owned(),
            vec![op("post", "importProduction", "a new production from a file (new ids, or ?ids=keep: 409 when taken); the caller owns it", 201, schema_ref("Imported"))
                .params(vec![query_param("ids", json!({"enum": ["new", "keep"]}), "new ids (default) or the file's")])
                .body("ProductionFile".into())],
        ),
        (
            format!("{p}/export"),
            vec![op("get", "exportProduction", "the production, its entities and members as one file (owner)", 200, schema_ref("ProductionFile")).params(vec![pid()])],
        ),
        (
            format!("{p}/duplicate"),
            vec![op("post", "duplicateProduction", "a new production from this one: new ids, references remapped, one transaction (any member)", 201, schema_ref("Imported"))
                .params(vec![pid()])
                .body("Duplicate".into())],
        ),
        (
            format!("{p}/batch"),
            vec![op("post", "batch", "up to 1000 entity writes, all or nothing (atomic, the default) or each alone (editor)", 200, json!({
                "type": "object", "required": ["results", "seq"],
                "properties": {"seq": {"type": ["integer", "null"]}, "results": array_of(json!({"type": "object",
                    "required": ["status", "body"], "properties": {"status": {"type": "integer"}, "body": {}}}))}}))
            .params(vec![pid()])
            .body("Batch".into())],
        ),
        (
            format!("{p}/activity"),
            vec![op("get", "getActivity", "who changed what, newest first (any member)", 200, schema_ref("ActivityPage"))
                .params(vec![
                    pid(),
                    query_param("limit", json!({"type": "integer", "minimum": 1, "maximum": 200}), "page size (50)"),
                    query_param("before", json!({"type": "integer", "minimum": 1}), "nextBefore of the previous page"),
                    query_param("entityType", json!({"type": "string"}), "an event prefix: camera, production, member"),
                    query_param("entityId", json!({"type": "string", "format": "uuid"}), "one entity"),
                    query_param("userId", json!({"type": "string", "minLength": 1, "maxLength": 200}), "one user's changes"),
                ])],
        ),
        (
            format!("{p}/presence"),
            vec![op("get", "getPresence", "who is in the production's room now (any member)", 200, json!({
                "type": "object", "required": ["productionId", "users"],
                "properties": {"productionId": {"type": "string", "format": "uuid"}, "users": array_of(schema_ref("PresentUser"))}}))
            .params(vec![pid()])],
        ),
        (
            format!("{p}/members/{{userId}}"),
            vec![
                op("put", "setMember", "add a member or change their role (owner)", 200, schema_ref("Member"))
                    .params(vec![pid(), path_param("userId", false)])
                    .body("MemberRole".into()),
                op("delete", "removeMember", "remove a member (owner); their sockets leave the room", 200, json!({
                    "type": "object", "required": ["userId", "removed", "seq"],
                    "properties": {"userId": {"type": "string"}, "removed": {"const": true}, "seq": {"type": ["integer", "null"]}}}))
                    .params(vec![pid(), path_param("userId", false)]),
            ],
        ),
    ];
    for kind in PRODUCTION_ENTITIES {
        let (name, plural) = (pascal(kind.name), pascal(kind.path));
        let id = || path_param("id", true);
        paths.push((
            format!("{p}/{}", kind.path),
            vec![
                op(
                    "get",
                    format!("list{plural}"),
                    format!("the production's {}", kind.path),
                    200,
                    array_of(schema_ref(&name)),
                )
                .params(vec![pid()]),
                op(
                    "post",
                    format!("create{name}"),
                    format!("create a {} (editor)", kind.name),
                    201,
                    schema_ref(&name),
                )
                .params(vec![pid()])
                .body(format!("{name}Create"))
                .links(entity_links(&name)),
            ],
        ));
        paths.push((
            format!("{p}/{}/{{id}}", kind.path),
            vec![
                op("get", format!("get{name}"), format!("one {}", kind.name), 200, schema_ref(&name))
                    .params(vec![pid(), id()]),
                op(
                    "put",
                    format!("update{name}"),
                    "update (field merge; editor)",
                    200,
                    schema_ref(&format!("{name}Updated")),
                )
                .params(vec![pid(), id()])
                .body(format!("{name}Update")),
                op(
                    "patch",
                    format!("patch{name}"),
                    "same as PUT",
                    200,
                    schema_ref(&format!("{name}Updated")),
                )
                .params(vec![pid(), id()])
                .body(format!("{name}Update")),
                op(
                    "delete",
                    format!("delete{name}"),
                    "delete (editor); references to it are cleared",
                    200,
                    schema_ref("Deleted"),
                )
                .params(vec![pid(), id()]),
            ],
        ));
    }
    for kind in LIBRARIES {
        paths.extend(library_operations(kind));
    }
    paths.extend(settings_operations());
    paths
}

/// CRUD of one global library, plus archiving for equipment.
fn library_operations(kind: &EntityKind) -> Vec<(String, Vec<Op>)> {
    let eid = || path_param("id", true);
    let name = pascal(kind.name);
    let base = format!("/api/{}", kind.path);
    let mut list = op(
        "get",
        format!("list{name}"),
        format!("the {} library (any signed-in user)", kind.name),
        200,
        array_of(schema_ref(&name)),
    );
    if kind == &EQUIPMENT {
        list = list.params(vec![
            query_param("category", json!({"enum": CATEGORIES}), "only this category"),
            query_param("includeArchived", json!({"type": "boolean"}), "list archived items too (false)"),
        ]);
    }
    let mut paths = vec![
        (
            base.clone(),
            vec![
                list,
                op(
                    "post",
                    format!("create{name}"),
                    "add to the library (administrators)",
                    201,
                    schema_ref(&name),
                )
                .body(format!("{name}Create")),
            ],
        ),
        (
            format!("{base}/{{id}}"),
            vec![
                op("get", format!("get{name}"), "one library item", 200, schema_ref(&name))
                    .params(vec![eid()]),
                op(
                    "put",
                    format!("update{name}"),
                    "change a library item (administrators)",
                    200,
                    schema_ref(&name),
                )
                .params(vec![eid()])
                .body(format!("{name}Update")),
                op("patch", format!("patch{name}"), "same as PUT", 200, schema_ref(&name))
                    .params(vec![eid()])
                    .body(format!("{name}Update")),
                op(
                    "delete",
                    format!("delete{name}"),
                    "remove a library item no entity uses (administrators); 409 in_use otherwise",
                    200,
                    schema_ref("Deleted"),
                )
                .params(vec![eid()]),
            ],
        ),
    ];
    if kind == &EQUIPMENT {
        for (action, summary) in [
            ("archive", "retire an item: kept for the shows using it, no longer listed"),
            ("unarchive", "list an archived item again"),
        ] {
            paths.push((
                format!("{base}/{{id}}/{action}"),
                vec![op(
                    "post",
                    format!("{action}{name}"),
                    format!("{summary} (administrators)"),
                    200,
                    schema_ref(&name),
                )
                .params(vec![eid()])],
            ));
        }
    }
    paths
}

/// The lookup lists and key/value settings shared by every production.
fn settings_operations() -> Vec<(String, Vec<Op>)> {
    let list_param = || {
        json!({"name": "list", "in": "path", "required": true,
        "schema": {"enum": Lookup::ALL.iter().map(|l| l.path()).collect::<Vec<_>>()}})
    };
    let key_param = || {
        json!({"name": "key", "in": "path", "required": true,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,100}$"}})
    };
    let values = || array_of(json!({"type": "string"}));
    vec![
        (
            "/api/settings/{list}".into(),
            vec![
                op("get", "listSettingValues", "one lookup list, in order", 200, values()).params(vec![list_param()]),
                op("post", "addSettingValue", "add a value at the end (administrators); the whole list back", 201, values())
                    .params(vec![list_param()])
                    .body("LookupValue".into()),
            ],
        ),
        (
            "/api/settings/{list}/reorder".into(),
            vec![op("put", "reorderSettingValues", "the same values in a new order (administrators)", 200, values())
                .params(vec![list_param()])
                .body("LookupOrder".into())],
        ),
        (
            "/api/settings/{list}/restore-defaults".into(),
            vec![op("post", "restoreSettingDefaults", "the list as first installed (administrators)", 200, values()).params(vec![list_param()])],
        ),
        (
            "/api/settings/{list}/{value}".into(),
            vec![op("delete", "removeSettingValue", "remove one value (administrators)", 200, values()).params(vec![
                list_param(),
                json!({"name": "value", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": MAX_VALUE_CHARS}}),
            ])],
        ),
        ("/api/settings/values".into(), vec![op("get", "listSettings", "every key/value setting", 200, array_of(schema_ref("Setting")))]),
        (
            "/api/settings/values/{key}".into(),
            vec![
                op("get", "getSetting", "one setting", 200, schema_ref("Setting")).params(vec![key_param()]),
                op("put", "putSetting", "create or replace a setting (administrators)", 200, schema_ref("Setting"))
                    .params(vec![key_param()])
                    .body("SettingWrite".into()),
                op("delete", "deleteSetting", "remove a setting (administrators)", 200, json!({"type": "object", "required": ["key", "deleted"],
                    "properties": {"key": {"type": "string"}, "deleted": {"const": true}}}))
                    .params(vec![key_param()]),
            ],
        ),
    ]
}

fn settings_schemas(s: &mut Map<String, Value>) {
    let text = json!({"type": "string", "minLength": 1, "maxLength": MAX_VALUE_CHARS, "pattern": "^[^\\u0000-\\u001f/]*$"});
    s.insert(
        "LookupValue".into(),
        json!({"type": "object", "additionalProperties": false,
        "description": "name (rate for frame-rates): the value to add",
        "properties": {"name": text, "rate": text}}),
    );
    s.insert(
        "LookupOrder".into(),
        json!({"type": "object", "required": ["values"], "additionalProperties": false,
        "properties": {"values": array_of(json!({"type": "string"}))}}),
    );
    s.insert("Setting".into(), json!({"type": "object", "required": ["key", "value", "category", "lastModifiedBy", "updatedAt"], "properties": {
        "key": {"type": "string"}, "value": {}, "category": {"type": ["string", "null"]},
        "lastModifiedBy": {"type": ["string", "null"]}, "updatedAt": {"type": "string", "format": "date-time"}}}));
    s.insert("SettingWrite".into(), json!({"type": "object", "required": ["value"], "additionalProperties": false, "properties": {
        "value": {"not": {"type": "null"}}, "category": {"type": ["string", "null"], "maxLength": 100, "pattern": "^[^\\u0000]*$"}}}));
}

pub fn document() -> Value {
    let mut paths = Map::new();
    paths.insert(
        "/health".into(),
        json!({"get": {"operationId": "health", "summary": "liveness and database latency", "security": [],
            "responses": {
                "200": {"description": "healthy", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"const": "healthy"}}}}}},
                "503": {"description": "the database is unreachable", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"const": "unhealthy"}}}}}}}}}),
    );
    for (path, ops) in operations() {
        let item: Map<String, Value> = ops.iter().map(|o| (o.method.to_owned(), o.to_json())).collect();
        paths.insert(path, Value::Object(item));
    }
    let mut schemas = schemas();
    settings_schemas(&mut schemas);
    schemas.insert(
        "MemberRole".into(),
        json!({"type": "object", "required": ["role"], "additionalProperties": false,
            "properties": {"role": {"enum": ["viewer", "editor", "owner"]}}}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {"title": "prodsync", "version": env!("CARGO_PKG_VERSION"),
            "description": "Real-time sync server for collaborative production planning. REST here; the WebSocket protocol is in docs/protocol.md."},
        "servers": [{"url": "/"}],
        "security": [{}, {"bearerAuth": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_unique_id_and_every_ref_resolves() {
        let doc = document();
        let mut ids = std::collections::HashSet::new();
        for (_, item) in doc["paths"].as_object().unwrap() {
            for (_, op) in item.as_object().unwrap() {
                assert!(
                    ids.insert(op["operationId"].as_str().unwrap().to_owned()),
                    "duplicate {}",
                    op["operationId"]
                );
            }
        }
        let text = doc.to_string();
        for piece in text.split("#/components/schemas/").skip(1) {
            let name: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            assert!(doc["components"]["schemas"].get(&name).is_some(), "dangling $ref {name}");
        }
        for piece in text.split("\"operationId\":\"").skip(1) {
            let id: String = piece.chars().take_while(|c| *c != '"').collect();
            assert!(ids.contains(&id), "a link names an unknown operation {id}");
        }
    }

    #[test]
    fn entity_schemas_come_from_the_catalog() {
        let doc = document();
        let camera = &doc["components"]["schemas"]["CameraCreate"];
        assert_eq!(camera["required"], json!(["name"]));
        assert_eq!(camera["properties"]["ccuId"]["format"], "uuid");
        assert_eq!(camera["properties"]["hasDolly"]["type"], json!(["boolean", "null"]));
        let checklist = &doc["components"]["schemas"]["ChecklistItemCreate"];
        assert!(checklist["properties"].get("completedAt").is_none(), "server-set fields are not inputs");
    }
}
