//! The outbox: every e-mail the instance wrote, readable by network admins. Without an
//! SMTP server this is where messages wait, so that an admin can pass them on by hand.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::Email;
use crate::accounts::model::CurrentUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Page;
use crate::web::{render, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reseau/boite-d-envoi", get(outbox))
        .route("/reseau/boite-d-envoi/{id}", get(message))
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

#[derive(Template)]
#[template(path = "mail/outbox.html")]
struct OutboxPage {
    page: Page,
    emails: Vec<(Email, String)>,
    smtp: bool,
}

async fn outbox(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    if !user.is_network_admin {
        return Err(AppError::Forbidden);
    }
    let emails = super::latest(&state.db, 200).await?.into_iter().map(|e| {
        let at = local_time(&state, e.created_at);
        (e, at)
    });
    let page = Page::new(&state, "Boîte d'envoi")
        .await
        .user(&user)
        .section("outbox");
    Ok(render(&OutboxPage {
        page,
        emails: emails.collect(),
        smtp: state.config.smtp_url.is_some(),
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct MessagePage {
    page: Page,
    email: Email,
    at: String,
}

async fn message(
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
    let at = local_time(&state, email.created_at);
    let page = Page::new(&state, email.subject.clone())
        .await
        .user(&user)
        .section("outbox");
    Ok(render(&MessagePage { page, email, at })?.into_response())
}
