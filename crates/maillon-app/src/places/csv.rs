//! The places as a CSV file of the national standard: export, and an all-or-nothing
//! import that says which line is wrong and why.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::model::{self, split_list, Place};
use super::routes::today;
use super::store;
use super::vocab::{COLUMNS, REQUIRED_COLUMNS};
use crate::accounts::model::CurrentUser;
use crate::app::page::Page;
use crate::app::AppState;
use crate::structures::Structure;
use crate::tenancy::StructureId;
use crate::web::error::{AppError, AppResult};
use crate::web::render;

const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route("/lieux.csv", get(export)).route(
        "/reseau/import",
        get(import_form)
            .post(import)
            .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
    )
}

/// Writes places as the standard's CSV.
pub fn to_csv(places: &[Place]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(|e| e.to_string())?;
    for p in places {
        // The standard's free texts (name, presentation…) as inert cells; its phones and
        // coordinates are plain numbers, kept as the standard writes them.
        w.write_record(
            COLUMNS
                .iter()
                .map(|c| crate::exports::inert(&p.column(c)).into_owned()),
        )
        .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// Every public place of the network: open data, so anyone may download it.
async fn export(State(state): State<AppState>) -> AppResult<Response> {
    let places = store::list_public(&state.db).await?;
    let body = to_csv(&places).map_err(AppError::internal)?;
    let filename = format!(
        "lieux-mediation-numerique-{}.csv",
        today(&state.config.timezone)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// A place read from the file, with the line it came from.
#[derive(Debug)]
pub struct ImportRow {
    pub line: u64,
    pub id: String,
    pub place: Place,
}

/// Reads and checks a whole file. Either every row is valid, or the list of problems
/// (each with its line) is returned and nothing should be written.
pub fn parse(bytes: &[u8]) -> Result<Vec<ImportRow>, Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(vec!["Le fichier n'est pas encodé en UTF-8. Dans votre tableur, enregistrez-le au format « CSV UTF-8 ».".into()]);
    };
    if text.trim().is_empty() {
        return Err(vec!["Le fichier est vide.".into()]);
    }
    let first_line = text.lines().next().unwrap_or("");
    if !first_line.contains(',') {
        let used = if first_line.contains(';') {
            "« ; »"
        } else if first_line.contains('\t') {
            "la tabulation"
        } else {
            "aucun séparateur"
        };
        return Err(vec![format!(
            "Le séparateur des colonnes doit être la virgule (« , ») ; ce fichier utilise {used}."
        )]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => return Err(vec![format!("Ligne 1 : en-tête illisible ({e}).")]),
    };
    let mut problems = Vec::new();
    for required in REQUIRED_COLUMNS {
        if !headers.iter().any(|h| h == required) {
            problems.push(format!("Colonne obligatoire absente : « {required} »."));
        }
    }
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            problems.push(format!("Colonne inconnue du standard : « {h} »."));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let index = |name: &str| headers.iter().position(|h| h == name);
    let mut rows = Vec::new();
    let mut seen_ids: Vec<String> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(format!("Ligne {line} : nombre de colonnes différent de l'en-tête ou guillemets mal fermés."));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |name: &str| {
            index(name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let list = |name: &str| split_list(&get(name));
        let id = get("id");
        let date_maj = get("date_maj");
        if id.is_empty() {
            problems.push(format!(
                "Ligne {line} : id : l'identifiant est obligatoire."
            ));
        } else if seen_ids.contains(&id) {
            problems.push(format!(
                "Ligne {line} : id : l'identifiant « {id} » apparaît deux fois dans le fichier."
            ));
        }
        if jiff::civil::Date::strptime("%Y-%m-%d", &date_maj).is_err() {
            problems.push(format!(
                "Ligne {line} : date_maj : « {date_maj} » n'est pas une date au format AAAA-MM-JJ."
            ));
        }
        match model::validate(&get, &list, &date_maj) {
            Ok(mut place) => {
                place.is_public = true;
                rows.push(ImportRow {
                    line,
                    id: id.clone(),
                    place,
                });
            }
            Err((_, errors)) => {
                for (field, message) in errors.all() {
                    problems.push(format!("Ligne {line} : {field} : {message}"));
                }
            }
        }
        seen_ids.push(id);
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push("Le fichier ne contient aucun lieu (seulement l'en-tête).".into());
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// Writes every row in one transaction: a row whose `id` is already known updates that
/// place; the others are created in `structure_id`.
pub async fn apply(
    state: &AppState,
    structure_id: &StructureId,
    rows: &[ImportRow],
) -> Result<ImportSummary, AppError> {
    let mut tx = state.db.begin_write().await?;
    let mut summary = ImportSummary {
        created: 0,
        updated: 0,
    };
    for row in rows {
        let mut place = row.place.clone();
        match store::find_for_import(&mut tx, &row.id).await? {
            Some((id, owner, source_id)) => {
                // Found by its id in the file it first came from, or by our own id.
                place.source_id = if id == row.id {
                    source_id
                } else {
                    row.id.clone()
                };
                store::update(&mut tx, &owner, &id, &place).await?;
                summary.updated += 1;
            }
            None => {
                place.source_id = row.id.clone();
                store::insert(&mut tx, structure_id, &place).await?;
                summary.created += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(summary)
}

#[derive(Template)]
#[template(path = "places/import.html")]
struct ImportPage {
    page: Page,
    structures: Vec<Structure>,
    structure_id: String,
    problems: Vec<String>,
    summary: Option<ImportSummary>,
}

async fn import_page(
    state: &AppState,
    user: &CurrentUser,
    structure_id: String,
    problems: Vec<String>,
    summary: Option<ImportSummary>,
) -> AppResult<Response> {
    let page = Page::new(state, "Importer des lieux")
        .await
        .user(user)
        .section("network");
    let structures = crate::structures::store::list(&state.db).await?;
    Ok(render(&ImportPage {
        page,
        structures,
        structure_id,
        problems,
        summary,
    })?
    .into_response())
}

async fn import_form(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    if !user.is_network_admin {
        return Err(AppError::Forbidden);
    }
    import_page(&state, &user, String::new(), Vec::new(), None).await
}

async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> AppResult<Response> {
    if !user.is_network_admin {
        return Err(AppError::Forbidden);
    }
    let mut structure_id = String::new();
    let mut file: Option<Vec<u8>> = None;
    let too_big = || {
        vec![format!(
            "Le fichier dépasse {} Mo.",
            MAX_FILE_BYTES / 1024 / 1024
        )]
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return import_page(&state, &user, structure_id, too_big(), None).await,
        };
        match field.name() {
            Some("structure_id") => structure_id = field.text().await.unwrap_or_default(),
            Some("file") => match field.bytes().await {
                Ok(b) if b.len() <= MAX_FILE_BYTES => file = Some(b.to_vec()),
                _ => return import_page(&state, &user, structure_id, too_big(), None).await,
            },
            _ => {}
        }
    }
    // The network's coordination imports into any structure that exists.
    let Some(target) = crate::structures::store::get(&state.db, &structure_id).await? else {
        return import_page(
            &state,
            &user,
            structure_id,
            vec!["Choisissez la structure qui recevra les nouveaux lieux.".into()],
            None,
        )
        .await;
    };
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return import_page(
            &state,
            &user,
            structure_id,
            vec!["Choisissez un fichier CSV à importer.".into()],
            None,
        )
        .await;
    };
    // Read on a blocking thread, in turn with the other imports (`heavy`).
    match crate::heavy::IMPORTS.run(move || parse(&bytes)).await {
        Err(problems) => import_page(&state, &user, structure_id, problems, None).await,
        Ok(rows) => {
            let summary = apply(&state, &target.id, &rows).await?;
            tracing::info!(
                created = summary.created,
                updated = summary.updated,
                "places imported"
            );
            import_page(&state, &user, structure_id, Vec::new(), Some(summary)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../tests/data/exemple-valide.csv");

    #[test]
    fn reads_the_standards_example() {
        let rows = parse(EXAMPLE.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].place.nom, "Anonymal");
        assert_eq!(rows[0].place.typologie, "TIERS_LIEUX|ASSO");
    }

    #[test]
    fn says_what_is_wrong_with_a_file() {
        let semicolons = EXAMPLE.replace(',', ";");
        assert!(parse(semicolons.as_bytes()).unwrap_err()[0].contains("virgule"));
        assert!(parse(b"\xff\xfe").unwrap_err()[0].contains("UTF-8"));
        let no_pivot = EXAMPLE.replacen("\"pivot\",", "", 1);
        assert!(parse(no_pivot.as_bytes())
            .unwrap_err()
            .iter()
            .any(|p| p.contains("« pivot »")));
        let bad_label = EXAMPLE.replace("Jeunes|Femmes", "Jeunes|Martiens");
        let problems = parse(bad_label.as_bytes()).unwrap_err();
        assert!(
            problems[0].starts_with("Ligne 2 : publics_specifiquement_adresses"),
            "{problems:?}"
        );
    }
}
