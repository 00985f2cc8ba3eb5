//! The plan aggregate as tables: state × actor × command, one table per kind of plan, with the
//! regulation's rule each row follows. The fixtures serve `rule_tests.rs` too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::ids::{CommissionId, ItemId, MeetingId, PlanId, SchoolId, StaffId};
use crate::meeting::{Body, Meeting, MeetingStatus};
use crate::staff::Role;
use crate::year::AcademicYear;
use chrono::NaiveDate;
use uuid::Uuid;

pub(super) const fn staff(n: u128) -> StaffId {
    StaffId::from_uuid(Uuid::from_u128(n))
}

pub(super) const DIRECTOR: StaffId = staff(1);
pub(super) const DEPUTY: StaffId = staff(2);
pub(super) const HEAD: StaffId = staff(3);
pub(super) const TEACHER: StaffId = staff(4);
pub(super) const COLLEAGUE: StaffId = staff(5);
pub(super) const SCHOOL: SchoolId = SchoolId::from_uuid(Uuid::from_u128(10));
pub(super) const COMMISSION: CommissionId = CommissionId::from_uuid(Uuid::from_u128(20));

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) fn year() -> AcademicYear {
    AcademicYear::starting(2023).unwrap()
}

/// The people the tables ask, in the order of a row's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    Director,
    Deputy,
    /// Heads the approved commission: the one owning a commission's plan, the one the teacher of
    /// an individual plan sits on.
    Head,
    /// The teacher whose individual plan it is (a plain teacher on other plans).
    Teacher,
    /// Another teacher, responsible for the plan's item.
    Colleague,
    /// A district methodologist.
    Outsider,
}

pub(super) const WHO: [Who; 6] = [Who::Director, Who::Deputy, Who::Head, Who::Teacher, Who::Colleague, Who::Outsider];

pub(super) fn actor(who: Who, kind: PlanKind) -> PlanActor {
    let caller = match who {
        Who::Director => Caller::Staff { id: DIRECTOR, role: Role::Director },
        Who::Deputy => Caller::Staff { id: DEPUTY, role: Role::Deputy },
        Who::Head => Caller::Staff { id: HEAD, role: Role::Teacher },
        Who::Teacher => Caller::Staff { id: TEACHER, role: Role::Teacher },
        Who::Colleague => Caller::Staff { id: COLLEAGUE, role: Role::Teacher },
        Who::Outsider => Caller::Outsider,
    };
    PlanActor {
        heads_owning_commission: who == Who::Head && kind == PlanKind::Commission,
        heads_teachers_commission: who == Who::Head && kind == PlanKind::Individual,
        ..PlanActor::plain(caller)
    }
}

pub(super) fn owner(kind: PlanKind) -> Owner {
    match kind {
        PlanKind::School | PlanKind::PedagogicalCouncil => Owner::School(SCHOOL),
        PlanKind::Commission => Owner::Commission(COMMISSION),
        PlanKind::Individual => Owner::Teacher(TEACHER),
    }
}

pub(super) fn item() -> Item {
    Item {
        id: ItemId::from_uuid(Uuid::from_u128(30)),
        position: 1,
        title: "Ачык сабак".into(),
        description: None,
        form: Some("open_lesson".into()),
        direction: None,
        start: Some(day(2023, 11, 1)),
        due: Some(day(2023, 11, 20)),
        responsible: vec![COLLEAGUE],
        expected_result: None,
        progress: Progress::Done,
        completed_on: Some(day(2023, 11, 20)),
        outcome: Some("Өттү".into()),
        evidence: Vec::new(),
    }
}

pub(super) fn plan(kind: PlanKind, status: PlanStatus) -> Plan {
    Plan {
        id: PlanId::from_uuid(Uuid::from_u128(40)),
        school: SCHOOL,
        kind,
        owner: owner(kind),
        year: year(),
        version_no: 1,
        status,
        title: "План".into(),
        goal: None,
        personal_theme: (kind == PlanKind::Individual).then(|| "Долбоордук ыкма".into()),
        ever_submitted: status != PlanStatus::Draft,
        review: None,
        submitted_on: None,
        reviewed_on: None,
        agreed: None,
        approved: None,
        return_comment: None,
        items: vec![item()].into(),
        version: 1,
        created_at: chrono::DateTime::default(),
        updated_at: chrono::DateTime::default(),
    }
}

pub(super) fn meeting(body: Body, status: MeetingStatus) -> Meeting {
    Meeting {
        id: MeetingId::from_uuid(Uuid::from_u128(50)),
        school: SCHOOL,
        body,
        year: year(),
        date: day(2023, 9, 8),
        status,
        title: None,
        agenda: vec!["План".into()],
        attendance: Vec::new(),
        decisions: Vec::new(),
        notes: None,
        chair: None,
        secretary: None,
        protocol_number: (status == MeetingStatus::Finalized).then_some(1),
        quorum: None,
        finalized_at: None,
        version: 1,
        created_at: chrono::DateTime::default(),
        updated_at: chrono::DateTime::default(),
    }
}

/// The body whose meeting reviews a plan of `kind` by the route table.
pub(super) fn reviewing_body(kind: PlanKind) -> Body {
    match kind {
        PlanKind::School | PlanKind::Individual => Body::MethodologicalCouncil,
        PlanKind::Commission => Body::Commission(COMMISSION),
        PlanKind::PedagogicalCouncil => Body::PedagogicalCouncil,
    }
}

pub(super) const CONTEXT: PlanContext = PlanContext { school_theme_set: true, commission_approved: true };

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cmd {
    Read,
    Draft,
    Submit,
    Withdraw,
    Review,
    Agree,
    Approve,
    Return,
    Amend,
    Rollover,
    Edit,
    Delete,
    Progress,
}

/// What a command answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Out {
    /// Moved to the state of this code.
    To(&'static str),
    /// Made a new draft version with this number.
    New(u32),
    /// Allowed (a read, a guard).
    Yes,
    /// Not this caller's to do (403, or 404 for a read).
    No,
    /// Not in this state (409 with the allowed actions).
    State,
    /// Not a draft (409).
    NotDraft,
    /// Not approved (409).
    NotApproved,
    /// Refused input (422).
    Invalid,
}

use Out::{Invalid, New, No, NotApproved, NotDraft, State, To, Yes};

pub(super) fn run(p: &Plan, a: &PlanActor, cmd: Cmd) -> Out {
    let today = day(2023, 9, 14);
    let held = meeting(reviewing_body(p.kind), MeetingStatus::Held);
    let moved = |r: Result<Transition, Out>| match r {
        Ok(t) => To(t.to.code(p.kind)),
        Err(o) => o,
    };
    let step = |kind: StepKind| {
        moved(p.take_step(kind, a, Some(&held), None, today).map_err(|e| match e {
            StepError::WrongState(_) => State,
            StepError::NotYours => No,
            StepError::Invalid(_) => Invalid,
        }))
    };
    let yes = |ok: bool| if ok { Yes } else { No };
    match cmd {
        Cmd::Read => yes(may_read(p, a)),
        Cmd::Draft => yes(may_draft(p.kind, p.owner, a)),
        Cmd::Submit => moved(p.submit(a, CONTEXT, None, day(2023, 9, 1)).map_err(|e| match e {
            SubmitError::NotYours => No,
            SubmitError::WrongState(_) => State,
            SubmitError::Comment(_) | SubmitError::Date(_) | SubmitError::Incomplete(_) => Invalid,
        })),
        Cmd::Withdraw => moved(p.withdraw(a).map_err(|e| match e {
            WithdrawError::NotYours => No,
            WithdrawError::WrongState(_) => State,
        })),
        Cmd::Review => step(StepKind::Review),
        Cmd::Agree => step(StepKind::Agree),
        Cmd::Approve => step(StepKind::Approve),
        Cmd::Return => moved(p.return_to_draft(a, "Мөөнөттөрдү тактаңыз", day(2023, 9, 14)).map_err(|e| match e {
            ReturnError::WrongState(_) => State,
            ReturnError::NotYours => No,
            ReturnError::Comment(_) | ReturnError::Date(_) => Invalid,
        })),
        Cmd::Amend => match p.amend(a) {
            Ok(v) => New(v.version_no),
            Err(AmendError::NotYours) => No,
            Err(AmendError::WrongState(_)) => State,
        },
        Cmd::Rollover => match p.roll_over(a) {
            Ok(v) => New(v.version_no),
            Err(RolloverError::NotYours) => No,
            Err(RolloverError::NoNextYear) => State,
        },
        Cmd::Edit => match p.check_edit(a) {
            Ok(()) => Yes,
            Err(EditError::NotYours) => No,
            Err(EditError::NotDraft) => NotDraft,
            Err(EditError::NoSuchItem) => Invalid,
        },
        Cmd::Delete => match p.check_delete(a) {
            Ok(()) => Yes,
            Err(DeleteError::NotYours) => No,
            Err(DeleteError::NotDraft | DeleteError::WasSubmitted) => NotDraft,
        },
        Cmd::Progress => match p.check_progress(item().id, a) {
            Ok(_) => Yes,
            Err(ProgressError::NotYours) => No,
            Err(ProgressError::NotApproved) => NotApproved,
            Err(ProgressError::NoSuchItem) => Invalid,
        },
    }
}

pub(super) const DRAFT: PlanStatus = PlanStatus::Draft;
pub(super) const SUBMITTED: PlanStatus = PlanStatus::InRoute { steps_done: 0 };
pub(super) const ONE_STEP: PlanStatus = PlanStatus::InRoute { steps_done: 1 };
pub(super) const TWO_STEPS: PlanStatus = PlanStatus::InRoute { steps_done: 2 };
pub(super) const APPROVED: PlanStatus = PlanStatus::Approved;
pub(super) const SUPERSEDED: PlanStatus = PlanStatus::Superseded;

/// A row: in this state, this command answers, for [director, deputy, head, teacher,
/// colleague, outsider] in turn.
pub(super) type Row = (PlanStatus, Cmd, [Out; 6]);

pub(super) fn check_table(kind: PlanKind, rows: &[Row]) {
    let mut wrong = Vec::new();
    for (status, cmd, answers) in rows {
        let p = plan(kind, *status);
        for (who, want) in WHO.iter().zip(answers) {
            let got = run(&p, &actor(*who, kind), *cmd);
            if got != *want {
                wrong.push(format!("{kind:?} {status:?} {cmd:?} by {who:?}: got {got:?}, want {want:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_unified_plan_is_drafted_by_the_deputy_reviewed_by_the_methodological_council_and_approved_by_the_director_r_5_1()
{
    let st = To("submitted");
    check_table(
        PlanKind::School,
        &[
            (DRAFT, Cmd::Read, [Yes, Yes, Yes, Yes, Yes, Yes]),
            // the deputy drafts; the director may too.
            (DRAFT, Cmd::Draft, [Yes, Yes, No, No, No, No]),
            (DRAFT, Cmd::Submit, [st, st, No, No, No, No]),
            (DRAFT, Cmd::Edit, [Yes, Yes, No, No, No, No]),
            (DRAFT, Cmd::Delete, [Yes, Yes, No, No, No, No]),
            (DRAFT, Cmd::Review, [State, State, State, State, State, State]),
            (DRAFT, Cmd::Withdraw, [State, State, No, No, No, No]),
            (DRAFT, Cmd::Progress, [NotApproved, NotApproved, No, No, NotApproved, No]),
            // the methodological council reviews, recorded by those who run it.
            (SUBMITTED, Cmd::Review, [To("reviewed"), To("reviewed"), No, No, No, No]),
            (SUBMITTED, Cmd::Approve, [State, State, State, State, State, State]),
            (SUBMITTED, Cmd::Withdraw, [To("draft"), To("draft"), No, No, No, No]),
            (SUBMITTED, Cmd::Return, [To("draft"), To("draft"), No, No, No, No]),
            (SUBMITTED, Cmd::Submit, [State, State, No, No, No, No]),
            (SUBMITTED, Cmd::Edit, [NotDraft, NotDraft, No, No, No, No]),
            // the director approves.
            (ONE_STEP, Cmd::Approve, [To("approved"), No, No, No, No, No]),
            (ONE_STEP, Cmd::Agree, [State, State, State, State, State, State]),
            (ONE_STEP, Cmd::Withdraw, [State, State, No, No, No, No]),
            (ONE_STEP, Cmd::Return, [To("draft"), No, No, No, No, No]),
            (APPROVED, Cmd::Edit, [NotDraft, NotDraft, No, No, No, No]),
            (APPROVED, Cmd::Return, [State, State, State, State, State, State]),
            (APPROVED, Cmd::Amend, [New(2), New(2), No, No, No, No]),
            (APPROVED, Cmd::Rollover, [New(1), New(1), No, No, No, No]),
            // Progress: the responsible colleague, the drafters, the deputy and the director.
            (APPROVED, Cmd::Progress, [Yes, Yes, No, No, Yes, No]),
            (SUPERSEDED, Cmd::Amend, [State, State, No, No, No, No]),
            (SUPERSEDED, Cmd::Rollover, [New(1), New(1), No, No, No, No]),
        ],
    );
}

#[test]
fn a_commission_plan_is_drafted_by_its_head_reviewed_at_its_meeting_agreed_by_the_deputy_and_approved_by_the_director_r_3_2_2f()
 {
    check_table(
        PlanKind::Commission,
        &[
            (DRAFT, Cmd::Read, [Yes, Yes, Yes, Yes, Yes, Yes]),
            // R-3.2.2f: the head of the approved commission drafts (the director may too).
            (DRAFT, Cmd::Draft, [Yes, No, Yes, No, No, No]),
            (DRAFT, Cmd::Submit, [To("submitted"), No, To("submitted"), No, No, No]),
            (DRAFT, Cmd::Edit, [Yes, No, Yes, No, No, No]),
            // The commission reviews it at its meeting, recorded by whoever runs its meetings.
            (SUBMITTED, Cmd::Review, [To("reviewed"), No, To("reviewed"), No, No, No]),
            (SUBMITTED, Cmd::Agree, [State, State, State, State, State, State]),
            (SUBMITTED, Cmd::Withdraw, [To("draft"), No, To("draft"), No, No, No]),
            // The deputy agrees.
            (ONE_STEP, Cmd::Agree, [No, To("agreed"), No, No, No, No]),
            (ONE_STEP, Cmd::Return, [No, To("draft"), No, No, No, No]),
            (ONE_STEP, Cmd::Withdraw, [State, No, State, No, No, No]),
            // The director approves.
            (TWO_STEPS, Cmd::Approve, [To("approved"), No, No, No, No, No]),
            (TWO_STEPS, Cmd::Return, [To("draft"), No, No, No, No, No]),
            (APPROVED, Cmd::Amend, [New(2), No, New(2), No, No, No]),
            (APPROVED, Cmd::Progress, [Yes, Yes, Yes, No, Yes, No]),
        ],
    );
}

#[test]
fn an_individual_plan_is_the_teachers_agreed_by_their_commission_head_and_approved_by_the_deputy_r_3_2_1() {
    check_table(
        PlanKind::Individual,
        &[
            // read by the teacher, their head, the deputy and the director, not by a
            // colleague; the district reads too.
            (DRAFT, Cmd::Read, [Yes, Yes, Yes, Yes, No, Yes]),
            (DRAFT, Cmd::Draft, [No, No, No, Yes, No, No]),
            (DRAFT, Cmd::Submit, [No, No, No, To("submitted"), No, No]),
            (DRAFT, Cmd::Edit, [No, No, No, Yes, No, No]),
            (DRAFT, Cmd::Delete, [No, No, No, Yes, No, No]),
            // The head of the teacher's commission agrees (the deputy only when there is none).
            (SUBMITTED, Cmd::Agree, [No, No, To("agreed"), No, No, No]),
            (SUBMITTED, Cmd::Withdraw, [No, No, No, To("draft"), No, No]),
            (SUBMITTED, Cmd::Return, [No, No, To("draft"), No, No, No]),
            (SUBMITTED, Cmd::Review, [State, State, State, State, State, State]),
            // The deputy approves.
            (ONE_STEP, Cmd::Approve, [No, To("approved"), No, No, No, No]),
            (ONE_STEP, Cmd::Return, [No, To("draft"), No, No, No, No]),
            (APPROVED, Cmd::Amend, [No, No, No, New(2), No, No]),
            (APPROVED, Cmd::Rollover, [No, No, No, New(1), No, No]),
            (APPROVED, Cmd::Progress, [Yes, Yes, No, Yes, Yes, No]),
        ],
    );
}

#[test]
fn the_pedagogical_councils_plan_is_drafted_by_the_deputy_reviewed_by_the_council_and_approved_by_the_director_r_5_3() {
    check_table(
        PlanKind::PedagogicalCouncil,
        &[
            (DRAFT, Cmd::Draft, [Yes, Yes, No, No, No, No]),
            (DRAFT, Cmd::Submit, [To("submitted"), To("submitted"), No, No, No, No]),
            (SUBMITTED, Cmd::Review, [To("reviewed"), To("reviewed"), No, No, No, No]),
            (ONE_STEP, Cmd::Approve, [To("approved"), No, No, No, No, No]),
            (APPROVED, Cmd::Approve, [State, State, State, State, State, State]),
        ],
    );
}
