//! Figures as spreadsheets: a read that answers JSON may also answer CSV or an Excel workbook
//! (XLSX), chosen by `Accept` or by `?format=`. The table is cut from the very JSON the read
//! answers — each column a field of its rows — so a spreadsheet shows exactly the JSON's
//! figures. Workbooks are written with `rust_xlsxwriter`.

use crate::problem::{ApiError, ProblemCode};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserializer, Serialize};
use serde_json::Value;

/// The media type of CSV answers.
pub const CSV: &str = "text/csv; charset=utf-8";
/// The media type of an Excel workbook.
pub const XLSX: &str = crate::upload::XLSX;

/// A format an export is answered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    /// The format for a `format=` value: `json`, `csv` or `xlsx`.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }
}

/// `format=json|csv|xlsx` (400 for anything else).
///
/// # Errors
/// `invalid_value`.
pub fn format_param<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Format>, D::Error> {
    crate::query::code(d, Format::parse).map(Some)
}

/// The formats offered, for a 406.
const OFFERED: &str = "application/json, text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The format to answer in: `format=` when given, else the best of `Accept` (JSON when the
/// header is missing, names `*/*`, or ties).
///
/// # Errors
/// 406 `not_acceptable` when `Accept` names none of the three.
pub fn negotiate(req: &HttpRequest, param: Option<Format>) -> Result<Format, ApiError> {
    if let Some(f) = param {
        return Ok(f);
    }
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(Format::Json);
    };
    if accept.trim().is_empty() {
        return Ok(Format::Json);
    }
    let mut best: Option<(f32, Format)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let media = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        let format = match media.as_str() {
            "application/json" | "application/problem+json" | "application/*" | "*/*" => Format::Json,
            "text/csv" | "text/*" => Format::Csv,
            m if m == XLSX => Format::Xlsx,
            _ => continue,
        };
        if best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, format));
        }
    }
    best.map(|(_, f)| f).ok_or_else(|| ApiError::Status {
        status: StatusCode::NOT_ACCEPTABLE,
        code: ProblemCode::NotAcceptable,
        detail: format!("This figure is offered as {OFFERED}, or pick one with `format=json|csv|xlsx`."),
    })
}

/// A table cut from JSON rows: a header of column names and the rows' values.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// The `columns` of each row (a dotted name reaches into a nested object, e.g.
    /// `outside_work.district`); a missing field is an empty cell.
    #[must_use]
    pub fn of(columns: &[&str], rows: &[Value]) -> Self {
        let cell = |row: &Value, column: &str| -> Value {
            column.split('.').try_fold(row, |v, k| v.get(k)).cloned().unwrap_or(Value::Null)
        };
        Self {
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: rows.iter().map(|r| columns.iter().map(|c| cell(r, c)).collect()).collect(),
        }
    }

    /// Adds more rows, cut by the same columns.
    pub fn extend(&mut self, rows: &[Value]) {
        let columns: Vec<String> = self.columns.clone();
        for r in rows {
            self.rows.push(
                columns
                    .iter()
                    .map(|c| c.split('.').try_fold(r, |v, k| v.get(k)).cloned().unwrap_or(Value::Null))
                    .collect(),
            );
        }
    }
}

/// The array `key` of a JSON object (empty when absent).
#[must_use]
pub fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// The `format` query parameter's documentation, shared by the exports.
pub const FORMAT_DOC: &str = "`json` (the default), `csv` or `xlsx`: the answer's format, instead of `Accept`.";

/// One CSV field: numbers as JSON writes them, `true`/`false`, text quoted when it must be.
fn csv_field(v: &Value) -> String {
    let text = match v {
        Value::Null => return String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r', ';']) || text.starts_with(['=', '+', '-', '@']) && v.is_string() {
        // Quoted, and a leading formula sign made inert, so that a spreadsheet shows the text.
        let safe = if text.starts_with(['=', '+', '-', '@']) && v.is_string() { format!("'{text}") } else { text };
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        text
    }
}

/// The table as CSV: UTF-8 with a byte-order mark (so that Excel reads Cyrillic right), `,`
/// between fields, CRLF line ends, a header row.
#[must_use]
pub fn to_csv(table: &Table) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    out.push_str(&table.columns.join(","));
    out.push_str("\r\n");
    for row in &table.rows {
        out.push_str(&row.iter().map(csv_field).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// The table as a workbook of one sheet named `sheet`: numbers as numbers, `true`/`false` as
/// booleans, the header in bold and frozen.
///
/// # Errors
/// A server fault when the workbook cannot be written.
pub fn to_xlsx(table: &Table, sheet: &str) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format as Style, Workbook};
    let fault = |e: rust_xlsxwriter::XlsxError| ApiError::bug(format!("writing a workbook: {e}"));
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    // A sheet's name has at most 31 characters.
    ws.set_name(sheet.chars().take(31).collect::<String>()).map_err(fault)?;
    let bold = Style::new().set_bold();
    for (c, name) in table.columns.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| ApiError::bug("too many columns"))?;
        ws.write_string_with_format(0, c, name, &bold).map_err(fault)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| ApiError::bug("too many rows"))?;
        for (c, v) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| ApiError::bug("too many columns"))?;
            match v {
                Value::Null => {}
                Value::Bool(b) => {
                    ws.write_boolean(r, c, *b).map_err(fault)?;
                }
                Value::Number(n) => {
                    ws.write_number(r, c, n.as_f64().unwrap_or_default()).map_err(fault)?;
                }
                Value::String(s) => {
                    ws.write_string(r, c, s).map_err(fault)?;
                }
                other => {
                    ws.write_string(r, c, other.to_string()).map_err(fault)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(fault)?;
    book.save_to_buffer().map_err(fault)
}

/// Answers `view` as JSON, or its table (made by `table` from the view's JSON) as CSV or XLSX,
/// with a file name for downloads.
///
/// # Errors
/// A server fault when the view cannot be serialised or the workbook written.
pub fn respond<T: Serialize>(
    format: Format,
    view: &T,
    file: &str,
    table: impl FnOnce(&Value) -> Table,
) -> Result<HttpResponse, ApiError> {
    if format == Format::Json {
        return Ok(HttpResponse::Ok().json(view));
    }
    let value = serde_json::to_value(view).map_err(|e| ApiError::bug(format!("serialising an export: {e}")))?;
    let table = table(&value);
    let (body, media, ext) = match format {
        Format::Csv => (to_csv(&table), CSV, "csv"),
        _ => (to_xlsx(&table, file)?, XLSX, "xlsx"),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, media))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.{ext}\"")))
        .insert_header((header::VARY, "Accept"))
        .body(body))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn a_table_takes_the_named_fields_of_each_row_nested_ones_by_a_dotted_name() {
        let rows = [json!({"a": 1, "b": {"c": "x"}}), json!({"a": 2.5, "b": null})];
        let t = Table::of(&["a", "b.c"], &rows);
        assert_eq!(t.rows, vec![vec![json!(1), json!("x")], vec![json!(2.5), Value::Null]]);
    }

    #[test]
    fn csv_quotes_what_it_must_and_disarms_formulas() {
        let t = Table { columns: vec!["n".into(), "s".into()], rows: vec![vec![json!(92.5), json!("=1+1, \"x\"")]] };
        let text = String::from_utf8(to_csv(&t)).unwrap();
        assert_eq!(text, "\u{feff}n,s\r\n92.5,\"'=1+1, \"\"x\"\"\"\r\n");
    }
}
