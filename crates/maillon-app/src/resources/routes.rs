//! Pages of resources: the list anyone may search (what they may read), a resource's
//! page (printable), making and describing one, deleting it, and adapting someone else's.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::model::{self, Block, Resource};
use super::vocab::{self, Licence, Visibility, LICENCES, PUBLICS, SECTORS, TYPES};
use super::{can_edit, can_read, making_structures, store};
use crate::accounts::model::CurrentUser;
use crate::accounts::session::MaybeUser;
use crate::activities::vocab::{Choice, LEVELS};
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::structures::StructureAccess;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, Query};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ressources", get(list))
        .route("/ressources/{id}", get(show))
        .route(
            "/structures/{sid}/ressources/nouvelle",
            get(new_form).post(create),
        )
        .route("/ressources/{id}/modifier", get(edit_form).post(edit))
        .route("/ressources/{id}/supprimer", get(delete_form).post(delete))
        .route("/ressources/{id}/adapter", get(adapt_form).post(adapt))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    theme: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    public: Option<String>,
    secteur: Option<String>,
    level: Option<String>,
    licence: Option<String>,
    structure: Option<String>,
    tri: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "resources/list.html")]
struct ListPage {
    page: Page,
    resources: Vec<Resource>,
    total: i64,
    facets: std::collections::HashMap<String, i64>,
    /// The address of the next page, when there is one.
    next: String,
    filter: store::Filter,
    /// The search words were cut to their first characters.
    cut: bool,
    sectors: &'static [Choice],
    /// Where the person may make a resource (none when signed out).
    making: Vec<(StructureId, String)>,
    families: &'static [(&'static str, &'static [Choice])],
    types: &'static [Choice],
    publics: &'static [Choice],
    levels: &'static [Choice],
    licences: &'static [Licence],
}

async fn list(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<ListQuery>,
    flash: Flash,
) -> AppResult<Response> {
    let (words, cut) = crate::web::forms::search_text(&q.q.unwrap_or_default());
    let filter = store::Filter {
        structure_id: q.structure.unwrap_or_default(),
        words,
        theme: q.theme.unwrap_or_default(),
        kind: q.kind.unwrap_or_default(),
        public: q.public.unwrap_or_default(),
        sector: q.secteur.unwrap_or_default(),
        level: q.level.unwrap_or_default(),
        licence: q.licence.unwrap_or_default(),
        sort: q.tri.unwrap_or_default(),
        page: crate::web::forms::page_number(q.page),
    };
    let found = store::list(&state.db, &state.catalogue, user.as_ref(), &filter).await?;
    let next = if filter.page * store::PER_PAGE < found.total {
        next_page(&filter)
    } else {
        String::new()
    };
    let mut page = Page::new(&state, "Ressources")
        .await
        .section("resources")
        .flash(flash);
    if let Some(u) = &user {
        page = page.user(u);
    }
    Ok(render(&ListPage {
        page,
        resources: found.resources,
        total: found.total,
        facets: found.facets,
        next,
        filter,
        cut,
        sectors: SECTORS,
        making: user.as_ref().map(making_structures).unwrap_or_default(),
        families: vocab::THEME_FAMILIES,
        types: TYPES,
        publics: PUBLICS,
        levels: LEVELS,
        licences: LICENCES,
    })?
    .into_response())
}

impl ListPage {
    /// "Label (12)" for an option of a facet.
    fn with_count(&self, kind: &str, code: &str, label: &str) -> String {
        let n = self
            .facets
            .get(&format!("{kind}:{code}"))
            .copied()
            .unwrap_or(0);
        format!("{label} ({n})")
    }
}

/// The same search, one page further.
fn next_page(f: &store::Filter) -> String {
    let pairs = [
        ("q", f.words.as_str()),
        ("theme", &f.theme),
        ("type", &f.kind),
        ("public", &f.public),
        ("secteur", &f.sector),
        ("level", &f.level),
        ("licence", &f.licence),
        ("structure", &f.structure_id),
        ("tri", &f.sort),
    ];
    let mut query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::web::forms::url_encode(v)))
        .collect();
    query.push(format!("page={}", f.page + 1));
    format!("/ressources?{}", query.join("&"))
}

/// A resource `user` may read, or 404 (whether it exists or not).
pub(super) async fn readable(
    state: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
) -> AppResult<Resource> {
    store::get(&state.db, id)
        .await?
        .filter(|r| can_read(user, r))
        .ok_or(AppError::NotFound)
}

/// A resource `user` may change, or 404.
pub(super) async fn editable(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> AppResult<Resource> {
    readable(state, Some(user), id).await.and_then(|r| {
        if can_edit(user, &r) {
            Ok(r)
        } else {
            Err(AppError::NotFound)
        }
    })
}

#[derive(Template)]
#[template(path = "resources/show.html")]
struct ShowPage {
    page: Page,
    resource: Resource,
    blocks: Vec<Block>,
    adaptations: Vec<Resource>,
    cover: Option<crate::files::StoredFile>,
    editable: bool,
    /// Its licence lets it travel, or the reader is among its makers.
    can_export: bool,
    /// Signed in with a structure to adapt into, and the licence allows it.
    can_adapt: bool,
    signed_in: bool,
    block_kinds: &'static [Choice],
    reviews: Vec<super::feedback::Review>,
    is_author: bool,
    has_reviewed: bool,
    used: bool,
    favourite: bool,
    /// Collections the reader may add it to.
    collections: Vec<super::collection_store::Collection>,
}

impl ShowPage {
    fn origin_licence(&self) -> &'static Licence {
        vocab::licence(&self.resource.adapted_from_licence)
    }
}

async fn show(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
    flash: Flash,
) -> AppResult<Response> {
    let resource = readable(&state, user.as_ref(), &id).await?;
    let blocks = store::blocks(&state.db, &id).await?;
    let adaptations = store::adaptations(&state.db, user.as_ref(), &id).await?;
    let mut page = Page::new(&state, resource.title.clone())
        .await
        .section("resources")
        .flash(flash);
    if let Some(u) = &user {
        page = page.user(u);
    }
    let editable = user.as_ref().is_some_and(|u| can_edit(u, &resource));
    let can_adapt = resource.licence().allows_adaptation
        && user
            .as_ref()
            .is_some_and(|u| !making_structures(u).is_empty());
    let reviews = super::feedback::reviews(&state.db, &id).await?;
    let me = user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
    let used = !me.is_empty() && super::feedback::has_used(&state.db, &id, &me).await?;
    let favourite =
        !me.is_empty() && super::collection_store::is_favourite(&state.db, &me, &id).await?;
    let collections = match &user {
        Some(u) => super::collections::changeable(&state.db, u).await?,
        None => Vec::new(),
    };
    let cover = super::files::cover(&state, &resource).await?;
    Ok(render(&ShowPage {
        page,
        cover,
        can_export: editable || resource.licence().allows_adaptation,
        editable,
        can_adapt,
        signed_in: user.is_some(),
        is_author: resource.author_id == me,
        has_reviewed: reviews.iter().any(|v| v.user_id == me),
        used,
        favourite,
        collections,
        reviews,
        resource,
        blocks,
        adaptations,
        block_kinds: model::BLOCK_KINDS,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "resources/form.html")]
struct FormPage {
    page: Page,
    action: String,
    resource: Resource,
    form: FormData,
    errors: FieldErrors,
    /// An adaptation of a share-alike resource keeps its licence.
    licence_locked: bool,
    families: &'static [(&'static str, &'static [Choice])],
    types: &'static [Choice],
    publics: &'static [Choice],
    sectors: &'static [Choice],
    levels: &'static [Choice],
    licences: &'static [Licence],
    visibilities: &'static [Visibility],
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    title: String,
    action: String,
    resource: Resource,
    form: FormData,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = super::page(state, user, title).await;
    let licence_locked = vocab::licence(&resource.adapted_from_licence).share_alike
        && !resource.adapted_from_licence.is_empty();
    Ok(render(&FormPage {
        page,
        action,
        resource,
        form,
        errors,
        licence_locked,
        families: vocab::THEME_FAMILIES,
        types: TYPES,
        publics: PUBLICS,
        sectors: SECTORS,
        levels: LEVELS,
        licences: LICENCES,
        visibilities: Visibility::ALL,
    })?
    .into_response())
}

/// What the description's free fields show before anything is typed.
fn form_of(r: &Resource) -> FormData {
    FormData::from_pairs(vec![
        (
            "duration".into(),
            r.duration_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ),
        ("sources".into(), r.sources_text()),
    ])
}

async fn new_form(
    State(state): State<AppState>,
    StructureAccess { user, .. }: StructureAccess<crate::activities::Recorder>,
    Path(sid): Path<String>,
) -> AppResult<Response> {
    let r = Resource {
        licence: "cc-by-sa-4.0".into(),
        visibility: Visibility::Draft,
        ..Resource::default()
    };
    let form = form_of(&r);
    form_page(
        &state,
        &user,
        "Nouvelle ressource".into(),
        format!("/structures/{sid}/ressources/nouvelle"),
        r,
        form,
        FieldErrors::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    match model::resource_from_form(&form) {
        Err((r, errors)) => {
            form_page(
                &state,
                &user,
                "Nouvelle ressource".into(),
                format!("/structures/{sid}/ressources/nouvelle"),
                r,
                form,
                errors,
            )
            .await
        }
        Ok(r) => {
            let mut tx = state.db.begin_write().await?;
            let id = store::insert(&mut tx, &access.structure.id, author(&user), &r).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/ressources/{id}?info=ressource-creee")).into_response())
        }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let r = editable(&state, &user, &id).await?;
    let form = form_of(&r);
    form_page(
        &state,
        &user,
        format!("Décrire : {}", r.title),
        format!("/ressources/{id}/modifier"),
        r,
        form,
        FieldErrors::default(),
    )
    .await
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let current = editable(&state, &user, &id).await?;
    let checked = model::resource_from_form(&form).and_then(|r| {
        // A share-alike original binds its adaptations to the same licence.
        if vocab::licence(&current.adapted_from_licence).share_alike
            && r.licence != current.adapted_from_licence
        {
            let mut errors = FieldErrors::default();
            errors.add(
                "licence",
                "Cette ressource adapte une ressource sous licence « partage dans les mêmes conditions » : elle garde la même licence.",
            );
            return Err((r, errors));
        }
        Ok(r)
    });
    match checked {
        Err((mut r, errors)) => {
            r.id = id.clone();
            r.adapted_from_licence = current.adapted_from_licence;
            form_page(
                &state,
                &user,
                format!("Décrire : {}", current.title),
                format!("/ressources/{id}/modifier"),
                r,
                form,
                errors,
            )
            .await
        }
        Ok(r) => {
            let mut tx = state.db.begin_write().await?;
            store::update(&mut tx, &id, &r).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/ressources/{id}?info=enregistre")).into_response())
        }
    }
}

/// How a resource names its author: their name, or their address if they gave none.
pub(super) fn author(user: &CurrentUser) -> (&str, &str) {
    let name = if user.name.is_empty() {
        &user.email
    } else {
        &user.name
    };
    (&user.id, name)
}

#[derive(Template)]
#[template(path = "resources/delete.html")]
struct DeletePage {
    page: Page,
    resource: Resource,
}

async fn delete_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let resource = editable(&state, &user, &id).await?;
    let page = super::page(&state, &user, format!("Supprimer : {}", resource.title)).await;
    Ok(render(&DeletePage { page, resource })?.into_response())
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    editable(&state, &user, &id).await?;
    let mut tx = state.db.begin_write().await?;
    let keys = store::delete(&mut tx, &id).await?;
    tx.commit().await?;
    crate::files::release(&state.db, &state.files, keys).await;
    Ok(Redirect::to("/ressources?info=ressource-supprimee").into_response())
}

#[derive(Template)]
#[template(path = "resources/adapt.html")]
struct AdaptPage {
    page: Page,
    resource: Resource,
    structures: Vec<(StructureId, String)>,
}

/// A resource the person may adapt (they read it, its licence allows it), with the
/// structures they may adapt it into; 404 otherwise.
async fn adaptable(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> AppResult<(Resource, Vec<(StructureId, String)>)> {
    let r = readable(state, Some(user), id).await?;
    let structures = making_structures(user);
    if !r.licence().allows_adaptation || structures.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((r, structures))
}

async fn adapt_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (resource, structures) = adaptable(&state, &user, &id).await?;
    let page = super::page(&state, &user, format!("Adapter : {}", resource.title)).await;
    Ok(render(&AdaptPage {
        page,
        resource,
        structures,
    })?
    .into_response())
}

/// Makes the person's own version: a copy in their structure, as a draft, that says
/// where it comes from; a share-alike licence stays, others may be changed later.
async fn adapt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (original, structures) = adaptable(&state, &user, &id).await?;
    let chosen = form.get("structure_id");
    let sid = structures
        .iter()
        .find(|(s, _)| *s == chosen)
        .or_else(|| (structures.len() == 1).then(|| &structures[0]))
        .map(|(s, _)| s.clone())
        .ok_or(AppError::NotFound)?;
    let copy = Resource {
        title: format!("{} (adaptation)", original.title)
            .chars()
            .take(150)
            .collect(),
        visibility: Visibility::Draft,
        adapted_from_id: original.id.clone(),
        adapted_from_title: original.title.clone(),
        adapted_from_author: original.author_name.clone(),
        adapted_from_structure: original.structure_name.clone(),
        adapted_from_licence: original.licence.clone(),
        ..original.clone()
    };
    let mut tx = state.db.begin_write().await?;
    let new_id = store::insert(&mut tx, &sid, author(&user), &copy).await?;
    store::copy_blocks(&mut tx, &original.id, &new_id, &sid).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/ressources/{new_id}?info=ressource-adaptee")).into_response())
}
