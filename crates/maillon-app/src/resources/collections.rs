//! Collections: a person's own (their favourites are one, made when first needed) and
//! their structure's, shared with its team; resources in the order chosen. A collection
//! shows only the resources its reader may read.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::model::Resource;
use super::routes::readable;
use super::{making_structures, store};
use crate::accounts::model::{CurrentUser, Role};
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::page::{Flash, Page};
use crate::web::{render, AppState};

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

#[derive(Clone, Debug, Default)]
pub struct Collection {
    pub id: String,
    pub user_id: String,
    pub structure_id: String,
    pub structure_name: String,
    pub title: String,
    pub description: String,
    pub favourites: bool,
    pub items: i64,
}

const COLUMNS: &str =
    "c.id, COALESCE(c.user_id, '') AS user_id, COALESCE(c.structure_id, '') AS structure_id, \
    COALESCE(st.name, '') AS structure_name, c.title, c.description, c.favourites, \
    (SELECT COUNT(*) FROM collection_items i WHERE i.collection_id = c.id) AS items \
    FROM collections c LEFT JOIN structures st ON st.id = c.structure_id";

fn from_row(r: &AnyRow) -> Result<Collection, DbError> {
    Ok(Collection {
        id: text(r, "id")?,
        user_id: text(r, "user_id")?,
        structure_id: text(r, "structure_id")?,
        structure_name: text(r, "structure_name")?,
        title: text(r, "title")?,
        description: text(r, "description")?,
        favourites: db::flag(r, "favourites")?,
        items: db::int(r, "items")?,
    })
}

/// The person's collections, then their structures' (favourites first).
async fn of_user(db: &Db, user: &CurrentUser) -> Result<Vec<Collection>, DbError> {
    let mut all: Vec<Collection> = sqlx::query(&format!(
        "SELECT {COLUMNS} WHERE c.user_id = $1 ORDER BY c.favourites DESC, c.title"
    ))
    .bind(user.id.clone())
    .fetch_all(db.read())
    .await?
    .iter()
    .map(from_row)
    .collect::<Result<_, DbError>>()?;
    for m in &user.memberships {
        all.extend(
            sqlx::query(&format!(
                "SELECT {COLUMNS} WHERE c.structure_id = $1 ORDER BY c.title"
            ))
            .bind(m.structure_id.clone())
            .fetch_all(db.read())
            .await?
            .iter()
            .map(from_row)
            .collect::<Result<Vec<_>, DbError>>()?,
        );
    }
    Ok(all)
}

/// A collection the person may read (theirs, or their structure's), or 404.
async fn readable_collection(
    state: &AppState,
    user: &CurrentUser,
    cid: &str,
) -> AppResult<Collection> {
    sqlx::query(&format!("SELECT {COLUMNS} WHERE c.id = $1"))
        .bind(cid)
        .fetch_optional(state.db.read())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?
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
    Ok(of_user(db, user)
        .await?
        .into_iter()
        .filter(|c| can_change(user, c))
        .collect())
}

/// Whether the resource is in the person's favourites.
pub async fn is_favourite(db: &Db, user_id: &str, resource_id: &str) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM collection_items i JOIN collections c ON c.id = i.collection_id \
         WHERE c.user_id = $1 AND c.favourites = 1 AND i.resource_id = $2",
    )
    .bind(user_id)
    .bind(resource_id)
    .fetch_one(db.read())
    .await?;
    Ok(n > 0)
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
    let collections = of_user(&state.db, &user).await?;
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
    structures: Vec<(String, String)>,
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

async fn insert(
    tx: &mut Tx,
    owner: (Option<&str>, Option<&str>),
    title: &str,
    description: &str,
    favourites: bool,
) -> Result<String, DbError> {
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO collections (id, user_id, structure_id, title, description, favourites, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(id.clone())
    .bind(owner.0.map(str::to_string))
    .bind(owner.1.map(str::to_string))
    .bind(title)
    .bind(description)
    .bind(i64::from(favourites))
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
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
    let cid = insert(&mut tx, owner, &title, &description, false).await?;
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
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT resource_id FROM collection_items WHERE collection_id = $1 ORDER BY position, added_at",
    )
    .bind(cid.clone())
    .fetch_all(state.db.read())
    .await?;
    let mut resources = Vec::new();
    for id in ids {
        // Only what this reader may read: a resource made private since stays hidden.
        if let Some(r) = store::get(&state.db, &id).await? {
            if super::can_read(Some(&user), &r) {
                resources.push(r);
            }
        }
    }
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
    sqlx::query("DELETE FROM collections WHERE id = $1")
        .bind(cid)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Redirect::to("/collections?info=collection-supprimee").into_response())
}

/// Puts a resource at the end of a collection (nothing if it is there already).
async fn put(tx: &mut Tx, cid: &str, resource_id: &str) -> Result<(), DbError> {
    let last: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), -1) FROM collection_items WHERE collection_id = $1",
    )
    .bind(cid)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO collection_items (collection_id, resource_id, position, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(cid)
    .bind(resource_id)
    .bind(last + 1)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
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
    put(&mut tx, &cid, &id).await?;
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
    let existing: Option<String> =
        sqlx::query_scalar("SELECT id FROM collections WHERE user_id = $1 AND favourites = 1")
            .bind(user.id.clone())
            .fetch_optional(&mut *tx)
            .await?;
    let cid = match existing {
        Some(c) => c,
        None => insert(&mut tx, (Some(&user.id), None), "Mes favoris", "", true).await?,
    };
    let removed =
        sqlx::query("DELETE FROM collection_items WHERE collection_id = $1 AND resource_id = $2")
            .bind(cid.clone())
            .bind(id.clone())
            .execute(&mut *tx)
            .await?;
    if removed.rows_affected() == 0 {
        put(&mut tx, &cid, &id).await?;
    }
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
    let mut tx = state.db.begin_write().await?;
    let mut ids: Vec<String> = sqlx::query_scalar(
        "SELECT resource_id FROM collection_items WHERE collection_id = $1 ORDER BY position, added_at",
    )
    .bind(cid.clone())
    .fetch_all(&mut *tx)
    .await?;
    let i = ids
        .iter()
        .position(|r| *r == id)
        .ok_or(AppError::NotFound)?;
    match action.as_str() {
        "monter" if i > 0 => ids.swap(i, i - 1),
        "descendre" if i + 1 < ids.len() => ids.swap(i, i + 1),
        "retirer" => {
            ids.remove(i);
            sqlx::query(
                "DELETE FROM collection_items WHERE collection_id = $1 AND resource_id = $2",
            )
            .bind(cid.clone())
            .bind(id.clone())
            .execute(&mut *tx)
            .await?;
        }
        "monter" | "descendre" => {}
        _ => return Err(AppError::NotFound),
    }
    for (n, r) in ids.iter().enumerate() {
        sqlx::query("UPDATE collection_items SET position = $3 WHERE collection_id = $1 AND resource_id = $2")
            .bind(cid.clone())
            .bind(r.clone())
            .bind(n as i64)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/collections/{cid}")).into_response())
}
