//! A place (lieu) of digital mediation and the rules of its fields, shared by the edit
//! form and the CSV import so that both refuse and accept exactly the same things.

use super::hours;
use super::vocab::{self, LIST_FIELDS};
use crate::validate;
use crate::web::forms::FieldErrors;

/// Every field of the standard, in stored form (lists joined by `|`).
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub id: String,
    pub structure_id: crate::tenancy::StructureId,
    pub is_public: bool,
    pub source_id: String,
    pub pivot: String,
    pub nom: String,
    pub commune: String,
    pub code_postal: String,
    pub code_insee: String,
    pub adresse: String,
    pub complement_adresse: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub typologie: String,
    pub telephone: String,
    pub courriels: String,
    pub site_web: String,
    pub horaires: String,
    pub presentation_resume: String,
    pub presentation_detail: String,
    pub source: String,
    pub itinerance: String,
    pub structure_parente: String,
    pub date_maj: String,
    pub services: String,
    pub publics_specifiquement_adresses: String,
    pub prise_en_charge_specifique: String,
    pub frais_a_charge: String,
    pub dispositif_programmes_nationaux: String,
    pub formations_labels: String,
    pub autres_formations_labels: String,
    pub modalites_acces: String,
    pub modalites_accompagnement: String,
    pub fiche_acces_libre: String,
    pub prise_rdv: String,
}

pub const RESUME_MAX: usize = 280;

impl Place {
    /// The stored value of a standard column, as the CSV writes it.
    pub fn column(&self, name: &str) -> String {
        let float = |v: Option<f64>| v.map(|f| f.to_string()).unwrap_or_default();
        match name {
            "id" => self.id.clone(),
            "source_id" => self.source_id.clone(),
            "pivot" => self.pivot.clone(),
            "nom" => self.nom.clone(),
            "commune" => self.commune.clone(),
            "code_postal" => self.code_postal.clone(),
            "code_insee" => self.code_insee.clone(),
            "adresse" => self.adresse.clone(),
            "complement_adresse" => self.complement_adresse.clone(),
            "latitude" => float(self.latitude),
            "longitude" => float(self.longitude),
            "typologie" => self.typologie.clone(),
            "telephone" => self.telephone.clone(),
            "courriels" => self.courriels.clone(),
            "site_web" => self.site_web.clone(),
            "horaires" => self.horaires.clone(),
            "presentation_resume" => self.presentation_resume.clone(),
            "presentation_detail" => self.presentation_detail.clone(),
            "source" => self.source.clone(),
            "itinerance" => self.itinerance.clone(),
            "structure_parente" => self.structure_parente.clone(),
            "date_maj" => self.date_maj.clone(),
            "services" => self.services.clone(),
            "publics_specifiquement_adresses" => self.publics_specifiquement_adresses.clone(),
            "prise_en_charge_specifique" => self.prise_en_charge_specifique.clone(),
            "frais_a_charge" => self.frais_a_charge.clone(),
            "dispositif_programmes_nationaux" => self.dispositif_programmes_nationaux.clone(),
            "formations_labels" => self.formations_labels.clone(),
            "autres_formations_labels" => self.autres_formations_labels.clone(),
            "modalites_acces" => self.modalites_acces.clone(),
            "modalites_accompagnement" => self.modalites_accompagnement.clone(),
            "fiche_acces_libre" => self.fiche_acces_libre.clone(),
            "prise_rdv" => self.prise_rdv.clone(),
            _ => String::new(),
        }
    }

    /// Values of a list field.
    pub fn list(&self, name: &str) -> Vec<String> {
        split_list(&self.column(name))
    }

    pub fn has(&self, field: &str, value: &str) -> bool {
        self.list(field).iter().any(|v| v == value)
    }

    pub fn phone_display(&self) -> String {
        validate::phone_display(&self.telephone)
    }

    pub fn hours_lines(&self) -> Option<Vec<String>> {
        hours::describe(&self.horaires)
    }

    pub fn typology_labels(&self) -> Vec<String> {
        self.list("typologie")
            .iter()
            .map(|c| vocab::typology_label(c).to_string())
            .collect()
    }

    /// The update date as French readers write it (22/11/2026).
    pub fn date_maj_fr(&self) -> String {
        match jiff::civil::Date::strptime("%Y-%m-%d", &self.date_maj) {
            Ok(d) => d.strftime("%d/%m/%Y").to_string(),
            Err(_) => self.date_maj.clone(),
        }
    }

    pub fn full_address(&self) -> String {
        format!("{}, {} {}", self.adresse, self.code_postal, self.commune)
    }
}

pub fn split_list(value: &str) -> Vec<String> {
    value
        .split('|')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// Builds a place from what was submitted; `text` gives a field's text, `list` a list
/// field's values. On error, every wrong field has its message.
pub fn validate(
    text: &dyn Fn(&str) -> String,
    list: &dyn Fn(&str) -> Vec<String>,
    today: &str,
) -> Result<Place, (Place, FieldErrors)> {
    let mut errors = FieldErrors::default();
    let mut p = Place {
        pivot: text("pivot"),
        nom: text("nom"),
        commune: text("commune"),
        code_postal: text("code_postal"),
        code_insee: text("code_insee"),
        adresse: text("adresse"),
        complement_adresse: text("complement_adresse"),
        telephone: text("telephone"),
        horaires: text("horaires"),
        presentation_resume: text("presentation_resume"),
        presentation_detail: text("presentation_detail"),
        source: text("source"),
        structure_parente: text("structure_parente"),
        autres_formations_labels: text("autres_formations_labels"),
        fiche_acces_libre: text("fiche_acces_libre"),
        prise_rdv: text("prise_rdv"),
        date_maj: today.to_string(),
        ..Place::default()
    };

    for (field, label) in [
        ("nom", "le nom du lieu"),
        ("adresse", "l'adresse"),
        ("commune", "la commune"),
    ] {
        if p.column(field).is_empty() {
            errors.add(field, format!("Indiquez {label}."));
        }
    }
    if p.nom.chars().count() > 200 {
        errors.add("nom", "Le nom est trop long (200 caractères au plus).");
    }
    if p.pivot.is_empty() {
        errors.add(
            "pivot",
            "Indiquez le SIRET (ou le numéro RNA) de la structure qui porte ce lieu.",
        );
    } else {
        match validate::pivot(&p.pivot) {
            Ok(v) => p.pivot = v,
            Err(e) => errors.add("pivot", e),
        }
    }
    if p.code_postal.is_empty() {
        errors.add("code_postal", "Indiquez le code postal (5 chiffres).");
    } else {
        match validate::postal_code(&p.code_postal) {
            Ok(v) => p.code_postal = v,
            Err(e) => errors.add("code_postal", e),
        }
    }
    if !p.code_insee.is_empty() {
        match validate::insee_code(&p.code_insee) {
            Ok(v) => p.code_insee = v,
            Err(e) => errors.add("code_insee", e),
        }
    }
    match validate::decimal(&text("latitude"), -90.0, 90.0, "latitude") {
        Ok(v) => p.latitude = v,
        Err(e) => errors.add("latitude", e),
    }
    match validate::decimal(&text("longitude"), -180.0, 180.0, "longitude") {
        Ok(v) => p.longitude = v,
        Err(e) => errors.add("longitude", e),
    }
    if !p.telephone.is_empty() {
        match validate::phone(&p.telephone) {
            Ok(v) => p.telephone = v,
            Err(e) => errors.add("telephone", e),
        }
    }
    p.courriels = join_checked(
        &list("courriels"),
        validate::email,
        "courriels",
        &mut errors,
    );
    p.site_web = join_checked(&list("site_web"), validate::url, "site_web", &mut errors);
    for field in ["fiche_acces_libre", "prise_rdv"] {
        let value = p.column(field);
        if !value.is_empty() {
            if let Err(e) = validate::url(&value) {
                errors.add(field, e);
            }
        }
    }
    if let Err(e) = hours::validate(&p.horaires) {
        errors.add("horaires", e);
    }
    let resume_len = p.presentation_resume.chars().count();
    if resume_len > RESUME_MAX {
        errors.add(
            "presentation_resume",
            format!("La présentation courte fait {resume_len} caractères : {RESUME_MAX} au plus. Mettez le reste dans la présentation détaillée."),
        );
    }

    let typologies = list("typologie");
    for code in &typologies {
        if !vocab::TYPOLOGIES.iter().any(|(c, _)| c == code) {
            errors.add("typologie", format!("Typologie inconnue : « {code} »."));
        }
    }
    p.typologie = typologies.join("|");

    for field in LIST_FIELDS {
        let mut values = Vec::new();
        for v in list(field.name) {
            let v = if v == vocab::LABEL_ETAPES_USUAL {
                vocab::LABEL_ETAPES_SCHEMA.to_string()
            } else {
                v
            };
            if !field.values.contains(&v.as_str()) {
                errors.add(
                    field.name,
                    format!(
                        "{} : « {v} » n'est pas une valeur de la liste du standard.",
                        field.label
                    ),
                );
            } else if !values.contains(&v) {
                values.push(v);
            }
        }
        set_list(&mut p, field.name, values.join("|"));
    }

    if errors.is_empty() {
        Ok(p)
    } else {
        Err((p, errors))
    }
}

fn join_checked(
    values: &[String],
    check: fn(&str) -> Result<String, String>,
    field: &str,
    errors: &mut FieldErrors,
) -> String {
    let mut out = Vec::new();
    for v in values {
        match check(v) {
            Ok(ok) => out.push(ok),
            Err(e) => {
                errors.add(field, e);
                out.push(v.clone());
            }
        }
    }
    out.join("|")
}

fn set_list(p: &mut Place, name: &str, value: String) {
    match name {
        "services" => p.services = value,
        "publics_specifiquement_adresses" => p.publics_specifiquement_adresses = value,
        "prise_en_charge_specifique" => p.prise_en_charge_specifique = value,
        "frais_a_charge" => p.frais_a_charge = value,
        "modalites_acces" => p.modalites_acces = value,
        "modalites_accompagnement" => p.modalites_accompagnement = value,
        "dispositif_programmes_nationaux" => p.dispositif_programmes_nationaux = value,
        "formations_labels" => p.formations_labels = value,
        "itinerance" => p.itinerance = value,
        _ => {}
    }
}
