//! Scenario: several instances on one database, over each fan-out (`postgres`, `nats`):
//! write throughput with 1, 2 and 4 instances alive, the others idle (what merely being
//! there costs) and then each with a subscriber in the production (each then reads every
//! write from the log for its socket), and the cross-instance hop (a write on one instance,
//! its event on a socket of another). Each write row's note says how the run's CPU divided
//! between the instances and their PostgreSQL backends (`pgcpu`), the figure that holds
//! still where throughput swings from run to run.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::pgcpu::PgMeter;
use crate::server::ServerProc;
use crate::stats::Row;
use crate::{fanout, fixtures, writes, ws};

/// The fan-outs compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fan {
    Postgres,
    Nats,
}

impl Fan {
    pub fn name(self) -> &'static str {
        match self {
            Fan::Postgres => "postgres",
            Fan::Nats => "nats",
        }
    }
}

/// A nats-server of the bench's own on a free port, stopped with it.
pub struct NatsProc {
    child: Child,
    pub url: String,
}

impl NatsProc {
    pub fn start() -> Result<NatsProc, String> {
        let port =
            TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let bin = ["/usr/sbin/nats-server", "/usr/bin/nats-server"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .unwrap_or("nats-server");
        let child = Command::new(bin)
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {bin}: {e} (apt-get install nats-server)"))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("nats-server did not start".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(NatsProc { child, url: format!("nats://127.0.0.1:{port}") })
    }
}

impl Drop for NatsProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every row of the scenario for one fan-out.
pub async fn run(
    bin: &Path,
    fan: Fan,
    instances: &[usize],
    clients: usize,
    write_secs: Duration,
    hop_secs: Duration,
) -> Result<Vec<Row>, String> {
    let nats = if fan == Fan::Nats { Some(NatsProc::start()?) } else { None };
    let mut env = vec![
        ("PRODSYNC_WS_CLIENT_TIMEOUT_MS", "600000".to_owned()),
        ("PRODSYNC_POOL_SIZE", clients.to_string()),
        ("PRODSYNC_FANOUT", fan.name().to_owned()),
    ];
    if let Some(n) = &nats {
        env.push(("PRODSYNC_NATS_URL", n.url.clone()));
    }
    let http = reqwest::Client::new();
    let mut rows = Vec::new();
    let mut alone = None;
    let runs =
        instances.iter().flat_map(|&n| if n == 1 { vec![(1, false)] } else { vec![(n, false), (n, true)] });
    for (n, listened) in runs {
        let first = ServerProc::start(bin, &env).await?;
        let mut others = Vec::new();
        for _ in 1..n {
            others.push(ServerProc::start_on(bin, &env, &first, others.len() + 1).await?);
        }
        let targets = fixtures::create(&http, &first.base, 1, 8).await?;
        let mut listening = Vec::new();
        for (i, other) in others.iter().enumerate().filter(|_| listened) {
            let mut socket = ws::connect_and_join(other.port, 3, i, targets[0].production, 64 * 1024).await?;
            listening.push(tokio::spawn(async move { while socket.next().await.is_ok() {} }));
        }
        let label = match (n, listened) {
            (1, _) => format!("{}, 1 instance", fan.name()),
            (n, false) => format!("{}, {n} instances, others idle", fan.name()),
            (n, true) => format!("{}, {n} instances, a subscriber on each other", fan.name()),
        };
        let pids: Vec<u32> = std::iter::once(&first).chain(&others).map(ServerProc::pid).collect();
        let meter = PgMeter::start(first.db_url(), &pids).await?;
        let mut row = writes::run(&first, &targets, clients, write_secs, &label).await;
        // The row's count of writes, to within the few in flight at its deadline.
        let split = meter.split((row.throughput * write_secs.as_secs_f64()).round() as u64).await?;
        row.scenario = "cluster writes".into();
        row.note = match alone {
            None => {
                alone = Some(row.throughput);
                split.describe()
            }
            Some(base) => format!("{:.2}x one instance; {}", row.throughput / base, split.describe()),
        };
        rows.push(row);
        if n == 2 && listened {
            let scenario = format!("cross-instance hop ({})", fan.name());
            rows.push(fanout::run_on(&first, &[&others[0]], &targets, 1, 20.0, hop_secs, &scenario).await?);
        }
        listening.iter().for_each(tokio::task::JoinHandle::abort);
    }
    Ok(rows)
}
