//! The vocabulary of the national activity report of conseillers numériques
//! (reference/taxonomies.md, section 1). Codes are ours and stable; labels are the field's.

pub type Choice = (&'static str, &'static str);

pub const THEME_ADMIN: &str = "demarches_administratives";

pub const THEMES: &[Choice] = &[
    ("diagnostic", "Diagnostic numérique"),
    ("prise_en_main", "Prendre en main du matériel"),
    ("maintenance", "Maintenance de matériel"),
    ("contenus", "Gérer ses contenus numériques"),
    ("navigation", "Navigation sur internet"),
    ("email", "E-mail"),
    ("bureautique", "Bureautique"),
    ("reseaux_sociaux", "Réseaux sociaux communication"),
    ("sante", "Santé"),
    ("banque_achats", "Banque et achats en ligne"),
    ("professionnel", "Accompagner un professionnel"),
    ("insertion", "Insertion professionnelle"),
    ("securite", "Prévention en sécurité numérique"),
    ("parentalite", "Parentalité"),
    ("scolarite", "Scolarité et numérique"),
    ("creer", "Créer avec le numérique"),
    ("culture", "Culture numérique"),
    ("ia", "Intelligence artificielle (IA)"),
    (THEME_ADMIN, "Aide aux démarches administratives"),
];

pub const ADMIN_THEMES: &[Choice] = &[
    ("papiers", "Papiers - Élections - Citoyenneté"),
    ("famille", "Famille - Scolarité"),
    ("social_sante", "Social - Santé"),
    ("travail", "Travail - Formation - Entreprise"),
    ("logement", "Logement"),
    ("transports", "Transports - Mobilité"),
    ("argent", "Argent - Impôts"),
    ("justice", "Justice"),
    ("etrangers", "Étrangers - Europe"),
    ("loisirs", "Loisirs - Sports - Culture"),
    ("associations", "Associations"),
];

pub const DURATIONS: &[i64] = &[15, 30, 45, 60, 90, 120];

pub const CANAL_PLACE: &str = "lieu";
pub const CANALS: &[Choice] = &[
    (CANAL_PLACE, "Lieu d'activité"),
    ("autre_lieu", "Autre lieu"),
    ("domicile", "À domicile"),
    ("distance", "À distance"),
];

pub const MATERIALS: &[Choice] = &[
    ("ordinateur", "Ordinateur"),
    ("telephone", "Téléphone"),
    ("tablette", "Tablette"),
    ("autre", "Autre"),
    ("aucun", "Pas de matériel"),
];

pub const AUTONOMY: &[Choice] = &[
    ("avec_guidage", "Avec guidage"),
    ("autonome_besoin", "Autonome avec guidage en cas de besoin"),
    ("autonome", "Autonome"),
];

pub const LEVELS: &[Choice] = &[
    ("debutant", "Débutant"),
    ("intermediaire", "Intermédiaire"),
    ("avance", "Avancé"),
];

pub const ORIENTATIONS: &[Choice] = &[
    ("administration", "Administration (mairie, préfecture…)"),
    ("mediation", "Autre structure de médiation numérique"),
    ("operateur", "Opérateur ou organisme en charge de la démarche administrative"),
    ("aide_sociale", "Structure d'aide sociale (maison des solidarités, centre social…)"),
    ("insertion", "Structure d'insertion professionnelle (France Travail, mission locale, chambre de commerce…)"),
    ("aide_demarches", "Structure d'aide aux démarches administratives (France Services…)"),
    ("autre", "Autre"),
];

pub const NOT_GIVEN: &str = "non_communique";

pub const AGE_BRACKETS: &[Choice] = &[
    ("moins_12", "Moins de 12 ans"),
    ("12_17", "12 - 17 ans"),
    ("18_24", "18 - 24 ans"),
    ("25_39", "25 - 39 ans"),
    ("40_59", "40 - 59 ans"),
    ("60_69", "60 - 69 ans"),
    ("70_plus", "70 ans et plus"),
    (NOT_GIVEN, "Non communiqué"),
];

pub const STATUTS: &[Choice] = &[
    ("retraite", "Retraité"),
    ("sans_emploi", "Sans emploi"),
    ("en_emploi", "En emploi"),
    ("scolarise", "Scolarisé"),
    (NOT_GIVEN, "Non communiqué ou hétérogène"),
];

pub const GENRES: &[Choice] = &[
    ("masculin", "Masculin"),
    ("feminin", "Féminin"),
    (NOT_GIVEN, "Non communiqué"),
];

pub fn label(list: &[Choice], code: &str) -> &'static str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

pub fn is_code(list: &[Choice], code: &str) -> bool {
    list.iter().any(|(c, _)| *c == code)
}

/// The age bracket of someone born in `birth_year`, in `this_year`.
pub fn age_bracket(birth_year: Option<i64>, this_year: i64) -> &'static str {
    let Some(year) = birth_year else {
        return NOT_GIVEN;
    };
    match this_year - year {
        a if a < 12 => "moins_12",
        12..=17 => "12_17",
        18..=24 => "18_24",
        25..=39 => "25_39",
        40..=59 => "40_59",
        60..=69 => "60_69",
        _ => "70_plus",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_brackets_follow_the_field() {
        assert_eq!(age_bracket(None, 2026), NOT_GIVEN);
        assert_eq!(age_bracket(Some(2016), 2026), "moins_12");
        assert_eq!(age_bracket(Some(2014), 2026), "12_17");
        assert_eq!(age_bracket(Some(1966), 2026), "60_69");
        assert_eq!(age_bracket(Some(1956), 2026), "70_plus");
        assert_eq!(
            label(THEMES, THEME_ADMIN),
            "Aide aux démarches administratives"
        );
    }
}
