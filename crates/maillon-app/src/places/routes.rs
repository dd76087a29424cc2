//! Editing a structure's places, and the public pages anyone can read.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::model::{self, Place};
use super::vocab::{self, ListField, LIST_FIELDS, TYPOLOGIES};
use super::{hours, store};
use crate::accounts::model::CurrentUser;
use crate::accounts::session::MaybeUser;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::structures::StructureAccess;
use crate::structures::{access, Access};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, Query};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/structures/{sid}/lieux/nouveau",
            get(new_form).post(create),
        )
        .route("/structures/{sid}/lieux/{pid}", get(edit_form).post(update))
        .route("/structures/{sid}/lieux/{pid}/supprimer", post(delete))
        .route("/", get(home))
        .route("/lieux", get(public_list))
        .route("/lieux/{pid}", get(public_page))
}

pub fn today(tz: &str) -> String {
    today_date(tz).to_string()
}

/// Today's date in the time zone `tz` (UTC if unknown), as a date.
pub fn today_date(tz: &str) -> jiff::civil::Date {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned(zone).date()
}

#[derive(Template)]
#[template(path = "places/form.html")]
struct FormPage {
    page: Page,
    action: String,
    place: Place,
    /// Text areas show one e-mail or website per line.
    courriels_lines: String,
    sites_lines: String,
    errors: FieldErrors,
    is_new: bool,
    delete_action: String,
    list_fields: &'static [ListField],
    typologies: &'static [(&'static str, &'static str)],
    hours_help: &'static str,
    typed: Option<FormData>,
}

impl FormPage {
    fn new(
        page: Page,
        sid: &str,
        mut place: Place,
        errors: FieldErrors,
        typed: Option<FormData>,
    ) -> FormPage {
        // Phones are shown the French way, whether from the database or from a form.
        place.telephone = place.phone_display();
        let is_new = place.id.is_empty();
        let action = if is_new {
            format!("/structures/{sid}/lieux/nouveau")
        } else {
            format!("/structures/{sid}/lieux/{}", place.id)
        };
        let delete_action = format!("/structures/{sid}/lieux/{}/supprimer", place.id);
        FormPage {
            page,
            action,
            courriels_lines: place.courriels.replace('|', "\n"),
            sites_lines: place.site_web.replace('|', "\n"),
            place,
            errors,
            is_new,
            delete_action,
            list_fields: LIST_FIELDS,
            typologies: TYPOLOGIES,
            hours_help: hours::HOURS_HELP,
            typed,
        }
    }

    /// Coordinates as typed when the form comes back with errors, else as stored.
    fn coordinate(&self, field: &str, value: &Option<f64>) -> String {
        match &self.typed {
            Some(form) => form.get(field),
            None => value.map(|v| v.to_string()).unwrap_or_default(),
        }
    }

    /// The label shown for a value (the usual spelling of the La Poste label).
    fn value_label<'a>(&self, value: &'a str) -> &'a str {
        if value == vocab::LABEL_ETAPES_SCHEMA {
            vocab::LABEL_ETAPES_USUAL
        } else {
            value
        }
    }
}

/// Reads the place form: text areas hold one e-mail or website per line.
fn from_form(form: &FormData, today: &str) -> Result<Place, (Place, FieldErrors)> {
    let text = |name: &str| form.get(name);
    let list = |name: &str| match name {
        "courriels" | "site_web" => form
            .get(name)
            .split(['\n', ',', ';', ' '])
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect(),
        _ => form.all(name),
    };
    let mut result = model::validate(&text, &list, today);
    let is_public = form.has("is_public");
    match &mut result {
        Ok(p) | Err((p, _)) => p.is_public = is_public,
    }
    result
}

async fn managed(state: &AppState, user: &CurrentUser, sid: &str) -> Result<Access, AppError> {
    let access = access(state, user, sid).await?;
    access.require_manage()?;
    Ok(access)
}

async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
) -> AppResult<Response> {
    let access = managed(&state, &user, &sid).await?;
    let page = Page::in_structure(&state, "Nouveau lieu", &user, &access)
        .await
        .section("structure");
    let place = Place {
        is_public: true,
        pivot: access.structure.pivot.clone(),
        structure_parente: access.structure.name.clone(),
        ..Place::default()
    };
    Ok(render(&FormPage::new(
        page,
        &sid,
        place,
        FieldErrors::default(),
        None,
    ))?
    .into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let access = managed(&state, &user, &sid).await?;
    match from_form(&form, &today(&access.structure.timezone)) {
        Ok(place) => {
            let mut tx = state.db.begin_write().await?;
            let id = store::insert(&mut tx, &access.structure.id, &place).await?;
            tx.commit().await?;
            Ok(
                Redirect::to(&format!("/structures/{sid}/lieux/{id}?info=lieu-cree"))
                    .into_response(),
            )
        }
        Err((place, errors)) => {
            let page = Page::in_structure(&state, "Nouveau lieu", &user, &access)
                .await
                .section("structure");
            Ok(render(&FormPage::new(page, &sid, place, errors, Some(form)))?.into_response())
        }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Member>,
    Path((sid, pid)): Path<(String, String)>,
    flash: Flash,
) -> AppResult<Response> {
    let place = store::get_in_structure(&state.db, &access.structure.id, &pid)
        .await?
        .ok_or(AppError::NotFound)?;
    if !access.can_manage() {
        // Team members who do not manage the structure read the place as the public does.
        let page = Page::in_structure(&state, place.nom.clone(), &user, &access)
            .await
            .section("structure")
            .flash(flash);
        return Ok(render(&PublicPlacePage {
            page,
            place,
            structure_name: access.structure.name.clone(),
        })?
        .into_response());
    }
    let page = Page::in_structure(
        &state,
        format!("Modifier « {} »", place.nom),
        &user,
        &access,
    )
    .await
    .section("structure")
    .flash(flash);
    Ok(render(&FormPage::new(
        page,
        &sid,
        place,
        FieldErrors::default(),
        None,
    ))?
    .into_response())
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((sid, pid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let access = managed(&state, &user, &sid).await?;
    let existing = store::get_in_structure(&state.db, &access.structure.id, &pid)
        .await?
        .ok_or(AppError::NotFound)?;
    match from_form(&form, &today(&access.structure.timezone)) {
        Ok(mut place) => {
            place.source_id = existing.source_id;
            let mut tx = state.db.begin_write().await?;
            if !store::update(&mut tx, &access.structure.id, &pid, &place).await? {
                return Err(AppError::NotFound);
            }
            tx.commit().await?;
            Ok(
                Redirect::to(&format!("/structures/{sid}/lieux/{pid}?info=enregistre"))
                    .into_response(),
            )
        }
        Err((mut place, errors)) => {
            place.id = pid;
            let page = Page::in_structure(
                &state,
                format!("Modifier « {} »", existing.nom),
                &user,
                &access,
            )
            .await
            .section("structure");
            Ok(render(&FormPage::new(page, &sid, place, errors, Some(form)))?.into_response())
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((sid, pid)): Path<(String, String)>,
) -> AppResult<Response> {
    let access = managed(&state, &user, &sid).await?;
    let mut tx = state.db.begin_write().await?;
    if !store::delete(&mut tx, &access.structure.id, &pid).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/structures/{sid}?info=lieu-supprime")).into_response())
}

// ---- Public pages ----

#[derive(Template)]
#[template(path = "places/home.html")]
struct HomePage {
    page: Page,
    place_count: usize,
    communes: usize,
}

async fn home(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> AppResult<Response> {
    let places = store::list_public(&state.db).await?;
    let mut communes: Vec<&str> = places.iter().map(|p| p.commune.as_str()).collect();
    communes.sort_unstable();
    communes.dedup();
    let mut page = Page::new(&state, "Accueil").await.section("home");
    if let Some(user) = &user {
        page = page.user(user);
    }
    Ok(render(&HomePage {
        place_count: places.len(),
        communes: communes.len(),
        page,
    })?
    .into_response())
}

#[derive(Deserialize)]
struct ListQuery {
    commune: Option<String>,
    service: Option<String>,
}

#[derive(Template)]
#[template(path = "places/public_list.html")]
struct PublicListPage {
    page: Page,
    places: Vec<Place>,
    communes: Vec<String>,
    services: &'static [&'static str],
    commune: String,
    service: String,
    total: usize,
}

async fn public_list(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let all = store::list_public(&state.db).await?;
    let mut communes: Vec<String> = all.iter().map(|p| p.commune.clone()).collect();
    communes.dedup();
    let commune = q.commune.unwrap_or_default();
    let service = q.service.unwrap_or_default();
    let total = all.len();
    let places = all
        .into_iter()
        .filter(|p| commune.is_empty() || p.commune == commune)
        .filter(|p| service.is_empty() || p.has("services", &service))
        .collect();
    let mut page = Page::new(&state, "Où trouver de l'aide au numérique")
        .await
        .section("public");
    if let Some(user) = &user {
        page = page.user(user);
    }
    Ok(render(&PublicListPage {
        page,
        places,
        communes,
        services: vocab::SERVICES,
        commune,
        service,
        total,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "places/public_page.html")]
struct PublicPlacePage {
    page: Page,
    place: Place,
    structure_name: String,
}

async fn public_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(pid): Path<String>,
) -> AppResult<Response> {
    let place = store::get_public(&state.db, &pid)
        .await?
        .ok_or(AppError::NotFound)?;
    let structure_name = crate::structures::store::get(&state.db, &place.structure_id)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let mut page = Page::new(&state, place.nom.clone()).await.section("public");
    if let Some(user) = &user {
        page = page.user(user);
    }
    Ok(render(&PublicPlacePage {
        page,
        place,
        structure_name,
    })?
    .into_response())
}
