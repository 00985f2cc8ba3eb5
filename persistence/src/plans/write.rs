//! Writing plans: new versions (started, amended, rolled over, imported), header and item
//! edits, progress, and the moves the domain decides. Every write is a compare-and-swap on the
//! plan's version.

use super::rows::{
    before, bump, bump_returning, evidence_json, ids_json, insert_item, insert_items, insert_plan, lineage, load_one,
    made, status_parts,
};
use super::{ItemContent, ItemProgress, NewPlan, PlanPatch};
use crate::entities::{plan, plan_item, plan_transition};
use crate::org::check_version;
use crate::{Audit, Store, StoreError, StoreResult, now, record_audit};
use chrono::NaiveDate;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use usul_domain::ids::{ItemId, StaffId};
use usul_domain::org::School;
use usul_domain::plan::{Header, Item, NewVersion, Origin, Plan, PlanStatus, Transition};
use uuid::Uuid;

/// Writes an item's changed columns without reading the row back (the plan is made from what
/// was written, or read once the write is committed). An item gone meanwhile is
/// [`StoreError::NotFound`].
pub(super) async fn update_item_row(
    txn: &DatabaseTransaction,
    id: ItemId,
    am: plan_item::ActiveModel,
) -> StoreResult<()> {
    let n = plan_item::Entity::update_many()
        .set(am)
        .filter(plan_item::Column::Id.eq(id.uuid()))
        .exec(txn)
        .await?
        .rows_affected;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

impl Store {
    /// Keeps the items of `plan`, which a write has just committed, and answers it.
    pub(super) fn kept(&self, plan: Plan) -> Plan {
        self.items.put(plan.id.uuid(), plan.version, plan.items.clone());
        plan
    }

    /// The plan as committed, read after a write's transaction (so not under its lock), through
    /// the items kept by version.
    async fn committed(&self, id: Uuid) -> StoreResult<Plan> {
        load_one(&self.lane, id, Some(&self.items)).await
    }

    /// Stores a new draft version: version 1 of a lineage, an amendment (n+1) or next year's
    /// copy, as the domain made it.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `PlanExists` when the lineage has this version, or (for an
    /// amendment) a later one already.
    pub async fn insert_version(&self, school: &School, new: &NewVersion, audit: &Audit) -> StoreResult<Plan> {
        let txn = self.write().await?;
        if let Origin::Amendment(_) = new.origin {
            let newest: Option<i32> = plan::Entity::find()
                .select_only()
                .column_as(plan::Column::VersionNo.max(), "v")
                .filter(plan::Column::LineageKey.eq(lineage(new.kind, new.owner, new.year)))
                .into_tuple()
                .one(&txn)
                .await?
                .flatten();
            if newest.is_some_and(|v| v >= i32::try_from(new.version_no).unwrap_or(i32::MAX)) {
                return Err(StoreError::Conflict(crate::Conflict::PlanExists));
            }
        }
        let id = insert_plan(&txn, school, new, None, audit).await?;
        let out = load_one(&txn, id, None).await?;
        txn.commit().await?;
        Ok(out)
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
        txn.commit().await?;
        self.committed(p.id.uuid()).await
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
        crate::sync::record_tombstone(&txn, "plans", p.id.uuid(), Some(p.school.uuid()), None).await?;
        record_audit(&txn, audit, "plan.delete", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Adds an item to a draft; `last` places it after the items stored when it is written
    /// (not those the caller read), so that concurrent additions each get their own place.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the plan is no longer at `expected` or left the
    /// draft state.
    pub async fn add_item(
        &self,
        p: &Plan,
        expected: Option<i32>,
        item: &Item,
        last: bool,
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let _turn = self.plan_turns.take(p.id.uuid()).await;
        let txn = self.write().await?;
        // The audit first: the plan's row, locked by the bump, is then held only while the
        // item takes its place and the write commits.
        record_audit(&txn, audit, "plan.item.add", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        // The plan's row is locked by the bump before the last position is known: concurrent
        // additions take their places one after another.
        let row = bump_returning(&txn, p, expected).await?;
        let known = before(p, &row, &self.items);
        let mut item = item.clone();
        if last {
            let max: Option<i32> = match &known {
                Some(items) => items.iter().map(|i| i32::try_from(i.position).unwrap_or(i32::MAX)).max(),
                None => plan_item::Entity::find()
                    .select_only()
                    .column_as(plan_item::Column::Position.max(), "m")
                    .filter(plan_item::Column::PlanId.eq(p.id.uuid()))
                    .into_tuple::<Option<i32>>()
                    .one(&txn)
                    .await?
                    .flatten(),
            };
            item.position = u32::try_from(max.unwrap_or(0)).unwrap_or(0) + 1;
        }
        insert_item(&txn, p.id.uuid(), &item).await?;
        item.form = item.form.filter(|f| !f.is_empty());
        let plan = made(&txn, p, row, known, |items| items.push(item)).await?;
        txn.commit().await?;
        Ok(self.kept(plan))
    }

    /// Adds many items to a draft at the places they carry, in one transaction and one audit
    /// event: for the data generator, whose plans are as long as a school's.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the plan is no longer at `expected` or left the
    /// draft state.
    pub async fn add_items(&self, p: &Plan, expected: Option<i32>, items: &[Item], audit: &Audit) -> StoreResult<Plan> {
        let txn = self.write().await?;
        bump(&txn, p, expected).await?;
        insert_items(&txn, p.id.uuid(), items).await?;
        record_audit(&txn, audit, "plan.items.add", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        txn.commit().await?;
        self.committed(p.id.uuid()).await
    }

    /// Replaces a draft's whole list of items in one transaction: all of them or none.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the plan is no longer at `expected` or left the
    /// draft state.
    pub async fn replace_items(
        &self,
        p: &Plan,
        expected: Option<i32>,
        items: &[Item],
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        bump(&txn, p, expected).await?;
        plan_item::Entity::delete_many().filter(plan_item::Column::PlanId.eq(p.id.uuid())).exec(&txn).await?;
        for item in items {
            insert_item(&txn, p.id.uuid(), item).await?;
        }
        record_audit(&txn, audit, "plan.items.replace", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        txn.commit().await?;
        self.committed(p.id.uuid()).await
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
        let mut am = plan_item::ActiveModel { updated_at: Set(now()), ..Default::default() };
        if let Some(v) = c.title {
            am.title = Set(v);
        }
        if let Some(v) = c.description {
            am.description = Set(v);
        }
        if let Some(v) = c.form {
            am.form_code = Set(v.unwrap_or_default());
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
        update_item_row(&txn, item, am).await?;
        record_audit(&txn, audit, "plan.item.update", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        txn.commit().await?;
        self.committed(p.id.uuid()).await
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
        txn.commit().await?;
        self.committed(p.id.uuid()).await
    }

    /// Records the progress of many items of an approved plan in one transaction, one version
    /// step and one audit event: for the data generator, which records a year's progress at once.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the plan changed meanwhile.
    pub async fn set_progress_many(
        &self,
        p: &Plan,
        expected: Option<i32>,
        marks: &[(ItemId, ItemProgress)],
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        // Items marked alike are written by one statement: a year's marks take a few. The
        // items' rows first and the plan's last, as a single mark takes them.
        type Mark<'a> = (&'a str, Option<NaiveDate>, Option<&'a str>, String);
        let mut alike: Vec<(Mark<'_>, Vec<Uuid>)> = Vec::new();
        for (item, m) in marks {
            let key = (m.progress.code(), m.completed_on, m.outcome.as_deref(), evidence_json(&m.evidence));
            match alike.iter_mut().find(|(k, _)| *k == key) {
                Some((_, ids)) => ids.push(item.uuid()),
                None => alike.push((key, vec![item.uuid()])),
            }
        }
        let at = now();
        for ((progress, completed_on, outcome, evidence), ids) in alike {
            for chunk in ids.chunks(1000) {
                plan_item::Entity::update_many()
                    .col_expr(plan_item::Column::Progress, Expr::value(progress))
                    .col_expr(plan_item::Column::CompletedOn, Expr::value(completed_on))
                    .col_expr(plan_item::Column::Outcome, Expr::value(outcome.map(str::to_owned)))
                    .col_expr(plan_item::Column::Evidence, Expr::value(evidence.clone()))
                    .col_expr(plan_item::Column::UpdatedAt, Expr::value(at))
                    .filter(plan_item::Column::PlanId.eq(p.id.uuid()))
                    .filter(plan_item::Column::Id.is_in(chunk.iter().copied()))
                    .exec(&txn)
                    .await?;
            }
        }
        record_audit(&txn, audit, "plan.items.progress", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None)
            .await?;
        bump(&txn, p, expected).await?;
        txn.commit().await?;
        self.committed(p.id.uuid()).await
    }

    /// Records a move the domain decided: the plan goes to `t.to` if it is still at `expected`
    /// and in `t.from`. Approving supersedes the lineage's previous approved version in the same
    /// transaction; the partial unique index keeps one approved version per lineage even when
    /// two servers approve at once. A move back to draft clears the review (the route starts
    /// again).
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when another change came first,
    /// [`StoreError::Conflict`] `PlanAlreadyApproved`.
    pub async fn transition_plan(
        &self,
        p: &Plan,
        expected: Option<i32>,
        t: &Transition,
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        let current = plan::Entity::find_by_id(p.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let (from_code, from_steps) = status_parts(t.from);
        let (to_code, to_steps) = status_parts(t.to);
        if t.to == PlanStatus::Approved {
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
        if t.submits() {
            am.ever_submitted = Set(true);
        }
        if let Some(r) = t.review {
            am.review_meeting_id = Set(Some(r.meeting.uuid()));
            am.review_protocol = Set(r.protocol_number.and_then(|n| i32::try_from(n).ok()));
            am.review_date = Set(Some(r.date));
        }
        // The plan's dates as the domain applies the move (issue 11).
        let mut after = p.clone();
        after.apply(t);
        am.submitted_on = Set(after.submitted_on);
        am.reviewed_on = Set(after.reviewed_on);
        am.agreed_by = Set(after.agreed.map(|(by, _)| by.uuid()));
        am.agreed_on = Set(after.agreed.map(|(_, on)| on));
        if t.to == PlanStatus::Draft {
            am.review_meeting_id = Set(None);
            am.review_protocol = Set(None);
            am.review_date = Set(None);
        }
        if let Some(why) = Plan::return_comment_after(t) {
            am.return_comment = Set(why);
        }
        if let Some((by, on)) = t.approved {
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
            actor_id: Set(Some(t.by.uuid())),
            actor_role: Set(t.role.code().to_owned()),
            action: Set(t.action.code().to_owned()),
            from_status: Set(t.from.code(p.kind).to_owned()),
            to_status: Set(t.to.code(p.kind).to_owned()),
            comment: Set(t.comment.clone()),
            meeting_id: Set(t.review.map(|r| r.meeting.uuid())),
            protocol_number: Set(t.review.and_then(|r| r.protocol_number).and_then(|n| i32::try_from(n).ok())),
            meeting_date: Set(t.review.map(|r| r.date)),
            decided_on: Set(t.decided_on),
        }
        .insert(&txn)
        .await?;
        let action = format!("plan.{}", t.action.code());
        record_audit(&txn, audit, &action, "plan", Some(current.id), Some(current.school_id), None).await?;
        let out = load_one(&txn, current.id, None).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Stores a plan that was approved on paper, with its items and their progress, in one
    /// transaction, skipping the route: for imports of past years (the data generator and the
    /// demo walk the route through the domain's commands instead).
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `PlanExists`, [`StoreError::Db`].
    pub async fn insert_approved_plan(
        &self,
        school: &School,
        new: &NewPlan,
        items: &[Item],
        approved: (StaffId, NaiveDate),
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        let version = NewVersion {
            kind: new.kind,
            owner: new.owner,
            year: new.year,
            header: Header {
                title: new.title.clone(),
                goal: new.goal.clone(),
                personal_theme: new.personal_theme.clone(),
            },
            version_no: 1,
            origin: Origin::Start,
            items: items.to_vec(),
        };
        let id = insert_plan(&txn, school, &version, Some("plan.import"), audit).await?;
        plan::Entity::update_many()
            .col_expr(plan::Column::Status, Expr::value("approved"))
            .col_expr(plan::Column::EverSubmitted, Expr::value(true))
            .col_expr(plan::Column::ApprovedBy, Expr::value(approved.0.uuid()))
            .col_expr(plan::Column::ApprovedOn, Expr::value(approved.1))
            .filter(plan::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let out = load_one(&txn, id, None).await?;
        txn.commit().await?;
        Ok(out)
    }
}
