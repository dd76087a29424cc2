//! The person's own page, opened by a personal link without an account: what the
//! centre holds in its member file, and their contact preference and consents to change.
//! Like registration links (decision 0010), only the link's SHA-256 is stored.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::consent::{self, ConsentState, Grid};
use super::model::Member;
use super::store::{self, Membership};
use super::CHANNELS;
use crate::accounts::tokens;
use crate::activities::audit::{self, Actor};
use crate::activities::vocab;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::db::DbError;
use crate::limits;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FormData;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new().route("/mes-donnees/{secret}", get(show).post(save))
}

async fn is_member_today(state: &AppState, sid: &StructureId, pid: &str) -> Result<bool, DbError> {
    let structure = crate::structures::store::get(&state.db, sid).await?;
    let zone = structure
        .map(|s| s.timezone)
        .unwrap_or_else(|| state.config.timezone.clone());
    let today = super::filter::Today::new(crate::places::routes::today_date(&zone));
    store::is_member(&state.db, sid, pid, &today).await
}

/// The person (and their structure's id and name) a link opens.
async fn person_of(state: &AppState, secret: &str) -> AppResult<(StructureId, String, Member)> {
    if secret.len() != 64 {
        return Err(AppError::NotFound);
    }
    let (pid, sid, name) = store::by_self_link(&state.db, &tokens::hash(secret))
        .await?
        .ok_or(AppError::NotFound)?;
    let person = store::get(&state.db, &sid, &pid)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((sid, name, person))
}

#[derive(Template)]
#[template(path = "members/self_service.html")]
struct SelfPage {
    page: Page,
    structure_name: String,
    person: Member,
    memberships: Vec<Membership>,
    grid: Grid,
    member: bool,
    /// The messages the centre sent them: (message id, subject, delivery).
    received: Vec<(String, String, crate::messages::tracking::Delivery)>,
    channels: &'static [vocab::Choice],
    text_version: &'static str,
}

impl SelfPage {
    /// Whether the box is ticked: what the person receives today.
    fn allowed(&self, state: &Option<ConsentState>, purpose: &str) -> bool {
        consent::allows(*state, purpose, self.member)
    }
}

async fn show(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    flash: Flash,
) -> AppResult<Response> {
    let (sid, structure_name, person) = person_of(&state, &secret).await?;
    let member = is_member_today(&state, &sid, &person.id).await?;
    let states = consent::current(&state.db, &sid, &person.id).await?;
    let received = crate::messages::tracking::of_person(&state.db, &sid, &person.id).await?;
    let page = Page::new(&state, "Mes données et mes choix")
        .await
        .flash(flash);
    Ok(render(&SelfPage {
        page,
        structure_name,
        memberships: store::memberships(&state.db, &sid, &person.id).await?,
        person,
        grid: consent::grid(&states),
        member,
        received,
        channels: CHANNELS,
        text_version: consent::TEXT_VERSION,
    })?
    .into_response())
}

/// Saves the ticked boxes: each box whose answer changed is written to the ledger
/// (source "lien personnel", with the version of the text shown).
async fn save(
    State(state): State<AppState>,
    _: limits::PublicForm,
    Path(secret): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (sid, _, person) = person_of(&state, &secret).await?;
    let member = is_member_today(&state, &sid, &person.id).await?;
    let states = consent::current(&state.db, &sid, &person.id).await?;
    let pref = form.get("contact_pref");
    let reachable = match pref.as_str() {
        "" => true,
        "email" => !person.email.is_empty(),
        "sms" => crate::sms::is_mobile(&person.phone) || crate::sms::is_mobile(&person.phone2),
        "post" => person.has_postal_address(),
        "phone" => !person.phone.is_empty() || !person.phone2.is_empty(),
        _ => false,
    };
    if !reachable {
        return Err(AppError::BadRequest(
            "Ce moyen de contact n'est pas possible avec les coordonnées que le centre a de vous : demandez à l'accueil de les compléter.".into(),
        ));
    }
    let actor = Actor {
        user_id: None,
        name: "La personne (lien personnel)",
    };
    let mut tx = state.db.begin_write().await?;
    for row in consent::grid(&states).rows {
        for (channel, _, current) in row.cells {
            let was = consent::allows(current, row.purpose, member);
            let now = form.has(&format!("c_{}_{}", row.purpose, channel));
            if was != now {
                let answer = if now {
                    ConsentState::Given
                } else {
                    ConsentState::Refused
                };
                consent::record(
                    &mut tx,
                    &sid,
                    &person.id,
                    channel,
                    row.purpose,
                    answer,
                    "link",
                    actor.name,
                )
                .await?;
            }
        }
    }
    store::set_contact_pref(&mut tx, &sid, &person.id, &pref).await?;
    audit::write(&mut tx, &sid, &actor, "choix_personne", Some(&person.id)).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/mes-donnees/{secret}?info=choix-enregistres")).into_response())
}
