//! After sending: per recipient, the channel and the state (planned, sent, failed,
//! bounced), totals per channel, the letters to print and the people to call.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::channels;
use super::deliveries;
pub use super::deliveries::{deliveries, of_person, state_label, Delivery, DeliveryState};
use super::model::Message;
use crate::accounts::model::CurrentUser;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::mail::routes::local_time_in as local_time;
use crate::structures::StructureAccess;
use crate::structures::{Access, Structure};
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FormData;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/structures/{sid}/messages/{mid}/lettres", get(letters))
        .route(
            "/structures/{sid}/messages/{mid}/lettres/imprimees",
            post(letters_printed),
        )
        .route("/structures/{sid}/messages/{mid}/appels", get(calls))
        .route(
            "/structures/{sid}/messages/{mid}/appels/{pid}",
            post(call_done),
        )
}

/// Totals of one channel: (label, planned, done, failed) — "done" is sent, printed,
/// called or kept in the outbox; "failed" includes bounces and people not reached.
pub struct Totals {
    pub channel: &'static str,
    pub label: &'static str,
    pub planned: usize,
    pub done: usize,
    pub failed: usize,
}

pub fn totals(all: &[Delivery]) -> Vec<Totals> {
    channels::ORDER
        .iter()
        .chain(["none"].iter())
        .map(|c| {
            let of: Vec<&Delivery> = all.iter().filter(|d| d.channel == *c).collect();
            Totals {
                channel: c,
                label: channels::label(c),
                planned: of
                    .iter()
                    .filter(|d| d.state == DeliveryState::Planned)
                    .count(),
                done: of.iter().filter(|d| d.state.is_done()).count(),
                failed: of.iter().filter(|d| d.state.is_problem()).count(),
            }
        })
        .filter(|t| t.planned + t.done + t.failed > 0)
        .collect()
}

#[derive(Template)]
#[template(path = "messages/tracking.html")]
struct TrackingPage {
    page: Page,
    sid: String,
    message: Message,
    sent_on: String,
    totals: Vec<Totals>,
    /// Failed, bounced and unreachable first; then the first others.
    problems: Vec<Delivery>,
    others: Vec<Delivery>,
    others_left: usize,
    letters: usize,
    calls: usize,
    public_url: String,
}

pub async fn page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    message: Message,
    flash: Flash,
) -> AppResult<Response> {
    let sid = access.structure.id.clone();
    let all = deliveries(&state.db, &sid, &message.id, None).await?;
    let totals = totals(&all);
    let letters = all.iter().filter(|d| d.channel == "post").count();
    let calls = all.iter().filter(|d| d.channel == "phone").count();
    let (problems, others): (Vec<Delivery>, Vec<Delivery>) =
        all.into_iter().partition(|d| d.state.is_problem());
    let others_left = others.len().saturating_sub(200);
    let others = others.into_iter().take(200).collect();
    let sent_on = message
        .planned_at
        .map(|at| local_time(&access.structure.timezone, at))
        .unwrap_or_default();
    let page = Page::in_structure(
        state,
        format!("Message « {} »", message.subject),
        user,
        access,
    )
    .await
    .section("members")
    .flash(flash);
    Ok(render(&TrackingPage {
        page,
        sid: sid.to_string(),
        message,
        sent_on,
        totals,
        problems,
        others,
        others_left,
        letters,
        calls,
        public_url: state.config.public_url.trim_end_matches('/').to_string(),
    })?
    .into_response())
}

async fn sent_message(state: &AppState, sid: &StructureId, mid: &str) -> AppResult<Message> {
    Some(super::routes::found(state, sid, mid).await?)
        .filter(Message::is_sent)
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "messages/letters.html")]
struct LettersPage {
    structure: Structure,
    message: Message,
    date: String,
    letters: Vec<Delivery>,
}

/// One page per letter, the address where a window envelope (DL, window on the right)
/// shows it: print it, or save it as PDF from the browser's print dialog. Before the
/// message is sent, the same page previews them.
async fn letters(
    State(state): State<AppState>,
    StructureAccess {
        access, user: _, ..
    }: StructureAccess<crate::members::MemberFile>,
    Path((_, mid)): Path<(String, String)>,
) -> AppResult<Response> {
    let message = super::routes::found(&state, &access.structure.id, &mid).await?;
    let letters = if message.is_sent() {
        deliveries(&state.db, &access.structure.id, &mid, Some("post")).await?
    } else {
        // Before sending: the letters as they would be printed (a preview).
        let (filter, _) = super::plan::filter_of(&state.db, &access.structure.id, &message).await?;
        super::plan::recipients(&state.db, &access.structure, &message, &filter)
            .await?
            .into_iter()
            .filter(|r| r.channel == "post")
            .map(|r| Delivery {
                name: r.person.display_name(),
                person_id: r.person.id,
                channel: r.channel.to_string(),
                address: r.address,
                state: DeliveryState::Planned,
                error: String::new(),
            })
            .collect()
    };
    let date = crate::activities::routes::date_fr(&crate::places::routes::today(
        &access.structure.timezone,
    ));
    Ok(render(&LettersPage {
        structure: access.structure,
        message,
        date,
        letters,
    })?
    .into_response())
}

async fn letters_printed(
    State(state): State<AppState>,
    StructureAccess { access, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, mid)): Path<(String, String)>,
) -> AppResult<Response> {
    sent_message(&state, &access.structure.id, &mid).await?;
    let mut tx = state.db.begin_write().await?;
    deliveries::letters_printed(&mut tx, &access.structure.id, &mid).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/messages/{mid}?info=suivi-enregistre"
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "messages/calls.html")]
struct CallsPage {
    page: Page,
    sid: String,
    message: Message,
    calls: Vec<Delivery>,
}

/// The people to call, for a volunteer: name, number, the message in short, and what
/// came of each call.
async fn calls(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, mid)): Path<(String, String)>,
    flash: Flash,
) -> AppResult<Response> {
    let message = sent_message(&state, &access.structure.id, &mid).await?;
    let calls = deliveries(&state.db, &access.structure.id, &mid, Some("phone")).await?;
    let page = Page::in_structure(
        &state,
        format!("Appels — {}", message.subject),
        &user,
        &access,
    )
    .await
    .section("members")
    .flash(flash);
    Ok(render(&CallsPage {
        page,
        sid,
        message,
        calls,
    })?
    .into_response())
}

async fn call_done(
    State(state): State<AppState>,
    StructureAccess { access, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, mid, pid)): Path<(String, String, String)>,
    form: FormData,
) -> AppResult<Response> {
    sent_message(&state, &access.structure.id, &mid).await?;
    let outcome = match form.get("resultat").as_str() {
        "appele" => DeliveryState::Sent,
        "injoignable" => DeliveryState::Failed,
        _ => DeliveryState::Planned,
    };
    let mut tx = state.db.begin_write().await?;
    deliveries::record_call(&mut tx, &access.structure.id, &mid, &pid, outcome).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/messages/{mid}/appels?info=suivi-enregistre"
    ))
    .into_response())
}
