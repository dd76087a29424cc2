//! What colleagues say of a resource: "Recommandez-vous cette ressource ?" with a comment,
//! one answer per person that they may change, and "I used it with my public".
//! The author does not answer for their own resource.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::model::Resource;
use super::routes::readable;
use super::vocab::RATINGS;
use crate::accounts::model::CurrentUser;
use crate::db::{self, now, text, Db, DbError};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::page::Page;
use crate::web::{render, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ressources/{id}/avis", get(form).post(save))
        .route("/ressources/{id}/utilisee", post(used))
}

/// One answer, as the resource's page shows it.
pub struct Review {
    pub user_id: String,
    pub name: String,
    pub rating: i64,
    pub comment: String,
}

impl Review {
    pub fn label(&self) -> &'static str {
        super::vocab::rating_label(self.rating)
    }
}

pub async fn reviews(db: &Db, resource_id: &str) -> Result<Vec<Review>, DbError> {
    sqlx::query(
        "SELECT v.user_id, u.name, v.rating, v.comment FROM resource_reviews v JOIN users u ON u.id = v.user_id \
         WHERE v.resource_id = $1 ORDER BY v.updated_at DESC",
    )
    .bind(resource_id)
    .fetch_all(db.read())
    .await?
    .iter()
    .map(|r| Ok::<_, DbError>(Review {
        user_id: text(r, "user_id")?,
        name: text(r, "name")?,
        rating: db::int(r, "rating")?,
        comment: text(r, "comment")?,
    }))
    .collect::<Result<_, DbError>>()
}

/// Whether `user_id` said they used the resource.
pub async fn has_used(db: &Db, resource_id: &str, user_id: &str) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM resource_uses WHERE resource_id = $1 AND user_id = $2",
    )
    .bind(resource_id)
    .bind(user_id)
    .fetch_one(db.read())
    .await?;
    Ok(n > 0)
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
    let t = now();
    sqlx::query(
        "INSERT INTO resource_reviews (resource_id, user_id, rating, comment, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (resource_id, user_id) DO UPDATE SET rating = $3, comment = $4, updated_at = $5",
    )
    .bind(id.clone())
    .bind(user.id.clone())
    .bind(rating)
    .bind(comment)
    .bind(t)
    .execute(&mut *tx)
    .await?;
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
    let removed = sqlx::query("DELETE FROM resource_uses WHERE resource_id = $1 AND user_id = $2")
        .bind(id.clone())
        .bind(user.id.clone())
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO resource_uses (resource_id, user_id, used_at) VALUES ($1, $2, $3)",
        )
        .bind(id.clone())
        .bind(user.id.clone())
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/ressources/{id}#avis")).into_response())
}
