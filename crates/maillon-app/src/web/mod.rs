//! The shared web shell: errors, forms, middleware, metrics and static files. It names
//! no capability (the layout, which knows users and structures, is `app::page`).

pub mod atom;
pub mod error;
pub mod forms;
pub mod metrics;
pub mod middleware;

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::app::AppState;
use error::AppError;

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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/maillon.css", get(stylesheet))
        .route("/static/letters.css", get(letters_stylesheet))
        .route("/static/maillon.js", get(script))
}
