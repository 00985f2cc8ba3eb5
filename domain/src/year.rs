//! The academic year (*окуу жылы*): September 1 to August 31, written `2022-2023`, and the
//! school's [`YearBoundary`]: the day from which dated records (meetings, orders, activities,
//! outside work) are filed under the coming year, so that the August pedagogical council that
//! opens a year belongs to it.

use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

/// An academic year, e.g. `2022-2023`. Only constructed through [`AcademicYear::parse`] or
/// [`AcademicYear::starting`], so it always names two consecutive years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AcademicYear {
    start: i32,
}

/// Why a text is not an academic year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcademicYearError {
    /// Not of the form `YYYY-YYYY`.
    #[error("an academic year is written YYYY-YYYY, e.g. 2022-2023")]
    Format,
    /// The second year does not follow the first.
    #[error("the second year must follow the first, e.g. 2022-2023")]
    NotConsecutive,
    /// Outside the years the service accepts.
    #[error("the year must lie between 2000 and 2100")]
    OutOfRange,
}

impl AcademicYear {
    /// The earliest first year accepted.
    pub const MIN_START: i32 = 2000;
    /// The latest first year accepted.
    pub const MAX_START: i32 = 2099;

    /// Parses `"2022-2023"`.
    ///
    /// # Errors
    /// [`AcademicYearError`] when the text is not two consecutive four-digit years in range.
    pub fn parse(text: &str) -> Result<Self, AcademicYearError> {
        let (a, b) = text.split_once('-').ok_or(AcademicYearError::Format)?;
        let four_digits = |s: &str| s.len() == 4 && s.bytes().all(|c| c.is_ascii_digit());
        if !four_digits(a) || !four_digits(b) {
            return Err(AcademicYearError::Format);
        }
        let start: i32 = a.parse().map_err(|_| AcademicYearError::Format)?;
        let end: i32 = b.parse().map_err(|_| AcademicYearError::Format)?;
        if end != start + 1 {
            return Err(AcademicYearError::NotConsecutive);
        }
        Self::starting(start)
    }

    /// The academic year that starts in September of `start`.
    ///
    /// # Errors
    /// [`AcademicYearError::OutOfRange`] outside 2000–2099.
    pub fn starting(start: i32) -> Result<Self, AcademicYearError> {
        if !(Self::MIN_START..=Self::MAX_START).contains(&start) {
            return Err(AcademicYearError::OutOfRange);
        }
        Ok(Self { start })
    }

    /// The academic year a date is filed under with the default boundary (15 August): for a
    /// school's records use [`AcademicYear::of`] with its own boundary.
    #[must_use]
    pub fn containing(date: NaiveDate) -> Option<Self> {
        Self::of(date, YearBoundary::default())
    }

    /// The academic year a record dated `date` is filed under, in a school whose year begins on
    /// `boundary`: dates from the boundary on belong to the year starting that calendar year.
    #[must_use]
    pub fn of(date: NaiveDate, boundary: YearBoundary) -> Option<Self> {
        use chrono::Datelike;
        let start =
            if (date.month(), date.day()) >= (boundary.month, boundary.day) { date.year() } else { date.year() - 1 };
        Self::starting(start).ok()
    }

    /// Whether a record dated `date` is filed under this year in a school whose year begins on
    /// `boundary`.
    #[must_use]
    pub fn files(self, date: NaiveDate, boundary: YearBoundary) -> bool {
        Self::of(date, boundary) == Some(self)
    }

    /// The calendar year it starts in.
    #[must_use]
    pub const fn start_year(self) -> i32 {
        self.start
    }

    /// September 1 of the first year.
    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start, 9, 1).unwrap_or(NaiveDate::MIN)
    }

    /// August 31 of the second year.
    #[must_use]
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start + 1, 8, 31).unwrap_or(NaiveDate::MAX)
    }

    /// Whether `date` lies inside the year.
    #[must_use]
    pub fn contains(self, date: NaiveDate) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }

    /// The year after this one.
    #[must_use]
    pub fn next(self) -> Option<Self> {
        Self::starting(self.start + 1).ok()
    }

    /// The year before this one (R-5.5 compares a year with it).
    #[must_use]
    pub fn previous(self) -> Option<Self> {
        Self::starting(self.start - 1).ok()
    }
}

/// The day a school's academic year begins for filing its dated records, `MM-DD`, between
/// 1 July and 1 September; 15 August by default. Teaching starts on 1 September, but the
/// pedagogical council that adopts the year's plan meets in the second half of August and
/// belongs to the coming year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct YearBoundary {
    month: u32,
    day: u32,
}

/// Why a text is not a year boundary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YearBoundaryError {
    /// Not `MM-DD`, or no such day.
    #[error("a year boundary is written MM-DD, e.g. 08-15")]
    Format,
    /// Before 1 July or after 1 September.
    #[error("the year boundary must lie between 07-01 and 09-01")]
    OutOfRange,
}

impl Default for YearBoundary {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl YearBoundary {
    /// 15 August.
    pub const DEFAULT: Self = Self { month: 8, day: 15 };
    /// The earliest boundary accepted, as `(month, day)`.
    pub const EARLIEST: (u32, u32) = (7, 1);
    /// The latest boundary accepted: 1 September, the first day of teaching.
    pub const LATEST: (u32, u32) = (9, 1);

    /// Parses `"08-15"`.
    ///
    /// # Errors
    /// [`YearBoundaryError::Format`] for anything but two-digit month and day naming a day of
    /// the year, [`YearBoundaryError::OutOfRange`] outside 1 July – 1 September.
    pub fn parse(text: &str) -> Result<Self, YearBoundaryError> {
        let (m, d) = text.split_once('-').ok_or(YearBoundaryError::Format)?;
        let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit());
        if !two_digits(m) || !two_digits(d) {
            return Err(YearBoundaryError::Format);
        }
        let month: u32 = m.parse().map_err(|_| YearBoundaryError::Format)?;
        let day: u32 = d.parse().map_err(|_| YearBoundaryError::Format)?;
        // A leap year, so that every day of a month is a day.
        if NaiveDate::from_ymd_opt(2024, month, day).is_none() {
            return Err(YearBoundaryError::Format);
        }
        if (month, day) < Self::EARLIEST || (month, day) > Self::LATEST {
            return Err(YearBoundaryError::OutOfRange);
        }
        Ok(Self { month, day })
    }

    /// The month, 7–9.
    #[must_use]
    pub const fn month(self) -> u32 {
        self.month
    }

    /// The day of the month.
    #[must_use]
    pub const fn day(self) -> u32 {
        self.day
    }
}

impl fmt::Display for YearBoundary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.start + 1)
    }
}

impl FromStr for AcademicYear {
    type Err = AcademicYearError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_year_is_two_consecutive_years() {
        let y = AcademicYear::parse("2022-2023");
        assert_eq!(y.map(|y| y.to_string()), Ok("2022-2023".to_owned()));
    }

    #[test]
    fn non_consecutive_years_are_refused() {
        assert_eq!(AcademicYear::parse("2022-2024"), Err(AcademicYearError::NotConsecutive));
        assert_eq!(AcademicYear::parse("2023-2022"), Err(AcademicYearError::NotConsecutive));
    }

    #[test]
    fn malformed_years_are_refused() {
        for bad in ["", "2022", "2022/2023", "22-23", "2022-2023x", "+202-2023", "２０２２-２０２３"] {
            assert_eq!(AcademicYear::parse(bad), Err(AcademicYearError::Format), "{bad}");
        }
    }

    #[test]
    fn years_out_of_range_are_refused() {
        assert_eq!(AcademicYear::parse("1999-2000"), Err(AcademicYearError::OutOfRange));
    }

    #[test]
    fn a_year_runs_from_september_first_to_august_thirty_first() {
        let Ok(y) = AcademicYear::parse("2022-2023") else { panic!("valid year refused") };
        assert_eq!(y.first_day(), date(2022, 9, 1));
        assert_eq!(y.last_day(), date(2023, 8, 31));
        assert!(y.contains(date(2023, 5, 25)));
        assert!(!y.contains(date(2022, 8, 31)));
        let september = YearBoundary::parse("09-01").unwrap_or_default();
        assert_eq!(AcademicYear::of(date(2023, 8, 31), september), Some(y));
        assert_eq!(AcademicYear::of(date(2022, 9, 1), september), Some(y));
    }

    #[test]
    fn an_august_council_after_the_default_boundary_opens_the_coming_year_r_5_1() {
        let Ok(y) = AcademicYear::parse("2025-2026") else { panic!("valid year refused") };
        let b = YearBoundary::default();
        assert_eq!(b.to_string(), "08-15");
        assert_eq!(AcademicYear::containing(date(2025, 8, 28)), Some(y));
        assert_eq!(AcademicYear::of(date(2025, 8, 15), b), Some(y));
        assert_eq!(AcademicYear::of(date(2025, 8, 14), b), y.previous());
        assert_eq!(AcademicYear::of(date(2026, 6, 1), b), Some(y));
        assert!(y.files(date(2025, 8, 20), b));
        assert!(!y.files(date(2026, 8, 20), b));
    }

    #[test]
    fn a_school_sets_its_own_boundary_within_july_to_the_first_of_september_r_5_1() {
        let Ok(y) = AcademicYear::parse("2025-2026") else { panic!("valid year refused") };
        let late = YearBoundary::parse("08-25").unwrap_or_default();
        assert_eq!(AcademicYear::of(date(2025, 8, 20), late), y.previous());
        assert_eq!(AcademicYear::of(date(2025, 8, 25), late), Some(y));
        for ok in ["07-01", "08-01", "09-01", "08-31"] {
            assert!(YearBoundary::parse(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("06-30", YearBoundaryError::OutOfRange),
            ("09-02", YearBoundaryError::OutOfRange),
            ("01-15", YearBoundaryError::OutOfRange),
            ("8-15", YearBoundaryError::Format),
            ("08/15", YearBoundaryError::Format),
            ("08-32", YearBoundaryError::Format),
            ("02-30", YearBoundaryError::Format),
            ("", YearBoundaryError::Format),
        ] {
            assert_eq!(YearBoundary::parse(bad), Err(why), "{bad}");
        }
    }
}
