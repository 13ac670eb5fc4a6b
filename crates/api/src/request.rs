//! Reading what a request says beyond its body: ids in the path, the acting user,
//! `If-Match`, and JSON bodies with errors that name the problem.

use actix_web::error::JsonPayloadError;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde_json::json;
use uuid::Uuid;

use crate::error::ApiError;

/// Largest request body accepted; larger is a 413 and nothing is read further.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
const MAX_USER_ID_CHARS: usize = 200;

pub fn parse_id(segment: &str, raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| {
        ApiError::bad_request("invalid_uuid", format!("{segment} in the path must be a UUID, got {raw:?}"))
            .with_details(json!({"field": segment}))
    })
}

/// The acting user, from `X-User-Id` (real authentication is a later step).
pub fn actor(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(v) = req.headers().get("x-user-id") else { return Ok(None) };
    let bad = || {
        ApiError::bad_request(
            "invalid_header",
            format!("X-User-Id must be printable text of at most {MAX_USER_ID_CHARS} characters"),
        )
        .with_details(json!({"field": "X-User-Id"}))
    };
    let s = v.to_str().map_err(|_| bad())?.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > MAX_USER_ID_CHARS || s.chars().any(char::is_control) {
        return Err(bad());
    }
    Ok(Some(s.to_owned()))
}

/// `If-Match: 7` (also `"7"` or `W/"7"`): the version the client last saw, in reject mode.
pub fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(v) = req.headers().get("if-match") else { return Ok(None) };
    let raw = v.to_str().unwrap_or_default().trim();
    let digits = raw.trim_start_matches("W/").trim_matches('"');
    match digits.parse::<i64>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(ApiError::bad_request(
            "invalid_header",
            format!("If-Match must be the entity version you last saw (a positive integer), got {raw:?}"),
        )
        .with_details(json!({"field": "If-Match"}))),
    }
}

/// JSON bodies: any content type, at most `MAX_BODY_BYTES`, errors in the common shape.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(MAX_BODY_BYTES).content_type_required(false).error_handler(
        |err, _req| {
            let api = match &err {
                JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!("the body is larger than {MAX_BODY_BYTES} bytes"),
                    )
                }
                JsonPayloadError::Deserialize(e) => {
                    ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
                }
                other => ApiError::bad_request("invalid_body", format!("could not read the body: {other}")),
            };
            api.into()
        },
    )
}
