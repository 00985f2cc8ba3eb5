//! Who acts on a school's records, as the record rules see them: the facts about the caller
//! that decide who records, reviews, publishes and reads what (R-3.1, R-3.2.2c, R-4.3).

use crate::ids::{CommissionId, DistrictId, SchoolId, StaffId};
use crate::policy::{Action, Actor, Decision, Resource, authorize};

/// The caller's standing in the school whose records are at hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The director or the deputy: they lead the school's methodological work and
    /// answer for its records.
    Manager(StaffId),
    /// Another member of the school's staff.
    Colleague(StaffId),
    /// A district user or service, or an administrator: they read the school's records and
    /// change none.
    Overseer,
}

/// An approved commission the caller heads (R-3.2.2c), with its current members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedCommission {
    pub id: CommissionId,
    pub members: Vec<StaffId>,
}

/// The caller with the facts the record rules need, loaded in a fixed number of statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordActor {
    pub standing: Standing,
    /// The approved commissions of this school the caller heads; empty for an overseer.
    pub leads: Vec<LedCommission>,
}

/// The caller may not know the record exists (answered as *not found*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not visible to the caller")]
pub struct Hidden;

impl RecordActor {
    /// The caller's standing in a school, by the access policy; `None` when the school is
    /// hidden from them.
    #[must_use]
    pub fn new(actor: Actor, school: SchoolId, district: DistrictId, leads: Vec<LedCommission>) -> Option<Self> {
        let resource = Resource::School { school, district };
        if authorize(actor, Action::Read, resource) != Decision::Allow {
            return None;
        }
        let manages = authorize(actor, Action::ManageRecords, resource) == Decision::Allow;
        let standing = match actor {
            Actor::SchoolStaff { id, .. } if manages => Standing::Manager(id),
            Actor::SchoolStaff { id, .. } => Standing::Colleague(id),
            Actor::Admin { .. }
            | Actor::MinistryUser { .. }
            | Actor::MinistryService { .. }
            | Actor::DistrictUser { .. }
            | Actor::DistrictService { .. } => Standing::Overseer,
        };
        let leads = if standing == Standing::Overseer { Vec::new() } else { leads };
        Some(Self { standing, leads })
    }

    /// A manager acting without commissions: the demo's and the generator's deputy.
    #[must_use]
    pub const fn manager(id: StaffId) -> Self {
        Self { standing: Standing::Manager(id), leads: Vec::new() }
    }

    /// The acting member of the school's staff, if one.
    #[must_use]
    pub const fn staff(&self) -> Option<StaffId> {
        match self.standing {
            Standing::Manager(id) | Standing::Colleague(id) => Some(id),
            Standing::Overseer => None,
        }
    }

    /// Whether the caller is `person`.
    #[must_use]
    pub fn is(&self, person: StaffId) -> bool {
        self.staff() == Some(person)
    }

    /// Whether the caller answers for the school's records (director, deputy).
    #[must_use]
    pub const fn manages(&self) -> bool {
        matches!(self.standing, Standing::Manager(_))
    }

    /// Whether the caller heads the approved commission `c` (R-3.2.2c).
    #[must_use]
    pub fn leads(&self, c: CommissionId) -> bool {
        self.leads.iter().any(|l| l.id == c)
    }

    /// Whether the caller heads an approved commission on which one of `people` sits: its
    /// meetings review their work (R-3.2.2g).
    #[must_use]
    pub fn heads_commission_of(&self, people: &[StaffId]) -> bool {
        self.leads.iter().any(|l| l.members.iter().any(|m| people.contains(m)))
    }

    /// Everyone whose unpublished work the caller sees as a colleague: themself and the members
    /// of the commissions they head. Sorted, each once.
    #[must_use]
    pub fn colleagues_in_review(&self) -> Vec<StaffId> {
        let mut out: Vec<StaffId> = self.staff().into_iter().collect();
        out.extend(self.leads.iter().flat_map(|l| l.members.iter().copied()));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether the caller reads `owner`'s personal records (trainings, diagnoses): the person,
    /// the managers and the overseers.
    #[must_use]
    pub fn reads_personal(&self, owner: StaffId) -> bool {
        matches!(self.standing, Standing::Overseer | Standing::Manager(_)) || self.is(owner)
    }

    /// Whether the caller reads everyone's personal records (the managers and the overseers),
    /// not only their own.
    #[must_use]
    pub const fn reads_everyones_personal(&self) -> bool {
        matches!(self.standing, Standing::Overseer | Standing::Manager(_))
    }

    /// Whether the caller keeps `owner`'s personal records: the person and the managers.
    #[must_use]
    pub fn keeps_personal(&self, owner: StaffId) -> bool {
        self.manages() || self.is(owner)
    }

    /// Reads `owner`'s personal records.
    ///
    /// # Errors
    /// [`Hidden`] for a colleague's.
    pub fn read_personal(&self, owner: StaffId) -> Result<(), Hidden> {
        if self.reads_personal(owner) { Ok(()) } else { Err(Hidden) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff::Role;

    fn school_staff(role: Role, school: SchoolId, district: DistrictId) -> (StaffId, Actor) {
        let id = StaffId::new();
        (id, Actor::SchoolStaff { id, school, district, role })
    }

    #[test]
    fn the_director_and_the_deputy_manage_records_and_district_users_oversee_them_r_3_1() {
        let (school, district) = (SchoolId::new(), DistrictId::new());
        for (role, manages) in [(Role::Director, true), (Role::Deputy, true), (Role::Teacher, false)] {
            let (id, actor) = school_staff(role, school, district);
            let a = RecordActor::new(actor, school, district, Vec::new());
            assert_eq!(a.as_ref().map(RecordActor::manages), Some(manages), "{role:?}");
            assert_eq!(a.and_then(|a| a.staff()), Some(id));
        }
        let methodologist = Actor::DistrictUser { id: StaffId::new(), district };
        let led = vec![LedCommission { id: CommissionId::new(), members: vec![StaffId::new()] }];
        let a = RecordActor::new(methodologist, school, district, led);
        assert_eq!(a.as_ref().map(|a| a.standing), Some(Standing::Overseer));
        assert_eq!(a.map(|a| a.leads.len()), Some(0), "an overseer heads nothing here");
    }

    #[test]
    fn another_schools_records_are_hidden() {
        let (school, district) = (SchoolId::new(), DistrictId::new());
        let (_, teacher) = school_staff(Role::Deputy, SchoolId::new(), district);
        assert_eq!(RecordActor::new(teacher, school, district, Vec::new()), None);
        let other_district = Actor::DistrictUser { id: StaffId::new(), district: DistrictId::new() };
        assert_eq!(RecordActor::new(other_district, school, district, Vec::new()), None);
    }

    #[test]
    fn a_head_reviews_the_work_of_their_commissions_members_r_3_2_2g() {
        let (me, member, outsider, c) = (StaffId::new(), StaffId::new(), StaffId::new(), CommissionId::new());
        let head = RecordActor {
            standing: Standing::Colleague(me),
            leads: vec![LedCommission { id: c, members: vec![me, member] }],
        };
        assert!(head.leads(c) && !head.leads(CommissionId::new()));
        assert!(head.heads_commission_of(&[outsider, member]));
        assert!(!head.heads_commission_of(&[outsider]));
        let mut expected = vec![me, member];
        expected.sort_unstable();
        assert_eq!(head.colleagues_in_review(), expected);
    }

    #[test]
    fn personal_records_are_read_by_the_person_the_managers_and_the_district_r_2_2() {
        let (me, colleague) = (StaffId::new(), StaffId::new());
        let teacher = RecordActor { standing: Standing::Colleague(colleague), leads: Vec::new() };
        let overseer = RecordActor { standing: Standing::Overseer, leads: Vec::new() };
        let deputy = RecordActor::manager(StaffId::new());
        let own = RecordActor { standing: Standing::Colleague(me), leads: Vec::new() };
        assert_eq!(teacher.read_personal(me), Err(Hidden));
        assert!(overseer.reads_personal(me) && !overseer.keeps_personal(me));
        assert!(deputy.reads_personal(me) && deputy.keeps_personal(me));
        assert!(own.reads_personal(me) && own.keeps_personal(me));
    }
}
