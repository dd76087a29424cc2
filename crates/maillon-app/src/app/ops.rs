//! What the people who run Maillon ask of it: is it up, and how is it doing.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::AppState;
use crate::accounts::tokens;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_page))
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "base de données injoignable\n",
            )
                .into_response()
        }
    }
}

async fn metrics_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    // Open without a token only to the machine itself (bound to loopback): counts of
    // requests and jobs say how the centre works, and are nobody else's business.
    match &state.config.metrics_token {
        Some(token) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            // Compared through their hashes: the time taken says nothing of the token.
            let expected = tokens::hash(&format!("Bearer {token}"));
            if tokens::hash(given) != expected {
                return (StatusCode::UNAUTHORIZED, "jeton requis\n").into_response();
            }
        }
        None if !state.config.addr.ip().is_loopback() => {
            return (
                StatusCode::FORBIDDEN,
                "/metrics : définissez MAILLON_METRICS_TOKEN (Maillon écoute au-delà de cette machine)\n",
            )
                .into_response();
        }
        None => {}
    }
    let queue = crate::jobs::store::counts_by_status(&state.db)
        .await
        .unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(&queue),
    )
        .into_response()
}
