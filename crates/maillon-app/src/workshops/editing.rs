//! Changing a workshop's description and one of its sessions. A session's capacity never
//! falls below the seats already taken; more seats go to the waiting list at once.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::cycles;
use super::model;
use super::routes::{form_page, sessions_of, staff_session, staff_workshop, FormKind};
use super::store;
use crate::app::AppState;
use crate::structures::StructureAccess;
use crate::web::error::AppResult;
use crate::web::forms::{FieldErrors, FormData};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/structures/{sid}/ateliers/{wid}/modifier",
            get(edit_workshop_form).post(edit_workshop),
        )
        .route(
            "/structures/{sid}/seances/{id}/modifier",
            get(edit_session_form).post(edit_session),
        )
}

async fn edit_workshop_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_, wid)): Path<(String, String)>,
) -> AppResult<Response> {
    let workshop = staff_workshop(&state, &access.structure.id, &wid).await?;
    let price = if workshop.price_kind == model::PriceKind::Paid {
        model::euros(workshop.price_cents)
    } else {
        String::new()
    };
    let form = FormData::from_pairs(vec![("price".into(), price)]);
    form_page(
        &state,
        &user,
        &access,
        FormKind::EditWorkshop,
        workshop,
        form,
        FieldErrors::default(),
    )
    .await
}

async fn edit_workshop(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, wid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let current = staff_workshop(&state, &access.structure.id, &wid).await?;
    let checked = match model::workshop_from_form(&form) {
        Ok(w) if w.cycle != current.cycle && cycles::has_registrations(&state.db, &wid).await? => {
            let mut errors = FieldErrors::default();
            errors.add(
                "cycle",
                "Des personnes sont déjà inscrites : on ne peut plus passer d'un cycle à des séances séparées, ni l'inverse.",
            );
            Err((w, errors))
        }
        other => other,
    };
    match checked {
        Err((mut w, errors)) => {
            w.id = wid;
            form_page(
                &state,
                &user,
                &access,
                FormKind::EditWorkshop,
                w,
                form,
                errors,
            )
            .await
        }
        Ok(w) => {
            let mut tx = state.db.begin_write().await?;
            store::update_workshop(&mut tx, &access.structure.id, &wid, &w).await?;
            tx.commit().await?;
            Ok(
                Redirect::to(&format!("/structures/{sid}/ateliers/{wid}?info=enregistre"))
                    .into_response(),
            )
        }
    }
}

async fn edit_session_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (session, workshop) = staff_session(&state, &access.structure.id, &id).await?;
    let form = FormData::from_pairs(vec![
        ("date".into(), session.date.clone()),
        ("start_time".into(), session.start_time.clone()),
        ("end_time".into(), session.end_time.clone()),
        ("place_id".into(), session.place_id.clone()),
        ("capacity".into(), session.capacity.to_string()),
        ("animator".into(), session.animator.clone()),
    ]);
    form_page(
        &state,
        &user,
        &access,
        FormKind::EditSession(id),
        workshop,
        form,
        FieldErrors::default(),
    )
    .await
}

/// Changes a session; more seats go to the waiting list at once, fewer than the seats
/// already taken are refused.
async fn edit_session(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, id)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let (session, workshop) = staff_session(&state, &access.structure.id, &id).await?;
    let mut errors = FieldErrors::default();
    match sessions_of(&state, &access, &form).await? {
        Err(e) => errors = e,
        Ok(changed) => {
            let mut tx = state.db.begin_write().await?;
            if store::update_session(&mut tx, &access.structure.id, &id, &changed[0]).await? {
                super::waiting::promote(&mut tx, &state.config.public_url, &id).await?;
                tx.commit().await?;
                return Ok(Redirect::to(&format!(
                    "/structures/{sid}/seances/{id}?info=enregistre"
                ))
                .into_response());
            }
            errors.add(
                "capacity",
                format!(
                    "{} places sont déjà prises : annulez d'abord des inscriptions pour en proposer moins.",
                    session.seats_taken
                ),
            );
        }
    }
    form_page(
        &state,
        &user,
        &access,
        FormKind::EditSession(id),
        workshop,
        form,
        errors,
    )
    .await
}
