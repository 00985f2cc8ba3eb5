//! Subjects taught at a school.

use crate::auth::Auth;
use crate::extract::{ValidJson, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, checked};
use crate::query;
use crate::routes::districts::PageQuery;
use crate::routes::{created, list_of, next_cursor, school_for};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::SchoolId;
use usul_domain::org::Subject;
use usul_domain::policy::Action;
use usul_domain::values::Name;
use utoipa::ToSchema;
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list).service(create);
}

/// A subject (*предмет*).
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectView {
    pub id: Uuid,
    pub school_id: Uuid,
    #[schema(example = "Математика")]
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Subject> for SubjectView {
    fn from(s: &Subject) -> Self {
        Self { id: s.id.uuid(), school_id: s.school.uuid(), name: s.name.to_string(), created_at: s.created_at }
    }
}

list_of!(SubjectList, SubjectView, "A page of subjects.");

/// A new subject.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Кыргыз тили жана адабияты"}))]
pub struct CreateSubjectBody {
    /// 1–200 characters, unique in the school (case-insensitively).
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
}

/// List a school's subjects.
///
/// The subjects taught at the school, a page at a time.
#[utoipa::path(
    operation_id = "listSubjects",
    tag = tags::SUBJECTS,
    params(("id" = Uuid, Path, description = "School id"), PageQuery),
    responses(
        (status = 200, description = "A page of subjects.", body = SubjectList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/subjects")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let s = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let paging = query::paging(q.limit, q.cursor);
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let page = state.store.list_subjects(s.id, sync.since, paging.request()).await?;
    let deleted = sync.deleted(&state, "subjects", Some(s.id.uuid()), None).await?;
    Ok(HttpResponse::Ok().json(SubjectList {
        items: page.items.iter().map(SubjectView::from).collect(),
        next_cursor: next_cursor(page.next),
        sync_token,
        deleted,
    }))
}

/// Add a subject.
///
/// The director or the deputy adds the school's subjects.
#[utoipa::path(
    operation_id = "createSubject",
    tag = tags::SUBJECTS,
    request_body = CreateSubjectBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created.", body = SubjectView, headers(("Location" = String))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/subjects")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateSubjectBody>,
) -> Result<HttpResponse, ApiError> {
    let s = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::CreateSubject).await?;
    let mut check = Checker::default();
    let name = check.text("name", Name::parse(&body.0.name));
    check.finish()?;
    let subject = state.store.create_subject(&s, checked(name)?, &auth.audit("subject added")).await?;
    Ok(created(format!("/api/v1/schools/{}/subjects", s.id), 1, &SubjectView::from(&subject)))
}
