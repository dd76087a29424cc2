//! The rows of what colleagues say of a resource: reviews and uses.

use crate::db::{self, now, text, Db, DbError, Tx};

/// One answer, as the resource's page shows it.
pub struct Review {
    pub user_id: String,
    pub name: String,
    pub rating: i64,
    pub comment: String,
}

impl Review {
    pub fn label(&self) -> &'static str {
        super::vocab::rating_label(self.rating)
    }
}

pub async fn reviews(db: &Db, resource_id: &str) -> Result<Vec<Review>, DbError> {
    sqlx::query(
        "SELECT v.user_id, u.name, v.rating, v.comment FROM resource_reviews v JOIN users u ON u.id = v.user_id \
         WHERE v.resource_id = $1 ORDER BY v.updated_at DESC",
    )
    .bind(resource_id)
    .fetch_all(db.read())
    .await?
    .iter()
    .map(|r| Ok::<_, DbError>(Review {
        user_id: text(r, "user_id")?,
        name: text(r, "name")?,
        rating: db::int(r, "rating")?,
        comment: text(r, "comment")?,
    }))
    .collect::<Result<_, DbError>>()
}

/// Whether `user_id` said they used the resource.
pub async fn has_used(db: &Db, resource_id: &str, user_id: &str) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM resource_uses WHERE resource_id = $1 AND user_id = $2",
    )
    .bind(resource_id)
    .bind(user_id)
    .fetch_one(db.read())
    .await?;
    Ok(n > 0)
}

/// Records the person's answer, or changes it.
pub async fn save_review(
    tx: &mut Tx,
    resource_id: &str,
    user_id: &str,
    rating: i64,
    comment: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO resource_reviews (resource_id, user_id, rating, comment, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (resource_id, user_id) DO UPDATE SET rating = $3, comment = $4, updated_at = $5",
    )
    .bind(resource_id)
    .bind(user_id)
    .bind(rating)
    .bind(comment)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// "J'ai utilisé cette ressource", or taking it back.
pub async fn toggle_used(tx: &mut Tx, resource_id: &str, user_id: &str) -> Result<(), DbError> {
    let removed = sqlx::query("DELETE FROM resource_uses WHERE resource_id = $1 AND user_id = $2")
        .bind(resource_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    if removed.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO resource_uses (resource_id, user_id, used_at) VALUES ($1, $2, $3)",
        )
        .bind(resource_id)
        .bind(user_id)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
