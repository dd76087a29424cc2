//! A resource's files: image and file blocks, its cover image, and serving them to whoever
//! may read the resource.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::model::Resource;
use super::routes::editable;
use crate::accounts::model::CurrentUser;
use crate::accounts::session::MaybeUser;
use crate::app::page::Page;
use crate::app::AppState;
use crate::files::sniff::{self, Kind};
use crate::files::upload::{self, UploadForm};
use crate::files::{self, Prepared, StoredFile};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fichiers/{id}", get(serve))
        .route(
            "/ressources/{id}/couverture",
            get(cover_form)
                .post(cover_save)
                .layer(DefaultBodyLimit::max(upload::BODY_CAP)),
        )
        .route("/ressources/{id}/couverture/retirer", post(cover_remove))
}

/// Reads the upload of `field` for a block or a cover: `None` with a message in `errors`
/// when it is missing (and `required`) or refused.
pub async fn checked(
    state: &AppState,
    form: &UploadForm,
    field: &str,
    allowed: &'static [&'static Kind],
    required: bool,
    errors: &mut FieldErrors,
) -> Option<Prepared> {
    match form.file(field) {
        None => {
            if required {
                errors.add(field, "Choisissez le fichier à ajouter.");
            }
            None
        }
        Some(u) => match files::prepare_in_turn(u, allowed, state.config.upload_max_bytes).await {
            Ok(p) => Some(p),
            Err(message) => {
                errors.add(field, message);
                None
            }
        },
    }
}

/// Puts checked bytes in storage; a storage failure becomes a message next to the field.
pub async fn put(
    state: &AppState,
    prepared: &Prepared,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<String> {
    match files::put(&state.files, prepared).await {
        Ok(key) => Some(key),
        Err(e) => {
            tracing::error!(error = %e, "an upload could not be stored");
            errors.add(
                field,
                "Le fichier n'a pas pu être enregistré (le stockage ne répond pas) : réessayez dans un moment.",
            );
            None
        }
    }
}

/// The hint under a file field: formats and size.
pub fn hint(state: &AppState, allowed: &[&Kind]) -> String {
    format!(
        "{} ; {} au plus.",
        sniff::extensions_text(allowed),
        upload::megabytes(state.config.upload_max_bytes)
    )
}

/// What a file input accepts: ".pdf,.odt,…".
pub fn accept(allowed: &[&Kind]) -> String {
    allowed
        .iter()
        .flat_map(|k| k.extensions.iter())
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A file, for whoever may read the resource it belongs to (404 otherwise, as if it did not
/// exist). Images are shown in the page; anything else is downloaded, never rendered.
async fn serve(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let file = files::get(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Only the access rule is needed here, not the whole resource: one light query.
    let resource = super::store::access(&state.db, &file.resource_id)
        .await?
        .filter(|r| super::can_read(user.as_ref(), r))
        .ok_or(AppError::NotFound)?;
    let bytes = state
        .files
        .get(&file.key)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .ok_or(AppError::NotFound)?;
    let disposition = if file.is_image() {
        "inline".to_string()
    } else {
        format!("attachment; filename*=UTF-8''{}", percent(&file.name))
    };
    // Public files may be cached by anyone, the others only by the reader's browser; both
    // for five minutes, so that a resource taken down by moderation (or a reader who loses
    // access) stops being served from a cache soon after.
    let cache = if resource.is_public() {
        "public, max-age=300"
    } else {
        "private, max-age=300"
    };
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, cache.to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// RFC 5987 encoding of a file name for `Content-Disposition`.
fn percent(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "resources/cover_form.html")]
struct CoverPage {
    page: Page,
    resource: Resource,
    alt: String,
    errors: FieldErrors,
    hint: String,
    accept: String,
}

async fn cover_page(
    state: &AppState,
    user: &CurrentUser,
    resource: Resource,
    alt: String,
    errors: FieldErrors,
) -> AppResult<Response> {
    let title = format!("Image de couverture : {}", resource.title);
    let page = super::page(state, user, title).await;
    Ok(render(&CoverPage {
        page,
        resource,
        alt,
        errors,
        hint: hint(state, sniff::IMAGES),
        accept: accept(sniff::IMAGES),
    })?
    .into_response())
}

async fn cover_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let resource = editable(&state, &user, &id).await?;
    let alt = resource.cover_alt.clone();
    cover_page(&state, &user, resource, alt, FieldErrors::default()).await
}

async fn cover_save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    form: UploadForm,
) -> AppResult<Response> {
    let resource = editable(&state, &user, &id).await?;
    let alt = form.form.get("alt");
    let mut errors = FieldErrors::default();
    if let Some(problem) = super::model::alt_problem(&alt) {
        errors.add("alt", problem);
    }
    let has_cover = !resource.cover_file_id.is_empty();
    let prepared = checked(
        &state,
        &form,
        "file",
        sniff::IMAGES,
        !has_cover,
        &mut errors,
    )
    .await;
    let key = match (&prepared, errors.is_empty()) {
        (Some(p), true) => put(&state, p, "file", &mut errors).await,
        _ => None,
    };
    if !errors.is_empty() {
        return cover_page(&state, &user, resource, alt, errors).await;
    }
    let mut tx = state.db.begin_write().await?;
    let file_id = match (&prepared, &key) {
        (Some(p), Some(k)) => {
            Some(files::insert(&mut tx, &resource.structure_id, &id, k, p).await?)
        }
        _ => Some(resource.cover_file_id.clone()),
    };
    let old = super::store::set_cover(&mut tx, &id, file_id.as_deref(), &alt).await?;
    tx.commit().await?;
    files::release(&state.db, &state.files, old.into_iter().collect()).await;
    Ok(Redirect::to(&format!("/ressources/{id}?info=enregistre")).into_response())
}

async fn cover_remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    editable(&state, &user, &id).await?;
    let mut tx = state.db.begin_write().await?;
    let old = super::store::set_cover(&mut tx, &id, None, "").await?;
    tx.commit().await?;
    files::release(&state.db, &state.files, old.into_iter().collect()).await;
    Ok(Redirect::to(&format!("/ressources/{id}?info=enregistre")).into_response())
}

/// The cover of a resource, as a stored file (for its size in the page).
pub async fn cover(state: &AppState, resource: &Resource) -> AppResult<Option<StoredFile>> {
    if resource.cover_file_id.is_empty() {
        return Ok(None);
    }
    Ok(files::get(&state.db, &resource.cover_file_id).await?)
}
