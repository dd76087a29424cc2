//! A workshop (what it is, for whom, at what price) and its sessions (when, where, how many
//! seats), with the checks of their forms.

use crate::activities::vocab::{Choice, LEVELS, THEMES};
use crate::web::forms::{FieldErrors, FormData};

pub const PUBLICS: &[Choice] = &[
    ("adultes", "Adultes"),
    ("seniors", "Seniors"),
    ("adolescents", "Adolescents"),
    ("enfants", "Enfants"),
    ("familles", "Familles"),
];

crate::code_enum! {
    /// What a workshop costs.
    #[derive(Default)]
    pub enum PriceKind("type de prix") {
        #[default]
        Free = "gratuit", "Gratuit";
        FreeIf = "sous_condition", "Gratuit sous condition";
        Paid = "payant", "Payant";
    }
}

/// The most sessions created in one step ("every Tuesday for 6 weeks").
pub const MAX_WEEKS: i64 = 52;

#[derive(Clone, Debug, Default)]
pub struct Workshop {
    pub id: String,
    pub title: String,
    pub description: String,
    pub themes: Vec<String>,
    pub publics: Vec<String>,
    pub level: String,
    pub material: String,
    pub price_kind: PriceKind,
    pub price_cents: i64,
    pub price_condition: String,
    pub accessibility: String,
    /// People register once for all the sessions (see cycles.rs).
    pub cycle: bool,
}

impl Workshop {
    /// "Gratuit", "Gratuit sous condition (habitants du quartier)", "5,50 €".
    pub fn price_label(&self) -> String {
        match self.price_kind {
            PriceKind::Paid => format!("{} €", euros(self.price_cents)),
            PriceKind::FreeIf if !self.price_condition.is_empty() => {
                format!("{} ({})", PriceKind::FreeIf.label(), self.price_condition)
            }
            kind => kind.label().into(),
        }
    }

    pub fn has_theme(&self, code: &&str) -> bool {
        self.themes.iter().any(|t| t == code)
    }

    pub fn has_public(&self, code: &&str) -> bool {
        self.publics.iter().any(|t| t == code)
    }
}

/// 550 → "5,50"; 500 → "5".
pub fn euros(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{},{:02}", cents / 100, cents % 100)
    }
}

/// "5", "5,50", "5.5 €" → cents.
fn parse_euros(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches('€').trim().replace(',', ".");
    let (units, cents) = match t.split_once('.') {
        Some((u, c)) if c.len() <= 2 && !c.is_empty() => (u, format!("{c:0<2}")),
        Some(_) => return None,
        None => (t.as_str(), "00".to_string()),
    };
    let units: i64 = units.parse().ok()?;
    let cents: i64 = cents.parse().ok()?;
    (units >= 0).then_some(units * 100 + cents)
}

pub fn workshop_from_form(form: &FormData) -> Result<Workshop, (Workshop, FieldErrors)> {
    let mut errors = FieldErrors::default();
    let in_list = |list: &[Choice], v: &String| list.iter().any(|(c, _)| c == v);
    let mut w = Workshop {
        id: String::new(),
        title: form.get("title"),
        description: form.get("description"),
        themes: form
            .all("themes")
            .into_iter()
            .filter(|t| in_list(THEMES, t))
            .collect(),
        publics: form
            .all("publics")
            .into_iter()
            .filter(|p| in_list(PUBLICS, p))
            .collect(),
        level: Some(form.get("level"))
            .filter(|l| in_list(LEVELS, l))
            .unwrap_or_default(),
        material: form.get("material"),
        price_kind: PriceKind::parse(&form.get("price_kind")).unwrap_or_default(),
        price_cents: 0,
        price_condition: form.get("price_condition"),
        accessibility: form.get("accessibility"),
        cycle: form.get("cycle") == "1",
    };
    if w.title.is_empty() {
        errors.add("title", "Donnez un titre à l'atelier.");
    } else if w.title.chars().count() > 150 {
        errors.add("title", "Le titre fait 150 caractères au plus.");
    }
    if w.description.chars().count() > 3000 {
        errors.add(
            "description",
            "La description fait 3 000 caractères au plus.",
        );
    }
    if w.themes.is_empty() {
        errors.add("themes", "Choisissez au moins une thématique.");
    }
    match w.price_kind {
        PriceKind::Paid => match parse_euros(&form.get("price")) {
            Some(cents) if cents > 0 => w.price_cents = cents,
            _ => errors.add("price", "Indiquez le prix en euros, par exemple 5 ou 5,50."),
        },
        PriceKind::FreeIf if w.price_condition.is_empty() => errors.add(
            "price_condition",
            "Indiquez la condition (par exemple : adhérents du centre).",
        ),
        _ => {}
    }
    if errors.is_empty() {
        Ok(w)
    } else {
        Err((w, errors))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Session {
    pub id: String,
    pub workshop_id: String,
    pub structure_id: crate::tenancy::StructureId,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub place_id: String,
    pub capacity: i64,
    pub seats_taken: i64,
    pub animator: String,
    /// Read with the session for lists: the workshop's title, the place's name and
    /// commune, the structure's name, people waiting.
    pub title: String,
    pub place_name: String,
    pub commune: String,
    pub structure_name: String,
    pub waiting: i64,
    /// Cancelled by the centre (registrants were told), and why.
    pub cancelled: bool,
    pub cancel_reason: String,
    /// Its workshop is a cycle: registering holds a seat at every session to come.
    pub cycle: bool,
}

impl Session {
    pub fn seats_left(&self) -> i64 {
        (self.capacity - self.seats_taken).max(0)
    }

    pub fn is_full(&self) -> bool {
        self.seats_left() == 0
    }

    /// "mardi 18 novembre 2026, 14 h 00 – 16 h 00".
    pub fn when(&self) -> String {
        format!(
            "{}, {} – {}",
            date_long(&self.date),
            hour(&self.start_time),
            hour(&self.end_time)
        )
    }
}

fn hour(hhmm: &str) -> String {
    hhmm.replacen(':', " h ", 1)
}

const DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "2026-11-18" → "mercredi 18 novembre 2026".
pub fn date_long(date: &str) -> String {
    match jiff::civil::Date::strptime("%Y-%m-%d", date) {
        Ok(d) => format!(
            "{} {} {} {}",
            DAYS[d.weekday().to_monday_zero_offset() as usize],
            d.day(),
            MONTHS[(d.month() - 1) as usize],
            d.year()
        ),
        Err(_) => date.to_string(),
    }
}

/// The sessions a form asks for: one, or the same every week for `weeks` weeks.
pub fn sessions_from_form(
    form: &FormData,
    today: &str,
    places: &[String],
) -> Result<Vec<Session>, FieldErrors> {
    let mut errors = FieldErrors::default();
    let date = form.get("date");
    let parsed = jiff::civil::Date::strptime("%Y-%m-%d", &date).ok();
    match parsed {
        None => errors.add("date", "Indiquez la date de la séance (jj/mm/aaaa)."),
        Some(_) if date.as_str() < today => errors.add(
            "date",
            "La date est passée : une séance se programme à l'avance.",
        ),
        _ => {}
    }
    let time = |name: &str, errors: &mut FieldErrors| -> String {
        let v = form.get(name);
        match jiff::civil::Time::strptime("%H:%M", &v) {
            Ok(t) => t.strftime("%H:%M").to_string(),
            Err(_) => {
                errors.add(name, "Indiquez l'heure au format 14:30.");
                String::new()
            }
        }
    };
    let start = time("start_time", &mut errors);
    let end = time("end_time", &mut errors);
    if !start.is_empty() && !end.is_empty() && end <= start {
        errors.add("end_time", "La séance doit finir après son début.");
    }
    let capacity = match form.get("capacity").parse::<i64>() {
        Ok(n) if (1..=500).contains(&n) => n,
        _ => {
            errors.add(
                "capacity",
                "Indiquez le nombre de places : un nombre entier de 1 à 500.",
            );
            0
        }
    };
    let place_id = form.get("place_id");
    if !place_id.is_empty() && !places.contains(&place_id) {
        errors.add("place_id", "Choisissez un des lieux de la structure.");
    }
    let weeks = match form.get("weeks").as_str() {
        "" => 1,
        w => match w.parse::<i64>() {
            Ok(n) if (1..=MAX_WEEKS).contains(&n) => n,
            _ => {
                errors.add(
                    "weeks",
                    format!("Indiquez un nombre de semaines de 1 à {MAX_WEEKS}."),
                );
                1
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let first = parsed.unwrap_or_default();
    Ok((0..weeks)
        .filter_map(|w| first.checked_add(jiff::Span::new().weeks(w)).ok())
        .map(|d| Session {
            date: d.to_string(),
            start_time: start.clone(),
            end_time: end.clone(),
            place_id: place_id.clone(),
            capacity,
            animator: form.get("animator"),
            ..Session::default()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn prices_read_as_people_write_them() {
        assert_eq!(parse_euros("5"), Some(500));
        assert_eq!(parse_euros("5,5 €"), Some(550));
        assert_eq!(parse_euros("cinq"), None);
        assert_eq!(euros(550), "5,50");
        assert_eq!(date_long("2026-11-18"), "mercredi 18 novembre 2026");
    }

    #[test]
    fn sessions_repeat_weekly_and_refuse_what_cannot_be() {
        let ok = sessions_from_form(
            &form(&[
                ("date", "2026-12-01"),
                ("start_time", "14:00"),
                ("end_time", "16:00"),
                ("capacity", "8"),
                ("weeks", "6"),
            ]),
            "2026-11-22",
            &[],
        )
        .unwrap();
        assert_eq!(ok.len(), 6);
        assert_eq!(ok[5].date, "2027-01-05");
        let wrong = sessions_from_form(
            &form(&[
                ("date", "2026-12-01"),
                ("start_time", "16:00"),
                ("end_time", "14:00"),
                ("capacity", "0"),
            ]),
            "2026-11-22",
            &[],
        )
        .unwrap_err();
        assert!(wrong.get("end_time").unwrap().contains("finir après"));
        assert!(wrong.get("capacity").is_some());
    }
}
