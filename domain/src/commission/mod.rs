//! Cyclic methodological commissions (*циклдик усулдук комиссия*, R-3.2.2): who may form one,
//! who may lead it, and how its membership changes.

pub mod command;
pub mod error;
pub mod wording;

use crate::ids::{CommissionId, OrderId, SchoolId, StaffId, SubjectId};
use crate::lang::Text;
use crate::staff::{Experience, SchoolSettings, Staff};
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

impl From<&Staff> for MemberFacts {
    fn from(s: &Staff) -> Self {
        Self { id: s.id, subjects: s.subjects.clone(), experience: s.experience, active: s.active }
    }
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

/// One stint of a person on a commission: R-3.2.2d records each change with its order, so the
/// membership can be read as of any date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stint {
    pub staff: StaffId,
    /// The order date it began; `None` while the commission is a draft.
    pub since: Option<NaiveDate>,
    /// The order date it ended.
    pub until: Option<NaiveDate>,
    pub added_by_order: Option<OrderId>,
    pub removed_by_order: Option<OrderId>,
}

impl Commission {
    /// The stints in force on `as_of`. A draft's members are listed as they stand (nobody is a
    /// member in law before the approving order); an approved or dissolved commission's as its
    /// orders made them.
    #[must_use]
    pub fn sitting_on<'a>(&self, stints: &'a [Stint], as_of: NaiveDate) -> Vec<&'a Stint> {
        stints
            .iter()
            .filter(|m| match (self.status, m.since) {
                (CommissionStatus::Draft, _) => m.until.is_none(),
                (_, Some(since)) => since <= as_of && m.until.is_none_or(|u| u > as_of),
                (_, None) => false,
            })
            .collect()
    }
}

#[cfg(test)]
mod table;
#[cfg(test)]
mod tests;
