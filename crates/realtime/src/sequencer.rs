//! Releases a room's events strictly in seq order, whatever order they arrive in.
//!
//! Commits are ordered by seq, but the broadcasts that follow them run on different tasks
//! and may arrive out of order (or, if a task dies between commit and publish, not at all).
//! The sequencer holds early arrivals until the gap before them is filled, drops what it
//! has already released, and says which seqs are missing so the room can read them from
//! the change log.

use std::collections::BTreeMap;

#[derive(Debug)]
pub struct Sequencer<T> {
    /// The last seq released.
    head: i64,
    pending: BTreeMap<i64, T>,
}

impl<T> Sequencer<T> {
    /// Starts after `head`: the next seq released is `head + 1`.
    pub fn new(head: i64) -> Self {
        Sequencer { head, pending: BTreeMap::new() }
    }

    pub fn head(&self) -> i64 {
        self.head
    }

    /// Takes one event; returns those now releasable, in order.
    pub fn offer(&mut self, seq: i64, item: T) -> Vec<(i64, T)> {
        if seq <= self.head {
            return Vec::new();
        }
        self.pending.entry(seq).or_insert(item);
        let mut out = Vec::new();
        while let Some(item) = self.pending.remove(&(self.head + 1)) {
            self.head += 1;
            out.push((self.head, item));
        }
        out
    }

    /// The seqs missing before the earliest held event, if any are held.
    pub fn gap(&self) -> Option<std::ops::RangeInclusive<i64>> {
        let (&first, _) = self.pending.iter().next()?;
        Some(self.head + 1..=first - 1)
    }

    pub fn held(&self) -> usize {
        self.pending.len()
    }
}
