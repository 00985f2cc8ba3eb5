//! Progress marks waiting to be recorded on their plan, so that the writer whose turn it is
//! records every mark waiting for that plan in one transaction (a group commit).
//!
//! A school's unified plan is where its staff record progress all day, and each mark moves the
//! plan's version: marks on one plan go one after another. Recorded alone, each paid its own
//! transaction and commit while the others waited; recorded together, the marks that came while
//! one transaction ran share the next one. Each mark still has its item written, its own audit
//! row and event, and its own version step, and its writer gets the plan as its mark left it.
//!
//! A writer leaves its mark here and waits for the plan's turn or its answer, whichever comes
//! first. With the turn, it takes every mark waiting for that plan (its own among them unless
//! another writer took it) and records them in a task of its own, which keeps the turn until
//! it has answered them all: a writer whose client goes away cannot abandon the marks it took.
//! A writer that goes away before its mark was taken takes the mark back with it ([`Ticket`]).

use super::ItemProgress;
use super::turns::{TURNS, slot};
use crate::{Audit, StoreResult};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::oneshot;
use usul_domain::ids::ItemId;
use usul_domain::plan::Plan;
use uuid::Uuid;

/// A progress mark waiting to be recorded, with where its answer goes.
#[derive(Debug)]
pub(crate) struct Mark {
    seq: u64,
    /// The plan as the writer read it and the domain checked the mark against.
    pub(crate) plan: Plan,
    pub(crate) item: ItemId,
    pub(crate) progress: ItemProgress,
    pub(crate) audit: Audit,
    answer: oneshot::Sender<StoreResult<Plan>>,
}

impl Mark {
    /// Answers the mark's writer (who may have gone away: then nobody hears it).
    pub(crate) fn answer(self, result: StoreResult<Plan>) {
        let _ = self.answer.send(result);
    }
}

/// The marks waiting, by the turn of their plan.
#[derive(Debug)]
pub(crate) struct Waiting {
    slots: Box<[Mutex<Vec<Mark>>]>,
    next: AtomicU64,
}

impl Default for Waiting {
    fn default() -> Self {
        Self { slots: (0..TURNS).map(|_| Mutex::new(Vec::new())).collect(), next: AtomicU64::new(0) }
    }
}

/// A writer's claim on its waiting mark: dropped while the mark still waits (the writer went
/// away), it takes the mark back.
pub(crate) struct Ticket<'a> {
    waiting: &'a Waiting,
    slot: usize,
    seq: u64,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut marks = self.waiting.slots[self.slot].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        marks.retain(|m| m.seq != self.seq);
    }
}

impl Waiting {
    /// Leaves a mark to be recorded; the receiver hears its result.
    pub(crate) fn leave(
        &self,
        plan: Plan,
        item: ItemId,
        progress: ItemProgress,
        audit: Audit,
    ) -> (Ticket<'_>, oneshot::Receiver<StoreResult<Plan>>) {
        let (answer, heard) = oneshot::channel();
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        let slot = slot(plan.id.uuid());
        let mark = Mark { seq, plan, item, progress, audit, answer };
        self.slots[slot].lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(mark);
        (Ticket { waiting: self, slot, seq }, heard)
    }

    /// Takes every mark waiting for `plan`, in the order they were left.
    pub(crate) fn take(&self, plan: Uuid) -> Vec<Mark> {
        let mut marks = self.slots[slot(plan)].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (taken, left): (Vec<Mark>, Vec<Mark>) = marks.drain(..).partition(|m| m.plan.id.uuid() == plan);
        *marks = left;
        taken
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::Waiting;
    use crate::Audit;
    use crate::plans::ItemProgress;
    use usul_domain::ids::{ItemId, PlanId, SchoolId};
    use usul_domain::plan::{Owner, Plan, PlanKind, PlanStatus, Progress};
    use usul_domain::year::AcademicYear;
    use uuid::Uuid;

    fn plan(id: Uuid) -> Plan {
        let school = SchoolId::new();
        Plan {
            id: PlanId::from_uuid(id),
            school,
            kind: PlanKind::School,
            owner: Owner::School(school),
            year: AcademicYear::parse("2023-2024").expect("a year"),
            version_no: 1,
            status: PlanStatus::Approved,
            title: "План".into(),
            goal: None,
            personal_theme: None,
            ever_submitted: true,
            review: None,
            submitted_on: None,
            reviewed_on: None,
            agreed: None,
            approved: None,
            return_comment: None,
            items: std::sync::Arc::default(),
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn mark() -> ItemProgress {
        ItemProgress { progress: Progress::PartlyDone, completed_on: None, outcome: None, evidence: Vec::new() }
    }

    /// Two plans whose ids share a turn.
    fn neighbours() -> (Uuid, Uuid) {
        let a = Uuid::now_v7();
        let b = (0..).map(|_| Uuid::now_v7()).find(|b| b.as_u64_pair().1 % 256 == a.as_u64_pair().1 % 256);
        (a, b.expect("a neighbour"))
    }

    #[test]
    fn the_turns_holder_takes_the_marks_of_its_plan_in_order_and_leaves_the_neighbours() {
        let waiting = Waiting::default();
        let (a, b) = neighbours();
        let items: Vec<ItemId> = (0..3).map(|_| ItemId::new()).collect();
        let (_t1, _r1) = waiting.leave(plan(a), items[0], mark(), Audit::system("1"));
        let (_t2, _r2) = waiting.leave(plan(b), items[1], mark(), Audit::system("2"));
        let (_t3, _r3) = waiting.leave(plan(a), items[2], mark(), Audit::system("3"));
        let taken: Vec<ItemId> = waiting.take(a).iter().map(|m| m.item).collect();
        assert_eq!(taken, [items[0], items[2]]);
        assert!(waiting.take(a).is_empty(), "taken once");
        let left: Vec<ItemId> = waiting.take(b).iter().map(|m| m.item).collect();
        assert_eq!(left, [items[1]], "the neighbour's mark waits for its own plan's turn");
    }

    #[test]
    fn a_writer_that_goes_away_takes_its_waiting_mark_back_but_not_one_already_taken() {
        let waiting = Waiting::default();
        let id = Uuid::now_v7();
        let (gone, _) = waiting.leave(plan(id), ItemId::new(), mark(), Audit::system("gone"));
        drop(gone);
        assert!(waiting.take(id).is_empty(), "nobody records a mark whose writer went away first");
        let (ticket, mut heard) = waiting.leave(plan(id), ItemId::new(), mark(), Audit::system("taken"));
        let taken = waiting.take(id);
        drop(ticket);
        assert_eq!(taken.len(), 1, "once taken, the mark is recorded even if its writer leaves");
        for m in taken {
            m.answer(Err(crate::StoreError::NotFound));
        }
        assert!(matches!(heard.try_recv(), Ok(Err(crate::StoreError::NotFound))));
    }
}
