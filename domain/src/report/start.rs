//! Starting a report: the head of an approved commission starts its report, the deputy
//! the school's, for a year that has begun.

use super::figures::Scope;
use super::stored::StoredFigures;
use super::workflow::{ActorFacts, Narrative, Person, Section};
use super::{ReportAction, ReportKind};
use crate::commission::Commission;
use crate::ids::{CommissionId, SchoolId};
use crate::year::AcademicYear;
use chrono::{DateTime, NaiveDate, Utc};

/// Whether a year may be reported on `today`: once it has begun.
#[must_use]
pub fn reportable(year: AcademicYear, today: NaiveDate) -> bool {
    year.first_day() <= today
}

/// What the author asks for when starting a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartReport {
    pub kind: ReportKind,
    pub year: AcademicYear,
    pub achievements: Option<Section>,
    pub problems: Option<Section>,
    pub proposals: Option<Section>,
}

/// Why a report cannot be started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// The year has not begun yet.
    #[error("a year is reported on once it has begun")]
    YearNotBegun,
    /// A commission report names no commission.
    #[error("a commission report needs its commission")]
    CommissionMissing,
    /// A school report names a commission.
    #[error("a school report has no commission")]
    CommissionUnexpected,
    /// The commission is of another year.
    #[error("the commission is of another year")]
    WrongYear,
    /// Only the head of the (approved) commission starts its report, and the deputy the
    /// school's.
    #[error("only the report's author starts it")]
    NotAuthor,
}

/// A start the rules allowed: it takes the figures assembled from the records.
#[derive(Debug)]
#[must_use]
pub struct Start {
    school: SchoolId,
    input: StartReport,
    commission: Option<CommissionId>,
    scope: Scope,
    author: Person,
}

/// A report to create: a draft with its first figures.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub school: SchoolId,
    pub kind: ReportKind,
    pub commission: Option<CommissionId>,
    pub year: AcademicYear,
    pub author: Person,
    pub narrative: Narrative,
    pub figures: StoredFigures,
    pub figures_as_of: DateTime<Utc>,
}

impl Start {
    /// What the report covers: the figures are assembled for it.
    #[must_use]
    pub const fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The year reported on.
    #[must_use]
    pub const fn year(&self) -> AcademicYear {
        self.input.year
    }

    /// The draft with its first `figures`, taken at `now`.
    #[must_use]
    pub fn with_figures(self, figures: StoredFigures, now: DateTime<Utc>) -> NewReport {
        let i = self.input;
        NewReport {
            school: self.school,
            kind: i.kind,
            commission: self.commission,
            year: i.year,
            author: self.author,
            narrative: Narrative {
                achievements: i.achievements.map(Section::into_string),
                problems: i.problems.map(Section::into_string),
                proposals: i.proposals.map(Section::into_string),
            },
            figures,
            figures_as_of: now,
        }
    }
}

/// Starts a report of `school`: a commission's report by the head of the approved
/// `commission`, the school's by the deputy, for a year that has begun by `today`.
///
/// # Errors
/// In this order: [`StartError::YearNotBegun`], [`StartError::CommissionMissing`] or
/// [`StartError::CommissionUnexpected`], [`StartError::WrongYear`], [`StartError::NotAuthor`].
pub fn start(
    school: SchoolId,
    input: StartReport,
    commission: Option<&Commission>,
    actor: &ActorFacts,
    today: NaiveDate,
) -> Result<Start, StartError> {
    if !reportable(input.year, today) {
        return Err(StartError::YearNotBegun);
    }
    match (input.kind, commission) {
        (ReportKind::Commission, None) => return Err(StartError::CommissionMissing),
        (ReportKind::School, Some(_)) => return Err(StartError::CommissionUnexpected),
        _ => {}
    }
    if commission.is_some_and(|c| c.year != input.year) {
        return Err(StartError::WrongYear);
    }
    let (author, _) = actor.acting(input.kind, ReportAction::Edit).ok_or(StartError::NotAuthor)?;
    Ok(Start { school, commission: commission.map(|c| c.id), scope: Scope::of(commission), input, author })
}
