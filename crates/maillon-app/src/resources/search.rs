//! Searching resources in French, with the same results on SQLite and PostgreSQL
//! (decision 0012): words are normalised and stemmed here, in Rust, and kept in our own
//! index table (`resource_terms`), so both databases only compare plain strings.
//!
//! - "Ordinateurs", "l'ordinateur", "ORDINATEUR" all become `ordin`: case and accents
//!   are ignored, plurals and verb forms meet at their French Snowball stem.
//! - A word found nowhere is replaced by the indexed words one typo away (two for long
//!   words) that start with the same letter: "tabelte" finds "tablette".
//! - Every word of the query must be found (in the title, summary, content or sources);
//!   a word weighs more in the title than in the summary, sources or content.

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

use crate::db::{DbError, Tx};

/// Words too common to help find anything.
const STOP_WORDS: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "en",
    "est", "et", "il", "ils", "la", "le", "les", "leur", "leurs", "mais", "me", "mes", "ne", "nos",
    "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses",
    "son", "sont", "sur", "ta", "te", "tes", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
];

pub fn strip_accents(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => out.push('a'),
            'ç' => out.push('c'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ÿ' => out.push('y'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c => out.push(c),
        }
    }
    out
}

/// The index terms of a text, in order: lower case, split at anything that is not a
/// letter or digit (so elisions like "l'" fall away), common words dropped, stripped
/// of accents, then stemmed.
pub fn terms(text: &str) -> Vec<String> {
    let stemmer = Stemmer::create(Algorithm::French);
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1 && !STOP_WORDS.contains(w))
        // Accents go first, so that a word typed without them meets the same stem.
        .map(|w| stemmer.stem(&strip_accents(w)).into_owned())
        // Snowball keeps the plural "s" after a vowel ("photos"): both sides drop it.
        .map(|t| match t.strip_suffix(['s', 'x']) {
            Some(stem) if stem.len() > 2 => stem.to_string(),
            _ => t,
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Edits between two words (insert, delete, replace, or swap two neighbours: "tabelte"
/// is one typo from "tablette"), stopping early once above `max`.
fn distance(a: &str, b: &str, max: usize) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * width] = i;
        let mut best = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
            best = best.min(v);
        }
        if best > max {
            return max + 1;
        }
    }
    d[a.len() * width + b.len()]
}

/// Rewrites the index of one resource, in the caller's transaction: its title counts 8
/// per occurrence, the summary 4, sources and part titles 2, text and links 1; a word's
/// weight is capped so that repeating it does not win.
pub async fn index(tx: &mut Tx, resource_id: &str) -> Result<(), DbError> {
    let Some(row) = sqlx::query("SELECT title, summary FROM resources WHERE id = $1")
        .bind(resource_id)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(());
    };
    let mut weights: HashMap<String, i64> = HashMap::new();
    let mut add = |text: &str, weight: i64| {
        for t in terms(text) {
            let w = weights.entry(t).or_insert(0);
            *w = (*w + weight).min(40);
        }
    };
    add(&crate::db::text(&row, "title")?, 8);
    add(&crate::db::text(&row, "summary")?, 4);
    for s in sqlx::query("SELECT title FROM resource_sources WHERE resource_id = $1")
        .bind(resource_id)
        .fetch_all(&mut **tx)
        .await?
    {
        add(&crate::db::text(&s, "title")?, 2);
    }
    for b in
        sqlx::query("SELECT kind, title, body, alt FROM resource_blocks WHERE resource_id = $1")
            .bind(resource_id)
            .fetch_all(&mut **tx)
            .await?
    {
        let section = crate::db::text(&b, "kind")? == "section";
        add(&crate::db::text(&b, "title")?, if section { 2 } else { 1 });
        add(&crate::db::text(&b, "body")?, 1);
        add(&crate::db::text(&b, "alt")?, 1);
    }
    sqlx::query("DELETE FROM resource_terms WHERE resource_id = $1")
        .bind(resource_id)
        .execute(&mut **tx)
        .await?;
    let weights: Vec<(String, i64)> = weights.into_iter().collect();
    // A few statements of many rows: indexing a resource stays a few milliseconds.
    for chunk in weights.chunks(200) {
        let marks: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, $1, ${})", 2 * i + 2, 2 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO resource_terms (term, resource_id, weight) VALUES {}",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(resource_id);
        for (t, w) in chunk {
            q = q.bind(t.clone()).bind(*w);
        }
        q.execute(&mut **tx).await?;
        let marks: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO search_words (term, first, len) VALUES {} ON CONFLICT DO NOTHING",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (t, _) in chunk {
            q = q
                .bind(t.clone())
                .bind(t.chars().next().map(String::from).unwrap_or_default())
                .bind(t.chars().count() as i64);
        }
        q.execute(&mut **tx).await?;
    }
    super::catalogue::changed(tx, resource_id).await
}

/// The most words of a query that are searched.
const MAX_QUERY_WORDS: usize = 12;

/// The words of a query, each with what it may match: itself when it is indexed, else
/// the indexed words one typo away (two from eight letters on), else itself (which then
/// matches nothing).
pub async fn expand(db: &crate::db::Db, query: &str) -> Result<Vec<Vec<String>>, DbError> {
    // Bounded whatever the caller sends: each word costs a query or two.
    let (query, _) = crate::web::forms::search_text(query);
    let mut groups = Vec::new();
    for t in terms(&query).into_iter().take(MAX_QUERY_WORDS) {
        if groups.iter().any(|g: &Vec<String>| g[0] == t) {
            continue;
        }
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM search_words WHERE term = $1")
            .bind(t.clone())
            .fetch_one(db.read())
            .await?;
        let len = t.chars().count();
        if known > 0 || len < 4 {
            groups.push(vec![t]);
            continue;
        }
        let max = if len >= 8 { 2 } else { 1 };
        let near: Vec<String> = sqlx::query_scalar(
            "SELECT term FROM search_words WHERE first = $1 AND len BETWEEN $2 AND $3",
        )
        .bind(t.chars().next().map(String::from).unwrap_or_default())
        .bind((len - max) as i64)
        .bind((len + max) as i64)
        .fetch_all(db.read())
        .await?;
        let mut close: Vec<String> = near
            .into_iter()
            .filter(|w| distance(w, &t, max) <= max)
            .collect();
        if close.is_empty() {
            close.push(t);
        }
        groups.push(close);
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_words_meet_at_their_stem() {
        assert_eq!(terms("Ordinateurs"), terms("l'ordinateur"));
        assert_eq!(terms("ÉCRAN"), terms("écrans"));
        assert_eq!(terms("sécurité"), terms("securite"));
        assert_eq!(terms("tablette"), terms("tablettes"));
        assert_eq!(terms("arnaques"), terms("arnaque"));
        assert_eq!(terms("photos"), terms("photo"));
        assert_eq!(terms("jeux"), terms("jeu"));
        assert_eq!(terms("sauvegarder"), terms("sauvegarde"));
        assert!(terms("de la et les").is_empty());
    }

    #[test]
    fn typos_are_counted() {
        assert_eq!(distance("tablet", "tabelt", 2), 1);
        assert_eq!(distance("tablet", "tablt", 2), 1);
        assert_eq!(distance("tablet", "tablet", 1), 0);
        assert!(distance("tablet", "ordin", 1) > 1);
    }
}
