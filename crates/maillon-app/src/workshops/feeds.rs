//! The programme outside Maillon: an iCalendar feed that calendar apps subscribe to, an
//! Atom feed of upcoming sessions, and a plain list that a centre's website shows in a
//! frame (its first channel). Each can be narrowed to a structure or a workshop.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::model::Session;
use super::store::{self, Programme};
use crate::app::AppState;
use crate::places::routes::today;
use crate::tenancy::Scope;
use crate::web::atom::{self, Entry};
use crate::web::error::AppResult;
use crate::web::forms::Query;
use crate::web::middleware::Embeddable;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ateliers.ics", get(icalendar))
        .route("/ateliers.atom", get(atom))
        .route("/ateliers/integrer", get(embeddable))
}

#[derive(Deserialize, Default)]
struct FeedQuery {
    structure: Option<String>,
    atelier: Option<String>,
    programme: Option<String>,
}

async fn sessions(state: &AppState, q: FeedQuery) -> AppResult<Vec<Session>> {
    // Sessions are public: `?structure=` narrows the feed, it is not an access.
    let structure = q.structure.filter(|s| !s.is_empty());
    Ok(store::upcoming(
        &state.db,
        &Programme {
            scope: structure
                .as_deref()
                .map_or(Scope::Public, Scope::PublishedBy),
            workshop_id: q.atelier.unwrap_or_default(),
            programme_id: q.programme.unwrap_or_default(),
            from: today(&state.config.timezone),
            ..Programme::default()
        },
    )
    .await?)
}

/// Text as iCalendar wants it: backslash, semicolon, comma and line breaks escaped, and no
/// control character (RFC 5545 allows none but the tab in a value).
fn ics_text(text: &str) -> String {
    crate::web::forms::clean_text(text)
        .replace('\t', " ")
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Lines of at most 75 bytes, continued with a space (RFC 5545, 3.1), never inside a
/// UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// A local date and time of the structure's zone, in UTC as iCalendar writes it.
fn utc(date: &str, time: &str, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", format!("{date} {time}"))
        .ok()
        .and_then(|dt| dt.to_zoned(tz).ok())
        .map(|z| z.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default()
}

pub fn calendar(sessions: &[Session], public_url: &str, zone: &str, name: &str) -> String {
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Maillon//Ateliers//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        &format!("X-WR-CALNAME:{}", ics_text(name)),
    ] {
        out.push_str(&fold(line));
    }
    for s in sessions {
        let place = [
            s.place_name.as_str(),
            s.commune.as_str(),
            s.structure_name.as_str(),
        ]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
        for line in [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}@maillon", s.id),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART:{}", utc(&s.date, &s.start_time, zone)),
            format!("DTEND:{}", utc(&s.date, &s.end_time, zone)),
            format!("SUMMARY:{}", ics_text(&s.title)),
            format!("LOCATION:{}", ics_text(&place)),
            format!("URL:{public_url}/ateliers/{}", s.id),
            format!(
                "DESCRIPTION:{}",
                ics_text(&format!("Inscription : {public_url}/ateliers/{}", s.id))
            ),
            "END:VEVENT".to_string(),
        ] {
            out.push_str(&fold(&line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

async fn icalendar(
    State(state): State<AppState>,
    Query(q): Query<FeedQuery>,
) -> AppResult<Response> {
    let sessions = sessions(&state, q).await?;
    let body = calendar(
        &sessions,
        &state.config.public_url,
        &state.config.timezone,
        "Ateliers du numérique",
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response())
}

async fn atom(State(state): State<AppState>, Query(q): Query<FeedQuery>) -> AppResult<Response> {
    let sessions = sessions(&state, q).await?;
    let base = &state.config.public_url;
    // A session's entry changes when it is planned; "now" keeps feed readers simple.
    let now = crate::db::now();
    let entries: Vec<Entry> = sessions
        .iter()
        .map(|s| Entry {
            title: s.title.clone(),
            url: format!("{base}/ateliers/{}", s.id),
            updated: now,
            summary: format!("{} — {} {}", s.when(), s.structure_name, s.place_name)
                .trim()
                .to_string(),
            author: s.structure_name.clone(),
        })
        .collect();
    Ok(atom::feed(
        "Ateliers à venir",
        &format!("{base}/ateliers"),
        &format!("{base}/ateliers.atom"),
        &entries,
    ))
}

#[derive(Template)]
#[template(path = "workshops/embed.html")]
struct EmbedPage {
    sessions: Vec<Session>,
}

/// A bare list for `<iframe src="…/ateliers/integrer?structure=…">` on another site.
async fn embeddable(
    State(state): State<AppState>,
    Query(q): Query<FeedQuery>,
) -> AppResult<Response> {
    let sessions = sessions(&state, q).await?;
    let mut response = render(&EmbedPage { sessions })?.into_response();
    response.extensions_mut().insert(Embeddable);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendars_escape_fold_and_use_utc() {
        assert_eq!(
            ics_text("Tablette, niveau 1; suite"),
            "Tablette\\, niveau 1\\; suite"
        );
        let long = "SUMMARY:".to_string() + &"é".repeat(60);
        let folded = fold(&long);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(folded.replace("\r\n ", "").trim_end(), long);
        // 14:00 in Paris in winter is 13:00 UTC.
        assert_eq!(
            utc("2026-12-01", "14:00", "Europe/Paris"),
            "20261201T130000Z"
        );
    }
}
