//! Who the caller is to a plan, and what that lets them read, draft and sign (R-3.2.1,
//! R-3.2.2f, R-5.1, R-5.3). The facts come from the data (who heads which approved commission,
//! who sits on one); persistence loads them with the plan, in a fixed number of statements.

use super::{ActorFacts, Drafter, Owner, Plan, PlanKind, Step, may_take, route};
use crate::ids::{SchoolId, StaffId};
use crate::policy::Actor;
use crate::staff::Role;

/// The caller as the plan rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A member of the staff of the plan's school, with their role.
    Staff {
        /// The person.
        id: StaffId,
        /// Director, deputy or teacher.
        role: Role,
    },
    /// Anyone else who reached the plan: a district user, a district's service account, an
    /// administrator. They read and do nothing else. (Another school's staff never get this
    /// far: the school's policy hides its plans from them.)
    Outsider,
}

impl Caller {
    /// The caller for a plan of `school`, from the policy's actor.
    #[must_use]
    pub fn at(actor: Actor, school: SchoolId) -> Self {
        match actor {
            Actor::SchoolStaff { id, school: s, role, .. } if s == school => Self::Staff { id, role },
            _ => Self::Outsider,
        }
    }

    /// The person, when on the school's staff.
    #[must_use]
    pub const fn staff(self) -> Option<StaffId> {
        match self {
            Self::Staff { id, .. } => Some(id),
            Self::Outsider => None,
        }
    }

    /// The role, when on the school's staff.
    #[must_use]
    pub const fn role(self) -> Option<Role> {
        match self {
            Self::Staff { role, .. } => Some(role),
            Self::Outsider => None,
        }
    }

    fn is(self, wanted: Role) -> bool {
        matches!(self, Self::Staff { role, .. } if role == wanted)
    }
}

/// What the plan rules need to know about the caller, for one plan (or one owner, before the
/// plan exists). Only the facts that concern the owner are meaningful; the others stay `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanActor {
    /// Who is asking.
    pub caller: Caller,
    /// A commission's plan: the caller heads the owning commission, and it is approved.
    pub heads_owning_commission: bool,
    /// An individual plan: the caller heads an approved commission the teacher sits on.
    pub heads_teachers_commission: bool,
    /// An individual plan: the teacher sits on no approved commission, so the deputy agrees it
    ///
    pub teacher_has_no_commission: bool,
    /// An individual plan: the teacher is the deputy, so the director takes the deputy's steps.
    pub owner_is_deputy: bool,
}

impl PlanActor {
    /// A caller with no facts about the owner (an outsider, or a plan owned by the school).
    #[must_use]
    pub const fn plain(caller: Caller) -> Self {
        Self {
            caller,
            heads_owning_commission: false,
            heads_teachers_commission: false,
            teacher_has_no_commission: false,
            owner_is_deputy: false,
        }
    }

    /// The facts [`may_take`] looks at, for a plan of `owner`.
    #[must_use]
    pub fn facts(&self, owner: Owner) -> ActorFacts {
        ActorFacts {
            is_director: self.caller.is(Role::Director),
            is_deputy: self.caller.is(Role::Deputy),
            heads_owning_commission: self.heads_owning_commission,
            heads_teachers_commission: self.heads_teachers_commission,
            teacher_has_no_commission: self.teacher_has_no_commission,
            owns_plan: matches!((owner, self.caller.staff()), (Owner::Teacher(t), Some(me)) if t == me),
            owner_is_deputy: self.owner_is_deputy,
        }
    }

    /// Whether the caller may take `step` of a plan of `owner` (the route table says who).
    #[must_use]
    pub fn may_take(&self, step: Step, owner: Owner) -> bool {
        may_take(step, self.facts(owner))
    }

    /// Whether the caller runs the school's methodological work: the director or the deputy.
    #[must_use]
    pub fn manages(&self) -> bool {
        self.caller.is(Role::Director) || self.caller.is(Role::Deputy)
    }
}

/// Which plans of the schools in reach a caller reads. The one rule behind a single read
/// ([`may_read`]) and the plan list, where persistence applies it as a filter, so that a page
/// holds only readable plans and is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadScope {
    /// Every plan: the director, the deputy, district users and administrators.
    All,
    /// Every plan but other teachers' individual plans: a teacher reads their own individual
    /// plan and those of the teachers on the approved commissions they head.
    OwnAndLed(StaffId),
}

impl ReadScope {
    /// The scope of a caller.
    #[must_use]
    pub const fn of(caller: Caller) -> Self {
        match caller {
            Caller::Staff { id, role: Role::Teacher } => Self::OwnAndLed(id),
            Caller::Staff { .. } | Caller::Outsider => Self::All,
        }
    }

    /// The scope of a policy actor over the plans of the schools in its reach: a school's staff
    /// reach their own school only, so this is [`ReadScope::of`] their caller there.
    #[must_use]
    pub const fn of_actor(actor: Actor) -> Self {
        match actor {
            Actor::SchoolStaff { id, role: Role::Teacher, .. } => Self::OwnAndLed(id),
            _ => Self::All,
        }
    }
}

/// Whether the caller reads the plan (the school's policy has let them see the school).
#[must_use]
pub fn may_read(plan: &Plan, actor: &PlanActor) -> bool {
    match (ReadScope::of(actor.caller), plan.owner) {
        (ReadScope::All, _) | (ReadScope::OwnAndLed(_), Owner::School(_) | Owner::Commission(_)) => true,
        (ReadScope::OwnAndLed(me), Owner::Teacher(t)) => t == me || actor.heads_teachers_commission,
    }
}

/// Whether the caller drafts a plan of `kind` for `owner`: the route table names the drafter
/// the deputy; R-3.2.2f: the commission's head: the teacher). The
/// director also drafts what the deputy or a commission's head drafts.
#[must_use]
pub fn may_draft(kind: PlanKind, owner: Owner, actor: &PlanActor) -> bool {
    let Caller::Staff { id, role } = actor.caller else { return false };
    match route(kind).0 {
        Drafter::Deputy => matches!(role, Role::Deputy | Role::Director),
        Drafter::CommissionHead => actor.heads_owning_commission || role == Role::Director,
        Drafter::Teacher => owner == Owner::Teacher(id),
    }
}
