//! An activity: an individual accompaniment or a collective workshop, and the rules of
//! the form that records it.

use super::vocab::{self, *};
use crate::web::forms::{FieldErrors, FormData};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Individual,
    Collective,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Individual => "individuel",
            Kind::Collective => "collectif",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Individual => "Accompagnement individuel",
            Kind::Collective => "Atelier collectif",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        [Kind::Individual, Kind::Collective]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// Who an individual accompaniment was for.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Person {
    #[default]
    Anonymous,
    Existing(String),
    /// Created on the fly with the activity; the fields come from the form.
    New,
}

#[derive(Clone, Debug, Default)]
pub struct Activity {
    pub id: String,
    pub kind: Kind,
    pub mediator_id: String,
    pub date: String,
    pub duration_min: i64,
    pub canal: String,
    pub place_id: String,
    pub commune: String,
    pub themes: Vec<String>,
    pub admin_themes: Vec<String>,
    pub materials: Vec<String>,
    pub procedure_name: String,
    pub autonomy: String,
    pub level: String,
    pub title: String,
    pub oriented: bool,
    pub orientation: String,
    pub notes: String,
    pub person: Person,
    /// Known participants of a workshop (beneficiary ids).
    pub participants: Vec<String>,
    pub anon_count: i64,
    pub anon_already: i64,
    pub anon_commune: String,
    /// Anonymous people by (dimension, value): dimension is genre, age or statut.
    pub anonymous: Vec<(String, String, i64)>,
}

impl Activity {
    /// What the statistics count: one for an individual accompaniment, one per
    /// participant for a workshop.
    pub fn accompaniments(&self) -> i64 {
        match self.kind {
            Kind::Individual => 1,
            Kind::Collective => self.participants.len() as i64 + self.anon_count,
        }
    }

    pub fn anonymous_count(&self, dimension: &str, value: &str) -> i64 {
        self.anonymous
            .iter()
            .find(|(d, v, _)| d == dimension && v == value)
            .map(|(_, _, n)| *n)
            .unwrap_or(0)
    }

    pub fn has_theme(&self, code: &str) -> bool {
        self.themes.iter().any(|t| t == code)
    }

    pub fn has_admin_theme(&self, code: &str) -> bool {
        self.admin_themes.iter().any(|t| t == code)
    }

    pub fn has_material(&self, code: &str) -> bool {
        self.materials.iter().any(|t| t == code)
    }

    pub fn has_participant(&self, id: &str) -> bool {
        self.participants.iter().any(|p| p == id)
    }

    /// "1 h 30", "45 min".
    pub fn duration_label(&self) -> String {
        duration_label(self.duration_min)
    }

    pub fn is_preset_duration(&self) -> bool {
        DURATIONS.contains(&self.duration_min)
    }

    pub fn theme_labels(&self) -> Vec<&'static str> {
        self.themes
            .iter()
            .map(|t| vocab::label(THEMES, t))
            .collect()
    }
}

pub fn duration_label(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

/// Dimensions of the anonymous breakdown, with the form's field prefix and their values.
pub const DIMENSIONS: [(&str, &str, &[Choice]); 3] = [
    ("genre", "g_", GENRES),
    ("age", "a_", AGE_BRACKETS),
    ("statut", "s_", STATUTS),
];

/// What the form needs to know that the database holds.
pub struct Context<'a> {
    /// Today in the structure's time zone, YYYY-MM-DD.
    pub today: &'a str,
    /// Ids of the structure's places.
    pub places: &'a [String],
}

fn count_field(form: &FormData, name: &str, label: &str, errors: &mut FieldErrors) -> i64 {
    let text = form.get(name);
    if text.is_empty() {
        return 0;
    }
    match text.parse::<i64>() {
        Ok(n) if (0..=10_000).contains(&n) => n,
        _ => {
            errors.add(
                name,
                format!("{label} : indiquez un nombre entier positif."),
            );
            0
        }
    }
}

/// Reads and checks an activity form. Beneficiary ids are checked against the structure
/// by the caller, which holds the transaction.
pub fn from_form(
    form: &FormData,
    kind: Kind,
    ctx: &Context,
) -> Result<Activity, (Activity, FieldErrors)> {
    let mut errors = FieldErrors::default();
    let mut a = Activity {
        kind,
        date: iso_date(&form.get("date")),
        canal: form.get("canal"),
        place_id: form.get("place_id"),
        commune: form.get("commune"),
        themes: form.all("themes"),
        admin_themes: form.all("admin_themes"),
        materials: form.all("materials"),
        procedure_name: form.get("procedure_name"),
        autonomy: form.get("autonomy"),
        level: form.get("level"),
        title: form.get("title"),
        oriented: form.get("oriented") == "oui",
        orientation: form.get("orientation"),
        notes: form.get("notes"),
        ..Activity::default()
    };

    match jiff::civil::Date::strptime("%Y-%m-%d", &a.date) {
        Err(_) if a.date.is_empty() => errors.add("date", "Indiquez la date."),
        Err(_) => errors.add(
            "date",
            "La date s'écrit JJ/MM/AAAA, par exemple 14/03/2026.",
        ),
        Ok(_) if a.date.as_str() > ctx.today => errors.add("date", "La date est dans le futur."),
        Ok(_) if a.date.as_str() < "2000-01-01" => {
            errors.add("date", "La date est avant l'an 2000.")
        }
        Ok(_) => {}
    }

    let duration = form.get("duration");
    a.duration_min = if duration == "autre" {
        let hours = form.get("duration_hours").parse::<i64>();
        let minutes = form.get("duration_minutes").parse::<i64>();
        match (
            form.get("duration_hours").is_empty(),
            hours,
            form.get("duration_minutes").is_empty(),
            minutes,
        ) {
            (true, _, true, _) => -1,
            (hours_empty, h, minutes_empty, m) => {
                let h = if hours_empty { Ok(0) } else { h };
                let m = if minutes_empty { Ok(0) } else { m };
                match (h, m) {
                    (Ok(h), Ok(m)) if h >= 0 && (0..60).contains(&m) => h * 60 + m,
                    _ => -2,
                }
            }
        }
    } else {
        duration.parse::<i64>().unwrap_or(-1)
    };
    match a.duration_min {
        -1 => errors.add("duration", "Indiquez la durée."),
        d if d <= 0 => errors.add(
            "duration",
            "La durée doit être d'au moins une minute (heures et minutes en chiffres).",
        ),
        d if d > 24 * 60 => errors.add("duration", "La durée dépasse 24 heures."),
        _ => {}
    }

    if !vocab::is_code(CANALS, &a.canal) {
        errors.add("canal", "Choisissez où a eu lieu l'activité.");
    } else if a.canal == CANAL_PLACE {
        if !ctx.places.contains(&a.place_id) {
            errors.add("place_id", "Choisissez le lieu d'activité dans la liste.");
        }
    } else {
        if a.commune.is_empty() {
            errors.add("commune", "Indiquez la commune où a eu lieu l'activité.");
        }
    }

    if a.themes.is_empty() {
        errors.add("themes", "Choisissez au moins une thématique.");
    }
    for t in &a.themes {
        if !vocab::is_code(THEMES, t) {
            errors.add("themes", "Une thématique choisie n'existe pas.");
        }
    }
    if !a.admin_themes.is_empty() && !a.has_theme(THEME_ADMIN) {
        errors.add(
            "admin_themes",
            "Les thématiques administratives vont avec la thématique « Aide aux démarches administratives » : cochez-la aussi, ou décochez-les.",
        );
    }
    if a.admin_themes
        .iter()
        .any(|t| !vocab::is_code(ADMIN_THEMES, t))
    {
        errors.add(
            "admin_themes",
            "Une thématique administrative choisie n'existe pas.",
        );
    }
    if a.materials.iter().any(|m| !vocab::is_code(MATERIALS, m)) {
        errors.add("materials", "Un matériel choisi n'existe pas.");
    }
    if a.oriented && !vocab::is_code(ORIENTATIONS, &a.orientation) {
        errors.add(
            "orientation",
            "Choisissez vers quelle structure la personne a été orientée.",
        );
    }
    if a.notes.chars().count() > 2000 {
        errors.add("notes", "Les notes font 2 000 caractères au plus.");
    }

    match kind {
        Kind::Individual => {
            if !a.autonomy.is_empty() && !vocab::is_code(AUTONOMY, &a.autonomy) {
                errors.add(
                    "autonomy",
                    "Choisissez le niveau d'autonomie dans la liste.",
                );
            }
            a.person = match form.get("person").as_str() {
                "existant" => {
                    let id = form.get("beneficiary_id");
                    if id.is_empty() {
                        errors.add(
                            "beneficiary_id",
                            "Choisissez la personne dans la liste, ou choisissez « anonyme ».",
                        );
                    }
                    Person::Existing(id)
                }
                "nouveau" => Person::New,
                _ => {
                    a.anon_count = 1;
                    a.anon_already = form.has("anon_already") as i64;
                    a.anon_commune = form.get("anon_commune");
                    for (dimension, prefix, values) in DIMENSIONS {
                        let value = form.get(&format!("{prefix}value"));
                        let value = if value.is_empty() {
                            NOT_GIVEN.to_string()
                        } else {
                            value
                        };
                        if !vocab::is_code(values, &value) {
                            errors.add(
                                &format!("{prefix}value"),
                                "Choisissez une valeur de la liste.",
                            );
                        }
                        a.anonymous.push((dimension.to_string(), value, 1));
                    }
                    Person::Anonymous
                }
            };
        }
        Kind::Collective => {
            if a.title.is_empty() {
                errors.add("title", "Indiquez le nom de l'atelier.");
            }
            if !a.level.is_empty() && !vocab::is_code(LEVELS, &a.level) {
                errors.add("level", "Choisissez le niveau de l'atelier dans la liste.");
            }
            a.participants = form.all("participants");
            a.participants.dedup();
            a.anon_count = count_field(form, "anon_count", "Participants anonymes", &mut errors);
            a.anon_already = count_field(form, "anon_already", "Déjà accompagnés", &mut errors);
            if a.anon_already > a.anon_count {
                errors.add(
                    "anon_already",
                    "Il y a plus de personnes « déjà accompagnées » que de participants anonymes.",
                );
            }
            for (dimension, prefix, values) in DIMENSIONS {
                let mut sum = 0;
                for (code, label) in values {
                    let n = count_field(form, &format!("{prefix}{code}"), label, &mut errors);
                    if n > 0 {
                        a.anonymous
                            .push((dimension.to_string(), code.to_string(), n));
                        sum += n;
                    }
                }
                if sum > a.anon_count {
                    errors.add(
                        &format!("{prefix}{}", values[0].0),
                        format!("La répartition par {} compte {sum} personnes, plus que les {} participants anonymes.", dimension_label(dimension), a.anon_count),
                    );
                }
            }
            if a.participants.is_empty() && a.anon_count == 0 {
                errors.add("participants", "Un atelier compte au moins un participant : cochez des personnes ou indiquez un nombre de participants anonymes.");
            }
        }
    }

    if errors.is_empty() {
        drop_what_does_not_apply(&mut a);
        Ok(a)
    } else {
        // What was typed stays, even in fields that will not be kept, so nothing is lost.
        Err((a, errors))
    }
}

/// Once the form is valid, fields that do not apply to the choices made are emptied
/// (a commune for an activity in the structure's place, a procedure without the theme…).
fn drop_what_does_not_apply(a: &mut Activity) {
    if a.canal == CANAL_PLACE {
        a.commune.clear();
    } else {
        a.place_id.clear();
    }
    if !a.has_theme(THEME_ADMIN) {
        a.procedure_name.clear();
    }
    if !a.oriented {
        a.orientation.clear();
    }
    match a.kind {
        Kind::Individual => {
            a.level.clear();
            a.title.clear();
        }
        Kind::Collective => a.autonomy.clear(),
    }
}

/// Dates come as YYYY-MM-DD from date fields, or as typed in French (14/03/2026).
fn iso_date(text: &str) -> String {
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [d, m, y] if y.len() == 4 && d.len() <= 2 && m.len() <= 2 => format!("{y}-{m:0>2}-{d:0>2}"),
        _ => text.to_string(),
    }
}

fn dimension_label(dimension: &str) -> &'static str {
    match dimension {
        "genre" => "genre",
        "age" => "tranche d'âge",
        _ => "statut",
    }
}
