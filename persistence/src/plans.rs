//! Plans: versions of a lineage, their items, transitions and progress.

use crate::entities::{plan, plan_item, plan_transition};
use crate::org::check_version;
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use usul_domain::ids::{CommissionId, ItemId, MeetingId, PlanId, SchoolId, StaffId};
use usul_domain::org::School;
use usul_domain::plan::{Evidence, Item, Owner, Plan, PlanKind, PlanStatus, Progress, ReviewRecord, StepKind, route};
use usul_domain::report::{ItemMark, PlanFacts};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// A plan to create (version 1 of its lineage).
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub kind: PlanKind,
    pub owner: Owner,
    pub year: AcademicYear,
    pub title: String,
    pub goal: Option<String>,
    pub personal_theme: Option<String>,
}

/// Changes to a draft's header; `None` leaves a field.
#[derive(Debug, Clone, Default)]
pub struct PlanPatch {
    pub title: Option<String>,
    pub goal: Option<Option<String>>,
    pub personal_theme: Option<Option<String>>,
}

/// An item's content (not its progress).
#[derive(Debug, Clone, Default)]
pub struct ItemContent {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub form: Option<String>,
    pub direction: Option<Option<String>>,
    pub start: Option<Option<NaiveDate>>,
    pub due: Option<Option<NaiveDate>>,
    pub responsible: Option<Vec<StaffId>>,
    pub expected_result: Option<Option<String>>,
    pub position: Option<u32>,
}

/// An item's progress after approval.
#[derive(Debug, Clone)]
pub struct ItemProgress {
    pub progress: Progress,
    pub completed_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// Filters of the plan list.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    pub school: Option<SchoolId>,
    pub schools_of_district: Option<Vec<SchoolId>>,
    pub kind: Option<PlanKind>,
    pub year: Option<AcademicYear>,
    pub status: Option<String>,
    pub owner: Option<Owner>,
    pub updated_since: Option<DateTime<Utc>>,
}

/// One recorded transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub at: DateTime<Utc>,
    pub actor: Option<StaffId>,
    pub actor_role: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub comment: Option<String>,
    pub meeting: Option<MeetingId>,
    pub protocol_number: Option<u32>,
    pub meeting_date: Option<NaiveDate>,
}

/// What a transition changes besides the status.
#[derive(Debug, Clone, Default)]
pub struct TransitionEffects {
    pub review: Option<ReviewRecord>,
    pub approved: Option<(StaffId, NaiveDate)>,
    pub submitted: bool,
}

#[derive(Serialize, Deserialize)]
struct EvidenceRow {
    kind: String,
    reference: String,
}

fn owner_key(o: Owner) -> String {
    match o {
        Owner::School(s) => format!("school:{s}"),
        Owner::Commission(c) => format!("commission:{c}"),
        Owner::Teacher(t) => format!("teacher:{t}"),
    }
}

fn lineage(kind: PlanKind, o: Owner, year: AcademicYear) -> String {
    format!("{}|{}|{}", kind.code(), owner_key(o), year.start_year())
}

fn status_parts(s: PlanStatus) -> (&'static str, i32) {
    match s {
        PlanStatus::Draft => ("draft", 0),
        PlanStatus::InRoute { steps_done } => ("in_route", i32::from(steps_done)),
        PlanStatus::Approved => ("approved", 0),
        PlanStatus::Superseded => ("superseded", 0),
    }
}

fn to_status(code: &str, steps: i32) -> StoreResult<PlanStatus> {
    Ok(match code {
        "draft" => PlanStatus::Draft,
        "in_route" => PlanStatus::InRoute { steps_done: stored("plan.steps_done", u8::try_from(steps))? },
        "approved" => PlanStatus::Approved,
        "superseded" => PlanStatus::Superseded,
        other => return Err(StoreError::Corrupt(format!("plan.status: {other}"))),
    })
}

fn to_item(m: plan_item::Model) -> StoreResult<Item> {
    let responsible: Vec<Uuid> = stored("plan_item.responsible", serde_json::from_str(&m.responsible))?;
    let evidence: Vec<EvidenceRow> = stored("plan_item.evidence", serde_json::from_str(&m.evidence))?;
    Ok(Item {
        id: ItemId::from_uuid(m.id),
        position: stored("plan_item.position", u32::try_from(m.position))?,
        title: m.title,
        description: m.description,
        form: m.form_code,
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

fn to_plan(m: plan::Model, items: Vec<Item>) -> StoreResult<Plan> {
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
            (Some(meeting), Some(date)) => Some(ReviewRecord {
                meeting: MeetingId::from_uuid(meeting),
                protocol_number: m.review_protocol.and_then(|n| u32::try_from(n).ok()),
                date,
            }),
            _ => None,
        },
        approved: match (m.approved_by, m.approved_on) {
            (Some(by), Some(on)) => Some((StaffId::from_uuid(by), on)),
            _ => None,
        },
        items,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

async fn load_many(db: &impl ConnectionTrait, rows: Vec<plan::Model>) -> StoreResult<Vec<Plan>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut items: HashMap<Uuid, Vec<Item>> = HashMap::new();
    if !ids.is_empty() {
        for i in plan_item::Entity::find()
            .filter(plan_item::Column::PlanId.is_in(ids))
            .order_by_asc(plan_item::Column::Position)
            .order_by_asc(plan_item::Column::Id)
            .all(db)
            .await?
        {
            let plan_id = i.plan_id;
            items.entry(plan_id).or_default().push(to_item(i)?);
        }
    }
    rows.into_iter()
        .map(|m| {
            let its = items.remove(&m.id).unwrap_or_default();
            to_plan(m, its)
        })
        .collect()
}

async fn load_one(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Plan> {
    let row = plan::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
    load_many(db, vec![row]).await?.pop().ok_or(StoreError::NotFound)
}

/// Bumps a plan's version if it is still at `expected` and in `status`.
async fn bump(txn: &DatabaseTransaction, p: &Plan, expected: Option<i32>) -> StoreResult<()> {
    let current = plan::Entity::find_by_id(p.id.uuid()).one(txn).await?.ok_or(StoreError::NotFound)?;
    check_version(expected, current.version)?;
    let (status, _) = status_parts(p.status);
    let n = plan::Entity::update_many()
        .col_expr(plan::Column::Version, Expr::value(current.version + 1))
        .col_expr(plan::Column::UpdatedAt, Expr::value(now()))
        .filter(plan::Column::Id.eq(current.id))
        .filter(plan::Column::Version.eq(current.version))
        .filter(plan::Column::Status.eq(status))
        .exec(txn)
        .await?
        .rows_affected;
    if n == 0 {
        return Err(StoreError::VersionMismatch { current: current.version + 1 });
    }
    Ok(())
}

fn evidence_json(e: &[Evidence]) -> String {
    serde_json::to_string(
        &e.iter().map(|e| EvidenceRow { kind: e.kind.clone(), reference: e.reference.clone() }).collect::<Vec<_>>(),
    )
    .unwrap_or_else(|_| "[]".into())
}

fn ids_json(ids: &[StaffId]) -> String {
    serde_json::to_string(&ids.iter().map(|s| s.uuid()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

async fn insert_item(txn: &DatabaseTransaction, plan: Uuid, item: &Item) -> StoreResult<()> {
    let at = now();
    plan_item::ActiveModel {
        id: Set(item.id.uuid()),
        plan_id: Set(plan),
        position: Set(i32::try_from(item.position).unwrap_or(i32::MAX)),
        title: Set(item.title.clone()),
        description: Set(item.description.clone()),
        form_code: Set(item.form.clone()),
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
    .insert(txn)
    .await?;
    Ok(())
}

/// Where a new version comes from: its number in the lineage, the version it copies, and the
/// audit action that made it.
struct Origin<'a> {
    version_no: u32,
    previous: Option<Uuid>,
    action: &'a str,
}

async fn insert_plan(
    txn: &DatabaseTransaction,
    school: &School,
    new: &NewPlan,
    origin: Origin<'_>,
    items: &[Item],
    audit: &Audit,
) -> StoreResult<Uuid> {
    let Origin { version_no, previous, action } = origin;
    let id = Uuid::now_v7();
    let at = now();
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
        version_no: Set(i32::try_from(version_no).unwrap_or(i32::MAX)),
        status: Set("draft".to_owned()),
        steps_done: Set(0),
        title: Set(new.title.clone()),
        goal: Set(new.goal.clone()),
        personal_theme: Set(new.personal_theme.clone()),
        ever_submitted: Set(false),
        review_meeting_id: Set(None),
        review_protocol: Set(None),
        review_date: Set(None),
        approved_by: Set(None),
        approved_on: Set(None),
        previous_id: Set(previous),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(txn)
    .await
    .map_err(|e| StoreError::unique(e, crate::Conflict::PlanExists))?;
    for item in items {
        let mut copy = item.clone();
        copy.id = ItemId::new();
        insert_item(txn, id, &copy).await?;
    }
    record_audit(txn, audit, action, "plan", Some(id), Some(school.id.uuid()), Some(school.district.uuid())).await?;
    Ok(id)
}

impl Store {
    /// Creates version 1 of a plan's lineage as a draft.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `plan_exists` when the lineage already has a plan.
    pub async fn create_plan(&self, school: &School, new: &NewPlan, audit: &Audit) -> StoreResult<Plan> {
        let txn = self.write().await?;
        let id =
            insert_plan(&txn, school, new, Origin { version_no: 1, previous: None, action: "plan.create" }, &[], audit)
                .await?;
        let p = load_one(&txn, id).await?;
        txn.commit().await?;
        Ok(p)
    }

    /// Reads a plan with its items.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_plan(&self, id: PlanId) -> StoreResult<Option<Plan>> {
        match load_one(&self.db, id.uuid()).await {
            Ok(p) => Ok(Some(p)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Lists plans, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_plans(&self, f: &PlanFilter, page: PageRequest) -> StoreResult<Page<Plan>> {
        let mut q = plan::Entity::find().order_by_asc(plan::Column::Id).limit(page.limit + 1);
        if let Some(s) = f.school {
            q = q.filter(plan::Column::SchoolId.eq(s.uuid()));
        }
        if let Some(schools) = &f.schools_of_district {
            q = q.filter(plan::Column::SchoolId.is_in(schools.iter().map(|s| s.uuid())));
        }
        if let Some(k) = f.kind {
            q = q.filter(plan::Column::Kind.eq(k.code()));
        }
        if let Some(y) = f.year {
            q = q.filter(plan::Column::StartYear.eq(y.start_year()));
        }
        if let Some(o) = f.owner {
            q = q.filter(plan::Column::OwnerKey.eq(owner_key(o)));
        }
        if let Some(s) = &f.status {
            // "reviewed" and "agreed" are the in-route states right after a review or an
            // agreement: which step that was depends on the kind's route.
            let step_is = |wanted: StepKind| {
                let mut any = sea_orm::Condition::any();
                for kind in PlanKind::ALL {
                    let steps = route(kind).1;
                    for (i, st) in steps.iter().enumerate() {
                        if st.kind == wanted && i + 1 < steps.len() {
                            any = any.add(
                                sea_orm::Condition::all()
                                    .add(plan::Column::Kind.eq(kind.code()))
                                    .add(plan::Column::StepsDone.eq(i32::try_from(i + 1).unwrap_or(i32::MAX))),
                            );
                        }
                    }
                }
                any
            };
            q = match s.as_str() {
                "submitted" => q.filter(plan::Column::Status.eq("in_route")).filter(plan::Column::StepsDone.eq(0)),
                "reviewed" => q.filter(plan::Column::Status.eq("in_route")).filter(step_is(StepKind::Review)),
                "agreed" => q.filter(plan::Column::Status.eq("in_route")).filter(step_is(StepKind::Agree)),
                other => q.filter(plan::Column::Status.eq(other)),
            };
        }
        if let Some(t) = f.updated_since {
            q = q.filter(plan::Column::UpdatedAt.gte(t));
        }
        if let Some(after) = page.after {
            q = q.filter(plan::Column::Id.gt(after));
        }
        let rows = q.all(&self.db).await?;
        let items = load_many(&self.db, rows).await?;
        Ok(Page::from_rows(items, page.limit, |p| p.id.uuid()))
    }

    /// Edits a draft's header.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed or left the draft state.
    pub async fn update_plan(
        &self,
        p: &Plan,
        expected: Option<i32>,
        patch: PlanPatch,
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        bump(&txn, p, expected).await?;
        let mut am = plan::ActiveModel { id: Set(p.id.uuid()), ..Default::default() };
        if let Some(t) = patch.title {
            am.title = Set(t);
        }
        if let Some(g) = patch.goal {
            am.goal = Set(g);
        }
        if let Some(t) = patch.personal_theme {
            am.personal_theme = Set(t);
        }
        am.update(&txn).await?;
        record_audit(&txn, audit, "plan.update", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        let out = load_one(&txn, p.id.uuid()).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Deletes a draft that was never submitted.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn delete_plan(&self, p: &Plan, expected: Option<i32>, audit: &Audit) -> StoreResult<()> {
        let txn = self.write().await?;
        bump(&txn, p, expected).await?;
        plan_item::Entity::delete_many().filter(plan_item::Column::PlanId.eq(p.id.uuid())).exec(&txn).await?;
        plan::Entity::delete_by_id(p.id.uuid()).exec(&txn).await?;
        record_audit(&txn, audit, "plan.delete", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Adds an item to a draft.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the plan changed meanwhile.
    pub async fn add_item(&self, p: &Plan, expected: Option<i32>, item: &Item, audit: &Audit) -> StoreResult<Plan> {
        let txn = self.write().await?;
        bump(&txn, p, expected).await?;
        insert_item(&txn, p.id.uuid(), item).await?;
        record_audit(&txn, audit, "plan.item.add", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        let out = load_one(&txn, p.id.uuid()).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Edits an item of a draft.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the plan changed meanwhile.
    pub async fn update_item(
        &self,
        p: &Plan,
        expected: Option<i32>,
        item: ItemId,
        c: ItemContent,
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        bump(&txn, p, expected).await?;
        let mut am = plan_item::ActiveModel { id: Set(item.uuid()), updated_at: Set(now()), ..Default::default() };
        if let Some(v) = c.title {
            am.title = Set(v);
        }
        if let Some(v) = c.description {
            am.description = Set(v);
        }
        if let Some(v) = c.form {
            am.form_code = Set(v);
        }
        if let Some(v) = c.direction {
            am.direction = Set(v);
        }
        if let Some(v) = c.start {
            am.start_date = Set(v);
        }
        if let Some(v) = c.due {
            am.due_date = Set(v);
        }
        if let Some(v) = &c.responsible {
            am.responsible = Set(ids_json(v));
        }
        if let Some(v) = c.expected_result {
            am.expected_result = Set(v);
        }
        if let Some(v) = c.position {
            am.position = Set(i32::try_from(v).unwrap_or(i32::MAX));
        }
        am.update(&txn).await?;
        record_audit(&txn, audit, "plan.item.update", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        let out = load_one(&txn, p.id.uuid()).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Removes an item from a draft.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the plan changed meanwhile.
    pub async fn delete_item(&self, p: &Plan, expected: Option<i32>, item: ItemId, audit: &Audit) -> StoreResult<Plan> {
        let txn = self.write().await?;
        bump(&txn, p, expected).await?;
        plan_item::Entity::delete_by_id(item.uuid()).exec(&txn).await?;
        record_audit(&txn, audit, "plan.item.delete", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        let out = load_one(&txn, p.id.uuid()).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Records an item's progress on an approved plan (the plan's version moves too).
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the plan changed meanwhile.
    pub async fn set_progress(
        &self,
        p: &Plan,
        expected: Option<i32>,
        item: ItemId,
        progress: &ItemProgress,
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        bump(&txn, p, expected).await?;
        plan_item::ActiveModel {
            id: Set(item.uuid()),
            progress: Set(progress.progress.code().to_owned()),
            completed_on: Set(progress.completed_on),
            outcome: Set(progress.outcome.clone()),
            evidence: Set(evidence_json(&progress.evidence)),
            updated_at: Set(now()),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        record_audit(&txn, audit, "plan.item.progress", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        let out = load_one(&txn, p.id.uuid()).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Moves a plan to `to` if it is still at `expected` and in its current state; records the
    /// transition. Approving supersedes the lineage's previous approved version in the same
    /// transaction; the partial unique index keeps one approved version per lineage even when
    /// two servers approve at once.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when another change came first.
    pub async fn transition_plan(
        &self,
        p: &Plan,
        expected: Option<i32>,
        to: PlanStatus,
        record: &Transition,
        effects: &TransitionEffects,
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        let current = plan::Entity::find_by_id(p.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let (from_code, from_steps) = status_parts(p.status);
        let (to_code, to_steps) = status_parts(to);
        if to == PlanStatus::Approved {
            plan::Entity::update_many()
                .col_expr(plan::Column::Status, Expr::value("superseded"))
                .col_expr(plan::Column::UpdatedAt, Expr::value(now()))
                .col_expr(plan::Column::Version, Expr::col(plan::Column::Version).add(1))
                .filter(plan::Column::LineageKey.eq(current.lineage_key.clone()))
                .filter(plan::Column::Status.eq("approved"))
                .filter(plan::Column::Id.ne(current.id))
                .filter(plan::Column::VersionNo.lt(current.version_no))
                .exec(&txn)
                .await?;
        }
        let mut am = plan::ActiveModel {
            id: Set(current.id),
            status: Set(to_code.to_owned()),
            steps_done: Set(to_steps),
            version: Set(current.version + 1),
            updated_at: Set(now()),
            ..Default::default()
        };
        if effects.submitted {
            am.ever_submitted = Set(true);
        }
        if let Some(r) = effects.review {
            am.review_meeting_id = Set(Some(r.meeting.uuid()));
            am.review_protocol = Set(r.protocol_number.and_then(|n| i32::try_from(n).ok()));
            am.review_date = Set(Some(r.date));
        }
        if to == PlanStatus::Draft {
            // A returned or withdrawn plan starts its route again.
            am.review_meeting_id = Set(None);
            am.review_protocol = Set(None);
            am.review_date = Set(None);
        }
        if let Some((by, on)) = effects.approved {
            am.approved_by = Set(Some(by.uuid()));
            am.approved_on = Set(Some(on));
        }
        let n = plan::Entity::update_many()
            .set(am)
            .filter(plan::Column::Id.eq(current.id))
            .filter(plan::Column::Version.eq(current.version))
            .filter(plan::Column::Status.eq(from_code))
            .filter(plan::Column::StepsDone.eq(from_steps))
            .exec(&txn)
            .await
            .map_err(|e| StoreError::unique(e, crate::Conflict::PlanAlreadyApproved))?
            .rows_affected;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        plan_transition::ActiveModel {
            id: Set(Uuid::now_v7()),
            plan_id: Set(current.id),
            at: Set(now()),
            actor_id: Set(record.actor.map(StaffId::uuid)),
            actor_role: Set(record.actor_role.clone()),
            action: Set(record.action.clone()),
            from_status: Set(record.from.clone()),
            to_status: Set(record.to.clone()),
            comment: Set(record.comment.clone()),
            meeting_id: Set(record.meeting.map(MeetingId::uuid)),
            protocol_number: Set(record.protocol_number.and_then(|n| i32::try_from(n).ok())),
            meeting_date: Set(record.meeting_date),
        }
        .insert(&txn)
        .await?;
        record_audit(
            &txn,
            audit,
            &format!("plan.{}", record.action),
            "plan",
            Some(current.id),
            Some(current.school_id),
            None,
        )
        .await?;
        let out = load_one(&txn, current.id).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// What a report or the effectiveness figures need of the plan of a lineage — its approved
    /// version, else its newest: the items' progress, deadlines and responsible people, and
    /// whether it is approved. Two lean queries.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn year_plan_facts(
        &self,
        kind: PlanKind,
        owner: Owner,
        year: AcademicYear,
    ) -> StoreResult<Option<(PlanFacts, bool)>> {
        let rows: Vec<(Uuid, String, String)> = plan::Entity::find()
            .select_only()
            .column(plan::Column::Id)
            .column(plan::Column::Status)
            .column(plan::Column::Title)
            .filter(plan::Column::LineageKey.eq(lineage(kind, owner, year)))
            .order_by_desc(plan::Column::VersionNo)
            .into_tuple()
            .all(&self.db)
            .await?;
        let pick = rows.iter().position(|r| r.1 == "approved").unwrap_or(0);
        let Some((id, status, title)) = rows.into_iter().nth(pick) else { return Ok(None) };
        let items: Vec<(String, Option<NaiveDate>, String)> = plan_item::Entity::find()
            .select_only()
            .column(plan_item::Column::Progress)
            .column(plan_item::Column::DueDate)
            .column(plan_item::Column::Responsible)
            .filter(plan_item::Column::PlanId.eq(id))
            .order_by_asc(plan_item::Column::Position)
            .into_tuple()
            .all(&self.db)
            .await?;
        let items = items
            .into_iter()
            .map(|(progress, due, responsible)| {
                let responsible: Vec<Uuid> = stored("plan_item.responsible", serde_json::from_str(&responsible))?;
                Ok(ItemMark {
                    progress: Progress::parse(&progress)
                        .ok_or_else(|| StoreError::Corrupt(format!("plan_item.progress: {progress}")))?,
                    due,
                    responsible: responsible.into_iter().map(StaffId::from_uuid).collect(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some((PlanFacts { id: PlanId::from_uuid(id), title, items }, status == "approved")))
    }

    /// The transitions of a plan, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn plan_history(&self, id: PlanId) -> StoreResult<Vec<Transition>> {
        Ok(plan_transition::Entity::find()
            .filter(plan_transition::Column::PlanId.eq(id.uuid()))
            .order_by_asc(plan_transition::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| Transition {
                at: t.at,
                actor: t.actor_id.map(StaffId::from_uuid),
                actor_role: t.actor_role,
                action: t.action,
                from: t.from_status,
                to: t.to_status,
                comment: t.comment,
                meeting: t.meeting_id.map(MeetingId::from_uuid),
                protocol_number: t.protocol_number.and_then(|n| u32::try_from(n).ok()),
                meeting_date: t.meeting_date,
            })
            .collect())
    }

    /// Makes version n+1 of an approved plan as a draft with the same items (progress reset).
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `plan_exists` when a later version exists already.
    pub async fn amend_plan(&self, school: &School, p: &Plan, audit: &Audit) -> StoreResult<Plan> {
        let txn = self.write().await?;
        let newer: Option<i32> = plan::Entity::find()
            .select_only()
            .column_as(plan::Column::VersionNo.max(), "v")
            .filter(plan::Column::LineageKey.eq(lineage(p.kind, p.owner, p.year)))
            .into_tuple()
            .one(&txn)
            .await?
            .flatten();
        if newer.is_some_and(|v| v > i32::try_from(p.version_no).unwrap_or(i32::MAX)) {
            return Err(StoreError::Conflict(crate::Conflict::PlanExists));
        }
        let new = NewPlan {
            kind: p.kind,
            owner: p.owner,
            year: p.year,
            title: p.title.clone(),
            goal: p.goal.clone(),
            personal_theme: p.personal_theme.clone(),
        };
        let items: Vec<Item> = p.items.iter().map(reset).collect();
        let id = insert_plan(
            &txn,
            school,
            &new,
            Origin { version_no: p.version_no + 1, previous: Some(p.id.uuid()), action: "plan.amend" },
            &items,
            audit,
        )
        .await?;
        let out = load_one(&txn, id).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Stores a plan that was approved on paper, with its items and their progress, in one
    /// transaction, skipping the route: for the data generator and imports of past years.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `plan_exists`, [`StoreError::Db`].
    pub async fn insert_approved_plan(
        &self,
        school: &School,
        new: &NewPlan,
        items: &[Item],
        approved: (StaffId, NaiveDate),
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        let id = insert_plan(
            &txn,
            school,
            new,
            Origin { version_no: 1, previous: None, action: "plan.import" },
            items,
            audit,
        )
        .await?;
        plan::Entity::update_many()
            .col_expr(plan::Column::Status, Expr::value("approved"))
            .col_expr(plan::Column::EverSubmitted, Expr::value(true))
            .col_expr(plan::Column::ApprovedBy, Expr::value(approved.0.uuid()))
            .col_expr(plan::Column::ApprovedOn, Expr::value(approved.1))
            .filter(plan::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let out = load_one(&txn, id).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Copies a plan into a draft for the next academic year, dates a year later.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `plan_exists` when next year's lineage has a plan.
    pub async fn rollover_plan(
        &self,
        school: &School,
        p: &Plan,
        next: AcademicYear,
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        let new = NewPlan {
            kind: p.kind,
            owner: p.owner,
            year: next,
            title: p.title.clone(),
            goal: p.goal.clone(),
            personal_theme: p.personal_theme.clone(),
        };
        let items: Vec<Item> = p
            .items
            .iter()
            .map(|i| {
                let mut c = reset(i);
                c.start = i.start.map(usul_domain::plan::next_year_date);
                c.due = i.due.map(usul_domain::plan::next_year_date);
                c
            })
            .collect();
        let id = insert_plan(
            &txn,
            school,
            &new,
            Origin { version_no: 1, previous: Some(p.id.uuid()), action: "plan.rollover" },
            &items,
            audit,
        )
        .await?;
        let out = load_one(&txn, id).await?;
        txn.commit().await?;
        Ok(out)
    }
}

fn reset(i: &Item) -> Item {
    Item { progress: Progress::Planned, completed_on: None, outcome: None, evidence: Vec::new(), ..i.clone() }
}

impl Store {
    /// The plan an item belongs to.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn plan_of_item(&self, item: ItemId) -> StoreResult<Option<Plan>> {
        let Some(row) = plan_item::Entity::find_by_id(item.uuid()).one(&self.db).await? else { return Ok(None) };
        self.get_plan(PlanId::from_uuid(row.plan_id)).await
    }
}
