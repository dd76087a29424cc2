//! Public news: a message the centre chose to publish, on a public page and an Atom
//! feed (one structure's with `?structure=`, or the whole network's).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::model::Message;
use crate::app::page::Page;
use crate::app::AppState;
use crate::tenancy::Scope;
use crate::web::atom::{self, Entry};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::Query;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/actualites", get(list))
        .route("/actualites.atom", get(feed))
        .route("/actualites/{mid}", get(item))
}

#[derive(Deserialize, Default)]
struct NewsQuery {
    structure: Option<String>,
}

/// (message, structure id, structure name, date)
type Item = (Message, String, String, String);

async fn items(state: &AppState, structure: &str, limit: i64) -> AppResult<Vec<Item>> {
    let scope = if structure.is_empty() {
        Scope::Public
    } else {
        Scope::PublishedBy(structure)
    };
    Ok(super::store::news(&state.db, scope, limit)
        .await?
        .into_iter()
        .map(|(m, sid, name)| {
            let date = m
                .published_at
                .map(|at| crate::mail::routes::local_time(state, at))
                .unwrap_or_default();
            (m, sid, name, date)
        })
        .collect())
}

#[derive(Template)]
#[template(path = "messages/news.html")]
struct NewsPage {
    page: Page,
    items: Vec<Item>,
    structure: String,
}

async fn list(State(state): State<AppState>, Query(q): Query<NewsQuery>) -> AppResult<Response> {
    let structure = q.structure.unwrap_or_default();
    let items = items(&state, &structure, 50).await?;
    let title = match items.first() {
        Some((_, _, name, _)) if !structure.is_empty() => format!("Actualités — {name}"),
        _ => "Actualités".to_string(),
    };
    let page = Page::new(&state, title).await;
    Ok(render(&NewsPage {
        page,
        items,
        structure,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "messages/news_item.html")]
struct ItemPage {
    page: Page,
    item: Item,
}

async fn item(State(state): State<AppState>, Path(mid): Path<String>) -> AppResult<Response> {
    let (m, sid, name) = super::store::published(&state.db, &mid)
        .await?
        .ok_or(AppError::NotFound)?;
    let date = m
        .published_at
        .map(|at| crate::mail::routes::local_time(&state, at))
        .unwrap_or_default();
    let item = (m, sid, name, date);
    let page = Page::new(&state, item.0.subject.clone()).await;
    Ok(render(&ItemPage { page, item })?.into_response())
}

async fn feed(State(state): State<AppState>, Query(q): Query<NewsQuery>) -> AppResult<Response> {
    let structure = q.structure.unwrap_or_default();
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let items = items(&state, &structure, 50).await?;
    let entries: Vec<Entry> = items
        .iter()
        .map(|(m, _, name, _)| Entry {
            title: m.subject.clone(),
            url: format!("{base}/actualites/{}", m.id),
            updated: m.published_at.unwrap_or_default(),
            summary: m.body.clone(),
            author: name.clone(),
        })
        .collect();
    let query = if structure.is_empty() {
        String::new()
    } else {
        format!("?structure={structure}")
    };
    Ok(atom::feed(
        "Actualités",
        &format!("{base}/actualites{query}"),
        &format!("{base}/actualites.atom{query}"),
        &entries,
    ))
}
