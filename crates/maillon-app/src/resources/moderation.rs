//! Reports and moderation: anyone signed in reports a resource they can read (a reason of
//! the field and a comment); the network's admins see open reports and close them —
//! nothing to change, back to draft, or deleted — with a message e-mailed to the author.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::model::Resource;
pub use super::moderation_store::Report;
use super::moderation_store::{self, ReportStatus};
use super::routes::readable;
use super::vocab::REPORT_REASONS;
use crate::accounts::model::CurrentUser;
use crate::activities::vocab::Choice;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ressources/{id}/signaler", get(form).post(report))
        .route("/reseau/signalements", get(list))
        .route("/reseau/signalements/{rid}", post(resolve))
}

#[derive(Template)]
#[template(path = "resources/report.html")]
struct FormPage {
    page: Page,
    resource: Resource,
    form: FormData,
    errors: FieldErrors,
    reasons: &'static [Choice],
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    resource: Resource,
    form: FormData,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = super::page(state, user, format!("Signaler : {}", resource.title)).await;
    Ok(render(&FormPage {
        page,
        resource,
        form,
        errors,
        reasons: REPORT_REASONS,
    })?
    .into_response())
}

async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let resource = readable(&state, Some(&user), &id).await?;
    form_page(
        &state,
        &user,
        resource,
        FormData::default(),
        FieldErrors::default(),
    )
    .await
}

async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let resource = readable(&state, Some(&user), &id).await?;
    let (reason, comment) = (form.get("reason"), form.get("comment"));
    let mut errors = FieldErrors::default();
    if !REPORT_REASONS.iter().any(|(c, _)| *c == reason) {
        errors.add("reason", "Choisissez la raison du signalement.");
    }
    if comment.is_empty() {
        errors.add(
            "comment",
            "Expliquez ce qui ne va pas : la coordination en a besoin pour agir.",
        );
    } else if comment.chars().count() > 1000 {
        errors.add("comment", "Le commentaire fait 1 000 caractères au plus.");
    }
    if !errors.is_empty() {
        return form_page(&state, &user, resource, form, errors).await;
    }
    let mut tx = state.db.begin_write().await?;
    moderation_store::insert_report(&mut tx, &id, &resource.title, &user.id, &reason, &comment)
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/ressources/{id}?info=signalement-envoye")).into_response())
}

#[derive(Template)]
#[template(path = "resources/reports.html")]
struct ListPage {
    page: Page,
    reports: Vec<Report>,
    /// The report whose form came back with an error, and the error.
    failed: (String, FieldErrors),
}

impl ListPage {
    fn errors_for(&self, id: &str) -> FieldErrors {
        if self.failed.0 == id {
            self.failed.1.clone()
        } else {
            FieldErrors::default()
        }
    }
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    flash: Flash,
    failed: (String, FieldErrors),
) -> AppResult<Response> {
    let page = Page::new(state, "Signalements de ressources")
        .await
        .user(user)
        .section("reports")
        .flash(flash);
    let reports = moderation_store::reports(&state.db).await?;
    Ok(render(&ListPage {
        page,
        reports,
        failed,
    })?
    .into_response())
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    flash: Flash,
) -> AppResult<Response> {
    user.require_network_admin()?;
    list_page(&state, &user, flash, Default::default()).await
}

/// Closes a report (and the other open reports of the same resource): nothing to change,
/// back to draft, or deleted; the author is told by e-mail, the message being required
/// when their resource changes.
async fn resolve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    user.require_network_admin()?;
    let (resource_id, title) = moderation_store::open_report(&state.db, &rid)
        .await?
        .ok_or(AppError::NotFound)?;
    let (action, message) = (form.get("action"), form.get("message"));
    let status = match action.as_str() {
        "classer" => ReportStatus::Dismissed,
        "depublier" => ReportStatus::Unpublished,
        "supprimer" => ReportStatus::Deleted,
        _ => return Err(AppError::NotFound),
    };
    let mut errors = FieldErrors::default();
    if status != ReportStatus::Dismissed && message.is_empty() {
        errors.add(
            "message",
            "Écrivez un message à l'auteur : il saura pourquoi sa ressource change.",
        );
    } else if message.chars().count() > 2000 {
        errors.add("message", "Le message fait 2 000 caractères au plus.");
    }
    if !errors.is_empty() {
        return list_page(&state, &user, Flash::default(), (rid, errors)).await;
    }
    let author = moderation_store::author_email(&state.db, &resource_id).await?;
    let mut tx = state.db.begin_write().await?;
    moderation_store::close(&mut tx, &rid, &resource_id, status, &message, &user.id).await?;
    let mut released = Vec::new();
    let what = match status {
        ReportStatus::Unpublished => {
            moderation_store::back_to_draft(&mut tx, &resource_id).await?;
            super::catalogue::changed(&mut tx, &resource_id).await?;
            "a été repassée en brouillon : vous seul·e la voyez, le temps de la corriger"
        }
        ReportStatus::Deleted => {
            released = super::store::delete(&mut tx, &resource_id).await?;
            "a été supprimée"
        }
        _ => "a été signalée ; la coordination n'y change rien",
    };
    if let Some(email) = author.filter(|_| !message.is_empty()) {
        crate::mail::queue(
            &mut tx,
            &email,
            &format!("Votre ressource « {title} »"),
            &format!(
                "Bonjour,\n\nVotre ressource « {title} » {what}.\n\nMessage de la coordination du réseau :\n{message}\n"
            ),
        )
        .await?;
    }
    tx.commit().await?;
    crate::files::release(&state.db, &state.files, released).await;
    Ok(Redirect::to("/reseau/signalements?info=signalement-traite").into_response())
}
