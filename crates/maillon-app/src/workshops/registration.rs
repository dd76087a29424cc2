//! Registering for a session, its waiting list, and cancelling.
//!
//! No session is ever overbooked: seats are taken by one guarded statement,
//! `UPDATE … SET seats_taken = seats_taken + n WHERE … AND seats_taken + n <= capacity`,
//! inside the registration's write transaction. On SQLite writers run one at a time; on
//! PostgreSQL the row lock makes concurrent updates wait and re-check the condition. Who
//! does not fit goes on the waiting list, in the order they asked; a freed seat goes to
//! the first people waiting whose seats fit, who are told by e-mail.

use super::cycles;
use super::notify::{About, Notice};
use crate::accounts::tokens;
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};
use crate::tenancy::StructureId;
use crate::validate;
use crate::web::forms::{FieldErrors, FormData};

crate::code_enum! {
    /// How a registration came: the public form, or the team (desk, phone).
    pub enum Source("origine d'inscription") {
        Public = "public", "En ligne";
        Staff = "staff", "Accueil ou téléphone";
    }
}

crate::code_enum! {
    /// Where a registration stands. An unknown stored code is an error (it used to
    /// display as "Annulée").
    pub enum Status("statut d'inscription") {
        Confirmed = "confirmee", "Confirmée";
        Waiting = "attente", "Liste d'attente";
        /// A freed seat held for someone of the waiting list until they confirm it (or
        /// the delay of their structure passes).
        Offered = "proposee", "Place proposée, à confirmer";
        Cancelled = "annulee", "Annulée";
    }
}

/// The most seats one registration holds (a parent with children).
pub const MAX_SEATS: i64 = 6;

#[derive(Clone, Debug, Default)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub seats: i64,
    pub seats_text: String,
    pub needs: String,
}

/// Checks what a person typed. `online`: someone signing up alone must leave a phone or an
/// e-mail; at the desk, staff may register someone who has neither.
pub fn contact_from_form(form: &FormData, online: bool) -> Result<Contact, (Contact, FieldErrors)> {
    let mut errors = FieldErrors::default();
    let mut c = Contact {
        name: form.get("name"),
        phone: form.get("phone"),
        email: form.get("email"),
        seats: 1,
        seats_text: form.get("seats"),
        needs: form.get("needs"),
    };
    if c.name.is_empty() {
        errors.add("name", "Indiquez votre nom.");
    } else if c.name.chars().count() > 120 {
        errors.add("name", "Le nom fait 120 caractères au plus.");
    } else if online && validate::looks_like_link(&c.name) {
        // What the public types as a name is repeated in the messages the centre sends.
        errors.add(
            "name",
            "Écrivez seulement votre nom, sans adresse de site ni e-mail.",
        );
    }
    if !c.phone.is_empty() {
        match validate::phone(&c.phone) {
            Ok(p) => c.phone = p,
            Err(e) => errors.add("phone", e),
        }
    }
    if !c.email.is_empty() {
        match validate::email(&c.email) {
            Ok(e) => c.email = e,
            Err(e) => errors.add("email", e),
        }
    }
    if online
        && c.phone.is_empty()
        && c.email.is_empty()
        && errors.get("phone").is_none()
        && errors.get("email").is_none()
    {
        errors.add(
            "phone",
            "Indiquez un téléphone ou une adresse e-mail, pour vous prévenir si l'atelier change.",
        );
    }
    match c.seats_text.trim() {
        "" => c.seats = 1,
        t => match t.parse::<i64>() {
            Ok(n) if (1..=MAX_SEATS).contains(&n) => c.seats = n,
            _ => errors.add(
                "seats",
                format!("Indiquez un nombre de places de 1 à {MAX_SEATS}."),
            ),
        },
    }
    if c.needs.chars().count() > 500 {
        errors.add("needs", "Les besoins font 500 caractères au plus.");
    }
    if errors.is_empty() {
        Ok(c)
    } else {
        Err((c, errors))
    }
}

#[derive(Clone, Debug)]
pub struct Registration {
    pub id: String,
    pub session_id: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub seats: i64,
    pub needs: String,
    pub status: Status,
    pub source: Source,
    pub asked_at: i64,
    pub present: bool,
    pub reminders: bool,
    pub offer_expires_at: Option<i64>,
    /// For a cycle, shared by the person's rows (one per session); empty otherwise.
    pub cycle_id: String,
}

impl Registration {
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }

    pub fn is_offered(&self) -> bool {
        self.status == Status::Offered
    }

    pub fn is_cancelled(&self) -> bool {
        self.status == Status::Cancelled
    }

    pub fn phone_display(&self) -> String {
        validate::phone_display(&self.phone)
    }
}

const COLUMNS: &str =
    "id, session_id, name, phone, email, seats, needs, status, source, asked_at, present, reminders, offer_expires_at, cycle_id";

fn from_row(r: &AnyRow) -> Result<Registration, DbError> {
    Ok(Registration {
        id: text(r, "id")?,
        session_id: text(r, "session_id")?,
        name: text(r, "name")?,
        phone: text(r, "phone")?,
        email: text(r, "email")?,
        seats: db::int(r, "seats")?,
        needs: text(r, "needs")?,
        status: Status::parse(&text(r, "status")?)?,
        source: Source::parse(&text(r, "source")?)?,
        asked_at: db::int(r, "asked_at")?,
        present: db::flag(r, "present")?,
        reminders: db::flag(r, "reminders")?,
        offer_expires_at: db::opt_int(r, "offer_expires_at")?,
        cycle_id: text(r, "cycle_id")?,
    })
}

/// What became of a request.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Registered (confirmed or waiting); the personal link's secret.
    Registered { status: Status, token: String },
    /// The same phone or e-mail already holds a registration for this session.
    AlreadyRegistered,
    /// A cycle with no session left to come.
    Closed,
    /// Full, and its waiting list too (public sign-ups only).
    WaitingListFull,
}

/// Registers `c` for the session of `structure_id` (for a cycle: for all its sessions
/// to come), from the public form or by the team.
pub async fn register(
    db: &Db,
    public_url: &str,
    structure_id: &StructureId,
    session_id: &str,
    c: &Contact,
    source: Source,
) -> Result<Outcome, DbError> {
    let mut tx = db.begin_write().await?;
    let held = cycles::held(&mut tx, session_id).await?;
    let Some(first) = held.sessions.first().cloned() else {
        return Ok(Outcome::Closed);
    };
    if already_registered(&mut tx, &held.sessions, c).await? {
        return Ok(Outcome::AlreadyRegistered);
    }
    let status = if cycles::take_all(&mut tx, &held.sessions, c.seats).await? {
        Status::Confirmed
    } else {
        Status::Waiting
    };
    // A waiting list without end would let anyone queue messages to chosen numbers: the
    // public form stops at its cap (staff may still add someone at the desk).
    if status == Status::Waiting
        && source == Source::Public
        && waiting_list_full(&mut tx, &first).await?
    {
        return Ok(Outcome::WaitingListFull);
    }
    let token = tokens::new_token();
    let t = now();
    let lead = db::new_id();
    for (i, session) in held.sessions.iter().enumerate() {
        // The first row holds the personal link; a cycle's other rows hold the hash of a
        // secret nobody has, and point to the first.
        let (id, secret) = if i == 0 {
            (lead.clone(), token.clone())
        } else {
            (db::new_id(), tokens::new_token())
        };
        sqlx::query(
            "INSERT INTO registrations (id, session_id, name, phone, email, seats, needs, status, source, asked_at, \
             structure_id, token_hash, cycle_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $10, $10)",
        )
        .bind(id)
        .bind(session.clone())
        .bind(c.name.clone())
        .bind(c.phone.clone())
        .bind(c.email.clone())
        .bind(c.seats)
        .bind(c.needs.clone())
        .bind(status.code())
        .bind(source.code())
        .bind(t)
        .bind(structure_id)
        .bind(tokens::hash(&secret))
        .bind(held.cycle.then(|| lead.clone()))
        .execute(&mut *tx)
        .await?;
    }
    let about = About::load(&mut tx, &first).await?;
    let link = format!("{public_url}/inscription/{token}");
    let (what, short) = if status == Status::Confirmed {
        ("Votre inscription est confirmée.", "inscription confirmée")
    } else {
        (
            "L'atelier est complet : vous êtes sur la liste d'attente. Nous vous préviendrons si une place se libère.",
            "complet, vous êtes sur liste d'attente",
        )
    };
    let (dates, sms_when) = if held.cycle {
        (
            format!(
                "Cycle de {} séances, à toutes les dates :\n{}",
                held.sessions.len(),
                cycles::dates_text(&mut tx, &held.sessions).await?
            ),
            format!(
                "({} séances dès {})",
                held.sessions.len(),
                about.when_short()
            ),
        )
    } else {
        (
            format!("{}{}", about.when_long(), at_place(&about.place_name)),
            about.when_short(),
        )
    };
    let notice = Notice {
        subject: format!("Votre inscription : {}", about.title),
        email: format!(
            "{}\n\n{what}\n\nAtelier « {} », {dates}.\n\nPour la consulter ou l'annuler : {link}\n",
            crate::validate::greeting(&c.name),
            about.title,
        ),
        sms: format!(
            "{} : {short} pour « {} » {sms_when}. Voir ou annuler : {link}",
            about.structure_name, about.title,
        ),
        purpose: crate::sms::SmsPurpose::Registration,
    };
    about.tell(&mut tx, &c.email, &c.phone, &notice).await?;
    tx.commit().await?;
    Ok(Outcome::Registered { status, token })
}

/// The fewest people a waiting list takes from the public form; a larger session takes as
/// many as its seats.
pub const MIN_WAITING_LIST: i64 = 10;

/// Whether the session's waiting list holds as many registrations as the public may add.
async fn waiting_list_full(tx: &mut Tx, session_id: &str) -> Result<bool, DbError> {
    let row = sqlx::query(
        "SELECT s.capacity, (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = $2) AS waiting \
         FROM workshop_sessions s WHERE s.id = $1",
    )
    .bind(session_id)
    .bind(Status::Waiting.code())
    .fetch_one(&mut **tx)
    .await?;
    Ok(db::int(&row, "waiting")? >= db::int(&row, "capacity")?.max(MIN_WAITING_LIST))
}

/// Whether the same phone or e-mail already holds a registration at one of `sessions`.
async fn already_registered(
    tx: &mut Tx,
    sessions: &[String],
    c: &Contact,
) -> Result<bool, DbError> {
    if c.phone.is_empty() && c.email.is_empty() {
        return Ok(false);
    }
    for session_id in sessions {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM registrations WHERE session_id = $1 AND status <> $4 \
             AND (($2 <> '' AND phone = $2) OR ($3 <> '' AND email = $3))",
        )
        .bind(session_id.clone())
        .bind(c.phone.clone())
        .bind(c.email.clone())
        .bind(Status::Cancelled.code())
        .fetch_one(&mut **tx)
        .await?;
        if n > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The registration a personal link opens.
pub async fn by_token(db: &Db, token: &str) -> Result<Option<Registration>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM registrations WHERE token_hash = $1"
    ))
    .bind(tokens::hash(token))
    .fetch_optional(db.read())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Position on the waiting list (1 for the first), 0 when not waiting.
pub async fn position(db: &Db, r: &Registration) -> Result<i64, DbError> {
    if r.status != Status::Waiting {
        return Ok(0);
    }
    let ahead: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM registrations WHERE session_id = $1 AND status = $4 \
         AND (asked_at < $2 OR (asked_at = $2 AND id < $3))",
    )
    .bind(r.session_id.clone())
    .bind(r.asked_at)
    .bind(r.id.clone())
    .bind(Status::Waiting.code())
    .fetch_one(db.read())
    .await?;
    Ok(ahead + 1)
}

pub async fn of_session(
    db: &Db,
    structure_id: &StructureId,
    session_id: &str,
) -> Result<Vec<Registration>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM registrations WHERE session_id = $1 AND structure_id = $2 ORDER BY asked_at, id"
    ))
    .bind(session_id)
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Why a cancellation did nothing.
#[derive(Debug, PartialEq)]
pub enum NotCancelled {
    Unknown,
    AlreadyCancelled,
}

/// Cancels the registration chosen by `condition` ("token_hash = $1" or "id = $1 AND
/// structure_id = $2"), and for a cycle the person's sessions still to come; frees the
/// seats and gives them to the people waiting.
pub async fn cancel(
    db: &Db,
    public_url: &str,
    condition: &str,
    binds: &[&str],
) -> Result<Result<Registration, NotCancelled>, DbError> {
    let mut tx = db.begin_write().await?;
    let sql = format!("SELECT {COLUMNS} FROM registrations WHERE {condition}");
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b.to_string());
    }
    let Some(r) = q
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?
    else {
        return Ok(Err(NotCancelled::Unknown));
    };
    let rows = if r.cycle_id.is_empty() {
        vec![r.clone()]
    } else {
        let today = cycles::held(&mut tx, &r.session_id).await?.today;
        cycle_rows(&mut tx, &r.cycle_id, &today).await?
    };
    let mut cancelled = 0;
    for row in &rows {
        // Guarded too: two cancellations at once free the seats once.
        let done = sqlx::query(
            "UPDATE registrations SET status = $3, offer_expires_at = NULL, updated_at = $2 \
             WHERE id = $1 AND status <> $3",
        )
        .bind(row.id.clone())
        .bind(now())
        .bind(Status::Cancelled.code())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            continue;
        }
        cancelled += 1;
        if row.status == Status::Confirmed || row.status == Status::Offered {
            cycles::release(&mut tx, std::slice::from_ref(&row.session_id), row.seats).await?;
        }
    }
    if cancelled == 0 {
        return Ok(Err(NotCancelled::AlreadyCancelled));
    }
    if let Some(row) = rows.first() {
        super::waiting::promote(&mut tx, public_url, &row.session_id).await?;
    }
    tx.commit().await?;
    Ok(Ok(r))
}

/// The rows of a cycle registration at sessions from `from` on (not cancelled by the
/// centre), in date order.
pub(super) async fn cycle_rows(
    tx: &mut Tx,
    cycle_id: &str,
    from: &str,
) -> Result<Vec<Registration>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM registrations r JOIN workshop_sessions s ON s.id = r.session_id \
         WHERE r.cycle_id = $1 AND s.date >= $2 AND s.cancelled_at IS NULL ORDER BY s.date, s.start_time, s.id",
        qualified()
    ))
    .bind(cycle_id)
    .bind(from)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The columns of a registration, read from `registrations r` in a join.
pub(super) fn qualified() -> String {
    COLUMNS
        .split(", ")
        .map(|c| format!("r.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn row(r: &AnyRow) -> Result<Registration, DbError> {
    from_row(r)
}

/// Every row of a cycle registration, past ones included (its personal page).
pub async fn whole_cycle(db: &Db, cycle_id: &str) -> Result<Vec<Registration>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM registrations r JOIN workshop_sessions s ON s.id = r.session_id \
         WHERE r.cycle_id = $1 ORDER BY s.date, s.start_time, s.id",
        qualified()
    ))
    .bind(cycle_id)
    .fetch_all(db.read())
    .await?;
    rows.iter().map(from_row).collect()
}

/// ", Médiathèque" when the place is known.
pub(super) fn at_place(place: &str) -> String {
    if place.is_empty() {
        String::new()
    } else {
        format!(", {place}")
    }
}

/// The person behind a personal link asks for no more reminders (for a cycle, at every
/// session); false for an unknown link.
pub async fn stop_reminders(db: &Db, token: &str) -> Result<bool, DbError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE registrations SET reminders = 0, updated_at = $2 WHERE token_hash = $1 \
         OR cycle_id IN (SELECT id FROM registrations WHERE token_hash = $1)",
    )
    .bind(tokens::hash(token))
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() >= 1)
}
