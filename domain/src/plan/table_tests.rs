//! The plan aggregate as tables: state × actor × command, one table per kind of plan, with the
//! regulation's rule each row follows; then the rules around the tables (meetings, comments,
//! own plans, new versions).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::ids::{CommissionId, ItemId, MeetingId, PlanId, SchoolId, StaffId};
use crate::meeting::{Body, Meeting, MeetingStatus};
use crate::policy::Actor;
use crate::staff::Role;
use crate::values::TextError;
use crate::year::AcademicYear;
use chrono::NaiveDate;
use uuid::Uuid;

const fn staff(n: u128) -> StaffId {
    StaffId::from_uuid(Uuid::from_u128(n))
}

const DIRECTOR: StaffId = staff(1);
const DEPUTY: StaffId = staff(2);
const HEAD: StaffId = staff(3);
const TEACHER: StaffId = staff(4);
const COLLEAGUE: StaffId = staff(5);
const SCHOOL: SchoolId = SchoolId::from_uuid(Uuid::from_u128(10));
const COMMISSION: CommissionId = CommissionId::from_uuid(Uuid::from_u128(20));

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn year() -> AcademicYear {
    AcademicYear::starting(2023).unwrap()
}

/// The people the tables ask, in the order of a row's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
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

const WHO: [Who; 6] = [Who::Director, Who::Deputy, Who::Head, Who::Teacher, Who::Colleague, Who::Outsider];

fn actor(who: Who, kind: PlanKind) -> PlanActor {
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

fn owner(kind: PlanKind) -> Owner {
    match kind {
        PlanKind::School | PlanKind::PedagogicalCouncil => Owner::School(SCHOOL),
        PlanKind::Commission => Owner::Commission(COMMISSION),
        PlanKind::Individual => Owner::Teacher(TEACHER),
    }
}

fn item() -> Item {
    Item {
        id: ItemId::from_uuid(Uuid::from_u128(30)),
        position: 1,
        title: "Ачык сабак".into(),
        description: None,
        form: "open_lesson".into(),
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

fn plan(kind: PlanKind, status: PlanStatus) -> Plan {
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
        approved: None,
        items: vec![item()],
        version: 1,
        created_at: chrono::DateTime::default(),
        updated_at: chrono::DateTime::default(),
    }
}

fn meeting(body: Body, status: MeetingStatus) -> Meeting {
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
fn reviewing_body(kind: PlanKind) -> Body {
    match kind {
        PlanKind::School | PlanKind::Individual => Body::MethodologicalCouncil,
        PlanKind::Commission => Body::Commission(COMMISSION),
        PlanKind::PedagogicalCouncil => Body::PedagogicalCouncil,
    }
}

const CONTEXT: PlanContext = PlanContext { school_theme_set: true, commission_approved: true };

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
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
enum Out {
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

fn run(p: &Plan, a: &PlanActor, cmd: Cmd) -> Out {
    let today = day(2023, 9, 14);
    let held = meeting(reviewing_body(p.kind), MeetingStatus::Held);
    let moved = |r: Result<Transition, Out>| match r {
        Ok(t) => To(t.to.code(p.kind)),
        Err(o) => o,
    };
    let step = |kind: StepKind| {
        moved(p.take_step(kind, a, Some(&held), None, today).map_err(|e| match e {
            StepError::WrongState { .. } => State,
            StepError::NotYours => No,
            StepError::Invalid(_) => Invalid,
        }))
    };
    let yes = |ok: bool| if ok { Yes } else { No };
    match cmd {
        Cmd::Read => yes(may_read(p, a)),
        Cmd::Draft => yes(may_draft(p.kind, p.owner, a)),
        Cmd::Submit => moved(p.submit(a, CONTEXT, None).map_err(|e| match e {
            SubmitError::NotYours => No,
            SubmitError::WrongState { .. } => State,
            SubmitError::Comment(_) | SubmitError::Incomplete(_) => Invalid,
        })),
        Cmd::Withdraw => moved(p.withdraw(a).map_err(|e| match e {
            WithdrawError::NotYours => No,
            WithdrawError::WrongState { .. } => State,
        })),
        Cmd::Review => step(StepKind::Review),
        Cmd::Agree => step(StepKind::Agree),
        Cmd::Approve => step(StepKind::Approve),
        Cmd::Return => moved(p.return_to_draft(a, "Мөөнөттөрдү тактаңыз").map_err(|e| match e {
            ReturnError::WrongState { .. } => State,
            ReturnError::NotYours => No,
            ReturnError::Comment(_) => Invalid,
        })),
        Cmd::Amend => match p.amend(a) {
            Ok(v) => New(v.version_no),
            Err(AmendError::NotYours) => No,
            Err(AmendError::WrongState { .. }) => State,
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

const DRAFT: PlanStatus = PlanStatus::Draft;
const SUBMITTED: PlanStatus = PlanStatus::InRoute { steps_done: 0 };
const ONE_STEP: PlanStatus = PlanStatus::InRoute { steps_done: 1 };
const TWO_STEPS: PlanStatus = PlanStatus::InRoute { steps_done: 2 };
const APPROVED: PlanStatus = PlanStatus::Approved;
const SUPERSEDED: PlanStatus = PlanStatus::Superseded;

/// A row: in this state, this command answers, for [director, deputy, head, teacher,
/// colleague, outsider] in turn.
type Row = (PlanStatus, Cmd, [Out; 6]);

fn check_table(kind: PlanKind, rows: &[Row]) {
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

#[test]
fn a_draft_never_submitted_is_deleted_by_its_drafter_and_one_submitted_once_is_kept() {
    let mut p = plan(PlanKind::School, DRAFT);
    p.ever_submitted = false;
    let deputy = actor(Who::Deputy, PlanKind::School);
    assert_eq!(p.check_delete(&deputy), Ok(()));
    assert_eq!(p.check_delete(&actor(Who::Teacher, PlanKind::School)), Err(DeleteError::NotYours));
    p.ever_submitted = true;
    assert_eq!(p.check_delete(&deputy), Err(DeleteError::WasSubmitted));
    p.status = SUBMITTED;
    assert_eq!(p.check_delete(&deputy), Err(DeleteError::NotDraft));
}

#[test]
fn a_teacher_on_no_commission_has_the_plan_agreed_by_the_deputy_r_3_2_1() {
    let p = plan(PlanKind::Individual, SUBMITTED);
    let deputy = PlanActor {
        teacher_has_no_commission: true,
        ..PlanActor::plain(Caller::Staff { id: DEPUTY, role: Role::Deputy })
    };
    let t = p.take_step(StepKind::Agree, &deputy, None, None, day(2023, 9, 14));
    assert_eq!(t.map(|t| (t.to, t.by, t.role)), Ok((ONE_STEP, DEPUTY, Role::Deputy)));
    // The director does not stand in on a teacher's plan.
    let director = PlanActor {
        teacher_has_no_commission: true,
        ..PlanActor::plain(Caller::Staff { id: DIRECTOR, role: Role::Director })
    };
    assert_eq!(p.take_step(StepKind::Agree, &director, None, None, day(2023, 9, 14)), Err(StepError::NotYours));
}

#[test]
fn nobody_agrees_or_approves_their_own_plan_and_the_director_stands_in_for_the_deputy_r_3_2_1() {
    let mut p = plan(PlanKind::Individual, SUBMITTED);
    p.owner = Owner::Teacher(DEPUTY);
    let facts = PlanActor {
        teacher_has_no_commission: true,
        owner_is_deputy: true,
        ..PlanActor::plain(Caller::Staff { id: DEPUTY, role: Role::Deputy })
    };
    let today = day(2023, 9, 14);
    assert_eq!(p.take_step(StepKind::Agree, &facts, None, None, today), Err(StepError::NotYours));
    assert_eq!(p.return_to_draft(&facts, "x"), Err(ReturnError::NotYours), "nor returns it");
    let director = PlanActor { caller: Caller::Staff { id: DIRECTOR, role: Role::Director }, ..facts };
    let agreed = p.take_step(StepKind::Agree, &director, None, None, today).map(|t| t.to);
    assert_eq!(agreed, Ok(ONE_STEP));
    p.status = ONE_STEP;
    assert_eq!(p.take_step(StepKind::Approve, &facts, None, None, today), Err(StepError::NotYours));
    let approved = p.take_step(StepKind::Approve, &director, None, None, today);
    assert_eq!(approved.map(|t| t.approved), Ok(Some((DIRECTOR, today))));
}

#[test]
fn a_review_cites_a_held_meeting_of_the_body_the_route_names_r_5_1_r_5_3_r_3_2_2f() {
    let today = day(2023, 9, 14);
    let review = |kind: PlanKind, m: Option<&Meeting>, remark: Option<&str>| {
        let p = plan(kind, SUBMITTED);
        p.take_step(StepKind::Review, &actor(Who::Director, kind), m, remark, today)
    };
    let invalid = |problems: Vec<StepProblem>| Err(StepError::Invalid(problems));
    let held = |body| meeting(body, MeetingStatus::Held);
    // the unified plan at the methodological council, not the pedagogical one.
    assert_eq!(
        review(PlanKind::School, Some(&held(Body::PedagogicalCouncil)), None),
        invalid(vec![StepProblem::WrongBody])
    );
    // R-3.2.2f: a commission's plan at that commission's meeting, not another's.
    let other = Body::Commission(CommissionId::from_uuid(Uuid::from_u128(21)));
    assert_eq!(review(PlanKind::Commission, Some(&held(other)), None), invalid(vec![StepProblem::WrongBody]));
    // the minutes are cited, so the meeting has been held.
    let scheduled = meeting(Body::MethodologicalCouncil, MeetingStatus::Scheduled);
    assert_eq!(review(PlanKind::School, Some(&scheduled), None), invalid(vec![StepProblem::MeetingNotHeld]));
    assert_eq!(review(PlanKind::School, None, None), invalid(vec![StepProblem::UnknownMeeting]));
    let mut elsewhere = held(Body::MethodologicalCouncil);
    elsewhere.school = SchoolId::from_uuid(Uuid::from_u128(11));
    assert_eq!(review(PlanKind::School, Some(&elsewhere), None), invalid(vec![StepProblem::UnknownMeeting]));
    // Every problem of the input at once.
    let long = "я".repeat(COMMENT_MAX + 1);
    assert_eq!(
        review(PlanKind::School, Some(&held(Body::PedagogicalCouncil)), Some(&long)),
        invalid(vec![StepProblem::Comment(TextError::TooLong { max: COMMENT_MAX }), StepProblem::WrongBody])
    );
    // A finalized meeting's number and date stand on the plan.
    let finalized = meeting(Body::PedagogicalCouncil, MeetingStatus::Finalized);
    let t = review(PlanKind::PedagogicalCouncil, Some(&finalized), Some(" Каралды "));
    let t = t.map(|t| (t.review, t.comment, t.approved));
    assert_eq!(
        t,
        Ok((
            Some(ReviewRecord { meeting: finalized.id, protocol_number: Some(1), date: day(2023, 9, 8) }),
            Some("Каралды".to_owned()),
            None
        ))
    );
}

#[test]
fn submission_refuses_a_long_comment_then_lists_every_problem_at_once_r_5_1_r_3_2_1_r_3_2_2f() {
    let mut p = plan(PlanKind::Individual, DRAFT);
    let teacher = actor(Who::Teacher, PlanKind::Individual);
    let long = "я".repeat(COMMENT_MAX + 1);
    assert_eq!(
        p.submit(&teacher, CONTEXT, Some(&long)),
        Err(SubmitError::Comment(TextError::TooLong { max: COMMENT_MAX }))
    );
    p.items[0].due = None;
    p.personal_theme = None;
    let no_theme = PlanContext { school_theme_set: false, commission_approved: false };
    assert_eq!(
        p.submit(&teacher, no_theme, Some("Тапшырдым")),
        Err(SubmitError::Incomplete(vec![
            SubmitProblem::ItemWithoutDeadline { position: 1 },
            SubmitProblem::NoPersonalTheme,
            SubmitProblem::NoSchoolTheme,
        ]))
    );
    let c = plan(PlanKind::Commission, DRAFT);
    let head = actor(Who::Head, PlanKind::Commission);
    assert_eq!(
        c.submit(&head, PlanContext { school_theme_set: true, commission_approved: false }, None),
        Err(SubmitError::Incomplete(vec![SubmitProblem::CommissionNotApproved]))
    );
    let ok = c.submit(&head, CONTEXT, Some("Тапшырдым")).map(|t| (t.action, t.role, t.submits(), t.comment));
    assert_eq!(ok, Ok((PlanAction::Submit, Role::Teacher, true, Some("Тапшырдым".to_owned()))));
}

#[test]
fn a_return_says_why_and_the_route_starts_again_r_5_1() {
    let mut p = plan(PlanKind::School, ONE_STEP);
    p.review = Some(ReviewRecord {
        meeting: MeetingId::from_uuid(Uuid::from_u128(50)),
        protocol_number: Some(1),
        date: day(2023, 9, 8),
    });
    let director = actor(Who::Director, PlanKind::School);
    assert_eq!(p.return_to_draft(&director, "  "), Err(ReturnError::Comment(TextError::Empty)));
    let t = p.return_to_draft(&director, "Мөөнөттөрдү тактаңыз");
    let t = t.unwrap();
    assert_eq!((t.from, t.to, t.comment.as_deref()), (ONE_STEP, DRAFT, Some("Мөөнөттөрдү тактаңыз")));
    p.apply(&t);
    assert_eq!((p.status, p.review), (DRAFT, None));
    assert_eq!(p.allowed(), vec![PlanAction::Submit, PlanAction::Rollover]);
}

#[test]
fn every_route_walks_from_draft_to_approved_by_the_people_the_table_names() {
    let today = day(2023, 9, 20);
    type Route = (PlanKind, &'static [(StepKind, Who)], Who);
    let routes: [Route; 4] = [
        (PlanKind::School, &[(StepKind::Review, Who::Deputy), (StepKind::Approve, Who::Director)], Who::Director),
        (
            PlanKind::Commission,
            &[(StepKind::Review, Who::Head), (StepKind::Agree, Who::Deputy), (StepKind::Approve, Who::Director)],
            Who::Director,
        ),
        (PlanKind::Individual, &[(StepKind::Agree, Who::Head), (StepKind::Approve, Who::Deputy)], Who::Deputy),
        (
            PlanKind::PedagogicalCouncil,
            &[(StepKind::Review, Who::Deputy), (StepKind::Approve, Who::Director)],
            Who::Director,
        ),
    ];
    for (kind, steps, approver) in routes {
        let mut p = plan(kind, DRAFT);
        let drafter = if kind == PlanKind::Individual { Who::Teacher } else { Who::Director };
        let submitted = p.submit(&actor(drafter, kind), CONTEXT, None);
        let t = submitted.unwrap();
        p.apply(&t);
        let held = meeting(reviewing_body(kind), MeetingStatus::Finalized);
        for (step, who) in steps {
            let taken = p.take_step(*step, &actor(*who, kind), Some(&held), None, today);
            let t = taken.unwrap();
            p.apply(&t);
        }
        assert_eq!(p.status, APPROVED, "{kind:?}");
        assert!(p.ever_submitted);
        let approver_id = match approver {
            Who::Deputy => DEPUTY,
            _ => DIRECTOR,
        };
        assert_eq!(p.approved, Some((approver_id, today)), "{kind:?}");
        assert_eq!(p.review.is_some(), steps.iter().any(|(s, _)| *s == StepKind::Review), "{kind:?}");
    }
}

#[test]
fn an_amendment_and_a_rollover_are_drafts_with_progress_reset_and_a_rollover_shifts_dates_a_year() {
    let p = plan(PlanKind::School, APPROVED);
    let deputy = actor(Who::Deputy, PlanKind::School);
    let amended = p.amend(&deputy);
    let v2 = amended.unwrap();
    assert_eq!((v2.version_no, v2.origin, v2.year), (2, Origin::Amendment(p.id), p.year));
    assert_eq!(v2.items[0].progress, Progress::Planned);
    assert_eq!((v2.items[0].completed_on.as_ref(), v2.items[0].outcome.as_ref()), (None, None));
    assert_eq!(v2.items[0].due, Some(day(2023, 11, 20)));
    let rolled = p.roll_over(&deputy);
    let next = rolled.unwrap();
    assert_eq!((next.version_no, next.origin, next.year.start_year()), (1, Origin::Rollover(p.id), 2024));
    assert_eq!(next.items[0].due, Some(day(2024, 11, 20)));
    assert_eq!(next.items[0].progress, Progress::Planned);
}

#[test]
fn a_plan_is_started_by_the_drafter_the_route_table_names_r_5_1_r_3_2_2f_r_3_2_1() {
    let header = || Header { title: "План".into(), goal: None, personal_theme: None };
    let started = |kind, who| start(kind, owner(kind), year(), header(), &actor(who, kind)).map(|v| v.version_no);
    assert_eq!(started(PlanKind::School, Who::Deputy), Ok(1));
    assert_eq!(started(PlanKind::School, Who::Head), Err(StartError::NotYours));
    assert_eq!(started(PlanKind::Commission, Who::Head), Ok(1));
    assert_eq!(started(PlanKind::Commission, Who::Deputy), Err(StartError::NotYours));
    assert_eq!(started(PlanKind::Individual, Who::Teacher), Ok(1));
    assert_eq!(started(PlanKind::Individual, Who::Director), Err(StartError::NotYours));
    assert_eq!(started(PlanKind::PedagogicalCouncil, Who::Outsider), Err(StartError::NotYours));
}

#[test]
fn one_read_rule_serves_a_single_read_and_the_list_r_3_2_1() {
    let district =
        Actor::DistrictUser { id: staff(9), district: crate::ids::DistrictId::from_uuid(Uuid::from_u128(60)) };
    assert_eq!(Caller::at(district, SCHOOL), Caller::Outsider);
    let elsewhere = Actor::SchoolStaff {
        id: TEACHER,
        school: SchoolId::from_uuid(Uuid::from_u128(11)),
        district: crate::ids::DistrictId::from_uuid(Uuid::from_u128(60)),
        role: Role::Teacher,
    };
    assert_eq!(Caller::at(elsewhere, SCHOOL), Caller::Outsider, "another school's staff act on nothing here");
    assert_eq!(ReadScope::of(Caller::Outsider), ReadScope::All);
    assert_eq!(ReadScope::of(Caller::Staff { id: DEPUTY, role: Role::Deputy }), ReadScope::All);
    assert_eq!(ReadScope::of(Caller::Staff { id: DIRECTOR, role: Role::Director }), ReadScope::All);
    assert_eq!(ReadScope::of(Caller::Staff { id: HEAD, role: Role::Teacher }), ReadScope::OwnAndLed(HEAD));
    // The list's filter reads "own, or led, or not an individual plan": the same answers.
    for kind in PlanKind::ALL {
        for who in WHO {
            let a = actor(who, kind);
            let p = plan(kind, DRAFT);
            let by_scope = match (ReadScope::of(a.caller), p.owner) {
                (ReadScope::OwnAndLed(me), Owner::Teacher(t)) => t == me || a.heads_teachers_commission,
                _ => true,
            };
            assert_eq!(may_read(&p, &a), by_scope, "{kind:?} {who:?}");
        }
    }
}
