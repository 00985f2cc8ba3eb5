//! The report endpoints: each parses, loads, calls the domain, saves and answers.

use super::dto::{
    CreateReport, CreateReportBody, ReportCommentBody, ReportDocumentQuery, ReportHistoryView, ReportList, ReportQuery,
    ReportTransitionView, ReportView, ReturnReportBody, UpdateReportBody, optional_comment,
};
use super::printed::report as printed;
use super::{Loaded, load, respond, save};
use crate::auth::Auth;
use crate::extract::{OptionalJson, ValidJson, bad_param, lang};
use crate::openapi::tags;
use crate::problem::{ApiError, FieldError, FieldErrorKind};
use crate::query::{self, Query};
use crate::routes::{created, next_cursor, school_for};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use usul_domain::commission::Commission;
use usul_domain::decision::{DateProblem, Dated};
use usul_domain::ids::{CommissionId, SchoolId};
use usul_domain::org::School;
use usul_domain::policy::{Action, Actor};
use usul_domain::report;
use usul_persistence::{ReportFilter, now};

/// A refused `decided_on`: 422 naming it.
fn date(p: DateProblem) -> ApiError {
    ApiError::Validation(vec![FieldError::from(p)])
}

/// Which reports the caller lists: one school they may read, or their school or district.
async fn visible(state: &AppState, auth: &Auth, school: Option<query::Id>) -> Result<ReportFilter, ApiError> {
    Ok(match (school, auth.actor) {
        (Some(s), _) => ReportFilter {
            school: Some(school_for(state, auth, SchoolId::from_uuid(s.0), Action::Read).await?.id),
            ..ReportFilter::default()
        },
        (None, Actor::SchoolStaff { school, .. }) => ReportFilter { school: Some(school), ..ReportFilter::default() },
        (None, Actor::DistrictUser { district, .. } | Actor::DistrictService { district, .. }) => {
            ReportFilter { district: Some(district), ..ReportFilter::default() }
        }
        (None, Actor::Admin { .. } | Actor::MinistryUser { .. } | Actor::MinistryService { .. }) => {
            return Err(bad_param("school_id", FieldErrorKind::Required));
        }
    })
}

/// List reports.
///
/// A school's staff see their school's reports; district users those of their district's
/// schools (narrowed by `school_id`); an administrator must name the school.
#[utoipa::path(
    operation_id = "listReports",
    tag = tags::REPORTS,
    params(ReportQuery),
    responses(
        (status = 200, description = "A page of reports, oldest first.", body = ReportList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/reports")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    q: Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let filter = ReportFilter {
        updated_since: sync.since,
        year: q.year.map(|y| y.0),
        kind: q.kind,
        status: q.status,
        commission: q.commission_id.map(|c| CommissionId::from_uuid(c.0)),
        ..visible(&state, &auth, q.school_id).await?
    };
    let page = state.store.list_reports(&filter, query::paging(q.limit, q.cursor).request()).await?;
    let deleted =
        sync.deleted(&state, "reports", filter.school.map(|s| s.uuid()), filter.district.map(|d| d.uuid())).await?;
    let language = lang(&req);
    let items = page.items.iter().map(|r| ReportView::of(r, language)).collect();
    Ok(HttpResponse::Ok().json(ReportList { items, next_cursor: next_cursor(page.next), sync_token, deleted }))
}

/// The school a new report belongs to and the commission it reports on: the commission's
/// school, else the one named, else the caller's.
async fn start_target(
    state: &AppState,
    auth: &Auth,
    input: &CreateReport,
) -> Result<(School, Option<Commission>), ApiError> {
    let commission = match input.commission {
        Some(c) => Some(state.store.get_commission(c).await?.ok_or(ApiError::NotFound)?),
        None => None,
    };
    let school = match (&commission, input.school, auth.actor) {
        (Some(c), _, _) => c.school,
        (None, Some(s), _) => s,
        (None, None, Actor::SchoolStaff { school, .. }) => school,
        (None, None, _) => return Err(bad_param("school_id", FieldErrorKind::Required)),
    };
    let school = school_for(state, auth, school, Action::Read).await?;
    if commission.as_ref().is_some_and(|c| input.school.is_some_and(|s| s != c.school)) {
        return Err(ApiError::Validation(vec![FieldError::new("school_id", FieldErrorKind::InvalidValue)]));
    }
    Ok((school, commission))
}

/// Start a year-end report.
///
/// Creates a draft and assembles its computed sections from the records: plan execution,
/// activities by catalogue group and form, open lessons and master classes with their
/// presenters, participation per teacher with the non-participants named, course
/// training hours, materials produced and published, meetings held with their protocol numbers,
/// knowledge quality against the previous year. The head of an approved commission
/// starts its report; the deputy the school's. One report per school or commission and
/// year (409 `report_exists`), for a year that has begun.
#[utoipa::path(
    operation_id = "createReport",
    tag = tags::REPORTS,
    request_body = CreateReportBody,
    params(crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "The draft with its figures.", body = ReportView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/reports")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    body: ValidJson<CreateReportBody>,
) -> Result<HttpResponse, ApiError> {
    let at = now();
    let input = body.0.parse(at.date_naive())?;
    let (school, commission) = start_target(&state, &auth, &input).await?;
    let facts = super::facts(&auth, school.id, commission.as_ref());
    let summary = format!("{} report {} started", input.report.kind.code(), input.report.year);
    let start = report::start(school.id, input.report, commission.as_ref(), &facts, at.date_naive())?;
    let figures = state.store.report_figures(school.id, start.scope(), start.year(), at.date_naive()).await?;
    let r = state.store.create_report(&start.with_figures(figures, at), &auth.audit(summary)).await?;
    Ok(created(format!("/api/v1/reports/{}", r.id), r.version, &ReportView::of(&r, lang(&req))))
}

/// Read a report.
///
/// The report with its figures, narrative and status; a submitted report's figures are frozen.
#[utoipa::path(
    operation_id = "getReport",
    tag = tags::REPORTS,
    params(("id" = Uuid, Path, description = "Report id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The report.", body = ReportView, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` version."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/reports/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(respond(&req, &load(&state, &auth, &id).await?))
}

/// Write the narrative.
///
/// The author writes the achievements, problems and proposals of a draft or returned report.
#[utoipa::path(
    operation_id = "updateReport",
    tag = tags::REPORTS,
    request_body = UpdateReportBody,
    params(("id" = Uuid, Path, description = "Report id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = ReportView, headers(("ETag" = String))),
        (status = 409, description = "`report_not_open`: submitted or accepted.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/reports/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdateReportBody>,
) -> Result<HttpResponse, ApiError> {
    let l = Loaded::of(&state, &auth, &id).await?;
    let editing = l.report.edit(&l.facts)?;
    let after = editing.with(body.0.parse()?);
    save(&req, &state, &auth, (&l.report, &after), None, "report narrative").await
}

/// Refresh the figures.
///
/// Reassembles a draft's (or returned report's) computed sections from today's records.
#[utoipa::path(
    operation_id = "refreshReport",
    tag = tags::REPORTS,
    params(("id" = Uuid, Path, description = "Report id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The report with fresh figures.", body = ReportView, headers(("ETag" = String))),
        (status = 409, description = "`report_not_open`: the figures of a submitted report are frozen.", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 412, response = crate::openapi::PreconditionFailed),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/reports/{id}/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (l, at) = (Loaded::of(&state, &auth, &id).await?, now());
    let refreshing = l.report.refresh(&l.facts)?;
    let after = refreshing.with(l.figures_now(&state, at.date_naive()).await?, at);
    save(&req, &state, &auth, (&l.report, &after), None, "report refreshed").await
}

/// Submit a report.
///
/// The author sends it to the director. Its figures are taken once more from the records and
/// **frozen**: records added or changed later do not change a submitted report. Submitting
/// twice is 409 `transition_not_allowed`.
#[utoipa::path(
    operation_id = "submitReport",
    tag = tags::REPORTS,
    request_body(content = Option<ReportCommentBody>),
    params(("id" = Uuid, Path, description = "Report id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Submitted, figures frozen.", body = ReportView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed` with `allowed`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/reports/{id}/submit")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: OptionalJson<ReportCommentBody>,
) -> Result<HttpResponse, ApiError> {
    let (l, at) = (Loaded::of(&state, &auth, &id).await?, now());
    let submitting = l.report.submit(&l.facts)?;
    let (comment, decided_on) = optional_comment(body.0)?;
    let when = Dated::on(decided_on, at.date_naive());
    let (after, t) =
        submitting.freeze(comment, l.figures_now(&state, at.date_naive()).await?, at, when).map_err(date)?;
    save(&req, &state, &auth, (&l.report, &after), Some(&t), "report submit").await
}

/// Accept a report.
///
/// The director accepts a submitted report; the printed report carries the acceptance.
#[utoipa::path(
    operation_id = "acceptReport",
    tag = tags::REPORTS,
    request_body(content = Option<ReportCommentBody>),
    params(("id" = Uuid, Path, description = "Report id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Accepted.", body = ReportView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed` with `allowed`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/reports/{id}/accept")]
pub async fn accept(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: OptionalJson<ReportCommentBody>,
) -> Result<HttpResponse, ApiError> {
    let l = Loaded::of(&state, &auth, &id).await?;
    let accepting = l.report.accept(&l.facts)?;
    let (comment, decided_on) = optional_comment(body.0)?;
    let at = now();
    let (after, t) = accepting.on(comment, at, Dated::on(decided_on, at.date_naive())).map_err(date)?;
    save(&req, &state, &auth, (&l.report, &after), Some(&t), "report accept").await
}

/// Return a report.
///
/// The director sends a submitted report back to its author with a comment; the author may
/// edit, refresh and submit it again.
#[utoipa::path(
    operation_id = "returnReport",
    tag = tags::REPORTS,
    request_body = ReturnReportBody,
    params(("id" = Uuid, Path, description = "Report id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Returned.", body = ReportView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed` with `allowed`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/reports/{id}/return")]
pub async fn return_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<ReturnReportBody>,
) -> Result<HttpResponse, ApiError> {
    let l = Loaded::of(&state, &auth, &id).await?;
    let returning = l.report.return_to_author(&l.facts)?;
    let (comment, decided_on) = body.0.parse()?;
    let at = now();
    let (after, t) = returning.with(comment, at, Dated::on(decided_on, at.date_naive())).map_err(date)?;
    save(&req, &state, &auth, (&l.report, &after), Some(&t), "report return").await
}

/// Read a report's history.
///
/// Every transition, oldest first: who, in which role, when, with what comment.
#[utoipa::path(
    operation_id = "getReportHistory",
    tag = tags::REPORTS,
    params(("id" = Uuid, Path, description = "Report id")),
    responses(
        (status = 200, description = "Oldest first.", body = ReportHistoryView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/reports/{id}/history")]
pub async fn history(state: web::Data<AppState>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let r = load(&state, &auth, &id).await?;
    let items = state.store.report_history(r.id).await?.into_iter().map(ReportTransitionView::from).collect();
    Ok(HttpResponse::Ok().json(ReportHistoryView { items }))
}

/// The report as a printable page.
///
/// The paper form on A4: the approval block ("Кабыл алынды" — accepted by the director, with
/// the date, or a blank signature line before acceptance), the title, and each section — plan
/// execution, activities, open lessons and master classes, participation with the
/// non-participants named, training, materials, meetings with protocol numbers, knowledge
/// quality against the previous year — then the narrative.
#[utoipa::path(
    operation_id = "getReportDocument",
    tag = tags::REPORTS,
    params(("id" = Uuid, Path, description = "Report id"), ReportDocumentQuery),
    responses(
        (status = 200, description = "The report: an HTML page, or with `Accept: application/pdf` the same page as an A4 PDF (fonts embedded).", content((String = "text/html; charset=utf-8"), (Vec<u8> = "application/pdf"))),
        crate::openapi::DocumentErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/reports/{id}/document")]
pub async fn document(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: Query<ReportDocumentQuery>,
) -> Result<HttpResponse, ApiError> {
    let language = crate::extract::document_lang(q.lang.as_deref())?;
    let format = crate::documents::format(&req)?;
    let l = Loaded::of(&state, &auth, &id).await?;
    let commission = l.commission.as_ref().map(|c| c.name.to_string());
    let figures = super::ReportFigures::from(&l.report.figures);
    let heard = state.store.report_hearing(l.report.id).await?;
    let html = printed(&l.report, &figures, &l.school, commission.as_deref(), heard.as_ref(), language);
    crate::documents::respond(format, html, language, format!("report-{}", l.report.id)).await
}
