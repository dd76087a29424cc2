//! Where uploaded files' bytes live: a folder on the local disk (default), or an
//! S3-compatible object store when several app servers share the files (decision 0013).
//!
//! The database keeps what a file is (name, type, size, who may read it); the storage
//! only keeps bytes under a random key.

use std::path::{Path, PathBuf};

use super::s3::S3;

#[derive(Debug)]
pub struct StorageError(pub String);

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "stockage des fichiers : {}", self.0)
    }
}

/// The storage interface: put, get and delete bytes by key.
pub enum Storage {
    Disk(PathBuf),
    S3(S3),
}

impl Storage {
    /// The configured storage: an S3-compatible bucket, or a folder.
    pub fn from_config(config: &crate::config::Config) -> Storage {
        let storage = match &config.s3 {
            Some(s3) => Storage::S3(S3::new(s3)),
            None => Storage::Disk(config.files_dir.clone()),
        };
        tracing::info!(storage = %storage.describe(), "uploaded files");
        storage
    }

    pub fn describe(&self) -> String {
        match self {
            Storage::Disk(dir) => format!("dossier {}", dir.display()),
            Storage::S3(s3) => s3.describe(),
        }
    }

    pub async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        check_key(key)?;
        match self {
            Storage::Disk(dir) => write_file(&dir.join(key), bytes).await,
            Storage::S3(s3) => s3.put(key, bytes, content_type).await,
        }
    }

    /// The bytes under `key`; `None` when there are none.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        check_key(key)?;
        match self {
            Storage::Disk(dir) => match tokio::fs::read(dir.join(key)).await {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(StorageError(e.to_string())),
            },
            Storage::S3(s3) => s3.get(key).await,
        }
    }

    /// Deletes `key`; deleting what is not there is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        check_key(key)?;
        match self {
            Storage::Disk(dir) => match tokio::fs::remove_file(dir.join(key)).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(StorageError(e.to_string()))
                }
                _ => Ok(()),
            },
            Storage::S3(s3) => s3.delete(key).await,
        }
    }
}

/// Keys are made by `new_key`: hexadecimal, one folder level, an extension. Anything else
/// (`..`, an absolute path) is refused before it reaches a disk or a bucket.
fn check_key(key: &str) -> Result<(), StorageError> {
    let ok = !key.is_empty()
        && key.len() <= 100
        && !key.starts_with('/')
        && !key.contains("..")
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '-'));
    if ok {
        Ok(())
    } else {
        Err(StorageError(format!("clé refusée : {key}")))
    }
}

/// A new random key, "3f/3fa9…c1.jpg": nothing in it comes from the uploaded name, and
/// it cannot be guessed.
pub fn new_key(extension: &str) -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    let name = crate::accounts::tokens::hex(&bytes);
    format!("{}/{name}.{extension}", &name[..2])
}

/// Writes through a temporary file renamed into place, so a reader never sees half a file.
async fn write_file(path: &Path, bytes: Vec<u8>) -> Result<(), StorageError> {
    let err = |e: std::io::Error| StorageError(e.to_string());
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await.map_err(err)?;
    }
    let partial = path.with_extension("partiel");
    tokio::fs::write(&partial, bytes).await.map_err(err)?;
    tokio::fs::rename(&partial, path).await.map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_safe() {
        let a = new_key("jpg");
        let b = new_key("jpg");
        assert_ne!(a, b);
        assert!(check_key(&a).is_ok());
        assert_eq!(&a[..2], &a[3..5]);
        assert!(check_key("../etc/passwd").is_err());
        assert!(check_key("/etc/passwd").is_err());
        assert!(check_key("a/b c.jpg").is_err());
    }

    #[tokio::test]
    async fn disk_keeps_and_forgets_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::Disk(dir.path().to_path_buf());
        let key = new_key("txt");
        storage
            .put(&key, b"bonjour".to_vec(), "text/plain")
            .await
            .unwrap();
        assert_eq!(storage.get(&key).await.unwrap().unwrap(), b"bonjour");
        storage.delete(&key).await.unwrap();
        assert!(storage.get(&key).await.unwrap().is_none());
        storage.delete(&key).await.unwrap();
    }
}
