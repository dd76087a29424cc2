//! A resource as one archive, to carry it to another Maillon: a zip holding
//! `maillon-ressource.json` (format "maillon-ressource", version 1: the description with
//! the vocabularies' codes, the blocks in order) and the files under `fichiers/`.
//!
//! An import reads everything through the same checks as the forms (vocabularies,
//! lengths, addresses, file types, images re-encoded) before writing anything: an archive
//! is imported whole, as a draft, or not at all.

use std::io::{Cursor, Read, Write};

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use super::model::{self, Block, Resource, Source};
use super::routes::{author, readable};
use super::{can_edit, making_structures, store};
use crate::accounts::model::CurrentUser;
use crate::accounts::session::MaybeUser;
use crate::app::page::Page;
use crate::app::AppState;
use crate::files::{self, sniff, upload, Prepared};
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FormData;
use crate::web::render;

pub const FORMAT: &str = "maillon-ressource";
pub const VERSION: u32 = 1;
const MANIFEST: &str = "maillon-ressource.json";
/// Blocks and entries an archive may hold: far more than a real resource has.
const MAX_BLOCKS: usize = 300;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ressources/{id}/archive", get(export))
        .route(
            "/structures/{sid}/ressources/importer",
            get(import_form)
                .post(import)
                .layer(DefaultBodyLimit::max(upload::BODY_CAP)),
        )
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    /// Where it was exported from (the resource's address).
    #[serde(default)]
    origin: String,
    resource: Described,
    #[serde(default)]
    blocks: Vec<ArchivedBlock>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Described {
    title: String,
    summary: String,
    author: String,
    structure: String,
    themes: Vec<String>,
    types: Vec<String>,
    publics: Vec<String>,
    sectors: Vec<String>,
    level: String,
    duration_minutes: Option<i64>,
    material: String,
    licence: String,
    tested_notes: String,
    sources: Vec<ArchivedSource>,
    adapted_from: Option<Origin>,
    cover: Option<ArchivedFile>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct ArchivedSource {
    title: String,
    url: String,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Origin {
    title: String,
    author: String,
    structure: String,
    licence: String,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct ArchivedFile {
    /// Its path in the archive.
    path: String,
    alt: String,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct ArchivedBlock {
    kind: String,
    title: String,
    body: String,
    url: String,
    alt: String,
    file: String,
}

/// Whether `user` may carry the resource elsewhere: its makers always; others unless it
/// has no licence (all rights reserved).
fn may_export(user: Option<&CurrentUser>, r: &Resource) -> bool {
    r.licence().allows_adaptation || user.is_some_and(|u| can_edit(u, r))
}

async fn export(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let resource = readable(&state, user.as_ref(), &id).await?;
    if !may_export(user.as_ref(), &resource) {
        return Err(AppError::NotFound);
    }
    let blocks = store::blocks(&state.db, &id).await?;
    let cover = super::files::cover(&state, &resource).await?;
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add_file = |file: &files::StoredFile, bytes: Vec<u8>| {
        let path = format!("fichiers/{}-{}", entries.len() + 1, file.name);
        entries.push((path.clone(), bytes));
        path
    };
    let cover = match cover {
        Some(c) => {
            let bytes = load(&state, &c).await?;
            Some(ArchivedFile {
                path: add_file(&c, bytes),
                alt: resource.cover_alt.clone(),
            })
        }
        None => None,
    };
    let mut archived = Vec::new();
    for b in &blocks {
        let file = match &b.file {
            Some(f) => {
                let bytes = load(&state, f).await?;
                add_file(f, bytes)
            }
            None => String::new(),
        };
        archived.push(ArchivedBlock {
            kind: b.kind.clone(),
            title: b.title.clone(),
            body: b.body.clone(),
            url: b.url.clone(),
            alt: b.alt.clone(),
            file,
        });
    }
    let r = &resource;
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        origin: format!("{}/ressources/{}", state.config.public_url, r.id),
        resource: Described {
            title: r.title.clone(),
            summary: r.summary.clone(),
            author: r.author_name.clone(),
            structure: r.structure_name.clone(),
            themes: r.themes.clone(),
            types: r.types.clone(),
            publics: r.publics.clone(),
            sectors: r.sectors.clone(),
            level: r.level.clone(),
            duration_minutes: r.duration_minutes,
            material: r.material.clone(),
            licence: r.licence.clone(),
            tested_notes: r.tested_notes.clone(),
            sources: r
                .sources
                .iter()
                .map(|s| ArchivedSource {
                    title: s.title.clone(),
                    url: s.url.clone(),
                })
                .collect(),
            adapted_from: (!r.adapted_from_title.is_empty()).then(|| Origin {
                title: r.adapted_from_title.clone(),
                author: r.adapted_from_author.clone(),
                structure: r.adapted_from_structure.clone(),
                licence: r.adapted_from_licence.clone(),
            }),
            cover,
        },
        blocks: archived,
    };
    let zip = write_zip(&manifest, entries).map_err(|e| AppError::Internal(e.to_string()))?;
    let name = format!("ressource-{}.zip", slug(&resource.title));
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        zip,
    )
        .into_response())
}

async fn load(state: &AppState, file: &files::StoredFile) -> AppResult<Vec<u8>> {
    state
        .files
        .get(&file.key)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .ok_or_else(|| AppError::Internal(format!("file {} lost", file.id)))
}

fn write_zip(
    manifest: &Manifest,
    entries: Vec<(String, Vec<u8>)>,
) -> zip::result::ZipResult<Vec<u8>> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    w.start_file(MANIFEST, options)?;
    let json = serde_json::to_vec_pretty(manifest).expect("a manifest serialises");
    w.write_all(&json)?;
    for (path, bytes) in entries {
        // Images and office files are already compressed.
        w.start_file(
            path,
            options.compression_method(zip::CompressionMethod::Stored),
        )?;
        w.write_all(&bytes)?;
    }
    Ok(w.finish()?.into_inner())
}

/// "reperer-une-arnaque-par-sms": ASCII letters and digits, for a file name.
fn slug(title: &str) -> String {
    let folded = super::search::strip_accents(&title.to_lowercase());
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .collect();
    if words.is_empty() {
        "sans-titre".into()
    } else {
        words.join("-")
    }
}

/// What an archive holds, checked, ready to be written.
struct Checked {
    resource: Resource,
    cover: Option<(Prepared, String)>,
    blocks: Vec<(Block, Option<Prepared>)>,
}

/// Reads and checks a whole archive; the error is the French message for the person.
fn check(bytes: &[u8], max_file: usize) -> Result<Checked, String> {
    let not_archive = "Ce fichier n'est pas une archive de ressource Maillon (un fichier .zip exporté par « Exporter en archive »), ou il est abîmé.";
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_archive.to_string())?;
    if zip.len() > MAX_BLOCKS + 1 {
        return Err("Cette archive contient trop de fichiers pour une ressource.".into());
    }
    let manifest_bytes =
        read_entry(&mut zip, MANIFEST, 2 * 1024 * 1024).map_err(|_| not_archive.to_string())?;
    let value: serde_json::Value =
        serde_json::from_slice(&manifest_bytes).map_err(|_| not_archive.to_string())?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(not_archive.into());
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version > u64::from(VERSION) {
        return Err(format!(
            "Cette archive vient d'une version plus récente de Maillon (format {version}) : mettez Maillon à jour pour l'importer."
        ));
    }
    if version == 0 {
        return Err(not_archive.into());
    }
    let manifest: Manifest = serde_json::from_value(value)
        .map_err(|e| format!("La description de la ressource est illisible ({e})."))?;
    if manifest.blocks.len() > MAX_BLOCKS {
        return Err("Cette archive contient trop de blocs pour une ressource.".into());
    }
    let d = &manifest.resource;
    let sources = d
        .sources
        .iter()
        .map(|s| Source {
            title: s.title.clone(),
            url: s.url.clone(),
        })
        .collect::<Vec<_>>();
    let mut pairs: Vec<(String, String)> = vec![
        ("title".into(), d.title.clone()),
        ("summary".into(), d.summary.clone()),
        ("level".into(), d.level.clone()),
        (
            "duration".into(),
            d.duration_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ),
        ("material".into(), d.material.clone()),
        ("licence".into(), d.licence.clone()),
        ("visibility".into(), "brouillon".into()),
        ("tested_notes".into(), d.tested_notes.clone()),
        (
            "sources".into(),
            Resource {
                sources,
                ..Resource::default()
            }
            .sources_text(),
        ),
    ];
    for (field, list) in [
        ("themes", &d.themes),
        ("types", &d.types),
        ("publics", &d.publics),
        ("sectors", &d.sectors),
    ] {
        pairs.extend(list.iter().map(|c| (field.to_string(), c.clone())));
    }
    let mut resource = model::resource_from_form(&FormData::from_pairs(pairs))
        .map_err(|(_, errors)| in_archive("la description", errors.all()))?;
    // Where it comes from stays visible, as the licences ask.
    if let Some(o) = &d.adapted_from {
        resource.adapted_from_title = o.title.clone();
        resource.adapted_from_author = o.author.clone();
        resource.adapted_from_structure = o.structure.clone();
        resource.adapted_from_licence = o.licence.clone();
    }
    if !d.author.is_empty() || !manifest.origin.is_empty() {
        let who = [d.author.as_str(), d.structure.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        let url = if model::is_web_url(&manifest.origin) {
            manifest.origin.clone()
        } else {
            String::new()
        };
        resource.sources.push(Source {
            title: format!("« {} », de {who} (importée d'un autre Maillon)", d.title)
                .chars()
                .take(200)
                .collect(),
            url,
        });
    }
    let cover = match &d.cover {
        Some(c) if !c.path.is_empty() => {
            if model::alt_problem(&c.alt).is_some() {
                return Err("Dans l'archive, l'image de couverture n'a pas de texte de remplacement valable.".into());
            }
            let prepared = archived_file(&mut zip, &c.path, sniff::IMAGES, max_file)?;
            Some((prepared, c.alt.trim().to_string()))
        }
        _ => None,
    };
    let mut blocks = Vec::new();
    for (n, b) in manifest.blocks.iter().enumerate() {
        let where_ = format!("le bloc {}", n + 1);
        if !model::BLOCK_KINDS.iter().any(|(k, _)| *k == b.kind) {
            return Err(format!(
                "Dans l'archive, {where_} est d'un type inconnu (« {} »).",
                b.kind
            ));
        }
        let form = FormData::from_pairs(vec![
            ("title".into(), b.title.clone()),
            ("body".into(), b.body.clone()),
            ("url".into(), b.url.clone()),
            ("alt".into(), b.alt.clone()),
        ]);
        let block = model::block_from_form(&b.kind, &form)
            .map_err(|(_, errors)| in_archive(&where_, errors.all()))?;
        let file = if block.has_file() {
            let allowed = if b.kind == "image" {
                sniff::IMAGES
            } else {
                sniff::DOCUMENTS
            };
            Some(
                archived_file(&mut zip, &b.file, allowed, max_file)
                    .map_err(|e| format!("Dans l'archive, {where_} : {e}"))?,
            )
        } else {
            None
        };
        blocks.push((block, file));
    }
    Ok(Checked {
        resource,
        cover,
        blocks,
    })
}

fn in_archive(where_: &str, errors: &[(String, String)]) -> String {
    let messages: Vec<&str> = errors.iter().map(|(_, m)| m.as_str()).collect();
    format!(
        "Dans l'archive, {where_} est à corriger : {}",
        messages.join(" ")
    )
}

/// One entry, read up to `max` bytes (a zip may announce a small size and inflate to a huge
/// one: the reading itself stops).
fn read_entry(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    path: &str,
    max: usize,
) -> Result<Vec<u8>, String> {
    let entry = zip
        .by_name(path)
        .map_err(|_| format!("le fichier « {path} » manque dans l'archive."))?;
    let mut bytes = Vec::new();
    entry
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| format!("le fichier « {path} » est abîmé dans l'archive."))?;
    if bytes.len() > max {
        return Err(format!(
            "le fichier « {path} » dépasse {}.",
            upload::megabytes(max)
        ));
    }
    Ok(bytes)
}

/// A file of the archive, through the same checks as an upload.
fn archived_file(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    path: &str,
    allowed: &[&'static sniff::Kind],
    max: usize,
) -> Result<Prepared, String> {
    let bytes = read_entry(zip, path, max)?;
    let name = path.rsplit('/').next().unwrap_or(path);
    // Exported names start with their number: "3-fiche.pdf".
    let name = name
        .split_once('-')
        .map(|(_, n)| n)
        .filter(|n| !n.is_empty())
        .unwrap_or(name);
    files::prepare(&upload::Upload::named(name, bytes), allowed, max)
}

#[derive(Template)]
#[template(path = "resources/import.html")]
struct ImportPage {
    page: Page,
    sid: String,
    problem: String,
    hint: String,
}

async fn import_page(
    state: &AppState,
    user: &CurrentUser,
    sid: &str,
    problem: String,
) -> AppResult<Response> {
    let page = super::page(state, user, "Importer une ressource").await;
    Ok(render(&ImportPage {
        page,
        sid: sid.to_string(),
        problem,
        hint: format!(
            "Un fichier .zip exporté d'un autre Maillon (« Exporter en archive »), {} au plus.",
            upload::megabytes(archive_max(state))
        ),
    })?
    .into_response())
}

fn archive_max(state: &AppState) -> usize {
    state.config.upload_max_bytes * 4
}

/// The structure where `user` may make resources, or 404.
fn making(user: &CurrentUser, sid: &str) -> AppResult<StructureId> {
    making_structures(user)
        .into_iter()
        .map(|(s, _)| s)
        .find(|s| s == sid)
        .ok_or(AppError::NotFound)
}

async fn import_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
) -> AppResult<Response> {
    making(&user, &sid)?;
    import_page(&state, &user, &sid, String::new()).await
}

async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
    multipart: Multipart,
) -> AppResult<Response> {
    let home = making(&user, &sid)?;
    let form = upload::read(multipart, archive_max(&state)).await?;
    let problem = match form.file("archive") {
        None => Err("Choisissez l'archive à importer.".to_string()),
        Some(u) if u.too_big => Err(format!(
            "Cette archive dépasse {}.",
            upload::megabytes(archive_max(&state))
        )),
        // Its images are decoded: on a blocking thread, in turn with other uploads.
        Some(u) => {
            let (bytes, max) = (u.bytes.clone(), state.config.upload_max_bytes);
            crate::heavy::IMAGES.run(move || check(&bytes, max)).await
        }
    };
    let checked = match problem {
        Ok(c) => c,
        Err(p) => return import_page(&state, &user, &sid, p).await,
    };
    // Bytes first, then one transaction: nothing half-imported.
    let mut keys = Vec::new();
    let mut failed = false;
    let files = checked
        .cover
        .iter()
        .map(|(p, _)| p)
        .chain(checked.blocks.iter().filter_map(|(_, f)| f.as_ref()));
    for prepared in files {
        match files::put(&state.files, prepared).await {
            Ok(k) => keys.push(k),
            Err(e) => {
                tracing::error!(error = %e, "an imported file could not be stored");
                failed = true;
                break;
            }
        }
    }
    if failed {
        for k in &keys {
            let _ = state.files.delete(k).await;
        }
        let p = "Les fichiers n'ont pas pu être enregistrés (le stockage ne répond pas) : réessayez dans un moment.";
        return import_page(&state, &user, &sid, p.into()).await;
    }
    let mut keys = keys.into_iter();
    let mut tx = state.db.begin_write().await?;
    let id = store::insert(&mut tx, &home, author(&user), &checked.resource).await?;
    if let Some((prepared, alt)) = &checked.cover {
        let key = keys.next().expect("a key per file");
        let file = files::insert(&mut tx, &home, &id, &key, prepared).await?;
        store::set_cover(&mut tx, &id, Some(&file), alt).await?;
    }
    for (mut block, prepared) in checked.blocks {
        if let Some(p) = prepared {
            let key = keys.next().expect("a key per file");
            let file = files::insert(&mut tx, &home, &id, &key, &p).await?;
            block.file = Some(files::StoredFile::recorded(file));
        }
        store::add_block(&mut tx, &id, &block).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/ressources/{id}?info=ressource-importee")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_file_names() {
        assert_eq!(
            slug("Repérer une arnaque par SMS !"),
            "reperer-une-arnaque-par-sms"
        );
        assert_eq!(slug("« »"), "sans-titre");
    }

    fn problem(bytes: &[u8]) -> String {
        match check(bytes, 1 << 20) {
            Err(e) => e,
            Ok(_) => panic!("an archive to refuse was accepted"),
        }
    }

    #[test]
    fn archives_are_checked_whole() {
        assert!(problem(b"PK\x03\x04 pas un zip").contains("n'est pas une archive"));
        let manifest = |version: u32, title: &str| Manifest {
            format: FORMAT.into(),
            version,
            origin: String::new(),
            resource: Described {
                title: title.into(),
                themes: vec!["risques_cyber".into()],
                licence: "cc-by-4.0".into(),
                ..Described::default()
            },
            blocks: vec![ArchivedBlock {
                kind: "fichier".into(),
                file: "fichiers/1-fiche.pdf".into(),
                ..ArchivedBlock::default()
            }],
        };
        let newer = write_zip(&manifest(2, "Fiche"), Vec::new()).unwrap();
        assert!(problem(&newer).contains("version plus récente"));
        let untitled = write_zip(&manifest(1, ""), Vec::new()).unwrap();
        assert!(problem(&untitled).contains("Donnez un titre"));
        let missing = write_zip(&manifest(1, "Fiche"), Vec::new()).unwrap();
        assert!(problem(&missing).contains("manque"));
        let pdf = files::samples::pdf(&["Fiche"]);
        let whole = write_zip(
            &manifest(1, "Fiche"),
            vec![("fichiers/1-fiche.pdf".into(), pdf)],
        )
        .unwrap();
        let checked = check(&whole, 1 << 20).unwrap();
        assert_eq!(checked.blocks.len(), 1);
        assert_eq!(checked.blocks[0].1.as_ref().unwrap().name, "fiche.pdf");
    }
}
