//! Passwords: argon2id hashes, computed off the async threads, and the rules a new
//! password must follow (CNIL: at least 12 characters; not one of the most common).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LENGTH: usize = 12;

fn hasher() -> Argon2<'static> {
    // OWASP's recommended argon2id settings: 19 MiB, 2 passes, 1 lane.
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params"),
    )
}

pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Checks a password against a stored hash. With no hash (unknown account) a dummy
/// hash is still checked, so that the answer takes the same time either way.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        let ok = PasswordHash::new(&stored)
            .is_ok_and(|h| hasher().verify_password(password.as_bytes(), &h).is_ok());
        ok && known
    })
    .await
    .unwrap_or(false)
}

/// Hash of a random password nobody knows, with the same settings as real hashes.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Jq0q2hWfPSx8sVwYb6Ue2f3G2mJkQ1J7mYyO0m2bq8c";

/// Most common passwords of 12 characters or more (French and international leaks).
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456123456",
    "azertyuiopqs",
    "azertyuiop12",
    "azertyuiop123",
    "qwertyuiop12",
    "qwertyuiop123",
    "motdepasse12",
    "motdepasse123",
    "motdepasse1234",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "iloveyou1234",
    "jetaime123456",
    "jetaimejetaime",
    "soleilsoleil",
    "bonjour12345",
    "bonjourbonjour",
    "marseille13013",
    "azerty123456",
    "azertyazerty",
    "qwertyqwerty",
    "111111111111",
    "000000000000",
    "abcdefghijkl",
    "abcdef123456",
    "1q2w3e4r5t6y",
    "qazwsxedcrfv",
    "motdepassemotdepasse",
    "administrateur",
    "administrator",
    "maillon12345",
    "centresocial",
    "centresocial1",
    "mediatheque1",
    "changezmoi123",
    "changeme1234",
    "welcome12345",
    "bienvenue123",
    "bienvenue1234",
    "123412341234",
    "987654321098",
    "football1234",
    "liverpool1234",
];

/// The French message for a password that does not follow the rules, if any.
pub fn check_new(password: &str, confirmation: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!("Le mot de passe doit contenir au moins {MIN_LENGTH} caractères (il en a {length}). Une phrase facile à retenir convient très bien."));
    }
    if length > 256 {
        return Some("Le mot de passe est trop long (256 caractères au plus).".into());
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next().unwrap_or(' ');
    if COMMON.contains(&lower.as_str()) || lower.chars().all(|c| c == first) {
        return Some("Ce mot de passe est trop courant : choisissez-en un autre.".into());
    }
    if password != confirmation {
        return Some("Les deux mots de passe ne sont pas identiques.".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_for_new_passwords() {
        assert!(check_new("court", "court")
            .unwrap()
            .contains("12 caractères"));
        assert!(check_new("azertyuiop123", "azertyuiop123")
            .unwrap()
            .contains("trop courant"));
        assert!(check_new("aaaaaaaaaaaaaa", "aaaaaaaaaaaaaa")
            .unwrap()
            .contains("trop courant"));
        assert!(check_new("une phrase de passe", "une autre phrase")
            .unwrap()
            .contains("identiques"));
        assert_eq!(
            check_new("une phrase de passe", "une phrase de passe"),
            None
        );
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let h = hash("une phrase de passe".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("une phrase de passe".into(), Some(h.clone())).await);
        assert!(!verify("autre chose".into(), Some(h)).await);
        assert!(!verify("une phrase de passe".into(), None).await);
    }
}
