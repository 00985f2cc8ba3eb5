//! The materials bank and card index: the search, adding a material, reading it, its
//! file, its review at a commission meeting (R-3.2.2g) and its publication. Who sees a material
//! is one rule, `MaterialVisibility`, applied by the store to the list and here to single reads.

use super::{FileView, school_actor, school_of_path};
use crate::auth::Auth;
use crate::extract::{ValidJson, expected, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, FieldErrorKind, ProblemCode};
use crate::query::{self, Query};
use crate::routes::{created, list_of, next_cursor, versioned};
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{MaterialId, MeetingId, StaffId, SubjectId};
use usul_domain::org::School;
use usul_domain::records::actor::RecordActor;
use usul_domain::records::material::{
    AddMaterialError, MaterialInput, MaterialVisibility, MeetingFacts, PublishError, ReplaceFileError, ReviewError,
    add_material,
};
use usul_domain::records::{Material, MaterialStatus};
use usul_persistence::MaterialFilter;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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

impl From<&Material> for MaterialView {
    fn from(m: &Material) -> Self {
        Self {
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
            file: m.file.as_ref().map(FileView::from),
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
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

impl From<CreateMaterialBody> for MaterialInput {
    fn from(b: CreateMaterialBody) -> Self {
        Self {
            kind: b.kind,
            title: b.title,
            authors: b.author_ids.into_iter().map(StaffId::from_uuid).collect(),
            subject: b.subject_id.map(SubjectId::from_uuid),
            grades: b.grades,
            year: b.year,
            tags: b.tags,
            annotation: b.annotation,
            link: b.link,
        }
    }
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
    pub subject_id: Option<query::Id>,
    #[param(value_type = Option<Uuid>)]
    pub author_id: Option<query::Id>,
    #[param(value_type = Option<String>, pattern = "^(draft|reviewed|published)$")]
    #[serde(default, deserialize_with = "status_filter")]
    pub status: Option<MaterialStatus>,
    #[param(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: Option<query::Year>,
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

fn status_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<MaterialStatus>, D::Error> {
    query::code(d, MaterialStatus::parse).map(Some)
}

impl MaterialQuery {
    /// The store's filter for this search as seen by `actor`.
    fn filter(&self, actor: &RecordActor) -> MaterialFilter {
        MaterialFilter {
            // At most ten words are searched (the rest of a long query adds little and would
            // grow the statement without bound).
            text: self
                .q
                .as_deref()
                .map(|t| t.split_whitespace().take(10).map(str::to_lowercase).collect())
                .unwrap_or_default(),
            kind: self.kind.clone(),
            subject: self.subject_id.map(|s| SubjectId::from_uuid(s.0)),
            author: self.author_id.map(|a| StaffId::from_uuid(a.0)),
            status: self.status,
            year: self.year.map(|y| y.0),
            visibility: MaterialVisibility::of(actor),
            updated_since: self.updated_since.map(|t| t.0),
        }
    }
}

impl From<AddMaterialError> for ApiError {
    fn from(e: AddMaterialError) -> Self {
        match e {
            AddMaterialError::NotAllowed => Self::Forbidden,
            AddMaterialError::Invalid(problems) => super::invalid(problems),
        }
    }
}

impl From<ReplaceFileError> for ApiError {
    fn from(e: ReplaceFileError) -> Self {
        match e {
            ReplaceFileError::Hidden => Self::NotFound,
            ReplaceFileError::NotAllowed => Self::Forbidden,
            ReplaceFileError::NotDraft(_) => Self::Conflict(ProblemCode::MaterialNotDraft),
        }
    }
}

impl From<ReviewError> for ApiError {
    fn from(e: ReviewError) -> Self {
        match e {
            ReviewError::Hidden => Self::NotFound,
            ReviewError::NotAllowed => Self::Forbidden,
            ReviewError::NotDraft(_) => Self::Conflict(ProblemCode::MaterialNotDraft),
            ReviewError::UnknownMeeting => Self::field("meeting_id", FieldErrorKind::UnknownReference),
            ReviewError::NotACommissionMeeting | ReviewError::MeetingNotHeld => {
                Self::field("meeting_id", FieldErrorKind::InvalidValue)
            }
        }
    }
}

impl From<PublishError> for ApiError {
    fn from(e: PublishError) -> Self {
        match e {
            PublishError::Hidden => Self::NotFound,
            PublishError::NotAllowed => Self::Forbidden,
            PublishError::NotReviewed(_) => Self::Conflict(ProblemCode::MaterialNotReviewed),
        }
    }
}

/// Search the school's card index.
///
/// Teachers see published materials, their own, and the drafts and reviewed materials of the
/// members of a commission they head (whose meetings review them, R-3.2.2g); the deputy, the
/// director and district users see all. Opening one by id follows the same rule.
#[utoipa::path(
    operation_id = "listMaterials",
    tag = tags::MATERIALS,
    params(("id" = Uuid, Path, description = "School id"), MaterialQuery),
    responses(
        (status = 200, description = "A page of materials.", body = MaterialList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/materials")]
pub async fn list_materials(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: Query<MaterialQuery>,
) -> Result<HttpResponse, ApiError> {
    let (school, actor) = school_of_path(&state, &auth, &id).await?;
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let filter = MaterialFilter { updated_since: sync.since, ..q.filter(&actor) };
    let page = state.store.list_materials(school.id, &filter, query::paging(q.limit, q.cursor).request()).await?;
    let deleted = sync.deleted(&state, "materials", Some(school.id.uuid()), None).await?;
    Ok(HttpResponse::Ok().json(MaterialList {
        items: page.items.iter().map(MaterialView::from).collect(),
        next_cursor: next_cursor(page.next),
        sync_token,
        deleted,
    }))
}

/// Add a material to the bank.
///
/// Any member of the staff adds a material (as a draft) with its authors, subject, grades,
/// year, tags and annotation; either an external link or, afterwards, an uploaded file
/// (`PUT /materials/{id}/file`).
#[utoipa::path(
    operation_id = "createMaterial",
    tag = tags::MATERIALS,
    request_body = CreateMaterialBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Added as a draft.", body = MaterialView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
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
    let (school, actor) = school_of_path(&state, &auth, &id).await?;
    let input = MaterialInput::from(body.0);
    let refs = state.store.record_refs(&school, &input.references()).await?;
    let m = add_material(&actor, input, &refs, MaterialId::new(), Utc::now())?;
    let m = state.store.create_material(&school, &m, &auth.audit("material added")).await?;
    Ok(created(format!("/api/v1/materials/{}", m.id), m.version, &MaterialView::from(&m)))
}

/// A material of a path's `{id}` with its school and the caller (who may not see it: each
/// command asks the rule).
async fn load_material(state: &AppState, auth: &Auth, raw: &str) -> Result<(Material, School, RecordActor), ApiError> {
    let m = state.store.get_material(MaterialId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let (school, actor) = school_actor(state, auth, m.school).await?;
    Ok((m, school, actor))
}

/// Read a material.
///
/// One material of the bank with its status, and its file's name, type and size when one is
/// attached.
#[utoipa::path(
    operation_id = "getMaterial",
    tag = tags::MATERIALS,
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
    let (m, _, actor) = load_material(&state, &auth, &id).await?;
    m.read(&actor)?;
    Ok(versioned(&req, m.version, &MaterialView::from(&m)))
}

/// Upload a material's file.
///
/// `multipart/form-data` with one part named `file`: its declared type must be one we keep and
/// match its bytes; its name may not contain a path. The file is written completely and hashed
/// (SHA-256) before anything is recorded; a failed upload leaves nothing behind. Authors, the
/// deputy and the director upload, while the material is a draft: what was reviewed is what is
/// published (409 `material_not_draft`).
#[utoipa::path(
    operation_id = "uploadMaterialFile",
    tag = tags::MATERIALS,
    request_body(content = crate::openapi::FileUpload, content_type = "multipart/form-data", description = "One part named `file`: a PDF, PNG, JPEG, ZIP, DOCX, PPTX, XLSX, ODT, DOC or plain-text file."),
    params(("id" = Uuid, Path, description = "Material id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Stored.", body = MaterialView, headers(("ETag" = String))),
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
#[put("/materials/{id}/file")]
pub async fn upload_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: Multipart,
) -> Result<HttpResponse, ApiError> {
    let (m, school, actor) = load_material(&state, &auth, &id).await?;
    m.replace_file(&actor)?;
    let m = crate::files::receive_and_record(body, &state.settings, school.id, async |file| {
        let audit = auth.audit("material file uploaded");
        Ok(state.store.set_material_file(&m, expected(&req, m.version), &file, &audit).await?)
    })
    .await?;
    Ok(versioned(&req, m.version, &MaterialView::from(&m)))
}

/// Download a material's file.
///
/// The file's bytes with the content type stored with them.
#[utoipa::path(
    operation_id = "downloadMaterialFile",
    tag = tags::MATERIALS,
    params(("id" = Uuid, Path, description = "Material id")),
    responses(
        (status = 200, description = "The file, in the type it was uploaded with (one of the accepted types), named in `Content-Disposition`.", content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "application/zip"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Vec<u8> = "application/vnd.oasis.opendocument.text"), (Vec<u8> = "application/msword"), (Vec<u8> = "text/plain"))),
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
    let (m, _, actor) = load_material(&state, &auth, &id).await?;
    m.read(&actor)?;
    let f = m.file.ok_or(ApiError::NotFound)?;
    crate::files::serve(&state.settings.files, &f).await
}

/// Record a material's review at a commission meeting.
///
/// The head of a commission on which an author sits, the deputy or the director records that a
/// held or finalized meeting of a commission of the school reviewed the draft.
#[utoipa::path(
    operation_id = "reviewMaterial",
    tag = tags::MATERIALS,
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
    let (m, _, actor) = load_material(&state, &auth, &id).await?;
    let meeting = state.store.get_meeting(MeetingId::from_uuid(body.0.meeting_id)).await?;
    let t = m.review(&actor, meeting.as_ref().map(MeetingFacts::from).as_ref())?;
    let m =
        state.store.transition_material(&m, expected(&req, m.version), &t, &auth.audit("material reviewed")).await?;
    Ok(versioned(&req, m.version, &MaterialView::from(&m)))
}

/// Publish a reviewed material to the school's bank.
///
/// A material reviewed at a commission meeting enters the school's bank; one not yet
/// reviewed is refused with `material_not_reviewed`.
#[utoipa::path(
    operation_id = "publishMaterial",
    tag = tags::MATERIALS,
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
    let (m, _, actor) = load_material(&state, &auth, &id).await?;
    let t = m.publish(&actor)?;
    let audit = auth.audit("material published");
    let m = state.store.transition_material(&m, expected(&req, m.version), &t, &audit).await?;
    Ok(versioned(&req, m.version, &MaterialView::from(&m)))
}
