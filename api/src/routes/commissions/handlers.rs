//! The commission's own handlers: list, draft, read and edit it, appoint its head, approve and
//! dissolve it by order. Each parses, loads what the command needs, lets the domain
//! decide, saves and answers.

use super::dto::{
    CommissionList, CommissionQuery, CommissionView, CommissionWithOrder, CreateCommissionBody, HeadBody, OrderActBody,
    UpdateCommissionBody,
};
use super::{case, commission_and_school, save};
use crate::auth::Auth;
use crate::extract::{ValidJson, lang, path_id};
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query;
use crate::routes::{created, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use usul_domain::commission::command::{CommissionChange, DraftRequest, EditRequest, OrderRequest, draft, may_read};
use usul_domain::ids::{CommissionId, SchoolId, StaffId};

/// List a school's commissions.
///
/// The school's commissions, a page at a time; filter by academic `year` and `status`.
#[utoipa::path(
    operation_id = "listCommissions",
    tag = tags::COMMISSIONS,
    params(("id" = Uuid, Path, description = "School id"), CommissionQuery, ("Accept-Language" = Option<String>, Header, description = "`ky`, `ru` or `en` for `status_label`.")),
    responses(
        (status = 200, description = "A page of commissions.", body = CommissionList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/commissions")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<CommissionQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = state.store.get_school(SchoolId::from_uuid(path_id("id", &id)?)).await?.ok_or(ApiError::NotFound)?;
    may_read(&auth.actor, &school)?;
    let paging = query::paging(q.limit, q.cursor);
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let filter = usul_persistence::CommissionFilter { updated_since: sync.since, ..q.filter() };
    let page = state.store.list_commissions(school.id, filter, paging.request()).await?;
    let mut list = CommissionList::new(&page, lang(&req));
    (list.sync_token, list.deleted) =
        (sync_token, sync.deleted(&state, "commissions", Some(school.id.uuid()), None).await?);
    Ok(HttpResponse::Ok().json(list))
}

/// Draft a commission.
///
/// The deputy or the director puts a commission together for a year: its subject (or related
/// subjects) and members. It is approved later by the director's order.
#[utoipa::path(
    operation_id = "createCommission",
    tag = tags::COMMISSIONS,
    request_body = CreateCommissionBody,
    params(("id" = Uuid, Path, description = "School id"), crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created as a draft.", body = CommissionView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/commissions")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<CreateCommissionBody>,
) -> Result<HttpResponse, ApiError> {
    let school = SchoolId::from_uuid(path_id("id", &id)?);
    let request = DraftRequest::from(body.0);
    let case = state.store.draft_case(school, &request.member_ids, &request.subject_ids).await?;
    let case = case.ok_or(ApiError::NotFound)?;
    let new = draft(&auth.actor, &case.school, &request, case.named())?;
    let c = state.store.create_commission(&case.school, &new, &auth.audit(CommissionChange::Drafted.summary())).await?;
    Ok(created(format!("/api/v1/commissions/{}", c.id), c.version, &CommissionView::new(&c, lang(&req))))
}

/// Read a commission.
///
/// One commission with its subjects, head and members; the `ETag` is its version.
#[utoipa::path(
    operation_id = "getCommission",
    tag = tags::COMMISSIONS,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The commission.", body = CommissionView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/commissions/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (c, school) = commission_and_school(&state, &id).await?;
    may_read(&auth.actor, &school)?;
    Ok(versioned(&req, c.version, &CommissionView::new(&c, lang(&req))))
}

/// Edit a draft commission.
///
/// Name, subjects and members change freely while it is a draft; after approval members change
/// only by order (`POST /commissions/{id}/members`), and the rest answers 409.
#[utoipa::path(
    operation_id = "updateCommission",
    tag = tags::COMMISSIONS,
    request_body = UpdateCommissionBody,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = CommissionView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/commissions/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdateCommissionBody>,
) -> Result<HttpResponse, ApiError> {
    let request = EditRequest::from(body.0);
    let (staff, subjects) = (request.member_ids.as_deref(), request.subject_ids.as_deref());
    let case = case(&state, &id, staff.unwrap_or_default(), subjects.unwrap_or_default()).await?;
    let (after, change) = case.commission.edit(&auth.actor, &case.school, &request, case.named())?;
    let (c, _) = save(&state, &req, &auth, &case, &after, &change).await?;
    Ok(versioned(&req, c.version, &CommissionView::new(&c, lang(&req))))
}

/// Appoint the head.
///
/// The director appoints the head from the members; the head needs at least the school's
/// minimum years of experience (R-3.2.2c, a school setting, default 5). The head of an
/// approved commission gains the head's rights over it (its meetings).
#[utoipa::path(
    operation_id = "appointCommissionHead",
    tag = tags::COMMISSIONS,
    request_body = HeadBody,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Appointed.", body = CommissionView, headers(("ETag" = String))),
        crate::openapi::RuledChangeErrors,
        (status = 422, description = "`head_not_eligible` with one entry in `errors` whose `code` is `not_member`, `inactive` or `too_little_experience` (with `have` and `need` years), `rule` R-3.2.2c; or a validation problem.", body = crate::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[put("/commissions/{id}/head")]
pub async fn appoint_head(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<HeadBody>,
) -> Result<HttpResponse, ApiError> {
    let candidate = StaffId::from_uuid(body.0.staff_id);
    let case = case(&state, &id, &[candidate], &[]).await?;
    let (after, change) = case.commission.appoint_head(&auth.actor, &case.school, candidate, &case.people)?;
    let (c, _) = save(&state, &req, &auth, &case, &after, &change).await?;
    Ok(versioned(&req, c.version, &CommissionView::new(&c, lang(&req))))
}

/// Approve a commission by order.
///
/// The director's act (R-3.2.2d), recorded as a school order. Refused with 422
/// `commission_not_approvable` unless three or more members teach one of its subjects
/// (R-3.2.2a: the refusal says how many qualify and which members do not) and an eligible head
/// is appointed (R-3.2.2c). Approving twice answers 409; of two simultaneous approvals one
/// succeeds and the other answers 412.
#[utoipa::path(
    operation_id = "approveCommission",
    tag = tags::COMMISSIONS,
    request_body = OrderActBody,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfMatch, crate::openapi::IdempotencyKey),
    responses(
        (status = 200, description = "Approved; the order is recorded.", body = CommissionWithOrder),
        crate::openapi::RuledChangeErrors,
        (status = 422, description = "`commission_not_approvable` with `errors` (`too_few_qualified_members` with `have`, `need` and `staff_ids`; `inactive_member`; `no_head`; `head_not_eligible`; `not_draft`), each with its `rule`; or a validation problem.", body = crate::problem::Problem, content_type = "application/problem+json",
            example = json!({"type": "urn:usul:problem:commission_not_approvable", "title": "The commission cannot be approved", "status": 422,
                "detail": "2 members teach one of its subjects; 3 are needed.", "code": "commission_not_approvable",
                "errors": [{"code": "too_few_qualified_members", "message": "Too few members teach the commission's subjects", "field": "member_ids", "rule": "R-3.2.2a", "have": 2, "need": 3, "staff_ids": ["01a2153e-6f02-75e8-ab76-f3d21fc243e7"]}]})),
    ),
    security(("bearer" = [])),
)]
#[post("/commissions/{id}/approve")]
pub async fn approve(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<OrderActBody>,
) -> Result<HttpResponse, ApiError> {
    let id = CommissionId::from_uuid(path_id("id", &id)?);
    let case = state.store.commission_case_with_members(id).await?.ok_or(ApiError::NotFound)?;
    let order = OrderRequest::from(body.0.order);
    let (after, change) = case.commission.approve(&auth.actor, &case.school, &order, &case.people, lang(&req))?;
    let (c, order) = save(&state, &req, &auth, &case, &after, &change).await?;
    let order = order.ok_or_else(|| ApiError::bug("an approval without its order"))?;
    Ok(versioned(&req, c.version, &CommissionWithOrder::new(&c, &order, lang(&req))))
}

/// Dissolve a commission by order.
///
/// The director's act, recorded as a school order; every membership ends on its date.
#[utoipa::path(
    operation_id = "dissolveCommission",
    tag = tags::COMMISSIONS,
    request_body = OrderActBody,
    params(("id" = Uuid, Path, description = "Commission id"), crate::openapi::IfMatch, crate::openapi::IdempotencyKey),
    responses(
        (status = 200, description = "Dissolved; the order is recorded.", body = CommissionWithOrder),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/commissions/{id}/dissolve")]
pub async fn dissolve(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<OrderActBody>,
) -> Result<HttpResponse, ApiError> {
    let case = case(&state, &id, &[], &[]).await?;
    let order = OrderRequest::from(body.0.order);
    let (after, change) = case.commission.dissolve(&auth.actor, &case.school, &order, lang(&req))?;
    let (c, order) = save(&state, &req, &auth, &case, &after, &change).await?;
    let order = order.ok_or_else(|| ApiError::bug("a dissolution without its order"))?;
    Ok(versioned(&req, c.version, &CommissionWithOrder::new(&c, &order, lang(&req))))
}
