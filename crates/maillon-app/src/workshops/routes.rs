//! Staff pages: the structure's workshops, creating one with its sessions (weekly in one
//! step), a session's registrations and waiting list, registering someone at the desk.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::cycles;
use super::model::{self, PriceKind, Session, Workshop, PUBLICS};
use super::registration::{self, Contact, Outcome, Registration};
use super::store;
use crate::accounts::model::CurrentUser;
use crate::activities::vocab::{Choice, LEVELS, THEMES};
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::places::routes::today;
use crate::structures::Access;
use crate::structures::StructureAccess;
use crate::tenancy::Scope;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/structures/{sid}/ateliers", get(list))
        .route(
            "/structures/{sid}/ateliers/nouveau",
            get(new_form).post(create),
        )
        .route("/structures/{sid}/ateliers/{wid}", get(show))
        .route(
            "/structures/{sid}/ateliers/{wid}/seances",
            get(add_sessions_form).post(add_sessions),
        )
        .merge(super::editing::routes())
        .merge(super::cancelling::routes())
        .route("/structures/{sid}/seances/{id}", get(session_page))
        .route(
            "/structures/{sid}/seances/{id}/inscrire",
            post(register_at_desk),
        )
        .route(
            "/structures/{sid}/seances/{id}/inscriptions/{rid}/annuler",
            post(cancel),
        )
        .route(
            "/structures/{sid}/seances/{id}/inscriptions/{rid}/confirmer",
            post(confirm_offer),
        )
        .route(
            "/structures/{sid}/seances/{id}/inscrits.{format}",
            get(export),
        )
}

const EXPORT_COLUMNS: &[&str] = &[
    "Nom",
    "Places",
    "État",
    "Position en attente",
    "Téléphone",
    "E-mail",
    "Besoins",
    "Inscription",
    "Présent",
];

/// Registrations and waiting list of a session, as CSV or XLSX.
async fn export(
    State(state): State<AppState>,
    StructureAccess {
        access, user: _, ..
    }: StructureAccess<crate::activities::Recorder>,
    Path((_, id, format)): Path<(String, String, String)>,
) -> AppResult<Response> {
    crate::exports::check_format(&format)?;
    let session = store::session(&state.db, access.scope(), &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let all = registration::of_session(&state.db, &access.structure.id, &id).await?;
    let (tx, rx) = crate::exports::channel();
    let mut waiting = 0;
    let mut rows = Vec::new();
    for r in all
        .iter()
        .filter(|r| r.status != registration::Status::Cancelled)
    {
        let position = if r.status == registration::Status::Waiting {
            waiting += 1;
            waiting.to_string()
        } else {
            String::new()
        };
        let row = vec![
            r.name.clone(),
            r.seats.to_string(),
            r.status_label().to_string(),
            position,
            r.phone_display(),
            r.email.clone(),
            r.needs.clone(),
            r.source.label().to_string(),
            if r.present { "oui" } else { "" }.to_string(),
        ];
        rows.push(row);
    }
    tokio::spawn(async move {
        for row in rows {
            // A closed receiver only means the client left.
            if tx.send(row).await.is_err() {
                break;
            }
        }
    });
    let filename = format!("inscrits-{}", session.date);
    crate::exports::respond(&format, &filename, "Inscrits", EXPORT_COLUMNS, rx).await
}

#[derive(Template)]
#[template(path = "workshops/list.html")]
struct ListPage {
    page: Page,
    sid: String,
    public_url: String,
    programmes: Vec<(String, String)>,
    workshops: Vec<Workshop>,
    sessions: Vec<Session>,
}

async fn list(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path(sid): Path<String>,
    flash: Flash,
) -> AppResult<Response> {
    let workshops = store::workshops(&state.db, &access.structure.id).await?;
    let sessions = store::upcoming(
        &state.db,
        &store::Programme {
            scope: Scope::Structure(&access.structure.id),
            from: today(&access.structure.timezone),
            ..store::Programme::default()
        },
    )
    .await?;
    let page = Page::in_structure(&state, "Ateliers", &user, &access)
        .await
        .section("workshops")
        .flash(flash);
    let programmes = super::programmes::of_structure(&state.db, &access.structure.id).await?;
    Ok(render(&ListPage {
        page,
        sid,
        public_url: state.config.public_url.clone(),
        programmes,
        workshops,
        sessions,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "workshops/form.html")]
pub(super) struct FormPage {
    page: Page,
    action: String,
    /// Which parts the form shows: the workshop's fields, the sessions' fields, and the
    /// weekly repetition (only when adding sessions).
    with_workshop: bool,
    with_session: bool,
    with_weeks: bool,
    workshop: Workshop,
    form: FormData,
    errors: FieldErrors,
    places: Vec<(String, String)>,
    themes: &'static [Choice],
    publics: &'static [Choice],
    levels: &'static [Choice],
    prices: &'static [PriceKind],
}

/// The four forms of workshops: a new one with its first sessions, more sessions, the
/// workshop's description, one session.
pub(super) enum FormKind {
    New,
    AddSessions,
    EditWorkshop,
    EditSession(String),
}

async fn places_of(state: &AppState, sid: &StructureId) -> AppResult<Vec<(String, String)>> {
    Ok(crate::places::store::list_for_structure(&state.db, sid)
        .await?
        .into_iter()
        .map(|p| (p.id, p.nom))
        .collect())
}

pub(super) async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    kind: FormKind,
    workshop: Workshop,
    form: FormData,
    errors: FieldErrors,
) -> AppResult<Response> {
    let sid = &access.structure.id;
    let wid = &workshop.id;
    let (title, action) = match &kind {
        FormKind::New => (
            "Nouvel atelier".to_string(),
            format!("/structures/{sid}/ateliers/nouveau"),
        ),
        FormKind::AddSessions => (
            format!("Nouvelles séances : {}", workshop.title),
            format!("/structures/{sid}/ateliers/{wid}/seances"),
        ),
        FormKind::EditWorkshop => (
            format!("Modifier : {}", workshop.title),
            format!("/structures/{sid}/ateliers/{wid}/modifier"),
        ),
        FormKind::EditSession(id) => (
            format!("Modifier la séance : {}", workshop.title),
            format!("/structures/{sid}/seances/{id}/modifier"),
        ),
    };
    let page = Page::in_structure(state, title, user, access)
        .await
        .section("workshops");
    Ok(render(&FormPage {
        page,
        action,
        with_workshop: matches!(kind, FormKind::New | FormKind::EditWorkshop),
        with_session: !matches!(kind, FormKind::EditWorkshop),
        with_weeks: matches!(kind, FormKind::New | FormKind::AddSessions),
        workshop,
        form,
        errors,
        places: places_of(state, sid).await?,
        themes: THEMES,
        publics: PUBLICS,
        levels: LEVELS,
        prices: PriceKind::ALL,
    })?
    .into_response())
}

/// The structure's workshop `wid`, or 404.
pub(super) async fn staff_workshop(
    state: &AppState,
    sid: &StructureId,
    wid: &str,
) -> AppResult<Workshop> {
    store::workshop(&state.db, Scope::Structure(sid), wid)
        .await?
        .ok_or(AppError::NotFound)
}

/// The structure's session `id` with its workshop, or 404.
pub(super) async fn staff_session(
    state: &AppState,
    sid: &StructureId,
    id: &str,
) -> AppResult<(Session, Workshop)> {
    let session = store::session(&state.db, Scope::Structure(sid), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let workshop = staff_workshop(state, sid, &session.workshop_id).await?;
    Ok((session, workshop))
}

/// What the sessions' fields show before anything is typed.
fn blank_sessions_form() -> FormData {
    FormData::from_pairs(vec![
        ("capacity".into(), "10".into()),
        ("weeks".into(), "1".into()),
        ("start_time".into(), "14:00".into()),
        ("end_time".into(), "16:00".into()),
    ])
}

async fn new_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path(_sid): Path<String>,
) -> AppResult<Response> {
    let form = blank_sessions_form();
    form_page(
        &state,
        &user,
        &access,
        FormKind::New,
        Workshop::default(),
        form,
        FieldErrors::default(),
    )
    .await
}

/// The sessions of a form, checked against the structure's places.
pub(super) async fn sessions_of(
    state: &AppState,
    access: &Access,
    form: &FormData,
) -> AppResult<Result<Vec<Session>, FieldErrors>> {
    let places: Vec<String> = places_of(state, &access.structure.id)
        .await?
        .into_iter()
        .map(|p| p.0)
        .collect();
    Ok(model::sessions_from_form(
        form,
        &today(&access.structure.timezone),
        &places,
    ))
}

async fn create(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (workshop, mut errors) = match model::workshop_from_form(&form) {
        Ok(w) => (w, FieldErrors::default()),
        Err((w, e)) => (w, e),
    };
    let sessions = match sessions_of(&state, &access, &form).await? {
        Ok(s) => s,
        Err(e) => {
            errors.merge(e);
            Vec::new()
        }
    };
    if !errors.is_empty() {
        return form_page(
            &state,
            &user,
            &access,
            FormKind::New,
            workshop,
            form,
            errors,
        )
        .await;
    }
    // The workshop and all its sessions, or nothing.
    let mut tx = state.db.begin_write().await?;
    let wid = store::insert_workshop(&mut tx, &access.structure.id, &workshop).await?;
    for s in &sessions {
        store::insert_session(&mut tx, &access.structure.id, &wid, s).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/ateliers/{wid}?info=atelier-cree"
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "workshops/show.html")]
struct ShowPage {
    page: Page,
    sid: String,
    workshop: Workshop,
    sessions: Vec<Session>,
}

async fn show(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, wid)): Path<(String, String)>,
    flash: Flash,
) -> AppResult<Response> {
    let workshop = staff_workshop(&state, &access.structure.id, &wid).await?;
    let sessions = store::sessions_of_workshop(&state.db, &wid).await?;
    let page = Page::in_structure(&state, workshop.title.clone(), &user, &access)
        .await
        .section("workshops")
        .flash(flash);
    Ok(render(&ShowPage {
        page,
        sid,
        workshop,
        sessions,
    })?
    .into_response())
}

async fn add_sessions_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_, wid)): Path<(String, String)>,
) -> AppResult<Response> {
    let workshop = staff_workshop(&state, &access.structure.id, &wid).await?;
    let form = blank_sessions_form();
    form_page(
        &state,
        &user,
        &access,
        FormKind::AddSessions,
        workshop,
        form,
        FieldErrors::default(),
    )
    .await
}

async fn add_sessions(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, wid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let workshop = staff_workshop(&state, &access.structure.id, &wid).await?;
    let errors = match sessions_of(&state, &access, &form).await? {
        Err(errors) => errors,
        Ok(sessions) => match insert_sessions(&state, &access.structure.id, &wid, &sessions).await?
        {
            Ok(()) => {
                return Ok(Redirect::to(&format!(
                    "/structures/{sid}/ateliers/{wid}?info=enregistre"
                ))
                .into_response())
            }
            Err(errors) => errors,
        },
    };
    form_page(
        &state,
        &user,
        &access,
        FormKind::AddSessions,
        workshop,
        form,
        errors,
    )
    .await
}

/// Adds sessions to a workshop; a cycle's registrants come to them too. All of it, or
/// nothing and why.
async fn insert_sessions(
    state: &AppState,
    sid: &StructureId,
    wid: &str,
    sessions: &[Session],
) -> AppResult<Result<(), FieldErrors>> {
    let mut tx = state.db.begin_write().await?;
    for s in sessions {
        let id = store::insert_session(&mut tx, sid, wid, s).await?;
        if let Err(seated) = cycles::include_new_session(&mut tx, wid, &id).await? {
            let mut errors = FieldErrors::default();
            errors.add(
                "capacity",
                format!("{seated} places sont déjà prises dans ce cycle : la nouvelle séance doit en offrir au moins autant."),
            );
            return Ok(Err(errors));
        }
    }
    tx.commit().await?;
    Ok(Ok(()))
}

#[derive(Template)]
#[template(path = "workshops/staff_session.html")]
struct SessionPage {
    page: Page,
    sid: String,
    session: Session,
    confirmed: Vec<Registration>,
    waiting: Vec<Registration>,
    contact: Contact,
    errors: FieldErrors,
}

async fn session_view(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    id: &str,
    contact: Contact,
    errors: FieldErrors,
    flash: Flash,
) -> AppResult<Response> {
    let sid = &access.structure.id;
    let session = store::session(&state.db, Scope::Structure(sid), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let all = registration::of_session(&state.db, sid, id).await?;
    let (confirmed, waiting) = (
        all.iter()
            .filter(|r| {
                r.status == registration::Status::Confirmed
                    || r.status == registration::Status::Offered
            })
            .cloned()
            .collect(),
        all.iter()
            .filter(|r| r.status == registration::Status::Waiting)
            .cloned()
            .collect(),
    );
    let page = Page::in_structure(
        state,
        format!("{} — {}", session.title, session.when()),
        user,
        access,
    )
    .await
    .section("workshops")
    .flash(flash);
    Ok(render(&SessionPage {
        page,
        sid: sid.to_string(),
        session,
        confirmed,
        waiting,
        contact,
        errors,
    })?
    .into_response())
}

async fn session_page(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_sid, id)): Path<(String, String)>,
    flash: Flash,
) -> AppResult<Response> {
    session_view(
        &state,
        &user,
        &access,
        &id,
        Contact::default(),
        FieldErrors::default(),
        flash,
    )
    .await
}

/// Someone at the desk or on the phone, with or without phone and e-mail.
async fn register_at_desk(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, id)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    store::session(&state.db, Scope::Structure(&access.structure.id), &id)
        .await?
        .filter(|s| !s.cancelled)
        .ok_or(AppError::NotFound)?;
    let contact = match registration::contact_from_form(&form, false) {
        Ok(c) => c,
        Err((c, errors)) => {
            return session_view(&state, &user, &access, &id, c, errors, Flash::default()).await
        }
    };
    let info = match registration::register(
        &state.db,
        &state.config.public_url,
        &access.structure.id,
        &id,
        &contact,
        registration::Source::Staff,
    )
    .await?
    {
        Outcome::Registered {
            status: registration::Status::Confirmed,
            ..
        } => "inscription-confirmee",
        Outcome::Registered { .. } => "inscription-attente",
        Outcome::AlreadyRegistered => "deja-inscrit",
        Outcome::Closed => "cycle-termine",
        // Only the public form has a cap on the waiting list.
        Outcome::WaitingListFull => "inscription-attente",
    };
    Ok(Redirect::to(&format!("/structures/{sid}/seances/{id}?info={info}")).into_response())
}

/// The person offered a freed seat said yes at the desk or on the phone.
async fn confirm_offer(
    State(state): State<AppState>,
    StructureAccess { access, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, id, rid)): Path<(String, String, String)>,
) -> AppResult<Response> {
    // Another structure's session or registration does not exist here.
    let registrations = registration::of_session(&state.db, &access.structure.id, &id).await?;
    if !registrations.iter().any(|r| r.id == rid) {
        return Err(AppError::NotFound);
    }
    let condition = "id = $1 AND structure_id = $2 AND session_id = $3";
    let info = if super::waiting::confirm_offer(&state.db, condition, &[&rid, &sid, &id]).await? {
        "place-confirmee"
    } else {
        "place-plus-proposee"
    };
    Ok(Redirect::to(&format!("/structures/{sid}/seances/{id}?info={info}")).into_response())
}

async fn cancel(
    State(state): State<AppState>,
    StructureAccess { user: _, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, id, rid)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let done = registration::cancel(
        &state.db,
        &state.config.public_url,
        "id = $1 AND structure_id = $2 AND session_id = $3",
        &[&rid, &sid, &id],
    )
    .await?;
    let info = match done {
        Ok(_) => "inscription-annulee",
        Err(registration::NotCancelled::AlreadyCancelled) => "deja-annulee",
        Err(registration::NotCancelled::Unknown) => return Err(AppError::NotFound),
    };
    Ok(Redirect::to(&format!("/structures/{sid}/seances/{id}?info={info}")).into_response())
}
