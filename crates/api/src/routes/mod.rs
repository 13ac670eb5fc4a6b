//! The HTTP surface. One module per resource; handlers parse, call a port, shape JSON.

mod activity;
mod batch;
mod directory;
pub(crate) mod entities;
pub(crate) mod feed;
mod health;
mod library;
mod members;
mod presence;
mod settings;
mod transfer;
mod undo;
mod ws;

use actix_web::{web, HttpResponse};
use prodsync_domain::ErrorCode;

use prodsync_domain::equipment::EQUIPMENT;
use prodsync_domain::format::FORMAT;
use prodsync_domain::EntityKind;

use crate::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::metrics::RouteLabel;
    cfg.route("/health", web::get().to(health::health))
        .route("/ready", web::get().to(health::ready))
        .route("/metrics", web::get().to(crate::metrics::render))
        .route("/ws", web::get().to(ws::ws))
        .service(
            web::scope("/api")
                .service(
                    library_scope(&EQUIPMENT)
                        .route("/{id}/archive", web::post().to(library::archive))
                        .route("/{id}/unarchive", web::post().to(library::unarchive)),
                )
                .service(library_scope(&FORMAT))
                .service(settings::scope())
                .route("/productions", web::get().to(directory::list_productions))
                .route("/productions", web::post().to(entities::create_production))
                .service(
                    web::resource("/productions/import")
                        .app_data(crate::request::json_config_up_to(crate::request::MAX_FILE_BYTES))
                        .route(web::post().to(transfer::import)),
                )
                // One scope per production: a request matches `{pid}` once, then the
                // production's routes, static ones first (routing is a tenth of a write).
                .service(
                    web::scope("/productions/{pid}")
                        .service(
                            web::resource("")
                                .route(web::get().to(entities::get_production))
                                .route(web::put().to(entities::update_production))
                                .route(web::patch().to(entities::update_production))
                                .route(web::delete().to(entities::delete_production)),
                        )
                        .route("/snapshot", web::get().to(feed::snapshot))
                        .route("/changes", web::get().to(feed::changes))
                        .route("/members", web::get().to(members::list))
                        .route("/presence", web::get().to(presence::presence))
                        .route("/activity", web::get().to(activity::activity))
                        .route("/batch", web::post().to(batch::batch))
                        .route("/undo", web::post().to(undo::undo))
                        .route("/redo", web::post().to(undo::redo))
                        .route("/export", web::get().to(transfer::export))
                        .route("/duplicate", web::post().to(transfer::duplicate))
                        .service(
                            web::resource("/members/{userId}")
                                .route(web::put().to(members::put))
                                .route(web::delete().to(members::delete)),
                        )
                        .service(
                            web::resource("/{entity}")
                                .app_data(RouteLabel("/api/productions/{pid}/{entity}"))
                                .route(web::get().to(entities::list))
                                .route(web::post().to(entities::create)),
                        )
                        .service(
                            web::resource("/{entity}/{id}")
                                .app_data(RouteLabel("/api/productions/{pid}/{entity}/{id}"))
                                .route(web::get().to(entities::get))
                                .route(web::put().to(entities::update))
                                .route(web::patch().to(entities::update))
                                .route(web::delete().to(entities::delete)),
                        ),
                ),
        );
}

/// CRUD of one global library under `/api/<path>`; the handlers read the kind from
/// the scope's data.
fn library_scope(kind: &'static EntityKind) -> actix_web::Scope {
    web::scope(&format!("/{}", kind.path))
        .app_data(web::Data::new(kind))
        .route("", web::get().to(library::list))
        .route("", web::post().to(library::create))
        .service(
            web::resource("/{id}")
                .route(web::get().to(library::get))
                .route(web::put().to(library::update))
                .route(web::patch().to(library::update))
                .route(web::delete().to(library::delete)),
        )
}

/// The demo page and its scripts at `/` (after every API route, so it never shadows one).
/// Without a built page, `/` says how to build it.
pub fn web_page(root: &std::path::Path) -> actix_web::Scope {
    let files =
        actix_files::Files::new("", root).index_file("index.html").default_handler(web::to(not_found));
    let scope = web::scope("");
    if root.join("index.html").exists() {
        scope.service(files)
    } else {
        scope.route("/", web::get().to(no_page))
    }
}

async fn no_page() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
        "<!doctype html><title>prodsync</title><p>prodsync is running. The demo page is not built: \
         run <code>npm ci &amp;&amp; npm run build</code> in <code>clients/js</code> (scripts/run does). \
         The API is described at <a href=\"/api/docs\">/api/docs</a>.</p>",
    )
}

/// Unknown routes answer in the same error shape as everything else.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        actix_web::http::StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such route; the REST API is described at /api/docs (and docs/rest.md)",
    ))
}
