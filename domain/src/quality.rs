//! The quality of students' knowledge (R-5.5, the third measure): grade counts per subject and
//! class for a term, and the two figures schools already report — success % = (5+4+3)/students
//! and quality % = (5+4)/students.

use crate::lang::Text;

/// A term of the school year, or the year as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    First,
    Second,
    Third,
    Fourth,
    /// The annual grades.
    Year,
}

impl Term {
    /// All terms, in the order of the school year; the annual grades come last.
    pub const ALL: [Self; 5] = [Self::First, Self::Second, Self::Third, Self::Fourth, Self::Year];

    /// The stable code: `1`–`4` or `year`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::First => "1",
            Self::Second => "2",
            Self::Third => "3",
            Self::Fourth => "4",
            Self::Year => "year",
        }
    }

    /// The term for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::First => Text { ky: "1-чейрек", ru: "1 четверть", en: "Term 1" },
            Self::Second => Text { ky: "2-чейрек", ru: "2 четверть", en: "Term 2" },
            Self::Third => Text { ky: "3-чейрек", ru: "3 четверть", en: "Term 3" },
            Self::Fourth => Text { ky: "4-чейрек", ru: "4 четверть", en: "Term 4" },
            Self::Year => Text { ky: "Жылдык", ru: "Годовые", en: "Year" },
        }
    }
}

/// The most final term among those entered: the annual grades if there are any, else the
/// latest term.
#[must_use]
pub fn most_final(terms: impl IntoIterator<Item = Term>) -> Option<Term> {
    terms.into_iter().max()
}

/// One row of a year's grade tables: a subject's (summed or single-class) counts for a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermRow {
    pub subject: crate::ids::SubjectId,
    pub term: Term,
    pub counts: GradeCounts,
}

/// The rows a year is judged on (R-5.5): for each subject, the rows of its most final term —
/// its annual grades if entered, else its latest term — so that one subject's annual table
/// does not hide another's fourth term.
#[must_use]
pub fn judged(rows: &[TermRow]) -> Vec<TermRow> {
    let mut best: std::collections::BTreeMap<crate::ids::SubjectId, Term> = std::collections::BTreeMap::new();
    for r in rows {
        let t = best.entry(r.subject).or_insert(r.term);
        *t = (*t).max(r.term);
    }
    rows.iter().filter(|r| best.get(&r.subject) == Some(&r.term)).copied().collect()
}

/// Characters that print as nothing or reorder text: refused in short labels such as a class.
fn invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// A class name such as `5А` or `11 "Б"`: one line, 1–16 characters, nothing invisible.
///
/// # Errors
/// [`crate::values::TextError`].
pub fn class_name(text: &str) -> Result<String, crate::values::TextError> {
    if text.chars().any(|c| c.is_control() || invisible(c)) {
        return Err(crate::values::TextError::Format);
    }
    crate::values::bounded(text, MAX_CLASS_CHARS)
}

/// The most students a class row may count: a sanity bound, not a rule of the regulation.
pub const MAX_STUDENTS: u32 = 2000;

/// Why grade counts are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    /// A row with no students.
    #[error("a row needs at least one student")]
    NoStudents,
    /// More students than any class has.
    #[error("at most {MAX_STUDENTS} students")]
    TooMany,
    /// The grades do not add up to the students.
    #[error("grades 5, 4, 3 and 2 add up to {sum}, not to the {students} students")]
    DoNotAddUp {
        /// The sum of the grade counts.
        sum: u32,
        /// The students.
        students: u32,
    },
}

/// The grade counts of one class in one subject for a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GradeCounts {
    students: u32,
    five: u32,
    four: u32,
    three: u32,
    two: u32,
}

impl GradeCounts {
    /// Counts whose grades add up to the students (R-5.5).
    ///
    /// # Errors
    /// [`GradeError`].
    pub fn new(students: u32, [five, four, three, two]: [u32; 4]) -> Result<Self, GradeError> {
        if students == 0 {
            return Err(GradeError::NoStudents);
        }
        if students > MAX_STUDENTS {
            return Err(GradeError::TooMany);
        }
        let sum = five.saturating_add(four).saturating_add(three).saturating_add(two);
        if sum != students {
            return Err(GradeError::DoNotAddUp { sum, students });
        }
        Ok(Self { students, five, four, three, two })
    }

    /// Totals of rows already checked (no bound on the students): the grades must add up.
    #[must_use]
    pub fn summed(students: u32, [five, four, three, two]: [u32; 4]) -> Option<Self> {
        let sum = five.checked_add(four)?.checked_add(three)?.checked_add(two)?;
        (sum == students).then_some(Self { students, five, four, three, two })
    }

    /// The students counted.
    #[must_use]
    pub const fn students(self) -> u32 {
        self.students
    }

    /// Grades 5, 4, 3, 2.
    #[must_use]
    pub const fn grades(self) -> [u32; 4] {
        [self.five, self.four, self.three, self.two]
    }

    /// Adds another row's counts (for a subject's or a school's totals).
    #[must_use]
    pub const fn plus(self, o: Self) -> Self {
        Self {
            students: self.students + o.students,
            five: self.five + o.five,
            four: self.four + o.four,
            three: self.three + o.three,
            two: self.two + o.two,
        }
    }

    /// Success %: students with 5, 4 or 3 of all students, one decimal (R-5.5).
    #[must_use]
    pub fn success_percent(self) -> f64 {
        percent(self.five + self.four + self.three, self.students)
    }

    /// Quality %: students with 5 or 4 of all students, one decimal (R-5.5).
    #[must_use]
    pub fn quality_percent(self) -> f64 {
        percent(self.five + self.four, self.students)
    }
}

/// `part` of `whole` in percent with one decimal; 0 of nothing is 0.
#[must_use]
pub fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0
}

/// The change from `before` to `now` in percentage points, one decimal.
#[must_use]
pub fn change(now: f64, before: Option<f64>) -> Option<f64> {
    before.map(|b| ((now - b) * 10.0).round() / 10.0)
}

/// The totals of many rows, weighted by students (a large class weighs more than a small one).
#[must_use]
pub fn total(rows: impl IntoIterator<Item = GradeCounts>) -> Option<GradeCounts> {
    rows.into_iter().reduce(GradeCounts::plus)
}

/// The longest class name, e.g. `11Б` or `5 "А"`.
pub const MAX_CLASS_CHARS: usize = 16;

/// One row of a CSV import, as text, with its line number.
pub type CsvRow = crate::table::Row;

/// What is wrong with a CSV file, each with its line and column.
pub type CsvProblem = crate::table::Problem;

/// The columns an import must have, in any order.
pub const CSV_COLUMNS: [&str; 7] = ["subject", "class", "students", "grade_5", "grade_4", "grade_3", "grade_2"];

/// Reads a knowledge-quality CSV by the rules of [`crate::table::read_csv`]: every one of
/// [`CSV_COLUMNS`] is required, in any order, one row per subject and class.
///
/// # Errors
/// The list of [`CsvProblem`]s.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<CsvRow>, Vec<CsvProblem>> {
    crate::table::read_csv(bytes, &CSV_COLUMNS, &CSV_COLUMNS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn success_and_quality_are_the_shares_of_passing_and_good_grades_r_5_5() {
        // 25 students: 5 fives, 10 fours, 8 threes, 2 twos.
        let g = GradeCounts::new(25, [5, 10, 8, 2]).unwrap();
        assert!((g.success_percent() - 92.0).abs() < 1e-9);
        assert!((g.quality_percent() - 60.0).abs() < 1e-9);
    }

    #[test]
    fn grades_must_add_up_to_the_students_r_5_5() {
        assert_eq!(GradeCounts::new(25, [5, 10, 8, 1]), Err(GradeError::DoNotAddUp { sum: 24, students: 25 }));
        assert_eq!(GradeCounts::new(0, [0, 0, 0, 0]), Err(GradeError::NoStudents));
        assert_eq!(GradeCounts::new(MAX_STUDENTS + 1, [MAX_STUDENTS + 1, 0, 0, 0]), Err(GradeError::TooMany));
    }

    #[test]
    fn totals_weigh_classes_by_their_students_r_5_5() {
        let a = GradeCounts::new(30, [10, 10, 10, 0]).unwrap();
        let b = GradeCounts::new(10, [0, 0, 5, 5]).unwrap();
        let t = total([a, b]).unwrap();
        assert_eq!(t.students(), 40);
        assert!((t.success_percent() - 87.5).abs() < 1e-9);
        assert!((t.quality_percent() - 50.0).abs() < 1e-9);
        assert_eq!(total([]), None);
    }

    #[test]
    fn percents_round_to_one_decimal_and_changes_are_in_points() {
        assert!((percent(1, 3) - 33.3).abs() < 1e-9);
        assert!((percent(2, 3) - 66.7).abs() < 1e-9);
        assert!(percent(0, 0).abs() < 1e-9);
        assert_eq!(change(66.7, Some(60.0)), Some(6.7));
        assert_eq!(change(50.0, None), None);
    }

    #[test]
    fn the_annual_grades_are_the_most_final_then_the_latest_term() {
        assert_eq!(most_final([Term::First, Term::Year, Term::Third]), Some(Term::Year));
        assert_eq!(most_final([Term::Second, Term::First]), Some(Term::Second));
        assert_eq!(most_final([]), None);
        assert_eq!(Term::parse("year"), Some(Term::Year));
        assert_eq!(Term::parse("5"), None);
    }

    #[test]
    fn a_csv_is_read_with_either_separator_and_quotes() {
        let semi =
            "\u{feff}subject;class;students;grade_5;grade_4;grade_3;grade_2\r\nМатематика;5А;25;5;10;8;2\r\n\r\n";
        let rows = read_csv(semi.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].fields[0], ("subject", "Математика".to_owned()));
        let comma = "class,subject,students,grade_5,grade_4,grade_3,grade_2\n\"7 \"\"Б\"\"\",\"Кыргыз тили, адабият\",20,5,5,5,5\n";
        let rows = read_csv(comma.as_bytes()).unwrap();
        assert_eq!(rows[0].fields[0], ("class", "7 \"Б\"".to_owned()));
        assert_eq!(rows[0].fields[1], ("subject", "Кыргыз тили, адабият".to_owned()));
    }

    #[test]
    fn a_csv_with_a_wrong_header_lists_every_column_at_fault() {
        let bad = "subject;klass;students;grade_5;grade_4;grade_3\nМатематика;5А;25;5;10;8\n";
        let problems = read_csv(bad.as_bytes()).unwrap_err();
        let codes: Vec<(&str, Option<&str>)> = problems.iter().map(|p| (p.code, p.column.as_deref())).collect();
        assert!(codes.contains(&("unknown_column", Some("klass"))));
        assert!(codes.contains(&("missing_column", Some("class"))));
        assert!(codes.contains(&("missing_column", Some("grade_2"))));
    }

    #[test]
    fn a_csv_in_mixed_encodings_is_refused_with_the_lines_at_fault() {
        let mut bytes =
            "subject;class;students;grade_5;grade_4;grade_3;grade_2\nМатематика;5А;25;5;10;8;2\n".as_bytes().to_vec();
        // "Физика" in Windows-1251.
        bytes.extend_from_slice(b"\xD4\xE8\xE7\xE8\xEA\xE0;6\xC0;20;5;5;5;5\n");
        let problems = read_csv(&bytes).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].code), (3, "not_utf8"));
    }

    #[test]
    fn each_subject_is_judged_on_its_own_most_final_term_r_5_5() {
        let s = |n: u128| crate::ids::SubjectId::from_uuid(uuid::Uuid::from_u128(n));
        let g = |n: u32| GradeCounts::new(n, [n, 0, 0, 0]).unwrap();
        let rows = [
            TermRow { subject: s(1), term: Term::Year, counts: g(25) },
            TermRow { subject: s(1), term: Term::Fourth, counts: g(24) },
            TermRow { subject: s(2), term: Term::Fourth, counts: g(20) },
            TermRow { subject: s(2), term: Term::Third, counts: g(19) },
        ];
        let kept: Vec<(u32, Term)> = judged(&rows).iter().map(|r| (r.counts.students(), r.term)).collect();
        assert_eq!(kept, vec![(25, Term::Year), (20, Term::Fourth)]);
    }

    #[test]
    fn a_class_is_one_visible_line() {
        assert_eq!(class_name(" 5А ").unwrap(), "5А");
        assert_eq!(class_name("7 \"Б\"").unwrap(), "7 \"Б\"");
        for bad in ["5\nА", "5\tА", "\u{200b}", "5\u{202e}А", "\u{feff}5А"] {
            assert!(class_name(bad).is_err(), "{bad:?}");
        }
        assert!(class_name("12345678901234567").is_err());
    }

    #[test]
    fn a_csv_with_old_line_ends_or_empty_rows_is_read_and_one_without_rows_refused() {
        let cr = "subject;class;students;grade_5;grade_4;grade_3;grade_2\rМатематика;5А;25;5;10;8;2\r;;;;;;\r";
        assert_eq!(read_csv(cr.as_bytes()).unwrap().len(), 1);
        let none = "subject;class;students;grade_5;grade_4;grade_3;grade_2\n;;;;;;\n";
        assert_eq!(read_csv(none.as_bytes()).unwrap_err()[0].code, "no_rows");
    }

    #[test]
    fn a_csv_row_with_the_wrong_number_of_fields_is_named() {
        let bad = "subject;class;students;grade_5;grade_4;grade_3;grade_2\nМатематика;5А;25;5;10\n";
        let problems = read_csv(bad.as_bytes()).unwrap_err();
        assert_eq!((problems[0].line, problems[0].code), (2, "field_count"));
        assert_eq!(read_csv(b"  \n").unwrap_err()[0].code, "empty");
    }
}
