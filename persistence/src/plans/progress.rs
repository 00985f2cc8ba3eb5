//! Recording progress on an approved plan: a mark alone when it names the version it expects,
//! else with the other marks waiting for the plan's turn, in one transaction (see
//! [`super::marks`]).

use super::ItemProgress;
use super::marks::Mark;
use super::rows::{before, bump_returning, bump_returning_by, evidence_json, made};
use super::write::update_item_row;
use crate::entities::{plan, plan_item};
use crate::{Audit, Store, StoreError, StoreResult, now, record_audit, record_audits};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{CaseStatement, Expr, Query, UpdateStatement};
use sea_orm::{ColumnTrait, ConnectionTrait};
use usul_domain::ids::ItemId;
use usul_domain::plan::{Item, Plan};
use uuid::Uuid;

/// An item's progress columns as a mark sets them.
fn progress_row(progress: &ItemProgress) -> plan_item::ActiveModel {
    plan_item::ActiveModel {
        progress: Set(progress.progress.code().to_owned()),
        completed_on: Set(progress.completed_on),
        outcome: Set(progress.outcome.clone()),
        evidence: Set(evidence_json(&progress.evidence)),
        updated_at: Set(now()),
        ..Default::default()
    }
}

/// The `UPDATE` that records several items' progress on plan `plan` at once: each column a
/// `CASE` on the item's id.
fn marks_statement(plan: Uuid, rows: &[(ItemId, &ItemProgress)]) -> UpdateStatement {
    let column = |value: &dyn Fn(&ItemProgress) -> Expr, otherwise: plan_item::Column| -> Expr {
        let mut case = CaseStatement::new();
        for (item, progress) in rows {
            case = case.case(plan_item::Column::Id.eq(item.uuid()), value(progress));
        }
        case.finally(Expr::col(otherwise)).into()
    };
    Query::update()
        .table(plan_item::Entity)
        .value(plan_item::Column::Progress, column(&|p| Expr::value(p.progress.code()), plan_item::Column::Progress))
        .value(plan_item::Column::CompletedOn, column(&|p| Expr::value(p.completed_on), plan_item::Column::CompletedOn))
        .value(plan_item::Column::Outcome, column(&|p| Expr::value(p.outcome.clone()), plan_item::Column::Outcome))
        .value(
            plan_item::Column::Evidence,
            column(&|p| Expr::value(evidence_json(&p.evidence)), plan_item::Column::Evidence),
        )
        .value(plan_item::Column::UpdatedAt, now())
        .and_where(plan_item::Column::PlanId.eq(plan))
        .and_where(plan_item::Column::Id.is_in(rows.iter().map(|(i, _)| i.uuid())))
        .to_owned()
}

/// Applies a mark to the item it names among `items`.
fn mark_item(items: &mut [Item], item: ItemId, progress: &ItemProgress) {
    if let Some(marked) = items.iter_mut().find(|i| i.id == item) {
        marked.progress = progress.progress;
        marked.completed_on = progress.completed_on;
        marked.outcome.clone_from(&progress.outcome);
        marked.evidence.clone_from(&progress.evidence);
    }
}

/// The error of a mark whose recording stopped without answering it (its task panicked): a
/// server fault.
fn unanswered() -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom("the progress mark's recording stopped before answering".into()))
}

impl Store {
    /// Records an item's progress on an approved plan (the plan's version moves too).
    ///
    /// Without `expected`, the mark waits for its plan's turn with the others recording
    /// progress on that plan, and whoever's turn it is records them all in one transaction,
    /// each its own version step and audit event (see `plans/marks.rs`). With `expected`, the
    /// mark is recorded alone: it must find the plan at that very version.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the plan changed meanwhile (left its status, or is
    /// no longer at `expected`).
    pub async fn set_progress(
        &self,
        p: &Plan,
        expected: Option<i32>,
        item: ItemId,
        progress: &ItemProgress,
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let id = p.id.uuid();
        if expected.is_some() {
            let _turn = self.plan_turns.take(id).await;
            return self.set_progress_alone(p, expected, item, progress, audit).await;
        }
        let (_ticket, mut heard) = self.progress_marks.leave(p.clone(), item, progress.clone(), audit.clone());
        let turn = tokio::select! {
            biased;
            answer = &mut heard => return answer.unwrap_or_else(|_| Err(unanswered())),
            turn = self.plan_turns.take(id) => turn,
        };
        if let Ok(answer) = heard.try_recv() {
            return answer;
        }
        let marks = self.progress_marks.take(id);
        if marks.is_empty() {
            // A writer that went ahead without the turn took this mark: it answers.
            drop(turn);
        } else {
            let store = self.clone();
            tokio::spawn(async move {
                let _turn = turn;
                store.record_marks(marks).await;
            });
        }
        heard.await.unwrap_or_else(|_| Err(unanswered()))
    }

    /// Records the marks waiting for one plan and answers each. Marks read at the status the
    /// first was read at go together; should their transaction fail for any reason but the
    /// database being out of reach, each is tried alone, so that one mark's refusal is its own.
    async fn record_marks(&self, mut marks: Vec<Mark>) {
        let status = marks[0].plan.status;
        let apart: Vec<Mark> = marks.extract_if(.., |m| m.plan.status != status).collect();
        let alone = match marks.len() {
            0 => Vec::new(),
            1 => marks,
            _ => match self.progress_together(&marks).await {
                Ok(plans) => {
                    for (mark, plan) in marks.into_iter().zip(plans) {
                        mark.answer(Ok(plan));
                    }
                    Vec::new()
                }
                Err(StoreError::Db(e)) if crate::is_connection_error(&e) => {
                    for mark in marks {
                        mark.answer(Err(StoreError::Db(sea_orm::DbErr::ConnectionAcquire(
                            sea_orm::error::ConnAcquireErr::ConnectionClosed,
                        ))));
                    }
                    Vec::new()
                }
                Err(_) => marks,
            },
        };
        for mark in alone.into_iter().chain(apart) {
            let result = self.set_progress_alone(&mark.plan, None, mark.item, &mark.progress, &mark.audit).await;
            mark.answer(result);
        }
    }

    /// Records marks on one plan in one transaction whose statements do not grow with their
    /// number: their items in one `UPDATE` (an item marked twice takes the later mark), their
    /// audit rows and events in the order they came (one round trip: one statement on
    /// PostgreSQL, one text of three on SQLite), and one bump of as many versions as there are marks. Each mark's plan is the
    /// version its step made: the items the first step moved on from, with the marks up to its
    /// own applied; when those items are not known without a statement, every mark gets the
    /// plan as the last step left it.
    async fn progress_together(&self, marks: &[Mark]) -> StoreResult<Vec<Plan>> {
        let first = &marks[0].plan;
        let (id, school) = (first.id.uuid(), first.school.uuid());
        let steps = i32::try_from(marks.len()).unwrap_or(i32::MAX);
        let mut rows: Vec<(ItemId, &ItemProgress)> = Vec::with_capacity(marks.len());
        for m in marks.iter().rev() {
            if !rows.iter().any(|(i, _)| *i == m.item) {
                rows.push((m.item, &m.progress));
            }
        }
        let txn = self.write().await?;
        let marked = txn.execute(&marks_statement(id, &rows)).await?.rows_affected();
        if u64::try_from(rows.len()).ok() != Some(marked) {
            // An item gone: tried alone, each mark learns whether it was its own.
            return Err(StoreError::NotFound);
        }
        let audits: Vec<&Audit> = marks.iter().map(|m| &m.audit).collect();
        record_audits(&txn, &audits, "plan.item.progress", "plan", Some(id), Some(school), None).await?;
        let row = bump_returning_by(&txn, first, None, steps).await?;
        let from = row.version - steps;
        let known = marks
            .iter()
            .find(|m| m.plan.version == from)
            .map(|m| m.plan.items.as_ref().clone())
            .or_else(|| self.items.get(id, from).map(|items| items.as_ref().clone()));
        let plans = match known {
            Some(mut items) => {
                let mut plans = Vec::with_capacity(marks.len());
                for (step, m) in (1..).zip(marks) {
                    mark_item(&mut items, m.item, &m.progress);
                    let made_row = plan::Model { version: from + step, ..row.clone() };
                    plans.push(made(&txn, &m.plan, made_row, Some(items.clone()), |_| {}).await?);
                }
                plans
            }
            None => {
                let last = made(&txn, first, row, None, |_| {}).await?;
                vec![last; marks.len()]
            }
        };
        txn.commit().await?;
        Ok(plans.into_iter().map(|plan| self.kept(plan)).collect())
    }

    /// Records one item's progress in a transaction of its own, `expected` checked.
    async fn set_progress_alone(
        &self,
        p: &Plan,
        expected: Option<i32>,
        item: ItemId,
        progress: &ItemProgress,
        audit: &Audit,
    ) -> StoreResult<Plan> {
        let txn = self.write().await?;
        // The item's row first and the plan's last: writers recording progress on one plan
        // wait for each other only over the bump and the commit, not over every statement.
        // Nothing writes an approved plan's items but progress, which takes the rows in this
        // order too, so no two writers wait for each other's rows.
        update_item_row(&txn, item, progress_row(progress)).await?;
        record_audit(&txn, audit, "plan.item.progress", "plan", Some(p.id.uuid()), Some(p.school.uuid()), None).await?;
        let row = bump_returning(&txn, p, expected).await?;
        let known = before(p, &row, &self.items);
        let plan = made(&txn, p, row, known, |items| mark_item(items, item, progress)).await?;
        txn.commit().await?;
        Ok(self.kept(plan))
    }
}
