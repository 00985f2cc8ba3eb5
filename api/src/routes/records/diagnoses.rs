//! Needs diagnostics: a teacher's diagnosis of a year, and the school's needs across
//! its staff for those who plan its methodological work.

use super::{RequiredYear, school_of_path, staff_of_path};
use crate::auth::Auth;
use crate::extract::{ValidJson, lang, required_year};
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query::{Query, Year};
use crate::routes::{created, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::lang::Lang;
use usul_domain::records::personal::{
    AreaInput, AreaNeeds, Needs, ReadNeedsError, RecordDiagnosisError, needs as school_needs, record_diagnosis,
};
use usul_domain::records::{Diagnosis, suggest};
use usul_domain::year::AcademicYear;
use utoipa::ToSchema;
use uuid::Uuid;

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

impl From<&Diagnosis> for DiagnosisView {
    fn from(d: &Diagnosis) -> Self {
        let levels: Vec<(&str, u8)> = d.areas.iter().map(|(a, l, _)| (a.as_str(), *l)).collect();
        Self {
            staff_id: d.staff.uuid(),
            year: d.year.to_string(),
            areas: d.areas.iter().map(|(a, l, n)| AreaView { area: a.clone(), level: *l, note: n.clone() }).collect(),
            suggested_forms: suggest(&levels).into_iter().map(str::to_owned).collect(),
            version: d.version,
            updated_at: d.updated_at,
        }
    }
}

/// A diagnosis to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"areas": [{"area": "ict", "level": 3, "note": "Санариптик ресурстар"}, {"area": "assessment", "level": 1}]}))]
pub struct DiagnosisBody {
    pub areas: Vec<AreaView>,
}

impl From<&AreaView> for AreaInput {
    fn from(a: &AreaView) -> Self {
        Self { area: a.area.clone(), level: a.level, note: a.note.clone() }
    }
}

impl From<RecordDiagnosisError> for ApiError {
    fn from(e: RecordDiagnosisError) -> Self {
        match e {
            RecordDiagnosisError::NotAllowed => Self::Forbidden,
            RecordDiagnosisError::Invalid(problems) => super::invalid(problems),
        }
    }
}

impl From<ReadNeedsError> for ApiError {
    fn from(e: ReadNeedsError) -> Self {
        match e {
            ReadNeedsError::NotAllowed => Self::Forbidden,
        }
    }
}

/// Read a teacher's diagnosis of a year.
///
/// A teacher's needs diagnostics of an academic year: each area with its level and note,
/// and the forms of work suggested for them.
#[utoipa::path(
    operation_id = "getDiagnosis",
    tag = tags::DIAGNOSES,
    params(("id" = Uuid, Path, description = "Staff id"), ("year" = String, Path, description = "`YYYY-YYYY`", example = "2022-2023"), crate::openapi::IfNoneMatch),
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
    let (s, _, actor) = staff_of_path(&state, &auth, &raw).await?;
    actor.read_personal(s.id)?;
    let year = required_year(Some(&raw_year))?;
    let d = state.store.get_diagnosis(s.id, year).await?.ok_or(ApiError::NotFound)?;
    Ok(versioned(&req, d.version, &DiagnosisView::from(&d)))
}

/// Record a teacher's diagnosis of a year.
///
/// The teacher, the deputy or the director records the level (1–3) of each difficulty area
/// the answer suggests catalogue forms for the pressing ones.
#[utoipa::path(
    operation_id = "putDiagnosis",
    tag = tags::DIAGNOSES,
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
    let (s, school, actor) = staff_of_path(&state, &auth, &raw).await?;
    let year = required_year(Some(&raw_year))?;
    let areas: Vec<AreaInput> = body.0.areas.iter().map(AreaInput::from).collect();
    let d = record_diagnosis(&actor, s.id, year, &areas, Utc::now())?;
    let current = state.store.get_diagnosis(s.id, year).await?;
    let expected_version = crate::extract::if_match(&req).or(current.map(|c| c.version));
    let (d, was_created) =
        state.store.put_diagnosis(&school, &d, expected_version, &auth.audit("diagnosis recorded")).await?;
    if was_created {
        return Ok(created(format!("/api/v1/staff/{}/diagnostics/{year}", s.id), d.version, &DiagnosisView::from(&d)));
    }
    Ok(versioned(&req, d.version, &DiagnosisView::from(&d)))
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

impl NeedSummary {
    /// The summary of one area, labelled in `language`.
    #[must_use]
    pub fn of(a: &AreaNeeds, language: Lang) -> Self {
        Self {
            area: a.area.code.to_owned(),
            label: a.area.label.get(language).to_owned(),
            level_1: a.levels[0],
            level_2: a.levels[1],
            level_3: a.levels[2],
            suggested_forms: a.area.suggested_forms.iter().map(|f| (*f).to_owned()).collect(),
        }
    }
}

impl NeedsView {
    /// The view of a year's needs, labelled in `language`.
    #[must_use]
    pub fn of(year: AcademicYear, n: &Needs, language: Lang) -> Self {
        let areas = n.areas.iter().map(|a| NeedSummary::of(a, language)).collect();
        Self { year: year.to_string(), diagnosed: n.diagnosed, areas }
    }
}

/// Read the school's needs across its staff.
///
/// The diagnostics of the school's teachers for an academic year, gathered by area; `year`
/// is required.
#[utoipa::path(
    operation_id = "getSchoolNeeds",
    tag = tags::DIAGNOSES,
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
    q: Query<RequiredYear>,
) -> Result<HttpResponse, ApiError> {
    let (school, actor) = school_of_path(&state, &auth, &id).await?;
    let year = Year::required(q.year)?;
    let all = state.store.school_diagnoses(school.id, year).await?;
    Ok(HttpResponse::Ok().json(NeedsView::of(year, &school_needs(&actor, &all)?, lang(&req))))
}
