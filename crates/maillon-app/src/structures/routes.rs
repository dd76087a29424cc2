//! Dashboard, structure pages and the network admin's pages.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::{store, validate_form, Structure, KINDS, TIMEZONES};
use crate::accounts::model::CurrentUser;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::places::model::Place;
use crate::structures::StructureAccess;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tableau-de-bord", get(dashboard))
        .route("/structures/{sid}", get(show))
        .route("/structures/{sid}/modifier", get(edit_form).post(edit))
        .route("/reseau", get(network))
        .route("/reseau/nom", post(rename_network))
        .route("/reseau/structures/nouvelle", get(new_form).post(create))
        .merge(super::team::routes())
}

#[derive(Template)]
#[template(path = "structures/dashboard.html")]
struct DashboardPage {
    page: Page,
    memberships: Vec<(String, String, &'static str)>,
    is_network_admin: bool,
}

async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    flash: Flash,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    // Someone in one structure only goes straight to it, with the same confirmation.
    if let ([only], false) = (user.memberships.as_slice(), user.is_network_admin) {
        let query = query.map(|q| format!("?{q}")).unwrap_or_default();
        return Ok(
            Redirect::to(&format!("/structures/{}{query}", only.structure_id)).into_response(),
        );
    }
    let page = Page::new(&state, "Tableau de bord")
        .await
        .user(&user)
        .section("dashboard")
        .flash(flash);
    let memberships = user
        .memberships
        .iter()
        .map(|m| {
            (
                m.structure_id.to_string(),
                m.structure_name.clone(),
                m.role.label(),
            )
        })
        .collect();
    Ok(render(&DashboardPage {
        page,
        memberships,
        is_network_admin: user.is_network_admin,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "structures/show.html")]
struct ShowPage {
    page: Page,
    structure: Structure,
    places: Vec<Place>,
    can_manage: bool,
    /// The structure's own admins (not the network coordination) read its e-mails.
    is_admin: bool,
    role_label: &'static str,
}

async fn show(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Member>,
    flash: Flash,
) -> AppResult<Response> {
    let places = crate::places::store::list_for_structure(&state.db, &access.structure.id).await?;
    let page = Page::in_structure(&state, access.structure.name.clone(), &user, &access)
        .await
        .section("structure")
        .flash(flash);
    let role_label = access
        .role
        .map(|r| r.label())
        .unwrap_or("Coordination du réseau");
    Ok(render(&ShowPage {
        page,
        can_manage: access.can_manage(),
        is_admin: access.role == Some(crate::accounts::model::Role::StructureAdmin),
        structure: access.structure,
        places,
        role_label,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "structures/form.html")]
struct FormPage {
    page: Page,
    action: String,
    structure: Structure,
    errors: FieldErrors,
    kinds: &'static [&'static str],
    timezones: &'static [(&'static str, &'static str)],
    reminder_days: &'static [(i64, &'static str)],
    offer_hours: &'static [(i64, &'static str)],
}

fn show_form(
    page: Page,
    action: String,
    structure: Structure,
    errors: FieldErrors,
) -> AppResult<Response> {
    let form = FormPage {
        page,
        action,
        structure,
        errors,
        kinds: KINDS,
        timezones: TIMEZONES,
        reminder_days: super::REMINDER_DAYS,
        offer_hours: super::OFFER_HOURS,
    };
    Ok(render(&form)?.into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Member>,
    Path(sid): Path<String>,
) -> AppResult<Response> {
    access.require_manage()?;
    let page = Page::in_structure(&state, "Modifier la structure", &user, &access)
        .await
        .section("structure");
    let action = format!("/structures/{sid}/modifier");
    let mut structure = access.structure;
    structure.phone = structure.phone_display();
    show_form(page, action, structure, FieldErrors::default())
}

async fn edit(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Member>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    access.require_manage()?;
    match validate_form(&form) {
        Ok(s) => {
            let mut tx = state.db.begin_write().await?;
            store::update(&mut tx, &sid, &s).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/structures/{sid}?info=enregistre")).into_response())
        }
        Err((structure, errors)) => {
            let page = Page::in_structure(&state, "Modifier la structure", &user, &access)
                .await
                .section("structure");
            let action = format!("/structures/{sid}/modifier");
            show_form(page, action, structure, errors)
        }
    }
}

// ---- Network admin ----

fn require_network_admin(user: &CurrentUser) -> Result<(), AppError> {
    if user.is_network_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "structures/network.html")]
struct NetworkPage {
    page: Page,
    structures: Vec<(Structure, usize)>,
    network_name: String,
    errors: FieldErrors,
}

async fn network_page(
    state: &AppState,
    user: &CurrentUser,
    flash: Flash,
    errors: FieldErrors,
    typed_name: Option<String>,
) -> AppResult<Response> {
    let page = Page::new(state, "Réseau")
        .await
        .user(user)
        .section("network")
        .flash(flash);
    let mut structures = Vec::new();
    for s in store::list(&state.db).await? {
        let places = crate::places::store::list_for_structure(&state.db, &s.id)
            .await?
            .len();
        structures.push((s, places));
    }
    let network_name = typed_name.unwrap_or_else(|| page.network_name.clone());
    Ok(render(&NetworkPage {
        page,
        structures,
        network_name,
        errors,
    })?
    .into_response())
}

async fn network(
    State(state): State<AppState>,
    user: CurrentUser,
    flash: Flash,
) -> AppResult<Response> {
    require_network_admin(&user)?;
    network_page(&state, &user, flash, FieldErrors::default(), None).await
}

async fn rename_network(
    State(state): State<AppState>,
    user: CurrentUser,
    form: FormData,
) -> AppResult<Response> {
    require_network_admin(&user)?;
    let name = form.get("network_name");
    if name.is_empty() || name.chars().count() > 150 {
        let mut errors = FieldErrors::default();
        errors.add(
            "network_name",
            "Indiquez le nom du réseau (150 caractères au plus).",
        );
        return network_page(&state, &user, Flash::default(), errors, Some(name)).await;
    }
    let mut tx = state.db.begin_write().await?;
    store::set_network_name(&mut tx, &name).await?;
    tx.commit().await?;
    Ok(Redirect::to("/reseau?info=enregistre").into_response())
}

async fn new_form(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    require_network_admin(&user)?;
    let page = Page::new(&state, "Nouvelle structure")
        .await
        .user(&user)
        .section("network");
    let structure = Structure {
        kind: "Centre social".into(),
        timezone: "Europe/Paris".into(),
        reminder_days: 2,
        reminder_morning: true,
        send_from_hour: 9,
        send_until_hour: 19,
        ..Structure::default()
    };
    let action = "/reseau/structures/nouvelle".to_string();
    show_form(page, action, structure, FieldErrors::default())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    form: FormData,
) -> AppResult<Response> {
    require_network_admin(&user)?;
    match validate_form(&form) {
        Ok(s) => {
            let mut tx = state.db.begin_write().await?;
            let id = store::insert(&mut tx, &s).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/structures/{id}?info=structure-creee")).into_response())
        }
        Err((structure, errors)) => {
            let page = Page::new(&state, "Nouvelle structure")
                .await
                .user(&user)
                .section("network");
            let action = "/reseau/structures/nouvelle".to_string();
            show_form(page, action, structure, errors)
        }
    }
}
