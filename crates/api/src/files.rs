//! `prodsync export` and `prodsync import file`: a production as a file from the command
//! line, straight against the database (an operator's tool: backups, hand-overs between
//! servers). The same plan as the REST routes (`domain::transfer`), run as one batch.

use std::path::Path;
use std::time::Duration;

use prodsync_domain::command::{Atomicity, Outcome};
use prodsync_domain::ports::{Actor, ChangeFeed, CommandStore, MemberStore};
use prodsync_domain::transfer::{self, Ids};
use prodsync_domain::ProductionId;
use prodsync_storage::{connect, LibraryStore, PgStore, PoolSettings};
use uuid::Uuid;

use crate::config::Settings;

/// The store an operator's command reads through: a small pool.
pub(crate) fn store(settings: &Settings) -> Result<PgStore, String> {
    Ok(PgStore::for_tool(pool(settings)?))
}

fn pool(settings: &Settings) -> Result<prodsync_storage::PgPool, String> {
    connect(&PoolSettings {
        url: settings.database_url.clone(),
        max_size: 2,
        wait_timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(5),
        threads: 1,
    })
}

/// The store an operator's command writes through, telling running servers of each commit
/// as they hear each other: in the transaction (NOTIFY), or after it over NATS.
pub(crate) struct Tool {
    pub store: PgStore,
    bus: Option<prodsync_nats::Bus>,
}

impl Tool {
    pub(crate) async fn new(settings: &Settings) -> Result<Tool, String> {
        let pool = pool(settings)?;
        match settings.fanout {
            prodsync_domain::fanout::Fanout::Postgres => {
                Ok(Tool { store: PgStore::for_tool(pool), bus: None })
            }
            prodsync_domain::fanout::Fanout::Nats => {
                let bus = prodsync_nats::publisher(&settings.nats()?, uuid::Uuid::new_v4()).await?;
                let store = PgStore::for_tool_publishing(pool, std::sync::Arc::new(bus.clone()));
                Ok(Tool { store, bus: Some(bus) })
            }
        }
    }

    /// Before the command exits: what it published has reached NATS.
    pub(crate) async fn finish(&self) {
        if let Some(bus) = &self.bus {
            if !bus.drain(Duration::from_secs(5)).await {
                eprintln!("NATS did not take every notice within 5 s: running servers show these changes within one head check");
            }
        }
    }
}

/// Writes the production's file to `out` (standard output when `None`).
pub async fn export(settings: &Settings, production: Uuid, out: Option<&Path>) -> Result<(), String> {
    let store = store(settings)?;
    let id = ProductionId(production);
    let snapshot = store.snapshot(id).await.map_err(|e| format!("reading production {production}: {e}"))?;
    let members = store.members(id).await.map_err(|e| e.to_string())?;
    let used = transfer::library_used(&snapshot.entities);
    let library: Vec<_> = LibraryStore::new(store.clone())
        .all()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|i| used.contains(&i.id))
        .collect();
    let now = prodsync_domain::field::format_timestamp(time::OffsetDateTime::now_utc());
    let file = transfer::export(&snapshot.production, &snapshot.entities, &members, &library, &now);
    let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))?,
        None => println!("{text}"),
    }
    eprintln!(
        "exported production {production}: {} entities, {} members",
        snapshot.entities.len(),
        members.len()
    );
    Ok(())
}

/// Creates a production from a file; `owner` becomes its owner and the author of every
/// change (the log says who imported it).
pub async fn import(settings: &Settings, path: &Path, ids: Ids, owner: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let file: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let plan = transfer::plan_import(&file, ids, &mut Uuid::new_v4).map_err(|e| {
        let lines: Vec<String> = e.errors.iter().map(|f| format!("  {}: {}", f.field, f.message)).collect();
        format!("{} cannot be imported, nothing was written:\n{}", path.display(), lines.join("\n"))
    })?;
    let (production, entities) = (plan.production_id, plan.entities.len());
    let tool = Tool::new(settings).await?;
    let store = &tool.store;
    let held = LibraryStore::new(store.clone()).all().await.map_err(|e| e.to_string())?;
    let commands = plan.into_commands(Some(owner), &held.into_iter().map(|i| i.id).collect());
    let actor = Actor { id: Some(owner.to_owned()), name: None, cause: None, step: None };
    let done = store.execute_batch(commands, Atomicity::All, actor, None).await;
    tool.finish().await;
    match done {
        Ok(Outcome::Batch(_)) => {
            eprintln!("imported production {production}: {entities} entities, owned by {owner}");
            Ok(())
        }
        Ok(other) => Err(format!("unexpected outcome: {other:?}")),
        Err(e) => Err(format!("{} was not imported, nothing was written: {e}", path.display())),
    }
}
