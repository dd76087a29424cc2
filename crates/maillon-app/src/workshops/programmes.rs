//! Programmes: sessions grouped under one title ("Semaine du numérique, 18–22 novembre"),
//! with a public page, an A4 poster to print and pin up (for people without internet),
//! and a calendar feed (`/ateliers.ics?programme=…`).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::model::{date_long, Session};
use super::programme_store::{self, get_programme};
pub use super::programme_store::{of_structure, ProgrammeInfo};
use super::store::{self, Programme};
use crate::accounts::model::CurrentUser;
use crate::app::page::Page;
use crate::app::AppState;
use crate::places::routes::today;
use crate::structures::Access;
use crate::structures::Structure;
use crate::structures::StructureAccess;
use crate::tenancy::Scope;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/structures/{sid}/programmes/nouveau",
            get(new_form).post(create),
        )
        .route("/programmes/{id}", get(public_page))
        .route("/programmes/{id}/affiche", get(poster))
}

#[derive(Template)]
#[template(path = "workshops/programme_form.html")]
struct FormPage {
    page: Page,
    sid: String,
    form: FormData,
    errors: FieldErrors,
    sessions: Vec<Session>,
}

impl FormPage {
    fn chosen(&self, id: &str) -> bool {
        self.form.all("sessions").iter().any(|s| s == id)
    }
}

async fn upcoming_of(state: &AppState, sid: &StructureId, tz: &str) -> AppResult<Vec<Session>> {
    Ok(store::upcoming(
        &state.db,
        &Programme {
            scope: Scope::Structure(sid),
            from: today(tz),
            ..Programme::default()
        },
    )
    .await?)
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    form: FormData,
    errors: FieldErrors,
) -> AppResult<Response> {
    let sid = &access.structure.id;
    let sessions = upcoming_of(state, sid, &access.structure.timezone).await?;
    let page = Page::in_structure(state, "Nouveau programme", user, access)
        .await
        .section("workshops");
    Ok(render(&FormPage {
        page,
        sid: sid.to_string(),
        form,
        errors,
        sessions,
    })?
    .into_response())
}

async fn new_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
) -> AppResult<Response> {
    form_page(
        &state,
        &user,
        &access,
        FormData::default(),
        FieldErrors::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    form: FormData,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let title = form.get("title");
    if title.is_empty() {
        errors.add(
            "title",
            "Donnez un titre au programme, par exemple « Semaine du numérique ».",
        );
    } else if title.chars().count() > 150 {
        errors.add("title", "Le titre fait 150 caractères au plus.");
    }
    // Only the structure's upcoming sessions can be chosen.
    let offered: Vec<String> =
        upcoming_of(&state, &access.structure.id, &access.structure.timezone)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
    let chosen = form.all("sessions");
    if chosen.is_empty() {
        errors.add("sessions", "Cochez au moins une séance.");
    } else if chosen.iter().any(|c| !offered.contains(c)) {
        errors.add(
            "sessions",
            "Choisissez des séances à venir de la structure.",
        );
    }
    if !errors.is_empty() {
        return form_page(&state, &user, &access, form, errors).await;
    }
    let mut tx = state.db.begin_write().await?;
    let id = programme_store::insert(
        &mut tx,
        &access.structure.id,
        &title,
        &form.get("description"),
        &chosen,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/programmes/{id}")).into_response())
}

/// Sessions of a programme grouped by day: ("mardi 18 novembre 2026", sessions).
type Days = Vec<(String, Vec<Session>)>;

#[derive(Template)]
#[template(path = "workshops/programme_page.html")]
struct PublicPage {
    page: Page,
    programme: ProgrammeInfo,
    structure: Structure,
    days: Days,
    public_url: String,
    poster: bool,
}

async fn programme_view(state: &AppState, id: &str, poster: bool) -> AppResult<Response> {
    let programme = get_programme(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let structure = crate::structures::store::get(&state.db, &programme.structure_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sessions = store::upcoming(
        &state.db,
        &Programme {
            programme_id: id.to_string(),
            from: today(&structure.timezone),
            ..Programme::default()
        },
    )
    .await?;
    let mut days: Days = Vec::new();
    for s in sessions {
        let day = date_long(&s.date);
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(s),
            _ => days.push((day, vec![s])),
        }
    }
    let page = Page::new(state, programme.title.clone()).await;
    Ok(render(&PublicPage {
        page,
        programme,
        structure,
        days,
        public_url: state.config.public_url.clone(),
        poster,
    })?
    .into_response())
}

async fn public_page(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    programme_view(&state, &id, false).await
}

/// The same, laid out as an A4 poster: big type, one page, how to sign up without internet.
async fn poster(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    programme_view(&state, &id, true).await
}
