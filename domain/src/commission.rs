//! Cyclic methodological commissions (*циклдик усулдук комиссия*, R-3.2.2): who may form one,
//! who may lead it, and how its membership changes.

use crate::ids::{CommissionId, OrderId, SchoolId, StaffId, SubjectId};
use crate::lang::Text;
use crate::staff::{Experience, SchoolSettings};
use crate::values::{Name, TextError, bounded};
use crate::year::AcademicYear;
use chrono::{DateTime, NaiveDate, Utc};

/// The fewest members teaching one of the commission's subjects (R-3.2.2a).
pub const MIN_QUALIFIED_MEMBERS: usize = 3;

/// Where a commission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommissionStatus {
    /// Being put together; members change freely.
    Draft,
    /// Approved by the director's order (R-3.2.2d); members change only by order.
    Approved,
    /// Dissolved by order; read-only.
    Dissolved,
}

impl CommissionStatus {
    /// All statuses.
    pub const ALL: [Self; 3] = [Self::Draft, Self::Approved, Self::Dissolved];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
            Self::Dissolved => "dissolved",
        }
    }

    /// The status for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::Draft => Text { ky: "Долбоор", ru: "Черновик", en: "Draft" },
            Self::Approved => Text { ky: "Бекитилген", ru: "Утверждена", en: "Approved" },
            Self::Dissolved => Text { ky: "Таратылган", ru: "Расформирована", en: "Dissolved" },
        }
    }
}

/// A commission as stored, with its current members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commission {
    pub id: CommissionId,
    pub school: SchoolId,
    pub year: AcademicYear,
    pub name: Name,
    pub subjects: Vec<SubjectId>,
    pub head: Option<StaffId>,
    pub members: Vec<StaffId>,
    pub status: CommissionStatus,
    pub approved_by_order: Option<OrderId>,
    pub dissolved_by_order: Option<OrderId>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Commission {
    /// Whether `staff` leads this commission with the head's rights: the head of an
    /// *approved* commission. Derived from the data, never granted by hand.
    #[must_use]
    pub fn is_led_by(&self, staff: StaffId) -> bool {
        self.status == CommissionStatus::Approved && self.head == Some(staff)
    }
}

/// What the rules need to know about a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFacts {
    pub id: StaffId,
    pub subjects: Vec<SubjectId>,
    pub experience: Experience,
    pub active: bool,
}

/// Why a commission cannot be approved. Every reason is reported at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalProblem {
    /// Only a draft is approved.
    #[error("the commission is {0:?}, not a draft")]
    NotDraft(CommissionStatus),
    /// R-3.2.2a: too few members teach one of its subjects.
    #[error("{qualified} members teach one of its subjects; {need} are needed")]
    TooFewQualified {
        /// Members who teach one of the subjects.
        qualified: usize,
        /// The minimum.
        need: usize,
        /// Members who teach none of the subjects.
        not_teaching: Vec<StaffId>,
    },
    /// A member is deactivated.
    #[error("a member is deactivated")]
    InactiveMember(StaffId),
    /// R-3.2.2c: no head appointed.
    #[error("no head is appointed")]
    NoHead,
    /// R-3.2.2c: the head fails the head rules.
    #[error("the head is not eligible: {0}")]
    Head(HeadProblem),
}

/// Why a person cannot head the commission (R-3.2.2c).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeadProblem {
    /// The head is chosen from the members.
    #[error("the head must be a member")]
    NotMember,
    /// The head is an experienced teacher.
    #[error("{have} years of experience; the school requires {need}")]
    TooLittleExperience {
        /// Their years.
        have: u8,
        /// The school's minimum.
        need: u8,
    },
    /// A deactivated person leads nothing.
    #[error("the person is deactivated")]
    Inactive,
}

/// Checks a head candidate (R-3.2.2c): a member, active, with at least the school's minimum
/// years of experience.
///
/// # Errors
/// The [`HeadProblem`].
pub fn check_head(
    commission: &Commission,
    candidate: &MemberFacts,
    settings: SchoolSettings,
) -> Result<(), HeadProblem> {
    if !commission.members.contains(&candidate.id) {
        return Err(HeadProblem::NotMember);
    }
    if !candidate.active {
        return Err(HeadProblem::Inactive);
    }
    let need = settings.min_head_experience_years;
    if candidate.experience.years() < need {
        return Err(HeadProblem::TooLittleExperience { have: candidate.experience.years(), need });
    }
    Ok(())
}

/// Members who teach one of the commission's subjects, and those who teach none.
#[must_use]
pub fn qualified_members<'a>(
    commission: &Commission,
    members: &'a [MemberFacts],
) -> (Vec<&'a MemberFacts>, Vec<StaffId>) {
    let (yes, no): (Vec<&MemberFacts>, Vec<&MemberFacts>) =
        members.iter().partition(|m| m.subjects.iter().any(|s| commission.subjects.contains(s)));
    (yes, no.into_iter().map(|m| m.id).collect())
}

/// Checks that a draft may be approved: three or more members teaching one of its subjects
/// (R-3.2.2a), every member active, and an eligible head (R-3.2.2c). `members` are the facts
/// of the commission's current members.
///
/// # Errors
/// Every [`ApprovalProblem`] found.
pub fn check_approval(
    commission: &Commission,
    members: &[MemberFacts],
    settings: SchoolSettings,
) -> Result<(), Vec<ApprovalProblem>> {
    let mut problems = Vec::new();
    if commission.status != CommissionStatus::Draft {
        return Err(vec![ApprovalProblem::NotDraft(commission.status)]);
    }
    let (qualified, not_teaching) = qualified_members(commission, members);
    if qualified.len() < MIN_QUALIFIED_MEMBERS {
        problems.push(ApprovalProblem::TooFewQualified {
            qualified: qualified.len(),
            need: MIN_QUALIFIED_MEMBERS,
            not_teaching,
        });
    }
    problems.extend(members.iter().filter(|m| !m.active).map(|m| ApprovalProblem::InactiveMember(m.id)));
    match commission.head {
        None => problems.push(ApprovalProblem::NoHead),
        Some(head) => match members.iter().find(|m| m.id == head) {
            None => problems.push(ApprovalProblem::Head(HeadProblem::NotMember)),
            Some(facts) => {
                if let Err(p) = check_head(commission, facts, settings) {
                    problems.push(ApprovalProblem::Head(p));
                }
            }
        },
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// How a membership change must be made (R-3.2.2d).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeRule {
    /// A draft's members change freely.
    Free,
    /// An approved commission's members change only by a school order.
    ByOrder,
    /// A dissolved commission does not change.
    Closed,
}

/// What a membership change needs, by status (R-3.2.2d).
#[must_use]
pub const fn membership_change(status: CommissionStatus) -> ChangeRule {
    match status {
        CommissionStatus::Draft => ChangeRule::Free,
        CommissionStatus::Approved => ChangeRule::ByOrder,
        CommissionStatus::Dissolved => ChangeRule::Closed,
    }
}

/// A school order (*буйрук*) that recorded a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: OrderId,
    pub school: SchoolId,
    pub number: OrderNumber,
    pub date: NaiveDate,
    pub title: String,
    pub decided: String,
    pub commission: Option<CommissionId>,
    pub created_at: DateTime<Utc>,
}

/// An order's number as written on it, e.g. `45` or `45/1-к`: 1–32 characters, no spaces at
/// the ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderNumber(String);

impl OrderNumber {
    /// Checks a number.
    ///
    /// # Errors
    /// [`TextError`] when empty or longer than 32 characters.
    pub fn parse(text: &str) -> Result<Self, TextError> {
        bounded(text, 32).map(Self)
    }

    /// The number as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The order that makes a change: its number and date, and what it decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub number: OrderNumber,
    pub date: NaiveDate,
    pub title: String,
    pub decided: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SchoolSettings {
        SchoolSettings::default()
    }
    fn years(n: i64) -> Experience {
        Experience::parse(n).unwrap_or_else(|_| panic!("bad years"))
    }
    fn member(id: StaffId, subjects: &[SubjectId], y: i64) -> MemberFacts {
        MemberFacts { id, subjects: subjects.to_vec(), experience: years(y), active: true }
    }
    fn commission(subjects: &[SubjectId], members: &[StaffId], head: Option<StaffId>) -> Commission {
        Commission {
            id: CommissionId::new(),
            school: SchoolId::new(),
            year: AcademicYear::starting(2022).unwrap_or_else(|_| panic!("year")),
            name: Name::parse("Табигый илимдер").unwrap_or_else(|_| panic!("name")),
            subjects: subjects.to_vec(),
            head,
            members: members.to_vec(),
            status: CommissionStatus::Draft,
            approved_by_order: None,
            dissolved_by_order: None,
            version: 1,
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
        }
    }

    #[test]
    fn three_members_teaching_its_subject_and_an_experienced_head_approve_r_3_2_2a_c() {
        let maths = SubjectId::new();
        let (a, b, c) = (StaffId::new(), StaffId::new(), StaffId::new());
        let facts = [member(a, &[maths], 12), member(b, &[maths], 3), member(c, &[maths], 1)];
        let k = commission(&[maths], &[a, b, c], Some(a));
        assert_eq!(check_approval(&k, &facts, settings()), Ok(()));
    }

    #[test]
    fn two_qualified_members_are_too_few_and_the_refusal_names_the_others_r_3_2_2a() {
        let (maths, history) = (SubjectId::new(), SubjectId::new());
        let (a, b, c) = (StaffId::new(), StaffId::new(), StaffId::new());
        let facts = [member(a, &[maths], 12), member(b, &[maths], 3), member(c, &[history], 9)];
        let k = commission(&[maths], &[a, b, c], Some(a));
        assert_eq!(
            check_approval(&k, &facts, settings()),
            Err(vec![ApprovalProblem::TooFewQualified { qualified: 2, need: 3, not_teaching: vec![c] }])
        );
    }

    #[test]
    fn a_member_teaching_any_of_several_related_subjects_counts_r_3_2_2a() {
        let (physics, maths) = (SubjectId::new(), SubjectId::new());
        let (a, b, c) = (StaffId::new(), StaffId::new(), StaffId::new());
        let facts = [member(a, &[physics], 12), member(b, &[maths], 3), member(c, &[maths, physics], 9)];
        let k = commission(&[physics, maths], &[a, b, c], Some(a));
        assert_eq!(check_approval(&k, &facts, settings()), Ok(()));
    }

    #[test]
    fn a_head_with_less_than_the_school_minimum_is_refused_r_3_2_2c() {
        let maths = SubjectId::new();
        let (a, b, c) = (StaffId::new(), StaffId::new(), StaffId::new());
        let k = commission(&[maths], &[a, b, c], None);
        assert_eq!(
            check_head(&k, &member(b, &[maths], 3), settings()),
            Err(HeadProblem::TooLittleExperience { have: 3, need: 5 })
        );
        let strict = SchoolSettings { min_head_experience_years: 15 };
        assert_eq!(
            check_head(&k, &member(a, &[maths], 12), strict),
            Err(HeadProblem::TooLittleExperience { have: 12, need: 15 })
        );
    }

    #[test]
    fn the_head_is_chosen_from_the_members_r_3_2_2c() {
        let maths = SubjectId::new();
        let (a, b, c, outsider) = (StaffId::new(), StaffId::new(), StaffId::new(), StaffId::new());
        let k = commission(&[maths], &[a, b, c], None);
        assert_eq!(check_head(&k, &member(outsider, &[maths], 20), settings()), Err(HeadProblem::NotMember));
    }

    #[test]
    fn approval_without_a_head_lists_every_problem_r_3_2_2a_c() {
        let maths = SubjectId::new();
        let a = StaffId::new();
        let k = commission(&[maths], &[a], None);
        let problems = check_approval(&k, &[member(a, &[maths], 9)], settings()).err().unwrap_or_default();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.contains(&ApprovalProblem::NoHead));
    }

    #[test]
    fn only_a_draft_is_approved() {
        let maths = SubjectId::new();
        let mut k = commission(&[maths], &[], None);
        k.status = CommissionStatus::Approved;
        assert_eq!(
            check_approval(&k, &[], settings()),
            Err(vec![ApprovalProblem::NotDraft(CommissionStatus::Approved)])
        );
    }

    #[test]
    fn an_approved_commissions_members_change_only_by_order_r_3_2_2d() {
        assert_eq!(membership_change(CommissionStatus::Draft), ChangeRule::Free);
        assert_eq!(membership_change(CommissionStatus::Approved), ChangeRule::ByOrder);
        assert_eq!(membership_change(CommissionStatus::Dissolved), ChangeRule::Closed);
    }

    #[test]
    fn head_rights_come_from_leading_an_approved_commission() {
        let a = StaffId::new();
        let mut k = commission(&[], &[a], Some(a));
        assert!(!k.is_led_by(a), "a draft's head has no rights yet");
        k.status = CommissionStatus::Approved;
        assert!(k.is_led_by(a));
        assert!(!k.is_led_by(StaffId::new()));
    }
}
