//! The meeting that heard a report: results are discussed at meetings of the
//! commissions and of the pedagogical council, so a commission's report cites its commission's
//! meeting and the school's report the pedagogical council's, with the minutes' number.

use super::{ActorFacts, Report, ReportAction, ReportKind};
use crate::ids::MeetingId;
use crate::meeting::{Body, BodyKind, Meeting, MeetingStatus};
use crate::year::AcademicYear;
use chrono::NaiveDate;

/// The meeting a report was heard at, as the report cites it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hearing {
    pub meeting: MeetingId,
    pub body: BodyKind,
    pub date: NaiveDate,
    /// The minutes' number, once the body has numbered them.
    pub protocol_number: Option<u32>,
}

impl Hearing {
    /// The citation as it stands now: the meeting's date and the minutes' current number.
    #[must_use]
    pub const fn of(meeting: &Meeting) -> Self {
        Self {
            meeting: meeting.id,
            body: meeting.body.kind(),
            date: meeting.date,
            protocol_number: meeting.protocol_number,
        }
    }
}

/// Why a meeting cannot be cited as the one that heard a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HearingError {
    /// Only the report's author or the director records where it was heard (403).
    #[error("only the report's author or the director records its hearing")]
    NotAllowed,
    /// The meeting belongs to another school (to the caller it does not exist).
    #[error("no such meeting")]
    UnknownMeeting,
    /// The report is heard by another body: its commission, or the pedagogical council.
    #[error("a {report} report is heard at a meeting of the {}, not of the {}", need.code(), got.code())]
    WrongBody {
        /// The report's kind code.
        report: &'static str,
        /// The body that hears it.
        need: BodyKind,
        /// The meeting's body.
        got: BodyKind,
    },
    /// A commission's meeting, but of another commission.
    #[error("the meeting is another commission's")]
    OtherCommission,
    /// The meeting belongs to another academic year than the report.
    #[error("the report is of {report}, the meeting of {meeting}")]
    WrongYear {
        /// The report's year.
        report: AcademicYear,
        /// The meeting's year.
        meeting: AcademicYear,
    },
    /// The meeting has not taken place yet.
    #[error("the meeting has not been held")]
    NotHeld,
}

/// The body that hears a report of `kind`.
#[must_use]
pub const fn hearing_body(kind: ReportKind) -> BodyKind {
    match kind {
        ReportKind::Commission => BodyKind::Commission,
        ReportKind::School => BodyKind::PedagogicalCouncil,
    }
}

/// Cites `meeting` as the one that heard `report`: the report's author (who writes it)
/// or the director (who accepts it) records it; the meeting is the school's, of the body that
/// hears reports of its kind — the report's own commission, or the pedagogical council — of
/// the report's academic year, and has been held.
///
/// # Errors
/// The [`HearingError`] naming the first rule broken.
pub fn hear(report: &Report, actor: &ActorFacts, meeting: &Meeting) -> Result<Hearing, HearingError> {
    if !(actor.may(report.kind, ReportAction::Edit) || actor.may(report.kind, ReportAction::Accept)) {
        return Err(HearingError::NotAllowed);
    }
    if meeting.school != report.school {
        return Err(HearingError::UnknownMeeting);
    }
    let need = hearing_body(report.kind);
    if meeting.body.kind() != need {
        return Err(HearingError::WrongBody { report: report.kind.code(), need, got: meeting.body.kind() });
    }
    if let (Body::Commission(c), Some(own)) = (meeting.body, report.commission)
        && c != own
    {
        return Err(HearingError::OtherCommission);
    }
    if meeting.year != report.year {
        return Err(HearingError::WrongYear { report: report.year, meeting: meeting.year });
    }
    if meeting.status == MeetingStatus::Scheduled {
        return Err(HearingError::NotHeld);
    }
    Ok(Hearing::of(meeting))
}
