//! Records of methodological work: activities and who took
//! part, participation, mentoring, course training, the materials bank, needs diagnostics. One
//! module per resource; the rules are the domain's (`usul_domain::records`), the handlers parse,
//! load the caller's facts, call the rule, store and answer.

pub mod activities;
pub mod diagnoses;
pub mod materials;
pub mod mentorships;
pub mod outside;
pub mod participation;
pub mod trainings;

use crate::auth::Auth;
use crate::extract::path_id;
use crate::problem::{ApiError, FieldError, FieldErrorKind};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use usul_domain::ids::{SchoolId, StaffId};
use usul_domain::org::School;
use usul_domain::policy::Action;
use usul_domain::records::StoredFile;
use usul_domain::records::actor::{Hidden, RecordActor};
use usul_domain::records::input::{Problem, ProblemKind};
use usul_domain::staff::Staff;
use utoipa::{IntoParams, ToSchema};

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(activities::list_activities)
        .service(activities::create_activity)
        .service(activities::read_activity)
        .service(activities::set_participants)
        .service(participation::participation)
        .service(mentorships::list_mentorships)
        .service(mentorships::create_mentorship)
        .service(mentorships::read_mentorship)
        .service(mentorships::update_mentorship)
        .service(trainings::list_trainings)
        .service(trainings::create_training)
        .service(trainings::read_training)
        .service(trainings::upload_certificate)
        .service(trainings::download_certificate)
        .service(materials::list_materials)
        .service(materials::create_material)
        .service(materials::read_material)
        .service(materials::upload_file)
        .service(materials::download_file)
        .service(materials::review_material)
        .service(materials::publish_material)
        .service(diagnoses::read_diagnosis)
        .service(diagnoses::put_diagnosis)
        .service(diagnoses::needs)
        .service(outside::create_outside_work)
        .service(outside::list_person_outside_work)
        .service(outside::list_school_outside_work)
        .service(outside::confirm_outside_work)
        .service(outside::upload_evidence)
        .service(outside::download_evidence);
}

/// A school and the caller as the record rules see them there; a school hidden from the caller
/// is 404.
///
/// # Errors
/// 404, or a storage failure.
pub async fn school_actor(state: &AppState, auth: &Auth, id: SchoolId) -> Result<(School, RecordActor), ApiError> {
    let school = state.store.get_school(id).await?.ok_or(ApiError::NotFound)?;
    let actor = state.store.record_actor(auth.actor, &school).await?.ok_or(ApiError::NotFound)?;
    Ok((school, actor))
}

/// The school of a path's `{id}`, with the caller.
///
/// # Errors
/// 400 for a malformed id, 404, or a storage failure.
pub async fn school_of_path(state: &AppState, auth: &Auth, raw: &str) -> Result<(School, RecordActor), ApiError> {
    school_actor(state, auth, SchoolId::from_uuid(path_id("id", raw)?)).await
}

/// The school of a path's `{id}`, for a read that needs nothing about the caller but sight of
/// the school.
///
/// # Errors
/// 400 for a malformed id, 404, or a storage failure.
pub async fn readable_school(state: &AppState, auth: &Auth, raw: &str) -> Result<School, ApiError> {
    crate::routes::school_for(state, auth, SchoolId::from_uuid(path_id("id", raw)?), Action::Read).await
}

/// A member of a school's staff named by a path's `{id}`, their school, and the caller.
///
/// # Errors
/// 400 for a malformed id, 404 for someone unknown or outside the caller's sight.
pub async fn staff_of_path(state: &AppState, auth: &Auth, raw: &str) -> Result<(Staff, School, RecordActor), ApiError> {
    let s = state.store.get_staff(StaffId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let (school, actor) = school_actor(state, auth, s.school().ok_or(ApiError::NotFound)?).await?;
    Ok((s, school, actor))
}

impl From<Hidden> for ApiError {
    fn from(_: Hidden) -> Self {
        Self::NotFound
    }
}

/// The field error of an input problem.
fn field_error(p: Problem) -> FieldError {
    let kind = match p.kind {
        ProblemKind::Text(e) => return FieldError::text(p.field, e),
        ProblemKind::Required => FieldErrorKind::Required,
        ProblemKind::InvalidFormat => FieldErrorKind::InvalidFormat,
        ProblemKind::InvalidValue => FieldErrorKind::InvalidValue,
        ProblemKind::OutOfRange => FieldErrorKind::OutOfRange,
        ProblemKind::InvalidYear => FieldErrorKind::InvalidYear,
        ProblemKind::UnknownReference => FieldErrorKind::UnknownReference,
        ProblemKind::Inactive => FieldErrorKind::Inactive,
        ProblemKind::Duplicate => FieldErrorKind::Duplicate,
    };
    FieldError::new(p.field, kind)
}

/// 422 `validation_failed` naming every problem of an input.
#[must_use]
pub fn invalid(problems: Vec<Problem>) -> ApiError {
    ApiError::Validation(problems.into_iter().map(field_error).collect())
}

/// The year of a figure.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequiredYear {
    /// `YYYY-YYYY`, required.
    #[param(required = true, value_type = String, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<crate::query::Year>,
}

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

impl From<&StoredFile> for FileView {
    fn from(f: &StoredFile) -> Self {
        Self { name: f.name.clone(), content_type: f.content_type.clone(), size: f.size, sha256: f.sha256.clone() }
    }
}
