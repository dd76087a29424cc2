//! The queries of the rate limits (decision 0017).

use crate::db::{self, DbError, Tx};

/// Takes the lock of a key for the rest of `tx`: a second request counting the same key
/// waits here until the first one commits, on PostgreSQL (row lock of the upsert) as on
/// SQLite (one writer at a time).
pub async fn lock_key(tx: &mut Tx, scope: &str, key_hash: &str, at: i64) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO limit_keys (scope, key_hash, touched_at) VALUES ($1, $2, $3) \
         ON CONFLICT (scope, key_hash) DO UPDATE SET touched_at = excluded.touched_at",
    )
    .bind(scope)
    .bind(key_hash)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn count_since(
    tx: &mut Tx,
    scope: &str,
    key_hash: &str,
    since: i64,
) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM limit_hits WHERE scope = $1 AND key_hash = $2 AND at > $3",
    )
    .bind(scope)
    .bind(key_hash)
    .bind(since)
    .fetch_one(&mut **tx)
    .await?)
}

/// The instant of the oldest hit still counted, to say when the next one is allowed.
pub async fn oldest_since(
    tx: &mut Tx,
    scope: &str,
    key_hash: &str,
    since: i64,
) -> Result<Option<i64>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT MIN(at) FROM limit_hits WHERE scope = $1 AND key_hash = $2 AND at > $3",
    )
    .bind(scope)
    .bind(key_hash)
    .bind(since)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn insert_hit(
    tx: &mut Tx,
    scope: &str,
    key_hash: &str,
    at: i64,
) -> Result<String, DbError> {
    let id = db::new_id();
    sqlx::query("INSERT INTO limit_hits (id, scope, key_hash, at) VALUES ($1, $2, $3, $4)")
        .bind(id.clone())
        .bind(scope)
        .bind(key_hash)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

pub async fn delete_hit(tx: &mut Tx, id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM limit_hits WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn clear_key(tx: &mut Tx, scope: &str, key_hash: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM limit_hits WHERE scope = $1 AND key_hash = $2")
        .bind(scope)
        .bind(key_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Forgets what no rule counts any more (the longest window is a day).
pub async fn purge(tx: &mut Tx, before: i64) -> Result<(), DbError> {
    sqlx::query("DELETE FROM limit_hits WHERE at < $1")
        .bind(before)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM limit_keys WHERE touched_at < $1")
        .bind(before)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
