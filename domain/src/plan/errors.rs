//! Why a plan command refuses: one error per command. Not the caller's to do, a state that does
//! not allow it ([`NotNow`]), or refused input — the API answers 403, 409 and 422.

use super::SubmitProblem;
use super::commands::NotNow;
use crate::decision::DateProblem;
use crate::values::TextError;

/// Why a plan cannot be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// The route table names someone else as this kind's drafter.
    #[error("someone else drafts this plan")]
    NotYours,
}

/// Why a plan cannot be submitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// Only its drafter submits a plan.
    #[error("someone else drafts this plan")]
    NotYours,
    /// Only a draft is submitted.
    #[error("a {} plan is not sent to `{}`", .0.status.code(), .0.action.code())]
    WrongState(NotNow),
    /// The comment is refused.
    #[error("comment: {0}")]
    Comment(TextError),
    /// The submission's date is refused.
    #[error("decided_on: {0}")]
    Date(DateProblem),
    /// What keeps it from being submitted, every problem at once.
    #[error("{} problem(s) keep the plan from being submitted", .0.len())]
    Incomplete(Vec<SubmitProblem>),
}

/// Why a submission cannot be withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WithdrawError {
    /// Only its drafter withdraws a plan.
    #[error("someone else drafts this plan")]
    NotYours,
    /// Only before the route's first step.
    #[error("a {} plan is not sent to `{}`", .0.status.code(), .0.action.code())]
    WrongState(NotNow),
}

/// Why a step of the route cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// The plan does not wait for this step.
    #[error("a {} plan is not sent to `{}`", .0.status.code(), .0.action.code())]
    WrongState(NotNow),
    /// The route names someone else for this step (and nobody signs their own plan).
    #[error("someone else takes this step")]
    NotYours,
    /// The input is refused, every problem at once.
    #[error("the step's input is refused: {0:?}")]
    Invalid(Vec<StepProblem>),
}

/// What is wrong with a step's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepProblem {
    /// The comment is refused.
    Comment(TextError),
    /// A review cites no meeting of the plan's school.
    UnknownMeeting,
    /// The meeting is not of the body the route names (R-5.1, R-5.3, R-3.2.2f).
    WrongBody,
    /// The meeting has not been held yet: there are no minutes to cite.
    MeetingNotHeld,
    /// The step's date is refused (issue 11).
    Date(DateProblem),
}

/// Why a plan cannot be returned to draft.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnError {
    /// Only a plan on its route is returned.
    #[error("a {} plan is not sent to `{}`", .0.status.code(), .0.action.code())]
    WrongState(NotNow),
    /// Only whoever may take the next step returns it.
    #[error("someone else takes the next step")]
    NotYours,
    /// A return says why; the comment is required.
    #[error("comment: {0}")]
    Comment(TextError),
    /// The return's date is refused.
    #[error("decided_on: {0}")]
    Date(DateProblem),
}

/// Why a plan cannot be amended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmendError {
    /// Only its drafter amends a plan.
    #[error("someone else drafts this plan")]
    NotYours,
    /// Only an approved plan is amended.
    #[error("a {} plan is not sent to `{}`", .0.status.code(), .0.action.code())]
    WrongState(NotNow),
}

/// Why a plan cannot be rolled over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RolloverError {
    /// Only its drafter rolls a plan over.
    #[error("someone else drafts this plan")]
    NotYours,
    /// The calendar ends here.
    #[error("there is no next academic year")]
    NoNextYear,
}

/// Why a plan's header or items cannot be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The plan has no such item.
    #[error("no such item")]
    NoSuchItem,
    /// Only its drafter edits a plan.
    #[error("someone else drafts this plan")]
    NotYours,
    /// Only a draft is edited; a submitted plan waits, an approved one is frozen.
    #[error("the plan is not a draft")]
    NotDraft,
}

/// Why a plan cannot be deleted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeleteError {
    /// Only its drafter deletes a plan.
    #[error("someone else drafts this plan")]
    NotYours,
    /// Only a draft is deleted.
    #[error("the plan is not a draft")]
    NotDraft,
    /// A plan that was submitted once keeps its history.
    #[error("the plan was submitted once")]
    WasSubmitted,
}

/// Why an item's progress cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgressError {
    /// The plan has no such item.
    #[error("no such item")]
    NoSuchItem,
    /// Progress is recorded by the item's responsible staff, the plan's drafter, the deputy or
    /// the director.
    #[error("someone else records this item's progress")]
    NotYours,
    /// Progress is recorded on an approved plan only.
    #[error("the plan is not approved")]
    NotApproved,
}
