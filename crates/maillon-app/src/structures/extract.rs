//! The tenancy check as an extractor (ARCHITECTURE invariant 1): a handler that takes a
//! `StructureAccess<R>` cannot run unless the signed-in person passed rule `R` for the
//! structure of the path's `{sid}` — the check is in the signature, not a line to remember.
//! As crates.io's `CratePath`, it reads the path itself; it answers 404 (or sends to the
//! sign-in page) before the handler starts.

use std::future::Future;
use std::marker::PhantomData;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use super::Access;
use crate::accounts::model::CurrentUser;
use crate::app::AppState;
use crate::web::error::AppError;

/// Who may enter a structure's pages for a given job (each capability defines its own).
pub trait Rule: Send + Sync + 'static {
    fn check<'a>(
        state: &'a AppState,
        user: &'a CurrentUser,
        sid: &'a str,
    ) -> impl Future<Output = Result<Access, AppError>> + Send + 'a;
}

/// Declares a [`Rule`] that runs an access function `fn(&AppState, &CurrentUser, &str)
/// -> Result<Access, AppError>`: `access_rule!(Recorder, recorder_access, "doc");`.
#[macro_export]
macro_rules! access_rule {
    ($(#[$doc:meta])* $vis:vis $name:ident => $check:path) => {
        $(#[$doc])*
        $vis struct $name;

        impl $crate::structures::extract::Rule for $name {
            fn check<'a>(
                state: &'a $crate::app::AppState,
                user: &'a $crate::accounts::model::CurrentUser,
                sid: &'a str,
            ) -> impl std::future::Future<
                Output = Result<$crate::structures::Access, $crate::web::error::AppError>,
            > + Send
                   + 'a {
                $check(state, user, sid)
            }
        }
    };
}

crate::access_rule!(
    /// Any member of the structure, or the network's coordination ([`super::access`]).
    pub Member => super::access
);
crate::access_rule!(
    /// One of the structure's own admins ([`super::admin_access`]).
    pub Admin => super::admin_access
);

/// The proof that the signed-in person passed rule `R` in the path's structure.
pub struct StructureAccess<R: Rule> {
    pub access: Access,
    pub user: CurrentUser,
    rule: PhantomData<R>,
}

impl<R: Rule> FromRequestParts<AppState> for StructureAccess<R> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let sid = params
            .iter()
            .find(|(name, _)| *name == "sid")
            .map(|(_, value)| value.to_string())
            .ok_or(AppError::NotFound)?;
        let access = R::check(state, &user, &sid).await?;
        Ok(StructureAccess {
            access,
            user,
            rule: PhantomData,
        })
    }
}
