//! Demo programme: the workshops of a social centre over the coming weeks, one of them
//! full with a waiting list, people registered online and at the desk.

use maillon_app::db::{Db, DbError};
use maillon_app::tenancy::StructureId;
use maillon_app::workshops::model::{Session, Workshop};
use maillon_app::workshops::registration::{self, Contact};
use maillon_app::workshops::store;

struct Demo {
    title: &'static str,
    description: &'static str,
    theme: &'static str,
    public: &'static str,
    level: &'static str,
    material: &'static str,
    /// Days from today to the first session, weekly sessions, start, end, seats.
    first_in: i64,
    weeks: i64,
    hours: (&'static str, &'static str),
    capacity: i64,
    /// Registering once holds a seat at every session.
    cycle: bool,
}

const WORKSHOPS: &[Demo] = &[
    Demo {
        title: "Premiers pas sur la tablette",
        description: "Allumer la tablette, toucher l'écran, ouvrir une application, prendre une photo. Pour les personnes qui n'ont jamais utilisé de tablette : on prend le temps, six semaines de suite, on s'inscrit une fois pour tout le cycle.",
        theme: "prise_en_main",
        public: "seniors",
        level: "debutant",
        material: "Votre tablette si vous en avez une ; sinon nous en prêtons.",
        first_in: 2,
        weeks: 6,
        hours: ("14:00", "16:00"),
        capacity: 8,
        cycle: true,
    },
    Demo {
        title: "Démarches en ligne : CAF, impôts, France Travail",
        description: "Créer son compte, retrouver ses identifiants, déposer un document. Venez avec vos questions.",
        theme: "demarches_administratives",
        public: "adultes",
        level: "debutant",
        material: "Vos identifiants et un justificatif d'identité.",
        first_in: 4,
        weeks: 1,
        hours: ("09:30", "11:30"),
        capacity: 3,
        cycle: false,
    },
    Demo {
        title: "Jeux contre les fake news",
        description: "Vrai ou faux ? Un jeu en équipes pour apprendre à vérifier une information avant de la partager.",
        theme: "culture",
        public: "adolescents",
        level: "intermediaire",
        material: "",
        first_in: 9,
        weeks: 1,
        hours: ("15:00", "17:00"),
        capacity: 12,
        cycle: false,
    },
];

const PEOPLE: &[(&str, &str, &str)] = &[
    ("Josette Martin", "", ""),
    ("Ahmed Benali", "06 12 34 56 78", ""),
    ("Lucie Perrin", "", "lucie.perrin@example.fr"),
    ("Paul Vial", "04 77 11 22 33", ""),
];

pub async fn seed(
    db: &Db,
    public_url: &str,
    structure_id: &StructureId,
    place_id: &str,
    today: jiff::civil::Date,
) -> Result<(), DbError> {
    let mut firsts = Vec::new();
    for (i, d) in WORKSHOPS.iter().enumerate() {
        let w = Workshop {
            title: d.title.into(),
            description: d.description.into(),
            themes: vec![d.theme.into()],
            publics: vec![d.public.into()],
            level: d.level.into(),
            material: d.material.into(),
            price_kind: maillon_app::workshops::model::PriceKind::Free,
            cycle: d.cycle,
            ..Workshop::default()
        };
        let mut tx = db.begin_write().await?;
        let wid = store::insert_workshop(&mut tx, structure_id, &w).await?;
        let mut first = String::new();
        for week in 0..d.weeks {
            let date = today
                .checked_add(jiff::Span::new().days(d.first_in + 7 * week))
                .unwrap_or(today);
            let s = Session {
                date: date.to_string(),
                start_time: d.hours.0.into(),
                end_time: d.hours.1.into(),
                place_id: place_id.into(),
                capacity: d.capacity,
                animator: "Karim Haddad".into(),
                ..Session::default()
            };
            let id = store::insert_session(&mut tx, structure_id, &wid, &s).await?;
            if first.is_empty() {
                first = id;
            }
        }
        tx.commit().await?;
        firsts.push(first.clone());
        // The second workshop is full, with two people waiting.
        let signed_up = if i == 1 { PEOPLE.len() + 1 } else { 2 };
        for n in 0..signed_up {
            let (name, phone, email) = PEOPLE[n % PEOPLE.len()];
            let c = Contact {
                name: if n < PEOPLE.len() {
                    name.into()
                } else {
                    "Marie-Claude Fournier".into()
                },
                phone: maillon_app::validate::phone(phone).unwrap_or_default(),
                email: email.into(),
                seats: 1,
                ..Contact::default()
            };
            let source = if phone.is_empty() && email.is_empty() {
                registration::Source::Staff
            } else {
                registration::Source::Public
            };
            registration::register(db, public_url, structure_id, &first, &c, source).await?;
        }
    }
    // A programme of the coming days, with its poster.
    let mut tx = db.begin_write().await?;
    let programme = maillon_app::db::new_id();
    sqlx::query("INSERT INTO programmes (id, structure_id, title, description, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(programme.clone())
        .bind(structure_id)
        .bind("Semaine du numérique")
        .bind("Une thématique par jour : la tablette, les démarches en ligne, les fausses informations.")
        .bind(maillon_app::db::now())
        .execute(&mut *tx)
        .await?;
    for session in firsts {
        sqlx::query("INSERT INTO programme_sessions (programme_id, session_id) VALUES ($1, $2)")
            .bind(programme.clone())
            .bind(session)
            .execute(&mut *tx)
            .await?;
    }
    // The tablet workshop's last date is called off (shown as such to staff and links).
    let last: String = sqlx::query_scalar(
        "SELECT id FROM workshop_sessions WHERE structure_id = $1 ORDER BY date DESC, start_time DESC LIMIT 1",
    )
    .bind(structure_id)
    .fetch_one(&mut *tx)
    .await?;
    maillon_app::workshops::cancelling::cancel_in(
        &mut tx,
        &last,
        "animateur en formation ce jour-là",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
