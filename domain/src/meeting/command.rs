//! The commands on a meeting and its minutes: schedule, write the minutes,
//! hold, finalize. Each is a pure function of the meeting, the actor, the body's seating, what
//! the store found about the people a request names, and the request; it answers the meeting
//! after the change with the record of what happened, or the reason it may not happen.

use super::seating::Seating;
use super::{Body, BodyKind, Decision, Meeting, MeetingStatus, Missing, Presence, Quorum, quorum};
use crate::form::{FieldProblem, Problem, Problems, present};
use crate::ids::{CommissionId, SchoolId, StaffId};
use crate::org::School;
use crate::policy::{Action, Actor, Refusal, Resource, require};
use crate::staff::Staff;
use crate::values::bounded;
use crate::year::AcademicYear;
use chrono::NaiveDate;

/// A meeting to schedule, as asked.
#[derive(Debug, Clone)]
pub struct ScheduleRequest {
    /// `pedagogical_council`, `methodological_council` or `commission`.
    pub body: String,
    /// For `commission`.
    pub commission_id: Option<CommissionId>,
    /// Its academic year is the one it falls in.
    pub date: NaiveDate,
    pub title: Option<String>,
    pub agenda: Vec<String>,
    pub notes: Option<String>,
}

impl ScheduleRequest {
    /// The body and year the request names, when it names them well enough to look the body
    /// up: the store loads that body's [`Seating`] before [`schedule`] decides. The year is the
    /// one the date is filed under in `school` (its [`crate::year::YearBoundary`], R-5.1).
    #[must_use]
    pub fn target(&self, school: &School) -> Option<(Body, AcademicYear)> {
        let body = match (BodyKind::parse(&self.body)?, self.commission_id) {
            (BodyKind::PedagogicalCouncil, _) => Body::PedagogicalCouncil,
            (BodyKind::MethodologicalCouncil, _) => Body::MethodologicalCouncil,
            (BodyKind::Commission, Some(c)) => Body::Commission(c),
            (BodyKind::Commission, None) => return None,
        };
        Some((body, AcademicYear::of(self.date, school.settings.year_starts_on)?))
    }
}

/// A meeting to store: without an id yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub school: SchoolId,
    pub body: Body,
    pub year: AcademicYear,
    pub date: NaiveDate,
    pub title: Option<String>,
    pub agenda: Vec<String>,
    pub notes: Option<String>,
    /// Every member of the body, marked absent until the minutes say otherwise.
    pub attendance: Vec<(StaffId, Presence)>,
}

/// One attendance mark, as asked.
#[derive(Debug, Clone)]
pub struct MarkRequest {
    pub staff_id: StaffId,
    /// `present`, `absent` or `excused`.
    pub presence: String,
}

/// One decision, as asked.
#[derive(Debug, Clone)]
pub struct DecisionRequest {
    pub text: String,
    pub responsible_ids: Vec<StaffId>,
    pub deadline: Option<NaiveDate>,
}

/// Changes to the minutes; `None` leaves a field as it is, `Some(None)` clears it.
/// `attendance` marks only the members it names.
#[derive(Debug, Clone, Default)]
pub struct MinutesRequest {
    pub date: Option<NaiveDate>,
    pub title: Option<Option<String>>,
    pub agenda: Option<Vec<String>>,
    pub attendance: Option<Vec<MarkRequest>>,
    pub decisions: Option<Vec<DecisionRequest>>,
    pub notes: Option<Option<String>>,
    pub chair_id: Option<Option<StaffId>>,
    pub secretary_id: Option<Option<StaffId>>,
}

impl MinutesRequest {
    /// Everyone the decisions make responsible, for the store to look up.
    #[must_use]
    pub fn responsible(&self) -> Vec<StaffId> {
        self.decisions.iter().flatten().flat_map(|d| d.responsible_ids.iter().copied()).collect()
    }
}

/// Where protocol numbers run: 1, 2, 3 … per school, body and academic year, in the order of
/// the meetings' dates. The store reads the sequence and gives the number
/// [`super::numbering::next_number`] decides, in the same transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbering {
    pub school: SchoolId,
    pub body: Body,
    pub year: AcademicYear,
}

/// What a command did to a meeting, as the store records it and the audit trail names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingChange {
    /// Scheduled.
    Scheduled,
    /// The minutes were edited.
    Edited,
    /// It took place: it takes the body's next protocol number, in date order.
    Held {
        /// The sequence the number comes from.
        numbering: Numbering,
    },
    /// The minutes were signed: the quorum is recorded. `numbering` is `Some` only for a
    /// meeting held before numbers were given at holding, which is numbered now.
    Finalized {
        /// Present of all members.
        quorum: Quorum,
        /// The sequence the number comes from, when the meeting has none yet.
        numbering: Option<Numbering>,
    },
}

impl MeetingChange {
    /// The audit action.
    #[must_use]
    pub const fn action(self) -> &'static str {
        match self {
            Self::Scheduled => "meeting.create",
            Self::Edited => "meeting.update",
            Self::Held { .. } => "meeting.hold",
            Self::Finalized { .. } => "meeting.finalize",
        }
    }

    /// The audit summary.
    #[must_use]
    pub const fn summary(self) -> &'static str {
        match self {
            Self::Scheduled => "meeting scheduled",
            Self::Edited => "minutes edited",
            Self::Held { .. } => "meeting held",
            Self::Finalized { .. } => "minutes finalized",
        }
    }
}

/// Why a meeting cannot be scheduled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The request's problems, all at once (a commission the school does not have among them).
    #[error("the request is invalid")]
    Invalid(Vec<FieldProblem>),
    /// The director schedules any body's meetings, the deputy the councils', a head their
    /// commission's; others may not, or do not see the body.
    #[error("{0}")]
    Refused(Refusal),
    /// A commission meets once approved (R-3.2.2d).
    #[error("the commission is not approved")]
    CommissionNotApproved,
}

/// Why the minutes cannot be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditMinutesError {
    #[error("{0}")]
    Refused(Refusal),
    /// Finalized minutes are read-only.
    #[error("the minutes are finalized and read-only")]
    Finalized,
    #[error("the request is invalid")]
    Invalid(Vec<FieldProblem>),
    /// A held meeting has its protocol number, given in the order of dates: its date no
    /// longer changes.
    #[error("the meeting was held on {0}; its date is fixed")]
    DateFixed(NaiveDate),
}

/// Why a meeting cannot be marked held.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoldError {
    #[error("{0}")]
    Refused(Refusal),
    #[error("the minutes are finalized and read-only")]
    Finalized,
    /// Only a scheduled meeting is held.
    #[error("the meeting is {}", .0.code())]
    WrongState(MeetingStatus),
}

/// Why the minutes cannot be finalized.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FinalizeError {
    #[error("{0}")]
    Refused(Refusal),
    #[error("the minutes are finalized and read-only")]
    Finalized,
    /// Only a held meeting's minutes are finalized.
    #[error("the meeting is {}", .0.code())]
    WrongState(MeetingStatus),
    /// what the minutes still lack, all at once.
    #[error("the minutes are incomplete")]
    Incomplete(Vec<Missing>),
}

/// Schedules a meeting of the body the request names; `seating` is that body as the store
/// found it for [`ScheduleRequest::target`] (`None`: the school has no such commission).
/// Every member is listed in the attendance, absent until the minutes say otherwise.
///
/// # Errors
/// [`ScheduleError`].
pub fn schedule(
    actor: &Actor,
    school: &School,
    r: &ScheduleRequest,
    seating: Option<&Seating>,
) -> Result<NewMeeting, ScheduleError> {
    let place = Resource::School { school: school.id, district: school.district };
    require(actor, Action::Read, place).map_err(ScheduleError::Refused)?;
    let mut p = Problems::default();
    let kind = BodyKind::parse(&r.body);
    if kind.is_none() {
        p.push("body", Problem::InvalidValue);
    }
    if kind == Some(BodyKind::Commission) && r.commission_id.is_none() {
        p.push("commission_id", Problem::Required);
    }
    let year = AcademicYear::of(r.date, school.settings.year_starts_on);
    if year.is_none() {
        p.push("date", Problem::OutOfRange);
    }
    let title = p.optional_text("title", r.title.as_deref(), 200);
    let agenda = p.texts("agenda", &r.agenda, 1000);
    let notes = p.optional_text("notes", r.notes.as_deref(), 8000);
    let seating = match (r.target(school), seating) {
        (Some((body, _)), Some(s)) if s.body == body => Some(s),
        (Some(_), _) => {
            p.push("commission_id", Problem::UnknownReference);
            None
        }
        (None, _) => None,
    };
    p.finish().map_err(ScheduleError::Invalid)?;
    let seating = present("body", seating).map_err(ScheduleError::Invalid)?;
    seating.may_run(actor, school).map_err(ScheduleError::Refused)?;
    if !seating.is_constituted() {
        return Err(ScheduleError::CommissionNotApproved);
    }
    Ok(NewMeeting {
        school: school.id,
        body: seating.body,
        year: present("date", year).map_err(ScheduleError::Invalid)?,
        date: r.date,
        title: present("title", title).map_err(ScheduleError::Invalid)?,
        agenda: present("agenda", agenda).map_err(ScheduleError::Invalid)?,
        notes: present("notes", notes).map_err(ScheduleError::Invalid)?,
        // R-3.2.2d, R-5.3: those who sat on the body on the meeting's date.
        attendance: seating.sitting.iter().map(|s| (*s, Presence::Absent)).collect(),
    })
}

impl Meeting {
    fn next(&self) -> Self {
        Self { version: self.version + 1, ..self.clone() }
    }

    /// The attendance the minutes list, with `seating` the body on the meeting's date
    /// (R-3.2.2d, R-5.3): for a commission, everyone its orders made a member on that date —
    /// with the marks already recorded, absent otherwise — and nobody else, even when the
    /// orders were entered after the meeting was scheduled; a council's list as scheduled.
    /// Signed minutes keep the list they were signed with.
    #[must_use]
    pub fn listed(&self, seating: &Seating) -> Vec<(StaffId, Presence)> {
        if self.status == MeetingStatus::Finalized || seating.commission.is_none() {
            return self.attendance.clone();
        }
        let mark = |s: StaffId| self.attendance.iter().find(|(a, _)| *a == s).map_or(Presence::Absent, |(_, p)| *p);
        seating.sitting.iter().map(|s| (*s, mark(*s))).collect()
    }

    /// Writes the minutes: date (within the meeting's year), title, agenda, attendance of the
    /// body's members, decisions with their responsible staff of the school, notes, chair and
    /// secretary (members). `people` are the responsible staff as the store found them.
    ///
    /// # Errors
    /// [`EditMinutesError`].
    pub fn edit(
        &self,
        actor: &Actor,
        school: &School,
        seating: &Seating,
        r: &MinutesRequest,
        people: &[Staff],
    ) -> Result<(Self, MeetingChange), EditMinutesError> {
        seating.may_run(actor, school).map_err(EditMinutesError::Refused)?;
        if self.status == MeetingStatus::Finalized {
            return Err(EditMinutesError::Finalized);
        }
        if self.status == MeetingStatus::Held && r.date.is_some_and(|d| d != self.date) {
            return Err(EditMinutesError::DateFixed(self.date));
        }
        let mut p = Problems::default();
        if let Some(d) = r.date
            && !self.year.files(d, school.settings.year_starts_on)
        {
            p.push("date", Problem::OutOfRange);
        }
        let title = r.title.as_ref().map(|t| p.optional_text("title", t.as_deref(), 200));
        let agenda = r.agenda.as_ref().map(|a| p.texts("agenda", a, 1000));
        let notes = r.notes.as_ref().map(|n| p.optional_text("notes", n.as_deref(), 8000));
        // A mark, a chair or a secretary names someone who sat on the body on the meeting's
        // date (`seating` is the body on the date the minutes will carry, R-3.2.2d).
        let listed = |s: StaffId| r.date.is_none() && self.attendance.iter().any(|(a, _)| *a == s);
        let member = |p: &mut Problems, field: String, s: StaffId| -> Option<StaffId> {
            let known = seating.seats(s, listed(s));
            if !known {
                p.push(field, Problem::UnknownReference);
            }
            known.then_some(s)
        };
        let attendance = r.attendance.as_ref().map(|marks| {
            let mut all = self.listed(seating);
            for (i, mark) in marks.iter().enumerate() {
                let who = member(&mut p, format!("attendance[{i}].staff_id"), mark.staff_id);
                let presence = Presence::parse(&mark.presence);
                if presence.is_none() {
                    p.push(format!("attendance[{i}].presence"), Problem::InvalidValue);
                }
                if let (Some(w), Some(pr)) = (who, presence) {
                    match all.iter_mut().find(|(s, _)| *s == w) {
                        Some(entry) => entry.1 = pr,
                        None => all.push((w, pr)),
                    }
                }
            }
            all
        });
        for (i, d) in r.decisions.iter().flatten().enumerate() {
            for (j, s) in d.responsible_ids.iter().enumerate() {
                if !people.iter().any(|x| x.id == *s && x.school() == Some(school.id)) {
                    p.push(format!("decisions[{i}].responsible_ids[{j}]"), Problem::UnknownReference);
                }
            }
        }
        let decisions = r.decisions.as_ref().map(|ds| {
            ds.iter()
                .enumerate()
                .filter_map(|(i, d)| {
                    p.text(&format!("decisions[{i}].text"), bounded(&d.text, 4000)).map(|text| Decision {
                        text,
                        responsible: d.responsible_ids.clone(),
                        deadline: d.deadline,
                    })
                })
                .collect::<Vec<_>>()
        });
        let chair = r.chair_id.map(|c| c.and_then(|c| member(&mut p, "chair_id".into(), c)));
        let secretary = r.secretary_id.map(|c| c.and_then(|c| member(&mut p, "secretary_id".into(), c)));
        p.finish().map_err(EditMinutesError::Invalid)?;
        let mut after = self.next();
        if let Some(d) = r.date {
            after.date = d;
        }
        if let Some(t) = title.flatten() {
            after.title = t;
        }
        if let Some(a) = agenda.flatten() {
            after.agenda = a;
        }
        after.attendance = attendance.unwrap_or_else(|| self.listed(seating));
        if let Some(d) = decisions {
            after.decisions = d;
        }
        if let Some(n) = notes.flatten() {
            after.notes = n;
        }
        if let Some(c) = chair {
            after.chair = c;
        }
        if let Some(s) = secretary {
            after.secretary = s;
        }
        Ok((after, MeetingChange::Edited))
    }

    /// `scheduled → held`: the meeting takes its body's next protocol number, which the store
    /// gives in date order ([`super::numbering::next_number`], R-5.3).
    ///
    /// # Errors
    /// [`HoldError`].
    pub fn hold(&self, actor: &Actor, school: &School, seating: &Seating) -> Result<(Self, MeetingChange), HoldError> {
        seating.may_run(actor, school).map_err(HoldError::Refused)?;
        match self.status {
            MeetingStatus::Scheduled => {}
            MeetingStatus::Finalized => return Err(HoldError::Finalized),
            other @ MeetingStatus::Held => return Err(HoldError::WrongState(other)),
        }
        let mut after = self.next();
        after.status = MeetingStatus::Held;
        let numbering = Numbering { school: self.school, body: self.body, year: self.year };
        Ok((after, MeetingChange::Held { numbering }))
    }

    /// `held → finalized`: the minutes need an agenda, at least one decision, a chair
    /// and a secretary; the quorum is recorded. The protocol number was given when the meeting
    /// was held; a meeting held before that rule takes its number now, under the same rule.
    ///
    /// # Errors
    /// [`FinalizeError`].
    pub fn finalize(
        &self,
        actor: &Actor,
        school: &School,
        seating: &Seating,
    ) -> Result<(Self, MeetingChange), FinalizeError> {
        seating.may_run(actor, school).map_err(FinalizeError::Refused)?;
        match self.status {
            MeetingStatus::Held => {}
            MeetingStatus::Finalized => return Err(FinalizeError::Finalized),
            other @ MeetingStatus::Scheduled => return Err(FinalizeError::WrongState(other)),
        }
        let mut missing = Vec::new();
        if self.agenda.is_empty() {
            missing.push(Missing::Agenda);
        }
        if self.decisions.is_empty() {
            missing.push(Missing::Decisions);
        }
        if self.chair.is_none() {
            missing.push(Missing::Chair);
        }
        if self.secretary.is_none() {
            missing.push(Missing::Secretary);
        }
        if !missing.is_empty() {
            return Err(FinalizeError::Incomplete(missing));
        }
        // The minutes are signed with the members of the meeting's date (R-3.2.2d).
        let attendance = self.listed(seating);
        let quorum = quorum(&attendance);
        let mut after = self.next();
        after.attendance = attendance;
        after.status = MeetingStatus::Finalized;
        after.quorum = Some(quorum);
        let numbering = self.protocol_number.is_none().then_some(Numbering {
            school: self.school,
            body: self.body,
            year: self.year,
        });
        Ok((after, MeetingChange::Finalized { quorum, numbering }))
    }
}
