//! Reads of the change log for replay, merged: joins that need the same page at the same
//! time share one read. In a reconnect storm thousands of sockets come back with the same
//! `since` within a second; each reading the log itself made the pool, not the sockets,
//! the limit. A finished page lingers briefly so that jittered clients arriving a moment
//! later still share it; the log is append-only, so a page once read stays true.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::{BoxFuture, FutureExt, Shared};
use prodsync_domain::ports::{ChangeFeed, RawPage};
use prodsync_domain::{ProductionId, SyncError};
use uuid::Uuid;

/// How long a read page stays shared after it arrived.
const LINGER: Duration = Duration::from_secs(2);
/// Most pages kept or in flight at once (each at most one page of events): past it, a
/// read is simply not shared.
const MAX_SHARED: usize = 64;

type Read = Shared<BoxFuture<'static, Result<Arc<RawPage>, SyncError>>>;
type Key = (Uuid, i64, i64);

#[derive(Clone, Default)]
pub(crate) struct ReplayReads {
    pages: Arc<Mutex<HashMap<Key, Read>>>,
}

impl ReplayReads {
    /// The events after `from` (at most `limit`), read once for everyone asking at once.
    /// `counted` is told each time the log is actually read.
    pub(crate) fn read(
        &self,
        feed: &Arc<dyn ChangeFeed>,
        production: Uuid,
        from: i64,
        limit: i64,
        counted: impl FnOnce(),
    ) -> Read {
        let key = (production, from, limit);
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(read) = pages.get(&key) {
            return read.clone();
        }
        counted();
        let feed = feed.clone();
        let read =
            async move { feed.raw_changes_since(ProductionId(production), from, limit).await.map(Arc::new) }
                .boxed()
                .shared();
        if pages.len() < MAX_SHARED {
            pages.insert(key, read.clone());
            let (pages, done) = (self.pages.clone(), read.clone());
            tokio::spawn(async move {
                let failed = done.await.is_err();
                if !failed {
                    tokio::time::sleep(LINGER).await;
                }
                pages.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
            });
        }
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prodsync_domain::ports::{ChangePage, Snapshot};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A log whose reads are counted and take a moment, as a database's do.
    #[derive(Default)]
    struct Counting(AtomicUsize);

    #[async_trait::async_trait]
    impl ChangeFeed for Counting {
        async fn snapshot(&self, _: ProductionId) -> Result<Snapshot, SyncError> {
            Err(SyncError::Internal("not used".into()))
        }
        async fn changes_since(&self, _: ProductionId, since: i64, _: i64) -> Result<ChangePage, SyncError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(ChangePage { events: vec![], head_seq: since, has_more: false })
        }
        async fn head_seq(&self, _: ProductionId) -> Result<i64, SyncError> {
            Ok(0)
        }
    }

    #[tokio::test]
    async fn joins_asking_for_the_same_page_at_once_share_one_read() {
        let counting = Arc::new(Counting::default());
        let feed: Arc<dyn ChangeFeed> = counting.clone();
        let reads = ReplayReads::default();
        let told = AtomicUsize::new(0);
        let p = Uuid::new_v4();
        let same: Vec<Read> = (0..100)
            .map(|_| reads.read(&feed, p, 10, 20, || _ = told.fetch_add(1, Ordering::SeqCst)))
            .collect();
        let other = reads.read(&feed, p, 30, 20, || _ = told.fetch_add(1, Ordering::SeqCst));
        for r in same {
            r.await.unwrap();
        }
        other.await.unwrap();
        assert_eq!((counting.0.load(Ordering::SeqCst), told.load(Ordering::SeqCst)), (2, 2));
        // A moment later (jittered clients) the page is still shared.
        reads.read(&feed, p, 10, 20, || _ = told.fetch_add(1, Ordering::SeqCst)).await.unwrap();
        assert_eq!(counting.0.load(Ordering::SeqCst), 2);
    }
}
