//! Configuration from environment variables. Secrets are never printed: `Debug` hides them.

use std::net::SocketAddr;

#[derive(Clone)]
pub struct Config {
    /// Where the server listens (`MAILLON_ADDR`, default 127.0.0.1:8080).
    pub addr: SocketAddr,
    /// `DATABASE_URL`: a SQLite path or URL (default `maillon.db`), or `postgres://…`.
    pub database_url: String,
    /// Public address used in e-mailed links (`MAILLON_PUBLIC_URL`).
    pub public_url: String,
    /// `MAILLON_SMTP_URL`, e.g. `smtp://user:pass@host:587?tls=required`; none: outbox only.
    pub smtp_url: Option<String>,
    /// Sender of e-mails (`MAILLON_MAIL_FROM`).
    pub mail_from: String,
    /// Time zone used to show instants when a structure has none (`MAILLON_TIMEZONE`).
    pub timezone: String,
    /// Minutes without activity before a session ends (`MAILLON_SESSION_IDLE_MINUTES`).
    pub session_idle_minutes: i64,
    /// Hours after sign-in when a session ends whatever happens (`MAILLON_SESSION_MAX_HOURS`).
    pub session_max_hours: i64,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address (`MAILLON_TRUST_PROXY`).
    pub trust_proxy: bool,
    /// Bearer token that protects `/metrics` (`MAILLON_METRICS_TOKEN`); none: open.
    pub metrics_token: Option<String>,
    /// Background job workers in this process (`MAILLON_WORKERS`, default 2; 0 disables them).
    pub workers: usize,
    /// Named beneficiaries with no activity for this many months are anonymised
    /// (`MAILLON_ANONYMISE_AFTER_MONTHS`, default 24; 0 never).
    pub anonymise_after_months: i64,
    /// SMS: the provider (`MAILLON_SMS_PROVIDER=brevo`); none: SMS stay in the outbox.
    pub sms_provider: Option<String>,
    /// The provider's API key (`MAILLON_SMS_API_KEY`), a secret.
    pub sms_api_key: Option<String>,
    /// Name shown as sender (`MAILLON_SMS_SENDER`, 3 to 11 letters or digits).
    pub sms_sender: String,
    /// The provider's address (`MAILLON_SMS_URL`), to point it elsewhere (tests, a proxy).
    pub sms_url: String,
    /// Development mode: outbox messages are printed to the log (set by `maillon demo`).
    pub dev: bool,
    /// Folder of uploaded files (`MAILLON_FILES_DIR`, default `maillon-fichiers` beside
    /// the SQLite file), unless they go to an S3-compatible store.
    pub files_dir: std::path::PathBuf,
    /// `MAILLON_S3_URL`, `MAILLON_S3_BUCKET`, `MAILLON_S3_REGION`, `MAILLON_S3_ACCESS_KEY`,
    /// `MAILLON_S3_SECRET_KEY` (a secret): files in a bucket shared by several servers.
    pub s3: Option<crate::files::s3::S3Settings>,
    /// Largest file a person may upload (`MAILLON_UPLOAD_MAX_MB`, default 10).
    pub upload_max_bytes: usize,
    /// Public workshop sign-ups taken from one client address per hour
    /// (`MAILLON_PUBLIC_SIGNUPS_PER_HOUR`, default 10; decision 0017).
    pub public_signups_per_hour: i64,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database", &redact_url(&self.database_url))
            .field("public_url", &self.public_url)
            .field("smtp", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("timezone", &self.timezone)
            .field("workers", &self.workers)
            .field("sms_provider", &self.sms_provider)
            .field("sms_api_key", &self.sms_api_key.as_ref().map(|_| "***"))
            .field("dev", &self.dev)
            .field("files_dir", &self.files_dir)
            .field("s3", &self.s3)
            .field("public_signups_per_hour", &self.public_signups_per_hour)
            .finish_non_exhaustive()
    }
}

/// Hides the password of a URL such as `postgres://user:secret@host/db`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads the configuration through `get`, so tests can pass their own values.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let addr_text = get("MAILLON_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let addr: SocketAddr = addr_text.parse().map_err(|_| {
            ConfigError(format!(
                "MAILLON_ADDR invalide : « {addr_text} » (exemple : 127.0.0.1:8080)"
            ))
        })?;
        let public_url = get("MAILLON_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{}", display_addr(addr)))
            .trim_end_matches('/')
            .to_string();
        if !public_url.starts_with("http://") && !public_url.starts_with("https://") {
            return Err(ConfigError(
                "MAILLON_PUBLIC_URL doit commencer par http:// ou https://".into(),
            ));
        }
        let number = |key: &str, default: i64| -> Result<i64, ConfigError> {
            match get(key) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| {
                        ConfigError(format!("{key} doit être un nombre entier positif"))
                    }),
            }
        };
        let timezone = get("MAILLON_TIMEZONE").unwrap_or_else(|| "Europe/Paris".into());
        if jiff::tz::TimeZone::get(&timezone).is_err() {
            return Err(ConfigError(format!(
                "MAILLON_TIMEZONE inconnu : {timezone}"
            )));
        }
        let sms_provider = get("MAILLON_SMS_PROVIDER");
        let sms_api_key = get("MAILLON_SMS_API_KEY");
        match sms_provider.as_deref() {
            None => {}
            Some("brevo") if sms_api_key.is_some() => {}
            Some("brevo") => {
                return Err(ConfigError(
                    "MAILLON_SMS_API_KEY manque : la clé d'API du fournisseur de SMS".into(),
                ))
            }
            Some(other) => {
                return Err(ConfigError(format!(
                    "MAILLON_SMS_PROVIDER inconnu : « {other} » (fournisseur possible : brevo)"
                )))
            }
        }
        let sms_sender = get("MAILLON_SMS_SENDER").unwrap_or_else(|| "Maillon".into());
        if !(3..=11).contains(&sms_sender.len())
            || !sms_sender.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(ConfigError(
                "MAILLON_SMS_SENDER : de 3 à 11 lettres ou chiffres, sans espace ni accent".into(),
            ));
        }
        let database_url = get("DATABASE_URL").unwrap_or_else(|| "maillon.db".into());
        let s3 = s3_settings(&get)?;
        let upload_mb = number("MAILLON_UPLOAD_MAX_MB", 10)?;
        if !(1..=200).contains(&upload_mb) {
            return Err(ConfigError(
                "MAILLON_UPLOAD_MAX_MB : de 1 à 200 (mégaoctets)".into(),
            ));
        }
        let public_signups_per_hour = number("MAILLON_PUBLIC_SIGNUPS_PER_HOUR", 10)?;
        if public_signups_per_hour < 1 {
            return Err(ConfigError(
                "MAILLON_PUBLIC_SIGNUPS_PER_HOUR : 1 au moins (inscriptions par heure et par adresse)".into(),
            ));
        }
        Ok(Config {
            addr,
            public_signups_per_hour,
            files_dir: get("MAILLON_FILES_DIR")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| default_files_dir(&database_url)),
            s3,
            upload_max_bytes: upload_mb as usize * 1024 * 1024,
            database_url,
            public_url,
            smtp_url: get("MAILLON_SMTP_URL"),
            mail_from: get("MAILLON_MAIL_FROM")
                .unwrap_or_else(|| "Maillon <ne-pas-repondre@maillon.localhost>".into()),
            timezone,
            session_idle_minutes: number("MAILLON_SESSION_IDLE_MINUTES", 120)?.max(1),
            session_max_hours: number("MAILLON_SESSION_MAX_HOURS", 12)?.max(1),
            trust_proxy: matches!(
                get("MAILLON_TRUST_PROXY").as_deref(),
                Some("1" | "true" | "oui")
            ),
            metrics_token: get("MAILLON_METRICS_TOKEN"),
            workers: number("MAILLON_WORKERS", 2)? as usize,
            anonymise_after_months: number("MAILLON_ANONYMISE_AFTER_MONTHS", 24)?,
            sms_provider,
            sms_api_key,
            sms_sender,
            sms_url: get("MAILLON_SMS_URL")
                .unwrap_or_else(|| crate::sms::provider::BREVO_URL.into()),
            dev: false,
        })
    }

    /// Cookies get the `Secure` flag (and the `__Host-` prefix) when served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// Uploaded files beside the SQLite database; in the current folder with PostgreSQL.
fn default_files_dir(database_url: &str) -> std::path::PathBuf {
    let name = "maillon-fichiers";
    if database_url.starts_with("postgres") {
        return name.into();
    }
    let path = database_url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    match std::path::Path::new(path).parent() {
        Some(dir) if !path.is_empty() && path != ":memory:" => dir.join(name),
        _ => name.into(),
    }
}

/// All five S3 settings, or none of them.
fn s3_settings(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<crate::files::s3::S3Settings>, ConfigError> {
    let Some(endpoint) = get("MAILLON_S3_URL") else {
        return Ok(None);
    };
    if !endpoint.starts_with("http://") && !endpoint.starts_with("https://") {
        return Err(ConfigError(
            "MAILLON_S3_URL doit commencer par https:// (adresse du service S3)".into(),
        ));
    }
    let need = |key: &str, what: &str| {
        get(key).ok_or_else(|| ConfigError(format!("{key} manque : {what}")))
    };
    Ok(Some(crate::files::s3::S3Settings {
        endpoint,
        bucket: need("MAILLON_S3_BUCKET", "le nom du compartiment (bucket)")?,
        region: get("MAILLON_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
        access_key: need("MAILLON_S3_ACCESS_KEY", "l'identifiant de la clé d'accès")?,
        secret_key: need("MAILLON_S3_SECRET_KEY", "la clé secrète")?,
    }))
}

fn display_addr(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() || addr.ip().is_loopback() {
        format!("localhost:{}", addr.port())
    } else {
        addr.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|k| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn secrets_never_reach_the_logs() {
        let config = with(&[
            (
                "DATABASE_URL",
                "postgres://maillon:motdepasse-secret@db/maillon",
            ),
            (
                "MAILLON_SMTP_URL",
                "smtp://envoi:smtp-secret@mail.test:587?tls=required",
            ),
            ("MAILLON_METRICS_TOKEN", "jeton-secret"),
            ("MAILLON_SMS_PROVIDER", "brevo"),
            ("MAILLON_SMS_API_KEY", "xkeysib-secret"),
            ("MAILLON_S3_URL", "https://s3.fr-par.scw.cloud"),
            ("MAILLON_S3_BUCKET", "maillon"),
            ("MAILLON_S3_ACCESS_KEY", "SCWKEY"),
            ("MAILLON_S3_SECRET_KEY", "s3-secret"),
        ])
        .unwrap();
        let logged = format!("{config:?}");
        assert!(!logged.contains("secret"), "{logged}");
        assert!(
            logged.contains("postgres://maillon:***@db/maillon"),
            "{logged}"
        );
    }

    #[test]
    fn defaults_and_clear_errors() {
        let config = with(&[]).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(config.database_url, "maillon.db");
        assert_eq!(config.public_url, "http://localhost:8080");
        assert!(!config.secure_cookies());
        assert_eq!(
            config.files_dir,
            std::path::PathBuf::from("maillon-fichiers")
        );
        assert_eq!(config.upload_max_bytes, 10 * 1024 * 1024);
        let beside = with(&[("DATABASE_URL", "sqlite:///srv/centre/maillon.db")]).unwrap();
        assert_eq!(
            beside.files_dir,
            std::path::PathBuf::from("/srv/centre/maillon-fichiers")
        );
        assert!(with(&[("MAILLON_S3_URL", "https://s3.test")])
            .unwrap_err()
            .0
            .contains("MAILLON_S3_BUCKET manque"));
        assert!(with(&[("MAILLON_ADDR", "partout")])
            .unwrap_err()
            .0
            .contains("MAILLON_ADDR invalide"));
        assert!(with(&[("MAILLON_TIMEZONE", "Mars/Olympus")])
            .unwrap_err()
            .0
            .contains("MAILLON_TIMEZONE inconnu"));
        assert!(with(&[("MAILLON_WORKERS", "-1")])
            .unwrap_err()
            .0
            .contains("nombre entier positif"));
        assert!(with(&[("MAILLON_PUBLIC_URL", "maillon.fr")])
            .unwrap_err()
            .0
            .contains("https://"));
        assert!(with(&[("MAILLON_SMS_PROVIDER", "brevo")])
            .unwrap_err()
            .0
            .contains("MAILLON_SMS_API_KEY"));
        assert!(with(&[("MAILLON_SMS_SENDER", "Centre social")])
            .unwrap_err()
            .0
            .contains("MAILLON_SMS_SENDER"));
        assert!(with(&[("MAILLON_PUBLIC_URL", "https://maillon.fr/")])
            .unwrap()
            .secure_cookies());
    }
}
