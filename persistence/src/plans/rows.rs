//! Rows to domain types and back: statuses, owners, lineages, items and their evidence.

use crate::entities::{meeting, plan, plan_item};
use crate::keys::RowKey;
use crate::memo::Items;
use crate::org::check_version;
use crate::{Audit, StoreError, StoreResult, now, record_audit, stored};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query, UpdateStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use usul_domain::ids::{CommissionId, ItemId, MeetingId, PlanId, SchoolId, StaffId};
use usul_domain::org::School;
use usul_domain::plan::{
    Evidence, Item, NewVersion, Origin, Owner, Plan, PlanKind, PlanStatus, Progress, ReviewRecord,
};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
struct EvidenceRow {
    kind: String,
    reference: String,
}

pub(super) fn owner_key(o: Owner) -> String {
    match o {
        Owner::School(s) => format!("school:{s}"),
        Owner::Commission(c) => format!("commission:{c}"),
        Owner::Teacher(t) => format!("teacher:{t}"),
    }
}

pub(super) fn lineage(kind: PlanKind, o: Owner, year: AcademicYear) -> String {
    format!("{}|{}|{}", kind.code(), owner_key(o), year.start_year())
}

pub(super) fn status_parts(s: PlanStatus) -> (&'static str, i32) {
    match s {
        PlanStatus::Draft => ("draft", 0),
        PlanStatus::InRoute { steps_done } => ("in_route", i32::from(steps_done)),
        PlanStatus::Approved => ("approved", 0),
        PlanStatus::Superseded => ("superseded", 0),
    }
}

pub(super) fn to_status(code: &str, steps: i32) -> StoreResult<PlanStatus> {
    Ok(match code {
        "draft" => PlanStatus::Draft,
        "in_route" => PlanStatus::InRoute { steps_done: stored("plan.steps_done", u8::try_from(steps))? },
        "approved" => PlanStatus::Approved,
        "superseded" => PlanStatus::Superseded,
        other => return Err(StoreError::Corrupt(format!("plan.status: {other}"))),
    })
}

pub(super) fn to_item(m: plan_item::Model) -> StoreResult<Item> {
    let responsible: Vec<Uuid> = stored("plan_item.responsible", serde_json::from_str(&m.responsible))?;
    let evidence: Vec<EvidenceRow> = stored("plan_item.evidence", serde_json::from_str(&m.evidence))?;
    Ok(Item {
        id: ItemId::from_uuid(m.id),
        position: stored("plan_item.position", u32::try_from(m.position))?,
        title: m.title,
        description: m.description,
        // The column predates form-less items: an empty code stands for "no catalogue form".
        form: Some(m.form_code).filter(|f| !f.is_empty()),
        direction: m.direction,
        start: m.start_date,
        due: m.due_date,
        responsible: responsible.into_iter().map(StaffId::from_uuid).collect(),
        expected_result: m.expected_result,
        progress: Progress::parse(&m.progress)
            .ok_or_else(|| StoreError::Corrupt(format!("plan_item.progress: {}", m.progress)))?,
        completed_on: m.completed_on,
        outcome: m.outcome,
        evidence: evidence.into_iter().map(|e| Evidence { kind: e.kind, reference: e.reference }).collect(),
    })
}

/// The protocol numbers of the meetings `ids` as their minutes stand now, read in one
/// statement: a review cites the meeting, and its number is read through it rather than
/// copied when the review was recorded (the minutes may be finalized later).
pub(crate) async fn protocol_numbers(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> StoreResult<HashMap<Uuid, u32>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, Option<i32>)> = meeting::Entity::find()
        .select_only()
        .column(meeting::Column::Id)
        .column(meeting::Column::ProtocolNumber)
        .filter(meeting::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, n)| Some((id, u32::try_from(n?).ok()?))).collect())
}

pub(super) fn to_plan(m: plan::Model, items: Arc<Vec<Item>>, numbers: &HashMap<Uuid, u32>) -> StoreResult<Plan> {
    let kind = PlanKind::parse(&m.kind).ok_or_else(|| StoreError::Corrupt(format!("plan.kind: {}", m.kind)))?;
    let owner = match (m.commission_id, m.teacher_id) {
        (Some(c), _) => Owner::Commission(CommissionId::from_uuid(c)),
        (None, Some(t)) => Owner::Teacher(StaffId::from_uuid(t)),
        (None, None) => Owner::School(SchoolId::from_uuid(m.school_id)),
    };
    Ok(Plan {
        id: PlanId::from_uuid(m.id),
        school: SchoolId::from_uuid(m.school_id),
        kind,
        owner,
        year: stored("plan.start_year", AcademicYear::starting(m.start_year))?,
        version_no: stored("plan.version_no", u32::try_from(m.version_no))?,
        status: to_status(&m.status, m.steps_done)?,
        title: m.title,
        goal: m.goal,
        personal_theme: m.personal_theme,
        ever_submitted: m.ever_submitted,
        review: match (m.review_meeting_id, m.review_date) {
            (Some(meeting), Some(date)) => Some(
                ReviewRecord {
                    meeting: MeetingId::from_uuid(meeting),
                    protocol_number: m.review_protocol.and_then(|n| u32::try_from(n).ok()),
                    date,
                }
                .as_numbered(numbers.get(&meeting).copied()),
            ),
            _ => None,
        },
        approved: match (m.approved_by, m.approved_on) {
            (Some(by), Some(on)) => Some((StaffId::from_uuid(by), on)),
            _ => None,
        },
        return_comment: m.return_comment,
        submitted_on: m.submitted_on,
        reviewed_on: m.reviewed_on,
        agreed: match (m.agreed_by, m.agreed_on) {
            (Some(by), Some(on)) => Some((StaffId::from_uuid(by), on)),
            _ => None,
        },
        items,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// The items of the plan versions `versions` (plan id, version), by plan. With `kept`
/// (committed reads only, never inside a transaction that may roll back), the items of a
/// version read before come from memory, and those read now are kept: a version's items never
/// change. One statement for all the versions not kept, none when all are.
pub(super) async fn items_of(
    db: &impl ConnectionTrait,
    versions: &[(Uuid, i32)],
    kept: Option<&Items>,
) -> StoreResult<HashMap<Uuid, Arc<Vec<Item>>>> {
    let mut items: HashMap<Uuid, Arc<Vec<Item>>> = HashMap::new();
    let mut missing: Vec<Uuid> = Vec::new();
    for &(id, version) in versions {
        match kept.and_then(|k| k.get(id, version)) {
            Some(its) => {
                items.insert(id, its);
            }
            None => missing.push(id),
        }
    }
    if !missing.is_empty() {
        let mut read: HashMap<Uuid, Vec<Item>> = missing.iter().map(|id| (*id, Vec::new())).collect();
        for i in plan_item::Entity::find()
            .filter(plan_item::Column::PlanId.is_in(missing))
            .order_by_asc(plan_item::Column::Position)
            .order_by_asc(plan_item::Column::Id)
            .all(db)
            .await?
        {
            let plan_id = i.plan_id;
            read.entry(plan_id).or_default().push(to_item(i)?);
        }
        let read: HashMap<Uuid, Arc<Vec<Item>>> = read.into_iter().map(|(id, its)| (id, Arc::new(its))).collect();
        for &(id, version) in versions {
            if let (Some(k), Some(its)) = (kept, read.get(&id)) {
                k.put(id, version, its.clone());
            }
        }
        items.extend(read);
    }
    Ok(items)
}

/// Plans with their items (see [`items_of`] for `kept`), and their reviews' protocol numbers.
pub(super) async fn load_many(
    db: &impl ConnectionTrait,
    rows: Vec<plan::Model>,
    kept: Option<&Items>,
) -> StoreResult<Vec<Plan>> {
    let versions: Vec<(Uuid, i32)> = rows.iter().map(|r| (r.id, r.version)).collect();
    let mut items = items_of(db, &versions, kept).await?;
    let numbers = protocol_numbers(db, rows.iter().filter_map(|r| r.review_meeting_id).collect()).await?;
    rows.into_iter()
        .map(|m| {
            let its = items.remove(&m.id).unwrap_or_default();
            to_plan(m, its, &numbers)
        })
        .collect()
}

/// Plans with their items, each with its key as a keyed page names it (see
/// [`crate::keys::RowKey`]): the extra number is the protocol number the view was made with.
pub(super) async fn load_keyed(
    db: &impl ConnectionTrait,
    rows: Vec<plan::Model>,
    kept: Option<&Items>,
) -> StoreResult<Vec<(RowKey, Plan)>> {
    let versions: Vec<(Uuid, i32)> = rows.iter().map(|r| (r.id, r.version)).collect();
    let mut items = items_of(db, &versions, kept).await?;
    let numbers = protocol_numbers(db, rows.iter().filter_map(|r| r.review_meeting_id).collect()).await?;
    rows.into_iter()
        .map(|m| {
            let key = RowKey {
                id: m.id,
                version: m.version,
                extra: m.review_meeting_id.and_then(|r| numbers.get(&r)).map(|n| i64::from(*n)),
            };
            let its = items.remove(&m.id).unwrap_or_default();
            Ok((key, to_plan(m, its, &numbers)?))
        })
        .collect()
}

pub(super) async fn load_one(db: &impl ConnectionTrait, id: Uuid, kept: Option<&Items>) -> StoreResult<Plan> {
    let row = plan::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
    load_many(db, vec![row], kept).await?.pop().ok_or(StoreError::NotFound)
}

/// Bumps a plan's version if it is still in `status` and, when `expected` names one, at that
/// version. Without `expected` the write is unconditional on the version (only `If-Match`
/// makes a write conditional): the increment is made by the database, so that concurrent
/// writers each move it on and none is refused.
pub(super) async fn bump(txn: &DatabaseTransaction, p: &Plan, expected: Option<i32>) -> StoreResult<()> {
    if txn.execute(&bump_statement(p, expected, 1)).await?.rows_affected() > 0 {
        return Ok(());
    }
    Err(refused(txn, p, expected).await)
}

/// [`bump`], answering the plan's row as the bump left it (`RETURNING`): a write then needs no
/// statement of its own to learn the version it moved the plan to, nor to read the plan once
/// committed. One statement when the bump is made.
///
/// Nothing else is read in that statement: on PostgreSQL a subquery there would see the
/// snapshot the statement started with, not the rows committed by the writer it waited for.
pub(super) async fn bump_returning(
    txn: &DatabaseTransaction,
    p: &Plan,
    expected: Option<i32>,
) -> StoreResult<plan::Model> {
    bump_returning_by(txn, p, expected, 1).await
}

/// [`bump_returning`] by `steps` versions at once: for marks recorded together, each of which
/// is a version step of its own.
pub(super) async fn bump_returning_by(
    txn: &DatabaseTransaction,
    p: &Plan,
    expected: Option<i32>,
    steps: i32,
) -> StoreResult<plan::Model> {
    let mut update = bump_statement(p, expected, steps);
    update.returning_all();
    match txn.query_one(&update).await? {
        Some(r) => Ok(plan::Model::from_query_result(&r, "")?),
        None => Err(refused(txn, p, expected).await),
    }
}

/// The `UPDATE` that moves `p` `steps` versions on if it is still in its status and, when
/// `expected` names one, at that version.
fn bump_statement(p: &Plan, expected: Option<i32>, steps: i32) -> UpdateStatement {
    let (status, _) = status_parts(p.status);
    let mut update = Query::update();
    update
        .table(plan::Entity)
        .value(plan::Column::Version, Expr::col(plan::Column::Version).add(steps))
        .value(plan::Column::UpdatedAt, now())
        .and_where(plan::Column::Id.eq(p.id.uuid()))
        .and_where(plan::Column::Status.eq(status));
    if let Some(v) = expected {
        update.and_where(plan::Column::Version.eq(v));
    }
    update
}

/// Why a bump of `p` changed no row, as the row stands: gone, at another version, or moved on.
async fn refused(txn: &DatabaseTransaction, p: &Plan, expected: Option<i32>) -> StoreError {
    let current = match plan::Entity::find_by_id(p.id.uuid()).one(txn).await {
        Ok(Some(row)) => row,
        Ok(None) => return StoreError::NotFound,
        Err(e) => return e.into(),
    };
    match check_version(expected, current.version) {
        Err(e) => e,
        Ok(()) => StoreError::VersionMismatch { current: current.version },
    }
}

/// The items of the version a write moved `p` on from, its row as the write's bump returned
/// it, when they are known without a statement: `p`'s own when no other write came between
/// (the row is one version on from `p`), else those this process kept for that version. A
/// version's items never change, and while the bump's row lock is held nothing after that
/// version has committed, so what is kept for it is exact.
pub(super) fn before(p: &Plan, row: &plan::Model, kept: &Items) -> Option<Vec<Item>> {
    if row.version == p.version + 1 {
        return Some(p.items.as_ref().clone());
    }
    kept.get(row.id, row.version - 1).map(|items| items.as_ref().clone())
}

/// The plan a write in `txn` made of `p`, its row as the write's bump returned it. When the
/// items it moved on from are known (`before`), its items are those as `change` makes them,
/// with no statement; else they are read in `txn`, after the bump: every change to a plan's
/// items bumps the plan in its transaction, so under the row lock the bump holds, the
/// committed items and this write's own are exactly those of the version it made. The
/// review's protocol number is the one `p` was read with.
pub(super) async fn made(
    txn: &DatabaseTransaction,
    p: &Plan,
    row: plan::Model,
    before: Option<Vec<Item>>,
    change: impl FnOnce(&mut Vec<Item>),
) -> StoreResult<Plan> {
    let items = match before {
        Some(mut items) => {
            change(&mut items);
            items.sort_by_key(|i| (i.position, i.id.uuid()));
            Arc::new(items)
        }
        None => items_of(txn, &[(row.id, row.version)], None).await?.remove(&row.id).unwrap_or_default(),
    };
    let numbers: HashMap<Uuid, u32> =
        p.review.as_ref().and_then(|r| r.protocol_number.map(|n| (r.meeting.uuid(), n))).into_iter().collect();
    to_plan(row, items, &numbers)
}

pub(super) fn evidence_json(e: &[Evidence]) -> String {
    serde_json::to_string(
        &e.iter().map(|e| EvidenceRow { kind: e.kind.clone(), reference: e.reference.clone() }).collect::<Vec<_>>(),
    )
    .unwrap_or_else(|_| "[]".into())
}

pub(super) fn ids_json(ids: &[StaffId]) -> String {
    serde_json::to_string(&ids.iter().map(|s| s.uuid()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

pub(super) async fn insert_item(txn: &DatabaseTransaction, plan: Uuid, item: &Item) -> StoreResult<()> {
    item_row(plan, item, now()).insert(txn).await?;
    Ok(())
}

/// Inserts many items of a plan in multi-row statements (a thousand rows each, well under the
/// databases' limits on bound parameters).
pub(super) async fn insert_items(txn: &DatabaseTransaction, plan: Uuid, items: &[Item]) -> StoreResult<()> {
    let at = now();
    for chunk in items.chunks(1000) {
        plan_item::Entity::insert_many(chunk.iter().map(|i| item_row(plan, i, at))).exec_without_returning(txn).await?;
    }
    Ok(())
}

fn item_row(plan: Uuid, item: &Item, at: chrono::DateTime<chrono::Utc>) -> plan_item::ActiveModel {
    plan_item::ActiveModel {
        id: Set(item.id.uuid()),
        plan_id: Set(plan),
        position: Set(i32::try_from(item.position).unwrap_or(i32::MAX)),
        title: Set(item.title.clone()),
        description: Set(item.description.clone()),
        form_code: Set(item.form.clone().unwrap_or_default()),
        direction: Set(item.direction.clone()),
        start_date: Set(item.start),
        due_date: Set(item.due),
        responsible: Set(ids_json(&item.responsible)),
        expected_result: Set(item.expected_result.clone()),
        progress: Set(item.progress.code().to_owned()),
        completed_on: Set(item.completed_on),
        outcome: Set(item.outcome.clone()),
        evidence: Set(evidence_json(&item.evidence)),
        created_at: Set(at),
        updated_at: Set(at),
    }
}

/// The audit action of a new version, by how it came about.
const fn origin_action(origin: Origin) -> &'static str {
    match origin {
        Origin::Start => "plan.create",
        Origin::Amendment(_) => "plan.amend",
        Origin::Rollover(_) => "plan.rollover",
    }
}

/// Stores a new draft version with its items (new item ids), audited as `action` (by default
/// the one its origin names).
pub(super) async fn insert_plan(
    txn: &DatabaseTransaction,
    school: &School,
    new: &NewVersion,
    action: Option<&str>,
    audit: &Audit,
) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    let at = now();
    let previous = match new.origin {
        Origin::Start => None,
        Origin::Amendment(p) | Origin::Rollover(p) => Some(p.uuid()),
    };
    plan::ActiveModel {
        id: Set(id),
        school_id: Set(school.id.uuid()),
        kind: Set(new.kind.code().to_owned()),
        owner_key: Set(owner_key(new.owner)),
        commission_id: Set(match new.owner {
            Owner::Commission(c) => Some(c.uuid()),
            _ => None,
        }),
        teacher_id: Set(match new.owner {
            Owner::Teacher(t) => Some(t.uuid()),
            _ => None,
        }),
        start_year: Set(new.year.start_year()),
        lineage_key: Set(lineage(new.kind, new.owner, new.year)),
        version_no: Set(i32::try_from(new.version_no).unwrap_or(i32::MAX)),
        status: Set("draft".to_owned()),
        steps_done: Set(0),
        title: Set(new.header.title.clone()),
        goal: Set(new.header.goal.clone()),
        personal_theme: Set(new.header.personal_theme.clone()),
        ever_submitted: Set(false),
        review_meeting_id: Set(None),
        review_protocol: Set(None),
        review_date: Set(None),
        approved_by: Set(None),
        approved_on: Set(None),
        previous_id: Set(previous),
        return_comment: Set(None),
        submitted_on: Set(None),
        reviewed_on: Set(None),
        agreed_by: Set(None),
        agreed_on: Set(None),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(txn)
    .await
    .map_err(|e| StoreError::unique(e, crate::Conflict::PlanExists))?;
    for item in &new.items {
        insert_item(txn, id, &Item { id: ItemId::new(), ..item.clone() }).await?;
    }
    let action = action.unwrap_or(origin_action(new.origin));
    record_audit(txn, audit, action, "plan", Some(id), Some(school.id.uuid()), Some(school.district.uuid())).await?;
    Ok(id)
}
