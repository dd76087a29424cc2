//! Queries on workshops and sessions. Staff queries are scoped by the structure; the
//! public ones read only what a programme shows (no registrant).

use super::model::{Session, Workshop};
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};
use crate::tenancy::Scope;
use crate::tenancy::StructureId;

pub async fn insert_workshop(
    tx: &mut Tx,
    structure_id: &StructureId,
    w: &Workshop,
) -> Result<String, DbError> {
    let id = db::new_id();
    let t = now();
    sqlx::query(
        "INSERT INTO workshops (id, structure_id, title, description, level, material, price_kind, price_cents, \
         price_condition, accessibility, cycle, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12, $11, $11)",
    )
    .bind(id.clone())
    .bind(structure_id)
    .bind(w.title.clone())
    .bind(w.description.clone())
    .bind(w.level.clone())
    .bind(w.material.clone())
    .bind(w.price_kind.code())
    .bind(w.price_cents)
    .bind(w.price_condition.clone())
    .bind(w.accessibility.clone())
    .bind(t)
    .bind(i64::from(w.cycle))
    .execute(&mut **tx)
    .await?;
    write_tags(tx, &id, w).await?;
    Ok(id)
}

/// Replaces a workshop's description, themes and publics; false if not the structure's.
pub async fn update_workshop(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    w: &Workshop,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE workshops SET title = $3, description = $4, level = $5, material = $6, price_kind = $7, \
         price_cents = $8, price_condition = $9, accessibility = $10, updated_at = $11, cycle = $12 WHERE id = $1 AND structure_id = $2",
    )
    .bind(id)
    .bind(structure_id)
    .bind(w.title.clone())
    .bind(w.description.clone())
    .bind(w.level.clone())
    .bind(w.material.clone())
    .bind(w.price_kind.code())
    .bind(w.price_cents)
    .bind(w.price_condition.clone())
    .bind(w.accessibility.clone())
    .bind(now())
    .bind(i64::from(w.cycle))
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM workshop_tags WHERE workshop_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    write_tags(tx, id, w).await?;
    Ok(true)
}

async fn write_tags(tx: &mut Tx, id: &str, w: &Workshop) -> Result<(), DbError> {
    for (kind, codes) in [("theme", &w.themes), ("public", &w.publics)] {
        for code in codes {
            sqlx::query("INSERT INTO workshop_tags (workshop_id, kind, code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(kind)
                .bind(code.clone())
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Changes a session of the structure; false when its capacity would fall below the seats
/// already taken (guarded in the statement, like sign-ups).
pub async fn update_session(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    s: &Session,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE workshop_sessions SET date = $3, start_time = $4, end_time = $5, place_id = $6, capacity = $7, animator = $8 \
         WHERE id = $1 AND structure_id = $2 AND seats_taken <= $7",
    )
    .bind(id)
    .bind(structure_id)
    .bind(s.date.clone())
    .bind(s.start_time.clone())
    .bind(s.end_time.clone())
    .bind(Some(s.place_id.clone()).filter(|p| !p.is_empty()))
    .bind(s.capacity)
    .bind(s.animator.clone())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_session(
    tx: &mut Tx,
    structure_id: &StructureId,
    workshop_id: &str,
    s: &Session,
) -> Result<String, DbError> {
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO workshop_sessions (id, workshop_id, structure_id, date, start_time, end_time, place_id, capacity, \
         animator, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id.clone())
    .bind(workshop_id)
    .bind(structure_id)
    .bind(s.date.clone())
    .bind(s.start_time.clone())
    .bind(s.end_time.clone())
    .bind(Some(s.place_id.clone()).filter(|p| !p.is_empty()))
    .bind(s.capacity)
    .bind(s.animator.clone())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

const WORKSHOP_COLUMNS: &str = "id, title, description, level, material, price_kind, price_cents, price_condition, accessibility, cycle";

async fn workshop_of(db: &Db, row: &AnyRow) -> Result<Workshop, DbError> {
    let id = text(row, "id")?;
    let mut w = Workshop {
        id: id.clone(),
        title: text(row, "title")?,
        description: text(row, "description")?,
        level: text(row, "level")?,
        material: text(row, "material")?,
        price_kind: super::model::PriceKind::parse(&text(row, "price_kind")?)?,
        price_cents: db::int(row, "price_cents")?,
        price_condition: text(row, "price_condition")?,
        accessibility: text(row, "accessibility")?,
        cycle: db::flag(row, "cycle")?,
        ..Workshop::default()
    };
    for r in
        sqlx::query("SELECT kind, code FROM workshop_tags WHERE workshop_id = $1 ORDER BY code")
            .bind(id)
            .fetch_all(db.read())
            .await?
    {
        match text(&r, "kind")?.as_str() {
            "theme" => w.themes.push(text(&r, "code")?),
            _ => w.publics.push(text(&r, "code")?),
        }
    }
    Ok(w)
}

/// A workshop of the scope: one structure's, or any structure's for public pages.
pub async fn workshop(db: &Db, scope: Scope<'_>, id: &str) -> Result<Option<Workshop>, DbError> {
    let sql = format!(
        "SELECT {WORKSHOP_COLUMNS} FROM workshops WHERE id = $1{}",
        scope.condition("structure_id", 2)
    );
    let row = scope
        .bind(sqlx::query(&sql).bind(id))
        .fetch_optional(db.read())
        .await?;
    match row {
        Some(r) => Ok(Some(workshop_of(db, &r).await?)),
        None => Ok(None),
    }
}

pub async fn workshops(db: &Db, structure_id: &StructureId) -> Result<Vec<Workshop>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {WORKSHOP_COLUMNS} FROM workshops WHERE structure_id = $1 ORDER BY title"
    ))
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    let mut list = Vec::new();
    for r in &rows {
        list.push(workshop_of(db, r).await?);
    }
    Ok(list)
}

/// Counts the waiting list with the code of `Status::Waiting` (a test keeps them equal: a
/// constant cannot be formatted).
const SESSION_SELECT: &str = "SELECT s.id, s.workshop_id, s.structure_id, s.date, s.start_time, s.end_time, \
    COALESCE(s.place_id, '') AS place_id, s.capacity, s.seats_taken, s.animator, w.title, \
    COALESCE(pl.nom, '') AS place_name, COALESCE(pl.commune, '') AS commune, st.name AS structure_name, \
    (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'attente') AS waiting, \
    COALESCE(s.cancelled_at, 0) AS cancelled_at, s.cancel_reason, w.cycle \
    FROM workshop_sessions s JOIN workshops w ON w.id = s.workshop_id JOIN structures st ON st.id = s.structure_id \
    LEFT JOIN places pl ON pl.id = s.place_id";

fn session_of(r: &AnyRow) -> Result<Session, DbError> {
    Ok(Session {
        id: text(r, "id")?,
        workshop_id: text(r, "workshop_id")?,
        structure_id: db::structure_id(r, "structure_id")?,
        date: text(r, "date")?,
        start_time: text(r, "start_time")?,
        end_time: text(r, "end_time")?,
        place_id: text(r, "place_id")?,
        capacity: db::int(r, "capacity")?,
        seats_taken: db::int(r, "seats_taken")?,
        animator: text(r, "animator")?,
        title: text(r, "title")?,
        place_name: text(r, "place_name")?,
        commune: text(r, "commune")?,
        structure_name: text(r, "structure_name")?,
        waiting: db::int(r, "waiting")?,
        cancelled: db::int(r, "cancelled_at")? > 0,
        cancel_reason: text(r, "cancel_reason")?,
        cycle: db::flag(r, "cycle")?,
    })
}

/// A session of the scope: one structure's, or any structure's for public pages.
pub async fn session(db: &Db, scope: Scope<'_>, id: &str) -> Result<Option<Session>, DbError> {
    let sql = format!(
        "{SESSION_SELECT} WHERE s.id = $1{}",
        scope.condition("s.structure_id", 2)
    );
    let row = scope
        .bind(sqlx::query(&sql).bind(id))
        .fetch_optional(db.read())
        .await?;
    row.as_ref().map(session_of).transpose()
}

pub async fn sessions_of_workshop(db: &Db, workshop_id: &str) -> Result<Vec<Session>, DbError> {
    let rows = sqlx::query(&format!(
        "{SESSION_SELECT} WHERE s.workshop_id = $1 ORDER BY s.date, s.start_time"
    ))
    .bind(workshop_id)
    .fetch_all(db.read())
    .await?;
    rows.iter().map(session_of).collect()
}

/// What the programme can be narrowed to ('' for any). Public sessions of every structure,
/// or of one (`Scope::Structure`, for its staff's list and its feeds).
#[derive(Default)]
pub struct Programme<'a> {
    pub scope: Scope<'a>,
    pub workshop_id: String,
    /// Sessions of one programme (a "Semaine du numérique").
    pub programme_id: String,
    pub from: String,
    pub theme: String,
    pub public: String,
    pub commune: String,
}

/// Sessions from `p.from` on, in date order (at most 200).
pub async fn upcoming(db: &Db, p: &Programme<'_>) -> Result<Vec<Session>, DbError> {
    let scope = p.scope;
    let sql = format!(
        "{SESSION_SELECT} WHERE s.date >= $1 AND s.cancelled_at IS NULL \
         AND ($2 = '' OR EXISTS (SELECT 1 FROM workshop_tags t WHERE t.workshop_id = w.id AND t.kind = 'theme' AND t.code = $2)) \
         AND ($3 = '' OR EXISTS (SELECT 1 FROM workshop_tags t WHERE t.workshop_id = w.id AND t.kind = 'public' AND t.code = $3)) \
         AND ($4 = '' OR pl.commune = $4) AND ($5 = '' OR s.workshop_id = $5) \
         AND ($6 = '' OR EXISTS (SELECT 1 FROM programme_sessions ps WHERE ps.session_id = s.id AND ps.programme_id = $6)) \
         {} ORDER BY s.date, s.start_time LIMIT 200",
        scope.condition("s.structure_id", 7)
    );
    let q = sqlx::query(&sql)
        .bind(p.from.clone())
        .bind(p.theme.clone())
        .bind(p.public.clone())
        .bind(p.commune.clone())
        .bind(p.workshop_id.clone())
        .bind(p.programme_id.clone());
    let rows = scope.bind(q).fetch_all(db.read()).await?;
    rows.iter().map(session_of).collect()
}

/// Whether the session's attendance is closed, and the activity it created.
pub async fn attendance_state(db: &Db, session_id: &str) -> Result<(bool, String), DbError> {
    let row = sqlx::query(
        "SELECT attendance_closed_at, COALESCE(activity_id, '') AS activity_id FROM workshop_sessions WHERE id = $1",
    )
    .bind(session_id)
    .fetch_optional(db.read())
    .await?;
    Ok(match row {
        Some(r) => (
            db::opt_int(&r, "attendance_closed_at")?.is_some(),
            text(&r, "activity_id")?,
        ),
        None => (false, String::new()),
    })
}

/// Communes of the places where sessions are planned from `from` on (the public filter).
pub async fn communes_from(db: &Db, from: &str) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT pl.commune FROM workshop_sessions s JOIN places pl ON pl.id = s.place_id \
         WHERE s.date >= $1 AND pl.commune <> '' ORDER BY pl.commune",
    )
    .bind(from)
    .fetch_all(db.read())
    .await?)
}

/// Closes a session's attendance sheet, once: false when someone closed it first (a second
/// click, a second mediator), so that nothing is recorded twice.
pub async fn claim_attendance(tx: &mut Tx, session_id: &str) -> Result<bool, DbError> {
    let claimed = sqlx::query("UPDATE workshop_sessions SET attendance_closed_at = $2 WHERE id = $1 AND attendance_closed_at IS NULL")
        .bind(session_id)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(claimed.rows_affected() == 1)
}

pub async fn mark_present(tx: &mut Tx, registration_id: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE registrations SET present = 1 WHERE id = $1")
        .bind(registration_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The collective activity a closed session became.
pub async fn set_session_activity(
    tx: &mut Tx,
    session_id: &str,
    activity_id: &str,
) -> Result<(), DbError> {
    sqlx::query("UPDATE workshop_sessions SET activity_id = $2 WHERE id = $1")
        .bind(session_id)
        .bind(activity_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Calls a session off (its seats freed); false when it was already.
pub async fn cancel_session(tx: &mut Tx, session_id: &str, reason: &str) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE workshop_sessions SET cancelled_at = $2, cancel_reason = $3, seats_taken = 0 \
         WHERE id = $1 AND cancelled_at IS NULL",
    )
    .bind(session_id)
    .bind(now())
    .bind(reason)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Someone to tell that what they signed up for is off.
pub struct ToTell {
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// Cancels every registration of a session that is not already, and says whom to tell.
pub async fn cancel_registrations(tx: &mut Tx, session_id: &str) -> Result<Vec<ToTell>, DbError> {
    let cancelled = super::registration::Status::Cancelled.code();
    let people = sqlx::query(
        "SELECT name, phone, email FROM registrations WHERE session_id = $1 AND status <> $2",
    )
    .bind(session_id)
    .bind(cancelled)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| {
        Ok(ToTell {
            name: text(r, "name")?,
            phone: text(r, "phone")?,
            email: text(r, "email")?,
        })
    })
    .collect::<Result<Vec<_>, DbError>>()?;
    sqlx::query("UPDATE registrations SET status = $3, updated_at = $2 WHERE session_id = $1 AND status <> $3")
        .bind(session_id)
        .bind(now())
        .bind(cancelled)
        .execute(&mut **tx)
        .await?;
    Ok(people)
}

/// A workshop's sessions still to come and still open (not cancelled, attendance not closed).
pub async fn open_upcoming_sessions(
    tx: &mut Tx,
    sid: &StructureId,
    workshop_id: &str,
    today: &str,
) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM workshop_sessions WHERE workshop_id = $1 AND structure_id = $2 \
         AND date >= $3 AND cancelled_at IS NULL AND attendance_closed_at IS NULL",
    )
    .bind(workshop_id)
    .bind(sid)
    .bind(today)
    .fetch_all(&mut **tx)
    .await?)
}

/// Deletes a workshop with its sessions (activities recorded from them stay).
pub async fn delete_workshop(
    tx: &mut Tx,
    sid: &StructureId,
    workshop_id: &str,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM workshops WHERE id = $1 AND structure_id = $2")
        .bind(workshop_id)
        .bind(sid)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::registration::Status;

    #[test]
    fn the_session_query_counts_the_waiting_list_by_its_code() {
        let waiting = format!("r.status = '{}'", Status::Waiting.code());
        assert!(super::SESSION_SELECT.contains(&waiting));
    }
}
