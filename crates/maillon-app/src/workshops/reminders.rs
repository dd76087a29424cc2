//! Reminders by e-mail and SMS (when the structure sends SMS), by default two days before a session and on its morning (each
//! structure chooses, `structures.reminder_days` and `reminder_morning`), never at night
//! (22:00–08:00 in the structure's time zone): a job plans them every five minutes and
//! queues the e-mails and SMS, whose logs keep each send and its outcome. A reminder is
//! sent once (`reminders_sent`), only to confirmed registrations that did not opt out,
//! and not to someone who signed up after it was due (they need no reminding).

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::db::{self, now, text, Db, DbError};

/// Quiet hours: nothing is sent from 22:00 to 08:00.
const DAY_STARTS: i8 = 8;
const NIGHT_STARTS: i8 = 22;

/// When a structure sends reminders: that many days before (0: none), and on the morning.
#[derive(Clone, Copy)]
pub struct Settings {
    pub days_before: i64,
    pub morning: bool,
}

pub const DEFAULT: Settings = Settings {
    days_before: 2,
    morning: true,
};

/// The reminder due at `now` for a session starting at `start` (both local), given when
/// the person signed up and the structure's settings.
pub fn due(
    now: DateTime,
    start: DateTime,
    signed_up: DateTime,
    settings: Settings,
) -> Option<&'static str> {
    if now >= start || now.hour() < DAY_STARTS || now.hour() >= NIGHT_STARTS {
        return None;
    }
    let morning = start
        .date()
        .to_datetime(jiff::civil::time(DAY_STARTS, 0, 0, 0));
    if now.date() == start.date() {
        return (settings.morning && signed_up < morning).then_some("matin");
    }
    if settings.days_before == 0 {
        return None;
    }
    let before = start
        .checked_sub(jiff::Span::new().hours(24 * settings.days_before))
        .ok()?;
    (now >= before && signed_up < before).then_some("avant")
}

/// Plans and queues the reminders due now; returns how many were queued.
pub async fn plan(db: &Db, public_url: &str) -> Result<usize, DbError> {
    plan_at(db, public_url, jiff::Timestamp::now()).await
}

/// The same at a given instant (for tests and benchmarks).
pub async fn plan_at(db: &Db, public_url: &str, at: jiff::Timestamp) -> Result<usize, DbError> {
    let today = at.strftime("%Y-%m-%d").to_string();
    // A week ahead at most (the longest setting), and yesterday for other time zones.
    let (from, to) = (shift(&today, -1), shift(&today, 8));
    let rows = sqlx::query(
        "SELECT r.id, r.name, r.email, r.phone, r.created_at, s.date, s.start_time, s.end_time, w.title, st.timezone, \
         st.id AS structure_id, st.name AS structure_name, st.phone AS structure_phone, st.sms_enabled, \
         st.reminder_days, st.reminder_morning, \
         COALESCE(pl.nom, '') AS place_name \
         FROM registrations r JOIN workshop_sessions s ON s.id = r.session_id JOIN workshops w ON w.id = s.workshop_id \
         JOIN structures st ON st.id = s.structure_id LEFT JOIN places pl ON pl.id = s.place_id \
         WHERE r.status = $3 AND r.reminders = 1 AND (r.email <> '' OR (st.sms_enabled = 1 AND r.phone <> '')) \
         AND s.date >= $1 AND s.date <= $2 AND s.cancelled_at IS NULL",
    )
    .bind(from)
    .bind(to)
    .bind(super::registration::Status::Confirmed.code())
    .fetch_all(db.read())
    .await?;
    let mut queued = 0;
    let mut tx = db.begin_write().await?;
    for r in &rows {
        let zone = TimeZone::get(&text(r, "timezone")?).unwrap_or(TimeZone::UTC);
        let local_now = at.to_zoned(zone.clone()).datetime();
        let signed_up = jiff::Timestamp::from_second(db::int(r, "created_at")?)
            .map(|t| t.to_zoned(zone).datetime())
            .unwrap_or(local_now);
        let Ok(start) = DateTime::strptime(
            "%Y-%m-%d %H:%M",
            format!("{} {}", text(r, "date")?, text(r, "start_time")?),
        ) else {
            continue;
        };
        let settings = Settings {
            days_before: db::int(r, "reminder_days")?,
            morning: db::flag(r, "reminder_morning")?,
        };
        let Some(kind) = due(local_now, start, signed_up, settings) else {
            continue;
        };
        let claimed = sqlx::query(
            "INSERT INTO reminders_sent (registration_id, kind, sent_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(text(r, "id")?)
        .bind(kind)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        let when = super::model::date_long(&text(r, "date")?);
        let day = if kind == "matin" {
            "aujourd'hui"
        } else {
            "bientôt"
        };
        let place = [text(r, "place_name")?, text(r, "structure_name")?]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let body = format!(
            "{}\n\nNous vous attendons {day} à l'atelier « {} » : {when}, de {} à {}, {place}.\n\n\
             Si vous ne pouvez pas venir, annulez avec le lien reçu lors de votre inscription : la place ira à une \
             personne de la liste d'attente.\n\nLes ateliers à venir : {public_url}/ateliers\n",
            crate::validate::greeting(&text(r, "name")?),
            text(r, "title")?,
            text(r, "start_time")?,
            text(r, "end_time")?,
        );
        let call = match text(r, "structure_phone")? {
            p if p.is_empty() => String::new(),
            p => format!(" Prévenez au {} ou", crate::validate::phone_display(&p)),
        };
        let sms_when = if kind == "matin" {
            format!(
                "aujourd'hui à {}",
                text(r, "start_time")?.replacen(':', "h", 1)
            )
        } else {
            super::notify::when_short(&text(r, "date")?, &text(r, "start_time")?)
        };
        let notice = super::notify::Notice {
            subject: format!("Rappel : {} — {when}", text(r, "title")?),
            email: body,
            sms: format!(
                "Rappel {} : atelier « {} » {sms_when}, {place}. Empêché(e) ?{call} annulez avec le lien reçu à l'inscription.",
                text(r, "structure_name")?,
                text(r, "title")?,
            ),
            purpose: crate::sms::SmsPurpose::Reminder,
        };
        let (structure_id, sms) = (
            db::structure_id(r, "structure_id")?,
            db::flag(r, "sms_enabled")?,
        );
        super::notify::tell(
            &mut tx,
            (&structure_id, sms),
            &text(r, "email")?,
            &text(r, "phone")?,
            &notice,
        )
        .await?;
        queued += 1;
    }
    tx.commit().await?;
    Ok(queued)
}

fn shift(date: &str, days: i64) -> String {
    jiff::civil::Date::strptime("%Y-%m-%d", date)
        .ok()
        .and_then(|d| d.checked_add(jiff::Span::new().days(days)).ok())
        .map(|d| d.to_string())
        .unwrap_or_else(|| date.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime {
        DateTime::strptime("%Y-%m-%d %H:%M", s).unwrap()
    }

    fn d(now: DateTime, start: DateTime, signed_up: DateTime) -> Option<&'static str> {
        due(now, start, signed_up, DEFAULT)
    }

    #[test]
    fn reminders_come_two_days_before_and_that_morning_never_at_night() {
        let start = at("2026-12-10 14:00");
        let early = at("2026-12-01 10:00");
        assert_eq!(d(at("2026-12-07 10:00"), start, early), None, "too early");
        assert_eq!(d(at("2026-12-08 14:00"), start, early), Some("avant"));
        assert_eq!(
            d(at("2026-12-08 23:00"), start, early),
            None,
            "not at night"
        );
        assert_eq!(
            d(at("2026-12-10 07:30"), start, early),
            None,
            "not before 8"
        );
        assert_eq!(d(at("2026-12-10 08:05"), start, early), Some("matin"));
        assert_eq!(d(at("2026-12-10 14:30"), start, early), None, "too late");
        // Signed up the day before: no two-day reminder, but the morning one.
        let late = at("2026-12-09 18:00");
        assert_eq!(d(at("2026-12-09 19:00"), start, late), None);
        assert_eq!(d(at("2026-12-10 09:00"), start, late), Some("matin"));
        // Signed up that morning: nothing to remind.
        assert_eq!(
            d(at("2026-12-10 10:00"), start, at("2026-12-10 09:00")),
            None
        );
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    #[test]
    fn each_structure_chooses_its_reminders() {
        let at = |s: &str| DateTime::strptime("%Y-%m-%d %H:%M", s).unwrap();
        let (start, early) = (at("2026-12-10 14:00"), at("2026-12-01 10:00"));
        let week = Settings {
            days_before: 7,
            morning: false,
        };
        assert_eq!(
            due(at("2026-12-03 15:00"), start, early, week),
            Some("avant")
        );
        assert_eq!(due(at("2026-12-10 09:00"), start, early, week), None);
        let none = Settings {
            days_before: 0,
            morning: false,
        };
        assert_eq!(due(at("2026-12-09 15:00"), start, early, none), None);
    }
}
