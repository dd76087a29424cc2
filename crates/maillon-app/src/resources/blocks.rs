//! Editing a resource's content, block by block, with plain forms: add one at the end,
//! change it, move it up or down, delete it. No JavaScript is needed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::model::{self, Block, Resource};
use super::routes::editable;
use super::store;
use crate::accounts::model::CurrentUser;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::page::Page;
use crate::web::{render, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ressources/{id}/blocs/nouveau", get(new_form).post(create))
        .route(
            "/ressources/{id}/blocs/{bid}/modifier",
            get(edit_form).post(edit),
        )
        .route("/ressources/{id}/blocs/{bid}/{action}", post(act))
}

#[derive(Template)]
#[template(path = "resources/block_form.html")]
struct FormPage {
    page: Page,
    resource: Resource,
    action: String,
    block: Block,
    errors: FieldErrors,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    resource: Resource,
    action: String,
    block: Block,
    errors: FieldErrors,
) -> AppResult<Response> {
    let title = format!("{} : {}", block.kind_label(), resource.title);
    let page = Page::new(state, title)
        .await
        .user(user)
        .section("resources");
    Ok(render(&FormPage {
        page,
        resource,
        action,
        block,
        errors,
    })?
    .into_response())
}

#[derive(Deserialize)]
struct KindQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// A kind of block we know, or 404.
fn known_kind(kind: &str) -> AppResult<String> {
    model::BLOCK_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(k, _)| k.to_string())
        .ok_or(AppError::NotFound)
}

async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<KindQuery>,
) -> AppResult<Response> {
    let resource = editable(&state, &user, &id).await?;
    let kind = known_kind(&q.kind.unwrap_or_default())?;
    let block = Block {
        kind,
        ..Block::default()
    };
    form_page(
        &state,
        &user,
        resource,
        format!("/ressources/{id}/blocs/nouveau"),
        block,
        FieldErrors::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let resource = editable(&state, &user, &id).await?;
    let kind = known_kind(&form.get("kind"))?;
    match model::block_from_form(&kind, &form) {
        Err((block, errors)) => {
            let action = format!("/ressources/{id}/blocs/nouveau");
            form_page(&state, &user, resource, action, block, errors).await
        }
        Ok(block) => {
            let mut tx = state.db.begin_write().await?;
            store::add_block(&mut tx, &id, &block).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/ressources/{id}?info=bloc-ajoute#contenu")).into_response())
        }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, bid)): Path<(String, String)>,
) -> AppResult<Response> {
    let resource = editable(&state, &user, &id).await?;
    let block = store::block(&state.db, &id, &bid)
        .await?
        .ok_or(AppError::NotFound)?;
    let action = format!("/ressources/{id}/blocs/{bid}/modifier");
    form_page(
        &state,
        &user,
        resource,
        action,
        block,
        FieldErrors::default(),
    )
    .await
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, bid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let resource = editable(&state, &user, &id).await?;
    let current = store::block(&state.db, &id, &bid)
        .await?
        .ok_or(AppError::NotFound)?;
    match model::block_from_form(&current.kind, &form) {
        Err((mut block, errors)) => {
            block.id = bid.clone();
            let action = format!("/ressources/{id}/blocs/{bid}/modifier");
            form_page(&state, &user, resource, action, block, errors).await
        }
        Ok(block) => {
            let mut tx = state.db.begin_write().await?;
            store::update_block(&mut tx, &id, &bid, &block).await?;
            tx.commit().await?;
            Ok(
                Redirect::to(&format!("/ressources/{id}?info=enregistre#bloc-{bid}"))
                    .into_response(),
            )
        }
    }
}

/// Move up, move down, delete.
async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, bid, action)): Path<(String, String, String)>,
) -> AppResult<Response> {
    editable(&state, &user, &id).await?;
    store::block(&state.db, &id, &bid)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let (info, anchor) = match action.as_str() {
        "monter" => {
            store::move_block(&mut tx, &id, &bid, true).await?;
            ("", format!("#bloc-{bid}"))
        }
        "descendre" => {
            store::move_block(&mut tx, &id, &bid, false).await?;
            ("", format!("#bloc-{bid}"))
        }
        "supprimer" => {
            store::delete_block(&mut tx, &id, &bid).await?;
            ("?info=bloc-supprime", "#contenu".to_string())
        }
        _ => return Err(AppError::NotFound),
    };
    tx.commit().await?;
    Ok(Redirect::to(&format!("/ressources/{id}{info}{anchor}")).into_response())
}
