//! Unit tests of the commission rules, and the table of its commands.

use super::*;

fn settings() -> SchoolSettings {
    SchoolSettings::default()
}
fn years(n: i64) -> Experience {
    Experience::parse(n).unwrap_or_else(|_| panic!("bad years"))
}
fn member(id: StaffId, subjects: &[SubjectId], y: i64) -> MemberFacts {
    MemberFacts { id, subjects: subjects.to_vec(), experience: years(y), active: true }
}
fn commission(subjects: &[SubjectId], members: &[StaffId], head: Option<StaffId>) -> Commission {
    Commission {
        id: CommissionId::new(),
        school: SchoolId::new(),
        year: AcademicYear::starting(2022).unwrap_or_else(|_| panic!("year")),
        name: Name::parse("Табигый илимдер").unwrap_or_else(|_| panic!("name")),
        subjects: subjects.to_vec(),
        head,
        members: members.to_vec(),
        status: CommissionStatus::Draft,
        approved_by_order: None,
        dissolved_by_order: None,
        version: 1,
        created_at: DateTime::<Utc>::MIN_UTC,
        updated_at: DateTime::<Utc>::MIN_UTC,
    }
}

#[test]
fn three_members_teaching_its_subject_and_an_experienced_head_approve_r_3_2_2a_c() {
    let maths = SubjectId::new();
    let (a, b, c) = (StaffId::new(), StaffId::new(), StaffId::new());
    let facts = [member(a, &[maths], 12), member(b, &[maths], 3), member(c, &[maths], 1)];
    let k = commission(&[maths], &[a, b, c], Some(a));
    assert_eq!(check_approval(&k, &facts, settings()), Ok(()));
}

#[test]
fn two_qualified_members_are_too_few_and_the_refusal_names_the_others_r_3_2_2a() {
    let (maths, history) = (SubjectId::new(), SubjectId::new());
    let (a, b, c) = (StaffId::new(), StaffId::new(), StaffId::new());
    let facts = [member(a, &[maths], 12), member(b, &[maths], 3), member(c, &[history], 9)];
    let k = commission(&[maths], &[a, b, c], Some(a));
    assert_eq!(
        check_approval(&k, &facts, settings()),
        Err(vec![ApprovalProblem::TooFewQualified { qualified: 2, need: 3, not_teaching: vec![c] }])
    );
}

#[test]
fn a_member_teaching_any_of_several_related_subjects_counts_r_3_2_2a() {
    let (physics, maths) = (SubjectId::new(), SubjectId::new());
    let (a, b, c) = (StaffId::new(), StaffId::new(), StaffId::new());
    let facts = [member(a, &[physics], 12), member(b, &[maths], 3), member(c, &[maths, physics], 9)];
    let k = commission(&[physics, maths], &[a, b, c], Some(a));
    assert_eq!(check_approval(&k, &facts, settings()), Ok(()));
}

#[test]
fn a_head_with_less_than_the_school_minimum_is_refused_r_3_2_2c() {
    let maths = SubjectId::new();
    let (a, b, c) = (StaffId::new(), StaffId::new(), StaffId::new());
    let k = commission(&[maths], &[a, b, c], None);
    assert_eq!(
        check_head(&k, &member(b, &[maths], 3), settings()),
        Err(HeadProblem::TooLittleExperience { have: 3, need: 5 })
    );
    let strict = SchoolSettings { min_head_experience_years: 15, ..SchoolSettings::default() };
    assert_eq!(
        check_head(&k, &member(a, &[maths], 12), strict),
        Err(HeadProblem::TooLittleExperience { have: 12, need: 15 })
    );
}

#[test]
fn the_head_is_chosen_from_the_members_r_3_2_2c() {
    let maths = SubjectId::new();
    let (a, b, c, outsider) = (StaffId::new(), StaffId::new(), StaffId::new(), StaffId::new());
    let k = commission(&[maths], &[a, b, c], None);
    assert_eq!(check_head(&k, &member(outsider, &[maths], 20), settings()), Err(HeadProblem::NotMember));
}

#[test]
fn approval_without_a_head_lists_every_problem_r_3_2_2a_c() {
    let maths = SubjectId::new();
    let a = StaffId::new();
    let k = commission(&[maths], &[a], None);
    let problems = check_approval(&k, &[member(a, &[maths], 9)], settings()).err().unwrap_or_default();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.contains(&ApprovalProblem::NoHead));
}

#[test]
fn only_a_draft_is_approved() {
    let maths = SubjectId::new();
    let mut k = commission(&[maths], &[], None);
    k.status = CommissionStatus::Approved;
    assert_eq!(check_approval(&k, &[], settings()), Err(vec![ApprovalProblem::NotDraft(CommissionStatus::Approved)]));
}

#[test]
fn an_approved_commissions_members_change_only_by_order_r_3_2_2d() {
    assert_eq!(membership_change(CommissionStatus::Draft), ChangeRule::Free);
    assert_eq!(membership_change(CommissionStatus::Approved), ChangeRule::ByOrder);
    assert_eq!(membership_change(CommissionStatus::Dissolved), ChangeRule::Closed);
}

#[test]
fn head_rights_come_from_leading_an_approved_commission() {
    let a = StaffId::new();
    let mut k = commission(&[], &[a], Some(a));
    assert!(!k.is_led_by(a), "a draft's head has no rights yet");
    k.status = CommissionStatus::Approved;
    assert!(k.is_led_by(a));
    assert!(!k.is_led_by(StaffId::new()));
}
