//! Maillon: the application. One folder per capability (model, store, routes, templates);
//! `web` is the shared shell, `db` the database, `jobs` the durable queue.

// A form that fails validation comes back with what was typed and its errors: a large
// `Err`, but on a cold path, and boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod accounts;
pub mod activities;
pub mod config;
pub mod db;
pub mod demo;
pub mod exports;
pub mod files;
pub mod heavy;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod members;
pub mod messages;
pub mod places;
pub mod resources;
pub mod sms;
pub mod structures;
pub mod tenancy;
pub mod validate;
pub mod web;
pub mod workshops;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::middleware::from_fn_with_state;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

use config::Config;
use db::Db;
use web::AppState;

/// Every route of the application, with the middleware every response goes through.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(web::routes())
        .merge(accounts::routes::routes())
        .merge(structures::routes::routes())
        .merge(places::routes::routes())
        .merge(places::csv::routes())
        .merge(mail::routes::routes())
        .merge(sms::routes::routes())
        .merge(activities::routes::routes())
        .merge(activities::beneficiary_routes::routes())
        .merge(activities::stats_routes::routes())
        .merge(activities::export_routes::routes())
        .merge(activities::people_tools::routes())
        .merge(activities::picker::routes())
        .merge(activities::import::routes())
        .merge(workshops::routes::routes())
        .merge(workshops::public::routes())
        .merge(resources::routes::routes())
        .merge(workshops::attendance::routes())
        .merge(workshops::feeds::routes())
        .merge(workshops::programmes::routes())
        .merge(members::routes::routes())
        .merge(members::import::routes())
        .merge(members::segments::routes())
        .merge(members::self_service::routes())
        .merge(messages::routes::routes())
        .merge(messages::tracking::routes())
        .merge(messages::unsubscribe::routes())
        .merge(messages::news::routes())
        .fallback(web::middleware::not_found)
        .layer(from_fn_with_state(
            state.clone(),
            web::middleware::cross_site_guard,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            web::middleware::security_headers,
        ))
        .layer(axum::middleware::from_fn(web::middleware::clean_uri))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request handler panicked");
            web::error::AppError::Internal("panic".into()).into_response_page()
        }))
        .layer(from_fn_with_state(state.clone(), web::middleware::observe))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .with_state(state)
}

/// A running server: where it listens, and how to stop it.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops taking requests and jobs, lets those under way finish, closes the database.
    pub async fn stop(self) {
        self.state.jobs.stop();
        let _ = self.shutdown.send(());
        let _ = self.task.await;
        self.state.db.close().await;
    }
}

/// Connects to the database (migrating it), starts the job workers and serves.
pub async fn start(config: Config) -> Result<Running, String> {
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| format!("base de données : {e}"))?;
    start_with_db(config, db).await
}

pub async fn start_with_db(config: Config, db: Db) -> Result<Running, String> {
    let senders = jobs::Senders::from_config(&config)?;
    let config = Arc::new(config);
    let state = AppState {
        db: db.clone(),
        config: config.clone(),
        metrics: Arc::default(),
        jobs: jobs::Jobs::default(),
        files: Arc::new(files::Storage::from_config(&config)),
        catalogue: Arc::default(),
    };
    jobs::start_workers(
        db,
        config.clone(),
        state.metrics.clone(),
        state.jobs.clone(),
        senders,
    );
    // The search catalogue is read while the server starts answering: the first search
    // waits for it rather than every visitor of the home page.
    let warming = state.clone();
    tokio::spawn(async move {
        if let Err(e) = warming.catalogue.refresh(&warming.db).await {
            tracing::warn!(error = %e, "search catalogue not loaded yet");
        }
    });
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("impossible d'écouter sur {} : {e}", config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "server stopped");
        }
    });
    Ok(Running {
        addr,
        state,
        shutdown,
        task,
    })
}

/// Logs for people (default) or JSON lines (`MAILLON_LOG_FORMAT=json`); the level
/// comes from `MAILLON_LOG` (e.g. `info`, `maillon_app=debug`).
pub fn init_logging() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    let filter: Targets = std::env::var("MAILLON_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| "info,sqlx=warn".parse().expect("valid default filter"));
    let json = std::env::var("MAILLON_LOG_FORMAT").is_ok_and(|v| v == "json");
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        let _ = registry
            .with(tracing_subscriber::fmt::layer().json())
            .try_init();
    } else {
        let _ = registry.with(tracing_subscriber::fmt::layer()).try_init();
    }
}
