//! `maillon demo --resources N`: N generated resources for the search benchmark, written
//! through the same functions as the forms (so each is indexed as in real use), made of
//! the words of the field in varied order.

use super::scale::Dice;
use maillon_app::db::{Db, DbError};
use maillon_app::resources::model::{Block, Resource, Source};
use maillon_app::resources::{search, store, vocab};

const SUBJECTS: &[&str] = &[
    "tablette",
    "smartphone",
    "ordinateur",
    "messagerie",
    "mot de passe",
    "arnaque",
    "démarches",
    "impôts",
    "Ameli",
    "CAF",
    "France Travail",
    "photos",
    "visioconférence",
    "réseaux sociaux",
    "intelligence artificielle",
    "données personnelles",
    "sauvegarde",
    "navigateur",
    "Wi-Fi",
    "clé USB",
    "imprimante",
    "traitement de texte",
    "tableur",
    "cartes en ligne",
    "banque en ligne",
    "achats en ligne",
    "fausses informations",
    "contrôle parental",
    "jeux vidéo",
    "robot",
    "programmation",
    "logiciel libre",
    "reconditionné",
    "sobriété",
    "accessibilité",
    "loupe",
    "lecture à voix haute",
    "QR code",
    "application",
    "notifications",
    "stockage",
    "nuage",
    "courriel",
    "pièce jointe",
    "formulaire",
    "justificatif",
    "signature électronique",
    "identité numérique",
    "FranceConnect",
    "rendez-vous médical",
    "ordonnance",
    "carte Vitale",
];
const ACTIONS: &[&str] = &[
    "Découvrir",
    "Bien utiliser",
    "Sécuriser",
    "Comprendre",
    "Premiers pas avec",
    "Maîtriser",
    "Repérer les pièges de",
    "Organiser",
    "Partager",
    "Installer",
    "Paramétrer",
    "Choisir",
];
const PUBLICS: &[&str] = &[
    "pour les seniors",
    "en famille",
    "pour les débutants",
    "pour les jeunes",
    "pour tous",
    "avec des personnes allophones",
    "pas à pas",
    "en atelier collectif",
];
const WORDS: &[&str] = &[
    "appuyer",
    "ouvrir",
    "fermer",
    "cliquer",
    "glisser",
    "écran",
    "bouton",
    "menu",
    "réglages",
    "compte",
    "identifiant",
    "sécurité",
    "vérifier",
    "envoyer",
    "recevoir",
    "télécharger",
    "enregistrer",
    "dossier",
    "fichier",
    "image",
    "vidéo",
    "son",
    "clavier",
    "souris",
    "doigt",
    "groupe",
    "binôme",
    "exercice",
    "quiz",
    "carte",
    "jeu",
    "débat",
    "exemple",
    "question",
    "réponse",
    "astuce",
    "erreur",
    "conseil",
    "étape",
    "séance",
    "atelier",
    "participants",
    "animateur",
    "médiatrice",
    "public",
    "confiance",
    "autonomie",
    "entraide",
    "mémoire",
    "carnet",
    "papier",
    "projection",
    "tableau",
    "discussion",
    "retour",
    "bilan",
];

/// Adds `n` resources across the demo structures and authors; returns the mean time to
/// index one resource, in microseconds, measured over the last hundred re-indexed.
pub async fn generate(db: &Db, n: usize) -> Result<u128, DbError> {
    let mut dice = Dice(7);
    // The demo's members, each writing in one of their structures.
    let authors: Vec<(maillon_app::tenancy::StructureId, String, String)> = sqlx::query(
        "SELECT m.structure_id, u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id ORDER BY u.id, m.structure_id",
    )
    .fetch_all(db.read())
    .await?
    .iter()
    .map(|r| Ok::<_, DbError>((maillon_app::db::structure_id(r, "structure_id")?, maillon_app::db::text(r, "id")?, maillon_app::db::text(r, "name")?)))
    .collect::<Result<_, DbError>>()?;
    let themes: Vec<&str> = vocab::themes().map(|t| t.0).collect();
    let mut made = 0;
    let mut last_ids = Vec::new();
    while made < n {
        let mut tx = db.begin_write().await?;
        for _ in 0..500.min(n - made) {
            let subject = SUBJECTS[dice.next(SUBJECTS.len())];
            let title = format!(
                "{} {} {} (n° {})",
                ACTIONS[dice.next(ACTIONS.len())],
                subject,
                PUBLICS[dice.next(PUBLICS.len())],
                made + 1
            );
            let text = |count: usize, dice: &mut Dice| {
                (0..count)
                    .map(|i| {
                        if i % 30 == 15 {
                            SUBJECTS[dice.next(SUBJECTS.len())]
                        } else {
                            WORDS[dice.next(WORDS.len())]
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let summary = format!("Un atelier sur {subject} : {}.", text(18, &mut dice));
            let r = Resource {
                title,
                summary,
                themes: vec![themes[dice.next(themes.len())].to_string()],
                types: vec![vocab::TYPES[dice.next(vocab::TYPES.len())].0.to_string()],
                publics: vec![vocab::PUBLICS[dice.next(vocab::PUBLICS.len())]
                    .0
                    .to_string()],
                level: ["debutant", "intermediaire", "avance"][dice.next(3)].to_string(),
                duration_minutes: Some(30 + 15 * dice.next(8) as i64),
                licence: vocab::LICENCES[dice.next(vocab::LICENCES.len())]
                    .code
                    .to_string(),
                visibility: [
                    vocab::Visibility::Public,
                    vocab::Visibility::Public,
                    vocab::Visibility::Public,
                    vocab::Visibility::Network,
                ][dice.next(4)],
                sources: vec![Source {
                    title: [
                        "Les Bons Clics",
                        "PIX",
                        "Solidarité Numérique",
                        "Cybermalveillance",
                    ][dice.next(4)]
                    .to_string(),
                    url: String::new(),
                }],
                ..Resource::default()
            };
            let (sid, uid, name) = &authors[dice.next(authors.len())];
            let id = store::insert(&mut tx, sid, (uid, name), &r).await?;
            for kind in ["section", "texte", "texte"] {
                let b = Block {
                    kind: kind.into(),
                    title: if kind == "section" {
                        text(3, &mut dice)
                    } else {
                        String::new()
                    },
                    body: if kind == "texte" {
                        text(60, &mut dice)
                    } else {
                        String::new()
                    },
                    ..Block::default()
                };
                store::add_block(&mut tx, &id, &b).await?;
            }
            if n - made <= 100 {
                last_ids.push(id);
            }
            made += 1;
        }
        tx.commit().await?;
    }
    let started = std::time::Instant::now();
    let mut tx = db.begin_write().await?;
    for id in &last_ids {
        search::index(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(started.elapsed().as_micros() / last_ids.len().max(1) as u128)
}
