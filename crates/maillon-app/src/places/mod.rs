//! Places of digital mediation (lieux): edited by structures, shown to the public,
//! exchanged as CSV in the national standard.

pub mod csv;
pub mod hours;
pub mod model;
pub mod routes;
pub mod store;
pub mod vocab;

/// Every route of this capability (`app::router` merges one router per capability).
pub fn router() -> axum::Router<crate::app::AppState> {
    axum::Router::new()
        .merge(routes::routes())
        .merge(csv::routes())
}
