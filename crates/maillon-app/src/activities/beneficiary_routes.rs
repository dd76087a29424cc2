//! The structure's beneficiaries: list and search, create, detail with history, edit.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::audit::{self, Actor};
use super::beneficiaries::{self, Beneficiary};
use super::model::Kind;
use super::routes::date_fr;
use super::vocab::{self, Choice, GENRES, STATUTS, THEMES};
use super::{recorder_access, store, this_year};
use crate::accounts::model::CurrentUser;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::places::routes::today_date;
use crate::structures::Access;
use crate::structures::StructureAccess;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, Query};
use crate::web::render;

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
        .route(
            "/structures/{sid}/beneficiaires/{bid}/donnees.json",
            get(subject_access),
        )
        .route(
            "/structures/{sid}/beneficiaires/{bid}/effacer",
            axum::routing::post(erase),
        )
        .route("/structures/{sid}/journal", get(journal))
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
    /// The search was cut to its first characters.
    cut: bool,
    people: Vec<Beneficiary>,
    total: i64,
    year: i64,
    can_erase: bool,
}

async fn list(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::People>,
    Path(sid): Path<String>,
    Query(q): Query<SearchQuery>,
    flash: Flash,
) -> AppResult<Response> {
    let (query, cut) = crate::web::forms::search_text(&q.q.unwrap_or_default());
    let people = beneficiaries::search(&state.db, &access.structure.id, &query, 200).await?;
    let total = beneficiaries::count(&state.db, &access.structure.id).await?;
    let year = this_year(today_date(&access.structure.timezone));
    let page = Page::in_structure(&state, "Bénéficiaires", &user, &access)
        .await
        .section("beneficiaries")
        .flash(flash);
    Ok(render(&ListPage {
        page,
        sid,
        query,
        cut,
        people,
        total,
        year,
        can_erase: access.role == Some(crate::accounts::model::Role::StructureAdmin),
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
    /// Structure admins answer access and erasure requests.
    can_erase: bool,
    /// Volunteers allowed to see people still never open activities (notes, decision 0008).
    can_open_activities: bool,
    /// The same person in the member file (memberships, consents), for those who see it.
    member_link: Option<String>,
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
    let member_link = (!is_new && crate::members::sees_activity_log(access))
        .then(|| format!("/structures/{sid}/adherents/{}", person.id));
    let action = if is_new {
        format!("/structures/{sid}/beneficiaires/nouveau")
    } else {
        format!("/structures/{sid}/beneficiaires/{}", person.id)
    };
    let year = this_year(today_date(&access.structure.timezone));
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
        can_erase: access.role == Some(crate::accounts::model::Role::StructureAdmin),
        can_open_activities: matches!(
            access.role,
            Some(
                crate::accounts::model::Role::StructureAdmin
                    | crate::accounts::model::Role::Mediator
            )
        ),
        member_link,
    })?
    .into_response())
}

async fn new_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::People>,
    Path(_sid): Path<String>,
) -> AppResult<Response> {
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
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::People>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let year = this_year(today_date(&access.structure.timezone));
    match beneficiaries::from_form(&form, "", year) {
        Ok(person) => {
            let mut tx = state.db.begin_write().await?;
            let id = beneficiaries::insert(&mut tx, &access.structure.id, &person).await?;
            audit::write(
                &mut tx,
                &access.structure.id,
                &Actor::from(&user),
                "creation",
                Some(&id),
            )
            .await?;
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
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::People>,
    Path((_, bid)): Path<(String, String)>,
    flash: Flash,
) -> AppResult<Response> {
    let person = beneficiaries::get(&state.db, &access.structure.id, &bid)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &state.db,
        &access.structure.id,
        &Actor::from(&user),
        "consultation",
        Some(&bid),
    )
    .await?;
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
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::People>,
    Path((sid, bid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    beneficiaries::get(&state.db, &access.structure.id, &bid)
        .await?
        .ok_or(AppError::NotFound)?;
    let year = this_year(today_date(&access.structure.timezone));
    match beneficiaries::from_form(&form, "", year) {
        Ok(person) => {
            let mut tx = state.db.begin_write().await?;
            if !beneficiaries::update(&mut tx, &access.structure.id, &bid, &person).await? {
                return Err(AppError::NotFound);
            }
            audit::write(
                &mut tx,
                &access.structure.id,
                &Actor::from(&user),
                "modification",
                Some(&bid),
            )
            .await?;
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

crate::access_rule!(
    /// The structure's admin among its recording members (merging, erasing, a person's file):
    /// others of the structure get 403, everyone else 404.
    RecordsAdmin => admin_access
);

async fn admin_access(state: &AppState, user: &CurrentUser, sid: &str) -> Result<Access, AppError> {
    let access = recorder_access(state, user, sid).await?;
    if access.role == Some(crate::accounts::model::Role::StructureAdmin) {
        Ok(access)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Everything the structure holds about a person, for a subject access request (RGPD
/// article 15), as a JSON file.
async fn subject_access(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<RecordsAdmin>,
    Path((_, bid)): Path<(String, String)>,
) -> AppResult<Response> {
    let person = beneficiaries::get(&state.db, &access.structure.id, &bid)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut activities = Vec::new();
    for (id, date, kind, title, _) in store::history(&state.db, &access.structure.id, &bid).await? {
        if let Some(a) = store::get(&state.db, &access.structure.id, &id).await? {
            activities.push(serde_json::json!({
                "date": date,
                "type": kind.label(),
                "atelier": title,
                "duree_minutes": a.duration_min,
                "lieu": vocab::label(vocab::CANALS, &a.canal),
                "thematiques": a.themes.iter().map(|t| vocab::label(THEMES, t)).collect::<Vec<_>>(),
                "thematiques_administratives": a.admin_themes.iter().map(|t| vocab::label(vocab::ADMIN_THEMES, t)).collect::<Vec<_>>(),
                "nom_de_la_demarche": a.procedure_name,
                "oriente_vers": vocab::label(vocab::ORIENTATIONS, &a.orientation),
                "notes": a.notes,
            }));
        }
    }
    let document = serde_json::json!({
        "structure": access.structure.name,
        "exporte_le": crate::places::routes::today(&access.structure.timezone),
        "personne": {
            "prenom": person.first_name,
            "nom": person.last_name,
            "telephone": person.phone,
            "pas_de_telephone": person.no_phone,
            "email": person.email,
            "annee_de_naissance": person.birth_year,
            "commune": person.commune,
            "genre": person.genre_label(),
            "statut": person.statut_label(),
            "notes": person.notes,
        },
        "activites": activities,
    });
    audit::record(
        &state.db,
        &access.structure.id,
        &Actor::from(&user),
        "export_personne",
        Some(&bid),
    )
    .await?;
    let body = serde_json::to_string_pretty(&document).map_err(AppError::internal)?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"donnees-personnelles.json\"".to_string(),
            ),
        ],
        body,
    )
        .into_response())
}

/// Erases a person (RGPD article 17): the record goes, the anonymous statistics stay.
async fn erase(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<RecordsAdmin>,
    Path((sid, bid)): Path<(String, String)>,
) -> AppResult<Response> {
    let year = this_year(today_date(&access.structure.timezone));
    let mut tx = state.db.begin_write().await?;
    if !beneficiaries::erase(&mut tx, &access.structure.id, &bid, year).await? {
        return Err(AppError::NotFound);
    }
    audit::write(
        &mut tx,
        &access.structure.id,
        &Actor::from(&user),
        "effacement",
        Some(&bid),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/beneficiaires?info=personne-effacee"
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "activities/journal.html")]
struct JournalPage {
    page: Page,
    sid: String,
    entries: Vec<(String, audit::Entry)>,
}

/// The audit log of the structure's beneficiaries, for its admins.
async fn journal(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<RecordsAdmin>,
    Path(sid): Path<String>,
) -> AppResult<Response> {
    let zone =
        jiff::tz::TimeZone::get(&access.structure.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let entries = audit::latest(&state.db, &access.structure.id, 500)
        .await?
        .into_iter()
        .map(|e| {
            let at = jiff::Timestamp::from_second(e.at)
                .map(|t| {
                    t.to_zoned(zone.clone())
                        .strftime("%d/%m/%Y %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            (at, e)
        })
        .collect();
    let page = Page::in_structure(&state, "Journal des données personnelles", &user, &access)
        .await
        .section("journal");
    Ok(render(&JournalPage { page, sid, entries })?.into_response())
}
