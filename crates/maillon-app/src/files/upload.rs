//! Forms that may carry files: read whole, text fields as a `FormData`, files kept in
//! memory up to the configured size. A file over the size is not an error page: its field
//! gets a message and everything typed is shown back.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;

use crate::app::AppState;
use crate::web::error::AppError;
use crate::web::forms::FormData;

/// Beyond this a request is cut off rather than read to its end (see `read`).
pub const BODY_CAP: usize = 256 * 1024 * 1024;

pub struct Upload {
    pub field: String,
    /// The name the person's computer gave it (only shown back, never used as a path).
    pub name: String,
    pub bytes: Vec<u8>,
    /// More than the size limit was sent: `bytes` is empty.
    pub too_big: bool,
}

impl Upload {
    /// Bytes that come from elsewhere than a form (an archive, the demo), to go through
    /// the same checks.
    pub fn named(name: &str, bytes: Vec<u8>) -> Upload {
        Upload {
            field: "file".into(),
            name: name.into(),
            bytes,
            too_big: false,
        }
    }

    /// The same, marked as over the size limit (its bytes dropped).
    pub fn too_big(mut self, too_big: bool) -> Upload {
        self.too_big = too_big;
        self
    }
}

pub struct UploadForm {
    pub form: FormData,
    pub files: Vec<Upload>,
}

impl UploadForm {
    /// The file sent in `field`, if one was chosen.
    pub fn file(&self, field: &str) -> Option<&Upload> {
        self.files.iter().find(|f| f.field == field)
    }
}

impl FromRequest<AppState> for UploadForm {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let form = FormData::from_request(req, state).await?;
            return Ok(UploadForm {
                form,
                files: Vec::new(),
            });
        }
        let multipart = Multipart::from_request(req, state).await.map_err(|_| {
            AppError::BadRequest("Ce formulaire n'a pas été envoyé correctement.".into())
        })?;
        read(multipart, state.config.upload_max_bytes).await
    }
}

/// Reads every field. A file over `max_bytes` is read to its end and dropped, so that the
/// browser gets our page rather than a cut connection.
pub async fn read(mut multipart: Multipart, max_bytes: usize) -> Result<UploadForm, AppError> {
    let cut = || {
        AppError::BadRequest("L'envoi a été interrompu ou dépasse la taille permise : recommencez avec un fichier plus petit.".into())
    };
    let mut pairs = Vec::new();
    let mut files = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| cut())? {
        let name = field.name().unwrap_or_default().to_string();
        let Some(file_name) = field.file_name().map(str::to_string) else {
            let value = field.text().await.map_err(|_| cut())?;
            // FormData cleans names and values of control characters.
            pairs.push((name, value));
            continue;
        };
        let mut bytes = Vec::new();
        let mut too_big = false;
        while let Some(chunk) = field.chunk().await.map_err(|_| cut())? {
            if too_big || bytes.len() + chunk.len() > max_bytes {
                too_big = true;
                bytes = Vec::new();
            } else {
                bytes.extend_from_slice(&chunk);
            }
        }
        // An empty file input sends a part without a name and without bytes.
        if file_name.is_empty() && bytes.is_empty() && !too_big {
            continue;
        }
        files.push(Upload {
            field: name,
            name: file_name,
            bytes,
            too_big,
        });
    }
    Ok(UploadForm {
        form: FormData::from_pairs(pairs),
        files,
    })
}

/// "10 Mo".
pub fn megabytes(bytes: usize) -> String {
    format!("{} Mo", bytes / (1024 * 1024))
}
