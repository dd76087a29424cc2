//! Form bodies and field errors.
//!
//! Forms are read as ordered pairs (not through serde) so that repeated keys — checkboxes
//! of a list — arrive whole, and so that what a person typed can always be shown back.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;

use super::error::AppError;

#[derive(Debug, Default, Clone)]
pub struct FormData {
    pairs: Vec<(String, String)>,
}

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        FormData::from_pairs(form_urlencoded::parse(body).into_owned().collect())
    }

    /// Every name and value goes through [`clean_text`]: nothing a keyboard cannot type
    /// reaches a store, a feed or a spreadsheet.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> FormData {
        FormData {
            pairs: pairs
                .into_iter()
                .map(|(k, v)| (clean_text(&k), clean_text(&v)))
                .collect(),
        }
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> String {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }

    /// The first value of `name` exactly as typed (passwords).
    pub fn raw(&self, name: &str) -> String {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every non-empty value of `name` (checkboxes, multiple selects).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// Every (name, value) as sent.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == name)
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadRequest(
                "Ce formulaire n'a pas été envoyé correctement.".into(),
            ));
        }
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest("Le formulaire envoyé est trop long.".into()))?;
        Ok(FormData::parse(&body))
    }
}

/// A query string read into `T`, as axum's `Query`, but a value of the wrong shape
/// (`?page=abc`, `?page=99999999999999999999`) gets our French page, not a bare 400.
pub struct Query<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|_| {
                AppError::BadRequest(
                    "L'adresse de cette page contient une valeur incorrecte (un numéro de page, une date…). Revenez à la page précédente et recommencez.".into(),
                )
            })
    }
}

/// Errors of a form, each next to its field, plus a summary at the top of the page.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    list: Vec<(String, String)>,
}

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.list.push((field.to_string(), message.into()));
        }
    }

    /// Adds another form's errors (a sub-form embedded in this one).
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, message) in other.list {
            self.add(&field, message);
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// (field, message) in the order they were found, for the summary's links.
    pub fn all(&self) -> &[(String, String)] {
        &self.list
    }
}

/// Text as a person can type it: without NUL and the other control characters (PostgreSQL
/// refuses NUL in text; XML 1.0 — our Atom feeds and XLSX files — cannot carry the others),
/// nor the non-characters U+FFFE/U+FFFF. Tabs and line breaks stay; a carriage return
/// becomes a line feed (`\r\n` one line feed).
pub fn clean_text(value: &str) -> String {
    let clean = |c: char| !is_control(c) || c == '\t' || c == '\n';
    if value.chars().all(clean) {
        return value.to_string();
    }
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| clean(*c))
        .collect()
}

/// C0 and C1 control characters, DEL, and the two non-characters XML forbids.
pub fn is_control(c: char) -> bool {
    c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// The longest search or filter text read (longer is cut, and the page says so): SQLite
/// refuses LIKE patterns beyond 50,000 characters, and nobody searches a name that long.
pub const MAX_SEARCH_CHARS: usize = 200;

/// A search or filter text cut to [`MAX_SEARCH_CHARS`]; true when it was cut.
pub fn search_text(value: &str) -> (String, bool) {
    let value = value.trim();
    match value.char_indices().nth(MAX_SEARCH_CHARS) {
        Some((end, _)) => (value[..end].trim_end().to_string(), true),
        None => (value.to_string(), false),
    }
}

/// The message shown next to a search field that was cut.
pub const SEARCH_CUT: &str = "Votre recherche a été raccourcie : 200 caractères au plus.";

/// The most pages a list goes to (a page number beyond is read as this one).
pub const MAX_PAGE: i64 = 10_000;

/// A page number from a query string: 1 when absent or below, at most [`MAX_PAGE`].
pub fn page_number(page: Option<i64>) -> i64 {
    page.unwrap_or(1).clamp(1, MAX_PAGE)
}

pub fn url_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Where to go after signing in (or another action that takes a `suite`): a path of this
/// site, else the dashboard. See [`local_path`].
pub fn safe_next(next: &str) -> String {
    local_path(next).unwrap_or_else(|| "/tableau-de-bord".to_string())
}

/// A path of this site parsed from what a request said, ready for a `Location` header:
/// one `/` first and no `/` or `\` right after it (`//host` and `/\host` are other sites
/// for a browser), no backslash, space or control character anywhere (browsers drop tabs
/// and line breaks, so `/\t/evil.example` is `//evil.example` to them), letters beyond
/// ASCII percent-encoded, and what remains a valid URI path and query.
pub fn local_path(next: &str) -> Option<String> {
    let rest = next.strip_prefix('/')?;
    if rest.starts_with('/')
        || next
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || is_control(c))
        || next.len() > 2000
    {
        return None;
    }
    let mut encoded = String::with_capacity(next.len());
    for c in next.chars() {
        if c.is_ascii() {
            encoded.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let parsed: axum::http::uri::PathAndQuery = encoded.parse().ok()?;
    // Only a path and its query: a fragment or an authority never gets through.
    (parsed.as_str() == encoded).then_some(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r",
            "/\u{0b}",
            "https://evil.example",
            "evil.example",
            "/ /evil",
            "",
        ] {
            assert_eq!(safe_next(bad), "/tableau-de-bord", "{bad:?}");
        }
        assert_eq!(safe_next("/structures/1?q=a&b=c"), "/structures/1?q=a&b=c");
        assert_eq!(
            safe_next("/adherents?q=Hélène"),
            "/adherents?q=H%C3%A9l%C3%A8ne"
        );
    }

    #[test]
    fn control_characters_never_get_in() {
        assert_eq!(clean_text("a\u{0}b\u{1}c\u{7f}d\u{85}e"), "abcde");
        assert_eq!(
            clean_text("ligne 1\r\nligne 2\rfin\tx"),
            "ligne 1\nligne 2\nfin\tx"
        );
        assert_eq!(clean_text("\u{FFFF}é\u{202E}"), "é\u{202E}");
        let form = FormData::parse(b"nom=Jo%00s%01e&%00cle=v");
        assert_eq!(form.get("nom"), "Jose");
        assert_eq!(form.get("cle"), "v");
        assert_eq!(page_number(Some(i64::MAX)), MAX_PAGE);
        assert_eq!(page_number(Some(-4)), 1);
        let long = "é".repeat(300);
        let (cut, was_cut) = search_text(&long);
        assert!(was_cut && cut.chars().count() == MAX_SEARCH_CHARS);
    }
}
