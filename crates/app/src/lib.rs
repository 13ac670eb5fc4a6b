//! The application layer: what every inbound adapter (`api`'s REST and `/ws`, `compat`'s
//! REST and Socket.IO) does between reading a request and writing an answer, written once.
//! Identify the caller (`identity`), decide access (`access`, the domain's rules with the
//! role fetched), run a command to completion and publish its events (`write`), and turn
//! every failure into one taxonomy (`problem`). Adapters translate shapes and status codes
//! and nothing else; none spawns a write, fetches a role or maps a storage error itself.

pub mod access;
pub mod identity;
pub mod problem;
mod write;

use std::sync::Arc;

use prodsync_domain::ports::{ChangePublisher, CommandStore, EntityStore, MemberStore};
use prodsync_storage::{LibraryStore, SettingsStore};

pub use identity::{bearer, AuthError, Authenticator, Credentials, JwtSettings};
pub use problem::Problem;
pub use write::{Done, Receipted};

/// The ports the application drives, shared by every adapter of one server.
#[derive(Clone)]
pub struct App {
    pub entities: Arc<dyn EntityStore>,
    pub commands: Arc<dyn CommandStore>,
    pub members: Arc<dyn MemberStore>,
    pub publisher: Arc<dyn ChangePublisher>,
    pub library: LibraryStore,
    pub settings: SettingsStore,
    pub auth: Arc<Authenticator>,
}
