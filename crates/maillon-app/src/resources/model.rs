//! A resource (what it is, for whom, under which licence, what it is based on) and the
//! blocks of its content, with the checks of their forms.

use super::vocab::{self, Visibility, LICENCES, PUBLICS, SECTORS, TYPES};
use crate::activities::vocab::{Choice, LEVELS};
use crate::web::forms::{FieldErrors, FormData};

pub const SUMMARY_MAX: usize = 300;

#[derive(Clone, Debug, Default)]
pub struct Source {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, Default)]
pub struct Resource {
    pub id: String,
    pub structure_id: crate::tenancy::StructureId,
    pub structure_name: String,
    pub author_id: String,
    pub author_name: String,
    pub title: String,
    pub summary: String,
    pub level: String,
    pub duration_minutes: Option<i64>,
    pub material: String,
    pub licence: String,
    pub visibility: Visibility,
    pub tested_notes: String,
    pub themes: Vec<String>,
    pub types: Vec<String>,
    pub publics: Vec<String>,
    pub sectors: Vec<String>,
    pub sources: Vec<Source>,
    pub adapted_from_id: String,
    pub adapted_from_title: String,
    pub adapted_from_author: String,
    pub adapted_from_structure: String,
    pub adapted_from_licence: String,
    pub updated_at: i64,
    /// The cover image's file, and its alternative text.
    pub cover_file_id: String,
    pub cover_alt: String,
    /// Answers to "Recommandez-vous cette ressource ?" (how many, sum of 1–4), and how
    /// many people used it with their public.
    pub review_count: i64,
    pub review_sum: i64,
    pub uses: i64,
}

impl Resource {
    pub fn licence(&self) -> &'static vocab::Licence {
        vocab::licence(&self.licence)
    }

    pub fn is_public(&self) -> bool {
        self.visibility == Visibility::Public
    }

    pub fn visibility_label(&self) -> &'static str {
        self.visibility.label()
    }

    /// The badge of the answers: "Oui · 3,2 / 4 · 5 avis"; empty without any.
    pub fn recommendation(&self) -> String {
        if self.review_count == 0 {
            return String::new();
        }
        let tenths = (self.review_sum * 10 + self.review_count / 2) / self.review_count;
        let nearest =
            ((self.review_sum * 2 + self.review_count) / (2 * self.review_count)).clamp(1, 4);
        format!(
            "{} · {},{} / 4 · {} avis",
            super::vocab::rating_label(nearest),
            tenths / 10,
            tenths % 10,
            self.review_count
        )
    }

    /// "1 h 30", "45 min".
    pub fn duration_label(&self) -> String {
        match self.duration_minutes {
            Some(m) if m >= 60 && m % 60 == 0 => format!("{} h", m / 60),
            Some(m) if m >= 60 => format!("{} h {:02}", m / 60, m % 60),
            Some(m) => format!("{m} min"),
            None => String::new(),
        }
    }

    pub fn has(&self, kind: &str, code: &&str) -> bool {
        let list = match kind {
            "theme" => &self.themes,
            "type" => &self.types,
            "public" => &self.publics,
            _ => &self.sectors,
        };
        list.iter().any(|c| c == code)
    }

    /// The labels of a list of codes, joined.
    pub fn labels(&self, kind: &str) -> String {
        let (codes, list): (&Vec<String>, &[Choice]) = match kind {
            "type" => (&self.types, TYPES),
            "public" => (&self.publics, PUBLICS),
            _ => (&self.sectors, SECTORS),
        };
        codes
            .iter()
            .map(|c| crate::activities::vocab::label(list, c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn theme_labels(&self) -> String {
        self.themes
            .iter()
            .map(|c| vocab::theme_label(c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The sources as typed in the form: one per line, "title — address".
    pub fn sources_text(&self) -> String {
        self.sources
            .iter()
            .map(|s| match (s.title.is_empty(), s.url.is_empty()) {
                (false, false) if s.title != s.url => format!("{} — {}", s.title, s.url),
                (false, _) => s.title.clone(),
                _ => s.url.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Whether `text` is a web address we accept in a link: http or https, with a host.
pub fn is_web_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty()
                && host.contains('.')
                && !text.chars().any(|c| c.is_whitespace() || c.is_control())
                && !host.contains(['<', '>', '"', '\''])
        }
        None => false,
    }
}

/// One source per line: "Les Bons Clics — https://…", an address alone or a title alone.
fn sources_from(text: &str) -> Result<Vec<Source>, String> {
    let mut sources = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (title, url) = match line.rsplit_once(char::is_whitespace) {
            Some((t, u)) if u.contains("://") => (
                t.trim().trim_end_matches(['—', '-', ':', '–']).trim(),
                u.trim(),
            ),
            _ if line.contains("://") => ("", line),
            _ => (line, ""),
        };
        if !url.is_empty() && !is_web_url(url) {
            return Err(format!(
                "Ligne {} : « {url} » n'est pas une adresse web (elle commence par https://).",
                n + 1
            ));
        }
        if title.chars().count() > 200 {
            return Err(format!("Ligne {} : 200 caractères au plus.", n + 1));
        }
        sources.push(Source {
            title: if title.is_empty() { url } else { title }.to_string(),
            url: url.to_string(),
        });
    }
    if sources.len() > 30 {
        return Err("30 sources au plus.".into());
    }
    Ok(sources)
}

pub fn resource_from_form(form: &FormData) -> Result<Resource, (Resource, FieldErrors)> {
    let mut errors = FieldErrors::default();
    let in_list = |list: &[Choice], v: &String| list.iter().any(|(c, _)| c == v);
    let mut r = Resource {
        title: form.get("title"),
        summary: form.get("summary"),
        themes: form
            .all("themes")
            .into_iter()
            .filter(|t| vocab::themes().any(|c| c.0 == t))
            .collect(),
        types: form
            .all("types")
            .into_iter()
            .filter(|t| in_list(TYPES, t))
            .collect(),
        publics: form
            .all("publics")
            .into_iter()
            .filter(|t| in_list(PUBLICS, t))
            .collect(),
        sectors: form
            .all("sectors")
            .into_iter()
            .filter(|t| in_list(SECTORS, t))
            .collect(),
        level: Some(form.get("level"))
            .filter(|l| in_list(LEVELS, l))
            .unwrap_or_default(),
        material: form.get("material"),
        licence: form.get("licence"),
        visibility: Visibility::parse(&form.get("visibility")).unwrap_or_default(),
        tested_notes: form.get("tested_notes"),
        ..Resource::default()
    };
    if r.title.is_empty() {
        errors.add("title", "Donnez un titre à la ressource.");
    } else if r.title.chars().count() > 150 {
        errors.add("title", "Le titre fait 150 caractères au plus.");
    }
    let summary_len = r.summary.chars().count();
    if summary_len > SUMMARY_MAX {
        errors.add(
            "summary",
            format!("Le résumé fait {SUMMARY_MAX} caractères au plus (il en a {summary_len})."),
        );
    }
    if r.themes.is_empty() {
        errors.add("themes", "Choisissez au moins une thématique.");
    }
    if !LICENCES.iter().any(|l| l.code == r.licence) {
        errors.add("licence", "Choisissez la licence de la ressource.");
    }
    match form.get("duration").trim() {
        "" => {}
        d => match d.trim_end_matches("min").trim().parse::<i64>() {
            Ok(m) if (1..=1440).contains(&m) => r.duration_minutes = Some(m),
            _ => errors.add(
                "duration",
                "Indiquez la durée en minutes, par exemple 90 pour une heure et demie.",
            ),
        },
    }
    if r.material.chars().count() > 500 {
        errors.add("material", "Le matériel fait 500 caractères au plus.");
    }
    if r.tested_notes.chars().count() > 3000 {
        errors.add("tested_notes", "Ce retour fait 3 000 caractères au plus.");
    }
    match sources_from(&form.get("sources")) {
        Ok(s) => r.sources = s,
        Err(e) => errors.add("sources", e),
    }
    if errors.is_empty() {
        Ok(r)
    } else {
        Err((r, errors))
    }
}

/// The kinds of block a resource's content is made of.
pub const BLOCK_KINDS: &[Choice] = &[
    ("section", "Titre de partie"),
    ("texte", "Texte"),
    ("lien", "Lien"),
    ("image", "Image"),
    ("fichier", "Fichier à télécharger"),
];

#[derive(Clone, Debug, Default)]
pub struct Block {
    pub id: String,
    pub kind: String,
    /// Section: its title; link: the link's title.
    pub title: String,
    /// Text: its Markdown; link and file: their description.
    pub body: String,
    pub url: String,
    /// Image: its alternative text (read aloud in place of the picture).
    pub alt: String,
    /// Image and file blocks: their stored file.
    pub file: Option<crate::files::StoredFile>,
}

impl Block {
    pub fn kind_label(&self) -> &'static str {
        crate::activities::vocab::label(BLOCK_KINDS, &self.kind)
    }

    /// The text as safe HTML.
    pub fn html(&self) -> String {
        super::text::to_html(&self.body)
    }

    pub fn has_file(&self) -> bool {
        matches!(self.kind.as_str(), "image" | "fichier")
    }

    /// The stored file, or an empty one (whose link leads nowhere) if it was lost.
    pub fn stored(&self) -> crate::files::StoredFile {
        self.file.clone().unwrap_or_default()
    }

    /// What a file's link says: its title, or its name.
    pub fn file_title(&self) -> String {
        match (&self.file, self.title.is_empty()) {
            (Some(f), true) => f.name.clone(),
            _ => self.title.clone(),
        }
    }
}

/// What is wrong with an image's alternative text (an image block's or a cover's), if
/// anything.
pub fn alt_problem(alt: &str) -> Option<&'static str> {
    if alt.trim().is_empty() {
        Some("Décrivez l'image en une phrase : ce texte est lu à qui ne la voit pas.")
    } else if alt.chars().count() > 300 {
        Some("Le texte de remplacement fait 300 caractères au plus.")
    } else {
        None
    }
}

pub fn block_from_form(kind: &str, form: &FormData) -> Result<Block, (Block, FieldErrors)> {
    let mut errors = FieldErrors::default();
    let b = Block {
        id: String::new(),
        kind: kind.to_string(),
        title: form.get("title"),
        body: form.get("body"),
        url: form.get("url"),
        alt: form.get("alt"),
        file: None,
    };
    match kind {
        "section" => {
            if b.title.is_empty() {
                errors.add("title", "Écrivez le titre de la partie.");
            } else if b.title.chars().count() > 150 {
                errors.add("title", "Le titre fait 150 caractères au plus.");
            }
        }
        "texte" => {
            if b.body.is_empty() {
                errors.add("body", "Écrivez le texte.");
            } else if b.body.chars().count() > 20_000 {
                errors.add(
                    "body",
                    "Un bloc de texte fait 20 000 caractères au plus : coupez-le en deux.",
                );
            }
        }
        "image" => {
            if let Some(problem) = alt_problem(&b.alt) {
                errors.add("alt", problem);
            }
            if b.title.chars().count() > 300 {
                errors.add("title", "La légende fait 300 caractères au plus.");
            }
        }
        "fichier" => {
            if b.title.chars().count() > 150 {
                errors.add("title", "Le titre fait 150 caractères au plus.");
            }
            if b.body.chars().count() > 500 {
                errors.add("body", "La description fait 500 caractères au plus.");
            }
        }
        _ => {
            if !is_web_url(&b.url) {
                errors.add(
                    "url",
                    "Indiquez une adresse web complète, qui commence par https://",
                );
            }
            if b.title.is_empty() {
                errors.add("title", "Donnez un titre au lien.");
            } else if b.title.chars().count() > 150 {
                errors.add("title", "Le titre fait 150 caractères au plus.");
            }
            if b.body.chars().count() > 500 {
                errors.add("body", "La description fait 500 caractères au plus.");
            }
        }
    }
    if errors.is_empty() {
        Ok(b)
    } else {
        Err((b, errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_read_line_by_line() {
        let s = sources_from(
            "Les Bons Clics — https://www.lesbonsclics.fr/fr/\n\nPIX\nhttps://pix.fr/parcours",
        )
        .unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].title, "Les Bons Clics");
        assert_eq!(s[0].url, "https://www.lesbonsclics.fr/fr/");
        assert_eq!(s[1].title, "PIX");
        assert_eq!(s[2].title, "https://pix.fr/parcours");
        let wrong = sources_from("Quiz MAIF — ftp://maif.fr").unwrap_err();
        assert!(wrong.starts_with("Ligne 1"), "{wrong}");
    }

    #[test]
    fn only_web_addresses_are_links() {
        assert!(is_web_url("https://solidarite-numerique.fr/tutoriels"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("https://exa mple.fr"));
        assert!(!is_web_url("www.exemple.fr"));
    }
}
