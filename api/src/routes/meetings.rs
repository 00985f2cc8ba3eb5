//! Councils and meetings with their minutes: the pedagogical and
//! methodological councils, commission meetings, protocol numbers, and the printable minutes.

use crate::auth::Auth;
use crate::extract::{Paging, ValidJson, bad_param, expected, lang, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, ProblemCode, checked};
use crate::routes::{allow, created, list_of, next_cursor, present, school_for, versioned};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use usul_domain::commission::{Commission, CommissionStatus};
use usul_domain::ids::{CommissionId, MeetingId, SchoolId, StaffId};
use usul_domain::lang::Lang;
use usul_domain::meeting::{
    Body, BodyKind, Decision, Meeting, MeetingError, MeetingStatus, Presence, Seat, methodological_council,
};
use usul_domain::org::School;
use usul_domain::policy::{Action, Resource};
use usul_domain::staff::{Role, Staff};
use usul_domain::values::bounded;
use usul_domain::year::AcademicYear;
use usul_persistence::{MeetingFilter, MeetingPatch, NewMeeting};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(pedagogical_council)
        .service(methodological_council_read)
        .service(council_add)
        .service(council_remove)
        .service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(hold)
        .service(finalize)
        .service(document);
}

// ---------- bodies and who sits on them ----------

/// A body with its members, as the rules and the policy see it.
struct BodyInfo {
    body: Body,
    members: Vec<StaffId>,
    commission: Option<Commission>,
}

impl BodyInfo {
    fn resource(&self, school: &School, auth: &Auth) -> Resource {
        let me = auth.staff_id();
        Resource::Body {
            school: school.id,
            district: school.district,
            kind: self.body.kind(),
            led_by_actor: me.is_some_and(|s| self.commission.as_ref().is_some_and(|c| c.is_led_by(s))),
            actor_is_member: me.is_some_and(|s| self.members.contains(&s)),
        }
    }
}

/// The methodological council of a year: office holders (director, deputies, heads of approved
/// commissions) as the deputy adjusted it.
async fn council_seats(
    state: &AppState,
    school: &School,
    year: AcademicYear,
) -> Result<Vec<(StaffId, Seat)>, ApiError> {
    let staff = state.store.active_school_staff(school.id).await?;
    let mut by_office: Vec<StaffId> =
        staff.iter().filter(|s| matches!(s.role, Role::Director | Role::Deputy)).map(|s| s.id).collect();
    by_office.extend(state.store.approved_commissions(school.id, year).await?.iter().filter_map(|c| c.head));
    let overrides = state.store.council_overrides(school.id, year).await?;
    Ok(methodological_council(&by_office, &overrides))
}

async fn body_info(state: &AppState, school: &School, body: Body, year: AcademicYear) -> Result<BodyInfo, ApiError> {
    Ok(match body {
        Body::PedagogicalCouncil => {
            let members = state.store.active_school_staff(school.id).await?.iter().map(|s| s.id).collect();
            BodyInfo { body, members, commission: None }
        }
        Body::MethodologicalCouncil => {
            let members = council_seats(state, school, year).await?.into_iter().map(|(s, _)| s).collect();
            BodyInfo { body, members, commission: None }
        }
        Body::Commission(id) => {
            let c =
                state.store.get_commission(id).await?.filter(|c| c.school == school.id).ok_or(ApiError::NotFound)?;
            BodyInfo { body, members: c.members.clone(), commission: Some(c) }
        }
    })
}

/// Loads a meeting, its school and body, and checks `action`; invisible is 404.
async fn load(
    state: &AppState,
    auth: &Auth,
    raw: &str,
    action: Action,
) -> Result<(Meeting, School, BodyInfo), ApiError> {
    let m = state.store.get_meeting(MeetingId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(state, auth, m.school, Action::Read).await?;
    let info = body_info(state, &school, m.body, m.year).await?;
    let resource = info.resource(&school, auth);
    allow(auth, Action::ReadMeetings, resource)?;
    allow(auth, action, resource)?;
    Ok((m, school, info))
}

fn meeting_error(e: &MeetingError) -> ApiError {
    match e {
        MeetingError::Finalized => ApiError::Conflict(ProblemCode::MinutesFinalized),
        MeetingError::WrongState(s) => ApiError::Rule {
            code: ProblemCode::MeetingWrongState,
            detail: format!("The meeting is {}.", s.code()),
            extra: Some(json!({"meeting_status": s.code()})),
        },
        MeetingError::Incomplete(missing) => ApiError::Rule {
            code: ProblemCode::MinutesIncomplete,
            detail: "The minutes need an agenda, at least one decision, a chair and a secretary.".into(),
            extra: Some(json!({"missing": missing.iter().map(|m| m.field()).collect::<Vec<_>>()})),
        },
    }
}

// ---------- views ----------

/// A council member.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilMemberView {
    pub staff_id: Uuid,
    #[schema(example = "Жумабаева Г.А.")]
    pub short_name: String,
    #[schema(example = "deputy")]
    pub role: String,
    /// `by_office` (director, deputy, head of an approved commission) or `added` by the deputy.
    #[schema(example = "by_office")]
    pub seat: String,
}

/// A council and its members.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilView {
    /// `pedagogical_council` or `methodological_council`.
    #[schema(example = "methodological_council")]
    pub body: String,
    /// The body's name in the language chosen by `Accept-Language`.
    #[schema(example = "Усулдук кеңеш")]
    pub label: String,
    /// The academic year of the composition.
    #[schema(example = "2022-2023")]
    pub year: Option<String>,
    pub members: Vec<CouncilMemberView>,
}

fn member_views(people: &[Staff], seats: &[(StaffId, Seat)]) -> Vec<CouncilMemberView> {
    seats
        .iter()
        .filter_map(|(id, seat)| {
            people.iter().find(|p| p.id == *id).map(|p| CouncilMemberView {
                staff_id: p.id.uuid(),
                short_name: p.short_name(),
                role: p.role.code().to_owned(),
                seat: match seat {
                    Seat::ByOffice => "by_office",
                    Seat::Added => "added",
                }
                .to_owned(),
            })
        })
        .collect()
}

/// One attendance mark.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceView {
    pub staff_id: Uuid,
    /// `present`, `absent` or `excused`.
    #[schema(example = "present", pattern = "^(present|absent|excused)$")]
    pub presence: String,
}

/// A decision of the meeting.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionView {
    /// 1–4000 characters.
    #[schema(example = "Усулдук иш жөнүндө жобо кабыл алынсын.", min_length = 1, max_length = 4000, pattern = "\\S")]
    pub text: String,
    /// Who carries it out (staff of the school).
    #[serde(default)]
    pub responsible_ids: Vec<Uuid>,
    /// By when.
    pub deadline: Option<NaiveDate>,
}

/// Present of all members.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuorumView {
    #[schema(example = 17)]
    pub present: u32,
    #[schema(example = 19)]
    pub members: u32,
}

/// A meeting and its minutes (*протокол*).
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: Uuid,
    pub school_id: Uuid,
    /// `pedagogical_council`, `methodological_council` or `commission`.
    #[schema(example = "pedagogical_council")]
    pub body: String,
    /// For a commission's meeting.
    pub commission_id: Option<Uuid>,
    /// The body's name in the language chosen by `Accept-Language`.
    #[schema(example = "Педагогикалык кеңеш")]
    pub body_label: String,
    #[schema(example = "2022-2023")]
    pub year: String,
    #[schema(example = "2022-11-09")]
    pub date: NaiveDate,
    /// `scheduled`, `held` or `finalized`.
    #[schema(example = "finalized")]
    pub status: String,
    #[schema(example = "Протокол бекитилди")]
    pub status_label: String,
    pub title: Option<String>,
    /// Agenda items, in order.
    pub agenda: Vec<String>,
    /// Every member of the body with their mark.
    pub attendance: Vec<AttendanceView>,
    /// Present of all members, as of now (or as recorded at finalization).
    pub quorum: QuorumView,
    pub decisions: Vec<DecisionView>,
    pub notes: Option<String>,
    pub chair_id: Option<Uuid>,
    pub secretary_id: Option<Uuid>,
    /// Given at finalization: 1, 2, 3 … per body and academic year.
    #[schema(example = 1)]
    pub protocol_number: Option<u32>,
    pub finalized_at: Option<DateTime<Utc>>,
    /// Sent as `ETag`; send it back in `If-Match`.
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn body_label(m_body: Body, commission: Option<&Commission>, language: Lang) -> String {
    match (m_body, commission) {
        (Body::Commission(_), Some(c)) => c.name.to_string(),
        (b, _) => b.kind().label().get(language).to_owned(),
    }
}

impl MeetingView {
    fn new(m: &Meeting, commission: Option<&Commission>, language: Lang) -> Self {
        let q = m.quorum.unwrap_or_else(|| usul_domain::meeting::quorum(&m.attendance));
        Self {
            id: m.id.uuid(),
            school_id: m.school.uuid(),
            body: m.body.kind().code().to_owned(),
            commission_id: match m.body {
                Body::Commission(c) => Some(c.uuid()),
                _ => None,
            },
            body_label: body_label(m.body, commission, language),
            year: m.year.to_string(),
            date: m.date,
            status: m.status.code().to_owned(),
            status_label: m.status.label().get(language).to_owned(),
            title: m.title.clone(),
            agenda: m.agenda.clone(),
            attendance: m
                .attendance
                .iter()
                .map(|(s, p)| AttendanceView { staff_id: s.uuid(), presence: p.code().to_owned() })
                .collect(),
            quorum: QuorumView { present: q.present, members: q.members },
            decisions: m
                .decisions
                .iter()
                .map(|d| DecisionView {
                    text: d.text.clone(),
                    responsible_ids: d.responsible.iter().map(|s| s.uuid()).collect(),
                    deadline: d.deadline,
                })
                .collect(),
            notes: m.notes.clone(),
            chair_id: m.chair.map(StaffId::uuid),
            secretary_id: m.secretary.map(StaffId::uuid),
            protocol_number: m.protocol_number,
            finalized_at: m.finalized_at,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

list_of!(
    MeetingList,
    MeetingView,
    "A page of meetings, oldest first. A page may hold fewer than `limit` items when some are not visible to the caller."
);

// ---------- councils ----------

/// The academic year of a council's composition.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// `YYYY-YYYY`; default: the current academic year.
    #[param(pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<String>,
}

fn year_or_current(raw: Option<&str>) -> Result<AcademicYear, ApiError> {
    match raw {
        Some(y) => AcademicYear::parse(y).map_err(|_| bad_param("year", FieldErrorKind::InvalidYear)),
        None => AcademicYear::containing(Utc::now().date_naive()).ok_or_else(|| ApiError::bug("today is out of range")),
    }
}

/// The pedagogical council.
///
/// Every active member of the school's pedagogical staff.
#[utoipa::path(
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "School id")),
    responses(
        (status = 200, description = "The council.", body = CouncilView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/councils/pedagogical")]
pub async fn pedagogical_council(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let people = state.store.active_school_staff(school.id).await?;
    let seats: Vec<(StaffId, Seat)> = people.iter().map(|p| (p.id, Seat::ByOffice)).collect();
    let language = lang(&req);
    Ok(HttpResponse::Ok().json(CouncilView {
        body: BodyKind::PedagogicalCouncil.code().into(),
        label: BodyKind::PedagogicalCouncil.label().get(language).into(),
        year: None,
        members: member_views(&people, &seats),
    }))
}

/// The methodological council of a year.
///
/// By default the director, the deputy and the heads of approved commissions; the deputy adds
/// or removes members.
#[utoipa::path(
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "School id"), YearQuery),
    responses(
        (status = 200, description = "The council.", body = CouncilView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/councils/methodological")]
pub async fn methodological_council_read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let year = year_or_current(q.year.as_deref())?;
    council_view(&state, &school, year, lang(&req)).await.map(|v| HttpResponse::Ok().json(v))
}

async fn council_view(
    state: &AppState,
    school: &School,
    year: AcademicYear,
    language: Lang,
) -> Result<CouncilView, ApiError> {
    let seats = council_seats(state, school, year).await?;
    let people = state.store.staff_by_ids(&seats.iter().map(|(s, _)| *s).collect::<Vec<_>>()).await?;
    Ok(CouncilView {
        body: BodyKind::MethodologicalCouncil.code().into(),
        label: BodyKind::MethodologicalCouncil.label().get(language).into(),
        year: Some(year.to_string()),
        members: member_views(&people, &seats),
    })
}

/// Someone to seat on the methodological council.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": "2022-2023", "staff_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7"}))]
pub struct CouncilMemberBody {
    #[schema(pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: String,
    pub staff_id: Uuid,
}

/// Add a member to the methodological council.
#[utoipa::path(
    tag = tags::MEETINGS,
    request_body = CouncilMemberBody,
    params(("id" = Uuid, Path, description = "School id")),
    responses(
        (status = 200, description = "The council now.", body = CouncilView),
        crate::openapi::WriteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/councils/methodological/members")]
pub async fn council_add(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CouncilMemberBody>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::EditCouncil).await?;
    let mut check = Checker::default();
    let year = check.check("year", AcademicYear::parse(&body.0.year), |_| FieldErrorKind::InvalidYear);
    let person = state.store.staff_by_ids(&[StaffId::from_uuid(body.0.staff_id)]).await?.pop();
    match &person {
        Some(p) if p.school() == Some(school.id) && p.active => {}
        Some(p) if p.school() == Some(school.id) => check.push("staff_id", FieldErrorKind::Inactive),
        _ => check.push("staff_id", FieldErrorKind::UnknownReference),
    }
    check.finish()?;
    let year = checked(year)?;
    state
        .store
        .set_council_override(
            &school,
            year,
            StaffId::from_uuid(body.0.staff_id),
            true,
            &auth.audit("added to the methodological council"),
        )
        .await?;
    council_view(&state, &school, year, lang(&req)).await.map(|v| HttpResponse::Ok().json(v))
}

/// Remove a member from the methodological council.
#[utoipa::path(
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "School id"), ("staff_id" = Uuid, Path, description = "The member"), YearQuery),
    responses(
        (status = 200, description = "The council now.", body = CouncilView),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[delete("/schools/{id}/councils/methodological/members/{staff_id}")]
pub async fn council_remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    q: web::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let (raw_school, raw_staff) = path.into_inner();
    let school =
        school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &raw_school)?), Action::EditCouncil).await?;
    let staff = StaffId::from_uuid(path_id("staff_id", &raw_staff)?);
    let year = year_or_current(q.year.as_deref())?;
    if !council_seats(&state, &school, year).await?.iter().any(|(s, _)| *s == staff) {
        return Err(ApiError::NotFound);
    }
    state
        .store
        .set_council_override(&school, year, staff, false, &auth.audit("removed from the methodological council"))
        .await?;
    council_view(&state, &school, year, lang(&req)).await.map(|v| HttpResponse::Ok().json(v))
}

// ---------- meetings ----------

/// A meeting to schedule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "pedagogical_council", "date": "2022-11-09", "agenda": ["Усулдук иш жөнүндө жобону кароо"]}))]
pub struct CreateMeetingBody {
    /// `pedagogical_council`, `methodological_council` or `commission`.
    #[schema(pattern = "^(pedagogical_council|methodological_council|commission)$")]
    pub body: String,
    /// Required for `commission`: an approved commission of the school.
    pub commission_id: Option<Uuid>,
    /// The meeting's date; its academic year is the one it falls in.
    pub date: NaiveDate,
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// Agenda items (each 1–1000 characters).
    #[serde(default)]
    pub agenda: Vec<String>,
    #[schema(max_length = 8000)]
    pub notes: Option<String>,
}

/// Changes to the minutes; absent fields stay. `attendance` marks only the members it names.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "attendance": [{"staff_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7", "presence": "present"}],
    "decisions": [{"text": "Усулдук иш жөнүндө жобо кабыл алынсын.", "responsible_ids": [], "deadline": "2022-11-14"}],
    "chair_id": "01a2153e-6eff-7003-88f9-1de83e1511c4", "secretary_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7"
}))]
pub struct UpdateMeetingBody {
    pub date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub title: Option<Option<String>>,
    pub agenda: Option<Vec<String>>,
    pub attendance: Option<Vec<AttendanceView>>,
    pub decisions: Option<Vec<DecisionView>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 8000)]
    pub notes: Option<Option<String>>,
    /// Who chaired: a member of the body.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub chair_id: Option<Option<Uuid>>,
    /// Who kept the minutes: a member of the body.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub secretary_id: Option<Option<Uuid>>,
}

/// Filters of the meeting list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    /// `pedagogical_council`, `methodological_council` or `commission`.
    #[param(pattern = "^(pedagogical_council|methodological_council|commission)$")]
    pub body: Option<String>,
    /// Only this commission's meetings.
    #[param(value_type = Option<Uuid>)]
    pub commission_id: Option<String>,
    #[param(pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<String>,
    /// `scheduled`, `held` or `finalized`.
    #[param(pattern = "^(scheduled|held|finalized)$")]
    pub status: Option<String>,
    /// Only those changed at or after this time, for syncing.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<String>,
    #[param(pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
}

fn texts(check: &mut Checker, field: &str, items: &[String], max: usize) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (i, t) in items.iter().enumerate() {
        match check.text(&format!("{field}[{i}]"), bounded(t, max)) {
            Some(t) => out.push(t),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// List a school's meetings.
///
/// Members see their bodies' meetings; the director, the deputy and district users see all.
#[utoipa::path(
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "School id"), MeetingQuery),
    responses(
        (status = 200, description = "A page of meetings.", body = MeetingList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/meetings")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<MeetingQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let paging = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let kind = q
        .body
        .as_deref()
        .map(|b| BodyKind::parse(b).ok_or_else(|| bad_param("body", FieldErrorKind::InvalidValue)))
        .transpose()?;
    let commission =
        q.commission_id.as_deref().map(|c| path_id("commission_id", c).map(CommissionId::from_uuid)).transpose()?;
    let filter = MeetingFilter {
        body: commission.map(Body::Commission),
        kind,
        year: q
            .year
            .as_deref()
            .map(|y| AcademicYear::parse(y).map_err(|_| bad_param("year", FieldErrorKind::InvalidYear)))
            .transpose()?,
        status: q
            .status
            .as_deref()
            .map(|s| MeetingStatus::parse(s).ok_or_else(|| bad_param("status", FieldErrorKind::InvalidValue)))
            .transpose()?,
        updated_since: q
            .updated_since
            .as_deref()
            .map(|t| {
                DateTime::parse_from_rfc3339(t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| bad_param("updated_since", FieldErrorKind::InvalidFormat))
            })
            .transpose()?,
    };
    let page = state.store.list_meetings(school.id, &filter, paging.request()).await?;
    // Bodies are few: decide each (body, year) once, not per meeting.
    let mut infos: HashMap<(String, i32), (bool, Option<Commission>)> = HashMap::new();
    let mut items = Vec::new();
    let language = lang(&req);
    for m in &page.items {
        let key = (m.body.key(), m.year.start_year());
        if !infos.contains_key(&key) {
            let info = body_info(&state, &school, m.body, m.year).await?;
            let visible =
                usul_domain::policy::authorize(auth.actor, Action::ReadMeetings, info.resource(&school, &auth))
                    == usul_domain::policy::Decision::Allow;
            infos.insert(key.clone(), (visible, info.commission));
        }
        if let Some((true, c)) = infos.get(&key) {
            items.push(MeetingView::new(m, c.as_ref(), language));
        }
    }
    Ok(HttpResponse::Ok().json(MeetingList { items, next_cursor: next_cursor(page.next) }))
}

/// Schedule a meeting.
///
/// The deputy schedules the councils' meetings, a head their approved commission's, the
/// director any. Every member of the body is listed in `attendance`, marked `absent` until
/// the minutes say otherwise.
#[utoipa::path(
    tag = tags::MEETINGS,
    request_body = CreateMeetingBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Scheduled.", body = MeetingView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/meetings")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateMeetingBody>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let b = body.0;
    let mut check = Checker::default();
    let kind = check.check("body", BodyKind::parse(&b.body).ok_or(()), |()| FieldErrorKind::InvalidValue);
    let target = match (kind, b.commission_id) {
        (Some(BodyKind::Commission), Some(c)) => Some(Body::Commission(CommissionId::from_uuid(c))),
        (Some(BodyKind::Commission), None) => {
            check.push("commission_id", FieldErrorKind::Required);
            None
        }
        (Some(BodyKind::PedagogicalCouncil), _) => Some(Body::PedagogicalCouncil),
        (Some(BodyKind::MethodologicalCouncil), _) => Some(Body::MethodologicalCouncil),
        (None, _) => None,
    };
    let year = check.check("date", AcademicYear::containing(b.date).ok_or(()), |()| FieldErrorKind::OutOfRange);
    let title = check.optional_text("title", b.title.as_deref(), 200);
    let agenda = texts(&mut check, "agenda", &b.agenda, 1000);
    let notes = check.optional_text("notes", b.notes.as_deref(), 8000);
    let info = match (target, year) {
        (Some(t), Some(y)) => match body_info(&state, &school, t, y).await {
            Ok(i) => Some(i),
            Err(ApiError::NotFound) => {
                check.push("commission_id", FieldErrorKind::UnknownReference);
                None
            }
            Err(e) => return Err(e),
        },
        _ => None,
    };
    check.finish()?;
    let info = checked(info)?;
    let resource = info.resource(&school, &auth);
    allow(&auth, Action::ReadMeetings, resource)?;
    allow(&auth, Action::RunMeetings, resource)?;
    if info.commission.as_ref().is_some_and(|c| c.status != CommissionStatus::Approved) {
        return Err(ApiError::Conflict(ProblemCode::CommissionNotApproved));
    }
    let new = NewMeeting {
        body: info.body,
        date: b.date,
        title: checked(title)?,
        agenda: checked(agenda)?,
        notes: checked(notes)?,
        members: info.members.clone(),
    };
    let m = state.store.create_meeting(&school, new, &auth.audit("meeting scheduled")).await?;
    Ok(created(
        format!("/api/v1/meetings/{}", m.id),
        m.version,
        &MeetingView::new(&m, info.commission.as_ref(), lang(&req)),
    ))
}

/// Read a meeting and its minutes.
#[utoipa::path(
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "Meeting id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The meeting.", body = MeetingView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/meetings/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (m, _, info) = load(&state, &auth, &id, Action::ReadMeetings).await?;
    Ok(versioned(&req, m.version, &MeetingView::new(&m, info.commission.as_ref(), lang(&req))))
}

/// Write the minutes.
///
/// Date, title, agenda, attendance (`present`, `absent`, `excused` for members of the body),
/// decisions, notes, chair and secretary. Finalized minutes are read-only: 409
/// `minutes_finalized`.
#[utoipa::path(
    tag = tags::MEETINGS,
    request_body = UpdateMeetingBody,
    params(("id" = Uuid, Path, description = "Meeting id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = MeetingView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/meetings/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdateMeetingBody>,
) -> Result<HttpResponse, ApiError> {
    let (m, school, info) = load(&state, &auth, &id, Action::RunMeetings).await?;
    m.check_editable().map_err(|e| meeting_error(&e))?;
    let b = body.0;
    let mut check = Checker::default();
    if let Some(d) = b.date
        && AcademicYear::containing(d) != Some(m.year)
    {
        check.push("date", FieldErrorKind::OutOfRange);
    }
    let title = b.title.as_ref().map(|t| check.optional_text("title", t.as_deref(), 200));
    let agenda = b.agenda.as_ref().map(|a| texts(&mut check, "agenda", a, 1000));
    let notes = b.notes.as_ref().map(|n| check.optional_text("notes", n.as_deref(), 8000));
    let member = |check: &mut Checker, field: String, id: Uuid| -> Option<StaffId> {
        let s = StaffId::from_uuid(id);
        if info.members.contains(&s) || m.attendance.iter().any(|(a, _)| *a == s) {
            Some(s)
        } else {
            check.push(field, FieldErrorKind::UnknownReference);
            None
        }
    };
    let attendance = b.attendance.as_ref().map(|marks| {
        let mut all = m.attendance.clone();
        for (i, mark) in marks.iter().enumerate() {
            let who = member(&mut check, format!("attendance[{i}].staff_id"), mark.staff_id);
            let presence =
                check.check(&format!("attendance[{i}].presence"), Presence::parse(&mark.presence).ok_or(()), |()| {
                    FieldErrorKind::InvalidValue
                });
            if let (Some(w), Some(p)) = (who, presence) {
                match all.iter_mut().find(|(s, _)| *s == w) {
                    Some(entry) => entry.1 = p,
                    None => all.push((w, p)),
                }
            }
        }
        all
    });
    let mut responsible_ids = Vec::new();
    if let Some(ds) = &b.decisions {
        for (i, d) in ds.iter().enumerate() {
            for (j, r) in d.responsible_ids.iter().enumerate() {
                responsible_ids.push((format!("decisions[{i}].responsible_ids[{j}]"), StaffId::from_uuid(*r)));
            }
        }
    }
    let found = state.store.staff_by_ids(&responsible_ids.iter().map(|(_, s)| *s).collect::<Vec<_>>()).await?;
    for (field, s) in &responsible_ids {
        if !found.iter().any(|p| p.id == *s && p.school() == Some(school.id)) {
            check.push(field.clone(), FieldErrorKind::UnknownReference);
        }
    }
    let decisions = b.decisions.as_ref().map(|ds| {
        ds.iter()
            .enumerate()
            .filter_map(|(i, d)| {
                check.text(&format!("decisions[{i}].text"), bounded(&d.text, 4000)).map(|text| Decision {
                    text,
                    responsible: d.responsible_ids.iter().copied().map(StaffId::from_uuid).collect(),
                    deadline: d.deadline,
                })
            })
            .collect::<Vec<_>>()
    });
    let chair = b.chair_id.map(|c| c.and_then(|c| member(&mut check, "chair_id".into(), c)));
    let secretary = b.secretary_id.map(|c| c.and_then(|c| member(&mut check, "secretary_id".into(), c)));
    check.finish()?;
    let patch = MeetingPatch {
        date: b.date,
        title: title.flatten(),
        agenda: agenda.flatten(),
        attendance,
        decisions,
        notes: notes.flatten(),
        chair,
        secretary,
    };
    let updated =
        state.store.update_meeting(&m, expected(&req, m.version), patch, None, &auth.audit("minutes edited")).await?;
    Ok(versioned(&req, updated.version, &MeetingView::new(&updated, info.commission.as_ref(), lang(&req))))
}

/// Mark a meeting as held.
#[utoipa::path(
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "Meeting id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Held.", body = MeetingView, headers(("ETag" = String))),
        (status = 422, description = "`meeting_wrong_state`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/meetings/{id}/hold")]
pub async fn hold(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (m, _, info) = load(&state, &auth, &id, Action::RunMeetings).await?;
    m.check_hold().map_err(|e| meeting_error(&e))?;
    let updated = state
        .store
        .update_meeting(
            &m,
            expected(&req, m.version),
            MeetingPatch::default(),
            Some(MeetingStatus::Held),
            &auth.audit("meeting held"),
        )
        .await?;
    Ok(versioned(&req, updated.version, &MeetingView::new(&updated, info.commission.as_ref(), lang(&req))))
}

/// Finalize the minutes.
///
/// Gives the protocol number — 1, 2, 3 … per body and academic year, with no gap and no
/// duplicate however many servers finalize at once — records the quorum, and makes the
/// minutes read-only. Needs a held meeting with an agenda, a decision, a chair and a
/// secretary (422 `minutes_incomplete` lists what is missing).
#[utoipa::path(
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "Meeting id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Finalized with its protocol number.", body = MeetingView, headers(("ETag" = String))),
        (status = 422, description = "`minutes_incomplete` with `missing`, or `meeting_wrong_state`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/meetings/{id}/finalize")]
pub async fn finalize(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (m, _, info) = load(&state, &auth, &id, Action::RunMeetings).await?;
    let quorum = m.check_finalize().map_err(|e| meeting_error(&e))?;
    let done =
        state.store.finalize_meeting(&m, expected(&req, m.version), quorum, &auth.audit("minutes finalized")).await?;
    Ok(versioned(&req, done.version, &MeetingView::new(&done, info.commission.as_ref(), lang(&req))))
}

/// The language of the printed minutes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `ky` (default) or `ru`.
    #[param(pattern = "^(ky|ru)$")]
    pub lang: Option<String>,
}

/// The minutes as a printable page.
///
/// An HTML page in Kyrgyz or Russian, laid out for A4: the school, the body, the protocol
/// number and date, who was present and absent, the agenda, the decisions, and the chair's and
/// secretary's signature lines.
#[utoipa::path(
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "Meeting id"), DocumentQuery),
    responses(
        (status = 200, description = "The minutes.", content_type = "text/html; charset=utf-8", body = String),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/meetings/{id}/document")]
pub async fn document(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<DocumentQuery>,
) -> Result<HttpResponse, ApiError> {
    let language = crate::extract::document_lang(q.lang.as_deref())?;
    let (m, school, info) = load(&state, &auth, &id, Action::ReadMeetings).await?;
    let mut ids: Vec<StaffId> = m.attendance.iter().map(|(s, _)| *s).collect();
    ids.extend(m.chair);
    ids.extend(m.secretary);
    ids.extend(m.decisions.iter().flat_map(|d| d.responsible.iter().copied()));
    let people = state.store.staff_by_ids(&ids).await?;
    let html = crate::documents::minutes(
        &m,
        &school,
        &body_label(m.body, info.commission.as_ref(), language),
        &people,
        language,
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_LANGUAGE, language.code()))
        .body(html))
}
