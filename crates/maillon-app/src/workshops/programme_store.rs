//! The rows of programmes: a title, a text, and the sessions grouped under it.

use crate::db::{self, now, text, Db, DbError, Tx};
use crate::tenancy::StructureId;

pub struct ProgrammeInfo {
    pub id: String,
    pub structure_id: String,
    pub title: String,
    pub description: String,
}

pub async fn get_programme(db: &Db, id: &str) -> Result<Option<ProgrammeInfo>, DbError> {
    let row =
        sqlx::query("SELECT id, structure_id, title, description FROM programmes WHERE id = $1")
            .bind(id)
            .fetch_optional(db.read())
            .await?;
    row.map(|r| {
        Ok::<_, DbError>(ProgrammeInfo {
            id: text(&r, "id")?,
            structure_id: text(&r, "structure_id")?,
            title: text(&r, "title")?,
            description: text(&r, "description")?,
        })
    })
    .transpose()
}

/// The structure's programmes, newest first (for the staff's list).
pub async fn of_structure(db: &Db, sid: &StructureId) -> Result<Vec<(String, String)>, DbError> {
    let rows = sqlx::query(
        "SELECT id, title FROM programmes WHERE structure_id = $1 ORDER BY created_at DESC",
    )
    .bind(sid)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| Ok::<_, DbError>((text(r, "id")?, text(r, "title")?)))
        .collect::<Result<_, DbError>>()
}

/// A new programme of the structure with its sessions; its id.
pub async fn insert(
    tx: &mut Tx,
    sid: &StructureId,
    title: &str,
    description: &str,
    sessions: &[String],
) -> Result<String, DbError> {
    let id = db::new_id();
    sqlx::query("INSERT INTO programmes (id, structure_id, title, description, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.clone())
        .bind(sid)
        .bind(title)
        .bind(description)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    for session in sessions {
        sqlx::query("INSERT INTO programme_sessions (programme_id, session_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id.clone())
            .bind(session.clone())
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}
