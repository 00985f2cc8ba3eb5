//! Records of methodological work: activities and who took
//! part, participation, mentoring, course training, the materials bank, needs diagnostics.

use crate::auth::Auth;
use crate::extract::{Paging, ValidJson, bad_param, expected, lang, path_id, required_year};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, ProblemCode, checked};
use crate::routes::{allow, created, list_of, next_cursor, school_for, school_resource, versioned};
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{
    ActivityId, CommissionId, ItemId, MaterialId, MeetingId, MentorshipId, SchoolId, StaffId, SubjectId, TrainingId,
};
use usul_domain::meeting::{Body, MeetingStatus};
use usul_domain::org::School;
use usul_domain::policy::Action;
use usul_domain::records::{
    Activity, Diagnosis, Feedback, Hours, MATERIAL_KINDS, Material, MaterialStatus, Mentorship, NEED_AREAS,
    Participant, ParticipantRole, Training, check_mentoring, check_period, groups_of, need_area, suggest,
};
use usul_domain::staff::Staff;
use usul_domain::values::bounded;
use usul_domain::year::AcademicYear;
use usul_persistence::{ActivityFilter, MaterialFilter};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_activities)
        .service(create_activity)
        .service(read_activity)
        .service(set_participants)
        .service(participation)
        .service(list_mentorships)
        .service(create_mentorship)
        .service(read_mentorship)
        .service(update_mentorship)
        .service(list_trainings)
        .service(create_training)
        .service(read_training)
        .service(upload_certificate)
        .service(download_certificate)
        .service(list_materials)
        .service(create_material)
        .service(read_material)
        .service(upload_file)
        .service(download_file)
        .service(review_material)
        .service(publish_material)
        .service(read_diagnosis)
        .service(put_diagnosis)
        .service(needs);
}

// ---------- shared checks ----------

fn manages(auth: &Auth, school: &School) -> bool {
    usul_domain::policy::authorize(auth.actor, Action::ManageRecords, school_resource(school))
        == usul_domain::policy::Decision::Allow
}

/// Checks that each id is an active member of the school's staff.
async fn check_people(
    state: &AppState,
    school: SchoolId,
    fields: &[(String, Uuid)],
    check: &mut Checker,
) -> Result<Vec<Staff>, ApiError> {
    let ids: Vec<StaffId> = fields.iter().map(|(_, id)| StaffId::from_uuid(*id)).collect();
    let found = state.store.staff_by_ids(&ids).await?;
    for (field, id) in fields {
        match found.iter().find(|s| s.id.uuid() == *id && s.school() == Some(school)) {
            Some(s) if s.active => {}
            Some(_) => check.push(field.clone(), FieldErrorKind::Inactive),
            None => check.push(field.clone(), FieldErrorKind::UnknownReference),
        }
    }
    Ok(found)
}

fn hours(check: &mut Checker, field: &str, h: Option<f64>) -> Option<Hours> {
    match h {
        None => Some(Hours::default()),
        Some(h) => check.check(field, Hours::parse(h), |_| FieldErrorKind::OutOfRange),
    }
}

fn year_param(raw: Option<&str>) -> Result<Option<AcademicYear>, ApiError> {
    raw.map(|y| AcademicYear::parse(y).map_err(|_| bad_param("year", FieldErrorKind::InvalidYear))).transpose()
}

fn since_param(raw: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    raw.map(|t| {
        DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| bad_param("updated_since", FieldErrorKind::InvalidFormat))
    })
    .transpose()
}

/// Paging, year and sync filters shared by the record lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    #[param(pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<String>,
    /// Only records changed at or after this time, for syncing.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<String>,
    #[param(pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
}

// ---------- activities ----------

/// A participant of an activity.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantView {
    pub staff_id: Uuid,
    /// `presenter`, `participant`, `observer` or `mentor`.
    #[schema(example = "presenter", pattern = "^(presenter|participant|observer|mentor)$")]
    pub role: String,
    /// Whether they were there (default true).
    #[serde(default = "yes")]
    pub attended: bool,
}

fn yes() -> bool {
    true
}

/// An observer's feedback on an open lesson.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackView {
    pub staff_id: Uuid,
    #[schema(example = "Сабак жандуу өттү, топтук иш жакшы уюштурулду.", max_length = 4000)]
    pub text: String,
}

/// An activity held (*иш-чара өткөрүлдү*): an instance of a catalogue form.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    pub id: Uuid,
    pub school_id: Uuid,
    #[schema(example = "2022-2023")]
    pub year: String,
    /// A catalogue code.
    #[schema(example = "open_lesson")]
    pub form: String,
    /// The form's label in the chosen language.
    pub form_label: String,
    /// The catalogue groups it counts in: `qualification`, `innovation`,
    /// `information`.
    pub groups: Vec<String>,
    #[schema(example = "Бөлчөктөрдү кошуу — 6-класс")]
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub organiser_id: Option<Uuid>,
    pub commission_id: Option<Uuid>,
    pub place: Option<String>,
    #[schema(example = 1.5)]
    pub hours: f64,
    pub description: Option<String>,
    pub outcome: Option<String>,
    /// For an open lesson: the class.
    #[schema(example = "6Б")]
    pub grade: Option<String>,
    /// For an open lesson: the subject.
    pub subject_id: Option<Uuid>,
    pub feedback: Vec<FeedbackView>,
    /// The plan item it carries out; the item lists it as evidence.
    pub plan_item_id: Option<Uuid>,
    pub participants: Vec<ParticipantView>,
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn activity_view(a: &Activity, language: usul_domain::lang::Lang) -> ActivityView {
    ActivityView {
        id: a.id.uuid(),
        school_id: a.school.uuid(),
        year: a.year.to_string(),
        form: a.form.clone(),
        form_label: usul_domain::catalogue::find(&a.form)
            .map_or_else(|| a.form.clone(), |f| f.label(language).to_owned()),
        groups: groups_of(&a.form).map(|g| g.iter().map(|g| g.code().to_owned()).collect()).unwrap_or_default(),
        title: a.title.clone(),
        starts_on: a.starts_on,
        ends_on: a.ends_on,
        organiser_id: a.organiser.map(StaffId::uuid),
        commission_id: a.commission.map(CommissionId::uuid),
        place: a.place.clone(),
        hours: a.hours.as_f64(),
        description: a.description.clone(),
        outcome: a.outcome.clone(),
        grade: a.grade.clone(),
        subject_id: a.subject.map(SubjectId::uuid),
        feedback: a.feedback.iter().map(|f| FeedbackView { staff_id: f.staff.uuid(), text: f.text.clone() }).collect(),
        plan_item_id: a.plan_item.map(ItemId::uuid),
        participants: a
            .participants
            .iter()
            .map(|p| ParticipantView { staff_id: p.staff.uuid(), role: p.role.code().to_owned(), attended: p.attended })
            .collect(),
        version: a.version,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

list_of!(ActivityList, ActivityView, "A page of activities, oldest first.");

/// An activity to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "form": "open_lesson", "title": "Бөлчөктөрдү кошуу", "starts_on": "2022-11-21", "hours": 1,
    "grade": "6Б", "subject_id": "01a2153e-6ee8-755d-bf3f-e29182dafe41",
    "participants": [{"staff_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7", "role": "presenter"}]
}))]
pub struct CreateActivityBody {
    /// A catalogue code (`GET /catalogue/forms`).
    pub form: String,
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: String,
    pub starts_on: NaiveDate,
    /// Not before `starts_on`.
    pub ends_on: Option<NaiveDate>,
    pub organiser_id: Option<Uuid>,
    /// A commission of the school that held it.
    pub commission_id: Option<Uuid>,
    #[schema(max_length = 200)]
    pub place: Option<String>,
    /// 0–1000, one decimal.
    #[schema(minimum = 0, maximum = 1000)]
    pub hours: Option<f64>,
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    #[schema(max_length = 4000)]
    pub outcome: Option<String>,
    #[schema(max_length = 32)]
    pub grade: Option<String>,
    pub subject_id: Option<Uuid>,
    #[serde(default)]
    pub feedback: Vec<FeedbackView>,
    /// An item of an approved plan of the school that it carries out.
    pub plan_item_id: Option<Uuid>,
    #[serde(default)]
    pub participants: Vec<ParticipantView>,
}

/// Who took part, replacing the list; optionally the observers' feedback.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"participants": [{"staff_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7", "role": "observer", "attended": true}]}))]
pub struct ParticipantsBody {
    pub participants: Vec<ParticipantView>,
    pub feedback: Option<Vec<FeedbackView>>,
}

/// Filters of the activity list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    #[param(pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<String>,
    /// A catalogue code.
    pub form: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub commission_id: Option<String>,
    /// Only those this person took part in.
    #[param(value_type = Option<Uuid>)]
    pub staff_id: Option<String>,
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<String>,
    #[param(pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
}

async fn check_participants(
    state: &AppState,
    school: SchoolId,
    parts: &[ParticipantView],
    feedback: &[FeedbackView],
    check: &mut Checker,
) -> Result<(Vec<Participant>, Vec<Feedback>), ApiError> {
    let mut fields: Vec<(String, Uuid)> =
        parts.iter().enumerate().map(|(i, p)| (format!("participants[{i}].staff_id"), p.staff_id)).collect();
    fields.extend(feedback.iter().enumerate().map(|(i, f)| (format!("feedback[{i}].staff_id"), f.staff_id)));
    check_people(state, school, &fields, check).await?;
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if parts[..i].iter().any(|q| q.staff_id == p.staff_id) {
            check.push(format!("participants[{i}].staff_id"), FieldErrorKind::Duplicate);
        }
        if let Some(role) =
            check.check(&format!("participants[{i}].role"), ParticipantRole::parse(&p.role).ok_or(()), |()| {
                FieldErrorKind::InvalidValue
            })
        {
            out.push(Participant { staff: StaffId::from_uuid(p.staff_id), role, attended: p.attended });
        }
    }
    let mut fb = Vec::new();
    for (i, f) in feedback.iter().enumerate() {
        if let Some(text) = check.text(&format!("feedback[{i}].text"), bounded(&f.text, 4000)) {
            fb.push(Feedback { staff: StaffId::from_uuid(f.staff_id), text });
        }
    }
    Ok((out, fb))
}

/// List a school's activities.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "School id"), ActivityQuery),
    responses(
        (status = 200, description = "A page of activities.", body = ActivityList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/activities")]
pub async fn list_activities(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<ActivityQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let paging = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let f = ActivityFilter {
        year: year_param(q.year.as_deref())?,
        form: q.form.clone(),
        commission: q
            .commission_id
            .as_deref()
            .map(|c| path_id("commission_id", c).map(CommissionId::from_uuid))
            .transpose()?,
        participant: q.staff_id.as_deref().map(|c| path_id("staff_id", c).map(StaffId::from_uuid)).transpose()?,
        updated_since: since_param(q.updated_since.as_deref())?,
    };
    let page = state.store.list_activities(school.id, &f, paging.request()).await?;
    let language = lang(&req);
    Ok(HttpResponse::Ok().json(ActivityList {
        items: page.items.iter().map(|a| activity_view(a, language)).collect(),
        next_cursor: next_cursor(page.next),
    }))
}

/// Record an activity held.
///
/// The deputy, the director, or the head of the commission that held it records an activity:
/// an instance of a catalogue form with its date(s), hours and participants. An open lesson
/// also records the class, the subject and the observers' feedback. Linked to a plan item, the
/// item then lists it as evidence.
#[utoipa::path(
    tag = tags::RECORDS,
    request_body = CreateActivityBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Recorded.", body = ActivityView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::WriteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/activities")]
pub async fn create_activity(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateActivityBody>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let b = body.0;
    let commission = match b.commission_id {
        Some(c) => state.store.get_commission(CommissionId::from_uuid(c)).await?.filter(|c| c.school == school.id),
        None => None,
    };
    let leads = auth.staff_id().is_some_and(|me| commission.as_ref().is_some_and(|c| c.is_led_by(me)));
    if !manages(&auth, &school) && !leads {
        allow(&auth, Action::ManageRecords, school_resource(&school))?;
    }
    let mut check = Checker::default();
    if groups_of(&b.form).is_err() {
        check.push("form", FieldErrorKind::UnknownReference);
    }
    let title = check.text("title", bounded(&b.title, 500));
    let year =
        check.check("starts_on", AcademicYear::containing(b.starts_on).ok_or(()), |()| FieldErrorKind::OutOfRange);
    check.check("ends_on", check_period(b.starts_on, b.ends_on), |_| FieldErrorKind::OutOfRange);
    let h = hours(&mut check, "hours", b.hours);
    let place = check.optional_text("place", b.place.as_deref(), 200);
    let description = check.optional_text("description", b.description.as_deref(), 4000);
    let outcome = check.optional_text("outcome", b.outcome.as_deref(), 4000);
    let grade = check.optional_text("grade", b.grade.as_deref(), 32);
    if b.commission_id.is_some() && commission.is_none() {
        check.push("commission_id", FieldErrorKind::UnknownReference);
    }
    if let Some(o) = b.organiser_id {
        check_people(&state, school.id, &[("organiser_id".into(), o)], &mut check).await?;
    }
    if let Some(s) = b.subject_id
        && !state.store.missing_subjects(school.id, &[SubjectId::from_uuid(s)]).await?.is_empty()
    {
        check.push("subject_id", FieldErrorKind::UnknownReference);
    }
    if let Some(item) = b.plan_item_id {
        let found = state.store.plan_of_item(ItemId::from_uuid(item)).await?;
        if found.is_none_or(|p| p.school != school.id) {
            check.push("plan_item_id", FieldErrorKind::UnknownReference);
        }
    }
    let (participants, feedback) =
        check_participants(&state, school.id, &b.participants, &b.feedback, &mut check).await?;
    check.finish()?;
    let a = Activity {
        id: ActivityId::new(),
        school: school.id,
        year: checked(year)?,
        form: b.form,
        title: checked(title)?,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        organiser: b.organiser_id.map(StaffId::from_uuid),
        commission: commission.map(|c| c.id),
        place: checked(place)?,
        hours: checked(h)?,
        description: checked(description)?,
        outcome: checked(outcome)?,
        grade: checked(grade)?,
        subject: b.subject_id.map(SubjectId::from_uuid),
        feedback,
        plan_item: b.plan_item_id.map(ItemId::from_uuid),
        participants,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    let a = state.store.create_activity(&school, &a, &auth.audit("activity recorded")).await?;
    Ok(created(format!("/api/v1/activities/{}", a.id), a.version, &activity_view(&a, lang(&req))))
}

async fn load_activity(state: &AppState, auth: &Auth, raw: &str) -> Result<(Activity, School), ApiError> {
    let a = state.store.get_activity(ActivityId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(state, auth, a.school, Action::Read).await?;
    Ok((a, school))
}

/// Read an activity.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "Activity id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The activity.", body = ActivityView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/activities/{id}")]
pub async fn read_activity(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (a, _) = load_activity(&state, &auth, &id).await?;
    Ok(versioned(&req, a.version, &activity_view(&a, lang(&req))))
}

/// Set who took part.
///
/// Replaces the participants (with their role and attendance) and, when given, the observers'
/// feedback.
#[utoipa::path(
    tag = tags::RECORDS,
    request_body = ParticipantsBody,
    params(("id" = Uuid, Path, description = "Activity id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The activity.", body = ActivityView, headers(("ETag" = String))),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[put("/activities/{id}/participants")]
pub async fn set_participants(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<ParticipantsBody>,
) -> Result<HttpResponse, ApiError> {
    let (a, school) = load_activity(&state, &auth, &id).await?;
    let leads = match (a.commission, auth.staff_id()) {
        (Some(c), Some(me)) => state.store.get_commission(c).await?.is_some_and(|c| c.is_led_by(me)),
        _ => false,
    };
    if !manages(&auth, &school) && !leads {
        return Err(ApiError::Forbidden);
    }
    let b = body.0;
    let mut check = Checker::default();
    let (participants, feedback) =
        check_participants(&state, school.id, &b.participants, b.feedback.as_deref().unwrap_or(&[]), &mut check)
            .await?;
    check.finish()?;
    let a = state
        .store
        .set_participants(
            &a,
            expected(&req, a.version),
            &participants,
            b.feedback.as_ref().map(|_| feedback.as_slice()),
            &auth.audit("participants recorded"),
        )
        .await?;
    Ok(versioned(&req, a.version, &activity_view(&a, lang(&req))))
}

// ---------- participation ----------

/// One person's participation in a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationRow {
    pub staff_id: Uuid,
    #[schema(example = "Үсөнова А.Б.")]
    pub short_name: String,
    #[schema(example = "teacher")]
    pub role: String,
    /// Activities of.
    pub qualification: u32,
    /// Activities of.
    pub innovation: u32,
    /// Activities of.
    pub information: u32,
    /// Times they presented (open lessons, master classes, reports…).
    pub presented: u32,
    pub activity_hours: f64,
    /// Mentorships as mentor or mentee.
    pub mentoring: u32,
    pub training_hours: f64,
    pub materials: u32,
    pub took_part: bool,
}

/// Everyone's participation in a year, and who took no part.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationView {
    #[schema(example = "2022-2023")]
    pub year: String,
    pub staff: Vec<ParticipationRow>,
    /// Those with no participation at all, by name (R-1.3: every pedagogical employee takes part).
    pub non_participants: Vec<ParticipationRow>,
}

/// The year of a figure.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequiredYear {
    /// `YYYY-YYYY`.
    #[param(pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<String>,
}

/// Read the school's participation in a year.
///
/// For every active member of the pedagogical staff: activities by catalogue group (R-4.1,
/// ), times presented, hours, mentoring, course-training hours, materials authored
/// — and the list of those with no participation. Computed with a fixed number of
/// queries whatever the school's size.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "School id"), RequiredYear),
    responses(
        (status = 200, description = "The figures.", body = ParticipationView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/participation")]
pub async fn participation(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<RequiredYear>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let year = required_year(q.year.as_deref())?;
    let people = state.store.active_school_staff(school.id).await?;
    let figures = state.store.participation(school.id, year).await?;
    let rows: Vec<ParticipationRow> = people
        .iter()
        .map(|s| {
            let p = figures.get(&s.id).copied().unwrap_or_default();
            ParticipationRow {
                staff_id: s.id.uuid(),
                short_name: s.short_name(),
                role: s.role.code().to_owned(),
                qualification: p.qualification,
                innovation: p.innovation,
                information: p.information,
                presented: p.presented,
                activity_hours: p.activity_hours.as_f64(),
                mentoring: p.mentoring,
                training_hours: p.training_hours.as_f64(),
                materials: p.materials,
                took_part: p.took_part(),
            }
        })
        .collect();
    let (staff, non_participants): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.took_part);
    Ok(HttpResponse::Ok().json(ParticipationView { year: year.to_string(), staff, non_participants }))
}

// ---------- mentorships ----------

/// A mentoring relation (*насаатчылык*, R-3.2.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct MentorshipView {
    pub id: Uuid,
    pub school_id: Uuid,
    #[schema(example = "2022-2023")]
    pub year: String,
    pub mentor_id: Uuid,
    pub mentee_id: Uuid,
    pub goals: Option<String>,
    /// `active` or `completed`.
    #[schema(example = "active")]
    pub status: String,
    pub outcome: Option<String>,
    pub notes: Vec<NoteView>,
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A meeting note of a mentorship.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteView {
    pub date: NaiveDate,
    #[schema(max_length = 4000)]
    pub text: String,
}

fn mentorship_view(m: &Mentorship) -> MentorshipView {
    MentorshipView {
        id: m.id.uuid(),
        school_id: m.school.uuid(),
        year: m.year.to_string(),
        mentor_id: m.mentor.uuid(),
        mentee_id: m.mentee.uuid(),
        goals: m.goals.clone(),
        status: if m.completed { "completed" } else { "active" }.to_owned(),
        outcome: m.outcome.clone(),
        notes: m.notes.iter().map(|(d, t)| NoteView { date: *d, text: t.clone() }).collect(),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

list_of!(MentorshipList, MentorshipView, "A page of mentorships, oldest first.");

/// A mentorship to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": "2022-2023", "mentor_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7", "mentee_id": "01a2153e-6fcb-72e0-a399-742f4f8288c7", "goals": "Сабакты пландоо"}))]
pub struct CreateMentorshipBody {
    #[schema(pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: String,
    pub mentor_id: Uuid,
    /// Someone other than the mentor.
    pub mentee_id: Uuid,
    #[schema(max_length = 4000)]
    pub goals: Option<String>,
}

/// A note, or completion with the outcome.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": {"date": "2022-10-12", "text": "Сабакка катышып, талдоо жүргүзүлдү"}}))]
pub struct UpdateMentorshipBody {
    pub note: Option<NoteView>,
    /// Completes the mentorship with this outcome.
    #[schema(max_length = 4000)]
    pub complete_with_outcome: Option<String>,
}

/// List a school's mentorships.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "School id"), RecordQuery),
    responses(
        (status = 200, description = "A page of mentorships.", body = MentorshipList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/mentorships")]
pub async fn list_mentorships(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<RecordQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let paging = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = state
        .store
        .list_mentorships(
            school.id,
            year_param(q.year.as_deref())?,
            since_param(q.updated_since.as_deref())?,
            paging.request(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(MentorshipList {
        items: page.items.iter().map(mentorship_view).collect(),
        next_cursor: next_cursor(page.next),
    }))
}

/// Record a mentorship.
///
/// The deputy or the director pairs a mentor with a mentee (both staff of the school, not the
/// same person, R-3.2.1).
#[utoipa::path(
    tag = tags::RECORDS,
    request_body = CreateMentorshipBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Recorded.", body = MentorshipView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::WriteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/mentorships")]
pub async fn create_mentorship(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateMentorshipBody>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::ManageRecords).await?;
    let b = body.0;
    let mut check = Checker::default();
    let year = check.check("year", AcademicYear::parse(&b.year), |_| FieldErrorKind::InvalidYear);
    check_people(
        &state,
        school.id,
        &[("mentor_id".into(), b.mentor_id), ("mentee_id".into(), b.mentee_id)],
        &mut check,
    )
    .await?;
    check.check("mentee_id", check_mentoring(StaffId::from_uuid(b.mentor_id), StaffId::from_uuid(b.mentee_id)), |_| {
        FieldErrorKind::InvalidValue
    });
    let goals = check.optional_text("goals", b.goals.as_deref(), 4000);
    check.finish()?;
    let m = Mentorship {
        id: MentorshipId::new(),
        school: school.id,
        year: checked(year)?,
        mentor: StaffId::from_uuid(b.mentor_id),
        mentee: StaffId::from_uuid(b.mentee_id),
        goals: checked(goals)?,
        completed: false,
        outcome: None,
        notes: Vec::new(),
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    let m = state.store.create_mentorship(&school, &m, &auth.audit("mentorship recorded")).await?;
    Ok(created(format!("/api/v1/mentorships/{}", m.id), m.version, &mentorship_view(&m)))
}

async fn load_mentorship(state: &AppState, auth: &Auth, raw: &str) -> Result<(Mentorship, School), ApiError> {
    let m =
        state.store.get_mentorship(MentorshipId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(state, auth, m.school, Action::Read).await?;
    Ok((m, school))
}

/// Read a mentorship.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "The mentorship.", body = MentorshipView, headers(("ETag" = String))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/mentorships/{id}")]
pub async fn read_mentorship(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (m, _) = load_mentorship(&state, &auth, &id).await?;
    Ok(versioned(&req, m.version, &mentorship_view(&m)))
}

/// Add a note or complete a mentorship.
///
/// The mentor, the deputy or the director adds meeting notes; completing records the outcome.
/// A completed mentorship does not change (409 `mentorship_completed`).
#[utoipa::path(
    tag = tags::RECORDS,
    request_body = UpdateMentorshipBody,
    params(("id" = Uuid, Path, description = "Mentorship id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = MentorshipView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/mentorships/{id}")]
pub async fn update_mentorship(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdateMentorshipBody>,
) -> Result<HttpResponse, ApiError> {
    let (m, school) = load_mentorship(&state, &auth, &id).await?;
    if !(manages(&auth, &school) || auth.staff_id() == Some(m.mentor)) {
        return Err(ApiError::Forbidden);
    }
    if m.completed {
        return Err(ApiError::Conflict(ProblemCode::MentorshipCompleted));
    }
    let b = body.0;
    let mut check = Checker::default();
    let note = b.note.as_ref().map(|n| check.text("note.text", bounded(&n.text, 4000)).map(|t| (n.date, t)));
    let outcome = b.complete_with_outcome.as_deref().map(|o| check.text("complete_with_outcome", bounded(o, 4000)));
    check.finish()?;
    let m = state
        .store
        .update_mentorship(
            &m,
            expected(&req, m.version),
            note.flatten(),
            outcome.flatten(),
            &auth.audit("mentorship updated"),
        )
        .await?;
    Ok(versioned(&req, m.version, &mentorship_view(&m)))
}

// ---------- trainings ----------

/// A course training (*курстук даярдоо*, R-4.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingView {
    pub id: Uuid,
    pub staff_id: Uuid,
    #[schema(example = "Функционалдык сабаттуулукту калыптандыруу")]
    pub title: String,
    #[schema(example = "КББАИ")]
    pub provider: String,
    /// `in_person` or `distance`.
    #[schema(example = "in_person")]
    pub mode: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[schema(example = 72)]
    pub hours: f64,
    pub certificate_number: Option<String>,
    pub issuer: Option<String>,
    /// The attached certificate (`PUT /trainings/{id}/certificate`).
    pub certificate_file: Option<FileView>,
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

fn file_view(f: &usul_domain::records::StoredFile) -> FileView {
    FileView { name: f.name.clone(), content_type: f.content_type.clone(), size: f.size, sha256: f.sha256.clone() }
}

fn training_view(t: &Training) -> TrainingView {
    TrainingView {
        id: t.id.uuid(),
        staff_id: t.staff.uuid(),
        title: t.title.clone(),
        provider: t.provider.clone(),
        mode: t.mode.clone(),
        starts_on: t.starts_on,
        ends_on: t.ends_on,
        hours: t.hours.as_f64(),
        certificate_number: t.certificate_number.clone(),
        issuer: t.issuer.clone(),
        certificate_file: t.certificate_file.as_ref().map(file_view),
        version: t.version,
        created_at: t.created_at,
    }
}

list_of!(TrainingList, TrainingView, "A page of trainings, oldest first.");

/// A training to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Функционалдык сабаттуулук", "provider": "КББАИ", "mode": "distance", "starts_on": "2022-10-03", "ends_on": "2022-10-14", "hours": 72, "certificate_number": "№ 1234"}))]
pub struct CreateTrainingBody {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: String,
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub provider: String,
    /// `in_person` or `distance`.
    #[schema(pattern = "^(in_person|distance)$")]
    pub mode: String,
    pub starts_on: NaiveDate,
    /// Not before `starts_on`.
    pub ends_on: NaiveDate,
    #[schema(minimum = 0, maximum = 1000)]
    pub hours: f64,
    #[schema(max_length = 100)]
    pub certificate_number: Option<String>,
    #[schema(max_length = 300)]
    pub issuer: Option<String>,
}

async fn staff_of_path(state: &AppState, auth: &Auth, raw: &str) -> Result<(Staff, School), ApiError> {
    let s = state.store.get_staff(StaffId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let school_id = s.school().ok_or(ApiError::NotFound)?;
    let school = school_for(state, auth, school_id, Action::Read).await?;
    Ok((s, school))
}

/// A person's own records are theirs to keep; the deputy and director keep everyone's.
fn own_or_manager(auth: &Auth, school: &School, staff: StaffId) -> Result<(), ApiError> {
    if auth.staff_id() == Some(staff) || manages(auth, school) { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// Readable by the person, the deputy, the director and district users.
fn may_read_personal(auth: &Auth, school: &School, staff: StaffId) -> Result<(), ApiError> {
    let district = matches!(
        auth.actor,
        usul_domain::policy::Actor::DistrictUser { .. }
            | usul_domain::policy::Actor::DistrictService { .. }
            | usul_domain::policy::Actor::Admin { .. }
    );
    if district || auth.staff_id() == Some(staff) || manages(auth, school) { Ok(()) } else { Err(ApiError::NotFound) }
}

/// Filters of the trainings list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainingQuery {
    /// Only records changed at or after this time, for syncing.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<String>,
    #[param(pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
}

/// List a person's trainings.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "Staff id"), TrainingQuery),
    responses(
        (status = 200, description = "A page of trainings.", body = TrainingList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/staff/{id}/trainings")]
pub async fn list_trainings(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<TrainingQuery>,
) -> Result<HttpResponse, ApiError> {
    let (s, school) = staff_of_path(&state, &auth, &id).await?;
    may_read_personal(&auth, &school, s.id)?;
    let paging = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = state.store.list_trainings(s.id, since_param(q.updated_since.as_deref())?, paging.request()).await?;
    Ok(HttpResponse::Ok().json(TrainingList {
        items: page.items.iter().map(training_view).collect(),
        next_cursor: next_cursor(page.next),
    }))
}

/// Record a course training.
///
/// A teacher records their own; the deputy and the director record anyone's.
#[utoipa::path(
    tag = tags::RECORDS,
    request_body = CreateTrainingBody,
    params(("id" = Uuid, Path, description = "Staff id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Recorded.", body = TrainingView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::WriteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/staff/{id}/trainings")]
pub async fn create_training(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateTrainingBody>,
) -> Result<HttpResponse, ApiError> {
    let (s, school) = staff_of_path(&state, &auth, &id).await?;
    own_or_manager(&auth, &school, s.id)?;
    let b = body.0;
    let mut check = Checker::default();
    let title = check.text("title", bounded(&b.title, 500));
    let provider = check.text("provider", bounded(&b.provider, 300));
    if !["in_person", "distance"].contains(&b.mode.as_str()) {
        check.push("mode", FieldErrorKind::InvalidValue);
    }
    check.check("ends_on", check_period(b.starts_on, Some(b.ends_on)), |_| FieldErrorKind::OutOfRange);
    if AcademicYear::containing(b.starts_on).is_none() {
        check.push("starts_on", FieldErrorKind::OutOfRange);
    }
    let h = hours(&mut check, "hours", Some(b.hours));
    let certificate = check.optional_text("certificate_number", b.certificate_number.as_deref(), 100);
    let issuer = check.optional_text("issuer", b.issuer.as_deref(), 300);
    check.finish()?;
    let t = Training {
        id: TrainingId::new(),
        school: school.id,
        staff: s.id,
        title: checked(title)?,
        provider: checked(provider)?,
        mode: b.mode,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        hours: checked(h)?,
        certificate_number: checked(certificate)?,
        issuer: checked(issuer)?,
        certificate_file: None,
        version: 1,
        created_at: Utc::now(),
    };
    let t = state.store.create_training(&school, &t, &auth.audit("training recorded")).await?;
    Ok(created(format!("/api/v1/trainings/{}", t.id), t.version, &training_view(&t)))
}

/// Read a training.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "Training id")),
    responses(
        (status = 200, description = "The training.", body = TrainingView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/trainings/{id}")]
pub async fn read_training(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let t = state.store.get_training(TrainingId::from_uuid(path_id("id", &id)?)).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(&state, &auth, t.school, Action::Read).await?;
    may_read_personal(&auth, &school, t.staff)?;
    Ok(HttpResponse::Ok().json(training_view(&t)))
}

/// Attach a training's certificate.
///
/// `multipart/form-data` with one part named `file` (a scan: PDF, PNG or JPEG among the types
/// kept), checked, hashed and written completely before it is recorded. The person or the
/// deputy/director attaches it.
#[utoipa::path(
    tag = tags::RECORDS,
    request_body(content_type = "multipart/form-data", description = "A part named `file`."),
    params(("id" = Uuid, Path, description = "Training id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Attached.", body = TrainingView),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, description = "`file_type_mismatch`, or an unsafe file name.", body = crate::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[put("/trainings/{id}/certificate")]
pub async fn upload_certificate(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: Multipart,
) -> Result<HttpResponse, ApiError> {
    let t = state.store.get_training(TrainingId::from_uuid(path_id("id", &id)?)).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(&state, &auth, t.school, Action::Read).await?;
    may_read_personal(&auth, &school, t.staff)?;
    own_or_manager(&auth, &school, t.staff)?;
    let t = crate::files::receive_and_record(body, &state.settings, school.id, async |file| {
        let audit = auth.audit("training certificate attached");
        Ok(state.store.set_training_certificate(&t, expected(&req, t.version), &file, &audit).await?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(training_view(&t)))
}

/// Download a training's certificate.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "Training id")),
    responses(
        (status = 200, description = "The file, with its type and name.", content_type = "application/octet-stream", body = Vec<u8>),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/trainings/{id}/certificate")]
pub async fn download_certificate(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let t = state.store.get_training(TrainingId::from_uuid(path_id("id", &id)?)).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(&state, &auth, t.school, Action::Read).await?;
    may_read_personal(&auth, &school, t.staff)?;
    let f = t.certificate_file.ok_or(ApiError::NotFound)?;
    crate::files::serve(&state.settings.files_dir, &f)
}

// ---------- materials ----------

/// A stored file of a material.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileView {
    #[schema(example = "Бөлчөктөр — иштелме.pdf")]
    pub name: String,
    #[schema(example = "application/pdf")]
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
}

/// A material of the library fund, programme bank and card index.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialView {
    pub id: Uuid,
    pub school_id: Uuid,
    /// One of the material kinds (`author_programme`, `working_programme`, …).
    #[schema(example = "lesson_notes")]
    pub kind: String,
    #[schema(example = "Бөлчөктөрдү кошуу: сабактын иштелмеси")]
    pub title: String,
    pub author_ids: Vec<Uuid>,
    pub subject_id: Option<Uuid>,
    #[schema(example = "5-6")]
    pub grades: Option<String>,
    #[schema(example = "2022-2023")]
    pub year: String,
    pub tags: Vec<String>,
    pub annotation: Option<String>,
    /// `draft`, `reviewed` or `published`.
    #[schema(example = "published")]
    pub status: String,
    /// The commission meeting that reviewed it.
    pub review_meeting_id: Option<Uuid>,
    /// An external link, if it is not a file.
    pub link: Option<String>,
    pub file: Option<FileView>,
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn material_view(m: &Material) -> MaterialView {
    MaterialView {
        id: m.id.uuid(),
        school_id: m.school.uuid(),
        kind: m.kind.clone(),
        title: m.title.clone(),
        author_ids: m.authors.iter().map(|a| a.uuid()).collect(),
        subject_id: m.subject.map(SubjectId::uuid),
        grades: m.grades.clone(),
        year: m.year.to_string(),
        tags: m.tags.clone(),
        annotation: m.annotation.clone(),
        status: m.status.code().to_owned(),
        review_meeting_id: m.review_meeting.map(MeetingId::uuid),
        link: m.link.clone(),
        file: m.file.as_ref().map(|f| FileView {
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            sha256: f.sha256.clone(),
        }),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

list_of!(MaterialList, MaterialView, "A page of materials, oldest first.");

/// A material to add to the bank (as a draft).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "lesson_notes", "title": "Бөлчөктөрдү кошуу", "author_ids": ["01a2153e-6f02-75e8-ab76-f3d21fc243e7"], "year": "2022-2023", "tags": ["бөлчөк", "6-класс"], "annotation": "Сабактын толук иштелмеси"}))]
pub struct CreateMaterialBody {
    /// One of: author_programme, working_programme, elective_course_programme, teaching_complex,
    /// lesson_notes, didactic_material, methodological_recommendations, assessment_tasks,
    /// article, theses, booklet, event_scenario, electronic_resource, literature.
    pub kind: String,
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: String,
    /// Staff of the school (at least one).
    #[schema(min_items = 1)]
    pub author_ids: Vec<Uuid>,
    pub subject_id: Option<Uuid>,
    #[schema(max_length = 64)]
    pub grades: Option<String>,
    #[schema(pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[schema(max_length = 4000)]
    pub annotation: Option<String>,
    /// An external link instead of a file (`https://…`).
    #[schema(max_length = 2000)]
    pub link: Option<String>,
}

/// A review at a commission meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"meeting_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7"}))]
pub struct MaterialReviewBody {
    /// A held or finalized meeting of a commission of the school.
    pub meeting_id: Uuid,
}

/// The card index search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MaterialQuery {
    /// Words to find in the title, annotation or tags (any Unicode, case-insensitive).
    #[param(example = "бөлчөк")]
    pub q: Option<String>,
    pub kind: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub subject_id: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub author_id: Option<String>,
    #[param(pattern = "^(draft|reviewed|published)$")]
    pub status: Option<String>,
    #[param(pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: Option<String>,
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<String>,
    #[param(pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<String>,
}

/// Search the school's card index.
///
/// Teachers see published materials and their own; the deputy, the director and district
/// users see all.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "School id"), MaterialQuery),
    responses(
        (status = 200, description = "A page of materials.", body = MaterialList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/materials")]
pub async fn list_materials(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<MaterialQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let paging = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let everything = manages(&auth, &school) || !matches!(auth.actor, usul_domain::policy::Actor::SchoolStaff { .. });
    let f = MaterialFilter {
        text: q.q.as_deref().map(|t| t.split_whitespace().map(str::to_lowercase).collect()).unwrap_or_default(),
        kind: q.kind.clone(),
        subject: q.subject_id.as_deref().map(|s| path_id("subject_id", s).map(SubjectId::from_uuid)).transpose()?,
        author: q.author_id.as_deref().map(|s| path_id("author_id", s).map(StaffId::from_uuid)).transpose()?,
        status: q
            .status
            .as_deref()
            .map(|s| MaterialStatus::parse(s).ok_or_else(|| bad_param("status", FieldErrorKind::InvalidValue)))
            .transpose()?,
        year: year_param(q.year.as_deref())?,
        visible_to_author: if everything { None } else { auth.staff_id() },
        updated_since: since_param(q.updated_since.as_deref())?,
    };
    let page = state.store.list_materials(school.id, &f, paging.request()).await?;
    Ok(HttpResponse::Ok().json(MaterialList {
        items: page.items.iter().map(material_view).collect(),
        next_cursor: next_cursor(page.next),
    }))
}

/// Add a material to the bank.
///
/// Any member of the staff adds a material (as a draft) with its authors, subject, grades,
/// year, tags and annotation; either an external link or, afterwards, an uploaded file
/// (`PUT /materials/{id}/file`).
#[utoipa::path(
    tag = tags::RECORDS,
    request_body = CreateMaterialBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Added as a draft.", body = MaterialView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::WriteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/materials")]
pub async fn create_material(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateMaterialBody>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    if auth.staff_id().is_none() || !matches!(auth.actor, usul_domain::policy::Actor::SchoolStaff { .. }) {
        return Err(ApiError::Forbidden);
    }
    let b = body.0;
    let mut check = Checker::default();
    if !MATERIAL_KINDS.contains(&b.kind.as_str()) {
        check.push("kind", FieldErrorKind::InvalidValue);
    }
    let title = check.text("title", bounded(&b.title, 500));
    if b.author_ids.is_empty() {
        check.push("author_ids", FieldErrorKind::Required);
    }
    let fields: Vec<(String, Uuid)> =
        b.author_ids.iter().enumerate().map(|(i, a)| (format!("author_ids[{i}]"), *a)).collect();
    check_people(&state, school.id, &fields, &mut check).await?;
    if let Some(s) = b.subject_id
        && !state.store.missing_subjects(school.id, &[SubjectId::from_uuid(s)]).await?.is_empty()
    {
        check.push("subject_id", FieldErrorKind::UnknownReference);
    }
    let grades = check.optional_text("grades", b.grades.as_deref(), 64);
    let year = check.check("year", AcademicYear::parse(&b.year), |_| FieldErrorKind::InvalidYear);
    let mut tags = Vec::new();
    for (i, t) in b.tags.iter().enumerate() {
        if let Some(t) = check.text(&format!("tags[{i}]"), bounded(t, 100)) {
            tags.push(t);
        }
    }
    let annotation = check.optional_text("annotation", b.annotation.as_deref(), 4000);
    if let Some(l) = &b.link
        && !((l.starts_with("https://") || l.starts_with("http://"))
            && l.len() <= 2000
            && !l.chars().any(char::is_whitespace))
    {
        check.push("link", FieldErrorKind::InvalidFormat);
    }
    check.finish()?;
    let mut authors: Vec<StaffId> = b.author_ids.iter().copied().map(StaffId::from_uuid).collect();
    authors.sort_unstable();
    authors.dedup();
    let m = Material {
        id: MaterialId::new(),
        school: school.id,
        kind: b.kind,
        title: checked(title)?,
        authors,
        subject: b.subject_id.map(SubjectId::from_uuid),
        grades: checked(grades)?,
        year: checked(year)?,
        tags,
        annotation: checked(annotation)?,
        status: MaterialStatus::Draft,
        review_meeting: None,
        link: b.link,
        file: None,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    let m = state.store.create_material(&school, &m, &auth.audit("material added")).await?;
    Ok(created(format!("/api/v1/materials/{}", m.id), m.version, &material_view(&m)))
}

/// Loads a material its reader may see: published ones, one's own, or all for managers and
/// district users.
async fn load_material(state: &AppState, auth: &Auth, raw: &str) -> Result<(Material, School), ApiError> {
    let m = state.store.get_material(MaterialId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(state, auth, m.school, Action::Read).await?;
    let teacher = matches!(auth.actor, usul_domain::policy::Actor::SchoolStaff { .. }) && !manages(auth, &school);
    let own = auth.staff_id().is_some_and(|me| m.authors.contains(&me));
    if teacher && !own && m.status != MaterialStatus::Published && !heads_an_authors_commission(state, auth, &m).await?
    {
        return Err(ApiError::NotFound);
    }
    Ok((m, school))
}

/// Whether the caller heads an approved commission on which an author sits.
async fn heads_an_authors_commission(state: &AppState, auth: &Auth, m: &Material) -> Result<bool, ApiError> {
    let Some(me) = auth.staff_id() else { return Ok(false) };
    for a in &m.authors {
        for c in state.store.commissions_of_member(*a).await? {
            if state.store.get_commission(c).await?.is_some_and(|c| c.is_led_by(me)) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Read a material.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "Material id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The material.", body = MaterialView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/materials/{id}")]
pub async fn read_material(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (m, _) = load_material(&state, &auth, &id).await?;
    Ok(versioned(&req, m.version, &material_view(&m)))
}

/// Upload a material's file.
///
/// `multipart/form-data` with one part named `file`: its declared type must be one we keep and
/// match its bytes; its name may not contain a path. The file is written completely and hashed
/// (SHA-256) before anything is recorded; a failed upload leaves nothing behind. Authors, the
/// deputy and the director upload.
#[utoipa::path(
    tag = tags::RECORDS,
    request_body(content_type = "multipart/form-data", description = "A part named `file`."),
    params(("id" = Uuid, Path, description = "Material id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Stored.", body = MaterialView, headers(("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, description = "`file_type_mismatch`, or an unsafe file name.", body = crate::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[put("/materials/{id}/file")]
pub async fn upload_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: Multipart,
) -> Result<HttpResponse, ApiError> {
    let (m, school) = load_material(&state, &auth, &id).await?;
    if !(manages(&auth, &school) || auth.staff_id().is_some_and(|me| m.authors.contains(&me))) {
        return Err(ApiError::Forbidden);
    }
    let m = crate::files::receive_and_record(body, &state.settings, school.id, async |file| {
        let audit = auth.audit("material file uploaded");
        Ok(state.store.set_material_file(&m, expected(&req, m.version), &file, &audit).await?)
    })
    .await?;
    Ok(versioned(&req, m.version, &material_view(&m)))
}

/// Download a material's file.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "Material id")),
    responses(
        (status = 200, description = "The file, with its type and name.", content_type = "application/octet-stream", body = Vec<u8>),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/materials/{id}/file")]
pub async fn download_file(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (m, _) = load_material(&state, &auth, &id).await?;
    let f = m.file.ok_or(ApiError::NotFound)?;
    crate::files::serve(&state.settings.files_dir, &f)
}

/// Record a material's review at a commission meeting.
///
/// The head of a commission on which an author sits, the deputy or the director records that a
/// held or finalized meeting of a commission of the school reviewed the draft.
#[utoipa::path(
    tag = tags::RECORDS,
    request_body = MaterialReviewBody,
    params(("id" = Uuid, Path, description = "Material id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Reviewed.", body = MaterialView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/materials/{id}/review")]
pub async fn review_material(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<MaterialReviewBody>,
) -> Result<HttpResponse, ApiError> {
    let (m, school) = load_material(&state, &auth, &id).await?;
    if !(manages(&auth, &school) || heads_an_authors_commission(&state, &auth, &m).await?) {
        return Err(ApiError::Forbidden);
    }
    if m.status != MaterialStatus::Draft {
        return Err(ApiError::Conflict(ProblemCode::MaterialNotDraft));
    }
    let meeting =
        state.store.get_meeting(MeetingId::from_uuid(body.0.meeting_id)).await?.filter(|mt| mt.school == school.id);
    match &meeting {
        Some(mt) if matches!(mt.body, Body::Commission(_)) && mt.status != MeetingStatus::Scheduled => {}
        Some(_) => return Err(ApiError::field("meeting_id", FieldErrorKind::InvalidValue)),
        None => return Err(ApiError::field("meeting_id", FieldErrorKind::UnknownReference)),
    }
    let m = state
        .store
        .set_material_status(
            &m,
            expected(&req, m.version),
            MaterialStatus::Reviewed,
            meeting.map(|mt| mt.id),
            &auth.audit("material reviewed"),
        )
        .await?;
    Ok(versioned(&req, m.version, &material_view(&m)))
}

/// Publish a reviewed material to the school's bank.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "Material id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Published.", body = MaterialView, headers(("ETag" = String))),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/materials/{id}/publish")]
pub async fn publish_material(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (m, school) = load_material(&state, &auth, &id).await?;
    if !(manages(&auth, &school) || heads_an_authors_commission(&state, &auth, &m).await?) {
        return Err(ApiError::Forbidden);
    }
    if m.status != MaterialStatus::Reviewed {
        return Err(ApiError::Conflict(ProblemCode::MaterialNotReviewed));
    }
    let m = state
        .store
        .set_material_status(
            &m,
            expected(&req, m.version),
            MaterialStatus::Published,
            None,
            &auth.audit("material published"),
        )
        .await?;
    Ok(versioned(&req, m.version, &material_view(&m)))
}

// ---------- diagnostics ----------

/// One area of a diagnosis.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaView {
    /// `subject_content`, `teaching_methods`, `ict`, `assessment`, `classroom_management`,
    /// `inclusive_education`, `research_work`, `working_with_parents`.
    #[schema(example = "ict")]
    pub area: String,
    /// 1 (little difficulty) to 3 (much).
    #[schema(minimum = 1, maximum = 3, example = 3)]
    pub level: u8,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// A teacher's needs diagnosis for a year, with the forms suggested for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosisView {
    pub staff_id: Uuid,
    #[schema(example = "2022-2023")]
    pub year: String,
    pub areas: Vec<AreaView>,
    /// Catalogue forms that help with the areas at level 2 or 3, most pressing first.
    pub suggested_forms: Vec<String>,
    #[schema(example = 1)]
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

fn diagnosis_view(d: &Diagnosis) -> DiagnosisView {
    let levels: Vec<(&str, u8)> = d.areas.iter().map(|(a, l, _)| (a.as_str(), *l)).collect();
    DiagnosisView {
        staff_id: d.staff.uuid(),
        year: d.year.to_string(),
        areas: d.areas.iter().map(|(a, l, n)| AreaView { area: a.clone(), level: *l, note: n.clone() }).collect(),
        suggested_forms: suggest(&levels).into_iter().map(str::to_owned).collect(),
        version: d.version,
        updated_at: d.updated_at,
    }
}

/// A diagnosis to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"areas": [{"area": "ict", "level": 3, "note": "Санариптик ресурстар"}, {"area": "assessment", "level": 1}]}))]
pub struct DiagnosisBody {
    pub areas: Vec<AreaView>,
}

/// Read a teacher's diagnosis of a year.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "Staff id"), ("year" = String, Path, description = "`YYYY-YYYY`", example = "2022-2023")),
    responses(
        (status = 200, description = "The diagnosis.", body = DiagnosisView, headers(("ETag" = String))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/staff/{id}/diagnostics/{year}")]
pub async fn read_diagnosis(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (raw, raw_year) = path.into_inner();
    let (s, school) = staff_of_path(&state, &auth, &raw).await?;
    may_read_personal(&auth, &school, s.id)?;
    let year = required_year(Some(&raw_year))?;
    let d = state.store.get_diagnosis(s.id, year).await?.ok_or(ApiError::NotFound)?;
    Ok(versioned(&req, d.version, &diagnosis_view(&d)))
}

/// Record a teacher's diagnosis of a year.
///
/// The teacher, the deputy or the director records the level (1–3) of each difficulty area
/// the answer suggests catalogue forms for the pressing ones.
#[utoipa::path(
    tag = tags::RECORDS,
    request_body = DiagnosisBody,
    params(("id" = Uuid, Path, description = "Staff id"), ("year" = String, Path, description = "`YYYY-YYYY`", example = "2022-2023"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Replaced.", body = DiagnosisView, headers(("ETag" = String))),
        (status = 201, description = "Recorded.", body = DiagnosisView, headers(("ETag" = String))),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[put("/staff/{id}/diagnostics/{year}")]
pub async fn put_diagnosis(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: ValidJson<DiagnosisBody>,
) -> Result<HttpResponse, ApiError> {
    let (raw, raw_year) = path.into_inner();
    let (s, school) = staff_of_path(&state, &auth, &raw).await?;
    own_or_manager(&auth, &school, s.id)?;
    let year = required_year(Some(&raw_year))?;
    let mut check = Checker::default();
    let mut areas = Vec::new();
    for (i, a) in body.0.areas.iter().enumerate() {
        if need_area(&a.area).is_none() {
            check.push(format!("areas[{i}].area"), FieldErrorKind::InvalidValue);
        } else if body.0.areas[..i].iter().any(|b| b.area == a.area) {
            check.push(format!("areas[{i}].area"), FieldErrorKind::Duplicate);
        }
        if !(1..=3).contains(&a.level) {
            check.push(format!("areas[{i}].level"), FieldErrorKind::OutOfRange);
        }
        let note = check.optional_text(&format!("areas[{i}].note"), a.note.as_deref(), 2000);
        areas.push((a.area.clone(), a.level, note.flatten()));
    }
    check.finish()?;
    let d = Diagnosis { staff: s.id, year, areas, version: 0, updated_at: Utc::now() };
    let current = state.store.get_diagnosis(s.id, year).await?;
    let expected_version = crate::extract::if_match(&req).or(current.map(|c| c.version));
    let (d, was_created) =
        state.store.put_diagnosis(&school, &d, expected_version, &auth.audit("diagnosis recorded")).await?;
    if was_created {
        return Ok(created(format!("/api/v1/staff/{}/diagnostics/{year}", s.id), d.version, &diagnosis_view(&d)));
    }
    Ok(versioned(&req, d.version, &diagnosis_view(&d)))
}

/// Needs of one area across the staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedSummary {
    #[schema(example = "ict")]
    pub area: String,
    /// In the chosen language.
    #[schema(example = "Маалыматтык технологиялар")]
    pub label: String,
    /// How many teachers put it at level 1, 2 and 3.
    pub level_1: u32,
    pub level_2: u32,
    pub level_3: u32,
    pub suggested_forms: Vec<String>,
}

/// The school's needs in a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedsView {
    #[schema(example = "2022-2023")]
    pub year: String,
    /// Teachers with a diagnosis.
    pub diagnosed: u32,
    pub areas: Vec<NeedSummary>,
}

/// Read the school's needs across its staff.
#[utoipa::path(
    tag = tags::RECORDS,
    params(("id" = Uuid, Path, description = "School id"), RequiredYear),
    responses(
        (status = 200, description = "The summary.", body = NeedsView),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/needs")]
pub async fn needs(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: web::Query<RequiredYear>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    if matches!(auth.actor, usul_domain::policy::Actor::SchoolStaff { .. }) && !manages(&auth, &school) {
        return Err(ApiError::Forbidden);
    }
    let year = required_year(q.year.as_deref())?;
    let all = state.store.school_diagnoses(school.id, year).await?;
    let language = lang(&req);
    let count = |area: &str, level: u8| {
        u32::try_from(all.iter().filter(|d| d.areas.iter().any(|(a, l, _)| a == area && *l == level)).count())
            .unwrap_or(u32::MAX)
    };
    let areas = NEED_AREAS
        .iter()
        .map(|a| NeedSummary {
            area: a.code.to_owned(),
            label: a.label.get(language).to_owned(),
            level_1: count(a.code, 1),
            level_2: count(a.code, 2),
            level_3: count(a.code, 3),
            suggested_forms: a.suggested_forms.iter().map(|f| (*f).to_owned()).collect(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(NeedsView {
        year: year.to_string(),
        diagnosed: u32::try_from(all.len()).unwrap_or(u32::MAX),
        areas,
    }))
}
