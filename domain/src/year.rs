//! The academic year (*окуу жылы*): September 1 to August 31, written `2022-2023`.

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

    /// The academic year a date falls in.
    #[must_use]
    pub fn containing(date: NaiveDate) -> Option<Self> {
        use chrono::Datelike;
        let start = if date.month() >= 9 { date.year() } else { date.year() - 1 };
        Self::starting(start).ok()
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
        assert_eq!(AcademicYear::containing(date(2023, 8, 31)), Some(y));
        assert_eq!(AcademicYear::containing(date(2022, 9, 1)), Some(y));
    }
}
