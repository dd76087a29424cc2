//! Tables sent as files: CSV streamed as rows are produced, XLSX written row by row into
//! a temporary file (constant memory) and then streamed. Neither holds a whole export.

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use rust_xlsxwriter::{Format, Workbook};
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;

use crate::web::error::AppError;

pub type Row = Vec<String>;
pub type Rows = mpsc::Sender<Row>;

/// Rows travel from the database to the file through a small buffer.
pub fn channel() -> (Rows, mpsc::Receiver<Row>) {
    mpsc::channel(512)
}

fn attachment(filename: &str, content_type: &'static str) -> [(header::HeaderName, String); 2] {
    [
        (header::CONTENT_TYPE, content_type.to_string()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ),
    ]
}

fn csv_bytes(rows: &[Row]) -> Bytes {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        for cell in r {
            let _ = w.write_field(inert(cell).as_bytes());
        }
        // Ends the record of the fields just written.
        let _ = w.write_record(None::<&[u8]>);
    }
    Bytes::from(w.into_inner().unwrap_or_default())
}

/// A CSV cell a spreadsheet will not run: one that starts like a formula (`=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading apostrophe, as OWASP advises — a name
/// typed on a public form as `=HYPERLINK(…)` must reach the staff's spreadsheet as text.
/// A plain number (`-3`, `+33612345678`, `-1,55`) is left as it is: it computes nothing.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let starts_like_formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let plain_number = {
        let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
        digits.starts_with(|c: char| c.is_ascii_digit())
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | ','))
    };
    if starts_like_formula && !plain_number {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A CSV (UTF-8, comma-separated) streamed while `rows` fill.
pub fn csv_response(filename: &str, header: &[&str], rows: mpsc::Receiver<Row>) -> Response {
    let first = csv_bytes(&[header.iter().map(|h| h.to_string()).collect()]);
    let body = stream::unfold((Some(first), rows), |(first, mut rows)| async move {
        if let Some(first) = first {
            return Some((Ok::<_, std::io::Error>(first), (None, rows)));
        }
        let row = rows.recv().await?;
        let mut batch = vec![row];
        while batch.len() < 500 {
            match rows.try_recv() {
                Ok(r) => batch.push(r),
                Err(_) => break,
            }
        }
        Some((Ok(csv_bytes(&batch)), (None, rows)))
    });
    (
        attachment(filename, "text/csv; charset=utf-8"),
        Body::from_stream(body),
    )
        .into_response()
}

/// An XLSX workbook of one sheet, written as rows arrive, then sent.
pub async fn xlsx_response(
    filename: &str,
    sheet: &str,
    header: &[&str],
    rows: mpsc::Receiver<Row>,
) -> Result<Response, AppError> {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let sheet = sheet.to_string();
    let file = tokio::task::spawn_blocking(move || write_xlsx(&sheet, &header, rows))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let reader = tokio::fs::File::open(file.path())
        .await
        .map_err(AppError::internal)?;
    // The temporary file lives as long as the stream that reads it.
    let body = stream::unfold((reader, file), |(mut reader, file)| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match reader.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), (reader, file)))
            }
            Err(e) => Some((Err(e), (reader, file))),
        }
    });
    Ok((
        attachment(
            filename,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        Body::from_stream(body),
    )
        .into_response())
}

fn write_xlsx(
    sheet: &str,
    header: &[String],
    mut rows: mpsc::Receiver<Row>,
) -> Result<tempfile::NamedTempFile, String> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let worksheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(|e| e.to_string())?;
    worksheet.set_name(sheet).map_err(|e| e.to_string())?;
    for (c, h) in header.iter().enumerate() {
        worksheet
            .write_string_with_format(0, c as u16, h, &bold)
            .map_err(|e| e.to_string())?;
    }
    let mut r: u32 = 1;
    while let Some(row) = rows.blocking_recv() {
        for (c, value) in row.iter().enumerate() {
            // Whole numbers are written as numbers, so that the sheet can sum them.
            let written = match value.parse::<i64>() {
                Ok(n) if !value.starts_with('0') || value == "0" => {
                    worksheet.write_number(r, c as u16, n as f64)
                }
                _ => worksheet.write_string(r, c as u16, value),
            };
            written.map_err(|e| e.to_string())?;
        }
        r += 1;
    }
    let file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    workbook.save(file.path()).map_err(|e| e.to_string())?;
    Ok(file)
}

/// The file a URL asks for: `csv` streamed, anything else as XLSX.
pub async fn respond(
    format: &str,
    filename: &str,
    sheet: &str,
    header: &[&str],
    rx: tokio::sync::mpsc::Receiver<Row>,
) -> Result<Response, AppError> {
    match format {
        "csv" => Ok(csv_response(&format!("{filename}.csv"), header, rx)),
        _ => xlsx_response(&format!("{filename}.xlsx"), sheet, header, rx).await,
    }
}

/// "csv" or "xlsx"; any other extension is not a file we make (404).
pub fn check_format(format: &str) -> Result<(), AppError> {
    if format == "csv" || format == "xlsx" {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn formulas_become_text_and_numbers_stay() {
        for formula in [
            "=HYPERLINK(\"http://evil\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(inert(formula), format!("'{formula}"));
        }
        for kept in [
            "Rose",
            "-3",
            "+33612345678",
            "-1,55",
            "2026-11-22",
            "a=b",
            "",
        ] {
            assert_eq!(inert(kept), kept);
        }
    }
}
