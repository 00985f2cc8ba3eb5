//! The plan itself: list, start, read, edit and delete a draft.

use super::dto::{CreatePlanBody, PlanList, PlanQuery, PlanView, UpdatePlanBody};
use super::{load, respond, respond_created};
use crate::auth::Auth;
use crate::extract::{ValidJson, expected, lang};
use crate::kept::Json;
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, checked};
use crate::query;
use crate::routes::{next_cursor, school_for};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use usul_domain::ids::{CommissionId, DistrictId, SchoolId, StaffId};
use usul_domain::org::School;
use usul_domain::plan::{Header, Owner, Plan, PlanKind, ReadScope, start};
use usul_domain::policy::{Action, Actor};
use usul_domain::values::bounded;
use usul_domain::year::AcademicYear;
use usul_persistence::{PlanFilter, RowKey};
use uuid::Uuid;

/// The schools a list reaches: a school's staff their own school; an administrator every
/// school or the one asked for; a district user the district's schools or one of them.
async fn reach(
    state: &AppState,
    auth: &Auth,
    asked: Option<SchoolId>,
) -> Result<(Option<SchoolId>, Option<DistrictId>), ApiError> {
    Ok(match auth.actor {
        Actor::SchoolStaff { school, .. } => (Some(school), None),
        Actor::Admin { .. } => (asked, None),
        Actor::MinistryUser { .. } | Actor::MinistryService { .. } => match asked {
            Some(s) => (Some(school_for(state, auth, s, Action::Read).await?.id), None),
            None => (None, None),
        },
        Actor::DistrictUser { district, .. } | Actor::DistrictService { district, .. } => match asked {
            Some(s) => (Some(school_for(state, auth, s, Action::Read).await?.id), None),
            None => (None, Some(district)),
        },
    })
}

/// List plans.
///
/// School staff see their school's plans (individual plans: their own, and those of teachers
/// they lead or manage); district users see their district's schools.
#[utoipa::path(
    operation_id = "listPlans",
    tag = tags::PLANS,
    params(PlanQuery),
    responses(
        (status = 200, description = "A page of plans.", body = PlanList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/plans")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    q: query::Query<PlanQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let mut f = PlanFilter::within(ReadScope::of_actor(auth.actor));
    (f.school, f.district) = reach(&state, &auth, q.school_id.map(|s| SchoolId::from_uuid(s.0))).await?;
    (f.kind, f.year, f.status) = (q.kind, q.year.map(|y| y.0), q.status);
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    (f.owner_id, f.updated_since) = (q.owner_id.map(|o| o.0), sync.since);
    let page = state.store.plan_page(&f, query::paging(q.limit, q.cursor).request()).await?;
    let deleted = sync.deleted(&state, "plans", f.school.map(|s| s.uuid()), f.district.map(|d| d.uuid())).await?;
    let items = entries(&req, &state, &page.items).await?;
    Ok(HttpResponse::Ok().json(PlanList { items, next_cursor: next_cursor(page.next), sync_token, deleted }))
}

/// The plans a page names, as a list shows them (see [`crate::kept::page_of`]).
async fn entries(req: &HttpRequest, state: &AppState, keys: &[RowKey]) -> Result<Vec<Json>, ApiError> {
    let language = lang(req);
    crate::kept::page_of(
        &state.kept.plans,
        keys,
        |k| (k, language),
        |ids| async move { Ok(state.store.plans_keyed(&ids).await?) },
        |p: &Plan| Json::of(&super::view(req, p, None)?).map_err(|e| ApiError::internal("serializing a plan view", e)),
    )
    .await
}

/// The owner a new plan names: the school's own plans are the school's; a commission's plan
/// names a commission of the school; an individual plan an active teacher of the school
/// (the caller by default).
async fn owner_of(
    state: &AppState,
    school: &School,
    me: StaffId,
    kind: Option<PlanKind>,
    owner_id: Option<Uuid>,
    check: &mut Checker,
) -> Result<Option<Owner>, ApiError> {
    Ok(match (kind, owner_id) {
        (Some(PlanKind::School | PlanKind::PedagogicalCouncil), _) => Some(Owner::School(school.id)),
        (Some(PlanKind::Commission), None) => {
            check.push("owner_id", FieldErrorKind::Required);
            None
        }
        (Some(PlanKind::Commission), Some(c)) => {
            let found = state.store.get_commission(CommissionId::from_uuid(c)).await?.filter(|c| c.school == school.id);
            if found.is_none() {
                check.push("owner_id", FieldErrorKind::UnknownReference);
            }
            found.map(|c| Owner::Commission(c.id))
        }
        (Some(PlanKind::Individual), t) => {
            let t = t.map_or(me, StaffId::from_uuid);
            match state.store.staff_by_ids(&[t]).await?.pop().filter(|s| s.school() == Some(school.id)) {
                Some(s) if s.active => Some(Owner::Teacher(t)),
                Some(_) => {
                    check.push("owner_id", FieldErrorKind::Inactive);
                    None
                }
                None => {
                    check.push("owner_id", FieldErrorKind::UnknownReference);
                    None
                }
            }
        }
        (None, _) => None,
    })
}

/// A new plan's kind, owner, year and header, every problem at once.
async fn parse_new(
    state: &AppState,
    school: &School,
    me: StaffId,
    b: CreatePlanBody,
) -> Result<(PlanKind, Owner, AcademicYear, Header), ApiError> {
    let mut check = Checker::default();
    let kind = check.check("kind", PlanKind::parse(&b.kind).ok_or(()), |()| FieldErrorKind::InvalidValue);
    let year = check.check("year", AcademicYear::parse(&b.year), |_| FieldErrorKind::InvalidYear);
    let title = check.text("title", bounded(&b.title, 300));
    let goal = check.optional_text("goal", b.goal.as_deref(), 4000);
    let personal_theme = check.optional_text("personal_theme", b.personal_theme.as_deref(), 2000);
    let owner = owner_of(state, school, me, kind, b.owner_id, &mut check).await?;
    check.finish()?;
    let header = Header { title: checked(title)?, goal: checked(goal)?, personal_theme: checked(personal_theme)? };
    Ok((checked(kind)?, checked(owner)?, checked(year)?, header))
}

/// Start a plan.
///
/// Creates version 1 of a lineage as a draft. The unified and pedagogical council plans are
/// drafted by the deputy, a commission's by its head, an individual plan by the teacher.
#[utoipa::path(
    operation_id = "createPlan",
    tag = tags::PLANS,
    request_body = CreatePlanBody,
    params(crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Created as a draft.", body = PlanView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans")]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    body: ValidJson<CreatePlanBody>,
) -> Result<HttpResponse, ApiError> {
    let Actor::SchoolStaff { id: me, school, .. } = auth.actor else { return Err(ApiError::Forbidden) };
    let school = school_for(&state, &auth, school, Action::Read).await?;
    let (kind, owner, year, header) = parse_new(&state, &school, me, body.0).await?;
    let around = state.store.plan_surroundings(auth.actor, school.id, owner, year).await?;
    let new = start(kind, owner, year, header, &around.actor)?;
    let p = state.store.insert_version(&school, &new, &auth.audit(format!("{} plan started", kind.code()))).await?;
    respond_created(&req, &p, around.school_theme)
}

/// Read a plan.
///
/// The plan with its items and the state of its approval route. The `ETag` is its version: send it
/// in `If-None-Match` to revalidate (304) and in `If-Match` to change the plan.
#[utoipa::path(
    operation_id = "getPlan",
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The plan with its items.", body = PlanView, headers(("ETag" = String))),
        (status = 304, description = "Not modified."),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/plans/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    respond(&req, &l.plan, l.around.school_theme)
}

/// Edit a draft's header.
///
/// Changes the header fields sent; a plan that is no longer a draft answers 409 `plan_not_draft`.
/// Send `If-Match` with the plan's `ETag`.
#[utoipa::path(
    operation_id = "updatePlan",
    tag = tags::PLANS,
    request_body = UpdatePlanBody,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Updated.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/plans/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdatePlanBody>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    l.plan.check_edit(l.actor())?;
    let patch = body.0.into_patch()?;
    let p = state.store.update_plan(&l.plan, expected(&req, l.plan.version), patch, &auth.audit("plan edited")).await?;
    respond(&req, &p, l.around.school_theme)
}

/// Delete a draft that was never submitted.
///
/// Only a draft that was never submitted can be deleted (409 `plan_was_submitted` or
/// `plan_not_draft` otherwise). Send `If-Match` with the plan's `ETag`.
#[utoipa::path(
    operation_id = "deletePlan",
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 204, description = "Deleted."),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[delete("/plans/{id}")]
pub async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    l.plan.check_delete(l.actor())?;
    state.store.delete_plan(&l.plan, expected(&req, l.plan.version), &auth.audit("plan deleted")).await?;
    Ok(HttpResponse::NoContent().finish())
}
