//! Activity log: beneficiaries and accompaniments, recorded with the vocabulary of the
//! national activity report.
//!
//! Personal data rule: beneficiaries and activities are seen only by members of their
//! structure who record activity (mediators and structure admins). Volunteers, and
//! network admins who are not members, get 404 — they will see anonymous statistics.

pub mod audit;
pub mod beneficiaries;
pub mod beneficiary_routes;
pub mod breakdown;
pub mod duplicates;
pub mod export;
pub mod export_routes;
pub mod import;
pub mod model;
pub mod people_tools;
pub mod picker;
pub mod rollup;
pub mod routes;
pub mod shares;
pub mod spreadsheet;
pub mod stats;
pub mod stats_routes;
pub mod store;
pub mod vocab;

use crate::accounts::model::{CurrentUser, Role};
use crate::app::AppState;
use crate::structures::{self, Access};
use crate::web::error::AppError;

/// Access to a structure's activity log: 404 for anyone who may not read its people.
pub async fn recorder_access(
    state: &AppState,
    user: &CurrentUser,
    sid: &str,
) -> Result<Access, AppError> {
    match user.role_in(sid) {
        Some(Role::StructureAdmin | Role::Mediator) => structures::access(state, user, sid).await,
        _ => Err(AppError::NotFound),
    }
}

/// Access to a structure's beneficiaries: its recording members, and its volunteers when
/// the structure allows them to see beneficiaries. Others get 404.
pub async fn people_access(
    state: &AppState,
    user: &CurrentUser,
    sid: &str,
) -> Result<Access, AppError> {
    match user.role_in(sid) {
        Some(Role::StructureAdmin | Role::Mediator) => structures::access(state, user, sid).await,
        Some(Role::Volunteer) => {
            let access = structures::access(state, user, sid).await?;
            if access.structure.volunteers_see_beneficiaries {
                Ok(access)
            } else {
                Err(AppError::NotFound)
            }
        }
        Some(Role::Desk) | None => Err(AppError::NotFound),
    }
}

crate::access_rule!(
    /// Recording members (admins and mediators): [`recorder_access`] as an extractor rule.
    pub Recorder => recorder_access
);

crate::access_rule!(
    /// Who may see the structure's beneficiaries: [`people_access`] as an extractor rule.
    pub People => people_access
);

/// The current year in the structure's time zone.
pub fn this_year(today: jiff::civil::Date) -> i64 {
    i64::from(today.year())
}

/// Once a day: named beneficiaries inactive for too long are anonymised (if the
/// instance sets a retention).
pub fn register_jobs(jobs: &mut crate::jobs::Registry<crate::app::Worker>) {
    use crate::jobs::store::JobKind;
    jobs.on(JobKind::Anonymise, |w, _| {
        Box::pin(async move {
            let months = w.config.anonymise_after_months;
            if months == 0 {
                return Ok(());
            }
            beneficiaries::anonymise_inactive(&w.db, months)
                .await
                .map(|n| tracing::info!(anonymised = n, "retention of beneficiaries applied"))
                .map_err(Into::into)
        })
    })
    .every(JobKind::Anonymise, 86_400);
}

/// Data this capability derives after the migrations that name it.
pub fn post_steps() -> [crate::db::PostStep; 2] {
    use crate::db::PostStep;
    [
        // The statistics' roll-up (decision 0009).
        PostStep {
            name: "activity-rollup",
            run: |tx| Box::pin(rollup::rebuild(tx)),
        },
        // Links kept in clear until then: stored as their hash from now on.
        PostStep {
            name: "hashed-statistics-links",
            run: |tx| Box::pin(shares::hash_old_links(tx)),
        },
    ]
}

/// Every route of this capability (`app::router` merges one router per capability).
pub fn router() -> axum::Router<crate::app::AppState> {
    axum::Router::new()
        .merge(routes::routes())
        .merge(beneficiary_routes::routes())
        .merge(stats_routes::routes())
        .merge(export_routes::routes())
        .merge(people_tools::routes())
        .merge(picker::routes())
        .merge(import::routes())
}
