//! The deployable server: REST routes over the domain's ports, config, wiring.

pub mod access;
mod allow;
pub mod auth;
pub mod config;
pub mod error;
mod fanout;
pub mod files;
pub mod idempotency;
pub mod metrics;
pub mod openapi;
pub mod request;
pub mod request_id;
pub mod routes;
pub mod server;
pub mod state;
pub mod telemetry;
mod upgraded;
pub mod videodept;
