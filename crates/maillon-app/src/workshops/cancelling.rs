//! The centre calls off a session, or deletes a whole workshop: every person registered or
//! waiting for what will not happen is told (e-mail, SMS), in the same transaction.
//! A cancelled session stays, so that personal links say what happened; a deleted
//! workshop goes with its sessions (activities already recorded from them stay).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::model::Session;
use super::notify::{About, Notice};
use super::routes::{staff_session, staff_workshop};
use super::store;
use crate::accounts::model::CurrentUser;
use crate::app::page::Page;
use crate::app::AppState;
use crate::db::{DbError, Tx};
use crate::places::routes::today;
use crate::structures::Access;
use crate::structures::StructureAccess;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/structures/{sid}/seances/{id}/annuler",
            get(cancel_session_form).post(cancel_session),
        )
        .route(
            "/structures/{sid}/ateliers/{wid}/supprimer",
            get(delete_workshop_form).post(delete_workshop),
        )
}

/// Calls off one session: its registrations are cancelled, its seats freed, and everyone
/// who was registered or waiting is told. Returns how many people were told; None when
/// the session was already cancelled.
pub async fn cancel_in(
    tx: &mut Tx,
    session_id: &str,
    reason: &str,
) -> Result<Option<usize>, DbError> {
    if !store::cancel_session(tx, session_id, reason).await? {
        return Ok(None);
    }
    let people = store::cancel_registrations(tx, session_id).await?;
    let about = About::load(tx, session_id).await?;
    let why = if reason.is_empty() {
        String::new()
    } else {
        format!(" ({reason})")
    };
    for p in &people {
        let notice = Notice {
            subject: format!("Atelier annulé : {} — {}", about.title, about.when_long()),
            email: format!(
                "{}\n\nNous sommes désolés : l'atelier « {} » du {} n'aura pas lieu{why}.\n\
                 Votre inscription est annulée, vous n'avez rien à faire.\n\n{}\n",
                crate::validate::greeting(&p.name),
                about.title,
                about.when_long(),
                about.structure_name,
            ),
            sms: format!(
                "{} : désolés, l'atelier « {} » du {} est annulé{why}.",
                about.structure_name,
                about.title,
                about.when_short(),
            ),
            purpose: crate::sms::SmsPurpose::Cancellation,
        };
        about.tell(tx, &p.email, &p.phone, &notice).await?;
    }
    Ok(Some(people.len()))
}

/// How many registrations (confirmed or waiting) a cancellation would tell.
async fn to_tell(state: &AppState, sid: &StructureId, sessions: &[&Session]) -> AppResult<usize> {
    let mut n = 0;
    for s in sessions {
        n += super::registration::of_session(&state.db, sid, &s.id)
            .await?
            .iter()
            .filter(|r| r.status != super::registration::Status::Cancelled)
            .count();
    }
    Ok(n)
}

#[derive(Template)]
#[template(path = "workshops/cancel.html")]
struct ConfirmPage {
    page: Page,
    heading: String,
    explanation: String,
    action: String,
    back: String,
    button: &'static str,
    reason: String,
    errors: FieldErrors,
}

fn reason_from(form: &FormData) -> Result<String, FieldErrors> {
    let reason = form.get("reason");
    let mut errors = FieldErrors::default();
    if reason.chars().count() > 200 {
        errors.add("reason", "Le motif fait 200 caractères au plus.");
    }
    if errors.is_empty() {
        Ok(reason)
    } else {
        Err(errors)
    }
}

/// A session that can still be called off: upcoming, not cancelled, attendance open.
async fn cancellable(
    state: &AppState,
    sid: &StructureId,
    id: &str,
    timezone: &str,
) -> AppResult<Session> {
    let (session, _) = staff_session(state, sid, id).await?;
    let (closed, _) = store::attendance_state(&state.db, id).await?;
    if session.cancelled || closed || session.date < today(timezone) {
        return Err(AppError::NotFound);
    }
    Ok(session)
}

async fn cancel_session_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    session: &Session,
    reason: String,
    errors: FieldErrors,
) -> AppResult<Response> {
    let sid = &access.structure.id;
    let page = Page::in_structure(state, "Annuler la séance", user, access)
        .await
        .section("workshops");
    let told = to_tell(state, sid, &[session]).await?;
    Ok(render(&ConfirmPage {
        page,
        heading: format!("Annuler la séance du {}", session.when()),
        explanation: format!(
            "« {} » : la séance disparaît du programme public et les inscriptions sont annulées. \
             Les personnes inscrites ou en attente ({told}) sont prévenues par e-mail ou SMS \
             quand elles ont laissé un contact ; appelez les autres.",
            session.title
        ),
        action: format!("/structures/{sid}/seances/{}/annuler", session.id),
        back: format!("/structures/{sid}/seances/{}", session.id),
        button: "Annuler la séance et prévenir",
        reason,
        errors,
    })?
    .into_response())
}

async fn cancel_session_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let session = cancellable(
        &state,
        &access.structure.id,
        &id,
        &access.structure.timezone,
    )
    .await?;
    cancel_session_page(
        &state,
        &user,
        &access,
        &session,
        String::new(),
        FieldErrors::default(),
    )
    .await
}

async fn cancel_session(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, id)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let session = cancellable(
        &state,
        &access.structure.id,
        &id,
        &access.structure.timezone,
    )
    .await?;
    let reason = match reason_from(&form) {
        Ok(r) => r,
        Err(errors) => {
            return cancel_session_page(
                &state,
                &user,
                &access,
                &session,
                form.get("reason"),
                errors,
            )
            .await
        }
    };
    let mut tx = state.db.begin_write().await?;
    cancel_in(&mut tx, &id, &reason).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/seances/{id}?info=seance-annulee"
    ))
    .into_response())
}

async fn delete_workshop_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    wid: &str,
    reason: String,
    errors: FieldErrors,
) -> AppResult<Response> {
    let sid = &access.structure.id;
    let workshop = staff_workshop(state, sid, wid).await?;
    let today = today(&access.structure.timezone);
    let sessions = store::sessions_of_workshop(&state.db, wid).await?;
    let upcoming: Vec<&Session> = sessions
        .iter()
        .filter(|s| !s.cancelled && s.date >= today)
        .collect();
    let page = Page::in_structure(state, "Supprimer l'atelier", user, access)
        .await
        .section("workshops");
    Ok(render(&ConfirmPage {
        page,
        heading: format!("Supprimer l'atelier « {} »", workshop.title),
        explanation: format!(
            "L'atelier et ses {} séance(s) sont supprimés ; les activités déjà enregistrées à partir \
             de l'émargement restent dans le journal. {} séance(s) à venir sont annulées et les \
             personnes inscrites ou en attente ({}) sont prévenues par e-mail ou SMS quand \
             elles ont laissé un contact.",
            sessions.len(),
            upcoming.len(),
            to_tell(state, sid, &upcoming).await?
        ),
        action: format!("/structures/{sid}/ateliers/{wid}/supprimer"),
        back: format!("/structures/{sid}/ateliers/{wid}"),
        button: "Supprimer l'atelier et prévenir",
        reason,
        errors,
    })?
    .into_response())
}

async fn delete_workshop_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_, wid)): Path<(String, String)>,
) -> AppResult<Response> {
    delete_workshop_page(
        &state,
        &user,
        &access,
        &wid,
        String::new(),
        FieldErrors::default(),
    )
    .await
}

async fn delete_workshop(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, wid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    staff_workshop(&state, &access.structure.id, &wid).await?;
    let reason = match reason_from(&form) {
        Ok(r) => r,
        Err(errors) => {
            return delete_workshop_page(&state, &user, &access, &wid, form.get("reason"), errors)
                .await
        }
    };
    let today = today(&access.structure.timezone);
    let mut tx = state.db.begin_write().await?;
    let upcoming =
        store::open_upcoming_sessions(&mut tx, &access.structure.id, &wid, &today).await?;
    for id in &upcoming {
        cancel_in(&mut tx, id, &reason).await?;
    }
    store::delete_workshop(&mut tx, &access.structure.id, &wid).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/structures/{sid}/ateliers?info=atelier-supprime")).into_response())
}
