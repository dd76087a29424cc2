//! Uploaded files: checked (size, type read from the content), images re-encoded, kept
//! under random keys in a `Storage` (local disk or S3-compatible), described in the
//! `stored_files` table. Who may read a file is decided by what it belongs to (a resource
//! today). See docs/decisions/0013-files.md.

pub mod images;
pub mod s3;
pub mod samples;
pub mod sniff;
pub mod storage;
pub mod upload;

use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};
use crate::tenancy::StructureId;
use sniff::Kind;
pub use storage::Storage;
use upload::Upload;

#[derive(Clone, Debug, Default)]
pub struct StoredFile {
    pub id: String,
    pub structure_id: String,
    pub resource_id: String,
    pub key: String,
    /// The name given on download.
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

impl StoredFile {
    /// A file known by its id only: what a block needs to point to it.
    pub fn recorded(id: String) -> StoredFile {
        StoredFile {
            id,
            ..StoredFile::default()
        }
    }

    pub fn url(&self) -> String {
        format!("/fichiers/{}", self.id)
    }

    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }

    /// "350 Ko", "1,2 Mo".
    pub fn size_label(&self) -> String {
        size_label(self.size_bytes)
    }

    /// "PDF", "DOCX": what the download link says.
    pub fn format_label(&self) -> String {
        sniff::extension(&self.name).to_uppercase()
    }
}

pub fn size_label(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} Ko", (bytes + 1023) / 1024)
    } else {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        format!("{},{} Mo", tenths / 10, tenths % 10)
    }
}

/// A checked upload, ready to be stored.
pub struct Prepared {
    pub name: String,
    pub kind: &'static Kind,
    pub bytes: Vec<u8>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// [`prepare`] for a request: off the async workers, in turn with other images
/// (`heavy::IMAGES`).
pub async fn prepare_in_turn(
    upload: &Upload,
    allowed: &'static [&'static Kind],
    max_bytes: usize,
) -> Result<Prepared, String> {
    let upload = Upload::named(&upload.name, upload.bytes.clone()).too_big(upload.too_big);
    crate::heavy::IMAGES
        .run(move || prepare(&upload, allowed, max_bytes))
        .await
}

/// Checks an upload against the size limit and the kinds `allowed`; images are re-encoded.
/// The error is the French message to show next to the field.
pub fn prepare(
    upload: &Upload,
    allowed: &[&'static Kind],
    max_bytes: usize,
) -> Result<Prepared, String> {
    if upload.too_big {
        return Err(format!(
            "Ce fichier dépasse {} : réduisez-le (ou déposez-le ailleurs et ajoutez un bloc « Lien »).",
            upload::megabytes(max_bytes)
        ));
    }
    if upload.bytes.is_empty() {
        return Err("Ce fichier est vide.".into());
    }
    let kind = sniff::check(&upload.name, &upload.bytes, allowed)?;
    let name = clean_name(&upload.name);
    if !kind.image {
        return Ok(Prepared {
            name,
            kind,
            bytes: upload.bytes.clone(),
            width: None,
            height: None,
        });
    }
    let image = images::reencode(&upload.bytes)?;
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&name);
    Ok(Prepared {
        name: format!("{stem}.{}", image.kind.extensions[0]),
        kind: image.kind,
        bytes: image.bytes,
        width: Some(image.width),
        height: Some(image.height),
    })
}

/// The last part of a name sent by a browser, without control characters, 120 at most.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .collect();
    let count = cleaned.chars().count();
    if count <= 120 {
        return cleaned;
    }
    // Keep the extension when shortening.
    let ext = sniff::extension(&cleaned);
    let keep: String = cleaned.chars().take(110).collect();
    format!("{keep}….{ext}")
}

/// Puts the bytes in storage under a new key. Done before the database transaction that
/// records the file: a failed transaction leaves an unused object, never a row without
/// bytes.
pub async fn put(storage: &Storage, prepared: &Prepared) -> Result<String, storage::StorageError> {
    let key = storage::new_key(prepared.kind.extensions[0]);
    storage
        .put(&key, prepared.bytes.clone(), prepared.kind.content_type)
        .await?;
    Ok(key)
}

/// Records a stored file belonging to a resource; returns its id.
pub async fn insert(
    tx: &mut Tx,
    structure_id: &StructureId,
    resource_id: &str,
    key: &str,
    prepared: &Prepared,
) -> Result<String, DbError> {
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO stored_files (id, structure_id, resource_id, storage_key, name, content_type, size_bytes, width, height, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id.clone())
    .bind(structure_id)
    .bind(resource_id)
    .bind(key)
    .bind(prepared.name.clone())
    .bind(prepared.kind.content_type)
    .bind(prepared.bytes.len() as i64)
    .bind(prepared.width.map(i64::from))
    .bind(prepared.height.map(i64::from))
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// A second record of the same bytes for another resource (an adaptation's copy): the
/// bytes are shared, and deleted with their last record.
pub async fn share(
    tx: &mut Tx,
    file_id: &str,
    structure_id: &StructureId,
    resource_id: &str,
) -> Result<Option<String>, DbError> {
    let id = db::new_id();
    let done = sqlx::query(
        "INSERT INTO stored_files (id, structure_id, resource_id, storage_key, name, content_type, size_bytes, width, height, created_at) \
         SELECT $1, $2, $3, storage_key, name, content_type, size_bytes, width, height, $4 FROM stored_files WHERE id = $5",
    )
    .bind(id.clone())
    .bind(structure_id)
    .bind(resource_id)
    .bind(now())
    .bind(file_id)
    .execute(&mut **tx)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

const COLUMNS: &str = "id, structure_id, COALESCE(resource_id, '') AS resource_id, storage_key, name, content_type, size_bytes, width, height";

fn from_row(row: &AnyRow) -> Result<StoredFile, DbError> {
    Ok(StoredFile {
        id: text(row, "id")?,
        structure_id: text(row, "structure_id")?,
        resource_id: text(row, "resource_id")?,
        key: text(row, "storage_key")?,
        name: text(row, "name")?,
        content_type: text(row, "content_type")?,
        size_bytes: db::int(row, "size_bytes")?,
        width: db::opt_int(row, "width")?,
        height: db::opt_int(row, "height")?,
    })
}

pub async fn get(db: &Db, id: &str) -> Result<Option<StoredFile>, DbError> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM stored_files WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.read())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The files of a resource, by id.
pub async fn of_resource(db: &Db, resource_id: &str) -> Result<Vec<StoredFile>, DbError> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM stored_files WHERE resource_id = $1 ORDER BY id"
    ))
    .bind(resource_id)
    .fetch_all(db.read())
    .await?
    .iter()
    .map(from_row)
    .collect::<Result<_, DbError>>()
}

/// Deletes a file's record (if there is one); returns its storage key, to `release` after
/// the commit.
pub async fn remove(tx: &mut Tx, id: Option<&str>) -> Result<Option<String>, DbError> {
    let Some(id) = id else { return Ok(None) };
    let key: Option<String> =
        sqlx::query_scalar("SELECT storage_key FROM stored_files WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    sqlx::query("DELETE FROM stored_files WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(key)
}

/// The storage keys of a resource's files (before deleting the resource, whose deletion
/// removes the records).
pub async fn keys_of_resource(tx: &mut Tx, resource_id: &str) -> Result<Vec<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT storage_key FROM stored_files WHERE resource_id = $1")
            .bind(resource_id)
            .fetch_all(&mut **tx)
            .await?,
    )
}

/// After a commit that removed records: deletes the bytes no record uses any more. A
/// storage failure is logged, not shown: the person's change is done.
pub async fn release(db: &Db, storage: &Storage, keys: Vec<String>) {
    for key in keys {
        let used: Result<i64, _> =
            sqlx::query_scalar("SELECT COUNT(*) FROM stored_files WHERE storage_key = $1")
                .bind(key.clone())
                .fetch_one(db.read())
                .await;
        if let Ok(0) = used {
            if let Err(e) = storage.delete(&key).await {
                tracing::warn!(error = %e, "a file no longer used could not be deleted");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_label(2_000), "2 Ko");
        assert_eq!(size_label(1_300_000), "1,2 Mo");
    }

    #[test]
    fn names_are_cleaned_not_trusted() {
        assert_eq!(clean_name("C:\\Users\\Karim\\fiche.pdf"), "fiche.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        let long = format!("{}.pdf", "a".repeat(200));
        let short = clean_name(&long);
        assert!(short.ends_with(".pdf") && short.chars().count() < 120);
    }
}
