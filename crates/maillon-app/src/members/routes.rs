//! The member file's pages: list with filters, a person's page (record, household,
//! memberships, consents, personal link), create, edit, archive, export.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::consent::{self, Event, Grid};
use super::filter::{Filter, Today, ADHESION, ATELIER, CONTACT, FOYER};
use super::model::{self, Member, MembershipForm};
use super::store::{self, Membership};
use super::{sees_activity_log, CHANNELS, LANGUAGES, PAYMENT_MODES, PURPOSES, SECTORS, SOURCES};
use crate::accounts::model::CurrentUser;
use crate::accounts::tokens;
use crate::activities::audit::{self, Actor};
use crate::activities::routes::date_fr;
use crate::activities::vocab::{self, Choice};
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::exports::{self, check_format, respond, Row};
use crate::places::routes::today_date;
use crate::structures::Access;
use crate::structures::StructureAccess;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/structures/{sid}/adherents", get(list))
        .route(
            "/structures/{sid}/adherents/nouveau",
            get(new_form).post(create),
        )
        .route("/structures/{sid}/adherents/export.{format}", get(export))
        .route("/structures/{sid}/adherents/{pid}", get(show).post(update))
        .route(
            "/structures/{sid}/adherents/{pid}/adhesion",
            post(add_membership),
        )
        .route(
            "/structures/{sid}/adherents/{pid}/adhesion/{mid}/supprimer",
            post(delete_membership),
        )
        .route(
            "/structures/{sid}/adherents/{pid}/consentement",
            post(set_consent),
        )
        .route("/structures/{sid}/adherents/{pid}/archiver", post(archive))
        .route(
            "/structures/{sid}/adherents/{pid}/lien",
            post(personal_link),
        )
}

const PAGE_SIZE: i64 = 100;

pub fn today_of(access: &Access) -> Today {
    Today::new(today_date(&access.structure.timezone))
}

/// The choices of the filter form (shared with the segment editor).
pub struct FilterChoices {
    pub adhesion: &'static [Choice],
    pub sectors: &'static [Choice],
    pub foyer: &'static [Choice],
    pub contact: &'static [Choice],
    pub languages: &'static [Choice],
    pub atelier: &'static [Choice],
    pub channels: &'static [Choice],
}

pub const FILTER_CHOICES: FilterChoices = FilterChoices {
    adhesion: ADHESION,
    sectors: SECTORS,
    foyer: FOYER,
    contact: CONTACT,
    languages: LANGUAGES,
    atelier: ATELIER,
    channels: CHANNELS,
};

/// Messages about the filter, by field, as the form's macros read them.
pub fn filter_errors(f: &Filter) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (field, message) in f.problems() {
        errors.add(field, message);
    }
    errors
}

#[derive(Template)]
#[template(path = "members/list.html")]
struct ListPage {
    page: Page,
    sid: String,
    filter: Filter,
    query: String,
    described: String,
    errors: FieldErrors,
    choices: FilterChoices,
    people: Vec<Member>,
    total: i64,
    offset: i64,
    next: Option<i64>,
    season: String,
}

fn offset_of(query: &str) -> i64 {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "depuis")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .unwrap_or(0)
        .clamp(0, crate::web::forms::MAX_PAGE * PAGE_SIZE)
}

async fn list(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path(sid): Path<String>,
    RawQuery(query): RawQuery,
    flash: Flash,
) -> AppResult<Response> {
    let raw = query.unwrap_or_default();
    let filter = Filter::from_query(&raw);
    let offset = offset_of(&raw);
    let today = today_of(&access);
    let total = store::count(&state.db, &access.structure.id, &filter, &today).await?;
    let people = store::list(
        &state.db,
        &access.structure.id,
        &filter,
        &today,
        PAGE_SIZE,
        offset,
    )
    .await?;
    let next = (offset + PAGE_SIZE < total).then_some(offset + PAGE_SIZE);
    let page = Page::in_structure(&state, "Adhérents et habitants", &user, &access)
        .await
        .section("members")
        .flash(flash);
    Ok(render(&ListPage {
        page,
        sid,
        query: filter.to_query(),
        described: filter.describe(),
        errors: filter_errors(&filter),
        filter,
        choices: FILTER_CHOICES,
        people,
        total,
        offset,
        next,
        season: today.season,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "members/person.html")]
struct PersonPage {
    page: Page,
    sid: String,
    action: String,
    person: Member,
    errors: FieldErrors,
    is_new: bool,
    households: Vec<(String, String)>,
    relatives: Vec<(String, String)>,
    memberships: Vec<Membership>,
    membership: MembershipForm,
    membership_errors: FieldErrors,
    grid: Grid,
    ledger: Vec<(Event, String)>,
    /// Messages received: (message id, subject, delivery).
    received: Vec<(String, String, crate::messages::tracking::Delivery)>,
    sees_activity_log: bool,
    new_link: Option<String>,
    sectors: &'static [Choice],
    languages: &'static [Choice],
    channels: &'static [Choice],
    purposes: &'static [Choice],
    sources: &'static [Choice],
    payment_modes: &'static [Choice],
}

impl PersonPage {
    fn state_label(&self, state: &Option<consent::ConsentState>) -> &'static str {
        consent::state_label(*state)
    }

    fn is_given(&self, state: &Option<consent::ConsentState>) -> bool {
        *state == Some(consent::ConsentState::Given)
    }
    fn date_fr(&self, date: &str) -> String {
        date_fr(date)
    }
}

/// What the person's page shows besides the record's form.
#[derive(Default)]
struct Extras {
    membership: Option<(MembershipForm, FieldErrors)>,
    new_link: Option<String>,
}

async fn person_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    person: Member,
    errors: FieldErrors,
    extras: Extras,
    flash: Flash,
) -> AppResult<Response> {
    let sid = access.structure.id.clone();
    let is_new = person.id.is_empty();
    let today = today_of(access);
    let (relatives, memberships, grid, ledger) = if is_new {
        (Vec::new(), Vec::new(), consent::grid(&[]), Vec::new())
    } else {
        let relatives = match &person.household_id {
            Some(h) => store::household_members(&state.db, &sid, h, &person.id).await?,
            None => Vec::new(),
        };
        let states = consent::current(&state.db, &sid, &person.id).await?;
        let ledger = consent::history(&state.db, &sid, &person.id)
            .await?
            .into_iter()
            .map(|e| {
                let at = crate::mail::routes::local_time(state, e.at);
                (e, at)
            })
            .collect();
        (
            relatives,
            store::memberships(&state.db, &sid, &person.id).await?,
            consent::grid(&states),
            ledger,
        )
    };
    let received = if is_new {
        Vec::new()
    } else {
        crate::messages::tracking::of_person(&state.db, &sid, &person.id).await?
    };
    let (membership, membership_errors) = extras.membership.unwrap_or_else(|| {
        (
            MembershipForm {
                season: today.season.clone(),
                joined_on: today.date.clone(),
                ..MembershipForm::default()
            },
            FieldErrors::default(),
        )
    });
    let action = if is_new {
        format!("/structures/{sid}/adherents/nouveau")
    } else {
        format!("/structures/{sid}/adherents/{}", person.id)
    };
    let title = if is_new {
        "Nouvelle personne".to_string()
    } else {
        person.display_name()
    };
    let page = Page::in_structure(state, title, user, access)
        .await
        .section("members")
        .flash(flash);
    Ok(render(&PersonPage {
        page,
        households: store::households(&state.db, &sid).await?,
        sid: sid.to_string(),
        action,
        person,
        errors,
        is_new,
        relatives,
        memberships,
        membership,
        membership_errors,
        grid,
        ledger,
        received,
        sees_activity_log: sees_activity_log(access),
        new_link: extras.new_link,
        sectors: SECTORS,
        languages: LANGUAGES,
        channels: CHANNELS,
        purposes: PURPOSES,
        sources: SOURCES,
        payment_modes: PAYMENT_MODES,
    })?
    .into_response())
}

async fn new_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path(_sid): Path<String>,
) -> AppResult<Response> {
    person_page(
        &state,
        &user,
        &access,
        Member::default(),
        FieldErrors::default(),
        Extras::default(),
        Flash::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let year = today_of(&access).year();
    match model::from_form(&form, year) {
        Ok(person) => {
            let mut tx = state.db.begin_write().await?;
            let id = store::insert(&mut tx, &access.structure.id, &person).await?;
            audit::write(
                &mut tx,
                &access.structure.id,
                &Actor::from(&user),
                "creation",
                Some(&id),
            )
            .await?;
            tx.commit().await?;
            Ok(
                Redirect::to(&format!("/structures/{sid}/adherents/{id}?info=enregistre"))
                    .into_response(),
            )
        }
        Err((person, errors)) => {
            person_page(
                &state,
                &user,
                &access,
                person,
                errors,
                Extras::default(),
                Flash::default(),
            )
            .await
        }
    }
}

async fn found(state: &AppState, sid: &StructureId, pid: &str) -> AppResult<Member> {
    store::get(&state.db, sid, pid)
        .await?
        .ok_or(AppError::NotFound)
}

async fn show(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((_, pid)): Path<(String, String)>,
    flash: Flash,
) -> AppResult<Response> {
    let person = found(&state, &access.structure.id, &pid).await?;
    audit::record(
        &state.db,
        &access.structure.id,
        &Actor::from(&user),
        "consultation",
        Some(&pid),
    )
    .await?;
    person_page(
        &state,
        &user,
        &access,
        person,
        FieldErrors::default(),
        Extras::default(),
        flash,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, pid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let before = found(&state, &access.structure.id, &pid).await?;
    let year = today_of(&access).year();
    match model::from_form(&form, year) {
        Ok(person) => {
            let mut tx = state.db.begin_write().await?;
            if !store::update(&mut tx, &access.structure.id, &pid, &person).await? {
                return Err(AppError::NotFound);
            }
            audit::write(
                &mut tx,
                &access.structure.id,
                &Actor::from(&user),
                "modification",
                Some(&pid),
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/structures/{sid}/adherents/{pid}?info=enregistre"
            ))
            .into_response())
        }
        Err((mut person, errors)) => {
            person.id = pid;
            person.archived = before.archived;
            person.last_season = before.last_season;
            person_page(
                &state,
                &user,
                &access,
                person,
                errors,
                Extras::default(),
                Flash::default(),
            )
            .await
        }
    }
}

async fn add_membership(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, pid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let person = found(&state, &access.structure.id, &pid).await?;
    let problem = match model::membership_from_form(&form) {
        Ok(m) => {
            let mut tx = state.db.begin_write().await?;
            if store::add_membership(&mut tx, &access.structure.id, &pid, &m).await? {
                audit::write(
                    &mut tx,
                    &access.structure.id,
                    &Actor::from(&user),
                    "adhesion",
                    Some(&pid),
                )
                .await?;
                tx.commit().await?;
                return Ok(Redirect::to(&format!(
                    "/structures/{sid}/adherents/{pid}?info=adhesion-enregistree#adhesions"
                ))
                .into_response());
            }
            let mut errors = FieldErrors::default();
            errors.add(
                "season",
                format!(
                    "{} a déjà une adhésion pour la saison {} : rien n'a été ajouté.",
                    person.display_name(),
                    m.season
                ),
            );
            (m, errors)
        }
        Err(problem) => problem,
    };
    let extras = Extras {
        membership: Some(problem),
        ..Extras::default()
    };
    person_page(
        &state,
        &user,
        &access,
        person,
        FieldErrors::default(),
        extras,
        Flash::default(),
    )
    .await
}

async fn delete_membership(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, pid, mid)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let mut tx = state.db.begin_write().await?;
    if !store::delete_membership(&mut tx, &access.structure.id, &pid, &mid).await? {
        return Err(AppError::NotFound);
    }
    audit::write(
        &mut tx,
        &access.structure.id,
        &Actor::from(&user),
        "adhesion_supprimee",
        Some(&pid),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/adherents/{pid}?info=enregistre#adhesions"
    ))
    .into_response())
}

/// Records a consent or a refusal from the desk (a "Retirer" button sends a refusal).
async fn set_consent(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, pid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    found(&state, &access.structure.id, &pid).await?;
    let (channel, purpose, state_code, source) = (
        form.get("channel"),
        form.get("purpose"),
        form.get("state"),
        form.get("source"),
    );
    let valid = vocab::is_code(CHANNELS, &channel)
        && vocab::is_code(PURPOSES, &purpose)
        && matches!(source.as_str(), "desk" | "paper" | "form");
    let answer = consent::ConsentState::parse(&state_code).ok();
    let (true, Some(answer)) = (valid, answer) else {
        return Err(AppError::BadRequest(
            "Choisissez le canal, l'usage et la réponse dans les listes.".into(),
        ));
    };
    let mut tx = state.db.begin_write().await?;
    consent::record(
        &mut tx,
        &access.structure.id,
        &pid,
        &channel,
        &purpose,
        answer,
        &source,
        &user.name,
    )
    .await?;
    audit::write(
        &mut tx,
        &access.structure.id,
        &Actor::from(&user),
        "consentement",
        Some(&pid),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/adherents/{pid}?info=consentement-enregistre#consentements"
    ))
    .into_response())
}

async fn archive(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, pid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let archived = form.get("archived") == "1";
    let mut tx = state.db.begin_write().await?;
    if !store::set_archived(&mut tx, &access.structure.id, &pid, archived).await? {
        return Err(AppError::NotFound);
    }
    let action = if archived {
        "archivage"
    } else {
        "desarchivage"
    };
    audit::write(
        &mut tx,
        &access.structure.id,
        &Actor::from(&user),
        action,
        Some(&pid),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/adherents/{pid}?info=enregistre"
    ))
    .into_response())
}

/// Makes a new personal link (the previous one stops working) and shows it once.
async fn personal_link(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((_, pid)): Path<(String, String)>,
) -> AppResult<Response> {
    let person = found(&state, &access.structure.id, &pid).await?;
    let secret = tokens::new_token();
    let mut tx = state.db.begin_write().await?;
    super::store::set_self_link(&mut tx, &access.structure.id, &pid, &tokens::hash(&secret))
        .await?;
    audit::write(
        &mut tx,
        &access.structure.id,
        &Actor::from(&user),
        "lien_personnel",
        Some(&pid),
    )
    .await?;
    tx.commit().await?;
    let link = format!(
        "{}/mes-donnees/{secret}",
        state.config.public_url.trim_end_matches('/')
    );
    let extras = Extras {
        new_link: Some(link),
        ..Extras::default()
    };
    person_page(
        &state,
        &user,
        &access,
        person,
        FieldErrors::default(),
        extras,
        Flash::default(),
    )
    .await
}

const EXPORT_COLUMNS: &[&str] = &[
    "Prénom",
    "Nom",
    "Année de naissance",
    "Téléphone",
    "Autre téléphone",
    "E-mail",
    "Adresse",
    "Code postal",
    "Commune",
    "Quartier",
    "Foyer",
    "Langues",
    "Centres d'intérêt",
    "Préférence de contact",
    "Dernière adhésion",
    "Notes de l'accueil",
];

/// The people the filter matches, as CSV or XLSX (logged in the journal).
async fn export(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((_, format)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    check_format(&format)?;
    let filter = Filter::from_query(&query.unwrap_or_default());
    let today = today_of(&access);
    audit::record(
        &state.db,
        &access.structure.id,
        &Actor::from(&user),
        "export_adherents",
        None,
    )
    .await?;
    let (tx, rx) = exports::channel();
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut offset = 0;
        loop {
            let Ok(people) =
                store::list(&db, &access.structure.id, &filter, &today, 1000, offset).await
            else {
                tracing::error!("member export stopped: database error");
                return;
            };
            for m in &people {
                let row: Row = vec![
                    m.first_name.clone(),
                    m.last_name.clone(),
                    m.birth_year_text.clone(),
                    m.phone_display(),
                    m.phone2_display(),
                    m.email.clone(),
                    m.address.clone(),
                    m.postcode.clone(),
                    m.commune.clone(),
                    m.quartier.clone(),
                    m.household_name.clone(),
                    m.languages_label(),
                    m.interests_label(),
                    m.contact_pref_label().to_string(),
                    m.last_season.clone(),
                    m.desk_notes.clone(),
                ];
                if tx.send(row).await.is_err() {
                    return;
                }
            }
            if (people.len() as i64) < 1000 {
                return;
            }
            offset += 1000;
        }
    });
    respond(&format, "adherents", "Adhérents", EXPORT_COLUMNS, rx).await
}
