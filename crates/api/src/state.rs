//! What every handler can reach: the ports, behind trait objects.

use std::future::Future;
use std::sync::Arc;

use prodsync_domain::member::MemberWrite;
use prodsync_domain::ports::{
    ActivityLog, ChangeFeed, ChangePublisher, EntityStore, HealthCheck, MemberStore, Updated, Written,
};
use prodsync_domain::{ChangeEvent, SyncError};
use prodsync_storage::EquipmentStore;

use crate::error::ApiError;

#[derive(Clone)]
pub struct AppState {
    pub entities: Arc<dyn EntityStore>,
    pub feed: Arc<dyn ChangeFeed>,
    pub health: Arc<dyn HealthCheck>,
    pub publisher: Arc<dyn ChangePublisher>,
    pub equipment: EquipmentStore,
    pub members: Arc<dyn MemberStore>,
    pub activity: Arc<dyn ActivityLog>,
    pub auth: Arc<crate::auth::Authenticator>,
}

/// The result of a committed write, with the events it produced.
pub trait Committed {
    fn events(&self) -> &[ChangeEvent];
}

impl Committed for Written {
    fn events(&self) -> &[ChangeEvent] {
        &self.events
    }
}

impl Committed for MemberWrite {
    fn events(&self) -> &[ChangeEvent] {
        &self.events
    }
}

impl Committed for Updated {
    fn events(&self) -> &[ChangeEvent] {
        &self.events
    }
}

impl AppState {
    /// Runs a write to completion and publishes its events, on a task of its own: a client
    /// that disconnects mid-request cannot cancel a write between commit and publish.
    pub async fn commit<T, F>(&self, write: F) -> Result<T, ApiError>
    where
        F: Future<Output = Result<T, SyncError>> + Send + 'static,
        T: Committed + Send + 'static,
    {
        let publisher = self.publisher.clone();
        let task = tokio::spawn(async move {
            let out = write.await?;
            publisher.publish(out.events());
            Ok::<_, SyncError>(out)
        });
        match task.await {
            Ok(result) => result.map_err(ApiError::from),
            Err(e) => Err(SyncError::Internal(format!("write task failed: {e}")).into()),
        }
    }
}
