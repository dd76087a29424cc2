//! `maillon demo`: a realistic network of three structures, their places and teams,
//! so that a newcomer sees the product in one command.

mod activities;
pub mod members;
mod resources;
pub mod scale;
pub mod scale_resources;
mod workshops;

use maillon_app::accounts::model::Role;
use maillon_app::accounts::{create_user, store as accounts, tokens};
use maillon_app::db::Db;
use maillon_app::places::model::Place;
use maillon_app::structures::Structure;
use maillon_app::tenancy::StructureId;
use maillon_app::validate::with_luhn_digit;

pub const NETWORK_NAME: &str = "Fédération des centres sociaux de la Loire";
pub const PASSWORD: &str = "maillon-demo-2026";

/// An account of the demo, as printed in the terminal.
pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: &'static str,
}

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "coordination@federation.test",
        name: "Claire Martin",
        role: "Coordination du réseau (tous les droits)",
    },
    DemoAccount {
        email: "direction@jeanferrat.test",
        name: "Nadia Benali",
        role: "Responsable — Centre social Jean Ferrat",
    },
    DemoAccount {
        email: "karim@jeanferrat.test",
        name: "Karim Diallo",
        role: "Médiateur numérique — Jean Ferrat et Les Tilleuls",
    },
    DemoAccount {
        email: "benevole@jeanferrat.test",
        name: "Jacqueline Roux",
        role: "Bénévole — Centre social Jean Ferrat",
    },
    DemoAccount {
        email: "contact@tilleuls.test",
        name: "Sophie Garnier",
        role: "Responsable — Espace de vie sociale Les Tilleuls",
    },
    DemoAccount {
        email: "numerique@mediatheque-roanne.test",
        name: "Thomas Lefèvre",
        role: "Responsable — Médiathèque Louise Michel",
    },
    DemoAccount {
        email: "accueil@jeanferrat.test",
        name: "Fatou Ndiaye",
        role: "Accueil et adhésions — Centre social Jean Ferrat",
    },
];

fn structure(
    name: &str,
    kind: &str,
    siret13: &str,
    email: &str,
    phone: &str,
    website: &str,
) -> Structure {
    Structure {
        id: StructureId::default(),
        name: name.into(),
        kind: kind.into(),
        pivot: with_luhn_digit(siret13),
        email: email.into(),
        phone: phone.into(),
        website: website.into(),
        timezone: "Europe/Paris".into(),
        volunteers_see_beneficiaries: false,
        reminder_days: 2,
        reminder_morning: true,
        // The demo shows every message: SMS land in the outbox; freed seats are offered
        // for a day.
        sms_enabled: true,
        offer_hours: 24,
        send_from_hour: 9,
        send_until_hour: 19,
        sms_daily_budget: maillon_app::structures::DEFAULT_SMS_DAILY_BUDGET,
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Fills an empty database. Does nothing if the network already has structures.
pub async fn seed(
    db: &Db,
    storage: &maillon_app::files::Storage,
    public_url: &str,
) -> Result<bool, String> {
    if !maillon_app::structures::store::list(db)
        .await
        .map_err(err)?
        .is_empty()
    {
        return Ok(false);
    }
    let mut tx = db.begin_write().await.map_err(err)?;
    maillon_app::structures::store::set_network_name(&mut tx, NETWORK_NAME)
        .await
        .map_err(err)?;
    let ferrat = structure(
        "Centre social Jean Ferrat",
        "Centre social",
        "7821345670001",
        "accueil@jeanferrat.test",
        "+33477123456",
        "https://jeanferrat.example.org",
    );
    let tilleuls = structure(
        "Espace de vie sociale Les Tilleuls",
        "Espace de vie sociale",
        "8134567890001",
        "contact@tilleuls.test",
        "+33477654321",
        "",
    );
    let mediatheque = structure(
        "Médiathèque Louise Michel",
        "Médiathèque",
        "2142018700001",
        "mediatheque@roanne.test",
        "+33477712233",
        "https://mediatheque.example.org",
    );
    let ferrat_id = maillon_app::structures::store::insert(&mut tx, &ferrat)
        .await
        .map_err(err)?;
    let tilleuls_id = maillon_app::structures::store::insert(&mut tx, &tilleuls)
        .await
        .map_err(err)?;
    let mediatheque_id = maillon_app::structures::store::insert(&mut tx, &mediatheque)
        .await
        .map_err(err)?;
    let today = maillon_app::places::routes::today("Europe/Paris");
    for (sid, place) in places(&ferrat, &tilleuls, &mediatheque, &today)
        .into_iter()
        .map(|(i, p)| ([&ferrat_id, &tilleuls_id, &mediatheque_id][i].clone(), p))
    {
        maillon_app::places::store::insert(&mut tx, &sid, &place)
            .await
            .map_err(err)?;
    }
    tx.commit().await.map_err(err)?;

    // (e-mail, network admin?, structures and roles), in the order of ACCOUNTS.
    type Memberships<'a> = (&'a str, bool, Vec<(&'a StructureId, Role)>);
    let memberships: [Memberships; 7] = [
        (ACCOUNTS[0].email, true, vec![]),
        (
            ACCOUNTS[1].email,
            false,
            vec![(&ferrat_id, Role::StructureAdmin)],
        ),
        (
            ACCOUNTS[2].email,
            false,
            vec![(&ferrat_id, Role::Mediator), (&tilleuls_id, Role::Mediator)],
        ),
        (
            ACCOUNTS[3].email,
            false,
            vec![(&ferrat_id, Role::Volunteer)],
        ),
        (
            ACCOUNTS[4].email,
            false,
            vec![(&tilleuls_id, Role::StructureAdmin)],
        ),
        (
            ACCOUNTS[5].email,
            false,
            vec![(&mediatheque_id, Role::StructureAdmin)],
        ),
        (ACCOUNTS[6].email, false, vec![(&ferrat_id, Role::Desk)]),
    ];
    let (mut nadia, mut claire) = (String::new(), String::new());
    for (i, (email, network_admin, roles)) in memberships.iter().enumerate() {
        let first = roles.first().map(|(s, r)| (*s, *r));
        let id = create_user(db, email, ACCOUNTS[i].name, PASSWORD, *network_admin, first).await?;
        if i == 0 {
            claire = id.clone();
        }
        if i == 1 {
            nadia = id.clone();
        }
        let mut tx = db.begin_write().await.map_err(err)?;
        for (sid, role) in roles.iter().skip(1) {
            accounts::add_membership(&mut tx, &id, sid, *role)
                .await
                .map_err(err)?;
        }
        tx.commit().await.map_err(err)?;
    }

    let karim = maillon_app::accounts::store::find_by_email(db, ACCOUNTS[2].email)
        .await
        .map_err(err)?
        .map(|u| u.id)
        .unwrap_or_default();
    let ferrat_places: Vec<String> = maillon_app::places::store::list_for_structure(db, &ferrat_id)
        .await
        .map_err(err)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let today_date: jiff::civil::Date = today.parse().map_err(err)?;
    activities::seed(db, &ferrat_id, &karim, &ferrat_places, today_date)
        .await
        .map_err(err)?;
    members::seed(db, &ferrat_id, today_date)
        .await
        .map_err(err)?;
    members::seed_messages(db, public_url, &ferrat_id, ACCOUNTS[6].name)
        .await
        .map_err(err)?;
    workshops::seed(
        db,
        public_url,
        &ferrat_id,
        ferrat_places
            .first()
            .map(String::as_str)
            .unwrap_or_default(),
        today_date,
    )
    .await
    .map_err(err)?;

    // Resources of three mediators: Karim (Jean Ferrat), Sophie, Thomas.
    let mut authors: [(StructureId, String, String); 3] = Default::default();
    for (slot, (sid, account)) in authors.iter_mut().zip([
        (&ferrat_id, &ACCOUNTS[2]),
        (&tilleuls_id, &ACCOUNTS[4]),
        (&mediatheque_id, &ACCOUNTS[5]),
    ]) {
        let uid = maillon_app::accounts::store::find_by_email(db, account.email)
            .await
            .map_err(err)?
            .map(|u| u.id)
            .unwrap_or_default();
        *slot = (sid.clone(), uid, account.name.to_string());
    }
    resources::seed(db, storage, &authors).await.map_err(err)?;

    // A pending invitation, so that the team page and the outbox have something to show.
    let token = tokens::new_token();
    let mut tx = db.begin_write().await.map_err(err)?;
    // The statistics link Nadia gave the centre's funder (its secret is not shown again).
    maillon_app::activities::shares::create(&mut tx, &ferrat_id, &nadia)
        .await
        .map_err(err)?;
    accounts::insert_token(
        &mut tx,
        &tokens::hash(&token),
        "invitation",
        "lea.morel@jeanferrat.test",
        None,
        Some(&ferrat_id),
        Some(Role::Mediator),
        Some(&nadia),
        7 * 86_400,
    )
    .await
    .map_err(err)?;
    let body = format!(
        "Bonjour,\n\nNadia Benali vous invite à rejoindre l'équipe de « Centre social Jean Ferrat » sur Maillon, comme médiateur ou médiatrice numérique.\n\nPour accepter, ouvrez ce lien (valable 7 jours, une seule fois) :\n\n{public_url}/invitation/{token}\n"
    );
    maillon_app::mail::queue(
        &mut tx,
        "lea.morel@jeanferrat.test",
        "Invitation à rejoindre Centre social Jean Ferrat sur Maillon",
        &body,
    )
    .await
    .map_err(err)?;
    // The network coordination asked to invite a volunteer: it waits for Nadia's yes.
    maillon_app::structures::store::insert_invitation_request(
        &mut tx,
        &ferrat_id,
        "samir.haddad@jeanferrat.test",
        Role::Volunteer.code(),
        &claire,
    )
    .await
    .map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(true)
}

#[allow(clippy::too_many_lines)]
fn places(
    ferrat: &Structure,
    tilleuls: &Structure,
    mediatheque: &Structure,
    today: &str,
) -> Vec<(usize, Place)> {
    let base = |s: &Structure| Place {
        is_public: true,
        pivot: s.pivot.clone(),
        structure_parente: s.name.clone(),
        source: NETWORK_NAME.into(),
        date_maj: today.into(),
        itinerance: "Fixe".into(),
        ..Place::default()
    };
    vec![
        (0, Place {
            nom: "Espace numérique du centre social Jean Ferrat".into(),
            adresse: "12 rue Jean Ferrat".into(),
            complement_adresse: "Rez-de-chaussée, entrée par la cour".into(),
            code_postal: "42000".into(),
            commune: "Saint-Étienne".into(),
            code_insee: "42218".into(),
            latitude: Some(45.4397),
            longitude: Some(4.3872),
            typologie: "CS|ASSO".into(),
            telephone: "+33477123456".into(),
            courriels: "numerique@jeanferrat.test".into(),
            site_web: "https://jeanferrat.example.org".into(),
            horaires: "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off".into(),
            presentation_resume: "Aide aux démarches en ligne, ateliers tablette et smartphone, ordinateurs en libre accès. Accueil sans rendez-vous le matin.".into(),
            presentation_detail: "Karim, médiateur numérique, vous accompagne pour vos démarches (CAF, ameli, impôts, France Travail), pour prendre en main votre téléphone ou votre tablette, et pour apprendre à vous protéger des arnaques. Des ateliers collectifs ont lieu chaque semaine.".into(),
            services: "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien|Utilisation sécurisée du numérique|Accès internet et matériel informatique".into(),
            publics_specifiquement_adresses: "Seniors|Familles et/ou enfants".into(),
            prise_en_charge_specifique: "Illettrisme|Langues étrangères (autres)".into(),
            frais_a_charge: "Gratuit".into(),
            dispositif_programmes_nationaux: "Conseillers numériques|Aidants Connect".into(),
            formations_labels: "Formé à « Mon Espace Santé »".into(),
            modalites_acces: "Se présenter|Téléphoner|Contacter par mail".into(),
            modalites_accompagnement: "Accompagnement individuel|Dans un atelier collectif|En autonomie".into(),
            prise_rdv: "https://rdv.example.org/jeanferrat".into(),
            ..base(ferrat)
        }),
        (0, Place {
            nom: "Permanence numérique de Montreynaud".into(),
            adresse: "3 place de la Forêt".into(),
            complement_adresse: "Salle de la mairie annexe".into(),
            code_postal: "42000".into(),
            commune: "Saint-Étienne".into(),
            code_insee: "42218".into(),
            latitude: Some(45.4606),
            longitude: Some(4.4093),
            typologie: "CS".into(),
            telephone: "+33477123456".into(),
            horaires: "Tu 14:00-17:00; Th 09:00-12:00".into(),
            presentation_resume: "Permanence d'aide aux démarches en ligne, deux demi-journées par semaine, au cœur du quartier.".into(),
            services: "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien".into(),
            frais_a_charge: "Gratuit".into(),
            modalites_acces: "Se présenter|Téléphoner".into(),
            modalites_accompagnement: "Accompagnement individuel".into(),
            ..base(ferrat)
        }),
        (1, Place {
            nom: "Les Tilleuls — atelier numérique".into(),
            adresse: "8 allée des Tilleuls".into(),
            code_postal: "42700".into(),
            commune: "Firminy".into(),
            code_insee: "42095".into(),
            latitude: Some(45.3886),
            longitude: Some(4.2878),
            typologie: "EVS|ASSO".into(),
            telephone: "+33477654321".into(),
            courriels: "contact@tilleuls.test".into(),
            horaires: "We 14:00-17:00; Sa 10:00-12:00".into(),
            presentation_resume: "Ateliers numériques en petit groupe le mercredi, café-numérique le samedi matin : on vient avec son téléphone et ses questions.".into(),
            services: "Maîtrise des outils numériques du quotidien|Parentalité et éducation avec le numérique|Loisirs et créations numériques".into(),
            publics_specifiquement_adresses: "Familles et/ou enfants|Seniors".into(),
            frais_a_charge: "Gratuit sous condition".into(),
            modalites_acces: "Se présenter|Téléphoner".into(),
            modalites_accompagnement: "Dans un atelier collectif|Accompagnement individuel".into(),
            ..base(tilleuls)
        }),
        (2, Place {
            nom: "Médiathèque Louise Michel".into(),
            adresse: "20 rue Louise Michel".into(),
            code_postal: "42300".into(),
            commune: "Roanne".into(),
            code_insee: "42187".into(),
            latitude: Some(46.0344),
            longitude: Some(4.0725),
            typologie: "BIB|MUNI".into(),
            telephone: "+33477712233".into(),
            courriels: "mediatheque@roanne.test".into(),
            site_web: "https://mediatheque.example.org".into(),
            horaires: "Tu-Fr 10:00-12:30,14:00-18:00; Sa 10:00-17:00; PH off".into(),
            presentation_resume: "Postes informatiques en accès libre, wifi gratuit, ateliers « premiers pas » et accompagnement aux démarches sur rendez-vous.".into(),
            services: "Accès internet et matériel informatique|Maîtrise des outils numériques du quotidien|Compréhension du monde numérique|Aide aux démarches administratives".into(),
            prise_en_charge_specifique: "Déficience visuelle|Handicaps moteurs".into(),
            frais_a_charge: "Gratuit".into(),
            dispositif_programmes_nationaux: "Bibliothèques numérique de référence|Certification PIX".into(),
            modalites_acces: "Se présenter|Prendre un RDV en ligne".into(),
            modalites_accompagnement: "En autonomie|Accompagnement individuel|Dans un atelier collectif".into(),
            fiche_acces_libre: "https://acceslibre.example.org/mediatheque-louise-michel".into(),
            ..base(mediatheque)
        }),
        (2, Place {
            nom: "Bus numérique du Roannais (en préparation)".into(),
            is_public: false,
            adresse: "20 rue Louise Michel".into(),
            code_postal: "42300".into(),
            commune: "Roanne".into(),
            itinerance: "Itinérant".into(),
            presentation_resume: "Un bus équipé qui ira dans les villages du Roannais à partir du printemps.".into(),
            services: "Aide aux démarches administratives".into(),
            frais_a_charge: "Gratuit".into(),
            ..base(mediatheque)
        }),
    ]
}
