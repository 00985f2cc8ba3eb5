//! Typed identifiers: a school's id cannot be passed where a staff member's is expected.

use std::fmt;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id (UUID v7), so that ids sort by creation.
            #[must_use]
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            /// Wraps a stored or parsed UUID.
            #[must_use]
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            /// The underlying UUID.
            #[must_use]
            pub const fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id! {
    /// A district education department.
    DistrictId,
    /// A school.
    SchoolId,
    /// A person with a login: school staff, a district methodologist or an administrator.
    StaffId,
    /// A subject taught at a school.
    SubjectId,
    /// A district's machine client.
    ServiceAccountId,
    /// A cyclic methodological commission.
    CommissionId,
    /// A school order (*буйрук*).
    OrderId,
    /// A meeting of a body.
    MeetingId,
    /// A version of a plan.
    PlanId,
    /// An item (*иш-чара*) of a plan.
    ItemId,
    /// An activity held.
    ActivityId,
    /// A mentoring relation.
    MentorshipId,
    /// A course training.
    TrainingId,
    /// A material of the bank.
    MaterialId,
    /// A year-end report.
    ReportId,
    /// A teacher's part in methodological work beyond the school.
    OutsideWorkId,
    /// A district's own methodological event or visit to schools.
    SupportEventId,
}
