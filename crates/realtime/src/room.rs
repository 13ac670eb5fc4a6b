//! One production's room: a task that owns its subscribers and releases events in seq order.

use bytestring::ByteString;
use prodsync_domain::member::removed_user;
use prodsync_domain::presence::{Focus, PresentUser};
use prodsync_domain::ProductionId;
use prodsync_domain::{ChangeEvent, SyncError};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::oneshot;
use tokio::time::{sleep_until, Instant};
use uuid::Uuid;

use std::sync::Arc;
use std::task::Waker;

use crate::hub::{Delivery, Hub, JoinAnswer, JoinFailure, Outgoing, PresenceDelivery, Subscriber};
use crate::presence::RoomPresence;
use crate::sequencer::Sequencer;

/// One event as the room keeps it until its turn.
#[derive(Debug)]
pub(crate) struct RoomEvent {
    pub frame: ByteString,
    /// A member removal: this user's sockets leave the room here, and get nothing after.
    pub removes: Option<Arc<str>>,
}

impl RoomEvent {
    fn of(event: &ChangeEvent) -> Option<RoomEvent> {
        let frame = ByteString::from(serde_json::to_string(event).ok()?);
        Some(RoomEvent { frame, removes: removed_user(event).map(Arc::from) })
    }
}

#[derive(Debug)]
pub(crate) enum RoomMsg {
    Event {
        seq: i64,
        item: RoomEvent,
    },
    Join {
        sub: Subscriber,
        since: Option<i64>,
        attempt: u64,
    },
    Leave {
        id: u64,
    },
    Focus {
        id: u64,
        focus: Option<Focus>,
    },
    Presence {
        reply: oneshot::Sender<Vec<PresentUser>>,
    },
    /// Another instance committed up to `seq` (`None`: unknown, after a lost listen
    /// connection): read what is missing from the change log.
    CatchUp {
        seq: Option<i64>,
    },
    /// Another instance's presence report for this production.
    Remote(prodsync_domain::presence::Report),
}

struct Room {
    hub: Hub,
    production_id: Uuid,
    order: Sequencer<RoomEvent>,
    subs: Vec<Subscriber>,
    presence: RoomPresence,
    /// Response bodies with frames waiting: woken together at the next flush.
    wake: Vec<Waker>,
    last_flush: Instant,
}

impl Room {
    fn release(&mut self, released: Vec<(i64, RoomEvent)>) {
        for (seq, RoomEvent { frame, removes }) in released {
            if let Some(user) = removes {
                self.remove_user(&user);
            }
            let delivery = Arc::new(Delivery::new(self.production_id, seq, frame));
            self.offer_all(|s, wake| s.event(&delivery, wake), None);
            self.hub.delivered(self.subs.len());
        }
    }

    /// Offers to every socket but `except`; those that cannot take it leave the room.
    fn offer_all(&mut self, offer: impl Fn(&Subscriber, &mut Vec<Waker>) -> bool, except: Option<u64>) {
        let mut dropped = Vec::new();
        let wake = &mut self.wake;
        self.subs.retain(|s| {
            let kept = Some(s.id) == except || offer(s, wake);
            if !kept {
                dropped.push(s.clone());
            }
            kept
        });
        self.depart(dropped);
    }

    /// Sockets that left: their users' presence goes down, and the room hears of it. A
    /// socket too slow for that news leaves in turn (the loop ends: each pass removes one).
    fn depart(&mut self, mut gone: Vec<Subscriber>) {
        while let Some(sub) = gone.pop() {
            let Some(frame) = sub.user.as_deref().and_then(|u| self.presence.depart(u)) else { continue };
            let shared = Arc::new(PresenceDelivery::new(self.production_id, frame));
            let wake = &mut self.wake;
            self.subs.retain(|s| {
                let kept = s.presence(&shared, wake);
                if !kept {
                    gone.push(s.clone());
                }
                kept
            });
        }
    }

    fn broadcast_presence(&mut self, frame: ByteString, except: Option<u64>) {
        let shared = Arc::new(PresenceDelivery::new(self.production_id, frame));
        self.offer_all(|s, wake| s.presence(&shared, wake), except);
    }

    /// Wakes the response bodies that have frames waiting: each writes all it has at once.
    fn flush(&mut self) {
        for waker in self.wake.drain(..) {
            waker.wake();
        }
        self.last_flush = Instant::now();
    }

    /// Takes a removed member's sockets out before the removal event goes to the others.
    fn remove_user(&mut self, user: &str) {
        let production_id = self.production_id;
        let mut theirs = Vec::new();
        self.subs.retain(|s| {
            let mine = s.user.as_deref() == Some(user);
            if mine {
                s.offer(Outgoing::Removed(production_id));
                theirs.push(s.clone());
            }
            !mine
        });
        self.depart(theirs);
    }

    fn join(&mut self, sub: Subscriber, since: Option<i64>, attempt: u64) {
        let arrival = sub.user.as_deref().and_then(|u| self.presence.arrive(u, sub.name.as_deref()));
        let answer = JoinAnswer {
            production_id: self.production_id,
            attempt,
            head: self.order.head(),
            since,
            presence: self.presence.users(),
        };
        if !sub.offer(Outgoing::Joined(Box::new(answer))) {
            // Never admitted: undo the arrival without telling anyone.
            if let Some(u) = sub.user.as_deref() {
                self.presence.depart(u);
            }
            return;
        }
        let id = sub.id;
        self.subs.push(sub);
        if let Some(frame) = arrival {
            self.broadcast_presence(frame, Some(id));
        }
    }

    fn handle(&mut self, msg: RoomMsg) {
        match msg {
            RoomMsg::Event { seq, item } => {
                let released = self.order.offer(seq, item);
                self.release(released);
            }
            RoomMsg::Join { sub, since, attempt } => self.join(sub, since, attempt),
            RoomMsg::Leave { id } => {
                let gone: Vec<Subscriber> = self.subs.iter().filter(|s| s.id == id).cloned().collect();
                self.subs.retain(|s| s.id != id);
                self.depart(gone);
            }
            RoomMsg::Focus { id, focus } => {
                let user = self.subs.iter().find(|s| s.id == id).and_then(|s| s.user.clone());
                if let Some(frame) = user.and_then(|u| self.presence.focus(&u, focus)) {
                    self.broadcast_presence(frame, None);
                }
            }
            RoomMsg::Presence { reply } => {
                let _ = reply.send(self.presence.users());
            }
            RoomMsg::CatchUp { .. } => {} // handled by the loop: it reads the database
            RoomMsg::Remote(report) => {
                for frame in self.presence.remote(report) {
                    self.broadcast_presence(frame, None);
                }
            }
        }
    }

    /// Reads from the change log up to `target` (the head, when unknown).
    async fn catch_up(&mut self, hub: &Hub, target: Option<i64>) {
        let target = match target {
            Some(t) => t,
            None => match hub.feed().head_seq(ProductionId(self.production_id)).await {
                Ok(head) => head,
                Err(e) => {
                    tracing::warn!(production_id = %self.production_id, error = %e, "catch-up could not read the head");
                    return;
                }
            },
        };
        while self.order.head() < target {
            let from = self.order.head();
            let page = match hub
                .feed()
                .changes_since(ProductionId(self.production_id), from, (target - from).min(1000))
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(production_id = %self.production_id, error = %e, "catch-up failed; a later notice or gap fill retries");
                    return;
                }
            };
            if page.events.is_empty() {
                return;
            }
            self.release_page(hub, page.events);
        }
    }

    /// Events read from the change log, in their turn. A page can be long: its frames go
    /// out before the next read, so no socket's outbox fills up.
    fn release_page(&mut self, hub: &Hub, events: Vec<ChangeEvent>) {
        hub.filled(events.len());
        for event in events {
            if let Some(item) = RoomEvent::of(&event) {
                let released = self.order.offer(event.seq(), item);
                self.release(released);
            }
        }
        self.flush();
    }

    /// Reads the missing seqs from the change log: a publish that never came (its task
    /// died between commit and publish) or one from another server instance.
    async fn fill_gap(&mut self, hub: &Hub) {
        let Some(gap) = self.order.gap() else { return };
        let missing = gap.end() - gap.start() + 1;
        match hub
            .feed()
            .changes_since(ProductionId(self.production_id), self.order.head(), missing.min(1000))
            .await
        {
            Ok(page) => {
                tracing::info!(production_id = %self.production_id, from = gap.start(), to = gap.end(),
                    filled = page.events.len(), "filled a gap in the live stream from the change log");
                self.release_page(hub, page.events);
            }
            Err(SyncError::ResyncRequired { .. }) => {
                tracing::warn!(production_id = %self.production_id, "gap no longer in the change log; resyncing all");
                let gone: Vec<Subscriber> = self.subs.drain(..).collect();
                for s in &gone {
                    s.overflow.notify_one();
                }
                self.depart(gone);
            }
            Err(e) => {
                tracing::warn!(production_id = %self.production_id, error = %e, "gap fill failed; will retry")
            }
        }
    }
}

pub(crate) async fn run(hub: Hub, production_id: Uuid, generation: u64, mut rx: UnboundedReceiver<RoomMsg>) {
    let head = match hub.feed().head_seq(ProductionId(production_id)).await {
        Ok(head) => head,
        Err(e) => return refuse_joins(hub, production_id, generation, rx, e).await,
    };
    tracing::debug!(%production_id, head, "room opened");
    let mut room = Room {
        hub: hub.clone(),
        production_id,
        order: Sequencer::new(head),
        subs: Vec::new(),
        presence: RoomPresence::new(production_id, hub.presence_bus()),
        wake: Vec::new(),
        last_flush: Instant::now(),
    };
    let flush_interval = hub.settings().flush_interval;
    let mut flush_at: Option<Instant> = None;
    let gap_timeout = hub.settings().gap_timeout;
    let mut heartbeat = tokio::time::interval(crate::presence::HEARTBEAT);
    let mut gap_deadline: Option<Instant> = None;
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(RoomMsg::CatchUp { seq }) => room.catch_up(&hub, seq).await,
                Some(msg) => room.handle(msg),
                None => return,
            },
            _ = sleep_until(gap_deadline.unwrap_or_else(Instant::now)), if gap_deadline.is_some() => {
                room.fill_gap(&hub).await;
                gap_deadline = None;
            }
            _ = sleep_until(flush_at.unwrap_or_else(Instant::now)), if flush_at.is_some() => {
                room.flush();
                flush_at = None;
            }
            _ = heartbeat.tick(), if room.presence.spans_instances() => {
                for frame in room.presence.heartbeat() {
                    room.broadcast_presence(frame, None);
                }
            }
            _ = sleep_until(room.presence.next_due().unwrap_or_else(Instant::now)), if room.presence.next_due().is_some() => {
                for frame in room.presence.due() {
                    room.broadcast_presence(frame, None);
                }
            }
        }
        // Frames leave at once, unless the last flush was recent: then together with
        // whatever else the room releases meanwhile. How recent scales with the room, as
        // the write calls saved do: a small room writes every event at once.
        if !room.wake.is_empty() && flush_at.is_none() {
            let due = room.last_flush + flush_delay(flush_interval, room.subs.len());
            if Instant::now() >= due {
                room.flush();
            } else {
                flush_at = Some(due);
            }
        }
        if room.order.gap().is_none() {
            gap_deadline = None;
        } else if gap_deadline.is_none() {
            gap_deadline = Some(Instant::now() + gap_timeout);
        }
        if room.subs.is_empty() && hub.remove_if_idle(production_id, generation, &rx) {
            tracing::debug!(%production_id, "room closed");
            return;
        }
    }
}

/// Between two wake-ups of a room's sockets: `interval` from 1,000 sockets up, a
/// thousandth of it per socket below. The write calls saved grow with the room, and so may
/// the wait: with the default 15 ms, a room of 1,000 takes several events per write under
/// load, a room of 100 adds at most 1.5 ms to an event's way, a lone socket 15 µs.
fn flush_delay(interval: std::time::Duration, sockets: usize) -> std::time::Duration {
    const FULL_FROM: u32 = 1_000;
    let sockets = u32::try_from(sockets).unwrap_or(u32::MAX).min(FULL_FROM);
    interval * sockets / FULL_FROM
}

/// The production does not exist (or the database is down): every waiting join gets an
/// error, and the room goes away so that a later join tries afresh.
async fn refuse_joins(
    hub: Hub,
    production_id: Uuid,
    generation: u64,
    mut rx: UnboundedReceiver<RoomMsg>,
    e: SyncError,
) {
    let (code, message) = match e {
        SyncError::NotFound { .. } => ("not_found", format!("production {production_id} does not exist")),
        other => ("unavailable", format!("cannot join now: {other}")),
    };
    loop {
        while let Ok(msg) = rx.try_recv() {
            if let RoomMsg::Join { sub, attempt, .. } = msg {
                let failure = JoinFailure { production_id, attempt, code, message: message.clone() };
                sub.offer(Outgoing::JoinFailed(Box::new(failure)));
            }
        }
        if hub.remove_if_idle(production_id, generation, &rx) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::flush_delay;
    use std::time::Duration;

    #[test]
    fn the_flush_delay_grows_with_the_room_up_to_the_interval() {
        let ten = Duration::from_millis(10);
        for (sockets, delay_us) in [(0, 0), (1, 10), (100, 1_000), (1_000, 10_000), (50_000, 10_000)] {
            assert_eq!(flush_delay(ten, sockets), Duration::from_micros(delay_us), "{sockets} sockets");
        }
        assert_eq!(flush_delay(Duration::ZERO, 1_000), Duration::ZERO);
        let twenty = Duration::from_millis(20);
        for (sockets, delay_us) in [(1, 20), (100, 2_000), (1_000, 20_000), (5_000, 20_000)] {
            assert_eq!(flush_delay(twenty, sockets), Duration::from_micros(delay_us), "{sockets} sockets");
        }
    }
}
