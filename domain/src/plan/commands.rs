//! The plan's commands (R-3.2.1, R-3.2.2f, R-5.1, R-5.3): start, submit, withdraw, the route's
//! steps, return, amend, roll over, and the guards of editing, deleting and recording progress.
//! Each is a pure function of the plan, the caller's facts ([`PlanActor`]), the input and the
//! date, returning the move to record (or the new draft to store) or a typed error.

use super::actor::{Caller, PlanActor, may_draft};
use super::errors::{
    AmendError, DeleteError, EditError, ProgressError, ReturnError, RolloverError, StartError, StepError, StepProblem,
    SubmitError, WithdrawError,
};
use super::{
    Item, Owner, Plan, PlanKind, PlanStatus, Progress, ReviewRecord, StatusName, StepActor, StepKind, check_submit,
    next_step, next_year_date, route,
};
use crate::decision::Dated;
use crate::ids::{ItemId, PlanId, StaffId};
use crate::meeting::{Body, BodyKind, Meeting, MeetingStatus};
use crate::staff::Role;
use crate::values::{TextError, bounded};
use crate::year::AcademicYear;
use chrono::NaiveDate;

/// The longest comment on a move, in characters.
pub const COMMENT_MAX: usize = 2000;

/// What can be asked of a plan; the codes are the API's action names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanAction {
    /// The drafter sends a draft along its route.
    Submit,
    /// The drafter takes a submission back before its first step.
    Withdraw,
    /// A body reviews it at a meeting.
    Review,
    /// Agreed (*макулдашылды*).
    Agree,
    /// Approved (*бекитилди*).
    Approve,
    /// Whoever may take the next step sends it back to draft, with a comment.
    Return,
    /// An approved plan gets a draft version n+1.
    Amend,
    /// A plan is copied into next year's draft.
    Rollover,
}

impl PlanAction {
    /// The stable code: the action's name in the API and in the plan's history.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Withdraw => "withdraw",
            Self::Review => "review",
            Self::Agree => "agree",
            Self::Approve => "approve",
            Self::Return => "return",
            Self::Amend => "amend",
            Self::Rollover => "rollover",
        }
    }

    /// The action that takes a step of this kind.
    #[must_use]
    pub const fn of_step(kind: StepKind) -> Self {
        match kind {
            StepKind::Review => Self::Review,
            StepKind::Agree => Self::Agree,
            StepKind::Approve => Self::Approve,
        }
    }
}

/// The actions a plan's state allows (whoever asks), in the order a refusal lists them.
#[must_use]
pub fn allowed(kind: PlanKind, status: PlanStatus) -> Vec<PlanAction> {
    match status {
        PlanStatus::Draft => vec![PlanAction::Submit, PlanAction::Rollover],
        PlanStatus::InRoute { steps_done } => {
            let mut out: Vec<PlanAction> = next_step(kind, status)
                .map(|s| vec![PlanAction::of_step(s.kind), PlanAction::Return])
                .unwrap_or_default();
            if steps_done == 0 {
                out.push(PlanAction::Withdraw);
            }
            out.push(PlanAction::Rollover);
            out
        }
        PlanStatus::Approved => vec![PlanAction::Amend, PlanAction::Rollover],
        PlanStatus::Superseded => vec![PlanAction::Rollover],
    }
}

/// A command the plan's state does not allow now (whoever asks): what was asked, the state,
/// and what the state allows instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotNow {
    /// What was asked.
    pub action: PlanAction,
    /// The plan's state.
    pub status: StatusName,
    /// What its state allows.
    pub allowed: Vec<PlanAction>,
}

/// A move of a plan from one state to another, as its history records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// What was done.
    pub action: PlanAction,
    /// The state it left.
    pub from: PlanStatus,
    /// The state it reached.
    pub to: PlanStatus,
    /// Who did it.
    pub by: StaffId,
    /// Their role at the time.
    pub role: Role,
    /// Why, or a remark.
    pub comment: Option<String>,
    /// A review: the meeting whose minutes record it; it then stands on the plan.
    pub review: Option<ReviewRecord>,
    /// The last step: who approved it, and when.
    pub approved: Option<(StaffId, NaiveDate)>,
    /// The date the move was decided on (issue 11): as the caller dated it, or today. `None`
    /// for a withdrawal, which takes no date.
    pub decided_on: Option<NaiveDate>,
}

impl Transition {
    /// Whether this move submits the plan (a plan submitted once is never deleted).
    #[must_use]
    pub fn submits(&self) -> bool {
        self.action == PlanAction::Submit
    }
}

/// What the submission rules need to know about the plan's surroundings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanContext {
    /// The school year's methodological theme is set.
    pub school_theme_set: bool,
    /// A commission's plan: the owning commission is approved (R-3.2.2f).
    pub commission_approved: bool,
}

/// A plan's header: its title, goal and, for an individual plan, the teacher's own theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub title: String,
    pub goal: Option<String>,
    /// The teacher's own methodological theme (*өздүк усулдук тема*, R-3.2.1).
    pub personal_theme: Option<String>,
}

/// How a new draft version came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Version 1 of a new lineage.
    Start,
    /// Version n+1 of an approved plan.
    Amendment(PlanId),
    /// Next year's copy of a plan.
    Rollover(PlanId),
}

/// A draft version to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    pub kind: PlanKind,
    pub owner: Owner,
    pub year: AcademicYear,
    pub header: Header,
    /// 1 for a new lineage, n+1 for an amendment of n.
    pub version_no: u32,
    pub origin: Origin,
    /// The items it starts with: an amendment's keep their recorded progress, next year's copy
    /// starts afresh (their ids are renewed when stored).
    pub items: Vec<Item>,
}

/// Checks an optional comment.
fn comment(text: Option<&str>) -> Result<Option<String>, TextError> {
    text.map(|t| bounded(t, COMMENT_MAX)).transpose()
}

/// The caller as a signer of a move: staff of the school.
fn signer(actor: &PlanActor) -> Option<(StaffId, Role)> {
    match actor.caller {
        Caller::Staff { id, role } => Some((id, role)),
        Caller::Outsider => None,
    }
}

fn reset(i: &Item) -> Item {
    Item { progress: Progress::Planned, completed_on: None, outcome: None, evidence: Vec::new(), ..i.clone() }
}

/// Starts a plan: version 1 of the lineage of (kind, owner, year), as an empty draft, if the
/// caller drafts plans of this kind for this owner.
///
/// # Errors
/// [`StartError::NotYours`] when the route table names someone else.
pub fn start(
    kind: PlanKind,
    owner: Owner,
    year: AcademicYear,
    header: Header,
    actor: &PlanActor,
) -> Result<NewVersion, StartError> {
    if !may_draft(kind, owner, actor) {
        return Err(StartError::NotYours);
    }
    Ok(NewVersion { kind, owner, year, header, version_no: 1, origin: Origin::Start, items: Vec::new() })
}

impl Plan {
    /// Whether the caller drafts this plan.
    #[must_use]
    pub fn drafted_by(&self, actor: &PlanActor) -> bool {
        may_draft(self.kind, self.owner, actor)
    }

    /// The actions its state allows now.
    #[must_use]
    pub fn allowed(&self) -> Vec<PlanAction> {
        allowed(self.kind, self.status)
    }

    fn not_now(&self, action: PlanAction) -> NotNow {
        NotNow { action, status: self.status.name(self.kind), allowed: self.allowed() }
    }

    /// The position a new item takes by default: after the last.
    #[must_use]
    pub fn next_position(&self) -> u32 {
        self.items.iter().map(|i| i.position).max().unwrap_or(0) + 1
    }

    /// An item of the plan.
    #[must_use]
    pub fn item(&self, id: ItemId) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    fn header(&self) -> Header {
        Header { title: self.title.clone(), goal: self.goal.clone(), personal_theme: self.personal_theme.clone() }
    }

    /// `draft → submitted`: the drafter sends it along its route, when nothing keeps it back
    /// every item has a deadline and someone responsible: an individual plan
    /// has the teacher's theme and the school year's theme is set; R-3.2.2f: a commission's
    /// plan needs an approved commission).
    ///
    /// The submission is dated as asked (a paper year entered afterwards), by default today,
    /// never in the future.
    ///
    /// # Errors
    /// [`SubmitError`]: not the drafter, not a draft, a refused comment or date, or every
    /// problem found.
    pub fn submit(
        &self,
        actor: &PlanActor,
        context: PlanContext,
        remark: Option<&str>,
        when: impl Into<Dated>,
    ) -> Result<Transition, SubmitError> {
        let (by, role) = signer(actor).filter(|_| self.drafted_by(actor)).ok_or(SubmitError::NotYours)?;
        if self.status != PlanStatus::Draft {
            return Err(SubmitError::WrongState(self.not_now(PlanAction::Submit)));
        }
        let remark = comment(remark).map_err(SubmitError::Comment)?;
        let on = when.into().decide(None).map_err(SubmitError::Date)?;
        check_submit(&self.submit_facts(context.school_theme_set, context.commission_approved))
            .map_err(SubmitError::Incomplete)?;
        let mut t = self.moving(PlanAction::Submit, PlanStatus::InRoute { steps_done: 0 }, (by, role), remark);
        t.decided_on = Some(on);
        Ok(t)
    }

    /// `submitted → draft`: the drafter takes it back before the route's first step.
    ///
    /// # Errors
    /// [`WithdrawError`]: not the drafter, or a step was taken already.
    pub fn withdraw(&self, actor: &PlanActor) -> Result<Transition, WithdrawError> {
        let signer = signer(actor).filter(|_| self.drafted_by(actor)).ok_or(WithdrawError::NotYours)?;
        if self.status != (PlanStatus::InRoute { steps_done: 0 }) {
            return Err(WithdrawError::WrongState(self.not_now(PlanAction::Withdraw)));
        }
        Ok(self.moving(PlanAction::Withdraw, PlanStatus::Draft, signer, None))
    }

    /// Takes the route's next step if it is of `kind` and the route names the caller for it.
    /// A review cites a held (or finalized) meeting of the body the route names, whose date
    /// and protocol number then stand on the plan; other steps cite no meeting, and
    /// ignore one. The step is dated as asked, by default today: not in the future, not before
    /// the step before it (nor, for a review, before the meeting). The last step approves the
    /// plan, by the caller, on that date.
    ///
    /// # Errors
    /// [`StepError`]: the plan does not wait for this step, the caller may not take it, or the
    /// comment and the meeting are refused (all at once).
    pub fn take_step(
        &self,
        kind: StepKind,
        actor: &PlanActor,
        meeting: Option<&Meeting>,
        remark: Option<&str>,
        when: impl Into<Dated>,
    ) -> Result<Transition, StepError> {
        let (Some(step), PlanStatus::InRoute { steps_done }) =
            (next_step(self.kind, self.status).filter(|s| s.kind == kind), self.status)
        else {
            return Err(StepError::WrongState(self.not_now(PlanAction::of_step(kind))));
        };
        let signer = signer(actor).filter(|_| actor.may_take(step, self.owner)).ok_or(StepError::NotYours)?;
        let mut problems = Vec::new();
        let remark = comment(remark).map_err(|e| problems.push(StepProblem::Comment(e))).ok().flatten();
        let review = match (kind, step.actor) {
            (StepKind::Review, StepActor::Body(body)) => match meeting.filter(|m| m.school == self.school) {
                None => {
                    problems.push(StepProblem::UnknownMeeting);
                    None
                }
                Some(m) => {
                    if !self.reviewed_by(body, m.body) {
                        problems.push(StepProblem::WrongBody);
                    } else if m.status == MeetingStatus::Scheduled {
                        problems.push(StepProblem::MeetingNotHeld);
                    }
                    Some(ReviewRecord { meeting: m.id, protocol_number: m.protocol_number, date: m.date })
                }
            },
            _ => None,
        };
        // A review is decided at its meeting or later; every step after the one before it.
        let previous = self.previous_decision().max(review.map(|r| r.date));
        let on = when.into().decide(previous).map_err(|e| problems.push(StepProblem::Date(e))).ok();
        let Some(on) = on.filter(|_| problems.is_empty()) else {
            return Err(StepError::Invalid(problems));
        };
        let last = usize::from(steps_done) + 1 == route(self.kind).1.len();
        let to = if last { PlanStatus::Approved } else { PlanStatus::InRoute { steps_done: steps_done + 1 } };
        let mut t = self.moving(PlanAction::of_step(kind), to, signer, remark);
        t.review = review;
        t.approved = last.then_some((signer.0, on));
        t.decided_on = Some(on);
        Ok(t)
    }

    /// Whether a meeting of `held_by` is one of the body the route names: the council of its
    /// kind, or for a commission's plan that very commission.
    fn reviewed_by(&self, named: BodyKind, held_by: Body) -> bool {
        match held_by {
            Body::Commission(c) => named == BodyKind::Commission && self.owner == Owner::Commission(c),
            other => other.kind() == named,
        }
    }

    /// Sends a plan on its route back to draft; whoever may take the next step may, saying
    /// why. The route starts again.
    ///
    /// The return is dated as asked, by default today: not in the future, not before the
    /// step before it.
    ///
    /// # Errors
    /// [`ReturnError`]: the plan is not on its route, the caller may not take its next step,
    /// the comment is missing or too long, or the date is refused.
    pub fn return_to_draft(
        &self,
        actor: &PlanActor,
        why: &str,
        when: impl Into<Dated>,
    ) -> Result<Transition, ReturnError> {
        let Some(next) = next_step(self.kind, self.status) else {
            return Err(ReturnError::WrongState(self.not_now(PlanAction::Return)));
        };
        let signer = signer(actor).filter(|_| actor.may_take(next, self.owner)).ok_or(ReturnError::NotYours)?;
        let why = bounded(why, COMMENT_MAX).map_err(ReturnError::Comment)?;
        let on = when.into().decide(self.previous_decision()).map_err(ReturnError::Date)?;
        let mut t = self.moving(PlanAction::Return, PlanStatus::Draft, signer, Some(why));
        t.decided_on = Some(on);
        Ok(t)
    }

    fn moving(&self, action: PlanAction, to: PlanStatus, (by, role): (StaffId, Role), c: Option<String>) -> Transition {
        Transition {
            action,
            from: self.status,
            to,
            by,
            role,
            comment: c,
            review: None,
            approved: None,
            decided_on: None,
        }
    }

    /// Applies a move to the plan as the store does: the new state, the review standing on it
    /// (cleared when it goes back to draft), the approval, the first submission.
    pub fn apply(&mut self, t: &Transition) {
        self.status = t.to;
        self.ever_submitted |= t.submits();
        if t.review.is_some() {
            self.review = t.review;
        }
        if t.to == PlanStatus::Draft {
            self.review = None;
        }
        if t.approved.is_some() {
            self.approved = t.approved;
        }
        match t.action {
            PlanAction::Submit => self.submitted_on = t.decided_on,
            PlanAction::Review => self.reviewed_on = t.decided_on,
            PlanAction::Agree => self.agreed = t.decided_on.map(|on| (t.by, on)),
            _ => {}
        }
        if t.to == PlanStatus::Draft {
            // The route starts again: its dates are the next submission's.
            self.reviewed_on = None;
            self.agreed = None;
        }
        if let Some(why) = Self::return_comment_after(t) {
            self.return_comment = why;
        }
    }

    /// Why the plan was returned, after a move: a return's comment stands on the plan until it
    /// is submitted again; other moves leave it (`None` = unchanged, `Some(None)` = cleared).
    #[must_use]
    pub fn return_comment_after(t: &Transition) -> Option<Option<String>> {
        match t.action {
            PlanAction::Return => Some(t.comment.clone()),
            PlanAction::Submit => Some(None),
            _ => None,
        }
    }

    /// An approved plan's next version, n+1, as a draft with the same header and items
    /// — the items continue, so their recorded progress (mark, completion date, outcome,
    /// evidence) carries over (issue 11). The approved version stays frozen until n+1 is
    /// approved.
    ///
    /// # Errors
    /// [`AmendError`]: not the drafter, or the plan is not approved.
    pub fn amend(&self, actor: &PlanActor) -> Result<NewVersion, AmendError> {
        if !self.drafted_by(actor) {
            return Err(AmendError::NotYours);
        }
        if self.status != PlanStatus::Approved {
            return Err(AmendError::WrongState(self.not_now(PlanAction::Amend)));
        }
        Ok(NewVersion {
            kind: self.kind,
            owner: self.owner,
            year: self.year,
            header: self.header(),
            version_no: self.version_no + 1,
            origin: Origin::Amendment(self.id),
            items: self.items.as_ref().clone(),
        })
    }

    /// A copy of the plan as next year's draft: dates a year later, progress reset.
    ///
    /// # Errors
    /// [`RolloverError`]: not the drafter, or no next year.
    pub fn roll_over(&self, actor: &PlanActor) -> Result<NewVersion, RolloverError> {
        if !self.drafted_by(actor) {
            return Err(RolloverError::NotYours);
        }
        let year = self.year.next().ok_or(RolloverError::NoNextYear)?;
        let items = self
            .items
            .iter()
            .map(|i| Item { start: i.start.map(next_year_date), due: i.due.map(next_year_date), ..reset(i) })
            .collect();
        Ok(NewVersion {
            kind: self.kind,
            owner: self.owner,
            year,
            header: self.header(),
            version_no: 1,
            origin: Origin::Rollover(self.id),
            items,
        })
    }

    /// Whether the caller may edit the header or the items now: the drafter, on a draft.
    ///
    /// # Errors
    /// [`EditError::NotYours`], [`EditError::NotDraft`].
    pub fn check_edit(&self, actor: &PlanActor) -> Result<(), EditError> {
        if !self.drafted_by(actor) {
            return Err(EditError::NotYours);
        }
        if self.status != PlanStatus::Draft {
            return Err(EditError::NotDraft);
        }
        Ok(())
    }

    /// The draft's whole list of items replaced by `items`, all or nothing: the list's order is
    /// the plan's order (positions 1, 2, 3 …), each item planned afresh. The caller checks every
    /// item's content first (issue 11: a plan of six items is one call, not twelve).
    ///
    /// # Errors
    /// As [`Plan::check_edit`].
    pub fn replace_items(&self, actor: &PlanActor, items: Vec<Item>) -> Result<Vec<Item>, EditError> {
        self.check_edit(actor)?;
        Ok(items.into_iter().zip(1..).map(|(i, position)| Item { position, ..reset(&i) }).collect())
    }

    /// [`Plan::check_edit`] for one of its items.
    ///
    /// # Errors
    /// [`EditError::NoSuchItem`] first, then as [`Plan::check_edit`].
    pub fn check_edit_item(&self, item: ItemId, actor: &PlanActor) -> Result<&Item, EditError> {
        let found = self.item(item).ok_or(EditError::NoSuchItem)?;
        self.check_edit(actor)?;
        Ok(found)
    }

    /// Whether the caller may delete the plan: the drafter, a draft never submitted.
    ///
    /// # Errors
    /// [`DeleteError`].
    pub fn check_delete(&self, actor: &PlanActor) -> Result<(), DeleteError> {
        if !self.drafted_by(actor) {
            return Err(DeleteError::NotYours);
        }
        if self.status != PlanStatus::Draft {
            return Err(DeleteError::NotDraft);
        }
        if self.ever_submitted {
            return Err(DeleteError::WasSubmitted);
        }
        Ok(())
    }

    /// Whether the caller may record an item's progress: on an approved plan, the item's
    /// responsible staff, the plan's drafter, the deputy or the director.
    ///
    /// # Errors
    /// [`ProgressError`].
    pub fn check_progress(&self, item: ItemId, actor: &PlanActor) -> Result<&Item, ProgressError> {
        let found = self.item(item).ok_or(ProgressError::NoSuchItem)?;
        let responsible = actor.caller.staff().is_some_and(|me| found.responsible.contains(&me));
        if !(responsible || self.drafted_by(actor) || actor.manages()) {
            return Err(ProgressError::NotYours);
        }
        if self.status != PlanStatus::Approved {
            return Err(ProgressError::NotApproved);
        }
        Ok(found)
    }
}
