//! Keeping the list of beneficiaries clean: duplicates and their merge, and erasing
//! several people at once (after a confirmation).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::audit::{self, Actor};
use super::beneficiaries::{self, Beneficiary};
use super::duplicates::{self, Pair};
use super::this_year;
use crate::accounts::model::Role;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::places::routes::today_date;
use crate::structures::StructureAccess;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FormData;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/structures/{sid}/beneficiaires/doublons",
            get(duplicates_page),
        )
        .route("/structures/{sid}/beneficiaires/fusion", post(merge))
        .route(
            "/structures/{sid}/beneficiaires/effacer-selection",
            post(erase_selection),
        )
}

#[derive(Template)]
#[template(path = "activities/duplicates.html")]
struct DuplicatesPage {
    page: Page,
    sid: String,
    pairs: Vec<Pair>,
}

async fn duplicates_page(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path(sid): Path<String>,
    flash: Flash,
) -> AppResult<Response> {
    let pairs = duplicates::find(&state.db, &access.structure.id, 100).await?;
    let page = Page::in_structure(&state, "Doublons possibles", &user, &access)
        .await
        .section("beneficiaries")
        .flash(flash);
    Ok(render(&DuplicatesPage { page, sid, pairs })?.into_response())
}

async fn merge(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (keep_id, other_id) = (form.get("keep"), form.get("other"));
    if keep_id == other_id {
        return Err(AppError::BadRequest(
            "Choisissez deux fiches différentes.".into(),
        ));
    }
    let keep = beneficiaries::get(&state.db, &access.structure.id, &keep_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let other = beneficiaries::get(&state.db, &access.structure.id, &other_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    duplicates::merge(&mut tx, &access.structure.id, &keep, &other).await?;
    audit::write(
        &mut tx,
        &access.structure.id,
        &Actor::from(&user),
        "fusion",
        Some(&keep.id),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/beneficiaires/{}?info=fiches-fusionnees",
        keep.id
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "activities/erase_selection.html")]
struct ConfirmPage {
    page: Page,
    sid: String,
    people: Vec<Beneficiary>,
}

/// First shows who will be erased; erases only when the confirmation is sent.
async fn erase_selection(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    if access.role != Some(Role::StructureAdmin) {
        return Err(AppError::Forbidden);
    }
    let mut people = Vec::new();
    for id in form.all("ids") {
        people.push(
            beneficiaries::get(&state.db, &access.structure.id, &id)
                .await?
                .ok_or(AppError::NotFound)?,
        );
    }
    if people.is_empty() {
        return Ok(
            Redirect::to(&format!("/structures/{sid}/beneficiaires?info=rien-choisi"))
                .into_response(),
        );
    }
    if form.get("confirm") != "oui" {
        let page = Page::in_structure(&state, "Effacer des bénéficiaires", &user, &access)
            .await
            .section("beneficiaries");
        return Ok(render(&ConfirmPage { page, sid, people })?.into_response());
    }
    let year = this_year(today_date(&access.structure.timezone));
    let actor = Actor::from(&user);
    let mut tx = state.db.begin_write().await?;
    for p in &people {
        beneficiaries::erase(&mut tx, &access.structure.id, &p.id, year).await?;
        audit::write(
            &mut tx,
            &access.structure.id,
            &actor,
            "effacement",
            Some(&p.id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/beneficiaires?info=personnes-effacees"
    ))
    .into_response())
}
