//! Random secrets: session cookies and e-mailed links. Only their SHA-256 is stored.

use sha2::{Digest, Sha256};

/// 32 random bytes, as 64 hexadecimal characters.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    hex(&bytes)
}

pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the outbox and the SMS log show of a message: every link that carries a secret
/// (a token of [`new_token`], 64 hexadecimal characters, or an abridged one) replaced by
/// "lien personnel masqué". Such a link is its recipient's only: whoever holds it acts
/// in their name.
pub fn mask_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("http") {
        out.push_str(&rest[..start]);
        let link = &rest[start..];
        let end = link
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''))
            .unwrap_or(link.len());
        let (url, after) = link.split_at(end);
        if carries_secret(url) {
            out.push_str(MASKED);
        } else {
            out.push_str(url);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

pub const MASKED: &str = "[lien personnel masqué]";

/// A path segment of 32 hexadecimal characters or more, or one already abridged with "…".
fn carries_secret(url: &str) -> bool {
    url.split(['/', '?', '=', '&', '#']).any(|segment| {
        (segment.len() >= 32 && segment.bytes().all(|b| b.is_ascii_hexdigit()))
            || segment.ends_with('…')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_links_are_masked_and_others_kept() {
        let token = new_token();
        let text = format!("Ouvrez https://m.test/reinitialiser/{token} (valable une heure) ou https://m.test/ateliers.\nLien : http://m.test/mes-donnees/{token}");
        let masked = mask_links(&text);
        assert!(!masked.contains(&token), "{masked}");
        assert_eq!(masked.matches(MASKED).count(), 2, "{masked}");
        assert!(masked.contains("https://m.test/ateliers."), "{masked}");
        assert!(masked.contains("(valable une heure)"), "{masked}");
    }
}
