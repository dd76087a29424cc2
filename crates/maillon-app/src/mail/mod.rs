//! E-mail: every message is stored first, then sent by a job. With SMTP configured the
//! job sends it; without, it stays in the outbox that network admins read in the app.

use lettre::message::header::{
    ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue,
};
use lettre::message::{MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::db::{self, now, text, Db, DbError, Tx};
use crate::jobs::JobError;
use crate::tenancy::StructureId;

pub mod routes;

#[derive(Clone)]
pub struct Mailer {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Mailer, String> {
        let smtp = match &config.smtp_url {
            None => None,
            Some(url) => Some(transport(url)?),
        };
        Ok(Mailer { smtp })
    }
}

#[cfg(feature = "smtp-tls")]
fn transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("MAILLON_SMTP_URL invalide : {e}"))?
        .build())
}

/// Without TLS compiled in (feature `smtp-tls` off), only plain `smtp://user:pass@host:port`
/// towards a relay on a trusted network.
#[cfg(not(feature = "smtp-tls"))]
fn transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let rest = url
        .strip_prefix("smtp://")
        .filter(|r| !r.contains("tls=") || r.contains("tls=none"))
        .ok_or("MAILLON_SMTP_URL : ce Maillon est compilé sans TLS (fonction smtp-tls) ; seul smtp:// sans chiffrement est possible")?;
    let rest = rest.split(['?', '/']).next().unwrap_or("");
    let (credentials, address) = match rest.rsplit_once('@') {
        Some((c, a)) => (Some(c), a),
        None => (None, rest),
    };
    let (host, port) = match address.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| "MAILLON_SMTP_URL : port invalide")?,
        ),
        None => (address, 25),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port);
    if let Some((user, password)) = credentials.and_then(|c| c.split_once(':')) {
        builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
            user.into(),
            password.into(),
        ));
    }
    Ok(builder.build())
}

/// Stores a message and its sending job in the caller's transaction: once committed, the
/// message is sent even if the server stops right after. For account mails (password
/// links, invitations, moderation): to staff, about no member.
pub async fn queue(tx: &mut Tx, to: &str, subject: &str, body: &str) -> Result<String, DbError> {
    queue_rich(
        tx,
        &Outgoing {
            to,
            subject,
            text: body,
            ..Outgoing::default()
        },
    )
    .await
}

/// The same for a message to a member or registrant of `structure_id`: in the outbox,
/// only that structure's admins read its address and text.
pub async fn queue_for(
    tx: &mut Tx,
    structure_id: &StructureId,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<String, DbError> {
    queue_rich(
        tx,
        &Outgoing {
            structure_id,
            to,
            subject,
            text: body,
            ..Outgoing::default()
        },
    )
    .await
}

/// A message with, optionally, an HTML version, an unsubscribe address (sent as the
/// List-Unsubscribe header, with one-click unsubscription, RFC 8058) and a time to send.
#[derive(Default)]
pub struct Outgoing<'a> {
    /// The structure whose member or registrant this is ('' for account mails).
    pub structure_id: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub unsubscribe_url: &'a str,
    /// Seconds since 1970; 0: now.
    pub send_at: i64,
}

pub async fn queue_rich(tx: &mut Tx, m: &Outgoing<'_>) -> Result<String, DbError> {
    let id = db::new_id();
    sqlx::query("INSERT INTO emails (id, to_addr, subject, body_text, body_html, list_unsubscribe, status, created_at, structure_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(id.clone())
        .bind(m.to)
        .bind(m.subject)
        .bind(m.text)
        .bind(m.html)
        .bind(m.unsubscribe_url)
        .bind(EmailStatus::Queued.code())
        .bind(now())
        .bind((!m.structure_id.is_empty()).then(|| m.structure_id.to_string()))
        .execute(&mut **tx)
        .await?;
    let payload = serde_json::json!({ "email_id": id }).to_string();
    crate::jobs::store::enqueue(
        tx,
        crate::jobs::store::JobKind::SendEmail,
        &payload,
        Some(&format!("email-{id}")),
        m.send_at.max(now()),
    )
    .await?;
    Ok(id)
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.trim_matches(['<', '>']).to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail apps may
/// unsubscribe with one POST, without opening a page.
#[derive(Clone)]
struct OneClick;

impl Header for OneClick {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(OneClick)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

crate::code_enum! {
    /// Where an e-mail is. `Sending` is said before the relay has it, so that a crash in
    /// between is seen and the message sent again (at least once).
    pub enum EmailStatus("état d'e-mail") {
        Queued = "queued", "En attente d'envoi";
        Sending = "sending", "Envoi en cours (interrompu, il sera repris)";
        Sent = "sent", "Envoyé";
        Outbox = "outbox", "Dans la boîte d'envoi (pas de serveur SMTP)";
        Bounced = "bounced", "Adresse refusée par le serveur du destinataire";
        Failed = "failed", "Échec";
    }
}

pub struct Email {
    pub id: String,
    pub to_addr: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub list_unsubscribe: String,
    pub status: EmailStatus,
    pub created_at: i64,
    pub last_error: String,
    /// The structure of the member it is about ('' for account mails).
    pub structure_id: String,
}

impl Email {
    pub fn status_label(&self) -> &'static str {
        match self.status {
            EmailStatus::Queued if !self.last_error.is_empty() => "Nouvel essai prévu",
            status => status.label(),
        }
    }
}

fn from_row(r: &db::AnyRow) -> Result<Email, DbError> {
    Ok(Email {
        id: text(r, "id")?,
        to_addr: text(r, "to_addr")?,
        subject: text(r, "subject")?,
        body_text: text(r, "body_text")?,
        body_html: text(r, "body_html")?,
        list_unsubscribe: text(r, "list_unsubscribe")?,
        status: EmailStatus::parse(&text(r, "status")?)?,
        created_at: db::int(r, "created_at")?,
        last_error: text(r, "last_error")?,
        structure_id: text(r, "structure_id")?,
    })
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Email>, DbError> {
    let row = sqlx::query("SELECT * FROM emails WHERE id = $1")
        .bind(id)
        .fetch_optional(db.read())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The latest e-mails of the instance, or of one structure.
pub async fn latest(
    db: &Db,
    structure_id: Option<&str>,
    limit: i64,
) -> Result<Vec<Email>, DbError> {
    let rows = match structure_id {
        None => sqlx::query("SELECT * FROM emails ORDER BY created_at DESC, id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(db.read())
            .await?,
        Some(sid) => sqlx::query(
            "SELECT * FROM emails WHERE structure_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(sid)
        .bind(limit)
        .fetch_all(db.read())
        .await?,
    };
    rows.iter().map(from_row).collect()
}

async fn set_status(
    db: &Db,
    id: &str,
    status: EmailStatus,
    error: Option<&str>,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE emails SET status = $1, sent_at = $2, last_error = $3 WHERE id = $4")
        .bind(status.code())
        .bind(now())
        .bind(error.map(str::to_string))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The Message-ID of an e-mail: its row's id at the instance's host, the same at every
/// attempt (RFC 5322), so that a message sent again after a crash is known as the same.
pub fn message_id(email_id: &str, public_url: &str) -> String {
    let host = public_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .filter(|h| !h.is_empty())
        .unwrap_or("maillon.localhost");
    format!("<{email_id}@{host}>")
}

/// The `send_email` job. Idempotent: a message already sent or filed is left alone. On
/// its `last_attempt`, a failure marks the message failed.
pub async fn deliver(
    db: &Db,
    config: &Config,
    mailer: &Mailer,
    payload: &str,
    last_attempt: bool,
) -> Result<(), JobError> {
    let id = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v["email_id"].as_str().map(str::to_string))
        .ok_or_else(|| JobError::Payload("sans email_id".into()))?;
    let email = get(db, &id)
        .await?
        .ok_or_else(|| JobError::Payload(format!("e-mail {id} introuvable")))?;
    if email.status == EmailStatus::Sending {
        // A send was under way when the server stopped: the relay may have the message.
        // Sent again (at least once, never lost), with the same Message-ID, by which
        // mail servers and apps recognise a repeat.
        tracing::warn!(email = %email.id, "an interrupted send is retried with the same Message-ID");
    } else if email.status != EmailStatus::Queued {
        return Ok(());
    }
    let Some(smtp) = &mailer.smtp else {
        if config.dev {
            // Development only: the whole message, links included, to read it in the terminal.
            tracing::info!(to = %email.to_addr, subject = %email.subject, "e-mail kept in the outbox:\n{}", email.body_text);
        } else {
            tracing::info!(email = %email.id, "e-mail kept in the outbox (no SMTP server configured)");
        }
        return Ok(set_status(db, &id, EmailStatus::Outbox, None).await?);
    };
    let mut builder = Message::builder();
    if !email.list_unsubscribe.is_empty() {
        builder = builder
            .header(ListUnsubscribe(email.list_unsubscribe.clone()))
            .header(OneClick);
    }
    let text_part = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .header(ContentTransferEncoding::QuotedPrintable)
        .body(email.body_text.clone());
    let builder = builder
        .from(
            config
                .mail_from
                .parse()
                .map_err(|e| JobError::Send(format!("MAILLON_MAIL_FROM : {e}")))?,
        )
        .to(email
            .to_addr
            .parse()
            .map_err(|e| JobError::Send(format!("destinataire : {e}")))?)
        .subject(email.subject.clone())
        .message_id(Some(message_id(&email.id, &config.public_url)));
    let message = if email.body_html.is_empty() {
        builder.singlepart(text_part)
    } else {
        builder.multipart(
            MultiPart::alternative()
                .singlepart(text_part)
                .singlepart(SinglePart::html(email.body_html.clone())),
        )
    }
    .map_err(|e| JobError::Send(e.to_string()))?;
    // Said before the relay has it, and "sent" as soon as it said yes: a crash between
    // the two is the only case of a second send, and the outbox shows it.
    set_status(db, &id, EmailStatus::Sending, None).await?;
    match smtp.send(message).await {
        Ok(_) => Ok(set_status(db, &id, EmailStatus::Sent, None).await?),
        Err(e) if e.is_permanent() => {
            // The recipient's server refused the address: trying again would not help.
            let error = e.to_string();
            tracing::warn!(email = %email.id, error = %error, "e-mail refused (bounced)");
            Ok(set_status(db, &id, EmailStatus::Bounced, Some(&error)).await?)
        }
        Err(e) => {
            let error = e.to_string();
            let status = if last_attempt {
                EmailStatus::Failed
            } else {
                EmailStatus::Queued
            };
            let _ = set_status(db, &id, status, Some(&error)).await;
            Err(JobError::Send(error))
        }
    }
}

/// The queue sends e-mails through this capability.
pub fn register_jobs(jobs: &mut crate::jobs::Registry<crate::app::Worker>) {
    jobs.on(crate::jobs::store::JobKind::SendEmail, |w, run| {
        Box::pin(deliver(
            &w.db,
            &w.config,
            &w.senders.mail,
            run.payload,
            run.last_attempt,
        ))
    });
}

/// Every route of this capability (`app::router` merges one router per capability).
pub fn router() -> axum::Router<crate::app::AppState> {
    axum::Router::new().merge(routes::routes())
}
