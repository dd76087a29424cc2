//! A real Maillon on a random port, on a fresh database: a SQLite file, or a new
//! PostgreSQL database when MAILLON_TEST_POSTGRES holds a server URL.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use maillon_app::config::Config;
use maillon_app::db::Db;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub struct TestApp {
    pub base: String,
    pub db: Db,
    running: Option<maillon_app::Running>,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

fn random_name() -> String {
    format!("maillon_t_{}", uuid_like())
}

fn uuid_like() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let prefix = base.rsplit_once('/').map(|(p, _)| p).unwrap_or(base);
    format!("{prefix}/{name}{query}")
}

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_with(|_| {}).await
    }

    /// Starts with the demo network loaded.
    pub async fn demo() -> TestApp {
        let app = Self::start().await;
        maillon_demo::seed(&app.db, &app.state().files, &app.base)
            .await
            .unwrap();
        app
    }

    /// The demo on a server configured by `adjust`.
    pub async fn demo_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let app = Self::start_with(adjust).await;
        maillon_demo::seed(&app.db, &app.state().files, &app.base)
            .await
            .unwrap();
        app
    }

    /// The demo where public sign-ups from one address are not limited (all the tests'
    /// requests come from 127.0.0.1), for tests of many sign-ups.
    pub async fn demo_open() -> TestApp {
        Self::demo_with(|c| c.public_signups_per_hour = 100_000).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let (url, postgres) = match std::env::var("MAILLON_TEST_POSTGRES") {
            Ok(admin) if !admin.is_empty() => {
                let name = random_name();
                sqlx::any::install_default_drivers();
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .expect("PostgreSQL reachable");
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .unwrap();
                (with_database(&admin, &name), Some((admin, name)))
            }
            _ => (
                dir.path().join("test.db").to_string_lossy().to_string(),
                None,
            ),
        };
        let mut config = Config::from_lookup(|key| match key {
            "MAILLON_ADDR" => Some("127.0.0.1:0".into()),
            "DATABASE_URL" => Some(url.clone()),
            "MAILLON_FILES_DIR" => Some(dir.path().join("fichiers").to_string_lossy().to_string()),
            _ => None,
        })
        .unwrap();
        adjust(&mut config);
        let db = maillon_app::app::connect(&config.database_url)
            .await
            .unwrap();
        let running = maillon_app::start_with_db(config, db.clone())
            .await
            .unwrap();
        TestApp {
            base: format!("http://{}", running.addr),
            db,
            running: Some(running),
            _dir: dir,
            postgres,
        }
    }

    /// A second app server on the same database (as a federation runs several), and
    /// a client of it; stop it before `stop`.
    pub async fn second_server(&self) -> (maillon_app::Running, Client) {
        let mut config = (*self.state().config).clone();
        config.addr = "127.0.0.1:0".parse().unwrap();
        let db = maillon_app::app::connect(&config.database_url)
            .await
            .unwrap();
        let running = maillon_app::start_with_db(config, db).await.unwrap();
        let client = Client::new(&format!("http://{}", running.addr));
        (running, client)
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client already signed in.
    pub async fn signed_in(&self, email: &str, password: &str) -> Client {
        let client = self.client();
        let r = client.login(email, password).await;
        assert_eq!(r.status, 303, "sign-in of {email} failed: {}", r.body);
        client
    }

    pub fn state(&self) -> &maillon_app::app::AppState {
        &self.running.as_ref().unwrap().state
    }

    pub async fn scalar_i64(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(self.db.read())
            .await
            .unwrap()
    }

    pub async fn scalar_text(&self, sql: &str) -> String {
        sqlx::query_scalar::<_, String>(sql)
            .fetch_one(self.db.read())
            .await
            .unwrap()
    }

    /// The first column of every row.
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        sqlx::query_scalar::<_, String>(sql)
            .fetch_all(self.db.read())
            .await
            .unwrap()
    }

    pub async fn ints(&self, sql: &str) -> Vec<i64> {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_all(self.db.read())
            .await
            .unwrap()
    }

    pub async fn exec(&self, sql: &str) {
        let mut tx = self.db.begin_write().await.unwrap();
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// The id of a demo structure, by name.
    pub async fn structure_id(&self, name: &str) -> String {
        self.scalar_text(&format!("SELECT id FROM structures WHERE name = '{name}'"))
            .await
    }

    pub async fn place_id(&self, nom: &str) -> String {
        self.scalar_text(&format!(
            "SELECT id FROM places WHERE nom = '{}'",
            nom.replace('\'', "''")
        ))
        .await
    }

    pub async fn user_id(&self, email: &str) -> String {
        self.scalar_text(&format!("SELECT id FROM users WHERE email = '{email}'"))
            .await
    }

    /// Waits until the job workers have left no e-mail queued (bounded).
    pub async fn wait_for_emails(&self) {
        for _ in 0..100 {
            if self
                .scalar_i64("SELECT COUNT(*) FROM emails WHERE status IN ('queued', 'sending')")
                .await
                == 0
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("e-mails still queued");
    }

    /// The body of the latest e-mail to `to`, as stored.
    pub async fn last_email_to(&self, to: &str) -> String {
        self.scalar_text(&format!("SELECT body_text FROM emails WHERE to_addr = '{to}' ORDER BY created_at DESC, id DESC LIMIT 1")).await
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        if let Some((admin, name)) = self.postgres.take() {
            if let Ok(mut conn) = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await {
                let _ = sqlx::Executor::execute(
                    &mut conn,
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                )
                .await;
            }
        }
    }
}

/// A text as a query string value.
pub fn url(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The path of a link found in a text after `marker` (e.g. "/reinitialiser/").
pub fn link_path(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {text}"));
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    rest[..end].to_string()
}

pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Response {
    pub fn location(&self) -> String {
        self.headers
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }

    /// The body with the entities our templates write turned back into characters.
    pub fn text(&self) -> String {
        self.body
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[track_caller]
    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.text().contains(text),
            "expected « {text} » in (status {}):\n{}",
            self.status,
            self.body
        );
    }
}

/// A browser-like client: keeps cookies, follows no redirect by itself, and says its
/// requests are same-origin (as a browser does for our own forms).
#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    cookies: Arc<Mutex<HashMap<String, String>>>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_string(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Arc::default(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&self, r: reqwest::Response) -> Response {
        for v in r.headers().get_all(SET_COOKIE) {
            let text = v.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            let mut jar = self.cookies.lock().unwrap();
            if val.is_empty() || text.contains("Max-Age=0") {
                jar.remove(k);
            } else {
                jar.insert(k.to_string(), val.to_string());
            }
        }
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.text().await.unwrap();
        Response {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    /// A binary download: status and bytes.
    pub async fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.post_with(path, fields, &[("sec-fetch-site", "same-origin")])
            .await
    }

    pub async fn post_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.finish(req.send().await.unwrap()).await
    }

    /// A body of any type, as a script (not a form) would send it: the status only.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> u16 {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", content_type)
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    pub async fn upload(&self, path: &str, structure_id: &str, file: Vec<u8>) -> Response {
        self.post_files(
            path,
            &[("structure_id", structure_id)],
            vec![("file", "lieux.csv", file)],
        )
        .await
    }

    /// A form with files, as a browser sends it: `files` are (field, file name, bytes).
    pub async fn post_files(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: Vec<(&str, &str, Vec<u8>)>,
    ) -> Response {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        for (field, name, bytes) in files {
            form = form.part(
                field.to_string(),
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        }
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("sec-fetch-site", "same-origin")
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    /// A download: status, headers and bytes.
    pub async fn download(&self, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        let headers = r.headers().clone();
        (
            r.status().as_u16(),
            headers,
            r.bytes().await.unwrap().to_vec(),
        )
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/connexion",
            &[
                ("email", email),
                ("password", password),
                ("suite", "/tableau-de-bord"),
            ],
        )
        .await
    }
}

/// A real SMTP server on loopback that keeps every message it receives.
pub struct SmtpSink {
    pub addr: SocketAddr,
    pub messages: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let messages: Arc<Mutex<Vec<String>>> = Arc::default();
        let store = messages.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                    let mut in_data = false;
                    let mut data = String::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        if in_data {
                            if line == "." {
                                in_data = false;
                                store.lock().unwrap().push(std::mem::take(&mut data));
                                write.write_all(b"250 2.0.0 queued\r\n").await.unwrap();
                            } else {
                                data.push_str(&line);
                                data.push('\n');
                            }
                            continue;
                        }
                        let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250 sink\r\n",
                            "DATA" => {
                                in_data = true;
                                b"354 end with .\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            // An address the recipient's server does not know: a bounce.
                            "RCPT" if line.contains("rejet") => b"550 5.1.1 user unknown\r\n",
                            _ => b"250 OK\r\n",
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        SmtpSink { addr, messages }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Waits for a message containing `text` (bounded) and returns it decoded.
    pub async fn message_with(&self, text: &str) -> String {
        for _ in 0..200 {
            let found = self
                .messages
                .lock()
                .unwrap()
                .iter()
                .map(|m| decode_quoted_printable(m))
                .find(|m| m.contains(text));
            if let Some(m) = found {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("no message with {text} reached the SMTP sink");
    }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// A fake SMS provider on loopback speaking Brevo's transactional API: it keeps every
/// request (API key and JSON body) and answers with the statuses it is told, then 201.
pub struct FakeSms {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<(String, serde_json::Value)>>>,
    pub answers: Arc<Mutex<Vec<u16>>>,
}

impl FakeSms {
    pub async fn start() -> FakeSms {
        use axum::http::{HeaderMap, StatusCode};
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received: Arc<Mutex<Vec<(String, serde_json::Value)>>> = Arc::default();
        let answers: Arc<Mutex<Vec<u16>>> = Arc::default();
        let (store, planned) = (received.clone(), answers.clone());
        let app = axum::Router::new().route(
            "/v3/transactionalSMS/send",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (store, planned) = (store.clone(), planned.clone());
                async move {
                    let key = headers
                        .get("api-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
                    let n = {
                        let mut all = store.lock().unwrap();
                        all.push((key, json));
                        all.len()
                    };
                    let status = {
                        let mut planned = planned.lock().unwrap();
                        if planned.is_empty() {
                            201
                        } else {
                            planned.remove(0)
                        }
                    };
                    let answer = if status == 201 {
                        format!("{{\"messageId\": {}}}", 1000 + n)
                    } else {
                        "{\"code\": \"invalid_parameter\", \"message\": \"numéro refusé\"}"
                            .to_string()
                    };
                    (StatusCode::from_u16(status).unwrap(), answer)
                }
            }),
        );
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeSms {
            addr,
            received,
            answers,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/v3/transactionalSMS/send", self.addr)
    }

    /// A Maillon with the demo, sending SMS through this fake provider.
    pub async fn demo_app(&self) -> TestApp {
        let url = self.url();
        let app = TestApp::start_with(|c| {
            c.sms_provider = Some("brevo".into());
            c.sms_api_key = Some("cle-api-de-test".into());
            c.sms_url = url;
        })
        .await;
        maillon_demo::seed(&app.db, &app.state().files, &app.base)
            .await
            .unwrap();
        app
    }

    /// Waits (bounded) until `n` requests arrived, and returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<(String, serde_json::Value)> {
        for _ in 0..200 {
            let all = self.received.lock().unwrap().clone();
            if all.len() >= n {
                return all;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the fake SMS provider did not receive {n} messages");
    }
}
