//! The effectiveness of methodological work for a school, with the previous year beside
//! it, and the district's summary comparing its schools.

use crate::auth::Auth;
use crate::extract::{bad_param, lang, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, FieldErrorKind};
use crate::query;
use crate::routes::{allow, school_for};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use usul_domain::effectiveness::{Knowledge, Measures, Professional, Support, YearFacts, measures, per_teacher};
use usul_domain::ids::{DistrictId, SchoolId, SubjectId};
use usul_domain::lang::Lang;
use usul_domain::org::School;
use usul_domain::plan::{Owner, PlanKind, percent_done};
use usul_domain::policy::{Action, Resource};
use usul_domain::quality::{GradeCounts, change, percent};
use usul_domain::report::{ReportKind, ReportStatus};
use usul_domain::year::AcademicYear;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(effectiveness).service(summary);
}

/// The year asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// `YYYY-YYYY`, required.
    #[param(required = true, value_type = String, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
}

// ---------- the school's measures ----------

/// Teachers of one qualification category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryCount {
    /// `highest`, `first`, `second` or `none`.
    #[schema(example = "highest")]
    pub category: String,
    #[schema(example = "Жогорку категория")]
    pub label: String,
    pub count: u32,
    /// Of all teachers, %.
    pub percent: f64,
}

/// The professional level of teachers in a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfessionalFigures {
    /// The school's active pedagogical staff (today's staff, for either year).
    pub teachers: u32,
    /// Teachers per qualification category, highest first.
    pub categories: Vec<CategoryCount>,
    /// Teachers with the highest or first category, of all teachers, %.
    pub highest_or_first_percent: f64,
    /// Course-training hours of trainings begun in the year, summed over the teachers and
    /// divided by their number, one decimal.
    #[schema(example = 27.0)]
    pub training_hours_per_teacher: f64,
    /// Teachers who presented at least once in the year — gave an open lesson or a master
    /// class, or a report: the presenter's role in any activity (a seminar, round table,
    /// conference, creative report…) — of all teachers, %.
    #[schema(example = 25.0)]
    pub presented_percent: f64,
    /// Teachers whose individual plan of the year is approved, of all teachers, %.
    #[schema(example = 75.0)]
    pub individual_plan_percent: f64,
    /// Confirmed records of the teachers' work beyond the school, by level.
    pub outside_work: crate::routes::records::outside::OutsideByLevel,
    /// Teachers with confirmed work beyond the school, of all teachers, %.
    #[schema(example = 50.0)]
    pub outside_work_percent: f64,
}

/// A subject's materials.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectMaterials {
    pub subject_id: Uuid,
    #[schema(example = "Математика")]
    pub subject_name: String,
    pub materials: u32,
}

/// The methodological support of teaching in a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportFigures {
    /// Materials of the bank dated to the year, in any state.
    pub materials: u32,
    /// The year's materials per subject of the school (every subject listed, with 0 if none).
    pub materials_per_subject: Vec<SubjectMaterials>,
    pub subjects: u32,
    /// Subjects with a `working_programme` material of the year published in the bank.
    pub subjects_with_working_programme: u32,
    /// Those subjects of all subjects, %.
    pub working_programme_percent: f64,
    /// Done items of the approved unified plan, of its items not cancelled, %; `null`
    /// without an approved plan.
    #[schema(example = 66.7)]
    pub plan_execution_percent: Option<f64>,
}

/// Success and quality of a set of grades.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnowledgeFigures {
    /// The term judged: the annual grades (`year`) if entered, else the latest term; for the
    /// overall figures, the most final term of any subject (each subject is judged on its own).
    #[schema(example = "year")]
    pub term: String,
    pub students: u32,
    /// (5 + 4 + 3) / students, %.
    #[schema(example = 95.0)]
    pub success_percent: f64,
    /// (5 + 4) / students, %.
    #[schema(example = 52.5)]
    pub quality_percent: f64,
}

/// A subject's knowledge quality, with the previous year.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectKnowledge {
    pub subject_id: Uuid,
    #[schema(example = "Математика")]
    pub subject_name: String,
    pub current: Option<KnowledgeFigures>,
    pub previous: Option<KnowledgeFigures>,
    /// Change of success % in points.
    pub success_change: Option<f64>,
    /// Change of quality % in points.
    pub quality_change: Option<f64>,
}

/// The professional level of teachers: this year and the previous.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfessionalMeasure {
    pub current: ProfessionalFigures,
    pub previous: ProfessionalFigures,
}

/// The methodological support of teaching: this year and the previous.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportMeasure {
    pub current: SupportFigures,
    pub previous: SupportFigures,
}

/// The quality of students' knowledge: overall and per subject, with the change.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnowledgeMeasure {
    /// Overall, weighted by students; `null` when no grades were entered.
    pub current: Option<KnowledgeFigures>,
    pub previous: Option<KnowledgeFigures>,
    /// Change of success % in points.
    pub success_change: Option<f64>,
    /// Change of quality % in points.
    pub quality_change: Option<f64>,
    pub per_subject: Vec<SubjectKnowledge>,
}

/// The three measures of for a year, each with the previous year beside it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EffectivenessView {
    pub school_id: Uuid,
    #[schema(example = "2022-2023")]
    pub year: String,
    #[schema(example = "2021-2022")]
    pub previous_year: Option<String>,
    pub professional_level: ProfessionalMeasure,
    pub methodological_support: SupportMeasure,
    pub knowledge_quality: KnowledgeMeasure,
}

fn professional(p: &Professional, language: Lang) -> ProfessionalFigures {
    ProfessionalFigures {
        teachers: p.teachers,
        categories: p
            .categories
            .iter()
            .map(|(c, n)| CategoryCount {
                category: c.code().to_owned(),
                label: c.label().get(language).to_owned(),
                count: *n,
                percent: percent(*n, p.teachers),
            })
            .collect(),
        highest_or_first_percent: p.highest_or_first_percent,
        training_hours_per_teacher: p.training_hours_per_teacher,
        presented_percent: p.presented_percent,
        individual_plan_percent: p.individual_plan_percent,
        outside_work: p.outside_work.into(),
        outside_work_percent: p.outside_work_percent,
    }
}

fn support(s: &Support, subjects: &[(SubjectId, String)]) -> SupportFigures {
    SupportFigures {
        materials: s.materials,
        materials_per_subject: s
            .materials_per_subject
            .iter()
            .map(|(id, n)| SubjectMaterials {
                subject_id: id.uuid(),
                subject_name: subject_name(subjects, *id),
                materials: *n,
            })
            .collect(),
        subjects: s.subjects,
        subjects_with_working_programme: s.subjects_with_working_programme,
        working_programme_percent: s.working_programme_percent,
        plan_execution_percent: s.plan_execution_percent,
    }
}

fn subject_name(subjects: &[(SubjectId, String)], id: SubjectId) -> String {
    subjects.iter().find(|(s, _)| *s == id).map(|(_, n)| n.clone()).unwrap_or_default()
}

fn knowledge_figures(term: Option<usul_domain::quality::Term>, g: Option<GradeCounts>) -> Option<KnowledgeFigures> {
    let (term, g) = (term?, g?);
    Some(KnowledgeFigures {
        term: term.code().to_owned(),
        students: g.students(),
        success_percent: g.success_percent(),
        quality_percent: g.quality_percent(),
    })
}

fn changes(now: Option<&KnowledgeFigures>, before: Option<&KnowledgeFigures>) -> (Option<f64>, Option<f64>) {
    match now {
        Some(n) => (
            change(n.success_percent, before.map(|b| b.success_percent)),
            change(n.quality_percent, before.map(|b| b.quality_percent)),
        ),
        None => (None, None),
    }
}

fn knowledge(now: &Knowledge, before: &Knowledge, subjects: &[(SubjectId, String)]) -> KnowledgeMeasure {
    let current = knowledge_figures(now.term, now.overall);
    let previous = knowledge_figures(before.term, before.overall);
    let (success_change, quality_change) = changes(current.as_ref(), previous.as_ref());
    let mut ids: Vec<SubjectId> = now.per_subject.iter().chain(before.per_subject.iter()).map(|(s, ..)| *s).collect();
    ids.sort_unstable();
    ids.dedup();
    let find = |k: &Knowledge, s: SubjectId| {
        k.per_subject.iter().find(|(x, ..)| *x == s).map(|(_, t, g)| knowledge_figures(Some(*t), Some(*g)))
    };
    KnowledgeMeasure {
        success_change,
        quality_change,
        current,
        previous,
        per_subject: ids
            .into_iter()
            .map(|s| {
                let (c, p) = (find(now, s).flatten(), find(before, s).flatten());
                let (success_change, quality_change) = changes(c.as_ref(), p.as_ref());
                SubjectKnowledge {
                    subject_id: s.uuid(),
                    subject_name: subject_name(subjects, s),
                    current: c,
                    previous: p,
                    success_change,
                    quality_change,
                }
            })
            .collect(),
    }
}

/// The measures of one year, from the records, in a fixed number of queries.
async fn year_measures(
    state: &AppState,
    school: &School,
    year: AcademicYear,
    teachers: &[(usul_domain::ids::StaffId, usul_domain::staff::QualificationCategory)],
    subjects: &[SubjectId],
) -> Result<Measures, ApiError> {
    let store = &state.store;
    let participation = store.participation(school.id, year).await?;
    let plans = store.approved_individual_plans(school.id, year).await?;
    let materials = store.material_facts(school.id, year).await?;
    let quality = store.quality_rows(school.id, year).await?;
    let plan = store.year_plan_facts(PlanKind::School, Owner::School(school.id), year).await?;
    let progress: Option<Vec<_>> =
        plan.filter(|(_, approved)| *approved).map(|(p, _)| p.items.iter().map(|i| i.progress).collect());
    Ok(measures(YearFacts {
        teachers,
        participation: &participation,
        approved_individual_plans: &plans,
        subjects,
        materials: &materials,
        plan_progress: progress.as_deref(),
        quality: &quality,
    }))
}

/// Read a school's effectiveness.
///
/// The three measures of for the year, each beside the previous year's:
///
/// - **professional level of teachers** — the qualification categories, course-training hours
///   per teacher, the share who presented at least once, the share with an approved individual
///   plan;
/// - **methodological support of teaching** — materials per subject, subjects with a working
///   programme in the bank, execution of the approved unified plan;
/// - **quality of knowledge** — success % = (5+4+3)/students and quality % = (5+4)/students,
///   overall and per subject, on the annual grades (else the latest term entered), with the
///   change in points.
///
/// Computed from the records on each request, in a fixed number of queries.
#[utoipa::path(
    operation_id = "getEffectiveness",
    tag = tags::EFFECTIVENESS,
    params(("id" = Uuid, Path, description = "School id"), YearQuery),
    responses(
        (status = 200, description = "The measures.", body = EffectivenessView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/effectiveness")]
pub async fn effectiveness(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let year = query::Year::required(q.year)?;
    let language = lang(&req);
    let teachers: Vec<_> =
        state.store.active_school_staff(school.id).await?.into_iter().map(|s| (s.id, s.category)).collect();
    let subjects: Vec<(SubjectId, String)> =
        state.store.school_subjects(school.id).await?.into_iter().map(|s| (s.id, s.name.to_string())).collect();
    let ids: Vec<SubjectId> = subjects.iter().map(|(s, _)| *s).collect();
    let now = year_measures(&state, &school, year, &teachers, &ids).await?;
    let before = match year.previous() {
        Some(p) => year_measures(&state, &school, p, &teachers, &ids).await?,
        None => measures(YearFacts {
            teachers: &teachers,
            participation: &std::collections::HashMap::new(),
            approved_individual_plans: &std::collections::HashSet::new(),
            subjects: &ids,
            materials: &[],
            plan_progress: None,
            quality: &[],
        }),
    };
    Ok(HttpResponse::Ok().json(EffectivenessView {
        school_id: school.id.uuid(),
        year: year.to_string(),
        previous_year: year.previous().map(|y| y.to_string()),
        professional_level: ProfessionalMeasure {
            current: professional(&now.professional, language),
            previous: professional(&before.professional, language),
        },
        methodological_support: SupportMeasure {
            current: support(&now.support, &subjects),
            previous: support(&before.support, &subjects),
        },
        knowledge_quality: knowledge(&now.knowledge, &before.knowledge, &subjects),
    }))
}

// ---------- the district's summary ----------

/// One school in the district's summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolSummaryRow {
    pub school_id: Uuid,
    #[schema(example = "№95 Кесиптик-техникалык орто мектеби")]
    pub school_name: String,
    /// Whether the unified plan of the year is approved.
    pub unified_plan_approved: bool,
    pub unified_plan_id: Option<Uuid>,
    pub unified_plan_approved_on: Option<NaiveDate>,
    /// Approved commissions of the year.
    pub commissions: u32,
    /// Reports of the year submitted or accepted.
    pub reports_submitted: u32,
    pub reports_accepted: u32,
    /// The school report's state, `null` when not started.
    #[schema(example = "accepted")]
    pub school_report_status: Option<String>,
    /// Active staff.
    pub teachers: u32,
    /// Done items of the approved unified plan, %; `null` without one.
    pub plan_execution_percent: Option<f64>,
    /// Course-training hours of the year per teacher.
    pub training_hours_per_teacher: f64,
    /// Teachers who presented at least once, %.
    pub presented_percent: f64,
    /// The term judged (`year`, else the latest entered); `null` without grades.
    pub knowledge_term: Option<String>,
    pub success_percent: Option<f64>,
    pub quality_percent: Option<f64>,
    /// The district's events and visits the school received in the year.
    pub support_received: u32,
}

/// The district's summary for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictSummaryView {
    pub district_id: Uuid,
    #[schema(example = "2022-2023")]
    pub year: String,
    /// The sort applied.
    #[schema(example = "-quality")]
    pub sort: String,
    pub schools: Vec<SchoolSummaryRow>,
}

/// The year and the order.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// `YYYY-YYYY`, required.
    #[param(required = true, value_type = String, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
    /// `name` (default), `plan_execution`, `commissions`, `reports_accepted`,
    /// `training_hours`, `presented`, `success` or `quality`; a leading `-` sorts descending.
    /// Schools without a figure come last either way.
    #[param(
        pattern = "^-?(name|plan_execution|commissions|reports_accepted|training_hours|presented|success|quality)$",
        example = "-quality"
    )]
    pub sort: Option<String>,
    /// `json` (the default), `csv` or `xlsx`: the answer's format, instead of `Accept`.
    #[param(value_type = Option<String>, pattern = "^(json|csv|xlsx)$", example = "csv")]
    #[serde(default, deserialize_with = "crate::export::format_param")]
    pub format: Option<crate::export::Format>,
}

/// The district summary's columns in CSV and XLSX: the fields of `schools[]`.
pub const SUMMARY_COLUMNS: [&str; 17] = [
    "school_id",
    "school_name",
    "unified_plan_approved",
    "unified_plan_id",
    "unified_plan_approved_on",
    "commissions",
    "reports_submitted",
    "reports_accepted",
    "school_report_status",
    "teachers",
    "plan_execution_percent",
    "training_hours_per_teacher",
    "presented_percent",
    "knowledge_term",
    "success_percent",
    "quality_percent",
    "support_received",
];

const SORTS: [&str; 8] =
    ["name", "plan_execution", "commissions", "reports_accepted", "training_hours", "presented", "success", "quality"];

fn sort_key(r: &SchoolSummaryRow, key: &str) -> Option<f64> {
    match key {
        "plan_execution" => r.plan_execution_percent,
        "commissions" => Some(f64::from(r.commissions)),
        "reports_accepted" => Some(f64::from(r.reports_accepted)),
        "training_hours" => Some(r.training_hours_per_teacher),
        "presented" => Some(r.presented_percent),
        "success" => r.success_percent,
        "quality" => r.quality_percent,
        _ => None,
    }
}

/// Read the district's summary.
///
/// One row per school of the district for the year: the unified plan approved and
/// when, approved commissions, reports submitted and accepted, and the effectiveness headline
/// figures — plan execution %, course-training hours per teacher, share of teachers who
/// presented, success % and quality % (computed as in `GET /schools/{id}/effectiveness`).
/// Sortable. For the district's methodologists and service accounts (a school's staff get 403;
/// another district is 404). Computed in a fixed number of queries whatever the number of
/// schools.
///
/// Also as a spreadsheet: `Accept: text/csv` (UTF-8 with a byte-order mark, `,`, a header row
/// of the field names of `schools[]`) or `Accept:
/// application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` (one sheet, numbers as
/// numbers), or `format=csv|xlsx`; one row per school with the JSON's very figures. Another
/// `Accept` is 406 `not_acceptable`.
#[utoipa::path(
    operation_id = "getDistrictSummary",
    tag = tags::EFFECTIVENESS,
    params(("id" = Uuid, Path, description = "District id"), SummaryQuery),
    responses(
        (status = 200, description = "The summary.", content(
            (DistrictSummaryView = "application/json"),
            (String = "text/csv", example = "school_id,school_name,unified_plan_approved,…\r\n"),
            (crate::openapi::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        crate::openapi::GuardedReadErrors,
        (status = 406, response = crate::openapi::NotAcceptable),
    ),
    security(("bearer" = [])),
)]
#[get("/districts/{id}/summary")]
pub async fn summary(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<SummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let district = DistrictId::from_uuid(path_id("id", &id)?);
    allow(&auth, Action::Read, Resource::District(district))?;
    allow(&auth, Action::ReadDistrictSummary, Resource::District(district))?;
    let year = query::Year::required(q.year)?;
    let format = crate::export::negotiate(&req, q.format)?;
    let sort = q.sort.clone().unwrap_or_else(|| "name".to_owned());
    let (descending, key) = sort.strip_prefix('-').map_or((false, sort.as_str()), |k| (true, k));
    if !SORTS.contains(&key) {
        return Err(bad_param("sort", FieldErrorKind::InvalidValue));
    }
    let key = key.to_owned();
    state.store.get_district(district).await?.ok_or(ApiError::NotFound)?;
    let rows = state.store.district_summary(district, year).await?;
    let support = usul_domain::support::received_counts(&state.store.list_support_events(district, year).await?);
    let mut schools: Vec<SchoolSummaryRow> = rows
        .into_iter()
        .map(|s| {
            let count = |pred: &dyn Fn(ReportStatus) -> bool| -> u32 {
                s.reports.iter().filter(|(_, st, _)| pred(*st)).map(|(_, _, n)| *n).sum()
            };
            let k = usul_domain::effectiveness::knowledge(&s.quality);
            let (term, grades) = (k.term, k.overall);
            SchoolSummaryRow {
                school_id: s.school.id.uuid(),
                school_name: s.school.name.to_string(),
                unified_plan_approved: s.plan.is_some(),
                unified_plan_id: s.plan.map(|(p, _)| p.uuid()),
                unified_plan_approved_on: s.plan.and_then(|(_, on)| on),
                commissions: s.commissions,
                reports_submitted: count(&|st| matches!(st, ReportStatus::Submitted | ReportStatus::Accepted)),
                reports_accepted: count(&|st| st == ReportStatus::Accepted),
                school_report_status: s
                    .reports
                    .iter()
                    .find(|(k, _, _)| *k == ReportKind::School)
                    .map(|(_, st, _)| st.code().to_owned()),
                teachers: s.teachers,
                plan_execution_percent: s.plan.map(|_| percent_done(&s.plan_progress)),
                training_hours_per_teacher: per_teacher(s.training_tenths, s.teachers),
                presented_percent: percent(s.presenters, s.teachers),
                knowledge_term: term.map(|t| t.code().to_owned()),
                success_percent: grades.map(GradeCounts::success_percent),
                quality_percent: grades.map(GradeCounts::quality_percent),
                support_received: support.get(&s.school.id).copied().unwrap_or(0),
            }
        })
        .collect();
    schools.sort_by(|a, b| {
        let by_name = a.school_name.to_lowercase().cmp(&b.school_name.to_lowercase());
        if key == "name" {
            return if descending { by_name.reverse() } else { by_name };
        }
        let ord = match (sort_key(a, &key), sort_key(b, &key)) {
            (Some(x), Some(y)) => {
                let o = x.partial_cmp(&y).unwrap_or(Ordering::Equal);
                if descending { o.reverse() } else { o }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        ord.then(by_name)
    });
    let view = DistrictSummaryView { district_id: district.uuid(), year: year.to_string(), sort, schools };
    crate::export::respond(format, &view, &format!("district-summary-{year}"), |v| {
        crate::export::Table::of(&SUMMARY_COLUMNS, crate::export::list(v, "schools"))
    })
}
