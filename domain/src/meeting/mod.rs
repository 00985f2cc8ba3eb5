//! Meetings of the school's bodies and their minutes (*жыйын, протокол*, R-5.2, R-5.3): who
//! sits on each body, attendance and quorum, and the life of the minutes.

pub mod command;
pub mod numbering;
pub mod seating;

use crate::ids::{CommissionId, MeetingId, SchoolId, StaffId};
use crate::lang::Text;
use crate::year::AcademicYear;
use chrono::{DateTime, NaiveDate, Utc};

/// The kind of body that meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// *Педагогикалык кеңеш*: all active pedagogical staff.
    PedagogicalCouncil,
    /// *Усулдук кеңеш*: its composition per year.
    MethodologicalCouncil,
    /// A cyclic methodological commission.
    Commission,
}

impl BodyKind {
    /// All kinds.
    pub const ALL: [Self; 3] = [Self::PedagogicalCouncil, Self::MethodologicalCouncil, Self::Commission];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::PedagogicalCouncil => "pedagogical_council",
            Self::MethodologicalCouncil => "methodological_council",
            Self::Commission => "commission",
        }
    }

    /// The kind for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::PedagogicalCouncil => {
                Text {
                    ky: "Педагогикалык кеңеш", ru: "Педагогический совет", en: "Pedagogical council"
                }
            }
            Self::MethodologicalCouncil => {
                Text {
                    ky: "Усулдук кеңеш", ru: "Методический совет", en: "Methodological council"
                }
            }
            Self::Commission => {
                Text {
                    ky: "Усулдук комиссия", ru: "Методическая комиссия", en: "Methodological commission"
                }
            }
        }
    }
}

/// The body a meeting belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Body {
    /// The pedagogical council.
    PedagogicalCouncil,
    /// The methodological council.
    MethodologicalCouncil,
    /// One commission.
    Commission(CommissionId),
}

impl Body {
    /// Its kind.
    #[must_use]
    pub const fn kind(self) -> BodyKind {
        match self {
            Self::PedagogicalCouncil => BodyKind::PedagogicalCouncil,
            Self::MethodologicalCouncil => BodyKind::MethodologicalCouncil,
            Self::Commission(_) => BodyKind::Commission,
        }
    }

    /// The commission, for a commission's body.
    #[must_use]
    pub const fn commission(self) -> Option<CommissionId> {
        match self {
            Self::Commission(c) => Some(c),
            _ => None,
        }
    }

    /// The key protocol numbers run under (one sequence per body and year).
    #[must_use]
    pub fn key(self) -> String {
        match self {
            Self::Commission(id) => format!("commission:{id}"),
            other => other.kind().code().to_owned(),
        }
    }
}

/// A meeting's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeetingStatus {
    /// Planned.
    Scheduled,
    /// Took place; the minutes are being written.
    Held,
    /// The minutes are signed: numbered and read-only.
    Finalized,
}

impl MeetingStatus {
    /// All states.
    pub const ALL: [Self; 3] = [Self::Scheduled, Self::Held, Self::Finalized];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Held => "held",
            Self::Finalized => "finalized",
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
            Self::Scheduled => Text { ky: "Пландалган", ru: "Запланировано", en: "Scheduled" },
            Self::Held => Text { ky: "Өткөрүлдү", ru: "Проведено", en: "Held" },
            Self::Finalized => Text {
                ky: "Протокол бекитилди", ru: "Протокол оформлен", en: "Minutes finalized"
            },
        }
    }
}

/// A member's attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    Present,
    Absent,
    /// Absent for a good reason.
    Excused,
}

impl Presence {
    /// All marks.
    pub const ALL: [Self; 3] = [Self::Present, Self::Absent, Self::Excused];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Absent => "absent",
            Self::Excused => "excused",
        }
    }

    /// The mark for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A decision of the meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub text: String,
    pub responsible: Vec<StaffId>,
    pub deadline: Option<NaiveDate>,
}

/// Present members out of all members (R-5.3: the minutes record it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quorum {
    pub present: u32,
    pub members: u32,
}

/// The quorum of an attendance list.
#[must_use]
pub fn quorum(attendance: &[(StaffId, Presence)]) -> Quorum {
    let count = |p: Presence| u32::try_from(attendance.iter().filter(|(_, a)| *a == p).count()).unwrap_or(u32::MAX);
    Quorum { present: count(Presence::Present), members: u32::try_from(attendance.len()).unwrap_or(u32::MAX) }
}

/// A meeting and its minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: MeetingId,
    pub school: SchoolId,
    pub body: Body,
    pub year: AcademicYear,
    pub date: NaiveDate,
    pub status: MeetingStatus,
    pub title: Option<String>,
    pub agenda: Vec<String>,
    pub attendance: Vec<(StaffId, Presence)>,
    pub decisions: Vec<Decision>,
    pub notes: Option<String>,
    pub chair: Option<StaffId>,
    pub secretary: Option<StaffId>,
    pub protocol_number: Option<u32>,
    /// Recorded at finalization.
    pub quorum: Option<Quorum>,
    pub finalized_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the minutes lack before they can be finalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Agenda,
    Chair,
    Secretary,
    Decisions,
}

impl Missing {
    /// The field it concerns.
    #[must_use]
    pub const fn field(self) -> &'static str {
        match self {
            Self::Agenda => "agenda",
            Self::Chair => "chair_id",
            Self::Secretary => "secretary_id",
            Self::Decisions => "decisions",
        }
    }
}

impl Meeting {
    /// Everyone the minutes name: attendance, chair, secretary, those responsible for decisions.
    #[must_use]
    pub fn people(&self) -> Vec<StaffId> {
        let mut ids: Vec<StaffId> = self.attendance.iter().map(|(s, _)| *s).collect();
        ids.extend(self.chair);
        ids.extend(self.secretary);
        ids.extend(self.decisions.iter().flat_map(|d| d.responsible.iter().copied()));
        ids
    }
}

/// Where a council member's seat comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    /// By office: the director, the deputy, a head of an approved commission.
    ByOffice,
    /// Added by the deputy.
    Added,
}

/// The methodological council of a year: by default the director, the deputy and the heads of
/// approved commissions; the deputy's additions and removals (`overrides`, `true` = added)
/// change that.
#[must_use]
pub fn methodological_council(by_office: &[StaffId], overrides: &[(StaffId, bool)]) -> Vec<(StaffId, Seat)> {
    let removed = |s: &StaffId| overrides.iter().any(|(o, included)| o == s && !included);
    let mut out: Vec<(StaffId, Seat)> = Vec::new();
    for s in by_office {
        if !removed(s) && !out.iter().any(|(o, _)| o == s) {
            out.push((*s, Seat::ByOffice));
        }
    }
    for (s, included) in overrides {
        if *included && !out.iter().any(|(o, _)| o == s) {
            out.push((*s, Seat::Added));
        }
    }
    out
}

#[cfg(test)]
mod table;
#[cfg(test)]
mod tests;
