//! Importing beneficiaries from a spreadsheet (XLSX, ODS, XLS or CSV): a preview says what
//! each row becomes (or why it is wrong); confirming imports everything or nothing.
//! Spreadsheets are read as CSV text (`spreadsheet::to_csv`), which the preview carries
//! to the confirmation.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::audit::{self, Actor};
use super::beneficiaries::{self, Beneficiary};
use super::spreadsheet::{code_of, phone_cell};
use super::this_year;
use super::vocab::{GENRES, STATUTS};
use crate::accounts::model::CurrentUser;
use crate::app::page::Page;
use crate::app::AppState;
use crate::places::routes::today_date;
use crate::structures::{Access, StructureAccess};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FormData;
use crate::web::render;

const MAX_BYTES: usize = 2 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/structures/{sid}/beneficiaires/import",
            get(form)
                .post(preview)
                .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/structures/{sid}/beneficiaires/import/confirmer",
            post(confirm).layer(DefaultBodyLimit::max(4 * MAX_BYTES)),
        )
}

/// Our fields and the column titles people write for them (compared without case or accents).
const COLUMNS: &[(&str, &[&str])] = &[
    ("first_name", &["prenom"]),
    ("last_name", &["nom", "nom de famille"]),
    ("phone", &["telephone", "tel", "portable"]),
    ("email", &["e mail", "email", "courriel", "mail"]),
    ("birth_year", &["annee de naissance", "naissance"]),
    ("commune", &["commune de residence", "commune", "ville"]),
    ("genre", &["genre", "sexe"]),
    ("statut", &["statut"]),
    ("notes", &["notes", "remarques"]),
];

#[derive(Debug)]
pub enum Outcome {
    New(Box<Beneficiary>),
    Known(String),
    Wrong(Vec<String>),
}

#[derive(Debug)]
pub struct Line {
    pub number: u64,
    pub name: String,
    pub outcome: Outcome,
}

impl Line {
    pub fn status(&self) -> String {
        match &self.outcome {
            Outcome::New(_) => "Sera créée".into(),
            Outcome::Known(why) => format!("Ignorée : {why}"),
            Outcome::Wrong(errors) => errors.join(" "),
        }
    }

    pub fn is_wrong(&self) -> bool {
        matches!(self.outcome, Outcome::Wrong(_))
    }
}

/// Reads the file; a problem with the whole file is returned as an error message.
pub fn parse(bytes: &[u8], this_year: i64, existing: &[Beneficiary]) -> Result<Vec<Line>, String> {
    let table = super::spreadsheet::read_table(bytes)?;
    let column = |field: &str| -> Option<usize> {
        let names = COLUMNS
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, n)| *n)
            .unwrap_or(&[]);
        table.column(names)
    };
    if column("first_name").is_none() && column("last_name").is_none() {
        return Err(
            "Le fichier doit avoir une colonne « Nom » ou « Prénom » sur sa première ligne.".into(),
        );
    }
    // Everyone recorded, then everyone new in the file, indexed: each row is compared
    // with its few candidates only (the rule of the duplicates page, in linear time).
    let mut seen: Vec<Beneficiary> = existing.to_vec();
    let mut index = super::duplicates::PeopleIndex::default();
    for (i, b) in seen.iter().enumerate() {
        index.add(i, b);
    }
    let mut lines = Vec::new();
    for (number, record) in &table.rows {
        let number = *number;
        let mut pairs = Vec::new();
        for (field, _) in COLUMNS {
            if let Some(i) = column(field) {
                let value = record.get(i).cloned().unwrap_or_default();
                let value = match *field {
                    "genre" => code_of(GENRES, &value),
                    "statut" => code_of(STATUTS, &value),
                    "phone" => phone_cell(&value),
                    _ => value,
                };
                pairs.push((field.to_string(), value));
            }
        }
        let form = FormData::from_pairs(pairs);
        let name = format!("{} {}", form.get("first_name"), form.get("last_name"))
            .trim()
            .to_string();
        let outcome = match beneficiaries::from_form(&form, "", this_year) {
            Err((_, errors)) => {
                Outcome::Wrong(errors.all().iter().map(|(_, m)| m.clone()).collect())
            }
            // The same rule as the duplicates page.
            Ok(b) => match index
                .candidates(&b)
                .into_iter()
                .find_map(|i| super::duplicates::why(&seen[i], &b))
            {
                Some(reason) => {
                    Outcome::Known(format!("cette personne est déjà enregistrée ({reason})."))
                }
                None => {
                    index.add(seen.len(), &b);
                    seen.push(b.clone());
                    Outcome::New(Box::new(b))
                }
            },
        };
        lines.push(Line {
            number,
            name,
            outcome,
        });
    }
    if lines.is_empty() {
        return Err(
            "Le fichier ne contient aucune personne (seulement la ligne des titres).".into(),
        );
    }
    Ok(lines)
}

#[derive(Template)]
#[template(path = "activities/import.html")]
struct ImportPage {
    page: Page,
    sid: String,
    problem: Option<String>,
    /// The lines shown (see `spreadsheet::preview_rows`), and how many valid ones are not.
    lines: Vec<Line>,
    left: usize,
    content: String,
    wrong: usize,
    new: usize,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    problem: Option<String>,
    lines: Vec<Line>,
    content: String,
) -> AppResult<Response> {
    let sid = &access.structure.id;
    let wrong = lines.iter().filter(|l| l.is_wrong()).count();
    let new = lines
        .iter()
        .filter(|l| matches!(l.outcome, Outcome::New(_)))
        .count();
    let page = Page::in_structure(state, "Importer des bénéficiaires", user, access)
        .await
        .section("beneficiaries");
    let (lines, left) = crate::activities::spreadsheet::preview_rows(lines, Line::is_wrong);
    Ok(render(&ImportPage {
        page,
        sid: sid.to_string(),
        problem,
        lines,
        left,
        content,
        wrong,
        new,
    })?
    .into_response())
}

async fn form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<super::People>,
) -> AppResult<Response> {
    page(&state, &user, &access, None, Vec::new(), String::new()).await
}

async fn existing_and_year(
    state: &AppState,
    access: &Access,
) -> AppResult<(Vec<Beneficiary>, i64)> {
    let sid = &access.structure.id;
    let existing = beneficiaries::search(&state.db, sid, "", 1_000_000).await?;
    Ok((existing, this_year(today_date(&access.structure.timezone))))
}

async fn preview(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<super::People>,
    multipart: Multipart,
) -> AppResult<Response> {
    let (existing, year) = existing_and_year(&state, &access).await?;
    let file = match super::spreadsheet::read_upload(multipart, MAX_BYTES).await {
        Ok(file) => file,
        Err(problem) => {
            return page(
                &state,
                &user,
                &access,
                Some(problem),
                Vec::new(),
                String::new(),
            )
            .await
        }
    };
    let (parsed, file) = crate::heavy::IMPORTS
        .run(move || (parse(&file, year, &existing), file))
        .await;
    match parsed {
        Err(problem) => {
            page(
                &state,
                &user,
                &access,
                Some(problem),
                Vec::new(),
                String::new(),
            )
            .await
        }
        Ok(lines) => {
            let content = String::from_utf8_lossy(&file).to_string();
            page(&state, &user, &access, None, lines, content).await
        }
    }
}

async fn confirm(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<super::People>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (existing, year) = existing_and_year(&state, &access).await?;
    let content = form.raw("content");
    let (parsed, content) = crate::heavy::IMPORTS
        .run(move || (parse(content.as_bytes(), year, &existing), content))
        .await;
    let lines = parsed.map_err(AppError::BadRequest)?;
    if lines.iter().any(Line::is_wrong) {
        return page(&state, &user, &access, None, lines, content).await;
    }
    let actor = Actor::from(&user);
    let new: Vec<&Beneficiary> = lines
        .iter()
        .filter_map(|l| match &l.outcome {
            Outcome::New(b) => Some(b.as_ref()),
            _ => None,
        })
        .collect();
    let mut tx = state.db.begin_write().await?;
    let ids = beneficiaries::insert_many(&mut tx, &access.structure.id, &new).await?;
    audit::write_many(&mut tx, &access.structure.id, &actor, "creation", &ids).await?;
    tx.commit().await?;
    let created = ids.len();
    tracing::info!(created, "beneficiaries imported");
    Ok(Redirect::to(&format!("/structures/{sid}/beneficiaires?info=import-fait")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_french_spreadsheets_and_says_what_is_wrong() {
        let file = "Prénom;NOM;Téléphone;Année de naissance;Genre;Statut\nJosette;Martin;04 77 12 34 56;1948;Féminin;Retraité\nPaul;Vial;;2999;;\nJosette;Martin;04 77 12 34 56;1948;;\n";
        let lines = parse(file.as_bytes(), 2026, &[]).unwrap();
        assert_eq!(lines.len(), 3);
        match &lines[0].outcome {
            Outcome::New(b) => assert_eq!(
                (b.genre.as_str(), b.statut.as_str(), b.phone.as_str()),
                ("feminin", "retraite", "+33477123456")
            ),
            _ => panic!("first line is new"),
        }
        assert!(
            lines[1].status().contains("2999 est dans le futur"),
            "{}",
            lines[1].status()
        );
        assert_eq!(lines[1].number, 3);
        assert!(lines[2].status().starts_with("Ignorée"));
        assert!(parse(b"a,b\n1,2\n", 2026, &[])
            .unwrap_err()
            .contains("« Nom »"));
        assert!(parse(b"nom\n\xe9\n", 2026, &[])
            .unwrap_err()
            .contains("UTF-8"));
    }
}
