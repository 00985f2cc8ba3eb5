//! The district's own methodological support: its events and visits to schools.

use crate::auth::Auth;
use crate::extract::{ValidJson, path_id};
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query::{Query, Year};
use crate::routes::records::{RequiredYear, invalid};
use crate::routes::{allow, created};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{DistrictId, SchoolId, SupportEventId};
use usul_domain::policy::{Action, Resource, person};
use usul_domain::support::{SchoolParticipants, SupportEvent, SupportInput, record_support};
use utoipa::ToSchema;
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_support_event).service(list_support_events);
}

/// Teachers of one school who took part.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchoolParticipantsBody {
    pub school_id: Uuid,
    /// 1–1000.
    #[schema(minimum = 1, maximum = 1000, example = 6)]
    pub teachers: u32,
}

/// A district event or visit to schools.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "date": "2023-02-10", "form": "practical_seminar", "topic": "Функционалдык сабаттуулукту калыптандыруу",
    "school_ids": ["0190d3c2-7a51-7c3e-9b1a-3f5e2d8c4b01"],
    "participants": [{"school_id": "0190d3c2-7a51-7c3e-9b1a-3f5e2d8c4b01", "teachers": 6}]
}))]
pub struct CreateSupportEventBody {
    /// The day it took place; not in the future.
    pub date: NaiveDate,
    /// A catalogue form (`practical_seminar`, `master_class`, `scientific_conference`…), or
    /// `school_visit` / `methodological_visit` for a visit to schools.
    #[schema(example = "school_visit")]
    pub form: String,
    /// 1–500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub topic: String,
    /// The district's schools it served or visited, at least one, each once.
    pub school_ids: Vec<Uuid>,
    /// How many teachers came from which of the district's schools.
    #[serde(default)]
    pub participants: Vec<SchoolParticipantsBody>,
}

/// A district's methodological event or visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportEventView {
    pub id: Uuid,
    pub district_id: Uuid,
    pub date: NaiveDate,
    #[schema(example = "2022-2023")]
    pub year: String,
    #[schema(example = "practical_seminar")]
    pub form: String,
    pub topic: String,
    pub school_ids: Vec<Uuid>,
    pub participants: Vec<SchoolParticipantsBody>,
    /// Teachers of all schools together.
    pub teachers: u32,
    pub recorded_by: Option<Uuid>,
}

impl From<&SupportEvent> for SupportEventView {
    fn from(e: &SupportEvent) -> Self {
        Self {
            id: e.id.uuid(),
            district_id: e.district.uuid(),
            date: e.on,
            year: e.year.to_string(),
            form: e.form.clone(),
            topic: e.topic.clone(),
            school_ids: e.schools.iter().map(|s| s.uuid()).collect(),
            participants: e
                .participants
                .iter()
                .map(|p| SchoolParticipantsBody { school_id: p.school.uuid(), teachers: p.teachers })
                .collect(),
            teachers: e.participants.iter().map(|p| p.teachers).sum(),
            recorded_by: e.recorded_by.map(|s| s.uuid()),
        }
    }
}

/// A district's events and visits of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportEventList {
    pub items: Vec<SupportEventView>,
}

/// Record a district event or visit to schools.
///
/// the district's methodological centre organises work with teachers. Its methodologist
/// records an event (a seminar, a master class, a conference) or a visit: date, form, topic,
/// the schools it served, and how many teachers came from which school. The district summary
/// and each school's report show the support received. Another district is 404; anyone but the
/// district's methodologists 403. Every problem of the body — an unknown form, a future date,
/// a school not of the district, a school named twice, a count out of range — answers 422.
#[utoipa::path(
    operation_id = "createSupportEvent",
    tag = tags::DISTRICTS,
    request_body = CreateSupportEventBody,
    params(("id" = Uuid, Path, description = "District id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Recorded.", body = SupportEventView, headers(("Location" = String))),
        crate::openapi::WriteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/districts/{id}/support-events")]
pub async fn create_support_event(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateSupportEventBody>,
) -> Result<HttpResponse, ApiError> {
    let district = DistrictId::from_uuid(path_id("id", &id)?);
    state.store.get_district(district).await?.ok_or(ApiError::NotFound)?;
    allow(&auth, Action::RecordDistrictSupport, Resource::District(district))?;
    let schools: Vec<SchoolId> = state.store.district_schools(district).await?;
    let b = body.0;
    let input = SupportInput {
        on: b.date,
        form: b.form,
        topic: b.topic,
        schools: b.school_ids.into_iter().map(SchoolId::from_uuid).collect(),
        participants: b
            .participants
            .into_iter()
            .map(|p| SchoolParticipants { school: SchoolId::from_uuid(p.school_id), teachers: p.teachers })
            .collect(),
    };
    let e = record_support(district, &schools, input, (SupportEventId::new(), person(&auth.actor), Utc::now()))
        .map_err(invalid)?;
    let e = state.store.create_support_event(&e, &auth.audit("district support event recorded")).await?;
    Ok(created(format!("/api/v1/districts/{district}/support-events?year={}", e.year), 1, &SupportEventView::from(&e)))
}

/// List a district's events and visits of a year.
///
/// For the district's people, the ministry and the schools of the district.
#[utoipa::path(
    operation_id = "listSupportEvents",
    tag = tags::DISTRICTS,
    params(("id" = Uuid, Path, description = "District id"), RequiredYear),
    responses(
        (status = 200, description = "The events, by date.", body = SupportEventList),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/districts/{id}/support-events")]
pub async fn list_support_events(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: Query<RequiredYear>,
) -> Result<HttpResponse, ApiError> {
    let district = DistrictId::from_uuid(path_id("id", &id)?);
    state.store.get_district(district).await?.ok_or(ApiError::NotFound)?;
    allow(&auth, Action::Read, Resource::District(district))?;
    let year = Year::required(q.year)?;
    let items = state.store.list_support_events(district, year).await?;
    Ok(HttpResponse::Ok().json(SupportEventList { items: items.iter().map(SupportEventView::from).collect() }))
}
