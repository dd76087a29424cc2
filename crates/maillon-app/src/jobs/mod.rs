//! The durable job queue: jobs are rows written in the same transaction as the data
//! they act on, run by workers that poll the table, retried with backoff. A job must be
//! idempotent: it may run twice if a worker dies after doing it and before saying so.

pub mod store;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::db::{now, BoxFuture, Db, DbError};
use crate::web::metrics::Metrics;
use store::JobKind;

/// Wakes the workers of this process when a job is added, instead of waiting for the
/// poll, and stops them when the server stops.
#[derive(Clone, Default)]
pub struct Jobs {
    wake: Arc<Notify>,
    stopping: Arc<AtomicBool>,
}

impl Jobs {
    pub fn wake(&self) {
        self.wake.notify_waiters();
        self.wake.notify_one();
    }

    /// Workers finish the job in hand, then stop.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.wake();
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

const POLL: Duration = Duration::from_secs(2);

/// Why a job did not finish. Its text goes to the job's `last_error` and to the log; the
/// queue tries again later until the job's last attempt.
#[derive(Debug)]
pub enum JobError {
    /// The database was out of reach or refused a statement.
    Db(DbError),
    /// The payload is not what the job's kind expects, or names a row that is gone.
    Payload(String),
    /// The outside service (SMTP relay, SMS provider) failed or refused.
    Send(String),
    /// A kind no capability handles, or one this server does not know.
    Unknown(String),
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::Db(e) => write!(f, "base de données : {e}"),
            JobError::Payload(why) => write!(f, "contenu de la tâche : {why}"),
            JobError::Send(why) => write!(f, "envoi : {why}"),
            JobError::Unknown(why) => f.write_str(why),
        }
    }
}

impl From<DbError> for JobError {
    fn from(e: DbError) -> Self {
        JobError::Db(e)
    }
}

/// What a handler is given of its job.
pub struct JobRun<'a> {
    pub payload: &'a str,
    /// The last try: a handler may record a final failure (the e-mail "not sent").
    pub last_attempt: bool,
}

/// Runs one job of a kind. `C` is what the application gives every handler (its
/// database, configuration and senders): `jobs/` knows the queue, not the capabilities.
pub type Handler<C> = for<'a> fn(&'a C, JobRun<'a>) -> BoxFuture<'a, Result<(), JobError>>;

/// The handlers each capability registers, and the periodic jobs it wants queued.
pub struct Registry<C> {
    handlers: Vec<(JobKind, Handler<C>)>,
    /// Queued once per period across all servers (the key carries the period's number).
    periodic: Vec<(JobKind, i64)>,
}

impl<C> Default for Registry<C> {
    fn default() -> Self {
        Registry {
            handlers: Vec::new(),
            periodic: Vec::new(),
        }
    }
}

impl<C> Registry<C> {
    pub fn on(&mut self, kind: JobKind, handler: Handler<C>) -> &mut Self {
        self.handlers.push((kind, handler));
        self
    }

    /// Also queue a job of this kind once every `seconds` (housekeeping).
    pub fn every(&mut self, kind: JobKind, seconds: i64) -> &mut Self {
        self.periodic.push((kind, seconds));
        self
    }

    fn handler(&self, kind: JobKind) -> Option<Handler<C>> {
        self.handlers
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, h)| *h)
    }

    /// The kinds no capability handles (a test keeps this empty).
    pub fn unhandled(&self) -> Vec<JobKind> {
        JobKind::ALL
            .iter()
            .copied()
            .filter(|k| self.handler(*k).is_none())
            .collect()
    }
}

pub fn start_workers<C: Send + Sync + 'static>(
    db: Db,
    workers: usize,
    metrics: Arc<Metrics>,
    jobs: Jobs,
    context: Arc<C>,
    registry: Arc<Registry<C>>,
) {
    for _ in 0..workers {
        let (db, metrics, jobs, context, registry) = (
            db.clone(),
            metrics.clone(),
            jobs.clone(),
            context.clone(),
            registry.clone(),
        );
        tokio::spawn(async move {
            while !jobs.stopping() {
                match run_one(&db, &metrics, &*context, &registry).await {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e, "job queue unavailable"),
                }
                tokio::select! {
                    _ = jobs.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
        });
    }
    if workers > 0 {
        tokio::spawn(housekeeping(db, jobs, registry));
    }
}

/// Runs one due job; false when there was none.
pub async fn run_one<C>(
    db: &Db,
    metrics: &Metrics,
    context: &C,
    registry: &Registry<C>,
) -> Result<bool, crate::db::DbError> {
    let Some(job) = store::claim(db).await? else {
        return Ok(false);
    };
    let run = JobRun {
        payload: &job.payload,
        last_attempt: job.attempts >= job.max_attempts,
    };
    let result = match JobKind::parse(&job.kind) {
        Err(unknown) => Err(JobError::Unknown(unknown.to_string())),
        Ok(kind) => match registry.handler(kind) {
            Some(handler) => handler(context, run).await,
            None => Err(JobError::Unknown(format!(
                "aucun traitement pour « {} »",
                kind.code()
            ))),
        },
    };
    match result {
        Ok(()) => {
            store::finish(db, &job.id).await?;
            metrics.record_job(&job.kind, "done");
        }
        Err(error) => {
            let error = error.to_string();
            let gave_up = store::fail(db, &job, &error).await?;
            tracing::warn!(kind = %job.kind, attempt = job.attempts, gave_up, error = %error, "job failed");
            metrics.record_job(&job.kind, if gave_up { "failed" } else { "retried" });
        }
    }
    Ok(true)
}

/// Every five minutes: queues the periodic jobs (once per period across all servers,
/// thanks to their key) and, on SQLite, checkpoints the WAL.
async fn housekeeping<C>(db: Db, jobs: Jobs, registry: Arc<Registry<C>>) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    while !jobs.stopping() {
        tick.tick().await;
        let queued = async {
            let mut tx = db.begin_write().await?;
            for (kind, seconds) in &registry.periodic {
                let key = format!("{}-{}", kind.code(), now() / seconds);
                store::enqueue(&mut tx, *kind, "{}", Some(&key), now()).await?;
            }
            tx.commit().await?;
            Ok::<_, crate::db::DbError>(())
        };
        if let Err(e) = queued.await {
            tracing::warn!(error = %e, "could not schedule clean-up");
        }
        jobs.wake();
        if let Err(e) = db.checkpoint().await {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}
