//! Wiring: the route table, middleware, Swagger UI, and the HTTP server.

use crate::auth::Tokens;
use crate::config::Settings;
use crate::extract::{json_error, path_error, query_error};
use crate::metrics::Metrics;
use crate::middleware::{RouteTable, edge, fallback, idempotency, known_parameters, preconditions};
use crate::routes;
use crate::state::AppState;
use actix_web::body::BoxBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use usul_persistence::Store;
use utoipa_actix_web::{AppExt, UtoipaApp, scope};
use utoipa_swagger_ui::SwaggerUi;

/// Registers every documented path.
fn register<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.service(
        // actix-web tries a scope's routes in the order they were registered, each pattern with
        // a parameter by a regular expression (a capture costing about what a static answer
        // does): what clients read all day comes first — `/me` and the catalogue (three static
        // paths and one with a parameter), then the plans and the staff lists. None of their
        // paths is another module's, so the order changes no match.
        scope("/api/v1")
            .configure(routes::auth::configure)
            .configure(routes::catalogue::configure)
            .configure(routes::plans::configure)
            .configure(routes::staff::configure)
            .configure(routes::districts::configure)
            .configure(routes::schools::configure)
            .configure(routes::subjects::configure)
            .configure(routes::onboarding::configure)
            .configure(routes::audit::configure)
            .configure(routes::commissions::configure)
            .configure(routes::meetings::configure)
            .configure(routes::records::configure)
            .configure(routes::quality::configure)
            .configure(routes::reports::configure)
            .configure(routes::effectiveness::configure)
            .configure(routes::ministry::configure)
            .configure(routes::support::configure)
            .configure(routes::events::configure)
            .configure(routes::webhooks::configure),
    )
    .configure(routes::ops::configure)
}

/// The routes, collecting their paths into `base`: `ApiDoc::openapi()` for the contract, an
/// empty document for a worker, which needs only the routes.
#[must_use]
pub fn routes_over(
    base: utoipa::openapi::OpenApi,
) -> (
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<BoxBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    utoipa::openapi::OpenApi,
) {
    register(App::new().into_utoipa_app().openapi(base)).split_for_parts()
}

/// A running server and the address it listens on.
pub struct Running {
    /// The server future; await it or spawn it.
    pub server: Server,
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    /// The webhook deliverer, when this instance runs one (abort it to stop delivering).
    pub deliverer: Option<tokio::task::JoinHandle<()>>,
}

/// Purges idempotency records and sync tombstones past their retention once an hour (and once at start), in the
/// background of the runtime that serves.
fn purge_idempotency_hourly(store: Store) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    runtime.spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            match store.purge_idempotency().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(records = n, "expired idempotency records purged"),
                Err(e) => tracing::warn!(error = %e, "could not purge idempotency records"),
            }
            // Events past their retention, with their deliveries: an older cursor answers 410.
            match store.purge_events().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(events = n, "expired events purged"),
                Err(e) => tracing::warn!(error = %e, "could not purge events"),
            }
            // Tombstones past the sync retention: a token older than that answers 410.
            match store.purge_tombstones().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(tombstones = n, "expired sync tombstones purged"),
                Err(e) => tracing::warn!(error = %e, "could not purge sync tombstones"),
            }
        }
    });
}

/// The headers a browser page may read from an answer.
const EXPOSED_HEADERS: [&str; 5] = ["etag", "location", "x-request-id", "idempotent-replayed", "retry-after"];
/// The headers a browser page may send.
const ALLOWED_HEADERS: [&str; 7] = [
    "authorization",
    "content-type",
    "if-match",
    "if-none-match",
    "idempotency-key",
    "accept-language",
    "x-request-id",
];

/// CORS for the configured origins (`USUL_CORS_ORIGINS`), by `actix-cors`: preflights are
/// answered for those origins only, and answers to them carry `Access-Control-Allow-Origin`
/// and the exposed headers. No credentials mode: the API authenticates with bearer tokens,
/// not cookies. A refused preflight is turned into problem+json by [`edge`].
fn cors(origins: &[String]) -> actix_web::middleware::Condition<actix_cors::Cors> {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers(ALLOWED_HEADERS)
        .expose_headers(EXPOSED_HEADERS)
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    actix_web::middleware::Condition::new(!origins.is_empty(), cors)
}

/// Binds and starts the HTTP server.
///
/// # Errors
/// When the address cannot be bound.
pub fn start(store: Store, settings: Settings, bind: &str, workers: usize) -> std::io::Result<Running> {
    let listener = TcpListener::bind(bind)?;
    let addr = listener.local_addr()?;
    // The contract is built once, here, and kept only as the bytes `/api-docs/openapi.json`
    // serves: each worker holding its own copy of the document (and building the whole
    // document again only to throw it away) cost ~10 MiB of memory a worker.
    let doc = crate::openapi::document();
    let table = web::Data::new(RouteTable::from_openapi(&doc));
    let contract = web::Bytes::from(serde_json::to_vec(&doc).map_err(std::io::Error::other)?);
    drop(doc);
    let purge_store = store.clone();
    let deliverer = crate::webhooks::spawn(store.clone(), settings.webhooks);
    let state = web::Data::new(AppState {
        store,
        tokens: Tokens::new(settings.jwt_secret.0.as_bytes()),
        metrics: Arc::new(Metrics::default()),
        settings: settings.clone(),
        decoy_hash: crate::auth::hash_password_blocking(&crate::config::random_secret())
            .map_err(|e| std::io::Error::other(e.to_string()))?,
        hashing: crate::auth::Hashing::new(settings.hash_workers, settings.hash_queue),
        token_limiter: Arc::new(crate::ratelimit::RateLimiter::new(settings.token_requests_per_minute)),
        kept: Arc::default(),
    });
    let limit = settings.max_body_bytes;
    let origins = settings.cors_origins.clone();
    let mut server = HttpServer::new(move || {
        // The paths are collected into an empty document and dropped: the contract was built
        // above.
        let (app, _) = routes_over(utoipa::openapi::OpenApi::default());
        let contract = contract.clone();
        app.app_data(state.clone())
            .app_data(table.clone())
            .app_data(web::PayloadConfig::new(limit))
            .app_data(web::JsonConfig::default().limit(limit).error_handler(json_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .service(
                SwaggerUi::new("/swagger-ui/{_:.*}").config(utoipa_swagger_ui::Config::new(["/api-docs/openapi.json"])),
            )
            .service(web::resource("/api-docs/openapi.json").get(move || {
                let contract = contract.clone();
                async move { HttpResponse::Ok().content_type("application/json").body(contract) }
            }))
            .service(web::resource("/swagger-ui").to(|| async {
                HttpResponse::PermanentRedirect().insert_header(("location", "/swagger-ui/")).finish()
            }))
            .service(
                web::resource("/")
                    .to(|| async { HttpResponse::Found().insert_header(("location", "/swagger-ui/")).finish() }),
            )
            .default_service(web::to(fallback))
            .wrap(from_fn(idempotency))
            .wrap(from_fn(preconditions))
            .wrap(from_fn(known_parameters))
            .wrap(cors(&origins))
            .wrap(from_fn(edge))
    })
    .listen(listener)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    purge_idempotency_hourly(purge_store);
    Ok(Running { server: server.run(), addr, deliverer })
}
