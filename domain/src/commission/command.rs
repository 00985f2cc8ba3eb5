//! The commands on a commission: draft and edit it, change its members, appoint its
//! head, approve and dissolve it by order. Each is a pure function of the commission, the
//! actor, what the store found about the people and subjects the request names, and the
//! request; it answers the commission after the change with the record of what happened, or
//! the reason it may not happen (one error per operation, in [`super::error`]). Who may is the
//! policy's: the deputy and the director draft
//! ([`Action::DraftCommission`]); orders and heads are the director's
//! ([`Action::DecideCommission`], R-3.2.2c, R-3.2.2d).

use super::error::{
    AddMembersError, AppointHeadError, ApproveError, DissolveError, DraftError, EditError, RemoveMemberError,
};
use super::{
    ChangeRule, Commission, CommissionStatus, MemberFacts, NewOrder, OrderNumber, check_approval, check_head,
    membership_change, wording,
};
use crate::form::{FieldProblem, Problem, Problems, present};
use crate::ids::{OrderId, SchoolId, StaffId, SubjectId};
use crate::lang::Lang;
use crate::org::School;
use crate::policy::{Action, Actor, Refusal, Resource, require};
use crate::staff::Staff;
use crate::values::{Name, bounded};
use crate::year::AcademicYear;
use chrono::NaiveDate;

/// What the store found for the ids a request names.
#[derive(Debug, Clone, Copy, Default)]
pub struct Named<'a> {
    /// The people found (an unknown id has no entry).
    pub people: &'a [Staff],
    /// The subject ids the school does not have.
    pub unknown_subjects: &'a [SubjectId],
}

/// A new draft commission, as asked.
#[derive(Debug, Clone)]
pub struct DraftRequest {
    /// `YYYY-YYYY`.
    pub year: String,
    pub name: String,
    /// One subject of the school, or several related ones (R-3.2.2a).
    pub subject_ids: Vec<SubjectId>,
    /// Staff of the school; they may sit on other commissions too.
    pub member_ids: Vec<StaffId>,
}

/// Changes to a draft; `None` leaves a field as it is, `member_ids` replaces the list.
#[derive(Debug, Clone, Default)]
pub struct EditRequest {
    pub name: Option<String>,
    pub subject_ids: Option<Vec<SubjectId>>,
    pub member_ids: Option<Vec<StaffId>>,
}

/// An order as the director wrote it; the title and the decision are worded for them when
/// left out (see [`wording`]).
#[derive(Debug, Clone)]
pub struct OrderRequest {
    pub number: String,
    pub date: NaiveDate,
    pub title: Option<String>,
    pub decided: Option<String>,
}

/// People to add; an approved commission takes them only by `order` (R-3.2.2d).
#[derive(Debug, Clone)]
pub struct AddMembersRequest {
    pub staff_ids: Vec<StaffId>,
    pub order: Option<OrderRequest>,
}

/// A member to remove; an approved commission lets them go only by an order, given by its
/// number and date as written in the query (`order_number`, `order_date` as `YYYY-MM-DD`).
#[derive(Debug, Clone)]
pub struct RemovalRequest {
    pub staff: StaffId,
    pub order_number: Option<String>,
    pub order_date: Option<String>,
}

/// A draft to store: a commission without an id yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCommission {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub name: Name,
    pub subjects: Vec<SubjectId>,
    pub members: Vec<StaffId>,
}

/// An order a command issues, with the id the commission cites it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedOrder {
    pub id: OrderId,
    pub order: NewOrder,
}

/// What a command did, as the store records it and the audit trail names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommissionChange {
    /// A draft was created.
    Drafted,
    /// A draft's name, subjects or members were edited.
    DraftEdited,
    /// People joined a draft.
    DraftMembersAdded(Vec<StaffId>),
    /// Someone left a draft; had they been appointed head, the draft has no head now.
    DraftMemberLeft(StaffId),
    /// The director appointed the head (R-3.2.2c).
    HeadAppointed {
        /// The new head.
        head: StaffId,
        /// Their short name, for the trail.
        name: String,
    },
    /// Approved by the director's order (R-3.2.2d): every membership starts on its date.
    Approved(IssuedOrder),
    /// An approved commission's members changed by one order (R-3.2.2d).
    MembersChanged {
        /// Who joined on the order's date.
        added: Vec<StaffId>,
        /// Whose membership ended on it.
        removed: Vec<StaffId>,
        /// The order.
        order: IssuedOrder,
    },
    /// Dissolved by order: every membership ends on its date.
    Dissolved(IssuedOrder),
}

impl CommissionChange {
    /// The audit action.
    #[must_use]
    pub const fn action(&self) -> &'static str {
        match self {
            Self::Drafted => "commission.create",
            Self::DraftEdited | Self::DraftMembersAdded(_) | Self::DraftMemberLeft(_) => "commission.update",
            Self::HeadAppointed { .. } => "commission.head",
            Self::Approved(_) => "commission.approve",
            Self::MembersChanged { .. } => "commission.members",
            Self::Dissolved(_) => "commission.dissolve",
        }
    }

    /// The audit summary.
    #[must_use]
    pub fn summary(&self) -> String {
        match self {
            Self::Drafted => "commission drafted".to_owned(),
            Self::DraftEdited => "commission draft edited".to_owned(),
            Self::DraftMembersAdded(_) => "draft members added".to_owned(),
            Self::DraftMemberLeft(_) => "draft member removed".to_owned(),
            Self::HeadAppointed { name, .. } => format!("head appointed: {name}"),
            Self::Approved(_) => "commission approved by order".to_owned(),
            Self::MembersChanged { added, .. } if added.is_empty() => "member removed by order".to_owned(),
            Self::MembersChanged { .. } => "members added by order".to_owned(),
            Self::Dissolved(_) => "commission dissolved by order".to_owned(),
        }
    }

    /// The order the change issued, if any.
    #[must_use]
    pub const fn order(&self) -> Option<&IssuedOrder> {
        match self {
            Self::Approved(o) | Self::Dissolved(o) | Self::MembersChanged { order: o, .. } => Some(o),
            _ => None,
        }
    }
}

fn school_resource(school: &School) -> Resource {
    Resource::School { school: school.id, district: school.district }
}

/// Whether `actor` may read the commissions of `school`: everyone who sees the school.
///
/// # Errors
/// The [`Refusal`].
pub fn may_read(actor: &Actor, school: &School) -> Result<(), Refusal> {
    require(actor, Action::Read, school_resource(school))
}

/// Checks staff named to sit on a commission: each of the school's staff, active, named once.
fn check_roster(p: &mut Problems, field: &str, ids: &[StaffId], people: &[Staff], school: SchoolId) {
    for (i, id) in ids.iter().enumerate() {
        let at = format!("{field}[{i}]");
        if ids[..i].contains(id) {
            p.push(at, Problem::Duplicate);
            continue;
        }
        match people.iter().find(|s| s.id == *id) {
            Some(s) if s.school() == Some(school) && s.role.is_school_role() => {
                if !s.active {
                    p.push(at, Problem::Inactive);
                }
            }
            _ => p.push(at, Problem::UnknownReference),
        }
    }
}

/// Checks a commission's subjects: at least one (R-3.2.2a), each the school's.
fn check_subjects(p: &mut Problems, ids: &[SubjectId], unknown: &[SubjectId]) {
    if ids.is_empty() {
        p.push("subject_ids", Problem::Required);
    }
    for (i, id) in ids.iter().enumerate() {
        if unknown.contains(id) {
            p.push(format!("subject_ids[{i}]"), Problem::UnknownReference);
        }
    }
}

/// Reads an order, filling in the title and the decision from `default` when left out.
fn read_order(p: &mut Problems, prefix: &str, r: &OrderRequest, default: (String, String)) -> Option<NewOrder> {
    let number = p.text(&format!("{prefix}.number"), OrderNumber::parse(&r.number));
    let title = match r.title.as_deref() {
        Some(t) => p.text(&format!("{prefix}.title"), bounded(t, 500)),
        None => Some(default.0),
    };
    let decided = match r.decided.as_deref() {
        Some(d) => p.text(&format!("{prefix}.decided"), bounded(d, 4000)),
        None => Some(default.1),
    };
    Some(NewOrder { number: number?, date: r.date, title: title?, decided: decided? })
}

/// Drafts a commission for a year: its subject or related subjects, and members.
///
/// # Errors
/// [`DraftError`]: refused by the policy, or the request's problems.
pub fn draft(actor: &Actor, school: &School, r: &DraftRequest, named: Named<'_>) -> Result<NewCommission, DraftError> {
    require(actor, Action::DraftCommission, school_resource(school)).map_err(DraftError::Refused)?;
    let mut p = Problems::default();
    let year = AcademicYear::parse(&r.year).map_err(|_| p.push("year", Problem::InvalidYear)).ok();
    let name = p.text("name", Name::parse(&r.name));
    check_subjects(&mut p, &r.subject_ids, named.unknown_subjects);
    check_roster(&mut p, "member_ids", &r.member_ids, named.people, school.id);
    p.finish().map_err(DraftError::Invalid)?;
    Ok(NewCommission {
        school: school.id,
        year: present("year", year).map_err(DraftError::Invalid)?,
        name: present("name", name).map_err(DraftError::Invalid)?,
        subjects: r.subject_ids.clone(),
        members: r.member_ids.clone(),
    })
}

impl Commission {
    fn next(&self) -> Self {
        Self { version: self.version + 1, ..self.clone() }
    }

    /// Edits a draft: name, subjects, members. A head who is no longer a member is no longer
    /// the head.
    ///
    /// # Errors
    /// [`EditError`].
    pub fn edit(
        &self,
        actor: &Actor,
        school: &School,
        r: &EditRequest,
        named: Named<'_>,
    ) -> Result<(Self, CommissionChange), EditError> {
        require(actor, Action::DraftCommission, school_resource(school)).map_err(EditError::Refused)?;
        if self.status != CommissionStatus::Draft {
            return Err(EditError::NotDraft(self.status));
        }
        let mut p = Problems::default();
        let name = r.name.as_deref().map(|n| p.text("name", Name::parse(n)));
        if let Some(s) = &r.subject_ids {
            check_subjects(&mut p, s, named.unknown_subjects);
        }
        if let Some(m) = &r.member_ids {
            check_roster(&mut p, "member_ids", m, named.people, school.id);
        }
        p.finish().map_err(EditError::Invalid)?;
        let mut after = self.next();
        if let Some(n) = name.flatten() {
            after.name = n;
        }
        if let Some(s) = &r.subject_ids {
            after.subjects.clone_from(s);
        }
        if let Some(m) = &r.member_ids {
            after.members.clone_from(m);
            after.head = after.head.filter(|h| m.contains(h));
        }
        Ok((after, CommissionChange::DraftEdited))
    }

    /// Adds members: to a draft at once (the deputy or the director), to an approved
    /// commission only by the director's order (R-3.2.2d).
    ///
    /// # Errors
    /// [`AddMembersError`].
    pub fn add_members(
        &self,
        actor: &Actor,
        school: &School,
        r: &AddMembersRequest,
        named: Named<'_>,
        language: Lang,
    ) -> Result<(Self, CommissionChange), AddMembersError> {
        let rule = self.may_change_members(actor, school).map_err(|e| match e {
            None => AddMembersError::Dissolved,
            Some(refusal) => AddMembersError::Refused(refusal),
        })?;
        let mut p = Problems::default();
        if r.staff_ids.is_empty() {
            p.push("staff_ids", Problem::Required);
        }
        check_roster(&mut p, "staff_ids", &r.staff_ids, named.people, school.id);
        for (i, s) in r.staff_ids.iter().enumerate() {
            if self.members.contains(s) {
                p.push(format!("staff_ids[{i}]"), Problem::Duplicate);
            }
        }
        let mut after = self.next();
        after.members.extend(r.staff_ids.iter().copied());
        if rule == ChangeRule::Free {
            p.finish().map_err(AddMembersError::Invalid)?;
            return Ok((after, CommissionChange::DraftMembersAdded(r.staff_ids.clone())));
        }
        let Some(order) = &r.order else {
            p.finish().map_err(AddMembersError::Invalid)?;
            return Err(AddMembersError::OrderRequired);
        };
        let default = (wording::membership_title(language).to_owned(), wording::members_added(self, r.staff_ids.len()));
        let order = read_order(&mut p, "order", order, default);
        p.finish().map_err(AddMembersError::Invalid)?;
        let order =
            IssuedOrder { id: OrderId::new(), order: present("order", order).map_err(AddMembersError::Invalid)? };
        Ok((after, CommissionChange::MembersChanged { added: r.staff_ids.clone(), removed: Vec::new(), order }))
    }

    /// Removes a member: from a draft at once, from an approved commission only by the
    /// director's order (R-3.2.2d) — and never its head, who must be replaced first.
    ///
    /// # Errors
    /// [`RemoveMemberError`].
    pub fn remove_member(
        &self,
        actor: &Actor,
        school: &School,
        r: &RemovalRequest,
        language: Lang,
    ) -> Result<(Self, CommissionChange), RemoveMemberError> {
        let rule = self.may_change_members(actor, school).map_err(|e| match e {
            None => RemoveMemberError::Dissolved,
            Some(refusal) => RemoveMemberError::Refused(refusal),
        })?;
        if !self.members.contains(&r.staff) {
            return Err(RemoveMemberError::NotAMember);
        }
        let mut after = self.next();
        after.members.retain(|m| *m != r.staff);
        if rule == ChangeRule::Free {
            after.head = after.head.filter(|h| *h != r.staff);
            return Ok((after, CommissionChange::DraftMemberLeft(r.staff)));
        }
        if self.head == Some(r.staff) {
            return Err(RemoveMemberError::HeadCannotLeave);
        }
        let mut p = Problems::default();
        let number = match r.order_number.as_deref() {
            None => {
                p.push("order_number", Problem::Required);
                None
            }
            Some(n) => p.text("order_number", OrderNumber::parse(n)),
        };
        let date = match r.order_date.as_deref() {
            None => {
                p.push("order_date", Problem::Required);
                None
            }
            Some(d) => {
                NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| p.push("order_date", Problem::InvalidFormat)).ok()
            }
        };
        p.finish().map_err(RemoveMemberError::Invalid)?;
        let order = NewOrder {
            number: present("order_number", number).map_err(RemoveMemberError::Invalid)?,
            date: present("order_date", date).map_err(RemoveMemberError::Invalid)?,
            title: wording::membership_title(language).to_owned(),
            decided: wording::member_leaves(self),
        };
        let order = IssuedOrder { id: OrderId::new(), order };
        Ok((after, CommissionChange::MembersChanged { added: Vec::new(), removed: vec![r.staff], order }))
    }

    /// Who may change the members now, and how (R-3.2.2d): `Err(None)` when the commission is
    /// dissolved.
    fn may_change_members(&self, actor: &Actor, school: &School) -> Result<ChangeRule, Option<Refusal>> {
        require(actor, Action::DraftCommission, school_resource(school)).map_err(Some)?;
        let rule = membership_change(self.status);
        match rule {
            ChangeRule::Closed => Err(None),
            ChangeRule::ByOrder => {
                require(actor, Action::DecideCommission, school_resource(school)).map_err(Some)?;
                Ok(rule)
            }
            ChangeRule::Free => Ok(rule),
        }
    }

    /// Appoints the head: the director's choice among the members, an active teacher with at
    /// least the school's minimum years of experience (R-3.2.2c). `people` holds the candidate
    /// if the store knows them.
    ///
    /// # Errors
    /// [`AppointHeadError`].
    pub fn appoint_head(
        &self,
        actor: &Actor,
        school: &School,
        candidate: StaffId,
        people: &[Staff],
    ) -> Result<(Self, CommissionChange), AppointHeadError> {
        require(actor, Action::DecideCommission, school_resource(school)).map_err(AppointHeadError::Refused)?;
        if self.status == CommissionStatus::Dissolved {
            return Err(AppointHeadError::Dissolved);
        }
        let Some(person) = people.iter().find(|p| p.id == candidate && p.school() == Some(school.id)) else {
            let problem = FieldProblem { field: "staff_id".into(), problem: Problem::UnknownReference };
            return Err(AppointHeadError::Invalid(vec![problem]));
        };
        check_head(self, &MemberFacts::from(person), school.settings).map_err(AppointHeadError::NotEligible)?;
        let mut after = self.next();
        after.head = Some(candidate);
        Ok((after, CommissionChange::HeadAppointed { head: candidate, name: person.short_name() }))
    }

    /// Approves a draft by the director's order (R-3.2.2d): three or more members teach one of
    /// its subjects (R-3.2.2a) and an eligible head is appointed (R-3.2.2c). `people` holds at
    /// least the current members as the store knows them; the order names them.
    ///
    /// # Errors
    /// [`ApproveError`].
    pub fn approve(
        &self,
        actor: &Actor,
        school: &School,
        r: &OrderRequest,
        people: &[Staff],
        language: Lang,
    ) -> Result<(Self, CommissionChange), ApproveError> {
        require(actor, Action::DecideCommission, school_resource(school)).map_err(ApproveError::Refused)?;
        if self.status != CommissionStatus::Draft {
            return Err(ApproveError::NotDraft(self.status));
        }
        let members: Vec<Staff> = people.iter().filter(|p| self.members.contains(&p.id)).cloned().collect();
        let facts: Vec<MemberFacts> = members.iter().map(MemberFacts::from).collect();
        check_approval(self, &facts, school.settings).map_err(ApproveError::NotApprovable)?;
        let mut p = Problems::default();
        let order = read_order(&mut p, "order", r, wording::approval(self, &members, language));
        p.finish().map_err(ApproveError::Invalid)?;
        let order = IssuedOrder { id: OrderId::new(), order: present("order", order).map_err(ApproveError::Invalid)? };
        let mut after = self.next();
        after.status = CommissionStatus::Approved;
        after.approved_by_order = Some(order.id);
        Ok((after, CommissionChange::Approved(order)))
    }

    /// Dissolves an approved commission by the director's order: every membership ends on
    /// its date.
    ///
    /// # Errors
    /// [`DissolveError`].
    pub fn dissolve(
        &self,
        actor: &Actor,
        school: &School,
        r: &OrderRequest,
        language: Lang,
    ) -> Result<(Self, CommissionChange), DissolveError> {
        require(actor, Action::DecideCommission, school_resource(school)).map_err(DissolveError::Refused)?;
        if self.status != CommissionStatus::Approved {
            return Err(DissolveError::NotApproved(self.status));
        }
        let mut p = Problems::default();
        let order = read_order(&mut p, "order", r, wording::dissolution(self, language));
        p.finish().map_err(DissolveError::Invalid)?;
        let order = IssuedOrder { id: OrderId::new(), order: present("order", order).map_err(DissolveError::Invalid)? };
        let mut after = self.next();
        after.status = CommissionStatus::Dissolved;
        after.dissolved_by_order = Some(order.id);
        after.members.clear();
        Ok((after, CommissionChange::Dissolved(order)))
    }
}
