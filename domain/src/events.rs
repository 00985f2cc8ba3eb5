//! Events: every change the audit trail records is also an event of a stable, documented type
//! (`plan.approved`, `staff.created`, …), read as a feed and delivered by webhooks. The type
//! of an audit action is decided here, once, by one table; who may read the feed and manage
//! webhooks, and over which scope, by [`feed_scope`] and [`webhook_scope`].

use crate::ids::{DistrictId, SchoolId};
use crate::policy::Actor;
use crate::staff::Role;

/// Declares [`EventType`] and the audit actions that make each type.
macro_rules! event_types {
    ($($variant:ident = $code:literal <= [$($action:literal),+ $(,)?]),* $(,)?) => {
        /// The type of an event: what happened to which kind of resource, in the past tense.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType {
            $(#[doc = $code] $variant),*
        }

        impl EventType {
            /// Every type, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The stable code, e.g. `plan.approved`.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),*
                }
            }

            /// The type of an audit action (`plan.approve` → `plan.approved`); `None` for an
            /// action the table does not know.
            #[must_use]
            pub fn of_audit_action(action: &str) -> Option<Self> {
                match action {
                    $($($action)|+ => Some(Self::$variant),)*
                    _ => None,
                }
            }

            /// The audit actions that make this type.
            #[must_use]
            pub const fn audit_actions(self) -> &'static [&'static str] {
                match self {
                    $(Self::$variant => &[$($action),+]),*
                }
            }
        }
    };
}

event_types! {
    DistrictCreated = "district.created" <= ["district.create"],
    DistrictUpdated = "district.updated" <= ["district.update"],
    SchoolCreated = "school.created" <= ["school.create"],
    SchoolUpdated = "school.updated" <= ["school.update"],
    SchoolYearSet = "school_year.set" <= ["school_year.put"],
    SubjectCreated = "subject.created" <= ["subject.create"],
    SubjectsImported = "subject.imported" <= ["subject.import"],
    StaffCreated = "staff.created" <= ["staff.create"],
    StaffImported = "staff.imported" <= ["staff.import"],
    StaffUpdated = "staff.updated" <= ["staff.update"],
    StaffPasswordChanged = "staff.password_changed" <= ["staff.password"],
    StaffDeactivated = "staff.deactivated" <= ["staff.deactivate"],
    StaffReactivated = "staff.reactivated" <= ["staff.reactivate"],
    ServiceAccountCreated = "service_account.created" <= ["service_account.create"],
    CommissionCreated = "commission.created" <= ["commission.create"],
    CommissionUpdated = "commission.updated" <= ["commission.update"],
    CommissionHeadAppointed = "commission.head_appointed" <= ["commission.head"],
    CommissionApproved = "commission.approved" <= ["commission.approve"],
    CommissionMembersChanged = "commission.members_changed" <= ["commission.members"],
    CommissionDissolved = "commission.dissolved" <= ["commission.dissolve"],
    CouncilMemberAdded = "council.member_added" <= ["council.add"],
    CouncilMemberRemoved = "council.member_removed" <= ["council.remove"],
    MeetingScheduled = "meeting.scheduled" <= ["meeting.create"],
    MeetingUpdated = "meeting.updated" <= ["meeting.update"],
    MeetingHeld = "meeting.held" <= ["meeting.hold"],
    MeetingFinalized = "meeting.finalized" <= ["meeting.finalize"],
    PlanCreated = "plan.created" <= ["plan.create", "plan.import"],
    PlanUpdated = "plan.updated" <= ["plan.update"],
    PlanDeleted = "plan.deleted" <= ["plan.delete"],
    PlanItemsChanged = "plan.items_changed" <= ["plan.item.add", "plan.items.add", "plan.items.replace", "plan.item.update", "plan.item.delete"],
    PlanProgressRecorded = "plan.progress_recorded" <= ["plan.item.progress", "plan.items.progress"],
    PlanSubmitted = "plan.submitted" <= ["plan.submit"],
    PlanWithdrawn = "plan.withdrawn" <= ["plan.withdraw"],
    PlanReviewed = "plan.reviewed" <= ["plan.review"],
    PlanAgreed = "plan.agreed" <= ["plan.agree"],
    PlanApproved = "plan.approved" <= ["plan.approve"],
    PlanReturned = "plan.returned" <= ["plan.return"],
    PlanAmended = "plan.amended" <= ["plan.amend"],
    PlanRolledOver = "plan.rolled_over" <= ["plan.rollover"],
    ReportCreated = "report.created" <= ["report.create"],
    ReportUpdated = "report.updated" <= ["report.edit", "report.update", "report.refresh"],
    ReportSubmitted = "report.submitted" <= ["report.submit"],
    ReportAccepted = "report.accepted" <= ["report.accept"],
    ReportReturned = "report.returned" <= ["report.return"],
    ReportHeard = "report.heard" <= ["report.heard"],
    ActivityCreated = "activity.created" <= ["activity.create"],
    ActivitiesImported = "activity.imported" <= ["activity.import"],
    ActivityParticipantsChanged = "activity.participants_changed" <= ["activity.participants"],
    MaterialCreated = "material.created" <= ["material.create"],
    MaterialFileAttached = "material.file_attached" <= ["material.file"],
    MaterialReviewed = "material.reviewed" <= ["material.review"],
    MaterialPublished = "material.published" <= ["material.publish"],
    MentorshipCreated = "mentorship.created" <= ["mentorship.create"],
    MentorshipNoted = "mentorship.noted" <= ["mentorship.note"],
    MentorshipCompleted = "mentorship.completed" <= ["mentorship.complete"],
    TrainingCreated = "training.created" <= ["training.create"],
    TrainingsImported = "training.imported" <= ["training.import"],
    TrainingCertificateAttached = "training.certificate_attached" <= ["training.certificate"],
    DiagnosisRecorded = "diagnosis.recorded" <= ["diagnosis.put"],
    OutsideWorkCreated = "outside_work.created" <= ["outside_work.create"],
    OutsideWorkConfirmed = "outside_work.confirmed" <= ["outside_work.confirm"],
    OutsideWorkEvidenceAttached = "outside_work.evidence_attached" <= ["outside_work.evidence"],
    SupportEventCreated = "support_event.created" <= ["support_event.create"],
    KnowledgeQualitySet = "knowledge_quality.set" <= ["knowledge_quality.put"],
}

impl EventType {
    /// The type of a code such as `plan.approved`.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.code() == code)
    }
}

/// Whose events an actor reads, or a webhook of theirs receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventScope {
    /// Every district's and school's events (the ministry, administrators).
    All,
    /// The events of one district and of its schools.
    District(DistrictId),
    /// The events of one school.
    School(SchoolId),
}

impl EventScope {
    /// Whether an event of `school` in `district` (either may be absent: a district's own
    /// events have no school; the ministry's accounts have neither) falls within the scope.
    #[must_use]
    pub fn covers(self, school: Option<SchoolId>, district: Option<DistrictId>) -> bool {
        match self {
            Self::All => true,
            Self::District(d) => district == Some(d),
            Self::School(s) => school == Some(s),
        }
    }
}

/// Whether the actor may read the events feed, and over which scope: the same people who read
/// the audit trail (the director and the deputy of their school, the district's methodologists
/// and service accounts of their district, the ministry and administrators everywhere).
/// Teachers may not (`None`, answered 403).
#[must_use]
pub const fn feed_scope(actor: &Actor) -> Option<EventScope> {
    match *actor {
        Actor::Admin { .. } | Actor::MinistryUser { .. } | Actor::MinistryService { .. } => Some(EventScope::All),
        Actor::DistrictUser { district, .. } | Actor::DistrictService { district, .. } => {
            Some(EventScope::District(district))
        }
        Actor::SchoolStaff { school, role: Role::Director | Role::Deputy, .. } => Some(EventScope::School(school)),
        Actor::SchoolStaff { .. } => None,
    }
}

/// Whether the actor may register and manage webhooks, and the scope their webhooks receive:
/// a school's director (the school), a district's methodologist or service account (the
/// district and its schools), a ministry methodologist (everything). Nobody else (`None`,
/// answered 403): a webhook sends the school's changes outside, the head of the body decides.
/// A webhook is seen and managed only by actors of exactly its scope.
#[must_use]
pub const fn webhook_scope(actor: &Actor) -> Option<EventScope> {
    match *actor {
        Actor::MinistryUser { .. } | Actor::MinistryService { .. } => Some(EventScope::All),
        Actor::DistrictUser { district, .. } | Actor::DistrictService { district, .. } => {
            Some(EventScope::District(district))
        }
        Actor::SchoolStaff { school, role: Role::Director, .. } => Some(EventScope::School(school)),
        Actor::SchoolStaff { .. } | Actor::Admin { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ServiceAccountId, StaffId};
    use uuid::Uuid;

    #[test]
    fn the_transitions_of_the_issue_have_the_names_it_gives() {
        for (action, code) in [
            ("plan.submit", "plan.submitted"),
            ("plan.approve", "plan.approved"),
            ("plan.return", "plan.returned"),
            ("report.submit", "report.submitted"),
            ("report.accept", "report.accepted"),
            ("commission.approve", "commission.approved"),
            ("meeting.finalize", "meeting.finalized"),
            ("staff.create", "staff.created"),
        ] {
            assert_eq!(EventType::of_audit_action(action).map(EventType::code), Some(code), "{action}");
        }
        assert_eq!(EventType::of_audit_action("plan.explode"), None);
    }

    #[test]
    fn every_type_has_a_unique_code_and_its_actions_map_back_to_it() {
        let mut codes = std::collections::HashSet::new();
        for t in EventType::ALL {
            assert!(codes.insert(t.code()), "{} twice", t.code());
            assert_eq!(EventType::parse(t.code()), Some(*t));
            for a in t.audit_actions() {
                assert_eq!(EventType::of_audit_action(a), Some(*t), "{a}");
                // The resource kind of the action and of the type agree.
                assert_eq!(a.split('.').next(), t.code().split('.').next(), "{a}");
            }
        }
    }

    fn school_staff(role: Role, school: SchoolId, district: DistrictId) -> Actor {
        Actor::SchoolStaff { id: StaffId::from_uuid(Uuid::nil()), school, district, role }
    }

    #[test]
    fn the_feed_is_read_over_the_callers_school_district_or_everything_and_not_by_teachers() {
        let (s, d) = (SchoolId::from_uuid(Uuid::now_v7()), DistrictId::from_uuid(Uuid::now_v7()));
        let id = StaffId::from_uuid(Uuid::nil());
        assert_eq!(feed_scope(&school_staff(Role::Director, s, d)), Some(EventScope::School(s)));
        assert_eq!(feed_scope(&school_staff(Role::Deputy, s, d)), Some(EventScope::School(s)));
        assert_eq!(feed_scope(&school_staff(Role::Teacher, s, d)), None);
        assert_eq!(feed_scope(&Actor::DistrictUser { id, district: d }), Some(EventScope::District(d)));
        let svc = Actor::DistrictService { id: ServiceAccountId::from_uuid(Uuid::nil()), district: d };
        assert_eq!(feed_scope(&svc), Some(EventScope::District(d)));
        assert_eq!(feed_scope(&Actor::MinistryUser { id }), Some(EventScope::All));
        assert_eq!(feed_scope(&Actor::Admin { id }), Some(EventScope::All));
    }

    #[test]
    fn webhooks_are_for_the_director_the_district_and_the_ministry() {
        let (s, d) = (SchoolId::from_uuid(Uuid::now_v7()), DistrictId::from_uuid(Uuid::now_v7()));
        let id = StaffId::from_uuid(Uuid::nil());
        assert_eq!(webhook_scope(&school_staff(Role::Director, s, d)), Some(EventScope::School(s)));
        assert_eq!(webhook_scope(&school_staff(Role::Deputy, s, d)), None);
        assert_eq!(webhook_scope(&school_staff(Role::Teacher, s, d)), None);
        assert_eq!(webhook_scope(&Actor::DistrictUser { id, district: d }), Some(EventScope::District(d)));
        assert_eq!(webhook_scope(&Actor::MinistryUser { id }), Some(EventScope::All));
        assert_eq!(webhook_scope(&Actor::Admin { id }), None);
    }

    #[test]
    fn a_scope_covers_its_own_events_only() {
        let (s, d) = (SchoolId::from_uuid(Uuid::now_v7()), DistrictId::from_uuid(Uuid::now_v7()));
        let other = SchoolId::from_uuid(Uuid::now_v7());
        assert!(EventScope::School(s).covers(Some(s), Some(d)));
        assert!(!EventScope::School(s).covers(Some(other), Some(d)));
        assert!(!EventScope::School(s).covers(None, Some(d)));
        assert!(EventScope::District(d).covers(Some(other), Some(d)));
        assert!(EventScope::District(d).covers(None, Some(d)));
        assert!(!EventScope::District(d).covers(None, None));
        assert!(EventScope::All.covers(None, None));
    }
}

/// The webhook retry schedule: after the `attempts`-th failed attempt of a delivery, the wait
/// before the next one — `base` × 3^(attempts−1), at most `base` × 1440 — or `None` when the
/// delivery is given up (after `max_attempts` attempts). With the defaults (30 s, 10
/// attempts): 30 s, 1.5 min, 4.5 min, 13.5 min, 40.5 min, 2 h, 6 h, 12 h, 12 h — the last
/// attempt about 33 hours after the first.
#[must_use]
pub fn retry_delay(attempts: u32, base: std::time::Duration, max_attempts: u32) -> Option<std::time::Duration> {
    if attempts == 0 || attempts >= max_attempts {
        return None;
    }
    let factor = 3_u32.saturating_pow(attempts - 1).min(1440);
    Some(base.saturating_mul(factor))
}

/// How long a subscription may fail without a success before it is paused.
pub const PAUSE_AFTER_FAILING: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Why a subscription whose delivery just failed is paused, if it is: a delivery was given up
/// (every attempt failed), or nothing has been delivered for [`PAUSE_AFTER_FAILING`] while
/// attempts kept failing.
#[must_use]
pub fn pause_reason(gave_up: bool, failing_for: std::time::Duration, last_error: &str) -> Option<String> {
    if gave_up {
        Some(format!("paused: a delivery failed at every attempt of the retry schedule (last: {last_error})"))
    } else if failing_for >= PAUSE_AFTER_FAILING {
        Some(format!("paused: every attempt failed for 24 hours (last: {last_error})"))
    } else {
        None
    }
}

#[cfg(test)]
mod schedule_tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn retries_back_off_threefold_for_more_than_a_day_then_give_up() {
        let base = Duration::from_secs(30);
        let delays: Vec<u64> = (1..10).map(|n| retry_delay(n, base, 10).map_or(0, |d| d.as_secs())).collect();
        assert_eq!(delays, [30, 90, 270, 810, 2430, 7290, 21870, 43200, 43200]);
        let total: u64 = delays.iter().sum();
        assert!(total > 24 * 3600, "the schedule spans {total} s");
        assert_eq!(retry_delay(10, base, 10), None);
        assert_eq!(retry_delay(0, base, 10), None);
    }

    #[test]
    fn a_subscription_is_paused_when_a_delivery_is_given_up_or_after_a_day_of_failures() {
        assert!(pause_reason(true, Duration::ZERO, "HTTP 500").is_some_and(|r| r.contains("HTTP 500")));
        assert!(pause_reason(false, Duration::from_secs(24 * 3600), "timeout").is_some());
        assert_eq!(pause_reason(false, Duration::from_secs(3600), "timeout"), None);
    }
}
