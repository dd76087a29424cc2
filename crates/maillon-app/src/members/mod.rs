//! Members and communication: the member file (households, people, memberships per
//! season), the consent ledger, segments, and the self-service link (decision 0015).
//!
//! A member is a person of the activity log (`beneficiaries`): one record per human.
//! Who sees it: the structure's admins, mediators and welcome desk. The desk never sees
//! the activity log (its history, the mediators' notes), as decision 0008 says.

pub mod consent;
pub mod filter;
pub mod import;
pub mod model;
pub mod routes;
pub mod segment_store;
pub mod segments;
pub mod self_service;
pub mod store;

use crate::accounts::model::{CurrentUser, Role};
use crate::activities::vocab::Choice;
use crate::app::AppState;
use crate::structures::{self, Access};
use crate::web::error::AppError;

/// Access to a structure's member file: 404 for anyone else.
pub async fn member_access(
    state: &AppState,
    user: &CurrentUser,
    sid: &str,
) -> Result<Access, AppError> {
    match user.role_in(sid) {
        Some(Role::StructureAdmin | Role::Mediator | Role::Desk) => {
            structures::access(state, user, sid).await
        }
        _ => Err(AppError::NotFound),
    }
}

crate::access_rule!(
    /// Who keeps the member file (admins, mediators, the desk): [`member_access`] as an
    /// extractor rule.
    pub MemberFile => member_access
);

/// Whether this access may read the activity log of a person (history, mediators' notes).
pub fn sees_activity_log(access: &Access) -> bool {
    matches!(access.role, Some(Role::StructureAdmin | Role::Mediator))
}

/// The season of a date: September to August, written "2026-2027".
pub fn season_of(date: jiff::civil::Date) -> String {
    let year = i64::from(date.year());
    let start = if date.month() >= 9 { year } else { year - 1 };
    format!("{start}-{}", start + 1)
}

/// The centre's sectors a person may be interested in.
pub const SECTORS: &[Choice] = &[
    ("famille", "Famille"),
    ("jeunesse", "Enfance et jeunesse"),
    ("seniors", "Seniors"),
    ("numerique", "Numérique"),
    ("culture", "Culture et loisirs"),
    ("emploi", "Insertion et emploi"),
    ("droits", "Accès aux droits"),
];

/// Languages a person speaks (the most frequent in the centres; others go in the notes).
pub const LANGUAGES: &[Choice] = &[
    ("fr", "Français"),
    ("ar", "Arabe"),
    ("ber", "Tamazight (berbère)"),
    ("en", "Anglais"),
    ("es", "Espagnol"),
    ("pt", "Portugais"),
    ("tr", "Turc"),
    ("ro", "Roumain"),
    ("ru", "Russe"),
    ("uk", "Ukrainien"),
    ("wo", "Wolof"),
    ("lsf", "Langue des signes (LSF)"),
];

pub const CHANNELS: &[Choice] = &[
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("post", "Courrier"),
    ("phone", "Téléphone"),
];

pub const PURPOSES: &[Choice] = &[
    ("news", "Actualités du centre"),
    ("reminders", "Rappels d'ateliers"),
    ("surveys", "Enquêtes"),
    ("photos", "Photos (droit à l'image)"),
];

pub const PAYMENT_MODES: &[Choice] = &[
    ("especes", "Espèces"),
    ("cheque", "Chèque"),
    ("carte", "Carte bancaire"),
    ("virement", "Virement"),
    ("cheque_vacances", "Chèques vacances / Pass"),
    ("gratuit", "Gratuit (exonéré)"),
];

pub const SOURCES: &[Choice] = &[
    ("desk", "À l'accueil"),
    ("paper", "Formulaire papier"),
    ("form", "Formulaire en ligne"),
    ("link", "Lien personnel"),
    ("import", "Import de fichier"),
];

/// Labels of a space-separated list of codes.
pub fn labels(list: &[Choice], codes: &str) -> String {
    codes
        .split_whitespace()
        .map(|c| crate::activities::vocab::label(list, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every route of this capability (`app::router` merges one router per capability).
pub fn router() -> axum::Router<crate::app::AppState> {
    axum::Router::new()
        .merge(routes::routes())
        .merge(import::routes())
        .merge(segments::routes())
        .merge(self_service::routes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn seasons_run_from_september() {
        use jiff::civil::date;
        assert_eq!(super::season_of(date(2026, 9, 1)), "2026-2027");
        assert_eq!(super::season_of(date(2026, 8, 31)), "2025-2026");
        assert_eq!(super::season_of(date(2027, 1, 15)), "2026-2027");
    }
}
