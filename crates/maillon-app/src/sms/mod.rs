//! SMS, like e-mail: every message is stored first (the send log), in the transaction of
//! what caused it, then sent by a job through the configured provider. Without a provider
//! it stays in the outbox. Texts are kept in GSM-7 and short (two parts at most).

pub mod gsm7;
pub mod provider;
pub mod routes;

use std::sync::Arc;

use crate::config::Config;
use crate::db::{self, now, text, Db, DbError, Tx};
use crate::jobs::JobError;
use crate::tenancy::StructureId;
use provider::{SendError, SmsProvider};

/// The longest SMS Maillon writes, in parts: enough for a date, a place and a link.
pub const MAX_PARTS: usize = 2;

/// The configured provider, if any.
#[derive(Clone, Default)]
pub struct Texter {
    provider: Option<Arc<dyn SmsProvider>>,
}

impl Texter {
    pub fn from_config(config: &Config) -> Result<Texter, String> {
        let provider: Option<Arc<dyn SmsProvider>> = match config.sms_provider.as_deref() {
            Some("brevo") => Some(Arc::new(provider::Brevo::new(
                &config.sms_url,
                config.sms_api_key.as_deref().unwrap_or_default(),
                &config.sms_sender,
            )?)),
            _ => None,
        };
        Ok(Texter { provider })
    }
}

/// A mobile number, which can receive SMS: French 06 and 07, overseas mobiles (06 9x in
/// the Antilles, Guyane and Réunion, 06 39 in Mayotte), and any foreign number (the
/// provider knows better). Landlines (01–05, 09) cannot.
pub fn is_mobile(phone: &str) -> bool {
    const FRENCH: &[&str] = &["+33", "+262", "+269", "+590", "+594", "+596"];
    match FRENCH.iter().find_map(|code| phone.strip_prefix(code)) {
        Some(national) => national.starts_with('6') || national.starts_with('7'),
        None => phone.starts_with('+'),
    }
}

/// Stores an SMS and its sending job in the caller's transaction. The text is put in
/// GSM-7 and cut to `MAX_PARTS`.
pub async fn queue(
    tx: &mut Tx,
    structure_id: &StructureId,
    to: &str,
    body: &str,
    purpose: SmsPurpose,
) -> Result<String, DbError> {
    queue_at(tx, structure_id, to, body, purpose, MAX_PARTS, now()).await
}

/// The same with a longer limit (messages to members: three parts) and a time to send
/// (after quiet hours).
pub async fn queue_at(
    tx: &mut Tx,
    structure_id: &StructureId,
    to: &str,
    body: &str,
    purpose: SmsPurpose,
    max_parts: usize,
    send_at: i64,
) -> Result<String, DbError> {
    let body = gsm7::fit(&gsm7::to_gsm7(body), max_parts);
    let id = db::new_id();
    // The budget bounds what requests cause (sign-ups and what follows them). A message
    // to members is the team's own decision, taken with its count of SMS in front of it.
    let over = purpose != SmsPurpose::MemberMessage && over_budget(tx, structure_id).await?;
    sqlx::query(
        "INSERT INTO sms_messages (id, structure_id, to_phone, body, parts, purpose, status, last_error, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.clone())
    .bind(structure_id)
    .bind(to)
    .bind(body.clone())
    .bind(gsm7::parts(&body) as i64)
    .bind(purpose.code())
    .bind(if over { SmsStatus::OverBudget } else { SmsStatus::Queued }.code())
    .bind(if over { OVER_BUDGET_REASON } else { "" })
    .bind(now())
    .execute(&mut **tx)
    .await?;
    if over {
        // Kept in the log, never sent: nothing to queue.
        return Ok(id);
    }
    let payload = serde_json::json!({ "sms_id": id }).to_string();
    crate::jobs::store::enqueue(
        tx,
        crate::jobs::store::JobKind::SendSms,
        &payload,
        Some(&format!("sms-{id}")),
        send_at.max(now()),
    )
    .await?;
    Ok(id)
}

crate::code_enum! {
    /// Where an SMS is. `OverBudget`: not sent, its structure had reached its daily budget.
    pub enum SmsStatus("état de SMS") {
        Queued = "queued", "En attente d'envoi";
        Sent = "sent", "Envoyé";
        Outbox = "outbox", "Dans la boîte d'envoi (pas de fournisseur de SMS)";
        OverBudget = "over_budget", "Non envoyé : plafond de SMS du jour atteint";
        Failed = "failed", "Échec";
    }
}

crate::code_enum! {
    /// Why an SMS was sent.
    pub enum SmsPurpose("objet de SMS") {
        Registration = "inscription", "Inscription";
        Reminder = "rappel", "Rappel";
        FreedSeat = "place", "Place libérée";
        Cancellation = "annulation", "Séance annulée";
        /// A message to members (messages capability).
        MemberMessage = "message", "Message aux adhérents";
    }
}

const OVER_BUDGET_REASON: &str = "Plafond de SMS du jour atteint (réglage de la structure)";

/// Counts one more SMS asked today (UTC day) by the structure, and says whether that goes
/// beyond its daily budget. The counter row is taken by an upsert: parallel requests
/// wait for each other there, so the budget holds exactly.
async fn over_budget(tx: &mut Tx, structure_id: &StructureId) -> Result<bool, DbError> {
    let day = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    let asked: i64 = sqlx::query_scalar(
        "INSERT INTO sms_daily_counts (structure_id, day, asked) VALUES ($1, $2, 1) \
         ON CONFLICT (structure_id, day) DO UPDATE SET asked = sms_daily_counts.asked + 1 \
         RETURNING asked",
    )
    .bind(structure_id)
    .bind(day.clone())
    .fetch_one(&mut **tx)
    .await?;
    let budget: i64 = sqlx::query_scalar("SELECT sms_daily_budget FROM structures WHERE id = $1")
        .bind(structure_id)
        .fetch_optional(&mut **tx)
        .await?
        .unwrap_or(0);
    if asked == budget + 1 {
        tracing::warn!(structure = %structure_id, budget, day = %day, "daily SMS budget reached: further SMS are kept in the log, not sent");
    }
    Ok(asked > budget)
}

/// Today's (UTC) SMS a structure asked beyond its budget, for its send log.
pub async fn over_budget_today(db: &Db, structure_id: &StructureId) -> Result<(i64, i64), DbError> {
    let day = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    let row = sqlx::query(
        "SELECT st.sms_daily_budget, COALESCE(c.asked, 0) AS asked FROM structures st \
         LEFT JOIN sms_daily_counts c ON c.structure_id = st.id AND c.day = $2 WHERE st.id = $1",
    )
    .bind(structure_id)
    .bind(day)
    .fetch_optional(db.read())
    .await?;
    Ok(row
        .map(|r| Ok::<_, DbError>((db::int(&r, "sms_daily_budget")?, db::int(&r, "asked")?)))
        .transpose()?
        .unwrap_or_default())
}

pub struct Sms {
    pub id: String,
    pub to_phone: String,
    pub body: String,
    pub parts: i64,
    pub purpose: SmsPurpose,
    pub status: SmsStatus,
    pub provider: String,
    pub last_error: String,
    pub created_at: i64,
}

impl Sms {
    pub fn status_label(&self) -> &'static str {
        match self.status {
            SmsStatus::Queued if !self.last_error.is_empty() => "Nouvel essai prévu",
            status => status.label(),
        }
    }

    pub fn purpose_label(&self) -> &'static str {
        self.purpose.label()
    }

    /// The text as shown in the log: a personal link is the person's, not the staff's.
    /// The text as shown in the log: a personal link is the person's, not the staff's.
    pub fn body_display(&self) -> String {
        crate::accounts::tokens::mask_links(&self.body)
    }

    pub fn phone_display(&self) -> String {
        crate::validate::phone_display(&self.to_phone)
    }
}

fn from_row(r: &db::AnyRow) -> Result<Sms, DbError> {
    Ok(Sms {
        id: text(r, "id")?,
        to_phone: text(r, "to_phone")?,
        body: text(r, "body")?,
        parts: db::int(r, "parts")?,
        purpose: SmsPurpose::parse(&text(r, "purpose")?)?,
        status: SmsStatus::parse(&text(r, "status")?)?,
        provider: text(r, "provider")?,
        last_error: text(r, "last_error")?,
        created_at: db::int(r, "created_at")?,
    })
}

/// The send log of a structure, newest first.
pub async fn latest(db: &Db, structure_id: &StructureId, limit: i64) -> Result<Vec<Sms>, DbError> {
    let rows = sqlx::query(
        "SELECT * FROM sms_messages WHERE structure_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(structure_id)
    .bind(limit)
    .fetch_all(db.read())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Parts sent (or waiting) by a structure since `since`: what it will be billed.
pub async fn parts_since(db: &Db, structure_id: &StructureId, since: i64) -> Result<i64, DbError> {
    sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COALESCE(SUM(parts), 0) AS BIGINT) FROM sms_messages \
         WHERE structure_id = $1 AND created_at >= $2 AND status IN ($3, $4)",
    )
    .bind(structure_id)
    .bind(since)
    .bind(SmsStatus::Sent.code())
    .bind(SmsStatus::Queued.code())
    .fetch_one(db.read())
    .await
    .map_err(DbError::from)
}

async fn record(
    db: &Db,
    id: &str,
    status: SmsStatus,
    provider: &str,
    reference: &str,
    error: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE sms_messages SET status = $1, provider = $2, provider_ref = $3, last_error = $4, sent_at = $5 WHERE id = $6",
    )
    .bind(status.code())
    .bind(provider)
    .bind(reference)
    .bind(error)
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The `send_sms` job. Idempotent: a message already sent, filed or refused is left alone.
/// A temporary failure is retried by the queue until its `last_attempt`; a refusal is
/// logged as failed at once.
pub async fn deliver(
    db: &Db,
    texter: &Texter,
    payload: &str,
    last_attempt: bool,
) -> Result<(), JobError> {
    let id = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v["sms_id"].as_str().map(str::to_string))
        .ok_or_else(|| JobError::Payload("sans sms_id".into()))?;
    let row = sqlx::query("SELECT * FROM sms_messages WHERE id = $1")
        .bind(id.clone())
        .fetch_optional(db.read())
        .await
        .map_err(DbError::from)?
        .ok_or_else(|| JobError::Payload(format!("SMS {id} introuvable")))?;
    let sms = from_row(&row)?;
    if sms.status != SmsStatus::Queued {
        return Ok(());
    }
    let Some(provider) = &texter.provider else {
        tracing::info!(sms = %sms.id, "SMS kept in the outbox (no SMS provider configured)");
        return Ok(record(db, &id, SmsStatus::Outbox, "", "", "").await?);
    };
    match provider.send(&sms.to_phone, &sms.body).await {
        Ok(reference) => {
            Ok(record(db, &id, SmsStatus::Sent, provider.name(), &reference, "").await?)
        }
        Err(SendError::Permanent(error)) => {
            tracing::warn!(sms = %sms.id, error = %error, "SMS refused by the provider");
            Ok(record(db, &id, SmsStatus::Failed, provider.name(), "", &error).await?)
        }
        Err(SendError::Temporary(error)) => {
            let status = if last_attempt {
                SmsStatus::Failed
            } else {
                SmsStatus::Queued
            };
            let _ = record(db, &id, status, provider.name(), "", &error).await;
            Err(JobError::Send(error))
        }
    }
}

/// The queue sends SMS through this capability.
pub fn register_jobs(jobs: &mut crate::jobs::Registry<crate::app::Worker>) {
    jobs.on(crate::jobs::store::JobKind::SendSms, |w, run| {
        Box::pin(deliver(
            &w.db,
            &w.senders.sms,
            run.payload,
            run.last_attempt,
        ))
    });
}

/// Every route of this capability (`app::router` merges one router per capability).
pub fn router() -> axum::Router<crate::app::AppState> {
    axum::Router::new().merge(routes::routes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_mobiles_receive_sms() {
        assert!(super::is_mobile("+33612345678"));
        assert!(super::is_mobile("+33712345678"));
        assert!(!super::is_mobile("+33477123456"));
        assert!(!super::is_mobile("+33912345678"));
        assert!(super::is_mobile("+262692123456"));
        assert!(!super::is_mobile("+262262123456"));
        assert!(super::is_mobile("+32470123456"));
        assert!(!super::is_mobile(""));
    }
}
