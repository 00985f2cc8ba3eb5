//! The rules around the tables: deleting, agreeing without a commission, one's own plan, the
//! meeting a review cites, submission problems, returns, whole routes, new versions, starting a
//! plan and the read rule (R-3.2.1, R-3.2.2f, R-5.1, R-5.3).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::table_tests::*;
use super::*;
use crate::ids::{CommissionId, ItemId, MeetingId, SchoolId};
use crate::meeting::{Body, Meeting, MeetingStatus};
use crate::policy::Actor;
use crate::staff::Role;
use crate::values::TextError;
use uuid::Uuid;

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
    assert_eq!(p.return_to_draft(&facts, "x", day(2023, 9, 14)), Err(ReturnError::NotYours), "nor returns it");
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
        p.submit(&teacher, CONTEXT, Some(&long), day(2023, 9, 1)),
        Err(SubmitError::Comment(TextError::TooLong { max: COMMENT_MAX }))
    );
    std::sync::Arc::make_mut(&mut p.items)[0].due = None;
    p.personal_theme = None;
    let no_theme = PlanContext { school_theme_set: false, commission_approved: false };
    assert_eq!(
        p.submit(&teacher, no_theme, Some("Тапшырдым"), day(2023, 9, 1)),
        Err(SubmitError::Incomplete(vec![
            SubmitProblem::ItemWithoutDeadline { position: 1 },
            SubmitProblem::NoPersonalTheme,
            SubmitProblem::NoSchoolTheme,
        ]))
    );
    let c = plan(PlanKind::Commission, DRAFT);
    let head = actor(Who::Head, PlanKind::Commission);
    assert_eq!(
        c.submit(&head, PlanContext { school_theme_set: true, commission_approved: false }, None, day(2023, 9, 1)),
        Err(SubmitError::Incomplete(vec![SubmitProblem::CommissionNotApproved]))
    );
    let ok = c
        .submit(&head, CONTEXT, Some("Тапшырдым"), day(2023, 9, 1))
        .map(|t| (t.action, t.role, t.submits(), t.comment));
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
    assert_eq!(p.return_to_draft(&director, "  ", day(2023, 9, 14)), Err(ReturnError::Comment(TextError::Empty)));
    let t = p.return_to_draft(&director, "Мөөнөттөрдү тактаңыз", day(2023, 9, 14));
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
        let submitted = p.submit(&actor(drafter, kind), CONTEXT, None, day(2023, 9, 1));
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
fn an_amendment_keeps_progress_a_rollover_resets_it_and_shifts_dates_a_year() {
    let p = plan(PlanKind::School, APPROVED);
    let deputy = actor(Who::Deputy, PlanKind::School);
    let amended = p.amend(&deputy);
    let v2 = amended.unwrap();
    assert_eq!((v2.version_no, v2.origin, v2.year), (2, Origin::Amendment(p.id), p.year));
    assert_eq!(v2.items[0].progress, Progress::Done, "an amendment keeps recorded progress");
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

#[test]
fn a_refused_move_names_what_the_state_allows_and_an_actors_scope_matches_its_callers() {
    let p = plan(PlanKind::School, SUBMITTED);
    let early = p.take_step(StepKind::Approve, &actor(Who::Director, PlanKind::School), None, None, day(2023, 9, 14));
    let allowed = vec![PlanAction::Review, PlanAction::Return, PlanAction::Withdraw, PlanAction::Rollover];
    assert_eq!(
        early,
        Err(StepError::WrongState(NotNow { action: PlanAction::Approve, status: StatusName::Submitted, allowed }))
    );
    let district = crate::ids::DistrictId::from_uuid(Uuid::from_u128(60));
    for role in [Role::Director, Role::Deputy, Role::Teacher] {
        let a = Actor::SchoolStaff { id: HEAD, school: SCHOOL, district, role };
        assert_eq!(ReadScope::of_actor(a), ReadScope::of(Caller::at(a, SCHOOL)), "{role:?}");
    }
    assert_eq!(ReadScope::of_actor(Actor::DistrictUser { id: staff(9), district }), ReadScope::All);
}

#[test]
fn execution_counts_marks_overdue_items_and_each_responsible_person() {
    let mut p = plan(PlanKind::School, APPROVED);
    let mut late = item();
    late.id = ItemId::from_uuid(Uuid::from_u128(31));
    late.position = 2;
    late.progress = Progress::PartlyDone;
    late.responsible = vec![COLLEAGUE, TEACHER];
    std::sync::Arc::make_mut(&mut p.items).push(late);
    let e = p.execution(day(2024, 1, 10));
    assert_eq!(e.items, 2);
    assert_eq!(e.percent_done, 50.0);
    assert_eq!(e.overdue.iter().map(|i| i.position).collect::<Vec<_>>(), vec![2]);
    assert!(e.by_status.contains(&(Progress::Done, 1)) && e.by_status.contains(&(Progress::Cancelled, 0)));
    let colleague = e.by_responsible.iter().find(|r| r.staff == COLLEAGUE).copied();
    assert_eq!(colleague, Some(PersonExecution { staff: COLLEAGUE, items: 2, done: 1, overdue: 1 }));
    assert_eq!(p.reviewing_body(), Some(crate::meeting::BodyKind::MethodologicalCouncil));
    assert_eq!(plan(PlanKind::Individual, DRAFT).reviewing_body(), None);
}
