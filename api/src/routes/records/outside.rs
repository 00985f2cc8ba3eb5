//! A teacher's part in methodological work beyond the school: recorded by the teacher
//! (or the deputy and the director), confirmed by the deputy, counted by level.

use super::{RequiredYear, school_actor, school_of_path, staff_of_path};
use crate::auth::Auth;
use crate::extract::{ValidJson, expected, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, ProblemCode};
use crate::query::{Query, Year};
use crate::routes::{created, versioned};
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::OutsideWorkId;
use usul_domain::org::School;
use usul_domain::records::actor::RecordActor;
use usul_domain::records::outside::{
    AttachEvidenceError, ConfirmOutsideError, OutsideCounts, OutsideLevel, OutsideWork, OutsideWorkInput,
    RecordOutsideError, record_outside_work,
};
use utoipa::ToSchema;
use uuid::Uuid;

/// Confirmed work beyond the school, counted by level.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[schema(example = json!({"school": 0, "district": 2, "city": 0, "republic": 1, "international": 0, "total": 3}))]
pub struct OutsideByLevel {
    pub school: u32,
    pub district: u32,
    pub city: u32,
    pub republic: u32,
    pub international: u32,
    pub total: u32,
}

impl From<OutsideCounts> for OutsideByLevel {
    fn from(c: OutsideCounts) -> Self {
        Self {
            school: c.at(OutsideLevel::School),
            district: c.at(OutsideLevel::District),
            city: c.at(OutsideLevel::City),
            republic: c.at(OutsideLevel::Republic),
            international: c.at(OutsideLevel::International),
            total: c.total(),
        }
    }
}

/// A part in outside methodological work, as recorded.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "level": "district", "date": "2023-02-14", "form": "practical_seminar", "role": "presenter",
    "title": "Функционалдык сабаттуулукту калыптандыруу", "organiser": "Октябрь районунун билим берүү бөлүмү",
    "hours": 4, "link": "https://oktyabr.edu.kg/seminar-2023-02"
}))]
pub struct CreateOutsideWorkBody {
    /// `school`, `district`, `city`, `republic` or `international`.
    #[schema(example = "district")]
    pub level: String,
    /// The day it took place; not in the future.
    pub date: NaiveDate,
    /// A catalogue form (`GET /catalogue/forms`: `practical_seminar`, `scientific_conference`,
    /// `author_publication`…) or one that exists only beyond the school: `olympiad_jury`,
    /// `expert_commission`, `competition_jury`, `course_teaching`.
    #[schema(example = "practical_seminar")]
    pub form: String,
    /// `presenter`, `participant`, `jury_member` or `organiser`.
    #[schema(example = "presenter")]
    pub role: String,
    /// The event or publication, 1–500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// Who held it, up to 300 characters.
    pub organiser: Option<String>,
    /// Hours, 0–1000, one decimal.
    #[schema(example = 4.0, minimum = 0, maximum = 1000)]
    pub hours: f64,
    /// Evidence: an `http(s)` link to the programme, the certificate or the publication.
    pub link: Option<String>,
}

impl From<CreateOutsideWorkBody> for OutsideWorkInput {
    fn from(b: CreateOutsideWorkBody) -> Self {
        Self {
            level: b.level,
            on: b.date,
            form: b.form,
            role: b.role,
            title: b.title,
            organiser: b.organiser,
            hours: b.hours,
            link: b.link,
        }
    }
}

/// A teacher's part in outside methodological work.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutsideWorkView {
    pub id: Uuid,
    pub school_id: Uuid,
    pub staff_id: Uuid,
    #[schema(example = "district")]
    pub level: String,
    pub date: NaiveDate,
    #[schema(example = "2022-2023")]
    pub year: String,
    #[schema(example = "practical_seminar")]
    pub form: String,
    #[schema(example = "presenter")]
    pub role: String,
    pub title: String,
    pub organiser: Option<String>,
    pub hours: f64,
    pub link: Option<String>,
    /// Evidence as an uploaded file (`PUT /outside-work/{id}/evidence`), or null.
    pub evidence: Option<OutsideWorkEvidence>,
    /// Whether the deputy confirmed it; only confirmed work counts.
    pub confirmed: bool,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl From<&OutsideWork> for OutsideWorkView {
    fn from(w: &OutsideWork) -> Self {
        Self {
            id: w.id.uuid(),
            school_id: w.school.uuid(),
            staff_id: w.staff.uuid(),
            level: w.level.code().to_owned(),
            date: w.on,
            year: w.year.to_string(),
            form: w.form.clone(),
            role: w.role.code().to_owned(),
            title: w.title.clone(),
            organiser: w.organiser.clone(),
            hours: w.hours.as_f64(),
            link: w.link.clone(),
            evidence: w.evidence.as_ref().map(|f| OutsideWorkEvidence {
                name: f.name.clone(),
                content_type: f.content_type.clone(),
                size: f.size,
                sha256: f.sha256.clone(),
                href: format!("/api/v1/outside-work/{}/evidence", w.id),
            }),
            confirmed: w.confirmed.is_some(),
            confirmed_by: w.confirmed.map(|(by, _)| by.uuid()),
            confirmed_at: w.confirmed.map(|(_, at)| at),
            version: w.version,
        }
    }
}

/// An outside work's evidence file: a certificate, a programme, a publication.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutsideWorkEvidence {
    #[schema(example = "Семинардын сертификаты.pdf")]
    pub name: String,
    #[schema(example = "application/pdf")]
    pub content_type: String,
    pub size: u64,
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
    /// Where to download it.
    #[schema(example = "/api/v1/outside-work/01a2153e-6f02-75e8-ab76-f3d21fc243e7/evidence")]
    pub href: String,
}

/// A year's outside work with its confirmed counts by level.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutsideWorkList {
    pub items: Vec<OutsideWorkView>,
    /// The confirmed records, by level.
    pub confirmed_by_level: OutsideByLevel,
}

fn listed(items: &[OutsideWork]) -> OutsideWorkList {
    OutsideWorkList {
        items: items.iter().map(OutsideWorkView::from).collect(),
        confirmed_by_level: usul_domain::records::outside::count_confirmed(items).into(),
    }
}

impl From<RecordOutsideError> for ApiError {
    fn from(e: RecordOutsideError) -> Self {
        match e {
            RecordOutsideError::NotAllowed => Self::Forbidden,
            RecordOutsideError::Invalid(problems) => super::invalid(problems),
        }
    }
}

impl From<ConfirmOutsideError> for ApiError {
    fn from(e: ConfirmOutsideError) -> Self {
        match e {
            ConfirmOutsideError::NotAllowed => Self::Forbidden,
            ConfirmOutsideError::AlreadyConfirmed => Self::Conflict(ProblemCode::OutsideWorkConfirmed),
        }
    }
}

impl From<AttachEvidenceError> for ApiError {
    fn from(e: AttachEvidenceError) -> Self {
        match e {
            AttachEvidenceError::Hidden => Self::NotFound,
            AttachEvidenceError::NotAllowed => Self::Forbidden,
            AttachEvidenceError::Confirmed => Self::Conflict(ProblemCode::OutsideWorkConfirmed),
        }
    }
}

/// An outside work of a path's `{id}` with its school and the caller (who may not see it: each
/// command asks the rule).
async fn load_outside_work(
    state: &AppState,
    auth: &Auth,
    raw: &str,
) -> Result<(OutsideWork, School, RecordActor), ApiError> {
    let w =
        state.store.get_outside_work(OutsideWorkId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let (school, actor) = school_actor(state, auth, w.school).await?;
    Ok((w, school, actor))
}

/// Record a part in outside methodological work.
///
/// a teacher records their own part in methodological work beyond the school — district
/// seminars, city or republic conferences, olympiad juries, publications — with its level,
/// date, form, role, hours and evidence; the deputy and the director record anyone's. It counts
/// in participation, reports and effectiveness once the deputy confirms it. An unknown
/// `level`, `form` or `role`, a future date, hours out of range or a link that is not `http(s)`
/// answer 422 naming each field; nothing is stored.
#[utoipa::path(
    operation_id = "createOutsideWork",
    tag = tags::OUTSIDE_WORK,
    request_body = CreateOutsideWorkBody,
    params(("id" = Uuid, Path, description = "Staff id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Recorded, not yet confirmed.", body = OutsideWorkView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::WriteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/staff/{id}/outside-work")]
pub async fn create_outside_work(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateOutsideWorkBody>,
) -> Result<HttpResponse, ApiError> {
    let (s, school, actor) = staff_of_path(&state, &auth, &id).await?;
    let w = record_outside_work(
        &actor,
        (s.id, school.id, school.settings.year_starts_on),
        body.0.into(),
        OutsideWorkId::new(),
        Utc::now(),
    )?;
    let w = state.store.create_outside_work(&school, &w, &auth.audit("outside work recorded")).await?;
    Ok(created(format!("/api/v1/outside-work/{}", w.id), w.version, &OutsideWorkView::from(&w)))
}

/// List a person's outside work of a year.
///
/// The person, the school's managers and the district see it; a colleague gets 404.
#[utoipa::path(
    operation_id = "listPersonOutsideWork",
    tag = tags::OUTSIDE_WORK,
    params(("id" = Uuid, Path, description = "Staff id"), RequiredYear),
    responses(
        (status = 200, description = "The records, by date.", body = OutsideWorkList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/staff/{id}/outside-work")]
pub async fn list_person_outside_work(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: Query<RequiredYear>,
) -> Result<HttpResponse, ApiError> {
    let (s, school, actor) = staff_of_path(&state, &auth, &id).await?;
    actor.read_personal(s.id)?;
    let year = Year::required(q.year)?;
    let items = state.store.list_outside_work(school.id, year, Some(s.id)).await?;
    Ok(HttpResponse::Ok().json(listed(&items)))
}

/// List a school's outside work of a year.
///
/// The school's managers and the district see everyone's (to confirm it); a teacher sees
/// their own.
#[utoipa::path(
    operation_id = "listSchoolOutsideWork",
    tag = tags::OUTSIDE_WORK,
    params(("id" = Uuid, Path, description = "School id"), RequiredYear),
    responses(
        (status = 200, description = "The records, by date.", body = OutsideWorkList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/outside-work")]
pub async fn list_school_outside_work(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: Query<RequiredYear>,
) -> Result<HttpResponse, ApiError> {
    let (school, actor) = school_of_path(&state, &auth, &id).await?;
    let year = Year::required(q.year)?;
    let only = if actor.reads_everyones_personal() { None } else { actor.staff() };
    let items = state.store.list_outside_work(school.id, year, only).await?;
    Ok(HttpResponse::Ok().json(listed(&items)))
}

/// Confirm a part in outside work.
///
/// The deputy (or the director) confirms a teacher's record; nobody confirms their
/// own (403). From then on it counts in participation, reports and effectiveness. A second
/// confirmation answers 409 `outside_work_confirmed`; a stale `If-Match` 412.
#[utoipa::path(
    operation_id = "confirmOutsideWork",
    tag = tags::OUTSIDE_WORK,
    params(("id" = Uuid, Path, description = "Outside work id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Confirmed.", body = OutsideWorkView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/outside-work/{id}/confirm")]
pub async fn confirm_outside_work(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (w, _, actor) = load_outside_work(&state, &auth, &id).await?;
    w.read(&actor)?;
    let after = w.confirm(&actor, Utc::now())?;
    let saved = state
        .store
        .confirm_outside_work(&after, expected(&req, w.version), &auth.audit("outside work confirmed"))
        .await?;
    Ok(versioned(&req, saved.version, &OutsideWorkView::from(&saved)))
}

/// Attach a part in outside work's evidence file.
///
/// evidence of the work — the certificate, the programme, the publication — as a file
/// rather than (or beside) a link. `multipart/form-data` with one part named `file`: its
/// declared type must be one we keep and match its bytes; its name may not contain a path. The
/// file is written completely and hashed (SHA-256) before anything is recorded; a failed upload
/// leaves nothing behind. Those who record the work attach it: the teacher whose record it is,
/// the deputy and the director; a colleague gets 404, the district 403. Once the deputy has
/// confirmed the record its owner can no longer replace the evidence (409
/// `outside_work_confirmed`); the deputy and the director still may.
#[utoipa::path(
    operation_id = "uploadOutsideWorkEvidence",
    tag = tags::OUTSIDE_WORK,
    request_body(content = crate::openapi::FileUpload, content_type = "multipart/form-data", description = "One part named `file`: a PDF, PNG, JPEG, ZIP, DOCX, PPTX, XLSX, ODT, DOC or plain-text file."),
    params(("id" = Uuid, Path, description = "Outside work id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Attached.", body = OutsideWorkView, headers(("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, description = "`file_type_mismatch`, or an unsafe file name.", body = crate::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[put("/outside-work/{id}/evidence")]
pub async fn upload_evidence(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: Multipart,
) -> Result<HttpResponse, ApiError> {
    let (w, school, actor) = load_outside_work(&state, &auth, &id).await?;
    w.attach_evidence(&actor)?;
    let w = crate::files::receive_and_record(body, &state.settings, school.id, async |file| {
        let audit = auth.audit("outside work evidence attached");
        Ok(state.store.set_outside_work_evidence(&w, expected(&req, w.version), &file, &audit).await?)
    })
    .await?;
    Ok(versioned(&req, w.version, &OutsideWorkView::from(&w)))
}

/// Download a part in outside work's evidence file.
///
/// The evidence file's bytes with the content type stored with them. Whoever reads the record
/// downloads it: the person, the school's managers and the district; a colleague gets 404, as
/// does a record without a file.
#[utoipa::path(
    operation_id = "downloadOutsideWorkEvidence",
    tag = tags::OUTSIDE_WORK,
    params(("id" = Uuid, Path, description = "Outside work id")),
    responses(
        (status = 200, description = "The file, in the type it was uploaded with (one of the accepted types), named in `Content-Disposition`.", content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "application/zip"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Vec<u8> = "application/vnd.oasis.opendocument.text"), (Vec<u8> = "application/msword"), (Vec<u8> = "text/plain"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/outside-work/{id}/evidence")]
pub async fn download_evidence(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (w, _, actor) = load_outside_work(&state, &auth, &id).await?;
    w.read(&actor)?;
    let f = w.evidence.ok_or(ApiError::NotFound)?;
    crate::files::serve(&state.settings.files, &f).await
}
