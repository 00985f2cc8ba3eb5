//! Protocol numbers in the order of the meetings' dates (R-5.3, issue 11 point 5).
//!
//! A body's minutes are numbered 1, 2, 3 … within the academic year in the order of their
//! meetings' dates, with no gap and no duplicate. The number is fixed when a meeting is marked
//! **held**: it is the body's next number, and a meeting dated before one of the same body and
//! year that was already held is refused — it would need a number that is already given. Once
//! held, a meeting's date is fixed too, so the order can never be broken afterwards. Meetings
//! held on the same date are numbered in the order they were marked held.

use chrono::NaiveDate;

/// A meeting of the body and year that already has its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbered {
    pub number: u32,
    pub date: NaiveDate,
}

/// Why a meeting cannot be numbered: a meeting of the same body and year dated after it was
/// already held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("meeting №{} of {} was held already; a meeting dated {date} would break the order of dates", .latest.number, .latest.date)]
pub struct OutOfOrder {
    /// The meeting's own date.
    pub date: NaiveDate,
    /// The latest-dated meeting already numbered.
    pub latest: Numbered,
}

/// The protocol number a meeting of `date` takes, given the body's meetings of the year that
/// are numbered already (`numbered`, in any order): one more than the highest, provided none
/// of them is dated after `date`.
///
/// # Errors
/// [`OutOfOrder`] naming the latest-dated numbered meeting.
pub fn next_number(numbered: &[Numbered], date: NaiveDate) -> Result<u32, OutOfOrder> {
    if let Some(latest) = numbered.iter().filter(|n| n.date > date).max_by_key(|n| (n.date, n.number)) {
        return Err(OutOfOrder { date, latest: *latest });
    }
    Ok(numbered.iter().map(|n| n.number).max().unwrap_or(0) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        let y = if m >= 8 { 2025 } else { 2026 };
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_first_meeting_held_is_number_one_r_5_3() {
        assert_eq!(next_number(&[], day(9, 10)), Ok(1));
    }

    #[test]
    fn a_later_meeting_takes_the_next_number_r_5_3() {
        let held = [Numbered { number: 1, date: day(9, 10) }, Numbered { number: 2, date: day(1, 8) }];
        assert_eq!(next_number(&held, day(3, 25)), Ok(3));
    }

    #[test]
    fn meetings_of_the_same_date_are_numbered_in_the_order_they_are_held_r_5_3() {
        let held = [Numbered { number: 1, date: day(1, 8) }];
        assert_eq!(next_number(&held, day(1, 8)), Ok(2));
    }

    #[test]
    fn a_meeting_dated_before_one_already_held_is_refused_naming_it_r_5_3() {
        // The case: 25 March was held as №3 before 8 January.
        let held = [
            Numbered { number: 1, date: day(9, 10) },
            Numbered { number: 2, date: day(11, 5) },
            Numbered { number: 3, date: day(3, 25) },
        ];
        assert_eq!(
            next_number(&held, day(1, 8)),
            Err(OutOfOrder { date: day(1, 8), latest: Numbered { number: 3, date: day(3, 25) } })
        );
    }
}
