//! The structure's beneficiaries: list and search, create, detail with history, edit.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::beneficiaries::{self, Beneficiary};
use super::model::Kind;
use super::routes::date_fr;
use super::vocab::{self, Choice, GENRES, STATUTS, THEMES};
use super::{recorder_access, store, this_year};
use crate::accounts::model::CurrentUser;
use crate::places::routes::today;
use crate::structures::Access;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::page::{Flash, Page};
use crate::web::{render, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/structures/{sid}/beneficiaires", get(list))
        .route(
            "/structures/{sid}/beneficiaires/nouveau",
            get(new_form).post(create),
        )
        .route(
            "/structures/{sid}/beneficiaires/{bid}",
            get(show).post(update),
        )
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "activities/beneficiaries.html")]
struct ListPage {
    page: Page,
    sid: String,
    query: String,
    people: Vec<Beneficiary>,
    total: i64,
    year: i64,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
    Query(q): Query<SearchQuery>,
    flash: Flash,
) -> AppResult<Response> {
    let access = recorder_access(&state, &user, &sid).await?;
    let query = q.q.unwrap_or_default();
    let people = beneficiaries::search(&state.db, &sid, &query, 200).await?;
    let total = beneficiaries::count(&state.db, &sid).await?;
    let year = this_year(&today(&access.structure.timezone));
    let page = Page::in_structure(&state, "Bénéficiaires", &user, &access)
        .await
        .section("beneficiaries")
        .flash(flash);
    Ok(render(&ListPage {
        page,
        sid,
        query,
        people,
        total,
        year,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "activities/beneficiary.html")]
struct DetailPage {
    page: Page,
    action: String,
    person: Beneficiary,
    errors: FieldErrors,
    is_new: bool,
    /// (activity link, date, kind, title, themes)
    history: Vec<(String, String, &'static str, String, String)>,
    genres: &'static [Choice],
    statuts: &'static [Choice],
    year: i64,
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    person: Beneficiary,
    errors: FieldErrors,
    flash: Flash,
) -> AppResult<Response> {
    let sid = &access.structure.id;
    let is_new = person.id.is_empty();
    let title = if is_new {
        "Nouveau bénéficiaire".to_string()
    } else {
        person.display_name()
    };
    let history = if is_new {
        Vec::new()
    } else {
        store::history(&state.db, sid, &person.id)
            .await?
            .into_iter()
            .map(|(id, date, kind, title, themes)| {
                let themes = themes
                    .iter()
                    .map(|t| vocab::label(THEMES, t))
                    .collect::<Vec<_>>()
                    .join(", ");
                let title = if kind == Kind::Collective {
                    title
                } else {
                    String::new()
                };
                (
                    format!("/structures/{sid}/activites/{id}"),
                    date_fr(&date),
                    kind.label(),
                    title,
                    themes,
                )
            })
            .collect()
    };
    let action = if is_new {
        format!("/structures/{sid}/beneficiaires/nouveau")
    } else {
        format!("/structures/{sid}/beneficiaires/{}", person.id)
    };
    let year = this_year(&today(&access.structure.timezone));
    let page = Page::in_structure(state, title, user, access)
        .await
        .section("beneficiaries")
        .flash(flash);
    Ok(render(&DetailPage {
        page,
        action,
        person,
        errors,
        is_new,
        history,
        genres: GENRES,
        statuts: STATUTS,
        year,
    })?
    .into_response())
}

async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
) -> AppResult<Response> {
    let access = recorder_access(&state, &user, &sid).await?;
    detail_page(
        &state,
        &user,
        &access,
        Beneficiary::default(),
        FieldErrors::default(),
        Flash::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let access = recorder_access(&state, &user, &sid).await?;
    let year = this_year(&today(&access.structure.timezone));
    match beneficiaries::from_form(&form, "", year) {
        Ok(person) => {
            let mut tx = state.db.begin_write().await?;
            let id = beneficiaries::insert(&mut tx, &sid, &person).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/structures/{sid}/beneficiaires/{id}?info=enregistre"
            ))
            .into_response())
        }
        Err((person, errors)) => {
            detail_page(&state, &user, &access, person, errors, Flash::default()).await
        }
    }
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((sid, bid)): Path<(String, String)>,
    flash: Flash,
) -> AppResult<Response> {
    let access = recorder_access(&state, &user, &sid).await?;
    let person = beneficiaries::get(&state.db, &sid, &bid)
        .await?
        .ok_or(AppError::NotFound)?;
    detail_page(
        &state,
        &user,
        &access,
        person,
        FieldErrors::default(),
        flash,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((sid, bid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let access = recorder_access(&state, &user, &sid).await?;
    beneficiaries::get(&state.db, &sid, &bid)
        .await?
        .ok_or(AppError::NotFound)?;
    let year = this_year(&today(&access.structure.timezone));
    match beneficiaries::from_form(&form, "", year) {
        Ok(person) => {
            let mut tx = state.db.begin_write().await?;
            if !beneficiaries::update(&mut tx, &sid, &bid, &person).await? {
                return Err(AppError::NotFound);
            }
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/structures/{sid}/beneficiaires/{bid}?info=enregistre"
            ))
            .into_response())
        }
        Err((mut person, errors)) => {
            person.id = bid;
            detail_page(&state, &user, &access, person, errors, Flash::default()).await
        }
    }
}
