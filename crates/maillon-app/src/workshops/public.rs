//! What anyone sees without an account: the programme of upcoming sessions, a session's
//! page with its sign-up form, and the personal page of a registration (see, cancel).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::model::{Session, Workshop, PUBLICS};
use super::registration::{self, Contact, NotCancelled, Outcome, Registration};
use super::store::{self, Programme};
use crate::activities::vocab::{Choice, THEMES};
use crate::app::page::Page;
use crate::app::AppState;
use crate::limits::{self, ClientAddress};
use crate::places::routes::today;
use crate::tenancy::Scope;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, Query};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ateliers", get(programme))
        .route("/ateliers/{session}", get(session_page).post(sign_up))
        .route("/inscription/{token}", get(registration_page))
        .route("/inscription/{token}/annuler", post(cancel))
        .route("/inscription/{token}/rappels", post(no_reminders))
        .route("/inscription/{token}/confirmer", post(confirm))
}

#[derive(Deserialize, Default)]
struct ProgrammeQuery {
    theme: Option<String>,
    public: Option<String>,
    commune: Option<String>,
    du: Option<String>,
}

#[derive(Template)]
#[template(path = "workshops/programme.html")]
struct ProgrammePage {
    page: Page,
    sessions: Vec<Session>,
    theme: String,
    public: String,
    commune: String,
    from: String,
    themes: &'static [Choice],
    publics: &'static [Choice],
    communes: Vec<String>,
}

async fn programme(
    State(state): State<AppState>,
    Query(q): Query<ProgrammeQuery>,
) -> AppResult<Response> {
    let today = today(&state.config.timezone);
    let from =
        q.du.filter(|d| jiff::civil::Date::strptime("%Y-%m-%d", d).is_ok() && *d >= today)
            .unwrap_or(today.clone());
    let filter = Programme {
        scope: Scope::Public,
        from: from.clone(),
        theme: q.theme.unwrap_or_default(),
        public: q.public.unwrap_or_default(),
        commune: q.commune.unwrap_or_default(),
        ..Programme::default()
    };
    let sessions = store::upcoming(&state.db, &filter).await?;
    let communes = store::communes_from(&state.db, &today).await?;
    let page = Page::new(&state, "Ateliers à venir").await;
    Ok(render(&ProgrammePage {
        page,
        sessions,
        theme: filter.theme,
        public: filter.public,
        commune: filter.commune,
        from,
        themes: THEMES,
        publics: PUBLICS,
        communes,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "workshops/session.html")]
struct SessionPage {
    page: Page,
    session: Session,
    workshop: Workshop,
    contact: Contact,
    errors: FieldErrors,
    /// Said kindly when the same contact signs up twice.
    already: bool,
    /// Why the sign-up could not be taken (too many at once, waiting list full), or ''.
    refusal: String,
    /// For a cycle, the sessions a registration holds (all those to come).
    cycle: Vec<Session>,
    /// Seats free at the session, or at every session of the cycle.
    seats_left: i64,
}

impl SessionPage {
    fn full(&self) -> bool {
        self.seats_left == 0
    }
}

impl SessionPage {
    fn labels(&self, list: &[Choice], codes: &[String]) -> String {
        codes
            .iter()
            .map(|c| crate::activities::vocab::label(list, c))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An upcoming session and its workshop; 404 for a past or unknown one.
async fn open_session(state: &AppState, id: &str) -> AppResult<(Session, Workshop)> {
    let session = store::session(&state.db, Scope::Public, id)
        .await?
        .filter(|s| s.date >= today(&state.config.timezone) && !s.cancelled)
        .ok_or(AppError::NotFound)?;
    let workshop = store::workshop(&state.db, Scope::Public, &session.workshop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((session, workshop))
}

/// What the sign-up form says above its fields.
#[derive(Default)]
enum Said {
    #[default]
    Nothing,
    /// The same phone or e-mail is already registered.
    Already,
    /// The sign-up was not taken, and why.
    Refused(String),
}

async fn session_form(
    state: &AppState,
    id: &str,
    contact: Contact,
    errors: FieldErrors,
    said: Said,
) -> AppResult<Response> {
    let (session, workshop) = open_session(state, id).await?;
    let cycle: Vec<Session> = if workshop.cycle {
        let today = today(&state.config.timezone);
        store::sessions_of_workshop(&state.db, &workshop.id)
            .await?
            .into_iter()
            .filter(|s| s.date >= today && !s.cancelled)
            .collect()
    } else {
        Vec::new()
    };
    let seats_left = cycle
        .iter()
        .map(Session::seats_left)
        .min()
        .unwrap_or(session.seats_left());
    let page = Page::new(state, workshop.title.clone()).await;
    let (already, refusal) = match said {
        Said::Nothing => (false, String::new()),
        Said::Already => (true, String::new()),
        Said::Refused(why) => (false, why),
    };
    Ok(render(&SessionPage {
        page,
        session,
        workshop,
        contact,
        errors,
        already,
        refusal,
        cycle,
        seats_left,
    })?
    .into_response())
}

async fn session_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Response> {
    session_form(
        &state,
        &id,
        Contact::default(),
        FieldErrors::default(),
        Said::Nothing,
    )
    .await
}

async fn sign_up(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (session, _) = open_session(&state, &id).await?;
    let contact = match registration::contact_from_form(&form, true) {
        Ok(c) => c,
        Err((c, errors)) => return session_form(&state, &id, c, errors, Said::Nothing).await,
    };
    // Each sign-up may send an e-mail and a paid SMS: counted per address, per phone and
    // per e-mail before anything is written (decision 0017).
    let per_address = limits::sign_up_address(state.config.public_signups_per_hour);
    let counted = limits::take(
        &state.db,
        &[
            (per_address, &address),
            (limits::SIGN_UP_PHONE, &contact.phone),
            (limits::SIGN_UP_EMAIL, &contact.email),
        ],
    )
    .await?;
    if let Err(refused) = counted {
        tracing::warn!(limit = refused.scope, "public sign-up refused: too many");
        let why = format!(
            "Beaucoup d'inscriptions sont arrivées en peu de temps depuis cet appareil ou avec ces coordonnées : par sécurité, celle-ci n'a pas été enregistrée. Réessayez dans {}, ou inscrivez-vous par téléphone ou à l'accueil de {}{}.",
            limits::wait_text(refused.retry_after),
            session.structure_name,
            structure_phone(&state, &session.structure_id).await?,
        );
        let page = session_form(
            &state,
            &id,
            contact,
            FieldErrors::default(),
            Said::Refused(why),
        )
        .await?;
        return Ok(limits::too_many(page, &refused));
    }
    let outcome = registration::register(
        &state.db,
        &state.config.public_url,
        &session.structure_id,
        &id,
        &contact,
        registration::Source::Public,
    )
    .await?;
    match outcome {
        Outcome::Registered { token, .. } => {
            Ok(Redirect::to(&format!("/inscription/{token}")).into_response())
        }
        Outcome::AlreadyRegistered => {
            session_form(&state, &id, contact, FieldErrors::default(), Said::Already).await
        }
        Outcome::WaitingListFull => {
            let why = format!(
                "La séance est complète et sa liste d'attente aussi : l'inscription n'a pas été enregistrée. Appelez {}{} pour connaître les prochaines dates.",
                session.structure_name,
                structure_phone(&state, &session.structure_id).await?,
            );
            session_form(
                &state,
                &id,
                contact,
                FieldErrors::default(),
                Said::Refused(why),
            )
            .await
        }
        // Only when the session was called off between the page and the click.
        Outcome::Closed => Err(AppError::NotFound),
    }
}

/// " au 04 77 …" when the structure has a phone, for the messages that send people to it.
async fn structure_phone(state: &AppState, structure_id: &StructureId) -> AppResult<String> {
    Ok(crate::structures::store::get(&state.db, structure_id)
        .await?
        .map(|s| s.phone_display())
        .filter(|p| !p.is_empty())
        .map(|p| format!(" au {p}"))
        .unwrap_or_default())
}

#[derive(Template)]
#[template(path = "workshops/registration.html")]
struct RegistrationPage {
    page: Page,
    token: String,
    registration: Registration,
    session: Session,
    position: i64,
    just_cancelled: bool,
    /// Until when a seat offered to the person waits for their confirmation.
    offer_until: String,
    /// For a cycle, each session with the state of the person's seat there.
    cycle: Vec<(Session, &'static str)>,
}

async fn show_registration(
    state: &AppState,
    token: &str,
    just_cancelled: bool,
) -> AppResult<Response> {
    let mut registration = registration::by_token(&state.db, token)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut cycle = Vec::new();
    if !registration.cycle_id.is_empty() {
        let rows = registration::whole_cycle(&state.db, &registration.cycle_id).await?;
        for r in &rows {
            if let Some(s) = store::session(&state.db, Scope::Public, &r.session_id).await? {
                let state = if s.cancelled {
                    "Séance annulée"
                } else {
                    r.status_label()
                };
                cycle.push((s, state));
            }
        }
        // The cycle stands as its first session the centre did not cancel says (the first
        // row alone would say "cancelled" once the centre calls its date off).
        let today = today(&state.config.timezone);
        let standing = cycle
            .iter()
            .zip(&rows)
            .find(|(s, _)| !s.0.cancelled && s.0.date >= today)
            .or_else(|| cycle.iter().zip(&rows).find(|(s, _)| !s.0.cancelled));
        if let Some((_, r)) = standing {
            registration = r.clone();
        }
    }
    let session = store::session(&state.db, Scope::Public, &registration.session_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let position = registration::position(&state.db, &registration).await?;
    let offer_until = match registration.offer_expires_at {
        Some(t) if registration.status == registration::Status::Offered => {
            crate::mail::routes::local_time(state, t)
        }
        _ => String::new(),
    };
    let page = Page::new(state, "Votre inscription").await;
    Ok(render(&RegistrationPage {
        page,
        token: token.to_string(),
        registration,
        session,
        position,
        just_cancelled,
        offer_until,
        cycle,
    })?
    .into_response())
}

async fn registration_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    show_registration(&state, &token, false).await
}

async fn cancel(
    State(state): State<AppState>,
    _: limits::PublicForm,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let hash = crate::accounts::tokens::hash(&token);
    match registration::cancel(
        &state.db,
        &state.config.public_url,
        "token_hash = $1",
        &[&hash],
    )
    .await?
    {
        Ok(_) => show_registration(&state, &token, true).await,
        // Already cancelled: the page says so, nothing changes.
        Err(NotCancelled::AlreadyCancelled) => show_registration(&state, &token, false).await,
        Err(NotCancelled::Unknown) => Err(AppError::NotFound),
    }
}

/// The person takes the seat offered to them. Too late or already done: the page shows
/// where things stand.
async fn confirm(
    State(state): State<AppState>,
    _: limits::PublicForm,
    Path(token): Path<String>,
) -> AppResult<Response> {
    registration::by_token(&state.db, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    let hash = crate::accounts::tokens::hash(&token);
    super::waiting::confirm_offer(&state.db, "token_hash = $1", &[&hash]).await?;
    show_registration(&state, &token, false).await
}

async fn no_reminders(
    State(state): State<AppState>,
    _: limits::PublicForm,
    Path(token): Path<String>,
) -> AppResult<Response> {
    if !registration::stop_reminders(&state.db, &token).await? {
        return Err(AppError::NotFound);
    }
    show_registration(&state, &token, false).await
}
