//! The NATS fan-out (`fanout = "nats"`): after a commit the writing instance publishes a
//! small notice on a subject per production; each instance subscribes only to the
//! productions it has a room for, plus the production list, presence and liveness.
//!
//! The change log stays the only truth. A notice only makes a room read what it lacks,
//! so a lost notice (a crash between commit and publish, a NATS restart, a subscriber NATS
//! cut off for being slow) loses no event: the server's head check (`repair`) reads the
//! heads of its open rooms on a clock (`realtime::heads`) and fills what the notices missed.

mod auth;
mod bus;
mod liveness;
mod subjects;

pub use auth::Auth;
pub use bus::{connect, publisher, Bus, Target};
