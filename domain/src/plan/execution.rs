//! How a plan is being carried out: counts by progress, the share done, overdue items and the
//! figures of each responsible person.

use super::{Item, Plan, Progress, is_overdue, percent_done};
use crate::ids::StaffId;
use chrono::NaiveDate;

/// One responsible person's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonExecution {
    pub staff: StaffId,
    pub items: usize,
    pub done: usize,
    pub overdue: usize,
}

/// A plan's execution on a day.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution<'a> {
    pub as_of: NaiveDate,
    pub items: usize,
    /// Items per progress mark, every mark listed.
    pub by_status: Vec<(Progress, usize)>,
    /// Done of all items not cancelled, in percent with one decimal.
    pub percent_done: f64,
    /// Due before the day and neither done nor cancelled.
    pub overdue: Vec<&'a Item>,
    /// Each responsible person once, in id order.
    pub by_responsible: Vec<PersonExecution>,
}

impl Plan {
    /// The plan's execution on `today`.
    #[must_use]
    pub fn execution(&self, today: NaiveDate) -> Execution<'_> {
        let late = |i: &&Item| is_overdue(i.due, i.progress, today);
        let mut people: Vec<StaffId> = self.items.iter().flat_map(|i| i.responsible.iter().copied()).collect();
        people.sort_unstable();
        people.dedup();
        let by_responsible = people
            .into_iter()
            .map(|staff| {
                let mine: Vec<&Item> = self.items.iter().filter(|i| i.responsible.contains(&staff)).collect();
                PersonExecution {
                    staff,
                    items: mine.len(),
                    done: mine.iter().filter(|i| i.progress == Progress::Done).count(),
                    overdue: mine.iter().filter(|i| late(i)).count(),
                }
            })
            .collect();
        let marks: Vec<Progress> = self.items.iter().map(|i| i.progress).collect();
        Execution {
            as_of: today,
            items: self.items.len(),
            by_status: Progress::ALL.into_iter().map(|p| (p, marks.iter().filter(|m| **m == p).count())).collect(),
            percent_done: percent_done(&marks),
            overdue: self.items.iter().filter(late).collect(),
            by_responsible,
        }
    }

    /// The body whose meeting reviews this plan by the route table (R-5.1, R-5.3, R-3.2.2f),
    /// if its route has a review.
    #[must_use]
    pub fn reviewing_body(&self) -> Option<crate::meeting::BodyKind> {
        super::route(self.kind).1.iter().find_map(|s| match s.actor {
            super::StepActor::Body(b) => Some(b),
            _ => None,
        })
    }
}
