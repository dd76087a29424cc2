//! The routes of the activity log's exports: each checks access, writes the journal, then
//! streams the rows that `export` produces in the background.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::export::{
    accompaniment_rows, beneficiary_rows, ACCOMPANIMENT_COLUMNS, BENEFICIARY_COLUMNS,
};
use super::stats;
use super::stats_routes::{filter_from, StatsQuery};
use super::this_year;
use crate::app::AppState;
use crate::db::DbError;
use crate::exports::{self, check_format, respond, Row};
use crate::places::routes::today_date;
use crate::structures::StructureAccess;
use crate::web::error::AppResult;
use crate::web::forms::Query;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/structures/{sid}/activites/export.{format}",
            get(accompaniments),
        )
        .route(
            "/structures/{sid}/beneficiaires/export.{format}",
            get(beneficiaries),
        )
        .route(
            "/structures/{sid}/statistiques/export.xlsx",
            get(statistics),
        )
}

/// Runs a producer in the background; a failure is logged and ends the file early.
fn produce<F>(work: F)
where
    F: std::future::Future<Output = Result<(), DbError>> + Send + 'static,
{
    tokio::spawn(async move {
        if let Err(e) = work.await {
            tracing::error!(error = %e, "export stopped");
        }
    });
}

async fn accompaniments(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_, format)): Path<(String, String)>,
    Query(q): Query<StatsQuery>,
) -> AppResult<Response> {
    check_format(&format)?;
    let day = today_date(&access.structure.timezone);
    let today = day.to_string();
    let filter = filter_from(&q, vec![access.structure.id.clone()], &today);
    let filename = format!("accompagnements-{}-{}", filter.from, filter.to);
    let actor = super::audit::Actor::from(&user);
    super::audit::record(
        &state.db,
        &access.structure.id,
        &actor,
        "export_activites",
        None,
    )
    .await?;
    let (tx, rx) = exports::channel();
    let (db, tz, year) = (
        state.db.clone(),
        access.structure.timezone.clone(),
        this_year(day),
    );
    produce(async move { accompaniment_rows(&db, &filter, &tz, year, &tx).await });
    respond(
        &format,
        &filename,
        "Accompagnements",
        ACCOMPANIMENT_COLUMNS,
        rx,
    )
    .await
}

async fn beneficiaries(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_, format)): Path<(String, String)>,
) -> AppResult<Response> {
    check_format(&format)?;
    let year = this_year(today_date(&access.structure.timezone));
    super::audit::record(
        &state.db,
        &access.structure.id,
        &super::audit::Actor::from(&user),
        "export_liste",
        None,
    )
    .await?;
    let (tx, rx) = exports::channel();
    let db = state.db.clone();
    let structure = access.structure.id.clone();
    produce(async move { beneficiary_rows(&db, &structure, year, &tx).await });
    respond(
        &format,
        "beneficiaires",
        "Bénéficiaires",
        BENEFICIARY_COLUMNS,
        rx,
    )
    .await
}

/// The statistics page as one sheet: key figures, then each breakdown with its numbers.
async fn statistics(
    State(state): State<AppState>,
    StructureAccess {
        access, user: _, ..
    }: StructureAccess<crate::structures::extract::Member>,
    Query(q): Query<StatsQuery>,
) -> AppResult<Response> {
    let day = today_date(&access.structure.timezone);
    let today = day.to_string();
    let filter = filter_from(&q, vec![access.structure.id.clone()], &today);
    let s = stats::compute(&state.db, &filter, this_year(day)).await?;
    let (tx, rx) = exports::channel();
    let mut rows: Vec<Row> = vec![
        vec![access.structure.name.clone(), String::new(), String::new()],
        vec![
            format!(
                "Période du {} au {}",
                super::routes::date_fr(&filter.from),
                super::routes::date_fr(&filter.to)
            ),
            String::new(),
            String::new(),
        ],
        vec![String::new(); 3],
        vec![
            "Accompagnements".into(),
            s.accompaniments.to_string(),
            String::new(),
        ],
        vec![
            "dont accompagnements individuels".into(),
            s.individual.to_string(),
            String::new(),
        ],
        vec![
            "dont en ateliers collectifs".into(),
            s.collective.to_string(),
            String::new(),
        ],
        vec![
            "Ateliers collectifs".into(),
            s.workshops.to_string(),
            String::new(),
        ],
        vec![
            "Bénéficiaires nouveaux".into(),
            s.new_people.to_string(),
            String::new(),
        ],
        vec![
            "Bénéficiaires suivis".into(),
            s.followed_people.to_string(),
            String::new(),
        ],
        vec![
            "Bénéficiaires anonymes".into(),
            s.anonymous.to_string(),
            String::new(),
        ],
    ];
    for b in std::iter::once(&s.over_time)
        .chain(s.breakdowns.iter())
        .chain(s.people.iter())
    {
        rows.push(vec![String::new(); 3]);
        rows.push(vec![
            b.title.to_string(),
            "Nombre".into(),
            "Part (%)".into(),
        ]);
        for (label, n) in &b.rows {
            rows.push(vec![label.clone(), n.to_string(), b.percent(n).to_string()]);
        }
    }
    tokio::spawn(async move {
        for r in rows {
            if tx.send(r).await.is_err() {
                break;
            }
        }
    });
    let filename = format!("statistiques-{}-{}.xlsx", filter.from, filter.to);
    exports::xlsx_response(&filename, "Statistiques", &["Statistiques", "", ""], rx).await
}
