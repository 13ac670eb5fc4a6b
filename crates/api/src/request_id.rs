//! A request id on every response (`X-Request-Id`) and in every log line of the request,
//! so that an operator can find what a client saw: a 5xx body carries only this id, never
//! the database's message.

use std::future::Future;

use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use tracing::Instrument;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being served on this task, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// The client's own id when it is short and plain, else a new one.
fn pick(req: &ServiceRequest) -> String {
    req.headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .filter(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned)
}

/// What the middleware keeps of a request while the rest of it runs.
pub struct Context {
    id: String,
    started: std::time::Instant,
    method: actix_web::http::Method,
    path: String,
}

impl Context {
    pub fn of(req: &ServiceRequest) -> Context {
        Context {
            id: pick(req),
            started: std::time::Instant::now(),
            method: req.method().clone(),
            path: req.path().to_owned(),
        }
    }

    /// Runs the rest of the request with its id in scope, logs it, and names it in the response.
    pub fn run<B, F>(self, fut: F) -> impl Future<Output = F::Output>
    where
        F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
    {
        let span = tracing::info_span!("request", request_id = %self.id);
        let header = HeaderValue::from_str(&self.id).ok();
        let Context { id, started, method, path } = self;
        CURRENT.scope(
            id,
            async move {
                let mut res = fut.await?;
                if let Some(h) = header {
                    res.headers_mut().insert(HEADER, h);
                }
                tracing::debug!(%method, %path, status = res.status().as_u16(),
                    elapsed_us = started.elapsed().as_micros() as u64, "request");
                Ok(res)
            }
            .instrument(span),
        )
    }
}
