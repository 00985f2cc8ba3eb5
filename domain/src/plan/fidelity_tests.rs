//! The rules issue 11 asked for: items with no catalogue form, a return that says why,
//! progress carried over by an amendment, the dates decisions carry, adding many items at once
//! (R-3.2.2g, R-5.1, R-5.3).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::table_tests::*;
use super::*;

#[test]
fn an_item_needs_no_catalogue_form_but_a_given_form_is_in_the_catalogue_r_3_2_2g() {
    assert_eq!(item_form(None), Ok(None), "preparing assessment tasks has no catalogue form");
    assert_eq!(item_form(Some("open_lesson")), Ok(Some("open_lesson".to_owned())));
    assert_eq!(item_form(Some("juggling")), Err(UnknownForm));
    // A plan whose items have no form is submitted like any other (R-5.1 asks deadlines and
    // responsible people, not forms).
    let mut p = plan(PlanKind::Commission, DRAFT);
    p.items[0].form = None;
    let t = p.submit(&actor(Who::Head, PlanKind::Commission), CONTEXT, None).unwrap();
    assert_eq!(t.to, PlanStatus::InRoute { steps_done: 0 });
}
