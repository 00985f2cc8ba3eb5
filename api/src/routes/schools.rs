//! Schools and their academic years (theme and goal, R-3.2.1).

use crate::auth::Auth;
use crate::extract::{ValidJson, bad_param, if_match, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, checked};
use crate::query;
use crate::routes::{allow, created, list_of, next_cursor, present, school_for, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{DistrictId, SchoolId};
use usul_domain::org::{School, SchoolYear, Theme};
use usul_domain::policy::{Action, Actor, Resource};
use usul_domain::staff::SchoolSettings;
use usul_domain::values::Name;
use usul_domain::year::{AcademicYear, YearBoundary, YearBoundaryError};
use usul_persistence::{NewSchool, SchoolPatch};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(list_years)
        .service(read_year)
        .service(put_year);
}

/// A school's own settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolSettingsView {
    /// The fewest years of experience a commission head needs (R-3.2.2c), 0–70; default 5.
    #[schema(example = 5)]
    #[schema(maximum = 70)]
    pub min_head_experience_years: u8,
    /// `MM-DD`, from 07-01 to 09-01; default 08-15. From this day, dated records (meetings,
    /// orders, activities, outside work) are filed under the coming academic year, so the
    /// August pedagogical council that opens a year belongs to it.
    #[schema(example = "08-15", pattern = "^[0-9]{2}-[0-9]{2}$")]
    pub year_starts_on: String,
}

/// Settings to give a school: absent ones keep their value (their default for a new school).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"min_head_experience_years": 7, "year_starts_on": "08-20"}))]
pub struct SchoolSettingsBody {
    /// The fewest years of experience a commission head needs (R-3.2.2c), 0–70; default 5.
    #[schema(example = 5, maximum = 70)]
    pub min_head_experience_years: Option<u8>,
    /// `MM-DD`, from 07-01 to 09-01; default 08-15: from this day, dated records are filed
    /// under the coming academic year.
    #[schema(example = "08-15", pattern = "^[0-9]{2}-[0-9]{2}$")]
    pub year_starts_on: Option<String>,
}

/// A school.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolView {
    pub id: Uuid,
    pub district_id: Uuid,
    #[schema(example = "КТО №95 мектеп-гимназиясы")]
    pub name: String,
    #[schema(example = "Бишкек ш., Ахунбаев к., 95")]
    pub address: Option<String>,
    pub settings: SchoolSettingsView,
    /// Sent as `ETag`; send it back in `If-Match` to update.
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&School> for SchoolView {
    fn from(s: &School) -> Self {
        Self {
            id: s.id.uuid(),
            district_id: s.district.uuid(),
            name: s.name.to_string(),
            address: s.address.as_ref().map(ToString::to_string),
            settings: SchoolSettingsView {
                min_head_experience_years: s.settings.min_head_experience_years,
                year_starts_on: s.settings.year_starts_on.to_string(),
            },
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

list_of!(SchoolList, SchoolView, "A page of schools.");

/// A new school.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"district_id": "0192f0c4-5b1e-7c3a-9d1e-1a2b3c4d5e6f", "name": "№12 орто мектеби", "address": "Бишкек ш., Московская к., 12"}))]
pub struct CreateSchoolBody {
    /// The district it belongs to.
    pub district_id: Uuid,
    /// 1–200 characters, unique in the district (case-insensitively).
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub address: Option<String>,
    /// Default: 5 years for a commission head, the year filed from 08-15.
    pub settings: Option<SchoolSettingsBody>,
}

/// Changes to a school; absent fields stay, `null` clears `address`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"settings": {"min_head_experience_years": 7, "year_starts_on": "08-20"}}))]
pub struct UpdateSchoolBody {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub address: Option<Option<String>>,
    pub settings: Option<SchoolSettingsBody>,
}

/// Filters of the school list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SchoolQuery {
    /// Only the schools of this district.
    #[param(value_type = Option<Uuid>)]
    pub district_id: Option<query::Id>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<String>, pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<query::Cursor>,
    /// Only those changed at or after this time (RFC 3339). A client's clock misses rows
    /// committed late by a slower write: to sync, use `sync_token`.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<query::Since>,
    /// The `sync_token` of an earlier read's first page: only what changed since, and the ids
    /// deleted since in `deleted` (see "Delta sync" in the API description).
    #[param(value_type = Option<String>, pattern = "^st1\\.[0-9a-f]{16}$")]
    pub sync_token: Option<crate::sync::SyncToken>,
}

fn school_id(raw: &str) -> Result<SchoolId, ApiError> {
    path_id("id", raw).map(SchoolId::from_uuid)
}

/// The settings asked for, checked: `None` for one not given.
fn check_settings(check: &mut Checker, s: &SchoolSettingsBody) -> (Option<u8>, Option<YearBoundary>) {
    let years = s.min_head_experience_years.filter(|y| {
        let ok = *y <= 70;
        if !ok {
            check.push("settings.min_head_experience_years", FieldErrorKind::OutOfRange);
        }
        ok
    });
    let boundary = s.year_starts_on.as_deref().and_then(|b| match YearBoundary::parse(b) {
        Ok(b) => Some(b),
        Err(YearBoundaryError::Format) => {
            check.push("settings.year_starts_on", FieldErrorKind::InvalidFormat);
            None
        }
        Err(YearBoundaryError::OutOfRange) => {
            check.push("settings.year_starts_on", FieldErrorKind::OutOfRange);
            None
        }
    });
    (years, boundary)
}

/// List schools.
///
/// An administrator sees every school, a district user the schools of their district, school
/// staff their own school.
#[utoipa::path(
    operation_id = "listSchools",
    tag = tags::SCHOOLS,
    params(SchoolQuery),
    responses(
        (status = 200, description = "A page of schools.", body = SchoolList),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/schools")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    q: query::Query<SchoolQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = query::paging(q.limit, q.cursor);
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let filter = q.district_id.map(|d| DistrictId::from_uuid(d.0));
    let (district, only) = match auth.actor {
        Actor::Admin { .. } | Actor::MinistryUser { .. } | Actor::MinistryService { .. } => (filter, None),
        Actor::DistrictUser { district, .. } | Actor::DistrictService { district, .. } => {
            if filter.is_some_and(|f| f != district) {
                let deleted = sync.nothing_deleted();
                return Ok(HttpResponse::Ok().json(SchoolList {
                    items: Vec::new(),
                    next_cursor: None,
                    sync_token,
                    deleted,
                }));
            }
            (Some(district), None)
        }
        Actor::SchoolStaff { school, .. } => (filter, Some(school)),
    };
    let page = state.store.list_schools(district, only, sync.since, paging.request()).await?;
    let deleted = sync.deleted(&state, "schools", only.map(|s| s.uuid()), district.map(|d| d.uuid())).await?;
    Ok(HttpResponse::Ok().json(SchoolList {
        items: page.items.iter().map(SchoolView::from).collect(),
        next_cursor: next_cursor(page.next),
        sync_token,
        deleted,
    }))
}

/// Create a school.
///
/// Administrators only. Appoint its director next with `POST /schools/{id}/staff`.
#[utoipa::path(
    operation_id = "createSchool",
    tag = tags::SCHOOLS,
    request_body = CreateSchoolBody,
    params(crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created.", body = SchoolView, headers(("Location" = String), ("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
    ),
    security(("bearer" = [])),
)]
#[post("/schools")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: ValidJson<CreateSchoolBody>,
) -> Result<HttpResponse, ApiError> {
    allow(&auth, Action::CreateSchool, Resource::Service)?;
    let body = body.0;
    let mut check = Checker::default();
    let name = check.text("name", Name::parse(&body.name));
    let address = body.address.as_deref().map(|a| check.text("address", Name::parse(a)));
    let (years, boundary) = body.settings.as_ref().map_or((None, None), |s| check_settings(&mut check, s));
    let district = state.store.get_district(DistrictId::from_uuid(body.district_id)).await?;
    if district.is_none() {
        check.push("district_id", FieldErrorKind::UnknownReference);
    }
    check.finish()?;
    let district = checked(district)?;
    let defaults = SchoolSettings::default();
    let settings = SchoolSettings {
        min_head_experience_years: years.unwrap_or(defaults.min_head_experience_years),
        year_starts_on: boundary.unwrap_or(defaults.year_starts_on),
    };
    let new =
        NewSchool { district: district.id, name: checked(name)?, address: address.map(checked).transpose()?, settings };
    let s = state.store.create_school(new, &auth.audit("school created")).await?;
    Ok(created(format!("/api/v1/schools/{}", s.id), s.version, &SchoolView::from(&s)))
}

/// Read a school.
///
/// One school; the `ETag` is its version.
#[utoipa::path(
    operation_id = "getSchool",
    tag = tags::SCHOOLS,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The school.", body = SchoolView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let s = school_for(&state, &auth, school_id(&id)?, Action::Read).await?;
    Ok(versioned(&req, s.version, &SchoolView::from(&s)))
}

/// Edit a school.
///
/// The director (or an administrator) edits the name, address and settings. Send the `ETag`
/// in `If-Match`.
#[utoipa::path(
    operation_id = "updateSchool",
    tag = tags::SCHOOLS,
    request_body = UpdateSchoolBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = SchoolView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/schools/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdateSchoolBody>,
) -> Result<HttpResponse, ApiError> {
    let s = school_for(&state, &auth, school_id(&id)?, Action::UpdateSchool).await?;
    let body = body.0;
    let mut check = Checker::default();
    let name = body.name.as_deref().map(|n| check.text("name", Name::parse(n)));
    let address = match &body.address {
        None => None,
        Some(None) => Some(Some(None)),
        Some(Some(a)) => Some(check.text("address", Name::parse(a)).map(Some)),
    };
    let (years, boundary) = body.settings.as_ref().map_or((None, None), |s| check_settings(&mut check, s));
    check.finish()?;
    let patch = SchoolPatch {
        name: name.flatten(),
        address: address.flatten(),
        min_head_experience_years: years,
        year_starts_on: boundary,
    };
    let s = state.store.update_school(s.id, if_match(&req), patch, &auth.audit("school edited")).await?;
    Ok(versioned(&req, s.version, &SchoolView::from(&s)))
}

/// A school's academic year: its methodological theme and goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolYearView {
    pub school_id: Uuid,
    /// The academic year, `YYYY-YYYY`.
    #[schema(example = "2022-2023")]
    pub year: String,
    /// September 1.
    #[schema(example = "2022-09-01")]
    pub starts_on: NaiveDate,
    /// August 31.
    #[schema(example = "2023-08-31")]
    pub ends_on: NaiveDate,
    /// The school's methodological theme (*мектептин усулдук темасы*), which every teacher's
    /// individual work is tied to.
    #[schema(
        example = "Окутуу-тарбия процессинде заманбап педагогикалык технологияларды колдонуу аркылуу билим берүүнүн сапатын жогорулатуу"
    )]
    pub theme: String,
    /// The year's goal.
    pub goal: Option<String>,
    /// Sent as `ETag`; send it back in `If-Match` to update.
    #[schema(example = 1)]
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<&SchoolYear> for SchoolYearView {
    fn from(y: &SchoolYear) -> Self {
        Self {
            school_id: y.school.uuid(),
            year: y.year.to_string(),
            starts_on: y.year.first_day(),
            ends_on: y.year.last_day(),
            theme: y.theme.as_str().to_owned(),
            goal: y.goal.as_ref().map(|g| g.as_str().to_owned()),
            version: y.version,
            updated_at: y.updated_at,
        }
    }
}

/// The years a school has set.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolYearList {
    pub items: Vec<SchoolYearView>,
}

/// The theme and goal of a year.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "theme": "Окутуу-тарбия процессинде заманбап педагогикалык технологияларды колдонуу аркылуу билим берүүнүн сапатын жогорулатуу",
    "goal": "Мугалимдердин кесиптик чеберчилигин өнүктүрүү"
}))]
pub struct PutSchoolYearBody {
    /// 1–2000 characters.
    #[schema(min_length = 1, max_length = 2000, pattern = "\\S")]
    pub theme: String,
    /// Up to 2000 characters.
    #[schema(min_length = 1, max_length = 2000, pattern = "\\S")]
    pub goal: Option<String>,
}

fn parse_year(raw: &str) -> Result<AcademicYear, ApiError> {
    AcademicYear::parse(raw).map_err(|_| bad_param("year", FieldErrorKind::InvalidYear))
}

/// List a school's years.
///
/// The academic years set up at the school, with their methodological theme and goal.
#[utoipa::path(
    operation_id = "listSchoolYears",
    tag = tags::SCHOOLS,
    params(("id" = Uuid, Path, description = "School id")),
    responses(
        (status = 200, description = "Every year with a theme, oldest first.", body = SchoolYearList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/years")]
pub async fn list_years(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let s = school_for(&state, &auth, school_id(&id)?, Action::Read).await?;
    let years = state.store.list_school_years(s.id).await?;
    Ok(HttpResponse::Ok().json(SchoolYearList { items: years.iter().map(SchoolYearView::from).collect() }))
}

/// Read a school year's theme and goal.
///
/// The methodological theme and goal of one academic year.
#[utoipa::path(
    operation_id = "getSchoolYear",
    tag = tags::SCHOOLS,
    params(
        ("id" = Uuid, Path, description = "School id"),
        ("year" = String, Path, description = "Academic year, `YYYY-YYYY`", example = "2022-2023"),
        crate::openapi::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The year.", body = SchoolYearView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/years/{year}")]
pub async fn read_year(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, year) = path.into_inner();
    let s = school_for(&state, &auth, school_id(&id)?, Action::Read).await?;
    let year = parse_year(&year)?;
    let y = state.store.get_school_year(s.id, year).await?.ok_or(ApiError::NotFound)?;
    Ok(versioned(&req, y.version, &SchoolYearView::from(&y)))
}

/// Set a school year's theme and goal.
///
/// The deputy or the director sets them (R-3.2.1: teachers' individual plans are tied to this
/// theme). Creates the year (201) or replaces it (200; send the `ETag` in `If-Match`).
#[utoipa::path(
    operation_id = "putSchoolYear",
    tag = tags::SCHOOLS,
    request_body = PutSchoolYearBody,
    params(
        ("id" = Uuid, Path, description = "School id"),
        ("year" = String, Path, description = "Academic year, `YYYY-YYYY`", example = "2022-2023"),
        crate::openapi::IfMatch,
    ),
    responses(
        (status = 200, description = "Replaced.", body = SchoolYearView, headers(("ETag" = String))),
        (status = 201, description = "Created.", body = SchoolYearView, headers(("ETag" = String), ("Location" = String))),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[put("/schools/{id}/years/{year}")]
pub async fn put_year(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: ValidJson<PutSchoolYearBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, year) = path.into_inner();
    let s = school_for(&state, &auth, school_id(&id)?, Action::WriteSchoolYear).await?;
    let year = parse_year(&year)?;
    let body = body.0;
    let mut check = Checker::default();
    let theme = check.text("theme", Theme::parse(&body.theme));
    let goal = body.goal.as_deref().map(|g| check.text("goal", Theme::parse(g)));
    check.finish()?;
    let (y, was_created) = state
        .store
        .put_school_year(
            &s,
            year,
            checked(theme)?,
            goal.map(checked).transpose()?,
            if_match(&req),
            &auth.audit(format!("theme of {year} set")),
        )
        .await?;
    let view = SchoolYearView::from(&y);
    if was_created {
        return Ok(created(format!("/api/v1/schools/{}/years/{year}", s.id), y.version, &view));
    }
    Ok(versioned(&req, y.version, &view))
}
