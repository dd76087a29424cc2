//! Queries on users, memberships, sessions, sign-in failures and e-mailed links.

use super::model::{CurrentUser, Membership, Role};
use crate::db::{self, now, text, Db, DbError, Tx};
use crate::tenancy::StructureId;

pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
}

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, DbError> {
    let row = sqlx::query("SELECT id, email, name, password_hash FROM users WHERE email = $1")
        .bind(email.trim().to_lowercase())
        .fetch_optional(db.read())
        .await?;
    row.map(|r| {
        Ok::<_, DbError>(UserRow {
            id: text(&r, "id")?,
            email: text(&r, "email")?,
            name: text(&r, "name")?,
            password_hash: text(&r, "password_hash")?,
        })
    })
    .transpose()
}

pub async fn password_hash(db: &Db, user_id: &str) -> Result<Option<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(db.read())
            .await?,
    )
}

pub async fn insert_user(
    tx: &mut Tx,
    email: &str,
    name: &str,
    hash: &str,
    network_admin: bool,
) -> Result<String, DbError> {
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, is_network_admin, created_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(id.clone())
    .bind(email.trim().to_lowercase())
    .bind(name.trim().to_string())
    .bind(hash.to_string())
    .bind(network_admin as i64)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn set_name(tx: &mut Tx, user_id: &str, name: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Changes the password, ends every session of the account and every link still open for
/// it (password links, invitations to its e-mail): a link sent before the change must not
/// outlive it.
pub async fn set_password(tx: &mut Tx, user_id: &str, hash: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE account_tokens SET used_at = $1 WHERE used_at IS NULL \
         AND (user_id = $2 OR email = (SELECT email FROM users WHERE id = $2))",
    )
    .bind(now())
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn add_membership(
    tx: &mut Tx,
    user_id: &str,
    structure_id: &StructureId,
    role: Role,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO memberships (user_id, structure_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, structure_id) DO UPDATE SET role = excluded.role",
    )
    .bind(user_id)
    .bind(structure_id)
    .bind(role.code())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn memberships(db: &Db, user_id: &str) -> Result<Vec<Membership>, DbError> {
    let rows = sqlx::query(
        "SELECT m.structure_id, m.role, s.name FROM memberships m JOIN structures s ON s.id = m.structure_id \
         WHERE m.user_id = $1 ORDER BY s.name",
    )
    .bind(user_id)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            let role = text(r, "role")?;
            Ok(Membership {
                structure_id: StructureId::stored(text(r, "structure_id")?),
                structure_name: text(r, "name")?,
                role: Role::parse(&role)
                    .ok_or_else(|| DbError::invalid(format!("rôle inconnu : {role}")))?,
            })
        })
        .collect::<Result<_, DbError>>()
}

// ---- Sessions ----

pub async fn create_session(
    db: &Db,
    user_id: &str,
    token_hash: &str,
    max_hours: i64,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    let t = now();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(t)
        .bind(t + max_hours * 3600)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub struct SessionRow {
    pub user_id: String,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub email: String,
    pub name: String,
    pub is_network_admin: bool,
}

pub async fn find_session(db: &Db, token_hash: &str) -> Result<Option<SessionRow>, DbError> {
    let row = sqlx::query(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, u.email, u.name, u.is_network_admin \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db.read())
    .await?;
    row.map(|r| {
        Ok::<_, DbError>(SessionRow {
            user_id: text(&r, "user_id")?,
            last_seen_at: db::int(&r, "last_seen_at")?,
            expires_at: db::int(&r, "expires_at")?,
            email: text(&r, "email")?,
            name: text(&r, "name")?,
            is_network_admin: db::flag(&r, "is_network_admin")?,
        })
    })
    .transpose()
}

pub async fn touch_session(db: &Db, token_hash: &str) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now())
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_all_sessions(db: &Db, user_id: &str) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub fn to_current(
    s: SessionRow,
    memberships: Vec<Membership>,
    session_hash: String,
) -> CurrentUser {
    CurrentUser {
        id: s.user_id,
        email: s.email,
        name: s.name,
        is_network_admin: s.is_network_admin,
        memberships,
        session_hash,
    }
}

/// Removes what is no longer useful: ended sessions, old counted attempts, old used links.
pub async fn purge_expired(db: &Db, idle_seconds: i64) -> Result<(), DbError> {
    let t = now();
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2")
        .bind(t)
        .bind(t - idle_seconds)
        .execute(&mut *tx)
        .await?;
    crate::limits::purge(&mut tx).await?;
    sqlx::query("DELETE FROM account_tokens WHERE expires_at < $1")
        .bind(t - 30 * 86_400)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

// ---- E-mailed links ----

pub struct AccountToken {
    pub purpose: String,
    pub email: String,
    pub user_id: String,
    /// Empty for a token that is not an invitation.
    pub structure_id: StructureId,
    pub role: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_token(
    tx: &mut Tx,
    token_hash: &str,
    purpose: &str,
    email: &str,
    user_id: Option<&str>,
    structure_id: Option<&str>,
    role: Option<Role>,
    invited_by: Option<&str>,
    valid_seconds: i64,
) -> Result<(), DbError> {
    let t = now();
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, purpose, email, user_id, structure_id, role, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(token_hash)
    .bind(purpose)
    .bind(email.trim().to_lowercase())
    .bind(user_id.map(str::to_string))
    .bind(structure_id.map(str::to_string))
    .bind(role.map(|r| r.code().to_string()))
    .bind(invited_by.map(str::to_string))
    .bind(t)
    .bind(t + valid_seconds)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn find_token(
    db: &Db,
    token_hash: &str,
    purpose: &str,
) -> Result<Option<AccountToken>, DbError> {
    let row = sqlx::query(
        "SELECT purpose, email, user_id, structure_id, role, expires_at, used_at FROM account_tokens \
         WHERE token_hash = $1 AND purpose = $2",
    )
    .bind(token_hash)
    .bind(purpose)
    .fetch_optional(db.read())
    .await?;
    row.map(|r| {
        Ok::<_, DbError>(AccountToken {
            purpose: text(&r, "purpose")?,
            email: text(&r, "email")?,
            user_id: text(&r, "user_id")?,
            structure_id: StructureId::stored(text(&r, "structure_id")?),
            role: text(&r, "role")?,
            expires_at: db::int(&r, "expires_at")?,
            used_at: db::opt_int(&r, "used_at")?,
        })
    })
    .transpose()
}

/// Marks a link used; false when someone used it first (a double click, a replay).
pub async fn use_token(tx: &mut Tx, token_hash: &str) -> Result<bool, DbError> {
    let done = sqlx::query("UPDATE account_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at >= $1")
        .bind(now())
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
