//! A structure's team: members, roles and invitations by e-mail.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::{store, Access};
use crate::accounts::model::{CurrentUser, Role};
use crate::accounts::routes::INVITATION_VALID_DAYS;
use crate::accounts::{store as accounts, tokens};
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::structures::StructureAccess;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/structures/{sid}/equipe", get(team))
        .route("/structures/{sid}/equipe/inviter", post(invite))
        .route("/structures/{sid}/equipe/{uid}/role", post(change_role))
        .route("/structures/{sid}/equipe/{uid}/retirer", post(remove))
        .route("/structures/{sid}/invitations/{hash}/annuler", post(cancel))
        .route("/structures/{sid}/demandes/{id}/approuver", post(approve))
        .route("/structures/{sid}/demandes/{id}/refuser", post(refuse))
}

#[derive(Template)]
#[template(path = "structures/team.html")]
struct TeamPage {
    page: Page,
    sid: String,
    can_manage: bool,
    members: Vec<store::Member>,
    invitations: Vec<store::PendingInvitation>,
    /// Invitations the network coordination asked for, waiting for a structure admin.
    requests: Vec<store::InvitationRequest>,
    /// The structure's own admin (approves requests), not the network coordination.
    is_admin: bool,
    roles: [Role; 4],
    email: String,
    role: String,
    errors: FieldErrors,
    me: String,
    /// Without an SMTP server, the link of the invitation just made, for the inviter to
    /// pass on (shown once; the outbox masks it).
    handed_link: String,
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
    handed_link: String,
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
    let (invitations, requests) = if access.can_manage() {
        (
            store::pending_invitations(&state.db, &sid).await?,
            store::invitation_requests(&state.db, &sid).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(render(&TeamPage {
        page,
        sid: sid.to_string(),
        can_manage: access.can_manage(),
        members,
        invitations,
        requests,
        is_admin: access.role == Some(Role::StructureAdmin),
        roles: Role::ALL,
        email: form.map(|f| f.get("email")).unwrap_or_default(),
        role: form
            .map(|f| f.get("role"))
            .unwrap_or_else(|| "mediator".into()),
        errors,
        me: user.id.clone(),
        handed_link,
    })?
    .into_response())
}

async fn team(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Member>,
    Path(_sid): Path<String>,
    flash: Flash,
) -> AppResult<Response> {
    team_page(
        &state,
        &user,
        &access,
        flash,
        None,
        FieldErrors::default(),
        String::new(),
    )
    .await
}

async fn invite(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Member>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
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
        && store::members(&state.db, &access.structure.id)
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
            String::new(),
        )
        .await;
    };
    let mut tx = state.db.begin_write().await?;
    // The network coordination never joins a team by itself (it would read the people's
    // files): into a structure that has a team, its invitation waits for an admin there.
    if access.role != Some(Role::StructureAdmin)
        && store::has_members(&mut tx, &access.structure.id).await?
    {
        store::insert_invitation_request(
            &mut tx,
            &access.structure.id,
            &email,
            role.code(),
            &user.id,
        )
        .await?;
        let body = format!(
            "Bonjour,\n\n{} (coordination du réseau) propose d'inviter {email} dans l'équipe de « {} », comme {}.\n\nRien n'est envoyé sans votre accord : approuvez ou refusez sur la page Équipe de la structure :\n\n{}/structures/{sid}/equipe\n",
            user.name,
            access.structure.name,
            role.label().to_lowercase(),
            state.config.public_url,
        );
        for admin in store::admin_emails(&mut tx, &access.structure.id).await? {
            crate::mail::queue(
                &mut tx,
                &admin,
                &format!("Invitation à approuver : {}", access.structure.name),
                &body,
            )
            .await?;
        }
        tx.commit().await?;
        state.jobs.wake();
        return Ok(Redirect::to(&format!(
            "/structures/{sid}/equipe?info=invitation-demandee"
        ))
        .into_response());
    }
    let link = send_invitation(&state, &mut tx, &user, &access, &email, role).await?;
    tx.commit().await?;
    state.jobs.wake();
    invitation_sent(&state, &user, &access, link).await
}

/// After an invitation: back to the team page; without an SMTP server, that page shows
/// the link once, for the inviter to pass on (the outbox masks it).
async fn invitation_sent(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    link: String,
) -> AppResult<Response> {
    if state.config.smtp_url.is_some() {
        let sid = &access.structure.id;
        return Ok(
            Redirect::to(&format!("/structures/{sid}/equipe?info=invitation-envoyee"))
                .into_response(),
        );
    }
    let flash = Flash::of("invitation-envoyee");
    team_page(
        state,
        user,
        access,
        flash,
        None,
        FieldErrors::default(),
        link,
    )
    .await
}

/// Writes the link and the e-mail of an invitation, in the caller's transaction; the link.
async fn send_invitation(
    state: &AppState,
    tx: &mut crate::db::Tx,
    user: &CurrentUser,
    access: &Access,
    email: &str,
    role: Role,
) -> AppResult<String> {
    let token = tokens::new_token();
    let link = format!("{}/invitation/{token}", state.config.public_url);
    let body = format!(
        "Bonjour,\n\n{} vous invite à rejoindre l'équipe de « {} » sur Maillon, comme {}.\n\nPour accepter, ouvrez ce lien (valable {INVITATION_VALID_DAYS} jours, une seule fois) :\n\n{link}\n\nSi vous ne connaissez pas cette structure, ignorez ce message.\n",
        user.name,
        access.structure.name,
        role.label().to_lowercase()
    );
    accounts::insert_token(
        tx,
        &tokens::hash(&token),
        "invitation",
        email,
        None,
        Some(&access.structure.id),
        Some(role),
        Some(&user.id),
        INVITATION_VALID_DAYS * 86_400,
    )
    .await?;
    crate::mail::queue(
        tx,
        email,
        &format!(
            "Invitation à rejoindre {} sur Maillon",
            access.structure.name
        ),
        &body,
    )
    .await?;
    Ok(link)
}

/// A structure admin sends an invitation the network coordination asked for.
async fn approve(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Admin>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut tx = state.db.begin_write().await?;
    let (email, role) = store::take_invitation_request(&mut tx, &access.structure.id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = Role::parse(&role).ok_or_else(|| AppError::internal("unknown role in request"))?;
    let link = send_invitation(&state, &mut tx, &user, &access, &email, role).await?;
    tx.commit().await?;
    state.jobs.wake();
    invitation_sent(&state, &user, &access, link).await
}

/// A structure admin turns down an invitation the network coordination asked for.
async fn refuse(
    State(state): State<AppState>,
    StructureAccess { access, .. }: StructureAccess<crate::structures::extract::Admin>,
    Path((sid, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut tx = state.db.begin_write().await?;
    store::take_invitation_request(&mut tx, &access.structure.id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/structures/{sid}/equipe?info=demande-refusee")).into_response())
}

async fn change_role(
    State(state): State<AppState>,
    StructureAccess {
        access, user: _, ..
    }: StructureAccess<crate::structures::extract::Member>,
    Path((sid, uid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    access.require_manage()?;
    // Someone outside the team is not found here, whatever the form says.
    let members = store::members(&state.db, &access.structure.id).await?;
    if !members.iter().any(|m| m.user_id == uid) {
        return Err(AppError::NotFound);
    }
    let role = Role::parse(&form.get("role"))
        .ok_or_else(|| AppError::BadRequest("Rôle inconnu.".into()))?;
    let mut tx = state.db.begin_write().await?;
    if role != Role::StructureAdmin
        && store::count_admins(&mut tx, &access.structure.id).await? <= 1
        && is_only_admin(&state, &access.structure.id, &uid).await?
    {
        return Err(AppError::BadRequest(
            "La structure doit garder au moins un ou une responsable.".into(),
        ));
    }
    if !store::set_role(&mut tx, &access.structure.id, &uid, role.code()).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/structures/{sid}/equipe?info=role-change")).into_response())
}

async fn is_only_admin(state: &AppState, sid: &StructureId, uid: &str) -> Result<bool, AppError> {
    Ok(store::members(&state.db, sid)
        .await?
        .iter()
        .any(|m| m.user_id == uid && m.role == Role::StructureAdmin))
}

async fn remove(
    State(state): State<AppState>,
    StructureAccess {
        access, user: _, ..
    }: StructureAccess<crate::structures::extract::Member>,
    Path((sid, uid)): Path<(String, String)>,
) -> AppResult<Response> {
    access.require_manage()?;
    let mut tx = state.db.begin_write().await?;
    if store::count_admins(&mut tx, &access.structure.id).await? <= 1
        && is_only_admin(&state, &access.structure.id, &uid).await?
    {
        return Err(AppError::BadRequest(
            "La structure doit garder au moins un ou une responsable.".into(),
        ));
    }
    if !store::remove_member(&mut tx, &access.structure.id, &uid).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/structures/{sid}/equipe?info=membre-retire")).into_response())
}

async fn cancel(
    State(state): State<AppState>,
    StructureAccess {
        access, user: _, ..
    }: StructureAccess<crate::structures::extract::Member>,
    Path((sid, hash)): Path<(String, String)>,
) -> AppResult<Response> {
    access.require_manage()?;
    let mut tx = state.db.begin_write().await?;
    if !store::cancel_invitation(&mut tx, &access.structure.id, &hash).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/structures/{sid}/equipe?info=invitation-annulee")).into_response())
}
