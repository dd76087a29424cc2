//! Spreadsheets people import (XLSX from Excel, ODS from LibreOffice, old XLS), turned
//! into the CSV text the importers already read: the first sheet, one line per row, so
//! that "line N" in the preview is row N of the spreadsheet.

use calamine::{open_workbook_auto_from_rs, Data, Reader};

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
