//! A draft's items, and an approved plan's progress on them.

use super::dto::{ItemBody, PlanView, ProgressBody};
use super::{Loaded, load, respond, respond_created};
use crate::auth::Auth;
use crate::extract::{ValidJson, expected, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, checked};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, patch, post, web};
use chrono::NaiveDate;
use usul_domain::ids::{ActivityId, ItemId, MaterialId, MeetingId, StaffId};
use usul_domain::org::School;
use usul_domain::plan::{Evidence, Item, Plan, Progress, item_form};
use usul_domain::values::bounded;
use usul_persistence::{ItemContent, ItemProgress};
use uuid::Uuid;

/// Checks an item body against the plan: dates in the year, a catalogue form, responsible
/// staff of the school.
async fn check_item(
    state: &AppState,
    school: &School,
    p: &Plan,
    b: &ItemBody,
    check: &mut Checker,
    creating: bool,
) -> Result<ItemContent, ApiError> {
    let title = match (&b.title, creating) {
        (Some(t), _) => check.text("title", bounded(t, 500)),
        (None, true) => {
            check.push("title", FieldErrorKind::Required);
            None
        }
        (None, false) => None,
    };
    // R-3.2.2g: an item may have no catalogue form; a given one is in the catalogue.
    let form = b.form.as_ref().and_then(|f| match item_form(f.as_deref()) {
        Ok(f) => Some(f),
        Err(_) => {
            check.push("form", FieldErrorKind::UnknownReference);
            None
        }
    });
    let in_year = |check: &mut Checker, field: &str, d: Option<Option<NaiveDate>>| {
        if let Some(Some(d)) = d
            && !p.year.contains(d)
        {
            check.push(field, FieldErrorKind::OutOfRange);
        }
        d
    };
    let start = in_year(check, "start_date", b.start_date);
    let due = in_year(check, "due_date", b.due_date);
    if let (Some(Some(s)), Some(Some(d))) = (start, due)
        && s > d
    {
        check.push("start_date", FieldErrorKind::OutOfRange);
    }
    if let Some(ids) = &b.responsible_ids {
        let typed: Vec<StaffId> = ids.iter().copied().map(StaffId::from_uuid).collect();
        let found = state.store.staff_by_ids(&typed).await?;
        for (i, id) in typed.iter().enumerate() {
            match found.iter().find(|s| s.id == *id && s.school() == Some(school.id)) {
                Some(s) if s.active => {}
                Some(_) => check.push(format!("responsible_ids[{i}]"), FieldErrorKind::Inactive),
                None => check.push(format!("responsible_ids[{i}]"), FieldErrorKind::UnknownReference),
            }
        }
    }
    Ok(ItemContent {
        title,
        description: b.description.as_ref().and_then(|d| check.optional_text("description", d.as_deref(), 4000)),
        form,
        direction: b.direction.as_ref().and_then(|d| check.optional_text("direction", d.as_deref(), 200)),
        start,
        due,
        responsible: b.responsible_ids.as_ref().map(|ids| ids.iter().copied().map(StaffId::from_uuid).collect()),
        expected_result: b
            .expected_result
            .as_ref()
            .and_then(|d| check.optional_text("expected_result", d.as_deref(), 2000)),
        position: b.position,
    })
}

/// The item a path names (a malformed id is 400; the plan's check says whether it exists).
fn item_id(raw: &str) -> Result<ItemId, ApiError> {
    path_id("item_id", raw).map(ItemId::from_uuid)
}

/// A new item from a checked body: placed last unless a position is given.
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
    let mut check = Checker::default();
    let c = check_item(state, &l.school, &l.plan, b, &mut check, creating).await?;
    check.finish()?;
    Ok(c)
}

/// Add an item to a draft.
#[utoipa::path(
    tag = tags::PLANS,
    request_body = ItemBody,
    params(("id" = Uuid, Path, description = "Plan id"), crate::openapi::IfMatch, crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "The plan with the new item.", body = PlanView, headers(("ETag" = String))),
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
    let item = new_item(&l.plan, checked_item(&state, &l, &body.0, true).await?)?;
    let audit = auth.audit("plan item added");
    let p = state.store.add_item(&l.plan, expected(&req, l.plan.version), &item, &audit).await?;
    Ok(respond_created(&req, &p, l.around.school_theme))
}

/// Edit an item of a draft.
#[utoipa::path(
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
    Ok(respond(&req, &p, l.around.school_theme))
}

/// Remove an item from a draft.
#[utoipa::path(
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
    Ok(respond(&req, &p, l.around.school_theme))
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
    let p = state.store.set_progress(&l.plan, expected(&req, l.plan.version), item, &record, &audit).await?;
    Ok(respond(&req, &p, l.around.school_theme))
}
