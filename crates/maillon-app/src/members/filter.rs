//! Filters of the member file: the list's search and the segments' rules are one thing,
//! a set of optional criteria read from a query string and turned into one SQL `WHERE`.

use serde::Deserialize;

use super::{CHANNELS, LANGUAGES, SECTORS};
use crate::activities::vocab::{self, Choice};
use crate::tenancy::StructureId;
use crate::validate;
use crate::web::forms::{search_text, url_encode, SEARCH_CUT};

/// Every criterion is optional; an empty filter means every person not archived.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Filter {
    /// Words of the name.
    pub q: String,
    /// adherent (this season), ancien (member before, not this season), jamais, or ''.
    pub adhesion: String,
    pub age_min: String,
    pub age_max: String,
    pub interet: String,
    pub quartier: String,
    pub commune: String,
    /// foyer (in a household), seul, or ''.
    pub foyer: String,
    /// email, sans_email, portable, courrier (postal address), sans_contact, or ''.
    pub contact: String,
    pub langue: String,
    /// annee (a collective workshop this calendar year), saison, or ''.
    pub atelier: String,
    /// Preferred channel.
    pub preference: String,
    /// "1": the archived people instead of the others.
    pub archives: String,
}

pub const ADHESION: &[Choice] = &[
    ("adherent", "Adhérent de la saison"),
    ("ancien", "Ancien adhérent (pas cette saison)"),
    ("jamais", "Jamais adhérent"),
];
pub const FOYER: &[Choice] = &[("foyer", "Dans un foyer"), ("seul", "Sans foyer")];
pub const CONTACT: &[Choice] = &[
    ("email", "A un e-mail"),
    ("sans_email", "Sans e-mail"),
    ("portable", "A un portable"),
    ("courrier", "A une adresse postale"),
    ("sans_contact", "Ni e-mail ni téléphone"),
];
pub const ATELIER: &[Choice] = &[
    ("annee", "A suivi un atelier collectif cette année"),
    ("saison", "A suivi un atelier collectif cette saison"),
];

/// A value bound to the query.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
}

/// What the filter needs to know of today.
pub struct Today {
    pub day: jiff::civil::Date,
    /// `day` as written in the database (YYYY-MM-DD).
    pub date: String,
    pub season: String,
}

impl Today {
    pub fn new(day: jiff::civil::Date) -> Today {
        Today {
            day,
            date: day.to_string(),
            season: super::season_of(day),
        }
    }

    pub fn year(&self) -> i64 {
        i64::from(self.day.year())
    }
}

impl Filter {
    /// The members of the season (own or family membership).
    pub fn members_of_the_season() -> Filter {
        Filter {
            adhesion: "adherent".into(),
            ..Filter::default()
        }
    }

    pub fn from_query(query: &str) -> Filter {
        serde_urlencoded_like(query)
    }

    /// The query string that gives this filter back (for links and saved segments).
    pub fn to_query(&self) -> String {
        self.pairs()
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", &self.q),
            ("adhesion", &self.adhesion),
            ("age_min", &self.age_min),
            ("age_max", &self.age_max),
            ("interet", &self.interet),
            ("quartier", &self.quartier),
            ("commune", &self.commune),
            ("foyer", &self.foyer),
            ("contact", &self.contact),
            ("langue", &self.langue),
            ("atelier", &self.atelier),
            ("preference", &self.preference),
            ("archives", &self.archives),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.pairs().iter().all(|(_, v)| v.trim().is_empty())
    }

    /// Problems with what was typed (field, message); the other criteria still apply.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (field, value) in [
            ("q", &self.q),
            ("quartier", &self.quartier),
            ("commune", &self.commune),
        ] {
            if search_text(value).1 {
                out.push((field, SEARCH_CUT.to_string()));
            }
        }
        for (field, value) in [("age_min", &self.age_min), ("age_max", &self.age_max)] {
            if !value.is_empty() && !matches!(value.trim().parse::<i64>(), Ok(0..=120)) {
                out.push((
                    field,
                    format!("« {value} » n'est pas un âge : écrivez un nombre entre 0 et 120."),
                ));
            }
        }
        for (field, value, list) in [
            ("adhesion", &self.adhesion, ADHESION),
            ("interet", &self.interet, SECTORS),
            ("foyer", &self.foyer, FOYER),
            ("contact", &self.contact, CONTACT),
            ("langue", &self.langue, LANGUAGES),
            ("atelier", &self.atelier, ATELIER),
            ("preference", &self.preference, CHANNELS),
        ] {
            if !value.is_empty() && !vocab::is_code(list, value) {
                out.push((field, "Choisissez une valeur de la liste.".to_string()));
            }
        }
        out
    }

    /// Says the filter in words ("Adhérent de la saison · 65 ans et plus · Numérique").
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("nom contenant « {} »", search_text(&self.q).0));
        }
        let choice = |list: &[Choice], code: &str| {
            (!code.is_empty() && vocab::is_code(list, code))
                .then(|| vocab::label(list, code).to_string())
        };
        parts.extend(choice(ADHESION, &self.adhesion));
        match (self.age(&self.age_min), self.age(&self.age_max)) {
            (Some(a), Some(b)) => parts.push(format!("de {a} à {b} ans")),
            (Some(a), None) => parts.push(format!("{a} ans et plus")),
            (None, Some(b)) => parts.push(format!("{b} ans au plus")),
            _ => {}
        }
        parts.extend(choice(SECTORS, &self.interet).map(|s| format!("intérêt : {s}")));
        if !self.quartier.is_empty() {
            parts.push(format!("quartier {}", search_text(&self.quartier).0));
        }
        if !self.commune.is_empty() {
            parts.push(format!("commune {}", search_text(&self.commune).0));
        }
        parts.extend(choice(FOYER, &self.foyer));
        parts.extend(choice(CONTACT, &self.contact));
        parts.extend(choice(LANGUAGES, &self.langue).map(|s| format!("parle {s}")));
        parts.extend(choice(ATELIER, &self.atelier));
        parts.extend(choice(CHANNELS, &self.preference).map(|s| format!("préfère : {s}")));
        if self.archives == "1" {
            parts.push("fiches archivées".into());
        }
        if parts.is_empty() {
            "Toutes les personnes".into()
        } else {
            parts.join(" · ")
        }
    }

    fn age(&self, text: &str) -> Option<i64> {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|a| (0..=120).contains(a))
    }

    /// The `WHERE` over `beneficiaries b` (structure first), with its arguments from `$1`.
    pub fn where_sql(&self, structure_id: &StructureId, today: &Today) -> (String, Vec<Arg>) {
        let mut sql = String::from("b.structure_id = $1");
        let mut args = vec![Arg::Text(structure_id.to_string())];
        let mut push = |sql: &mut String, clause: &str, values: Vec<Arg>| {
            // Each `?` of the clause becomes the next numbered parameter.
            let mut out = String::new();
            let mut values = values.into_iter();
            for ch in clause.chars() {
                if ch == '?' {
                    args.push(values.next().expect("one value per parameter"));
                    out.push_str(&format!("${}", args.len()));
                } else {
                    out.push(ch);
                }
            }
            sql.push_str(" AND ");
            sql.push_str(&out);
        };
        if self.archives == "1" {
            push(&mut sql, "b.archived_at IS NOT NULL", vec![]);
        } else {
            push(&mut sql, "b.archived_at IS NULL", vec![]);
        }
        // Free texts are read cut (a segment saved before the limit still opens).
        for word in validate::search_key(&search_text(&self.q).0)
            .split_whitespace()
            .take(5)
        {
            // The key holds only letters, digits and spaces: no LIKE wildcard can slip in.
            push(
                &mut sql,
                "b.search_name LIKE ?",
                vec![Arg::Text(format!("%{word}%"))],
            );
        }
        let season = || Arg::Text(today.season.clone());
        match self.adhesion.as_str() {
            "adherent" => push(&mut sql, &member_clause(true), vec![season(), season()]),
            "ancien" => push(
                &mut sql,
                &format!("{} AND NOT {}", member_clause(false), member_clause(true)),
                vec![season(), season()],
            ),
            "jamais" => push(&mut sql, &format!("NOT {}", member_clause(false)), vec![]),
            _ => {}
        }
        // Age in years this year, from the year of birth.
        if let Some(a) = self.age(&self.age_min) {
            push(
                &mut sql,
                "b.birth_year <= ?",
                vec![Arg::Int(today.year() - a)],
            );
        }
        if let Some(a) = self.age(&self.age_max) {
            push(
                &mut sql,
                "b.birth_year >= ?",
                vec![Arg::Int(today.year() - a)],
            );
        }
        if vocab::is_code(SECTORS, &self.interet) {
            push(
                &mut sql,
                "(' ' || b.interests || ' ') LIKE ?",
                vec![Arg::Text(format!("% {} %", self.interet))],
            );
        }
        if vocab::is_code(LANGUAGES, &self.langue) {
            push(
                &mut sql,
                "(' ' || b.languages || ' ') LIKE ?",
                vec![Arg::Text(format!("% {} %", self.langue))],
            );
        }
        if !self.quartier.trim().is_empty() {
            push(
                &mut sql,
                "LOWER(b.quartier) = LOWER(?)",
                vec![Arg::Text(search_text(&self.quartier).0)],
            );
        }
        if !self.commune.trim().is_empty() {
            push(
                &mut sql,
                "LOWER(b.commune) = LOWER(?)",
                vec![Arg::Text(search_text(&self.commune).0)],
            );
        }
        match self.foyer.as_str() {
            "foyer" => push(&mut sql, "b.household_id IS NOT NULL", vec![]),
            "seul" => push(&mut sql, "b.household_id IS NULL", vec![]),
            _ => {}
        }
        match self.contact.as_str() {
            "email" => push(&mut sql, "b.email <> ''", vec![]),
            "sans_email" => push(&mut sql, "b.email = ''", vec![]),
            // Mobiles are stored +336…/+337… (and overseas +262 6…, kept simple here).
            "portable" => push(
                &mut sql,
                "(b.phone LIKE '+336%' OR b.phone LIKE '+337%' OR b.phone2 LIKE '+336%' OR b.phone2 LIKE '+337%')",
                vec![],
            ),
            "courrier" => push(&mut sql, "b.address <> '' AND b.postcode <> ''", vec![]),
            "sans_contact" => push(&mut sql, "b.email = '' AND b.phone = '' AND b.phone2 = ''", vec![]),
            _ => {}
        }
        if vocab::is_code(CHANNELS, &self.preference) {
            push(
                &mut sql,
                "b.contact_pref = ?",
                vec![Arg::Text(self.preference.clone())],
            );
        }
        let since = match self.atelier.as_str() {
            "annee" => Some(format!("{}-01-01", today.year())),
            "saison" => Some(format!("{}-09-01", &today.season[..4])),
            _ => None,
        };
        if let Some(since) = since {
            push(
                &mut sql,
                &crate::activities::store::took_part_in_workshop_since("b.id"),
                vec![Arg::Text(since)],
            );
        }
        (sql, args)
    }
}

/// A person is a member through their own membership or a family one of their household.
fn member_clause(this_season: bool) -> String {
    let season = if this_season { " AND m.season = ?" } else { "" };
    format!(
        "(EXISTS (SELECT 1 FROM adhesions m WHERE m.person_id = b.id{season}) \
         OR (b.household_id IS NOT NULL AND EXISTS (SELECT 1 FROM beneficiaries h \
         JOIN adhesions m ON m.person_id = h.id \
         WHERE h.household_id = b.household_id AND m.family = 1{season})))"
    )
}

/// Reads a query string into a filter (unknown keys are ignored).
fn serde_urlencoded_like(query: &str) -> Filter {
    let mut f = Filter::default();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let v = v.trim().to_string();
        match k.as_ref() {
            "q" => f.q = v,
            "adhesion" => f.adhesion = v,
            "age_min" => f.age_min = v,
            "age_max" => f.age_max = v,
            "interet" => f.interet = v,
            "quartier" => f.quartier = v,
            "commune" => f.commune = v,
            "foyer" => f.foyer = v,
            "contact" => f.contact = v,
            "langue" => f.langue = v,
            "atelier" => f.atelier = v,
            "preference" => f.preference = v,
            "archives" => f.archives = v,
            _ => {}
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_goes_to_a_query_string_and_back() {
        let f = Filter {
            adhesion: "adherent".into(),
            age_min: "65".into(),
            quartier: "Jean Ferrat".into(),
            ..Filter::default()
        };
        assert_eq!(Filter::from_query(&f.to_query()), f);
        assert_eq!(
            f.describe(),
            "Adhérent de la saison · 65 ans et plus · quartier Jean Ferrat"
        );
        let (sql, args) = f.where_sql(
            &StructureId::stored("s1"),
            &Today::new(jiff::civil::date(2026, 11, 22)),
        );
        assert_eq!(args.len(), 5);
        assert!(sql.contains("b.birth_year <= $4"));
        assert!(
            Filter {
                age_min: "abc".into(),
                ..Filter::default()
            }
            .problems()
            .len()
                == 1
        );
    }
}
