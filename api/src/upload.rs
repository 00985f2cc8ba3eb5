//! An uploaded table — a CSV file or an Excel workbook (XLSX) — as the whole body or as the part
//! `file` of a form, and its reading into rows by the domain's table rules. The workbook is
//! opened with `calamine`; its first sheet's cells become text, and the rows are numbered as
//! the sheet numbers them, so a problem's `line` is the row a person sees in Excel.

use crate::extract::payload_error;
use crate::problem::{ApiError, ProblemCode};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use std::future::Future;
use std::pin::Pin;
use usul_domain::table::{Problem, Row, problem, read_csv, read_grid};

/// The media type of an Excel workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The media types an import takes, for a 415.
const TAKEN: &str = "text/csv; charset=utf-8, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, or multipart/form-data with a part `file`";

/// What the upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

/// An uploaded table: its bytes and what they are.
#[derive(Debug)]
pub struct TableBody {
    pub bytes: web::Bytes,
    pub format: Format,
}

/// A workbook is a ZIP archive: it starts with a local file header.
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

impl FromRequest for TableBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let mime = req.mime_type().ok().flatten();
        let csv = mime.as_ref().is_some_and(|m| {
            m.subtype() == "csv" && m.get_param("charset").is_none_or(|c| c.as_str().eq_ignore_ascii_case("utf-8"))
        });
        let xlsx = mime.as_ref().is_some_and(|m| m.essence_str() == XLSX);
        let form = mime.as_ref().is_some_and(|m| m.type_() == "multipart" && m.subtype() == "form-data");
        let limit = req.app_data::<web::Data<AppState>>().map_or(262_144, |s| s.settings.max_body_bytes);
        if form {
            let mut parts = actix_multipart::Multipart::new(req.headers(), payload.take());
            return Box::pin(async move {
                use futures_util::StreamExt;
                let malformed = |detail: String| ApiError::BadRequest {
                    code: ProblemCode::MalformedMultipart,
                    detail,
                    errors: Vec::new(),
                };
                while let Some(part) = parts.next().await {
                    let mut part = part.map_err(|e| malformed(format!("the multipart body could not be read: {e}")))?;
                    if part.name() != Some("file") {
                        continue;
                    }
                    let mut bytes = web::BytesMut::new();
                    while let Some(chunk) = part.next().await {
                        let chunk = chunk.map_err(|e| malformed(format!("the part `file` could not be read: {e}")))?;
                        if bytes.len() + chunk.len() > limit {
                            return Err(ApiError::PayloadTooLarge { limit });
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    let bytes = bytes.freeze();
                    // A form part's own type is often missing or generic: the bytes tell.
                    let format = if is_zip(&bytes) { Format::Xlsx } else { Format::Csv };
                    return Ok(Self { bytes, format });
                }
                Err(malformed("the form has no part named `file`".into()))
            });
        }
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !csv && !xlsx {
                return Err(ApiError::UnsupportedMediaType(TAKEN));
            }
            let bytes = bytes.await.map_err(|e| payload_error(&e, limit))?;
            if bytes.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            if xlsx && !is_zip(&bytes) {
                return Err(ApiError::Rule {
                    code: ProblemCode::FileTypeMismatch,
                    detail: "the body is sent as an XLSX workbook but is not one".into(),
                    extra: Some(serde_json::json!({ "declared": XLSX })),
                });
            }
            Ok(Self { bytes, format: if xlsx { Format::Xlsx } else { Format::Csv } })
        })
    }
}

impl TableBody {
    /// The rows of the table, by the domain's rules, whichever the format.
    ///
    /// # Errors
    /// Every problem, each with its line and column.
    pub fn rows(&self, columns: &[&'static str], required: &[&'static str]) -> Result<Vec<Row>, Vec<Problem>> {
        match self.format {
            Format::Csv => read_csv(&self.bytes, columns, required),
            Format::Xlsx => {
                let (header, rows) = sheet(&self.bytes)?;
                read_grid(header, rows, columns, required)
            }
        }
    }
}

/// A grid's header (its line and names) and its rows.
type Grid = ((usize, Vec<String>), Vec<(usize, Option<Vec<String>>)>);

/// The first sheet of a workbook as text cells: the first row with anything in it is the
/// header; rows are numbered as the sheet numbers them.
fn sheet(bytes: &[u8]) -> Result<Grid, Vec<Problem>> {
    use calamine::{Data, Reader, Xlsx};
    let broken =
        |e: &dyn std::fmt::Display| vec![problem(0, None, "not_xlsx", format!("the workbook cannot be read: {e}"))];
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).map_err(|e| broken(&e))?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| broken(&e))?,
        None => return Err(vec![problem(0, None, "empty", "the workbook has no sheet".to_owned())]),
    };
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let text = |c: &Data| -> String {
        match c {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_owned(),
            // Numbers typed into a sheet are floats: a whole one is written as a whole number.
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            other => other.to_string().trim().to_owned(),
        }
    };
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i + 1, cells.iter().map(text).collect::<Vec<String>>()))
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let Some(header) = rows.next() else {
        return Err(vec![problem(0, None, "empty", "the sheet has no header and no rows".to_owned())]);
    };
    let width = header.1.len();
    let body = rows
        .map(|(line, mut cells)| {
            // A sheet is as wide as its widest row: cells past the header's last column must
            // be empty, and are dropped.
            if cells.len() > width && cells[width..].iter().all(String::is_empty) {
                cells.truncate(width);
            }
            (line, Some(cells))
        })
        .collect();
    Ok((header, body))
}
