//! Importing the member file from a spreadsheet (XLSX, ODS, XLS or CSV), with the columns
//! of its export: a preview says what each row becomes or what is wrong with it;
//! confirming imports every row or none. A person twice in the file is an error (which
//! rows); a person already recorded is left as is.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::filter::Filter;
use super::model::{self, Member, MembershipForm};
use super::routes::today_of;
use super::{store, CHANNELS, LANGUAGES, PAYMENT_MODES, SECTORS};
use crate::accounts::model::CurrentUser;
use crate::activities::audit::{self, Actor};
use crate::activities::beneficiaries::name_key;
use crate::activities::spreadsheet::{code_of, phone_cell, read_table, read_upload};
use crate::activities::this_year;
use crate::activities::vocab::Choice;
use crate::app::page::Page;
use crate::app::AppState;
use crate::structures::{Access, StructureAccess};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FormData;
use crate::web::render;

const MAX_BYTES: usize = 4 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/structures/{sid}/adherents/import",
            get(form)
                .post(preview)
                .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/structures/{sid}/adherents/import/confirmer",
            post(confirm).layer(DefaultBodyLimit::max(4 * MAX_BYTES)),
        )
}

/// Our fields and the column titles people write for them (search keys).
const COLUMNS: &[(&str, &[&str])] = &[
    ("first_name", &["prenom"]),
    ("last_name", &["nom", "nom de famille"]),
    ("phone", &["telephone", "tel", "portable"]),
    ("phone2", &["autre telephone", "telephone 2"]),
    ("email", &["e mail", "email", "courriel", "mail"]),
    ("birth_year", &["annee de naissance", "naissance"]),
    ("address", &["adresse"]),
    ("postcode", &["code postal", "cp"]),
    ("commune", &["commune", "ville"]),
    ("quartier", &["quartier"]),
    ("household_name", &["foyer", "famille"]),
    ("languages", &["langues", "langues parlees"]),
    ("interests", &["centres d interet", "interets"]),
    ("contact_pref", &["preference de contact"]),
    ("desk_notes", &["notes de l accueil", "notes"]),
    ("season", &["derniere adhesion", "saison", "adhesion"]),
    ("fee", &["cotisation"]),
    ("payment_mode", &["mode de paiement", "paiement"]),
];

/// A row to create: the person, their household's name and their membership.
#[derive(Debug)]
pub struct NewMember {
    pub member: Member,
    pub membership: Option<MembershipForm>,
}

#[derive(Debug)]
pub enum Outcome {
    New(Box<NewMember>),
    Known,
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
            Outcome::New(n) => match &n.membership {
                Some(m) => format!("Sera créée, adhérente {}", m.season),
                None => "Sera créée".into(),
            },
            Outcome::Known => "Ignorée : cette personne est déjà enregistrée.".into(),
            Outcome::Wrong(errors) => errors.join(" "),
        }
    }

    pub fn is_wrong(&self) -> bool {
        matches!(self.outcome, Outcome::Wrong(_))
    }
}

/// Codes of a cell listing labels ("Français, Arabe"); unknown labels are reported.
fn codes(list: &[Choice], cell: &str, what: &str, errors: &mut Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for label in cell
        .split([',', ';', '/'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let code = code_of(list, label);
        if let Some(unknown) = code.strip_prefix('?') {
            errors.push(format!("{what} inconnu(e) : « {unknown} »."));
        } else {
            out.push(code);
        }
    }
    out
}

/// Who a row is, to find the same person twice: the name and one of phone, e-mail, year.
fn identity(m: &Member) -> Vec<String> {
    let name = name_key(&m.first_name, &m.last_name);
    [&m.phone, &m.email, &m.birth_year_text]
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| format!("{name}|{v}"))
        .collect()
}

/// Reads the file against the people already recorded (their identities).
pub fn parse(
    bytes: &[u8],
    today: jiff::civil::Date,
    known: &[String],
) -> Result<Vec<Line>, String> {
    let table = read_table(bytes)?;
    let column = |field: &str| {
        COLUMNS
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, names)| table.column(names))
    };
    if column("first_name").is_none() && column("last_name").is_none() {
        return Err(
            "Le fichier doit avoir une colonne « Nom » ou « Prénom » sur sa première ligne.".into(),
        );
    }
    let this_year = this_year(today);
    let today = today.to_string();
    // Identities → the line that first had them; `known` as a set: linear in the rows.
    let known: std::collections::HashSet<&str> = known.iter().map(String::as_str).collect();
    let mut seen: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for (number, record) in &table.rows {
        let cell = |field: &str| {
            column(field)
                .and_then(|i| record.get(i))
                .cloned()
                .unwrap_or_default()
        };
        let mut errors = Vec::new();
        let mut m = Member {
            first_name: cell("first_name"),
            last_name: cell("last_name"),
            phone: phone_cell(&cell("phone")),
            phone2: phone_cell(&cell("phone2")),
            email: cell("email"),
            birth_year_text: cell("birth_year"),
            address: cell("address"),
            postcode: cell("postcode"),
            commune: cell("commune"),
            quartier: cell("quartier"),
            household_name: cell("household_name"),
            languages: codes(LANGUAGES, &cell("languages"), "Langue", &mut errors),
            interests: codes(SECTORS, &cell("interests"), "Centre d'intérêt", &mut errors),
            desk_notes: cell("desk_notes"),
            ..Member::default()
        };
        let pref = cell("contact_pref");
        if !pref.is_empty() && crate::validate::search_key(&pref) != "pas de preference" {
            m.contact_pref = code_of(CHANNELS, &pref);
            if let Some(unknown) = m.contact_pref.strip_prefix('?') {
                errors.push(format!("Préférence de contact inconnue : « {unknown} » (E-mail, SMS, Courrier ou Téléphone)."));
                m.contact_pref.clear();
            }
        }
        if !m.household_name.is_empty() {
            m.household_id = Some("nouveau".into());
        }
        errors.extend(
            model::check(&mut m, this_year)
                .all()
                .iter()
                .map(|(_, e)| e.clone()),
        );
        let season = cell("season");
        let membership = if season.is_empty() {
            None
        } else {
            let payment = code_of(PAYMENT_MODES, &cell("payment_mode"));
            let form = FormData::from_pairs(vec![
                ("season".into(), season),
                ("joined_on".into(), today.to_string()),
                ("fee".into(), cell("fee")),
                ("payment_mode".into(), payment),
            ]);
            match model::membership_from_form(&form) {
                Ok(f) => Some(f),
                Err((_, e)) => {
                    errors.extend(e.all().iter().map(|(_, m)| format!("Adhésion : {m}")));
                    None
                }
            }
        };
        let ids = identity(&m);
        if let Some(first) = ids.iter().filter_map(|id| seen.get(id)).min() {
            errors.push(format!(
                "Même personne que la ligne {first} : gardez une seule ligne."
            ));
        }
        for id in &ids {
            seen.entry(id.clone()).or_insert(*number);
        }
        let outcome = if !errors.is_empty() {
            Outcome::Wrong(errors)
        } else if ids.iter().any(|id| known.contains(id.as_str())) {
            Outcome::Known
        } else {
            Outcome::New(Box::new(NewMember {
                member: m.clone(),
                membership,
            }))
        };
        lines.push(Line {
            number: *number,
            name: m.display_name(),
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
#[template(path = "members/import.html")]
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
    let page = Page::in_structure(state, "Importer des adhérents", user, access)
        .await
        .section("members");
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
    StructureAccess { access, user, .. }: StructureAccess<super::MemberFile>,
) -> AppResult<Response> {
    page(&state, &user, &access, None, Vec::new(), String::new()).await
}

/// The identities of everyone recorded, archived or not, and today's date.
async fn known_and_today(
    state: &AppState,
    access: &Access,
) -> AppResult<(Vec<String>, jiff::civil::Date)> {
    let sid = &access.structure.id;
    let today = today_of(access);
    let mut known = Vec::new();
    for archives in ["", "1"] {
        let f = Filter {
            archives: archives.into(),
            ..Filter::default()
        };
        for m in store::list(&state.db, sid, &f, &today, i64::MAX / 2, 0).await? {
            known.extend(identity(&m));
        }
    }
    Ok((known, today.day))
}

async fn preview(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<super::MemberFile>,
    multipart: Multipart,
) -> AppResult<Response> {
    let (known, today) = known_and_today(&state, &access).await?;
    let file = match read_upload(multipart, MAX_BYTES).await {
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
        .run(move || (parse(&file, today, &known), file))
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
    StructureAccess { access, user, .. }: StructureAccess<super::MemberFile>,
    Path(sid): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let (known, today) = known_and_today(&state, &access).await?;
    let content = form.raw("content");
    let (parsed, content) = crate::heavy::IMPORTS
        .run(move || (parse(content.as_bytes(), today, &known), content))
        .await;
    let lines = parsed.map_err(AppError::BadRequest)?;
    if lines.iter().any(Line::is_wrong) {
        return page(&state, &user, &access, None, lines, content).await;
    }
    let actor = Actor::from(&user);
    let new: Vec<&NewMember> = lines
        .iter()
        .filter_map(|l| match &l.outcome {
            Outcome::New(n) => Some(n.as_ref()),
            _ => None,
        })
        .collect();
    let mut tx = state.db.begin_write().await?;
    // One household per name, made once; then every person, membership and journal line
    // in a few statements.
    let mut households: std::collections::HashMap<String, String> = Default::default();
    let mut people = Vec::with_capacity(new.len());
    for n in &new {
        let household = match n.member.household_id {
            Some(_) => {
                let name = n.member.household_name.trim().to_string();
                if !households.contains_key(&name) {
                    let id = store::household_named(&mut tx, &access.structure.id, &name).await?;
                    households.insert(name.clone(), id);
                }
                households.get(&name).cloned()
            }
            None => None,
        };
        people.push((&n.member, household));
    }
    let ids = store::insert_many(&mut tx, &access.structure.id, &people).await?;
    let memberships: Vec<(&str, &MembershipForm)> = ids
        .iter()
        .zip(&new)
        .filter_map(|(id, n)| n.membership.as_ref().map(|m| (id.as_str(), m)))
        .collect();
    store::add_memberships(&mut tx, &access.structure.id, &memberships).await?;
    audit::write_many(&mut tx, &access.structure.id, &actor, "creation", &ids).await?;
    tx.commit().await?;
    let created = ids.len();
    tracing::info!(created, "members imported");
    Ok(Redirect::to(&format!("/structures/{sid}/adherents?info=import-fait")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_which_rows_are_wrong_or_twice_in_the_file() {
        let file = "Prénom;Nom;Téléphone;Adresse;Code postal;Commune;Langues;Saison;Cotisation;Mode de paiement\n\
            Rose;Martin;06 12 34 56 78;3 rue Haute;42000;Saint-Étienne;Français, Arabe;2026-2027;12;Chèque\n\
            Paul;Vial;;5 rue Basse;;Saint-Étienne;;;;\n\
            Rose;Martin;06 12 34 56 78;;;;;;;\n\
            Léa;Roux;;;;;Klingon;2026-2027;dix;\n";
        let lines = parse(file.as_bytes(), jiff::civil::date(2026, 11, 22), &[]).unwrap();
        assert_eq!(lines.len(), 4);
        match &lines[0].outcome {
            Outcome::New(n) => {
                assert_eq!(n.member.languages, vec!["fr", "ar"]);
                assert_eq!(n.membership.as_ref().unwrap().fee_cents, 1200);
                assert_eq!(n.membership.as_ref().unwrap().payment_mode, "cheque");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            lines[1].status().contains("code postal"),
            "{}",
            lines[1].status()
        );
        assert!(
            lines[2].status().contains("Même personne que la ligne 2"),
            "{}",
            lines[2].status()
        );
        let four = lines[3].status();
        assert!(
            four.contains("Klingon") && four.contains("montant") && four.contains("paiement"),
            "{four}"
        );
        let known = identity(&Member {
            first_name: "Rose".into(),
            last_name: "Martin".into(),
            phone: "+33612345678".into(),
            ..Member::default()
        });
        let again = parse(file.as_bytes(), jiff::civil::date(2026, 11, 22), &known).unwrap();
        assert!(again[0].status().starts_with("Ignorée"));
    }
}
