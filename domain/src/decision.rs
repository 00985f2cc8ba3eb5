//! The date a decision carries (issue 11): a school entering its paper year afterwards dates
//! each review, agreement, approval, acceptance and return as it was made — by default today,
//! never in the future, never before the step before it.

use chrono::NaiveDate;

/// The date asked for a decision, and the server's today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    /// The `decided_on` the caller sent, if any.
    pub asked: Option<NaiveDate>,
    /// The server's date.
    pub today: NaiveDate,
}

impl Dated {
    /// A decision dated `asked` (or today).
    #[must_use]
    pub const fn on(asked: Option<NaiveDate>, today: NaiveDate) -> Self {
        Self { asked, today }
    }
}

impl From<NaiveDate> for Dated {
    /// A decision made today, with no date asked.
    fn from(today: NaiveDate) -> Self {
        Self { asked: None, today }
    }
}

/// Why a decision's date is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateProblem {
    /// Decisions are recorded once made: not dated after today.
    #[error("the decision is dated after today ({today})")]
    InFuture { today: NaiveDate },
    /// A decision follows the step before it (the submission, the review, the agreement).
    #[error("the decision is dated before the step before it ({previous})")]
    BeforePrevious { previous: NaiveDate },
}

impl Dated {
    /// The decision's date: the one asked, or today; not after today, not before `previous`
    /// (the date of the step before it, when there is one).
    ///
    /// # Errors
    /// [`DateProblem`].
    pub fn decide(self, previous: Option<NaiveDate>) -> Result<NaiveDate, DateProblem> {
        let on = self.asked.unwrap_or(self.today);
        if on > self.today {
            return Err(DateProblem::InFuture { today: self.today });
        }
        match previous {
            Some(previous) if on < previous => Err(DateProblem::BeforePrevious { previous }),
            _ => Ok(on),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_decision_is_dated_today_by_default_or_as_asked_never_in_the_future_nor_before_the_step_before_it() {
        let today = day(2026, 11, 30);
        assert_eq!(Dated::from(today).decide(None), Ok(today));
        assert_eq!(Dated::on(Some(day(2025, 9, 14)), today).decide(Some(day(2025, 9, 8))), Ok(day(2025, 9, 14)));
        assert_eq!(Dated::on(Some(day(2025, 9, 8)), today).decide(Some(day(2025, 9, 8))), Ok(day(2025, 9, 8)));
        assert_eq!(Dated::on(Some(day(2026, 12, 1)), today).decide(None), Err(DateProblem::InFuture { today }));
        assert_eq!(
            Dated::on(Some(day(2025, 9, 1)), today).decide(Some(day(2025, 9, 8))),
            Err(DateProblem::BeforePrevious { previous: day(2025, 9, 8) })
        );
    }
}
