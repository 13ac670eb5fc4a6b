//! `Idempotency-Key` on writes: the adapter's half. It reads the key, fingerprints the
//! request (a retry must be the same method, path and body), and turns a kept answer into a
//! replay. The store keeps the answer in the write's own transaction (storage/commands.rs).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use prodsync_domain::command::{valid_key, Outcome, Receipt, StoredResponse};
use prodsync_domain::ErrorCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::access::Caller;
use crate::error::ApiError;

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotency-replayed";

/// The receipt for this request, when it carries a key.
pub fn receipt(
    req: &HttpRequest,
    caller: &Caller,
    body: Option<&Value>,
    respond: fn(&Outcome) -> StoredResponse,
) -> Result<Option<Receipt>, ApiError> {
    let Some(raw) = req.headers().get(HEADER) else { return Ok(None) };
    let key = raw.to_str().ok().filter(|k| valid_key(k)).ok_or_else(|| {
        ApiError::bad_request(
            ErrorCode::InvalidHeader,
            "Idempotency-Key must be 1 to 255 printable ASCII characters",
        )
        .with_details(json!({"field": "Idempotency-Key"}))
    })?;
    let mut digest = Sha256::new();
    digest.update(req.method().as_str());
    digest.update([0]);
    digest.update(req.uri().path());
    digest.update([0]);
    digest.update(body.map(Value::to_string).unwrap_or_default());
    let fingerprint = digest.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Some(Receipt {
        user: caller.0.user_id.clone().unwrap_or_default(),
        key: key.to_owned(),
        fingerprint,
        respond,
    }))
}

pub fn answer(r: StoredResponse) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK)).json(r.body)
}

/// The kept answer, marked as a replay.
pub fn replay(r: StoredResponse) -> HttpResponse {
    let mut res = answer(r);
    res.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static(REPLAYED),
        actix_web::http::header::HeaderValue::from_static("true"),
    );
    res
}
