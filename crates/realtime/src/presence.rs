//! A room's presence: the domain's `Presence` and one `Throttle` per user, on the room's
//! clock, turned into the frames the room sends. The rules are the domain's; this module
//! only keeps time and writes frames.

use std::collections::HashMap;
use std::time::Duration;

use bytestring::ByteString;
use prodsync_domain::presence::{Focus, Pace, Presence, PresenceChange, PresentUser, Throttle};
use serde_json::json;
use tokio::time::Instant;
use uuid::Uuid;

use crate::protocol::frame;

/// At most this many focus moves of one user a second reach the others.
const FOCUS_INTERVAL: Duration = Duration::from_millis(100);

pub(crate) struct RoomPresence {
    production_id: Uuid,
    state: Presence,
    throttles: HashMap<String, Throttle>,
    epoch: Instant,
}

impl RoomPresence {
    pub fn new(production_id: Uuid) -> RoomPresence {
        RoomPresence {
            production_id,
            state: Presence::default(),
            throttles: HashMap::new(),
            epoch: Instant::now(),
        }
    }

    pub fn users(&self) -> Vec<PresentUser> {
        self.state.users()
    }

    fn changed(&self, user: &PresentUser) -> ByteString {
        frame("presence:changed", json!({"productionId": self.production_id, "user": user}))
    }

    fn frame_of(&mut self, change: PresenceChange) -> ByteString {
        match change {
            PresenceChange::Changed(user) => self.changed(&user),
            PresenceChange::Left(user_id) => {
                self.throttles.remove(&user_id);
                frame("presence:left", json!({"productionId": self.production_id, "userId": user_id}))
            }
        }
    }

    pub fn arrive(&mut self, user: &str, name: Option<&str>) -> ByteString {
        let change = self.state.arrive(user, name);
        self.frame_of(change)
    }

    pub fn depart(&mut self, user: &str) -> Option<ByteString> {
        let change = self.state.depart(user)?;
        Some(self.frame_of(change))
    }

    fn now(&self) -> Duration {
        self.epoch.elapsed()
    }

    /// A focus move: a frame to send now, or none (unchanged, or held for later).
    pub fn focus(&mut self, user: &str, focus: Option<Focus>) -> Option<ByteString> {
        let moved = self.state.focus(user, focus)?;
        let now = self.now();
        let throttle = self.throttles.entry(user.to_owned()).or_insert_with(|| Throttle::new(FOCUS_INTERVAL));
        match throttle.offer(now) {
            Pace::SendNow => Some(self.changed(&moved)),
            Pace::HoldUntil(_) | Pace::AlreadyHeld => None,
        }
    }

    /// When the next held focus is due.
    pub fn next_due(&self) -> Option<Instant> {
        self.throttles.values().filter_map(Throttle::held_until).min().map(|at| self.epoch + at)
    }

    /// The latest state of every user whose held focus is due.
    pub fn due(&mut self) -> Vec<ByteString> {
        let now = self.now();
        let due: Vec<String> =
            self.throttles.iter_mut().filter_map(|(user, t)| t.fire(now).then(|| user.clone())).collect();
        due.iter().filter_map(|u| self.state.get(u)).map(|u| self.changed(u)).collect()
    }
}
