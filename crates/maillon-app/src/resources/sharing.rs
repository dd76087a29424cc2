//! Public resources beyond this instance: an Atom feed that sites and feed readers
//! follow, and a JSON list that other Maillon instances and sites read (paged, newest
//! changes first, with the vocabularies' codes and labels and the licence).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use super::model::Resource;
use super::store;
use super::vocab::{self, PUBLICS, SECTORS, TYPES};
use crate::activities::vocab::{label, Choice, LEVELS};
use crate::app::AppState;
use crate::web::atom::{self, Entry};
use crate::web::error::AppResult;
use crate::web::forms::Query;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ressources.atom", get(feed))
        .route("/api/ressources.json", get(api))
}

const PAGE: i64 = 100;

async fn feed(State(state): State<AppState>) -> AppResult<Response> {
    let base = &state.config.public_url;
    let entries: Vec<Entry> = store::public_page(&state.db, 0, 50)
        .await?
        .into_iter()
        .map(|r| Entry {
            url: format!("{base}/ressources/{}", r.id),
            updated: r.updated_at,
            author: format!("{}, {}", r.author_name, r.structure_name),
            summary: r.summary,
            title: r.title,
        })
        .collect();
    Ok(atom::feed(
        "Ressources partagées",
        &format!("{base}/ressources"),
        &format!("{base}/ressources.atom"),
        &entries,
    ))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

fn coded(codes: &[String], list: &[Choice]) -> Value {
    codes
        .iter()
        .map(|c| json!({ "code": c, "label": label(list, c) }))
        .collect()
}

fn to_json(r: &Resource, base: &str) -> Value {
    let licence = r.licence();
    json!({
        "id": r.id,
        "url": format!("{base}/ressources/{}", r.id),
        "title": r.title,
        "summary": r.summary,
        "author": r.author_name,
        "structure": r.structure_name,
        "themes": r.themes.iter().map(|c| json!({ "code": c, "label": vocab::theme_label(c) })).collect::<Vec<_>>(),
        "types": coded(&r.types, TYPES),
        "publics": coded(&r.publics, PUBLICS),
        "sectors": coded(&r.sectors, SECTORS),
        "level": if r.level.is_empty() { Value::Null } else { json!({ "code": r.level, "label": label(LEVELS, &r.level) }) },
        "duration_minutes": r.duration_minutes,
        "licence": { "code": licence.code, "label": licence.label, "url": licence.url, "adaptation_allowed": licence.allows_adaptation },
        "sources": r.sources.iter().map(|s| json!({ "title": s.title, "url": s.url })).collect::<Vec<_>>(),
        "adapted_from": if r.adapted_from_title.is_empty() { Value::Null } else {
            json!({ "title": r.adapted_from_title, "author": r.adapted_from_author, "structure": r.adapted_from_structure })
        },
        "updated_at": jiff::Timestamp::from_second(r.updated_at).map(|t| t.to_string()).unwrap_or_default(),
    })
}

/// `?page=1` (the default), 100 per page; `next` is the following page's address, or
/// null on the last one.
async fn api(State(state): State<AppState>, Query(q): Query<PageQuery>) -> AppResult<Response> {
    let page = crate::web::forms::page_number(q.page);
    let base = &state.config.public_url;
    let mut list = store::public_page(&state.db, (page - 1) * PAGE, PAGE + 1).await?;
    let more = list.len() as i64 > PAGE;
    list.truncate(PAGE as usize);
    let body = json!({
        "resources": list.iter().map(|r| to_json(r, base)).collect::<Vec<_>>(),
        "page": page,
        "next": if more { json!(format!("{base}/api/ressources.json?page={}", page + 1)) } else { Value::Null },
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body.to_string(),
    )
        .into_response())
}
