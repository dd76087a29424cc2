//! What a file really is, read from its first bytes (and, for office documents, from the
//! names inside their zip), never from its name alone: a file whose content does not match
//! its extension is refused.

use std::io::Cursor;

/// A kind of file we accept.
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    /// The extensions it may carry; the first is the one we give it.
    pub extensions: &'static [&'static str],
    pub content_type: &'static str,
    /// How a person calls it: "un document PDF".
    pub label: &'static str,
    pub image: bool,
}

const fn kind(
    extensions: &'static [&'static str],
    content_type: &'static str,
    label: &'static str,
    image: bool,
) -> Kind {
    Kind {
        extensions,
        content_type,
        label,
        image,
    }
}

pub const JPEG: Kind = kind(&["jpg", "jpeg"], "image/jpeg", "une image JPEG", true);
pub const PNG: Kind = kind(&["png"], "image/png", "une image PNG", true);
pub const WEBP: Kind = kind(&["webp"], "image/webp", "une image WebP", true);
pub const PDF: Kind = kind(&["pdf"], "application/pdf", "un document PDF", false);
pub const ODT: Kind = kind(
    &["odt"],
    "application/vnd.oasis.opendocument.text",
    "un texte OpenDocument (LibreOffice)",
    false,
);
pub const ODS: Kind = kind(
    &["ods"],
    "application/vnd.oasis.opendocument.spreadsheet",
    "un tableur OpenDocument (LibreOffice)",
    false,
);
pub const ODP: Kind = kind(
    &["odp"],
    "application/vnd.oasis.opendocument.presentation",
    "une présentation OpenDocument (LibreOffice)",
    false,
);
pub const DOCX: Kind = kind(
    &["docx"],
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "un document Word",
    false,
);
pub const XLSX: Kind = kind(
    &["xlsx"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "un classeur Excel",
    false,
);
pub const PPTX: Kind = kind(
    &["pptx"],
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "une présentation PowerPoint",
    false,
);
pub const MP3: Kind = kind(&["mp3"], "audio/mpeg", "un son MP3", false);
pub const MP4: Kind = kind(&["mp4", "m4v"], "video/mp4", "une vidéo MP4", false);
pub const TEXT: Kind = kind(
    &["txt", "md"],
    "text/plain; charset=utf-8",
    "un texte",
    false,
);
pub const CSV: Kind = kind(&["csv"], "text/csv; charset=utf-8", "un tableau CSV", false);

/// What a downloadable file block accepts.
pub const DOCUMENTS: &[&Kind] = &[
    &PDF, &ODT, &ODS, &ODP, &DOCX, &XLSX, &PPTX, &MP3, &MP4, &TEXT, &CSV, &JPEG, &PNG, &WEBP,
];
/// What an image block or a cover accepts.
pub const IMAGES: &[&Kind] = &[&JPEG, &PNG, &WEBP];

/// "PDF, ODT, …": for the forms' hints and messages.
pub fn extensions_text(kinds: &[&Kind]) -> String {
    kinds
        .iter()
        .flat_map(|k| k.extensions.iter().take(1))
        .map(|e| e.to_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The kind of `bytes`, among every kind we know, whatever its name says.
pub fn detect(bytes: &[u8]) -> Option<&'static Kind> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(&JPEG)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(&PNG)
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(&WEBP)
    } else if starts(b"%PDF-") {
        Some(&PDF)
    } else if starts(b"PK\x03\x04") {
        zipped(bytes)
    } else if bytes.get(4..8) == Some(b"ftyp") {
        // Brands of phones' HEIC photos are not MP4 videos.
        let brand = bytes.get(8..12).unwrap_or_default();
        (!matches!(brand, b"heic" | b"heix" | b"mif1" | b"msf1" | b"avif")).then_some(&MP4)
    } else if starts(b"ID3") || (bytes.len() > 1 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0) {
        Some(&MP3)
    } else if is_text(bytes) {
        Some(&TEXT)
    } else {
        None
    }
}

/// Whether `bytes` look like a phone's HEIC photo (a common surprise: said apart).
pub fn is_heic(bytes: &[u8]) -> bool {
    bytes.get(4..8) == Some(b"ftyp")
        && matches!(
            bytes.get(8..12).unwrap_or_default(),
            b"heic" | b"heix" | b"mif1" | b"msf1"
        )
}

/// Office documents are zips: OpenDocument names its type in a `mimetype` entry, Office
/// Open XML has its parts in `word/`, `xl/` or `ppt/`.
fn zipped(bytes: &[u8]) -> Option<&'static Kind> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if let Ok(mut entry) = archive.by_name("mimetype") {
        let mut mimetype = String::new();
        std::io::Read::read_to_string(&mut entry, &mut mimetype).ok()?;
        return [&ODT, &ODS, &ODP]
            .into_iter()
            .find(|k| k.content_type == mimetype.trim());
    }
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.to_string())
        .collect();
    if !names.iter().any(|n| n == "[Content_Types].xml") {
        return None;
    }
    let has = |folder: &str| names.iter().any(|n| n.starts_with(folder));
    if has("word/") {
        Some(&DOCX)
    } else if has("xl/") {
        Some(&XLSX)
    } else if has("ppt/") {
        Some(&PPTX)
    } else {
        None
    }
}

/// UTF-8 text without NUL bytes (a text file or a CSV).
fn is_text(bytes: &[u8]) -> bool {
    !bytes.is_empty() && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()
}

/// The lower-case extension of a file name, "" without one.
pub fn extension(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_lowercase(),
        _ => String::new(),
    }
}

/// The kind of an upload named `name`, among `allowed`, or the reason it is refused, in
/// French for the person who sent it.
pub fn check(name: &str, bytes: &[u8], allowed: &[&'static Kind]) -> Result<&'static Kind, String> {
    let ext = extension(name);
    let expected = allowed
        .iter()
        .find(|k| k.extensions.contains(&ext.as_str()));
    let Some(expected) = expected else {
        if is_heic(bytes) || ext == "heic" {
            return Err("Les photos HEIC de l'iPhone ne sont pas acceptées : choisissez « JPEG » dans Réglages > Appareil photo > Formats, ou envoyez-la par e-mail, qui la convertit.".into());
        }
        let shown = if ext.is_empty() {
            "sans extension".to_string()
        } else {
            format!(".{ext}")
        };
        return Err(format!(
            "Les fichiers {shown} ne sont pas acceptés. Formats possibles : {}.",
            extensions_text(allowed)
        ));
    };
    let found = detect(bytes);
    // A CSV is text; a text file may be named .csv.
    let matches = match found {
        Some(k) => *k == **expected || (k == &TEXT && **expected == CSV),
        None => false,
    };
    if matches {
        Ok(expected)
    } else {
        Err(format!(
            "« {name} » porte l'extension .{ext} mais son contenu n'est pas {} : il a peut-être été renommé. Enregistrez-le de nouveau au bon format.",
            expected.label
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Some(&PDF));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n...."), Some(&PNG));
        assert_eq!(detect(b"Nom;Prenom\nDupont;Jean\n"), Some(&TEXT));
        assert_eq!(detect(b"MZ\x90\x00\x03\x00"), None);
        assert!(check("fiche.pdf", b"%PDF-1.4", DOCUMENTS).is_ok());
        assert!(check("liste.csv", b"a;b\n1;2\n", DOCUMENTS).is_ok());
        let renamed = check("fiche.pdf", b"MZ\x90\x00programme", DOCUMENTS).unwrap_err();
        assert!(renamed.contains("n'est pas un document PDF"), "{renamed}");
        let exe = check("jeu.exe", b"MZ\x90\x00", DOCUMENTS).unwrap_err();
        assert!(
            exe.contains("Les fichiers .exe ne sont pas acceptés"),
            "{exe}"
        );
        let pdf_as_image = check("photo.jpg", b"%PDF-1.4", IMAGES).unwrap_err();
        assert!(pdf_as_image.contains("une image JPEG"), "{pdf_as_image}");
        let heic = check("IMG_0001.HEIC", b"\0\0\0\x18ftypheic....", IMAGES).unwrap_err();
        assert!(heic.contains("HEIC"), "{heic}");
    }

    #[test]
    fn office_documents_are_told_apart() {
        use std::io::Write;
        let make = |entries: &[(&str, &str)]| {
            let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
            for (name, content) in entries {
                w.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                w.write_all(content.as_bytes()).unwrap();
            }
            w.finish().unwrap().into_inner()
        };
        let odt = make(&[("mimetype", "application/vnd.oasis.opendocument.text")]);
        assert_eq!(detect(&odt), Some(&ODT));
        let docx = make(&[
            ("[Content_Types].xml", "<x/>"),
            ("word/document.xml", "<x/>"),
        ]);
        assert_eq!(detect(&docx), Some(&DOCX));
        let plain_zip = make(&[("notes.txt", "bonjour")]);
        assert_eq!(detect(&plain_zip), None);
        assert!(check("atelier.docx", &odt, DOCUMENTS).is_err());
    }
}
