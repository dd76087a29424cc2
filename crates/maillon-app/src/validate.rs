//! Checks of common fields, with the French messages shown next to them.
//! Each returns the value in its stored form (e.g. a phone in international format).

/// An e-mail address: one `@`, something before, a domain with a dot, no spaces.
pub fn email(value: &str) -> Result<String, String> {
    let v = value.trim().to_lowercase();
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v
                    .chars()
                    .any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>')
        }
        None => false,
    };
    if ok && v.len() <= 254 {
        Ok(v)
    } else {
        Err(format!(
            "« {} » n'est pas une adresse e-mail valide (exemple : nom@exemple.fr).",
            value.trim()
        ))
    }
}

/// Whether a name holds something that reads as a web or e-mail address ("www.x.fr",
/// "http://…", "gagnez.com", "a@b"): a public form takes no such name, and a greeting never
/// repeats one, so that nobody can make the centre send a link in its name.
pub fn looks_like_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    if lower.contains("://") || lower.contains("www") || lower.contains('@') || lower.contains('/')
    {
        return true;
    }
    // A dot between two letters, as in a domain ("exemple.fr"); "J. Martin" is a name.
    let chars: Vec<char> = lower.chars().collect();
    chars
        .windows(3)
        .any(|w| w[1] == '.' && w[0].is_alphanumeric() && w[2].is_alphanumeric())
}

/// "Bonjour Rose," — or "Bonjour," when there is no name, or one that reads as a link.
pub fn greeting(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() || looks_like_link(name) {
        "Bonjour,".to_string()
    } else {
        format!("Bonjour {name},")
    }
}

/// A web address starting with http:// or https://.
pub fn url(value: &str) -> Result<String, String> {
    let v = value.trim();
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && rest.split('/').next().is_some_and(|h| h.contains('.') || h.starts_with("localhost")) && !v.chars().any(char::is_whitespace) => Ok(v.to_string()),
        _ => Err(format!("« {v} » n'est pas une adresse web valide : elle doit commencer par https:// (exemple : https://www.exemple.fr).")),
    }
}

/// Overseas national prefixes and their country codes.
const OVERSEAS: &[(&str, &str)] = &[
    ("0590", "+590"),
    ("0690", "+590"),
    ("0594", "+594"),
    ("0694", "+594"),
    ("0262", "+262"),
    ("0692", "+262"),
    ("0693", "+262"),
    ("0269", "+262"),
    ("0639", "+262"),
    ("0596", "+596"),
    ("0696", "+596"),
];

/// The country codes the national standard accepts.
const CODES: &[&str] = &[
    "+33", "+590", "+594", "+262", "+596", "+269", "+687", "+689", "+508", "+681",
];

/// A French phone number, written as people write it (01 23 45 67 89, +33 1…),
/// stored in the international form the standard asks for (+33123456789).
pub fn phone(value: &str) -> Result<String, String> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')' | '\u{a0}'))
        .collect();
    let error = || {
        format!(
            "« {} » n'est pas un numéro de téléphone valide (exemple : 01 23 45 67 89).",
            value.trim()
        )
    };
    let international = if let Some(national) = compact
        .strip_prefix('0')
        .filter(|_| !compact.starts_with("00"))
    {
        if compact.len() != 10 || !national.chars().all(|c| c.is_ascii_digit()) {
            return Err(error());
        }
        match OVERSEAS.iter().find(|(p, _)| compact.starts_with(p)) {
            Some((_, code)) => format!("{code}{national}"),
            None => format!("+33{national}"),
        }
    } else if let Some(rest) = compact.strip_prefix("00") {
        format!("+{rest}")
    } else {
        compact.clone()
    };
    let valid = CODES.iter().any(|code| {
        international.strip_prefix(code).is_some_and(|rest| {
            (6..=9).contains(&rest.len()) && rest.chars().all(|c| c.is_ascii_digit())
        })
    });
    if valid {
        Ok(international)
    } else {
        Err(error())
    }
}

/// Shows a stored phone the French way: +33123456789 → 01 23 45 67 89.
pub fn phone_display(stored: &str) -> String {
    match stored.strip_prefix("+33") {
        Some(rest) if rest.len() == 9 => {
            let digits: Vec<char> = format!("0{rest}").chars().collect();
            digits
                .chunks(2)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join(" ")
        }
        _ => stored.to_string(),
    }
}

/// A French postal code: five digits.
pub fn postal_code(value: &str) -> Result<String, String> {
    let v = value.trim().replace(' ', "");
    if v.len() == 5 && v.chars().all(|c| c.is_ascii_digit()) && v != "00000" {
        Ok(v)
    } else {
        Err(format!(
            "Le code postal « {} » doit compter 5 chiffres (exemple : 42000).",
            value.trim()
        ))
    }
}

/// An INSEE commune code (5 characters, Corsica 2A/2B).
pub fn insee_code(value: &str) -> Result<String, String> {
    let v = value.trim().to_uppercase();
    let b = v.as_bytes();
    let dept_ok = b.len() == 5
        && ((b[0].is_ascii_digit() && b[0] != b'2' && b[1].is_ascii_digit())
            || (b[0] == b'2'
                && (b[1] == b'A' || b[1] == b'B' || (b[1].is_ascii_digit() && b[1] != b'0'))));
    if dept_ok && b[2..].iter().all(u8::is_ascii_digit) {
        Ok(v)
    } else {
        Err(format!(
            "Le code INSEE « {} » doit compter 5 caractères (exemple : 42218).",
            value.trim()
        ))
    }
}

/// Luhn checksum, used by SIREN and SIRET numbers.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap_or(0);
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 {
                    dd - 9
                } else {
                    dd
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The identifier the standard calls "pivot": a SIRET (14 digits, with its checksum)
/// or an RNA number (W followed by 9 characters).
pub fn pivot(value: &str) -> Result<String, String> {
    let v: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let is_siret = v.len() == 14
        && v.chars().all(|c| c.is_ascii_digit())
        // La Poste's establishments use another checksum: the sum of the digits is a multiple of 5.
        && (luhn(&v) || (v.starts_with("356000000") && v.chars().filter_map(|c| c.to_digit(10)).sum::<u32>().is_multiple_of(5)));
    let is_rna =
        v.len() == 10 && v.starts_with('W') && v[1..].chars().all(|c| c.is_ascii_alphanumeric());
    if is_siret || is_rna {
        Ok(v)
    } else {
        Err(format!(
            "« {} » n'est ni un SIRET valide (14 chiffres, voir annuaire-entreprises.data.gouv.fr) ni un numéro RNA (W suivi de 9 caractères).",
            value.trim()
        ))
    }
}

/// Adds the Luhn check digit to 13 digits (used to make demo SIRETs).
pub fn with_luhn_digit(first13: &str) -> String {
    (0..10)
        .map(|d| format!("{first13}{d}"))
        .find(|c| luhn(c))
        .unwrap_or_default()
}

/// Text reduced for searching: lower case, accents removed, spaces folded
/// ("Élodie  DUPRÉ" and "elodie dupre" match).
pub fn search_key(text: &str) -> String {
    let folded: String = text
        .to_lowercase()
        .replace('œ', "oe")
        .replace('æ', "ae")
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            '-' | '\'' | '’' => ' ',
            other => other,
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A decimal number written with a dot or a comma, within bounds.
pub fn decimal(value: &str, min: f64, max: f64, what: &str) -> Result<Option<f64>, String> {
    let v = value.trim().replace(',', ".");
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() && (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "La {what} doit être un nombre entre {min} et {max} (exemple : 45.4397)."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_stored_internationally() {
        assert_eq!(phone("01 80 05 98 80").unwrap(), "+33180059880");
        assert_eq!(phone("+33 6 12 34 56 78").unwrap(), "+33612345678");
        assert_eq!(phone("0590 12 34 56").unwrap(), "+590590123456");
        assert!(phone("0590 12 34 5").unwrap_err().contains("n'est pas"));
        assert_eq!(phone("0262123456").unwrap(), "+262262123456");
        assert!(phone("12345").is_err());
        assert!(phone("bonjour").is_err());
        assert_eq!(phone_display("+33180059880"), "01 80 05 98 80");
    }

    #[test]
    fn names_that_read_as_links_are_not_repeated() {
        for link in [
            "=HYPERLINK(\"http://evil.example\")",
            "www.gagnant",
            "Cliquez gagnez.com",
            "moi@exemple.fr",
            "evil.example/x",
        ] {
            assert!(looks_like_link(link), "{link}");
            assert_eq!(greeting(link), "Bonjour,");
        }
        for name in [
            "J. Martin",
            "Marie-Hélène N'Diaye",
            "Aïcha",
            "M. et Mme Roux",
        ] {
            assert!(!looks_like_link(name), "{name}");
        }
        assert_eq!(greeting(" Rose "), "Bonjour Rose,");
        assert_eq!(greeting(""), "Bonjour,");
    }

    #[test]
    fn siret_and_rna() {
        assert!(pivot("43493312300029").is_ok());
        assert!(pivot("434 933 123 00029").is_ok());
        assert!(pivot("43493312300028").is_err());
        assert!(pivot("W423001234").is_ok());
        assert!(pivot("12345").is_err());
        assert_eq!(with_luhn_digit("4349331230002"), "43493312300029");
    }

    #[test]
    fn search_keys_ignore_case_accents_and_hyphens() {
        assert_eq!(search_key("  Élodie  DUPRÉ-Cœur "), "elodie dupre coeur");
    }

    #[test]
    fn codes_and_addresses() {
        assert!(postal_code("42000").is_ok());
        assert!(postal_code("4200").is_err());
        assert!(insee_code("42218").is_ok());
        assert!(insee_code("2A004").is_ok());
        assert!(insee_code("20004").is_err());
        assert!(email("Nom@Exemple.fr").is_ok());
        assert!(email("nom@exemple").is_err());
        assert!(url("https://www.exemple.fr/").is_ok());
        assert!(url("www.exemple.fr").is_err());
    }
}
