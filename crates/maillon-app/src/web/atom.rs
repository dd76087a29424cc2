//! Atom feeds (RFC 4287), written by hand: the format is small and every feed of Maillon
//! (upcoming sessions, public resources, later news) shares this one writer.

use axum::http::header;
use axum::response::{IntoResponse, Response};

pub struct Entry {
    pub title: String,
    /// The entry's page, also its id.
    pub url: String,
    /// Seconds since 1970.
    pub updated: i64,
    pub summary: String,
    pub author: String,
}

/// Text for XML (and HTML): markup characters escaped, and the control characters XML 1.0
/// cannot carry dropped, even from rows written before forms cleaned them.
pub fn escape(text: &str) -> String {
    crate::web::forms::clean_text(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A feed titled `title` for the page `page` (its id), served at `self_url`.
pub fn feed(title: &str, page: &str, self_url: &str, entries: &[Entry]) -> Response {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(crate::db::now);
    let mut body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>{}</title>\n<id>{}</id>\n<updated>{}</updated>\n\
         <link rel=\"alternate\" href=\"{}\"/>\n<link rel=\"self\" href=\"{}\"/>\n\
         <author><name>Maillon</name></author>\n",
        escape(title),
        escape(page),
        rfc3339(updated),
        escape(page),
        escape(self_url)
    );
    for e in entries {
        body.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<updated>{}</updated>\n\
             <link rel=\"alternate\" href=\"{}\"/>\n{}<summary>{}</summary>\n</entry>\n",
            escape(&e.title),
            escape(&e.url),
            rfc3339(e.updated),
            escape(&e.url),
            if e.author.is_empty() {
                String::new()
            } else {
                format!("<author><name>{}</name></author>\n", escape(&e.author))
            },
            escape(&e.summary)
        ));
    }
    body.push_str("</feed>\n");
    (
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}
