//! Sessions: a random token in an HttpOnly cookie, its hash in the database (so any app
//! server can read it), with an idle and an absolute expiry.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Redirect, Response};

use super::model::CurrentUser;
use super::{store, tokens};
use crate::app::AppState;
use crate::config::Config;
use crate::db::now;
use crate::web::error::AppError;

fn cookie_name(config: &Config) -> &'static str {
    // The __Host- prefix makes browsers refuse the cookie unless it is Secure, path /, no domain.
    if config.secure_cookies() {
        "__Host-maillon"
    } else {
        "maillon"
    }
}

fn cookie_token(parts: &Parts, config: &Config) -> Option<String> {
    let name = cookie_name(config);
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
        .map(|(_, v)| v.to_string())
}

fn cookie(config: &Config, value: &str, max_age: i64) -> HeaderValue {
    let secure = if config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        cookie_name(config)
    );
    HeaderValue::from_str(&text).expect("cookie is ASCII")
}

/// Opens a session and redirects to `next` with its cookie.
pub async fn sign_in(state: &AppState, user_id: &str, next: &str) -> Result<Response, AppError> {
    let token = tokens::new_token();
    store::create_session(
        &state.db,
        user_id,
        &tokens::hash(&token),
        state.config.session_max_hours,
    )
    .await?;
    let mut response = Redirect::to(next).into_response();
    response.headers_mut().append(
        SET_COOKIE,
        cookie(&state.config, &token, state.config.session_max_hours * 3600),
    );
    Ok(response)
}

/// Ends this session and clears its cookie.
pub async fn sign_out(
    state: &AppState,
    user: &CurrentUser,
    next: &str,
) -> Result<Response, AppError> {
    store::delete_session(&state.db, &user.session_hash).await?;
    let mut response = Redirect::to(next).into_response();
    response
        .headers_mut()
        .append(SET_COOKIE, cookie(&state.config, "", 0));
    Ok(response)
}

async fn load(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = cookie_token(parts, &state.config) else {
        return Ok(None);
    };
    let hash = tokens::hash(&token);
    let Some(session) = store::find_session(&state.db, &hash).await? else {
        return Ok(None);
    };
    let t = now();
    if t >= session.expires_at || t - session.last_seen_at > state.config.session_idle_minutes * 60
    {
        store::delete_session(&state.db, &hash).await?;
        return Ok(None);
    }
    // Written at most once a minute, so that reading a page stays a read.
    if t - session.last_seen_at >= 60 {
        store::touch_session(&state.db, &hash).await?;
    }
    let memberships = store::memberships(&state.db, &session.user_id).await?;
    Ok(Some(store::to_current(session, memberships, hash)))
}

/// A signed-in person; others are sent to the sign-in page, and back afterwards.
impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        load(parts, state)
            .await?
            .ok_or(AppError::LoginRequired(next))
    }
}

/// The signed-in person, if any (public pages).
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(load(parts, state).await?))
    }
}
