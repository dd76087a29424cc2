//! The one error type of the web layer, and the plain-French error pages.
//!
//! Policy — what a person sees, what the log keeps:
//! - **404** for what does not exist *and* for what belongs to another structure, so that
//!   nothing says whether an id exists elsewhere (tenancy, ARCHITECTURE invariant 1);
//! - **403** only where the page is the person's own but their role does not allow the action;
//! - **400** with a French sentence for a request no form of ours sends (forms answer their
//!   own errors next to the field, with 200 or 422, keeping what was typed);
//! - **503** when the database is out of reach (pool timeout, lost connection, server
//!   shutting down, SQLite still locked): "momentanément indisponible", try again — with
//!   `Retry-After`; the cause goes to the log at `warn`;
//! - **500** for everything else, a bug: the cause goes to the log at `error`, never to the
//!   page; the page says nothing already saved was lost (writes are transactions).
//!
//! A unique violation is a store's to turn into its own outcome ("ce nom existe déjà"); it
//! reaches this module only if a store forgot to, and is then a 500 like any bug.

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug)]
pub enum AppError {
    /// Not found, or not yours: both answer 404 so that nothing leaks.
    NotFound,
    Forbidden,
    /// Not signed in: redirect to the sign-in page, then back.
    LoginRequired(String),
    BadRequest(String),
    /// The database is out of reach for now: 503, the cause goes to the log.
    Unavailable(String),
    /// Something broke on our side; the detail goes to the log, not to the page.
    Internal(String),
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(e: crate::db::DbError) -> Self {
        if e.is_unavailable() {
            AppError::Unavailable(e.to_string())
        } else {
            AppError::Internal(e.to_string())
        }
    }
}
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        crate::db::DbError::from(e).into()
    }
}
impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub title: &'static str,
    pub message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            AppError::LoginRequired(next) => {
                let target = format!("/connexion?suite={}", super::forms::url_encode(&next));
                return Redirect::to(&target).into_response();
            }
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page introuvable",
                "Cette page n'existe pas ou n'est pas accessible avec votre compte.".to_string(),
            ),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Accès refusé",
                "Votre compte ne permet pas de faire cette action. Demandez à la personne qui administre votre structure.".to_string(),
            ),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Demande incorrecte", m),
            AppError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "database unavailable");
                let mut page = error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Maillon est momentanément indisponible",
                    "Maillon est momentanément indisponible : la base de données ne répond pas. Rien n'a été perdu de ce qui était déjà enregistré. Réessayez dans une minute ; si cela dure, prévenez la personne qui administre Maillon.".to_string(),
                );
                page.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
                return page;
            }
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Une erreur est survenue",
                    "Nous n'avons pas pu terminer cette action. Rien n'a été perdu de ce qui était déjà enregistré. Réessayez dans un instant ; si cela recommence, signalez-le à la personne qui administre Maillon.".to_string(),
                )
            }
        };
        error_page(status, title, message)
    }
}

pub fn error_page(status: StatusCode, title: &'static str, message: String) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        title,
        message,
    };
    match page.render() {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(_) => (status, title).into_response(),
    }
}

impl AppError {
    /// The page for this error, for layers that need a plain `Response`.
    pub fn into_response_page(self) -> Response {
        self.into_response()
    }
}

pub type AppResult<T> = Result<T, AppError>;
