//! The rows of segments: saved filters of the member file.

use super::filter::Filter;
use crate::db::{self, now, text, Db, DbError, Tx};
use crate::tenancy::StructureId;

#[derive(Debug, Clone)]
pub struct Segment {
    pub id: String,
    pub name: String,
    pub filter: Filter,
}

pub async fn all(db: &Db, structure_id: &StructureId) -> Result<Vec<Segment>, DbError> {
    let rows = sqlx::query(
        "SELECT id, name, filter FROM segments WHERE structure_id = $1 ORDER BY name, id",
    )
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok::<_, DbError>(Segment {
                id: text(r, "id")?,
                name: text(r, "name")?,
                filter: Filter::from_query(&text(r, "filter")?),
            })
        })
        .collect::<Result<_, DbError>>()
}

pub async fn get_one(
    db: &Db,
    structure_id: &StructureId,
    id: &str,
) -> Result<Option<Segment>, DbError> {
    Ok(all(db, structure_id)
        .await?
        .into_iter()
        .find(|s| s.id == id))
}

pub async fn insert(
    tx: &mut Tx,
    sid: &StructureId,
    name: &str,
    filter: &Filter,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO segments (id, structure_id, name, filter, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
        .bind(db::new_id())
        .bind(sid)
        .bind(name)
        .bind(filter.to_query())
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn update(
    tx: &mut Tx,
    sid: &StructureId,
    id: &str,
    name: &str,
    filter: &Filter,
) -> Result<(), DbError> {
    sqlx::query("UPDATE segments SET name = $1, filter = $2, updated_at = $3 WHERE id = $4 AND structure_id = $5")
        .bind(name)
        .bind(filter.to_query())
        .bind(now())
        .bind(id)
        .bind(sid)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes a segment of the structure; false when it is not one of its segments.
pub async fn delete(tx: &mut Tx, sid: &StructureId, id: &str) -> Result<bool, DbError> {
    let done = sqlx::query("DELETE FROM segments WHERE id = $1 AND structure_id = $2")
        .bind(id)
        .bind(sid)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
