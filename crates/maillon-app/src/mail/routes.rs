//! The outbox: every e-mail the instance wrote. Without an SMTP server this is where
//! messages wait. The network coordination reads the instance's (account mails whole,
//! members' mails without their address or text); a structure's admins read their
//! structure's whole. Nobody but its recipient sees a personal link: it acts in their name.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::Email;
use crate::accounts::model::{CurrentUser, Role};
use crate::accounts::tokens::mask_links;
use crate::app::page::Page;
use crate::app::AppState;
use crate::structures::StructureAccess;
use crate::web::error::{AppError, AppResult};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reseau/boite-d-envoi", get(network_outbox))
        .route("/reseau/boite-d-envoi/{id}", get(network_message))
        .route("/structures/{sid}/boite-d-envoi", get(structure_outbox))
        .route(
            "/structures/{sid}/boite-d-envoi/{id}",
            get(structure_message),
        )
}

/// Shows an instant in the instance's time zone, the French way.
pub fn local_time(state: &AppState, seconds: i64) -> String {
    local_time_in(&state.config.timezone, seconds)
}

/// The same in a given time zone (a structure's).
pub fn local_time_in(zone: &str, seconds: i64) -> String {
    let zone = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_zoned(zone).strftime("%d/%m/%Y à %H:%M").to_string())
        .unwrap_or_default()
}

/// An e-mail as `user` may see it.
struct Shown {
    id: String,
    at: String,
    /// The address, or why it is hidden.
    to: String,
    subject: String,
    status: &'static str,
    last_error: String,
    /// The text with personal links masked; None when the text is not theirs to read.
    body: Option<String>,
}

impl Shown {
    fn of(state: &AppState, user: &CurrentUser, e: Email) -> Shown {
        // A member's mail is personal data of their structure: its admins only.
        let personal = e.structure_id.is_empty()
            || user.role_in(&e.structure_id) == Some(Role::StructureAdmin);
        let own = user.email == e.to_addr;
        Shown {
            at: local_time(state, e.created_at),
            to: if personal {
                e.to_addr.clone()
            } else {
                "adresse masquée (une personne d'une structure)".into()
            },
            status: e.status_label(),
            body: personal.then(|| {
                if own {
                    e.body_text.clone()
                } else {
                    mask_links(&e.body_text)
                }
            }),
            id: e.id,
            subject: e.subject,
            last_error: e.last_error,
        }
    }
}

#[derive(Template)]
#[template(path = "mail/outbox.html")]
struct OutboxPage {
    page: Page,
    emails: Vec<Shown>,
    smtp: bool,
    /// Where each message opens: `/reseau/boite-d-envoi` or a structure's.
    base: String,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct MessagePage {
    page: Page,
    email: Shown,
    base: String,
}

async fn outbox_page(
    state: &AppState,
    user: &CurrentUser,
    page: Page,
    structure_id: Option<&str>,
    base: String,
) -> AppResult<Response> {
    let emails = super::latest(&state.db, structure_id, 200)
        .await?
        .into_iter()
        .map(|e| Shown::of(state, user, e))
        .collect();
    Ok(render(&OutboxPage {
        page,
        emails,
        smtp: state.config.smtp_url.is_some(),
        base,
    })?
    .into_response())
}

async fn network_outbox(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    if !user.is_network_admin {
        return Err(AppError::Forbidden);
    }
    let page = Page::new(&state, "Boîte d'envoi")
        .await
        .user(&user)
        .section("outbox");
    outbox_page(&state, &user, page, None, "/reseau/boite-d-envoi".into()).await
}

async fn network_message(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    if !user.is_network_admin {
        return Err(AppError::Forbidden);
    }
    let email = super::get(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = Page::new(&state, email.subject.clone())
        .await
        .user(&user)
        .section("outbox");
    let email = Shown::of(&state, &user, email);
    let base = "/reseau/boite-d-envoi".into();
    Ok(render(&MessagePage { page, email, base })?.into_response())
}

async fn structure_outbox(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Admin>,
    Path(sid): Path<String>,
) -> AppResult<Response> {
    // Its admins only: the network coordination reads the instance's outbox, masked.
    let page = Page::in_structure(&state, "Boîte d'envoi", &user, &access)
        .await
        .section("structure");
    let base = format!("/structures/{sid}/boite-d-envoi");
    outbox_page(&state, &user, page, Some(&sid), base).await
}

async fn structure_message(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Admin>,
    Path((sid, id)): Path<(String, String)>,
) -> AppResult<Response> {
    // Its admins only: the network coordination reads the instance's outbox, masked.
    let email = super::get(&state.db, &id)
        .await?
        .filter(|e| e.structure_id == sid)
        .ok_or(AppError::NotFound)?;
    let page = Page::in_structure(&state, email.subject.clone(), &user, &access)
        .await
        .section("structure");
    let email = Shown::of(&state, &user, email);
    let base = format!("/structures/{sid}/boite-d-envoi");
    Ok(render(&MessagePage { page, email, base })?.into_response())
}
