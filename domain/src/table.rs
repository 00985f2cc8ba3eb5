//! Tables that people upload — CSV files and spreadsheet sheets — read by one set of rules: a
//! header naming the columns in any order, one row per line, every problem listed with its line
//! and column rather than the first one alone. The grades import (R-5.5) and the onboarding of
//! staff and subjects read their files through it; a spreadsheet's cells come in as text from
//! the adapter that opens the workbook.

/// One row of an uploaded table, as text, with its line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line in the file (the row of the sheet), 1-based; the header's line comes first.
    pub line: usize,
    /// The fields, named by the header's columns; a column the header does not have is absent.
    pub fields: Vec<(&'static str, String)>,
}

impl Row {
    /// The field of `column`, if the header has that column.
    #[must_use]
    pub fn get(&self, column: &str) -> Option<&str> {
        self.fields.iter().find(|(c, _)| *c == column).map(|(_, v)| v.as_str())
    }
}

/// What is wrong with an uploaded table, with its line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line; 0 for the file as a whole.
    pub line: usize,
    /// The column, when one is to blame.
    pub column: Option<String>,
    /// A stable code: `not_utf8`, `empty`, `missing_column`, `unknown_column`,
    /// `duplicate_column`, `field_count`, `unclosed_quote`, `no_rows`, or one of the rules of
    /// the table's rows.
    pub code: &'static str,
    /// A sentence in English; the API adds the localised title.
    pub message: String,
}

/// A problem at `line` and `column`.
#[must_use]
pub fn problem(line: usize, column: Option<&str>, code: &'static str, message: String) -> Problem {
    Problem { line, column: column.map(str::to_owned), code, message }
}

/// Splits one line on `delim`, honouring double quotes (`""` inside quotes is a quote).
fn split_line(line: &str, delim: char) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (c, false) if c == delim => out.push(std::mem::take(&mut field).trim().to_owned()),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    out.push(field.trim().to_owned());
    Some(out)
}

/// Reads a CSV table: UTF-8 (a byte-order mark is allowed), `;` or `,` as the separator
/// (whichever the header uses), fields may be double-quoted, lines end in LF, CRLF or (old
/// spreadsheets) CR alone. The header names columns of `columns` in any order; each of
/// `required` must be there. Blank lines, and lines of separators only, are skipped. Every
/// problem is listed, not just the first.
///
/// # Errors
/// The list of [`Problem`]s.
pub fn read_csv(bytes: &[u8], columns: &[&'static str], required: &[&'static str]) -> Result<Vec<Row>, Vec<Problem>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut problems = Vec::new();
    let mut lines: Vec<(usize, String)> = Vec::new();
    let newline = if !bytes.contains(&b'\n') && bytes.contains(&b'\r') { b'\r' } else { b'\n' };
    for (i, raw) in bytes.split(|b| *b == newline).enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match std::str::from_utf8(raw) {
            Ok(s) => lines.push((i + 1, s.to_owned())),
            Err(e) => problems.push(problem(
                i + 1,
                None,
                "not_utf8",
                format!("line {} is not UTF-8 (byte {}); save the file as UTF-8", i + 1, e.valid_up_to() + 1),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut lines = lines.into_iter().filter(|(_, l)| l.chars().any(|c| !c.is_whitespace() && c != ';' && c != ','));
    let Some((header_line, header)) = lines.next() else {
        return Err(vec![problem(0, None, "empty", "the file has no header and no rows".to_owned())]);
    };
    let delim = if header.contains(';') { ';' } else { ',' };
    let Some(names) = split_line(&header, delim) else {
        return Err(vec![problem(header_line, None, "unclosed_quote", "the header has an unclosed quote".to_owned())]);
    };
    let rows = lines.map(|(line, text)| (line, split_line(&text, delim))).collect();
    read_grid((header_line, names), rows, columns, required)
}

/// Reads a table already cut into cells (a CSV's split lines, a spreadsheet's rows): the
/// header's names in any order (case-insensitively), each of `required` present, each row as
/// many fields as the header. A row of `None` is a line that could not be split (an unclosed
/// quote). Rows with nothing but empty cells are skipped.
///
/// # Errors
/// The list of [`Problem`]s.
pub fn read_grid(
    (header_line, names): (usize, Vec<String>),
    rows: Vec<(usize, Option<Vec<String>>)>,
    columns: &[&'static str],
    required: &[&'static str],
) -> Result<Vec<Row>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut mapped: Vec<Option<&'static str>> = Vec::new();
    for n in &names {
        let n = n.trim().to_lowercase();
        match columns.iter().find(|c| **c == n) {
            Some(c) if mapped.contains(&Some(*c)) => problems.push(problem(
                header_line,
                Some(c),
                "duplicate_column",
                format!("the column `{c}` appears twice"),
            )),
            Some(c) => mapped.push(Some(*c)),
            None if n.is_empty() => mapped.push(None),
            None => {
                problems.push(problem(
                    header_line,
                    Some(&n),
                    "unknown_column",
                    format!("unknown column `{n}`; the columns are {}", columns.join(", ")),
                ));
                mapped.push(None);
            }
        }
    }
    for c in required {
        if !mapped.contains(&Some(*c)) {
            problems.push(problem(header_line, Some(c), "missing_column", format!("the column `{c}` is missing")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = Vec::new();
    for (line, values) in rows {
        let Some(values) = values else {
            problems.push(problem(line, None, "unclosed_quote", format!("line {line} has an unclosed quote")));
            continue;
        };
        if values.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if values.len() != mapped.len() {
            problems.push(problem(
                line,
                None,
                "field_count",
                format!("line {line} has {} fields; the header has {}", values.len(), mapped.len()),
            ));
            continue;
        }
        let fields = mapped.iter().zip(values).filter_map(|(c, v)| c.map(|c| (c, v.trim().to_owned()))).collect();
        out.push(Row { line, fields });
    }
    if problems.is_empty() && out.is_empty() {
        problems.push(problem(header_line, None, "no_rows", "the file has a header but no rows".to_owned()));
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const COLUMNS: [&str; 3] = ["email", "last_name", "note"];

    #[test]
    fn optional_columns_may_be_left_out_and_required_ones_may_not() {
        let rows = read_csv(b"Last_Name;EMAIL\n\xD0\x90;a@b.kg\n", &COLUMNS, &["email", "last_name"]).unwrap();
        assert_eq!(rows[0].get("email"), Some("a@b.kg"));
        assert_eq!(rows[0].get("last_name"), Some("А"));
        assert_eq!(rows[0].get("note"), None);
        let problems = read_csv(b"note\nx\n", &COLUMNS, &["email", "last_name"]).unwrap_err();
        let missing: Vec<_> = problems.iter().map(|p| (p.code, p.column.as_deref())).collect();
        assert_eq!(missing, vec![("missing_column", Some("email")), ("missing_column", Some("last_name"))]);
    }

    #[test]
    fn a_grid_skips_empty_rows_and_names_rows_of_the_wrong_width() {
        let header = (1, vec!["email".to_owned(), "last_name".to_owned(), String::new()]);
        let rows = vec![
            (2, Some(vec!["a@b.kg".to_owned(), " Асанов ".to_owned(), String::new()])),
            (3, Some(vec![String::new(), String::new(), String::new()])),
            (4, Some(vec!["x".to_owned()])),
            (5, None),
        ];
        let problems = read_grid(header.clone(), rows, &COLUMNS, &["email"]).unwrap_err();
        let at: Vec<_> = problems.iter().map(|p| (p.line, p.code)).collect();
        assert_eq!(at, vec![(4, "field_count"), (5, "unclosed_quote")]);
        let ok =
            read_grid(header, vec![(2, Some(vec!["a@b.kg".into(), " Асанов ".into(), "z".into()]))], &COLUMNS, &[])
                .unwrap();
        assert_eq!(ok[0].fields, vec![("email", "a@b.kg".to_owned()), ("last_name", "Асанов".to_owned())]);
    }
}
