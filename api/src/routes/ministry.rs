//! The ministry level: the methodologists of the ministry's methodological centres,
//! who read every district and school, and the national summary with one row per district.

use crate::auth::Auth;
use crate::extract::ValidJson;
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, checked};
use crate::query;
use crate::routes::districts::{
    CreateServiceAccountBody, CreatedServiceAccount, ServiceAccountList, ServiceAccountView, new_service_account,
};
use crate::routes::staff::{NewPersonBody, StaffView};
use crate::routes::{allow, created};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use usul_domain::national::{SchoolHeadline, aggregate};
use usul_domain::policy::{Action, Resource};
use usul_domain::report::ReportStatus;
use usul_domain::staff::{Affiliation, Role};
use usul_persistence::SchoolSummary;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_methodologist)
        .service(list_service_accounts)
        .service(create_service_account)
        .service(national_summary);
}

/// List the ministry's service accounts.
///
/// Administrators only. The machine clients of the ministry (`client_credentials`), which read
/// every district and school as the ministry's methodologists do; their secrets are
/// never shown again.
#[utoipa::path(
    operation_id = "listMinistryServiceAccounts",
    tag = tags::DISTRICTS,
    responses(
        (status = 200, description = "The accounts.", body = ServiceAccountList),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/ministry/service-accounts")]
pub async fn list_service_accounts(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    allow(&auth, Action::ManageMinistryAccounts, Resource::Service)?;
    let items = state.store.list_service_accounts(None).await?;
    Ok(HttpResponse::Ok().json(ServiceAccountList { items: items.iter().map(ServiceAccountView::from).collect() }))
}

/// Create a service account of the ministry.
///
/// Administrators only. A machine client (`client_credentials` grant) of the ministry's
/// methodological centre: it reads every district and school, the district summaries
/// and the national summary, and the events feed of everything; every write answers 403. The
/// answer carries the `client_secret` once; only its hash is kept.
#[utoipa::path(
    operation_id = "createMinistryServiceAccount",
    tag = tags::DISTRICTS,
    request_body(content = CreateServiceAccountBody, example = json!({"name": "Министрликтин отчет системасы", "client_id": "ministry-reports"})),
    params(crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created; the secret is shown only now.", body = CreatedServiceAccount),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/ministry/service-accounts")]
pub async fn create_service_account(
    state: web::Data<AppState>,
    auth: Auth,
    body: ValidJson<CreateServiceAccountBody>,
) -> Result<HttpResponse, ApiError> {
    allow(&auth, Action::ManageMinistryAccounts, Resource::Service)?;
    new_service_account(&state, &auth, None, body.0).await
}

/// Add a ministry methodologist.
///
/// Administrators only. Creates a login with the `ministry_methodologist` role: a methodologist
/// of the ministry's methodological centre, who reads every district and school and
/// the national summary, and writes nothing (every write answers 403).
#[utoipa::path(
    operation_id = "createMinistryMethodologist",
    tag = tags::DISTRICTS,
    request_body(content = NewPersonBody, example = json!({
        "email": "a.toktogulova@edu.gov.kg", "password": "correct horse battery staple",
        "last_name": "Токтогулова", "first_name": "Айжан", "position": "Усулчу"
    })),
    params(crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created.", body = StaffView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/ministry/methodologists")]
pub async fn create_methodologist(
    state: web::Data<AppState>,
    auth: Auth,
    body: ValidJson<NewPersonBody>,
) -> Result<HttpResponse, ApiError> {
    allow(&auth, Action::ManageMinistryAccounts, Resource::Service)?;
    let mut check = Checker::default();
    let body = body.0;
    // The ministry's methodologist is nothing else, and teaches no school's subject.
    if body.role.as_deref().is_some_and(|r| r != Role::MinistryMethodologist.code()) {
        check.push("role", FieldErrorKind::InvalidValue);
    }
    if !body.subject_ids.is_empty() {
        check.push("subject_ids", FieldErrorKind::InvalidValue);
    }
    let new = body.check(&mut check, Affiliation::Service, Role::MinistryMethodologist);
    check.finish()?;
    let (mut new, password) = checked(new)?;
    new.password_hash = state.hashing.hash(password).await?;
    let s = state.store.create_staff(new, &auth.audit("ministry methodologist created")).await?;
    Ok(created(format!("/api/v1/staff/{}", s.id), s.version, &StaffView::from(&s)))
}

/// The year asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NationalQuery {
    /// `YYYY-YYYY`, required.
    #[param(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
    /// `json` (the default), `csv` or `xlsx`: the answer's format, instead of `Accept`.
    #[param(value_type = Option<String>, pattern = "^(json|csv|xlsx)$", example = "csv")]
    #[serde(default, deserialize_with = "crate::export::format_param")]
    pub format: Option<crate::export::Format>,
}

/// The national summary's columns in CSV and XLSX: the fields of `districts[]`.
pub const NATIONAL_COLUMNS: [&str; 14] = [
    "district_id",
    "district_name",
    "schools",
    "schools_with_unified_plan",
    "commissions",
    "reports_submitted",
    "reports_accepted",
    "teachers",
    "plan_execution_percent",
    "training_hours_per_teacher",
    "presented_percent",
    "success_percent",
    "quality_percent",
    "summary_url",
];

/// One district in the national summary: its schools' headline figures aggregated.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictSummaryRow {
    pub district_id: Uuid,
    #[schema(example = "Бишкек шаарынын Октябрь району боюнча билим берүү бөлүмү")]
    pub district_name: String,
    /// The district's own summary for the year, one row per school.
    #[schema(example = "/api/v1/districts/0b9f1c3e-8f7a-4c55-9a3b-2f0e8d6c1a42/summary?year=2022-2023")]
    pub summary_url: String,
    #[schema(example = 12)]
    pub schools: u32,
    /// Schools whose unified plan of the year is approved.
    #[schema(example = 10)]
    pub schools_with_unified_plan: u32,
    /// Approved commissions of the year.
    #[schema(example = 41)]
    pub commissions: u32,
    /// Reports of the year submitted or accepted.
    #[schema(example = 35)]
    pub reports_submitted: u32,
    #[schema(example = 30)]
    pub reports_accepted: u32,
    /// Active staff.
    #[schema(example = 480)]
    pub teachers: u32,
    /// Done items of all approved unified plans together, %; `null` without any.
    #[schema(example = 72.5)]
    pub plan_execution_percent: Option<f64>,
    /// Course-training hours per teacher across the district.
    #[schema(example = 18.4)]
    pub training_hours_per_teacher: f64,
    /// Teachers who presented at least once, % of the district's teachers.
    #[schema(example = 46.3)]
    pub presented_percent: f64,
    /// Success % of all the district's judged grades together; `null` without grades.
    #[schema(example = 96.2)]
    pub success_percent: Option<f64>,
    #[schema(example = 54.8)]
    pub quality_percent: Option<f64>,
}

/// The national summary for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct NationalSummaryView {
    #[schema(example = "2022-2023")]
    pub year: String,
    /// One row per district, by name.
    pub districts: Vec<DistrictSummaryRow>,
}

/// The headline facts of one school's district-summary row.
fn headline(s: &SchoolSummary) -> SchoolHeadline {
    let count = |pred: &dyn Fn(ReportStatus) -> bool| -> u32 {
        s.reports.iter().filter(|(_, st, _)| pred(*st)).map(|(_, _, n)| *n).sum()
    };
    SchoolHeadline {
        unified_plan_approved: s.plan.is_some(),
        plan_progress: if s.plan.is_some() { s.plan_progress.clone() } else { Vec::new() },
        commissions: s.commissions,
        reports_submitted: count(&|st| matches!(st, ReportStatus::Submitted | ReportStatus::Accepted)),
        reports_accepted: count(&|st| st == ReportStatus::Accepted),
        teachers: s.teachers,
        presenters: s.presenters,
        training_tenths: s.training_tenths,
        grades: usul_domain::effectiveness::knowledge(&s.quality).overall,
    }
}

/// Read the national summary.
///
/// The ministry's view: one row per district for the year, each the headline figures
/// of `GET /districts/{id}/summary` aggregated over the district's schools — schools with an
/// approved unified plan, approved commissions, reports submitted and accepted, teachers, and
/// plan execution %, course-training hours per teacher, share of teachers who presented,
/// success % and quality %, each taken over the pooled counts (not an average of schools'
/// percentages). `summary_url` leads to the district's own summary. For the ministry's
/// methodologists and administrators; district and school users get 403. Computed in a fixed
/// number of queries whatever the number of districts and schools.
///
/// Also as a spreadsheet: `Accept: text/csv` or `Accept:
/// application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`, or `format=csv|xlsx`;
/// one row per district, the columns the field names of `districts[]`, with the JSON's very
/// figures. Another `Accept` is 406 `not_acceptable`.
#[utoipa::path(
    operation_id = "getNationalSummary",
    tag = tags::REPORTS,
    params(NationalQuery),
    responses(
        (status = 200, description = "The summary.", content(
            (NationalSummaryView = "application/json"),
            (String = "text/csv", example = "district_id,district_name,schools,…\r\n"),
            (crate::openapi::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        crate::openapi::GuardedReadErrors,
        (status = 406, response = crate::openapi::NotAcceptable),
    ),
    security(("bearer" = [])),
)]
#[get("/summary")]
pub async fn national_summary(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    q: query::Query<NationalQuery>,
) -> Result<HttpResponse, ApiError> {
    allow(&auth, Action::ReadNationalSummary, Resource::Service)?;
    let year = query::Year::required(q.year)?;
    let format = crate::export::negotiate(&req, q.format)?;
    let (districts, schools) = state.store.national_summary(year).await?;
    let rows = districts
        .iter()
        .map(|d| {
            let mine: Vec<SchoolHeadline> =
                schools.iter().filter(|s| s.school.district == d.id).map(headline).collect();
            let h = aggregate(&mine);
            DistrictSummaryRow {
                district_id: d.id.uuid(),
                district_name: d.name.to_string(),
                summary_url: format!("/api/v1/districts/{}/summary?year={year}", d.id),
                schools: h.schools,
                schools_with_unified_plan: h.schools_with_unified_plan,
                commissions: h.commissions,
                reports_submitted: h.reports_submitted,
                reports_accepted: h.reports_accepted,
                teachers: h.teachers,
                plan_execution_percent: h.plan_execution_percent,
                training_hours_per_teacher: h.training_hours_per_teacher,
                presented_percent: h.presented_percent,
                success_percent: h.success_percent,
                quality_percent: h.quality_percent,
            }
        })
        .collect();
    let view = NationalSummaryView { year: year.to_string(), districts: rows };
    crate::export::respond(format, &view, &format!("national-summary-{year}"), |v| {
        crate::export::Table::of(&NATIONAL_COLUMNS, crate::export::list(v, "districts"))
    })
}
