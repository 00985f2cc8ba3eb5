//! Staff (*педагогикалык кызматкерлер*, R-1.3): list, create, read, edit, deactivate.

mod dto;

pub use dto::{CategoryDto, NewPersonBody, RoleDto, StaffChange, StaffList, StaffQuery, StaffView, UpdateStaffBody};

use crate::auth::Auth;
use crate::extract::{ValidJson, if_match, path_id};
use crate::kept::Json;
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, checked};
use crate::query;
use crate::routes::{allow, created, next_cursor, school_for, versioned};
use crate::state::AppState;
use crate::sync::SyncRead;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use usul_domain::ids::{SchoolId, StaffId, SubjectId};
use usul_domain::policy::{Action, Resource};
use usul_domain::staff::{Affiliation, Role, Staff, check_deactivation, role_fits};
use usul_persistence::{StaffFilter, StaffPatch};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list).service(create).service(read).service(update).service(deactivate).service(reactivate);
}

/// Subject ids that are not the school's, as field errors.
async fn check_subjects(state: &AppState, school: SchoolId, ids: &[Uuid], check: &mut Checker) -> Result<(), ApiError> {
    let typed: Vec<SubjectId> = ids.iter().copied().map(SubjectId::from_uuid).collect();
    let missing = state.store.missing_subjects(school, &typed).await?;
    for (i, id) in typed.iter().enumerate() {
        if missing.contains(id) {
            check.push(format!("subject_ids[{i}]"), FieldErrorKind::UnknownReference);
        }
    }
    Ok(())
}

/// List a school's staff.
///
/// Filters by role, subject, active flag and `updated_since`; ordered by creation.
#[utoipa::path(
    operation_id = "listStaff",
    tag = tags::STAFF,
    params(("id" = Uuid, Path, description = "School id"), StaffQuery),
    responses(
        (status = 200, description = "A page of staff.", body = StaffList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/staff")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<StaffQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let q = q.0;
    let (paging, role, active) = (query::paging(q.limit, q.cursor), q.role, q.active.map(|f| f.0));
    let subject = q.subject_id.map(|s| SubjectId::from_uuid(s.0));
    let sync = SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let updated_since = sync.since;
    let page = state
        .store
        .staff_page(school.id, StaffFilter { role, subject, active, updated_since }, paging.request())
        .await?;
    let deleted = sync.deleted(&state, "staff", Some(school.id.uuid()), None).await?;
    let store = &state.store;
    let items = crate::kept::page_of(
        &state.kept.staff,
        &page.items,
        |k| k,
        |ids| async move { Ok(store.staff_keyed(&ids).await?) },
        |s: &Staff| Json::of(&StaffView::from(s)).map_err(|e| ApiError::internal("serializing a staff view", e)),
    )
    .await?;
    Ok(HttpResponse::Ok().json(StaffList { items, next_cursor: next_cursor(page.next), sync_token, deleted }))
}

/// Add a person to a school's staff.
///
/// The director adds anyone; the deputy adds teachers; an administrator may appoint a new
/// school's first director. The e-mail is the login and is unique case-insensitively.
#[utoipa::path(
    operation_id = "createStaff",
    tag = tags::STAFF,
    request_body = NewPersonBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created.", body = StaffView, headers(("Location" = String), ("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/staff")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<NewPersonBody>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    let body = body.0;
    let role = body.role.as_deref().and_then(Role::parse).unwrap_or(Role::Teacher);
    let wanted = if role.is_school_role() { role } else { Role::Teacher };
    allow(&auth, Action::CreateStaff(wanted), crate::routes::school_resource(&school))?;
    let mut check = Checker::default();
    if !role.is_school_role() {
        check.push("role", FieldErrorKind::InvalidValue);
    }
    check_subjects(&state, school.id, &body.subject_ids, &mut check).await?;
    let new =
        body.check(&mut check, Affiliation::School { school: school.id, district: school.district }, Role::Teacher);
    check.finish()?;
    let (mut new, password) = checked(new)?;
    new.password_hash = state.hashing.hash(password).await?;
    let s = state.store.create_staff(new, &auth.audit(format!("staff member added as {}", role.code()))).await?;
    Ok(created(format!("/api/v1/staff/{}", s.id), s.version, &StaffView::from(&s)))
}

/// Loads a person and checks `action` on them; a person of another school is 404.
async fn load(state: &AppState, auth: &Auth, raw: &str, action: Action) -> Result<Staff, ApiError> {
    let id = StaffId::from_uuid(path_id("id", raw)?);
    let s = state.store.get_staff(id).await?.ok_or(ApiError::NotFound)?;
    let resource = match s.affiliation {
        Affiliation::School { school, district } => {
            Resource::StaffMember { staff: s.id, role: s.role, school, district }
        }
        Affiliation::District(d) => Resource::District(d),
        Affiliation::Service => Resource::Service,
    };
    // A person reads their own record whoever they are.
    if action == Action::Read && auth.staff_id() == Some(s.id) {
        return Ok(s);
    }
    if !matches!(s.affiliation, Affiliation::School { .. }) {
        // District methodologists and admins are managed by administrators.
        let admin_only = if matches!(auth.actor, usul_domain::policy::Actor::Admin { .. }) {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        };
        admin_only?;
        return Ok(s);
    }
    allow(auth, Action::Read, resource)?;
    allow(auth, action, resource)?;
    Ok(s)
}

/// Read a person.
///
/// One person of a school's staff; the `ETag` is their version.
#[utoipa::path(
    operation_id = "getStaff",
    tag = tags::STAFF,
    params(("id" = Uuid, Path, description = "Staff id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The person.", body = StaffView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/staff/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let s = load(&state, &auth, &id, Action::Read).await?;
    Ok(versioned(&req, s.version, &StaffView::from(&s)))
}

/// Edit a person.
///
/// The director edits anyone at the school; the deputy edits teachers. Changing `role` needs
/// the right to give that role (the deputy gives only `teacher`). Send the `ETag` in `If-Match`.
/// A new `password` or `email` revokes every refresh token the person holds.
#[utoipa::path(
    operation_id = "updateStaff",
    tag = tags::STAFF,
    request_body = UpdateStaffBody,
    params(("id" = Uuid, Path, description = "Staff id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = StaffView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/staff/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdateStaffBody>,
) -> Result<HttpResponse, ApiError> {
    let s = load(&state, &auth, &id, Action::UpdateStaff).await?;
    let mut check = Checker::default();
    let subject_ids = body.0.subject_ids.clone();
    let StaffChange { mut patch, password } = body.0.check(&mut check);
    if patch.role.is_some_and(|r| !role_fits(&s, r)) {
        check.push("role", FieldErrorKind::InvalidValue);
    }
    match (subject_ids, s.school()) {
        (Some(ids), Some(school)) => check_subjects(&state, school, &ids, &mut check).await?,
        (Some(_), None) => check.push("subject_ids", FieldErrorKind::InvalidValue),
        (None, _) => {}
    }
    check.finish()?;
    if let (Some(r), Affiliation::School { school, district }) = (patch.role, s.affiliation)
        && r != s.role
    {
        allow(&auth, Action::AssignRole(r), Resource::StaffMember { staff: s.id, role: s.role, school, district })?;
    }
    if let Some(p) = password {
        patch.password_hash = Some(state.hashing.hash(p).await?);
    }
    let updated = state
        .store
        .update_staff(s.id, if_match(&req), patch, "staff.update", &auth.audit("staff record edited"))
        .await?;
    Ok(versioned(&req, updated.version, &StaffView::from(&updated)))
}

async fn set_active(
    req: &HttpRequest,
    state: &AppState,
    auth: &Auth,
    raw: &str,
    active: bool,
) -> Result<HttpResponse, ApiError> {
    let s = load(state, auth, raw, Action::DeactivateStaff).await?;
    if !active {
        check_deactivation(auth.staff_id(), s.id)?;
    }
    let patch = StaffPatch { active: Some(active), ..StaffPatch::default() };
    let (action, summary) =
        if active { ("staff.reactivate", "staff reactivated") } else { ("staff.deactivate", "staff deactivated") };
    let updated = state.store.update_staff(s.id, if_match(req), patch, action, &auth.audit(summary)).await?;
    Ok(versioned(req, updated.version, &StaffView::from(&updated)))
}

/// Deactivate a person.
///
/// They can no longer sign in, and every token they hold stops working at once. The director
/// deactivates anyone but themselves; the deputy deactivates teachers.
#[utoipa::path(
    operation_id = "deactivateStaff",
    tag = tags::STAFF,
    params(("id" = Uuid, Path, description = "Staff id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Deactivated.", body = StaffView, headers(("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 422, description = "`cannot_deactivate_self`.", body = crate::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[post("/staff/{id}/deactivate")]
pub async fn deactivate(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_active(&req, &state, &auth, &id, false).await
}

/// Reactivate a person.
///
/// A deactivated person may sign in again; their records were kept. Send `If-Match` with their
/// `ETag`.
#[utoipa::path(
    operation_id = "reactivateStaff",
    tag = tags::STAFF,
    params(("id" = Uuid, Path, description = "Staff id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Active again.", body = StaffView, headers(("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 412, response = crate::openapi::PreconditionFailed),
    ),
    security(("bearer" = [])),
)]
#[post("/staff/{id}/reactivate")]
pub async fn reactivate(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_active(&req, &state, &auth, &id, true).await
}
