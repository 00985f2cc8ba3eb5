//! Why each commission command may refuse: one error per operation (R-3.2.2a, R-3.2.2c,
//! R-3.2.2d), each naming the policy's refusal first and the request's problems all at once.

use super::{ApprovalProblem, CommissionStatus, HeadProblem};
use crate::form::FieldProblem;
use crate::policy::Refusal;

/// Why a draft cannot be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    /// The deputy and the director draft; others may not, or do not see the school.
    #[error("{0}")]
    Refused(Refusal),
    /// The request's problems, all at once.
    #[error("the request is invalid")]
    Invalid(Vec<FieldProblem>),
}

/// Why a draft cannot be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("{0}")]
    Refused(Refusal),
    /// Only a draft is edited; an approved commission changes by order (R-3.2.2d).
    #[error("the commission is {}, not a draft", .0.code())]
    NotDraft(CommissionStatus),
    #[error("the request is invalid")]
    Invalid(Vec<FieldProblem>),
}

/// Why members cannot be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddMembersError {
    /// A draft's members are the deputy's and the director's; an approved one's the
    /// director's alone (R-3.2.2d).
    #[error("{0}")]
    Refused(Refusal),
    /// A dissolved commission does not change.
    #[error("the commission is dissolved")]
    Dissolved,
    #[error("the request is invalid")]
    Invalid(Vec<FieldProblem>),
    /// R-3.2.2d: an approved commission's members change only by a school order.
    #[error("an approved commission's members change only by a school order")]
    OrderRequired,
}

/// Why a member cannot be removed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoveMemberError {
    #[error("{0}")]
    Refused(Refusal),
    #[error("the commission is dissolved")]
    Dissolved,
    /// They do not sit on it.
    #[error("not a member")]
    NotAMember,
    /// An approved commission keeps its head: appoint another head first (R-3.2.2c).
    #[error("the head cannot leave; appoint another head first")]
    HeadCannotLeave,
    /// The removal order's problems (R-3.2.2d).
    #[error("the request is invalid")]
    Invalid(Vec<FieldProblem>),
}

/// Why the head cannot be appointed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppointHeadError {
    /// The director appoints (R-3.2.2c).
    #[error("{0}")]
    Refused(Refusal),
    #[error("the commission is dissolved")]
    Dissolved,
    /// The candidate is not of the school's staff.
    #[error("the request is invalid")]
    Invalid(Vec<FieldProblem>),
    /// R-3.2.2c: a member, active, experienced enough.
    #[error("R-3.2.2c: {0}")]
    NotEligible(HeadProblem),
}

/// Why a commission cannot be approved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApproveError {
    /// The director approves, by order (R-3.2.2d).
    #[error("{0}")]
    Refused(Refusal),
    /// Only a draft is approved, once.
    #[error("the commission is {}, not a draft", .0.code())]
    NotDraft(CommissionStatus),
    /// R-3.2.2a, R-3.2.2c: every reason at once.
    #[error("the commission cannot be approved")]
    NotApprovable(Vec<ApprovalProblem>),
    /// The order's problems.
    #[error("the request is invalid")]
    Invalid(Vec<FieldProblem>),
}

/// Why a commission cannot be dissolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DissolveError {
    /// The director dissolves, by order.
    #[error("{0}")]
    Refused(Refusal),
    /// Only an approved commission is dissolved.
    #[error("the commission is {}, not approved", .0.code())]
    NotApproved(CommissionStatus),
    #[error("the request is invalid")]
    Invalid(Vec<FieldProblem>),
}
