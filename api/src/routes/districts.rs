//! Districts (*билим берүү бөлүмү*, R-3.1), their methodologists and service accounts.

use crate::auth::Auth;
use crate::extract::{ValidJson, if_match, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, checked};
use crate::query;
use crate::routes::staff::{NewPersonBody, StaffView};
use crate::routes::{allow, created, list_of, next_cursor, present, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::DistrictId;
use usul_domain::org::{District, ServiceAccount};
use usul_domain::policy::{Action, Actor, Resource};
use usul_domain::staff::{Affiliation, Role};
use usul_domain::values::Name;
use usul_persistence::{DistrictPatch, NewDistrict};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(create_methodologist)
        .service(list_service_accounts)
        .service(create_service_account);
}

/// A district education department.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictView {
    pub id: Uuid,
    /// The department's name, exactly as entered.
    #[schema(example = "Бишкек шаарынын Октябрь району боюнча билим берүү бөлүмү")]
    pub name: String,
    /// Region or city.
    #[schema(example = "Бишкек")]
    pub region: Option<String>,
    /// Sent as `ETag`; send it back in `If-Match` to update.
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&District> for DistrictView {
    fn from(d: &District) -> Self {
        Self {
            id: d.id.uuid(),
            name: d.name.to_string(),
            region: d.region.as_ref().map(ToString::to_string),
            version: d.version,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

list_of!(DistrictList, DistrictView, "A page of districts.");

/// A new district.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Бишкек шаарынын Октябрь району боюнча билим берүү бөлүмү", "region": "Бишкек"}))]
pub struct CreateDistrictBody {
    /// 1–200 characters, unique (case-insensitively).
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    /// Region or city, up to 200 characters.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub region: Option<String>,
}

/// Changes to a district; absent fields stay, `null` clears `region`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"region": "Бишкек шаары"}))]
pub struct UpdateDistrictBody {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub region: Option<Option<String>>,
}

/// Paging of a list, and delta sync.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
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

async fn load(state: &AppState, auth: &Auth, raw: &str, action: Action) -> Result<District, ApiError> {
    let id = DistrictId::from_uuid(path_id("id", raw)?);
    let district = state.store.get_district(id).await?.ok_or(ApiError::NotFound)?;
    allow(auth, Action::Read, Resource::District(district.id))?;
    allow(auth, action, Resource::District(district.id))?;
    Ok(district)
}

fn opt_name(check: &mut Checker, field: &str, v: Option<&str>) -> Option<Option<Name>> {
    match v {
        None => Some(None),
        Some(s) => check.text(field, Name::parse(s)).map(Some),
    }
}

/// List districts.
///
/// An administrator sees every district; anyone else sees only their own.
#[utoipa::path(
    operation_id = "listDistricts",
    tag = tags::DISTRICTS,
    params(PageQuery),
    responses(
        (status = 200, description = "A page of districts.", body = DistrictList),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/districts")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    q: query::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = query::paging(q.limit, q.cursor);
    let only = match auth.actor {
        Actor::Admin { .. } | Actor::MinistryUser { .. } | Actor::MinistryService { .. } => None,
        Actor::DistrictUser { district, .. }
        | Actor::DistrictService { district, .. }
        | Actor::SchoolStaff { district, .. } => Some(district),
    };
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let page = state.store.list_districts(only, sync.since, paging.request()).await?;
    let deleted = sync.deleted(&state, "districts", None, only.map(|d| d.uuid())).await?;
    Ok(HttpResponse::Ok().json(DistrictList {
        items: page.items.iter().map(DistrictView::from).collect(),
        next_cursor: next_cursor(page.next),
        sync_token,
        deleted,
    }))
}

/// Create a district.
///
/// Administrators only. The name is unique (case-insensitively).
#[utoipa::path(
    operation_id = "createDistrict",
    tag = tags::DISTRICTS,
    request_body = CreateDistrictBody,
    params(crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created.", body = DistrictView, headers(("Location" = String), ("ETag" = String))),
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
#[post("/districts")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: ValidJson<CreateDistrictBody>,
) -> Result<HttpResponse, ApiError> {
    allow(&auth, Action::CreateDistrict, Resource::Service)?;
    let body = body.0;
    let mut check = Checker::default();
    let name = check.text("name", Name::parse(&body.name));
    let region = opt_name(&mut check, "region", body.region.as_deref());
    check.finish()?;
    let (name, region) = (checked(name)?, checked(region)?);
    let d = state.store.create_district(NewDistrict { name, region }, &auth.audit("district created")).await?;
    Ok(created(format!("/api/v1/districts/{}", d.id), d.version, &DistrictView::from(&d)))
}

/// Read a district.
///
/// One district education department; the `ETag` is its version.
#[utoipa::path(
    operation_id = "getDistrict",
    tag = tags::DISTRICTS,
    params(("id" = Uuid, Path, description = "District id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The district.", body = DistrictView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/districts/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let d = load(&state, &auth, &id, Action::Read).await?;
    Ok(versioned(&req, d.version, &DistrictView::from(&d)))
}

/// Update a district.
///
/// Administrators only. Send the `ETag` in `If-Match`; a stale one answers 412.
#[utoipa::path(
    operation_id = "updateDistrict",
    tag = tags::DISTRICTS,
    request_body = UpdateDistrictBody,
    params(("id" = Uuid, Path, description = "District id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = DistrictView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/districts/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdateDistrictBody>,
) -> Result<HttpResponse, ApiError> {
    let d = load(&state, &auth, &id, Action::UpdateDistrict).await?;
    let body = body.0;
    let mut check = Checker::default();
    let name = body.name.as_deref().map(|n| check.text("name", Name::parse(n)));
    let region = body.region.as_ref().map(|r| opt_name(&mut check, "region", r.as_deref()));
    check.finish()?;
    let patch = DistrictPatch { name: name.flatten(), region: region.flatten() };
    let d = state.store.update_district(d.id, if_match(&req), patch, &auth.audit("district updated")).await?;
    Ok(versioned(&req, d.version, &DistrictView::from(&d)))
}

/// Add a district methodologist.
///
/// Administrators only. Creates a login with the `district_methodologist` role, who reads
/// every school of the district.
#[utoipa::path(
    operation_id = "createMethodologist",
    tag = tags::DISTRICTS,
    request_body = NewPersonBody,
    params(("id" = Uuid, Path, description = "District id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created.", body = StaffView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/districts/{id}/methodologists")]
pub async fn create_methodologist(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<NewPersonBody>,
) -> Result<HttpResponse, ApiError> {
    let d = load(&state, &auth, &id, Action::ManageDistrictAccounts).await?;
    let mut check = Checker::default();
    let body = body.0;
    // A district's methodologist is nothing else, and teaches no school's subject.
    if body.role.as_deref().is_some_and(|r| r != Role::DistrictMethodologist.code()) {
        check.push("role", crate::problem::FieldErrorKind::InvalidValue);
    }
    if !body.subject_ids.is_empty() {
        check.push("subject_ids", crate::problem::FieldErrorKind::InvalidValue);
    }
    let new = body.check(&mut check, Affiliation::District(d.id), Role::DistrictMethodologist);
    check.finish()?;
    let (mut new, password) = checked(new)?;
    new.password_hash = state.hashing.hash(password).await?;
    let s = state.store.create_staff(new, &auth.audit("district methodologist created")).await?;
    Ok(created(format!("/api/v1/staff/{}", s.id), s.version, &StaffView::from(&s)))
}

/// A district's machine client.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAccountView {
    pub id: Uuid,
    /// Its district; null for a ministry account, which reads every district.
    pub district_id: Option<Uuid>,
    #[schema(example = "District reporting system")]
    pub name: String,
    /// The `client_id` of the `client_credentials` grant.
    #[schema(example = "oktyabr-reports")]
    pub client_id: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&ServiceAccount> for ServiceAccountView {
    fn from(a: &ServiceAccount) -> Self {
        Self {
            id: a.id.uuid(),
            district_id: a.district.map(DistrictId::uuid),
            name: a.name.to_string(),
            client_id: a.client_id.clone(),
            active: a.active,
            created_at: a.created_at,
        }
    }
}

/// A new service account and its secret, shown only this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedServiceAccount {
    pub id: Uuid,
    /// Its district; null for a ministry account.
    pub district_id: Option<Uuid>,
    #[schema(example = "District reporting system")]
    pub name: String,
    /// The `client_id` of the `client_credentials` grant.
    #[schema(example = "oktyabr-reports")]
    pub client_id: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// The secret for the `client_credentials` grant. Only its hash is kept: store it now.
    #[schema(example = "9c1e5d…")]
    pub client_secret: String,
}

/// The service accounts of a district.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAccountList {
    pub items: Vec<ServiceAccountView>,
}

/// A new service account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "District reporting system", "client_id": "oktyabr-reports"}))]
pub struct CreateServiceAccountBody {
    /// What the client is.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    /// 3–64 characters of `a-z 0-9 - _`, unique.
    #[schema(pattern = "^[a-z0-9_-]{3,64}$")]
    pub client_id: String,
}

/// List a district's service accounts.
///
/// The district's service accounts (client credentials of district systems); their secrets are
/// never shown again.
#[utoipa::path(
    operation_id = "listServiceAccounts",
    tag = tags::DISTRICTS,
    params(("id" = Uuid, Path, description = "District id")),
    responses(
        (status = 200, description = "The accounts.", body = ServiceAccountList),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/districts/{id}/service-accounts")]
pub async fn list_service_accounts(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let d = load(&state, &auth, &id, Action::ManageDistrictAccounts).await?;
    let items = state.store.list_service_accounts(Some(d.id)).await?;
    Ok(HttpResponse::Ok().json(ServiceAccountList { items: items.iter().map(ServiceAccountView::from).collect() }))
}

/// Create a service account for a district system.
///
/// Administrators only. The answer carries the `client_secret` once; only its hash is kept.
#[utoipa::path(
    operation_id = "createServiceAccount",
    tag = tags::DISTRICTS,
    request_body = CreateServiceAccountBody,
    params(("id" = Uuid, Path, description = "District id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created; the secret is shown only now.", body = CreatedServiceAccount),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/districts/{id}/service-accounts")]
pub async fn create_service_account(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateServiceAccountBody>,
) -> Result<HttpResponse, ApiError> {
    let d = load(&state, &auth, &id, Action::ManageDistrictAccounts).await?;
    new_service_account(&state, &auth, Some(d.id), body.0).await
}

/// Creates a service account of `district`, or of the ministry (`None`), answering its secret
/// once.
///
/// # Errors
/// 422 for a bad name or client id, 409 `client_id_taken`.
pub(crate) async fn new_service_account(
    state: &AppState,
    auth: &Auth,
    district: Option<DistrictId>,
    body: CreateServiceAccountBody,
) -> Result<HttpResponse, ApiError> {
    let mut check = Checker::default();
    let name = check.text("name", Name::parse(&body.name));
    let client_ok = (3..=64).contains(&body.client_id.len())
        && body.client_id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !client_ok {
        check.push("client_id", crate::problem::FieldErrorKind::InvalidFormat);
    }
    check.finish()?;
    let name = checked(name)?;
    let secret = crate::config::random_secret();
    let hash = state.hashing.hash(secret.clone()).await?;
    let a = state
        .store
        .create_service_account(district, name, body.client_id, hash, &auth.audit("service account created"))
        .await?;
    let view = ServiceAccountView::from(&a);
    let body = CreatedServiceAccount {
        id: view.id,
        district_id: view.district_id,
        name: view.name,
        client_id: view.client_id,
        active: view.active,
        created_at: view.created_at,
        client_secret: secret,
    };
    let location = match district {
        Some(d) => format!("/api/v1/districts/{d}/service-accounts"),
        None => "/api/v1/ministry/service-accounts".to_owned(),
    };
    Ok(HttpResponse::Created()
        .insert_header(("location", location))
        .insert_header(("cache-control", "no-store"))
        .json(body))
}
