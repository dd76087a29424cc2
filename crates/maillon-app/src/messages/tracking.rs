//! After sending: per recipient, the channel and the state (planned, sent, failed,
//! bounced), totals per channel, the letters to print and the people to call.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::channels;
use super::model::Message;
use crate::accounts::model::CurrentUser;
use crate::db::{now, text, Db, DbError};
use crate::mail::routes::local_time_in as local_time;
use crate::members::member_access;
use crate::structures::{Access, Structure};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FormData;
use crate::web::page::{Flash, Page};
use crate::web::{render, AppState};

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

/// One recipient's delivery as the tracking shows it.
pub struct Delivery {
    pub person_id: String,
    pub name: String,
    pub channel: String,
    pub address: String,
    /// planned, sent, outbox, failed, bounced, none
    pub state: String,
    pub error: String,
}

impl Delivery {
    pub fn channel_label(&self) -> &'static str {
        channels::label(&self.channel)
    }

    pub fn state_label(&self) -> &'static str {
        state_label(&self.channel, &self.state, !self.error.is_empty())
    }

    pub fn address_lines(&self) -> Vec<&str> {
        self.address.lines().collect()
    }
}

pub fn state_label(channel: &str, state: &str, had_error: bool) -> &'static str {
    match (channel, state) {
        (_, "none") => "Non envoyé : aucun moyen possible",
        ("post", "planned") => "Lettre à imprimer",
        ("post", "sent") => "Lettre imprimée",
        ("phone", "planned") => "Appel à passer",
        ("phone", "sent") => "Appelé",
        ("phone", "failed") => "Injoignable",
        (_, "planned") if had_error => "Nouvel essai prévu",
        (_, "planned") => "Prévu",
        (_, "sent") => "Envoyé",
        (_, "outbox") => "Dans la boîte d'envoi (pas de serveur d'envoi)",
        (_, "bounced") => "Adresse refusée (rejet)",
        _ => "Échec",
    }
}

/// The state of an e-mail or SMS row as a delivery state.
fn from_sent(status: &str) -> &'static str {
    match status {
        "queued" | "sending" => "planned",
        "sent" => "sent",
        "outbox" => "outbox",
        "bounced" => "bounced",
        _ => "failed",
    }
}

const DELIVERY: &str = "SELECT d.message_id, d.person_id, d.channel, d.address, d.state, b.first_name, b.last_name, \
     e.status AS email_status, e.last_error AS email_error, s.status AS sms_status, s.last_error AS sms_error \
     FROM message_deliveries d JOIN beneficiaries b ON b.id = d.person_id \
     LEFT JOIN emails e ON e.id = d.email_id LEFT JOIN sms_messages s ON s.id = d.sms_id";

/// A message's deliveries (of one channel, or all), by name.
pub async fn deliveries(
    db: &Db,
    sid: &str,
    mid: &str,
    channel: Option<&str>,
) -> Result<Vec<Delivery>, DbError> {
    let rows = sqlx::query(&format!(
        "{DELIVERY} WHERE d.message_id = $1 AND d.structure_id = $2 AND ($3 = '' OR d.channel = $3) \
         ORDER BY b.search_name, b.id"
    ))
    .bind(mid)
    .bind(sid)
    .bind(channel.unwrap_or_default())
    .fetch_all(db.read())
    .await?;
    rows.iter().map(delivery).collect()
}

/// The messages a person received: (message id, subject, delivery), newest first.
pub async fn of_person(
    db: &Db,
    sid: &str,
    pid: &str,
) -> Result<Vec<(String, String, Delivery)>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT x.*, m.subject FROM ({DELIVERY} WHERE d.person_id = $1 AND d.structure_id = $2) x \
         JOIN member_messages m ON m.id = x.message_id ORDER BY m.planned_at DESC, m.id LIMIT 50"
    ))
    .bind(pid)
    .bind(sid)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| Ok::<_, DbError>((text(r, "message_id")?, text(r, "subject")?, delivery(r)?)))
        .collect::<Result<_, DbError>>()
}

fn delivery(r: &crate::db::AnyRow) -> Result<Delivery, DbError> {
    let channel = text(r, "channel")?;
    // E-mails and SMS keep their outcome in their own rows.
    let (state, error) = match channel.as_str() {
        "email" => (
            from_sent(&text(r, "email_status")?).to_string(),
            text(r, "email_error")?,
        ),
        "sms" => (
            from_sent(&text(r, "sms_status")?).to_string(),
            text(r, "sms_error")?,
        ),
        _ => (text(r, "state")?, String::new()),
    };
    Ok(Delivery {
        person_id: text(r, "person_id")?,
        name: crate::activities::beneficiaries::display_name(
            &text(r, "first_name")?,
            &text(r, "last_name")?,
        ),
        channel,
        address: text(r, "address")?,
        state,
        error,
    })
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
                planned: of.iter().filter(|d| d.state == "planned").count(),
                done: of
                    .iter()
                    .filter(|d| matches!(d.state.as_str(), "sent" | "outbox"))
                    .count(),
                failed: of
                    .iter()
                    .filter(|d| matches!(d.state.as_str(), "failed" | "bounced" | "none"))
                    .count(),
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
    let (problems, others): (Vec<Delivery>, Vec<Delivery>) = all
        .into_iter()
        .partition(|d| matches!(d.state.as_str(), "failed" | "bounced" | "none"));
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
        sid,
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

async fn sent_message(state: &AppState, sid: &str, mid: &str) -> AppResult<Message> {
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
    user: CurrentUser,
    Path((sid, mid)): Path<(String, String)>,
) -> AppResult<Response> {
    let access = member_access(&state, &user, &sid).await?;
    let message = super::routes::found(&state, &sid, &mid).await?;
    let letters = if message.is_sent() {
        deliveries(&state.db, &sid, &mid, Some("post")).await?
    } else {
        // Before sending: the letters as they would be printed (a preview).
        let (filter, _) = super::plan::filter_of(&state.db, &sid, &message).await?;
        super::plan::recipients(&state.db, &access.structure, &message, &filter)
            .await?
            .into_iter()
            .filter(|r| r.channel == "post")
            .map(|r| Delivery {
                name: r.person.display_name(),
                person_id: r.person.id,
                channel: r.channel.to_string(),
                address: r.address,
                state: "planned".into(),
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
    user: CurrentUser,
    Path((sid, mid)): Path<(String, String)>,
) -> AppResult<Response> {
    member_access(&state, &user, &sid).await?;
    sent_message(&state, &sid, &mid).await?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "UPDATE message_deliveries SET state = 'sent', updated_at = $1 \
         WHERE message_id = $2 AND structure_id = $3 AND channel = 'post' AND state = 'planned'",
    )
    .bind(now())
    .bind(mid.clone())
    .bind(sid.clone())
    .execute(&mut *tx)
    .await?;
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
    user: CurrentUser,
    Path((sid, mid)): Path<(String, String)>,
    flash: Flash,
) -> AppResult<Response> {
    let access = member_access(&state, &user, &sid).await?;
    let message = sent_message(&state, &sid, &mid).await?;
    let calls = deliveries(&state.db, &sid, &mid, Some("phone")).await?;
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
    user: CurrentUser,
    Path((sid, mid, pid)): Path<(String, String, String)>,
    form: FormData,
) -> AppResult<Response> {
    member_access(&state, &user, &sid).await?;
    sent_message(&state, &sid, &mid).await?;
    let outcome = match form.get("resultat").as_str() {
        "appele" => "sent",
        "injoignable" => "failed",
        _ => "planned",
    };
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "UPDATE message_deliveries SET state = $1, updated_at = $2 \
         WHERE message_id = $3 AND person_id = $4 AND structure_id = $5 AND channel = 'phone'",
    )
    .bind(outcome)
    .bind(now())
    .bind(mid.clone())
    .bind(pid)
    .bind(sid.clone())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/messages/{mid}/appels?info=suivi-enregistre"
    ))
    .into_response())
}
