//! The access policy: one pure function of (actor, action, resource).
//!
//! Visibility comes first: what an actor cannot see answers *not found*, so another school's
//! data is indistinguishable from data that does not exist. Among visible things the role
//! decides; a visible thing the actor may not change answers *forbidden*.

use crate::ids::{DistrictId, SchoolId, ServiceAccountId, StaffId};
use crate::staff::Role;

/// Who is asking, as established from a verified token and the stored account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// An administrator of the service.
    Admin {
        /// The account.
        id: StaffId,
    },
    /// A district methodologist.
    DistrictUser {
        /// The account.
        id: StaffId,
        /// Their district.
        district: DistrictId,
    },
    /// A methodologist of the ministry's methodological centre: reads every district
    /// and school, changes nothing.
    MinistryUser {
        /// The account.
        id: StaffId,
    },
    /// A machine client of the ministry (`client_credentials`, issue 11 point 14): reads every
    /// district and school, changes nothing, as the ministry's methodologists.
    MinistryService {
        /// The account.
        id: ServiceAccountId,
    },
    /// A district's machine client (`client_credentials`).
    DistrictService {
        /// The account.
        id: ServiceAccountId,
        /// Its district.
        district: DistrictId,
    },
    /// A member of a school's staff.
    SchoolStaff {
        /// The account.
        id: StaffId,
        /// Their school.
        school: SchoolId,
        /// The school's district.
        district: DistrictId,
        /// Director, deputy or teacher.
        role: Role,
    },
}

/// What is acted upon, with the ownership facts the policy needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The service as a whole (the list of districts, creating schools).
    Service,
    /// The reference catalogue of forms, the same for everyone.
    Catalogue,
    /// A district.
    District(DistrictId),
    /// A school, or anything that belongs to a school as a whole (years, subjects).
    School {
        /// The school.
        school: SchoolId,
        /// Its district.
        district: DistrictId,
    },
    /// A body of the school that meets, with the facts about the actor that decide access:
    /// members read its meetings; the head of an approved commission runs its meetings.
    Body {
        /// The school.
        school: SchoolId,
        /// Its district.
        district: DistrictId,
        /// Which kind of body.
        kind: crate::meeting::BodyKind,
        /// Whether the actor leads it (the head of an approved commission).
        led_by_actor: bool,
        /// Whether the actor sits on it.
        actor_is_member: bool,
    },
    /// One person on a school's staff.
    StaffMember {
        /// The person.
        staff: StaffId,
        /// Their current role.
        role: Role,
        /// Their school.
        school: SchoolId,
        /// Its district.
        district: DistrictId,
    },
}

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the resource.
    Read,
    /// Create a district (on [`Resource::Service`]).
    CreateDistrict,
    /// Edit a district.
    UpdateDistrict,
    /// Create a district's methodologists and service accounts.
    ManageDistrictAccounts,
    /// Create a school (on [`Resource::Service`]).
    CreateSchool,
    /// Edit a school's name, address and settings.
    UpdateSchool,
    /// Set the theme and goal of a school year.
    WriteSchoolYear,
    /// Add a subject to a school.
    CreateSubject,
    /// Add a person with this role to a school's staff.
    CreateStaff(Role),
    /// Edit a person's record.
    UpdateStaff,
    /// Give a person this role.
    AssignRole(Role),
    /// Deactivate or reactivate a person.
    DeactivateStaff,
    /// Read a school's audit trail.
    ReadAudit,
    /// Read a body's meetings and minutes.
    ReadMeetings,
    /// Run a body's meetings: schedule, record attendance and decisions, finalize the minutes.
    RunMeetings,
    /// Change the methodological council's composition.
    EditCouncil,
    /// Manage a school's records of methodological work: activities, mentorships, anyone's
    /// trainings and diagnoses, reviewing and publishing materials.
    ManageRecords,
    /// Draft a commission: create it, edit it, change a draft's members.
    DraftCommission,
    /// The director's acts on a commission: appoint its head (R-3.2.2c), and — each recorded by
    /// a school order — approve it, change an approved one's members (R-3.2.2d), dissolve it.
    DecideCommission,
    /// Read the district's summary, which compares its schools: for the district's
    /// methodologists and service accounts, not for one school's staff.
    ReadDistrictSummary,
    /// Create the ministry's methodologists (on [`Resource::Service`]): administrators only.
    ManageMinistryAccounts,
    /// Read the national summary, one row per district (on [`Resource::Service`], R-3.1):
    /// for the ministry's methodologists and administrators.
    ReadNationalSummary,
    /// Record the district's own methodological support: its events and visits to schools
    /// for the district's methodologists.
    RecordDistrictSupport,
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// The actor sees the resource but may not do this (403).
    Forbidden,
    /// The actor may not even know the resource exists (404).
    NotFound,
}

/// Decides whether `actor` may do `action` on `resource`.
#[must_use]
pub fn authorize(actor: Actor, action: Action, resource: Resource) -> Decision {
    match visibility(actor, resource) {
        Visibility::Hidden => return Decision::NotFound,
        Visibility::OutOfReach => return Decision::Forbidden,
        Visibility::Visible => {}
    }
    if permits(actor, action, resource) { Decision::Allow } else { Decision::Forbidden }
}

enum Visibility {
    Visible,
    /// Not a tenant's thing at all (the service's district list): refuse, do not hide.
    OutOfReach,
    Hidden,
}

fn visibility(actor: Actor, resource: Resource) -> Visibility {
    let seen = |yes: bool| if yes { Visibility::Visible } else { Visibility::Hidden };
    match (actor, resource) {
        (Actor::Admin { .. }, _) | (_, Resource::Catalogue) => Visibility::Visible,
        // The ministry's methodological centres oversee every district.
        (Actor::MinistryUser { .. } | Actor::MinistryService { .. }, _) => Visibility::Visible,
        (_, Resource::Service) => Visibility::OutOfReach,
        (
            Actor::DistrictUser { district, .. } | Actor::DistrictService { district, .. },
            Resource::District(d) | Resource::School { district: d, .. } | Resource::StaffMember { district: d, .. },
        ) => seen(district == d),
        (Actor::SchoolStaff { district, .. }, Resource::District(d)) => seen(district == d),
        (
            Actor::DistrictUser { district, .. } | Actor::DistrictService { district, .. },
            Resource::Body { district: d, .. },
        ) => seen(district == d),
        // A body's meetings are seen by its members and by those who lead the school's
        // methodological work; to anyone else they do not exist.
        (Actor::SchoolStaff { school, role, .. }, Resource::Body { school: s, actor_is_member, led_by_actor, .. }) => {
            seen(school == s && (matches!(role, Role::Director | Role::Deputy) || actor_is_member || led_by_actor))
        }
        (
            Actor::SchoolStaff { school, .. },
            Resource::School { school: s, .. } | Resource::StaffMember { school: s, .. },
        ) => seen(school == s),
    }
}

fn permits(actor: Actor, action: Action, resource: Resource) -> bool {
    use Action as A;
    let school_role = match actor {
        Actor::Admin { .. } => return admin_permits(action),
        // The ministry reads everything and the national summary; it writes nothing.
        Actor::MinistryUser { .. } | Actor::MinistryService { .. } => {
            return matches!(
                action,
                A::Read | A::ReadAudit | A::ReadMeetings | A::ReadDistrictSummary | A::ReadNationalSummary
            );
        }
        // District users support and read their schools; they change nothing in them, but
        // record their own support events.
        Actor::DistrictUser { .. } => {
            return matches!(action, A::Read | A::ReadAudit | A::ReadMeetings | A::ReadDistrictSummary)
                || (action == A::RecordDistrictSupport && matches!(resource, Resource::District(_)));
        }
        Actor::DistrictService { .. } => {
            return matches!(action, A::Read | A::ReadAudit | A::ReadMeetings | A::ReadDistrictSummary);
        }
        Actor::SchoolStaff { role, .. } => role,
    };
    if let Resource::Body { kind, led_by_actor, .. } = resource {
        return match action {
            A::Read | A::ReadMeetings => true,
            // The director runs every body; the deputy the councils; a head their commission.
            A::RunMeetings => match school_role {
                Role::Director => true,
                Role::Deputy => kind != crate::meeting::BodyKind::Commission,
                _ => kind == crate::meeting::BodyKind::Commission && led_by_actor,
            },
            _ => false,
        };
    }
    let target_role = match resource {
        Resource::StaffMember { role, .. } => Some(role),
        _ => None,
    };
    match (school_role, action) {
        (_, A::Read) => true,
        (Role::Director, A::UpdateSchool | A::WriteSchoolYear | A::CreateSubject) => true,
        (Role::Director, A::CreateStaff(r) | A::AssignRole(r)) => r.is_school_role(),
        (Role::Director, A::UpdateStaff | A::DeactivateStaff) => true,
        // Those who lead the methodological work answer for its records.
        (Role::Director | Role::Deputy, A::ReadAudit | A::DraftCommission | A::EditCouncil | A::ManageRecords) => true,
        // Orders are the director's (R-3.2.2c, R-3.2.2d).
        (Role::Director, A::DecideCommission) => true,
        (Role::Deputy, A::WriteSchoolYear | A::CreateSubject) => true,
        // The deputy manages teachers, not the director or other deputies.
        (Role::Deputy, A::CreateStaff(r) | A::AssignRole(r)) => r == Role::Teacher,
        (Role::Deputy, A::UpdateStaff | A::DeactivateStaff) => target_role == Some(Role::Teacher),
        _ => false,
    }
}

/// Why the policy refused, for commands that answer it as part of their own error: the
/// actor may not know the thing exists (404), or sees it but may not do this (403).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Invisible to the actor.
    #[error("not found")]
    NotFound,
    /// Visible, but not the actor's to do.
    #[error("forbidden")]
    Forbidden,
}

/// [`authorize`] as a `Result`, for commands.
///
/// # Errors
/// The [`Refusal`] when the policy does not allow it.
pub fn require(actor: &Actor, action: Action, resource: Resource) -> Result<(), Refusal> {
    match authorize(*actor, action, resource) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(Refusal::Forbidden),
        Decision::NotFound => Err(Refusal::NotFound),
    }
}

/// The person behind an actor, when a person acts.
#[must_use]
pub const fn person(actor: &Actor) -> Option<StaffId> {
    match *actor {
        Actor::Admin { id }
        | Actor::MinistryUser { id }
        | Actor::DistrictUser { id, .. }
        | Actor::SchoolStaff { id, .. } => Some(id),
        Actor::DistrictService { .. } | Actor::MinistryService { .. } => None,
    }
}

fn admin_permits(action: Action) -> bool {
    match action {
        Action::Read
        | Action::CreateDistrict
        | Action::UpdateDistrict
        | Action::ManageDistrictAccounts
        | Action::CreateSchool
        | Action::UpdateSchool
        | Action::UpdateStaff
        | Action::DeactivateStaff
        | Action::ReadAudit
        | Action::ReadMeetings
        | Action::ReadDistrictSummary
        | Action::ReadNationalSummary
        | Action::ManageMinistryAccounts => true,
        // An admin starts a school by appointing its staff.
        Action::CreateStaff(r) | Action::AssignRole(r) => r.is_school_role(),
        // The year's theme and the school's subjects are the school's own methodological work.
        Action::WriteSchoolYear
        | Action::CreateSubject
        | Action::DraftCommission
        | Action::DecideCommission
        | Action::RunMeetings
        | Action::EditCouncil
        | Action::ManageRecords
        | Action::RecordDistrictSupport => false,
    }
}

#[cfg(test)]
mod tests;
