//! The ordering guarantee of a room, as properties of its sequencer.

use prodsync_realtime::sequencer::Sequencer;
use proptest::prelude::*;

/// 1..=n in a random order, some repeated, some already released (<= head).
fn arrivals() -> impl Strategy<Value = (i64, Vec<i64>)> {
    (0i64..5, 1i64..200).prop_flat_map(|(head, n)| {
        let seqs: Vec<i64> = (head + 1..=head + n).collect();
        let dups = prop::collection::vec(1..=head + n, 0..20);
        (Just(head), Just(seqs).prop_shuffle(), dups).prop_map(|(head, mut seqs, dups)| {
            let len = seqs.len();
            for (i, d) in dups.into_iter().enumerate() {
                seqs.insert((i * 7) % len, d);
            }
            (head, seqs)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn releases_every_seq_once_in_order_whatever_the_arrival_order((head, seqs) in arrivals()) {
        let mut s = Sequencer::new(head);
        let mut released = Vec::new();
        for seq in &seqs {
            released.extend(s.offer(*seq, *seq).into_iter().map(|(seq, item)| {
                assert_eq!(seq, item, "an item is released under its own seq");
                seq
            }));
        }
        let top = *seqs.iter().max().unwrap();
        prop_assert_eq!(released, (head + 1..=top).collect::<Vec<_>>());
        prop_assert_eq!(s.head(), top);
        prop_assert_eq!(s.held(), 0);
        prop_assert!(s.gap().is_none());
    }

    #[test]
    fn a_missing_seq_holds_everything_after_it_and_is_reported(n in 2i64..100, missing in 1i64..100) {
        prop_assume!(missing < n);
        let mut s = Sequencer::new(0);
        let mut released = Vec::new();
        for seq in (1..=n).filter(|q| *q != missing) {
            released.extend(s.offer(seq, ()).into_iter().map(|(q, _)| q));
        }
        prop_assert_eq!(&released, &(1..missing).collect::<Vec<_>>());
        prop_assert_eq!(s.gap(), Some(missing..=missing));
        let rest: Vec<i64> = s.offer(missing, ()).into_iter().map(|(q, _)| q).collect();
        prop_assert_eq!(rest, (missing..=n).collect::<Vec<_>>());
    }
}
