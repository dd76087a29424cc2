//! SMS text in the GSM-7 alphabet (3GPP TS 23.038): a message in it holds 160 characters,
//! while a single character outside it turns the whole message into UCS-2, 70 characters
//! a part, more than twice the price. French text mostly fits: é, è, à, ù, É and Ç are in
//! it; the other accented letters, curly quotes and dashes are replaced by their nearest
//! GSM-7 equivalent.

/// The basic GSM-7 character set (one septet each).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                     ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: two septets each (an escape, then the character).
const EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// Single-part and per-part lengths in septets (a long message carries a header per part).
const SINGLE: usize = 160;
const PER_PART: usize = 153;

fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The nearest GSM-7 text for a character outside the alphabet.
fn replacement(c: char) -> &'static str {
    match c {
        'á' | 'â' | 'ã' => "a",
        'À' | 'Á' | 'Â' | 'Ã' => "A",
        'ç' => "c",
        'ê' | 'ë' => "e",
        'È' | 'Ê' | 'Ë' => "E",
        'í' | 'î' | 'ï' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ó' | 'ô' | 'õ' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' => "O",
        'ú' | 'û' => "u",
        'Ù' | 'Ú' | 'Û' => "U",
        'ý' | 'ÿ' => "y",
        'œ' => "oe",
        'Œ' => "OE",
        '’' | '‘' | '`' | '´' => "'",
        '“' | '”' | '«' | '»' => "\"",
        '–' | '—' | '‐' | '−' => "-",
        '…' => "...",
        '\u{a0}' | '\u{202f}' | '\t' => " ",
        '°' => "o",
        _ => "?",
    }
}

/// `text` with every character outside GSM-7 replaced; spaces that French typography puts
/// before « ; : ! ? » are kept (they are ordinary spaces once replaced).
pub fn to_gsm7(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if septets(c).is_some() {
            out.push(c);
        } else {
            out.push_str(replacement(c));
        }
    }
    out
}

/// How many SMS parts a GSM-7 text takes.
pub fn parts(text: &str) -> usize {
    let length: usize = text.chars().map(|c| septets(c).unwrap_or(1)).sum();
    if length <= SINGLE {
        1
    } else {
        length.div_ceil(PER_PART)
    }
}

/// How many septets a GSM-7 text has beyond `max_parts` parts (0 when it fits).
pub fn excess(text: &str, max_parts: usize) -> usize {
    let length: usize = text.chars().map(|c| septets(c).unwrap_or(1)).sum();
    let budget = if max_parts == 1 {
        SINGLE
    } else {
        PER_PART * max_parts
    };
    length.saturating_sub(budget)
}

/// Shortens a GSM-7 text to at most `max_parts` parts, ending with "...".
pub fn fit(text: &str, max_parts: usize) -> String {
    if parts(text) <= max_parts {
        return text.to_string();
    }
    let budget = if max_parts == 1 {
        SINGLE
    } else {
        PER_PART * max_parts
    } - 3;
    let mut used = 0;
    let mut out = String::new();
    for c in text.chars() {
        used += septets(c).unwrap_or(1);
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push_str("...");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_stays_in_gsm7() {
        assert_eq!(
            to_gsm7("Atelier « Démarches » : à 14 h, ça commence, venez tôt… l’été"),
            "Atelier \" Démarches \" : à 14 h, ca commence, venez tot... l'été"
        );
        assert_eq!(to_gsm7("Œuvre — île"), "OEuvre - ile");
        assert_eq!(to_gsm7("emoji 😀"), "emoji ?");
        let all = to_gsm7("ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜàâäçéèêëîïôöùûü€");
        assert!(all.chars().all(|c| septets(c).is_some()), "{all}");
    }

    #[test]
    fn parts_count_septets() {
        assert_eq!(parts(&"a".repeat(160)), 1);
        assert_eq!(parts(&"a".repeat(161)), 2);
        assert_eq!(parts(&"a".repeat(306)), 2);
        assert_eq!(parts(&"a".repeat(307)), 3);
        // The euro sign takes two septets.
        assert_eq!(parts(&"€".repeat(80)), 1);
        assert_eq!(parts(&"€".repeat(81)), 2);
        let long = "mot ".repeat(100);
        assert_eq!(parts(&fit(&long, 2)), 2);
        assert!(fit(&long, 1).ends_with("..."));
        assert_eq!(fit("court", 1), "court");
    }
}
