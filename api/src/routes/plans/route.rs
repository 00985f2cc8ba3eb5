//! The moves along a plan's approval route — submit, withdraw, review, agree, approve, return —
//! and its new versions: an amendment, next year's copy.

use super::dto::{PlanView, ReturnBody, ReviewBody, StepBody, WithdrawBody};
use super::{load, record, respond_created};
use crate::auth::Auth;
use crate::extract::{OptionalJson, ValidJson};
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{NaiveDate, Utc};
use usul_domain::decision::Dated;
use usul_domain::ids::MeetingId;
use usul_domain::plan::StepKind;

/// Takes the plan's next step if it is `kind` and the caller's (review cites a meeting).
async fn step(
    req: &HttpRequest,
    state: &AppState,
    auth: &Auth,
    raw: &str,
    kind: StepKind,
    (remark, cited, decided_on): (Option<String>, Option<MeetingId>, Option<NaiveDate>),
) -> Result<HttpResponse, ApiError> {
    let l = load(state, auth, raw).await?;
    let meeting = match cited {
        Some(m) => state.store.get_meeting(m).await?,
        None => None,
    };
    let when = Dated::on(decided_on, Utc::now().date_naive());
    let t = l.plan.take_step(kind, l.actor(), meeting.as_ref(), remark.as_deref(), when)?;
    record(req, state, auth, l, t).await
}

/// Submit a draft.
///
/// The drafter sends it along its route. Every problem is listed at once (422
/// `plan_incomplete`): each item needs a deadline and a responsible person; an
/// individual plan needs the teacher's own theme and the school year's theme; a
/// commission's plan needs an approved commission.
#[utoipa::path(
    operation_id = "submitPlan",
    tag = tags::PLANS,
    request_body(content = Option<StepBody>),
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Submitted.", body = PlanView, headers(("ETag" = String))),
        (status = 422, description = "`plan_incomplete` with `errors`, each with its `code` (`no_items`, `no_deadline`, `no_responsible`, `no_personal_theme`, `no_school_theme`, `commission_not_approved`), `rule`, `field` and, for an item, `item` (its position).", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::RuledChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/submit")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: OptionalJson<StepBody>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    let b = body.0.unwrap_or_default();
    let when = Dated::on(b.decided_on, Utc::now().date_naive());
    let t = l.plan.submit(l.actor(), l.around.context, b.comment.as_deref(), when)?;
    record(&req, &state, &auth, l, t).await
}

/// Withdraw a submission before its first step.
///
/// The drafter takes a submitted plan back to draft while no step of its route has been taken yet
/// afterwards the answer is 409 `transition_not_allowed` with the `allowed` actions.
/// Takes no body (an empty object at most): a `decided_on` or a comment is refused.
#[utoipa::path(
    operation_id = "withdrawPlan",
    tag = tags::PLANS,
    request_body(content = Option<WithdrawBody>),
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Back to draft.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/withdraw")]
pub async fn withdraw(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    _nothing: OptionalJson<WithdrawBody>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    let t = l.plan.withdraw(l.actor())?;
    record(&req, &state, &auth, l, t).await
}

/// Record a review.
///
/// The reviewing body's step (the methodological council for the unified plan, the commission
/// for its plan, the pedagogical council for its plan), recorded by whoever runs the body's
/// meetings and citing a held or finalized meeting of that body, whose protocol number and
/// date then stand on the plan.
#[utoipa::path(
    operation_id = "reviewPlan",
    tag = tags::PLANS,
    request_body = ReviewBody,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Reviewed.", body = PlanView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed` with the `allowed` actions.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/review")]
pub async fn review(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<ReviewBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let cited = Some(MeetingId::from_uuid(b.meeting_id));
    step(&req, &state, &auth, &id, StepKind::Review, (b.comment, cited, b.decided_on)).await
}

/// Agree a plan.
///
/// The deputy agrees a commission's plan; a head of a commission the teacher sits on (the
/// deputy if none) agrees an individual plan.
#[utoipa::path(
    operation_id = "agreePlan",
    tag = tags::PLANS,
    request_body(content = Option<StepBody>),
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan after the step.", body = PlanView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed` with the `allowed` actions, or `plan_already_approved`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/agree")]
pub async fn agree(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: OptionalJson<StepBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0.unwrap_or_default();
    step(&req, &state, &auth, &id, StepKind::Agree, (b.comment, None, b.decided_on)).await
}

/// Approve a plan.
///
/// The last step: the director approves the unified, commission and pedagogical council plans,
/// the deputy individual plans. The approved version is frozen; an earlier approved version of
/// the same lineage becomes `superseded`.
#[utoipa::path(
    operation_id = "approvePlan",
    tag = tags::PLANS,
    request_body(content = Option<StepBody>),
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan after the step.", body = PlanView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed` with the `allowed` actions, or `plan_already_approved`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/approve")]
pub async fn approve(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: OptionalJson<StepBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0.unwrap_or_default();
    step(&req, &state, &auth, &id, StepKind::Approve, (b.comment, None, b.decided_on)).await
}

/// Return a plan to its drafter.
///
/// Whoever may take the next step may instead return the plan, with a required comment; it
/// goes back to draft.
#[utoipa::path(
    operation_id = "returnPlan",
    tag = tags::PLANS,
    request_body = ReturnBody,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Back to draft.", body = PlanView, headers(("ETag" = String))),
        (status = 409, description = "`transition_not_allowed`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/return")]
pub async fn return_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<ReturnBody>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    let when = Dated::on(body.0.decided_on, Utc::now().date_naive());
    let t = l.plan.return_to_draft(l.actor(), &body.0.comment, when)?;
    record(&req, &state, &auth, l, t).await
}

/// Amend an approved plan.
///
/// The approved version stays frozen; this makes version n+1 as a draft with the same items,
/// their recorded progress carried over.
/// When n+1 is approved, n becomes `superseded`.
#[utoipa::path(
    operation_id = "amendPlan",
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 201, description = "The new draft version.", body = PlanView, headers(("Location" = String), ("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/amend")]
pub async fn amend(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    let next = l.plan.amend(l.actor())?;
    let p = state.store.insert_version(&l.school, &next, &auth.audit("plan amended")).await?;
    respond_created(&req, &p, l.around.school_theme)
}

/// Roll a plan over into the next academic year.
///
/// Copies it (header and items, dates a year later, progress reset) into a draft of the next
/// year's lineage.
#[utoipa::path(
    operation_id = "rolloverPlan",
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 201, description = "The next year's draft.", body = PlanView, headers(("Location" = String), ("ETag" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/rollover")]
pub async fn rollover(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    let next = l.plan.roll_over(l.actor())?;
    let p = state.store.insert_version(&l.school, &next, &auth.audit("plan rolled over")).await?;
    // Next year's plan is tied to next year's theme.
    let theme = state.store.get_school_year(p.school, p.year).await?.map(|y| y.theme.as_str().to_owned());
    respond_created(&req, &p, theme)
}
