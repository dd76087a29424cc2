//! Statistics pages: a structure's, its print version, and the network's with every
//! structure side by side. Only aggregates are shown: no person can be read here.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::stats::{self, Filter, Stats};
use super::vocab::{Choice, THEMES};
use super::{model, this_year};
use crate::accounts::model::CurrentUser;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::places::routes::today_date;
use crate::structures::StructureAccess;
use crate::structures::{self, Access};
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::Query;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/structures/{sid}/statistiques", get(structure_stats))
        .route(
            "/structures/{sid}/statistiques/impression",
            get(structure_print),
        )
        .route("/reseau/statistiques", get(network_stats))
        .route(
            "/structures/{sid}/statistiques/partage",
            axum::routing::post(create_share),
        )
        .route(
            "/structures/{sid}/statistiques/partage/{id}/revoquer",
            axum::routing::post(revoke_share),
        )
        .route("/statistiques/{token}", get(public_stats))
}

#[derive(Deserialize, Default, Clone)]
pub struct StatsQuery {
    pub du: Option<String>,
    pub au: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub mediateur: Option<String>,
    pub lieu: Option<String>,
    pub theme: Option<String>,
    pub commune: Option<String>,
}

fn valid_date(d: &Option<String>) -> Option<String> {
    d.clone()
        .filter(|d| jiff::civil::Date::strptime("%Y-%m-%d", d).is_ok())
}

/// The filter from the query; the period defaults to the current year so far.
pub fn filter_from(q: &StatsQuery, structures: Vec<StructureId>, today: &str) -> Filter {
    let year_start = format!("{}-01-01", &today[..4]);
    Filter {
        structures,
        from: valid_date(&q.du).unwrap_or(year_start),
        to: valid_date(&q.au).unwrap_or_else(|| today.to_string()),
        kind: q
            .kind
            .clone()
            .filter(|k| model::Kind::parse(k).is_some())
            .unwrap_or_default(),
        mediator_id: q.mediateur.clone().unwrap_or_default(),
        place_id: q.lieu.clone().unwrap_or_default(),
        theme: q
            .theme
            .clone()
            .filter(|t| THEMES.iter().any(|(c, _)| c == t))
            .unwrap_or_default(),
        commune: q.commune.clone().unwrap_or_default(),
        from_activities_only: false,
    }
}

pub fn query_string(f: &Filter) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("du", &f.from)
        .append_pair("au", &f.to)
        .append_pair("type", &f.kind)
        .append_pair("mediateur", &f.mediator_id)
        .append_pair("lieu", &f.place_id)
        .append_pair("theme", &f.theme)
        .append_pair("commune", &f.commune)
        .finish()
}

#[derive(Template)]
#[template(path = "activities/stats.html")]
struct StatsPage {
    page: Page,
    heading: String,
    action: String,
    print_link: String,
    export_link: String,
    filter: Filter,
    stats: Stats,
    mediators: Vec<(String, String)>,
    places: Vec<(String, String)>,
    communes: Vec<String>,
    themes: &'static [Choice],
    /// Network view: one row per structure.
    comparison: Vec<(String, [i64; 5])>,
    printable: bool,
    period: String,
    /// Public links of the structure (for its admins), as (last characters, id).
    shares: Vec<(String, String)>,
    share_action: String,
    /// A link just made, shown this once in full (only its hash is kept).
    new_share: String,
}

impl StatsPage {
    /// A statistics page with no print or export link, no filter lists, comparison or
    /// sharing: each view sets what it offers.
    fn new(
        page: Page,
        heading: String,
        action: String,
        filter: Filter,
        stats: Stats,
        communes: Vec<String>,
    ) -> StatsPage {
        StatsPage {
            period: Self::period_fr(&filter),
            page,
            heading,
            action,
            print_link: String::new(),
            export_link: String::new(),
            filter,
            stats,
            mediators: Vec::new(),
            places: Vec::new(),
            communes,
            themes: THEMES,
            comparison: Vec::new(),
            printable: false,
            shares: Vec::new(),
            share_action: String::new(),
            new_share: String::new(),
        }
    }

    fn period_fr(f: &Filter) -> String {
        format!(
            "du {} au {}",
            super::routes::date_fr(&f.from),
            super::routes::date_fr(&f.to)
        )
    }
}

/// How a structure's statistics are shown: to print, with a message, with a link just made.
#[derive(Default)]
struct StructurePage {
    printable: bool,
    flash: Flash,
    new_share: String,
}

async fn structure_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    q: &StatsQuery,
    how: StructurePage,
) -> AppResult<Response> {
    let StructurePage {
        printable,
        flash,
        new_share,
    } = how;
    let sid = access.structure.id.clone();
    let day = today_date(&access.structure.timezone);
    let today = day.to_string();
    let filter = filter_from(q, vec![sid.clone()], &today);
    let stats = stats::compute(&state.db, &filter, this_year(day)).await?;
    let mediators = structures::store::members(&state.db, &sid)
        .await?
        .into_iter()
        .filter(|m| m.role != crate::accounts::model::Role::Volunteer)
        .map(|m| (m.user_id, m.name))
        .collect();
    let places = crate::places::store::list_for_structure(&state.db, &sid)
        .await?
        .into_iter()
        .map(|p| (p.id, p.nom))
        .collect();
    let communes = stats::communes(&state.db, std::slice::from_ref(&access.structure.id)).await?;
    let (shares, share_action) = if access.can_manage() && !printable {
        let shares = super::shares::active(&state.db, &sid)
            .await?
            .into_iter()
            .map(|s| (s.hint, s.id))
            .collect();
        (shares, format!("/structures/{sid}/statistiques/partage"))
    } else {
        (Vec::new(), String::new())
    };
    let page = Page::in_structure(state, "Statistiques", user, access)
        .await
        .section("stats")
        .flash(flash);
    let print_link = format!(
        "/structures/{sid}/statistiques/impression?{}",
        query_string(&filter)
    );
    let export_link = format!(
        "/structures/{sid}/statistiques/export.xlsx?{}",
        query_string(&filter)
    );
    let heading = format!("Statistiques — {}", access.structure.name);
    let mut view = StatsPage::new(
        page,
        heading,
        format!("/structures/{sid}/statistiques"),
        filter,
        stats,
        communes,
    );
    view.print_link = print_link;
    view.export_link = export_link;
    view.mediators = mediators;
    view.places = places;
    view.printable = printable;
    view.shares = shares;
    view.share_action = share_action;
    view.new_share = new_share;
    Ok(render(&view)?.into_response())
}

/// Any member of the structure (or the network admin) reads its statistics: they hold no
/// personal data.
async fn structure_stats(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Member>,
    Path(_sid): Path<String>,
    Query(q): Query<StatsQuery>,
    flash: Flash,
) -> AppResult<Response> {
    let how = StructurePage {
        flash,
        ..StructurePage::default()
    };
    structure_page(&state, &user, &access, &q, how).await
}

async fn structure_print(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Member>,
    Path(_sid): Path<String>,
    Query(q): Query<StatsQuery>,
) -> AppResult<Response> {
    let how = StructurePage {
        printable: true,
        ..StructurePage::default()
    };
    structure_page(&state, &user, &access, &q, how).await
}

async fn network_stats(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<StatsQuery>,
) -> AppResult<Response> {
    if !user.is_network_admin {
        return Err(AppError::Forbidden);
    }
    let day = today_date(&state.config.timezone);
    let today = day.to_string();
    let all = structures::store::list(&state.db).await?;
    let ids: Vec<StructureId> = all.iter().map(|s| s.id.clone()).collect();
    let mut q = q;
    q.mediateur = None;
    q.lieu = None;
    let filter = filter_from(&q, ids.clone(), &today);
    let year = this_year(day);
    let stats = stats::compute(&state.db, &filter, year).await?;
    let figures = stats::per_structure(&state.db, &filter).await?;
    let comparison = all
        .iter()
        .map(|s| {
            let f = figures
                .iter()
                .find(|(id, _)| *id == s.id)
                .map(|(_, f)| *f)
                .unwrap_or_default();
            (s.name.clone(), f)
        })
        .collect();
    let communes = stats::communes(&state.db, &ids).await?;
    let page = Page::new(&state, "Statistiques du réseau")
        .await
        .user(&user)
        .section("network-stats");
    let heading = format!("Statistiques — {}", page.network_name);
    let mut view = StatsPage::new(
        page,
        heading,
        "/reseau/statistiques".into(),
        filter,
        stats,
        communes,
    );
    view.comparison = comparison;
    Ok(render(&view)?.into_response())
}

async fn create_share(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Member>,
) -> AppResult<Response> {
    access.require_manage()?;
    let mut tx = state.db.begin_write().await?;
    let token = super::shares::create(&mut tx, &access.structure.id, &user.name).await?;
    tx.commit().await?;
    // Shown on this page only: what is kept cannot give the link back.
    let link = format!("{}/statistiques/{token}", state.config.public_url);
    let page = StructurePage {
        printable: false,
        flash: Flash::of("lien-cree"),
        new_share: link,
    };
    structure_page(&state, &user, &access, &StatsQuery::default(), page).await
}

async fn revoke_share(
    State(state): State<AppState>,
    StructureAccess {
        access, user: _, ..
    }: StructureAccess<crate::structures::extract::Member>,
    Path((sid, id)): Path<(String, String)>,
) -> AppResult<Response> {
    access.require_manage()?;
    let mut tx = state.db.begin_write().await?;
    if !super::shares::revoke(&mut tx, &access.structure.id, &id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(axum::response::Redirect::to(&format!(
        "/structures/{sid}/statistiques?info=lien-revoque#partage"
    ))
    .into_response())
}

/// A structure's statistics at its public link, for a funder: figures only.
async fn public_stats(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<StatsQuery>,
) -> AppResult<Response> {
    let sid = super::shares::structure_of(&state.db, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    let structure = structures::store::get(&state.db, &sid)
        .await?
        .ok_or(AppError::NotFound)?;
    let day = today_date(&structure.timezone);
    let today = day.to_string();
    let mut q = q;
    q.mediateur = None;
    let filter = filter_from(&q, vec![sid.clone()], &today);
    let stats = stats::compute(&state.db, &filter, this_year(day)).await?;
    let places = crate::places::store::list_for_structure(&state.db, &sid)
        .await?
        .into_iter()
        .filter(|p| p.is_public)
        .map(|p| (p.id, p.nom))
        .collect();
    let communes = stats::communes(&state.db, std::slice::from_ref(&sid)).await?;
    let page = Page::new(&state, format!("Statistiques — {}", structure.name)).await;
    let mut view = StatsPage::new(
        page,
        format!("Statistiques — {}", structure.name),
        format!("/statistiques/{token}"),
        filter,
        stats,
        communes,
    );
    view.places = places;
    Ok(render(&view)?.into_response())
}
