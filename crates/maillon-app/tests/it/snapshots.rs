//! Snapshots (insta) of what leaves Maillon for other people and other programs: the
//! e-mail and SMS of a sign-up, the iCalendar and Atom feeds of a workshop, the JSON API,
//! the headers of the spreadsheets, the error pages. A change shows as a diff to read and
//! accept (`cargo insta review`, or `INSTA_UPDATE=always` then `git diff`) instead of
//! passing unseen. What changes from run to run — ids, secret links, instants — is
//! replaced by a placeholder first (`redact`); the workshop's date is fixed.

use crate::harness::{Client, TestApp};
use crate::*;

/// Replaces what differs between runs: UUIDs, hexadecimal secrets, instants (RFC 3339
/// and iCalendar's), and Unix times in JSON.
fn redact(text: &str) -> String {
    // iCalendar's folded lines are unfolded first, so that an id cut in two is seen whole.
    let text = &text.replace("\r\n ", "").replace("\r\n", "\n");
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let hex = |c: u8| c.is_ascii_hexdigit() && !c.is_ascii_uppercase();
    let digits = |from: usize, n: usize| {
        from + n <= b.len() && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    while i < b.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        // 8-4-4-4-12: a UUID.
        let uuid = boundary
            && i + 36 <= b.len()
            && b[i..i + 36].iter().enumerate().all(|(k, c)| {
                if [8, 13, 18, 23].contains(&k) {
                    *c == b'-'
                } else {
                    hex(*c)
                }
            });
        if uuid {
            out.push_str("[id]");
            i += 36;
            continue;
        }
        // A run of 32 hexadecimal digits or more: a token or its hash.
        let run = b[i..].iter().take_while(|c| hex(**c)).count();
        if boundary && run >= 32 && b[i..i + run].iter().any(u8::is_ascii_digit) {
            out.push_str("[secret]");
            i += run;
            continue;
        }
        // 2026-12-01T17:22:25(.123)(Z|+01:00): an instant.
        if boundary && digits(i, 4) && b.get(i + 4) == Some(&b'-') && b.get(i + 10) == Some(&b'T') {
            let mut j = i + 11;
            while j < b.len() && (b[j].is_ascii_digit() || b":.+-Z".contains(&b[j])) {
                j += 1;
            }
            out.push_str("[instant]");
            i = j;
            continue;
        }
        // 20261201T172225Z: iCalendar's instant of writing (DTSTAMP, CREATED…); the
        // event's own times (DTSTART, DTEND) are fixed and kept.
        let line = &text[text[..i].rfind('\n').map_or(0, |n| n + 1)..i];
        let written = ["DTSTAMP", "CREATED", "LAST-MODIFIED"]
            .iter()
            .any(|p| line.starts_with(p));
        if written && digits(i, 8) && b.get(i + 8) == Some(&b'T') && digits(i + 9, 6) {
            out.push_str("[stamp]");
            i += 15 + usize::from(b.get(i + 15) == Some(&b'Z'));
            continue;
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// A workshop on a fixed date, with one public sign-up by a person with a mobile and an
/// e-mail: (the workshop's id, the session's id).
async fn fixed_workshop(app: &TestApp, karim: &Client) -> (String, String) {
    let sid = app.structure_id(FERRAT).await;
    let session = crate::workshops::workshop_dated(app, karim, &sid, "8", "1", "2031-03-04").await;
    let workshop = app
        .scalar_text(&format!(
            "SELECT workshop_id FROM workshop_sessions WHERE id = '{session}'"
        ))
        .await;
    let r = app
        .client()
        .post(
            &format!("/ateliers/{session}"),
            &[
                ("name", "Josette Vernay"),
                ("phone", "07 98 76 54 32"),
                ("email", "josette@quartier.test"),
                ("seats", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    (workshop, session)
}

#[tokio::test]
async fn what_a_sign_up_sends_and_the_feeds_of_its_workshop() {
    let app = TestApp::demo().await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let (workshop, _) = fixed_workshop(&app, &karim).await;

    let email = app
        .scalar_text(
            "SELECT subject || '\n\n' || body_text FROM emails WHERE to_addr = 'josette@quartier.test'",
        )
        .await;
    insta::assert_snapshot!("sign_up_email", redact(&email));
    let sms = app
        .scalar_text("SELECT body FROM sms_messages WHERE to_phone = '+33798765432'")
        .await;
    insta::assert_snapshot!("sign_up_sms", redact(&sms));

    let ics = app
        .client()
        .get(&format!("/ateliers.ics?atelier={workshop}"))
        .await;
    assert_eq!(ics.status, 200);
    insta::assert_snapshot!("workshop_icalendar", redact(&ics.body));
    let atom = app
        .client()
        .get(&format!("/ateliers.atom?atelier={workshop}"))
        .await;
    assert_eq!(atom.status, 200);
    insta::assert_snapshot!("workshop_atom", redact(&atom.body));
    app.stop().await;
}

#[tokio::test]
async fn the_json_api_and_the_spreadsheets_keep_their_shape() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;

    // The first public resource as another program reads it, and the keys of the page.
    let api = app.client().get("/api/ressources.json?page=1").await;
    assert_eq!(api.status, 200);
    let page: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let mut keys: Vec<&String> = page.as_object().unwrap().keys().collect();
    keys.sort();
    let title = "Repérer une arnaque par SMS";
    let item = page["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == title)
        .unwrap_or_else(|| panic!("{title} in {}", api.body));
    insta::assert_snapshot!(
        "api_resource",
        redact(&format!(
            "page keys: {keys:?}\n{}",
            serde_json::to_string_pretty(item).unwrap()
        ))
    );

    // The first line of each export, as a spreadsheet shows it (the statistics sheet holds
    // figures and months of the day's period: the tests of stats.rs read it).
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let mut headers = String::new();
    for path in [
        "activites/export.csv",
        "beneficiaires/export.csv",
        "adherents/export.csv",
    ] {
        let (status, _, body) = nadia.download(&format!("/structures/{sid}/{path}")).await;
        assert_eq!(status, 200, "{path}");
        let text = String::from_utf8(body).unwrap();
        let first = text
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or("");
        headers.push_str(&format!("{path}\n{first}\n\n"));
    }
    use calamine::Reader;
    let sheet = |body: Vec<u8>| {
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(body)).unwrap();
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name).unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|row| row.iter().map(|c| c.to_string()).collect())
            .collect();
        (name, rows)
    };
    for path in [
        "activites/export.xlsx",
        "beneficiaires/export.xlsx",
        "adherents/export.xlsx",
    ] {
        let (status, _, body) = nadia.download(&format!("/structures/{sid}/{path}")).await;
        assert_eq!(status, 200, "{path}");
        let (name, rows) = sheet(body);
        headers.push_str(&format!("{path}, sheet {name}\n{}\n\n", rows[0].join(",")));
    }
    insta::assert_snapshot!("export_headers", redact(&headers));
    app.stop().await;
}

#[tokio::test]
async fn error_pages_say_what_happened_in_french() {
    let app = TestApp::demo().await;
    let missing = app.client().get("/nulle-part").await;
    assert_eq!(missing.status, 404);
    insta::assert_snapshot!("page_not_found", redact(&missing.body));
    let wrong = app.client().get("/ressources?page=beaucoup").await;
    assert_eq!(wrong.status, 400);
    insta::assert_snapshot!("page_bad_request", redact(&wrong.body));
    app.stop().await;
}

#[test]
fn redact_replaces_what_changes_between_runs() {
    let text = "id 01a232c3-49db-771e-9d03-3a7179206716, lien /inscription/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, \
                le 2026-12-01T17:22:25Z, date 2031-03-04\r\nDTSTAMP:20261201T172225Z\r\nDTSTART:20310304T130000Z\r\nDESCRIPTION:a\r\n b";
    assert_eq!(
        redact(text),
        "id [id], lien /inscription/[secret], le [instant], date 2031-03-04\nDTSTAMP:[stamp]\nDTSTART:20310304T130000Z\nDESCRIPTION:ab"
    );
}
