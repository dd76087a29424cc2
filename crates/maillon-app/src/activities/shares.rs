//! Public links to a structure's statistics: unguessable, revocable, aggregates only.

use crate::db::{self, now, text, Db, DbError, Tx};

pub struct Share {
    pub token: String,
    pub created_by: String,
    pub created_at: i64,
}

pub async fn create(tx: &mut Tx, structure_id: &str, created_by: &str) -> Result<String, DbError> {
    let token = crate::accounts::tokens::new_token();
    sqlx::query("INSERT INTO stat_shares (token, structure_id, created_by, created_at) VALUES ($1, $2, $3, $4)")
        .bind(token.clone())
        .bind(structure_id)
        .bind(created_by)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(token)
}

pub async fn active(db: &Db, structure_id: &str) -> Result<Vec<Share>, DbError> {
    let rows = sqlx::query("SELECT token, created_by, created_at FROM stat_shares WHERE structure_id = $1 AND revoked_at IS NULL ORDER BY created_at")
        .bind(structure_id)
        .fetch_all(db.read())
        .await?;
    Ok(rows
        .iter()
        .map(|r| Share {
            token: text(r, "token"),
            created_by: text(r, "created_by"),
            created_at: db::int(r, "created_at"),
        })
        .collect())
}

/// Ends a link of this structure; false when it is not one of its links.
pub async fn revoke(tx: &mut Tx, structure_id: &str, token: &str) -> Result<bool, DbError> {
    let done = sqlx::query("UPDATE stat_shares SET revoked_at = $1 WHERE token = $2 AND structure_id = $3 AND revoked_at IS NULL")
        .bind(now())
        .bind(token)
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The structure a live link opens.
pub async fn structure_of(db: &Db, token: &str) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT structure_id FROM stat_shares WHERE token = $1 AND revoked_at IS NULL",
    )
    .bind(token)
    .fetch_optional(db.read())
    .await?)
}
