//! The unsubscribe link of every e-mail: one click (or one POST from the mail app, RFC
//! 8058) records a refusal for e-mail and the message's purpose in the consent ledger.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::accounts::tokens;
use crate::activities::audit::{self, Actor};
use crate::activities::vocab;
use crate::app::page::Page;
use crate::app::AppState;
use crate::members::consent;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new().route("/desabonnement/{secret}", get(show).post(confirm))
}

#[derive(Template)]
#[template(path = "messages/unsubscribe.html")]
struct UnsubscribePage {
    page: Page,
    structure_name: String,
    purpose_label: &'static str,
    done: bool,
    /// The link of a test e-mail: explained, changes nothing.
    trial: bool,
}

/// (structure id, structure name, person id, purpose) of a link.
async fn link(state: &AppState, secret: &str) -> AppResult<(StructureId, String, String, String)> {
    if secret.len() != 64 {
        return Err(AppError::NotFound);
    }
    super::deliveries::by_unsubscribe_link(&state.db, &tokens::hash(secret))
        .await?
        .ok_or(AppError::NotFound)
}

async fn page(
    state: &AppState,
    name: String,
    purpose: &str,
    done: bool,
    trial: bool,
) -> AppResult<Response> {
    let page = Page::new(state, "Ne plus recevoir ces e-mails").await;
    Ok(render(&UnsubscribePage {
        page,
        structure_name: name,
        purpose_label: vocab::label(super::PURPOSES, purpose),
        done,
        trial,
    })?
    .into_response())
}

async fn show(State(state): State<AppState>, Path(secret): Path<String>) -> AppResult<Response> {
    if secret == "essai" {
        return page(&state, String::new(), "news", false, true).await;
    }
    let (_, name, _, purpose) = link(&state, &secret).await?;
    page(&state, name, &purpose, false, false).await
}

async fn confirm(State(state): State<AppState>, Path(secret): Path<String>) -> AppResult<Response> {
    let (sid, name, pid, purpose) = link(&state, &secret).await?;
    let mut tx = state.db.begin_write().await?;
    consent::record(
        &mut tx,
        &sid,
        &pid,
        "email",
        &purpose,
        consent::ConsentState::Refused,
        "link",
        "La personne (lien de désinscription)",
    )
    .await?;
    let actor = Actor {
        user_id: None,
        name: "La personne elle-même",
    };
    audit::write(&mut tx, &sid, &actor, "desabonnement", Some(&pid)).await?;
    tx.commit().await?;
    page(&state, name, &purpose, true, false).await
}
