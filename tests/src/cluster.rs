//! Real `prodsync` processes on one database, for the several-instances tests: started,
//! waited for until ready, killed (SIGKILL) or stopped (SIGTERM) like an orchestrator does.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The server binary, built once per test run (a no-op when cargo test built it already).
pub fn binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
            let status = Command::new(env!("CARGO"))
                .args(["build", "-q", "-p", "prodsync-api", "--bin", "prodsync"])
                .current_dir(&root)
                .status()
                .expect("cargo build");
            assert!(status.success(), "building the prodsync binary failed");
            let target =
                std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
            target.join("debug").join("prodsync")
        })
        .clone()
}

/// Runs `prodsync <args>` against `database_url` as an operator would, off the caller's
/// runtime (which may also serve the test's server).
pub async fn command(database_url: &str, args: Vec<String>) -> std::process::Output {
    command_with(database_url, args, Vec::new()).await
}

/// `command` with settings of its own (`PRODSYNC_*`).
pub async fn command_with(
    database_url: &str,
    args: Vec<String>,
    env: Vec<(String, String)>,
) -> std::process::Output {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || {
        Command::new(binary())
            .args(&args)
            .env("DATABASE_URL", url)
            .env("PRODSYNC_LOG_LEVEL", "warn")
            .envs(env)
            .output()
            .expect("prodsync runs")
    })
    .await
    .expect("the command's thread")
}

pub struct Instance {
    pub base: String,
    child: Child,
}

impl Instance {
    /// Starts one on a free port; `env` adds settings (`PRODSYNC_*`).
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Instance {
        Instance::start_logging(database_url, env, None)
    }

    /// `start`, its log (standard output, otherwise discarded) written to `log`.
    pub fn start_logging(
        database_url: &str,
        env: &[(&str, &str)],
        log: Option<&std::path::Path>,
    ) -> Instance {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut cmd = Command::new(binary());
        cmd.args([
            "serve",
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--database-url",
            database_url,
        ])
        .env("PRODSYNC_LOG_LEVEL", "warn")
        .env("PRODSYNC_WEB_ROOT", "/nonexistent")
        .stdout(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(log) = log {
            cmd.stdout(std::fs::File::create(log).expect("the log file"));
        }
        let child = cmd.spawn().expect("starting prodsync");
        Instance { base: format!("http://127.0.0.1:{port}"), child }
    }

    pub fn ws_url(&self) -> String {
        format!("{}/ws", self.base.replacen("http", "ws", 1))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until `/ready` answers 200 (database reachable, listening to the others).
    pub async fn ready(&self, http: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if http.get(format!("{}/ready", self.base)).send().await.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{} did not become ready", self.base);
    }

    /// As a crash: no shutdown at all.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// As an orchestrator stopping it.
    pub fn terminate(&self) {
        let ok = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill");
        assert!(ok.success());
    }

    /// Waits for the process to exit; its exit status, or None after `within`.
    pub fn exited_within(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fan-out instances use: PostgreSQL's own, or a NATS server of the test's own.
pub enum Fan {
    Postgres,
    Nats(crate::nats::NatsServer),
}

impl Fan {
    pub fn nats() -> Fan {
        Fan::Nats(crate::nats::NatsServer::start())
    }

    /// An instance on `database_url` with this fan-out; `env` adds settings.
    pub fn start_with(&self, database_url: &str, env: &[(&str, &str)]) -> Instance {
        self.launch(database_url, env, None)
    }

    pub fn start(&self, database_url: &str) -> Instance {
        self.start_with(database_url, &[])
    }

    /// `start_with`, the instance's log written to `log`.
    pub fn start_logging(&self, database_url: &str, env: &[(&str, &str)], log: &std::path::Path) -> Instance {
        self.launch(database_url, env, Some(log))
    }

    fn launch(&self, database_url: &str, env: &[(&str, &str)], log: Option<&std::path::Path>) -> Instance {
        let mut all: Vec<(String, String)> = match self {
            Fan::Postgres => Vec::new(),
            Fan::Nats(server) => server.env(),
        };
        all.extend(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        let all: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Instance::start_logging(database_url, &all, log)
    }
}
