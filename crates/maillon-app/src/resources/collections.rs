//! Collections: a person's own (their favourites are one, made when first needed) and
//! their structure's, shared with its team; resources in the order chosen. A collection
//! shows only the resources its reader may read.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::collection_store::{self, Collection, ItemAction};
use super::making_structures;
use super::model::Resource;
use super::routes::readable;
use crate::accounts::model::{CurrentUser, Role};
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::db::{Db, DbError};
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/collections", get(list))
        .route("/collections/nouvelle", get(new_form).post(create))
        .route("/collections/{cid}", get(show))
        .route("/collections/{cid}/supprimer", post(delete))
        .route("/collections/{cid}/ressources/{id}/{action}", post(item))
        .route("/ressources/{id}/favori", post(favourite))
        .route("/ressources/{id}/collection", post(add))
}

/// A collection the person may read (theirs, or their structure's), or 404.
async fn readable_collection(
    state: &AppState,
    user: &CurrentUser,
    cid: &str,
) -> AppResult<Collection> {
    collection_store::get(&state.db, cid)
        .await?
        .filter(|c| c.user_id == user.id || user.role_in(&c.structure_id).is_some())
        .ok_or(AppError::NotFound)
}

/// Whether the person may change the collection: theirs, or their structure's when they
/// make resources there.
fn can_change(user: &CurrentUser, c: &Collection) -> bool {
    c.user_id == user.id
        || matches!(
            user.role_in(&c.structure_id),
            Some(Role::StructureAdmin | Role::Mediator)
        )
}

/// Collections the person may add a resource to.
pub async fn changeable(db: &Db, user: &CurrentUser) -> Result<Vec<Collection>, DbError> {
    Ok(collection_store::of_user(db, user)
        .await?
        .into_iter()
        .filter(|c| can_change(user, c))
        .collect())
}

#[derive(Template)]
#[template(path = "resources/collections.html")]
struct ListPage {
    page: Page,
    collections: Vec<Collection>,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    flash: Flash,
) -> AppResult<Response> {
    let collections = collection_store::of_user(&state.db, &user).await?;
    let page = Page::new(&state, "Collections")
        .await
        .user(&user)
        .section("resources")
        .flash(flash);
    Ok(render(&ListPage { page, collections })?.into_response())
}

#[derive(Template)]
#[template(path = "resources/collection_form.html")]
struct FormPage {
    page: Page,
    form: FormData,
    errors: FieldErrors,
    structures: Vec<(StructureId, String)>,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    form: FormData,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = super::page(state, user, "Nouvelle collection").await;
    Ok(render(&FormPage {
        page,
        form,
        errors,
        structures: making_structures(user),
    })?
    .into_response())
}

async fn new_form(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    form_page(&state, &user, FormData::default(), FieldErrors::default()).await
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    form: FormData,
) -> AppResult<Response> {
    let (title, description, owner) = (
        form.get("title"),
        form.get("description"),
        form.get("owner"),
    );
    let mut errors = FieldErrors::default();
    if title.is_empty() {
        errors.add("title", "Donnez un titre à la collection.");
    } else if title.chars().count() > 150 {
        errors.add("title", "Le titre fait 150 caractères au plus.");
    }
    if description.chars().count() > 1000 {
        errors.add(
            "description",
            "La description fait 1 000 caractères au plus.",
        );
    }
    // "moi", or one of the structures where the person makes resources.
    let structure = making_structures(&user)
        .into_iter()
        .find(|(s, _)| *s == owner);
    if owner != "moi" && structure.is_none() {
        errors.add("owner", "Choisissez à qui est la collection.");
    }
    if !errors.is_empty() {
        return form_page(&state, &user, form, errors).await;
    }
    let owner = match &structure {
        Some((sid, _)) => (None, Some(sid.as_str())),
        None => (Some(user.id.as_str()), None),
    };
    let mut tx = state.db.begin_write().await?;
    let cid = collection_store::insert(&mut tx, owner, &title, &description, false).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/collections/{cid}")).into_response())
}

#[derive(Template)]
#[template(path = "resources/collection.html")]
struct ShowPage {
    page: Page,
    collection: Collection,
    resources: Vec<Resource>,
    editable: bool,
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<String>,
) -> AppResult<Response> {
    let collection = readable_collection(&state, &user, &cid).await?;
    let resources = collection_store::readable_items(&state.db, &user, &cid).await?;
    let page = super::page(&state, &user, collection.title.clone()).await;
    Ok(render(&ShowPage {
        page,
        editable: can_change(&user, &collection),
        collection,
        resources,
    })?
    .into_response())
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<String>,
) -> AppResult<Response> {
    let c = readable_collection(&state, &user, &cid).await?;
    if !can_change(&user, &c) {
        return Err(AppError::NotFound);
    }
    let mut tx = state.db.begin_write().await?;
    collection_store::delete(&mut tx, &cid).await?;
    tx.commit().await?;
    Ok(Redirect::to("/collections?info=collection-supprimee").into_response())
}

/// Adds a resource the person reads to one of the collections they may change.
async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    readable(&state, Some(&user), &id).await?;
    let cid = form.get("collection_id");
    let c = readable_collection(&state, &user, &cid).await?;
    if !can_change(&user, &c) {
        return Err(AppError::NotFound);
    }
    let mut tx = state.db.begin_write().await?;
    collection_store::put(&mut tx, &cid, &id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/ressources/{id}?info=ajoutee-collection")).into_response())
}

/// Adds to or takes out of the person's favourites (made the first time).
async fn favourite(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    readable(&state, Some(&user), &id).await?;
    let mut tx = state.db.begin_write().await?;
    collection_store::toggle_favourite(&mut tx, &user.id, &id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/ressources/{id}#outils")).into_response())
}

/// Move up, move down, take out of the collection.
async fn item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((cid, id, action)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let c = readable_collection(&state, &user, &cid).await?;
    if !can_change(&user, &c) {
        return Err(AppError::NotFound);
    }
    let action = ItemAction::parse(&action).ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    if !collection_store::change_item(&mut tx, &cid, &id, action).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/collections/{cid}")).into_response())
}
