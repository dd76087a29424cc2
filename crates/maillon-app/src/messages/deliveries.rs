//! The rows of a message's deliveries: one per recipient, with the outcome read from the
//! e-mail or SMS row it became (not copied), and what the team records of letters and calls.

use super::channels;
use crate::db::{now, text, Db, DbError, Tx};
use crate::mail::EmailStatus;
use crate::sms::SmsStatus;
use crate::tenancy::StructureId;

crate::code_enum! {
    /// Where one recipient's delivery stands. Letters and calls keep theirs in the
    /// delivery row; e-mails and SMS read it from their own row (`from_email`, `from_sms`).
    pub enum DeliveryState("état de distribution") {
        Planned = "planned", "Prévu";
        Sent = "sent", "Envoyé";
        Outbox = "outbox", "Dans la boîte d'envoi (pas de serveur d'envoi)";
        Failed = "failed", "Échec";
        Bounced = "bounced", "Adresse refusée (rejet)";
        /// No channel was possible (no address, no consent).
        None = "none", "Non envoyé : aucun moyen possible";
    }
}

impl DeliveryState {
    /// Reached the person, or waits in the outbox.
    pub fn is_done(self) -> bool {
        matches!(self, DeliveryState::Sent | DeliveryState::Outbox)
    }

    /// Did not reach them: the tracking lists these first.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            DeliveryState::Failed | DeliveryState::Bounced | DeliveryState::None
        )
    }

    fn from_email(status: EmailStatus) -> DeliveryState {
        match status {
            EmailStatus::Queued | EmailStatus::Sending => DeliveryState::Planned,
            EmailStatus::Sent => DeliveryState::Sent,
            EmailStatus::Outbox => DeliveryState::Outbox,
            EmailStatus::Bounced => DeliveryState::Bounced,
            EmailStatus::Failed => DeliveryState::Failed,
        }
    }

    fn from_sms(status: SmsStatus) -> DeliveryState {
        match status {
            SmsStatus::Queued => DeliveryState::Planned,
            SmsStatus::Sent => DeliveryState::Sent,
            SmsStatus::Outbox => DeliveryState::Outbox,
            SmsStatus::OverBudget | SmsStatus::Failed => DeliveryState::Failed,
        }
    }
}

/// One recipient's delivery as the tracking shows it.
pub struct Delivery {
    pub person_id: String,
    pub name: String,
    pub channel: String,
    pub address: String,
    pub state: DeliveryState,
    pub error: String,
}

impl Delivery {
    pub fn channel_label(&self) -> &'static str {
        channels::label(&self.channel)
    }

    pub fn state_label(&self) -> &'static str {
        state_label(&self.channel, self.state, !self.error.is_empty())
    }

    pub fn address_lines(&self) -> Vec<&str> {
        self.address.lines().collect()
    }
}

/// A state as said for its channel: a letter is printed, a person called.
pub fn state_label(channel: &str, state: DeliveryState, had_error: bool) -> &'static str {
    use DeliveryState::*;
    match (channel, state) {
        ("post", Planned) => "Lettre à imprimer",
        ("post", Sent) => "Lettre imprimée",
        ("phone", Planned) => "Appel à passer",
        ("phone", Sent) => "Appelé",
        ("phone", Failed) => "Injoignable",
        (_, Planned) if had_error => "Nouvel essai prévu",
        (_, state) => state.label(),
    }
}

const DELIVERY: &str = "SELECT d.message_id, d.person_id, d.channel, d.address, d.state, b.first_name, b.last_name, \
     e.status AS email_status, e.last_error AS email_error, s.status AS sms_status, s.last_error AS sms_error \
     FROM message_deliveries d JOIN beneficiaries b ON b.id = d.person_id \
     LEFT JOIN emails e ON e.id = d.email_id LEFT JOIN sms_messages s ON s.id = d.sms_id";

/// A message's deliveries (of one channel, or all), by name.
pub async fn deliveries(
    db: &Db,
    sid: &StructureId,
    mid: &str,
    channel: Option<&str>,
) -> Result<Vec<Delivery>, DbError> {
    let rows = sqlx::query(&format!(
        "{DELIVERY} WHERE d.message_id = $1 AND d.structure_id = $2 AND ($3 = '' OR d.channel = $3) \
         ORDER BY b.search_name, b.id"
    ))
    .bind(mid)
    .bind(sid)
    .bind(channel.unwrap_or_default())
    .fetch_all(db.read())
    .await?;
    rows.iter().map(delivery).collect()
}

/// The messages a person received: (message id, subject, delivery), newest first.
pub async fn of_person(
    db: &Db,
    sid: &StructureId,
    pid: &str,
) -> Result<Vec<(String, String, Delivery)>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT x.*, m.subject FROM ({DELIVERY} WHERE d.person_id = $1 AND d.structure_id = $2) x \
         JOIN member_messages m ON m.id = x.message_id ORDER BY m.planned_at DESC, m.id LIMIT 50"
    ))
    .bind(pid)
    .bind(sid)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| Ok::<_, DbError>((text(r, "message_id")?, text(r, "subject")?, delivery(r)?)))
        .collect::<Result<_, DbError>>()
}

fn delivery(r: &crate::db::AnyRow) -> Result<Delivery, DbError> {
    let channel = text(r, "channel")?;
    // E-mails and SMS keep their outcome in their own rows.
    let (state, error) = match channel.as_str() {
        "email" => (
            DeliveryState::from_email(EmailStatus::parse(&text(r, "email_status")?)?),
            text(r, "email_error")?,
        ),
        "sms" => (
            DeliveryState::from_sms(SmsStatus::parse(&text(r, "sms_status")?)?),
            text(r, "sms_error")?,
        ),
        _ => (DeliveryState::parse(&text(r, "state")?)?, String::new()),
    };
    Ok(Delivery {
        person_id: text(r, "person_id")?,
        name: crate::activities::beneficiaries::display_name(
            &text(r, "first_name")?,
            &text(r, "last_name")?,
        ),
        channel,
        address: text(r, "address")?,
        state,
        error,
    })
}

/// The letters of a message are printed: each planned one becomes sent.
pub async fn letters_printed(tx: &mut Tx, sid: &StructureId, mid: &str) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE message_deliveries SET state = $4, updated_at = $1 \
         WHERE message_id = $2 AND structure_id = $3 AND channel = 'post' AND state = $5",
    )
    .bind(now())
    .bind(mid)
    .bind(sid)
    .bind(DeliveryState::Sent.code())
    .bind(DeliveryState::Planned.code())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What came of a call: `Sent` (called), `Failed` (unreachable) or back to `Planned`.
pub async fn record_call(
    tx: &mut Tx,
    sid: &StructureId,
    mid: &str,
    pid: &str,
    outcome: DeliveryState,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE message_deliveries SET state = $1, updated_at = $2 \
         WHERE message_id = $3 AND person_id = $4 AND structure_id = $5 AND channel = 'phone'",
    )
    .bind(outcome.code())
    .bind(now())
    .bind(mid)
    .bind(pid)
    .bind(sid)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The delivery an unsubscribe link (by its hash) was made for: (structure id, structure
/// name, person id, purpose).
pub async fn by_unsubscribe_link(
    db: &Db,
    hash: &str,
) -> Result<Option<(StructureId, String, String, String)>, DbError> {
    let row = sqlx::query(
        "SELECT d.structure_id, s.name, d.person_id, m.purpose FROM message_deliveries d \
         JOIN member_messages m ON m.id = d.message_id JOIN structures s ON s.id = d.structure_id \
         WHERE d.unsubscribe_hash = $1",
    )
    .bind(hash)
    .fetch_optional(db.read())
    .await?;
    row.map(|r| {
        Ok((
            crate::db::structure_id(&r, "structure_id")?,
            text(&r, "name")?,
            text(&r, "person_id")?,
            text(&r, "purpose")?,
        ))
    })
    .transpose()
}
