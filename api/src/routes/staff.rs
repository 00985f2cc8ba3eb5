//! Staff (*педагогикалык кызматкерлер*, R-1.3): list, create, read, edit, deactivate.

use crate::auth::{Auth, hash_password};
use crate::extract::{ValidJson, if_match, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, ProblemCode, checked};
use crate::query;
use crate::routes::{allow, created, list_of, next_cursor, present, school_for, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{SchoolId, StaffId, SubjectId};
use usul_domain::policy::{Action, Resource};
use usul_domain::staff::{Affiliation, Experience, QualificationCategory, Role, Staff};
use usul_domain::values::{Email, Name, Password};
use usul_persistence::{NewStaff, StaffFilter, StaffPatch};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list).service(create).service(read).service(update).service(deactivate).service(reactivate);
}

/// A role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleDto {
    Admin,
    DistrictMethodologist,
    Director,
    Deputy,
    Teacher,
}

impl From<Role> for RoleDto {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => Self::Admin,
            Role::DistrictMethodologist => Self::DistrictMethodologist,
            Role::Director => Self::Director,
            Role::Deputy => Self::Deputy,
            Role::Teacher => Self::Teacher,
        }
    }
}

impl From<RoleDto> for Role {
    fn from(r: RoleDto) -> Self {
        match r {
            RoleDto::Admin => Self::Admin,
            RoleDto::DistrictMethodologist => Self::DistrictMethodologist,
            RoleDto::Director => Self::Director,
            RoleDto::Deputy => Self::Deputy,
            RoleDto::Teacher => Self::Teacher,
        }
    }
}

/// A qualification category: *жогорку* (highest), *биринчи* (first), *экинчи* (second),
/// *категориясы жок* (none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryDto {
    Highest,
    First,
    Second,
    None,
}

impl From<QualificationCategory> for CategoryDto {
    fn from(c: QualificationCategory) -> Self {
        match c {
            QualificationCategory::Highest => Self::Highest,
            QualificationCategory::First => Self::First,
            QualificationCategory::Second => Self::Second,
            QualificationCategory::None => Self::None,
        }
    }
}

impl From<CategoryDto> for QualificationCategory {
    fn from(c: CategoryDto) -> Self {
        match c {
            CategoryDto::Highest => Self::Highest,
            CategoryDto::First => Self::First,
            CategoryDto::Second => Self::Second,
            CategoryDto::None => Self::None,
        }
    }
}

/// A person with a login.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    pub id: Uuid,
    /// The school, for school staff.
    pub school_id: Option<Uuid>,
    /// The district, for school staff and district methodologists.
    pub district_id: Option<Uuid>,
    /// The login, as entered (logins compare case-insensitively).
    #[schema(example = "a.usenova@demo.usul.kg")]
    pub email: String,
    #[schema(example = "Үсөнова")]
    pub last_name: String,
    #[schema(example = "Айнура")]
    pub first_name: String,
    #[schema(example = "Бакытовна")]
    pub patronymic: Option<String>,
    /// Surname and initials, as on paper documents.
    #[schema(example = "Үсөнова А.Б.")]
    pub short_name: String,
    /// The job title, free text.
    #[schema(example = "Математика мугалими")]
    pub position: Option<String>,
    pub role: RoleDto,
    /// Subjects the person teaches.
    pub subject_ids: Vec<Uuid>,
    pub qualification_category: CategoryDto,
    /// Years of pedagogical experience (0–70).
    #[schema(example = 12)]
    pub experience_years: u8,
    /// A deactivated person cannot sign in and their tokens stop working at once.
    pub active: bool,
    /// Sent as `ETag`; send it back in `If-Match` to update.
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Staff> for StaffView {
    fn from(s: &Staff) -> Self {
        let (school_id, district_id) = match s.affiliation {
            Affiliation::Service => (None, None),
            Affiliation::District(d) => (None, Some(d.uuid())),
            Affiliation::School { school, district } => (Some(school.uuid()), Some(district.uuid())),
        };
        Self {
            id: s.id.uuid(),
            school_id,
            district_id,
            email: s.email.to_string(),
            last_name: s.last_name.to_string(),
            first_name: s.first_name.to_string(),
            patronymic: s.patronymic.as_ref().map(ToString::to_string),
            short_name: s.short_name(),
            position: s.position.as_ref().map(ToString::to_string),
            role: s.role.into(),
            subject_ids: s.subjects.iter().map(|i| i.uuid()).collect(),
            qualification_category: s.category.into(),
            experience_years: s.experience.years(),
            active: s.active,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

list_of!(StaffList, StaffView, "A page of staff.");

/// A new person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "email": "b.toktogulov@demo.usul.kg", "password": "initial-pass-2022",
    "last_name": "Токтогулов", "first_name": "Бакыт", "patronymic": "Асанович",
    "position": "Физика мугалими", "role": "teacher", "subject_ids": [],
    "qualification_category": "first", "experience_years": 7
}))]
pub struct NewPersonBody {
    /// The login; unique case-insensitively.
    #[schema(max_length = 254, pattern = "^[^@\\s]+@[^@\\s.][^@\\s]*\\.[^@\\s]*[^@\\s.]$")]
    pub email: String,
    /// The initial password, 8–128 characters.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub last_name: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub patronymic: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub position: Option<String>,
    /// For school staff: `director`, `deputy` or `teacher` (default `teacher`).
    #[schema(value_type = Option<RoleDto>)]
    pub role: Option<String>,
    /// Subjects of the school the person teaches.
    #[serde(default)]
    pub subject_ids: Vec<Uuid>,
    /// Default `none`.
    #[schema(value_type = Option<CategoryDto>)]
    pub qualification_category: Option<String>,
    /// 0–70, default 0.
    #[schema(minimum = 0, maximum = 70)]
    pub experience_years: Option<i64>,
}

impl NewPersonBody {
    /// Checks every field, recording each problem; `role` is the default when none is sent.
    pub fn check(self, check: &mut Checker, affiliation: Affiliation, role: Role) -> Option<(NewStaff, String)> {
        let email = check.text("email", Email::parse(&self.email));
        let password = check.text("password", Password::parse(&self.password));
        let last_name = check.text("last_name", Name::parse(&self.last_name));
        let first_name = check.text("first_name", Name::parse(&self.first_name));
        let patronymic = self.patronymic.as_deref().map(|p| check.text("patronymic", Name::parse(p)));
        let position = self.position.as_deref().map(|p| check.text("position", Name::parse(p)));
        let experience = check.check("experience_years", Experience::parse(self.experience_years.unwrap_or(0)), |_| {
            FieldErrorKind::OutOfRange
        });
        let role = parse_role(check, self.role.as_deref()).unwrap_or(Some(role)).unwrap_or(role);
        let category = parse_category(check, self.qualification_category.as_deref());
        Some((
            NewStaff {
                affiliation,
                email: email?,
                password_hash: String::new(),
                last_name: last_name?,
                first_name: first_name?,
                patronymic: patronymic.map(|p| p.ok_or(())).transpose().ok()?,
                position: position.map(|p| p.ok_or(())).transpose().ok()?,
                role,
                subjects: self.subject_ids.into_iter().map(SubjectId::from_uuid).collect(),
                category: category?.unwrap_or(QualificationCategory::None),
                experience: experience?,
            },
            password?.expose().to_owned(),
        ))
    }
}

/// Parses an optional role; `None` when it is invalid (the error is recorded), `Some(None)`
/// when absent.
fn parse_role(check: &mut Checker, raw: Option<&str>) -> Option<Option<Role>> {
    match raw {
        None => Some(None),
        Some(r) => check.check("role", Role::parse(r).ok_or(()), |()| FieldErrorKind::InvalidValue).map(Some),
    }
}

/// Parses an optional qualification category, as [`parse_role`].
fn parse_category(check: &mut Checker, raw: Option<&str>) -> Option<Option<QualificationCategory>> {
    match raw {
        None => Some(None),
        Some(c) => check
            .check("qualification_category", QualificationCategory::parse(c).ok_or(()), |()| {
                FieldErrorKind::InvalidValue
            })
            .map(Some),
    }
}

/// Changes to a person. Absent fields stay; `null` clears `patronymic` and `position`.
/// `subject_ids` replaces the whole list. `password` sets a new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"qualification_category": "highest", "experience_years": 13, "subject_ids": []}))]
pub struct UpdateStaffBody {
    #[schema(max_length = 254, pattern = "^[^@\\s]+@[^@\\s.][^@\\s]*\\.[^@\\s]*[^@\\s.]$")]
    pub email: Option<String>,
    #[schema(min_length = 8, max_length = 128)]
    pub password: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub last_name: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub patronymic: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub position: Option<Option<String>>,
    #[schema(value_type = Option<RoleDto>)]
    pub role: Option<String>,
    pub subject_ids: Option<Vec<Uuid>>,
    #[schema(value_type = Option<CategoryDto>)]
    pub qualification_category: Option<String>,
    #[schema(minimum = 0, maximum = 70)]
    pub experience_years: Option<i64>,
}

/// Filters of the staff list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// Only this role: `director`, `deputy`, `teacher`.
    #[param(value_type = Option<RoleDto>)]
    #[serde(default, deserialize_with = "role_filter")]
    pub role: Option<Role>,
    /// Only those who teach this subject.
    #[param(value_type = Option<Uuid>)]
    pub subject_id: Option<query::Id>,
    /// `true` (default: everyone) for active staff only, `false` for deactivated.
    #[param(value_type = Option<bool>)]
    pub active: Option<query::Flag>,
    /// Only those changed at or after this time (RFC 3339), for syncing.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<query::Since>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<String>, pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<query::Cursor>,
}

fn role_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Role>, D::Error> {
    query::code(d, Role::parse).map(Some)
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
    tag = tags::STAFF,
    params(("id" = Uuid, Path, description = "School id"), StaffQuery),
    responses(
        (status = 200, description = "A page of staff.", body = StaffList),
        crate::openapi::ReadErrors,
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
    let updated_since = q.updated_since.map(|s| s.0);
    let page = state
        .store
        .list_staff(school.id, StaffFilter { role, subject, active, updated_since }, paging.request())
        .await?;
    Ok(HttpResponse::Ok().json(StaffList {
        items: page.items.iter().map(StaffView::from).collect(),
        next_cursor: next_cursor(page.next),
    }))
}

/// Add a person to a school's staff.
///
/// The director adds anyone; the deputy adds teachers; an administrator may appoint a new
/// school's first director. The e-mail is the login and is unique case-insensitively.
#[utoipa::path(
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
    new.password_hash = hash_password(password).await?;
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
#[utoipa::path(
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
#[utoipa::path(
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
    let body = body.0;
    let mut check = Checker::default();
    let opt_name = |check: &mut Checker, field: &str, v: &Option<Option<String>>| -> Option<Option<Option<Name>>> {
        match v {
            None => Some(None),
            Some(None) => Some(Some(None)),
            Some(Some(text)) => check.text(field, Name::parse(text)).map(|n| Some(Some(n))),
        }
    };
    let email = body.email.as_deref().map(|e| check.text("email", Email::parse(e)));
    let password = body.password.as_deref().map(|p| check.text("password", Password::parse(p)));
    let last_name = body.last_name.as_deref().map(|n| check.text("last_name", Name::parse(n)));
    let first_name = body.first_name.as_deref().map(|n| check.text("first_name", Name::parse(n)));
    let patronymic = opt_name(&mut check, "patronymic", &body.patronymic);
    let position = opt_name(&mut check, "position", &body.position);
    let experience = body
        .experience_years
        .map(|y| check.check("experience_years", Experience::parse(y), |_| FieldErrorKind::OutOfRange));
    let role = parse_role(&mut check, body.role.as_deref()).flatten();
    let category = parse_category(&mut check, body.qualification_category.as_deref()).flatten();
    // School staff hold school roles; district and service accounts keep theirs.
    if let Some(r) = role
        && !(if s.school().is_some() { r.is_school_role() } else { r == s.role })
    {
        check.push("role", FieldErrorKind::InvalidValue);
    }
    match (&body.subject_ids, s.school()) {
        (Some(ids), Some(school)) => check_subjects(&state, school, ids, &mut check).await?,
        (Some(_), None) => check.push("subject_ids", FieldErrorKind::InvalidValue),
        _ => {}
    }
    check.finish()?;
    if let (Some(r), Affiliation::School { school, district }) = (role, s.affiliation)
        && r != s.role
    {
        allow(&auth, Action::AssignRole(r), Resource::StaffMember { staff: s.id, role: s.role, school, district })?;
    }
    let password_hash = match password.flatten() {
        Some(p) => Some(hash_password(p.expose().to_owned()).await?),
        None => None,
    };
    let patch = StaffPatch {
        email: email.flatten(),
        last_name: last_name.flatten(),
        first_name: first_name.flatten(),
        patronymic: patronymic.flatten(),
        position: position.flatten(),
        role,
        subjects: body.subject_ids.map(|ids| ids.into_iter().map(SubjectId::from_uuid).collect()),
        category,
        experience: experience.flatten(),
        active: None,
        password_hash,
    };
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
    if !active && auth.staff_id() == Some(s.id) {
        return Err(ApiError::Rule {
            code: ProblemCode::CannotDeactivateSelf,
            detail: "Ask the director or an administrator to deactivate your account.".into(),
            extra: None,
        });
    }
    let patch = StaffPatch { active: Some(active), ..StaffPatch::default() };
    let (action, summary) =
        if active { ("staff.reactivate", "staff reactivated") } else { ("staff.deactivate", "staff deactivated") };
    let updated = state.store.update_staff(s.id, if_match(req), patch, action, &auth.audit(summary)).await?;
    if !active {
        state.store.revoke_staff_tokens(s.id).await?;
    }
    Ok(versioned(req, updated.version, &StaffView::from(&updated)))
}

/// Deactivate a person.
///
/// They can no longer sign in, and every token they hold stops working at once. The director
/// deactivates anyone but themselves; the deputy deactivates teachers.
#[utoipa::path(
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
#[utoipa::path(
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
