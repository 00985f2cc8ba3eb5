//! Year-end reports (*отчет*, R-5.4): a commission's report by its head and the school's report
//! by the deputy. Their figures are assembled from the records; the author writes the narrative;
//! submitting freezes the figures; the director accepts or returns.

use crate::auth::{Auth, Principal};
use crate::extract::{OptionalJson, Paging, ValidJson, bad_param, expected, lang, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, ProblemCode, checked};
use crate::routes::{created, list_of, next_cursor, present, school_for, versioned};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use usul_domain::commission::{Commission, CommissionStatus};
use usul_domain::ids::{CommissionId, ReportId, SchoolId, StaffId, SubjectId};
use usul_domain::lang::Lang;
use usul_domain::meeting::Body;
use usul_domain::org::School;
use usul_domain::plan::{Owner, PlanKind};
use usul_domain::policy::{Action, Actor};
use usul_domain::quality::{GradeCounts, change};
use usul_domain::report::{
    Figures, Inputs, ReportAction, ReportActor, ReportKind, ReportStatus, Scope, allowed_actions, assemble, may, next,
};
use usul_domain::staff::{Role, Staff};
use usul_domain::year::AcademicYear;
use usul_persistence::{NewReport, PageRequest, Report, ReportFilter, ReportMove, ReportPatch};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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
        .service(document);
}

/// The longest narrative section.
pub const MAX_NARRATIVE: usize = 20_000;

// ---------- the figures, as stored and shown ----------

/// A person named in a report, as they were named when the figures were taken.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersonRef {
    pub staff_id: Uuid,
    #[schema(example = "Үсөнова А.Б.")]
    pub short_name: String,
}

/// A count of something by its code.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CodeCount {
    /// A progress mark, catalogue group, form or material kind.
    #[schema(example = "open_lesson")]
    pub code: String,
    #[schema(example = 4)]
    pub count: u32,
}

/// One responsible person's execution of the plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResponsibleLine {
    #[serde(flatten)]
    pub person: PersonRef,
    pub items: u32,
    pub done: u32,
    pub overdue: u32,
}

/// Plan execution: the unified plan for a school report, the commission's plan for a
/// commission report; its approved version, else its newest.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanSection {
    pub plan_id: Uuid,
    pub title: String,
    pub items: u32,
    /// Items per progress mark (`planned`, `done`, `partly_done`, `not_done`, `postponed`, `cancelled`).
    pub by_progress: Vec<CodeCount>,
    /// Done of the items not cancelled, %.
    #[schema(example = 66.7)]
    pub percent_done: f64,
    /// Due before the figures' day and neither done nor cancelled.
    pub overdue: u32,
    pub by_responsible: Vec<ResponsibleLine>,
}

/// Activities held.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActivitySection {
    pub total: u32,
    /// Per catalogue group (`qualification`, `innovation`, `information`); a form may count in two.
    pub by_group: Vec<CodeCount>,
    /// Per catalogue form.
    pub by_form: Vec<CodeCount>,
}

/// An open lesson or master class and who gave it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PresentationLine {
    pub activity_id: Uuid,
    #[schema(example = "open_lesson")]
    pub form: String,
    pub title: String,
    pub date: NaiveDate,
    pub presenters: Vec<PersonRef>,
}

/// One person's part in the year's work.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ParticipationLine {
    #[serde(flatten)]
    pub person: PersonRef,
    pub qualification: u32,
    pub innovation: u32,
    pub information: u32,
    pub presented: u32,
    pub mentoring: u32,
    pub training_hours: f64,
    pub materials: u32,
    pub took_part: bool,
}

/// Participation per teacher, with those who took no part named.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ParticipationSection {
    /// People counted: the school's active staff, or the commission's members.
    pub people: u32,
    pub took_part: u32,
    pub per_teacher: Vec<ParticipationLine>,
    pub non_participants: Vec<PersonRef>,
}

/// Course training.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TrainingSection {
    #[schema(example = 144.0)]
    pub total_hours: f64,
    pub teachers_trained: u32,
}

/// Materials produced and published.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MaterialSection {
    pub produced: u32,
    pub published: u32,
    pub by_kind: Vec<CodeCount>,
}

/// A meeting held, with its protocol number.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MeetingLine {
    pub meeting_id: Uuid,
    /// `pedagogical_council`, `methodological_council` or `commission`.
    #[schema(example = "commission")]
    pub body: String,
    pub commission_id: Option<Uuid>,
    /// The commission's name, for a commission's meeting.
    #[serde(default)]
    pub commission_name: Option<String>,
    pub date: NaiveDate,
    #[schema(example = 1)]
    pub protocol_number: Option<u32>,
}

/// Success % and quality % of a set of rows.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QualityFigures {
    pub students: u32,
    #[schema(example = 92.0)]
    pub success_percent: f64,
    #[schema(example = 60.0)]
    pub quality_percent: f64,
}

impl From<GradeCounts> for QualityFigures {
    fn from(g: GradeCounts) -> Self {
        Self { students: g.students(), success_percent: g.success_percent(), quality_percent: g.quality_percent() }
    }
}

/// A subject's knowledge quality, this year and last.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubjectQualityLine {
    pub subject_id: Uuid,
    #[schema(example = "Математика")]
    pub subject_name: String,
    pub current: Option<QualityFigures>,
    pub previous: Option<QualityFigures>,
    /// Change of success % in points.
    pub success_change: Option<f64>,
    /// Change of quality % in points.
    pub quality_change: Option<f64>,
}

/// Knowledge quality against the previous year, on the most final term entered (the
/// annual grades, else the latest term).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QualitySection {
    /// `1`–`4` or `year`; `null` when nothing was entered.
    pub term: Option<String>,
    pub previous_term: Option<String>,
    pub current: Option<QualityFigures>,
    pub previous: Option<QualityFigures>,
    pub success_change: Option<f64>,
    pub quality_change: Option<f64>,
    pub per_subject: Vec<SubjectQualityLine>,
}

/// A report's computed sections, assembled from the records.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportFigures {
    /// The day the figures are for.
    pub as_of: NaiveDate,
    pub plan: Option<PlanSection>,
    pub activities: ActivitySection,
    pub open_lessons_and_master_classes: Vec<PresentationLine>,
    pub participation: ParticipationSection,
    pub training: TrainingSection,
    pub materials: MaterialSection,
    pub meetings: Vec<MeetingLine>,
    pub knowledge_quality: QualitySection,
}

fn code_counts<'a>(v: impl IntoIterator<Item = (&'a str, u32)>) -> Vec<CodeCount> {
    v.into_iter().map(|(code, count)| CodeCount { code: code.to_owned(), count }).collect()
}

fn to_dto(
    f: &Figures,
    people: &[Staff],
    subjects: &[(SubjectId, String)],
    commissions: &[(CommissionId, String)],
) -> ReportFigures {
    let person = |s: StaffId| PersonRef {
        staff_id: s.uuid(),
        short_name: people.iter().find(|p| p.id == s).map(Staff::short_name).unwrap_or_default(),
    };
    let subject = |s: SubjectId| subjects.iter().find(|(id, _)| *id == s).map(|(_, n)| n.clone()).unwrap_or_default();
    let q = &f.quality;
    let (now, before) = (q.now.map(QualityFigures::from), q.before.map(QualityFigures::from));
    ReportFigures {
        as_of: f.as_of,
        plan: f.plan.as_ref().map(|p| PlanSection {
            plan_id: p.plan.uuid(),
            title: p.title.clone(),
            items: p.items,
            by_progress: code_counts(p.by_progress.iter().map(|(m, n)| (m.code(), *n))),
            percent_done: p.percent_done,
            overdue: p.overdue,
            by_responsible: p
                .by_responsible
                .iter()
                .map(|r| ResponsibleLine { person: person(r.staff), items: r.items, done: r.done, overdue: r.overdue })
                .collect(),
        }),
        activities: ActivitySection {
            total: f.activities,
            by_group: code_counts(f.by_group.iter().map(|(g, n)| (g.code(), *n))),
            by_form: code_counts(f.by_form.iter().map(|(c, n)| (c.as_str(), *n))),
        },
        open_lessons_and_master_classes: f
            .presentations
            .iter()
            .map(|p| PresentationLine {
                activity_id: p.activity.uuid(),
                form: p.form.clone(),
                title: p.title.clone(),
                date: p.on,
                presenters: p.presenters.iter().map(|s| person(*s)).collect(),
            })
            .collect(),
        participation: ParticipationSection {
            people: u32::try_from(f.participation.len()).unwrap_or(u32::MAX),
            took_part: u32::try_from(f.participation.iter().filter(|(_, p)| p.took_part()).count()).unwrap_or(u32::MAX),
            per_teacher: f
                .participation
                .iter()
                .map(|(s, p)| ParticipationLine {
                    person: person(*s),
                    qualification: p.qualification,
                    innovation: p.innovation,
                    information: p.information,
                    presented: p.presented,
                    mentoring: p.mentoring,
                    training_hours: p.training_hours.as_f64(),
                    materials: p.materials,
                    took_part: p.took_part(),
                })
                .collect(),
            non_participants: f.non_participants.iter().map(|s| person(*s)).collect(),
        },
        training: TrainingSection { total_hours: f.training_hours.as_f64(), teachers_trained: f.teachers_trained },
        materials: MaterialSection {
            produced: f.materials,
            published: f.materials_published,
            by_kind: code_counts(f.materials_by_kind.iter().map(|(c, n)| (c.as_str(), *n))),
        },
        meetings: f
            .meetings
            .iter()
            .map(|m| MeetingLine {
                meeting_id: m.id.uuid(),
                body: m.body.kind().code().to_owned(),
                commission_id: match m.body {
                    Body::Commission(c) => Some(c.uuid()),
                    _ => None,
                },
                commission_name: match m.body {
                    Body::Commission(c) => commissions.iter().find(|(id, _)| *id == c).map(|(_, n)| n.clone()),
                    _ => None,
                },
                date: m.date,
                protocol_number: m.protocol_number,
            })
            .collect(),
        knowledge_quality: QualitySection {
            term: q.term.map(|t| t.code().to_owned()),
            previous_term: q.term_before.map(|t| t.code().to_owned()),
            success_change: now
                .as_ref()
                .and_then(|n| change(n.success_percent, before.as_ref().map(|b| b.success_percent))),
            quality_change: now
                .as_ref()
                .and_then(|n| change(n.quality_percent, before.as_ref().map(|b| b.quality_percent))),
            current: now,
            previous: before,
            per_subject: q
                .per_subject
                .iter()
                .map(|s| {
                    let (c, p) = (s.now.map(QualityFigures::from), s.before.map(QualityFigures::from));
                    SubjectQualityLine {
                        subject_id: s.subject.uuid(),
                        subject_name: subject(s.subject),
                        success_change: c
                            .as_ref()
                            .and_then(|c| change(c.success_percent, p.as_ref().map(|p| p.success_percent))),
                        quality_change: c
                            .as_ref()
                            .and_then(|c| change(c.quality_percent, p.as_ref().map(|p| p.quality_percent))),
                        current: c,
                        previous: p,
                    }
                })
                .collect(),
        },
    }
}

/// Assembles a report's figures from the records, in a fixed number of queries whatever the
/// size of the school (about twenty).
///
/// # Errors
/// A storage failure.
pub async fn figures(
    store: &usul_persistence::Store,
    school: &School,
    commission: Option<&Commission>,
    year: AcademicYear,
) -> Result<ReportFigures, ApiError> {
    let id = school.id;
    let staff = store.active_school_staff(id).await?;
    let (activities, participation) = store.activities_and_participation(id, year).await?;
    let materials = store.material_facts(id, year).await?;
    let meetings = store.meeting_facts(id, year).await?;
    let quality = store.quality_rows(id, year).await?;
    let quality_before = match year.previous() {
        Some(y) => store.quality_rows(id, y).await?,
        None => Vec::new(),
    };
    let subjects: Vec<(SubjectId, String)> =
        store.school_subjects(id).await?.into_iter().map(|s| (s.id, s.name.to_string())).collect();
    let (scope, plan) = match commission {
        Some(c) => (
            Scope::Commission { id: c.id, members: c.members.clone(), subjects: c.subjects.clone() },
            store.year_plan_facts(PlanKind::Commission, Owner::Commission(c.id), year).await?,
        ),
        None => (Scope::School, store.year_plan_facts(PlanKind::School, Owner::School(id), year).await?),
    };
    let plan = plan.map(|(p, _)| p);
    let ids: Vec<StaffId> = staff.iter().map(|s| s.id).collect();
    let f = assemble(Inputs {
        scope: &scope,
        today: Utc::now().date_naive().min(year.last_day()),
        plan: plan.as_ref(),
        staff: &ids,
        activities: &activities,
        participation: &participation,
        materials: &materials,
        meetings: &meetings,
        quality: &quality,
        quality_before: &quality_before,
    });
    // Named people may have left; their names are looked up too.
    let mut named: Vec<StaffId> = f.plan.iter().flat_map(|p| p.by_responsible.iter().map(|r| r.staff)).collect();
    named.extend(f.presentations.iter().flat_map(|p| p.presenters.iter().copied()));
    named.retain(|s| !ids.contains(s));
    named.sort_unstable();
    named.dedup();
    let mut people = staff;
    if !named.is_empty() {
        people.extend(store.staff_by_ids(&named).await?);
    }
    let commissions: Vec<(CommissionId, String)> = store
        .list_commissions(
            id,
            usul_persistence::CommissionFilter { year: Some(year), status: None },
            PageRequest { after: None, limit: 1000 },
        )
        .await?
        .items
        .into_iter()
        .map(|c| (c.id, c.name.to_string()))
        .collect();
    Ok(to_dto(&f, &people, &subjects, &commissions))
}

/// The narrative sections a report's author writes.
#[derive(Debug, Clone, Default)]
pub struct Narrative {
    pub achievements: Option<String>,
    pub problems: Option<String>,
    pub proposals: Option<String>,
}

/// Starts a report with fresh figures and submits it, as its author would through the API: for
/// the demo and the data generator, which file reports without a request.
///
/// # Errors
/// A storage failure, or `report_exists`.
pub async fn file_submitted(
    store: &usul_persistence::Store,
    school: &School,
    commission: Option<&Commission>,
    year: AcademicYear,
    author: Option<&Staff>,
    narrative: Narrative,
    audit: &usul_persistence::Audit,
) -> Result<Report, ApiError> {
    let figures = encode(&figures(store, school, commission, year).await?)?;
    let kind = if commission.is_some() { ReportKind::Commission } else { ReportKind::School };
    let new = NewReport {
        kind,
        commission: commission.map(|c| c.id),
        year,
        author: author.map(|a| a.id),
        author_name: author.map(Staff::short_name),
        achievements: narrative.achievements,
        problems: narrative.problems,
        proposals: narrative.proposals,
        figures: figures.clone(),
    };
    let r = store.create_report(school, new, audit).await?;
    let m = ReportMove {
        to: ReportStatus::Submitted,
        action: "submit",
        actor: author.map(|a| a.id),
        actor_name: author.map(Staff::short_name),
        actor_role: submitter_role(kind, author.map_or_else(|| "system".to_owned(), |a| a.role.code().to_owned())),
        comment: None,
        figures: Some(figures),
        accepted: None,
    };
    Ok(store.transition_report(&r, None, m, audit).await?)
}

/// The capacity a report is submitted in: a commission's head reports as `commission_head`,
/// whatever their staff role.
fn submitter_role(kind: ReportKind, role: String) -> String {
    if kind == ReportKind::Commission { "commission_head".to_owned() } else { role }
}

fn encode(f: &ReportFigures) -> Result<String, ApiError> {
    serde_json::to_string(f).map_err(|e| ApiError::internal("report figures", e))
}

fn decode(r: &Report) -> Result<ReportFigures, ApiError> {
    serde_json::from_str(&r.figures).map_err(|e| ApiError::internal("stored report figures", e))
}

// ---------- who may do what ----------

async fn actor_facts(state: &AppState, auth: &Auth, r: &Report) -> Result<ReportActor, ApiError> {
    let (me, role) = match (&auth.principal, auth.actor) {
        (Principal::Staff(s), Actor::SchoolStaff { role, school, .. }) if school == r.school => (s.id, role),
        _ => return Ok(ReportActor::default()),
    };
    let heads_commission = match r.commission {
        Some(c) => state.store.get_commission(c).await?.is_some_and(|c| c.is_led_by(me)),
        None => false,
    };
    Ok(ReportActor { is_director: role == Role::Director, is_deputy: role == Role::Deputy, heads_commission })
}

/// Loads a report the caller may read (its school's staff and district): another school's is 404.
async fn load(state: &AppState, auth: &Auth, raw: &str) -> Result<(Report, School), ApiError> {
    let r = state.store.get_report(ReportId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(state, auth, r.school, Action::Read).await?;
    Ok((r, school))
}

fn not_allowed(r: &Report, action: &str) -> ApiError {
    ApiError::ConflictWith {
        code: ProblemCode::TransitionNotAllowed,
        detail: format!("A {} report cannot be sent to `{action}`.", r.status.code()),
        extra: Some(json!({"report_status": r.status.code(), "allowed": allowed_actions(r.status)})),
    }
}

/// Checks that `action` starts from the report's state and that the caller may take it.
async fn permit(state: &AppState, auth: &Auth, r: &Report, action: ReportAction) -> Result<ReportStatus, ApiError> {
    let facts = actor_facts(state, auth, r).await?;
    if !may(r.kind, action, facts) {
        return Err(ApiError::Forbidden);
    }
    next(r.status, action).ok_or_else(|| {
        if action == ReportAction::Edit {
            ApiError::Conflict(ProblemCode::ReportNotOpen)
        } else {
            not_allowed(r, action.code())
        }
    })
}

// ---------- views ----------

/// A year-end report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: Uuid,
    pub school_id: Uuid,
    /// `commission` or `school`.
    #[schema(example = "commission")]
    pub kind: String,
    #[schema(example = "Усулдук бирикменин жылдык отчету")]
    pub kind_label: String,
    pub commission_id: Option<Uuid>,
    #[schema(example = "2022-2023")]
    pub year: String,
    /// `draft`, `submitted`, `accepted` or `returned`.
    #[schema(example = "submitted")]
    pub status: String,
    #[schema(example = "Тапшырылды")]
    pub status_label: String,
    /// What can be done with it now: `refresh`, `submit`, `accept`, `return`.
    pub allowed_actions: Vec<String>,
    pub author_id: Option<Uuid>,
    /// Narrative: the year's achievements.
    pub achievements: Option<String>,
    /// Narrative: problems met.
    pub problems: Option<String>,
    /// Narrative: proposals for next year.
    pub proposals: Option<String>,
    /// The computed sections; frozen once submitted.
    pub figures: ReportFigures,
    /// When the figures were taken.
    pub figures_as_of: DateTime<Utc>,
    /// Whether the figures are frozen (submitted or accepted).
    pub frozen: bool,
    /// The director's comment when returned.
    pub return_comment: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub accepted_by: Option<Uuid>,
    pub accepted_on: Option<NaiveDate>,
    #[schema(example = 3)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn view(r: &Report, language: Lang) -> Result<ReportView, ApiError> {
    Ok(ReportView {
        id: r.id.uuid(),
        school_id: r.school.uuid(),
        kind: r.kind.code().to_owned(),
        kind_label: r.kind.label().get(language).to_owned(),
        commission_id: r.commission.map(CommissionId::uuid),
        year: r.year.to_string(),
        status: r.status.code().to_owned(),
        status_label: r.status.label().get(language).to_owned(),
        allowed_actions: allowed_actions(r.status).into_iter().map(str::to_owned).collect(),
        author_id: r.author.map(StaffId::uuid),
        achievements: r.achievements.clone(),
        problems: r.problems.clone(),
        proposals: r.proposals.clone(),
        figures: decode(r)?,
        figures_as_of: r.figures_as_of,
        frozen: !r.status.is_open(),
        return_comment: r.return_comment.clone(),
        submitted_at: r.submitted_at,
        accepted_by: r.accepted.map(|(s, _)| s.uuid()),
        accepted_on: r.accepted.map(|(_, d)| d),
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

fn respond(req: &HttpRequest, r: &Report) -> Result<HttpResponse, ApiError> {
    Ok(versioned(req, r.version, &view(r, lang(req))?))
}

list_of!(ReportList, ReportView, "A page of reports.");

/// Filters of the report list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// One school (school staff see only their own; district users any of their district).
    pub school_id: Option<Uuid>,
    /// `YYYY-YYYY`.
    #[param(pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<String>,
    /// `commission` or `school`.
    #[param(pattern = "^(commission|school)$")]
    pub kind: Option<String>,
    /// `draft`, `submitted`, `accepted` or `returned`.
    #[param(pattern = "^(draft|submitted|accepted|returned)$")]
    pub status: Option<String>,
    pub commission_id: Option<Uuid>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// List reports.
///
/// A school's staff see their school's reports; district users those of their district's
/// schools (narrowed by `school_id`); an administrator must name the school.
#[utoipa::path(
    tag = tags::REPORTS,
    params(ReportQuery),
    responses(
        (status = 200, description = "A page of reports, oldest first.", body = ReportList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/reports")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let mut f = ReportFilter {
        year: q
            .year
            .as_deref()
            .map(|y| AcademicYear::parse(y).map_err(|_| bad_param("year", FieldErrorKind::InvalidYear)))
            .transpose()?,
        kind: q
            .kind
            .as_deref()
            .map(|k| ReportKind::parse(k).ok_or_else(|| bad_param("kind", FieldErrorKind::InvalidValue)))
            .transpose()?,
        status: q
            .status
            .as_deref()
            .map(|s| ReportStatus::parse(s).ok_or_else(|| bad_param("status", FieldErrorKind::InvalidValue)))
            .transpose()?,
        commission: q.commission_id.map(CommissionId::from_uuid),
        ..ReportFilter::default()
    };
    match (q.school_id, auth.actor) {
        (Some(s), _) => f.school = Some(school_for(&state, &auth, SchoolId::from_uuid(s), Action::Read).await?.id),
        (None, Actor::SchoolStaff { school, .. }) => f.school = Some(school),
        (None, Actor::DistrictUser { district, .. } | Actor::DistrictService { district, .. }) => {
            f.district = Some(district);
        }
        (None, Actor::Admin { .. }) => return Err(bad_param("school_id", FieldErrorKind::Required)),
    }
    let page = state.store.list_reports(&f, paging.request()).await?;
    let language = lang(&req);
    let items = page.items.iter().map(|r| view(r, language)).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(ReportList { items, next_cursor: next_cursor(page.next) }))
}

/// A new report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "commission", "commission_id": "0192f0c4-0000-7000-8000-000000000201", "year": "2022-2023", "achievements": "Бардык мугалимдер ачык сабак өткөрүштү."}))]
pub struct CreateReportBody {
    /// `commission` (by its head) or `school` (by the deputy).
    #[schema(example = "commission")]
    pub kind: String,
    /// For a commission report: the commission (approved).
    pub commission_id: Option<Uuid>,
    /// For a school report: the school; the caller's school when absent.
    pub school_id: Option<Uuid>,
    /// `YYYY-YYYY`.
    #[schema(example = "2022-2023")]
    pub year: String,
    /// Up to 20000 characters.
    pub achievements: Option<String>,
    /// Up to 20000 characters.
    pub problems: Option<String>,
    /// Up to 20000 characters.
    pub proposals: Option<String>,
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
    let b = body.0;
    let mut check = Checker::default();
    let kind = check.check("kind", ReportKind::parse(&b.kind).ok_or(()), |()| FieldErrorKind::InvalidValue);
    let year = check.check("year", AcademicYear::parse(&b.year), |_| FieldErrorKind::InvalidYear);
    // A year is reported on once it has begun.
    let year = match year {
        Some(y) if y.first_day() > Utc::now().date_naive() => {
            check.push("year", FieldErrorKind::OutOfRange);
            None
        }
        other => other,
    };
    let achievements = check.optional_text("achievements", b.achievements.as_deref(), MAX_NARRATIVE);
    let problems = check.optional_text("problems", b.problems.as_deref(), MAX_NARRATIVE);
    let proposals = check.optional_text("proposals", b.proposals.as_deref(), MAX_NARRATIVE);
    match kind {
        Some(ReportKind::Commission) if b.commission_id.is_none() => {
            check.push("commission_id", FieldErrorKind::Required)
        }
        Some(ReportKind::School) if b.commission_id.is_some() => {
            check.push("commission_id", FieldErrorKind::InvalidValue)
        }
        _ => {}
    }
    check.finish()?;
    let (kind, year) = (checked(kind)?, checked(year)?);
    let commission = match b.commission_id {
        Some(c) => Some(state.store.get_commission(CommissionId::from_uuid(c)).await?.ok_or(ApiError::NotFound)?),
        None => None,
    };
    let school_id = match (&commission, b.school_id, auth.actor) {
        (Some(c), _, _) => c.school,
        (None, Some(s), _) => SchoolId::from_uuid(s),
        (None, None, Actor::SchoolStaff { school, .. }) => school,
        (None, None, _) => return Err(bad_param("school_id", FieldErrorKind::Required)),
    };
    let school = school_for(&state, &auth, school_id, Action::Read).await?;
    if let Some(c) = &commission {
        if b.school_id.is_some_and(|s| s != c.school.uuid()) {
            return Err(ApiError::Validation(vec![crate::problem::FieldError::new(
                "school_id",
                FieldErrorKind::InvalidValue,
            )]));
        }
        if c.year != year {
            return Err(ApiError::Validation(vec![crate::problem::FieldError::new(
                "year",
                FieldErrorKind::InvalidValue,
            )]));
        }
    }
    // The author: the head of the (approved) commission, or the deputy.
    let facts = match (&auth.principal, auth.actor) {
        (Principal::Staff(s), Actor::SchoolStaff { role, school: sc, .. }) if sc == school.id => ReportActor {
            is_director: role == Role::Director,
            is_deputy: role == Role::Deputy,
            heads_commission: commission.as_ref().is_some_and(|c| c.is_led_by(s.id)),
        },
        _ => ReportActor::default(),
    };
    if !may(kind, ReportAction::Edit, facts) {
        return Err(ApiError::Forbidden);
    }
    if commission.as_ref().is_some_and(|c| c.status == CommissionStatus::Draft) {
        return Err(ApiError::Conflict(ProblemCode::CommissionNotApproved));
    }
    let figures = figures(&state.store, &school, commission.as_ref(), year).await?;
    let r = state
        .store
        .create_report(
            &school,
            NewReport {
                kind,
                commission: commission.as_ref().map(|c| c.id),
                year,
                author: auth.staff_id(),
                author_name: auth.short_name(),
                achievements: checked(achievements)?,
                problems: checked(problems)?,
                proposals: checked(proposals)?,
                figures: encode(&figures)?,
            },
            &auth.audit(format!("{} report {year} started", kind.code())),
        )
        .await?;
    Ok(created(format!("/api/v1/reports/{}", r.id), r.version, &view(&r, lang(&req))?))
}

/// Read a report.
#[utoipa::path(
    tag = tags::REPORTS,
    params(("id" = Uuid, Path, description = "Report id")),
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
    let (r, _) = load(&state, &auth, &id).await?;
    respond(&req, &r)
}

/// Changes to the narrative; `null` clears a section.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"problems": "Жаш мугалимдердин ачык сабактары аз болду.", "proposals": "Насаатчылыкты күчөтүү."}))]
pub struct UpdateReportBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub achievements: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub problems: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub proposals: Option<Option<String>>,
}

fn narrative(check: &mut Checker, field: &str, v: Option<Option<String>>) -> Option<Option<Option<String>>> {
    match v {
        None => Some(None),
        Some(None) => Some(Some(None)),
        Some(Some(t)) => check.optional_text(field, Some(&t), MAX_NARRATIVE).map(Some),
    }
}

/// Write the narrative.
///
/// The author writes the achievements, problems and proposals of a draft or returned report.
#[utoipa::path(
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
    let (r, _) = load(&state, &auth, &id).await?;
    permit(&state, &auth, &r, ReportAction::Edit).await?;
    let b = body.0;
    let mut check = Checker::default();
    let achievements = narrative(&mut check, "achievements", b.achievements);
    let problems = narrative(&mut check, "problems", b.problems);
    let proposals = narrative(&mut check, "proposals", b.proposals);
    check.finish()?;
    let patch = ReportPatch {
        achievements: checked(achievements)?,
        problems: checked(problems)?,
        proposals: checked(proposals)?,
        figures: None,
    };
    let r = state.store.update_report(&r, expected(&req, r.version), patch, &auth.audit("report narrative")).await?;
    respond(&req, &r)
}

async fn commission_of(state: &AppState, r: &Report) -> Result<Option<Commission>, ApiError> {
    match r.commission {
        Some(c) => Ok(state.store.get_commission(c).await?),
        None => Ok(None),
    }
}

/// Refresh the figures.
///
/// Reassembles a draft's (or returned report's) computed sections from today's records.
#[utoipa::path(
    tag = tags::REPORTS,
    params(("id" = Uuid, Path, description = "Report id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The report with fresh figures.", body = ReportView, headers(("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, description = "`report_not_open`: the figures of a submitted report are frozen.", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 412, response = crate::openapi::PreconditionFailed),
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
    let (r, school) = load(&state, &auth, &id).await?;
    permit(&state, &auth, &r, ReportAction::Edit).await?;
    let c = commission_of(&state, &r).await?;
    let f = figures(&state.store, &school, c.as_ref(), r.year).await?;
    let patch = ReportPatch { figures: Some(encode(&f)?), ..ReportPatch::default() };
    let r = state.store.update_report(&r, expected(&req, r.version), patch, &auth.audit("report refreshed")).await?;
    respond(&req, &r)
}

/// A comment on a transition.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportCommentBody {
    /// Up to 2000 characters.
    pub comment: Option<String>,
}

/// Why a report goes back.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Ачык сабактардын тизмесин толуктаңыз."}))]
pub struct ReturnReportBody {
    /// Required, 1–2000 characters.
    pub comment: String,
}

/// A move of a report: its target, action, comment and frozen figures.
struct Move {
    to: ReportStatus,
    action: &'static str,
    comment: Option<String>,
    figures: Option<String>,
}

async fn move_report(
    req: &HttpRequest,
    state: &AppState,
    auth: &Auth,
    r: &Report,
    Move { to, action, comment, figures }: Move,
) -> Result<HttpResponse, ApiError> {
    let accepted =
        (to == ReportStatus::Accepted).then(|| auth.staff_id().map(|s| (s, Utc::now().date_naive()))).flatten();
    let role = if action == "submit" { submitter_role(r.kind, auth.role_code()) } else { auth.role_code() };
    let m = ReportMove {
        to,
        action,
        actor: auth.staff_id(),
        actor_name: auth.short_name(),
        actor_role: role,
        comment,
        figures,
        accepted,
    };
    let r =
        state.store.transition_report(r, expected(req, r.version), m, &auth.audit(format!("report {action}"))).await?;
    respond(req, &r)
}

/// Submit a report.
///
/// The author sends it to the director. Its figures are taken once more from the records and
/// **frozen**: records added or changed later do not change a submitted report. Submitting
/// twice is 409 `transition_not_allowed`.
#[utoipa::path(
    tag = tags::REPORTS,
    request_body(content = Option<ReportCommentBody>),
    params(("id" = Uuid, Path, description = "Report id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Submitted, figures frozen.", body = ReportView, headers(("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, description = "`transition_not_allowed` with `allowed`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 422, response = crate::openapi::ValidationFailed),
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
    let (r, school) = load(&state, &auth, &id).await?;
    let to = permit(&state, &auth, &r, ReportAction::Submit).await?;
    let mut check = Checker::default();
    let note = check.optional_text("comment", body.0.and_then(|b| b.comment).as_deref(), 2000);
    check.finish()?;
    let c = commission_of(&state, &r).await?;
    let f = figures(&state.store, &school, c.as_ref(), r.year).await?;
    let m = Move { to, action: "submit", comment: checked(note)?, figures: Some(encode(&f)?) };
    move_report(&req, &state, &auth, &r, m).await
}

/// Accept a report.
///
/// The director accepts a submitted report; the printed report carries the acceptance.
#[utoipa::path(
    tag = tags::REPORTS,
    request_body(content = Option<ReportCommentBody>),
    params(("id" = Uuid, Path, description = "Report id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Accepted.", body = ReportView, headers(("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, description = "`transition_not_allowed` with `allowed`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 422, response = crate::openapi::ValidationFailed),
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
    let (r, _) = load(&state, &auth, &id).await?;
    let to = permit(&state, &auth, &r, ReportAction::Accept).await?;
    let mut check = Checker::default();
    let note = check.optional_text("comment", body.0.and_then(|b| b.comment).as_deref(), 2000);
    check.finish()?;
    let m = Move { to, action: "accept", comment: checked(note)?, figures: None };
    move_report(&req, &state, &auth, &r, m).await
}

/// Return a report.
///
/// The director sends a submitted report back to its author with a comment; the author may
/// edit, refresh and submit it again.
#[utoipa::path(
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
    let (r, _) = load(&state, &auth, &id).await?;
    let to = permit(&state, &auth, &r, ReportAction::Return).await?;
    let mut check = Checker::default();
    let c = check.text("comment", usul_domain::values::bounded(&body.0.comment, 2000));
    check.finish()?;
    let m = Move { to, action: "return", comment: Some(checked(c)?), figures: None };
    move_report(&req, &state, &auth, &r, m).await
}

/// One transition of a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportTransitionView {
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    #[schema(example = "director")]
    pub actor_role: String,
    /// `submit`, `accept` or `return`. For a commission report's submission the role is
    /// `commission_head`.
    #[schema(example = "accept")]
    pub action: String,
    #[schema(example = "submitted")]
    pub from_status: String,
    #[schema(example = "accepted")]
    pub to_status: String,
    pub comment: Option<String>,
}

/// A report's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportHistoryView {
    pub items: Vec<ReportTransitionView>,
}

/// Read a report's history.
///
/// Every transition, oldest first: who, in which role, when, with what comment.
#[utoipa::path(
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
    let (r, _) = load(&state, &auth, &id).await?;
    let items = state
        .store
        .report_history(r.id)
        .await?
        .into_iter()
        .map(|t| ReportTransitionView {
            at: t.at,
            actor_id: t.actor.map(StaffId::uuid),
            actor_role: t.actor_role,
            action: t.action,
            from_status: t.from,
            to_status: t.to,
            comment: t.comment,
        })
        .collect();
    Ok(HttpResponse::Ok().json(ReportHistoryView { items }))
}

/// The language of the printed report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportDocumentQuery {
    /// `ky` (default) or `ru`.
    #[param(pattern = "^(ky|ru)$")]
    pub lang: Option<String>,
}

/// The report as a printable page.
///
/// The paper form on A4: the approval block ("Кабыл алынды" — accepted by the director, with
/// the date, or a blank signature line before acceptance), the title, and each section — plan
/// execution, activities, open lessons and master classes, participation with the
/// non-participants named, training, materials, meetings with protocol numbers, knowledge
/// quality against the previous year — then the narrative.
#[utoipa::path(
    tag = tags::REPORTS,
    params(("id" = Uuid, Path, description = "Report id"), ReportDocumentQuery),
    responses(
        (status = 200, description = "The report.", content_type = "text/html; charset=utf-8", body = String),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/reports/{id}/document")]
pub async fn document(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<ReportDocumentQuery>,
) -> Result<HttpResponse, ApiError> {
    let language = crate::extract::document_lang(q.lang.as_deref())?;
    let (r, school) = load(&state, &auth, &id).await?;
    let commission = commission_of(&state, &r).await?.map(|c| c.name.to_string());
    let f = decode(&r)?;
    let html = crate::documents::report(&r, &f, &school, commission.as_deref(), language);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_LANGUAGE, language.code()))
        .body(html))
}
