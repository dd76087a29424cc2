//! Queries on structures and on the network's settings.

use super::Structure;
use crate::accounts::model::Role;
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};
use crate::tenancy::StructureId;

pub const DEFAULT_NETWORK_NAME: &str = "Réseau Maillon";

fn from_row(r: &AnyRow) -> Result<Structure, DbError> {
    Ok(Structure {
        id: StructureId::stored(text(r, "id")?),
        name: text(r, "name")?,
        kind: text(r, "kind")?,
        pivot: text(r, "pivot")?,
        email: text(r, "email")?,
        phone: text(r, "phone")?,
        website: text(r, "website")?,
        timezone: text(r, "timezone")?,
        volunteers_see_beneficiaries: crate::db::flag(r, "volunteers_see_beneficiaries")?,
        reminder_days: crate::db::int(r, "reminder_days")?,
        reminder_morning: crate::db::flag(r, "reminder_morning")?,
        sms_enabled: crate::db::flag(r, "sms_enabled")?,
        offer_hours: crate::db::int(r, "offer_hours")?,
        send_from_hour: crate::db::int(r, "send_from_hour")?,
        send_until_hour: crate::db::int(r, "send_until_hour")?,
        sms_daily_budget: crate::db::int(r, "sms_daily_budget")?,
    })
}

const COLUMNS: &str = "id, name, kind, pivot, email, phone, website, timezone, volunteers_see_beneficiaries, reminder_days, reminder_morning, sms_enabled, offer_hours, send_from_hour, send_until_hour, sms_daily_budget";

pub async fn get(db: &Db, id: &str) -> Result<Option<Structure>, DbError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM structures WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.read())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(db: &Db) -> Result<Vec<Structure>, DbError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM structures ORDER BY name"))
        .fetch_all(db.read())
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn insert(tx: &mut Tx, s: &Structure) -> Result<StructureId, DbError> {
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO structures (id, name, kind, pivot, email, phone, website, timezone, created_at, updated_at, \
         volunteers_see_beneficiaries, reminder_days, reminder_morning, sms_enabled, offer_hours, send_from_hour, send_until_hour, \
         sms_daily_budget) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(id.clone())
    .bind(s.name.clone())
    .bind(s.kind.clone())
    .bind(s.pivot.clone())
    .bind(s.email.clone())
    .bind(s.phone.clone())
    .bind(s.website.clone())
    .bind(s.timezone.clone())
    .bind(now())
    .bind(s.volunteers_see_beneficiaries as i64)
    .bind(s.reminder_days)
    .bind(s.reminder_morning as i64)
    .bind(s.sms_enabled as i64)
    .bind(s.offer_hours)
    .bind(s.send_from_hour)
    .bind(s.send_until_hour)
    .bind(s.sms_daily_budget)
    .execute(&mut **tx)
    .await?;
    Ok(StructureId::stored(id))
}

pub async fn update(tx: &mut Tx, id: &str, s: &Structure) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE structures SET name = $1, kind = $2, pivot = $3, email = $4, phone = $5, website = $6, \
         timezone = $7, updated_at = $8, volunteers_see_beneficiaries = $9, reminder_days = $11, \
         reminder_morning = $12, sms_enabled = $13, offer_hours = $14, send_from_hour = $15, \
         send_until_hour = $16, sms_daily_budget = $17 WHERE id = $10",
    )
    .bind(s.name.clone())
    .bind(s.kind.clone())
    .bind(s.pivot.clone())
    .bind(s.email.clone())
    .bind(s.phone.clone())
    .bind(s.website.clone())
    .bind(s.timezone.clone())
    .bind(now())
    .bind(s.volunteers_see_beneficiaries as i64)
    .bind(id)
    .bind(s.reminder_days)
    .bind(s.reminder_morning as i64)
    .bind(s.sms_enabled as i64)
    .bind(s.offer_hours)
    .bind(s.send_from_hour)
    .bind(s.send_until_hour)
    .bind(s.sms_daily_budget)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn network_name(db: &Db) -> String {
    sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = 'network_name'")
        .fetch_optional(db.read())
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| DEFAULT_NETWORK_NAME.to_string())
}

pub async fn set_network_name(tx: &mut Tx, name: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('network_name', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(name)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub struct Member {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// A membership's role; one Maillon does not know is an error.
fn role_of(r: &AnyRow) -> Result<Role, DbError> {
    let code = text(r, "role")?;
    Role::parse(&code).ok_or_else(|| DbError::invalid(format!("rôle inconnu : {code}")))
}

pub async fn members(db: &Db, structure_id: &StructureId) -> Result<Vec<Member>, DbError> {
    let rows = sqlx::query(
        "SELECT u.id, u.name, u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.structure_id = $1 ORDER BY u.name",
    )
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok::<_, DbError>(Member {
                user_id: text(r, "id")?,
                name: text(r, "name")?,
                email: text(r, "email")?,
                role: role_of(r)?,
            })
        })
        .collect::<Result<_, DbError>>()
}

pub struct PendingInvitation {
    pub token_hash: String,
    pub email: String,
    pub role: String,
    pub expires_at: i64,
}

pub async fn pending_invitations(
    db: &Db,
    structure_id: &StructureId,
) -> Result<Vec<PendingInvitation>, DbError> {
    let rows = sqlx::query(
        "SELECT token_hash, email, role, expires_at FROM account_tokens \
         WHERE structure_id = $1 AND purpose = 'invitation' AND used_at IS NULL AND expires_at >= $2 ORDER BY created_at",
    )
    .bind(structure_id)
    .bind(now())
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok::<_, DbError>(PendingInvitation {
                token_hash: text(r, "token_hash")?,
                email: text(r, "email")?,
                role: text(r, "role")?,
                expires_at: db::int(r, "expires_at")?,
            })
        })
        .collect::<Result<_, DbError>>()
}

/// Cancels an invitation of this structure (scoped: another structure's does nothing).
pub async fn cancel_invitation(
    tx: &mut Tx,
    structure_id: &StructureId,
    token_hash: &str,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE account_tokens SET expires_at = 0 WHERE token_hash = $1 AND structure_id = $2 AND purpose = 'invitation' AND used_at IS NULL",
    )
    .bind(token_hash)
    .bind(structure_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_role(
    tx: &mut Tx,
    structure_id: &StructureId,
    user_id: &str,
    role: &str,
) -> Result<bool, DbError> {
    let done =
        sqlx::query("UPDATE memberships SET role = $1 WHERE structure_id = $2 AND user_id = $3")
            .bind(role)
            .bind(structure_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn remove_member(
    tx: &mut Tx,
    structure_id: &StructureId,
    user_id: &str,
) -> Result<bool, DbError> {
    let done = sqlx::query("DELETE FROM memberships WHERE structure_id = $1 AND user_id = $2")
        .bind(structure_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_admins(tx: &mut Tx, structure_id: &StructureId) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE structure_id = $1 AND role = 'structure_admin'",
    )
    .bind(structure_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// An invitation the network coordination asked for, waiting for a structure admin.
pub struct InvitationRequest {
    pub id: String,
    pub email: String,
    pub role: String,
    pub requested_by_name: String,
}

pub async fn insert_invitation_request(
    tx: &mut Tx,
    structure_id: &StructureId,
    email: &str,
    role: &str,
    requested_by: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO invitation_requests (id, structure_id, email, role, requested_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(db::new_id())
    .bind(structure_id)
    .bind(email)
    .bind(role)
    .bind(requested_by)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn invitation_requests(
    db: &Db,
    structure_id: &StructureId,
) -> Result<Vec<InvitationRequest>, DbError> {
    let rows = sqlx::query(
        "SELECT r.id, r.email, r.role, u.name FROM invitation_requests r JOIN users u ON u.id = r.requested_by \
         WHERE r.structure_id = $1 ORDER BY r.created_at, r.id",
    )
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok::<_, DbError>(InvitationRequest {
                id: text(r, "id")?,
                email: text(r, "email")?,
                role: text(r, "role")?,
                requested_by_name: text(r, "name")?,
            })
        })
        .collect::<Result<_, DbError>>()
}

/// Takes a request of this structure away (approved or refused): its e-mail and role, or
/// None when it is not one of the structure's (or was taken already).
pub async fn take_invitation_request(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
) -> Result<Option<(String, String)>, DbError> {
    let row = sqlx::query(
        "SELECT email, role FROM invitation_requests WHERE id = $1 AND structure_id = $2",
    )
    .bind(id)
    .bind(structure_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let done = sqlx::query("DELETE FROM invitation_requests WHERE id = $1 AND structure_id = $2")
        .bind(id)
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Ok(None);
    }
    Ok(Some((text(&row, "email")?, text(&row, "role")?)))
}

/// E-mails of the structure's admins (to tell them of a request).
pub async fn admin_emails(tx: &mut Tx, structure_id: &StructureId) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.structure_id = $1 AND m.role = $2 ORDER BY u.email",
    )
    .bind(structure_id)
    .bind(Role::StructureAdmin.code())
    .fetch_all(&mut **tx)
    .await?)
}

/// Whether the structure has a team yet (a new structure has none).
pub async fn has_members(tx: &mut Tx, structure_id: &StructureId) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE structure_id = $1")
        .bind(structure_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}
