//! Plans and their approval routes (R-3.2.1, R-3.2.2f, R-5.1, R-5.3), items and their
//! execution, history, and the printable plan.

use crate::auth::{Auth, Principal};
use crate::extract::{OptionalJson, Paging, ValidJson, bad_param, expected, lang, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, ProblemCode, checked};
use crate::routes::{created, list_of, next_cursor, present, school_for, versioned};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use usul_domain::commission::CommissionStatus;
use usul_domain::ids::{CommissionId, ItemId, MeetingId, PlanId, SchoolId, StaffId};
use usul_domain::lang::Lang;
use usul_domain::meeting::{Body, MeetingStatus};
use usul_domain::org::School;
use usul_domain::plan::{
    ActorFacts, Drafter, Evidence, Item, Owner, Plan, PlanKind, PlanStatus, Progress, ReviewRecord, StepKind,
    SubmitProblem, allowed_actions, check_submit, is_overdue, known_form, may_take, next_step, percent_done, route,
};
use usul_domain::policy::{Action, Actor};
use usul_domain::staff::{Role, Staff};
use usul_domain::values::bounded;
use usul_domain::year::AcademicYear;
use usul_persistence::{ItemContent, ItemProgress, NewPlan, PlanFilter, PlanPatch, Transition, TransitionEffects};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(remove)
        .service(add_item)
        .service(update_item)
        .service(delete_item)
        .service(progress)
        .service(submit)
        .service(withdraw)
        .service(review)
        .service(agree)
        .service(approve)
        .service(return_plan)
        .service(amend)
        .service(rollover)
        .service(history)
        .service(execution)
        .service(document);
}

// ---------- who may do what with a plan, from the data ----------

/// What the caller is to a plan.
struct Relation {
    facts: ActorFacts,
    /// The caller drafts this plan (its drafter by the route table).
    drafts: bool,
    /// The caller may read it.
    reads: bool,
}

async fn relation(state: &AppState, auth: &Auth, plan: &Plan) -> Result<Relation, ApiError> {
    let (me, role) = match (&auth.principal, auth.actor) {
        (Principal::Staff(s), Actor::SchoolStaff { role, school, .. }) if school == plan.school => (s.id, role),
        // District users and administrators read and do nothing else.
        _ => return Ok(Relation { facts: ActorFacts::default(), drafts: false, reads: true }),
    };
    let is_director = role == Role::Director;
    let is_deputy = role == Role::Deputy;
    let mut facts = ActorFacts { is_director, is_deputy, ..ActorFacts::default() };
    match plan.owner {
        Owner::Commission(c) => {
            if let Some(c) = state.store.get_commission(c).await? {
                facts.heads_owning_commission = c.is_led_by(me);
            }
        }
        Owner::Teacher(t) => {
            facts.owns_plan = t == me;
            facts.owner_is_deputy = state.store.get_staff(t).await?.is_some_and(|s| s.role == Role::Deputy);
            let mut any = false;
            for c in state.store.commissions_of_member(t).await? {
                if let Some(c) = state.store.get_commission(c).await?.filter(|c| c.status == CommissionStatus::Approved)
                {
                    any = true;
                    facts.heads_teachers_commission |= c.is_led_by(me);
                }
            }
            facts.teacher_has_no_commission = !any;
        }
        Owner::School(_) => {}
    }
    let drafts = match route(plan.kind).0 {
        Drafter::Deputy => is_deputy || is_director,
        Drafter::CommissionHead => facts.heads_owning_commission || is_director,
        Drafter::Teacher => plan.owner == Owner::Teacher(me),
    };
    // Individual plans are read by their teacher, the teacher's heads, the deputy and director.
    let reads = match plan.owner {
        Owner::Teacher(t) => t == me || is_director || is_deputy || facts.heads_teachers_commission,
        _ => true,
    };
    Ok(Relation { facts, drafts, reads })
}

/// Loads a plan the caller may read; another school's (or an invisible individual plan) is 404.
async fn load(state: &AppState, auth: &Auth, raw: &str) -> Result<(Plan, School, Relation), ApiError> {
    let plan = state.store.get_plan(PlanId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(state, auth, plan.school, Action::Read).await?;
    let rel = relation(state, auth, &plan).await?;
    if !rel.reads {
        return Err(ApiError::NotFound);
    }
    Ok((plan, school, rel))
}

fn not_allowed(plan: &Plan, action: &str) -> ApiError {
    ApiError::Rule {
        code: ProblemCode::TransitionNotAllowed,
        detail: format!("A {} plan cannot be sent to `{action}`.", plan.status.code(plan.kind)),
        extra: Some(
            json!({"plan_status": plan.status.code(plan.kind), "allowed": allowed_actions(plan.kind, plan.status)}),
        ),
    }
}

fn conflict_not_allowed(plan: &Plan, action: &str) -> ApiError {
    // A transition from the wrong state is a conflict with the plan's state (409).
    match not_allowed(plan, action) {
        ApiError::Rule { detail, extra, .. } => {
            ApiError::ConflictWith { code: ProblemCode::TransitionNotAllowed, detail, extra }
        }
        other => other,
    }
}

fn require_draft(plan: &Plan) -> Result<(), ApiError> {
    if plan.status == PlanStatus::Draft { Ok(()) } else { Err(ApiError::Conflict(ProblemCode::PlanNotDraft)) }
}

fn must_draft(rel: &Relation) -> Result<(), ApiError> {
    if rel.drafts { Ok(()) } else { Err(ApiError::Forbidden) }
}

// ---------- views ----------

/// A plan's kind.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanKindDto {
    School,
    Commission,
    Individual,
    PedagogicalCouncil,
}

/// One piece of evidence that an item was carried out.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceView {
    /// `meeting`, `activity`, `material` or `url`.
    #[schema(example = "meeting", pattern = "^(meeting|activity|material|url)$")]
    pub kind: String,
    /// The record's id, or the address for `url`.
    #[schema(example = "01a2153e-6f02-75e8-ab76-f3d21fc243e7", max_length = 2000)]
    pub reference: String,
}

/// An item (*иш-чара*) of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    pub id: Uuid,
    /// Its place in the plan (1, 2, 3 …).
    #[schema(example = 1)]
    pub position: u32,
    #[schema(example = "Ачык сабактардын декадасы")]
    pub title: String,
    pub description: Option<String>,
    /// A catalogue code (`GET /catalogue/forms`).
    #[schema(example = "open_lesson")]
    pub form: String,
    /// The form's label in the language chosen by `Accept-Language`.
    #[schema(example = "Ачык сабактар")]
    pub form_label: String,
    /// The direction of work it serves.
    pub direction: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub responsible_ids: Vec<Uuid>,
    pub expected_result: Option<String>,
    /// `planned`, `done`, `partly_done`, `not_done`, `postponed`, `cancelled`.
    #[schema(example = "planned")]
    pub progress: String,
    pub completed_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub evidence: Vec<EvidenceView>,
}

/// The review a plan received at a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub meeting_id: Uuid,
    /// The minutes' number (once finalized).
    #[schema(example = 1)]
    pub protocol_number: Option<u32>,
    #[schema(example = "2022-09-08")]
    pub date: NaiveDate,
}

/// A version of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: Uuid,
    pub school_id: Uuid,
    pub kind: PlanKindDto,
    /// The kind's name in the chosen language.
    #[schema(example = "Усулдук иштин бирдиктүү планы")]
    pub kind_label: String,
    /// The commission or teacher it belongs to (the school's for `school` and
    /// `pedagogical_council`).
    pub owner_id: Uuid,
    #[schema(example = "2022-2023")]
    pub year: String,
    /// 1, then n+1 for each amendment.
    #[schema(example = 1)]
    pub version_no: u32,
    /// `draft`, `submitted`, `reviewed`, `agreed`, `approved` or `superseded`.
    #[schema(example = "approved")]
    pub status: String,
    #[schema(example = "Бекитилди")]
    pub status_label: String,
    /// The step the plan waits for: `review`, `agree` or `approve`.
    pub next_step: Option<String>,
    /// What can be done with it now.
    pub allowed_actions: Vec<String>,
    #[schema(example = "2022-2023-окуу жылына усулдук иштин бирдиктүү планы")]
    pub title: String,
    pub goal: Option<String>,
    /// The school's methodological theme for the year.
    pub school_theme: Option<String>,
    /// The teacher's own methodological theme (*өздүк усулдук тема*), for individual plans.
    pub personal_theme: Option<String>,
    pub review: Option<ReviewView>,
    pub approved_by: Option<Uuid>,
    pub approved_on: Option<NaiveDate>,
    pub items: Vec<ItemView>,
    /// Sent as `ETag`; send it back in `If-Match`.
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn item_view(i: &Item, language: Lang) -> ItemView {
    ItemView {
        id: i.id.uuid(),
        position: i.position,
        title: i.title.clone(),
        description: i.description.clone(),
        form: i.form.clone(),
        form_label: usul_domain::catalogue::find(&i.form)
            .map_or_else(|| i.form.clone(), |f| f.label(language).to_owned()),
        direction: i.direction.clone(),
        start_date: i.start,
        due_date: i.due,
        responsible_ids: i.responsible.iter().map(|s| s.uuid()).collect(),
        expected_result: i.expected_result.clone(),
        progress: i.progress.code().to_owned(),
        completed_on: i.completed_on,
        outcome: i.outcome.clone(),
        evidence: i
            .evidence
            .iter()
            .map(|e| EvidenceView { kind: e.kind.clone(), reference: e.reference.clone() })
            .collect(),
    }
}

fn plan_view(p: &Plan, school_theme: Option<String>, language: Lang) -> PlanView {
    PlanView {
        id: p.id.uuid(),
        school_id: p.school.uuid(),
        kind: match p.kind {
            PlanKind::School => PlanKindDto::School,
            PlanKind::Commission => PlanKindDto::Commission,
            PlanKind::Individual => PlanKindDto::Individual,
            PlanKind::PedagogicalCouncil => PlanKindDto::PedagogicalCouncil,
        },
        kind_label: p.kind.label().get(language).to_owned(),
        owner_id: match p.owner {
            Owner::School(s) => s.uuid(),
            Owner::Commission(c) => c.uuid(),
            Owner::Teacher(t) => t.uuid(),
        },
        year: p.year.to_string(),
        version_no: p.version_no,
        status: p.status.code(p.kind).to_owned(),
        status_label: p.status.label(p.kind).get(language).to_owned(),
        next_step: next_step(p.kind, p.status).map(|s| s.kind.code().to_owned()),
        allowed_actions: allowed_actions(p.kind, p.status).into_iter().map(str::to_owned).collect(),
        title: p.title.clone(),
        goal: p.goal.clone(),
        school_theme,
        personal_theme: p.personal_theme.clone(),
        review: p.review.map(|r| ReviewView {
            meeting_id: r.meeting.uuid(),
            protocol_number: r.protocol_number,
            date: r.date,
        }),
        approved_by: p.approved.map(|(s, _)| s.uuid()),
        approved_on: p.approved.map(|(_, d)| d),
        items: p.items.iter().map(|i| item_view(i, language)).collect(),
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

async fn theme(state: &AppState, p: &Plan) -> Result<Option<String>, ApiError> {
    Ok(state.store.get_school_year(p.school, p.year).await?.map(|y| y.theme.as_str().to_owned()))
}

async fn respond(req: &HttpRequest, state: &AppState, p: &Plan) -> Result<HttpResponse, ApiError> {
    let t = theme(state, p).await?;
    Ok(versioned(req, p.version, &plan_view(p, t, lang(req))))
}

list_of!(
    PlanList,
    PlanView,
    "A page of plans, oldest first. A page may hold fewer than `limit` items when some are not visible to the caller."
);

// ---------- bodies ----------

/// A new plan: version 1 of its lineage (kind + owner + year), as a draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "individual", "year": "2022-2023", "title": "Жекече план", "personal_theme": "Математика сабагында долбоордук ыкма"}))]
pub struct CreatePlanBody {
    /// `school`, `commission`, `individual` or `pedagogical_council`.
    #[schema(value_type = PlanKindDto)]
    pub kind: String,
    #[schema(pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: String,
    /// For `commission`: the commission (its head drafts). For `individual`: the teacher
    /// (default: the caller).
    pub owner_id: Option<Uuid>,
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub title: String,
    #[schema(max_length = 4000)]
    pub goal: Option<String>,
    /// The teacher's own methodological theme (individual plans, R-3.2.1).
    #[schema(max_length = 2000)]
    pub personal_theme: Option<String>,
}

/// Changes to a draft's header.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"goal": "Мугалимдердин кесиптик чеберчилигин өнүктүрүү"}))]
pub struct UpdatePlanBody {
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub goal: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub personal_theme: Option<Option<String>>,
}

/// An item's content.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Ачык сабактардын декадасы", "form": "open_lesson", "direction": "Тажрыйбаны жайылтуу",
    "start_date": "2022-11-14", "due_date": "2022-11-25", "responsible_ids": ["01a2153e-6f02-75e8-ab76-f3d21fc243e7"],
    "expected_result": "10 ачык сабак"
}))]
pub struct ItemBody {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub description: Option<Option<String>>,
    /// A catalogue code.
    #[schema(example = "open_lesson")]
    pub form: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub direction: Option<Option<String>>,
    /// Inside the academic year.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    /// Inside the academic year; required to submit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub due_date: Option<Option<NaiveDate>>,
    /// Staff of the school; at least one to submit.
    pub responsible_ids: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub expected_result: Option<Option<String>>,
    /// Its place (default: last).
    #[schema(minimum = 1)]
    pub position: Option<u32>,
}

/// An item's progress.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"progress": "done", "completed_on": "2022-11-25", "outcome": "10 ачык сабак өттү", "evidence": [{"kind": "url", "reference": "https://school95.kg/news/1"}]}))]
pub struct ProgressBody {
    /// `planned`, `done`, `partly_done`, `not_done`, `postponed`, `cancelled`.
    #[schema(pattern = "^(planned|done|partly_done|not_done|postponed|cancelled)$")]
    pub progress: String,
    pub completed_on: Option<NaiveDate>,
    #[schema(max_length = 4000)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub evidence: Vec<EvidenceView>,
}

/// A comment on a step.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Макулдашылды"}))]
pub struct StepBody {
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// A review: the meeting of the reviewing body whose minutes record it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"meeting_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7", "comment": "Каралды, сунуштар киргизилди"}))]
pub struct ReviewBody {
    /// A held or finalized meeting of the body the route names.
    pub meeting_id: Uuid,
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// A return to draft, with the reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Ар бир иш-чарага жооптуу адамды көрсөтүңүз"}))]
pub struct ReturnBody {
    /// Required: why it goes back.
    #[schema(min_length = 1, max_length = 2000, pattern = "\\S")]
    pub comment: String,
}

/// Filters of the plan list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    #[param(value_type = Option<PlanKindDto>)]
    pub kind: Option<String>,
    #[param(pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<String>,
    /// `draft`, `submitted`, `reviewed`, `agreed`, `approved`, `superseded`.
    #[param(pattern = "^(draft|submitted|reviewed|agreed|approved|superseded)$")]
    pub status: Option<String>,
    /// A commission or a teacher.
    #[param(value_type = Option<Uuid>)]
    pub owner_id: Option<String>,
    /// For district users and administrators: one school.
    #[param(value_type = Option<Uuid>)]
    pub school_id: Option<String>,
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<String>,
    #[param(pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
}

// ---------- handlers ----------

/// List plans.
///
/// School staff see their school's plans (individual plans: their own, and those of teachers
/// they lead or manage); district users see their district's schools.
#[utoipa::path(
    tag = tags::PLANS,
    params(PlanQuery),
    responses(
        (status = 200, description = "A page of plans.", body = PlanList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/plans")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<PlanQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let school_filter = q.school_id.as_deref().map(|s| path_id("school_id", s).map(SchoolId::from_uuid)).transpose()?;
    let mut f = PlanFilter {
        kind: q
            .kind
            .as_deref()
            .map(|k| PlanKind::parse(k).ok_or_else(|| bad_param("kind", FieldErrorKind::InvalidValue)))
            .transpose()?,
        year: q
            .year
            .as_deref()
            .map(|y| AcademicYear::parse(y).map_err(|_| bad_param("year", FieldErrorKind::InvalidYear)))
            .transpose()?,
        status: q
            .status
            .clone()
            .filter(|s| ["draft", "submitted", "reviewed", "agreed", "approved", "superseded"].contains(&s.as_str())),
        updated_since: q
            .updated_since
            .as_deref()
            .map(|t| {
                DateTime::parse_from_rfc3339(t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| bad_param("updated_since", FieldErrorKind::InvalidFormat))
            })
            .transpose()?,
        ..PlanFilter::default()
    };
    if q.status.is_some() && f.status.is_none() {
        return Err(bad_param("status", FieldErrorKind::InvalidValue));
    }
    if let Some(o) = q.owner_id.as_deref() {
        let id = path_id("owner_id", o)?;
        // An owner id is a commission's or a teacher's; try both in one filter pass.
        f.owner = Some(if state.store.get_commission(CommissionId::from_uuid(id)).await?.is_some() {
            Owner::Commission(CommissionId::from_uuid(id))
        } else {
            Owner::Teacher(StaffId::from_uuid(id))
        });
    }
    match auth.actor {
        Actor::SchoolStaff { school, .. } => f.school = Some(school),
        Actor::Admin { .. } => f.school = school_filter,
        Actor::DistrictUser { .. } | Actor::DistrictService { .. } => match school_filter {
            Some(s) => f.school = Some(school_for(&state, &auth, s, Action::Read).await?.id),
            None => {
                let district = match auth.actor {
                    Actor::DistrictUser { district, .. } | Actor::DistrictService { district, .. } => district,
                    _ => return Err(ApiError::bug("district")),
                };
                let schools = state
                    .store
                    .list_schools(Some(district), None, usul_persistence::PageRequest { after: None, limit: 10_000 })
                    .await?;
                f.schools_of_district = Some(schools.items.iter().map(|s| s.id).collect());
            }
        },
    }
    let page = state.store.list_plans(&f, paging.request()).await?;
    let language = lang(&req);
    // Who may read a plan depends on its owner only: decide each owner once, not per plan.
    let mut readable: std::collections::HashMap<Owner, bool> = std::collections::HashMap::new();
    let mut items = Vec::new();
    for p in &page.items {
        let reads = match readable.get(&p.owner) {
            Some(r) => *r,
            None => {
                let r = relation(&state, &auth, p).await?.reads;
                readable.insert(p.owner, r);
                r
            }
        };
        if reads {
            items.push(plan_view(p, None, language));
        }
    }
    Ok(HttpResponse::Ok().json(PlanList { items, next_cursor: next_cursor(page.next) }))
}

/// Start a plan.
///
/// Creates version 1 of a lineage as a draft. The unified and pedagogical council plans are
/// drafted by the deputy, a commission's by its head, an individual plan by the teacher.
#[utoipa::path(
    tag = tags::PLANS,
    request_body = CreatePlanBody,
    params(crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created as a draft.", body = PlanView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    body: ValidJson<CreatePlanBody>,
) -> Result<HttpResponse, ApiError> {
    let (me, school_id) = match (&auth.principal, auth.actor) {
        (Principal::Staff(s), Actor::SchoolStaff { school, .. }) => (s.id, school),
        _ => return Err(ApiError::Forbidden),
    };
    let school = school_for(&state, &auth, school_id, Action::Read).await?;
    let b = body.0;
    let mut check = Checker::default();
    let kind = check.check("kind", PlanKind::parse(&b.kind).ok_or(()), |()| FieldErrorKind::InvalidValue);
    let year = check.check("year", AcademicYear::parse(&b.year), |_| FieldErrorKind::InvalidYear);
    let title = check.text("title", bounded(&b.title, 300));
    let goal = check.optional_text("goal", b.goal.as_deref(), 4000);
    let personal_theme = check.optional_text("personal_theme", b.personal_theme.as_deref(), 2000);
    let owner = match kind {
        Some(PlanKind::School | PlanKind::PedagogicalCouncil) => Some(Owner::School(school.id)),
        Some(PlanKind::Commission) => match b.owner_id {
            None => {
                check.push("owner_id", FieldErrorKind::Required);
                None
            }
            Some(c) => {
                match state.store.get_commission(CommissionId::from_uuid(c)).await?.filter(|c| c.school == school.id) {
                    Some(c) => Some(Owner::Commission(c.id)),
                    None => {
                        check.push("owner_id", FieldErrorKind::UnknownReference);
                        None
                    }
                }
            }
        },
        Some(PlanKind::Individual) => {
            let t = b.owner_id.map_or(me, StaffId::from_uuid);
            match state.store.staff_by_ids(&[t]).await?.pop().filter(|s| s.school() == Some(school.id)) {
                Some(s) if s.active => Some(Owner::Teacher(t)),
                Some(_) => {
                    check.push("owner_id", FieldErrorKind::Inactive);
                    None
                }
                None => {
                    check.push("owner_id", FieldErrorKind::UnknownReference);
                    None
                }
            }
        }
        None => None,
    };
    check.finish()?;
    let new = NewPlan {
        kind: checked(kind)?,
        owner: checked(owner)?,
        year: checked(year)?,
        title: checked(title)?,
        goal: checked(goal)?,
        personal_theme: checked(personal_theme)?,
    };
    // The drafter of this kind, judged on the plan as it would be.
    let probe = Plan {
        id: PlanId::new(),
        school: school.id,
        kind: new.kind,
        owner: new.owner,
        year: new.year,
        version_no: 1,
        status: PlanStatus::Draft,
        title: String::new(),
        goal: None,
        personal_theme: None,
        ever_submitted: false,
        review: None,
        approved: None,
        items: Vec::new(),
        version: 0,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    must_draft(&relation(&state, &auth, &probe).await?)?;
    let p = state.store.create_plan(&school, &new, &auth.audit(format!("{} plan started", new.kind.code()))).await?;
    let t = theme(&state, &p).await?;
    Ok(created(format!("/api/v1/plans/{}", p.id), p.version, &plan_view(&p, t, lang(&req))))
}

/// Read a plan.
#[utoipa::path(
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The plan with its items.", body = PlanView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/plans/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (p, _, _) = load(&state, &auth, &id).await?;
    respond(&req, &state, &p).await
}

/// Edit a draft's header.
#[utoipa::path(
    tag = tags::PLANS,
    request_body = UpdatePlanBody,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/plans/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdatePlanBody>,
) -> Result<HttpResponse, ApiError> {
    let (p, _, rel) = load(&state, &auth, &id).await?;
    must_draft(&rel)?;
    require_draft(&p)?;
    let b = body.0;
    let mut check = Checker::default();
    let title = b.title.as_deref().map(|t| check.text("title", bounded(t, 300)));
    let goal = b.goal.as_ref().map(|g| check.optional_text("goal", g.as_deref(), 4000));
    let personal = b.personal_theme.as_ref().map(|g| check.optional_text("personal_theme", g.as_deref(), 2000));
    check.finish()?;
    let patch = PlanPatch { title: title.flatten(), goal: goal.flatten(), personal_theme: personal.flatten() };
    let p = state.store.update_plan(&p, expected(&req, p.version), patch, &auth.audit("plan edited")).await?;
    respond(&req, &state, &p).await
}

/// Delete a draft that was never submitted.
#[utoipa::path(
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 204, description = "Deleted."),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[delete("/plans/{id}")]
pub async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (p, _, rel) = load(&state, &auth, &id).await?;
    must_draft(&rel)?;
    require_draft(&p)?;
    if p.ever_submitted {
        return Err(ApiError::Conflict(ProblemCode::PlanWasSubmitted));
    }
    state.store.delete_plan(&p, expected(&req, p.version), &auth.audit("plan deleted")).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Checks an item body against the plan: dates in the year, a catalogue form, responsible
/// staff of the school.
async fn check_item(
    state: &AppState,
    school: &School,
    p: &Plan,
    b: &ItemBody,
    check: &mut Checker,
    creating: bool,
) -> Result<ItemContent, ApiError> {
    let title = match (&b.title, creating) {
        (Some(t), _) => check.text("title", bounded(t, 500)),
        (None, true) => {
            check.push("title", FieldErrorKind::Required);
            None
        }
        (None, false) => None,
    };
    let form = match (&b.form, creating) {
        (Some(f), _) if known_form(f) => Some(f.clone()),
        (Some(_), _) => {
            check.push("form", FieldErrorKind::UnknownReference);
            None
        }
        (None, true) => {
            check.push("form", FieldErrorKind::Required);
            None
        }
        (None, false) => None,
    };
    let in_year = |check: &mut Checker, field: &str, d: Option<Option<NaiveDate>>| {
        if let Some(Some(d)) = d
            && !p.year.contains(d)
        {
            check.push(field, FieldErrorKind::OutOfRange);
        }
        d
    };
    let start = in_year(check, "start_date", b.start_date);
    let due = in_year(check, "due_date", b.due_date);
    if let (Some(Some(s)), Some(Some(d))) = (start, due)
        && s > d
    {
        check.push("start_date", FieldErrorKind::OutOfRange);
    }
    if let Some(ids) = &b.responsible_ids {
        let typed: Vec<StaffId> = ids.iter().copied().map(StaffId::from_uuid).collect();
        let found = state.store.staff_by_ids(&typed).await?;
        for (i, id) in typed.iter().enumerate() {
            match found.iter().find(|s| s.id == *id && s.school() == Some(school.id)) {
                Some(s) if s.active => {}
                Some(_) => check.push(format!("responsible_ids[{i}]"), FieldErrorKind::Inactive),
                None => check.push(format!("responsible_ids[{i}]"), FieldErrorKind::UnknownReference),
            }
        }
    }
    Ok(ItemContent {
        title,
        description: b.description.as_ref().and_then(|d| check.optional_text("description", d.as_deref(), 4000)),
        form,
        direction: b.direction.as_ref().and_then(|d| check.optional_text("direction", d.as_deref(), 200)),
        start,
        due,
        responsible: b.responsible_ids.as_ref().map(|ids| ids.iter().copied().map(StaffId::from_uuid).collect()),
        expected_result: b
            .expected_result
            .as_ref()
            .and_then(|d| check.optional_text("expected_result", d.as_deref(), 2000)),
        position: b.position,
    })
}

/// Add an item to a draft.
#[utoipa::path(
    tag = tags::PLANS,
    request_body = ItemBody,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch, crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "The plan with the new item.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/items")]
pub async fn add_item(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<ItemBody>,
) -> Result<HttpResponse, ApiError> {
    let (p, school, rel) = load(&state, &auth, &id).await?;
    must_draft(&rel)?;
    require_draft(&p)?;
    let mut check = Checker::default();
    let c = check_item(&state, &school, &p, &body.0, &mut check, true).await?;
    check.finish()?;
    let next_position = p.items.iter().map(|i| i.position).max().unwrap_or(0) + 1;
    let item = Item {
        id: ItemId::new(),
        position: c.position.unwrap_or(next_position),
        title: checked(c.title)?,
        description: c.description.flatten(),
        form: checked(c.form)?,
        direction: c.direction.flatten(),
        start: c.start.flatten(),
        due: c.due.flatten(),
        responsible: c.responsible.unwrap_or_default(),
        expected_result: c.expected_result.flatten(),
        progress: Progress::Planned,
        completed_on: None,
        outcome: None,
        evidence: Vec::new(),
    };
    let p = state.store.add_item(&p, expected(&req, p.version), &item, &auth.audit("plan item added")).await?;
    let t = theme(&state, &p).await?;
    Ok(created(format!("/api/v1/plans/{}", p.id), p.version, &plan_view(&p, t, lang(&req))))
}

fn item_of(p: &Plan, raw: &str) -> Result<ItemId, ApiError> {
    let id = ItemId::from_uuid(path_id("item_id", raw)?);
    p.items.iter().find(|i| i.id == id).map(|i| i.id).ok_or(ApiError::NotFound)
}

/// Edit an item of a draft.
#[utoipa::path(
    tag = tags::PLANS,
    request_body = ItemBody,
    params(("id" = Uuid, Path, description = "Plan id"), ("item_id" = Uuid, Path, description = "Item id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/plans/{id}/items/{item_id}")]
pub async fn update_item(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: ValidJson<ItemBody>,
) -> Result<HttpResponse, ApiError> {
    let (raw, raw_item) = path.into_inner();
    let (p, school, rel) = load(&state, &auth, &raw).await?;
    let item = item_of(&p, &raw_item)?;
    must_draft(&rel)?;
    require_draft(&p)?;
    let mut check = Checker::default();
    let c = check_item(&state, &school, &p, &body.0, &mut check, false).await?;
    check.finish()?;
    let p = state.store.update_item(&p, expected(&req, p.version), item, c, &auth.audit("plan item edited")).await?;
    respond(&req, &state, &p).await
}

/// Remove an item from a draft.
#[utoipa::path(
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id"), ("item_id" = Uuid, Path, description = "Item id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[delete("/plans/{id}/items/{item_id}")]
pub async fn delete_item(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (raw, raw_item) = path.into_inner();
    let (p, _, rel) = load(&state, &auth, &raw).await?;
    let item = item_of(&p, &raw_item)?;
    must_draft(&rel)?;
    require_draft(&p)?;
    let p = state.store.delete_item(&p, expected(&req, p.version), item, &auth.audit("plan item removed")).await?;
    respond(&req, &state, &p).await
}

/// Record an item's progress.
///
/// On an approved plan, the item's responsible staff, the plan's drafter, the deputy or the
/// director record its progress, completion date, outcome and evidence.
#[utoipa::path(
    tag = tags::PLANS,
    request_body = ProgressBody,
    params(("id" = Uuid, Path, description = "Plan id"), ("item_id" = Uuid, Path, description = "Item id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/plans/{id}/items/{item_id}/progress")]
pub async fn progress(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: ValidJson<ProgressBody>,
) -> Result<HttpResponse, ApiError> {
    let (raw, raw_item) = path.into_inner();
    let (p, school, rel) = load(&state, &auth, &raw).await?;
    let item_id = item_of(&p, &raw_item)?;
    let item = p.items.iter().find(|i| i.id == item_id).ok_or(ApiError::NotFound)?;
    let responsible = auth.staff_id().is_some_and(|me| item.responsible.contains(&me));
    if !(responsible || rel.drafts || rel.facts.is_deputy || rel.facts.is_director) {
        return Err(ApiError::Forbidden);
    }
    if p.status != PlanStatus::Approved {
        return Err(ApiError::Conflict(ProblemCode::PlanNotApproved));
    }
    let b = body.0;
    let mut check = Checker::default();
    let progress = check.check("progress", Progress::parse(&b.progress).ok_or(()), |()| FieldErrorKind::InvalidValue);
    let outcome = check.optional_text("outcome", b.outcome.as_deref(), 4000);
    let mut evidence = Vec::new();
    for (i, e) in b.evidence.iter().enumerate() {
        let ok = match e.kind.as_str() {
            "url" => {
                (e.reference.starts_with("https://") || e.reference.starts_with("http://")) && e.reference.len() <= 2000
            }
            "meeting" => match Uuid::parse_str(&e.reference) {
                Ok(m) => state.store.get_meeting(MeetingId::from_uuid(m)).await?.is_some_and(|m| m.school == school.id),
                Err(_) => false,
            },
            "activity" => match Uuid::parse_str(&e.reference) {
                Ok(a) => state
                    .store
                    .get_activity(usul_domain::ids::ActivityId::from_uuid(a))
                    .await?
                    .is_some_and(|a| a.school == school.id),
                Err(_) => false,
            },
            "material" => match Uuid::parse_str(&e.reference) {
                Ok(m) => state
                    .store
                    .get_material(usul_domain::ids::MaterialId::from_uuid(m))
                    .await?
                    .is_some_and(|m| m.school == school.id),
                Err(_) => false,
            },
            _ => {
                check.push(format!("evidence[{i}].kind"), FieldErrorKind::InvalidValue);
                true
            }
        };
        if !ok {
            check.push(format!("evidence[{i}].reference"), FieldErrorKind::UnknownReference);
        }
        evidence.push(Evidence { kind: e.kind.clone(), reference: e.reference.clone() });
    }
    check.finish()?;
    let record = ItemProgress {
        progress: checked(progress)?,
        completed_on: b.completed_on,
        outcome: checked(outcome)?,
        evidence,
    };
    let p = state
        .store
        .set_progress(&p, expected(&req, p.version), item_id, &record, &auth.audit("plan item progress recorded"))
        .await?;
    respond(&req, &state, &p).await
}

/// A move of a plan to another state.
struct Move {
    to: PlanStatus,
    action: &'static str,
    comment: Option<String>,
    effects: TransitionEffects,
}

async fn transition(
    req: &HttpRequest,
    state: &AppState,
    auth: &Auth,
    p: &Plan,
    m: Move,
) -> Result<HttpResponse, ApiError> {
    let Move { to, action, comment, effects } = m;
    let record = Transition {
        at: Utc::now(),
        actor: auth.staff_id(),
        actor_role: auth.role_code(),
        action: action.to_owned(),
        from: p.status.code(p.kind).to_owned(),
        to: to.code(p.kind).to_owned(),
        comment,
        meeting: effects.review.map(|r| r.meeting),
        protocol_number: effects.review.and_then(|r| r.protocol_number),
        meeting_date: effects.review.map(|r| r.date),
    };
    let p = state
        .store
        .transition_plan(p, expected(req, p.version), to, &record, &effects, &auth.audit(format!("plan {action}")))
        .await?;
    respond(req, state, &p).await
}

fn comment(check: &mut Checker, c: Option<&str>) -> Option<Option<String>> {
    check.optional_text("comment", c, 2000)
}

fn submit_refusal(problems: &[SubmitProblem]) -> ApiError {
    let listed: Vec<serde_json::Value> = problems
        .iter()
        .map(|p| match p {
            SubmitProblem::NoItems => json!({"rule": p.rule(), "code": "no_items", "field": "items"}),
            SubmitProblem::ItemWithoutDeadline { position } => json!({"rule": p.rule(), "code": "no_deadline", "item_position": position, "field": "due_date"}),
            SubmitProblem::ItemWithoutResponsible { position } => {
                json!({"rule": p.rule(), "code": "no_responsible", "item_position": position, "field": "responsible_ids"})
            }
            SubmitProblem::NoPersonalTheme => json!({"rule": p.rule(), "code": "no_personal_theme", "field": "personal_theme"}),
            SubmitProblem::NoSchoolTheme => json!({"rule": p.rule(), "code": "no_school_theme", "field": "school_theme"}),
            SubmitProblem::CommissionNotApproved => json!({"rule": p.rule(), "code": "commission_not_approved", "field": "owner_id"}),
        })
        .collect();
    ApiError::Rule {
        code: ProblemCode::PlanIncomplete,
        detail: format!("{} problem(s) keep the plan from being submitted.", problems.len()),
        extra: Some(json!({"problems": listed})),
    }
}

/// Submit a draft.
///
/// The drafter sends it along its route. Every problem is listed at once (422
/// `plan_incomplete`): each item needs a deadline and a responsible person; an
/// individual plan needs the teacher's own theme and the school year's theme; a
/// commission's plan needs an approved commission.
#[utoipa::path(
    tag = tags::PLANS,
    request_body(content = Option<StepBody>),
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Submitted.", body = PlanView, headers(("ETag" = String))),
        (status = 422, description = "`plan_incomplete` with `problems` (each with its rule, item and field).", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/submit")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: OptionalJson<StepBody>,
) -> Result<HttpResponse, ApiError> {
    let (p, _, rel) = load(&state, &auth, &id).await?;
    must_draft(&rel)?;
    if p.status != PlanStatus::Draft {
        return Err(conflict_not_allowed(&p, "submit"));
    }
    let mut check = Checker::default();
    let note = comment(&mut check, body.0.and_then(|b| b.comment).as_deref());
    check.finish()?;
    let theme_set = theme(&state, &p).await?.is_some();
    let commission_approved = match p.owner {
        Owner::Commission(c) => {
            state.store.get_commission(c).await?.is_some_and(|c| c.status == CommissionStatus::Approved)
        }
        _ => false,
    };
    check_submit(&p.submit_facts(theme_set, commission_approved)).map_err(|e| submit_refusal(&e))?;
    let effects = TransitionEffects { submitted: true, ..TransitionEffects::default() };
    transition(
        &req,
        &state,
        &auth,
        &p,
        Move { to: PlanStatus::InRoute { steps_done: 0 }, action: "submit", comment: checked(note)?, effects },
    )
    .await
}

/// Withdraw a submission before its first step.
#[utoipa::path(
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Back to draft.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/withdraw")]
pub async fn withdraw(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (p, _, rel) = load(&state, &auth, &id).await?;
    must_draft(&rel)?;
    if p.status != (PlanStatus::InRoute { steps_done: 0 }) {
        return Err(conflict_not_allowed(&p, "withdraw"));
    }
    transition(
        &req,
        &state,
        &auth,
        &p,
        Move { to: PlanStatus::Draft, action: "withdraw", comment: None, effects: TransitionEffects::default() },
    )
    .await
}

/// Takes the plan's next step if it is `kind` and the caller may take it.
async fn step(
    req: &HttpRequest,
    state: &AppState,
    auth: &Auth,
    raw: &str,
    kind: StepKind,
    c: Option<String>,
    cited: Option<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (p, school, rel) = load(state, auth, raw).await?;
    let Some(next) = next_step(p.kind, p.status).filter(|s| s.kind == kind) else {
        return Err(conflict_not_allowed(&p, kind.code()));
    };
    if !may_take(next, rel.facts) {
        return Err(ApiError::Forbidden);
    }
    let mut check = Checker::default();
    let c = comment(&mut check, c.as_deref());
    let mut effects = TransitionEffects::default();
    if let Some(meeting) = cited {
        match state.store.get_meeting(MeetingId::from_uuid(meeting)).await?.filter(|m| m.school == school.id) {
            Some(m) => {
                let right_body = match (p.kind, m.body) {
                    (PlanKind::School, Body::MethodologicalCouncil)
                    | (PlanKind::PedagogicalCouncil, Body::PedagogicalCouncil) => true,
                    (PlanKind::Commission, Body::Commission(c)) => p.owner == Owner::Commission(c),
                    _ => false,
                };
                if !right_body || m.status == MeetingStatus::Scheduled {
                    check.push("meeting_id", FieldErrorKind::InvalidValue);
                }
                effects.review = Some(ReviewRecord { meeting: m.id, protocol_number: m.protocol_number, date: m.date });
            }
            None => check.push("meeting_id", FieldErrorKind::UnknownReference),
        }
    }
    check.finish()?;
    let steps_done = match p.status {
        PlanStatus::InRoute { steps_done } => steps_done,
        _ => 0,
    };
    let last = usize::from(steps_done) + 1 == route(p.kind).1.len();
    let to = if last { PlanStatus::Approved } else { PlanStatus::InRoute { steps_done: steps_done + 1 } };
    if last {
        let me = auth.staff_id().ok_or(ApiError::Forbidden)?;
        effects.approved = Some((me, Utc::now().date_naive()));
    }
    transition(req, state, auth, &p, Move { to, action: kind.code(), comment: checked(c)?, effects }).await
}

/// Record a review.
///
/// The reviewing body's step (the methodological council for the unified plan, the commission
/// for its plan, the pedagogical council for its plan), recorded by whoever runs the body's
/// meetings and citing a held or finalized meeting of that body, whose protocol number and
/// date then stand on the plan.
#[utoipa::path(
    tag = tags::PLANS,
    request_body = ReviewBody,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Reviewed.", body = PlanView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed` with the `allowed` actions.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/review")]
pub async fn review(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<ReviewBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    step(&req, &state, &auth, &id, StepKind::Review, b.comment, Some(b.meeting_id)).await
}

/// Agree a plan.
///
/// The deputy agrees a commission's plan; a head of a commission the teacher sits on (the
/// deputy if none) agrees an individual plan.
#[utoipa::path(
    tag = tags::PLANS,
    request_body(content = Option<StepBody>),
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan after the step.", body = PlanView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed` with the `allowed` actions, or `plan_already_approved`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/agree")]
pub async fn agree(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: OptionalJson<StepBody>,
) -> Result<HttpResponse, ApiError> {
    step(&req, &state, &auth, &id, StepKind::Agree, body.0.and_then(|b| b.comment), None).await
}

/// Approve a plan.
///
/// The last step: the director approves the unified, commission and pedagogical council plans,
/// the deputy individual plans. The approved version is frozen; an earlier approved version of
/// the same lineage becomes `superseded`.
#[utoipa::path(
    tag = tags::PLANS,
    request_body(content = Option<StepBody>),
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan after the step.", body = PlanView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed` with the `allowed` actions, or `plan_already_approved`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/approve")]
pub async fn approve(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: OptionalJson<StepBody>,
) -> Result<HttpResponse, ApiError> {
    step(&req, &state, &auth, &id, StepKind::Approve, body.0.and_then(|b| b.comment), None).await
}

/// Return a plan to its drafter.
///
/// Whoever may take the next step may instead return the plan, with a required comment; it
/// goes back to draft.
#[utoipa::path(
    tag = tags::PLANS,
    request_body = ReturnBody,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Back to draft.", body = PlanView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/return")]
pub async fn return_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<ReturnBody>,
) -> Result<HttpResponse, ApiError> {
    let (p, _, rel) = load(&state, &auth, &id).await?;
    let Some(next) = next_step(p.kind, p.status) else {
        return Err(conflict_not_allowed(&p, "return"));
    };
    if !may_take(next, rel.facts) {
        return Err(ApiError::Forbidden);
    }
    let mut check = Checker::default();
    let c = check.text("comment", bounded(&body.0.comment, 2000));
    check.finish()?;
    transition(
        &req,
        &state,
        &auth,
        &p,
        Move {
            to: PlanStatus::Draft,
            action: "return",
            comment: Some(checked(c)?),
            effects: TransitionEffects::default(),
        },
    )
    .await
}

/// Amend an approved plan.
///
/// The approved version stays frozen; this makes version n+1 as a draft with the same items.
/// When n+1 is approved, n becomes `superseded`.
#[utoipa::path(
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 201, description = "The new draft version.", body = PlanView, headers(("Location" = String), ("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/amend")]
pub async fn amend(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (p, school, rel) = load(&state, &auth, &id).await?;
    must_draft(&rel)?;
    if p.status != PlanStatus::Approved {
        return Err(conflict_not_allowed(&p, "amend"));
    }
    let n = state.store.amend_plan(&school, &p, &auth.audit("plan amended")).await?;
    let t = theme(&state, &n).await?;
    Ok(created(format!("/api/v1/plans/{}", n.id), n.version, &plan_view(&n, t, lang(&req))))
}

/// Roll a plan over into the next academic year.
///
/// Copies it (header and items, dates a year later, progress reset) into a draft of the next
/// year's lineage.
#[utoipa::path(
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 201, description = "The next year's draft.", body = PlanView, headers(("Location" = String), ("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/rollover")]
pub async fn rollover(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (p, school, rel) = load(&state, &auth, &id).await?;
    must_draft(&rel)?;
    let next = p.year.next().ok_or(ApiError::Conflict(ProblemCode::PlanExists))?;
    let n = state.store.rollover_plan(&school, &p, next, &auth.audit("plan rolled over")).await?;
    let t = theme(&state, &n).await?;
    Ok(created(format!("/api/v1/plans/{}", n.id), n.version, &plan_view(&n, t, lang(&req))))
}

/// One transition of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionView {
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The actor's role at the time.
    #[schema(example = "director")]
    pub actor_role: String,
    /// `submit`, `withdraw`, `review`, `agree`, `approve`, `return`.
    #[schema(example = "approve")]
    pub action: String,
    #[schema(example = "reviewed")]
    pub from_status: String,
    #[schema(example = "approved")]
    pub to_status: String,
    pub comment: Option<String>,
    /// The meeting a review cites.
    pub meeting_id: Option<Uuid>,
    pub protocol_number: Option<u32>,
    pub meeting_date: Option<NaiveDate>,
}

/// A plan's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    pub items: Vec<TransitionView>,
}

/// Read a plan's history.
///
/// Every transition: who, in which role, when, with what comment, citing which meeting.
#[utoipa::path(
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "Oldest first.", body = HistoryView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/plans/{id}/history")]
pub async fn history(state: web::Data<AppState>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (p, _, _) = load(&state, &auth, &id).await?;
    let items = state
        .store
        .plan_history(p.id)
        .await?
        .into_iter()
        .map(|t| TransitionView {
            at: t.at,
            actor_id: t.actor.map(StaffId::uuid),
            actor_role: t.actor_role,
            action: t.action,
            from_status: t.from,
            to_status: t.to,
            comment: t.comment,
            meeting_id: t.meeting.map(MeetingId::uuid),
            protocol_number: t.protocol_number,
            meeting_date: t.meeting_date,
        })
        .collect();
    Ok(HttpResponse::Ok().json(HistoryView { items }))
}

/// Execution per responsible person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsibleExecution {
    pub staff_id: Uuid,
    #[schema(example = "Үсөнова А.Б.")]
    pub short_name: String,
    pub items: u32,
    pub done: u32,
    pub overdue: u32,
}

/// An overdue item.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueItem {
    pub item_id: Uuid,
    pub position: u32,
    pub title: String,
    pub due_date: Option<NaiveDate>,
    pub progress: String,
}

/// How a plan is being carried out.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutionView {
    /// The day the figures are for.
    pub as_of: NaiveDate,
    pub items: u32,
    /// Items per progress mark.
    #[schema(value_type = Object, example = json!({"planned": 3, "done": 5, "partly_done": 1, "not_done": 0, "postponed": 1, "cancelled": 0}))]
    pub by_status: serde_json::Value,
    /// Done of all items not cancelled, in percent.
    #[schema(example = 50.0)]
    pub percent_done: f64,
    /// Due before today and neither done nor cancelled.
    pub overdue: Vec<OverdueItem>,
    pub by_responsible: Vec<ResponsibleExecution>,
}

/// Read a plan's execution.
///
/// Counts by progress, % done, overdue items (due before today and not done) and figures per
/// responsible person.
#[utoipa::path(
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The figures.", body = ExecutionView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/plans/{id}/execution")]
pub async fn execution(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (p, _, _) = load(&state, &auth, &id).await?;
    let today = Utc::now().date_naive();
    let mut by_status = serde_json::Map::new();
    for s in Progress::ALL {
        by_status.insert(s.code().to_owned(), json!(p.items.iter().filter(|i| i.progress == s).count()));
    }
    let overdue: Vec<OverdueItem> = p
        .items
        .iter()
        .filter(|i| is_overdue(i.due, i.progress, today))
        .map(|i| OverdueItem {
            item_id: i.id.uuid(),
            position: i.position,
            title: i.title.clone(),
            due_date: i.due,
            progress: i.progress.code().to_owned(),
        })
        .collect();
    let mut people: Vec<StaffId> = p.items.iter().flat_map(|i| i.responsible.iter().copied()).collect();
    people.sort_unstable();
    people.dedup();
    let staff = state.store.staff_by_ids(&people).await?;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let by_responsible = people
        .iter()
        .map(|s| {
            let mine: Vec<&Item> = p.items.iter().filter(|i| i.responsible.contains(s)).collect();
            ResponsibleExecution {
                staff_id: s.uuid(),
                short_name: staff.iter().find(|p| p.id == *s).map(Staff::short_name).unwrap_or_default(),
                items: count(mine.len()),
                done: count(mine.iter().filter(|i| i.progress == Progress::Done).count()),
                overdue: count(mine.iter().filter(|i| is_overdue(i.due, i.progress, today)).count()),
            }
        })
        .collect();
    let marks: Vec<Progress> = p.items.iter().map(|i| i.progress).collect();
    Ok(HttpResponse::Ok().json(ExecutionView {
        as_of: today,
        items: count(p.items.len()),
        by_status: serde_json::Value::Object(by_status),
        percent_done: percent_done(&marks),
        overdue,
        by_responsible,
    }))
}

/// The language of the printed plan.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `ky` (default) or `ru`.
    #[param(pattern = "^(ky|ru)$")]
    pub lang: Option<String>,
}

/// The plan as a printable page.
///
/// The familiar paper form on A4: "Каралды" (reviewed: body, protocol number, date) on the
/// left and "Бекитилди" (approved: the approver's name, signature line, date) on the right,
/// then the title, year, the school's theme and the table № / activity / form / deadline /
/// responsible / note.
#[utoipa::path(
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id"), DocumentQuery),
    responses(
        (status = 200, description = "The plan.", content_type = "text/html; charset=utf-8", body = String),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/plans/{id}/document")]
pub async fn document(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<DocumentQuery>,
) -> Result<HttpResponse, ApiError> {
    let language = crate::extract::document_lang(q.lang.as_deref())?;
    let (p, school, _) = load(&state, &auth, &id).await?;
    let mut ids: Vec<StaffId> = p.items.iter().flat_map(|i| i.responsible.iter().copied()).collect();
    ids.extend(p.approved.map(|(s, _)| s));
    if let Owner::Teacher(t) = p.owner {
        ids.push(t);
    }
    let people = state.store.staff_by_ids(&ids).await?;
    let reviewer = match (p.kind, p.review) {
        (_, None) => None,
        (PlanKind::Commission, Some(_)) => match p.owner {
            Owner::Commission(c) => state.store.get_commission(c).await?.map(|c| c.name.to_string()),
            _ => None,
        },
        (PlanKind::School, Some(_)) => {
            Some(usul_domain::meeting::BodyKind::MethodologicalCouncil.label().get(language).to_owned())
        }
        (_, Some(_)) => Some(usul_domain::meeting::BodyKind::PedagogicalCouncil.label().get(language).to_owned()),
    };
    let school_theme = theme(&state, &p).await?;
    let html = crate::documents::plan(&p, &school, school_theme.as_deref(), reviewer.as_deref(), &people, language);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_LANGUAGE, language.code()))
        .body(html))
}
