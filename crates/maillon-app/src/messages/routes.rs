//! Writing a message, seeing who it will reach and how, testing it, sending it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::model::{self, Message, MessageStatus};
use super::plan::{self, Recipient};
use super::render::{self, Personal};
use super::{channels, hours, store, PURPOSES};
use crate::accounts::model::CurrentUser;
use crate::activities::audit::{self, Actor};
use crate::activities::vocab::Choice;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::db::now;
use crate::mail::routes::local_time_in as local_time;
use crate::members::segments::{self, Segment};
use crate::structures::Access;
use crate::structures::StructureAccess;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render as render_page;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/structures/{sid}/messages", get(list).post(create))
        .route("/structures/{sid}/messages/nouveau", get(new_form))
        .route("/structures/{sid}/messages/{mid}", get(show).post(update))
        .route("/structures/{sid}/messages/{mid}/envoyer", post(send))
        .route(
            "/structures/{sid}/messages/{mid}/deprogrammer",
            post(unschedule),
        )
        .route("/structures/{sid}/messages/{mid}/essai", post(test_send))
        .route("/structures/{sid}/messages/{mid}/supprimer", post(delete))
}

#[derive(Template)]
#[template(path = "messages/list.html")]
struct ListPage {
    page: Page,
    sid: String,
    /// (message, people reached, when: "envoyé le …" / "programmé pour le …")
    messages: Vec<(Message, i64, String)>,
}

fn when(access: &Access, m: &Message) -> String {
    let zone = &access.structure.timezone;
    match (m.status, m.planned_at, m.send_at) {
        (MessageStatus::Sent, Some(at), _) => format!("Envoyé le {}", local_time(zone, at)),
        (MessageStatus::Scheduled, _, Some(at)) => {
            format!("Programmé pour le {}", local_time(zone, at))
        }
        _ => MessageStatus::Draft.label().into(),
    }
}

async fn list(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path(sid): Path<String>,
    flash: Flash,
) -> AppResult<Response> {
    let messages = store::list(&state.db, &access.structure.id)
        .await?
        .into_iter()
        .map(|(m, n)| {
            let w = when(&access, &m);
            (m, n, w)
        })
        .collect();
    let page = Page::in_structure(&state, "Messages aux adhérents", &user, &access)
        .await
        .section("members")
        .flash(flash);
    Ok(render_page(&ListPage {
        page,
        sid,
        messages,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "messages/compose.html")]
struct ComposePage {
    page: Page,
    sid: String,
    message: Message,
    errors: FieldErrors,
    purposes: &'static [Choice],
    segments: Vec<Segment>,
    sms_enabled: bool,
    /// Only for a saved message: who it reaches.
    preview: Option<Preview>,
    /// Sending hours, e.g. "de 9 h à 19 h".
    hours: String,
    when: String,
    send_errors: FieldErrors,
    send_date: String,
    send_time: String,
}

/// Who a saved message reaches, and how it reads on each channel.
pub struct Preview {
    pub segment_name: String,
    pub total: usize,
    /// (channel label, count) for the channels that reach somebody.
    pub totals: Vec<(&'static str, usize)>,
    /// The people nothing can reach (id, name), the first 100.
    pub unreachable: Vec<(String, String)>,
    pub unreachable_count: usize,
    pub email_subject: String,
    pub greeting_name: String,
    pub email_text: String,
    pub sms: String,
    pub sms_chars: usize,
    pub sms_parts: usize,
    pub letters: usize,
    pub calls: usize,
}

async fn preview_of(state: &AppState, access: &Access, m: &Message) -> AppResult<Preview> {
    let (filter, segment_name) = plan::filter_of(&state.db, &access.structure.id, m).await?;
    let people = plan::recipients(&state.db, &access.structure, m, &filter).await?;
    let unreachable: Vec<&Recipient> = people.iter().filter(|r| r.channel == "none").collect();
    let count = |c: &str| people.iter().filter(|r| r.channel == c).count();
    let example = people
        .iter()
        .find(|r| r.channel == "email")
        .map_or("Prénom".to_string(), |r| r.person.first_name.clone());
    let unsubscribe = format!(
        "{}/desabonnement/…",
        state.config.public_url.trim_end_matches('/')
    );
    let personal = Personal {
        first_name: &example,
        structure_name: &access.structure.name,
        purpose_label: m.purpose_label(),
        unsubscribe_url: &unsubscribe,
    };
    let sms = m.sms_full();
    Ok(Preview {
        segment_name,
        total: people.len(),
        totals: plan::totals(&people)
            .into_iter()
            .filter(|(c, n)| *c != "none" && *n > 0)
            .map(|(c, n)| (channels::label(c), n))
            .collect(),
        unreachable_count: unreachable.len(),
        unreachable: unreachable
            .iter()
            .take(100)
            .map(|r| (r.person.id.clone(), r.person.display_name()))
            .collect(),
        email_subject: m.subject.clone(),
        email_text: render::email_text(&m.body, &personal),
        greeting_name: example.clone(),
        sms_chars: sms.chars().count(),
        sms_parts: crate::sms::gsm7::parts(&sms),
        sms,
        letters: count("post"),
        calls: count("phone"),
    })
}

/// What a page shown again keeps: the errors of the message form and of the send (or
/// test) form, and the date and time typed there.
#[derive(Default)]
struct Shown {
    errors: FieldErrors,
    send_errors: FieldErrors,
    send_date: String,
    send_time: String,
}

async fn compose_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    message: Message,
    shown: Shown,
    flash: Flash,
) -> AppResult<Response> {
    let sid = access.structure.id.clone();
    let preview = if message.id.is_empty() {
        None
    } else {
        Some(preview_of(state, access, &message).await?)
    };
    let title = if message.id.is_empty() {
        "Nouveau message".to_string()
    } else {
        format!("Message « {} »", message.subject)
    };
    let page = Page::in_structure(state, title, user, access)
        .await
        .section("members")
        .flash(flash);
    let s = &access.structure;
    Ok(render_page(&ComposePage {
        page,
        segments: segments::all(&state.db, &sid).await?,
        sid: sid.to_string(),
        when: when(access, &message),
        message,
        errors: shown.errors,
        purposes: PURPOSES,
        sms_enabled: s.sms_enabled,
        preview,
        hours: format!("de {} h à {} h", s.send_from_hour, s.send_until_hour),
        send_errors: shown.send_errors,
        send_date: shown.send_date,
        send_time: shown.send_time,
    })?
    .into_response())
}

/// The message form shown again with what is to correct.
async fn form_again(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    message: Message,
    errors: FieldErrors,
) -> AppResult<Response> {
    let shown = Shown {
        errors,
        ..Shown::default()
    };
    compose_page(state, user, access, message, shown, Flash::default()).await
}

async fn new_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path(_sid): Path<String>,
) -> AppResult<Response> {
    let message = Message {
        purpose: "news".into(),
        ..Message::default()
    };
    compose_page(
        &state,
        &user,
        &access,
        message,
        Shown::default(),
        Flash::default(),
    )
    .await
}

async fn segment_ids(state: &AppState, sid: &StructureId) -> AppResult<Vec<String>> {
    Ok(segments::all(&state.db, sid)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect())
}

async fn create(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (message, errors) =
        model::from_form(&form, &segment_ids(&state, &access.structure.id).await?);
    if !errors.is_empty() {
        return form_again(&state, &user, &access, message, errors).await;
    }
    let mut tx = state.db.begin_write().await?;
    let id = store::insert(&mut tx, &access.structure.id, &message, &user.name).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/messages/{id}?info=message-enregistre"
    ))
    .into_response())
}

pub(super) async fn found(state: &AppState, sid: &StructureId, mid: &str) -> AppResult<Message> {
    store::get(&state.db, sid, mid)
        .await?
        .ok_or(AppError::NotFound)
}

async fn show(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((_, mid)): Path<(String, String)>,
    flash: Flash,
) -> AppResult<Response> {
    let message = found(&state, &access.structure.id, &mid).await?;
    if message.is_sent() {
        return super::tracking::page(&state, &user, &access, message, flash).await;
    }
    compose_page(&state, &user, &access, message, Shown::default(), flash).await
}

async fn update(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, mid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let saved = found(&state, &access.structure.id, &mid).await?;
    let (mut message, errors) =
        model::from_form(&form, &segment_ids(&state, &access.structure.id).await?);
    message.id = saved.id.clone();
    message.status = saved.status;
    message.send_at = saved.send_at;
    if !saved.is_draft() {
        let mut errors = FieldErrors::default();
        errors.add("subject", "Ce message n'est plus un brouillon : annulez d'abord sa programmation pour le modifier.");
        return form_again(&state, &user, &access, saved, errors).await;
    }
    if !errors.is_empty() {
        return form_again(&state, &user, &access, message, errors).await;
    }
    let mut tx = state.db.begin_write().await?;
    store::update(&mut tx, &access.structure.id, &mid, &message).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/messages/{mid}?info=message-enregistre"
    ))
    .into_response())
}

/// The moment a person asked for ("maintenant", or a date and time in the structure's
/// zone), or the field in error.
fn asked_time(form: &FormData, zone: &str) -> Result<i64, (&'static str, String)> {
    if form.get("quand") != "plus_tard" {
        return Ok(now());
    }
    let date = jiff::civil::Date::strptime("%Y-%m-%d", form.get("date"))
        .map_err(|_| ("date", "Indiquez la date d'envoi (jj/mm/aaaa).".to_string()))?;
    let time = jiff::civil::Time::strptime("%H:%M", form.get("heure")).map_err(|_| {
        (
            "heure",
            "Indiquez l'heure d'envoi (par exemple 10:00).".to_string(),
        )
    })?;
    let zone = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let at = date
        .to_datetime(time)
        .to_zoned(zone)
        .map_err(|_| {
            (
                "heure",
                "Cette heure n'existe pas ce jour-là (changement d'heure).".to_string(),
            )
        })?
        .timestamp()
        .as_second();
    if at < now() - 60 {
        return Err((
            "date",
            "Cette date est passée : choisissez un moment à venir, ou « maintenant ».".into(),
        ));
    }
    Ok(at)
}

async fn send(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, mid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let message = found(&state, &access.structure.id, &mid).await?;
    let s = &access.structure;
    let mut errors = FieldErrors::default();
    let asked = match asked_time(&form, &s.timezone) {
        Ok(at) => Some(at),
        Err((field, e)) => {
            errors.add(field, e);
            None
        }
    };
    if !message.is_draft() {
        errors.add(
            "quand",
            "Ce message n'est plus un brouillon : il est déjà programmé ou envoyé.",
        );
    }
    if errors.is_empty() {
        let preview = preview_of(&state, &access, &message).await?;
        if preview.total == 0 {
            errors.add("quand", "Ce segment ne touche personne : le message ne partirait vers personne. Choisissez un autre segment.");
        } else if preview.total == preview.unreachable_count {
            errors.add("quand", "Aucune des personnes de ce segment ne peut être jointe (pas d'adresse ou pas de consentement) : rien ne partirait.");
        }
    }
    let Some(asked) = asked.filter(|_| errors.is_empty()) else {
        return compose_page(
            &state,
            &user,
            &access,
            message,
            Shown {
                send_errors: errors,
                send_date: form.get("date"),
                send_time: form.get("heure"),
                ..Shown::default()
            },
            Flash::default(),
        )
        .await;
    };
    let send_at = hours::next_slot_at(
        asked,
        &s.timezone,
        hours::Window::sending(s.send_from_hour, s.send_until_hour),
    );
    let mut tx = state.db.begin_write().await?;
    if store::schedule(&mut tx, &access.structure.id, &mid, send_at).await? {
        let payload = serde_json::json!({ "structure_id": sid, "message_id": mid }).to_string();
        // One planning per scheduling: a message unscheduled then scheduled again gets a
        // new job, and the old one finds it planned or not scheduled for its time.
        crate::jobs::store::enqueue(
            &mut tx,
            crate::jobs::store::JobKind::PlanMessage,
            &payload,
            Some(&format!("plan-{mid}-{send_at}")),
            send_at,
        )
        .await?;
        audit::write(
            &mut tx,
            &access.structure.id,
            &Actor::from(&user),
            "message_envoye",
            None,
        )
        .await?;
    }
    tx.commit().await?;
    state.jobs.wake();
    let info = if send_at <= now() {
        "message-en-cours"
    } else {
        "message-programme"
    };
    Ok(Redirect::to(&format!("/structures/{sid}/messages/{mid}?info={info}")).into_response())
}

async fn unschedule(
    State(state): State<AppState>,
    StructureAccess { access, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, mid)): Path<(String, String)>,
) -> AppResult<Response> {
    found(&state, &access.structure.id, &mid).await?;
    let mut tx = state.db.begin_write().await?;
    let done = store::unschedule(&mut tx, &access.structure.id, &mid).await?;
    tx.commit().await?;
    let info = if done {
        "?info=message-deprogramme"
    } else {
        ""
    };
    Ok(Redirect::to(&format!("/structures/{sid}/messages/{mid}{info}")).into_response())
}

async fn delete(
    State(state): State<AppState>,
    StructureAccess { access, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, mid)): Path<(String, String)>,
) -> AppResult<Response> {
    found(&state, &access.structure.id, &mid).await?;
    let mut tx = state.db.begin_write().await?;
    let done = store::delete_draft(&mut tx, &access.structure.id, &mid).await?;
    tx.commit().await?;
    if done {
        Ok(
            Redirect::to(&format!("/structures/{sid}/messages?info=message-supprime"))
                .into_response(),
        )
    } else {
        Ok(Redirect::to(&format!("/structures/{sid}/messages/{mid}")).into_response())
    }
}

/// A test to oneself: the e-mail to the account's address, and the SMS to a mobile
/// number if one is typed. Nothing is recorded as a delivery.
async fn test_send(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, mid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let message = found(&state, &access.structure.id, &mid).await?;
    let mut errors = FieldErrors::default();
    let phone = form.get("telephone_essai");
    let mobile = if phone.is_empty() {
        None
    } else {
        match crate::validate::phone(&phone) {
            Ok(p) if crate::sms::is_mobile(&p) => Some(p),
            Ok(_) => {
                errors.add(
                    "telephone_essai",
                    "Ce numéro n'est pas un portable : il ne peut pas recevoir de SMS.",
                );
                None
            }
            Err(e) => {
                errors.add("telephone_essai", e);
                None
            }
        }
    };
    if mobile.is_some() && message.sms_text.trim().is_empty() {
        errors.add(
            "telephone_essai",
            "Ce message n'a pas de version SMS : écrivez-la d'abord.",
        );
    }
    if !errors.is_empty() {
        return compose_page(
            &state,
            &user,
            &access,
            message,
            Shown {
                send_errors: errors,
                ..Shown::default()
            },
            Flash::default(),
        )
        .await;
    }
    let url = format!(
        "{}/desabonnement/essai",
        state.config.public_url.trim_end_matches('/')
    );
    let first = user
        .name
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string();
    let personal = Personal {
        first_name: &first,
        structure_name: &access.structure.name,
        purpose_label: message.purpose_label(),
        unsubscribe_url: &url,
    };
    let subject = format!("[Essai] {}", message.subject);
    let mut tx = state.db.begin_write().await?;
    crate::mail::queue_rich(
        &mut tx,
        &crate::mail::Outgoing {
            // To the staff member testing: an account mail, not a member's.
            structure_id: "",
            to: &user.email,
            subject: &subject,
            text: &render::email_text(&message.body, &personal),
            html: &render::email_html(&subject, &message.body, &personal),
            unsubscribe_url: &url,
            send_at: 0,
        },
    )
    .await?;
    if let Some(mobile) = mobile {
        crate::sms::queue_at(
            &mut tx,
            &access.structure.id,
            &mobile,
            &render::sms(&message.sms_text),
            crate::sms::SmsPurpose::MemberMessage,
            super::SMS_MAX_PARTS,
            now(),
        )
        .await?;
    }
    tx.commit().await?;
    state.jobs.wake();
    Ok(Redirect::to(&format!(
        "/structures/{sid}/messages/{mid}?info=essai-envoye"
    ))
    .into_response())
}
