//! Exports of the activity log: accompaniments with the column set of the national
//! reporting tool, beneficiaries, and the statistics as a sheet.

use std::collections::HashMap;

use super::stats::{self, Filter};
use super::vocab::{self, *};
use crate::db::{self, text, Db, DbError};
use crate::exports::{Row, Rows};
use crate::tenancy::StructureId;

pub const ACCOMPANIMENT_COLUMNS: &[&str] = &[
    "Date",
    "Enregistré le",
    "Dernière modification",
    "Médiateur",
    "Type",
    "Participants",
    "Bénéficiaire",
    "Canaux",
    "Lieu - nom",
    "Lieu - adresse",
    "Lieu - commune",
    "Lieu - code postal",
    "Lieu - code INSEE",
    "Durée (min)",
    "Nom de l'atelier",
    "Matériel",
    "Thématiques",
    "Thématiques administratives",
    "Nom de la démarche",
    "Niveau d'autonomie / de l'atelier",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Bénéficiaire - commune",
    "Bénéficiaire - genre",
    "Bénéficiaire - tranche d'âge",
    "Bénéficiaire - statut",
    "Notes",
    "Identifiant",
];

const BATCH: i64 = 1000;

fn instant_fr(seconds: i64, tz: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sends every accompaniment of the filter, oldest first, in batches (keyset pagination).
pub async fn accompaniment_rows(
    db: &Db,
    filter: &Filter,
    timezone: &str,
    this_year: i64,
    out: &Rows,
) -> Result<(), DbError> {
    let tz = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let (from, binds) = stats::base(filter);
    let from = from.replacen(
        " WHERE ",
        " LEFT JOIN users u ON u.id = a.mediator_id WHERE ",
        1,
    );
    let (mut last_date, mut last_id) = (String::new(), String::new());
    loop {
        let n = binds.len();
        let sql = format!(
            "SELECT a.id, a.date, a.created_at, a.updated_at, u.name AS mediator, a.kind, a.accompaniments, a.canal, \
             a.commune, pl.nom, pl.adresse, pl.commune AS place_commune, pl.code_postal, pl.code_insee, a.duration_min, \
             a.title, a.procedure_name, a.autonomy, a.level, a.oriented, a.orientation, a.notes, a.anon_commune \
             {from} AND (a.date > ${} OR (a.date = ${} AND a.id > ${})) ORDER BY a.date, a.id LIMIT ${}",
            n + 1,
            n + 1,
            n + 2,
            n + 3
        );
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b.clone());
        }
        let rows = q
            .bind(last_date.clone())
            .bind(last_id.clone())
            .bind(BATCH)
            .fetch_all(db.read())
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = rows
            .iter()
            .map(|r| text(r, "id"))
            .collect::<Result<_, DbError>>()?;
        let in_list = placeholders(1, ids.len());
        let mut tags: HashMap<String, Vec<(String, String)>> = HashMap::new();
        let tag_sql = format!("SELECT activity_id, kind, code FROM activity_tags WHERE activity_id IN ({in_list}) ORDER BY code");
        let mut q = sqlx::query(&tag_sql);
        for id in &ids {
            q = q.bind(id.clone());
        }
        for r in q.fetch_all(db.read()).await? {
            tags.entry(text(&r, "activity_id")?)
                .or_default()
                .push((text(&r, "kind")?, text(&r, "code")?));
        }
        let mut people: HashMap<String, (String, String, String, String, Option<i64>)> =
            HashMap::new();
        let people_sql = format!(
            "SELECT p.activity_id, b.first_name, b.last_name, b.commune, b.genre, b.statut, b.birth_year \
             FROM activity_participants p JOIN beneficiaries b ON b.id = p.beneficiary_id WHERE p.activity_id IN ({in_list})"
        );
        let mut q = sqlx::query(&people_sql);
        for id in &ids {
            q = q.bind(id.clone());
        }
        for r in q.fetch_all(db.read()).await? {
            let name = format!("{} {}", text(&r, "first_name")?, text(&r, "last_name")?)
                .trim()
                .to_string();
            people.entry(text(&r, "activity_id")?).or_insert((
                name,
                text(&r, "commune")?,
                text(&r, "genre")?,
                text(&r, "statut")?,
                db::opt_int(&r, "birth_year")?,
            ));
        }
        let mut anonymous: HashMap<String, HashMap<String, String>> = HashMap::new();
        let anon_sql = format!("SELECT activity_id, dimension, value FROM activity_anonymous WHERE activity_id IN ({in_list}) AND count = 1");
        let mut q = sqlx::query(&anon_sql);
        for id in &ids {
            q = q.bind(id.clone());
        }
        for r in q.fetch_all(db.read()).await? {
            anonymous
                .entry(text(&r, "activity_id")?)
                .or_default()
                .insert(text(&r, "dimension")?, text(&r, "value")?);
        }

        for r in &rows {
            let id = text(r, "id")?;
            let kind = text(r, "kind")?;
            let individual = kind == "individuel";
            let codes = |k: &str, list: &[Choice]| -> String {
                tags.get(&id)
                    .map(|t| {
                        t.iter()
                            .filter(|(kk, _)| kk == k)
                            .map(|(_, c)| vocab::label(list, c))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
            };
            let in_place = text(r, "canal")? == CANAL_PLACE;
            let (person, p_commune, p_genre, p_age, p_statut) =
                match (individual, people.get(&id), anonymous.get(&id)) {
                    (true, Some((name, commune, genre, statut, year)), _) => (
                        name.clone(),
                        commune.clone(),
                        vocab::label(GENRES, genre).to_string(),
                        vocab::label(AGE_BRACKETS, vocab::age_bracket(*year, this_year))
                            .to_string(),
                        vocab::label(STATUTS, statut).to_string(),
                    ),
                    (true, None, anon) => {
                        let get = |d: &str| {
                            anon.and_then(|m| m.get(d))
                                .cloned()
                                .unwrap_or_else(|| NOT_GIVEN.to_string())
                        };
                        (
                            "Anonyme".to_string(),
                            text(r, "anon_commune")?,
                            vocab::label(GENRES, &get("genre")).to_string(),
                            vocab::label(AGE_BRACKETS, &get("age")).to_string(),
                            vocab::label(STATUTS, &get("statut")).to_string(),
                        )
                    }
                    _ => Default::default(),
                };
            let level = if individual {
                vocab::label(AUTONOMY, &text(r, "autonomy")?)
            } else {
                vocab::label(LEVELS, &text(r, "level")?)
            };
            let row: Row = vec![
                super::routes::date_fr(&text(r, "date")?),
                instant_fr(db::int(r, "created_at")?, &tz),
                instant_fr(db::int(r, "updated_at")?, &tz),
                text(r, "mediator")?,
                if individual {
                    "Accompagnement individuel".into()
                } else {
                    "Atelier collectif".into()
                },
                db::int(r, "accompaniments")?.to_string(),
                person,
                vocab::label(CANALS, &text(r, "canal")?).to_string(),
                if in_place {
                    text(r, "nom")?
                } else {
                    String::new()
                },
                if in_place {
                    text(r, "adresse")?
                } else {
                    String::new()
                },
                if in_place {
                    text(r, "place_commune")?
                } else {
                    text(r, "commune")?
                },
                if in_place {
                    text(r, "code_postal")?
                } else {
                    String::new()
                },
                if in_place {
                    text(r, "code_insee")?
                } else {
                    String::new()
                },
                db::int(r, "duration_min")?.to_string(),
                text(r, "title")?,
                codes("material", MATERIALS),
                codes("theme", THEMES),
                codes("admin_theme", ADMIN_THEMES),
                text(r, "procedure_name")?,
                level.to_string(),
                if db::flag(r, "oriented")? {
                    "Oui".into()
                } else {
                    "Non".into()
                },
                vocab::label(ORIENTATIONS, &text(r, "orientation")?).to_string(),
                p_commune,
                p_genre,
                p_age,
                p_statut,
                text(r, "notes")?,
                id.clone(),
            ];
            if out.send(row).await.is_err() {
                // The person closed the download: stop reading.
                return Ok(());
            }
        }
        let last = rows.last().expect("non-empty batch");
        last_date = text(last, "date")?;
        last_id = text(last, "id")?;
    }
}

pub const BENEFICIARY_COLUMNS: &[&str] = &[
    "Prénom",
    "Nom",
    "Téléphone",
    "E-mail",
    "Année de naissance",
    "Tranche d'âge",
    "Commune de résidence",
    "Genre",
    "Statut",
    "Notes",
    "Identifiant",
];

pub async fn beneficiary_rows(
    db: &Db,
    structure_id: &StructureId,
    this_year: i64,
    out: &Rows,
) -> Result<(), DbError> {
    let mut last = String::new();
    loop {
        let rows = sqlx::query(
            "SELECT id, first_name, last_name, phone, no_phone, email, birth_year, commune, genre, statut, notes FROM beneficiaries \
             WHERE structure_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(structure_id)
        .bind(last.clone())
        .bind(BATCH)
        .fetch_all(db.read())
        .await?;
        let Some(tail) = rows.last() else {
            return Ok(());
        };
        last = text(tail, "id")?;
        for r in &rows {
            let year = db::opt_int(r, "birth_year")?;
            let phone = if db::flag(r, "no_phone")? {
                "Pas de téléphone".to_string()
            } else {
                crate::validate::phone_display(&text(r, "phone")?)
            };
            let row = vec![
                text(r, "first_name")?,
                text(r, "last_name")?,
                phone,
                text(r, "email")?,
                year.map(|y| y.to_string()).unwrap_or_default(),
                vocab::label(AGE_BRACKETS, vocab::age_bracket(year, this_year)).to_string(),
                text(r, "commune")?,
                vocab::label(GENRES, &text(r, "genre")?).to_string(),
                vocab::label(STATUTS, &text(r, "statut")?).to_string(),
                text(r, "notes")?,
                text(r, "id")?,
            ];
            if out.send(row).await.is_err() {
                return Ok(());
            }
        }
    }
}
