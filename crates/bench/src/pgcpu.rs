//! What each server instance costs the machine, counted per process, not timed.
//!
//! "A second instance costs < 5 % of write throughput" could not be shown from throughput:
//! on this machine tps swings more than 5 % between runs minutes apart, and so does any
//! CPU-per-write figure taken from one run against another. What one run can say steadily
//! is how that run's CPU divides: the second instance's process and the PostgreSQL backends
//! serving it (its listener, its head checks) against everything else the writes cost
//! (the first instance, its backends, PostgreSQL's own processes). A slow minute inflates
//! both sides alike, so their ratio holds still; on a machine whose cores are full, a
//! share of the CPU is the share of throughput it takes.
//!
//! Backends are told apart by `application_name`, which the bench puts in each instance's
//! database URL; their CPU comes from `/proc/<pid>/schedstat` (nanoseconds, readable for
//! another user's processes), the servers' from `/proc/<pid>/stat`, transactions from
//! `pg_stat_database`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio_postgres::{Client, NoTls};

use prodsync_storage::LISTENER_SUFFIX;

use crate::server::cpu_seconds_of;

/// The `application_name` the bench gives instance `i` (0 is the one written to).
pub fn app_name(i: usize) -> String {
    format!("prodsync-bench-{i}")
}

/// `url` with `application_name` set, so that its backends can be told apart.
pub fn named_url(url: &str, app: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}application_name={app}")
}

/// Nanoseconds a single-threaded process (a PostgreSQL backend) has run on a CPU (first
/// field of schedstat, which counts the main thread only); 0 once it is gone.
fn cpu_ns(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/schedstat"))
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|f| f.parse().ok()))
        .unwrap_or(0)
}

/// CPU of a server, all its threads (from `stat`, in clock ticks: 10 ms is fine grained
/// enough over a run of seconds).
fn process_ns(pid: u32) -> u64 {
    (cpu_seconds_of(&pid.to_string()) * 1e9) as u64
}

/// Every PostgreSQL process on this machine (postmaster, backends, background workers).
fn postgres_pids() -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "postgres")
        })
        .collect()
}

struct Snapshot {
    /// CPU of every PostgreSQL process, by pid.
    postgres: HashMap<u32, u64>,
    /// The database's backends, by pid: their `application_name`.
    backends: HashMap<u32, String>,
}

/// A stretch of one run, opened before the writes and read after them.
pub struct PgMeter {
    client: Client,
    start: Snapshot,
    /// The instances' pids, in instance order, and their CPU at the start.
    servers: Vec<(u32, u64)>,
    xacts: i64,
}

/// How one run's CPU divided, per write.
#[derive(Debug, Default)]
pub struct Split {
    /// Each instance's process, µs per write.
    pub process_us: Vec<f64>,
    /// The pool's backends of each instance, µs per write.
    pub backends_us: Vec<f64>,
    /// Each instance's listening backend (woken by every notifying statement, its own
    /// instance's included), µs per write.
    pub listener_us: Vec<f64>,
    /// PostgreSQL's processes serving no instance (background writers, the postmaster).
    pub postgres_rest_us: f64,
    /// Committed transactions in the database per write (1 is the write itself).
    pub xacts_per_write: f64,
}

impl Split {
    /// µs per write that exist because other instances do: their processes and backends,
    /// and every listener, the first's included (with no peer it hears nothing). The
    /// first's notifying statements run on its pool's backends and are not in it: the
    /// transaction count says how many there were.
    pub fn others_us(&self) -> f64 {
        beyond_first(&self.process_us)
            + beyond_first(&self.backends_us)
            + self.listener_us.iter().sum::<f64>()
    }

    pub fn total_us(&self) -> f64 {
        let instances: f64 = self.process_us.iter().chain(&self.backends_us).chain(&self.listener_us).sum();
        instances + self.postgres_rest_us
    }

    /// One line for a row's note.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "CPU per write {:.0} us (servers and PostgreSQL); first instance {:.0} + its backends {:.0}",
            self.total_us(),
            self.process_us[0],
            self.backends_us[0]
        );
        if self.process_us.len() > 1 {
            s += &format!(
                "; owed to the others {:.1} (their processes {:.1}, backends {:.1}, listeners {:.1}) = {:.1}%",
                self.others_us(),
                beyond_first(&self.process_us),
                beyond_first(&self.backends_us),
                self.listener_us.iter().sum::<f64>(),
                100.0 * self.others_us() / self.total_us()
            );
        }
        s + &format!("; {:.3} transactions per write", self.xacts_per_write)
    }
}

/// The sum over every instance but the first.
fn beyond_first(per_instance: &[f64]) -> f64 {
    per_instance.iter().skip(1).sum()
}

impl PgMeter {
    /// Opens the stretch: `url` is the database the instances share, `servers` their pids
    /// in instance order.
    pub async fn start(url: &str, servers: &[u32]) -> Result<PgMeter, String> {
        let (client, conn) = tokio_postgres::connect(url, NoTls).await.map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        let start = snapshot(&client).await?;
        let xacts = settled_xacts(&client).await?;
        let servers = servers.iter().map(|&p| (p, process_ns(p))).collect();
        Ok(PgMeter { client, start, servers, xacts })
    }

    /// Closes the stretch after `writes` writes.
    pub async fn split(self, writes: u64) -> Result<Split, String> {
        let end = snapshot(&self.client).await?;
        let per_write = |ns: u64| ns as f64 / 1000.0 / writes.max(1) as f64;
        let process_us =
            self.servers.iter().map(|&(p, s)| per_write(process_ns(p).saturating_sub(s))).collect();
        let used =
            |pid: &u32, ns: &u64| ns.saturating_sub(self.start.postgres.get(pid).copied().unwrap_or(0));
        let instance = |app: &str| (0..self.servers.len()).find(|&i| app == app_name(i));
        let mut backends_us = vec![0.0; self.servers.len()];
        let mut listener_us = vec![0.0; self.servers.len()];
        let mut rest = 0u64;
        for (pid, ns) in &end.postgres {
            let app =
                end.backends.get(pid).or_else(|| self.start.backends.get(pid)).map_or("", String::as_str);
            let listener = app.strip_suffix(LISTENER_SUFFIX).and_then(instance);
            match (instance(app), listener) {
                (Some(i), _) => backends_us[i] += per_write(used(pid, ns)),
                (_, Some(i)) => listener_us[i] += per_write(used(pid, ns)),
                _ => rest += used(pid, ns),
            }
        }
        // The stats collector lags the commits; give it until its count stops moving.
        let xacts = settled_xacts(&self.client).await? - self.xacts;
        Ok(Split {
            process_us,
            backends_us,
            listener_us,
            postgres_rest_us: per_write(rest),
            xacts_per_write: xacts as f64 / writes.max(1) as f64,
        })
    }
}

async fn snapshot(client: &Client) -> Result<Snapshot, String> {
    let rows = client
        .query("SELECT pid, application_name FROM pg_stat_activity WHERE datname = current_database()", &[])
        .await
        .map_err(|e| e.to_string())?;
    let backends = rows.iter().map(|r| (r.get::<_, i32>(0) as u32, r.get::<_, String>(1))).collect();
    let postgres = postgres_pids().into_iter().map(|p| (p, cpu_ns(p))).collect();
    Ok(Snapshot { postgres, backends })
}

/// The database's committed transactions, once the statistics have caught up: backends
/// report at most once a second while busy, so this waits until two reads a second
/// apart agree (ten seconds at most).
async fn settled_xacts(client: &Client) -> Result<i64, String> {
    let read = || async {
        client
            .query_one("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", &[])
            .await
            .map(|r| r.get::<_, i64>(0))
            .map_err(|e| e.to_string())
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = read().await?;
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = read().await?;
        if now == last || Instant::now() > deadline {
            return Ok(now);
        }
        last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_others_owe_their_processes_backends_and_every_listener() {
        let split = Split {
            process_us: vec![400.0, 10.0],
            backends_us: vec![900.0, 1.0],
            listener_us: vec![5.0, 4.0],
            postgres_rest_us: 80.0,
            xacts_per_write: 1.5,
        };
        assert_eq!(split.total_us(), 1400.0);
        assert_eq!(split.others_us(), 20.0);
        assert!(split.describe().contains("= 1.4%"), "{}", split.describe());
        let alone =
            Split { process_us: vec![400.0], backends_us: vec![900.0], listener_us: vec![1.0], ..split };
        assert!(!alone.describe().contains("others"), "{}", alone.describe());
    }

    #[test]
    fn a_url_gets_its_application_name_after_any_query() {
        assert_eq!(named_url("postgres://h/db", "a"), "postgres://h/db?application_name=a");
        assert_eq!(
            named_url("postgres://h/db?sslmode=disable", "a"),
            "postgres://h/db?sslmode=disable&application_name=a"
        );
    }
}
