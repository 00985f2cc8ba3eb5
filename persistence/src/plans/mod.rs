//! Plans: versions of a lineage, their items, transitions and progress; what the plan rules
//! need to know about the caller, loaded with the plan in a fixed number of statements; and the
//! domain's read rule as the plan list's filter.

pub(crate) mod marks;
mod progress;
mod read;
mod rows;
pub(crate) mod turns;
mod write;

use chrono::{DateTime, NaiveDate, Utc};
use usul_domain::ids::{DistrictId, MeetingId, SchoolId, StaffId};
use usul_domain::plan::{Evidence, Owner, PlanActor, PlanContext, PlanKind, Progress, ReadScope, StatusName};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// A plan stored as approved on paper (an import of a past year), version 1 of its lineage.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub kind: PlanKind,
    pub owner: Owner,
    pub year: AcademicYear,
    pub title: String,
    pub goal: Option<String>,
    pub personal_theme: Option<String>,
}

/// Changes to a draft's header; `None` leaves a field.
#[derive(Debug, Clone, Default)]
pub struct PlanPatch {
    pub title: Option<String>,
    pub goal: Option<Option<String>>,
    pub personal_theme: Option<Option<String>>,
}

/// An item's content (not its progress).
#[derive(Debug, Clone, Default)]
pub struct ItemContent {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    /// `Some(None)` clears the form.
    pub form: Option<Option<String>>,
    pub direction: Option<Option<String>>,
    pub start: Option<Option<NaiveDate>>,
    pub due: Option<Option<NaiveDate>>,
    pub responsible: Option<Vec<StaffId>>,
    pub expected_result: Option<Option<String>>,
    pub position: Option<u32>,
}

/// An item's progress after approval.
#[derive(Debug, Clone)]
pub struct ItemProgress {
    pub progress: Progress,
    pub completed_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// Filters of the plan list.
#[derive(Debug, Clone)]
pub struct PlanFilter {
    /// Which plans the caller reads (the domain's rule, applied in SQL so that pages are full).
    pub scope: ReadScope,
    /// One school.
    pub school: Option<SchoolId>,
    /// The schools of a district.
    pub district: Option<DistrictId>,
    pub kind: Option<PlanKind>,
    pub year: Option<AcademicYear>,
    pub status: Option<StatusName>,
    /// A commission's or a teacher's id.
    pub owner_id: Option<Uuid>,
    pub updated_since: Option<DateTime<Utc>>,
}

impl PlanFilter {
    /// Every plan in `scope`, before the other filters narrow it.
    #[must_use]
    pub const fn within(scope: ReadScope) -> Self {
        Self {
            scope,
            school: None,
            district: None,
            kind: None,
            year: None,
            status: None,
            owner_id: None,
            updated_since: None,
        }
    }
}

/// What surrounds a plan for one caller: who they are to it, what the submission rules look at,
/// and the school year's theme the plan is tied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surroundings {
    pub actor: PlanActor,
    pub context: PlanContext,
    pub school_theme: Option<String>,
}

/// One recorded transition, as the plan's history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub actor: Option<StaffId>,
    pub actor_role: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub comment: Option<String>,
    pub meeting: Option<MeetingId>,
    pub protocol_number: Option<u32>,
    pub meeting_date: Option<NaiveDate>,
    /// The day the move was decided (issue 11).
    pub decided_on: Option<NaiveDate>,
}
