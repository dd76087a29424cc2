//! The waiting list: a freed seat goes to the first people waiting whose seats fit (for
//! a cycle, at every session to come), who are told by e-mail and SMS. When the structure
//! asks for it, the seat is only offered and must be confirmed in time, or it goes on to
//! the next person.

use super::cycles;
use super::notify::{About, Notice};
use super::registration::{self, at_place, Registration, Status};
use crate::db::{now, Db, DbError, Tx};

/// Gives free seats to the people waiting at the session (or at its cycle), in order,
/// skipping those who need more seats than are free; each promoted person is told once.
pub async fn promote(tx: &mut Tx, public_url: &str, session_id: &str) -> Result<(), DbError> {
    for group in waiting_groups(tx, session_id).await? {
        let Some(first) = group.first() else { continue };
        let sessions: Vec<String> = group.iter().map(|r| r.session_id.clone()).collect();
        if !cycles::take_all(tx, &sessions, first.seats).await? {
            continue;
        }
        let about = About::load(tx, &first.session_id).await?;
        let expires = offer_deadline(&about, first);
        for r in &group {
            sqlx::query(
                "UPDATE registrations SET status = $2, offer_expires_at = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(r.id.clone())
            .bind(if expires.is_some() { Status::Offered } else { Status::Confirmed }.code())
            .bind(expires)
            .bind(now())
            .execute(&mut **tx)
            .await?;
        }
        let (what, short) = what_of(&about, group.len());
        let notice = match expires {
            Some(until) => Notice {
                subject: format!("Une place vous attend : {} — à confirmer", about.title),
                email: format!(
                    "{}\n\nUne place s'est libérée pour {what}. Elle vous est réservée \
                     jusqu'au {} : confirmez-la avec le lien reçu lors de votre inscription (bouton « Je confirme ma place »).\n\
                     Sans réponse, elle ira à la personne suivante de la liste d'attente.\n\n{public_url}/ateliers\n",
                    crate::validate::greeting(&first.name),
                    about.local(until),
                ),
                sms: format!(
                    "{} : une place s'est libérée pour {short}. Confirmez-la avant le {} avec le lien reçu à l'inscription.",
                    about.structure_name,
                    about.local(until),
                ),
                purpose: crate::sms::SmsPurpose::FreedSeat,
            },
            None => Notice {
                subject: format!("Une place s'est libérée : {}", about.title),
                email: format!(
                    "{}\n\nUne place s'est libérée pour {what} : votre inscription est confirmée.\n\
                     Vous pouvez la consulter ou l'annuler avec le lien reçu lors de votre inscription.\n\n{public_url}/ateliers\n",
                    crate::validate::greeting(&first.name),
                ),
                sms: format!(
                    "{} : une place s'est libérée, vous êtes inscrit(e) pour {short}. Empêché(e) ? Annulez avec le lien reçu à l'inscription.",
                    about.structure_name,
                ),
                purpose: crate::sms::SmsPurpose::FreedSeat,
            },
        };
        about.tell(tx, &first.email, &first.phone, &notice).await?;
    }
    Ok(())
}

/// "l'atelier « Tablette », mardi 1 décembre 2026 à 14 h 00, Médiathèque" and its SMS
/// form; for a cycle of `sessions`, "le cycle « Tablette » (6 séances dès …)".
fn what_of(about: &About, sessions: usize) -> (String, String) {
    let place = at_place(&about.place_name);
    if sessions > 1 {
        (
            format!(
                "le cycle « {} » ({sessions} séances dès le {}{place})",
                about.title,
                about.when_long()
            ),
            format!(
                "le cycle « {} » ({sessions} séances dès {})",
                about.title,
                about.when_short()
            ),
        )
    } else {
        (
            format!(
                "l'atelier « {} », {}{place}",
                about.title,
                about.when_long()
            ),
            format!("« {} » {}", about.title, about.when_short()),
        )
    }
}

/// The people waiting, in order, each as the rows that move together: one row for a
/// session, the rows of the sessions to come for a cycle.
async fn waiting_groups(tx: &mut Tx, session_id: &str) -> Result<Vec<Vec<Registration>>, DbError> {
    let held = cycles::held(tx, session_id).await?;
    let sql = if held.cycle {
        format!(
            "SELECT {} FROM registrations r JOIN workshop_sessions s ON s.id = r.session_id \
             WHERE s.workshop_id = $1 AND s.date >= $2 AND s.cancelled_at IS NULL AND r.status = '{}' \
             ORDER BY r.asked_at, r.cycle_id, s.date, s.start_time, s.id",
            registration::qualified(),
            Status::Waiting.code()
        )
    } else {
        format!(
            "SELECT {} FROM registrations r WHERE r.session_id = $1 AND r.status = '{}' \
             ORDER BY r.asked_at, r.id",
            registration::qualified(),
            Status::Waiting.code()
        )
    };
    let q = sqlx::query(&sql);
    let q = if held.cycle {
        q.bind(held.workshop_id).bind(held.today)
    } else {
        q.bind(session_id.to_string())
    };
    let rows = q.fetch_all(&mut **tx).await?;
    let mut groups: Vec<Vec<Registration>> = Vec::new();
    for r in rows.iter().map(registration::row) {
        let r = r?;
        match groups.last_mut() {
            Some(g) if !r.cycle_id.is_empty() && g[0].cycle_id == r.cycle_id => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    Ok(groups)
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

/// The seat offered to the registration chosen by `condition` (as for `cancel`; for a
/// cycle, at all its sessions) is confirmed, before its deadline: by the person's link,
/// or by staff when they called. False when there is no such offer (unknown, already
/// confirmed, or too late).
pub async fn confirm_offer(db: &Db, condition: &str, binds: &[&str]) -> Result<bool, DbError> {
    let mut tx = db.begin_write().await?;
    // `now` is our own integer and the statuses our own codes, written in the statement
    // so that the caller's binds keep their numbers.
    let t = now();
    let (confirmed, offered) = (Status::Confirmed.code(), Status::Offered.code());
    let sql = format!(
        "UPDATE registrations SET status = '{confirmed}', offer_expires_at = NULL, updated_at = {t} \
         WHERE status = '{offered}' AND offer_expires_at > {t} \
         AND (id IN (SELECT id FROM registrations WHERE {condition}) \
         OR cycle_id IN (SELECT cycle_id FROM registrations WHERE {condition}))"
    );
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b.to_string());
    }
    let done = q.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected() >= 1)
}

/// Offers whose deadline passed at `at` are withdrawn: the seat goes to the next person
/// (who is told), and the person who did not answer is told too. Returns how many.
pub async fn expire_offers(db: &Db, public_url: &str, at: i64) -> Result<usize, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM registrations r WHERE r.status = $2 AND r.offer_expires_at <= $1",
        registration::qualified()
    ))
    .bind(at)
    .bind(Status::Offered.code())
    .fetch_all(db.read())
    .await?;
    let mut expired = 0;
    for r in rows.iter().map(registration::row) {
        let r = r?;
        let mut tx = db.begin_write().await?;
        let group = if r.cycle_id.is_empty() {
            vec![r.clone()]
        } else {
            registration::cycle_rows(&mut tx, &r.cycle_id, "").await?
        };
        let mut withdrawn = Vec::new();
        for g in group.iter().filter(|g| g.status == Status::Offered) {
            // Guarded: a confirmation at the same moment wins, or this does, never both.
            let done = sqlx::query(
                "UPDATE registrations SET status = $3, offer_expires_at = NULL, updated_at = $2 \
                 WHERE id = $1 AND status = $4",
            )
            .bind(g.id.clone())
            .bind(now())
            .bind(Status::Cancelled.code())
            .bind(Status::Offered.code())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                cycles::release(&mut tx, std::slice::from_ref(&g.session_id), g.seats).await?;
                withdrawn.push(g.session_id.clone());
            }
        }
        let Some(first) = withdrawn.first() else {
            continue;
        };
        let about = About::load(&mut tx, first).await?;
        let (what, short) = what_of(&about, withdrawn.len());
        let notice = Notice {
            subject: format!("Place non confirmée : {}", about.title),
            email: format!(
                "{}\n\nLa place qui vous était proposée pour {what} n'a pas été confirmée à temps : \
                 elle passe à la personne suivante. Vous pouvez vous inscrire à une autre séance : {public_url}/ateliers\n",
                crate::validate::greeting(&r.name),
            ),
            sms: format!(
                "{} : la place proposée pour {short} n'a pas été confirmée à temps, elle passe à la personne suivante.",
                about.structure_name,
            ),
            purpose: crate::sms::SmsPurpose::FreedSeat,
        };
        about.tell(&mut tx, &r.email, &r.phone, &notice).await?;
        promote(&mut tx, public_url, first).await?;
        tx.commit().await?;
        expired += 1;
    }
    Ok(expired)
}
