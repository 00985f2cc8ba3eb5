//! The route table, statuses, submission checks, progress and dates, one rule at a time.

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

#[test]
fn the_unified_plan_is_reviewed_by_the_methodological_council_then_approved_by_the_director_r_5_1() {
    let (drafter, steps) = route(PlanKind::School);
    assert_eq!(drafter, Drafter::Deputy);
    assert_eq!(
        steps,
        &[
            step(StepKind::Review, StepActor::Body(BodyKind::MethodologicalCouncil)),
            step(StepKind::Approve, StepActor::Director)
        ]
    );
}

#[test]
fn a_commission_plan_is_reviewed_agreed_and_approved_r_3_2_2f() {
    let kinds: Vec<StepKind> = route(PlanKind::Commission).1.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, vec![StepKind::Review, StepKind::Agree, StepKind::Approve]);
    assert_eq!(route(PlanKind::Commission).0, Drafter::CommissionHead);
}

#[test]
fn an_individual_plan_is_agreed_by_the_head_and_approved_by_the_deputy_r_3_2_1() {
    let (drafter, steps) = route(PlanKind::Individual);
    assert_eq!(drafter, Drafter::Teacher);
    assert_eq!(steps, &[step(StepKind::Agree, StepActor::TeachersHead), step(StepKind::Approve, StepActor::Deputy)]);
}

#[test]
fn statuses_follow_the_route() {
    let k = PlanKind::Commission;
    assert_eq!(PlanStatus::InRoute { steps_done: 0 }.code(k), "submitted");
    assert_eq!(PlanStatus::InRoute { steps_done: 1 }.code(k), "reviewed");
    assert_eq!(PlanStatus::InRoute { steps_done: 2 }.code(k), "agreed");
    assert_eq!(next_step(k, PlanStatus::InRoute { steps_done: 2 }).map(|s| s.kind), Some(StepKind::Approve));
    assert_eq!(next_step(k, PlanStatus::Draft), None);
}

#[test]
fn the_allowed_actions_are_listed_for_a_refusal() {
    let allowed_actions = |k, s| allowed(k, s).into_iter().map(PlanAction::code).collect::<Vec<_>>();
    assert_eq!(
        allowed_actions(PlanKind::School, PlanStatus::InRoute { steps_done: 0 }),
        vec!["review", "return", "withdraw", "rollover"]
    );
    assert_eq!(
        allowed_actions(PlanKind::School, PlanStatus::InRoute { steps_done: 1 }),
        vec!["approve", "return", "rollover"]
    );
    assert_eq!(allowed_actions(PlanKind::School, PlanStatus::Approved), vec!["amend", "rollover"]);
}

#[test]
fn only_the_right_people_take_each_step() {
    let director = ActorFacts { is_director: true, ..ActorFacts::default() };
    let deputy = ActorFacts { is_deputy: true, ..ActorFacts::default() };
    let head = ActorFacts { heads_teachers_commission: true, ..ActorFacts::default() };
    let teacher = ActorFacts::default();
    let approve = step(StepKind::Approve, StepActor::Director);
    assert!(may_take(approve, director));
    assert!(!may_take(approve, deputy));
    assert!(!may_take(approve, teacher), "a teacher approves nothing");
    let agree = step(StepKind::Agree, StepActor::TeachersHead);
    assert!(may_take(agree, head));
    assert!(!may_take(agree, deputy), "the deputy agrees only when the teacher has no commission");
    assert!(may_take(agree, ActorFacts { is_deputy: true, teacher_has_no_commission: true, ..ActorFacts::default() }));
    let own = ActorFacts { is_deputy: true, teacher_has_no_commission: true, owns_plan: true, ..ActorFacts::default() };
    assert!(!may_take(agree, own), "nobody agrees their own plan");
    assert!(!may_take(step(StepKind::Approve, StepActor::Deputy), own), "nobody approves their own plan");
    let director_for_deputy = ActorFacts {
        is_director: true,
        teacher_has_no_commission: true,
        owner_is_deputy: true,
        ..ActorFacts::default()
    };
    assert!(may_take(agree, director_for_deputy), "the director stands in for the deputy");
    assert!(may_take(step(StepKind::Approve, StepActor::Deputy), director_for_deputy));
    assert!(!may_take(step(StepKind::Approve, StepActor::Deputy), director), "but not on a teacher's plan");
}

#[test]
fn submission_lists_every_problem_at_once_r_5_1_r_3_2_1() {
    let f = SubmitFacts {
        kind: PlanKind::Individual,
        items: vec![
            ItemFacts { position: 1, due: None, responsible: 0 },
            ItemFacts { position: 2, due: Some(d(2023, 3, 1)), responsible: 1 },
        ],
        personal_theme: Some("  ".into()),
        school_theme_set: false,
        commission_approved: false,
    };
    assert_eq!(
        check_submit(&f),
        Err(vec![
            SubmitProblem::ItemWithoutDeadline { position: 1 },
            SubmitProblem::ItemWithoutResponsible { position: 1 },
            SubmitProblem::NoPersonalTheme,
            SubmitProblem::NoSchoolTheme,
        ])
    );
    assert_eq!(
        check_submit(&SubmitFacts {
            kind: PlanKind::School,
            items: vec![],
            personal_theme: None,
            school_theme_set: true,
            commission_approved: false
        }),
        Err(vec![SubmitProblem::NoItems])
    );
}

#[test]
fn a_commission_plan_needs_an_approved_commission() {
    let f = SubmitFacts {
        kind: PlanKind::Commission,
        items: vec![ItemFacts { position: 1, due: Some(d(2022, 10, 1)), responsible: 1 }],
        personal_theme: None,
        school_theme_set: true,
        commission_approved: false,
    };
    assert_eq!(check_submit(&f), Err(vec![SubmitProblem::CommissionNotApproved]));
}

#[test]
fn overdue_items_are_past_due_and_not_done() {
    let today = d(2023, 3, 1);
    assert!(is_overdue(Some(d(2023, 2, 1)), Progress::Planned, today));
    assert!(!is_overdue(Some(d(2023, 2, 1)), Progress::Done, today));
    assert!(!is_overdue(Some(d(2023, 2, 1)), Progress::Cancelled, today));
    assert!(!is_overdue(Some(d(2023, 3, 1)), Progress::Planned, today));
    assert_eq!(percent_done(&[Progress::Done, Progress::Planned, Progress::Cancelled]), 50.0);
    assert_eq!(percent_done(&[Progress::Done, Progress::NotDone, Progress::Planned]), 33.3);
}

#[test]
fn rolling_over_shifts_dates_by_a_year() {
    assert_eq!(next_year_date(d(2022, 9, 15)), d(2023, 9, 15));
    assert_eq!(next_year_date(d(2024, 2, 29)), d(2025, 2, 28));
}

#[test]
fn a_status_name_covers_the_in_route_states_it_names_for_every_kind() {
    assert_eq!(
        StatusName::Reviewed.in_route(),
        vec![(PlanKind::School, 1), (PlanKind::Commission, 1), (PlanKind::PedagogicalCouncil, 1)]
    );
    assert_eq!(StatusName::Agreed.in_route(), vec![(PlanKind::Commission, 2), (PlanKind::Individual, 1)]);
    assert_eq!(StatusName::Submitted.in_route().len(), 4);
    assert!(StatusName::Approved.in_route().is_empty());
    for name in StatusName::ALL {
        assert_eq!(StatusName::parse(name.code()), Some(name));
    }
}
