//! Presence: who is in a production and which field each is editing. Ephemeral (no seq,
//! not in the change log): a room keeps it while it has sockets. The rules live here as
//! pure functions: what a focus may name, how tabs of one user count as one entry, and how
//! a user's focus moves are coalesced so that dragging through fields at 60 Hz reaches the
//! others at most ~10 times a second, the latest always last.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::catalog;

/// The field a user is editing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Focus {
    /// The event prefix of the type: `camera`.
    pub entity_type: &'static str,
    pub entity_id: Uuid,
    pub field: &'static str,
}

/// `{"entityType": "camera", "entityId": "<uuid>", "field": "model"}` or `null`; the type
/// and field must exist, so that every client can trust what it renders.
pub fn parse_focus(v: &Value) -> Result<Option<Focus>, String> {
    if v.is_null() {
        return Ok(None);
    }
    let Some(o) = v.as_object() else { return Err("focus must be an object or null".into()) };
    if let Some(extra) = o.keys().find(|k| !matches!(k.as_str(), "entityType" | "entityId" | "field")) {
        return Err(format!("focus has no key {extra:?}; it takes entityType, entityId and field"));
    }
    let text = |key: &str| o.get(key).and_then(Value::as_str).ok_or(format!("focus.{key} must be a string"));
    let kind = catalog::by_name(text("entityType")?).ok_or("focus.entityType is not an entity type")?;
    let entity_id =
        Uuid::parse_str(text("entityId")?).map_err(|_| "focus.entityId must be a UUID".to_owned())?;
    let field = text("field")?;
    let def = kind.field(field).ok_or(format!("focus.field: {field:?} is not a field of {}", kind.name))?;
    Ok(Some(Focus { entity_type: kind.name, entity_id, field: def.name }))
}

/// One user as the room shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresentUser {
    pub user_id: String,
    pub user_name: Option<String>,
    pub focus: Option<Focus>,
    /// Sockets (tabs, devices) of this user in the room.
    pub connections: u32,
}

/// What a presence change tells the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresenceChange {
    /// Arrived, opened or closed a tab, or moved their focus.
    Changed(PresentUser),
    /// Their last socket left.
    Left(String),
}

/// The users present in one production.
#[derive(Debug, Default, Clone)]
pub struct Presence {
    users: BTreeMap<String, PresentUser>,
}

impl Presence {
    pub fn users(&self) -> Vec<PresentUser> {
        self.users.values().cloned().collect()
    }

    pub fn get(&self, user: &str) -> Option<&PresentUser> {
        self.users.get(user)
    }

    /// One more socket of `user`. A later tab's name replaces an earlier one's.
    pub fn arrive(&mut self, user: &str, name: Option<&str>) -> PresenceChange {
        let entry = self.users.entry(user.to_owned()).or_insert_with(|| PresentUser {
            user_id: user.to_owned(),
            user_name: None,
            focus: None,
            connections: 0,
        });
        entry.connections += 1;
        if name.is_some() {
            entry.user_name = name.map(str::to_owned);
        }
        PresenceChange::Changed(entry.clone())
    }

    /// One socket of `user` fewer; `None` when the user was not present.
    pub fn depart(&mut self, user: &str) -> Option<PresenceChange> {
        let entry = self.users.get_mut(user)?;
        entry.connections -= 1;
        if entry.connections > 0 {
            return Some(PresenceChange::Changed(entry.clone()));
        }
        self.users.remove(user);
        Some(PresenceChange::Left(user.to_owned()))
    }

    /// The user's focus is now `focus` (the latest of all their tabs). `None` when nothing
    /// changed or the user is not present.
    pub fn focus(&mut self, user: &str, focus: Option<Focus>) -> Option<PresentUser> {
        let entry = self.users.get_mut(user)?;
        if entry.focus == focus {
            return None;
        }
        entry.focus = focus;
        Some(entry.clone())
    }
}

/// What to do with a focus move now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Tell the room at once.
    SendNow,
    /// Hold it; tell the room the latest state at this time.
    HoldUntil(Duration),
    /// A send is already scheduled and will carry this move too.
    AlreadyHeld,
}

/// Coalesces one user's focus moves: at most one send per `interval`, and the latest move
/// is always sent (at the latest one interval after it). Times are offsets from any fixed
/// start, so the rule is testable without a clock.
#[derive(Debug, Clone)]
pub struct Throttle {
    interval: Duration,
    last_sent: Option<Duration>,
    held_until: Option<Duration>,
}

impl Throttle {
    pub fn new(interval: Duration) -> Throttle {
        Throttle { interval, last_sent: None, held_until: None }
    }

    pub fn offer(&mut self, now: Duration) -> Pace {
        if self.held_until.is_some() {
            return Pace::AlreadyHeld;
        }
        match self.last_sent {
            Some(last) if now < last + self.interval => {
                let at = last + self.interval;
                self.held_until = Some(at);
                Pace::HoldUntil(at)
            }
            _ => {
                self.last_sent = Some(now);
                Pace::SendNow
            }
        }
    }

    /// When a held send is due, if one is held.
    pub fn held_until(&self) -> Option<Duration> {
        self.held_until
    }

    /// The hold expired: `true` means send the latest state now.
    pub fn fire(&mut self, now: Duration) -> bool {
        match self.held_until {
            Some(at) if now >= at => {
                self.held_until = None;
                self.last_sent = Some(now);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_focus_names_a_real_type_and_field() {
        let id = Uuid::new_v4();
        let ok = parse_focus(&json!({"entityType": "camera", "entityId": id.to_string(), "field": "model"}));
        assert_eq!(ok, Ok(Some(Focus { entity_type: "camera", entity_id: id, field: "model" })));
        assert_eq!(parse_focus(&Value::Null), Ok(None));
        for bad in [
            json!({"entityType": "toaster", "entityId": id.to_string(), "field": "model"}),
            json!({"entityType": "camera", "entityId": "x", "field": "model"}),
            json!({"entityType": "camera", "entityId": id.to_string(), "field": "colour"}),
            json!({"entityType": "camera", "entityId": id.to_string(), "field": "model", "x": 1}),
            json!("camera.model"),
        ] {
            assert!(parse_focus(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tabs_of_one_user_are_one_entry() {
        let mut p = Presence::default();
        p.arrive("ann", Some("Ann"));
        let two = p.arrive("ann", None);
        assert!(
            matches!(two, PresenceChange::Changed(ref u) if u.connections == 2 && u.user_name.as_deref() == Some("Ann"))
        );
        p.arrive("bob", None);
        assert_eq!(p.users().len(), 2);
        assert!(matches!(p.depart("ann"), Some(PresenceChange::Changed(ref u)) if u.connections == 1));
        assert_eq!(p.depart("ann"), Some(PresenceChange::Left("ann".into())));
        assert_eq!(p.depart("ann"), None);
        assert_eq!(p.users().iter().map(|u| u.user_id.as_str()).collect::<Vec<_>>(), ["bob"]);
    }

    #[test]
    fn focus_is_the_latest_and_unchanged_focus_says_nothing() {
        let mut p = Presence::default();
        p.arrive("ann", None);
        let f = Focus { entity_type: "camera", entity_id: Uuid::nil(), field: "name" };
        assert_eq!(p.focus("ann", Some(f.clone())).unwrap().focus, Some(f.clone()));
        assert_eq!(p.focus("ann", Some(f)), None);
        assert!(p.focus("ann", None).is_some());
        assert_eq!(p.focus("zed", None), None, "not present");
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn throttle_sends_at_once_then_holds() {
        let mut t = Throttle::new(ms(100));
        assert_eq!(t.offer(ms(0)), Pace::SendNow);
        assert_eq!(t.offer(ms(10)), Pace::HoldUntil(ms(100)));
        assert_eq!(t.offer(ms(20)), Pace::AlreadyHeld);
        assert!(!t.fire(ms(99)));
        assert!(t.fire(ms(100)));
        assert_eq!(t.offer(ms(250)), Pace::SendNow);
    }

    proptest::proptest! {
        /// Any burst of moves: sends are at least an interval apart, and the last move is
        /// sent no later than one interval after it.
        #[test]
        fn throttle_coalesces_and_never_loses_the_latest(gaps in proptest::collection::vec(0u64..250, 1..200)) {
            let interval = ms(100);
            let mut t = Throttle::new(interval);
            let mut sends: Vec<Duration> = Vec::new();
            let mut now = Duration::ZERO;
            for gap in gaps {
                // Let any held send fire before this move, as the room's timer would.
                if let Some(at) = t.held_until() {
                    if at <= now + ms(gap) && t.fire(at) {
                        sends.push(at);
                    }
                }
                now += ms(gap);
                if t.offer(now) == Pace::SendNow {
                    sends.push(now);
                }
            }
            let last_move = now;
            if let Some(at) = t.held_until() {
                proptest::prop_assert!(t.fire(at));
                sends.push(at);
            }
            for pair in sends.windows(2) {
                proptest::prop_assert!(pair[1] - pair[0] >= interval, "{sends:?}");
            }
            let last_send = *sends.last().unwrap();
            proptest::prop_assert!(last_send >= last_move && last_send <= last_move + interval);
        }
    }
}

/// What one instance tells the others about one production's presence: a user's new
/// state (`connections` 0: gone from that instance), or, as a heartbeat, all of its users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub instance: Uuid,
    pub production: Uuid,
    /// Every user this instance has in the room (the others it had are gone).
    pub full: bool,
    pub users: Vec<PresentUser>,
}

/// The NOTIFY channel presence reports travel on.
pub const PRESENCE_CHANNEL: &str = "prodsync_presence";

impl Report {
    pub fn encode(&self) -> String {
        serde_json::json!({"i": self.instance, "p": self.production, "full": self.full, "users": self.users})
            .to_string()
    }

    pub fn decode(text: &str) -> Result<Report, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let id = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or(format!("{k} must be a UUID"))
        };
        let users = v
            .get("users")
            .and_then(Value::as_array)
            .ok_or("users")?
            .iter()
            .map(|u| {
                Ok(PresentUser {
                    user_id: u.get("userId").and_then(Value::as_str).ok_or("userId")?.to_owned(),
                    user_name: u.get("userName").and_then(Value::as_str).map(str::to_owned),
                    focus: parse_focus(u.get("focus").unwrap_or(&Value::Null))?,
                    connections: u.get("connections").and_then(Value::as_u64).unwrap_or(0) as u32,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Report {
            instance: id("i")?,
            production: id("p")?,
            full: v.get("full") == Some(&Value::Bool(true)),
            users,
        })
    }
}

/// Presence on the other instances, as they last reported it, for one room.
#[derive(Debug, Default, Clone)]
pub struct Cluster {
    remote: BTreeMap<Uuid, (BTreeMap<String, PresentUser>, Duration)>,
}

impl Cluster {
    /// Takes a report; answers the users whose picture may have changed.
    pub fn apply(&mut self, r: Report, now: Duration) -> Vec<String> {
        let (users, seen) = self.remote.entry(r.instance).or_default();
        *seen = now;
        let mut touched: Vec<String> = r.users.iter().map(|u| u.user_id.clone()).collect();
        if r.full {
            touched.extend(users.keys().cloned());
            users.clear();
        }
        for u in r.users {
            if u.connections == 0 {
                users.remove(&u.user_id);
            } else {
                users.insert(u.user_id.clone(), u);
            }
        }
        touched.sort();
        touched.dedup();
        touched
    }

    /// Forgets instances not heard from within `ttl` (crashed, or cut off); answers the
    /// users they had.
    pub fn expire(&mut self, now: Duration, ttl: Duration) -> Vec<String> {
        let dead: Vec<Uuid> = self
            .remote
            .iter()
            .filter(|(_, (_, seen))| now.saturating_sub(*seen) > ttl)
            .map(|(i, _)| *i)
            .collect();
        let mut touched = Vec::new();
        for i in dead {
            if let Some((users, _)) = self.remote.remove(&i) {
                touched.extend(users.into_keys());
            }
        }
        touched
    }

    pub fn of(&self, user: &str) -> Vec<&PresentUser> {
        self.remote.values().filter_map(|(users, _)| users.get(user)).collect()
    }

    pub fn user_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> =
            self.remote.values().flat_map(|(users, _)| users.keys().cloned()).collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// One user as every instance together sees them: all their sockets; this instance's
/// focus when it has one, else another's.
pub fn merged(local: Option<&PresentUser>, remote: &[&PresentUser]) -> Option<PresentUser> {
    let mut all = local.into_iter().chain(remote.iter().copied());
    let first = all.next()?;
    let mut out = first.clone();
    for u in all {
        out.connections += u.connections;
        if out.focus.is_none() {
            out.focus = u.focus.clone();
        }
        if out.user_name.is_none() {
            out.user_name = u.user_name.clone();
        }
    }
    Some(out)
}

#[cfg(test)]
mod cluster_tests {
    use super::*;

    fn user(id: &str, connections: u32, focus: Option<Focus>) -> PresentUser {
        PresentUser { user_id: id.into(), user_name: Some(id.to_uppercase()), focus, connections }
    }

    #[test]
    fn other_instances_users_are_merged_and_expire_with_their_instance() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let p = Uuid::from_u128(9);
        let mut c = Cluster::default();
        let s = Duration::from_secs;
        assert_eq!(
            c.apply(
                Report { instance: a, production: p, full: false, users: vec![user("ann", 2, None)] },
                s(0)
            ),
            vec!["ann"]
        );
        c.apply(
            Report {
                instance: b,
                production: p,
                full: false,
                users: vec![user("ann", 1, None), user("bob", 1, None)],
            },
            s(1),
        );
        let local = user("ann", 1, None);
        let m = merged(Some(&local), &c.of("ann")).unwrap();
        assert_eq!(m.connections, 4);
        // A heartbeat without bob: bob left b.
        assert_eq!(
            c.apply(
                Report { instance: b, production: p, full: true, users: vec![user("ann", 1, None)] },
                s(5)
            ),
            vec!["ann", "bob"]
        );
        assert!(c.of("bob").is_empty());
        // b stays silent: its users go after the ttl; a's too.
        assert_eq!(c.expire(s(16), s(15)), vec!["ann".to_owned()]);
        assert_eq!(c.user_ids(), vec!["ann".to_owned()]);
        assert_eq!(c.expire(s(30), s(15)), vec!["ann".to_owned()]);
        assert!(c.user_ids().is_empty());
        // A user gone from an instance (0 connections) is removed.
        c.apply(Report { instance: a, production: p, full: false, users: vec![user("cy", 1, None)] }, s(31));
        c.apply(Report { instance: a, production: p, full: false, users: vec![user("cy", 0, None)] }, s(32));
        assert!(c.of("cy").is_empty());
        assert_eq!(merged(None, &[]), None);
    }

    #[test]
    fn reports_round_trip() {
        let r = Report {
            instance: Uuid::from_u128(1),
            production: Uuid::from_u128(2),
            full: true,
            users: vec![user("ann", 1, None)],
        };
        assert_eq!(Report::decode(&r.encode()).unwrap(), r);
        assert!(Report::decode("{}").is_err());
    }
}
