//! Workshops and registration: staff build a programme of sessions; anyone signs up
//! without an account (or is signed up at the desk), with a waiting list when a session
//! is full and a personal link to see or cancel (decision 0010).

pub mod attendance;
pub mod cancelling;
pub mod cycles;
pub mod editing;
pub mod feeds;
pub mod model;
pub mod notify;
pub mod programme_store;
pub mod programmes;
pub mod public;
pub mod registration;
pub mod reminders;
pub mod routes;
pub mod store;
pub mod waiting;

/// Every five minutes: reminders of coming sessions (sent once each, never at night),
/// and freed seats not confirmed in time passed on to the next person waiting.
pub fn register_jobs(jobs: &mut crate::jobs::Registry<crate::app::Worker>) {
    use crate::jobs::store::JobKind;
    jobs.on(JobKind::Reminders, |w, _| {
        Box::pin(async move {
            let n = reminders::plan(&w.db, &w.config.public_url).await?;
            if n > 0 {
                tracing::info!(queued = n, "workshop reminders queued");
            }
            Ok(())
        })
    })
    .every(JobKind::Reminders, 300)
    .on(JobKind::Offers, |w, _| {
        Box::pin(async move {
            let n = waiting::expire_offers(&w.db, &w.config.public_url, crate::db::now()).await?;
            if n > 0 {
                tracing::info!(expired = n, "unconfirmed offers passed on");
            }
            Ok(())
        })
    })
    .every(JobKind::Offers, 300);
}

/// Every route of this capability (`app::router` merges one router per capability).
pub fn router() -> axum::Router<crate::app::AppState> {
    axum::Router::new()
        .merge(routes::routes())
        .merge(public::routes())
        .merge(attendance::routes())
        .merge(feeds::routes())
        .merge(programmes::routes())
}
