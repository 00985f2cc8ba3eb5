//! The councils: the pedagogical council is the whole pedagogical staff; the
//! methodological council its office holders as the deputy adjusts them.

use super::dto::{CouncilMemberBody, CouncilView, YearQuery};
use super::school;
use crate::auth::Auth;
use crate::extract::{ValidJson, lang, path_id};
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::Utc;
use usul_domain::ids::StaffId;
use usul_domain::lang::Lang;
use usul_domain::meeting::seating::{SeatRequest, may_read_school, seat_on_council, unseat_from_council};
use usul_domain::meeting::{BodyKind, Seat};
use usul_domain::org::School;
use usul_domain::year::AcademicYear;

/// The methodological council of a year, as seated now.
async fn council_view(
    state: &AppState,
    school: &School,
    year: AcademicYear,
    language: Lang,
) -> Result<CouncilView, ApiError> {
    let seats = state.store.council_seats(school.id, year).await?;
    let people = state.store.staff_by_ids(&seats.iter().map(|(s, _)| *s).collect::<Vec<_>>()).await?;
    Ok(CouncilView::new(BodyKind::MethodologicalCouncil, Some(year), &people, &seats, language))
}

/// The pedagogical council.
///
/// Every active member of the school's pedagogical staff.
#[utoipa::path(
    operation_id = "getPedagogicalCouncil",
    tag = tags::COUNCILS,
    params(("id" = Uuid, Path, description = "School id")),
    responses(
        (status = 200, description = "The council.", body = CouncilView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/councils/pedagogical")]
pub async fn pedagogical_council(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let school = school(&state, &id).await?;
    may_read_school(&auth.actor, &school)?;
    let people = state.store.active_school_staff(school.id).await?;
    let seats: Vec<(StaffId, Seat)> = people.iter().map(|p| (p.id, Seat::ByOffice)).collect();
    let view = CouncilView::new(BodyKind::PedagogicalCouncil, None, &people, &seats, lang(&req));
    Ok(HttpResponse::Ok().json(view))
}

/// The methodological council of a year.
///
/// By default the director, the deputy and the heads of approved commissions; the deputy adds
/// or removes members.
#[utoipa::path(
    operation_id = "getMethodologicalCouncil",
    tag = tags::COUNCILS,
    params(("id" = Uuid, Path, description = "School id"), YearQuery),
    responses(
        (status = 200, description = "The council.", body = CouncilView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/councils/methodological")]
pub async fn methodological_council_read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school(&state, &id).await?;
    may_read_school(&auth.actor, &school)?;
    let year = q.or_current(Utc::now().date_naive())?;
    Ok(HttpResponse::Ok().json(council_view(&state, &school, year, lang(&req)).await?))
}

/// Add a member to the methodological council.
///
/// Seats a person on the methodological council of the year named in the body, beside the
/// members it has by their posts; answers the council as it is now.
#[utoipa::path(
    operation_id = "addMethodologicalCouncilMember",
    tag = tags::COUNCILS,
    request_body = CouncilMemberBody,
    params(("id" = Uuid, Path, description = "School id")),
    responses(
        (status = 200, description = "The council now.", body = CouncilView),
        crate::openapi::WriteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/councils/methodological/members")]
pub async fn council_add(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CouncilMemberBody>,
) -> Result<HttpResponse, ApiError> {
    let school = school(&state, &id).await?;
    let request = SeatRequest::from(body.0);
    let people = state.store.staff_by_ids(&[request.staff_id]).await?;
    let change = seat_on_council(&auth.actor, &school, &request, &people)?;
    state.store.set_council_override(&school, change, &auth.audit(change.summary())).await?;
    Ok(HttpResponse::Ok().json(council_view(&state, &school, change.year, lang(&req)).await?))
}

/// Remove a member from the methodological council.
///
/// Unseats a person from the methodological council of the year (`year`, default the
/// current one); answers the council as it is now.
#[utoipa::path(
    operation_id = "removeMethodologicalCouncilMember",
    tag = tags::COUNCILS,
    params(("id" = Uuid, Path, description = "School id"), ("staff_id" = Uuid, Path, description = "The member"), YearQuery),
    responses(
        (status = 200, description = "The council now.", body = CouncilView),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[delete("/schools/{id}/councils/methodological/members/{staff_id}")]
pub async fn council_remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    q: query::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let (raw_school, raw_staff) = path.into_inner();
    let school = school(&state, &raw_school).await?;
    let staff = StaffId::from_uuid(path_id("staff_id", &raw_staff)?);
    let year = q.or_current(Utc::now().date_naive())?;
    let seats = state.store.council_seats(school.id, year).await?;
    let change = unseat_from_council(&auth.actor, &school, year, staff, &seats)?;
    state.store.set_council_override(&school, change, &auth.audit(change.summary())).await?;
    Ok(HttpResponse::Ok().json(council_view(&state, &school, year, lang(&req)).await?))
}
