//! Cyclic methodological commissions and the school orders that approve, change and
//! dissolve them.

use crate::auth::Auth;
use crate::extract::{Paging, ValidJson, bad_param, expected, lang, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, ProblemCode, checked};
use crate::routes::{allow, created, list_of, next_cursor, school_for, school_resource, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use usul_domain::commission::{
    ApprovalProblem, ChangeRule, Commission, CommissionStatus, HeadProblem, MemberFacts, NewOrder, Order, OrderNumber,
    check_approval, check_head, membership_change,
};
use usul_domain::ids::{CommissionId, OrderId, SchoolId, StaffId, SubjectId};
use usul_domain::lang::Lang;
use usul_domain::org::School;
use usul_domain::policy::Action;
use usul_domain::staff::Staff;
use usul_domain::values::Name;
use usul_domain::year::AcademicYear;
use usul_persistence::{CommissionFilter, MembershipChange};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(members)
        .service(add_members)
        .service(remove_member)
        .service(appoint_head)
        .service(approve)
        .service(dissolve)
        .service(list_orders)
        .service(read_order);
}

/// A commission's status.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommissionStatusDto {
    Draft,
    Approved,
    Dissolved,
}

impl From<CommissionStatus> for CommissionStatusDto {
    fn from(s: CommissionStatus) -> Self {
        match s {
            CommissionStatus::Draft => Self::Draft,
            CommissionStatus::Approved => Self::Approved,
            CommissionStatus::Dissolved => Self::Dissolved,
        }
    }
}

/// A cyclic methodological commission (*циклдик усулдук комиссия*).
#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionView {
    pub id: Uuid,
    pub school_id: Uuid,
    /// The academic year it works in.
    #[schema(example = "2022-2023")]
    pub year: String,
    #[schema(example = "Табигый-математикалык циклдин усулдук комиссиясы")]
    pub name: String,
    /// Its subject, or several related ones (R-3.2.2a).
    pub subject_ids: Vec<Uuid>,
    /// The head appointed by the director (R-3.2.2c).
    pub head_id: Option<Uuid>,
    /// Current members.
    pub member_ids: Vec<Uuid>,
    pub status: CommissionStatusDto,
    /// The status in the language chosen by `Accept-Language`.
    #[schema(example = "Бекитилген")]
    pub status_label: String,
    /// The order that approved it.
    pub approved_by_order_id: Option<Uuid>,
    /// The order that dissolved it.
    pub dissolved_by_order_id: Option<Uuid>,
    /// Sent as `ETag`; send it back in `If-Match`.
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CommissionView {
    fn new(c: &Commission, language: Lang) -> Self {
        Self {
            id: c.id.uuid(),
            school_id: c.school.uuid(),
            year: c.year.to_string(),
            name: c.name.to_string(),
            subject_ids: c.subjects.iter().map(|s| s.uuid()).collect(),
            head_id: c.head.map(StaffId::uuid),
            member_ids: c.members.iter().map(|m| m.uuid()).collect(),
            status: c.status.into(),
            status_label: c.status.label().get(language).to_owned(),
            approved_by_order_id: c.approved_by_order.map(OrderId::uuid),
            dissolved_by_order_id: c.dissolved_by_order.map(OrderId::uuid),
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

list_of!(CommissionList, CommissionView, "A page of commissions.");

/// A school order (*буйрук*).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    pub id: Uuid,
    pub school_id: Uuid,
    /// As written on the order.
    #[schema(example = "45")]
    pub number: String,
    #[schema(example = "2022-09-05")]
    pub date: NaiveDate,
    #[schema(example = "Циклдик усулдук комиссиянын курамын бекитүү жөнүндө")]
    pub title: String,
    /// What it decided.
    pub decided: String,
    /// The commission it concerns.
    pub commission_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<&Order> for OrderView {
    fn from(o: &Order) -> Self {
        Self {
            id: o.id.uuid(),
            school_id: o.school.uuid(),
            number: o.number.as_str().to_owned(),
            date: o.date,
            title: o.title.clone(),
            decided: o.decided.clone(),
            commission_id: o.commission.map(CommissionId::uuid),
            created_at: o.created_at,
        }
    }
}

list_of!(OrderList, OrderView, "A page of orders, oldest first.");

/// A commission and the order that just changed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionWithOrder {
    pub commission: CommissionView,
    pub order: OrderView,
}

/// The order that makes a change: its number and date as written on paper; the title and the
/// decision text are filled in when omitted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "45", "date": "2022-09-05"}))]
pub struct OrderBody {
    /// 1–32 characters, unique per school and academic year.
    #[schema(min_length = 1, max_length = 32, pattern = "\\S")]
    pub number: String,
    /// The order's date.
    pub date: NaiveDate,
    #[schema(max_length = 500)]
    pub title: Option<String>,
    #[schema(max_length = 4000)]
    pub decided: Option<String>,
}

impl OrderBody {
    fn check(&self, check: &mut Checker, prefix: &str, title: &str, decided: String) -> Option<NewOrder> {
        let number = check.text(&format!("{prefix}.number"), OrderNumber::parse(&self.number));
        let title = match self.title.as_deref() {
            Some(t) => check.text(&format!("{prefix}.title"), usul_domain::values::bounded(t, 500)),
            None => Some(title.to_owned()),
        };
        let decided = match self.decided.as_deref() {
            Some(d) => check.text(&format!("{prefix}.decided"), usul_domain::values::bounded(d, 4000)),
            None => Some(decided),
        };
        Some(NewOrder { number: number?, date: self.date, title: title?, decided: decided? })
    }
}

/// A new draft commission.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": "2022-2023", "name": "Табигый-математикалык циклдин усулдук комиссиясы", "subject_ids": [], "member_ids": []}))]
pub struct CreateCommissionBody {
    /// The academic year, `YYYY-YYYY`.
    #[schema(pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: String,
    /// 1–200 characters, unique in the school and year.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    /// One subject of the school, or several related ones.
    #[schema(min_items = 1)]
    pub subject_ids: Vec<Uuid>,
    /// Staff of the school; they may sit on other commissions too.
    #[serde(default)]
    pub member_ids: Vec<Uuid>,
}

/// Changes to a draft commission; absent fields stay. `member_ids` replaces the list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Математика жана физика комиссиясы"}))]
pub struct UpdateCommissionBody {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    pub subject_ids: Option<Vec<Uuid>>,
    pub member_ids: Option<Vec<Uuid>>,
}

/// People to add. A draft takes them at once; an approved commission only by an order
/// (R-3.2.2d).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"staff_ids": ["01a2153e-6f02-75e8-ab76-f3d21fc243e7"], "order": {"number": "61", "date": "2022-11-14"}}))]
pub struct AddMembersBody {
    #[schema(min_items = 1)]
    pub staff_ids: Vec<Uuid>,
    /// Required once the commission is approved.
    pub order: Option<OrderBody>,
}

/// The director appoints the head from the members (R-3.2.2c).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"staff_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7"}))]
pub struct HeadBody {
    pub staff_id: Uuid,
}

/// The order of an approval or a dissolution.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"order": {"number": "45", "date": "2022-09-05"}}))]
pub struct OrderActBody {
    pub order: OrderBody,
}

/// Filters of the commission list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommissionQuery {
    /// Only this academic year.
    #[param(pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<String>,
    /// Only this status.
    #[param(value_type = Option<CommissionStatusDto>)]
    pub status: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
}

/// The removal order, for an approved commission.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemovalQuery {
    /// The order's number (required once the commission is approved).
    pub order_number: Option<String>,
    /// The order's date, `YYYY-MM-DD`.
    #[param(value_type = Option<NaiveDate>)]
    pub order_date: Option<String>,
}

/// The membership as of a date.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembersQuery {
    /// The date (default: today). Before approval nobody is a member in law.
    #[param(value_type = Option<NaiveDate>)]
    pub as_of: Option<String>,
}

/// A member, with what the rules look at.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub staff_id: Uuid,
    #[schema(example = "Үсөнова А.Б.")]
    pub short_name: String,
    pub subject_ids: Vec<Uuid>,
    #[schema(example = 12)]
    pub experience_years: u8,
    /// Whether they teach one of the commission's subjects (R-3.2.2a).
    pub teaches_a_commission_subject: bool,
    pub is_head: bool,
    /// The order date their membership began (empty while a draft).
    pub since: Option<NaiveDate>,
    pub added_by_order_id: Option<Uuid>,
}

/// One stint of membership.
#[derive(Debug, Serialize, ToSchema)]
pub struct StintView {
    pub staff_id: Uuid,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub added_by_order_id: Option<Uuid>,
    pub removed_by_order_id: Option<Uuid>,
}

/// Members as of a date, and every change ever recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembersView {
    #[schema(example = "2022-11-14")]
    pub as_of: NaiveDate,
    pub members: Vec<MemberView>,
    /// Every stint, oldest first (R-3.2.2d: each change recorded).
    pub history: Vec<StintView>,
}

async fn load(state: &AppState, auth: &Auth, raw: &str, action: Action) -> Result<(Commission, School), ApiError> {
    let id = CommissionId::from_uuid(path_id("id", raw)?);
    let c = state.store.get_commission(id).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(state, auth, c.school, action).await?;
    Ok((c, school))
}

/// Checks that each id is an active member of the school's staff; records field errors.
async fn check_staff(
    state: &AppState,
    school: SchoolId,
    field: &str,
    ids: &[Uuid],
    check: &mut Checker,
) -> Result<Vec<Staff>, ApiError> {
    let typed: Vec<StaffId> = ids.iter().copied().map(StaffId::from_uuid).collect();
    let found = state.store.staff_by_ids(&typed).await?;
    for (i, id) in typed.iter().enumerate() {
        if typed[..i].contains(id) {
            check.push(format!("{field}[{i}]"), FieldErrorKind::Duplicate);
            continue;
        }
        match found.iter().find(|s| s.id == *id) {
            Some(s) if s.school() == Some(school) && s.role.is_school_role() => {
                if !s.active {
                    check.push(format!("{field}[{i}]"), FieldErrorKind::Inactive);
                }
            }
            _ => check.push(format!("{field}[{i}]"), FieldErrorKind::UnknownReference),
        }
    }
    Ok(found)
}

async fn check_subjects(state: &AppState, school: SchoolId, ids: &[Uuid], check: &mut Checker) -> Result<(), ApiError> {
    if ids.is_empty() {
        check.push("subject_ids", FieldErrorKind::Required);
    }
    let typed: Vec<SubjectId> = ids.iter().copied().map(SubjectId::from_uuid).collect();
    let missing = state.store.missing_subjects(school, &typed).await?;
    for (i, id) in typed.iter().enumerate() {
        if missing.contains(id) {
            check.push(format!("subject_ids[{i}]"), FieldErrorKind::UnknownReference);
        }
    }
    Ok(())
}

fn facts(staff: &[Staff]) -> Vec<MemberFacts> {
    staff
        .iter()
        .map(|s| MemberFacts { id: s.id, subjects: s.subjects.clone(), experience: s.experience, active: s.active })
        .collect()
}

fn not_draft(c: &Commission) -> ApiError {
    match c.status {
        CommissionStatus::Draft => ApiError::bug("a draft refused as not a draft"),
        _ => ApiError::Conflict(ProblemCode::CommissionNotDraft),
    }
}

fn head_refusal(p: HeadProblem) -> ApiError {
    let (reason, extra) = match p {
        HeadProblem::NotMember => ("not_member", json!({})),
        HeadProblem::Inactive => ("inactive", json!({})),
        HeadProblem::TooLittleExperience { have, need } => {
            ("too_little_experience", json!({"experience_years": have, "required_years": need}))
        }
    };
    let mut extra = extra;
    extra["reason"] = json!(reason);
    extra["rule"] = json!("R-3.2.2c");
    ApiError::Rule { code: ProblemCode::HeadNotEligible, detail: format!("R-3.2.2c: {p}."), extra: Some(extra) }
}

fn approval_refusal(problems: &[ApprovalProblem]) -> ApiError {
    let listed: Vec<serde_json::Value> = problems
        .iter()
        .map(|p| match p {
            ApprovalProblem::NotDraft(s) => json!({"code": "not_draft", "commission_status": s.code()}),
            ApprovalProblem::TooFewQualified { qualified, need, not_teaching } => json!({
                "code": "too_few_qualified_members", "rule": "R-3.2.2a",
                "qualified": qualified, "need": need,
                "not_teaching_member_ids": not_teaching.iter().map(|s| s.uuid()).collect::<Vec<_>>(),
            }),
            ApprovalProblem::InactiveMember(s) => json!({"code": "inactive_member", "staff_id": s.uuid()}),
            ApprovalProblem::NoHead => json!({"code": "no_head", "rule": "R-3.2.2c"}),
            ApprovalProblem::Head(h) => {
                json!({"code": "head_not_eligible", "rule": "R-3.2.2c", "detail": h.to_string()})
            }
        })
        .collect();
    let detail = problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    ApiError::Rule {
        code: ProblemCode::CommissionNotApprovable,
        detail: format!("{detail}."),
        extra: Some(json!({"problems": listed})),
    }
}

fn parse_year(check: &mut Checker, raw: &str) -> Option<AcademicYear> {
    check.check("year", AcademicYear::parse(raw), |_| FieldErrorKind::InvalidYear)
}

/// List a school's commissions.
#[utoipa::path(
    tag = tags::COMMISSIONS,
    params(("id" = Uuid, Path, description = "School id"), CommissionQuery, ("Accept-Language" = Option<String>, Header, description = "`ky`, `ru` or `en` for `status_label`.")),
    responses(
        (status = 200, description = "A page of commissions.", body = CommissionList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/commissions")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<CommissionQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let paging = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let year = q
        .year
        .as_deref()
        .map(|y| AcademicYear::parse(y).map_err(|_| bad_param("year", FieldErrorKind::InvalidYear)))
        .transpose()?;
    let status = q
        .status
        .as_deref()
        .map(|s| CommissionStatus::parse(s).ok_or_else(|| bad_param("status", FieldErrorKind::InvalidValue)))
        .transpose()?;
    let page = state.store.list_commissions(school.id, CommissionFilter { year, status }, paging.request()).await?;
    let language = lang(&req);
    Ok(HttpResponse::Ok().json(CommissionList {
        items: page.items.iter().map(|c| CommissionView::new(c, language)).collect(),
        next_cursor: next_cursor(page.next),
    }))
}

/// Draft a commission.
///
/// The deputy or the director puts a commission together for a year: its subject (or related
/// subjects) and members. It is approved later by the director's order.
#[utoipa::path(
    tag = tags::COMMISSIONS,
    request_body = CreateCommissionBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created as a draft.", body = CommissionView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/commissions")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateCommissionBody>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::DraftCommission).await?;
    let body = body.0;
    let mut check = Checker::default();
    let year = parse_year(&mut check, &body.year);
    let name = check.text("name", Name::parse(&body.name));
    check_subjects(&state, school.id, &body.subject_ids, &mut check).await?;
    check_staff(&state, school.id, "member_ids", &body.member_ids, &mut check).await?;
    check.finish()?;
    let subjects: Vec<SubjectId> = body.subject_ids.into_iter().map(SubjectId::from_uuid).collect();
    let member_ids: Vec<StaffId> = body.member_ids.into_iter().map(StaffId::from_uuid).collect();
    let c = state
        .store
        .create_commission(
            &school,
            checked(year)?,
            checked(name)?,
            &subjects,
            &member_ids,
            &auth.audit("commission drafted"),
        )
        .await?;
    Ok(created(format!("/api/v1/commissions/{}", c.id), c.version, &CommissionView::new(&c, lang(&req))))
}

/// Read a commission.
#[utoipa::path(
    tag = tags::COMMISSIONS,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The commission.", body = CommissionView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/commissions/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (c, _) = load(&state, &auth, &id, Action::Read).await?;
    Ok(versioned(&req, c.version, &CommissionView::new(&c, lang(&req))))
}

/// Edit a draft commission.
///
/// Name, subjects and members change freely while it is a draft; after approval members change
/// only by order (`POST /commissions/{id}/members`), and the rest answers 409.
#[utoipa::path(
    tag = tags::COMMISSIONS,
    request_body = UpdateCommissionBody,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = CommissionView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/commissions/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdateCommissionBody>,
) -> Result<HttpResponse, ApiError> {
    let (c, school) = load(&state, &auth, &id, Action::DraftCommission).await?;
    if c.status != CommissionStatus::Draft {
        return Err(not_draft(&c));
    }
    let body = body.0;
    let mut check = Checker::default();
    let name = body.name.as_deref().map(|n| check.text("name", Name::parse(n)));
    if let Some(s) = &body.subject_ids {
        check_subjects(&state, school.id, s, &mut check).await?;
    }
    if let Some(m) = &body.member_ids {
        check_staff(&state, school.id, "member_ids", m, &mut check).await?;
    }
    check.finish()?;
    let c = state
        .store
        .update_draft_commission(
            c.id,
            expected(&req, c.version),
            name.flatten(),
            body.subject_ids.map(|s| s.into_iter().map(SubjectId::from_uuid).collect()),
            body.member_ids.map(|m| m.into_iter().map(StaffId::from_uuid).collect()),
            &auth.audit("commission draft edited"),
        )
        .await?;
    Ok(versioned(&req, c.version, &CommissionView::new(&c, lang(&req))))
}

/// The members of a commission as of a date, and its membership history.
///
/// R-3.2.2d: every change is recorded with its order, so the list can be read as of any date.
#[utoipa::path(
    tag = tags::COMMISSIONS,
    params(("id" = Uuid, Path, description = "Commission id"), MembersQuery),
    responses(
        (status = 200, description = "The members as of the date.", body = MembersView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/commissions/{id}/members")]
pub async fn members(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<MembersQuery>,
) -> Result<HttpResponse, ApiError> {
    let (c, _) = load(&state, &auth, &id, Action::Read).await?;
    let as_of = match q.as_of.as_deref() {
        None => Utc::now().date_naive(),
        Some(d) => {
            NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad_param("as_of", FieldErrorKind::InvalidFormat))?
        }
    };
    let stints = state.store.commission_memberships(c.id).await?;
    // A draft's members are listed as they stand; an approved one's as the orders made it.
    let current: Vec<&usul_persistence::Membership> = stints
        .iter()
        .filter(|m| match (c.status, m.since) {
            (CommissionStatus::Draft, _) => m.until.is_none(),
            (_, Some(since)) => since <= as_of && m.until.is_none_or(|u| u > as_of),
            (_, None) => false,
        })
        .collect();
    let ids: Vec<StaffId> = current.iter().map(|m| m.staff).collect();
    let people = state.store.staff_by_ids(&ids).await?;
    let listed = current
        .iter()
        .filter_map(|m| {
            people.iter().find(|p| p.id == m.staff).map(|p| MemberView {
                staff_id: p.id.uuid(),
                short_name: p.short_name(),
                subject_ids: p.subjects.iter().map(|s| s.uuid()).collect(),
                experience_years: p.experience.years(),
                teaches_a_commission_subject: p.subjects.iter().any(|s| c.subjects.contains(s)),
                is_head: c.head == Some(p.id),
                since: m.since,
                added_by_order_id: m.added_by_order.map(OrderId::uuid),
            })
        })
        .collect();
    let history = stints
        .iter()
        .map(|m| StintView {
            staff_id: m.staff.uuid(),
            since: m.since,
            until: m.until,
            added_by_order_id: m.added_by_order.map(OrderId::uuid),
            removed_by_order_id: m.removed_by_order.map(OrderId::uuid),
        })
        .collect();
    Ok(HttpResponse::Ok().json(MembersView { as_of, members: listed, history }))
}

fn member_order_title(language: Lang) -> &'static str {
    match language {
        Lang::Ru => "О внесении изменений в состав методической комиссии",
        _ => "Усулдук комиссиянын курамына өзгөртүү киргизүү жөнүндө",
    }
}

/// Add members.
///
/// To a draft: at once, by the deputy or the director. To an approved commission: only by the
/// director's order (R-3.2.2d) — send `order`; without it the answer is 422 `order_required`.
#[utoipa::path(
    tag = tags::COMMISSIONS,
    request_body = AddMembersBody,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfMatch, crate::openapi::IdempotencyKey),
    responses(
        (status = 200, description = "The commission with its new members; `order` is set when one was recorded.", body = CommissionWithOrderOrNot),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/commissions/{id}/members")]
pub async fn add_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<AddMembersBody>,
) -> Result<HttpResponse, ApiError> {
    let (c, school) = load(&state, &auth, &id, Action::DraftCommission).await?;
    let body = body.0;
    let rule = membership_change(c.status);
    if rule == ChangeRule::Closed {
        return Err(ApiError::Conflict(ProblemCode::CommissionDissolved));
    }
    if rule == ChangeRule::ByOrder {
        allow(&auth, Action::DecideCommission, school_resource(&school))?;
    }
    let mut check = Checker::default();
    if body.staff_ids.is_empty() {
        check.push("staff_ids", FieldErrorKind::Required);
    }
    check_staff(&state, school.id, "staff_ids", &body.staff_ids, &mut check).await?;
    for (i, s) in body.staff_ids.iter().enumerate() {
        if c.members.iter().any(|m| m.uuid() == *s) {
            check.push(format!("staff_ids[{i}]"), FieldErrorKind::Duplicate);
        }
    }
    let language = lang(&req);
    let order = match (&body.order, rule) {
        (Some(o), ChangeRule::ByOrder) => o.check(
            &mut check,
            "order",
            member_order_title(language),
            format!("«{}»: {} new member(s).", c.name, body.staff_ids.len()),
        ),
        (None, ChangeRule::ByOrder) => {
            check.finish()?;
            return Err(ApiError::Rule {
                code: ProblemCode::OrderRequired,
                detail: "R-3.2.2d: an approved commission's members change only by a school order; send `order`."
                    .into(),
                extra: Some(json!({"rule": "R-3.2.2d"})),
            });
        }
        _ => None,
    };
    check.finish()?;
    let add: Vec<StaffId> = body.staff_ids.into_iter().map(StaffId::from_uuid).collect();
    if rule == ChangeRule::Free {
        let mut all = c.members.clone();
        all.extend(add);
        let c = state
            .store
            .update_draft_commission(
                c.id,
                expected(&req, c.version),
                None,
                None,
                Some(all),
                &auth.audit("draft members added"),
            )
            .await?;
        return Ok(versioned(
            &req,
            c.version,
            &CommissionWithOrderOrNot { commission: CommissionView::new(&c, language), order: None },
        ));
    }
    let change = MembershipChange { add, remove: Vec::new() };
    let (c, o) = state
        .store
        .change_commission_members(
            &c,
            expected(&req, c.version),
            &change,
            &checked(order)?,
            &auth.audit("members added by order"),
        )
        .await?;
    Ok(versioned(
        &req,
        c.version,
        &CommissionWithOrderOrNot { commission: CommissionView::new(&c, language), order: Some(OrderView::from(&o)) },
    ))
}

/// A commission, and the order that changed it if one did.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionWithOrderOrNot {
    pub commission: CommissionView,
    /// The order recorded for an approved commission; `null` for a draft.
    pub order: Option<OrderView>,
}

/// Remove a member.
///
/// From a draft: at once. From an approved commission: only by the director's order — give
/// `order_number` and `order_date` (R-3.2.2d). The head cannot be removed; appoint another
/// head first (409 `head_cannot_leave`).
#[utoipa::path(
    tag = tags::COMMISSIONS,
    params(("id" = Uuid, Path, description = "Commission id"), ("staff_id" = Uuid, Path, description = "The member"), RemovalQuery, crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The commission without the member.", body = CommissionWithOrderOrNot),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 422, response = crate::openapi::ValidationFailed),
    ),
    security(("bearer" = [])),
)]
#[delete("/commissions/{id}/members/{staff_id}")]
pub async fn remove_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    q: web::Query<RemovalQuery>,
) -> Result<HttpResponse, ApiError> {
    let (raw_id, raw_staff) = path.into_inner();
    let (c, school) = load(&state, &auth, &raw_id, Action::DraftCommission).await?;
    let staff = StaffId::from_uuid(path_id("staff_id", &raw_staff)?);
    let rule = membership_change(c.status);
    if rule == ChangeRule::Closed {
        return Err(ApiError::Conflict(ProblemCode::CommissionDissolved));
    }
    if rule == ChangeRule::ByOrder {
        allow(&auth, Action::DecideCommission, school_resource(&school))?;
    }
    if !c.members.contains(&staff) {
        return Err(ApiError::NotFound);
    }
    if c.head == Some(staff) && rule == ChangeRule::ByOrder {
        return Err(ApiError::Conflict(ProblemCode::HeadCannotLeave));
    }
    let language = lang(&req);
    if rule == ChangeRule::Free {
        let rest: Vec<StaffId> = c.members.iter().copied().filter(|m| *m != staff).collect();
        let c = state
            .store
            .update_draft_commission(
                c.id,
                expected(&req, c.version),
                None,
                None,
                Some(rest),
                &auth.audit("draft member removed"),
            )
            .await?;
        return Ok(versioned(
            &req,
            c.version,
            &CommissionWithOrderOrNot { commission: CommissionView::new(&c, language), order: None },
        ));
    }
    let mut check = Checker::default();
    let number = match q.order_number.as_deref() {
        None => {
            check.push("order_number", FieldErrorKind::Required);
            None
        }
        Some(n) => check.text("order_number", OrderNumber::parse(n)),
    };
    let date = match q.order_date.as_deref() {
        None => {
            check.push("order_date", FieldErrorKind::Required);
            None
        }
        Some(d) => {
            check.check("order_date", NaiveDate::parse_from_str(d, "%Y-%m-%d"), |_| FieldErrorKind::InvalidFormat)
        }
    };
    check.finish()?;
    let order = NewOrder {
        number: checked(number)?,
        date: checked(date)?,
        title: member_order_title(language).to_owned(),
        decided: format!("«{}»: a member leaves the commission.", c.name),
    };
    let change = MembershipChange { add: Vec::new(), remove: vec![staff] };
    let (c, o) = state
        .store
        .change_commission_members(
            &c,
            expected(&req, c.version),
            &change,
            &order,
            &auth.audit("member removed by order"),
        )
        .await?;
    Ok(versioned(
        &req,
        c.version,
        &CommissionWithOrderOrNot { commission: CommissionView::new(&c, language), order: Some(OrderView::from(&o)) },
    ))
}

/// Appoint the head.
///
/// The director appoints the head from the members; the head needs at least the school's
/// minimum years of experience (R-3.2.2c, a school setting, default 5). The head of an
/// approved commission gains the head's rights over it (its meetings).
#[utoipa::path(
    tag = tags::COMMISSIONS,
    request_body = HeadBody,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Appointed.", body = CommissionView, headers(("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, description = "`head_not_eligible` (with `reason`: `not_member`, `inactive` or `too_little_experience`), or a validation problem.", body = crate::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[put("/commissions/{id}/head")]
pub async fn appoint_head(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<HeadBody>,
) -> Result<HttpResponse, ApiError> {
    let (c, school) = load(&state, &auth, &id, Action::DecideCommission).await?;
    if c.status == CommissionStatus::Dissolved {
        return Err(ApiError::Conflict(ProblemCode::CommissionDissolved));
    }
    let candidate = StaffId::from_uuid(body.0.staff_id);
    let person = state.store.staff_by_ids(&[candidate]).await?.pop().filter(|p| p.school() == Some(school.id));
    let Some(person) = person else {
        return Err(ApiError::field("staff_id", FieldErrorKind::UnknownReference));
    };
    let facts = facts(std::slice::from_ref(&person)).pop().ok_or_else(|| ApiError::bug("facts"))?;
    check_head(&c, &facts, school.settings).map_err(head_refusal)?;
    let c = state
        .store
        .set_commission_head(
            &c,
            expected(&req, c.version),
            candidate,
            &auth.audit(format!("head appointed: {}", person.short_name())),
        )
        .await?;
    Ok(versioned(&req, c.version, &CommissionView::new(&c, lang(&req))))
}

fn approval_texts(c: &Commission, people: &[Staff], language: Lang) -> (String, String) {
    let names: Vec<String> =
        c.members.iter().filter_map(|m| people.iter().find(|p| p.id == *m)).map(Staff::short_name).collect();
    let head = c.head.and_then(|h| people.iter().find(|p| p.id == h)).map(Staff::short_name).unwrap_or_default();
    match language {
        Lang::Ru => (
            "Об утверждении состава методической комиссии".to_owned(),
            format!(
                "Утвердить состав комиссии «{}» на {} учебный год: {}. Руководитель — {}.",
                c.name,
                c.year,
                names.join(", "),
                head
            ),
        ),
        _ => (
            "Циклдик усулдук комиссиянын курамын бекитүү жөнүндө".to_owned(),
            format!(
                "«{}» комиссиясынын {} окуу жылына курамы бекитилсин: {}. Жетекчиси — {}.",
                c.name,
                c.year,
                names.join(", "),
                head
            ),
        ),
    }
}

/// Approve a commission by order.
///
/// The director's act (R-3.2.2d), recorded as a school order. Refused with 422
/// `commission_not_approvable` unless three or more members teach one of its subjects
/// (R-3.2.2a: the refusal says how many qualify and which members do not) and an eligible head
/// is appointed (R-3.2.2c). Approving twice answers 409; of two simultaneous approvals one
/// succeeds and the other answers 412.
#[utoipa::path(
    tag = tags::COMMISSIONS,
    request_body = OrderActBody,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfMatch, crate::openapi::IdempotencyKey),
    responses(
        (status = 200, description = "Approved; the order is recorded.", body = CommissionWithOrder),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, description = "`commission_not_approvable` with `problems`, or a validation problem.", body = crate::problem::Problem, content_type = "application/problem+json",
            example = json!({"type": "urn:usul:problem:commission_not_approvable", "title": "The commission cannot be approved", "status": 422,
                "detail": "2 members teach one of its subjects; 3 are needed.", "code": "commission_not_approvable",
                "problems": [{"code": "too_few_qualified_members", "rule": "R-3.2.2a", "qualified": 2, "need": 3, "not_teaching_member_ids": ["01a2153e-6f02-75e8-ab76-f3d21fc243e7"]}]})),
    ),
    security(("bearer" = [])),
)]
#[post("/commissions/{id}/approve")]
pub async fn approve(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<OrderActBody>,
) -> Result<HttpResponse, ApiError> {
    let (c, school) = load(&state, &auth, &id, Action::DecideCommission).await?;
    if c.status != CommissionStatus::Draft {
        return Err(not_draft(&c));
    }
    let people = state.store.staff_by_ids(&c.members).await?;
    check_approval(&c, &facts(&people), school.settings).map_err(|p| approval_refusal(&p))?;
    let language = lang(&req);
    let (title, decided) = approval_texts(&c, &people, language);
    let mut check = Checker::default();
    let order = body.0.order.check(&mut check, "order", &title, decided);
    check.finish()?;
    let (c, o) = state
        .store
        .approve_commission(
            &c,
            expected(&req, c.version),
            &checked(order)?,
            &auth.audit("commission approved by order"),
        )
        .await?;
    Ok(versioned(
        &req,
        c.version,
        &CommissionWithOrder { commission: CommissionView::new(&c, language), order: OrderView::from(&o) },
    ))
}

/// Dissolve a commission by order.
///
/// The director's act, recorded as a school order; every membership ends on its date.
#[utoipa::path(
    tag = tags::COMMISSIONS,
    request_body = OrderActBody,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfMatch, crate::openapi::IdempotencyKey),
    responses(
        (status = 200, description = "Dissolved; the order is recorded.", body = CommissionWithOrder),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/commissions/{id}/dissolve")]
pub async fn dissolve(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<OrderActBody>,
) -> Result<HttpResponse, ApiError> {
    let (c, _) = load(&state, &auth, &id, Action::DecideCommission).await?;
    if c.status != CommissionStatus::Approved {
        return Err(ApiError::Conflict(ProblemCode::CommissionNotApproved));
    }
    let language = lang(&req);
    let title = match language {
        Lang::Ru => "О расформировании методической комиссии",
        _ => "Усулдук комиссияны таркатуу жөнүндө",
    };
    let mut check = Checker::default();
    let order = body.0.order.check(&mut check, "order", title, format!("«{}» ({}).", c.name, c.year));
    check.finish()?;
    let (c, o) = state
        .store
        .dissolve_commission(
            &c,
            expected(&req, c.version),
            &checked(order)?,
            &auth.audit("commission dissolved by order"),
        )
        .await?;
    Ok(versioned(
        &req,
        c.version,
        &CommissionWithOrder { commission: CommissionView::new(&c, language), order: OrderView::from(&o) },
    ))
}

/// List a school's orders.
#[utoipa::path(
    tag = tags::COMMISSIONS,
    params(("id" = Uuid, Path, description = "School id"), crate::routes::districts::PageQuery),
    responses(
        (status = 200, description = "A page of orders, oldest first.", body = OrderList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/orders")]
pub async fn list_orders(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<crate::routes::districts::PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let paging = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = state.store.list_orders(school.id, paging.request()).await?;
    Ok(HttpResponse::Ok().json(OrderList {
        items: page.items.iter().map(OrderView::from).collect(),
        next_cursor: next_cursor(page.next),
    }))
}

/// Read an order.
#[utoipa::path(
    tag = tags::COMMISSIONS,
    params(("id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order.", body = OrderView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/orders/{id}")]
pub async fn read_order(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let o = state.store.get_order(OrderId::from_uuid(path_id("id", &id)?)).await?.ok_or(ApiError::NotFound)?;
    school_for(&state, &auth, o.school, Action::Read).await?;
    Ok(HttpResponse::Ok().json(OrderView::from(&o)))
}
