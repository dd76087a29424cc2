//! Cycles: workshops where people register once for all the sessions ("six Tuesdays to
//! learn the tablet"). A cycle registration is one row per session sharing `cycle_id`
//! (migration 9), so that seats, reminders and check-in lists stay per session; what
//! this module adds is that the rows move together: seats are taken at every session or
//! none (the person waits for the whole cycle), a freed place goes to the first person
//! waiting whose seats fit at every remaining session, and cancelling cancels what is
//! still to come.

use super::registration::Status;
use crate::db::{self, text, DbError, Tx};

/// What a registration for a session holds: the session alone, or for a cycle every
/// session of the workshop not yet past nor cancelled (in date order).
pub struct Held {
    pub cycle: bool,
    pub workshop_id: String,
    /// The structure's today, for "not yet past".
    pub today: String,
    pub sessions: Vec<String>,
}

/// The workshop of a session, whether it is a cycle, and its structure's today.
async fn context(tx: &mut Tx, session_id: &str) -> Result<(String, bool, String), DbError> {
    let r = sqlx::query(
        "SELECT w.id, w.cycle, st.timezone FROM workshop_sessions s JOIN workshops w ON w.id = s.workshop_id \
         JOIN structures st ON st.id = s.structure_id WHERE s.id = $1",
    )
    .bind(session_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok((
        text(&r, "id")?,
        db::flag(&r, "cycle")?,
        crate::places::routes::today(&text(&r, "timezone")?),
    ))
}

pub async fn held(tx: &mut Tx, session_id: &str) -> Result<Held, DbError> {
    let (workshop_id, cycle, today) = context(tx, session_id).await?;
    let sessions = if cycle {
        sqlx::query_scalar(
            "SELECT id FROM workshop_sessions WHERE workshop_id = $1 AND date >= $2 AND cancelled_at IS NULL \
             ORDER BY date, start_time, id",
        )
        .bind(workshop_id.clone())
        .bind(today.clone())
        .fetch_all(&mut **tx)
        .await?
    } else {
        vec![session_id.to_string()]
    };
    Ok(Held {
        cycle,
        workshop_id,
        today,
        sessions,
    })
}

/// Takes `seats` at every session, or at none: the one guarded statement per session
/// (see registration.rs), undone for those already taken when one is full. Callers pass
/// sessions in date order, so that two transactions lock them in the same order.
pub async fn take_all(tx: &mut Tx, sessions: &[String], seats: i64) -> Result<bool, DbError> {
    for (i, id) in sessions.iter().enumerate() {
        let done = sqlx::query(
            "UPDATE workshop_sessions SET seats_taken = seats_taken + $2 WHERE id = $1 AND seats_taken + $2 <= capacity",
        )
        .bind(id.clone())
        .bind(seats)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            release(tx, &sessions[..i], seats).await?;
            return Ok(false);
        }
    }
    Ok(true)
}

/// Gives back `seats` at each session.
pub async fn release(tx: &mut Tx, sessions: &[String], seats: i64) -> Result<(), DbError> {
    for id in sessions {
        sqlx::query("UPDATE workshop_sessions SET seats_taken = seats_taken - $2 WHERE id = $1")
            .bind(id.clone())
            .bind(seats)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// "- mardi 1 décembre 2026, 14 h 00 – 16 h 00" per session, for e-mails.
pub async fn dates_text(tx: &mut Tx, sessions: &[String]) -> Result<String, DbError> {
    let mut lines = Vec::new();
    for id in sessions {
        let r =
            sqlx::query("SELECT date, start_time, end_time FROM workshop_sessions WHERE id = $1")
                .bind(id.clone())
                .fetch_one(&mut **tx)
                .await?;
        let s = super::model::Session {
            date: text(&r, "date")?,
            start_time: text(&r, "start_time")?,
            end_time: text(&r, "end_time")?,
            ..Default::default()
        };
        lines.push(format!("- {}", s.when()));
    }
    Ok(lines.join("\n"))
}

/// Whether a workshop has registrations (a cycle cannot become a single session then).
pub async fn has_registrations(db: &crate::db::Db, workshop_id: &str) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM registrations r JOIN workshop_sessions s ON s.id = r.session_id \
         WHERE s.workshop_id = $1 AND r.status <> $2",
    )
    .bind(workshop_id)
    .bind(Status::Cancelled.code())
    .fetch_one(db.read())
    .await?;
    Ok(n > 0)
}

/// A session added to a cycle: everyone registered for the cycle is registered for it
/// too, in the same state (confirmed, offered, waiting). Err(seats) when the session
/// cannot seat those already confirmed; the caller then undoes everything.
pub async fn include_new_session(
    tx: &mut Tx,
    workshop_id: &str,
    session_id: &str,
) -> Result<Result<(), i64>, DbError> {
    let (_, cycle, today) = context(tx, session_id).await?;
    if !cycle {
        return Ok(Ok(()));
    }
    // One row per person still in the cycle: their latest session's row.
    let rows = sqlx::query(
        "SELECT r.cycle_id, r.name, r.phone, r.email, r.seats, r.needs, r.status, r.source, r.asked_at, \
         r.structure_id, r.reminders, r.offer_expires_at FROM registrations r \
         JOIN workshop_sessions s ON s.id = r.session_id \
         WHERE s.workshop_id = $1 AND s.id <> $2 AND s.date >= $3 AND s.cancelled_at IS NULL \
         AND r.status <> $4 AND r.cycle_id IS NOT NULL ORDER BY r.cycle_id, s.date DESC",
    )
    .bind(workshop_id)
    .bind(session_id)
    .bind(today)
    .bind(Status::Cancelled.code())
    .fetch_all(&mut **tx)
    .await?;
    let mut seen = std::collections::HashSet::new();
    let mut seated = 0;
    let mut full = false;
    for r in rows {
        let cycle_id = text(&r, "cycle_id")?;
        if !seen.insert(cycle_id.clone()) {
            continue;
        }
        let status = Status::parse(&text(&r, "status")?)?;
        let seats = db::int(&r, "seats")?;
        if status != super::registration::Status::Waiting {
            seated += seats;
            if !take_all(tx, &[session_id.to_string()], seats).await? {
                full = true;
            }
        }
        let t = db::now();
        sqlx::query(
            "INSERT INTO registrations (id, session_id, name, phone, email, seats, needs, status, source, asked_at, \
             structure_id, token_hash, reminders, offer_expires_at, cycle_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
        )
        .bind(db::new_id())
        .bind(session_id)
        .bind(text(&r, "name")?)
        .bind(text(&r, "phone")?)
        .bind(text(&r, "email")?)
        .bind(seats)
        .bind(text(&r, "needs")?)
        .bind(status.code())
        .bind(super::registration::Source::parse(&text(&r, "source")?)?.code())
        .bind(db::int(&r, "asked_at")?)
        .bind(text(&r, "structure_id")?)
        .bind(crate::accounts::tokens::hash(
            &crate::accounts::tokens::new_token(),
        ))
        .bind(db::int(&r, "reminders")?)
        .bind(db::opt_int(&r, "offer_expires_at")?)
        .bind(cycle_id)
        .bind(t)
        .execute(&mut **tx)
        .await?;
    }
    Ok(if full { Err(seated) } else { Ok(()) })
}
