//! `405 Method Not Allowed` with `Allow`, for a method a path of the API does not serve.
//!
//! actix matches a route by path and method together and falls through to the next path
//! pattern when the method does not fit (a `POST` to `/snapshot` reached the entity
//! create route and answered 415), so a method check must come before routing. The
//! methods each path serves are read from the OpenAPI document, the same table clients
//! are generated from: the document and the server cannot disagree about them.

use prodsync_domain::ErrorCode;
use std::sync::LazyLock;

use actix_web::body::EitherBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::ResponseError;
use serde_json::{json, Value};

use crate::error::ApiError;

/// One documented path: its segments (`None` for a `{parameter}`) and its methods.
struct Template {
    segments: Vec<Option<String>>,
    methods: Vec<Method>,
}

impl Template {
    /// How many of its literal segments `parts` matches, or `None` when it does not fit.
    fn literal_matches(&self, parts: &[&str]) -> Option<usize> {
        let mut literal = 0;
        for (seg, part) in self.segments.iter().zip(parts) {
            match seg {
                Some(s) if s == part => literal += 1,
                Some(_) => return None,
                None if part.is_empty() => return None,
                None => {}
            }
        }
        Some(literal)
    }
}

/// The documented paths and the methods each serves, bucketed by how many segments
/// they have: a request is split once and compared with the few of its length.
pub struct MethodTable(Vec<Vec<Template>>);

/// No documented path has more segments than this; a longer one is not in the table.
const MAX_SEGMENTS: usize = 16;

impl MethodTable {
    pub fn from_document(doc: &Value) -> MethodTable {
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        let mut buckets: Vec<Vec<Template>> = (0..=MAX_SEGMENTS).map(|_| Vec::new()).collect();
        for (path, ops) in &paths {
            let segments: Vec<_> = path
                .split('/')
                .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_owned()))
                .collect();
            let mut methods: Vec<Method> = ops
                .as_object()
                .into_iter()
                .flat_map(|o| o.keys())
                .filter_map(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok())
                .collect();
            if methods.contains(&Method::GET) {
                methods.push(Method::HEAD);
            }
            assert!(segments.len() <= MAX_SEGMENTS, "{path} has more than {MAX_SEGMENTS} segments");
            buckets[segments.len()].push(Template { segments, methods });
        }
        MethodTable(buckets)
    }

    /// The methods `path` serves, by the most specific documented path that matches it
    /// (`/snapshot` over `/{entity}`); `None` for a path the document does not have.
    /// Runs before every request: no allocation, one split of the path.
    pub fn allowed(&self, path: &str) -> Option<&[Method]> {
        let mut parts = [""; MAX_SEGMENTS];
        let mut count = 0;
        for part in path.trim_end_matches('/').split('/') {
            *parts.get_mut(count)? = part;
            count += 1;
        }
        self.0[count]
            .iter()
            .filter_map(|t| Some((t.literal_matches(&parts[..count])?, t.methods.as_slice())))
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, methods)| methods)
    }
}

static TABLE: LazyLock<MethodTable> =
    LazyLock::new(|| MethodTable::from_document(&crate::openapi::document()));

/// The answer for a request whose method its path does not serve, if it is one.
/// `OPTIONS` passes: CORS preflights are answered by the CORS layer.
pub fn refusal<B>(req: &ServiceRequest) -> Option<ServiceResponse<EitherBody<B>>> {
    if req.method() == Method::OPTIONS {
        return None;
    }
    let methods = TABLE.allowed(req.path())?;
    if methods.contains(req.method()) {
        return None;
    }
    let list: Vec<&str> = methods.iter().map(Method::as_str).collect();
    let error = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        format!("{} is not served here; this path answers {}", req.method(), list.join(", ")),
    )
    .with_details(json!({"allow": list}));
    let mut res = error.error_response();
    res.headers_mut().insert(header::ALLOW, header::HeaderValue::from_str(&list.join(", ")).ok()?);
    Some(ServiceResponse::new(req.request().clone(), res).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_documented_path_decides() {
        let doc = json!({"paths": {
            "/api/productions/{pid}/snapshot": {"get": {}},
            "/api/productions/{pid}/{entity}": {"get": {}, "post": {}},
            "/api/productions/{pid}/{entity}/{id}": {"get": {}, "put": {}, "delete": {}},
        }});
        let table = MethodTable::from_document(&doc);
        assert_eq!(table.allowed("/api/productions/p/snapshot"), Some(&[Method::GET, Method::HEAD][..]));
        assert_eq!(
            table.allowed("/api/productions/p/cameras"),
            Some(&[Method::GET, Method::POST, Method::HEAD][..])
        );
        assert_eq!(table.allowed("/api/productions/p/cameras/").map(<[Method]>::len), Some(3));
        assert!(table.allowed("/api/productions/p/cameras/c").unwrap().contains(&Method::DELETE));
        assert_eq!(table.allowed("/api/nowhere"), None);
        assert_eq!(table.allowed("/api/productions//cameras"), None, "an empty segment is no parameter");
        assert_eq!(table.allowed(&"/a".repeat(40)), None, "longer than any documented path");
    }
}
