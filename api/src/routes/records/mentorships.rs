//! Mentoring (*насаатчылык*, R-3.2.1): the school's mentorships, recording one, its notes and
//! its completion.

use super::{readable_school, school_actor, school_of_path};
use crate::auth::Auth;
use crate::extract::{ValidJson, expected, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, ProblemCode};
use crate::query::{self, Query};
use crate::routes::{created, list_of, next_cursor, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{MentorshipId, StaffId};
use usul_domain::records::Mentorship;
use usul_domain::records::actor::RecordActor;
use usul_domain::records::mentoring::{
    MentorshipInput, MentorshipUpdate, RecordMentorshipError, UpdateMentorshipError, record_mentorship,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Paging, year and sync filters of the mentorship list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    #[param(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
    /// Only records changed at or after this time, for syncing.
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

impl From<&Mentorship> for MentorshipView {
    fn from(m: &Mentorship) -> Self {
        Self {
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

impl From<CreateMentorshipBody> for MentorshipInput {
    fn from(b: CreateMentorshipBody) -> Self {
        Self {
            year: b.year,
            mentor: StaffId::from_uuid(b.mentor_id),
            mentee: StaffId::from_uuid(b.mentee_id),
            goals: b.goals,
        }
    }
}

impl From<UpdateMentorshipBody> for MentorshipUpdate {
    fn from(b: UpdateMentorshipBody) -> Self {
        Self { note: b.note.map(|n| (n.date, n.text)), complete_with_outcome: b.complete_with_outcome }
    }
}

impl From<RecordMentorshipError> for ApiError {
    fn from(e: RecordMentorshipError) -> Self {
        match e {
            RecordMentorshipError::NotAllowed => Self::Forbidden,
            RecordMentorshipError::Invalid(problems) => super::invalid(problems),
        }
    }
}

impl From<UpdateMentorshipError> for ApiError {
    fn from(e: UpdateMentorshipError) -> Self {
        match e {
            UpdateMentorshipError::NotAllowed => Self::Forbidden,
            UpdateMentorshipError::Completed => Self::Conflict(ProblemCode::MentorshipCompleted),
            UpdateMentorshipError::Invalid(problems) => super::invalid(problems),
        }
    }
}

/// List a school's mentorships.
///
/// The school's mentoring pairs, a page at a time; filter by academic `year` or
/// `updated_since`.
#[utoipa::path(
    operation_id = "listMentorships",
    tag = tags::MENTORSHIPS,
    params(("id" = Uuid, Path, description = "School id"), RecordQuery),
    responses(
        (status = 200, description = "A page of mentorships.", body = MentorshipList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/mentorships")]
pub async fn list_mentorships(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: Query<RecordQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = readable_school(&state, &auth, &id).await?;
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let (year, since) = (q.year.map(|y| y.0), sync.since);
    let page = state.store.list_mentorships(school.id, year, since, query::paging(q.limit, q.cursor).request()).await?;
    let deleted = sync.deleted(&state, "mentorships", Some(school.id.uuid()), None).await?;
    Ok(HttpResponse::Ok().json(MentorshipList {
        items: page.items.iter().map(MentorshipView::from).collect(),
        next_cursor: next_cursor(page.next),
        sync_token,
        deleted,
    }))
}

/// Record a mentorship.
///
/// The deputy or the director pairs a mentor with a mentee (both staff of the school, not the
/// same person, R-3.2.1).
#[utoipa::path(
    operation_id = "createMentorship",
    tag = tags::MENTORSHIPS,
    request_body = CreateMentorshipBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Recorded.", body = MentorshipView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
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
    let (school, actor) = school_of_path(&state, &auth, &id).await?;
    let input = MentorshipInput::from(body.0);
    let refs = state.store.record_refs(&school, &input.references()).await?;
    let m = record_mentorship(&actor, input, &refs, MentorshipId::new(), Utc::now())?;
    let m = state.store.create_mentorship(&school, &m, &auth.audit("mentorship recorded")).await?;
    Ok(created(format!("/api/v1/mentorships/{}", m.id), m.version, &MentorshipView::from(&m)))
}

/// A mentorship of a path's `{id}`, with the caller.
async fn load_mentorship(state: &AppState, auth: &Auth, raw: &str) -> Result<(Mentorship, RecordActor), ApiError> {
    let m =
        state.store.get_mentorship(MentorshipId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let (_, actor) = school_actor(state, auth, m.school).await?;
    Ok((m, actor))
}

/// Read a mentorship.
///
/// One mentorship: mentor, mentee, goals, notes and status.
#[utoipa::path(
    operation_id = "getMentorship",
    tag = tags::MENTORSHIPS,
    params(("id" = Uuid, Path, description = "Mentorship id"), crate::openapi::IfNoneMatch),
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
    Ok(versioned(&req, m.version, &MentorshipView::from(&m)))
}

/// Add a note or complete a mentorship.
///
/// The mentor, the deputy or the director adds meeting notes; completing records the outcome.
/// A completed mentorship does not change (409 `mentorship_completed`).
#[utoipa::path(
    operation_id = "updateMentorship",
    tag = tags::MENTORSHIPS,
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
    let (m, actor) = load_mentorship(&state, &auth, &id).await?;
    let change = m.update(&actor, &MentorshipUpdate::from(body.0))?;
    let audit = auth.audit("mentorship updated");
    let m = state.store.update_mentorship(&m, expected(&req, m.version), change.note, change.outcome, &audit).await?;
    Ok(versioned(&req, m.version, &MentorshipView::from(&m)))
}
