//! A drop-in backend for the original Video Production Manager's frontend: its REST routes
//! and JSON shapes under `/compat/api`, and Socket.IO (Engine.IO 4, Socket.IO 5) at
//! `/socket.io/`. An inbound adapter like `api`: it translates, and the core (the same
//! commands, merge rules, rooms, ordering and catch-up) does the work; the core knows
//! nothing of it. docs/compat.md says how to point the original app here.

mod bridge;
mod engineio;
mod error;
mod ids;
mod ports;
mod registry;
mod rest;
mod server;
mod shapes;
mod socketio;
pub mod videodept;

/// Which of our types each of the original's REST segments serves (tests walk them).
pub use shapes::{Route, ROUTES};

use std::sync::Arc;

use actix_web::web;
use prodsync_app::App;
use prodsync_domain::origin::OriginPolicy;
use prodsync_realtime::Hub;

pub use error::CompatError;

/// The application layer (shared with `api`) and what only this adapter holds.
#[derive(Clone)]
pub struct CompatState {
    pub app: App,
    pub hub: Hub,
    /// Which browser pages may open a Socket.IO session (`domain::origin`).
    pub origins: Arc<OriginPolicy>,
    pub sockets: registry::Registry,
}

/// Handlers reach the shared ports (`state.entities`, `state.members`…) through the app.
impl std::ops::Deref for CompatState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl CompatState {
    pub fn new(app: App, hub: Hub, origins: Arc<OriginPolicy>) -> CompatState {
        CompatState { app, hub, origins, sockets: registry::Registry::default() }
    }
}

/// Mounts `/compat/api/…` and `/socket.io/`. Needs `web::Data<CompatState>`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(server::scope()).service(rest::scope());
}
