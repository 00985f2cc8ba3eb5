//! A commission's membership: read as of a date, and changed — freely while a draft, by the
//! director's order once approved (R-3.2.2d).

use super::dto::{AddMembersBody, CommissionWithOrderOrNot, MembersQuery, MembersView, RemovalBody, RemovalQuery};
use super::{case, commission_and_school, save};
use crate::auth::Auth;
use crate::extract::{ValidJson, lang, path_id};
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query;
use crate::routes::versioned;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::Utc;
use usul_domain::commission::command::{AddMembersRequest, may_read};
use usul_domain::ids::StaffId;

/// The members of a commission as of a date, and its membership history.
///
/// R-3.2.2d: every change is recorded with its order, so the list can be read as of any date.
#[utoipa::path(
    operation_id = "listCommissionMembers",
    tag = tags::COMMISSIONS,
    params(("id" = Uuid, Path, description = "Commission id"), MembersQuery),
    responses(
        (status = 200, description = "The members as of the date.", body = MembersView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/commissions/{id}/members")]
pub async fn members(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<MembersQuery>,
) -> Result<HttpResponse, ApiError> {
    let (c, school) = commission_and_school(&state, &id).await?;
    may_read(&auth.actor, &school)?;
    let as_of = q.as_of.map_or_else(|| Utc::now().date_naive(), |d| d.0);
    let stints = state.store.commission_memberships(c.id).await?;
    let sitting = c.sitting_on(&stints, as_of);
    let people = state.store.staff_by_ids(&sitting.iter().map(|m| m.staff).collect::<Vec<_>>()).await?;
    Ok(HttpResponse::Ok().json(MembersView::new(&c, &stints, &sitting, &people, as_of)))
}

/// Add members.
///
/// To a draft: at once, by the deputy or the director. To an approved commission: only by the
/// director's order (R-3.2.2d) — send `order`; without it the answer is 422 `order_required`.
#[utoipa::path(
    operation_id = "addCommissionMembers",
    tag = tags::COMMISSIONS,
    request_body = AddMembersBody,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfMatch, crate::openapi::IdempotencyKey),
    responses(
        (status = 200, description = "The commission with its new members; `order` is set when one was recorded.", body = CommissionWithOrderOrNot),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/commissions/{id}/members")]
pub async fn add_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<AddMembersBody>,
) -> Result<HttpResponse, ApiError> {
    let request = AddMembersRequest::from(body.0);
    let case = case(&state, &id, &request.staff_ids, &[]).await?;
    let (after, change) = case.commission.add_members(&auth.actor, &case.school, &request, case.named(), lang(&req))?;
    let (c, order) = save(&state, &req, &auth, &case, &after, &change).await?;
    Ok(versioned(&req, c.version, &CommissionWithOrderOrNot::new(&c, order.as_ref(), lang(&req))))
}

/// Remove a member.
///
/// From a draft: at once. From an approved commission: only by the director's order — give
/// `order_number` and `order_date` (R-3.2.2d), or use `POST …/members/{staff_id}/removal`,
/// which takes the order in the body as an addition does. The head cannot be removed; appoint
/// another head first (409 `head_cannot_leave`).
#[utoipa::path(
    operation_id = "removeCommissionMember",
    tag = tags::COMMISSIONS,
    params(("id" = Uuid, Path, description = "Commission id"), ("staff_id" = Uuid, Path, description = "The member"), RemovalQuery, crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The commission without the member.", body = CommissionWithOrderOrNot),
        (status = 422, response = crate::openapi::ValidationFailed),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[delete("/commissions/{id}/members/{staff_id}")]
pub async fn remove_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    q: query::Query<RemovalQuery>,
) -> Result<HttpResponse, ApiError> {
    let (raw_id, raw_staff) = path.into_inner();
    let request = q.0.request(StaffId::from_uuid(path_id("staff_id", &raw_staff)?));
    let case = case(&state, &raw_id, &[], &[]).await?;
    let (after, change) = case.commission.remove_member(&auth.actor, &case.school, &request, lang(&req))?;
    let (c, order) = save(&state, &req, &auth, &case, &after, &change).await?;
    Ok(versioned(&req, c.version, &CommissionWithOrderOrNot::new(&c, order.as_ref(), lang(&req))))
}

/// Remove a member by order.
///
/// The order is passed as when members are added: `{"order": {"number", "date"}}` in the body,
/// required once the commission is approved (422 `order_required` without it, R-3.2.2d); a
/// draft's member leaves at once. The head cannot be removed; appoint another head first (409
/// `head_cannot_leave`). The same removal as `DELETE …/members/{staff_id}` with the order in
/// the query.
#[utoipa::path(
    operation_id = "removeCommissionMemberByOrder",
    tag = tags::COMMISSIONS,
    request_body = RemovalBody,
    params(("id" = Uuid, Path, description = "Commission id"), ("staff_id" = Uuid, Path, description = "The member"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The commission without the member, and the order when one was given.", body = CommissionWithOrderOrNot),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/commissions/{id}/members/{staff_id}/removal")]
pub async fn remove_member_by_order(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: ValidJson<RemovalBody>,
) -> Result<HttpResponse, ApiError> {
    let (raw_id, raw_staff) = path.into_inner();
    let staff = StaffId::from_uuid(path_id("staff_id", &raw_staff)?);
    let order_sent = body.0.order.is_some();
    let request = body.0.request(staff);
    let case = case(&state, &raw_id, &[], &[]).await?;
    let (after, change) = case
        .commission
        .remove_member(&auth.actor, &case.school, &request, lang(&req))
        .map_err(|e| super::errors::removal_refusal(e, order_sent))?;
    let (c, order) = save(&state, &req, &auth, &case, &after, &change).await?;
    Ok(versioned(&req, c.version, &CommissionWithOrderOrNot::new(&c, order.as_ref(), lang(&req))))
}
