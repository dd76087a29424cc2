//! Segments: saved filters of the member file ("seniors who followed a workshop this
//! year"). They stay dynamic: a segment is its filter, counted again when used.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::filter::Filter;
use super::routes::{filter_errors, today_of, FilterChoices, FILTER_CHOICES};
use super::segment_store;
pub use super::segment_store::{all, get_one, Segment};
use super::store;
use crate::accounts::model::CurrentUser;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::structures::Access;
use crate::structures::StructureAccess;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/structures/{sid}/segments", get(list).post(create))
        .route("/structures/{sid}/segments/nouveau", get(editor))
        .route("/structures/{sid}/segments/compte", get(count_json))
        .route("/structures/{sid}/segments/{gid}", get(edit).post(update))
        .route("/structures/{sid}/segments/{gid}/supprimer", post(delete))
}

#[derive(Template)]
#[template(path = "members/segments.html")]
struct ListPage {
    page: Page,
    sid: String,
    /// (segment, count, description)
    segments: Vec<(Segment, i64, String)>,
}

async fn list(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path(sid): Path<String>,
    flash: Flash,
) -> AppResult<Response> {
    let today = today_of(&access);
    let mut segments = Vec::new();
    for s in all(&state.db, &access.structure.id).await? {
        let n = store::count(&state.db, &access.structure.id, &s.filter, &today).await?;
        let described = s.filter.describe();
        segments.push((s, n, described));
    }
    let page = Page::in_structure(&state, "Segments", &user, &access)
        .await
        .section("members")
        .flash(flash);
    Ok(render(&ListPage {
        page,
        sid,
        segments,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "members/segment.html")]
struct EditorPage {
    page: Page,
    sid: String,
    /// Empty for a new segment.
    id: String,
    name: String,
    filter: Filter,
    query: String,
    described: String,
    errors: FieldErrors,
    choices: FilterChoices,
    count: i64,
}

#[allow(clippy::too_many_arguments)]
async fn editor_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    id: String,
    name: String,
    filter: Filter,
    mut errors: FieldErrors,
) -> AppResult<Response> {
    let sid = &access.structure.id;
    let count = store::count(&state.db, sid, &filter, &today_of(access)).await?;
    errors.merge(filter_errors(&filter));
    let title = if id.is_empty() {
        "Nouveau segment".to_string()
    } else {
        format!("Segment « {name} »")
    };
    let page = Page::in_structure(state, title, user, access)
        .await
        .section("members");
    Ok(render(&EditorPage {
        page,
        sid: sid.to_string(),
        id,
        name,
        query: filter.to_query(),
        described: filter.describe(),
        filter,
        errors,
        choices: FILTER_CHOICES,
        count,
    })?
    .into_response())
}

fn name_of(query: &str) -> String {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "nom")
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

/// The editor; "Compter" sends the form here again (GET) with the criteria.
async fn editor(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let raw = query.unwrap_or_default();
    editor_page(
        &state,
        &user,
        &access,
        String::new(),
        name_of(&raw),
        Filter::from_query(&raw),
        FieldErrors::default(),
    )
    .await
}

async fn edit(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((_, gid)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let segment = get_one(&state.db, &access.structure.id, &gid)
        .await?
        .ok_or(AppError::NotFound)?;
    // "Compter" on an existing segment comes back with the criteria being edited.
    let (name, filter) = match query.filter(|q| !q.is_empty()) {
        Some(raw) => (name_of(&raw), Filter::from_query(&raw)),
        None => (segment.name, segment.filter),
    };
    editor_page(
        &state,
        &user,
        &access,
        gid,
        name,
        filter,
        FieldErrors::default(),
    )
    .await
}

/// The live count while the filter is edited (the editor's script asks it).
async fn count_json(
    State(state): State<AppState>,
    StructureAccess {
        access, user: _, ..
    }: StructureAccess<crate::members::MemberFile>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let filter = Filter::from_query(&query.unwrap_or_default());
    let count = store::count(&state.db, &access.structure.id, &filter, &today_of(&access)).await?;
    let body = serde_json::json!({
        "count": count,
        "described": filter.describe(),
        "problems": filter.problems().into_iter().map(|(f, m)| serde_json::json!({"field": f, "message": m})).collect::<Vec<_>>(),
    });
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response())
}

fn read(form: &FormData) -> (String, Filter, FieldErrors) {
    let pairs: Vec<(String, String)> = form
        .pairs()
        .iter()
        .filter(|(k, _)| k != "nom")
        .cloned()
        .collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let filter = Filter::from_query(&query);
    let name = form.get("nom");
    let mut errors = FieldErrors::default();
    if name.is_empty() {
        errors.add(
            "nom",
            "Donnez un nom au segment, par exemple « Seniors du quartier ».",
        );
    } else if name.chars().count() > 100 {
        errors.add("nom", "Le nom fait 100 caractères au plus.");
    }
    if !filter.problems().is_empty() {
        errors.add("nom", "Corrigez les critères signalés avant d'enregistrer.");
    }
    (name, filter, errors)
}

async fn create(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (name, filter, errors) = read(&form);
    if !errors.is_empty() {
        return editor_page(&state, &user, &access, String::new(), name, filter, errors).await;
    }
    let mut tx = state.db.begin_write().await?;
    segment_store::insert(&mut tx, &access.structure.id, &name, &filter).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/segments?info=segment-enregistre"
    ))
    .into_response())
}

async fn update(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, gid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    get_one(&state.db, &access.structure.id, &gid)
        .await?
        .ok_or(AppError::NotFound)?;
    let (name, filter, errors) = read(&form);
    if !errors.is_empty() {
        return editor_page(&state, &user, &access, gid, name, filter, errors).await;
    }
    let mut tx = state.db.begin_write().await?;
    segment_store::update(&mut tx, &access.structure.id, &gid, &name, &filter).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/segments?info=segment-enregistre"
    ))
    .into_response())
}

async fn delete(
    State(state): State<AppState>,
    StructureAccess { access, .. }: StructureAccess<crate::members::MemberFile>,
    Path((sid, gid)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut tx = state.db.begin_write().await?;
    if !segment_store::delete(&mut tx, &access.structure.id, &gid).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/structures/{sid}/segments?info=enregistre")).into_response())
}
