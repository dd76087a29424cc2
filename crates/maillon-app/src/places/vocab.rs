//! The lists of the national standard for places of digital mediation (v1.0.2),
//! spelled exactly as the standard spells them.

pub struct ListField {
    /// Column name in the standard.
    pub name: &'static str,
    /// Label shown in forms.
    pub label: &'static str,
    pub values: &'static [&'static str],
}

pub const SERVICES: &[&str] = &[
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
];

pub const PUBLICS: &[&str] = &[
    "Jeunes",
    "Étudiants",
    "Familles et/ou enfants",
    "Seniors",
    "Femmes",
];

pub const PRISE_EN_CHARGE: &[&str] = &[
    "Surdité",
    "Handicaps moteurs",
    "Handicaps mentaux",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Déficience visuelle",
];

pub const FRAIS: &[&str] = &["Gratuit", "Gratuit sous condition", "Payant"];

pub const DISPOSITIFS: &[&str] = &[
    "Aidants Connect",
    "Bibliothèques numérique de référence",
    "Certification PIX",
    "Conseillers numériques",
    "Emmaüs Connect",
    "France Services",
    "Grande école du numérique",
    "La Croix Rouge",
    "Point d'accès numérique CAF",
    "Promeneurs du net",
    "Relais numérique (Emmaüs Connect)",
];

/// The label "Étapes numériques (La Poste)" does not match the schema's own pattern, which
/// has no space before the parenthesis: we store and export the schema's spelling (so that
/// exports validate) and accept both on import. See docs/decisions/0005-standard-quirks.md.
pub const LABEL_ETAPES_SCHEMA: &str = "Étapes numériques(La Poste)";
pub const LABEL_ETAPES_USUAL: &str = "Étapes numériques (La Poste)";

pub const FORMATIONS_LABELS: &[&str] = &[
    "Formé à « Mon Espace Santé »",
    "Formé à « DUPLEX » (illettrisme)",
    "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    "Collectif ressources et acteurs réemploi (Normandie)",
    LABEL_ETAPES_SCHEMA,
    "Fabriques de Territoire",
    "Les Éclaireurs du numérique (Drôme)",
    "Mes Papiers (Métropole de Lyon)",
    "ORDI 3.0",
    "SUD LABS (PACA)",
];

pub const MODALITES_ACCES: &[&str] = &[
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
    "Envoyer un mail avec une fiche de prescription",
];

pub const MODALITES_ACCOMPAGNEMENT: &[&str] = &[
    "En autonomie",
    "Accompagnement individuel",
    "Dans un atelier collectif",
    "À distance",
];

pub const ITINERANCE: &[&str] = &["Fixe", "Itinérant"];

/// Structure types of the data·inclusion vocabulary that the standard points to for
/// `typologie` (code, French label); the ones social centres and libraries meet most.
pub const TYPOLOGIES: &[(&str, &str)] = &[
    ("CS", "Centre social"),
    ("EVS", "Espace de vie sociale"),
    ("BIB", "Bibliothèque, médiathèque"),
    ("FRANCE_SERVICE", "France Services"),
    ("ASSO", "Association"),
    ("CCAS", "Centre communal d'action sociale"),
    ("CIAS", "Centre intercommunal d'action sociale"),
    ("MUNI", "Mairie, commune"),
    ("EPCI", "Intercommunalité"),
    ("DEPT", "Conseil départemental"),
    ("MDS", "Maison des solidarités"),
    ("MQ", "Maison de quartier"),
    ("MJC", "Maison des jeunes et de la culture"),
    ("TIERS_LIEUX", "Tiers-lieu"),
    ("FABLAB", "Fablab"),
    ("PIMMS", "Point information médiation multi-services"),
    ("ML", "Mission locale"),
    ("FT", "France Travail"),
    ("CAF", "Caisse d'allocations familiales"),
    ("PIJ_BIJ", "Point ou bureau information jeunesse"),
    ("LA_POSTE", "La Poste"),
    ("AUTRE", "Autre"),
];

pub fn typology_label(code: &str) -> &str {
    TYPOLOGIES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or(code)
}

pub const LIST_FIELDS: &[ListField] = &[
    ListField {
        name: "services",
        label: "Services proposés",
        values: SERVICES,
    },
    ListField {
        name: "publics_specifiquement_adresses",
        label: "Publics spécifiquement adressés",
        values: PUBLICS,
    },
    ListField {
        name: "prise_en_charge_specifique",
        label: "Prise en charge spécifique",
        values: PRISE_EN_CHARGE,
    },
    ListField {
        name: "frais_a_charge",
        label: "Frais à charge",
        values: FRAIS,
    },
    ListField {
        name: "modalites_acces",
        label: "Modalités d'accès",
        values: MODALITES_ACCES,
    },
    ListField {
        name: "modalites_accompagnement",
        label: "Modalités d'accompagnement",
        values: MODALITES_ACCOMPAGNEMENT,
    },
    ListField {
        name: "dispositif_programmes_nationaux",
        label: "Dispositifs et programmes nationaux",
        values: DISPOSITIFS,
    },
    ListField {
        name: "formations_labels",
        label: "Formations et labels",
        values: FORMATIONS_LABELS,
    },
    ListField {
        name: "itinerance",
        label: "Itinérance",
        values: ITINERANCE,
    },
];

/// The standard's columns, in its order (the CSV header).
pub const COLUMNS: &[&str] = &[
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
];

pub const REQUIRED_COLUMNS: &[&str] = &[
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "adresse",
    "date_maj",
];
