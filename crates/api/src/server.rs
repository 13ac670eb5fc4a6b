//! Wiring: the ports' adapters, the HTTP server, background jobs.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_cors::Cors;
use actix_http::{HttpService, KeepAlive};
use actix_service::{fn_factory, fn_service, IntoServiceFactory, ServiceFactory};
use actix_web::dev::AppConfig;
use actix_web::dev::{Server, Service, ServiceResponse};
use actix_web::{web, App};
use prodsync_domain::fanout::Fanout;
use prodsync_domain::origin::OriginPolicy;
use prodsync_domain::ports::{ChangeFeed, MemberStore};
use prodsync_realtime::Hub;
use prodsync_storage::{connect, run_migrations, LibraryStore, PgStore, PoolSettings, SettingsStore};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;

use crate::config::{AuthMode, Settings};
use crate::request::{json_config, path_config, query_config};
use crate::routes;
use crate::state::AppState;
use crate::{openapi, request_id};

/// Everything the server runs on, built from settings.
pub struct Services {
    pub state: AppState,
    /// The original app's REST shapes and Socket.IO (docs/compat.md).
    pub compat: prodsync_compat::CompatState,
    pub store: PgStore,
    pub hub: Hub,
}

pub async fn services(settings: &Settings) -> Result<Services, String> {
    let pool = connect(&PoolSettings {
        url: settings.database_url.clone(),
        max_size: settings.pool_size.max(1),
        wait_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(3),
        threads: settings.worker_threads(),
    })?;
    let store = match settings.fanout {
        Fanout::Postgres => PgStore::new(pool).deferring_notices(),
        Fanout::Nats => PgStore::new(pool),
    };
    let feed: Arc<dyn ChangeFeed> = Arc::new(store.clone());
    let members: Arc<dyn MemberStore> = Arc::new(store.clone());
    let hub = Hub::new(feed.clone(), members.clone(), settings.realtime());
    let listening = Arc::new(AtomicBool::new(false));
    let fanout = crate::fanout::start(settings, &store, &hub, listening.clone()).await?;
    let origins = Arc::new(OriginPolicy::new(&settings.cors_origins, settings.allow_any_origin));
    let app = prodsync_app::App {
        entities: Arc::new(store.clone()),
        commands: Arc::new(store.clone()),
        members,
        publisher: fanout.publisher,
        library: LibraryStore::new(store.clone()),
        settings: SettingsStore::new(store.clone()),
        auth: Arc::new(settings.authenticator()?),
    };
    let state = AppState {
        app: app.clone(),
        origins: origins.clone(),
        activity: Arc::new(store.clone()),
        feed,
        health: Arc::new(store.clone()),
        listening,
        pool_status: {
            let store = store.clone();
            Arc::new(move || store.pool_status())
        },
        has_peers: fanout.has_peers,
    };
    let compat = prodsync_compat::CompatState::new(app, hub.clone(), origins);
    Ok(Services { state, compat, store, hub })
}

/// The HTTP server on an already bound listener (tests bind port 0).
pub fn http_server(
    services: &Services,
    listener: TcpListener,
    settings: &Settings,
) -> std::io::Result<Server> {
    let (state, hub, compat) = (services.state.clone(), services.hub.clone(), services.compat.clone());
    crate::metrics::init();
    let origins = services.state.origins.clone();
    let web_root = std::path::PathBuf::from(&settings.web_root);
    if !web_root.join("index.html").exists() {
        tracing::warn!(web_root = %web_root.display(), "no demo page to serve at /: run `npm ci && npm run build` in clients/js");
    }
    let make_app = move || {
        App::new()
            .app_data(web::Data::new(state.clone()))
            .app_data(web::Data::new(hub.clone()))
            .app_data(web::Data::new(compat.clone()))
            .app_data(json_config())
            .app_data(query_config())
            .app_data(path_config())
            // Inside CORS, so a refusal carries CORS headers too.
            .wrap_fn(|req, srv| {
                let call = match crate::allow::refusal(&req) {
                    Some(refused) => Err(refused),
                    None => Ok(srv.call(req)),
                };
                async move {
                    match call {
                        Ok(call) => call.await.map(ServiceResponse::map_into_left_body),
                        Err(refused) => Ok(refused),
                    }
                }
            })
            .wrap(cors(&origins))
            .wrap_fn(|req, srv| request_id::Context::of(&req).run(srv.call(req)))
            .wrap_fn(|req, srv| {
                let (started, method) = (std::time::Instant::now(), req.method().clone());
                let call = srv.call(req);
                async move {
                    let res = call.await?;
                    crate::metrics::observe(&res, &method, started);
                    Ok(res)
                }
            })
            // Before the /api scope, which would otherwise take these paths.
            .service(openapi::swagger())
            .route("/api/docs", web::get().to(openapi::docs_redirect))
            .configure(prodsync_compat::configure)
            .configure(routes::configure)
            .service(routes::web_page(&web_root))
            .default_service(web::to(routes::not_found))
    };
    // actix-web's HttpServer, spelled out, plus actix-http's upgrade hook: WebSockets are
    // carried by `upgraded` without the HTTP/1 dispatcher's buffers (docs/benchmarks.md).
    let addr = listener.local_addr()?;
    let per_worker = move || {
        // One app per worker, shared by the upgrade hook and the HTTP/1 dispatcher. The
        // hook's factory is awaited first (actix-http's order), so it makes it.
        let shared = Rc::new(RefCell::new(None));
        let upgrade = {
            let (make_app, shared) = (make_app.clone(), shared.clone());
            fn_factory(move || {
                let (app, shared) = (make_app().into_factory(), shared.clone());
                async move {
                    let app = Rc::new(app.new_service(AppConfig::default()).await?);
                    *shared.borrow_mut() = Some(app.clone());
                    Ok::<_, ()>(fn_service(move |(req, framed)| {
                        crate::upgraded::serve(app.clone(), req, framed)
                    }))
                }
            })
        };
        let app = fn_factory(move || {
            let shared = shared.clone();
            async move {
                let app = shared.borrow().clone().ok_or(())?;
                Ok::<_, ()>(fn_service(move |req| app.call(req)))
            }
        });
        HttpService::build()
            .keep_alive(KeepAlive::default())
            .client_request_timeout(Duration::from_secs(5))
            .client_disconnect_timeout(Duration::from_secs(1))
            // Pushes are small frames that must leave at once: without this, a frame sent
            // while the previous one is unacknowledged waits for the peer's delayed ACK.
            .tcp_nodelay(true)
            .local_addr(addr)
            .upgrade(upgrade)
            .finish(app)
            .tcp()
    };
    let builder = actix_server::Server::build();
    let builder = builder.workers(settings.worker_threads());
    Ok(builder
        .max_concurrent_connections(settings.max_connections.max(1))
        // Signals are ours (serve): sockets get 1012 before the server stops accepting.
        .disable_signals()
        .shutdown_timeout(settings.shutdown_timeout_secs.max(1))
        .listen("prodsync", listener, per_worker)?
        .run())
}

/// Browsers on the allowed origins may call the API (`domain::origin`); so may pages
/// served by this server itself (a same-origin request still carries `Origin` on writes).
/// Any other origin gets no CORS headers, so the browser keeps the response from its page.
fn cors(origins: &Arc<OriginPolicy>) -> Cors {
    let origins = origins.clone();
    Cors::default()
        .allowed_origin_fn(move |origin, head| {
            let host = head.headers().get("host").and_then(|h| h.to_str().ok());
            origins.allows(Some(origin.to_str().unwrap_or("null")), host)
        })
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            "authorization",
            "content-type",
            "if-match",
            "idempotency-key",
            "x-user-id",
            "x-user-name",
            "x-request-id",
        ])
        .expose_headers(["x-request-id", "x-next-cursor", "link", "www-authenticate", "idempotency-replayed"])
        .max_age(3600)
}

/// Says loudly when nothing stands between the network and the data.
fn warn_if_open(settings: &Settings) {
    let loopback = matches!(settings.bind.as_str(), "127.0.0.1" | "::1" | "localhost");
    if settings.auth_mode == AuthMode::None && !loopback {
        tracing::warn!(bind = %settings.bind,
            "auth_mode = none while listening beyond loopback: anyone who can reach this port can read, \
             change and delete every production. Use auth_mode = jwt (docs/security.md) unless this network is trusted");
    }
    for var in Settings::unknown_env_vars() {
        tracing::warn!(%var, "ignoring an environment variable that names no setting");
    }
}

/// Applies migrations, retrying while the database is not yet reachable (a container
/// starting next to us), so that start-up order does not matter.
pub async fn migrate_with_retry(settings: &Settings, patience: Duration) -> Result<(), String> {
    let deadline = Instant::now() + patience;
    loop {
        match run_migrations(&settings.database_url).await {
            Ok(applied) => {
                for name in &applied {
                    tracing::info!(migration = %name, "applied migration");
                }
                tracing::info!(applied = applied.len(), "database schema is up to date");
                return Ok(());
            }
            Err(e) if Instant::now() < deadline => {
                tracing::warn!(database = %settings.database_url_for_logs(), error = %e, "database not ready; retrying in 2s");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            Err(e) => return Err(format!("migrating {}: {e}", settings.database_url_for_logs())),
        }
    }
}

/// Idempotency receipts are kept this long (clients are promised at least 24 hours).
const IDEMPOTENCY_HOURS: i32 = 48;

/// Keeps the change log to its configured length and drops old idempotency receipts, forever.
pub fn spawn_retention(store: PgStore, keep: i64, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every.max(Duration::from_secs(1)));
        loop {
            tick.tick().await;
            match store.prune_change_log(keep).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(pruned = n, keep, "pruned change log"),
                Err(e) => tracing::warn!(error = %e, "change-log retention pass failed; will retry"),
            }
            match store.prune_idempotency_keys(IDEMPOTENCY_HOURS).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(pruned = n, hours = IDEMPOTENCY_HOURS, "pruned idempotency receipts"),
                Err(e) => tracing::warn!(error = %e, "idempotency retention pass failed; will retry"),
            }
        }
    });
}

pub async fn serve(settings: Settings) -> Result<(), String> {
    warn_if_open(&settings);
    migrate_with_retry(&settings, Duration::from_secs(60)).await?;
    let services = services(&settings).await?;
    spawn_retention(
        services.store.clone(),
        settings.change_log_retention,
        Duration::from_secs(settings.retention_interval_secs),
    );
    let addr = format!("{}:{}", settings.bind, settings.port);
    let listener = TcpListener::bind(&addr).map_err(|e| format!("binding {addr}: {e}"))?;
    tracing::info!(%addr, database = %settings.database_url_for_logs(), pool_size = settings.pool_size,
        auth_mode = ?settings.auth_mode, cors_origins = ?settings.cors_origins, "listening");
    let server = http_server(&services, listener, &settings).map_err(|e| e.to_string())?;
    let (handle, hub) = (server.handle(), services.hub.clone());
    tokio::spawn(async move {
        let signal = stop_signal().await;
        tracing::info!(signal, "shutting down: closing sockets (1012), finishing requests in flight");
        hub.shutdown();
        handle.stop(true).await;
    });
    server.await.map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

/// SIGTERM (an orchestrator) or SIGINT (Ctrl-C).
async fn stop_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
        (Ok(mut term), Ok(mut int)) => tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        },
        _ => {
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}
