//! Onboarding a school in one upload: the staff list (R-1.3 — every pedagogical employee takes
//! part in methodological work, so each needs an account) and the subjects taught. A file's rows
//! are read by [`crate::table`]; here each row is checked and matched against who is already
//! there, by e-mail for people and by name for subjects, so that a second upload of the same
//! list updates rather than duplicates. The whole file is planned before anything is stored:
//! every bad row and column is listed, and one bad row refuses the file.

use crate::ids::{SchoolId, SubjectId};
use crate::lang::Text;
use crate::org::Subject;
use crate::staff::{Experience, QualificationCategory, Role, Staff};
use crate::table::{Problem, Row, problem};
use crate::values::{Email, Name, TextError};
use std::collections::HashMap;

/// The columns of a staff list, in any order.
pub const STAFF_COLUMNS: [&str; 9] =
    ["email", "last_name", "first_name", "patronymic", "position", "role", "subjects", "category", "experience_years"];

/// The columns a staff list must have; the others may be left out.
pub const STAFF_REQUIRED: [&str; 3] = ["email", "last_name", "first_name"];

/// The columns of a subject list.
pub const SUBJECT_COLUMNS: [&str; 1] = ["name"];

/// The most rows one upload may have (a large school has some 200 staff and 40 subjects).
pub const MAX_ROWS: usize = 1000;

/// What separates several subjects in one cell.
pub const SUBJECT_SEPARATOR: char = '|';

/// A person as a row of the list says they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub email: Email,
    pub last_name: Name,
    pub first_name: Name,
    pub patronymic: Option<Name>,
    pub position: Option<Name>,
    pub role: Role,
    /// Sorted, without repeats.
    pub subjects: Vec<SubjectId>,
    pub category: QualificationCategory,
    pub experience: Experience,
}

impl Person {
    /// Whether `staff` already is this person, field for field.
    #[must_use]
    pub fn matches(&self, staff: &Staff) -> bool {
        let mut held = staff.subjects.clone();
        held.sort_unstable();
        held.dedup();
        self.email.as_str() == staff.email.as_str()
            && self.last_name == staff.last_name
            && self.first_name == staff.first_name
            && self.patronymic == staff.patronymic
            && self.position == staff.position
            && self.role == staff.role
            && self.subjects == held
            && self.category == staff.category
            && self.experience == staff.experience
    }
}

/// What an upload does with one row of the staff list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffOutcome {
    /// Nobody has the e-mail: a new account, with no usable password until the person sets one.
    Create(Person),
    /// Someone of the school has the e-mail and the row changes them.
    Update {
        /// The person as stored (their id and version).
        current: Box<Staff>,
        /// The person as the row says.
        next: Person,
    },
    /// Someone of the school has the e-mail and the row says what is stored.
    Unchanged(Box<Staff>),
}

/// One row's outcome, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStaff {
    pub line: usize,
    pub outcome: StaffOutcome,
}

impl PlannedStaff {
    /// The role the row gives, and the role the person had (for a person already there).
    #[must_use]
    pub fn roles(&self) -> (Role, Option<Role>) {
        match &self.outcome {
            StaffOutcome::Create(p) => (p.role, None),
            StaffOutcome::Update { current, next } => (next.role, Some(current.role)),
            StaffOutcome::Unchanged(s) => (s.role, Some(s.role)),
        }
    }
}

fn text_problem(line: usize, column: &'static str, e: TextError) -> Problem {
    let (code, message) = match e {
        TextError::Empty => ("required", format!("`{column}` is required")),
        TextError::TooLong { max } => ("too_long", format!("`{column}` is longer than {max} characters")),
        TextError::TooShort { min } => ("too_short", format!("`{column}` is shorter than {min} characters")),
        TextError::Format => ("invalid_format", format!("`{column}` is not in the expected form")),
    };
    problem(line, Some(column), code, message)
}

/// Whether `raw` is the code of a value or its label in ky, ru or en (case-insensitively).
fn names(raw: &str, code: &str, label: Text) -> bool {
    let raw = raw.to_lowercase();
    raw == code || [label.ky, label.ru, label.en].iter().any(|l| l.to_lowercase() == raw)
}

/// A role by its code (`teacher`) or its label in ky, ru or en.
#[must_use]
pub fn parse_role(raw: &str) -> Option<Role> {
    Role::ALL.into_iter().find(|r| names(raw, r.code(), r.label()))
}

/// A qualification category by its code (`first`) or its label in ky, ru or en.
#[must_use]
pub fn parse_category(raw: &str) -> Option<QualificationCategory> {
    QualificationCategory::ALL.into_iter().find(|c| names(raw, c.code(), c.label()))
}

/// The subject a cell names: its name at the school (case-insensitively) or its id.
fn find_subject<'a>(subjects: &'a [Subject], raw: &str) -> Option<&'a Subject> {
    let key = raw.trim().to_lowercase();
    subjects.iter().find(|s| s.name.as_str().to_lowercase() == key || s.id.uuid().to_string() == key)
}

/// The fields of one row, as the row says them; `None` where the column is absent or (for the
/// role, category and experience) the cell is empty, so that what is stored stays.
struct RowFields {
    email: Email,
    last_name: Name,
    first_name: Name,
    patronymic: Option<Option<Name>>,
    position: Option<Option<Name>>,
    role: Option<Role>,
    subjects: Option<Vec<SubjectId>>,
    category: Option<QualificationCategory>,
    experience: Option<Experience>,
}

fn read_row(row: &Row, subjects: &[Subject], out: &mut Vec<Problem>) -> Option<RowFields> {
    let line = row.line;
    let before = out.len();
    let mut name = |column: &'static str| -> Option<Name> {
        Name::parse(row.get(column).unwrap_or("")).map_err(|e| out.push(text_problem(line, column, e))).ok()
    };
    let last_name = name("last_name");
    let first_name = name("first_name");
    let optional = |column: &'static str, out: &mut Vec<Problem>| -> Option<Option<Name>> {
        match row.get(column) {
            None => None,
            Some("") => Some(None),
            Some(v) => Name::parse(v).map_err(|e| out.push(text_problem(line, column, e))).ok().map(Some),
        }
    };
    let patronymic = optional("patronymic", out);
    let position = optional("position", out);
    let email = Email::parse(row.get("email").unwrap_or("")).map_err(|e| out.push(text_problem(line, "email", e))).ok();
    let role = match row.get("role").filter(|r| !r.is_empty()) {
        None => None,
        Some(raw) => match parse_role(raw) {
            Some(r) if r.is_school_role() => Some(r),
            Some(r) => {
                out.push(problem(
                    line,
                    Some("role"),
                    "role_not_for_school",
                    format!("`{}` is not a role of a school's staff; use director, deputy or teacher", r.code()),
                ));
                None
            }
            None => {
                out.push(problem(
                    line,
                    Some("role"),
                    "unknown_role",
                    format!("unknown role `{raw}`; use director, deputy or teacher"),
                ));
                None
            }
        },
    };
    let category = match row.get("category").filter(|c| !c.is_empty()) {
        None => None,
        Some(raw) => {
            let c = parse_category(raw);
            if c.is_none() {
                out.push(problem(
                    line,
                    Some("category"),
                    "unknown_category",
                    format!("unknown category `{raw}`; use highest, first, second or none"),
                ));
            }
            c
        }
    };
    let experience = match row.get("experience_years").filter(|c| !c.is_empty()) {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) => Experience::parse(n)
                .map_err(|max| {
                    out.push(problem(
                        line,
                        Some("experience_years"),
                        "out_of_range",
                        format!("`experience_years` must be 0–{max}"),
                    ));
                })
                .ok(),
            Err(_) => {
                out.push(problem(
                    line,
                    Some("experience_years"),
                    "invalid_type",
                    format!("`experience_years` must be a whole number, not `{raw}`"),
                ));
                None
            }
        },
    };
    let taught = row.get("subjects").map(|cell| {
        let mut ids = Vec::new();
        for piece in cell.split(SUBJECT_SEPARATOR).map(str::trim).filter(|p| !p.is_empty()) {
            match find_subject(subjects, piece) {
                Some(s) => ids.push(s.id),
                None => out.push(problem(
                    line,
                    Some("subjects"),
                    "unknown_subject",
                    format!("the school has no subject `{piece}`; add it first (subjects import)"),
                )),
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    });
    if out.len() > before {
        return None;
    }
    Some(RowFields {
        email: email?,
        last_name: last_name?,
        first_name: first_name?,
        patronymic,
        position,
        role,
        subjects: taught,
        category,
        experience,
    })
}

/// Plans a staff list for `school`: each row checked, and matched by e-mail (case-insensitively)
/// against `known` — the accounts that hold any of the file's addresses. A person of the school
/// is updated (the columns the file leaves out, and empty `role`, `category` and
/// `experience_years` cells, keep what is stored; an empty `patronymic`, `position` or
/// `subjects` cell clears it), an unknown address is a new person (`teacher`, no category, 0
/// years unless the row says otherwise). People of the school whom the file does not name are
/// left as they are.
///
/// # Errors
/// Every problem of every row: at most [`MAX_ROWS`] rows (`too_many_rows`); an address twice
/// in the file (`duplicate_email`); an address of an account elsewhere (`email_taken`); names,
/// e-mails, roles (a school's only, `unknown_role`, `role_not_for_school`), subjects of the school
/// (`unknown_subject`), categories and experience that do not parse.
pub fn plan_staff(
    rows: &[Row],
    school: SchoolId,
    subjects: &[Subject],
    known: &[Staff],
) -> Result<Vec<PlannedStaff>, Vec<Problem>> {
    if rows.len() > MAX_ROWS {
        return Err(vec![too_many_rows(rows.len())]);
    }
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut planned = Vec::new();
    for row in rows {
        let fields = read_row(row, subjects, &mut problems);
        // A second row of an address is named even when the first has problems of its own.
        if let Ok(email) = Email::parse(row.get("email").unwrap_or("")) {
            let key = email.normalized();
            if let Some(first) = seen.get(&key) {
                problems.push(problem(
                    row.line,
                    Some("email"),
                    "duplicate_email",
                    format!("`{email}` is also on line {first}; each person once"),
                ));
                continue;
            }
            seen.insert(key, row.line);
        }
        let Some(f) = fields else { continue };
        let key = f.email.normalized();
        let current = known.iter().find(|s| s.email.normalized() == key);
        let outcome = match current {
            Some(s) if s.school() != Some(school) => {
                problems.push(problem(
                    row.line,
                    Some("email"),
                    "email_taken",
                    format!("`{}` is the login of an account outside this school", f.email),
                ));
                continue;
            }
            Some(s) => {
                let next = Person {
                    email: f.email,
                    last_name: f.last_name,
                    first_name: f.first_name,
                    patronymic: f.patronymic.unwrap_or_else(|| s.patronymic.clone()),
                    position: f.position.unwrap_or_else(|| s.position.clone()),
                    role: f.role.unwrap_or(s.role),
                    subjects: f.subjects.unwrap_or_else(|| {
                        let mut held = s.subjects.clone();
                        held.sort_unstable();
                        held.dedup();
                        held
                    }),
                    category: f.category.unwrap_or(s.category),
                    experience: f.experience.unwrap_or(s.experience),
                };
                if next.matches(s) {
                    StaffOutcome::Unchanged(Box::new(s.clone()))
                } else {
                    StaffOutcome::Update { current: Box::new(s.clone()), next }
                }
            }
            None => StaffOutcome::Create(Person {
                email: f.email,
                last_name: f.last_name,
                first_name: f.first_name,
                patronymic: f.patronymic.flatten(),
                position: f.position.flatten(),
                role: f.role.unwrap_or(Role::Teacher),
                subjects: f.subjects.unwrap_or_default(),
                category: f.category.unwrap_or(QualificationCategory::None),
                experience: f.experience.unwrap_or(Experience::ZERO),
            }),
        };
        planned.push(PlannedStaff { line: row.line, outcome });
    }
    if problems.is_empty() { Ok(planned) } else { Err(problems) }
}

/// The refusal of a file with more than [`MAX_ROWS`] rows.
#[must_use]
pub fn too_many_rows(rows: usize) -> Problem {
    problem(0, None, "too_many_rows", format!("the file has {rows} rows; at most {MAX_ROWS} are taken in one upload"))
}

/// What an upload does with one row of the subject list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectOutcome {
    /// The school has no subject of the name.
    Create(Name),
    /// The school has it already (names compare case-insensitively).
    Unchanged(Subject),
}

/// Plans a subject list: each row's `name` checked and matched (case-insensitively) against
/// the school's `existing` subjects.
///
/// # Errors
/// Every problem: at most [`MAX_ROWS`] rows; a name that does not parse; a name twice in the
/// file (`duplicate_name`).
pub fn plan_subjects(rows: &[Row], existing: &[Subject]) -> Result<Vec<(usize, SubjectOutcome)>, Vec<Problem>> {
    if rows.len() > MAX_ROWS {
        return Err(vec![too_many_rows(rows.len())]);
    }
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut planned = Vec::new();
    for row in rows {
        let name = match Name::parse(row.get("name").unwrap_or("")) {
            Ok(n) => n,
            Err(e) => {
                problems.push(text_problem(row.line, "name", e));
                continue;
            }
        };
        let key = name.as_str().to_lowercase();
        if let Some(first) = seen.get(&key) {
            problems.push(problem(
                row.line,
                Some("name"),
                "duplicate_name",
                format!("`{name}` is also on line {first}; each subject once"),
            ));
            continue;
        }
        seen.insert(key.clone(), row.line);
        let outcome = match existing.iter().find(|s| s.name.as_str().to_lowercase() == key) {
            Some(s) => SubjectOutcome::Unchanged(s.clone()),
            None => SubjectOutcome::Create(name),
        };
        planned.push((row.line, outcome));
    }
    if problems.is_empty() { Ok(planned) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::ids::{DistrictId, StaffId};
    use crate::staff::Affiliation;

    fn row(line: usize, fields: &[(&'static str, &str)]) -> Row {
        Row { line, fields: fields.iter().map(|(c, v)| (*c, (*v).to_owned())).collect() }
    }

    fn subject(school: SchoolId, name: &str) -> Subject {
        Subject { id: SubjectId::new(), school, name: Name::parse(name).unwrap(), created_at: chrono::Utc::now() }
    }

    fn staff(school: SchoolId, email: &str, role: Role) -> Staff {
        Staff {
            id: StaffId::new(),
            affiliation: Affiliation::School { school, district: DistrictId::new() },
            email: Email::parse(email).unwrap(),
            last_name: Name::parse("Асанов").unwrap(),
            first_name: Name::parse("Асан").unwrap(),
            patronymic: None,
            position: None,
            role,
            subjects: Vec::new(),
            category: QualificationCategory::None,
            experience: Experience::parse(3).unwrap(),
            active: true,
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_new_address_is_a_new_teacher_and_a_known_one_is_updated_or_left_r_1_3() {
        let school = SchoolId::new();
        let math = subject(school, "Математика");
        let known = staff(school, "Asan@school.kg", Role::Teacher);
        let rows = [
            row(
                2,
                &[
                    ("email", "new@school.kg"),
                    ("last_name", "Бекова"),
                    ("first_name", "Айгүл"),
                    ("subjects", "математика"),
                ],
            ),
            row(
                3,
                &[
                    ("email", "asan@school.kg"),
                    ("last_name", "Асанов"),
                    ("first_name", "Асан"),
                    ("experience_years", "4"),
                ],
            ),
            row(4, &[("email", "same@school.kg"), ("last_name", "Асанов"), ("first_name", "Асан")]),
        ];
        let same = staff(school, "same@school.kg", Role::Deputy);
        let plan = plan_staff(&rows, school, std::slice::from_ref(&math), &[known, same]).unwrap();
        match &plan[0].outcome {
            StaffOutcome::Create(p) => {
                assert_eq!(
                    (p.role, p.category, p.subjects.clone()),
                    (Role::Teacher, QualificationCategory::None, vec![math.id])
                );
            }
            other => panic!("{other:?}"),
        }
        // The address differs only in case: the same person, and the e-mail is rewritten.
        assert!(matches!(&plan[1].outcome, StaffOutcome::Update { next, .. } if next.experience.years() == 4));
        // An empty role keeps the deputy a deputy.
        assert!(matches!(&plan[2].outcome, StaffOutcome::Unchanged(s) if s.role == Role::Deputy));
    }

    #[test]
    fn every_bad_row_and_column_is_named_at_once() {
        let school = SchoolId::new();
        let outsider = Staff {
            affiliation: Affiliation::District(DistrictId::new()),
            ..staff(school, "m@district.kg", Role::DistrictMethodologist)
        };
        let rows = [
            row(2, &[("email", "a@school.kg"), ("last_name", "А"), ("first_name", "Б"), ("role", "janitor")]),
            row(3, &[("email", "A@school.kg"), ("last_name", "А"), ("first_name", "Б")]),
            row(4, &[("email", "not-an-address"), ("last_name", ""), ("first_name", "Б"), ("subjects", "Астрономия")]),
            row(
                5,
                &[
                    ("email", "b@school.kg"),
                    ("last_name", "А"),
                    ("first_name", "Б"),
                    ("role", "admin"),
                    ("experience_years", "71"),
                ],
            ),
            row(
                6,
                &[
                    ("email", "c@school.kg"),
                    ("last_name", "А"),
                    ("first_name", "Б"),
                    ("category", "best"),
                    ("experience_years", "ten"),
                ],
            ),
            row(7, &[("email", "M@district.kg"), ("last_name", "А"), ("first_name", "Б")]),
        ];
        let problems = plan_staff(&rows, school, &[], &[outsider]).unwrap_err();
        let at: Vec<(usize, Option<&str>, &str)> =
            problems.iter().map(|p| (p.line, p.column.as_deref(), p.code)).collect();
        assert_eq!(
            at,
            vec![
                (2, Some("role"), "unknown_role"),
                (3, Some("email"), "duplicate_email"),
                (4, Some("last_name"), "required"),
                (4, Some("email"), "invalid_format"),
                (4, Some("subjects"), "unknown_subject"),
                (5, Some("role"), "role_not_for_school"),
                (5, Some("experience_years"), "out_of_range"),
                (6, Some("category"), "unknown_category"),
                (6, Some("experience_years"), "invalid_type"),
                (7, Some("email"), "email_taken"),
            ]
        );
    }

    #[test]
    fn roles_and_categories_are_read_by_code_or_by_label_in_any_of_the_three_languages() {
        assert_eq!(parse_role("Мугалим"), Some(Role::Teacher));
        assert_eq!(parse_role("DEPUTY"), Some(Role::Deputy));
        assert_eq!(parse_role("учитель"), Some(Role::Teacher));
        assert_eq!(parse_category("Биринчи категория"), Some(QualificationCategory::First));
        assert_eq!(parse_category("highest"), Some(QualificationCategory::Highest));
        assert_eq!(parse_category("lots"), None);
    }

    #[test]
    fn an_upload_has_at_most_a_thousand_rows() {
        let rows: Vec<Row> = (0..=MAX_ROWS).map(|i| row(i + 2, &[("name", "x")])).collect();
        let problems = plan_subjects(&rows, &[]).unwrap_err();
        assert_eq!((problems.len(), problems[0].code, problems[0].line), (1, "too_many_rows", 0));
        assert_eq!(plan_staff(&rows, SchoolId::new(), &[], &[]).unwrap_err()[0].code, "too_many_rows");
    }

    #[test]
    fn subjects_the_school_has_are_left_and_a_name_twice_in_the_file_is_refused() {
        let school = SchoolId::new();
        let math = subject(school, "Математика");
        let rows = [row(2, &[("name", "МАТЕМАТИКА")]), row(3, &[("name", "Физика")]), row(4, &[("name", "физика")])];
        let problems = plan_subjects(&rows, std::slice::from_ref(&math)).unwrap_err();
        assert_eq!((problems[0].line, problems[0].code), (4, "duplicate_name"));
        let plan = plan_subjects(&rows[..2], std::slice::from_ref(&math)).unwrap();
        assert_eq!(plan[0], (2, SubjectOutcome::Unchanged(math)));
        assert!(matches!(&plan[1], (3, SubjectOutcome::Create(n)) if n.as_str() == "Физика"));
    }
}
