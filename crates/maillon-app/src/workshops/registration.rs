//! Registering for a session, its waiting list, and cancelling.
//!
//! No session is ever overbooked: seats are taken by one guarded statement,
//! `UPDATE … SET seats_taken = seats_taken + n WHERE … AND seats_taken + n <= capacity`,
//! inside the registration's write transaction. On SQLite writers run one at a time; on
//! PostgreSQL the row lock makes concurrent updates wait and re-check the condition. Who
//! does not fit goes on the waiting list, in the order they asked; a freed seat goes to
//! the first people waiting whose seats fit, who are told by e-mail.

use super::notify::{About, Notice};
use crate::accounts::tokens;
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};
use crate::validate;
use crate::web::forms::{FieldErrors, FormData};

pub const CONFIRMED: &str = "confirmee";
pub const WAITING: &str = "attente";
pub const CANCELLED: &str = "annulee";
/// A freed seat held for someone of the waiting list until they confirm it (or the delay
/// of their structure passes).
pub const OFFERED: &str = "proposee";

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
    pub status: String,
    pub source: String,
    pub asked_at: i64,
    pub present: bool,
    pub reminders: bool,
    pub offer_expires_at: Option<i64>,
}

impl Registration {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            CONFIRMED => "Confirmée",
            WAITING => "Liste d'attente",
            OFFERED => "Place proposée, à confirmer",
            _ => "Annulée",
        }
    }

    pub fn phone_display(&self) -> String {
        validate::phone_display(&self.phone)
    }
}

const COLUMNS: &str =
    "id, session_id, name, phone, email, seats, needs, status, source, asked_at, present, reminders, offer_expires_at";

fn from_row(r: &AnyRow) -> Registration {
    Registration {
        id: text(r, "id"),
        session_id: text(r, "session_id"),
        name: text(r, "name"),
        phone: text(r, "phone"),
        email: text(r, "email"),
        seats: db::int(r, "seats"),
        needs: text(r, "needs"),
        status: text(r, "status"),
        source: text(r, "source"),
        asked_at: db::int(r, "asked_at"),
        present: db::flag(r, "present"),
        reminders: db::flag(r, "reminders"),
        offer_expires_at: db::opt_int(r, "offer_expires_at"),
    }
}

/// What became of a request.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Registered (confirmed or waiting); the personal link's secret.
    Registered { status: String, token: String },
    /// The same phone or e-mail already holds a registration for this session.
    AlreadyRegistered,
}

/// Registers `c` for the session of `structure_id`; `source` is "public" or "staff".
pub async fn register(
    db: &Db,
    public_url: &str,
    structure_id: &str,
    session_id: &str,
    c: &Contact,
    source: &str,
) -> Result<Outcome, DbError> {
    let mut tx = db.begin_write().await?;
    if already_registered(&mut tx, session_id, c).await? {
        return Ok(Outcome::AlreadyRegistered);
    }
    let status = if take_seats(&mut tx, session_id, c.seats).await? {
        CONFIRMED
    } else {
        WAITING
    };
    let token = tokens::new_token();
    let t = now();
    sqlx::query(
        "INSERT INTO registrations (id, session_id, name, phone, email, seats, needs, status, source, asked_at, \
         structure_id, token_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $10, $10)",
    )
    .bind(db::new_id())
    .bind(session_id)
    .bind(c.name.clone())
    .bind(c.phone.clone())
    .bind(c.email.clone())
    .bind(c.seats)
    .bind(c.needs.clone())
    .bind(status)
    .bind(source)
    .bind(t)
    .bind(structure_id)
    .bind(tokens::hash(&token))
    .execute(&mut *tx)
    .await?;
    let about = About::load(&mut tx, session_id).await?;
    let link = format!("{public_url}/inscription/{token}");
    let (what, short) = if status == CONFIRMED {
        ("Votre inscription est confirmée.", "inscription confirmée")
    } else {
        (
            "L'atelier est complet : vous êtes sur la liste d'attente. Nous vous préviendrons si une place se libère.",
            "complet, vous êtes sur liste d'attente",
        )
    };
    let notice = Notice {
        subject: format!("Votre inscription : {}", about.title),
        email: format!(
            "Bonjour {},\n\n{what}\n\nAtelier « {} », {}{}.\n\nPour la consulter ou l'annuler : {link}\n",
            c.name,
            about.title,
            about.when_long(),
            at_place(&about.place_name),
        ),
        sms: format!(
            "{} : {short} pour « {} » {}. Voir ou annuler : {link}",
            about.structure_name,
            about.title,
            about.when_short()
        ),
        purpose: "inscription",
    };
    about.tell(&mut tx, &c.email, &c.phone, &notice).await?;
    tx.commit().await?;
    Ok(Outcome::Registered {
        status: status.to_string(),
        token,
    })
}

async fn already_registered(tx: &mut Tx, session_id: &str, c: &Contact) -> Result<bool, DbError> {
    if c.phone.is_empty() && c.email.is_empty() {
        return Ok(false);
    }
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM registrations WHERE session_id = $1 AND status <> 'annulee' \
         AND (($2 <> '' AND phone = $2) OR ($3 <> '' AND email = $3))",
    )
    .bind(session_id)
    .bind(c.phone.clone())
    .bind(c.email.clone())
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// Takes `seats` seats of the session if they are free: the one statement that guards
/// against overbooking.
async fn take_seats(tx: &mut Tx, session_id: &str, seats: i64) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE workshop_sessions SET seats_taken = seats_taken + $2 WHERE id = $1 AND seats_taken + $2 <= capacity",
    )
    .bind(session_id)
    .bind(seats)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The registration a personal link opens.
pub async fn by_token(db: &Db, token: &str) -> Result<Option<Registration>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM registrations WHERE token_hash = $1"
    ))
    .bind(tokens::hash(token))
    .fetch_optional(db.read())
    .await?;
    Ok(row.as_ref().map(from_row))
}

/// Position on the waiting list (1 for the first), 0 when not waiting.
pub async fn position(db: &Db, r: &Registration) -> Result<i64, DbError> {
    if r.status != WAITING {
        return Ok(0);
    }
    let ahead: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM registrations WHERE session_id = $1 AND status = 'attente' \
         AND (asked_at < $2 OR (asked_at = $2 AND id < $3))",
    )
    .bind(r.session_id.clone())
    .bind(r.asked_at)
    .bind(r.id.clone())
    .fetch_one(db.read())
    .await?;
    Ok(ahead + 1)
}

pub async fn of_session(
    db: &Db,
    structure_id: &str,
    session_id: &str,
) -> Result<Vec<Registration>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM registrations WHERE session_id = $1 AND structure_id = $2 ORDER BY asked_at, id"
    ))
    .bind(session_id)
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    Ok(rows.iter().map(from_row).collect())
}

/// Why a cancellation did nothing.
#[derive(Debug, PartialEq)]
pub enum NotCancelled {
    Unknown,
    AlreadyCancelled,
}

/// Cancels the registration chosen by `condition` ("token_hash = $1" or "id = $1 AND
/// structure_id = $2"), frees its seats and gives them to the people waiting.
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
    let Some(r) = q.fetch_optional(&mut *tx).await?.as_ref().map(from_row) else {
        return Ok(Err(NotCancelled::Unknown));
    };
    // Guarded too: two cancellations at once free the seats once.
    let done = sqlx::query("UPDATE registrations SET status = 'annulee', updated_at = $2 WHERE id = $1 AND status <> 'annulee'")
        .bind(r.id.clone())
        .bind(now())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(Err(NotCancelled::AlreadyCancelled));
    }
    if r.status == CONFIRMED || r.status == OFFERED {
        sqlx::query("UPDATE workshop_sessions SET seats_taken = seats_taken - $2 WHERE id = $1")
            .bind(r.session_id.clone())
            .bind(r.seats)
            .execute(&mut *tx)
            .await?;
        promote(&mut tx, public_url, &r.session_id).await?;
    }
    tx.commit().await?;
    Ok(Ok(r))
}

/// ", Médiathèque" when the place is known.
fn at_place(place: &str) -> String {
    if place.is_empty() {
        String::new()
    } else {
        format!(", {place}")
    }
}

/// Gives free seats to the people waiting, in order, skipping those who need more seats
/// than are free; each promoted person is told (e-mail, SMS).
pub async fn promote(tx: &mut Tx, public_url: &str, session_id: &str) -> Result<(), DbError> {
    let mut about = None;
    let waiting = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM registrations WHERE session_id = $1 AND status = 'attente' ORDER BY asked_at, id"
    ))
    .bind(session_id)
    .fetch_all(&mut **tx)
    .await?;
    for r in waiting.iter().map(from_row) {
        if !take_seats(tx, session_id, r.seats).await? {
            continue;
        }
        if about.is_none() {
            about = Some(About::load(tx, session_id).await?);
        }
        let Some(about) = &about else { continue };
        let expires = offer_deadline(about, &r);
        sqlx::query(
            "UPDATE registrations SET status = $2, offer_expires_at = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(r.id.clone())
        .bind(if expires.is_some() { OFFERED } else { CONFIRMED })
        .bind(expires)
        .bind(now())
        .execute(&mut **tx)
        .await?;
        let place = at_place(&about.place_name);
        let notice = match expires {
            Some(until) => Notice {
                subject: format!("Une place vous attend : {} — à confirmer", about.title),
                email: format!(
                    "Bonjour {},\n\nUne place s'est libérée à l'atelier « {} », {}{place}. Elle vous est réservée \
                     jusqu'au {} : confirmez-la avec le lien reçu lors de votre inscription (bouton « Je confirme ma place »).\n\
                     Sans réponse, elle ira à la personne suivante de la liste d'attente.\n\n{public_url}/ateliers\n",
                    r.name,
                    about.title,
                    about.when_long(),
                    about.local(until),
                ),
                sms: format!(
                    "{} : une place s'est libérée pour « {} » {}. Confirmez-la avant le {} avec le lien reçu à l'inscription.",
                    about.structure_name,
                    about.title,
                    about.when_short(),
                    about.local(until),
                ),
                purpose: "place",
            },
            None => Notice {
                subject: format!("Une place s'est libérée : {}", about.title),
                email: format!(
                    "Bonjour {},\n\nUne place s'est libérée à l'atelier « {} », {}{place} : votre inscription est confirmée.\n\
                     Vous pouvez la consulter ou l'annuler avec le lien reçu lors de votre inscription.\n\n{public_url}/ateliers\n",
                    r.name,
                    about.title,
                    about.when_long(),
                ),
                sms: format!(
                    "{} : une place s'est libérée, vous êtes inscrit(e) à « {} » {}. Empêché(e) ? Annulez avec le lien reçu à l'inscription.",
                    about.structure_name,
                    about.title,
                    about.when_short()
                ),
                purpose: "place",
            },
        };
        about.tell(tx, &r.email, &r.phone, &notice).await?;
    }
    Ok(())
}

/// Until when a freed seat waits for `r` to confirm it; None when it is given at once:
/// the structure asks for no confirmation, the person cannot be reached (registered at the
/// desk without contact), or less than an hour would be left before the session.
fn offer_deadline(about: &About, r: &Registration) -> Option<i64> {
    let reachable = !r.email.is_empty() || (about.sms_enabled && crate::sms::is_mobile(&r.phone));
    if about.offer_hours == 0 || !reachable {
        return None;
    }
    let until = (now() + about.offer_hours * 3600).min(about.starts_at()?);
    (until > now() + 3600).then_some(until)
}

/// The seat offered to the registration chosen by `condition` (as for `cancel`) is
/// confirmed, before its deadline: by the person's link, or by staff when they called.
/// False when there is no such offer (unknown, already confirmed, or too late).
pub async fn confirm_offer(db: &Db, condition: &str, binds: &[&str]) -> Result<bool, DbError> {
    let mut tx = db.begin_write().await?;
    // `now` is our own integer, written in the statement so that the caller's binds keep
    // their numbers.
    let t = now();
    let sql = format!(
        "UPDATE registrations SET status = 'confirmee', offer_expires_at = NULL, updated_at = {t} \
         WHERE {condition} AND status = 'proposee' AND offer_expires_at > {t}"
    );
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b.to_string());
    }
    let done = q.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Offers whose deadline passed at `at` are withdrawn: the seat goes to the next person
/// (who is told), and the person who did not answer is told too. Returns how many.
pub async fn expire_offers(db: &Db, public_url: &str, at: i64) -> Result<usize, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM registrations WHERE status = 'proposee' AND offer_expires_at <= $1"
    ))
    .bind(at)
    .fetch_all(db.read())
    .await?;
    let mut expired = 0;
    for r in rows.iter().map(from_row) {
        let mut tx = db.begin_write().await?;
        // Guarded: a confirmation at the same moment wins, or this does, never both.
        let done = sqlx::query(
            "UPDATE registrations SET status = 'annulee', offer_expires_at = NULL, updated_at = $2 \
             WHERE id = $1 AND status = 'proposee'",
        )
        .bind(r.id.clone())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            continue;
        }
        sqlx::query("UPDATE workshop_sessions SET seats_taken = seats_taken - $2 WHERE id = $1")
            .bind(r.session_id.clone())
            .bind(r.seats)
            .execute(&mut *tx)
            .await?;
        let about = About::load(&mut tx, &r.session_id).await?;
        let notice = Notice {
            subject: format!("Place non confirmée : {}", about.title),
            email: format!(
                "Bonjour {},\n\nLa place qui vous était proposée à l'atelier « {} », {}, n'a pas été confirmée à temps : \
                 elle passe à la personne suivante. Vous pouvez vous inscrire à une autre séance : {public_url}/ateliers\n",
                r.name,
                about.title,
                about.when_long(),
            ),
            sms: format!(
                "{} : la place proposée pour « {} » {} n'a pas été confirmée à temps, elle passe à la personne suivante.",
                about.structure_name,
                about.title,
                about.when_short()
            ),
            purpose: "place",
        };
        about.tell(&mut tx, &r.email, &r.phone, &notice).await?;
        promote(&mut tx, public_url, &r.session_id).await?;
        tx.commit().await?;
        expired += 1;
    }
    Ok(expired)
}

/// The person behind a personal link asks for no more reminders; false for an unknown link.
pub async fn stop_reminders(db: &Db, token: &str) -> Result<bool, DbError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE registrations SET reminders = 0, updated_at = $2 WHERE token_hash = $1",
    )
    .bind(tokens::hash(token))
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}
