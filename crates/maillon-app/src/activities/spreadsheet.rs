//! Spreadsheets people import (XLSX from Excel, ODS from LibreOffice, old XLS), turned
//! into the CSV text the importers already read: the first sheet, one line per row, so
//! that "line N" in the preview is row N of the spreadsheet.

use axum::extract::Multipart;
use calamine::{open_workbook_auto_from_rs, Data, Reader};

use super::vocab::Choice;
use crate::validate::search_key;

/// An imported table: its column titles (as search keys: no case, no accents) and its
/// non-empty rows with their line numbers in the file.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    /// The column whose title is one of `names` (search keys).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| names.contains(&h.as_str()))
    }
}

/// The most rows an import reads: a large centre's file, with room to spare. Reading and
/// checking them takes a few seconds (docs/benchmarks.md, "Imports").
pub const MAX_ROWS: usize = 50_000;

/// The lines of a preview worth a row on the page: the wrong ones when there are (the
/// first [`PREVIEW_ROWS`]), else the first ones; and how many are left out. A file of
/// 40,000 rows makes a page a browser opens, not one of 10 megabytes.
pub fn preview_rows<T>(lines: Vec<T>, is_wrong: impl Fn(&T) -> bool) -> (Vec<T>, usize) {
    let total = lines.len();
    let any_wrong = lines.iter().any(&is_wrong);
    let shown: Vec<T> = lines
        .into_iter()
        .filter(|l| !any_wrong || is_wrong(l))
        .take(PREVIEW_ROWS)
        .collect();
    let left = if any_wrong { 0 } else { total - shown.len() };
    (shown, left)
}

pub const PREVIEW_ROWS: usize = 300;

/// Reads CSV text (UTF-8, commas or semicolons); a French message when it cannot. Cells
/// are cleaned of control characters like any form field.
pub fn read_table(bytes: &[u8]) -> Result<Table, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| "Le fichier n'est pas encodé en UTF-8. Dans votre tableur, enregistrez-le au format « CSV UTF-8 ».".to_string())?;
    let first = text.lines().next().unwrap_or("");
    // Spreadsheets in French save CSV with semicolons; others with commas.
    let separator = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| "La première ligne (les titres des colonnes) est illisible.".to_string())?
        .iter()
        .map(search_key)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        if rows.len() == MAX_ROWS {
            return Err(format!(
                "Le fichier a plus de {} {:03} lignes : coupez-le en plusieurs fichiers et importez-les l'un après l'autre.",
                MAX_ROWS / 1000,
                MAX_ROWS % 1000
            ));
        }
        let record = record.map_err(|e| {
            format!(
                "Ligne {} : illisible (guillemets mal fermés ?).",
                e.position().map(|p| p.line()).unwrap_or(0)
            )
        })?;
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let number = record.position().map(|p| p.line()).unwrap_or(0);
        rows.push((
            number,
            record
                .iter()
                .map(|v| crate::web::forms::clean_text(v.trim()))
                .collect(),
        ));
    }
    Ok(Table { headers, rows })
}

/// The file of an import form (field `file`), as CSV text: spreadsheets are converted.
pub async fn read_upload(mut multipart: Multipart, max_bytes: usize) -> Result<Vec<u8>, String> {
    let mut file = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            match field.bytes().await {
                Ok(b) if b.len() <= max_bytes => file = b.to_vec(),
                _ => {
                    return Err(format!(
                        "Le fichier dépasse {} Mo.",
                        max_bytes / (1024 * 1024)
                    ))
                }
            }
        }
    }
    if file.is_empty() {
        return Err("Choisissez un fichier (XLSX, ODS ou CSV).".into());
    }
    if is_spreadsheet(&file) {
        // Unzipping and reading a workbook is heavy: off the async workers.
        return crate::heavy::IMPORTS
            .run(move || to_csv(&file).map(String::into_bytes))
            .await;
    }
    Ok(file)
}

/// A label of a vocabulary ("Retraité") or its code, to the code; "?value" when unknown.
pub fn code_of(list: &[Choice], value: &str) -> String {
    let key = search_key(value);
    list.iter()
        .find(|(code, label)| {
            search_key(label) == key
                || *code == value
                || search_key(label).starts_with(&key) && !key.is_empty()
        })
        .map(|(code, _)| code.to_string())
        .unwrap_or_else(|| {
            if value.trim().is_empty() {
                String::new()
            } else {
                format!("?{value}")
            }
        })
}

/// A phone a spreadsheet took for a number lost its leading 0 (0477123456 → 477123456).
pub fn phone_cell(value: &str) -> String {
    if value.len() == 9 && value.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{value}")
    } else {
        value.to_string()
    }
}

/// XLSX and ODS are ZIP archives; XLS is an OLE compound file.
pub fn is_spreadsheet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0")
}

/// The first sheet as CSV with semicolons; a French message when the file cannot be read.
pub fn to_csv(bytes: &[u8]) -> Result<String, String> {
    let unreadable = || {
        "Le tableur est illisible. Enregistrez-le au format XLSX, ODS ou « CSV UTF-8 », puis réessayez."
            .to_string()
    };
    let mut book =
        open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or_else(|| "Le tableur ne contient aucune feuille.".to_string())?
        .map_err(|_| unreadable())?;
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_writer(Vec::new());
    // Rows above the first one used stay as empty lines: numbers match the sheet's.
    let first_row = sheet.start().map(|(row, _)| row).unwrap_or(0);
    for _ in 0..first_row {
        out.write_record([""]).map_err(|_| unreadable())?;
    }
    for row in sheet.rows() {
        out.write_record(row.iter().map(cell_text))
            .map_err(|_| unreadable())?;
    }
    let bytes = out.into_inner().map_err(|_| unreadable())?;
    String::from_utf8(bytes).map_err(|_| unreadable())
}

/// A cell as people read it: 1948 rather than 1948.0; line breaks become spaces so that
/// one row stays one line.
fn cell_text(cell: &Data) -> String {
    let text = match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "oui" } else { "non" }.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    };
    text.replace(['\r', '\n'], " ")
}

/// Excel counts days from 1899-12-30.
fn excel_date(serial: f64) -> String {
    jiff::civil::date(1899, 12, 30)
        .checked_add(jiff::Span::new().days(serial.floor() as i64))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_people_typed_them() {
        assert_eq!(cell_text(&Data::Float(1948.0)), "1948");
        assert_eq!(
            cell_text(&Data::String("Ligne 1\nLigne 2".into())),
            "Ligne 1 Ligne 2"
        );
        assert_eq!(excel_date(17533.0), "1948-01-01");
        assert!(!is_spreadsheet(b"Nom;Prenom"));
        assert!(to_csv(b"PK\x03\x04 not really")
            .unwrap_err()
            .contains("illisible"));
    }
}
