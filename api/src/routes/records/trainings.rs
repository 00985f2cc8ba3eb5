//! Course training (*курстук даярдоо*, R-4.1): a person's trainings and their certificates,
//! kept by the person and the managers, read also by the district, hidden from colleagues.

use super::{FileView, school_actor, staff_of_path};
use crate::auth::Auth;
use crate::extract::{ValidJson, expected, path_id};
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query::{self, Query};
use crate::routes::{created, list_of, next_cursor};
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::TrainingId;
use usul_domain::org::School;
use usul_domain::records::Training;
use usul_domain::records::actor::RecordActor;
use usul_domain::records::personal::{AttachCertificateError, RecordTrainingError, TrainingInput, record_training};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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

impl From<&Training> for TrainingView {
    fn from(t: &Training) -> Self {
        Self {
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
            certificate_file: t.certificate_file.as_ref().map(FileView::from),
            version: t.version,
            created_at: t.created_at,
        }
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

impl From<CreateTrainingBody> for TrainingInput {
    fn from(b: CreateTrainingBody) -> Self {
        Self {
            title: b.title,
            provider: b.provider,
            mode: b.mode,
            starts_on: b.starts_on,
            ends_on: b.ends_on,
            hours: b.hours,
            certificate_number: b.certificate_number,
            issuer: b.issuer,
        }
    }
}

impl From<RecordTrainingError> for ApiError {
    fn from(e: RecordTrainingError) -> Self {
        match e {
            RecordTrainingError::NotAllowed => Self::Forbidden,
            RecordTrainingError::Invalid(problems) => super::invalid(problems),
        }
    }
}

impl From<AttachCertificateError> for ApiError {
    fn from(e: AttachCertificateError) -> Self {
        match e {
            AttachCertificateError::Hidden => Self::NotFound,
            AttachCertificateError::NotAllowed => Self::Forbidden,
        }
    }
}

/// Filters of the trainings list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainingQuery {
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

/// List a person's trainings.
///
/// A person's course trainings, a page at a time; filter by `updated_since`.
#[utoipa::path(
    operation_id = "listTrainings",
    tag = tags::TRAININGS,
    params(("id" = Uuid, Path, description = "Staff id"), TrainingQuery),
    responses(
        (status = 200, description = "A page of trainings.", body = TrainingList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/staff/{id}/trainings")]
pub async fn list_trainings(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: Query<TrainingQuery>,
) -> Result<HttpResponse, ApiError> {
    let (s, _, actor) = staff_of_path(&state, &auth, &id).await?;
    actor.read_personal(s.id)?;
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let page = state.store.list_trainings(s.id, sync.since, query::paging(q.limit, q.cursor).request()).await?;
    let deleted = sync.deleted(&state, "trainings", s.school().map(|x| x.uuid()), None).await?;
    Ok(HttpResponse::Ok().json(TrainingList {
        items: page.items.iter().map(TrainingView::from).collect(),
        next_cursor: next_cursor(page.next),
        sync_token,
        deleted,
    }))
}

/// Record a course training.
///
/// A teacher records their own; the deputy and the director record anyone's.
#[utoipa::path(
    operation_id = "createTraining",
    tag = tags::TRAININGS,
    request_body = CreateTrainingBody,
    params(("id" = Uuid, Path, description = "Staff id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Recorded.", body = TrainingView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
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
    let (s, school, actor) = staff_of_path(&state, &auth, &id).await?;
    let t = record_training(&actor, (s.id, school.id), TrainingInput::from(body.0), TrainingId::new(), Utc::now())?;
    let t = state.store.create_training(&school, &t, &auth.audit("training recorded")).await?;
    Ok(created(format!("/api/v1/trainings/{}", t.id), t.version, &TrainingView::from(&t)))
}

/// A training of a path's `{id}`, with its school and the caller.
async fn load_training(state: &AppState, auth: &Auth, raw: &str) -> Result<(Training, School, RecordActor), ApiError> {
    let t = state.store.get_training(TrainingId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let (school, actor) = school_actor(state, auth, t.school).await?;
    Ok((t, school, actor))
}

/// Read a training.
///
/// One course training, with its certificate's name, type and size when one is attached.
#[utoipa::path(
    operation_id = "getTraining",
    tag = tags::TRAININGS,
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
    let (t, _, actor) = load_training(&state, &auth, &id).await?;
    t.read(&actor)?;
    Ok(HttpResponse::Ok().json(TrainingView::from(&t)))
}

/// Attach a training's certificate.
///
/// `multipart/form-data` with one part named `file` (a scan: PDF, PNG or JPEG among the types
/// kept), checked, hashed and written completely before it is recorded. The person or the
/// deputy/director attaches it.
#[utoipa::path(
    operation_id = "uploadTrainingCertificate",
    tag = tags::TRAININGS,
    request_body(content = crate::openapi::FileUpload, content_type = "multipart/form-data", description = "One part named `file`: a PDF, PNG, JPEG, ZIP, DOCX, PPTX, XLSX, ODT, DOC or plain-text file."),
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
    let (t, school, actor) = load_training(&state, &auth, &id).await?;
    t.attach_certificate(&actor)?;
    let t = crate::files::receive_and_record(body, &state.settings, school.id, async |file| {
        let audit = auth.audit("training certificate attached");
        Ok(state.store.set_training_certificate(&t, expected(&req, t.version), &file, &audit).await?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(TrainingView::from(&t)))
}

/// Download a training's certificate.
///
/// The certificate's bytes with the content type stored with them.
#[utoipa::path(
    operation_id = "downloadTrainingCertificate",
    tag = tags::TRAININGS,
    params(("id" = Uuid, Path, description = "Training id")),
    responses(
        (status = 200, description = "The file, in the type it was uploaded with (one of the accepted types), named in `Content-Disposition`.", content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "application/zip"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Vec<u8> = "application/vnd.oasis.opendocument.text"), (Vec<u8> = "application/msword"), (Vec<u8> = "text/plain"))),
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
    let (t, _, actor) = load_training(&state, &auth, &id).await?;
    t.read(&actor)?;
    let f = t.certificate_file.ok_or(ApiError::NotFound)?;
    crate::files::serve(&state.settings.files, &f).await
}
