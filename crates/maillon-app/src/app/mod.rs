//! The application at the top: its state, its routes, its job handlers and its
//! migrations' post-steps, gathered from every capability. Nothing below names this
//! wiring's parts: `web/`, `db/` and `jobs/` know no capability; each capability gives
//! its routes, handlers and steps here.

pub mod ops;
pub mod page;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::middleware::from_fn_with_state;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::Config;
use crate::db::{Db, DbError, PostStep};
use crate::jobs::{Jobs, Registry};
use crate::mail::Mailer;
use crate::sms::Texter;
use crate::web::metrics::Metrics;
use crate::{accounts, activities, mail, members, messages, places, resources, sms};
use crate::{files, jobs, structures, web, workshops};

/// What every request handler is given.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub jobs: Jobs,
    /// Where uploaded files' bytes are kept.
    pub files: Arc<files::Storage>,
    /// The resources' catalogue, for searching (resources/catalogue.rs).
    pub catalogue: Arc<resources::catalogue::Catalogue>,
}

/// What carries messages out: e-mail (SMTP or the outbox) and SMS (a provider or the
/// outbox).
#[derive(Clone)]
pub struct Senders {
    pub mail: Mailer,
    pub sms: Texter,
}

impl Senders {
    pub fn from_config(config: &Config) -> Result<Senders, String> {
        Ok(Senders {
            mail: Mailer::from_config(config)?,
            sms: Texter::from_config(config)?,
        })
    }
}

/// What every job handler is given.
pub struct Worker {
    pub db: Db,
    pub config: Arc<Config>,
    pub senders: Senders,
}

/// Every capability's job handlers and periodic jobs.
pub fn job_registry() -> Registry<Worker> {
    let mut registry = Registry::default();
    mail::register_jobs(&mut registry);
    sms::register_jobs(&mut registry);
    messages::register_jobs(&mut registry);
    accounts::register_jobs(&mut registry);
    activities::register_jobs(&mut registry);
    workshops::register_jobs(&mut registry);
    registry
}

/// Every capability's steps to run after the migration that names them.
pub fn post_steps() -> Vec<PostStep> {
    activities::post_steps().to_vec()
}

/// Connects to the database and migrates it (with the capabilities' post-steps).
pub async fn connect(url: &str) -> Result<Db, DbError> {
    Db::connect(url, &post_steps()).await
}

/// Runs one due job in this process (tools and tests); false when there was none.
pub async fn run_one_job(
    db: &Db,
    config: &Config,
    metrics: &Metrics,
    senders: &Senders,
) -> Result<bool, DbError> {
    let worker = Worker {
        db: db.clone(),
        config: Arc::new(config.clone()),
        senders: senders.clone(),
    };
    jobs::run_one(db, metrics, &worker, &job_registry()).await
}

/// Every route of the application, with the middleware every response goes through.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(web::routes())
        .merge(ops::routes())
        .merge(accounts::router())
        .merge(structures::router())
        .merge(places::router())
        .merge(mail::router())
        .merge(sms::router())
        .merge(activities::router())
        .merge(workshops::router())
        .merge(resources::router())
        .merge(members::router())
        .merge(messages::router())
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
    let db = connect(&config.database_url)
        .await
        .map_err(|e| format!("base de données : {e}"))?;
    start_with_db(config, db).await
}

pub async fn start_with_db(config: Config, db: Db) -> Result<Running, String> {
    let senders = Senders::from_config(&config)?;
    let config = Arc::new(config);
    let state = AppState {
        db: db.clone(),
        config: config.clone(),
        metrics: Arc::default(),
        jobs: Jobs::default(),
        files: Arc::new(files::Storage::from_config(&config)),
        catalogue: Arc::default(),
    };
    let worker = Worker {
        db: db.clone(),
        config: config.clone(),
        senders,
    };
    jobs::start_workers(
        db,
        config.workers,
        state.metrics.clone(),
        state.jobs.clone(),
        Arc::new(worker),
        Arc::new(job_registry()),
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
