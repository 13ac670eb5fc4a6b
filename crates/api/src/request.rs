//! Reading what a request says beyond its body: ids in the path, `If-Match`, and JSON
//! bodies with errors that name the problem.

use actix_web::error::JsonPayloadError;
use actix_web::http::StatusCode;
use actix_web::{mime, web, HttpRequest};
use prodsync_domain::ErrorCode;
use serde_json::json;
use uuid::Uuid;

use crate::error::ApiError;

/// Largest request body accepted; larger is a 413 and nothing is read further.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn parse_id(segment: &str, raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| {
        ApiError::bad_request(
            ErrorCode::InvalidUuid,
            format!("{segment} in the path must be a UUID, got {raw:?}"),
        )
        .with_details(json!({"field": segment}))
    })
}

/// `If-Match: 7` (also `"7"` or `W/"7"`): the version the client last saw, in reject mode.
pub fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(v) = req.headers().get("if-match") else { return Ok(None) };
    let raw = v.to_str().unwrap_or_default().trim();
    let digits = raw.trim_start_matches("W/").trim_matches('"');
    match digits.parse::<i64>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(ApiError::bad_request(
            ErrorCode::InvalidHeader,
            format!("If-Match must be the entity version you last saw (a positive integer), got {raw:?}"),
        )
        .with_details(json!({"field": "If-Match"}))),
    }
}

/// `application/json` or any `+json` type. Requiring it means a cross-site HTML form (which
/// can only send form encodings or text/plain, without a CORS preflight) can never write.
fn is_json(mime: mime::Mime) -> bool {
    mime.type_() == mime::APPLICATION && (mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON))
}

/// JSON bodies: `application/json` only, at most `MAX_BODY_BYTES`, errors in the common shape.
pub fn json_config() -> web::JsonConfig {
    json_config_up_to(MAX_BODY_BYTES)
}

/// A production file (`POST /api/productions/import`): a large show is several MiB.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// The same rules with another size limit.
pub fn json_config_up_to(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit).content_type_required(true).content_type(is_json).error_handler(
        move |err, _req| {
            let api = match &err {
                JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        ErrorCode::PayloadTooLarge,
                        format!("the body is larger than {limit} bytes"),
                    )
                }
                JsonPayloadError::ContentType => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    ErrorCode::UnsupportedMediaType,
                    "send the body as JSON with Content-Type: application/json",
                )
                .with_details(json!({"field": "Content-Type"})),
                JsonPayloadError::Deserialize(e) => ApiError::bad_request(
                    ErrorCode::MalformedJson,
                    format!("the body is not valid JSON: {e}"),
                ),
                other => {
                    ApiError::bad_request(ErrorCode::InvalidBody, format!("could not read the body: {other}"))
                }
            };
            api.into()
        },
    )
}

/// Query strings that do not parse (a repeated key, a wrong type) in the common error shape.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        ApiError::bad_request(ErrorCode::InvalidQuery, format!("the query string does not parse: {err}"))
            .into()
    })
}

/// Path segments that do not parse, in the common error shape.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| {
        ApiError::bad_request(ErrorCode::InvalidPath, format!("the path does not parse: {err}")).into()
    })
}
