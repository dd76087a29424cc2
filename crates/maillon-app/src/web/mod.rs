//! The shared web shell: state, layout, errors, forms, middleware and static files.

pub mod atom;
pub mod error;
pub mod forms;
pub mod metrics;
pub mod middleware;
pub mod page;

use std::sync::Arc;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::config::Config;
use crate::db::Db;
use crate::jobs::Jobs;
use error::AppError;
use metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub jobs: Jobs,
    /// Where uploaded files' bytes are kept.
    pub files: Arc<crate::files::Storage>,
    /// The resources' catalogue, for searching (resources/catalogue.rs).
    pub catalogue: Arc<crate::resources::catalogue::Catalogue>,
}

/// Renders a template, or the 500 page if the template itself fails.
pub fn render(t: &impl askama::Template) -> Result<Html<String>, AppError> {
    Ok(Html(t.render()?))
}

const CSS: &str = include_str!("../../static/maillon.css");
const JS: &str = include_str!("../../static/maillon.js");
const LETTERS_CSS: &str = include_str!("../../static/letters.css");

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
        .into_response()
}

fn css_response(css: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        css,
    )
        .into_response()
}

async fn stylesheet() -> Response {
    static COMPACT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    css_response(COMPACT.get_or_init(|| compact_css(CSS)))
}

async fn letters_stylesheet() -> Response {
    static COMPACT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    css_response(COMPACT.get_or_init(|| compact_css(LETTERS_CSS)))
}

/// A stylesheet as served: without its comments and indentation (the source keeps
/// them for readers). Every page loads the main one, so its bytes count.
fn compact_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    // Spaces around punctuation carry no meaning (our stylesheet has no quoted text
    // where they would); spaces between values and in selectors are kept.
    out.lines()
        .map(|l| {
            l.trim()
                .replace(": ", ":")
                .replace("; ", ";")
                .replace(", ", ",")
                .replace(" {", "{")
                .replace("{ ", "{")
                .replace(" }", "}")
                .replace(";}", "}")
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
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

async fn metrics_page(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: HeaderMap,
) -> Response {
    // Open without a token only to the machine itself (bound to loopback): counts of
    // requests and jobs say how the centre works, and are nobody else's business.
    match &state.config.metrics_token {
        Some(token) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            // Compared through their hashes: the time taken says nothing of the token.
            let expected = crate::accounts::tokens::hash(&format!("Bearer {token}"));
            if crate::accounts::tokens::hash(given) != expected {
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/maillon.css", get(stylesheet))
        .route("/static/letters.css", get(letters_stylesheet))
        .route("/static/maillon.js", get(script))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_page))
}
