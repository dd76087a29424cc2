//! The check-in list of a session: tick who came, add people who came without signing
//! up, and close it. Closing records the session as a collective activity of the activity
//! log, so the mediator never types it twice: registrants who are already beneficiaries
//! of the structure (same phone or e-mail) are linked; the others and the walk-ins are
//! counted as anonymous participants.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::model::Session;
use super::registration::{self, Registration};
use super::store;
use crate::accounts::model::CurrentUser;
use crate::activities::model::{Activity, Kind};
use crate::activities::vocab::CANAL_PLACE;
use crate::app::page::Page;
use crate::app::AppState;
use crate::structures::Access;
use crate::structures::StructureAccess;
use crate::tenancy::Scope;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/structures/{sid}/seances/{id}/emargement",
            get(sheet).post(close),
        )
        .route(
            "/structures/{sid}/seances/{id}/emargement/impression",
            get(printable),
        )
}

#[derive(Template)]
#[template(path = "workshops/attendance.html")]
struct SheetPage {
    page: Page,
    sid: String,
    session: Session,
    people: Vec<Registration>,
    errors: FieldErrors,
    walk_ins: String,
    closed: bool,
    activity_id: String,
    printable: bool,
}

async fn sheet_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    id: &str,
    errors: FieldErrors,
    walk_ins: String,
    printable: bool,
) -> AppResult<Response> {
    let sid = &access.structure.id;
    let session = store::session(&state.db, Scope::Structure(sid), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let people = registration::of_session(&state.db, sid, id)
        .await?
        .into_iter()
        .filter(|r| r.status == registration::Status::Confirmed)
        .collect();
    let (closed, activity_id) = store::attendance_state(&state.db, id).await?;
    let title = format!("Émargement — {}", session.title);
    let page = Page::in_structure(state, title, user, access)
        .await
        .section("workshops");
    Ok(render(&SheetPage {
        page,
        sid: sid.to_string(),
        session,
        people,
        errors,
        walk_ins,
        closed,
        activity_id,
        printable,
    })?
    .into_response())
}

async fn sheet(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    sheet_page(
        &state,
        &user,
        &access,
        &id,
        FieldErrors::default(),
        String::new(),
        false,
    )
    .await
}

/// A sheet to print and sign at the door.
async fn printable(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    sheet_page(
        &state,
        &user,
        &access,
        &id,
        FieldErrors::default(),
        String::new(),
        true,
    )
    .await
}

/// Minutes between "14:00" and "16:30".
fn minutes(start: &str, end: &str) -> i64 {
    let m = |t: &str| -> i64 {
        let (h, m) = t.split_once(':').unwrap_or(("0", "0"));
        h.parse::<i64>().unwrap_or(0) * 60 + m.parse::<i64>().unwrap_or(0)
    };
    (m(end) - m(start)).max(1)
}

async fn close(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, id)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let (session, workshop) =
        super::routes::staff_session(&state, &access.structure.id, &id).await?;
    let walk_ins_text = form.get("walk_ins");
    if session.date > crate::places::routes::today(&state.config.timezone) {
        let mut errors = FieldErrors::default();
        errors.add(
            "walk_ins",
            "L'émargement se clôt le jour de l'atelier ou après.",
        );
        return sheet_page(&state, &user, &access, &id, errors, walk_ins_text, false).await;
    }
    let walk_ins = match walk_ins_text.trim() {
        "" => 0,
        t => match t.parse::<i64>() {
            Ok(n) if (0..=500).contains(&n) => n,
            _ => {
                let mut errors = FieldErrors::default();
                errors.add(
                    "walk_ins",
                    "Indiquez un nombre de personnes, par exemple 2 (0 si personne).",
                );
                return sheet_page(&state, &user, &access, &id, errors, walk_ins_text, false).await;
            }
        },
    };
    let present = form.all("present");
    let confirmed: Vec<Registration> =
        registration::of_session(&state.db, &access.structure.id, &id)
            .await?
            .into_iter()
            .filter(|r| r.status == registration::Status::Confirmed && present.contains(&r.id))
            .collect();
    if confirmed.is_empty() && walk_ins == 0 {
        let mut errors = FieldErrors::default();
        errors.add("walk_ins", "Personne n'est coché présent : cochez les présents ou indiquez les personnes venues sans inscription.");
        return sheet_page(&state, &user, &access, &id, errors, walk_ins_text, false).await;
    }
    let mut tx = state.db.begin_write().await?;
    // Closed once: a second click (or a second mediator) finds it closed and records nothing.
    if !store::claim_attendance(&mut tx, &id).await? {
        return Ok(
            Redirect::to(&format!("/structures/{sid}/seances/{id}/emargement")).into_response(),
        );
    }
    let mut participants = Vec::new();
    let mut anonymous = walk_ins;
    for r in &confirmed {
        store::mark_present(&mut tx, &r.id).await?;
        let known = crate::activities::beneficiaries::by_phone_or_email(
            &mut tx,
            &access.structure.id,
            &r.phone,
            &r.email,
        )
        .await?;
        match known {
            Some(b) if !participants.contains(&b) => {
                participants.push(b);
                // A parent with a child: the other seats are people too.
                anonymous += r.seats - 1;
            }
            _ => anonymous += r.seats,
        }
    }
    let activity = Activity {
        kind: Kind::Collective,
        date: session.date.clone(),
        duration_min: minutes(&session.start_time, &session.end_time),
        canal: if session.place_id.is_empty() {
            "autre_lieu".into()
        } else {
            CANAL_PLACE.into()
        },
        place_id: session.place_id.clone(),
        commune: session.commune.clone(),
        themes: workshop.themes.clone(),
        level: workshop.level.clone(),
        title: workshop.title.clone(),
        participants,
        anon_count: anonymous,
        ..Activity::default()
    };
    let activity_id =
        crate::activities::store::insert(&mut tx, &access.structure.id, &user.id, &activity, None)
            .await?;
    let actor = crate::activities::audit::Actor::from(&user);
    for person in &activity.participants {
        crate::activities::audit::write(
            &mut tx,
            &access.structure.id,
            &actor,
            "activite",
            Some(person),
        )
        .await?;
    }
    store::set_session_activity(&mut tx, &id, &activity_id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/seances/{id}/emargement?info=emargement-clos"
    ))
    .into_response())
}
