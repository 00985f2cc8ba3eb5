//! The rules issue 11 asked for: items with no catalogue form, a return that says why,
//! progress carried over by an amendment, the dates decisions carry, adding many items at once
//! (R-3.2.2g, R-5.1, R-5.3).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::table_tests::*;
use super::*;
use crate::meeting::{Body, MeetingStatus};

#[test]
fn an_item_needs_no_catalogue_form_but_a_given_form_is_in_the_catalogue_r_3_2_2g() {
    assert_eq!(item_form(None), Ok(None), "preparing assessment tasks has no catalogue form");
    assert_eq!(item_form(Some("open_lesson")), Ok(Some("open_lesson".to_owned())));
    assert_eq!(item_form(Some("juggling")), Err(UnknownForm));
    // A plan whose items have no form is submitted like any other (R-5.1 asks deadlines and
    // responsible people, not forms).
    let mut p = plan(PlanKind::Commission, DRAFT);
    std::sync::Arc::make_mut(&mut p.items)[0].form = None;
    let t = p.submit(&actor(Who::Head, PlanKind::Commission), CONTEXT, None, day(2023, 9, 1)).unwrap();
    assert_eq!(t.to, PlanStatus::InRoute { steps_done: 0 });
}

#[test]
fn a_returned_plan_says_why_until_it_is_submitted_again_r_5_1() {
    let mut p = plan(PlanKind::School, ONE_STEP);
    let t =
        p.return_to_draft(&actor(Who::Director, PlanKind::School), "Мөөнөттөрдү тактаңыз", day(2023, 9, 14)).unwrap();
    assert_eq!(Plan::return_comment_after(&t), Some(Some("Мөөнөттөрдү тактаңыз".to_owned())));
    p.apply(&t);
    assert_eq!(p.return_comment.as_deref(), Some("Мөөнөттөрдү тактаңыз"));
    let again = p.submit(&actor(Who::Deputy, PlanKind::School), CONTEXT, None, day(2023, 9, 1)).unwrap();
    assert_eq!(Plan::return_comment_after(&again), Some(None));
    p.apply(&again);
    assert_eq!(p.return_comment, None, "a new submission clears the reason");
}

#[test]
fn amending_an_approved_plan_carries_recorded_progress_over_to_the_items_that_continue() {
    let p = plan(PlanKind::School, APPROVED);
    assert_eq!(p.items[0].progress, Progress::Done);
    let v2 = p.amend(&actor(Who::Deputy, PlanKind::School)).unwrap();
    let carried = &v2.items[0];
    assert_eq!(carried.progress, Progress::Done);
    assert_eq!(carried.completed_on, p.items[0].completed_on);
    assert_eq!(carried.outcome, p.items[0].outcome);
    assert_eq!(carried.evidence, p.items[0].evidence);
    // Next year's copy is new work: its progress starts afresh.
    let next = p.roll_over(&actor(Who::Deputy, PlanKind::School)).unwrap();
    assert_eq!((next.items[0].progress, next.items[0].completed_on.as_ref()), (Progress::Planned, None));
}

#[test]
fn replacing_a_drafts_items_numbers_them_in_list_order_and_only_the_drafter_may() {
    let p = plan(PlanKind::School, DRAFT);
    let mut second = item();
    second.title = "Семинар".into();
    second.position = 9;
    let items = vec![item(), second];
    let placed = p.replace_items(&actor(Who::Deputy, PlanKind::School), items.clone()).unwrap();
    let order: Vec<(u32, &str)> = placed.iter().map(|i| (i.position, i.title.as_str())).collect();
    assert_eq!(order, vec![(1, "Ачык сабак"), (2, "Семинар")]);
    assert!(placed.iter().all(|i| i.progress == Progress::Planned), "a draft's items are planned");
    assert_eq!(p.replace_items(&actor(Who::Teacher, PlanKind::School), items.clone()), Err(EditError::NotYours));
    let submitted = plan(PlanKind::School, SUBMITTED);
    assert_eq!(submitted.replace_items(&actor(Who::Deputy, PlanKind::School), items), Err(EditError::NotDraft));
}

#[test]
fn once_the_minutes_are_numbered_the_number_stands_on_the_reviewed_plan_r_5_1_r_5_3() {
    let p = plan(PlanKind::School, SUBMITTED);
    let held = meeting(Body::MethodologicalCouncil, MeetingStatus::Held);
    let t = p.take_step(StepKind::Review, &actor(Who::Deputy, PlanKind::School), Some(&held), None, day(2023, 9, 14));
    let review = t.unwrap().review.unwrap();
    assert_eq!(review.protocol_number, None, "a held meeting's minutes have no number yet");
    assert_eq!(review.as_numbered(Some(3)).protocol_number, Some(3), "finalized later as №3");
    assert_eq!(review.as_numbered(None), review, "still unnumbered");
}

#[test]
fn each_decision_is_dated_as_asked_never_in_the_future_nor_before_the_step_before_it() {
    use crate::decision::{DateProblem, Dated};
    let today = day(2026, 11, 30);
    let deputy = actor(Who::Deputy, PlanKind::School);
    let director = actor(Who::Director, PlanKind::School);
    let mut p = plan(PlanKind::School, DRAFT);
    // A paper year entered afterwards: submitted, reviewed and approved in 2023.
    let submitted = p.submit(&deputy, CONTEXT, None, Dated::on(Some(day(2023, 9, 1)), today)).unwrap();
    assert_eq!(submitted.decided_on, Some(day(2023, 9, 1)));
    p.apply(&submitted);
    let held = meeting(Body::MethodologicalCouncil, MeetingStatus::Held); // of 8 September 2023
    let early = p.take_step(StepKind::Review, &deputy, Some(&held), None, Dated::on(Some(day(2023, 9, 7)), today));
    assert_eq!(
        early,
        Err(StepError::Invalid(vec![StepProblem::Date(DateProblem::BeforePrevious { previous: day(2023, 9, 8) })])),
        "a review is not decided before its meeting"
    );
    let reviewed = p.take_step(StepKind::Review, &deputy, Some(&held), None, Dated::on(None, today)).unwrap();
    assert_eq!(reviewed.decided_on, Some(today), "by default today");
    let reviewed =
        p.take_step(StepKind::Review, &deputy, Some(&held), None, Dated::on(Some(day(2023, 9, 8)), today)).unwrap();
    p.apply(&reviewed);
    assert_eq!((p.reviewed_on, p.previous_decision()), (Some(day(2023, 9, 8)), Some(day(2023, 9, 8))));
    let future = p.take_step(StepKind::Approve, &director, None, None, Dated::on(Some(day(2026, 12, 1)), today));
    assert_eq!(future, Err(StepError::Invalid(vec![StepProblem::Date(DateProblem::InFuture { today })])));
    let before = p.return_to_draft(&director, "Тактаңыз", Dated::on(Some(day(2023, 9, 1)), today));
    assert_eq!(before, Err(ReturnError::Date(DateProblem::BeforePrevious { previous: day(2023, 9, 8) })));
    let approved = p.take_step(StepKind::Approve, &director, None, None, Dated::on(Some(day(2023, 9, 14)), today));
    let approved = approved.unwrap();
    assert_eq!((approved.decided_on, approved.approved), (Some(day(2023, 9, 14)), Some((DIRECTOR, day(2023, 9, 14)))));
}
