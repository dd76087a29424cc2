//! The demo's member file at Jean Ferrat: the activity log's people become members with
//! addresses, households, memberships of the season, consents and a few segments.

use maillon_app::db::{self, now, text, Db, DbError};
use maillon_app::members::consent;
use maillon_app::members::model::{Member, MembershipForm};
use maillon_app::members::{season_of, store};
use maillon_app::tenancy::StructureId;

const FIRST: &[&str] = &[
    "Aïcha", "Bernard", "Chantal", "Djamel", "Élise", "Fernand", "Gisèle", "Hassan", "Irène",
    "Jules", "Khadija", "Louis", "Mireille", "Nordine", "Odette", "Pierre", "Rachida", "Simone",
    "Thierry", "Yvette",
];
const LAST: &[&str] = &[
    "Bonnet", "Chabert", "Dumas", "Fabre", "Girard", "Haddad", "Lambert", "Mercier", "Perrin",
    "Rey", "Sanchez", "Traoré", "Vidal", "Zerrouki",
];
const STREETS: &[&str] = &[
    "rue Jean Ferrat",
    "allée des Tilleuls",
    "boulevard Karl Marx",
    "rue de la Tour",
    "place du Marché",
    "rue Victor Hugo",
];
const QUARTIERS: &[&str] = &["Jean Ferrat", "Jean Ferrat", "Montreynaud", "Centre-ville"];
const INTERESTS: &[&str] = &[
    "numerique",
    "seniors",
    "famille",
    "culture",
    "jeunesse",
    "emploi",
];
const LANGUAGES: &[&str] = &["fr", "fr", "fr ar", "fr", "fr pt", "fr tr", "fr wo"];
const PREFS: &[&str] = &["", "email", "sms", "post", "phone", "post", ""];

pub async fn seed(
    db: &Db,
    structure_id: &StructureId,
    today: jiff::civil::Date,
) -> Result<(), DbError> {
    let season = season_of(today);
    let year = i64::from(today.year());
    let today = today.to_string();
    let mut tx = db.begin_write().await?;
    // The activity log's people get an address and, for most, a membership.
    let rows =
        sqlx::query("SELECT id FROM beneficiaries WHERE structure_id = $1 ORDER BY search_name")
            .bind(structure_id)
            .fetch_all(&mut *tx)
            .await?;
    let mut n = 0usize;
    for row in &rows {
        let id = text(row, "id")?;
        n += 1;
        // Their commune stays (the statistics hold it): only Saint-Étienne gets a street.
        sqlx::query(
            "UPDATE beneficiaries SET quartier = $1, languages = $2, interests = $3 WHERE id = $4 AND structure_id = $5",
        )
        .bind(QUARTIERS[n % QUARTIERS.len()])
        .bind(LANGUAGES[n % LANGUAGES.len()])
        .bind(format!("numerique {}", INTERESTS[n % INTERESTS.len()]))
        .bind(id.clone())
        .bind(structure_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE beneficiaries SET address = $1, postcode = '42000', contact_pref = 'post' \
             WHERE id = $2 AND structure_id = $3 AND commune = 'Saint-Étienne'",
        )
        .bind(format!("{} {}", 3 + n * 7 % 90, STREETS[n % STREETS.len()]))
        .bind(id.clone())
        .bind(structure_id)
        .execute(&mut *tx)
        .await?;
        if !n.is_multiple_of(3) {
            let m = membership(&season, &today, 1000, "especes", false);
            store::add_membership(&mut tx, structure_id, &id, &m).await?;
        }
    }
    // A family of the neighbourhood with a family membership.
    let benali = [
        (
            "Samira",
            1982,
            "samira.benali@example.org",
            "06 12 34 56 01",
        ),
        ("Youssef", 1979, "", "06 12 34 56 02"),
        ("Inès", 2013, "", ""),
    ];
    let mut household = None;
    for (first, born, email, phone) in benali {
        let m = Member {
            first_name: first.into(),
            last_name: "Benali".into(),
            email: email.into(),
            phone: maillon_app::validate::phone(phone).unwrap_or_default(),
            birth_year: Some(born),
            address: "12 rue Jean Ferrat".into(),
            postcode: "42000".into(),
            commune: "Saint-Étienne".into(),
            quartier: "Jean Ferrat".into(),
            languages: vec!["fr".into(), "ar".into()],
            interests: vec!["famille".into(), "numerique".into()],
            contact_pref: if email.is_empty() {
                String::new()
            } else {
                "email".into()
            },
            household_id: Some(household.clone().unwrap_or_else(|| "nouveau".to_string())),
            household_name: "Famille Benali".into(),
            ..Member::default()
        };
        let id = store::insert(&mut tx, structure_id, &m).await?;
        if household.is_none() {
            household = sqlx::query_scalar("SELECT household_id FROM beneficiaries WHERE id = $1")
                .bind(id.clone())
                .fetch_one(&mut *tx)
                .await?;
            store::add_membership(
                &mut tx,
                structure_id,
                &id,
                &membership(&season, &today, 2500, "cheque", true),
            )
            .await?;
            for purpose in ["news", "surveys", "photos"] {
                consent::record(
                    &mut tx,
                    structure_id,
                    &id,
                    "email",
                    purpose,
                    consent::ConsentState::Given,
                    "paper",
                    "Fatou Ndiaye",
                )
                .await?;
            }
        }
    }
    add_people(&mut tx, structure_id, &season, &today, year, 0..60).await?;
    for (name, filter) in [
        (
            "Seniors du quartier Jean Ferrat",
            "adhesion=adherent&age_min=65&quartier=Jean%20Ferrat",
        ),
        (
            "Familles du quartier Jean Ferrat",
            "foyer=foyer&quartier=Jean%20Ferrat",
        ),
        (
            "Adhérents sans e-mail",
            "adhesion=adherent&contact=sans_email",
        ),
        (
            "Seniors qui ont suivi un atelier cette année",
            "age_min=60&atelier=annee",
        ),
    ] {
        sqlx::query("INSERT INTO segments (id, structure_id, name, filter, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
            .bind(db::new_id())
            .bind(structure_id)
            .bind(name)
            .bind(filter)
            .bind(now())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Messages at Jean Ferrat: the neighbourhood party, sent to the members of the season
/// (e-mails, SMS, letters and calls, also published as news), and a draft for the seniors.
pub async fn seed_messages(
    db: &Db,
    public_url: &str,
    structure_id: &StructureId,
    author: &str,
) -> Result<(), DbError> {
    use maillon_app::messages::{model::Message, plan, store as messages};
    let party = Message {
        subject: "Fête de quartier du samedi 5 décembre".into(),
        body: "Le centre social vous invite à la fête de quartier, samedi 5 décembre de 14 h à 18 h, place du Marché.\n\nAu programme : goûter partagé, jeux pour les enfants, et un stand numérique pour apprendre à faire des photos avec son téléphone.\n\nVenez avec vos voisins !".into(),
        sms_text: "Fête de quartier samedi 5 décembre 14h-18h place du Marché : goûter, jeux, stand photo. Venez nombreux ! Centre social Jean Ferrat".into(),
        purpose: "news".into(),
        publish: true,
        ..Message::default()
    };
    let seniors: Option<String> = sqlx::query_scalar(
        "SELECT id FROM segments WHERE structure_id = $1 AND name = 'Seniors du quartier Jean Ferrat'",
    )
    .bind(structure_id)
    .fetch_optional(db.read())
    .await?;
    let draft = Message {
        subject: "Atelier « Smartphone : premiers pas » : il reste des places".into(),
        body: "Vous avez un smartphone et vous voulez apprendre à vous en servir sans stress ?\n\nKarim, médiateur numérique du centre, propose un atelier en petit groupe le mardi matin. Appelez l'accueil ou passez nous voir pour vous inscrire.".into(),
        sms_text: "Atelier smartphone premiers pas le mardi matin au centre Jean Ferrat : il reste des places. Inscription a l'accueil.".into(),
        purpose: "news".into(),
        segment_id: seniors.unwrap_or_default(),
        ..Message::default()
    };
    let mut tx = db.begin_write().await?;
    let sent = messages::insert(&mut tx, structure_id, &party, author).await?;
    messages::schedule(&mut tx, structure_id, &sent, now()).await?;
    messages::insert(&mut tx, structure_id, &draft, author).await?;
    tx.commit().await?;
    plan::plan(db, public_url, structure_id, &sent).await?;
    // The volunteer already made one call.
    let mut tx = db.begin_write().await?;
    let first_call: Option<String> = sqlx::query_scalar(
        "SELECT person_id FROM message_deliveries WHERE message_id = $1 AND channel = 'phone' ORDER BY person_id LIMIT 1",
    )
    .bind(sent.clone())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(pid) = first_call {
        sqlx::query(
            "UPDATE message_deliveries SET state = 'sent' WHERE message_id = $1 AND person_id = $2",
        )
        .bind(sent)
        .bind(pid)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn membership(
    season: &str,
    joined_on: &str,
    fee_cents: i64,
    mode: &str,
    family: bool,
) -> MembershipForm {
    MembershipForm {
        season: season.into(),
        joined_on: joined_on.into(),
        fee: String::new(),
        fee_cents,
        payment_mode: mode.into(),
        family,
    }
}

/// Members of every age and habit (some without e-mail, some only by post), numbered
/// `range`: the demo's 60, or thousands for the benchmark.
async fn add_people(
    tx: &mut maillon_app::db::Tx,
    structure_id: &StructureId,
    season: &str,
    today: &str,
    year: i64,
    range: std::ops::Range<usize>,
) -> Result<(), DbError> {
    for i in range {
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i * 7 + 3) % LAST.len()];
        let born = 1938 + (i as i64 * 13) % 70;
        let pref = PREFS[i % PREFS.len()];
        let email = if pref == "email" || i % 4 == 1 {
            format!(
                "{}.{}@example.org",
                maillon_app::validate::search_key(first),
                maillon_app::validate::search_key(last)
            )
            .replace(' ', "-")
        } else {
            String::new()
        };
        let phone = if pref == "post" && i % 2 == 0 {
            String::new()
        } else {
            format!("+3367{:07}", (1_000_000 + i * 7919) % 10_000_000)
        };
        let m = Member {
            first_name: first.into(),
            last_name: last.into(),
            email,
            phone,
            no_phone: false,
            birth_year: Some(born.min(year - 3)),
            address: format!("{} {}", 2 + i * 3 % 80, STREETS[i % STREETS.len()]),
            postcode: "42000".into(),
            commune: "Saint-Étienne".into(),
            quartier: QUARTIERS[i % QUARTIERS.len()].into(),
            languages: LANGUAGES[i % LANGUAGES.len()]
                .split(' ')
                .map(String::from)
                .collect(),
            interests: vec![INTERESTS[i % INTERESTS.len()].into()],
            contact_pref: pref.into(),
            ..Member::default()
        };
        let id = store::insert(tx, structure_id, &m).await?;
        if i % 5 != 4 {
            let mode = ["especes", "cheque", "carte"][i % 3];
            store::add_membership(
                tx,
                structure_id,
                &id,
                &membership(season, today, 1000, mode, false),
            )
            .await?;
        } else {
            let last_season = season_of(jiff::civil::date((year - 1) as i16, 1, 15));
            store::add_membership(
                tx,
                structure_id,
                &id,
                &membership(
                    &last_season,
                    &format!("{}-10-01", year - 2),
                    1000,
                    "especes",
                    false,
                ),
            )
            .await?;
        }
        if i % 6 == 0 {
            consent::record(
                tx,
                structure_id,
                &id,
                "sms",
                "reminders",
                consent::ConsentState::Given,
                "desk",
                "Fatou Ndiaye",
            )
            .await?;
        }
        if i % 9 == 0 {
            consent::record(
                tx,
                structure_id,
                &id,
                "email",
                "news",
                consent::ConsentState::Refused,
                "desk",
                "Fatou Ndiaye",
            )
            .await?;
        }
    }
    Ok(())
}

/// `n` more members at the structure (benchmark of the member file), 1,000 per transaction.
pub async fn generate(
    db: &Db,
    structure_id: &StructureId,
    today: jiff::civil::Date,
    n: usize,
) -> Result<(), DbError> {
    let season = season_of(today);
    let year = i64::from(today.year());
    let today = today.to_string();
    let mut done = 0;
    while done < n {
        let end = (done + 1000).min(n);
        let mut tx = db.begin_write().await?;
        // Numbers after the demo's 60 so that names and phones differ.
        add_people(
            &mut tx,
            structure_id,
            &season,
            &today,
            year,
            60 + done..60 + end,
        )
        .await?;
        tx.commit().await?;
        done = end;
    }
    Ok(())
}

/// The benchmark's entry: `n` members at Jean Ferrat, the demo's centre.
pub async fn generate_at_ferrat(db: &Db, n: usize) -> Result<(), DbError> {
    let sid: String =
        sqlx::query_scalar("SELECT id FROM structures WHERE name = 'Centre social Jean Ferrat'")
            .fetch_one(db.read())
            .await?;
    let sid = StructureId::stored(sid);
    let today: jiff::civil::Date = maillon_app::places::routes::today("Europe/Paris")
        .parse()
        .map_err(|e: jiff::Error| DbError::invalid(e.to_string()))?;
    generate(db, &sid, today, n).await
}
