//! Activities held and who took part: the list, recording one, reading one,
//! replacing its participants.

use super::{readable_school, school_of_path};
use crate::auth::Auth;
use crate::extract::{ValidJson, expected, lang, path_id};
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query::{self, Query};
use crate::routes::{created, list_of, next_cursor, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{ActivityId, CommissionId, ItemId, StaffId, SubjectId};
use usul_domain::lang::Lang;
use usul_domain::org::School;
use usul_domain::records::activity::{
    ActivityInput, FeedbackInput, ParticipantInput, RecordActivityError, SetParticipantsError, participant_references,
    record_activity,
};
use usul_domain::records::actor::RecordActor;
use usul_domain::records::{Activity, groups_of};
use usul_persistence::ActivityFilter;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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

impl ActivityView {
    /// The view of `a`, with its form's label in `language`.
    #[must_use]
    pub fn of(a: &Activity, language: Lang) -> Self {
        Self {
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
            feedback: a
                .feedback
                .iter()
                .map(|f| FeedbackView { staff_id: f.staff.uuid(), text: f.text.clone() })
                .collect(),
            plan_item_id: a.plan_item.map(ItemId::uuid),
            participants: a
                .participants
                .iter()
                .map(|p| ParticipantView {
                    staff_id: p.staff.uuid(),
                    role: p.role.code().to_owned(),
                    attended: p.attended,
                })
                .collect(),
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
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

impl From<&ParticipantView> for ParticipantInput {
    fn from(p: &ParticipantView) -> Self {
        Self { staff: StaffId::from_uuid(p.staff_id), role: p.role.clone(), attended: p.attended }
    }
}

impl From<&FeedbackView> for FeedbackInput {
    fn from(f: &FeedbackView) -> Self {
        Self { staff: StaffId::from_uuid(f.staff_id), text: f.text.clone() }
    }
}

impl From<CreateActivityBody> for ActivityInput {
    fn from(b: CreateActivityBody) -> Self {
        Self {
            form: b.form,
            title: b.title,
            starts_on: b.starts_on,
            ends_on: b.ends_on,
            organiser: b.organiser_id.map(StaffId::from_uuid),
            commission: b.commission_id.map(CommissionId::from_uuid),
            place: b.place,
            hours: b.hours,
            description: b.description,
            outcome: b.outcome,
            grade: b.grade,
            subject: b.subject_id.map(SubjectId::from_uuid),
            feedback: b.feedback.iter().map(FeedbackInput::from).collect(),
            plan_item: b.plan_item_id.map(ItemId::from_uuid),
            participants: b.participants.iter().map(ParticipantInput::from).collect(),
        }
    }
}

/// Filters of the activity list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    #[param(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
    /// A catalogue code.
    pub form: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub commission_id: Option<query::Id>,
    /// Only those this person took part in.
    #[param(value_type = Option<Uuid>)]
    pub staff_id: Option<query::Id>,
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<query::Since>,
    /// The `sync_token` of an earlier read's first page: only what changed since, and the ids
    /// deleted since in `deleted` (see "Delta sync" in the API description).
    #[param(value_type = Option<String>, pattern = "^st1\\.[0-9a-f]{16}$")]
    pub sync_token: Option<crate::sync::SyncToken>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
    #[param(value_type = Option<String>, pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<query::Cursor>,
}

impl From<&ActivityQuery> for ActivityFilter {
    fn from(q: &ActivityQuery) -> Self {
        Self {
            year: q.year.map(|y| y.0),
            form: q.form.clone(),
            commission: q.commission_id.map(|c| CommissionId::from_uuid(c.0)),
            participant: q.staff_id.map(|s| StaffId::from_uuid(s.0)),
            updated_since: q.updated_since.map(|t| t.0),
        }
    }
}

impl From<RecordActivityError> for ApiError {
    fn from(e: RecordActivityError) -> Self {
        match e {
            RecordActivityError::NotAllowed => Self::Forbidden,
            RecordActivityError::Invalid(problems) => super::invalid(problems),
        }
    }
}

impl From<SetParticipantsError> for ApiError {
    fn from(e: SetParticipantsError) -> Self {
        match e {
            SetParticipantsError::NotAllowed => Self::Forbidden,
            SetParticipantsError::Invalid(problems) => super::invalid(problems),
        }
    }
}

/// List a school's activities.
///
/// The school's activities held, a page at a time; filter by academic `year`, `form`,
/// `commission_id`, `staff_id` or `updated_since`.
#[utoipa::path(
    operation_id = "listActivities",
    tag = tags::ACTIVITIES,
    params(("id" = Uuid, Path, description = "School id"), ActivityQuery),
    responses(
        (status = 200, description = "A page of activities.", body = ActivityList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/activities")]
pub async fn list_activities(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: Query<ActivityQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = readable_school(&state, &auth, &id).await?;
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let filter = ActivityFilter { updated_since: sync.since, ..ActivityFilter::from(&q.0) };
    let page = state.store.list_activities(school.id, &filter, query::paging(q.limit, q.cursor).request()).await?;
    let deleted = sync.deleted(&state, "activities", Some(school.id.uuid()), None).await?;
    let language = lang(&req);
    Ok(HttpResponse::Ok().json(ActivityList {
        items: page.items.iter().map(|a| ActivityView::of(a, language)).collect(),
        next_cursor: next_cursor(page.next),
        sync_token,
        deleted,
    }))
}

/// Record an activity held.
///
/// The deputy, the director, or the head of the commission that held it records an activity:
/// an instance of a catalogue form with its date(s), hours and participants. An open lesson
/// also records the class, the subject and the observers' feedback. Linked to a plan item, the
/// item then lists it as evidence.
#[utoipa::path(
    operation_id = "createActivity",
    tag = tags::ACTIVITIES,
    request_body = CreateActivityBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Recorded.", body = ActivityView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
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
    let (school, actor) = school_of_path(&state, &auth, &id).await?;
    let input = ActivityInput::from(body.0);
    let refs = state.store.record_refs(&school, &input.references()).await?;
    let a = record_activity(&actor, input, &refs, ActivityId::new(), Utc::now())?;
    let a = state.store.create_activity(&school, &a, &auth.audit("activity recorded")).await?;
    Ok(created(format!("/api/v1/activities/{}", a.id), a.version, &ActivityView::of(&a, lang(&req))))
}

/// An activity of a path's `{id}` with its school and the caller.
async fn load_activity(state: &AppState, auth: &Auth, raw: &str) -> Result<(Activity, School, RecordActor), ApiError> {
    let a = state.store.get_activity(ActivityId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let (school, actor) = super::school_actor(state, auth, a.school).await?;
    Ok((a, school, actor))
}

/// Read an activity.
///
/// One activity with its form, date and the people who took part.
#[utoipa::path(
    operation_id = "getActivity",
    tag = tags::ACTIVITIES,
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
    let (a, ..) = load_activity(&state, &auth, &id).await?;
    Ok(versioned(&req, a.version, &ActivityView::of(&a, lang(&req))))
}

/// Set who took part.
///
/// Replaces the participants (with their role and attendance) and, when given, the observers'
/// feedback.
#[utoipa::path(
    operation_id = "setActivityParticipants",
    tag = tags::ACTIVITIES,
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
    let (a, school, actor) = load_activity(&state, &auth, &id).await?;
    let parts: Vec<ParticipantInput> = body.0.participants.iter().map(ParticipantInput::from).collect();
    let feedback: Option<Vec<FeedbackInput>> =
        body.0.feedback.as_ref().map(|f| f.iter().map(FeedbackInput::from).collect());
    let wanted = participant_references(&parts, feedback.as_deref().unwrap_or_default());
    let refs = state.store.record_refs(&school, &wanted).await?;
    let change = a.set_participants(&actor, &parts, feedback.as_deref(), &refs)?;
    let audit = auth.audit("participants recorded");
    let (version, feedback) = (expected(&req, a.version), change.feedback.as_deref());
    let a = state.store.set_participants(&a, version, &change.participants, feedback, &audit).await?;
    Ok(versioned(&req, a.version, &ActivityView::of(&a, lang(&req))))
}
