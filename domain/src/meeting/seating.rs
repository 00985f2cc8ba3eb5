//! Who sits on each body and who leads it: the pedagogical
//! council is the whole pedagogical staff, the methodological council its office holders as
//! the deputy adjusts them, a commission its members under its head. The policy reads a body
//! through [`Seating::resource`]; the deputy's changes to the methodological council are
//! commands here.

use super::{Body, BodyKind, Seat, methodological_council};
use crate::commission::{Commission, CommissionStatus, Stint};
use crate::form::{FieldProblem, Problem, Problems, present};
use crate::ids::{CommissionId, StaffId};
use crate::lang::Lang;
use crate::org::School;
use crate::policy::{self, Action, Actor, Decision, Refusal, Resource, authorize, require};
use crate::staff::{Role, Staff};
use crate::year::AcademicYear;
use chrono::NaiveDate;

/// A body with the people who sit on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seating {
    pub body: Body,
    /// Who sits on it now (they read its meetings).
    pub members: Vec<StaffId>,
    /// Who sat on it on the meeting's date: its attendance follows them (R-3.2.2d, R-5.3). A
    /// commission's membership is dated by its orders; the councils' is their members'.
    pub sitting: Vec<StaffId>,
    /// For a commission: the commission itself, whose head runs its meetings once approved.
    pub commission: Option<Commission>,
}

impl Seating {
    /// The pedagogical council: every active member of the school's pedagogical staff
    ///
    #[must_use]
    pub fn pedagogical_council(active_staff: &[Staff]) -> Self {
        let members: Vec<StaffId> = active_staff.iter().map(|s| s.id).collect();
        Self { body: Body::PedagogicalCouncil, sitting: members.clone(), members, commission: None }
    }

    /// The methodological council of a year, from its seats (see [`council_seats`]).
    #[must_use]
    pub fn methodological_council(seats: &[(StaffId, Seat)]) -> Self {
        let members: Vec<StaffId> = seats.iter().map(|(s, _)| *s).collect();
        Self { body: Body::MethodologicalCouncil, sitting: members.clone(), members, commission: None }
    }

    /// A commission: its current members, sitting as they stand now.
    #[must_use]
    pub fn commission(c: Commission) -> Self {
        Self {
            body: Body::Commission(c.id),
            members: c.members.clone(),
            sitting: c.members.clone(),
            commission: Some(c),
        }
    }

    /// A commission for a meeting of `on`: its current members read its meetings; those its
    /// orders had made members on that date sit at it (R-3.2.2d).
    #[must_use]
    pub fn commission_on(c: Commission, stints: &[Stint], on: NaiveDate) -> Self {
        let sitting = c.sitting_on(stints, on).into_iter().map(|m| m.staff).collect();
        Self { body: Body::Commission(c.id), members: c.members.clone(), sitting, commission: Some(c) }
    }

    /// Whether `s` may be marked on the minutes of a meeting of this body: someone who sat on
    /// it on the meeting's date. A council's membership is not dated, so whoever its list named
    /// when the meeting was scheduled (`listed`) stays markable; a commission's dated
    /// membership decides alone (R-3.2.2d).
    #[must_use]
    pub fn seats(&self, s: StaffId, listed: bool) -> bool {
        self.sitting.contains(&s) || (self.commission.is_none() && listed)
    }

    /// Whether the body is an approved commission, or a council (which always is).
    #[must_use]
    pub fn is_constituted(&self) -> bool {
        self.commission.as_ref().is_none_or(|c| c.status == CommissionStatus::Approved)
    }

    /// The policy's view of the body, with the actor's place on it: members read its
    /// meetings; the head of an approved commission runs them.
    #[must_use]
    pub fn resource(&self, school: &School, actor: &Actor) -> Resource {
        let me = policy::person(actor);
        Resource::Body {
            school: school.id,
            district: school.district,
            kind: self.body.kind(),
            led_by_actor: me.is_some_and(|s| self.commission.as_ref().is_some_and(|c| c.is_led_by(s))),
            actor_is_member: me.is_some_and(|s| self.members.contains(&s)),
        }
    }

    /// Whether `actor` reads this body's meetings and minutes.
    ///
    /// # Errors
    /// The [`Refusal`]: an invisible body is not found.
    pub fn may_read(&self, actor: &Actor, school: &School) -> Result<(), Refusal> {
        require(actor, Action::ReadMeetings, self.resource(school, actor))
    }

    /// Whether `actor` runs this body's meetings: the director any body, the deputy the
    /// councils, a head their approved commission. Visibility comes first, so an invisible
    /// body is not found rather than forbidden.
    ///
    /// # Errors
    /// The [`Refusal`].
    pub fn may_run(&self, actor: &Actor, school: &School) -> Result<(), Refusal> {
        require(actor, Action::RunMeetings, self.resource(school, actor))
    }

    /// The body's name: a commission's own name, a council's label in `language`.
    #[must_use]
    pub fn label(&self, language: Lang) -> String {
        label(self.body, self.commission.as_ref(), language)
    }
}

/// The name of a body: a commission's own name, a council's label in `language`.
#[must_use]
pub fn label(body: Body, commission: Option<&Commission>, language: Lang) -> String {
    match (body, commission) {
        (Body::Commission(_), Some(c)) => c.name.to_string(),
        (b, _) => b.kind().label().get(language).to_owned(),
    }
}

/// The methodological council's office holders in a year: the school's active director
/// and deputies, and the heads of the year's approved commissions.
#[must_use]
pub fn council_by_office(active_staff: &[Staff], approved: &[Commission]) -> Vec<StaffId> {
    let mut by_office: Vec<StaffId> =
        active_staff.iter().filter(|s| matches!(s.role, Role::Director | Role::Deputy)).map(|s| s.id).collect();
    by_office.extend(approved.iter().filter(|c| c.status == CommissionStatus::Approved).filter_map(|c| c.head));
    by_office
}

/// The methodological council of a year: its office holders as the deputy's additions and
/// removals (`overrides`, `true` = added) change them.
#[must_use]
pub fn council_seats(
    active_staff: &[Staff],
    approved: &[Commission],
    overrides: &[(StaffId, bool)],
) -> Vec<(StaffId, Seat)> {
    methodological_council(&council_by_office(active_staff, approved), overrides)
}

/// Someone to seat on the methodological council, as asked.
#[derive(Debug, Clone)]
pub struct SeatRequest {
    /// `YYYY-YYYY`.
    pub year: String,
    pub staff_id: StaffId,
}

/// A change to the methodological council of a year, as the store records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CouncilChange {
    pub year: AcademicYear,
    pub staff: StaffId,
    /// `true`: seated by the deputy; `false`: removed.
    pub included: bool,
}

impl CouncilChange {
    /// The audit action.
    #[must_use]
    pub const fn action(self) -> &'static str {
        if self.included { "council.add" } else { "council.remove" }
    }

    /// The audit summary.
    #[must_use]
    pub const fn summary(self) -> &'static str {
        if self.included { "added to the methodological council" } else { "removed from the methodological council" }
    }
}

/// Why someone cannot be seated on the methodological council.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeatError {
    /// The deputy and the director compose the council.
    #[error("{0}")]
    Refused(Refusal),
    /// The year or the person is not right.
    #[error("the request is invalid")]
    Invalid(Vec<FieldProblem>),
}

/// Why someone cannot be removed from the methodological council.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnseatError {
    #[error("{0}")]
    Refused(Refusal),
    /// They do not sit on it that year.
    #[error("not on the council")]
    NotSeated,
}

fn school_resource(school: &School) -> Resource {
    Resource::School { school: school.id, district: school.district }
}

/// Seats an active member of the school's staff on the methodological council of a year.
/// `people` holds the person if the store knows them.
///
/// # Errors
/// [`SeatError`].
pub fn seat_on_council(
    actor: &Actor,
    school: &School,
    r: &SeatRequest,
    people: &[Staff],
) -> Result<CouncilChange, SeatError> {
    require(actor, Action::EditCouncil, school_resource(school)).map_err(SeatError::Refused)?;
    let mut p = Problems::default();
    let year = AcademicYear::parse(&r.year).map_err(|_| p.push("year", Problem::InvalidYear)).ok();
    match people.iter().find(|s| s.id == r.staff_id) {
        Some(s) if s.school() == Some(school.id) && s.active => {}
        Some(s) if s.school() == Some(school.id) => p.push("staff_id", Problem::Inactive),
        _ => p.push("staff_id", Problem::UnknownReference),
    }
    p.finish().map_err(SeatError::Invalid)?;
    Ok(CouncilChange { year: present("year", year).map_err(SeatError::Invalid)?, staff: r.staff_id, included: true })
}

/// Removes someone who sits on the methodological council of `year` (`seats`).
///
/// # Errors
/// [`UnseatError`].
pub fn unseat_from_council(
    actor: &Actor,
    school: &School,
    year: AcademicYear,
    staff: StaffId,
    seats: &[(StaffId, Seat)],
) -> Result<CouncilChange, UnseatError> {
    require(actor, Action::EditCouncil, school_resource(school)).map_err(UnseatError::Refused)?;
    if !seats.iter().any(|(s, _)| *s == staff) {
        return Err(UnseatError::NotSeated);
    }
    Ok(CouncilChange { year, staff, included: false })
}

/// What ties a person to a school's bodies, as far as reading their meetings goes: loaded in a
/// fixed number of queries, whatever the school's size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ties {
    /// An active member of the school's staff, and so of its pedagogical council.
    pub on_staff: bool,
    /// The commissions they sit on now.
    pub sits_on: Vec<CommissionId>,
    /// The approved commissions they head, with the year each works in.
    pub heads: Vec<(CommissionId, AcademicYear)>,
    /// The deputy's changes to the methodological council that name them: seated (`true`) or
    /// removed (`false`) in a year.
    pub council: Vec<(AcademicYear, bool)>,
}

/// Meetings a reader sees, as a list filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readable {
    /// Every meeting of every body of this kind.
    EveryOf(BodyKind),
    /// Every meeting of this body.
    Of(Body),
    /// The meetings of this body in this year (the methodological council's composition is
    /// a year's).
    OfIn(Body, AcademicYear),
}

impl Readable {
    /// Whether a meeting of `body` in `year` is among these.
    #[must_use]
    pub fn covers(self, body: Body, year: AcademicYear) -> bool {
        match self {
            Self::EveryOf(kind) => body.kind() == kind,
            Self::Of(b) => b == body,
            Self::OfIn(b, y) => b == body && y == year,
        }
    }
}

/// Whether `scope` is every meeting of every body, so that nothing about the reader's ties
/// can widen it.
#[must_use]
pub fn reads_every_body(scope: &[Readable]) -> bool {
    BodyKind::ALL.iter().all(|k| scope.contains(&Readable::EveryOf(*k)))
}

/// Whether `actor` sees the school's councils and may look through its meetings: everyone who
/// sees the school (what each meeting shows is [`readable`]'s).
///
/// # Errors
/// The [`Refusal`].
pub fn may_read_school(actor: &Actor, school: &School) -> Result<(), Refusal> {
    require(actor, Action::Read, school_resource(school))
}

/// The meetings of `school` that `actor` reads: the policy's answer for each body the actor is
/// tied to, so that a list shows exactly what a single read lets through. An
/// empty answer means none.
#[must_use]
pub fn readable(actor: &Actor, school: &School, ties: &Ties) -> Vec<Readable> {
    let reads = |kind, led_by_actor, actor_is_member| {
        let body = Resource::Body { school: school.id, district: school.district, kind, led_by_actor, actor_is_member };
        authorize(*actor, Action::ReadMeetings, body) == Decision::Allow
    };
    let every: Vec<BodyKind> = BodyKind::ALL.into_iter().filter(|k| reads(*k, false, false)).collect();
    let mut out: Vec<Readable> = every.iter().map(|k| Readable::EveryOf(*k)).collect();
    if !every.contains(&BodyKind::PedagogicalCouncil) && reads(BodyKind::PedagogicalCouncil, false, ties.on_staff) {
        out.push(Readable::Of(Body::PedagogicalCouncil));
    }
    if !every.contains(&BodyKind::MethodologicalCouncil) {
        // Seated in a year: by office as the head of an approved commission of that year, or
        // by the deputy; unless the deputy removed them that year.
        let mut years: Vec<AcademicYear> = ties.heads.iter().map(|(_, y)| *y).collect();
        years.extend(ties.council.iter().filter(|(_, seated)| *seated).map(|(y, _)| *y));
        years.retain(|y| !ties.council.contains(&(*y, false)));
        years.sort_unstable();
        years.dedup();
        for y in years.into_iter().filter(|_| reads(BodyKind::MethodologicalCouncil, false, true)) {
            out.push(Readable::OfIn(Body::MethodologicalCouncil, y));
        }
    }
    if !every.contains(&BodyKind::Commission) {
        let mut tied: Vec<CommissionId> = ties.sits_on.clone();
        tied.extend(ties.heads.iter().map(|(c, _)| *c));
        tied.sort_unstable();
        tied.dedup();
        for c in tied {
            let led = ties.heads.iter().any(|(h, _)| *h == c);
            if reads(BodyKind::Commission, led, ties.sits_on.contains(&c)) {
                out.push(Readable::Of(Body::Commission(c)));
            }
        }
    }
    out
}
