//! Queries on messages. Every query carries the structure.

use super::model::{from_row, Message, MessageStatus};
use crate::db::{self, now, text, Db, DbError, Tx};
use crate::mail::EmailStatus;
use crate::sms::SmsStatus;
use crate::tenancy::Scope;
use crate::tenancy::StructureId;

pub async fn get(
    db: &Db,
    structure_id: &StructureId,
    id: &str,
) -> Result<Option<Message>, DbError> {
    let row = sqlx::query("SELECT * FROM member_messages WHERE id = $1 AND structure_id = $2")
        .bind(id)
        .bind(structure_id)
        .fetch_optional(db.read())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The structure's messages, newest first, with how many people each one reached.
pub async fn list(db: &Db, structure_id: &StructureId) -> Result<Vec<(Message, i64)>, DbError> {
    let rows = sqlx::query(
        "SELECT m.*, (SELECT COUNT(*) FROM message_deliveries d WHERE d.message_id = m.id AND d.channel <> 'none') AS reached \
         FROM member_messages m WHERE m.structure_id = $1 ORDER BY m.created_at DESC, m.id DESC LIMIT 200",
    )
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| Ok((from_row(r)?, db::int(r, "reached")?)))
        .collect::<Result<_, DbError>>()
}

pub async fn insert(
    tx: &mut Tx,
    structure_id: &StructureId,
    m: &Message,
    author: &str,
) -> Result<String, DbError> {
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO member_messages (id, structure_id, subject, body, sms_text, purpose, segment_id, publish, status, author_name, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $11, $9, $10, $10)",
    )
    .bind(id.clone())
    .bind(structure_id)
    .bind(m.subject.clone())
    .bind(m.body.clone())
    .bind(m.sms_text.clone())
    .bind(m.purpose.clone())
    .bind(Some(m.segment_id.clone()).filter(|s| !s.is_empty()))
    .bind(m.publish as i64)
    .bind(author)
    .bind(now())
    .bind(MessageStatus::Draft.code())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Changes a draft; false when the message is no longer a draft.
pub async fn update(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    m: &Message,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE member_messages SET subject = $1, body = $2, sms_text = $3, purpose = $4, segment_id = $5, publish = $6, updated_at = $7 \
         WHERE id = $8 AND structure_id = $9 AND status = $10",
    )
    .bind(m.subject.clone())
    .bind(m.body.clone())
    .bind(m.sms_text.clone())
    .bind(m.purpose.clone())
    .bind(Some(m.segment_id.clone()).filter(|s| !s.is_empty()))
    .bind(m.publish as i64)
    .bind(now())
    .bind(id)
    .bind(structure_id)
    .bind(MessageStatus::Draft.code())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A draft becomes scheduled for `send_at`; false when it was not a draft.
pub async fn schedule(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    send_at: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE member_messages SET status = $5, send_at = $1, updated_at = $2 \
         WHERE id = $3 AND structure_id = $4 AND status = $6",
    )
    .bind(send_at)
    .bind(now())
    .bind(id)
    .bind(structure_id)
    .bind(MessageStatus::Scheduled.code())
    .bind(MessageStatus::Draft.code())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A scheduled message goes back to draft (its planning job then does nothing).
pub async fn unschedule(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE member_messages SET status = $4, send_at = NULL, updated_at = $1 \
         WHERE id = $2 AND structure_id = $3 AND status = $5",
    )
    .bind(now())
    .bind(id)
    .bind(structure_id)
    .bind(MessageStatus::Draft.code())
    .bind(MessageStatus::Scheduled.code())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_draft(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "DELETE FROM member_messages WHERE id = $1 AND structure_id = $2 AND status = $3",
    )
    .bind(id)
    .bind(structure_id)
    .bind(MessageStatus::Draft.code())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

const NEWS: &str = "SELECT m.*, s.name AS structure_name FROM member_messages m \
     JOIN structures s ON s.id = m.structure_id WHERE m.published_at IS NOT NULL";

/// One published news item: (message, structure id, structure name).
pub async fn published(db: &Db, id: &str) -> Result<Option<(Message, String, String)>, DbError> {
    let row = sqlx::query(&format!("{NEWS} AND m.id = $1"))
        .bind(id)
        .fetch_optional(db.read())
        .await?;
    row.as_ref().map(news_item).transpose()
}

fn news_item(r: &crate::db::AnyRow) -> Result<(Message, String, String), DbError> {
    Ok((
        from_row(r)?,
        text(r, "structure_id")?,
        text(r, "structure_name")?,
    ))
}

/// Published news, newest first: of every structure, or of one (news are public, the
/// scope narrows them).
pub async fn news(
    db: &Db,
    scope: Scope<'_>,
    limit: i64,
) -> Result<Vec<(Message, String, String)>, DbError> {
    let sql = format!(
        "{NEWS}{} ORDER BY m.published_at DESC, m.id DESC LIMIT $1",
        scope.condition("m.structure_id", 2)
    );
    let rows = scope
        .bind(sqlx::query(&sql).bind(limit))
        .fetch_all(db.read())
        .await?;
    rows.iter().map(news_item).collect()
}

/// Before a person is erased: the e-mails and SMS that messages sent them lose their
/// address and text (the send logs keep that a message went, not to whom); one still
/// waiting is not sent. Their delivery rows go with the person (foreign key).
pub async fn forget_person(
    tx: &mut Tx,
    structure_id: &StructureId,
    person_id: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE emails SET to_addr = '', subject = '', body_text = '', body_html = '', list_unsubscribe = '', \
         status = CASE WHEN status IN ($3, $4) THEN $5 ELSE status END \
         WHERE id IN (SELECT email_id FROM message_deliveries WHERE person_id = $1 AND structure_id = $2)",
    )
    .bind(person_id)
    .bind(structure_id)
    .bind(EmailStatus::Queued.code())
    .bind(EmailStatus::Sending.code())
    .bind(EmailStatus::Failed.code())
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE sms_messages SET to_phone = '', body = '', \
         status = CASE WHEN status = $3 THEN $4 ELSE status END \
         WHERE id IN (SELECT sms_id FROM message_deliveries WHERE person_id = $1 AND structure_id = $2)",
    )
    .bind(person_id)
    .bind(structure_id)
    .bind(SmsStatus::Queued.code())
    .bind(SmsStatus::Failed.code())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
