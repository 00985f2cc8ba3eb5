//! Year-end reports (*отчет*, R-5.4) over HTTP: a commission's report by its head and the
//! school's report by the deputy. The rules — who writes, submits, accepts and returns, and
//! when — are the domain's (`usul_domain::report`); the handlers here parse, load the report
//! with what the rules need to know about the caller, call the domain, save and answer.

mod dto;
mod figures;
mod handlers;
mod hearing;
mod printed;

pub use dto::{
    CreateReportBody, ReportCommentBody, ReportDocumentQuery, ReportHistoryView, ReportList, ReportQuery,
    ReportTransitionView, ReportView, ReturnReportBody, UpdateReportBody,
};
pub use figures::{
    ActivitySection, CodeCount, MaterialSection, MeetingLine, ParticipationLine, ParticipationSection, PersonRef,
    PlanSection, PresentationLine, QualityFigures, QualitySection, ReportFigures, ResponsibleLine, SubjectQualityLine,
    SupportLine, TrainingSection,
};
pub use handlers::{accept, create, document, history, list, read, refresh, return_report, submit, update};
pub use hearing::{HearingBody, HearingView, get_hearing, put_hearing};

use crate::auth::{Auth, Principal};
use crate::extract::{expected, lang, path_id};
use crate::problem::{ApiError, FieldError, FieldErrorKind, ProblemCode};
use crate::routes::{school_for, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;
use usul_domain::commission::Commission;
use usul_domain::ids::{ReportId, SchoolId};
use usul_domain::org::School;
use usul_domain::policy::{Action, Actor};
use usul_domain::report::{
    AcceptError, ActorFacts, EditError, Person, Report, ReportStatus, ReturnError, StartError, SubmitError, Transition,
};

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(refresh)
        .service(submit)
        .service(accept)
        .service(return_report)
        .service(history)
        .service(document)
        .service(put_hearing)
        .service(get_hearing);
}

/// What the report rules need to know about the caller, for a report of `school` on
/// `commission`: built here and only here.
fn facts(auth: &Auth, school: SchoolId, commission: Option<&Commission>) -> ActorFacts {
    match (&auth.principal, auth.actor) {
        (Principal::Staff(s), Actor::SchoolStaff { role, school: theirs, .. }) => {
            ActorFacts::of_staff(Person { id: s.id, name: s.short_name() }, role, theirs, school, commission)
        }
        _ => ActorFacts::Outsider,
    }
}

/// A report the caller may read (another school's is 404), with its commission and the
/// caller's facts.
struct Loaded {
    report: Report,
    commission: Option<Commission>,
    school: School,
    facts: ActorFacts,
}

impl Loaded {
    /// Loads it in a fixed number of statements.
    async fn of(state: &AppState, auth: &Auth, raw: &str) -> Result<Self, ApiError> {
        let id = ReportId::from_uuid(path_id("id", raw)?);
        let (report, commission) = state.store.report_with_commission(id).await?.ok_or(ApiError::NotFound)?;
        let school = school_for(state, auth, report.school, Action::Read).await?;
        let facts = facts(auth, school.id, commission.as_ref());
        Ok(Self { report, commission, school, facts })
    }

    /// The report's figures taken from today's records.
    async fn figures_now(
        &self,
        state: &AppState,
        today: chrono::NaiveDate,
    ) -> Result<usul_domain::report::StoredFigures, ApiError> {
        let r = &self.report;
        Ok(state.store.report_figures(r.school, &r.scope(self.commission.as_ref()), r.year, today).await?)
    }
}

/// Loads a report the caller may read, without its commission.
async fn load(state: &AppState, auth: &Auth, raw: &str) -> Result<Report, ApiError> {
    let r = state.store.get_report(ReportId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    school_for(state, auth, r.school, Action::Read).await?;
    Ok(r)
}

/// Saves what a command made of `before` under the request's `If-Match` and answers it.
async fn save(
    req: &HttpRequest,
    state: &AppState,
    auth: &Auth,
    (before, after): (&Report, &Report),
    transition: Option<&Transition>,
    summary: &str,
) -> Result<HttpResponse, ApiError> {
    let audit = auth.audit(summary);
    let r = state.store.save_report(before, after, transition, expected(req, before.version), &audit).await?;
    Ok(respond(req, &r))
}

fn respond(req: &HttpRequest, r: &Report) -> HttpResponse {
    versioned(req, r.version, &ReportView::of(r, lang(req)))
}

// ---------- the domain's refusals as answers ----------

fn not_allowed(status: ReportStatus, action: &str, allowed: &[&'static str]) -> ApiError {
    ApiError::ConflictWith {
        code: ProblemCode::TransitionNotAllowed,
        detail: format!("A {} report cannot be sent to `{action}`.", status.code()),
        extra: Some(json!({"report_status": status.code(), "allowed": allowed})),
    }
}

impl From<EditError> for ApiError {
    fn from(e: EditError) -> Self {
        match e {
            EditError::NotAuthor => Self::Forbidden,
            EditError::NotOpen => Self::Conflict(ProblemCode::ReportNotOpen),
        }
    }
}

impl From<SubmitError> for ApiError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::NotAuthor => Self::Forbidden,
            SubmitError::WrongState { status, allowed } => not_allowed(status, "submit", &allowed),
        }
    }
}

impl From<AcceptError> for ApiError {
    fn from(e: AcceptError) -> Self {
        match e {
            AcceptError::NotDirector => Self::Forbidden,
            AcceptError::WrongState { status, allowed } => not_allowed(status, "accept", &allowed),
        }
    }
}

impl From<ReturnError> for ApiError {
    fn from(e: ReturnError) -> Self {
        match e {
            ReturnError::NotDirector => Self::Forbidden,
            ReturnError::WrongState { status, allowed } => not_allowed(status, "return", &allowed),
        }
    }
}

impl From<StartError> for ApiError {
    fn from(e: StartError) -> Self {
        let field = |f: &str, kind| Self::Validation(vec![FieldError::new(f, kind)]);
        match e {
            StartError::YearNotBegun => field("year", FieldErrorKind::OutOfRange),
            StartError::CommissionMissing => field("commission_id", FieldErrorKind::Required),
            StartError::CommissionUnexpected => field("commission_id", FieldErrorKind::InvalidValue),
            StartError::WrongYear => field("year", FieldErrorKind::InvalidValue),
            StartError::NotAuthor => Self::Forbidden,
        }
    }
}
