//! The connection pool. Connections are made lazily, so the server starts (and `/health`
//! answers 503) while the database is down, and recovers when it comes back.

use std::time::Duration;

use deadpool::Runtime;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::AsyncPgConnection;

use crate::PgPool;

#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub url: String,
    pub max_size: usize,
    /// How long a request waits for a free connection before it gets a 503.
    pub wait_timeout: Duration,
    /// How long opening a new connection may take.
    pub connect_timeout: Duration,
}

pub fn connect(settings: &PoolSettings) -> Result<PgPool, String> {
    let mut config = ManagerConfig::default();
    // A broken connection shows on first use and is dropped then; verifying every checkout
    // would add a round trip to each request.
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(&settings.url, config);
    PgPool::builder(manager)
        .max_size(settings.max_size)
        .wait_timeout(Some(settings.wait_timeout))
        .create_timeout(Some(settings.connect_timeout))
        .recycle_timeout(Some(settings.connect_timeout))
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| e.to_string())
}
