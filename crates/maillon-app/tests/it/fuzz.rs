//! Garbage at every door (issue 16): as every role, every route of the router (read from
//! the sources, so that a route is covered the day it is written) gets bounded garbage in
//! its path and body, and every form found by walking the demo gets garbage in each of
//! its fields — long strings, NUL and control characters, right-to-left text, huge and
//! negative numbers, absurd dates, missing and repeated fields, wrong content types.
//! Nothing may answer 5xx.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::harness::{Client, TestApp};
use crate::*;

/// Values no form expects.
fn garbage() -> Vec<String> {
    vec![
        "A".repeat(20_000),
        "\u{0}\u{1}\u{7}\u{1b}[31m\u{7f}\u{85}nul".to_string(),
        "\u{202E}gnp.exe\u{200F} مرحبا \u{FEFF}\u{FFFF}".to_string(),
        "99999999999999999999999999".to_string(),
        "-9223372036854775808".to_string(),
        "1e308".to_string(),
        "-1".to_string(),
        "2026-02-30".to_string(),
        "0000-00-00T99:99".to_string(),
        "' OR 1=1 -- <script>alert(1)</script>".to_string(),
        "%00%0d%0a".to_string(),
        String::new(),
    ]
}

/// Path segments no route expects.
fn bad_segments() -> Vec<String> {
    vec![
        "x".to_string(),
        "%00".to_string(),
        "-1".to_string(),
        "99999999999999999999".to_string(),
        "a".repeat(300),
        "%E2%80%AE%C3%A9".to_string(),
        "0196d1b2-0000-7000-8000-000000000000".to_string(),
    ]
}

/// Every route pattern of the sources, with its methods (`get`, `post`).
pub(crate) fn route_table() -> Vec<(String, Vec<&'static str>)> {
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let mut routes = Vec::new();
    for text in files {
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let trimmed = rest.trim_start();
            let Some(literal) = trimmed.strip_prefix('"') else {
                continue;
            };
            let path = &literal[..literal.find('"').unwrap()];
            // The handlers: up to the parenthesis that closes `.route(`.
            let mut depth = 1;
            let mut end = 0;
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            let handlers = &rest[..end];
            let has = |verb: &str| {
                handlers.match_indices(verb).any(|(i, _)| {
                    i == 0 || !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                })
            };
            let mut methods = Vec::new();
            if has("get(") {
                methods.push("GET");
            }
            if has("post(") {
                methods.push("POST");
            }
            if path.starts_with('/') {
                routes.push((path.to_string(), methods));
            }
        }
    }
    routes.sort();
    routes.dedup();
    routes
}

/// A form of a page: method, action, fields (name, type), multipart or not.
#[derive(Clone, Debug)]
pub(crate) struct Form {
    pub method: String,
    pub action: String,
    fields: Vec<(String, String)>,
    pub multipart: bool,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')?;
    Some(
        tag[start..start + end]
            .replace("&amp;", "&")
            .replace("&#x2F;", "/")
            .replace("&#x3D;", "="),
    )
}

/// Links and forms of an HTML page (our templates write plain, regular HTML).
fn links_and_forms(page_path: &str, html: &str) -> (Vec<String>, Vec<Form>) {
    let mut links = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let end = rest.find('"').unwrap_or(0);
        let href = rest[..end].replace("&amp;", "&");
        if href.starts_with('/') && !href.starts_with("//") {
            links.push(href.split('#').next().unwrap_or("").to_string());
        }
    }
    let mut forms = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<form") {
        rest = &rest[at..];
        let tag_end = rest.find('>').unwrap_or(0);
        let tag = &rest[..tag_end];
        let body_end = rest.find("</form>").unwrap_or(rest.len());
        let body = &rest[tag_end..body_end];
        let mut fields = Vec::new();
        for kind in ["<input", "<select", "<textarea", "<button"] {
            let mut inner = body;
            while let Some(i) = inner.find(kind) {
                inner = &inner[i..];
                let end = inner.find('>').unwrap_or(0);
                let field_tag = &inner[..end];
                if let Some(name) = attr(field_tag, "name") {
                    let ty = attr(field_tag, "type").unwrap_or_else(|| kind[1..].to_string());
                    fields.push((name, ty));
                }
                inner = &inner[end.max(1)..];
            }
        }
        forms.push(Form {
            method: attr(tag, "method")
                .unwrap_or_else(|| "get".into())
                .to_lowercase(),
            action: attr(tag, "action").unwrap_or_else(|| page_path.to_string()),
            fields,
            multipart: tag.contains("multipart/form-data"),
        });
        rest = &rest[body_end.max(1)..];
    }
    (links, forms)
}

/// The shape of a path, ids replaced: pages and forms of one shape are tried twice at most.
fn shape(path: &str) -> String {
    path.split('?')
        .next()
        .unwrap_or("")
        .split('/')
        .map(|s| {
            if s.len() >= 20 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
                "{}"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

struct Fuzzer {
    failures: Vec<String>,
    requests: usize,
}

impl Fuzzer {
    fn check(&mut self, who: &str, what: &str, status: u16) {
        self.requests += 1;
        if status >= 500 {
            self.failures.push(format!("{who}: {what} → {status}"));
        }
    }

    /// Every form field, garbled, each way.
    async fn forms(&mut self, who: &str, client: &Client, forms: &[Form]) {
        for form in forms {
            let action = form.action.clone();
            if action.starts_with("/deconnexion") {
                continue;
            }
            for value in garbage() {
                let pairs: Vec<(&str, &str)> = form
                    .fields
                    .iter()
                    .map(|(name, _)| (name.as_str(), value.as_str()))
                    .collect();
                let status = if form.method == "get" {
                    // An address holds 64 KB at most: shorter garbage in a query string.
                    let short: String = value.chars().take(2_000).collect();
                    let query: String = form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(pairs.iter().map(|(k, _)| (*k, short.as_str())))
                        .finish();
                    client
                        .get(&format!("{}?{query}", action.split('?').next().unwrap()))
                        .await
                        .status
                } else if form.multipart {
                    let file = value.as_bytes().to_vec();
                    client
                        .post_files(&action, &pairs, vec![("file", "x.png", file)])
                        .await
                        .status
                } else {
                    client.post(&action, &pairs).await.status
                };
                self.check(
                    who,
                    &format!(
                        "{} {action} [{}…]",
                        form.method,
                        value.chars().take(12).collect::<String>()
                    ),
                    status,
                );
            }
            if form.method == "post" {
                // Missing fields, every field twice, and bodies of the wrong type.
                let status = client.post(&action, &[]).await.status;
                self.check(who, &format!("post {action} (no field)"), status);
                let twice: Vec<(&str, &str)> = form
                    .fields
                    .iter()
                    .flat_map(|(n, _)| [(n.as_str(), "1"), (n.as_str(), "-999999999999")])
                    .collect();
                let status = client.post(&action, &twice).await.status;
                self.check(who, &format!("post {action} (fields twice)"), status);
                for content_type in ["application/json", "text/plain", "multipart/form-data"] {
                    let status = client
                        .post_raw(
                            &action,
                            content_type,
                            b"{\"a\": [1, 2, \"\\u0000\"]}".to_vec(),
                        )
                        .await;
                    self.check(who, &format!("post {action} as {content_type}"), status);
                }
            }
        }
    }
}

pub(crate) async fn walk(
    client: &Client,
    start: &[&str],
    max_pages: usize,
) -> (Vec<String>, Vec<Form>) {
    let mut queue: VecDeque<String> = start.iter().map(|s| s.to_string()).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut shapes: HashMap<String, usize> = HashMap::new();
    let mut form_shapes: HashMap<String, usize> = HashMap::new();
    let (mut pages, mut forms) = (Vec::new(), Vec::new());
    while let Some(path) = queue.pop_front() {
        if pages.len() >= max_pages || !seen.insert(path.clone()) {
            continue;
        }
        let n = shapes.entry(shape(&path)).or_default();
        *n += 1;
        if *n > 3 || path.contains("export.") || path.starts_with("/static/") {
            continue;
        }
        let r = client.get(&path).await;
        pages.push(format!("{path} {}", r.status));
        if r.status == 303 && r.location().starts_with('/') {
            queue.push_back(r.location());
        }
        if !r.header("content-type").starts_with("text/html") {
            continue;
        }
        let (links, found) = links_and_forms(&path, &r.body);
        queue.extend(links);
        for f in found {
            let key = format!("{} {} {:?}", f.method, shape(&f.action), f.fields);
            let n = form_shapes.entry(key).or_default();
            *n += 1;
            if *n <= 1 {
                forms.push(f);
            }
        }
    }
    (pages, forms)
}

#[tokio::test]
async fn garbage_at_every_route_and_form_gets_no_5xx() {
    let app = TestApp::start_with(|c| c.public_signups_per_hour = 100_000).await;
    maillon_demo::seed(&app.db, &app.state().files, &app.base)
        .await
        .unwrap();
    let routes = route_table();
    assert!(
        routes.len() > 100,
        "the route table is read: {}",
        routes.len()
    );
    let mut fuzzer = Fuzzer {
        failures: Vec::new(),
        requests: 0,
    };
    // Those who can delete the most go last.
    let roles: [(&str, Option<&str>); 6] = [
        ("anonymous", None),
        ("volunteer", Some(FERRAT_VOLUNTEER)),
        ("desk", Some("accueil@jeanferrat.test")),
        ("mediator", Some(FERRAT_MEDIATOR)),
        ("network admin", Some(NETWORK_ADMIN)),
        ("structure admin", Some(FERRAT_ADMIN)),
    ];
    // Every role walks the demo first, while it is whole; then each one posts, in turn.
    let mut turns = Vec::new();
    for (who, email) in roles {
        let client = match email {
            Some(e) => app.signed_in(e, PASSWORD).await,
            None => app.client(),
        };
        let start = [
            "/",
            "/tableau-de-bord",
            "/ateliers",
            "/ressources",
            "/lieux",
            "/actualites",
        ];
        let (pages, forms) = walk(&client, &start, 300).await;
        for p in &pages {
            let status: u16 = p.rsplit(' ').next().unwrap().parse().unwrap();
            fuzzer.check(who, &format!("GET {p}"), status);
        }
        eprintln!("fuzz: {who}: {} pages, {} forms", pages.len(), forms.len());
        if std::env::var("FUZZ_PAGES").is_ok() {
            eprintln!("{}", pages.join("\n"));
        }
        turns.push((who, client, forms));
    }
    for (who, client, forms) in &turns {
        fuzzer.forms(who, client, forms).await;
        // Every route of the table, its ids garbled.
        for (pattern, methods) in &routes {
            for segment in bad_segments() {
                let mut path = String::new();
                let mut rest = pattern.as_str();
                while let Some(open) = rest.find('{') {
                    path.push_str(&rest[..open]);
                    path.push_str(&segment);
                    let close = rest[open..].find('}').unwrap() + open;
                    rest = &rest[close + 1..];
                }
                path.push_str(rest);
                if path.starts_with("/deconnexion") {
                    continue;
                }
                for method in methods {
                    let status = if *method == "GET" {
                        client.get(&format!("{path}?page=9223372036854775807&depuis=9223372036854775807&q=%00&du=-1")).await.status
                    } else {
                        client
                            .post(&path, &[("x", "\u{0}"), ("name", "")])
                            .await
                            .status
                    };
                    fuzzer.check(who, &format!("{method} {path}"), status);
                }
            }
        }
    }
    assert!(
        fuzzer.failures.is_empty(),
        "{} of {} requests answered 5xx:\n{}",
        fuzzer.failures.len(),
        fuzzer.requests,
        fuzzer.failures.join("\n")
    );
    eprintln!(
        "fuzz: {} requests, {} routes, no 5xx",
        fuzzer.requests,
        routes.len()
    );
    app.stop().await;
}
