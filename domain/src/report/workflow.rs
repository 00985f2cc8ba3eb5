//! A report's life: the head of a commission starts and writes the commission's report,
//! the deputy the school's; the author refreshes its figures and submits it (the figures
//! freeze); the director accepts it or returns it with a comment. Each command is a pure
//! function of the report, the caller's facts, the input and the time, and answers the new
//! report (with the record of the move for a transition) or why not, one error per command.
//! A command first decides who and when (answering a value that only it can make), then takes
//! the input: the caller learns "not yours" or "not now" before anything about the input.

use super::figures::Scope;
use super::stored::StoredFigures;
use super::{ReportAction, ReportKind, ReportStatus, allowed_actions, next};
use crate::commission::Commission;
use crate::decision::{DateProblem, Dated};
use crate::ids::{CommissionId, ReportId, SchoolId, StaffId};
use crate::staff::Role;
use crate::values::{TextError, bounded};
use crate::year::AcademicYear;
use chrono::{DateTime, NaiveDate, Utc};

// ---------- inputs ----------

/// A narrative section's text: trimmed, 1–20 000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section(String);

impl Section {
    /// The longest section, in characters.
    pub const MAX: usize = 20_000;

    /// Trims and checks a section.
    ///
    /// # Errors
    /// [`TextError`] when empty, too long or holding control characters.
    pub fn parse(text: &str) -> Result<Self, TextError> {
        bounded(text, Self::MAX).map(Self)
    }

    /// The text.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A comment on a transition: trimmed, 1–2000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment(String);

impl Comment {
    /// The longest comment, in characters.
    pub const MAX: usize = 2000;

    /// Trims and checks a comment.
    ///
    /// # Errors
    /// [`TextError`] when empty, too long or holding control characters.
    pub fn parse(text: &str) -> Result<Self, TextError> {
        bounded(text, Self::MAX).map(Self)
    }

    /// The text.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

/// The narrative sections the author writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrative {
    /// The year's achievements.
    pub achievements: Option<String>,
    /// Problems met.
    pub problems: Option<String>,
    /// Proposals for next year.
    pub proposals: Option<String>,
}

/// Changes to the narrative: `None` keeps a section, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NarrativePatch {
    pub achievements: Option<Option<Section>>,
    pub problems: Option<Option<Section>>,
    pub proposals: Option<Option<Section>>,
}

/// A person as a report names them: as they were named at the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: StaffId,
    /// "Сардарбекова А.К.".
    pub name: String,
}

// ---------- the caller ----------

/// What the report rules need to know about the caller, gathered once per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorFacts {
    /// Not on the staff of the report's school: district users and services, administrators.
    Outsider,
    /// On the staff of the report's school.
    Staff {
        person: Person,
        role: Role,
        /// Heads the report's commission (for a commission report).
        heads_commission: bool,
    },
}

impl ActorFacts {
    /// The facts about a staff member of `their_school`, for a report of `school` on
    /// `commission` (or on the school). Only the head of an *approved* commission leads it
    /// (R-3.2.2c, R-3.2.2d); staff of another school are outsiders.
    #[must_use]
    pub fn of_staff(
        person: Person,
        role: Role,
        their_school: SchoolId,
        school: SchoolId,
        commission: Option<&Commission>,
    ) -> Self {
        if their_school != school {
            return Self::Outsider;
        }
        let heads_commission = commission.is_some_and(|c| c.is_led_by(person.id));
        Self::Staff { person, role, heads_commission }
    }

    /// Whether the caller may take `action` on a report of `kind`: the head writes the
    /// commission's report, the deputy the school's; the director accepts or returns either.
    #[must_use]
    pub fn may(&self, kind: ReportKind, action: ReportAction) -> bool {
        let Self::Staff { role, heads_commission, .. } = self else { return false };
        match action {
            ReportAction::Edit | ReportAction::Submit => match kind {
                ReportKind::Commission => *heads_commission,
                ReportKind::School => *role == Role::Deputy,
            },
            ReportAction::Accept | ReportAction::Return => *role == Role::Director,
        }
    }

    /// The person, when on the school's staff.
    #[must_use]
    pub const fn person(&self) -> Option<&Person> {
        match self {
            Self::Outsider => None,
            Self::Staff { person, .. } => Some(person),
        }
    }

    /// The person and the capacity they act in when taking `action` on a report of `kind`,
    /// when they may take it.
    pub(super) fn acting(&self, kind: ReportKind, action: ReportAction) -> Option<(Person, Capacity)> {
        let Self::Staff { person, role, .. } = self else { return None };
        if !self.may(kind, action) {
            return None;
        }
        // A commission's head reports as its head, whatever their staff role.
        let capacity = match (kind, action) {
            (ReportKind::Commission, ReportAction::Edit | ReportAction::Submit) => Capacity::CommissionHead,
            _ => Capacity::Role(*role),
        };
        Some((person.clone(), capacity))
    }
}

/// The capacity a transition was made in, as its record keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    /// Their staff role (`director`, `deputy`).
    Role(Role),
    /// As the head of the report's commission.
    CommissionHead,
}

impl Capacity {
    /// The stable code kept in the history.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Role(r) => r.code(),
            Self::CommissionHead => "commission_head",
        }
    }
}

// ---------- the aggregate ----------

/// The director's acceptance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub by: StaffId,
    pub on: NaiveDate,
    /// The director's name at acceptance (absent on rows from before names were kept).
    pub by_name: Option<String>,
}

/// A year-end report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: ReportId,
    pub school: SchoolId,
    pub kind: ReportKind,
    pub commission: Option<CommissionId>,
    pub year: AcademicYear,
    pub status: ReportStatus,
    pub author: Option<StaffId>,
    /// The author's name when the report was started (printed names do not change later).
    pub author_name: Option<String>,
    pub narrative: Narrative,
    pub figures: StoredFigures,
    /// When the figures were taken.
    pub figures_as_of: DateTime<Utc>,
    /// The director's comment when returned.
    pub return_comment: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The date the submission was made on (issue 11 point 7): as the author dated it, or the
    /// day it was sent. Absent on reports never submitted (and on rows from before it was kept:
    /// [`Report::submitted_date`] falls back to `submitted_at`).
    pub submitted_on: Option<NaiveDate>,
    pub accepted: Option<Acceptance>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The record of a transition, kept as the report's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub action: ReportAction,
    pub from: ReportStatus,
    pub to: ReportStatus,
    pub by: Person,
    pub capacity: Capacity,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
    /// The date the move was decided on: as the caller dated it, or the day it was made.
    pub decided_on: Option<NaiveDate>,
}

/// Why the narrative cannot be written or the figures refreshed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// Only the author writes a report: the commission's head, or the deputy.
    #[error("only the report's author writes it")]
    NotAuthor,
    /// Submitted or accepted: the report is frozen.
    #[error("the report is not open")]
    NotOpen,
}

/// Why a report cannot be submitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// Only the author submits.
    #[error("only the report's author submits it")]
    NotAuthor,
    /// Already submitted or accepted.
    #[error("a {} report cannot be submitted", status.code())]
    WrongState { status: ReportStatus, allowed: Vec<&'static str> },
}

/// Why a report cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcceptError {
    /// Only the director accepts.
    #[error("only the director accepts a report")]
    NotDirector,
    /// Not submitted.
    #[error("a {} report cannot be accepted", status.code())]
    WrongState { status: ReportStatus, allowed: Vec<&'static str> },
}

/// Why a report cannot be returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnError {
    /// Only the director returns a report.
    #[error("only the director returns a report")]
    NotDirector,
    /// Not submitted.
    #[error("a {} report cannot be returned", status.code())]
    WrongState { status: ReportStatus, allowed: Vec<&'static str> },
}

/// An edit the rules allowed: it takes the checked narrative.
#[derive(Debug)]
#[must_use]
pub struct Editing<'a> {
    report: &'a Report,
}

impl Editing<'_> {
    /// The report with `patch` applied, section by section.
    #[must_use]
    pub fn with(self, patch: NarrativePatch) -> Report {
        let put = |old: &Option<String>, new: Option<Option<Section>>| match new {
            None => old.clone(),
            Some(v) => v.map(Section::into_string),
        };
        let n = &self.report.narrative;
        let narrative = Narrative {
            achievements: put(&n.achievements, patch.achievements),
            problems: put(&n.problems, patch.problems),
            proposals: put(&n.proposals, patch.proposals),
        };
        Report { narrative, ..self.report.clone() }
    }
}

/// A refresh the rules allowed: it takes the figures freshly assembled from the records.
#[derive(Debug)]
#[must_use]
pub struct Refreshing<'a> {
    report: &'a Report,
}

impl Refreshing<'_> {
    /// The report with `figures`, taken at `now`.
    #[must_use]
    pub fn with(self, figures: StoredFigures, now: DateTime<Utc>) -> Report {
        Report { figures, figures_as_of: now, ..self.report.clone() }
    }
}

/// A submission the rules allowed: it freezes the figures taken from the records once more.
#[derive(Debug)]
#[must_use]
pub struct Submitting<'a> {
    report: &'a Report,
    by: Person,
    capacity: Capacity,
}

impl Submitting<'_> {
    /// The submitted report with its `figures` frozen at `now`, dated `when` (today unless the
    /// author dates it earlier), and the record of the move.
    ///
    /// # Errors
    /// [`DateProblem::InFuture`] for a date after today.
    pub fn freeze(
        self,
        comment: Option<Comment>,
        figures: StoredFigures,
        now: DateTime<Utc>,
        when: impl Into<Dated>,
    ) -> Result<(Report, Transition), DateProblem> {
        let r = self.report;
        let on = when.into().decide(None)?;
        let to = ReportStatus::Submitted;
        let report = Report {
            status: to,
            figures,
            figures_as_of: now,
            submitted_at: Some(now),
            submitted_on: Some(on),
            return_comment: None,
            ..r.clone()
        };
        let t = Transition {
            action: ReportAction::Submit,
            from: r.status,
            to,
            by: self.by,
            capacity: self.capacity,
            comment: comment.map(Comment::into_string),
            at: now,
            decided_on: Some(on),
        };
        Ok((report, t))
    }
}

/// An acceptance the rules allowed.
#[derive(Debug)]
#[must_use]
pub struct Accepting<'a> {
    report: &'a Report,
    by: Person,
    capacity: Capacity,
}

impl Accepting<'_> {
    /// The report accepted on the date `when` gives (today by default), and the record of the
    /// move made at `now`.
    ///
    /// # Errors
    /// [`DateProblem`]: dated after today, or before the submission.
    pub fn on(
        self,
        comment: Option<Comment>,
        now: DateTime<Utc>,
        when: impl Into<Dated>,
    ) -> Result<(Report, Transition), DateProblem> {
        let r = self.report;
        let on = when.into().decide(r.submitted_date())?;
        let to = ReportStatus::Accepted;
        let accepted = Acceptance { by: self.by.id, on, by_name: Some(self.by.name.clone()) };
        let report = Report { status: to, accepted: Some(accepted), ..r.clone() };
        let t = Transition {
            action: ReportAction::Accept,
            from: r.status,
            to,
            by: self.by,
            capacity: self.capacity,
            comment: comment.map(Comment::into_string),
            at: now,
            decided_on: Some(on),
        };
        Ok((report, t))
    }
}

/// A return the rules allowed: it takes the director's comment.
#[derive(Debug)]
#[must_use]
pub struct Returning<'a> {
    report: &'a Report,
    by: Person,
    capacity: Capacity,
}

impl Returning<'_> {
    /// The report back with its author, carrying `comment`, dated `when` (today by default),
    /// and the record of the move made at `now`.
    ///
    /// # Errors
    /// [`DateProblem`]: dated after today, or before the submission.
    pub fn with(
        self,
        comment: Comment,
        now: DateTime<Utc>,
        when: impl Into<Dated>,
    ) -> Result<(Report, Transition), DateProblem> {
        let r = self.report;
        let on = when.into().decide(r.submitted_date())?;
        let to = ReportStatus::Returned;
        let comment = comment.into_string();
        let report = Report { status: to, return_comment: Some(comment.clone()), ..r.clone() };
        let t = Transition {
            action: ReportAction::Return,
            from: r.status,
            to,
            by: self.by,
            capacity: self.capacity,
            comment: Some(comment),
            at: now,
            decided_on: Some(on),
        };
        Ok((report, t))
    }
}

impl Report {
    /// The date of the last submission: as dated, or (on rows from before dates were kept) the
    /// day it was sent.
    #[must_use]
    pub fn submitted_date(&self) -> Option<NaiveDate> {
        self.submitted_on.or_else(|| self.submitted_at.map(|at| at.date_naive()))
    }

    /// What can be done with it now, by their API names.
    #[must_use]
    pub fn allowed_actions(&self) -> Vec<&'static str> {
        allowed_actions(self.status)
    }

    /// Whether the figures are frozen (submitted or accepted).
    #[must_use]
    pub const fn is_frozen(&self) -> bool {
        !self.status.is_open()
    }

    /// What the report covers, given its commission as loaded.
    #[must_use]
    pub fn scope(&self, commission: Option<&Commission>) -> Scope {
        Scope::of(commission.filter(|c| Some(c.id) == self.commission))
    }

    /// The author writes the narrative of a draft or returned report.
    ///
    /// # Errors
    /// [`EditError::NotAuthor`], then [`EditError::NotOpen`].
    pub fn edit(&self, actor: &ActorFacts) -> Result<Editing<'_>, EditError> {
        actor.acting(self.kind, ReportAction::Edit).ok_or(EditError::NotAuthor)?;
        next(self.status, ReportAction::Edit).ok_or(EditError::NotOpen)?;
        Ok(Editing { report: self })
    }

    /// The author retakes the figures of a draft or returned report.
    ///
    /// # Errors
    /// [`EditError::NotAuthor`], then [`EditError::NotOpen`]: a submitted report's figures
    /// are frozen.
    pub fn refresh(&self, actor: &ActorFacts) -> Result<Refreshing<'_>, EditError> {
        actor.acting(self.kind, ReportAction::Edit).ok_or(EditError::NotAuthor)?;
        next(self.status, ReportAction::Edit).ok_or(EditError::NotOpen)?;
        Ok(Refreshing { report: self })
    }

    /// The author submits a draft or returned report to the director.
    ///
    /// # Errors
    /// [`SubmitError::NotAuthor`], then [`SubmitError::WrongState`].
    pub fn submit(&self, actor: &ActorFacts) -> Result<Submitting<'_>, SubmitError> {
        let (by, capacity) = actor.acting(self.kind, ReportAction::Submit).ok_or(SubmitError::NotAuthor)?;
        next(self.status, ReportAction::Submit)
            .ok_or_else(|| SubmitError::WrongState { status: self.status, allowed: self.allowed_actions() })?;
        Ok(Submitting { report: self, by, capacity })
    }

    /// The director accepts a submitted report.
    ///
    /// # Errors
    /// [`AcceptError::NotDirector`], then [`AcceptError::WrongState`].
    pub fn accept(&self, actor: &ActorFacts) -> Result<Accepting<'_>, AcceptError> {
        let (by, capacity) = actor.acting(self.kind, ReportAction::Accept).ok_or(AcceptError::NotDirector)?;
        next(self.status, ReportAction::Accept)
            .ok_or_else(|| AcceptError::WrongState { status: self.status, allowed: self.allowed_actions() })?;
        Ok(Accepting { report: self, by, capacity })
    }

    /// The director sends a submitted report back to its author, who may edit, refresh and
    /// submit it again.
    ///
    /// # Errors
    /// [`ReturnError::NotDirector`], then [`ReturnError::WrongState`].
    pub fn return_to_author(&self, actor: &ActorFacts) -> Result<Returning<'_>, ReturnError> {
        let (by, capacity) = actor.acting(self.kind, ReportAction::Return).ok_or(ReturnError::NotDirector)?;
        next(self.status, ReportAction::Return)
            .ok_or_else(|| ReturnError::WrongState { status: self.status, allowed: self.allowed_actions() })?;
        Ok(Returning { report: self, by, capacity })
    }
}

#[cfg(test)]
#[path = "workflow_tests.rs"]
mod tests;
