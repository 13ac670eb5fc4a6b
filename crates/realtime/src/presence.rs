//! A room's presence: this instance's users (the domain's `Presence`), the other
//! instances' reports (`Cluster`), and one `Throttle` per user, on the room's clock,
//! turned into the frames the room sends. Each local change is reported to the other
//! instances, and every `HEARTBEAT` the whole local picture, so an instance that dies
//! takes its users with it after `REMOTE_TTL`. The rules are the domain's; this module
//! only keeps time and writes frames.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use bytestring::ByteString;
use prodsync_domain::presence::{merged, Cluster, Focus, Pace, Presence, PresentUser, Report, Throttle};
use serde_json::json;
use tokio::time::Instant;
use uuid::Uuid;

use crate::protocol::frame;

/// At most this many focus moves of one user a second reach the others.
const FOCUS_INTERVAL: Duration = Duration::from_millis(100);
/// How often a room reports all its local users to the other instances.
pub(crate) const HEARTBEAT: Duration = Duration::from_secs(5);
/// An instance silent this long is taken to be gone, with its users.
const REMOTE_TTL: Duration = Duration::from_secs(15);

/// Where presence reports go to reach the other instances.
#[derive(Clone)]
pub struct PresenceBus {
    pub instance: Uuid,
    pub send: Arc<dyn Fn(String) + Send + Sync>,
}

pub(crate) struct RoomPresence {
    production_id: Uuid,
    state: Presence,
    cluster: Cluster,
    throttles: HashMap<String, Throttle>,
    /// What the room was last told about each user, so a report that changes nothing
    /// visible sends nothing.
    shown: HashMap<String, PresentUser>,
    bus: Option<PresenceBus>,
    epoch: Instant,
}

impl RoomPresence {
    pub fn new(production_id: Uuid, bus: Option<PresenceBus>) -> RoomPresence {
        RoomPresence {
            production_id,
            state: Presence::default(),
            cluster: Cluster::default(),
            throttles: HashMap::new(),
            shown: HashMap::new(),
            bus,
            epoch: Instant::now(),
        }
    }

    pub fn spans_instances(&self) -> bool {
        self.bus.is_some()
    }

    /// Everyone present, on every instance.
    pub fn users(&self) -> Vec<PresentUser> {
        let ids: BTreeSet<String> =
            self.state.users().into_iter().map(|u| u.user_id).chain(self.cluster.user_ids()).collect();
        ids.iter().filter_map(|u| merged(self.state.get(u), &self.cluster.of(u))).collect()
    }

    fn changed(&self, user: &PresentUser) -> ByteString {
        frame("presence:changed", json!({"productionId": self.production_id, "user": user}))
    }

    /// The frame that tells the room how `user` looks now, if that is news.
    fn view(&mut self, user: &str) -> Option<ByteString> {
        match merged(self.state.get(user), &self.cluster.of(user)) {
            Some(u) if self.shown.get(user) == Some(&u) => None,
            Some(u) => {
                let f = self.changed(&u);
                self.shown.insert(user.to_owned(), u);
                Some(f)
            }
            None => {
                self.shown.remove(user)?;
                self.throttles.remove(user);
                Some(frame("presence:left", json!({"productionId": self.production_id, "userId": user})))
            }
        }
    }

    /// Tells the other instances how `user` stands here.
    fn report(&self, user: &str) {
        let Some(bus) = &self.bus else { return };
        let entry = self.state.get(user).cloned().unwrap_or(PresentUser {
            user_id: user.to_owned(),
            user_name: None,
            focus: None,
            connections: 0,
        });
        let r = Report {
            instance: bus.instance,
            production: self.production_id,
            full: false,
            users: vec![entry],
        };
        (bus.send)(r.encode());
    }

    pub fn arrive(&mut self, user: &str, name: Option<&str>) -> Option<ByteString> {
        self.state.arrive(user, name);
        self.report(user);
        self.view(user)
    }

    pub fn depart(&mut self, user: &str) -> Option<ByteString> {
        self.state.depart(user)?;
        self.report(user);
        self.view(user)
    }

    fn now(&self) -> Duration {
        self.epoch.elapsed()
    }

    /// A focus move: a frame to send now, or none (unchanged, or held for later).
    pub fn focus(&mut self, user: &str, focus: Option<Focus>) -> Option<ByteString> {
        self.state.focus(user, focus)?;
        let now = self.now();
        let throttle = self.throttles.entry(user.to_owned()).or_insert_with(|| Throttle::new(FOCUS_INTERVAL));
        match throttle.offer(now) {
            Pace::SendNow => {
                self.report(user);
                self.view(user)
            }
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
        due.iter()
            .filter_map(|u| {
                self.report(u);
                self.view(u)
            })
            .collect()
    }

    /// Another instance's report.
    pub fn remote(&mut self, r: Report) -> Vec<ByteString> {
        if self.bus.as_ref().is_none_or(|b| b.instance == r.instance) {
            return Vec::new();
        }
        let touched = self.cluster.apply(r, self.now());
        touched.iter().filter_map(|u| self.view(u)).collect()
    }

    /// Reports every local user, and lets go of instances gone silent.
    pub fn heartbeat(&mut self) -> Vec<ByteString> {
        if let Some(bus) = &self.bus {
            let r = Report {
                instance: bus.instance,
                production: self.production_id,
                full: true,
                users: self.state.users(),
            };
            (bus.send)(r.encode());
        }
        let gone = self.cluster.expire(self.now(), REMOTE_TTL);
        gone.iter().filter_map(|u| self.view(u)).collect()
    }
}
