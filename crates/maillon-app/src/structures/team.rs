//! A structure's team: members, roles and invitations by e-mail.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::{access, store, Access};
use crate::accounts::model::{CurrentUser, Role};
use crate::accounts::routes::INVITATION_VALID_DAYS;
use crate::accounts::{store as accounts, tokens};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::page::{Flash, Page};
use crate::web::{render, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/structures/{sid}/equipe", get(team))
        .route("/structures/{sid}/equipe/inviter", post(invite))
        .route("/structures/{sid}/equipe/{uid}/role", post(change_role))
        .route("/structures/{sid}/equipe/{uid}/retirer", post(remove))
        .route("/structures/{sid}/invitations/{hash}/annuler", post(cancel))
}

#[derive(Template)]
#[template(path = "structures/team.html")]
struct TeamPage {
    page: Page,
    sid: String,
    can_manage: bool,
    members: Vec<store::Member>,
    invitations: Vec<store::PendingInvitation>,
    roles: [Role; 4],
    email: String,
    role: String,
    errors: FieldErrors,
    me: String,
}

impl TeamPage {
    fn role_label(&self, code: &str) -> &'static str {
        Role::parse(code).map(Role::label).unwrap_or("")
    }
}

async fn team_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    flash: Flash,
    form: Option<&FormData>,
    errors: FieldErrors,
) -> AppResult<Response> {
    let sid = access.structure.id.clone();
    let page = Page::in_structure(
        state,
        format!("Équipe — {}", access.structure.name),
        user,
        access,
    )
    .await
    .section("team")
    .flash(flash);
    let members = store::members(&state.db, &sid).await?;
    let invitations = if access.can_manage() {
        store::pending_invitations(&state.db, &sid).await?
    } else {
        Vec::new()
    };
    Ok(render(&TeamPage {
        page,
        sid,
        can_manage: access.can_manage(),
        members,
        invitations,
        roles: Role::ALL,
        email: form.map(|f| f.get("email")).unwrap_or_default(),
        role: form
            .map(|f| f.get("role"))
            .unwrap_or_else(|| "mediator".into()),
        errors,
        me: user.id.clone(),
    })?
    .into_response())
}

async fn team(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
    flash: Flash,
) -> AppResult<Response> {
    let access = access(&state, &user, &sid).await?;
    team_page(&state, &user, &access, flash, None, FieldErrors::default()).await
}

async fn invite(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let access = access(&state, &user, &sid).await?;
    access.require_manage()?;
    let mut errors = FieldErrors::default();
    let email = match crate::validate::email(&form.get("email")) {
        Ok(e) => e,
        Err(e) => {
            errors.add("email", e);
            String::new()
        }
    };
    let role = Role::parse(&form.get("role"));
    if role.is_none() {
        errors.add("role", "Choisissez un rôle dans la liste.");
    }
    if errors.is_empty()
        && store::members(&state.db, &sid)
            .await?
            .iter()
            .any(|m| m.email == email)
    {
        errors.add("email", "Cette personne fait déjà partie de l'équipe.");
    }
    let (Some(role), true) = (role, errors.is_empty()) else {
        return team_page(
            &state,
            &user,
            &access,
            Flash::default(),
            Some(&form),
            errors,
        )
        .await;
    };
    let token = tokens::new_token();
    let link = format!("{}/invitation/{token}", state.config.public_url);
    let body = format!(
        "Bonjour,\n\n{} vous invite à rejoindre l'équipe de « {} » sur Maillon, comme {}.\n\nPour accepter, ouvrez ce lien (valable {INVITATION_VALID_DAYS} jours, une seule fois) :\n\n{link}\n\nSi vous ne connaissez pas cette structure, ignorez ce message.\n",
        user.name,
        access.structure.name,
        role.label().to_lowercase()
    );
    let mut tx = state.db.begin_write().await?;
    accounts::insert_token(
        &mut tx,
        &tokens::hash(&token),
        "invitation",
        &email,
        None,
        Some(&sid),
        Some(role),
        Some(&user.id),
        INVITATION_VALID_DAYS * 86_400,
    )
    .await?;
    crate::mail::queue(
        &mut tx,
        &email,
        &format!(
            "Invitation à rejoindre {} sur Maillon",
            access.structure.name
        ),
        &body,
    )
    .await?;
    tx.commit().await?;
    state.jobs.wake();
    Ok(Redirect::to(&format!("/structures/{sid}/equipe?info=invitation-envoyee")).into_response())
}

async fn change_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((sid, uid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let access = access(&state, &user, &sid).await?;
    access.require_manage()?;
    let role = Role::parse(&form.get("role"))
        .ok_or_else(|| AppError::BadRequest("Rôle inconnu.".into()))?;
    let mut tx = state.db.begin_write().await?;
    if role != Role::StructureAdmin
        && store::count_admins(&mut tx, &sid).await? <= 1
        && is_only_admin(&state, &sid, &uid).await?
    {
        return Err(AppError::BadRequest(
            "La structure doit garder au moins un ou une responsable.".into(),
        ));
    }
    if !store::set_role(&mut tx, &sid, &uid, role.code()).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/structures/{sid}/equipe?info=role-change")).into_response())
}

async fn is_only_admin(state: &AppState, sid: &str, uid: &str) -> Result<bool, AppError> {
    Ok(store::members(&state.db, sid)
        .await?
        .iter()
        .any(|m| m.user_id == uid && m.role == Role::StructureAdmin.code()))
}

async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((sid, uid)): Path<(String, String)>,
) -> AppResult<Response> {
    let access = access(&state, &user, &sid).await?;
    access.require_manage()?;
    let mut tx = state.db.begin_write().await?;
    if store::count_admins(&mut tx, &sid).await? <= 1 && is_only_admin(&state, &sid, &uid).await? {
        return Err(AppError::BadRequest(
            "La structure doit garder au moins un ou une responsable.".into(),
        ));
    }
    if !store::remove_member(&mut tx, &sid, &uid).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/structures/{sid}/equipe?info=membre-retire")).into_response())
}

async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((sid, hash)): Path<(String, String)>,
) -> AppResult<Response> {
    let access = access(&state, &user, &sid).await?;
    access.require_manage()?;
    let mut tx = state.db.begin_write().await?;
    if !store::cancel_invitation(&mut tx, &sid, &hash).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/structures/{sid}/equipe?info=invitation-annulee")).into_response())
}
