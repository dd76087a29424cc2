//! What colleagues say of a resource: "Recommandez-vous cette ressource ?" with a comment,
//! one answer per person that they may change, and "I used it with my public".
//! The author does not answer for their own resource.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::feedback_store;
pub use super::feedback_store::{has_used, reviews, Review};
use super::model::Resource;
use super::routes::readable;
use super::vocab::RATINGS;
use crate::accounts::model::CurrentUser;
use crate::app::page::Page;
use crate::app::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ressources/{id}/avis", get(form).post(save))
        .route("/ressources/{id}/utilisee", post(used))
}

/// A resource the person may give their opinion on: they read it and did not make it.
async fn reviewable(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<Resource> {
    let r = readable(state, Some(user), id).await?;
    if r.author_id == user.id {
        return Err(AppError::NotFound);
    }
    Ok(r)
}

#[derive(Template)]
#[template(path = "resources/review.html")]
struct FormPage {
    page: Page,
    resource: Resource,
    rating: String,
    comment: String,
    errors: FieldErrors,
    ratings: &'static [(i64, &'static str)],
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    resource: Resource,
    form: (String, String),
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = super::page(state, user, format!("Votre avis : {}", resource.title)).await;
    Ok(render(&FormPage {
        page,
        resource,
        rating: form.0,
        comment: form.1,
        errors,
        ratings: RATINGS,
    })?
    .into_response())
}

async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let resource = reviewable(&state, &user, &id).await?;
    let mine = reviews(&state.db, &id)
        .await?
        .into_iter()
        .find(|r| r.user_id == user.id);
    let form = mine
        .map(|r| (r.rating.to_string(), r.comment))
        .unwrap_or_default();
    page(&state, &user, resource, form, FieldErrors::default()).await
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let resource = reviewable(&state, &user, &id).await?;
    let (rating_text, comment) = (form.get("rating"), form.get("comment"));
    let mut errors = FieldErrors::default();
    let rating = rating_text
        .parse::<i64>()
        .ok()
        .filter(|r| (1..=4).contains(r));
    if rating.is_none() {
        errors.add(
            "rating",
            "Choisissez une réponse : Non, Moyen, Oui ou Beaucoup.",
        );
    }
    if comment.chars().count() > 1000 {
        errors.add("comment", "Le commentaire fait 1 000 caractères au plus.");
    }
    let Some(rating) = rating.filter(|_| errors.is_empty()) else {
        return page(&state, &user, resource, (rating_text, comment), errors).await;
    };
    let mut tx = state.db.begin_write().await?;
    feedback_store::save_review(&mut tx, &id, &user.id, rating, &comment).await?;
    // Opinions order the "most recommended" searches.
    super::catalogue::changed(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/ressources/{id}?info=avis-enregistre#avis")).into_response())
}

/// "J'ai utilisé cette ressource avec mon public", or taking it back.
async fn used(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    reviewable(&state, &user, &id).await?;
    let mut tx = state.db.begin_write().await?;
    feedback_store::toggle_used(&mut tx, &id, &user.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/ressources/{id}#avis")).into_response())
}
