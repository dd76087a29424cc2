//! Public links to a structure's statistics: unguessable, revocable, aggregates only.
//! Like every secret link, only the hash of the secret is kept: the whole link is shown
//! once, when it is made; afterwards the page tells links apart by their last characters.

use crate::accounts::tokens;
use crate::db::{self, now, text, Db, DbError, Tx};
use crate::tenancy::StructureId;

pub struct Share {
    pub id: String,
    /// The secret's last characters ("…3f9a").
    pub hint: String,
    pub created_by: String,
    pub created_at: i64,
}

fn hint_of(token: &str) -> String {
    token[token.len().saturating_sub(6)..].to_string()
}

async fn insert(
    tx: &mut Tx,
    token: &str,
    structure_id: &StructureId,
    created_by: &str,
    created_at: i64,
    revoked_at: Option<i64>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO stat_links (id, token_hash, hint, structure_id, created_by, created_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(db::new_id())
    .bind(tokens::hash(token))
    .bind(hint_of(token))
    .bind(structure_id)
    .bind(created_by)
    .bind(created_at)
    .bind(revoked_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Makes a link; its secret is returned to be shown once.
pub async fn create(
    tx: &mut Tx,
    structure_id: &StructureId,
    created_by: &str,
) -> Result<String, DbError> {
    let token = tokens::new_token();
    insert(tx, &token, structure_id, created_by, now(), None).await?;
    Ok(token)
}

pub async fn active(db: &Db, structure_id: &StructureId) -> Result<Vec<Share>, DbError> {
    let rows = sqlx::query("SELECT id, hint, created_by, created_at FROM stat_links WHERE structure_id = $1 AND revoked_at IS NULL ORDER BY created_at, id")
        .bind(structure_id)
        .fetch_all(db.read())
        .await?;
    rows.iter()
        .map(|r| {
            Ok::<_, DbError>(Share {
                id: text(r, "id")?,
                hint: text(r, "hint")?,
                created_by: text(r, "created_by")?,
                created_at: db::int(r, "created_at")?,
            })
        })
        .collect::<Result<_, DbError>>()
}

/// Ends a link of this structure (by its id); false when it is not one of its links.
pub async fn revoke(tx: &mut Tx, structure_id: &StructureId, id: &str) -> Result<bool, DbError> {
    let done = sqlx::query("UPDATE stat_links SET revoked_at = $1 WHERE id = $2 AND structure_id = $3 AND revoked_at IS NULL")
        .bind(now())
        .bind(id)
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The structure a live link opens.
pub async fn structure_of(db: &Db, token: &str) -> Result<Option<StructureId>, DbError> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT structure_id FROM stat_links WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(tokens::hash(token))
    .fetch_optional(db.read())
    .await?;
    Ok(id.map(StructureId::stored))
}

/// Migration 15: the links kept in clear before it move to `stat_links` as hashes (they
/// keep working), and the old table goes.
pub async fn hash_old_links(tx: &mut Tx) -> Result<(), DbError> {
    let rows = sqlx::query(
        "SELECT token, structure_id, created_by, created_at, revoked_at FROM stat_shares",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in &rows {
        insert(
            tx,
            &text(r, "token")?,
            &db::structure_id(r, "structure_id")?,
            &text(r, "created_by")?,
            db::int(r, "created_at")?,
            db::opt_int(r, "revoked_at")?,
        )
        .await?;
    }
    sqlx::query("DROP TABLE stat_shares")
        .execute(&mut **tx)
        .await?;
    Ok(())
}
