//! Year-end reports (*отчет*, R-5.4): the commission heads and the deputy report on the year's
//! work. The figures are assembled from what the school recorded, never typed in twice, and are
//! frozen when the report is submitted.

mod figures;
mod hearing;
mod start;
pub mod stored;
mod workflow;

pub(crate) use figures::count;
pub use figures::{
    ActivityFacts, Figures, Inputs, ItemMark, MaterialFacts, MeetingFacts, PlanFacts, PlanFigures, Presentation,
    QualityFigures, QualityRow, ResponsibleFigures, Scope, SubjectQuality, assemble, figures_day, plan_figures,
};
pub use hearing::{Hearing, HearingError, hear, hearing_body};
pub use start::{NewReport, Start, StartError, StartReport, reportable, start};
pub use stored::{FiguresV1, Names, StoredFigures, StoredFiguresError};
pub use workflow::{
    AcceptError, Acceptance, Accepting, ActorFacts, Capacity, Comment, EditError, Editing, Narrative, NarrativePatch,
    Person, Refreshing, Report, ReturnError, Returning, Section, SubmitError, Submitting, Transition,
};

use crate::lang::Text;

/// Who reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportKind {
    /// A methodological commission's report, written by its head.
    Commission,
    /// The school's report on its methodological work, written by the deputy.
    School,
}

impl ReportKind {
    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Commission => "commission",
            Self::School => "school",
        }
    }

    /// The kind for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Commission, Self::School].into_iter().find(|k| k.code() == code)
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::Commission => Text {
                ky: "Усулдук бирикменин жылдык отчету",
                ru: "Годовой отчёт методического объединения",
                en: "Commission's year-end report",
            },
            Self::School => Text {
                ky: "Мектептин усулдук иши боюнча жылдык отчет",
                ru: "Годовой отчёт о методической работе школы",
                en: "School's year-end report on methodological work",
            },
        }
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportStatus {
    /// Being written; its figures refresh on request.
    Draft,
    /// Submitted to the director; its figures are frozen.
    Submitted,
    /// Accepted by the director.
    Accepted,
    /// Returned by the director with a comment; editable again.
    Returned,
}

impl ReportStatus {
    /// All states.
    pub const ALL: [Self; 4] = [Self::Draft, Self::Submitted, Self::Accepted, Self::Returned];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::Returned => "returned",
        }
    }

    /// The state for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::Draft => Text { ky: "Долбоор", ru: "Черновик", en: "Draft" },
            Self::Submitted => Text { ky: "Тапшырылды", ru: "Сдан", en: "Submitted" },
            Self::Accepted => Text { ky: "Кабыл алынды", ru: "Принят", en: "Accepted" },
            Self::Returned => Text { ky: "Кайтарылды", ru: "Возвращён", en: "Returned" },
        }
    }

    /// Whether the author may still write it and refresh its figures.
    #[must_use]
    pub const fn is_open(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

/// What can be done with a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAction {
    /// Write the narrative or refresh the figures.
    Edit,
    /// Send it to the director: the figures freeze.
    Submit,
    /// The director accepts it.
    Accept,
    /// The director sends it back with a comment.
    Return,
}

impl ReportAction {
    /// The stable code, the action's name in the API.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::Submit => "submit",
            Self::Accept => "accept",
            Self::Return => "return",
        }
    }
}

/// The state an action leads to from `status`, or `None` when it does not start there.
#[must_use]
pub const fn next(status: ReportStatus, action: ReportAction) -> Option<ReportStatus> {
    match (status, action) {
        (ReportStatus::Draft | ReportStatus::Returned, ReportAction::Edit) => Some(status),
        (ReportStatus::Draft | ReportStatus::Returned, ReportAction::Submit) => Some(ReportStatus::Submitted),
        (ReportStatus::Submitted, ReportAction::Accept) => Some(ReportStatus::Accepted),
        (ReportStatus::Submitted, ReportAction::Return) => Some(ReportStatus::Returned),
        _ => None,
    }
}

/// The actions a report allows now, for a 409 that lists them.
#[must_use]
pub fn allowed_actions(status: ReportStatus) -> Vec<&'static str> {
    [ReportAction::Edit, ReportAction::Submit, ReportAction::Accept, ReportAction::Return]
        .into_iter()
        .filter(|a| next(status, *a).is_some())
        .map(|a| if a == ReportAction::Edit { "refresh" } else { a.code() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_goes_draft_submitted_accepted_or_back_r_5_4() {
        use ReportAction as A;
        use ReportStatus as S;
        assert_eq!(next(S::Draft, A::Submit), Some(S::Submitted));
        assert_eq!(next(S::Submitted, A::Submit), None, "submitting twice is refused");
        assert_eq!(next(S::Submitted, A::Edit), None, "a submitted report is frozen");
        assert_eq!(next(S::Submitted, A::Accept), Some(S::Accepted));
        assert_eq!(next(S::Submitted, A::Return), Some(S::Returned));
        assert_eq!(next(S::Returned, A::Submit), Some(S::Submitted));
        assert_eq!(next(S::Accepted, A::Return), None);
        assert_eq!(next(S::Draft, A::Accept), None);
        assert_eq!(allowed_actions(S::Draft), vec!["refresh", "submit"]);
        assert_eq!(allowed_actions(S::Submitted), vec!["accept", "return"]);
        assert!(allowed_actions(S::Accepted).is_empty());
    }
}
