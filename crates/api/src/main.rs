//! `prodsync`: the real-time sync server for collaborative production planning.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use prodsync_api::config::{Overrides, Settings};
use prodsync_api::{server, telemetry};

#[derive(Parser)]
#[command(name = "prodsync", version, about = "Real-time sync server for collaborative production planning")]
struct Cli {
    /// Settings file (TOML); defaults to config/default.toml when it exists.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve REST and WebSocket clients.
    Serve(Flags),
    /// Apply pending migrations and exit.
    Migrate(Flags),
}

/// Flags beat PRODSYNC_* environment variables, which beat the settings file.
#[derive(Args)]
struct Flags {
    /// Address to listen on [env: PRODSYNC_BIND] [default: 0.0.0.0]
    #[arg(long)]
    bind: Option<String>,
    /// Port to listen on [env: PRODSYNC_PORT] [default: 3010]
    #[arg(long, short)]
    port: Option<u16>,
    /// PostgreSQL URL [env: DATABASE_URL or PRODSYNC_DATABASE_URL]
    #[arg(long)]
    database_url: Option<String>,
    /// Log level or tracing filter [env: PRODSYNC_LOG_LEVEL, RUST_LOG] [default: info]
    #[arg(long)]
    log_level: Option<String>,
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let (Command::Serve(flags) | Command::Migrate(flags)) = &cli.command;
    let overrides = Overrides {
        bind: flags.bind.clone(),
        port: flags.port,
        database_url: flags.database_url.clone(),
        log_level: flags.log_level.clone(),
    };
    let settings = match Settings::load(cli.config.as_deref(), &overrides) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("prodsync: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log_level, settings.log_format);
    let result = match cli.command {
        Command::Serve(_) => server::serve(settings).await,
        Command::Migrate(_) => server::migrate_with_retry(&settings, std::time::Duration::ZERO).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}
