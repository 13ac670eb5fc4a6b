//! Real-time fan-out: per-production rooms over WebSockets (actix-web upgrades, frames written by `wire`).
//!
//! The write path hands committed events to the [`Hub`] (it implements the domain's
//! `ChangePublisher`). Each production with listeners has a room task that releases events
//! strictly in `seq` order (the change log's order, never the order broadcasts happen to
//! run in), filling any gap from the database. A room writes each event's frame, encoded
//! once, straight into every `/ws` socket's outbox (its HTTP response body); each socket
//! also has a session task for what the client sends, joins and replays. A socket that
//! cannot keep up is closed with a "resync" close code instead of slowing the room.

mod budget;
pub mod heads;
mod hub;
mod link;
mod outbox;
mod presence;
mod protocol;
mod replay;
mod room;
pub mod sequencer;
mod session;
mod settings;
mod wire;

pub use budget::Budget;
pub use hub::{Hub, HubStats, Interest};
pub use link::{attach, FromCore, ToCore, TooManySockets, VirtualSocket};
pub use presence::PresenceBus;
pub use protocol::{close_codes, ClientFrame};
pub use session::upgrade;
pub use settings::RealtimeSettings;
