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
