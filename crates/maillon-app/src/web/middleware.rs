//! Middleware applied to every response: request id and logs, metrics, security headers,
//! and protection against cross-site requests.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::error::error_page;
use super::forms::{clean_text, is_control};
use crate::app::AppState;

/// Gives each request an id (or keeps a sane one from the proxy), logs it with its
/// outcome, counts it in the metrics and returns the id in `X-Request-Id`.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    let method = req.method().clone();
    // The route pattern, not the path: ids must not explode the metrics (or reach the logs).
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(aucune route)".to_string());
    let span = tracing::info_span!("request", id = %request_id, method = %method, route = %route);
    let mut response = next.run(req).instrument(span.clone()).await;
    let elapsed = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    span.in_scope(|| tracing::info!(status, ms = (elapsed * 1000.0) as u64, "answered"));
    state
        .metrics
        .record_request(method.as_str(), &route, status, elapsed);
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Marks a response that other sites may show in a frame (the embeddable programme).
#[derive(Clone, Copy)]
pub struct Embeddable;

const CSP_EMBEDDABLE: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    form-action 'self'; frame-ancestors *; base-uri 'none'";

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let embeddable = response.extensions().get::<Embeddable>().is_some();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if embeddable { CSP_EMBEDDABLE } else { CSP }),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !embeddable {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if state.config.secure_cookies() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Refuses state-changing requests that a browser sent from another site.
///
/// Browsers say where a request comes from in `Sec-Fetch-Site` (all current ones) or
/// `Origin` (older ones). A request with neither did not come from a browser, so it
/// carries no victim's cookies. See docs/decisions/0004-csrf.md.
pub async fn cross_site_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let allowed = if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        site == "same-origin" || site == "none"
    } else if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        // Scheme, host and port, all three: `https://host` is another origin than
        // `http://host`, as `http://host:8081` is than `http://host:8080`.
        let ours = origin_of(&state.config.public_url);
        let scheme = ours.split("://").next().unwrap_or("http");
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        origin == ours || (!host.is_empty() && origin == format!("{scheme}://{host}"))
    } else {
        true
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!("cross-site request refused");
        error_page(
            StatusCode::FORBIDDEN,
            "Action refusée",
            "Cette action venait d'un autre site : par sécurité, elle n'a pas été faite. Revenez sur Maillon et recommencez.".into(),
        )
    }
}

/// `scheme://host[:port]` of an address, as browsers write it in `Origin`.
fn origin_of(url: &str) -> &str {
    match url.find("://") {
        Some(i) => match url[i + 3..].find('/') {
            Some(j) => &url[..i + 3 + j],
            None => url,
        },
        None => url,
    }
}

pub async fn not_found() -> impl IntoResponse {
    super::error::AppError::NotFound
}

/// Keeps control characters out of every request's path and query string, before any
/// handler reads them: a path holding one (`/ateliers/%00`) names nothing here and answers
/// 404; a query value holding one is cleaned like a form's (`forms::clean_text`), so that
/// no search, filter or redirect target carries a NUL byte to PostgreSQL or a `\x01`
/// into a feed.
pub async fn clean_uri(mut req: Request, next: Next) -> Response {
    let uri = req.uri();
    let path_is_clean = percent_encoding::percent_decode_str(uri.path())
        .decode_utf8()
        .is_ok_and(|p| !p.chars().any(is_control));
    if !path_is_clean {
        return super::error::AppError::NotFound.into_response();
    }
    if let Some(query) = uri.query() {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let dirty = pairs
            .iter()
            .any(|(k, v)| k.chars().chain(v.chars()).any(is_control));
        if dirty {
            let cleaned: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs.iter().map(|(k, v)| (clean_text(k), clean_text(v))))
                .finish();
            let mut parts = uri.clone().into_parts();
            let path_and_query = format!("{}?{cleaned}", uri.path());
            match path_and_query.parse() {
                Ok(pq) => parts.path_and_query = Some(pq),
                Err(_) => return super::error::AppError::NotFound.into_response(),
            }
            match axum::http::Uri::from_parts(parts) {
                Ok(clean) => *req.uri_mut() = clean,
                Err(_) => return super::error::AppError::NotFound.into_response(),
            }
        }
    }
    next.run(req).await
}
