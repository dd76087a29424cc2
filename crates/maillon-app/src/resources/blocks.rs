//! Editing a resource's content, block by block, with plain forms: add one at the end,
//! change it, move it up or down, delete it. No JavaScript is needed.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::model::{self, Block, Resource};
use super::routes::editable;
use super::store;
use crate::accounts::model::CurrentUser;
use crate::app::page::Page;
use crate::app::AppState;
use crate::files::sniff::{self, Kind};
use crate::files::upload::{self, UploadForm};
use crate::files::{self, StoredFile};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, Query};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/ressources/{id}/blocs/nouveau",
            get(new_form)
                .post(create)
                .layer(DefaultBodyLimit::max(upload::BODY_CAP)),
        )
        .route(
            "/ressources/{id}/blocs/{bid}/modifier",
            get(edit_form)
                .post(edit)
                .layer(DefaultBodyLimit::max(upload::BODY_CAP)),
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
    /// Image and file blocks: what the file field accepts, and its hint.
    accept: String,
    hint: String,
}

/// What the file of a block of `kind` may be.
fn allowed(kind: &str) -> &'static [&'static Kind] {
    if kind == "image" {
        sniff::IMAGES
    } else {
        sniff::DOCUMENTS
    }
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
    let kinds = allowed(&block.kind);
    let (accept, hint) = (
        super::files::accept(kinds),
        super::files::hint(state, kinds),
    );
    let page = super::page(state, user, title).await;
    Ok(render(&FormPage {
        page,
        resource,
        action,
        block,
        errors,
        accept,
        hint,
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

/// Reads a block's form and its file (required for a new image or file block). On success
/// the file's bytes are stored and returned, ready to be recorded.
async fn read_block(
    state: &AppState,
    kind: &str,
    form: &UploadForm,
    file_required: bool,
) -> Result<(Block, Option<(files::Prepared, String)>), (Block, FieldErrors)> {
    let (block, mut errors) = match model::block_from_form(kind, &form.form) {
        Ok(b) => (b, FieldErrors::default()),
        Err(e) => e,
    };
    if !block.has_file() {
        return if errors.is_empty() {
            Ok((block, None))
        } else {
            Err((block, errors))
        };
    }
    let prepared = super::files::checked(
        state,
        form,
        "file",
        allowed(kind),
        file_required,
        &mut errors,
    )
    .await;
    if !errors.is_empty() {
        return Err((block, errors));
    }
    let Some(prepared) = prepared else {
        return Ok((block, None));
    };
    match super::files::put(state, &prepared, "file", &mut errors).await {
        Some(key) => Ok((block, Some((prepared, key)))),
        None => Err((block, errors)),
    }
}

/// Records a stored upload in `tx` and points the block to it.
async fn record_file(
    tx: &mut crate::db::Tx,
    resource: &Resource,
    block: &mut Block,
    upload: Option<(files::Prepared, String)>,
) -> AppResult<()> {
    if let Some((prepared, key)) = upload {
        let id = files::insert(tx, &resource.structure_id, &resource.id, &key, &prepared).await?;
        block.file = Some(StoredFile::recorded(id));
    }
    Ok(())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    form: UploadForm,
) -> AppResult<Response> {
    let resource = editable(&state, &user, &id).await?;
    let kind = known_kind(&form.form.get("kind"))?;
    match read_block(&state, &kind, &form, true).await {
        Err((block, errors)) => {
            let action = format!("/ressources/{id}/blocs/nouveau");
            form_page(&state, &user, resource, action, block, errors).await
        }
        Ok((mut block, upload)) => {
            let mut tx = state.db.begin_write().await?;
            record_file(&mut tx, &resource, &mut block, upload).await?;
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
    form: UploadForm,
) -> AppResult<Response> {
    let resource = editable(&state, &user, &id).await?;
    let current = store::block(&state.db, &id, &bid)
        .await?
        .ok_or(AppError::NotFound)?;
    let file_required = current.has_file() && current.file.is_none();
    match read_block(&state, &current.kind, &form, file_required).await {
        Err((mut block, errors)) => {
            block.id = bid.clone();
            block.file = current.file;
            let action = format!("/ressources/{id}/blocs/{bid}/modifier");
            form_page(&state, &user, resource, action, block, errors).await
        }
        Ok((mut block, upload)) => {
            let mut tx = state.db.begin_write().await?;
            record_file(&mut tx, &resource, &mut block, upload).await?;
            let old = store::update_block(&mut tx, &id, &bid, &block).await?;
            tx.commit().await?;
            files::release(&state.db, &state.files, old.into_iter().collect()).await;
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
    let mut released = None;
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
            released = store::delete_block(&mut tx, &id, &bid).await?;
            ("?info=bloc-supprime", "#contenu".to_string())
        }
        _ => return Err(AppError::NotFound),
    };
    tx.commit().await?;
    files::release(&state.db, &state.files, released.into_iter().collect()).await;
    Ok(Redirect::to(&format!("/ressources/{id}{info}{anchor}")).into_response())
}
