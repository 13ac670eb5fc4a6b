//! `prodsync-bench`: starts the server on a fresh database and measures the write path
//! (against pgbench running the same transaction), fan-out, idle connections and catch-up.
//! Prints a table, writes JSON, and exits non-zero on any error or lost event.

mod activity;
mod batch;
mod catchup;
mod cluster;
mod connections;
mod fanout;
mod fixtures;
mod floor;
mod pacer;
mod pgbench;
mod pgcpu;
mod presence;
mod server;
mod stats;
mod storm;
mod transfer;
mod videodept;
mod writes;
mod ws;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use stats::Row;

#[derive(Parser)]
#[command(
    name = "prodsync-bench",
    about = "Load tool for prodsync: writes, pgbench reference, fan-out, connections, catch-up"
)]
struct Cli {
    /// Small sizes, under a minute: a smoke check (fails on errors or lost events, not on speed).
    #[arg(long)]
    quick: bool,
    /// The server binary to start (build it with `cargo build --release -p prodsync-api`).
    #[arg(long, default_value = "target/release/prodsync")]
    server_bin: PathBuf,
    /// Write the rows as JSON here too.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Scenarios to run (comma-separated): write, fanout, cluster, connections, catchup, storm, activity, presence, batch, transfer; also cluster-writes (cluster's write rows alone).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "write,fanout,cluster,connections,catchup,storm,activity,presence,batch,transfer"
    )]
    only: Vec<String>,
    /// Concurrent HTTP clients (and pgbench clients) for the write path.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Subscriber counts for fan-out.
    #[arg(long, value_delimiter = ',')]
    subscribers: Vec<usize>,
    /// Idle connection counts.
    #[arg(long, value_delimiter = ',')]
    connections: Vec<usize>,
    /// Fan-outs of the cluster scenarios (`cluster-writes` is its write rows alone).
    #[arg(long, value_delimiter = ',', default_value = "postgres,nats")]
    fanouts: Vec<String>,
    /// Instances alive in the cluster write rows (default 1,2,4; 1,2 with --quick).
    #[arg(long, value_delimiter = ',')]
    cluster_instances: Vec<usize>,
    /// Rejoins in the catch-up scenario, one after another, each as far behind.
    #[arg(long, default_value_t = 5)]
    rejoins: usize,
}

/// Fills in the sizes the mode implies, so that the file limit can clamp them.
fn with_defaults(mut cli: Cli) -> Cli {
    let plan = Plan::of(&cli);
    if cli.connections.is_empty() {
        cli.connections = plan.connections;
    }
    if cli.subscribers.is_empty() {
        cli.subscribers = plan.fanout.iter().map(|(n, _)| *n).collect();
    }
    cli
}

struct Plan {
    write_secs: u64,
    fanout: Vec<(usize, f64)>,
    fanout_secs: u64,
    /// Subscribers and updates a second for the several-instances rows.
    cluster: (usize, f64),
    connections: Vec<usize>,
    catchup: usize,
    /// Change-log rows for the activity pages, and GETs per page kind.
    activity_rows: usize,
    activity_requests: usize,
    presence_users: Vec<usize>,
    presence_secs: u64,
    /// Entities of the production exported, imported and duplicated.
    transfer: usize,
    /// Sockets in the reconnect storm, and events they miss.
    storm: (usize, usize),
}

impl Plan {
    fn of(cli: &Cli) -> Plan {
        let mut plan = if cli.quick {
            Plan {
                write_secs: 2,
                fanout: vec![(1, 50.0), (100, 50.0)],
                fanout_secs: 2,
                cluster: (100, 50.0),
                connections: vec![500],
                catchup: 1000,
                activity_rows: 20_000,
                activity_requests: 20,
                presence_users: vec![50],
                presence_secs: 2,
                transfer: 200,
                storm: (500, 20),
            }
        } else {
            Plan {
                write_secs: 10,
                fanout: vec![(1, 200.0), (100, 200.0), (1000, 200.0), (10_000, 20.0)],
                fanout_secs: 5,
                cluster: (1000, 200.0),
                connections: vec![10_000, 50_000],
                catchup: 10_000,
                activity_rows: 1_000_000,
                activity_requests: 200,
                presence_users: vec![100, 300, 1000],
                presence_secs: 5,
                transfer: 2000,
                storm: (10_000, 20),
            }
        };
        if !cli.subscribers.is_empty() {
            plan.fanout =
                cli.subscribers.iter().map(|&n| (n, if n >= 10_000 { 20.0 } else { 200.0 })).collect();
        }
        if !cli.connections.is_empty() {
            plan.connections = cli.connections.clone();
        }
        plan
    }
}

/// Raises the open-files limit (the server child inherits it) and returns what it is now.
/// Raising the hard limit needs CAP_SYS_RESOURCE; without it the soft limit goes up to
/// the hard one and no further.
fn raise_file_limit() -> u64 {
    const WANT: u64 = 250_000;
    if rlimit::setrlimit(rlimit::Resource::NOFILE, WANT, WANT).is_err() {
        let _ = rlimit::increase_nofile_limit(WANT);
    }
    rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft).unwrap_or(1024)
}

async fn run(cli: &Cli) -> Result<Vec<Row>, String> {
    let plan = Plan::of(cli);
    let wants = |s: &str| cli.only.iter().any(|o| o == s);
    let http = reqwest::Client::new();
    let mut rows = Vec::new();
    if wants("write") {
        let secs = Duration::from_secs(plan.write_secs);
        // (a) one hot production with 8 cameras; (b) 100 productions with one camera each.
        // Each on its own fresh database, with pgbench on that same database right after.
        for (productions, cameras, label) in [(1, 8, "1 production"), (100, 100, "100 productions")] {
            let env = [("PRODSYNC_POOL_SIZE", cli.clients.to_string())];
            let server = server::ServerProc::start(&cli.server_bin, &env).await?;
            let targets = fixtures::create(&http, &server.base, productions, cameras).await?;
            let mut ours = writes::run(&server, &targets, cli.clients, secs, label).await;
            let mut references = Vec::new();
            if pgbench::available() {
                for script in [pgbench::Script::SameStatements, pgbench::Script::Minimal] {
                    let db = server.db_url();
                    // The scripts follow today's schema: against an older binary's
                    // database (an A/B with --server-bin) one may not run.
                    match pgbench::run(db, cli.clients, secs, cameras, productions, label, script) {
                        Ok(row) => references.push(row),
                        Err(e) => {
                            let why = e.lines().find(|l| l.contains("ERROR")).unwrap_or(&e).to_owned();
                            eprintln!("{}: skipped ({why})", script.name())
                        }
                    }
                }
            } else {
                eprintln!("pgbench not found: skipping the references");
            }
            let ratios: Vec<String> = references
                .iter()
                .map(|r| {
                    format!(
                        "{:.2}x {} ({:.0} tx/s)",
                        ours.throughput / r.throughput,
                        r.scenario,
                        r.throughput
                    )
                })
                .collect();
            if !ratios.is_empty() {
                ours.note = ratios.join("; ");
            }
            rows.push(ours);
            rows.extend(references);
        }
    }
    if wants("fanout") {
        let env = [("PRODSYNC_WS_CLIENT_TIMEOUT_MS", "600000".to_owned())];
        let server = server::ServerProc::start(&cli.server_bin, &env).await?;
        let targets = fixtures::create(&http, &server.base, 1, 8).await?;
        for &(subs, rate) in &plan.fanout {
            rows.push(
                fanout::run(&server, &targets, subs, rate, Duration::from_secs(plan.fanout_secs)).await?,
            );
        }
        // The kernel's share of the same deliveries, from a bare sender: the rooms above
        // are measured against it.
        for &(subs, rate) in plan.fanout.iter().filter(|(subs, _)| *subs >= 100) {
            let per_write = floor::per_write(subs, rate, floor::flush_interval_ms());
            rows.push(floor::run(subs, rate, per_write, Duration::from_secs(plan.fanout_secs)).await?);
        }
    }
    if wants("cluster") {
        // The writer on the first instance; subscribers on one instance, then spread over
        // two on the same database, then a single subscriber on each (the hop's latency).
        let env = [("PRODSYNC_WS_CLIENT_TIMEOUT_MS", "600000".to_owned())];
        let first = server::ServerProc::start(&cli.server_bin, &env).await?;
        let second = server::ServerProc::start_on(&cli.server_bin, &env, &first, 1).await?;
        let targets = fixtures::create(&http, &first.base, 1, 8).await?;
        let secs = Duration::from_secs(plan.fanout_secs);
        let (subs, rate) = plan.cluster;
        rows.push(fanout::run_on(&first, &[&first], &targets, subs, rate, secs, "cluster fan-out").await?);
        rows.push(
            fanout::run_on(&first, &[&first, &second], &targets, subs, rate, secs, "cluster fan-out").await?,
        );
        rows.push(fanout::run_on(&first, &[&first], &targets, 1, 20.0, secs, "cross-instance hop").await?);
        rows.push(fanout::run_on(&first, &[&second], &targets, 1, 20.0, secs, "cross-instance hop").await?);
        drop((first, second));
    }
    if wants("cluster") || wants("cluster-writes") {
        // Writes with 1, 2 and 4 instances alive, and the hop, over each fan-out.
        let instances: &[usize] = match (&cli.cluster_instances[..], cli.quick) {
            ([], true) => &[1, 2],
            ([], false) => &[1, 2, 4],
            (chosen, _) => chosen,
        };
        let write_secs = Duration::from_secs(plan.write_secs);
        let secs = Duration::from_secs(plan.fanout_secs);
        for fan in &cli.fanouts {
            let fan = match fan.as_str() {
                "postgres" => cluster::Fan::Postgres,
                "nats" => cluster::Fan::Nats,
                other => return Err(format!("--fanouts: {other} is neither postgres nor nats")),
            };
            rows.extend(cluster::run(&cli.server_bin, fan, instances, cli.clients, write_secs, secs).await?);
        }
    }
    if wants("connections") {
        let env = [
            ("PRODSYNC_WS_CLIENT_TIMEOUT_MS", "600000".to_owned()),
            ("PRODSYNC_WS_PING_INTERVAL_MS", "60000".to_owned()),
        ];
        let server = server::ServerProc::start(&cli.server_bin, &env).await?;
        let targets = fixtures::create(&http, &server.base, 10, 10).await?;
        rows.extend(connections::run(&server, &targets, &plan.connections).await);
    }
    if wants("activity") {
        let server = server::ServerProc::start(&cli.server_bin, &[]).await?;
        let targets = fixtures::create(&http, &server.base, 1, 1).await?;
        rows.extend(activity::run(&server, targets[0], plan.activity_rows, plan.activity_requests).await);
    }
    if wants("presence") {
        for &users in &plan.presence_users {
            // A fresh server per size; pings off so they do not interleave with the sends.
            let env = [
                ("PRODSYNC_WS_CLIENT_TIMEOUT_MS", "600000".to_owned()),
                ("PRODSYNC_WS_PING_INTERVAL_MS", "600000".to_owned()),
            ];
            let server = server::ServerProc::start(&cli.server_bin, &env).await?;
            let targets = fixtures::create(&http, &server.base, 1, 1).await?;
            rows.push(
                presence::run(&server, targets[0], users, Duration::from_secs(plan.presence_secs)).await,
            );
        }
    }
    if wants("batch") {
        let server = server::ServerProc::start(&cli.server_bin, &[]).await?;
        let targets = fixtures::create(&http, &server.base, 1, 8).await?;
        rows.push(batch::run(&server, &targets, 1000).await);
    }
    if wants("transfer") {
        let server = server::ServerProc::start(&cli.server_bin, &[]).await?;
        rows.extend(transfer::run(&server, plan.transfer).await);
        rows.extend(videodept::run(&cli.server_bin, &server, plan.transfer).await);
    }
    if wants("storm") {
        let env = [("PRODSYNC_WS_CLIENT_TIMEOUT_MS", "600000".to_owned())];
        let server = server::ServerProc::start(&cli.server_bin, &env).await?;
        let targets = fixtures::create(&http, &server.base, 1, 1).await?;
        let sockets = plan.storm.0.min(cli.connections.iter().copied().max().unwrap_or(plan.storm.0));
        rows.push(storm::run(&server, targets[0], sockets, plan.storm.1).await);
    }
    if wants("catchup") {
        let server = server::ServerProc::start(&cli.server_bin, &[]).await?;
        let targets = fixtures::create(&http, &server.base, 1, 1).await?;
        rows.push(catchup::run(&server, targets[0], plan.catchup, cli.rejoins).await);
    }
    Ok(rows)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let cli = with_defaults(cli);
    if !cli.server_bin.exists() {
        eprintln!(
            "{} not found: build it first (cargo build --release -p prodsync-api)",
            cli.server_bin.display()
        );
        return ExitCode::from(2);
    }
    let limit = raise_file_limit();
    let mut cli = cli;
    // Each socket is a file in this process and in the server; keep room for the rest.
    let most = limit.saturating_sub(1000) as usize;
    for n in cli.connections.iter_mut().chain(cli.subscribers.iter_mut()) {
        if *n > most {
            eprintln!("open-files limit is {limit}: running {most} sockets instead of {n}");
            *n = most;
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let rows = match runtime.block_on(run(&cli)) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("prodsync-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    stats::print_table(&rows);
    if let Some(path) = &cli.json {
        let json = serde_json::to_string_pretty(&rows).unwrap_or_default();
        if let Err(e) = std::fs::write(path, json) {
            eprintln!("writing {}: {e}", path.display());
        }
    }
    let bad: Vec<&Row> = rows.iter().filter(|r| r.errors > 0 || r.lost > 0).collect();
    for r in &bad {
        eprintln!("FAILED: {} ({}): {} errors, {} lost", r.scenario, r.params, r.errors, r.lost);
    }
    if bad.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
