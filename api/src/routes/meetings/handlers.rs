//! Meetings and their minutes: list, schedule, read, write, hold, finalize and
//! print. Each handler parses, loads what the command needs, lets the domain decide, saves and
//! answers.

use super::dto::{CreateMeetingBody, DocumentQuery, MeetingList, MeetingQuery, MeetingView, UpdateMeetingBody};
use super::{as_listed, case, save, school, scope};
use crate::auth::Auth;
use crate::extract::{ValidJson, lang};
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query;
use crate::routes::{created, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use usul_domain::ids::CommissionId;
use usul_domain::meeting::command::{MeetingChange, MinutesRequest, ScheduleRequest, schedule};
use usul_domain::meeting::seating::may_read_school;

/// List a school's meetings.
///
/// Members see their bodies' meetings; the director, the deputy and district users see all.
#[utoipa::path(
    operation_id = "listMeetings",
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "School id"), MeetingQuery),
    responses(
        (status = 200, description = "A page of meetings.", body = MeetingList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/meetings")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<MeetingQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school(&state, &id).await?;
    may_read_school(&auth.actor, &school)?;
    let scope = scope(&state, &auth, &school).await?;
    let paging = query::paging(q.limit, q.cursor);
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let filter = usul_persistence::MeetingFilter { updated_since: sync.since, ..q.filter() };
    let page = state.store.list_meetings(school.id, &filter, &scope, paging.request()).await?;
    let commissions: Vec<CommissionId> = page.items.iter().filter_map(|m| m.body.commission()).collect();
    let names = state.store.names_of_commissions(&commissions).await?;
    let mut list = MeetingList::new(&page, &names, lang(&req));
    (list.sync_token, list.deleted) =
        (sync_token, sync.deleted(&state, "meetings", Some(school.id.uuid()), None).await?);
    Ok(HttpResponse::Ok().json(list))
}

/// Schedule a meeting.
///
/// The deputy schedules the councils' meetings, a head their approved commission's, the
/// director any. Every member of the body is listed in `attendance`, marked `absent` until
/// the minutes say otherwise.
#[utoipa::path(
    operation_id = "createMeeting",
    tag = tags::MEETINGS,
    request_body = CreateMeetingBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Scheduled.", body = MeetingView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/meetings")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateMeetingBody>,
) -> Result<HttpResponse, ApiError> {
    let school = school(&state, &id).await?;
    let request = ScheduleRequest::from(body.0);
    let seating = match request.target(&school) {
        Some((body, year)) => state.store.seating(&school, body, year, request.date).await?,
        None => None,
    };
    let new = schedule(&auth.actor, &school, &request, seating.as_ref())?;
    let m = state.store.create_meeting(&school, &new, &auth.audit(MeetingChange::Scheduled.summary())).await?;
    let label = seating.map(|s| s.label(lang(&req))).unwrap_or_default();
    Ok(created(format!("/api/v1/meetings/{}", m.id), m.version, &MeetingView::new(&m, label, lang(&req))))
}

/// Read a meeting and its minutes.
///
/// One meeting of a body with its status, attendance and minutes; the `ETag` is its version.
#[utoipa::path(
    operation_id = "getMeeting",
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "Meeting id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The meeting.", body = MeetingView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/meetings/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = case(&state, &id, &[], None).await?;
    case.seating.may_read(&auth.actor, &case.school)?;
    let m = &as_listed(&case);
    Ok(versioned(&req, m.version, &MeetingView::new(m, case.seating.label(lang(&req)), lang(&req))))
}

/// Write the minutes.
///
/// Date, title, agenda, attendance (`present`, `absent`, `excused` for members of the body),
/// decisions, notes, chair and secretary. Finalized minutes are read-only: 409
/// `minutes_finalized`. A held meeting keeps its date, which its protocol number follows (422
/// `meeting_date_fixed`, R-5.3).
#[utoipa::path(
    operation_id = "updateMeeting",
    tag = tags::MEETINGS,
    request_body = UpdateMeetingBody,
    params(("id" = Uuid, Path, description = "Meeting id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = MeetingView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/meetings/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdateMeetingBody>,
) -> Result<HttpResponse, ApiError> {
    let request = MinutesRequest::from(body.0);
    let case = case(&state, &id, &request.responsible(), request.date).await?;
    let (after, change) = case.meeting.edit(&auth.actor, &case.school, &case.seating, &request, &case.people)?;
    let m = save(&state, &req, &auth, &case, &after, change).await?;
    Ok(versioned(&req, m.version, &MeetingView::new(&m, case.seating.label(lang(&req)), lang(&req))))
}

/// Mark a meeting as held.
///
/// A scheduled meeting is marked held, after which its minutes can be finalized; a meeting
/// in another state answers 422 `meeting_wrong_state`. Holding gives the protocol number:
/// 1, 2, 3 … per body and academic year in the order of the meetings' dates, with no gap and no
/// duplicate however many servers hold at once. A meeting dated before one of the same body
/// and year that was already held answers 422 `meeting_held_out_of_order` (its `latest_held`
/// names that meeting's number and date): hold meetings in the order they took place. From then
/// on the meeting's date is fixed (`meeting_date_fixed`).
#[utoipa::path(
    operation_id = "holdMeeting",
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "Meeting id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Held.", body = MeetingView, headers(("ETag" = String))),
        (status = 422, description = "`meeting_wrong_state` with `meeting_status`, or `meeting_held_out_of_order` (rule R-5.3) with `latest_held`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/meetings/{id}/hold")]
pub async fn hold(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = case(&state, &id, &[], None).await?;
    let (after, change) = case.meeting.hold(&auth.actor, &case.school, &case.seating)?;
    let m = save(&state, &req, &auth, &case, &after, change).await?;
    Ok(versioned(&req, m.version, &MeetingView::new(&m, case.seating.label(lang(&req)), lang(&req))))
}

/// Finalize the minutes.
///
/// Keeps the protocol number given when the meeting was held, records the quorum, and
/// makes the minutes read-only. A meeting held before numbers were given at holding is
/// numbered now, under the same rule of dates. Needs a held meeting with an agenda, a decision, a chair and a
/// secretary (422 `minutes_incomplete` lists what is missing).
#[utoipa::path(
    operation_id = "finalizeMeeting",
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "Meeting id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Finalized with its protocol number.", body = MeetingView, headers(("ETag" = String))),
        (status = 422, description = "`minutes_incomplete` with an `errors` entry `required` (rule R-5.3) for each missing `field` (`agenda`, `decisions`, `chair_id`, `secretary_id`), or `meeting_wrong_state` with `meeting_status`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/meetings/{id}/finalize")]
pub async fn finalize(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = case(&state, &id, &[], None).await?;
    let (after, change) = case.meeting.finalize(&auth.actor, &case.school, &case.seating)?;
    let m = save(&state, &req, &auth, &case, &after, change).await?;
    Ok(versioned(&req, m.version, &MeetingView::new(&m, case.seating.label(lang(&req)), lang(&req))))
}

/// The minutes as a printable page.
///
/// An HTML page in Kyrgyz or Russian, laid out for A4: the school, the body, the protocol
/// number and date, who was present and absent, the agenda, the decisions, and the chair's and
/// secretary's signature lines.
#[utoipa::path(
    operation_id = "getMeetingDocument",
    tag = tags::MEETINGS,
    params(("id" = Uuid, Path, description = "Meeting id"), DocumentQuery),
    responses(
        (status = 200, description = "The minutes: an HTML page, or with `Accept: application/pdf` the same page as an A4 PDF (fonts embedded).", content((String = "text/html; charset=utf-8"), (Vec<u8> = "application/pdf"))),
        crate::openapi::DocumentErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/meetings/{id}/document")]
pub async fn document(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<DocumentQuery>,
) -> Result<HttpResponse, ApiError> {
    let language = crate::extract::document_lang(q.lang.as_deref())?;
    let format = crate::documents::format(&req)?;
    let case = case(&state, &id, &[], None).await?;
    case.seating.may_read(&auth.actor, &case.school)?;
    let m = &as_listed(&case);
    let people = state.store.staff_by_ids(&m.people()).await?;
    let html = crate::documents::minutes(m, &case.school, &case.seating.label(language), &people, language);
    crate::documents::respond(format, html, language, format!("minutes-{}", m.id)).await
}
