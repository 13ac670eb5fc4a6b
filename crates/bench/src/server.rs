//! The server under test: a child process on a fresh database, watched through /proc.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use prodsync_storage::test_db::TestDatabase;

use crate::pgcpu;

pub struct ServerProc {
    child: Child,
    pub base: String,
    pub port: u16,
    /// Its own fresh database; `None` for a second instance on another's (`start_on`).
    _db: Option<TestDatabase>,
    url: String,
}

/// Clock ticks per second for /proc/<pid>/stat; 100 on every Linux this runs on.
const CLK_TCK: f64 = 100.0;

impl ServerProc {
    pub async fn start(bin: &Path, env: &[(&str, String)]) -> Result<ServerProc, String> {
        // Empty, not our migrated template: the server applies its own migrations, so a
        // binary of another commit (an A/B with --server-bin) gets the schema it expects.
        let db = TestDatabase::blank().await;
        let url = db.url.clone();
        Self::launch(bin, env, Some(db), url, 0).await
    }

    /// Another instance on the same database as `first` (several instances); `index`
    /// (from 1) names its database connections (`pgcpu::app_name`).
    pub async fn start_on(
        bin: &Path,
        env: &[(&str, String)],
        first: &ServerProc,
        index: usize,
    ) -> Result<ServerProc, String> {
        Self::launch(bin, env, None, first.url.clone(), index).await
    }

    pub fn db_url(&self) -> &str {
        &self.url
    }

    async fn launch(
        bin: &Path,
        env: &[(&str, String)],
        db: Option<TestDatabase>,
        url: String,
        index: usize,
    ) -> Result<ServerProc, String> {
        let named = pgcpu::named_url(&url, &pgcpu::app_name(index));
        let port =
            TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let mut cmd = Command::new(bin);
        cmd.args(["serve", "--bind", "127.0.0.1", "--port", &port.to_string(), "--database-url", &named])
            .env("PRODSYNC_LOG_LEVEL", "warn")
            .env("PRODSYNC_MAX_CONNECTIONS", "200000")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().map_err(|e| format!("starting {}: {e}", bin.display()))?;
        let server = ServerProc { child, base: format!("http://127.0.0.1:{port}"), port, _db: db, url };
        server.wait_healthy().await?;
        Ok(server)
    }

    async fn wait_healthy(&self) -> Result<(), String> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            // Ready: the database answers and it hears the other instances.
            if let Ok(r) = client.get(format!("{}/ready", self.base)).send().await {
                if r.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("the server did not become healthy within 60 s".into())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// User + system CPU seconds used so far.
    pub fn cpu_seconds(&self) -> f64 {
        cpu_seconds_of(&self.pid().to_string())
    }

    fn status_kib(&self, key: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    pub fn rss_kib(&self) -> u64 {
        self.status_kib("VmRSS:")
    }

    pub fn peak_rss_kib(&self) -> u64 {
        self.status_kib("VmHWM:")
    }
}

impl Drop for ServerProc {
    /// SIGTERM first, so the server shuts down gracefully (and tools wrapping it, like a
    /// profiler, write their output); SIGKILL if it has not gone within 10 s.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// User + system CPU seconds a process has used, from /proc/<pid>/stat.
pub(crate) fn cpu_seconds_of(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / CLK_TCK
}

/// CPU used by the server and by this bench process over a stretch of wall time, in cores.
pub struct CpuMeter {
    started: Instant,
    server: f64,
    bench: f64,
}

impl CpuMeter {
    pub fn start(server: &ServerProc) -> CpuMeter {
        CpuMeter { started: Instant::now(), server: server.cpu_seconds(), bench: cpu_seconds_of("self") }
    }

    fn per_second(&self, used: f64) -> f64 {
        used / self.started.elapsed().as_secs_f64().max(1e-9)
    }

    /// Server CPU seconds used since the start.
    pub fn used(&self, server: &ServerProc) -> f64 {
        server.cpu_seconds() - self.server
    }

    pub fn cores(&self, server: &ServerProc) -> f64 {
        self.per_second(server.cpu_seconds() - self.server)
    }

    pub fn bench_cores(&self) -> f64 {
        self.per_second(cpu_seconds_of("self") - self.bench)
    }
}
