//! A draft's items, and an approved plan's progress on them.

use super::dto::{ItemBody, ItemView, ItemsBody, PlanView, ProgressBody};
use super::{Loaded, load, respond};
use crate::auth::Auth;
use crate::extract::{ValidJson, expected, if_match, lang, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, checked};
use crate::routes::{created, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::NaiveDate;
use usul_domain::ids::{ActivityId, ItemId, MaterialId, MeetingId, StaffId};
use usul_domain::org::School;
use usul_domain::plan::{Evidence, Item, Plan, Progress, item_form};
use usul_domain::staff::Staff;
use usul_domain::values::bounded;
use usul_persistence::{ItemContent, ItemProgress};

/// The most items a plan's list takes at once.
const ITEMS_MAX: usize = 500;
use uuid::Uuid;

/// Checks an item body against the plan: dates in the year, a catalogue form if any (R-4,
/// R-3.2.2g), responsible staff of the school (`staff`: the people the bodies name, loaded
/// once). Fields are named after `at` (`""` for one item, `items[3].` in a list).
fn check_item(
    school: &School,
    p: &Plan,
    b: &ItemBody,
    staff: &[Staff],
    (check, at): (&mut Checker, &str),
    creating: bool,
) -> ItemContent {
    let f = |name: &str| format!("{at}{name}");
    let title = match (&b.title, creating) {
        (Some(t), _) => check.text(&f("title"), bounded(t, 500)),
        (None, true) => {
            check.push(f("title"), FieldErrorKind::Required);
            None
        }
        (None, false) => None,
    };
    // R-3.2.2g: an item may have no catalogue form; a given one is in the catalogue.
    let form = b.form.as_ref().and_then(|code| match item_form(code.as_deref()) {
        Ok(form) => Some(form),
        Err(_) => {
            check.push(f("form"), FieldErrorKind::UnknownReference);
            None
        }
    });
    let in_year = |check: &mut Checker, field: &str, d: Option<Option<NaiveDate>>| {
        if let Some(Some(d)) = d
            && !p.year.contains(d)
        {
            check.push(f(field), FieldErrorKind::OutOfRange);
        }
        d
    };
    let start = in_year(check, "start_date", b.start_date);
    let due = in_year(check, "due_date", b.due_date);
    if let (Some(Some(s)), Some(Some(d))) = (start, due)
        && s > d
    {
        check.push(f("start_date"), FieldErrorKind::OutOfRange);
    }
    if let Some(ids) = &b.responsible_ids {
        for (i, id) in ids.iter().enumerate() {
            let id = StaffId::from_uuid(*id);
            match staff.iter().find(|s| s.id == id && s.school() == Some(school.id)) {
                Some(s) if s.active => {}
                Some(_) => check.push(f(&format!("responsible_ids[{i}]")), FieldErrorKind::Inactive),
                None => check.push(f(&format!("responsible_ids[{i}]")), FieldErrorKind::UnknownReference),
            }
        }
    }
    ItemContent {
        title,
        description: b.description.as_ref().and_then(|d| check.optional_text(&f("description"), d.as_deref(), 4000)),
        form,
        direction: b.direction.as_ref().and_then(|d| check.optional_text(&f("direction"), d.as_deref(), 200)),
        start,
        due,
        responsible: b.responsible_ids.as_ref().map(|ids| ids.iter().copied().map(StaffId::from_uuid).collect()),
        expected_result: b
            .expected_result
            .as_ref()
            .and_then(|d| check.optional_text(&f("expected_result"), d.as_deref(), 2000)),
        position: b.position,
    }
}

/// The people item bodies name as responsible, in one statement.
async fn responsible_staff(state: &AppState, bodies: &[&ItemBody]) -> Result<Vec<Staff>, ApiError> {
    let ids: Vec<StaffId> =
        bodies.iter().flat_map(|b| b.responsible_ids.iter().flatten()).copied().map(StaffId::from_uuid).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(state.store.staff_by_ids(&ids).await?)
}

/// The item a path names (a malformed id is 400; the plan's check says whether it exists).
fn item_id(raw: &str) -> Result<ItemId, ApiError> {
    path_id("item_id", raw).map(ItemId::from_uuid)
}

/// A new item from a checked body (placed at `position`, or last).
fn new_item(p: &Plan, c: ItemContent) -> Result<Item, ApiError> {
    Ok(Item {
        id: ItemId::new(),
        position: c.position.unwrap_or_else(|| p.next_position()),
        title: checked(c.title)?,
        description: c.description.flatten(),
        form: c.form.flatten(),
        direction: c.direction.flatten(),
        start: c.start.flatten(),
        due: c.due.flatten(),
        responsible: c.responsible.unwrap_or_default(),
        expected_result: c.expected_result.flatten(),
        progress: Progress::Planned,
        completed_on: None,
        outcome: None,
        evidence: Vec::new(),
    })
}

async fn checked_item(state: &AppState, l: &Loaded, b: &ItemBody, creating: bool) -> Result<ItemContent, ApiError> {
    let staff = responsible_staff(state, &[b]).await?;
    let mut check = Checker::default();
    let c = check_item(&l.school, &l.plan, b, &staff, (&mut check, ""), creating);
    check.finish()?;
    Ok(c)
}

/// 201 with one item at its own address; the `ETag` is the plan's version after the change.
fn item_created(req: &HttpRequest, p: &Plan, item: ItemId) -> Result<HttpResponse, ApiError> {
    let stored = p.item(item).ok_or_else(|| ApiError::bug("the added item is missing"))?;
    Ok(created(format!("/api/v1/plans/{}/items/{}", p.id, item), p.version, &ItemView::new(stored, lang(req))))
}

/// Add an item to a draft.
///
/// Only a draft takes new items (409 `plan_not_draft` otherwise).
/// Answers the new item at its own address. Without `If-Match` the addition is unconditional,
/// so that several clients adding items at once all succeed (each placed last as it is
/// written); with `If-Match` it is made only on that version of the plan (412 otherwise).
#[utoipa::path(
    operation_id = "addPlanItem",
    tag = tags::PLANS,
    request_body = ItemBody,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch, crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "The new item; `ETag` is the plan's new version.", body = ItemView, headers(("Location" = String), ("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/plans/{id}/items")]
pub async fn add_item(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<ItemBody>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    l.plan.check_edit(l.actor())?;
    let content = checked_item(&state, &l, &body.0, true).await?;
    let last = content.position.is_none();
    let item = new_item(&l.plan, content)?;
    let audit = auth.audit("plan item added");
    let p = state.store.add_item(&l.plan, if_match(&req), &item, last, &audit).await?;
    item_created(&req, &p, item.id)
}

/// Read an item of a plan.
///
/// One item with its progress, for whoever may read the plan (another school's plan is 404);
/// the answer to `POST …/items` points here in `Location`.
#[utoipa::path(
    operation_id = "getPlanItem",
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id"), ("item_id" = Uuid, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item; `ETag` is the plan's version.", body = ItemView, headers(("ETag" = String))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/plans/{id}/items/{item_id}")]
pub async fn read_item(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (raw, raw_item) = path.into_inner();
    let l = load(&state, &auth, &raw).await?;
    let item = l.plan.item(item_id(&raw_item)?).ok_or(ApiError::NotFound)?;
    Ok(versioned(&req, l.plan.version, &ItemView::new(item, lang(&req))))
}

/// Replace a draft's items.
///
/// The whole list at once, all or nothing: every item is checked as for `POST …/items` and
/// every problem is named by its place in the list (`items[3].due_date`); nothing is stored
/// unless all are good. The list's order is the plan's order (`position` is not taken here).
/// Without `If-Match` the replacement is unconditional.
#[utoipa::path(
    operation_id = "replacePlanItems",
    tag = tags::PLANS,
    request_body = ItemsBody,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan with its new items.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[put("/plans/{id}/items")]
pub async fn replace_items(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<ItemsBody>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    l.plan.check_edit(l.actor())?;
    let bodies: Vec<&ItemBody> = body.0.items.iter().collect();
    if bodies.len() > ITEMS_MAX {
        return Err(ApiError::field("items", FieldErrorKind::TooLong(ITEMS_MAX)));
    }
    let staff = responsible_staff(&state, &bodies).await?;
    let mut check = Checker::default();
    let contents: Vec<ItemContent> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if b.position.is_some() {
                check.push(format!("items[{i}].position"), FieldErrorKind::InvalidValue);
            }
            check_item(&l.school, &l.plan, b, &staff, (&mut check, &format!("items[{i}].")), true)
        })
        .collect();
    check.finish()?;
    let items = contents.into_iter().map(|c| new_item(&l.plan, c)).collect::<Result<Vec<_>, _>>()?;
    let items = l.plan.replace_items(l.actor(), items)?;
    let audit = auth.audit("plan items replaced");
    let p = state.store.replace_items(&l.plan, if_match(&req), &items, &audit).await?;
    respond(&req, &p, l.around.school_theme)
}

/// Edit an item of a draft.
///
/// Changes only the fields sent; an item of a plan that is no longer a draft answers 409
/// `plan_not_draft`. Send `If-Match` with the plan's `ETag`.
#[utoipa::path(
    operation_id = "updatePlanItem",
    tag = tags::PLANS,
    request_body = ItemBody,
    params(("id" = Uuid, Path, description = "Plan id"), ("item_id" = Uuid, Path, description = "Item id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/plans/{id}/items/{item_id}")]
pub async fn update_item(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: ValidJson<ItemBody>,
) -> Result<HttpResponse, ApiError> {
    let (raw, raw_item) = path.into_inner();
    let l = load(&state, &auth, &raw).await?;
    let item = l.plan.check_edit_item(item_id(&raw_item)?, l.actor())?.id;
    let c = checked_item(&state, &l, &body.0, false).await?;
    let audit = auth.audit("plan item edited");
    let p = state.store.update_item(&l.plan, expected(&req, l.plan.version), item, c, &audit).await?;
    respond(&req, &p, l.around.school_theme)
}

/// Remove an item from a draft.
///
/// Only a draft loses items (409 `plan_not_draft` otherwise). Send `If-Match` with the plan's
/// `ETag`.
#[utoipa::path(
    operation_id = "deletePlanItem",
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id"), ("item_id" = Uuid, Path, description = "Item id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = [])),
)]
#[delete("/plans/{id}/items/{item_id}")]
pub async fn delete_item(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (raw, raw_item) = path.into_inner();
    let l = load(&state, &auth, &raw).await?;
    let item = l.plan.check_edit_item(item_id(&raw_item)?, l.actor())?.id;
    let audit = auth.audit("plan item removed");
    let p = state.store.delete_item(&l.plan, expected(&req, l.plan.version), item, &audit).await?;
    respond(&req, &p, l.around.school_theme)
}

/// Whether a piece of evidence names something real: a web address, or a meeting, activity or
/// material of the school. `None` when the kind is unknown.
async fn evidence_exists(
    state: &AppState,
    school: &School,
    kind: &str,
    reference: &str,
) -> Result<Option<bool>, ApiError> {
    let id = Uuid::parse_str(reference).ok();
    Ok(Some(match (kind, id) {
        ("url", _) => {
            (reference.starts_with("https://") || reference.starts_with("http://")) && reference.len() <= 2000
        }
        ("meeting", Some(m)) => {
            state.store.get_meeting(MeetingId::from_uuid(m)).await?.is_some_and(|m| m.school == school.id)
        }
        ("activity", Some(a)) => {
            state.store.get_activity(ActivityId::from_uuid(a)).await?.is_some_and(|a| a.school == school.id)
        }
        ("material", Some(m)) => {
            state.store.get_material(MaterialId::from_uuid(m)).await?.is_some_and(|m| m.school == school.id)
        }
        ("meeting" | "activity" | "material", None) => false,
        _ => return Ok(None),
    }))
}

/// A progress record from its body, every problem at once.
async fn parse_progress(state: &AppState, school: &School, b: ProgressBody) -> Result<ItemProgress, ApiError> {
    let mut check = Checker::default();
    let mark = check.check("progress", Progress::parse(&b.progress).ok_or(()), |()| FieldErrorKind::InvalidValue);
    let outcome = check.optional_text("outcome", b.outcome.as_deref(), 4000);
    let mut evidence = Vec::new();
    for (i, e) in b.evidence.iter().enumerate() {
        match evidence_exists(state, school, &e.kind, &e.reference).await? {
            None => check.push(format!("evidence[{i}].kind"), FieldErrorKind::InvalidValue),
            Some(false) => check.push(format!("evidence[{i}].reference"), FieldErrorKind::UnknownReference),
            Some(true) => {}
        }
        evidence.push(Evidence { kind: e.kind.clone(), reference: e.reference.clone() });
    }
    check.finish()?;
    Ok(ItemProgress { progress: checked(mark)?, completed_on: b.completed_on, outcome: checked(outcome)?, evidence })
}

/// Record an item's progress.
///
/// On an approved plan, the item's responsible staff, the plan's drafter, the deputy or the
/// director record its progress, completion date, outcome and evidence.
#[utoipa::path(
    operation_id = "recordPlanItemProgress",
    tag = tags::PLANS,
    request_body = ProgressBody,
    params(("id" = Uuid, Path, description = "Plan id"), ("item_id" = Uuid, Path, description = "Item id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "The plan.", body = PlanView, headers(("ETag" = String))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/plans/{id}/items/{item_id}/progress")]
pub async fn progress(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: ValidJson<ProgressBody>,
) -> Result<HttpResponse, ApiError> {
    let (raw, raw_item) = path.into_inner();
    let l = load(&state, &auth, &raw).await?;
    let item = l.plan.check_progress(item_id(&raw_item)?, l.actor())?.id;
    let record = parse_progress(&state, &l.school, body.0).await?;
    let audit = auth.audit("plan item progress recorded");
    // Only `If-Match` makes this conditional: what was checked (the plan approved, the item on
    // it, the caller responsible) does not change with another item's progress, and the store
    // still refuses if the plan left its status meanwhile. Writers recording progress on
    // different items of one plan at once all succeed.
    let p = state.store.set_progress(&l.plan, if_match(&req), item, &record, &audit).await?;
    respond(&req, &p, l.around.school_theme)
}
