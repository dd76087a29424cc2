//! Messages to members (decision 0016): written once, sent to a segment; each person
//! gets it on their preferred channel among those their consents allow (e-mail, SMS,
//! printed letter, phone call), within the structure's sending hours. Every message and
//! person gets one delivery row, written with the e-mails and SMS in one transaction, so
//! that a crash neither loses nor duplicates a message. A message may also be published
//! as public news, with an Atom feed.

pub mod channels;
pub mod deliveries;
pub mod hours;
pub mod model;
pub mod news;
pub mod plan;
pub mod render;
pub mod routes;
pub mod store;
pub mod tracking;
pub mod unsubscribe;

use crate::activities::vocab::Choice;

/// What a message is for: the consents are read for this purpose.
pub const PURPOSES: &[Choice] = &[
    ("news", "Actualités du centre"),
    ("reminders", "Rappels d'ateliers"),
    ("surveys", "Enquêtes"),
];

/// The longest SMS a message may make, in parts (each part is billed).
pub const SMS_MAX_PARTS: usize = 3;

/// Added to every SMS: how to stop receiving them (the provider handles the reply).
pub const SMS_STOP: &str = "STOP SMS : répondez STOP";

/// A message is planned (recipients chosen, each delivery queued) by a job.
pub fn register_jobs(jobs: &mut crate::jobs::Registry<crate::app::Worker>) {
    jobs.on(crate::jobs::store::JobKind::PlanMessage, |w, run| {
        Box::pin(plan::run(&w.db, &w.config, run.payload))
    });
}

/// Every route of this capability (`app::router` merges one router per capability).
pub fn router() -> axum::Router<crate::app::AppState> {
    axum::Router::new()
        .merge(routes::routes())
        .merge(tracking::routes())
        .merge(unsubscribe::routes())
        .merge(news::routes())
}
