//! A `/ws` socket's outgoing frames, filled without a task between the room and the wire.
//!
//! Rooms push each event's frame (encoded once for every socket) and presence frames here
//! as they release them, and the socket's HTTP response body takes them: one hop, no wake-up
//! of the socket's session task per delivery. The session writes its own frames (replies,
//! replays, pings) here too. While a join replays from the change log, the room's frames for
//! that production wait in a hold and follow the replay, so the client sees one ordered
//! stream; frames of a production the socket is not in are dropped here, and seqs already
//! written are never written twice.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use uuid::Uuid;

/// Where the socket stands in one production, as far as room frames go.
enum RoomState {
    /// The join is replaying: room frames wait (seq `None`: presence, never dropped).
    Held(Vec<(Option<i64>, Bytes)>),
    /// Room frames go straight to the queue; seqs up to `last_seq` are dropped.
    Live { last_seq: i64 },
}

#[derive(Default)]
struct State {
    frames: VecDeque<Bytes>,
    /// Few per socket: a list beats a map.
    rooms: Vec<(Uuid, RoomState)>,
    held: usize,
    body: Option<Waker>,
    writer: Option<Waker>,
    /// No frame is taken after the close frame; the body ends once the queue is empty.
    closed: bool,
    /// The socket fell behind: rooms push nothing more; the session closes it.
    cut: bool,
}

impl State {
    fn room(&mut self, production: Uuid) -> Option<&mut RoomState> {
        self.rooms.iter_mut().find(|(p, _)| *p == production).map(|(_, s)| s)
    }

    fn push(&mut self, frame: Bytes) -> Option<Waker> {
        self.frames.push_back(frame);
        self.body.take()
    }
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox").field("limit", &self.limit).finish_non_exhaustive()
    }
}

pub(crate) struct Outbox {
    state: Mutex<State>,
    /// Room frames queued (and held) beyond this: the socket is too slow.
    limit: usize,
    /// The session's own frames wait while this many frames are queued.
    window: usize,
}

fn wake(w: Option<Waker>) {
    if let Some(w) = w {
        w.wake();
    }
}

impl Outbox {
    pub fn new(limit: usize, window: usize) -> Outbox {
        Outbox { state: Mutex::new(State::default()), limit: limit.max(1), window: window.max(1) }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A room's frame for `production` (`seq` for events, `None` for presence). `Err`: the
    /// socket is closing or too slow, and the room should let it go. `Ok(Some(waker))`:
    /// the response body waits for it; the room wakes it when it flushes, so that events
    /// released close together leave in one write.
    pub fn room_frame(&self, production: Uuid, seq: Option<i64>, frame: &Bytes) -> Result<Option<Waker>, ()> {
        let mut state = self.lock();
        if state.closed || state.cut {
            return Err(());
        }
        if state.frames.len() + state.held >= self.limit {
            state.cut = true;
            return Err(());
        }
        match state.room(production) {
            None => Ok(None), // left, or removed: nothing for this socket
            Some(RoomState::Held(held)) => {
                held.push((seq, frame.clone()));
                state.held += 1;
                Ok(None)
            }
            Some(RoomState::Live { last_seq }) => {
                if let Some(seq) = seq {
                    if seq <= *last_seq {
                        return Ok(None);
                    }
                    *last_seq = seq;
                }
                Ok(state.push(frame.clone()))
            }
        }
    }

    /// The session's own frame, in turn with the rooms'; waits while the queue is full.
    pub async fn write(&self, frame: Bytes) -> Result<(), ()> {
        let mut frame = Some(frame);
        poll_fn(|cx| {
            let mut state = self.lock();
            if state.closed {
                return Poll::Ready(Err(()));
            }
            if state.frames.len() >= self.window {
                state.writer = Some(cx.waker().clone());
                return Poll::Pending;
            }
            let waker = state.push(frame.take().expect("polled after ready"));
            drop(state);
            wake(waker);
            Poll::Ready(Ok(()))
        })
        .await
    }

    /// The last frame: queued after everything before it, whatever the queue holds.
    pub fn close(&self, frame: Bytes) {
        let mut state = self.lock();
        if state.closed {
            return;
        }
        state.closed = true;
        let waker = state.push(frame);
        let writer = state.writer.take();
        drop(state);
        wake(waker);
        wake(writer);
    }

    /// The session is gone without a close frame: the body ends after what is queued.
    pub fn end(&self) {
        let mut state = self.lock();
        state.closed = true;
        let (body, writer) = (state.body.take(), state.writer.take());
        drop(state);
        wake(body);
        wake(writer);
    }

    /// A join of `production` was sent to its room: its frames wait for the replay.
    pub fn hold(&self, production: Uuid) {
        let mut state = self.lock();
        Self::drop_room(&mut state, production);
        state.rooms.push((production, RoomState::Held(Vec::new())));
    }

    /// The replay reached `head`: what the room pushed since goes out (beyond `head` only),
    /// and later frames go straight out.
    pub fn release(&self, production: Uuid, head: i64) {
        let mut state = self.lock();
        let Some(RoomState::Held(held)) =
            state.room(production).map(|r| std::mem::replace(r, RoomState::Live { last_seq: head }))
        else {
            return;
        };
        state.held -= held.len();
        let mut last_seq = head;
        for (seq, frame) in held {
            if let Some(seq) = seq {
                if seq <= last_seq {
                    continue;
                }
                last_seq = seq;
            }
            state.frames.push_back(frame);
        }
        if let Some(RoomState::Live { last_seq: l }) = state.room(production) {
            *l = last_seq;
        }
        let waker = state.body.take();
        drop(state);
        wake(waker);
    }

    /// The socket left `production` (or was refused or removed): its frames are dropped.
    pub fn forget(&self, production: Uuid) {
        Self::drop_room(&mut self.lock(), production);
    }

    fn drop_room(state: &mut State, production: Uuid) {
        if let Some(i) = state.rooms.iter().position(|(p, _)| *p == production) {
            if let (_, RoomState::Held(held)) = state.rooms.swap_remove(i) {
                state.held -= held.len();
            }
        }
    }

    /// The last seq of `production` queued for the wire.
    pub fn last_seq(&self, production: Uuid) -> Option<i64> {
        match self.lock().room(production) {
            Some(RoomState::Live { last_seq }) => Some(*last_seq),
            _ => None,
        }
    }

    /// The next frame for the wire; `None` once closed and drained.
    pub fn poll_frame(&self, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        let mut state = self.lock();
        match state.frames.pop_front() {
            Some(frame) => {
                let writer = if state.frames.len() < self.window { state.writer.take() } else { None };
                drop(state);
                wake(writer);
                Poll::Ready(Some(frame))
            }
            None if state.closed => Poll::Ready(None),
            None => {
                if !state.body.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    state.body = Some(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::sync::Arc;
    use std::task::Wake;

    struct Flag(std::sync::atomic::AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn drain(o: &Outbox) -> Vec<Bytes> {
        let flag = Arc::new(Flag(false.into()));
        let waker = Waker::from(flag);
        let mut cx = Context::from_waker(&waker);
        let mut out = Vec::new();
        while let Poll::Ready(Some(f)) = o.poll_frame(&mut cx) {
            out.push(f);
        }
        out
    }

    fn b(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    #[test]
    fn frames_of_a_room_not_joined_are_dropped() {
        let o = Outbox::new(8, 4);
        assert!(o.room_frame(Uuid::nil(), Some(1), &b("e1")).is_ok());
        assert!(drain(&o).is_empty());
    }

    #[test]
    fn a_held_room_releases_after_the_replay_without_repeating_seqs() {
        let (o, p) = (Outbox::new(8, 4), Uuid::from_u128(1));
        o.hold(p);
        for (seq, f) in [(Some(3), "e3"), (None, "presence"), (Some(4), "e4"), (Some(5), "e5")] {
            assert!(o.room_frame(p, seq, &b(f)).is_ok());
        }
        assert!(drain(&o).is_empty(), "nothing before the replay");
        futures_util::FutureExt::now_or_never(o.write(b("replayed e3"))).unwrap().unwrap();
        o.release(p, 3);
        assert!(o.room_frame(p, Some(5), &b("e5 again")).is_ok());
        assert!(o.room_frame(p, Some(6), &b("e6")).is_ok());
        assert_eq!(drain(&o), vec![b("replayed e3"), b("presence"), b("e4"), b("e5"), b("e6")]);
    }

    #[test]
    fn a_socket_past_the_limit_is_cut_and_the_close_frame_still_goes_last() {
        let (o, p) = (Outbox::new(2, 2), Uuid::from_u128(1));
        o.hold(p);
        o.release(p, 0);
        assert!(o.room_frame(p, Some(1), &b("e1")).is_ok());
        assert!(o.room_frame(p, Some(2), &b("e2")).is_ok());
        assert!(o.room_frame(p, Some(3), &b("e3")).is_err(), "over the limit");
        assert!(o.room_frame(p, Some(4), &b("e4")).is_err(), "stays cut");
        o.close(b("close"));
        assert_eq!(drain(&o), vec![b("e1"), b("e2"), b("close")]);
        let flag = Arc::new(Flag(false.into()));
        let waker = Waker::from(flag);
        assert_eq!(o.poll_frame(&mut Context::from_waker(&waker)), Poll::Ready(None));
    }

    #[test]
    fn the_sessions_writes_wait_for_room_in_the_window_and_wake_when_taken() {
        let o = Outbox::new(8, 1);
        futures_util::FutureExt::now_or_never(o.write(b("a"))).unwrap().unwrap();
        let mut second = Box::pin(o.write(b("b")));
        let flag = Arc::new(Flag(false.into()));
        let waker = Waker::from(flag.clone());
        assert!(second.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
        assert_eq!(drain(&o), vec![b("a")]);
        assert!(flag.0.load(std::sync::atomic::Ordering::SeqCst), "the writer was woken");
        assert!(second.as_mut().poll(&mut Context::from_waker(&waker)).is_ready());
        assert_eq!(drain(&o), vec![b("b")]);
    }

    #[test]
    fn forgetting_a_held_room_drops_what_it_held() {
        let (o, p) = (Outbox::new(2, 2), Uuid::from_u128(1));
        o.hold(p);
        assert!(o.room_frame(p, Some(1), &b("e1")).is_ok());
        o.forget(p);
        o.hold(p);
        assert!(o.room_frame(p, Some(2), &b("e2")).is_ok(), "the held frame no longer counts");
        o.release(p, 1);
        assert_eq!(drain(&o), vec![b("e2")]);
    }
}
