//! Telling registrants: by e-mail when they gave one, and by SMS when they gave a mobile
//! number and their structure sends SMS. Both are queued in the caller's transaction, so
//! a message exists exactly when what it tells happened.

use crate::db::{text, DbError, Tx};
use crate::tenancy::StructureId;

/// One thing to tell, written for each channel.
pub struct Notice {
    pub subject: String,
    pub email: String,
    /// Short: it is cut to two SMS parts.
    pub sms: String,
    /// For the SMS log: inscription, rappel, place, annulation.
    pub purpose: crate::sms::SmsPurpose,
}

/// What messages about a session say, and whether its structure sends SMS.
pub struct About {
    pub structure_id: StructureId,
    pub structure_name: String,
    pub structure_phone: String,
    pub sms_enabled: bool,
    /// Hours to confirm a freed seat (0: given at once).
    pub offer_hours: i64,
    pub timezone: String,
    pub title: String,
    pub date: String,
    pub start_time: String,
    pub place_name: String,
}

impl About {
    pub async fn load(tx: &mut Tx, session_id: &str) -> Result<About, DbError> {
        let r = sqlx::query(
            "SELECT s.structure_id, st.name, st.phone, st.sms_enabled, st.offer_hours, st.timezone, w.title, s.date, s.start_time, \
             COALESCE(pl.nom, '') AS place_name \
             FROM workshop_sessions s JOIN workshops w ON w.id = s.workshop_id \
             JOIN structures st ON st.id = s.structure_id LEFT JOIN places pl ON pl.id = s.place_id \
             WHERE s.id = $1",
        )
        .bind(session_id)
        .fetch_one(&mut **tx)
        .await?;
        Ok(About {
            structure_id: crate::db::structure_id(&r, "structure_id")?,
            structure_name: text(&r, "name")?,
            structure_phone: text(&r, "phone")?,
            sms_enabled: crate::db::flag(&r, "sms_enabled")?,
            offer_hours: crate::db::int(&r, "offer_hours")?,
            timezone: text(&r, "timezone")?,
            title: text(&r, "title")?,
            date: text(&r, "date")?,
            start_time: text(&r, "start_time")?,
            place_name: text(&r, "place_name")?,
        })
    }

    /// When the session starts, in seconds (its structure's time zone).
    pub fn starts_at(&self) -> Option<i64> {
        let zone = jiff::tz::TimeZone::get(&self.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
        jiff::civil::DateTime::strptime(
            "%Y-%m-%d %H:%M",
            format!("{} {}", self.date, self.start_time),
        )
        .ok()?
        .to_zoned(zone)
        .ok()
        .map(|z| z.timestamp().as_second())
    }

    /// An instant as "24/11 à 14h00" in the structure's time zone.
    pub fn local(&self, seconds: i64) -> String {
        let zone = jiff::tz::TimeZone::get(&self.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
        jiff::Timestamp::from_second(seconds)
            .map(|t| t.to_zoned(zone).strftime("%d/%m à %Hh%M").to_string())
            .unwrap_or_default()
    }

    /// Queues `notice` to a person of this session, on the channels they can receive.
    pub async fn tell(
        &self,
        tx: &mut Tx,
        email: &str,
        phone: &str,
        notice: &Notice,
    ) -> Result<(), DbError> {
        tell(
            tx,
            (&self.structure_id, self.sms_enabled),
            email,
            phone,
            notice,
        )
        .await
    }

    /// "mar. 24/11 à 14h00", for SMS.
    pub fn when_short(&self) -> String {
        when_short(&self.date, &self.start_time)
    }

    /// "mardi 24 novembre 2026 à 14 h 00", for e-mails.
    pub fn when_long(&self) -> String {
        format!(
            "{} à {}",
            super::model::date_long(&self.date),
            self.start_time.replacen(':', " h ", 1)
        )
    }
}

pub fn when_short(date: &str, start_time: &str) -> String {
    const DAYS: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
    match jiff::civil::Date::strptime("%Y-%m-%d", date) {
        Ok(d) => format!(
            "{} {:02}/{:02} à {}",
            DAYS[d.weekday().to_monday_zero_offset() as usize],
            d.day(),
            d.month(),
            start_time.replacen(':', "h", 1)
        ),
        Err(_) => format!("{date} {start_time}"),
    }
}

/// Queues `notice` to whoever can receive it.
pub async fn tell(
    tx: &mut Tx,
    about_structure: (&StructureId, bool),
    email: &str,
    phone: &str,
    notice: &Notice,
) -> Result<(), DbError> {
    let (structure_id, sms_enabled) = about_structure;
    if !email.is_empty() {
        crate::mail::queue_for(tx, structure_id, email, &notice.subject, &notice.email).await?;
    }
    if sms_enabled && crate::sms::is_mobile(phone) {
        crate::sms::queue(tx, structure_id, phone, &notice.sms, notice.purpose).await?;
    }
    Ok(())
}
