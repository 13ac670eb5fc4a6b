//! What one instance tells the others after a commit: through PostgreSQL's NOTIFY (sent
//! in the write's transaction, so it exists only if the write commits) or through NATS
//! (published after the commit; `Fanout` picks). Small on purpose: rooms read the events
//! themselves from the change log, which already fills gaps. Only the production-list
//! events travel inline: the list has no log of its own, and a production's deletion takes
//! its log with it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::change::ChangeEvent;

/// The NOTIFY channel every instance listens on.
pub const CHANNEL: &str = "prodsync_changes";
/// The NOTIFY channel of settings announcements (changes outside every production).
pub const SETTINGS_CHANNEL: &str = "prodsync_settings";
/// PostgreSQL refuses payloads of 8000 bytes or more.
pub const MAX_PAYLOAD: usize = 7900;

/// How instances know of each other: each refreshes a row in `instances` on a clock and
/// notifies only while another row is fresh. The timings hold together (see the test).
pub mod liveness {
    use std::time::Duration;

    /// How often an instance refreshes its row and counts the others.
    pub const REFRESH_EVERY: Duration = Duration::from_secs(2);
    /// A row refreshed within this is an instance alive: writes elsewhere notify it.
    pub const ALIVE_WITHIN: Duration = Duration::from_secs(10);
    /// An instance whose row was older than this when it refreshed it may have looked
    /// dead to the others (the margin below `ALIVE_WITHIN` covers a slow refresh), and
    /// reads the change log once they surely count it again.
    pub const FORGOTTEN_AFTER: Duration = Duration::from_secs(6);
    /// After an instance's row appears (or is fresh again), by when every other has
    /// counted it: one refresh of theirs, with room to spare.
    pub const SEEN_WITHIN: Duration = Duration::from_secs(5);
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// The instance that committed (it has published already and skips its own notice).
    #[serde(rename = "i")]
    pub instance: Uuid,
    #[serde(rename = "p")]
    pub production: Uuid,
    /// The highest seq committed; a room with less reads up to it from the change log.
    #[serde(rename = "s")]
    pub seq: i64,
    /// When it committed (ms since the epoch), for the notification-lag metric.
    #[serde(rename = "t")]
    pub at_ms: i64,
    /// The production-list events (`production:*`, `member:*`), when they fit.
    #[serde(rename = "l", default, skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<ChangeEvent>,
    /// List events that did not fit: read them from the change log from this seq on.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub list_from: Option<i64>,
}

/// Whether the production list carries this event.
pub fn for_list(e: &ChangeEvent) -> bool {
    e.event.is_production() || e.event.is_member()
}

/// Whether a write to an entity of `kind` has events the production list carries: what
/// [`for_list`] will find in them, known before the write runs.
pub fn lists(kind: &crate::EntityKind) -> bool {
    kind.is_production()
}

/// How the instances of one deployment hear each other's commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Fanout {
    /// NOTIFY in the write's transaction, LISTEN on one connection per instance: nothing
    /// more to run, every instance hears every production.
    #[default]
    Postgres,
    /// A notice published to NATS after the commit, on a subject per production: each
    /// instance hears only the productions it has a room for. Lost notices are repaired
    /// by a periodic head check of the open rooms.
    Nats,
}

/// What a fan-out tells the instance that listens.
#[derive(Debug)]
pub enum Signal {
    /// Listening (again): anything committed meanwhile must be read from the log.
    /// `peers`: other instances were alive then; they learn of this one within
    /// `liveness::SEEN_WITHIN`, and this instance should not serve before.
    Connected {
        peers: bool,
    },
    /// The connection went away; notices are not arriving until `Connected`.
    Lost(String),
    /// This instance's row had gone stale (a heartbeat came late): the others may have
    /// stopped notifying it meanwhile, and start again within `liveness::SEEN_WITHIN`.
    Forgotten,
    /// Notices may have been dropped on the way (a slow subscriber): every room reads
    /// its head again.
    Dropped,
    /// The production's notices arrive from now on (a subscription is confirmed): its
    /// room reads what was committed before.
    Watching(Uuid),
    Notice(Notice),
    /// Another instance's presence report.
    Presence(crate::presence::Report),
    /// A change outside every production (settings) made on an instance (`from`; one's
    /// own is heard too on PostgreSQL, and ignored): to every socket here.
    Announce {
        from: Uuid,
        event: String,
        data: serde_json::Value,
    },
}

/// A notice ready to send, with what a fan-out routes it by.
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    pub production: Uuid,
    /// It carries production-list events (inline or by `list_from`): every instance
    /// needs it, not only those with a room for the production.
    pub for_list: bool,
    /// The production's highest seq it reports.
    pub seq: i64,
    pub text: String,
}

/// Which notices a write sends in its own transaction when the rest follow the commit
/// (PostgreSQL's fan-out): those with production-list events. A room that misses an
/// entity's notice finds its events at the next head check, but the list has no log of
/// its own to check (a deleted production's event travels only in the notice).
pub fn in_transaction(notice: &Packed) -> bool {
    notice.for_list
}

/// The notices waiting to be sent after their commits, merged: per production only the
/// one with the highest seq, as a room reads everything up to it anyway. Notices with
/// list events are never merged away (they carry events, not only a seq).
pub fn coalesce(waiting: Vec<Packed>) -> Vec<Packed> {
    let mut out: Vec<Packed> = Vec::with_capacity(waiting.len());
    // Where each production's mergeable notice sits in `out`.
    let mut at: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    for notice in waiting {
        if notice.for_list {
            out.push(notice);
            continue;
        }
        match at.get(&notice.production) {
            Some(&i) if out[i].seq < notice.seq => out[i] = notice,
            Some(_) => {}
            None => {
                at.insert(notice.production, out.len());
                out.push(notice);
            }
        }
    }
    out
}

/// One notice per production the events touch.
pub fn notices(instance: Uuid, events: &[ChangeEvent], at_ms: i64) -> Vec<Packed> {
    let mut productions: Vec<Uuid> = events.iter().map(ChangeEvent::production_id).collect();
    productions.sort();
    productions.dedup();
    productions
        .into_iter()
        .filter_map(|p| {
            let mine: Vec<&ChangeEvent> = events.iter().filter(|e| e.production_id() == p).collect();
            let seq = mine.iter().map(|e| e.seq()).max()?;
            let list: Vec<ChangeEvent> = mine.iter().filter(|e| for_list(e)).map(|e| (*e).clone()).collect();
            let for_list = !list.is_empty();
            let mut n = Notice { instance, production: p, seq, at_ms, list, list_from: None };
            let text = serde_json::to_string(&n).ok()?;
            if text.len() <= MAX_PAYLOAD {
                return Some(Packed { production: p, for_list, seq, text });
            }
            n.list_from = n.list.iter().map(ChangeEvent::seq).min();
            n.list.retain(|e| e.event == "production:deleted");
            n.list.iter_mut().for_each(shrink);
            let text = serde_json::to_string(&n).ok()?;
            Some(Packed { production: p, for_list, seq, text })
        })
        .collect()
}

/// A deleted production's event keeps only its id and name (its log is gone, so it must
/// travel inline).
fn shrink(e: &mut ChangeEvent) {
    let keep = ["id", "showName"];
    if let Some(m) = e.data.data.as_object_mut() {
        m.retain(|k, _| keep.contains(&k.as_str()));
        if let Some(serde_json::Value::String(name)) = m.get_mut("showName") {
            name.truncate(200);
        }
    }
}

pub fn parse(payload: &str) -> Result<Notice, serde_json::Error> {
    serde_json::from_str(payload)
}

/// A settings announcement as it travels between instances (either fan-out), naming the
/// instance it comes from.
pub fn encode_announcement(from: Uuid, event: &str, data: &serde_json::Value) -> String {
    serde_json::json!({"i": from, "e": event, "d": data}).to_string()
}

/// The kept announcement's id, when `text` is a reference to one: what travels instead
/// of an announcement too large for the channel, `{"ref": id}` (written by storage's
/// statement that keeps it).
pub fn decode_reference(text: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(text).ok()?.get("ref")?.as_i64()
}

/// The announcement's event and data; `None` when the text is not one.
pub fn decode_announcement(text: &str) -> Option<Signal> {
    let mut v: serde_json::Value = serde_json::from_str(text).ok()?;
    let from = v.get("i")?.as_str()?.parse().ok()?;
    let event = v.get("e")?.as_str()?.to_owned();
    let data = v.get_mut("d")?.take();
    Some(Signal::Announce { from, event, data })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_liveness_timings_hold_together() {
        use super::liveness::*;
        assert!(REFRESH_EVERY < FORGOTTEN_AFTER, "a punctual refresh is never taken for a late one");
        assert!(FORGOTTEN_AFTER < ALIVE_WITHIN, "late is noticed before the others give up");
        assert!(REFRESH_EVERY < SEEN_WITHIN, "the others refresh at least once before");
    }

    use super::*;
    use crate::change::EventPayload;
    use serde_json::json;

    fn event(name: &str, production: Uuid, seq: i64, data: serde_json::Value) -> ChangeEvent {
        ChangeEvent::new(
            crate::change::EventName::parse(name).expect("a known event"),
            EventPayload {
                data,
                user_id: Some("ann".into()),
                timestamp: "2026-11-25T00:00:00Z".into(),
                production_id: production,
                seq,
                version: 1,
                changed_fields: vec![],
                previous: None,
                cause: None,
            },
        )
    }

    #[test]
    fn an_announcement_travels_whole() {
        let data = json!({"key": "theme", "value": {"dark": true}});
        let me = Uuid::from_u128(7);
        match decode_announcement(&encode_announcement(me, "settings:updated", &data)) {
            Some(Signal::Announce { from, event, data: got }) => {
                assert_eq!((from, event.as_str(), got), (me, "settings:updated", data.clone()))
            }
            other => panic!("{other:?}"),
        }
        assert!(decode_announcement("{\"e\": 1}").is_none());
        assert!(decode_announcement(r#"{"e": "settings:updated", "d": {}}"#).is_none(), "no sender");
        assert_eq!(decode_reference(r#"{"ref": 42}"#), Some(42));
        assert_eq!(decode_reference(&encode_announcement(me, "settings:updated", &data)), None);
    }

    /// `lists` decides before a write what `for_list` finds after it, for every kind.
    #[test]
    fn a_kind_lists_exactly_when_its_events_do() {
        let p = Uuid::from_u128(1);
        for kind in crate::catalog::PRODUCTION_ENTITIES.iter().copied().chain([&crate::catalog::PRODUCTION]) {
            let e = event(&format!("{}:updated", kind.name), p, 2, json!({"id": "x"}));
            assert_eq!(lists(kind), for_list(&e), "{}", kind.name);
        }
    }

    #[test]
    fn one_small_notice_per_production_with_list_events_inline() {
        let (me, a, b) = (Uuid::from_u128(9), Uuid::from_u128(1), Uuid::from_u128(2));
        let events = vec![
            event("camera:updated", a, 7, json!({"id": "x", "name": "Cam"})),
            event("member:created", a, 8, json!({"userId": "bob"})),
            event("camera:created", b, 3, json!({"id": "y"})),
            event("camera:updated", a, 9, json!({"id": "x"})),
        ];
        let packed = notices(me, &events, 5);
        assert_eq!(
            packed.iter().map(|n| (n.production, n.for_list)).collect::<Vec<_>>(),
            vec![(a, true), (b, false)]
        );
        let got: Vec<Notice> = packed.iter().map(|n| parse(&n.text).unwrap()).collect();
        assert_eq!(got.len(), 2);
        let na = got.iter().find(|n| n.production == a).unwrap();
        assert_eq!((na.seq, na.instance, na.at_ms), (9, me, 5));
        assert_eq!(na.list.iter().map(|e| e.event.to_string()).collect::<Vec<_>>(), vec!["member:created"]);
        let nb = got.iter().find(|n| n.production == b).unwrap();
        assert!(nb.list.is_empty() && nb.list_from.is_none());
        assert!(notices(me, &[], 5).is_empty());
    }

    #[test]
    fn list_events_too_big_to_travel_are_read_from_the_log_but_a_deletion_always_travels() {
        let p = Uuid::from_u128(1);
        let huge = "x".repeat(9000);
        let events = vec![
            event("production:updated", p, 4, json!({"id": p, "showName": huge})),
            event("production:deleted", p, 5, json!({"id": p, "showName": huge, "venue": huge})),
        ];
        let Packed { production, for_list, text, .. } = &notices(Uuid::nil(), &events, 0)[0];
        assert_eq!((*production, *for_list), (p, true));
        assert!(text.len() <= MAX_PAYLOAD, "{}", text.len());
        let n = parse(text).unwrap();
        assert_eq!(n.list_from, Some(4));
        assert_eq!(n.list.len(), 1);
        assert_eq!(n.list[0].event, "production:deleted");
        assert_eq!(n.list[0].data.data["showName"].as_str().unwrap().len(), 200);
    }

    #[test]
    fn waiting_notices_merge_to_the_highest_seq_per_production_and_list_notices_stay() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let n = |production, seq, for_list| Packed { production, for_list, seq, text: format!("{seq}") };
        let merged = coalesce(vec![
            n(a, 3, false),
            n(b, 1, false),
            n(a, 5, true),
            n(a, 4, false),
            n(a, 2, false),
            n(b, 7, false),
        ]);
        assert_eq!(
            merged.iter().map(|p| (p.production, p.seq, p.for_list)).collect::<Vec<_>>(),
            vec![(a, 4, false), (b, 7, false), (a, 5, true)]
        );
        assert!(coalesce(vec![]).is_empty());
        assert!(in_transaction(&n(a, 5, true)) && !in_transaction(&n(a, 4, false)));
    }
}
