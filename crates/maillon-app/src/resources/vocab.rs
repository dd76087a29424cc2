//! The vocabularies of shared resources (taxonomy section 2, labels exactly as the
//! national commons writes them), the licences and who may see a resource.

use crate::activities::vocab::Choice;

/// Themes, in the four families of the national commons.
pub const THEME_FAMILIES: &[(&str, &[Choice])] = &[
    (
        "Inclusion numérique",
        &[
            (
                "demarches_administratives",
                "Aide aux démarches administratives",
            ),
            ("accessibilite", "Accessibilité"),
            ("diagnostic", "Diagnostic de compétences numériques"),
            ("maitrise_outils", "Maîtrise des outils numériques"),
            ("navigation", "Navigation sur Internet"),
            ("sante", "Numérique en santé"),
            ("parentalite", "Parentalité"),
            ("reseaux_sociaux", "Réseaux sociaux & communication"),
            ("risques_cyber", "Risques cyber et protection"),
        ],
    ),
    (
        "Culture numérique",
        &[
            ("loisirs_creations", "Loisirs et créations numériques"),
            ("citoyennete", "Citoyenneté & engagement"),
            ("code", "Code & programmation"),
            ("donnees", "Données"),
            ("emploi", "Emploi & entrepreunariat"),
            ("ia", "Intelligence artificielle"),
            ("jeux_videos", "Jeux vidéos"),
            ("education_medias", "Éducation aux médias"),
        ],
    ),
    (
        "Communs & souveraineté",
        &[
            ("communs", "Communs numériques"),
            ("economie_numerique", "Économie numérique"),
            ("gouvernances", "Gouvernances partagées"),
            ("open_source", "Open source et licences libres"),
            (
                "souverainete",
                "Souveraineté numérique & hébergement des données",
            ),
        ],
    ),
    (
        "Numérique & environnement",
        &[
            ("ecoconception", "Écoconception de services numériques"),
            ("reconditionne", "Matériel reconditionné"),
            ("mobilites", "Mobilités"),
            ("environnement", "Numérique au service de l'environnement"),
            ("sobriete", "Sobriété numérique"),
            ("territoires", "Territoires connectés et durables"),
            ("usages_responsables", "Usages responsables du numérique"),
        ],
    ),
];

pub const TYPES: &[Choice] = &[
    ("pedagogique", "Ressources pédagogiques"),
    ("outils", "Outils Numériques"),
    ("annuaire", "Annuaire"),
    ("article", "Article"),
    ("boite_a_outils", "Boite à outils"),
    ("infographie", "Infographie"),
    ("methodologie", "Méthodologie"),
    ("questionnaire", "Questionnaire"),
    ("video", "Vidéo / Webinaire"),
];

pub const PUBLICS: &[Choice] = &[
    ("tous", "Tous publics"),
    ("enfants", "Enfants mineurs"),
    ("adultes", "Adultes"),
    ("seniors", "Seniors & personnes âgées"),
    ("parents", "Parents"),
    ("eloignes", "Personnes très éloignées du numérique"),
    (
        "handicap",
        "Personne en situation de handicap et/ou de perte d'autonomie",
    ),
    ("illettrisme", "Personne en situation d'illettrisme"),
    (
        "allophones",
        "Personne allophone / Réfugiés / demandeurs d'asile",
    ),
    (
        "insertion",
        "Personnes en insertion sociale et/ou professionnelle",
    ),
];

pub const SECTORS: &[Choice] = &[
    ("publics", "Acteurs publics"),
    ("prives_associatifs", "Acteurs privés et associatifs"),
    ("mediateurs", "Aidants et médiateurs numériques"),
    ("autres", "Autres professionnels"),
];

/// "Recommandez-vous cette ressource ?"
pub const RATINGS: &[(i64, &str)] = &[(1, "Non"), (2, "Moyen"), (3, "Oui"), (4, "Beaucoup")];

pub fn rating_label(rating: i64) -> &'static str {
    RATINGS
        .iter()
        .find(|r| r.0 == rating)
        .map(|r| r.1)
        .unwrap_or("")
}

/// Why someone reports a resource (a comment is required too).
pub const REPORT_REASONS: &[Choice] = &[
    ("inapproprie", "Le contenu est inapproprié"),
    ("obsolete", "Le contenu est obsolète"),
    ("erreurs", "Il y a des erreurs"),
    ("doublon", "C'est le doublon d'une autre ressource"),
];

crate::code_enum! {
    /// Who may read a resource (`resources::readable`, `store::visible_to`).
    #[derive(Default)]
    pub enum Visibility("visibilité de ressource") {
        #[default]
        Draft = "brouillon", "Brouillon : moi seul·e";
        Structure = "structure", "Ma structure";
        Network = "reseau", "Le réseau (toutes les structures de l'instance)";
        Public = "public", "Public : tout le monde, sans compte";
    }
}

/// A licence: what others may do with a resource.
pub struct Licence {
    pub code: &'static str,
    pub label: &'static str,
    pub url: &'static str,
    /// Whether others may make their own version (the "Adapter" button).
    pub allows_adaptation: bool,
    /// An adaptation must keep the same licence (the "SA" of Creative Commons).
    pub share_alike: bool,
}

/// The four licences of the field, then CC BY 4.0 and CC0. "Pas de licence" grants no
/// right to others: under French law the author keeps them all, so nobody may adapt
/// without asking (decision 0012).
pub const LICENCES: &[Licence] = &[
    Licence {
        code: "etalab-2.0",
        label: "Licence Etalab 2.0",
        url: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        allows_adaptation: true,
        share_alike: false,
    },
    Licence {
        code: "cc-by-sa-4.0",
        label: "Licence CC BY-SA 4.0",
        url: "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
        allows_adaptation: true,
        share_alike: true,
    },
    Licence {
        code: "cc-by-nc-sa-4.0",
        label: "Licence CC BY-NC-SA 4.0",
        url: "https://creativecommons.org/licenses/by-nc-sa/4.0/deed.fr",
        allows_adaptation: true,
        share_alike: true,
    },
    Licence {
        code: "aucune",
        label: "Pas de licence - Aucun droit réservé",
        url: "",
        allows_adaptation: false,
        share_alike: false,
    },
    Licence {
        code: "cc-by-4.0",
        label: "CC BY 4.0",
        url: "https://creativecommons.org/licenses/by/4.0/deed.fr",
        allows_adaptation: true,
        share_alike: false,
    },
    Licence {
        code: "cc0",
        label: "CC0 (domaine public)",
        url: "https://creativecommons.org/publicdomain/zero/1.0/deed.fr",
        allows_adaptation: true,
        share_alike: false,
    },
];

pub fn licence(code: &str) -> &'static Licence {
    LICENCES
        .iter()
        .find(|l| l.code == code)
        .unwrap_or(&LICENCES[3])
}

/// Every theme, whatever its family.
pub fn themes() -> impl Iterator<Item = &'static Choice> {
    THEME_FAMILIES.iter().flat_map(|(_, list)| list.iter())
}

pub fn theme_label(code: &str) -> &'static str {
    themes().find(|t| t.0 == code).map(|t| t.1).unwrap_or("")
}
