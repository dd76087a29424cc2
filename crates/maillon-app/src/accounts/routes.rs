//! Sign-in and sign-out, forgotten passwords, invitations and the account page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::model::{CurrentUser, Role};
use super::session::{self, MaybeUser};
use super::{password, store, tokens};
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::db::now;
use crate::limits::{self, ClientAddress};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{safe_next, FieldErrors, FormData, Query};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/connexion", get(login_form).post(login))
        .route("/deconnexion", post(logout))
        .route("/mot-de-passe-oublie", get(forgot_form).post(forgot))
        .route("/reinitialiser/{token}", get(reset_form).post(reset))
        .route(
            "/invitation/{token}",
            get(invitation_form).post(accept_invitation),
        )
        .route("/compte", get(account))
        .route("/compte/nom", post(change_name))
        .route("/compte/mot-de-passe", post(change_password))
        .route("/compte/deconnecter-partout", post(sign_out_elsewhere))
}

const RESET_VALID_SECONDS: i64 = 3600;
pub const INVITATION_VALID_DAYS: i64 = 7;

const BAD_CREDENTIALS: &str = "Adresse e-mail ou mot de passe incorrect.";

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    page: Page,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    suite: Option<String>,
}

async fn login_form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<NextQuery>,
    flash: Flash,
) -> AppResult<Response> {
    let next = safe_next(q.suite.as_deref().unwrap_or("/tableau-de-bord"));
    if user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let page = Page::new(&state, "Se connecter")
        .await
        .section("login")
        .flash(flash);
    Ok(render(&LoginPage {
        page,
        email: String::new(),
        next,
        error: None,
    })?
    .into_response())
}

async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    form: FormData,
) -> AppResult<Response> {
    let email = form.get("email").to_lowercase();
    let next = safe_next(&form.get("suite"));
    let show = |state: AppState, error: String, email: String, next: String| async move {
        let page = Page::new(&state, "Se connecter").await.section("login");
        Ok::<_, AppError>(
            render(&LoginPage {
                page,
                email,
                next,
                error: Some(error),
            })?
            .into_response(),
        )
    };
    if email.is_empty() || form.raw("password").is_empty() {
        return show(
            state,
            "Indiquez votre adresse e-mail et votre mot de passe.".into(),
            email,
            next,
        )
        .await;
    }
    // Counted before the password is checked, so that parallel guesses cannot pass the
    // limit (decision 0017); given back below when the password is right.
    let counted = limits::take(
        &state.db,
        &[
            (limits::SIGN_IN_ACCOUNT, &email),
            (limits::SIGN_IN_ADDRESS, &address),
        ],
    )
    .await?;
    let ticket = match counted {
        Ok(ticket) => ticket,
        Err(refused) => {
            tracing::warn!(limit = refused.scope, "sign-in refused: too many attempts");
            let message = format!(
                "Trop de tentatives de connexion. Réessayez dans {}, ou choisissez « Mot de passe oublié » : le lien reçu par e-mail permet d'entrer même quand le compte est bloqué.",
                limits::wait_text(refused.retry_after)
            );
            let page = show(state, message, email, next).await?;
            return Ok(limits::too_many(page, &refused));
        }
    };
    let user = store::find_by_email(&state.db, &email).await?;
    let ok = password::verify(
        form.raw("password"),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await;
    match (ok, user) {
        (true, Some(user)) => {
            let account = (&limits::SIGN_IN_ACCOUNT, email.as_str());
            ticket.give_back(&state.db, Some(account)).await?;
            tracing::info!(user = %user.id, "signed in");
            session::sign_in(&state, &user.id, &next).await
        }
        _ => show(state, BAD_CREDENTIALS.into(), email, next).await,
    }
}

async fn logout(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    session::sign_out(&state, &user, "/connexion?info=deconnecte").await
}

// ---- Forgotten password ----

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
struct ForgotPage {
    page: Page,
    email: String,
    error: Option<String>,
    sent: bool,
}

async fn forgot_form(State(state): State<AppState>) -> AppResult<Response> {
    let page = Page::new(&state, "Mot de passe oublié").await;
    Ok(render(&ForgotPage {
        page,
        email: String::new(),
        error: None,
        sent: false,
    })?
    .into_response())
}

async fn forgot(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    form: FormData,
) -> AppResult<Response> {
    let typed = form.get("email");
    let page = Page::new(&state, "Mot de passe oublié").await;
    let email = match crate::validate::email(&typed) {
        Ok(e) => e,
        Err(error) => {
            return Ok(render(&ForgotPage {
                page,
                email: typed,
                error: Some(error),
                sent: false,
            })?
            .into_response())
        }
    };
    // Counted whether the account exists or not, so the answer says nothing of it.
    let counted = limits::take(
        &state.db,
        &[
            (limits::RESET_EMAIL, &email),
            (limits::RESET_ADDRESS, &address),
        ],
    )
    .await?;
    if let Err(refused) = counted {
        let error = format!(
            "Trop de demandes de lien à la suite. Regardez dans votre boîte de réception (et les indésirables) : un lien a peut-être déjà été envoyé. Sinon, réessayez dans {}.",
            limits::wait_text(refused.retry_after)
        );
        let page = render(&ForgotPage {
            page,
            email,
            error: Some(error),
            sent: false,
        })?
        .into_response();
        return Ok(limits::too_many(page, &refused));
    }
    if let Some(user) = store::find_by_email(&state.db, &email).await? {
        {
            let token = tokens::new_token();
            let link = format!("{}/reinitialiser/{token}", state.config.public_url);
            let body = format!(
                "{}\n\nPour choisir un nouveau mot de passe Maillon, ouvrez ce lien (valable une heure, une seule fois) :\n\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n",
                crate::validate::greeting(&user.name)
            );
            let mut tx = state.db.begin_write().await?;
            store::insert_token(
                &mut tx,
                &tokens::hash(&token),
                "reset",
                &email,
                Some(&user.id),
                None,
                None,
                None,
                RESET_VALID_SECONDS,
            )
            .await?;
            crate::mail::queue(
                &mut tx,
                &email,
                "Maillon : choisir un nouveau mot de passe",
                &body,
            )
            .await?;
            tx.commit().await?;
            state.jobs.wake();
        }
    }
    Ok(render(&ForgotPage {
        page,
        email,
        error: None,
        sent: true,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    page: Page,
    token: String,
    valid: bool,
    errors: FieldErrors,
}

/// Why a link can no longer be used, in French; None when it can.
fn link_problem(token: Option<&store::AccountToken>) -> Option<&'static str> {
    match token {
        None => Some("Ce lien n'est pas valable. Vérifiez qu'il a été copié en entier."),
        Some(t) if t.used_at.is_some() => {
            Some("Ce lien a déjà été utilisé : il ne sert qu'une fois.")
        }
        Some(t) if t.expires_at < now() => Some("Ce lien a expiré."),
        Some(_) => None,
    }
}

async fn reset_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let found = store::find_token(&state.db, &tokens::hash(&token), "reset").await?;
    let mut errors = FieldErrors::default();
    if let Some(problem) = link_problem(found.as_ref()) {
        errors.add("link", problem);
    }
    let page = Page::new(&state, "Nouveau mot de passe").await;
    Ok(render(&ResetPage {
        page,
        token,
        valid: errors.is_empty(),
        errors,
    })?
    .into_response())
}

async fn reset(
    State(state): State<AppState>,
    _: limits::PublicForm,
    Path(token): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    // Hashing a new password is work: bounded per address like every public form.
    let hash = tokens::hash(&token);
    let found = store::find_token(&state.db, &hash, "reset").await?;
    let mut errors = FieldErrors::default();
    if let Some(problem) = link_problem(found.as_ref()) {
        errors.add("link", problem);
    } else if let Some(message) =
        password::check_new(&form.raw("password"), &form.raw("confirmation"))
    {
        errors.add("password", message);
    }
    let (Some(found), true) = (found, errors.is_empty()) else {
        let page = Page::new(&state, "Nouveau mot de passe").await;
        let valid = errors.get("link").is_none();
        return Ok(render(&ResetPage {
            page,
            token,
            valid,
            errors,
        })?
        .into_response());
    };
    let new_hash = password::hash(form.raw("password"))
        .await
        .map_err(AppError::internal)?;
    let mut tx = state.db.begin_write().await?;
    if !store::use_token(&mut tx, &hash).await? {
        drop(tx);
        let mut errors = FieldErrors::default();
        errors.add(
            "link",
            "Ce lien a déjà été utilisé : il ne sert qu'une fois.",
        );
        let page = Page::new(&state, "Nouveau mot de passe").await;
        return Ok(render(&ResetPage {
            page,
            token,
            valid: false,
            errors,
        })?
        .into_response());
    }
    store::set_password(&mut tx, &found.user_id, &new_hash).await?;
    tx.commit().await?;
    // The owner proved who they are: a lock on the account after wrong guesses ends.
    limits::clear(&state.db, &limits::SIGN_IN_ACCOUNT, &found.email).await?;
    tracing::info!(user = %found.user_id, "password reset");
    session::sign_in(
        &state,
        &found.user_id,
        "/tableau-de-bord?info=mot-de-passe-change",
    )
    .await
}

// ---- Invitations ----

#[derive(Template)]
#[template(path = "accounts/invitation.html")]
struct InvitationPage {
    page: Page,
    token: String,
    problem: Option<&'static str>,
    structure_name: String,
    role_label: &'static str,
    email: String,
    has_account: bool,
    name: String,
    errors: FieldErrors,
}

async fn invitation_page(
    state: &AppState,
    token: String,
    form: Option<&FormData>,
    errors: FieldErrors,
) -> AppResult<Response> {
    let found = store::find_token(&state.db, &tokens::hash(&token), "invitation").await?;
    let problem = link_problem(found.as_ref());
    let (mut structure_name, mut role_label, mut email, mut has_account) =
        (String::new(), "", String::new(), false);
    if let Some(t) = &found {
        structure_name = crate::structures::store::get(&state.db, &t.structure_id)
            .await?
            .map(|s| s.name)
            .unwrap_or_default();
        role_label = Role::parse(&t.role).map(Role::label).unwrap_or("");
        email = t.email.clone();
        has_account = store::find_by_email(&state.db, &t.email).await?.is_some();
    }
    let page = Page::new(state, "Rejoindre une équipe").await;
    let name = form.map(|f| f.get("name")).unwrap_or_default();
    Ok(render(&InvitationPage {
        page,
        token,
        problem,
        structure_name,
        role_label,
        email,
        has_account,
        name,
        errors,
    })?
    .into_response())
}

async fn invitation_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    invitation_page(&state, token, None, FieldErrors::default()).await
}

async fn accept_invitation(
    State(state): State<AppState>,
    _: limits::PublicForm,
    Path(token): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    // A password is checked or hashed here: bounded per address like every public form.
    let hash = tokens::hash(&token);
    let found = store::find_token(&state.db, &hash, "invitation").await?;
    // An unusable link shows the invitation page, which says why.
    let Some(invite) = found.filter(|t| link_problem(Some(t)).is_none()) else {
        return invitation_page(&state, token, Some(&form), FieldErrors::default()).await;
    };
    let role = Role::parse(&invite.role).unwrap_or(Role::Volunteer);
    let existing = store::find_by_email(&state.db, &invite.email).await?;
    let mut errors = FieldErrors::default();
    let new_account = match &existing {
        Some(user) => {
            // Joining with an existing account: its password proves it is the same person.
            if !password::verify(form.raw("password"), Some(user.password_hash.clone())).await {
                errors.add("password", "Mot de passe incorrect pour ce compte.");
            }
            None
        }
        None => {
            let name = form.get("name");
            if name.is_empty() {
                errors.add("name", "Indiquez votre prénom et votre nom.");
            }
            if let Some(message) =
                password::check_new(&form.raw("password"), &form.raw("confirmation"))
            {
                errors.add("password", message);
            }
            Some(name)
        }
    };
    if !errors.is_empty() {
        return invitation_page(&state, token, Some(&form), errors).await;
    }
    let new_hash = match &new_account {
        Some(_) => Some(
            password::hash(form.raw("password"))
                .await
                .map_err(AppError::internal)?,
        ),
        None => None,
    };
    let mut tx = state.db.begin_write().await?;
    if !store::use_token(&mut tx, &hash).await? {
        drop(tx);
        return invitation_page(&state, token, Some(&form), FieldErrors::default()).await;
    }
    let user_id = match (existing, new_account, new_hash) {
        (Some(user), _, _) => user.id,
        (None, Some(name), Some(h)) => {
            store::insert_user(&mut tx, &invite.email, &name, &h, false).await?
        }
        _ => return Err(AppError::internal("invitation without account data")),
    };
    store::add_membership(&mut tx, &user_id, &invite.structure_id, role).await?;
    tx.commit().await?;
    tracing::info!(user = %user_id, structure = %invite.structure_id, "invitation accepted");
    session::sign_in(
        &state,
        &user_id,
        &format!("/structures/{}?info=bienvenue", invite.structure_id),
    )
    .await
}

// ---- Account page ----

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    page: Page,
    name: String,
    email: String,
    roles: Vec<(String, &'static str)>,
    errors: FieldErrors,
}

async fn account_page(
    state: &AppState,
    user: &CurrentUser,
    flash: Flash,
    errors: FieldErrors,
    name: Option<String>,
) -> AppResult<Response> {
    let page = Page::new(state, "Mon compte")
        .await
        .user(user)
        .section("account")
        .flash(flash);
    let roles = user
        .memberships
        .iter()
        .map(|m| (m.structure_name.clone(), m.role.label()))
        .collect();
    Ok(render(&AccountPage {
        page,
        name: name.unwrap_or_else(|| user.name.clone()),
        email: user.email.clone(),
        roles,
        errors,
    })?
    .into_response())
}

async fn account(
    State(state): State<AppState>,
    user: CurrentUser,
    flash: Flash,
) -> AppResult<Response> {
    account_page(&state, &user, flash, FieldErrors::default(), None).await
}

async fn change_name(
    State(state): State<AppState>,
    user: CurrentUser,
    form: FormData,
) -> AppResult<Response> {
    let name = form.get("name");
    if name.is_empty() || name.chars().count() > 120 {
        let mut errors = FieldErrors::default();
        errors.add(
            "name",
            "Indiquez votre prénom et votre nom (120 caractères au plus).",
        );
        return account_page(&state, &user, Flash::default(), errors, Some(name)).await;
    }
    let mut tx = state.db.begin_write().await?;
    store::set_name(&mut tx, &user.id, &name).await?;
    tx.commit().await?;
    Ok(Redirect::to("/compte?info=enregistre").into_response())
}

async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    form: FormData,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let current = store::password_hash(&state.db, &user.id).await?;
    if !password::verify(form.raw("current"), current).await {
        errors.add("current", "Le mot de passe actuel n'est pas le bon.");
    } else if let Some(message) =
        password::check_new(&form.raw("password"), &form.raw("confirmation"))
    {
        errors.add("password", message);
    }
    if !errors.is_empty() {
        return account_page(&state, &user, Flash::default(), errors, None).await;
    }
    let hash = password::hash(form.raw("password"))
        .await
        .map_err(AppError::internal)?;
    let mut tx = state.db.begin_write().await?;
    // Ends every session, this one included; a fresh one is opened just below.
    store::set_password(&mut tx, &user.id, &hash).await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, "password changed");
    session::sign_in(&state, &user.id, "/compte?info=mot-de-passe-change").await
}

async fn sign_out_elsewhere(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    store::delete_all_sessions(&state.db, &user.id).await?;
    session::sign_in(&state, &user.id, "/compte?info=sessions-fermees").await
}
