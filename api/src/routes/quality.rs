//! The quality of students' knowledge: a school's grade table per year and term, entered
//! whole or imported from CSV, with success % and quality % per class, subject and school.

use crate::auth::Auth;
use crate::extract::{CsvBody, ValidJson, bad_param, expected, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, At, Checker, FieldErrorKind, Listed, Message, ProblemCode};
use crate::query;
use crate::routes::{school_for, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashSet};
use usul_domain::ids::{SchoolId, SubjectId};
use usul_domain::org::{School, Subject};
use usul_domain::policy::Action;
use usul_domain::quality::{GradeCounts, GradeError, Term, class_name, read_csv, total};
use usul_domain::year::AcademicYear;
use usul_persistence::{QualityEntry, QualitySheet};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(read).service(replace).service(import);
}

/// The most rows a table may have.
pub const MAX_ROWS: usize = 1000;

/// The most problems a CSV refusal lists (`error_count` gives them all).
pub const MAX_PROBLEMS: usize = 200;

/// Which table.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TableQuery {
    /// The academic year, `YYYY-YYYY`; required.
    #[param(required = true, value_type = String, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
    /// `1`–`4` for a term, `year` for the annual grades; required.
    #[param(required = true, value_type = String, pattern = "^([1-4]|year)$", example = "year")]
    #[serde(default, deserialize_with = "term_param")]
    pub term: Option<Term>,
}

/// Which table, and the answer's format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// The academic year, `YYYY-YYYY`; required.
    #[param(required = true, value_type = String, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
    /// `1`–`4` for a term, `year` for the annual grades; required.
    #[param(required = true, value_type = String, pattern = "^([1-4]|year)$", example = "year")]
    #[serde(default, deserialize_with = "term_param")]
    pub term: Option<Term>,
    /// `json` (the default), `csv` or `xlsx`: the answer's format, instead of `Accept`.
    #[param(value_type = Option<String>, pattern = "^(json|csv|xlsx)$", example = "csv")]
    #[serde(default, deserialize_with = "crate::export::format_param")]
    pub format: Option<crate::export::Format>,
}

/// The table's columns in CSV and XLSX: `part` is `class` for a row of `rows[]`, `subject` for
/// one of `subjects[]` and `school` for `total`; the others are the JSON's fields.
pub const QUALITY_COLUMNS: [&str; 11] = [
    "part",
    "subject_id",
    "subject_name",
    "class",
    "students",
    "grade_5",
    "grade_4",
    "grade_3",
    "grade_2",
    "success_percent",
    "quality_percent",
];

/// The table as one sheet: the classes, then each subject's totals, then the school's.
fn quality_table(v: &serde_json::Value) -> crate::export::Table {
    let part = |rows: &[serde_json::Value], name: &str| -> Vec<serde_json::Value> {
        rows.iter()
            .map(|r| {
                let mut r = r.clone();
                if let Some(o) = r.as_object_mut() {
                    o.insert("part".into(), json!(name));
                }
                r
            })
            .collect()
    };
    let mut table = crate::export::Table::of(&QUALITY_COLUMNS, &part(crate::export::list(v, "rows"), "class"));
    table.extend(&part(crate::export::list(v, "subjects"), "subject"));
    if let Some(total) = v.get("total").filter(|t| !t.is_null()) {
        table.extend(&part(std::slice::from_ref(total), "school"));
    }
    table
}

fn term_param<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Term>, D::Error> {
    query::code(d, Term::parse).map(Some)
}

fn table_of(q: &TableQuery) -> Result<(AcademicYear, Term), ApiError> {
    let year = query::Year::required(q.year)?;
    let term = q.term.ok_or_else(|| bad_param("term", FieldErrorKind::Required))?;
    Ok((year, term))
}

/// Counts and the two figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct Figures {
    #[schema(example = 25)]
    pub students: u32,
    #[schema(example = 5)]
    pub grade_5: u32,
    #[schema(example = 10)]
    pub grade_4: u32,
    #[schema(example = 8)]
    pub grade_3: u32,
    #[schema(example = 2)]
    pub grade_2: u32,
    /// (5 + 4 + 3) / students, %, one decimal.
    #[schema(example = 92.0)]
    pub success_percent: f64,
    /// (5 + 4) / students, %, one decimal.
    #[schema(example = 60.0)]
    pub quality_percent: f64,
}

impl From<GradeCounts> for Figures {
    fn from(g: GradeCounts) -> Self {
        let [grade_5, grade_4, grade_3, grade_2] = g.grades();
        Self {
            students: g.students(),
            grade_5,
            grade_4,
            grade_3,
            grade_2,
            success_percent: g.success_percent(),
            quality_percent: g.quality_percent(),
        }
    }
}

/// One class in one subject.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowView {
    pub subject_id: Uuid,
    #[schema(example = "Математика")]
    pub subject_name: String,
    #[schema(example = "5А")]
    pub class: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// A subject's totals over its classes (weighted by students).
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectTotals {
    pub subject_id: Uuid,
    #[schema(example = "Математика")]
    pub subject_name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// A school's knowledge-quality table for a year and term.
#[derive(Debug, Serialize, ToSchema)]
pub struct TableView {
    pub school_id: Uuid,
    #[schema(example = "2022-2023")]
    pub year: String,
    /// `1`–`4` or `year`.
    #[schema(example = "year")]
    pub term: String,
    #[schema(example = "Жылдык")]
    pub term_label: String,
    pub rows: Vec<RowView>,
    pub subjects: Vec<SubjectTotals>,
    /// The school's totals; `null` for an empty table.
    pub total: Option<Figures>,
    /// 0 while nothing was entered; send it in `If-Match` to replace the table.
    #[schema(example = 1)]
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
}

async fn subjects_of(state: &AppState, school: SchoolId) -> Result<Vec<Subject>, ApiError> {
    Ok(state.store.school_subjects(school).await?)
}

fn view(sheet: &QualitySheet, subjects: &[Subject], req: &HttpRequest) -> TableView {
    let name = |id: SubjectId| subjects.iter().find(|s| s.id == id).map(|s| s.name.to_string()).unwrap_or_default();
    let mut per: BTreeMap<SubjectId, GradeCounts> = BTreeMap::new();
    for r in &sheet.rows {
        per.entry(r.subject).and_modify(|c| *c = c.plus(r.counts)).or_insert(r.counts);
    }
    TableView {
        school_id: sheet.school.uuid(),
        year: sheet.year.to_string(),
        term: sheet.term.code().to_owned(),
        term_label: sheet.term.label().get(crate::extract::lang(req)).to_owned(),
        rows: sheet
            .rows
            .iter()
            .map(|r| RowView {
                subject_id: r.subject.uuid(),
                subject_name: name(r.subject),
                class: r.class.clone(),
                figures: r.counts.into(),
            })
            .collect(),
        subjects: per
            .into_iter()
            .map(|(s, c)| SubjectTotals { subject_id: s.uuid(), subject_name: name(s), figures: c.into() })
            .collect(),
        total: total(sheet.rows.iter().map(|r| r.counts)).map(Into::into),
        version: sheet.version,
        updated_at: sheet.updated_at,
    }
}

/// Read a knowledge-quality table.
///
/// Every class's counts with success % = (5+4+3)/students and quality % = (5+4)/students
/// each subject's totals and the school's, weighted by students. An empty table
/// (version 0) when nothing was entered.
///
/// Also as a spreadsheet: `Accept: text/csv` or `Accept:
/// application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`, or `format=csv|xlsx`:
/// one sheet of the classes, then each subject's totals, then the school's (`part` is `class`,
/// `subject` or `school`), with the JSON's very figures. Another `Accept` is 406
/// `not_acceptable`.
#[utoipa::path(
    operation_id = "getKnowledgeQuality",
    tag = tags::QUALITY,
    params(("id" = Uuid, Path, description = "School id"), ReadQuery, crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The table.", content(
            (TableView = "application/json"),
            (String = "text/csv", example = "part,subject_id,subject_name,class,students,grade_5,grade_4,grade_3,grade_2,success_percent,quality_percent\r\n"),
            (crate::openapi::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` version."),
        crate::openapi::ReadErrors,
        (status = 406, response = crate::openapi::NotAcceptable),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/knowledge-quality")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<ReadQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let (year, term) = table_of(&TableQuery { year: q.year, term: q.term })?;
    let format = crate::export::negotiate(&req, q.format)?;
    let sheet = state.store.quality_sheet(school.id, year, term).await?;
    let subjects = subjects_of(&state, school.id).await?;
    if format == crate::export::Format::Json {
        return Ok(versioned(&req, sheet.version, &view(&sheet, &subjects, &req)));
    }
    let file = format!("knowledge-quality-{year}-{}", term.code());
    let mut res = crate::export::respond(format, &view(&sheet, &subjects, &req), &file, quality_table)?;
    if let Ok(tag) = actix_web::http::header::HeaderValue::from_str(&crate::extract::etag(sheet.version)) {
        res.headers_mut().insert(actix_web::http::header::ETAG, tag);
    }
    Ok(res)
}

/// One class's counts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RowBody {
    /// A subject of the school.
    pub subject_id: Uuid,
    /// The class, 1–16 characters on one line, nothing invisible, e.g. `5А`.
    #[schema(min_length = 1, max_length = 16, example = "5А")]
    pub class: String,
    /// 1–2000; grades 5 + 4 + 3 + 2 must add up to it.
    #[schema(minimum = 1, maximum = 2000, example = 25)]
    pub students: i64,
    #[schema(minimum = 0, example = 5)]
    pub grade_5: i64,
    #[schema(minimum = 0, example = 10)]
    pub grade_4: i64,
    #[schema(minimum = 0, example = 8)]
    pub grade_3: i64,
    #[schema(minimum = 0, example = 2)]
    pub grade_2: i64,
}

/// The whole table.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rows": [{"subject_id": "0192f0c4-0000-7000-8000-000000000101", "class": "5А", "students": 25, "grade_5": 5, "grade_4": 10, "grade_3": 8, "grade_2": 2}]}))]
pub struct TableBody {
    /// At most 1000 rows, one per subject and class.
    pub rows: Vec<RowBody>,
}

/// A row as text fields, from JSON or CSV, before checking.
struct RawRow {
    subject: Result<SubjectId, ()>,
    class: String,
    counts: [Result<i64, ()>; 5],
}

const COUNT_FIELDS: [&str; 5] = ["students", "grade_5", "grade_4", "grade_3", "grade_2"];

/// Checks rows into entries; each problem is reported on `field(i, column)`.
fn check_rows(rows: Vec<RawRow>, check: &mut Checker, field: impl Fn(usize, &str) -> String) -> Vec<QualityEntry> {
    let mut out = Vec::new();
    let mut seen: HashSet<(SubjectId, String)> = HashSet::new();
    for (i, r) in rows.into_iter().enumerate() {
        let subject = match r.subject {
            Ok(s) => Some(s),
            Err(()) => {
                check.push(field(i, "subject"), FieldErrorKind::UnknownReference);
                None
            }
        };
        let class = check.text(&field(i, "class"), class_name(&r.class));
        let mut n = [0_u32; 5];
        let mut ok = true;
        for (k, (v, name)) in r.counts.iter().zip(COUNT_FIELDS).enumerate() {
            match v.as_ref().ok().and_then(|v| u32::try_from(*v).ok()) {
                Some(v) => n[k] = v,
                None => {
                    ok = false;
                    let kind = if v.is_ok() { FieldErrorKind::OutOfRange } else { FieldErrorKind::InvalidType };
                    check.push(field(i, name), kind);
                }
            }
        }
        let counts = if ok {
            match GradeCounts::new(n[0], [n[1], n[2], n[3], n[4]]) {
                Ok(c) => Some(c),
                Err(GradeError::DoNotAddUp { .. }) => {
                    check.push(field(i, "students"), FieldErrorKind::GradesDoNotAddUp);
                    None
                }
                Err(_) => {
                    check.push(field(i, "students"), FieldErrorKind::OutOfRange);
                    None
                }
            }
        } else {
            None
        };
        if let (Some(subject), Some(class), Some(counts)) = (subject, class, counts) {
            if seen.insert((subject, class.to_lowercase())) {
                out.push(QualityEntry { subject, class, counts });
            } else {
                check.push(field(i, "class"), FieldErrorKind::Duplicate);
            }
        }
    }
    out
}

/// Grades are entered for a year that has begun.
fn begun(year: AcademicYear) -> Result<(), ApiError> {
    if year.first_day() > chrono::Utc::now().date_naive() {
        return Err(bad_param("year", FieldErrorKind::OutOfRange));
    }
    Ok(())
}

async fn store(
    req: &HttpRequest,
    state: &AppState,
    auth: &Auth,
    school: &School,
    (year, term): (AcademicYear, Term),
    rows: &[QualityEntry],
    subjects: &[Subject],
) -> Result<HttpResponse, ApiError> {
    let current = state.store.quality_sheet(school.id, year, term).await?;
    let sheet = state
        .store
        .put_quality(
            school,
            year,
            term,
            rows,
            expected(req, current.version),
            &auth.audit(format!("knowledge quality {year} term {}", term.code())),
        )
        .await?;
    Ok(versioned(req, sheet.version, &view(&sheet, subjects, req)))
}

/// Replace a knowledge-quality table.
///
/// The whole table for the year and term, at once: every row is checked (a subject of the
/// school, the class, counts ≥ 0 whose grades add up to the students, one row per subject and
/// class) and every problem is listed as `rows[i].field`; nothing is stored unless all rows are
/// good. An empty `rows` clears the table. At most 1000 rows; only for a year that has begun
/// (400 on `year` otherwise). The director and the deputy keep it.
#[utoipa::path(
    operation_id = "replaceKnowledgeQuality",
    tag = tags::QUALITY,
    request_body = TableBody,
    params(("id" = Uuid, Path, description = "School id"), TableQuery, crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The stored table.", body = TableView, headers(("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
    ),
    security(("bearer" = [])),
)]
#[put("/schools/{id}/knowledge-quality")]
pub async fn replace(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<TableQuery>,
    body: ValidJson<TableBody>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::ManageRecords).await?;
    let table = table_of(&q)?;
    begun(table.0)?;
    if body.0.rows.len() > MAX_ROWS {
        return Err(ApiError::Validation(vec![crate::problem::FieldError::new("rows", FieldErrorKind::OutOfRange)]));
    }
    let mut check = Checker::default();
    let subjects = subjects_of(&state, school.id).await?;
    let raw = body
        .0
        .rows
        .into_iter()
        .map(|r| {
            let s = SubjectId::from_uuid(r.subject_id);
            RawRow {
                subject: if subjects.iter().any(|x| x.id == s) { Ok(s) } else { Err(()) },
                class: r.class,
                counts: [Ok(r.students), Ok(r.grade_5), Ok(r.grade_4), Ok(r.grade_3), Ok(r.grade_2)],
            }
        })
        .collect();
    let rows = check_rows(raw, &mut check, |i, f| {
        if f == "subject" { format!("rows[{i}].subject_id") } else { format!("rows[{i}].{f}") }
    });
    check.finish()?;
    store(&req, &state, &auth, &school, table, &rows, &subjects).await
}

/// Import a knowledge-quality table from CSV.
///
/// `Content-Type: text/csv`, UTF-8 (a byte-order mark is fine; a declared charset other than
/// UTF-8 is 415), `;` or `,` as the separator (whichever the header uses), fields may be
/// double-quoted. The header names the columns, in any order:
/// `subject;class;students;grade_5;grade_4;grade_3;grade_2`. `subject` is the subject's name
/// as the school lists it (case-insensitively) or its id. The import replaces the table of the
/// year and term and is all or nothing: a refusal (422 `csv_invalid`) lists every bad line and
/// column in `errors` (the first 200; `error_count` counts them all), and nothing is
/// stored. Blank lines and lines of separators only are skipped; a file without rows is
/// refused (`no_rows`) — send `PUT` with no rows to clear a table. Grades are entered for years
/// that have begun.
#[utoipa::path(
    operation_id = "importKnowledgeQuality",
    tag = tags::QUALITY,
    request_body(
        description = "The CSV text as the whole body (`text/csv`), or as the part `file` of a form (`multipart/form-data`).",
        content(
            (String = "text/csv", example = "subject;class;students;grade_5;grade_4;grade_3;grade_2\nМатематика;5А;25;5;10;8;2\n"),
            (crate::openapi::CsvUpload = "multipart/form-data"),
        ),
    ),
    params(("id" = Uuid, Path, description = "School id"), TableQuery, crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The stored table.", body = TableView, headers(("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, description = "`csv_invalid` with `errors`: `[{line, column, code, message}]`, the first 200 of them, and `error_count`.", body = crate::problem::Problem, content_type = "application/problem+json",
            example = json!({"type": "urn:usul:problem:csv_invalid", "title": "The CSV file has errors; nothing was stored", "status": 422, "detail": "2 problem(s) in the file.", "code": "csv_invalid", "errors": [{"line": 3, "column": "grade_2", "code": "invalid_type", "message": "Wrong type of value"}, {"line": 4, "column": "students", "code": "grades_do_not_add_up", "message": "Grades 5, 4, 3 and 2 must add up to the number of students"}], "error_count": 2})),
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/knowledge-quality/import")]
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<TableQuery>,
    body: CsvBody,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::ManageRecords).await?;
    let table = table_of(&q)?;
    begun(table.0)?;
    let refuse = |mut problems: Vec<Listed>| {
        let count = problems.len();
        problems.truncate(MAX_PROBLEMS);
        ApiError::Refused {
            code: ProblemCode::CsvInvalid,
            detail: format!("{count} problem(s) in the file."),
            errors: problems,
            extra: Some(json!({ "error_count": count })),
        }
    };
    let csv = read_csv(&body.0).map_err(|ps| {
        refuse(
            ps.into_iter()
                .map(|p| Listed::new(p.code, Message::Plain(p.message), At::Cell { line: p.line, column: p.column }))
                .collect(),
        )
    })?;
    if csv.len() > MAX_ROWS {
        return Err(refuse(vec![Listed::new(
            "too_many_rows",
            Message::Plain(format!("at most {MAX_ROWS} rows")),
            At::Cell { line: 0, column: None },
        )]));
    }
    let subjects = subjects_of(&state, school.id).await?;
    let find_subject = |text: &str| -> Result<SubjectId, ()> {
        let key = text.trim().to_lowercase();
        subjects
            .iter()
            .find(|s| s.name.as_str().to_lowercase() == key || s.id.uuid().to_string() == key)
            .map(|s| s.id)
            .ok_or(())
    };
    let lines: Vec<usize> = csv.iter().map(|r| r.line).collect();
    let raw = csv
        .into_iter()
        .map(|r| {
            let get = |c: &str| r.fields.iter().find(|(k, _)| *k == c).map(|(_, v)| v.clone()).unwrap_or_default();
            let num = |c: &str| get(c).parse::<i64>().map_err(|_| ());
            RawRow {
                subject: find_subject(&get("subject")),
                class: get("class"),
                counts: [num("students"), num("grade_5"), num("grade_4"), num("grade_3"), num("grade_2")],
            }
        })
        .collect();
    let mut check = Checker::default();
    let rows = check_rows(raw, &mut check, |i, f| format!("{}\u{1f}{f}", lines.get(i).copied().unwrap_or(0)));
    if let Err(ApiError::Validation(errors)) = check.finish() {
        return Err(refuse(
            errors
                .into_iter()
                .map(|e| {
                    let (line, column) = e.field.split_once('\u{1f}').unwrap_or(("0", e.field.as_str()));
                    Listed::new(
                        e.kind.code(),
                        Message::Kind(e.kind),
                        At::Cell { line: line.parse::<usize>().unwrap_or(0), column: Some(column.to_owned()) },
                    )
                })
                .collect(),
        ));
    }
    store(&req, &state, &auth, &school, table, &rows, &subjects).await
}
