//! The durable job queue: jobs are rows written in the same transaction as the data
//! they act on, run by workers that poll the table, retried with backoff. A job must be
//! idempotent: it may run twice if a worker dies after doing it and before saying so.

pub mod store;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::config::Config;
use crate::db::{now, Db};
use crate::mail::Mailer;
use crate::sms::Texter;
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

pub fn start_workers(
    db: Db,
    config: Arc<Config>,
    metrics: Arc<Metrics>,
    jobs: Jobs,
    senders: Senders,
) {
    for _ in 0..config.workers {
        let (db, config, metrics, jobs, senders) = (
            db.clone(),
            config.clone(),
            metrics.clone(),
            jobs.clone(),
            senders.clone(),
        );
        tokio::spawn(async move {
            while !jobs.stopping() {
                match run_one(&db, &config, &metrics, &senders).await {
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
    if config.workers > 0 {
        tokio::spawn(housekeeping(db, config, jobs));
    }
}

/// Runs one due job; false when there was none.
pub async fn run_one(
    db: &Db,
    config: &Config,
    metrics: &Metrics,
    senders: &Senders,
) -> Result<bool, crate::db::DbError> {
    let Some(job) = store::claim(db).await? else {
        return Ok(false);
    };
    let result = match store::JobKind::parse(&job.kind) {
        Err(unknown) => Err(unknown.to_string()),
        Ok(JobKind::SendEmail) => {
            let last_attempt = job.attempts >= job.max_attempts;
            crate::mail::deliver(db, config, &senders.mail, &job.payload, last_attempt).await
        }
        Ok(JobKind::SendSms) => {
            let last_attempt = job.attempts >= job.max_attempts;
            crate::sms::deliver(db, &senders.sms, &job.payload, last_attempt).await
        }
        Ok(JobKind::PlanMessage) => crate::messages::plan::run(db, config, &job.payload).await,
        Ok(JobKind::Purge) => {
            crate::accounts::store::purge_expired(db, config.session_idle_minutes * 60)
                .await
                .map_err(|e| e.to_string())
        }
        Ok(JobKind::Anonymise) if config.anonymise_after_months > 0 => {
            crate::activities::beneficiaries::anonymise_inactive(db, config.anonymise_after_months)
                .await
                .map(|n| tracing::info!(anonymised = n, "retention of beneficiaries applied"))
                .map_err(|e| e.to_string())
        }
        Ok(JobKind::Anonymise) => Ok(()),
        Ok(JobKind::Reminders) => crate::workshops::reminders::plan(db, &config.public_url)
            .await
            .map(|n| {
                if n > 0 {
                    tracing::info!(queued = n, "workshop reminders queued")
                }
            })
            .map_err(|e| e.to_string()),
        Ok(JobKind::Offers) => {
            crate::workshops::waiting::expire_offers(db, &config.public_url, now())
                .await
                .map(|n| {
                    if n > 0 {
                        tracing::info!(expired = n, "unconfirmed offers passed on")
                    }
                })
                .map_err(|e| e.to_string())
        }
    };
    match result {
        Ok(()) => {
            store::finish(db, &job.id).await?;
            metrics.record_job(&job.kind, "done");
        }
        Err(error) => {
            let gave_up = store::fail(db, &job, &error).await?;
            tracing::warn!(kind = %job.kind, attempt = job.attempts, gave_up, error = %error, "job failed");
            metrics.record_job(&job.kind, if gave_up { "failed" } else { "retried" });
        }
    }
    Ok(true)
}

/// Hourly clean-up job (one per hour across all servers, thanks to its key) and, on
/// SQLite, a periodic WAL checkpoint.
async fn housekeeping(db: Db, _config: Arc<Config>, jobs: Jobs) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    while !jobs.stopping() {
        tick.tick().await;
        let hour = now() / 3600;
        let queued = async {
            let mut tx = db.begin_write().await?;
            store::enqueue(
                &mut tx,
                JobKind::Purge,
                "{}",
                Some(&format!("purge-{hour}")),
                now(),
            )
            .await?;
            // Once a day across all servers: retention of named beneficiaries.
            let day = hour / 24;
            store::enqueue(
                &mut tx,
                JobKind::Anonymise,
                "{}",
                Some(&format!("anonymise-{day}")),
                now(),
            )
            .await?;
            // Every five minutes: reminders of workshops (sent once each, never at night).
            store::enqueue(
                &mut tx,
                JobKind::Reminders,
                "{}",
                Some(&format!("reminders-{}", now() / 300)),
                now(),
            )
            .await?;
            // Every five minutes too: freed seats not confirmed in time go to the next.
            store::enqueue(
                &mut tx,
                JobKind::Offers,
                "{}",
                Some(&format!("offers-{}", now() / 300)),
                now(),
            )
            .await?;
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
