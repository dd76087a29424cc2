//! The collections' rows: who owns them, their items in order.

use super::model::Resource;
use crate::accounts::model::CurrentUser;
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};

#[derive(Clone, Debug, Default)]
pub struct Collection {
    pub id: String,
    pub user_id: String,
    pub structure_id: String,
    pub structure_name: String,
    pub title: String,
    pub description: String,
    pub favourites: bool,
    pub items: i64,
}

const COLUMNS: &str =
    "c.id, COALESCE(c.user_id, '') AS user_id, COALESCE(c.structure_id, '') AS structure_id, \
    COALESCE(st.name, '') AS structure_name, c.title, c.description, c.favourites, \
    (SELECT COUNT(*) FROM collection_items i WHERE i.collection_id = c.id) AS items \
    FROM collections c LEFT JOIN structures st ON st.id = c.structure_id";

fn from_row(r: &AnyRow) -> Result<Collection, DbError> {
    Ok(Collection {
        id: text(r, "id")?,
        user_id: text(r, "user_id")?,
        structure_id: text(r, "structure_id")?,
        structure_name: text(r, "structure_name")?,
        title: text(r, "title")?,
        description: text(r, "description")?,
        favourites: db::flag(r, "favourites")?,
        items: db::int(r, "items")?,
    })
}

/// The person's collections, then their structures' (favourites first).
pub async fn of_user(db: &Db, user: &CurrentUser) -> Result<Vec<Collection>, DbError> {
    let mut all: Vec<Collection> = sqlx::query(&format!(
        "SELECT {COLUMNS} WHERE c.user_id = $1 ORDER BY c.favourites DESC, c.title"
    ))
    .bind(user.id.clone())
    .fetch_all(db.read())
    .await?
    .iter()
    .map(from_row)
    .collect::<Result<_, DbError>>()?;
    for m in &user.memberships {
        all.extend(
            sqlx::query(&format!(
                "SELECT {COLUMNS} WHERE c.structure_id = $1 ORDER BY c.title"
            ))
            .bind(m.structure_id.clone())
            .fetch_all(db.read())
            .await?
            .iter()
            .map(from_row)
            .collect::<Result<Vec<_>, DbError>>()?,
        );
    }
    Ok(all)
}

/// One collection, whoever owns it (the caller checks who may read it).
pub async fn get(db: &Db, cid: &str) -> Result<Option<Collection>, DbError> {
    sqlx::query(&format!("SELECT {COLUMNS} WHERE c.id = $1"))
        .bind(cid)
        .fetch_optional(db.read())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The resources of a collection that `user` may read, in the collection's order, in two
/// queries whatever their number (a resource made private since stays hidden).
pub async fn readable_items(
    db: &Db,
    user: &CurrentUser,
    cid: &str,
) -> Result<Vec<Resource>, DbError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT resource_id FROM collection_items WHERE collection_id = $1 ORDER BY position, added_at",
    )
    .bind(cid)
    .fetch_all(db.read())
    .await?;
    super::store::readable_in_order(db, Some(user), &ids).await
}

/// Whether the resource is in the person's favourites.
pub async fn is_favourite(db: &Db, user_id: &str, resource_id: &str) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM collection_items i JOIN collections c ON c.id = i.collection_id \
         WHERE c.user_id = $1 AND c.favourites = 1 AND i.resource_id = $2",
    )
    .bind(user_id)
    .bind(resource_id)
    .fetch_one(db.read())
    .await?;
    Ok(n > 0)
}

pub async fn insert(
    tx: &mut Tx,
    owner: (Option<&str>, Option<&str>),
    title: &str,
    description: &str,
    favourites: bool,
) -> Result<String, DbError> {
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO collections (id, user_id, structure_id, title, description, favourites, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(id.clone())
    .bind(owner.0.map(str::to_string))
    .bind(owner.1.map(str::to_string))
    .bind(title)
    .bind(description)
    .bind(i64::from(favourites))
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn delete(tx: &mut Tx, cid: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM collections WHERE id = $1")
        .bind(cid)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Puts a resource at the end of a collection (nothing if it is there already).
pub async fn put(tx: &mut Tx, cid: &str, resource_id: &str) -> Result<(), DbError> {
    let last: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), -1) FROM collection_items WHERE collection_id = $1",
    )
    .bind(cid)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO collection_items (collection_id, resource_id, position, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(cid)
    .bind(resource_id)
    .bind(last + 1)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds to or takes out of the person's favourites (the collection made the first time).
pub async fn toggle_favourite(
    tx: &mut Tx,
    user_id: &str,
    resource_id: &str,
) -> Result<(), DbError> {
    let existing: Option<String> =
        sqlx::query_scalar("SELECT id FROM collections WHERE user_id = $1 AND favourites = 1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    let cid = match existing {
        Some(c) => c,
        None => insert(tx, (Some(user_id), None), "Mes favoris", "", true).await?,
    };
    let removed =
        sqlx::query("DELETE FROM collection_items WHERE collection_id = $1 AND resource_id = $2")
            .bind(cid.clone())
            .bind(resource_id)
            .execute(&mut **tx)
            .await?;
    if removed.rows_affected() == 0 {
        put(tx, &cid, resource_id).await?;
    }
    Ok(())
}

/// What can be done to an item of a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemAction {
    Up,
    Down,
    Remove,
}

impl ItemAction {
    /// The action of a path segment (`monter`, `descendre`, `retirer`).
    pub fn parse(code: &str) -> Option<ItemAction> {
        match code {
            "monter" => Some(ItemAction::Up),
            "descendre" => Some(ItemAction::Down),
            "retirer" => Some(ItemAction::Remove),
            _ => None,
        }
    }
}

/// Moves an item or takes it out, and numbers the others again; false when the resource
/// is not in the collection.
pub async fn change_item(
    tx: &mut Tx,
    cid: &str,
    resource_id: &str,
    action: ItemAction,
) -> Result<bool, DbError> {
    let mut ids: Vec<String> = sqlx::query_scalar(
        "SELECT resource_id FROM collection_items WHERE collection_id = $1 ORDER BY position, added_at",
    )
    .bind(cid)
    .fetch_all(&mut **tx)
    .await?;
    let Some(i) = ids.iter().position(|r| r == resource_id) else {
        return Ok(false);
    };
    match action {
        ItemAction::Up if i > 0 => ids.swap(i, i - 1),
        ItemAction::Down if i + 1 < ids.len() => ids.swap(i, i + 1),
        ItemAction::Up | ItemAction::Down => {}
        ItemAction::Remove => {
            ids.remove(i);
            sqlx::query(
                "DELETE FROM collection_items WHERE collection_id = $1 AND resource_id = $2",
            )
            .bind(cid)
            .bind(resource_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    for (n, r) in ids.iter().enumerate() {
        sqlx::query("UPDATE collection_items SET position = $3 WHERE collection_id = $1 AND resource_id = $2")
            .bind(cid)
            .bind(r.clone())
            .bind(n as i64)
            .execute(&mut **tx)
            .await?;
    }
    Ok(true)
}
