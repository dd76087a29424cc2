//! Demo activity log: beneficiaries and six months of accompaniments for the structures
//! that record activity, varied but the same at every run.

use maillon_app::activities::beneficiaries::{self, Beneficiary};
use maillon_app::activities::model::{Activity, Kind};
use maillon_app::activities::{store, vocab};
use maillon_app::db::{Db, DbError};
use maillon_app::tenancy::StructureId;

const PEOPLE: &[(&str, &str, i64, &str, &str, &str)] = &[
    (
        "Josette",
        "Martin",
        1948,
        "feminin",
        "retraite",
        "Saint-Étienne",
    ),
    (
        "Ahmed",
        "Benali",
        1961,
        "masculin",
        "sans_emploi",
        "Saint-Étienne",
    ),
    (
        "Marie-Claude",
        "Fournier",
        1952,
        "feminin",
        "retraite",
        "Saint-Étienne",
    ),
    (
        "Ibrahima",
        "Sow",
        1989,
        "masculin",
        "en_emploi",
        "Saint-Étienne",
    ),
    (
        "Lucie",
        "Garnier",
        2008,
        "feminin",
        "scolarise",
        "Saint-Chamond",
    ),
    (
        "Gérard",
        "Perrin",
        1944,
        "masculin",
        "retraite",
        "Saint-Étienne",
    ),
    (
        "Fatoumata",
        "Diallo",
        1995,
        "feminin",
        "sans_emploi",
        "Saint-Étienne",
    ),
    (
        "Bernard",
        "Roche",
        1957,
        "masculin",
        "retraite",
        "La Ricamarie",
    ),
    (
        "Samia",
        "Haddad",
        1979,
        "feminin",
        "en_emploi",
        "Saint-Étienne",
    ),
    (
        "Yvette",
        "Chambon",
        1939,
        "feminin",
        "retraite",
        "Saint-Étienne",
    ),
];

/// A small deterministic generator: the demo is the same at every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

pub async fn seed(
    db: &Db,
    structure_id: &StructureId,
    mediator_id: &str,
    place_ids: &[String],
    today: jiff::civil::Date,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    let mut people = Vec::new();
    for (first, last, year, genre, statut, commune) in PEOPLE {
        let b = Beneficiary {
            first_name: first.to_string(),
            last_name: last.to_string(),
            birth_year: Some(*year),
            genre: genre.to_string(),
            statut: statut.to_string(),
            commune: commune.to_string(),
            no_phone: *year < 1945,
            ..Beneficiary::default()
        };
        people.push(beneficiaries::insert(&mut tx, structure_id, &b).await?);
    }
    let mut dice = Dice(42);
    let themes = [
        "prise_en_main",
        "email",
        "navigation",
        "securite",
        vocab::THEME_ADMIN,
        "sante",
        "banque_achats",
    ];
    for day in (1..180).step_by(3) {
        let date = today
            .checked_sub(jiff::Span::new().days(day))
            .unwrap_or(today)
            .to_string();
        let theme = themes[dice.next(themes.len())];
        let person = people[dice.next(people.len())].clone();
        let mut a = Activity {
            kind: Kind::Individual,
            date,
            duration_min: vocab::DURATIONS[dice.next(4)],
            canal: vocab::CANAL_PLACE.into(),
            place_id: place_ids[dice.next(place_ids.len())].clone(),
            themes: vec![theme.to_string()],
            materials: vec![["telephone", "ordinateur", "tablette"][dice.next(3)].to_string()],
            autonomy: vocab::AUTONOMY[dice.next(3)].0.to_string(),
            ..Activity::default()
        };
        if theme == vocab::THEME_ADMIN {
            a.admin_themes =
                vec![["social_sante", "argent", "etrangers", "travail"][dice.next(4)].to_string()];
            a.procedure_name = [
                "Dossier CAF",
                "Déclaration d'impôts",
                "Renouvellement de titre de séjour",
                "Inscription France Travail",
            ][dice.next(4)]
            .into();
        }
        let anonymous = dice.next(4) == 0;
        let person = if anonymous {
            a.anon_count = 1;
            a.anonymous = vec![
                ("genre".into(), "non_communique".into(), 1),
                ("age".into(), "60_69".into(), 1),
                ("statut".into(), "retraite".into(), 1),
            ];
            None
        } else {
            Some(person)
        };
        store::insert(&mut tx, structure_id, mediator_id, &a, person.as_deref()).await?;
        if day % 21 == 1 {
            // A weekly workshop: some known people and some anonymous ones.
            let w = Activity {
                kind: Kind::Collective,
                date: a.date.clone(),
                duration_min: 120,
                canal: vocab::CANAL_PLACE.into(),
                place_id: place_ids[0].clone(),
                title: [
                    "Initiation tablette",
                    "Se protéger des arnaques",
                    "Premiers pas sur internet",
                ][dice.next(3)]
                .into(),
                level: "debutant".into(),
                themes: vec!["prise_en_main".into(), "securite".into()],
                materials: vec!["tablette".into()],
                participants: vec![people[0].clone(), people[2].clone(), people[5].clone()],
                anon_count: 4,
                anon_already: 1,
                anonymous: vec![
                    ("genre".into(), "feminin".into(), 3),
                    ("genre".into(), "masculin".into(), 1),
                ],
                ..Activity::default()
            };
            store::insert(&mut tx, structure_id, mediator_id, &w, None).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
