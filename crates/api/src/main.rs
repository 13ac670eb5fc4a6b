//! `prodsync`: the real-time sync server for collaborative production planning.

use prodsync_domain::transfer::Ids;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use prodsync_api::config::{Overrides, Settings};
use prodsync_api::{auth, server, telemetry};

/// A write allocates a few hundred small blocks (JSON values, maps, strings); mimalloc
/// serves them in about a quarter of the instructions glibc's malloc takes
/// (docs/benchmarks.md, session 6). Built without transparent huge pages (Cargo.toml):
/// they held 17 MiB more from the start (session 9).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Print an HS256 token signed with the configured jwt_secret, for local trials.
    Token(TokenArgs),
    /// Write a production, its entities and members as one file (docs/moving-in.md).
    Export(ExportArgs),
    /// Create productions from elsewhere.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Args)]
struct ExportArgs {
    /// The production's id.
    #[arg(long)]
    production: uuid::Uuid,
    /// Where to write the file (standard output when absent).
    #[arg(long, short)]
    out: Option<PathBuf>,
    #[command(flatten)]
    flags: Flags,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A file made by `prodsync export` or GET /api/productions/:pid/export.
    File(ImportFileArgs),
    /// Every show in the Video Production Manager's own database (docs/moving-in.md).
    Videodept(VideodeptArgs),
}

#[derive(Args)]
struct VideodeptArgs {
    /// The original app's PostgreSQL URL (read only; never logged).
    #[arg(long, value_name = "POSTGRES_URL")]
    from: String,
    /// Say what would be written; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import only this production (its original id, `prod_…`).
    #[arg(long, value_name = "ID")]
    production: Option<String>,
    /// Make this user owner of every imported production (needed to see them in jwt mode).
    #[arg(long, value_name = "USER")]
    owner: Option<String>,
    #[command(flatten)]
    flags: Flags,
}

#[derive(Args)]
struct ImportFileArgs {
    /// The file.
    path: PathBuf,
    /// Keep the file's ids (a restore, a hand-over); refused if any is taken here.
    #[arg(long)]
    keep_ids: bool,
    /// Who owns the new production and is named as the author of its changes.
    #[arg(long, default_value = "import")]
    owner: String,
    #[command(flatten)]
    flags: Flags,
}

#[derive(Args)]
struct TokenArgs {
    /// The user id (the `sub` claim).
    #[arg(long)]
    sub: String,
    /// The display name (the `name` claim).
    #[arg(long)]
    name: Option<String>,
    /// Make the user an administrator (`roles: ["admin"]`).
    #[arg(long)]
    admin: bool,
    /// How long the token is valid: 90s, 30m, 12h or 7d.
    #[arg(long, default_value = "1h", value_parser = parse_ttl)]
    ttl: Duration,
}

fn parse_ttl(raw: &str) -> Result<Duration, String> {
    let (digits, unit) = raw.split_at(raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len()));
    let n: u64 = digits.parse().map_err(|_| format!("{raw:?}: expected a number and s, m, h or d"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("{raw:?}: the unit must be s, m, h or d")),
    };
    Ok(Duration::from_secs(secs))
}

fn token(settings: &Settings, args: &TokenArgs) -> ExitCode {
    let Some(secret) = &settings.jwt_secret else {
        eprintln!("prodsync token: set PRODSYNC_JWT_SECRET (the same secret the server verifies with)");
        return ExitCode::from(2);
    };
    match auth::mint(&secret.0, &args.sub, args.name.as_deref(), args.admin, args.ttl) {
        Ok(t) => {
            println!("{t}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("prodsync token: {e}");
            ExitCode::FAILURE
        }
    }
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
    let overrides = match &cli.command {
        Command::Serve(flags) | Command::Migrate(flags) => Overrides {
            bind: flags.bind.clone(),
            port: flags.port,
            database_url: flags.database_url.clone(),
            log_level: flags.log_level.clone(),
        },
        Command::Token(_) => Overrides::default(),
        Command::Export(ExportArgs { flags, .. })
        | Command::Import(ImportCommand::File(ImportFileArgs { flags, .. }))
        | Command::Import(ImportCommand::Videodept(VideodeptArgs { flags, .. })) => Overrides {
            database_url: flags.database_url.clone(),
            log_level: flags.log_level.clone(),
            ..Default::default()
        },
    };
    let settings = match Settings::load(cli.config.as_deref(), &overrides) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("prodsync: {e}");
            return ExitCode::from(2);
        }
    };
    if let Command::Token(args) = &cli.command {
        return token(&settings, args);
    }
    telemetry::init(&settings.log_level, settings.log_format);
    let result = match cli.command {
        Command::Serve(_) => server::serve(settings).await,
        Command::Migrate(_) => server::migrate_with_retry(&settings, Duration::ZERO).await,
        Command::Token(_) => Ok(()),
        Command::Export(args) => {
            prodsync_api::files::export(&settings, args.production, args.out.as_deref()).await
        }
        Command::Import(ImportCommand::File(args)) => {
            let ids = if args.keep_ids { Ids::Keep } else { Ids::New };
            prodsync_api::files::import(&settings, &args.path, ids, &args.owner).await
        }
        Command::Import(ImportCommand::Videodept(args)) => {
            let options = prodsync_compat::videodept::apply::Options {
                dry_run: args.dry_run,
                only: args.production,
                owner: args.owner,
            };
            prodsync_api::videodept::import(&settings, &args.from, &options).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}
