//! The commission's commands as a table: state × actor × command → outcome, each row a
//! sentence citing the regulation; then the details the table cannot show.

use super::command::{
    AddMembersRequest, CommissionChange, DraftRequest, EditRequest, Named, OrderRequest, RemovalRequest, draft,
};
use super::error::{AddMembersError, ApproveError, DraftError, RemoveMemberError};
use super::{ApprovalProblem, Commission, CommissionStatus, HeadProblem, Stint};
use crate::fixture::{Town, day};
use crate::form::{FieldProblem, Problem};
use crate::ids::{CommissionId, OrderId, StaffId};
use crate::lang::Lang;
use crate::policy::{Actor, Refusal};
use crate::values::{Name, TextError};
use crate::year::AcademicYear;
use chrono::{DateTime, Utc};
use std::fmt::Debug;

/// The mathematics commission of 2022-2023 in `status`: head, member, junior; headed by head.
fn commission(t: &Town, status: CommissionStatus) -> Commission {
    let approved = status != CommissionStatus::Draft;
    Commission {
        id: CommissionId::new(),
        school: t.school.id,
        year: AcademicYear::starting(2022).unwrap_or_else(|_| panic!("year")),
        name: Name::parse("Математика").unwrap_or_else(|_| panic!("name")),
        subjects: vec![t.maths],
        head: Some(t.head.id),
        members: if status == CommissionStatus::Dissolved { vec![] } else { vec![t.head.id, t.member.id, t.junior.id] },
        status,
        approved_by_order: approved.then(OrderId::new),
        dissolved_by_order: (status == CommissionStatus::Dissolved).then(OrderId::new),
        version: 3,
        created_at: DateTime::<Utc>::MIN_UTC,
        updated_at: DateTime::<Utc>::MIN_UTC,
    }
}

fn order(number: &str) -> OrderRequest {
    OrderRequest { number: number.into(), date: day(11, 14), title: None, decided: None }
}

#[derive(Debug, Clone, Copy)]
enum Cmd {
    Edit,
    AddByOrder,
    AddWithoutOrder,
    Remove,
    RemoveHead,
    RemoveStranger,
    AppointHead,
    Approve,
    Dissolve,
}

/// Runs a command and writes its outcome as `ok <audit action>` or the error's variant.
fn run(t: &Town, c: &Commission, by: &Actor, cmd: Cmd) -> String {
    let people = t.people();
    let named = Named { people: &people, unknown_subjects: &[] };
    let removal = |s: StaffId| RemovalRequest {
        staff: s,
        order_number: Some("302".into()),
        order_date: Some("2023-01-10".into()),
    };
    let add = |o: Option<OrderRequest>| AddMembersRequest { staff_ids: vec![t.newcomer.id], order: o };
    let (s, l) = (&t.school, Lang::Ky);
    match cmd {
        Cmd::Edit => show(c.edit(by, s, &EditRequest { name: Some("Жаңы".into()), ..EditRequest::default() }, named)),
        Cmd::AddByOrder => show(c.add_members(by, s, &add(Some(order("301"))), named, l)),
        Cmd::AddWithoutOrder => show(c.add_members(by, s, &add(None), named, l)),
        Cmd::Remove => show(c.remove_member(by, s, &removal(t.junior.id), l)),
        Cmd::RemoveHead => show(c.remove_member(by, s, &removal(t.head.id), l)),
        Cmd::RemoveStranger => show(c.remove_member(by, s, &removal(t.outsider.id), l)),
        Cmd::AppointHead => show(c.appoint_head(by, s, t.head.id, &people)),
        // Everyone the store knows is passed: only the members count (R-3.2.2a).
        Cmd::Approve => show(c.approve(by, s, &order("45"), &people, l)),
        Cmd::Dissolve => show(c.dissolve(by, s, &order("60"), l)),
    }
}

fn show<E: Debug>(r: Result<(Commission, CommissionChange), E>) -> String {
    match r {
        Ok((_, change)) => format!("ok {}", change.action()),
        Err(e) => format!("{e:?}"),
    }
}

#[test]
fn the_commission_commands_follow_the_table_r_3_2_2a_c_d() {
    use CommissionStatus::{Approved, Dissolved, Draft};
    let t = Town::new();
    let (director, deputy) = (crate::fixture::actor(&t.director), crate::fixture::actor(&t.deputy));
    let (head, stranger) = (crate::fixture::actor(&t.head), crate::fixture::actor(&t.stranger));
    let (methodologist, admin) = (t.methodologist, t.admin);
    #[rustfmt::skip]
    let table: Vec<(&str, CommissionStatus, Actor, Cmd, &str)> = vec![
        // A draft is the deputy's and the director's to shape (R-3.2.2).
        ("the deputy edits a draft", Draft, deputy, Cmd::Edit, "ok commission.update"),
        ("the director edits a draft", Draft, director, Cmd::Edit, "ok commission.update"),
        ("a teacher, even its future head, does not edit a draft", Draft, head, Cmd::Edit, "Refused(Forbidden)"),
        ("a district methodologist reads but does not edit r_3_1", Draft, methodologist, Cmd::Edit, "Refused(Forbidden)"),
        ("another school's director does not see the draft", Draft, stranger, Cmd::Edit, "Refused(NotFound)"),
        ("a draft's members change without an order r_3_2_2d", Draft, deputy, Cmd::AddWithoutOrder, "ok commission.update"),
        ("an order sent for a draft is not needed and not issued r_3_2_2d", Draft, deputy, Cmd::AddByOrder, "ok commission.update"),
        ("the head may leave a draft r_3_2_2c", Draft, deputy, Cmd::RemoveHead, "ok commission.update"),
        ("only a member is removed", Draft, deputy, Cmd::RemoveStranger, "NotAMember"),
        ("the director appoints a draft's head r_3_2_2c", Draft, director, Cmd::AppointHead, "ok commission.head"),
        ("the deputy does not appoint the head r_3_2_2c", Draft, deputy, Cmd::AppointHead, "Refused(Forbidden)"),
        ("the director approves by order r_3_2_2a_d", Draft, director, Cmd::Approve, "ok commission.approve"),
        ("the deputy does not approve r_3_2_2d", Draft, deputy, Cmd::Approve, "Refused(Forbidden)"),
        ("an administrator does not approve a school's commission", Draft, admin, Cmd::Approve, "Refused(Forbidden)"),
        ("a draft is not dissolved", Draft, director, Cmd::Dissolve, "NotApproved(Draft)"),
        // Once approved, membership changes cite the director's order (R-3.2.2d).
        ("an approved commission is not edited as a draft r_3_2_2d", Approved, deputy, Cmd::Edit, "NotDraft(Approved)"),
        ("not even by the director r_3_2_2d", Approved, director, Cmd::Edit, "NotDraft(Approved)"),
        ("the director adds a member by order r_3_2_2d", Approved, director, Cmd::AddByOrder, "ok commission.members"),
        ("an approved commission's members change only by order r_3_2_2d", Approved, director, Cmd::AddWithoutOrder, "OrderRequired"),
        ("the deputy does not issue orders r_3_2_2d", Approved, deputy, Cmd::AddByOrder, "Refused(Forbidden)"),
        ("a head does not change the membership r_3_2_2d", Approved, head, Cmd::AddByOrder, "Refused(Forbidden)"),
        ("the director removes a member by order r_3_2_2d", Approved, director, Cmd::Remove, "ok commission.members"),
        ("the head cannot leave an approved commission r_3_2_2c", Approved, director, Cmd::RemoveHead, "HeadCannotLeave"),
        ("removing someone who does not sit on it is not found", Approved, director, Cmd::RemoveStranger, "NotAMember"),
        ("the director replaces the head of an approved commission r_3_2_2c", Approved, director, Cmd::AppointHead, "ok commission.head"),
        ("approval happens once r_3_2_2d", Approved, director, Cmd::Approve, "NotDraft(Approved)"),
        ("the director dissolves by order", Approved, director, Cmd::Dissolve, "ok commission.dissolve"),
        ("the deputy does not dissolve", Approved, deputy, Cmd::Dissolve, "Refused(Forbidden)"),
        ("another school's director does not see it", Approved, stranger, Cmd::Dissolve, "Refused(NotFound)"),
        // A dissolved commission is closed.
        ("a dissolved commission takes no members", Dissolved, director, Cmd::AddByOrder, "Dissolved"),
        ("the deputy hears it is dissolved rather than forbidden", Dissolved, deputy, Cmd::AddByOrder, "Dissolved"),
        ("a teacher is still forbidden", Dissolved, head, Cmd::AddByOrder, "Refused(Forbidden)"),
        ("a dissolved commission loses no members", Dissolved, director, Cmd::Remove, "Dissolved"),
        ("a dissolved commission gets no head", Dissolved, director, Cmd::AppointHead, "Dissolved"),
        ("a dissolved commission is not edited", Dissolved, director, Cmd::Edit, "NotDraft(Dissolved)"),
        ("a dissolved commission is not approved", Dissolved, director, Cmd::Approve, "NotDraft(Dissolved)"),
        ("a commission is dissolved once", Dissolved, director, Cmd::Dissolve, "NotApproved(Dissolved)"),
    ];
    let failures: Vec<String> = table
        .iter()
        .filter_map(|(name, status, by, cmd, want)| {
            let got = run(&t, &commission(&t, *status), by, *cmd);
            (got != *want).then(|| format!("{name}: want {want}, got {got}"))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

fn draft_request(t: &Town, members: Vec<StaffId>) -> DraftRequest {
    DraftRequest {
        year: "2023-2024".into(),
        name: "Математика".into(),
        subject_ids: vec![t.maths],
        member_ids: members,
    }
}

#[test]
fn the_deputy_and_the_director_draft_a_commission_and_no_one_else_r_3_2_2() {
    let t = Town::new();
    let people = t.people();
    let named = Named { people: &people, unknown_subjects: &[] };
    let r = draft_request(&t, vec![t.head.id, t.member.id]);
    for (who, want) in [
        (crate::fixture::actor(&t.deputy), Ok(())),
        (crate::fixture::actor(&t.director), Ok(())),
        (crate::fixture::actor(&t.head), Err(DraftError::Refused(Refusal::Forbidden))),
        (t.methodologist, Err(DraftError::Refused(Refusal::Forbidden))),
        (t.admin, Err(DraftError::Refused(Refusal::Forbidden))),
        (crate::fixture::actor(&t.stranger), Err(DraftError::Refused(Refusal::NotFound))),
    ] {
        assert_eq!(draft(&who, &t.school, &r, named).map(|_| ()), want, "{who:?}");
    }
    let new = draft(&crate::fixture::actor(&t.deputy), &t.school, &r, named).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((new.school, new.members.len(), new.year.to_string()), (t.school.id, 2, "2023-2024".to_owned()));
}

#[test]
fn a_draft_names_every_bad_field_at_once() {
    let t = Town::new();
    let mut inactive = t.newcomer.clone();
    inactive.active = false;
    let people = vec![t.head.clone(), inactive.clone(), t.stranger.clone()];
    let unknown = [t.history];
    let named = Named { people: &people, unknown_subjects: &unknown };
    let r = DraftRequest {
        year: "2023-2025".into(),
        name: " ".into(),
        subject_ids: vec![t.history],
        member_ids: vec![t.head.id, t.stranger.id, inactive.id, StaffId::new(), t.head.id],
    };
    let Err(DraftError::Invalid(problems)) = draft(&crate::fixture::actor(&t.deputy), &t.school, &r, named) else {
        panic!("refused")
    };
    let at = |f: &str, p: Problem| FieldProblem { field: f.into(), problem: p };
    assert_eq!(
        problems,
        vec![
            at("year", Problem::InvalidYear),
            at("name", Problem::Text(TextError::Empty)),
            at("subject_ids[0]", Problem::UnknownReference),
            at("member_ids[1]", Problem::UnknownReference),
            at("member_ids[2]", Problem::Inactive),
            at("member_ids[3]", Problem::UnknownReference),
            at("member_ids[4]", Problem::Duplicate),
        ]
    );
    let none = DraftRequest { subject_ids: vec![], ..draft_request(&t, vec![]) };
    assert_eq!(
        draft(&crate::fixture::actor(&t.deputy), &t.school, &none, named),
        Err(DraftError::Invalid(vec![at("subject_ids", Problem::Required)])),
        "one subject at least r_3_2_2a"
    );
}

#[test]
fn replacing_a_drafts_members_drops_a_head_who_is_no_longer_one_r_3_2_2c() {
    let t = Town::new();
    let c = commission(&t, CommissionStatus::Draft);
    let people = t.people();
    let r = EditRequest { member_ids: Some(vec![t.member.id, t.junior.id]), ..EditRequest::default() };
    let (after, _) = c
        .edit(&crate::fixture::actor(&t.deputy), &t.school, &r, Named { people: &people, unknown_subjects: &[] })
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((after.head, after.members.len(), after.version), (None, 2, c.version + 1));
    let by = crate::fixture::actor(&t.deputy);
    let removal = RemovalRequest { staff: t.head.id, order_number: None, order_date: None };
    let (left, change) = c.remove_member(&by, &t.school, &removal, Lang::Ky).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((left.head, change), (None, CommissionChange::DraftMemberLeft(t.head.id)));
}

#[test]
fn approval_is_refused_with_every_reason_and_issues_no_order_r_3_2_2a_c() {
    let t = Town::new();
    let mut c = commission(&t, CommissionStatus::Draft);
    c.members = vec![t.head.id, t.member.id, t.outsider.id];
    c.head = Some(t.member.id);
    let members = vec![t.head.clone(), t.member.clone(), t.outsider.clone()];
    let got = c.approve(&crate::fixture::actor(&t.director), &t.school, &order("45"), &members, Lang::Ky);
    assert_eq!(
        got.map(|_| ()),
        Err(ApproveError::NotApprovable(vec![
            ApprovalProblem::TooFewQualified { qualified: 2, need: 3, not_teaching: vec![t.outsider.id] },
            ApprovalProblem::Head(HeadProblem::TooLittleExperience { have: 4, need: 5 }),
        ]))
    );
}

#[test]
fn the_approving_order_names_the_members_and_the_head_in_the_asked_language_r_3_2_2d() {
    let t = Town::new();
    let c = commission(&t, CommissionStatus::Draft);
    let members = vec![t.head.clone(), t.member.clone(), t.junior.clone()];
    let by = crate::fixture::actor(&t.director);
    let (after, change) =
        c.approve(&by, &t.school, &order("45"), &members, Lang::Ky).unwrap_or_else(|e| panic!("{e:?}"));
    let CommissionChange::Approved(issued) = &change else { panic!("{change:?}") };
    assert_eq!(after.status, CommissionStatus::Approved);
    assert_eq!(after.approved_by_order, Some(issued.id), "the commission cites the order it was approved by");
    assert_eq!(issued.order.number.as_str(), "45");
    assert_eq!(issued.order.title, "Циклдик усулдук комиссиянын курамын бекитүү жөнүндө");
    assert_eq!(
        issued.order.decided,
        "«Математика» комиссиясынын 2022-2023 окуу жылына курамы бекитилсин: Үсөнова А.Б., Абдыкадыров А.Б., \
         Шаршеналиева А.Б.. Жетекчиси — Үсөнова А.Б.."
    );
    let (_, ru) = c.approve(&by, &t.school, &order("45"), &members, Lang::Ru).unwrap_or_else(|e| panic!("{e:?}"));
    let title = ru.order().map(|o| o.order.title.clone());
    assert_eq!(title.as_deref(), Some("Об утверждении состава методической комиссии"));
    let own = OrderRequest { title: Some("Өз аталышы".into()), ..order("45") };
    let (_, own) = c.approve(&by, &t.school, &own, &members, Lang::Ru).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(own.order().map(|o| o.order.title.as_str()), Some("Өз аталышы"), "the director's own words stay");
    let bad = OrderRequest { number: " ".into(), ..order("45") };
    assert_eq!(
        c.approve(&by, &t.school, &bad, &members, Lang::Ky).map(|_| ()),
        Err(ApproveError::Invalid(vec![FieldProblem {
            field: "order.number".into(),
            problem: Problem::Text(TextError::Empty)
        }]))
    );
}

#[test]
fn members_added_by_order_are_checked_before_the_order_is_asked_for_r_3_2_2d() {
    let t = Town::new();
    let c = commission(&t, CommissionStatus::Approved);
    let people = t.people();
    let named = Named { people: &people, unknown_subjects: &[] };
    let by = crate::fixture::actor(&t.director);
    let again = AddMembersRequest { staff_ids: vec![t.member.id], order: None };
    assert_eq!(
        c.add_members(&by, &t.school, &again, named, Lang::Ky).map(|_| ()),
        Err(AddMembersError::Invalid(vec![FieldProblem { field: "staff_ids[0]".into(), problem: Problem::Duplicate }])),
        "a member already sitting is named first"
    );
    let none = AddMembersRequest { staff_ids: vec![], order: Some(order("301")) };
    let Err(AddMembersError::Invalid(p)) = c.add_members(&by, &t.school, &none, named, Lang::Ky) else { panic!() };
    assert_eq!(p[0].field, "staff_ids");
    let ok = AddMembersRequest { staff_ids: vec![t.newcomer.id], order: Some(order("301")) };
    let (after, change) = c.add_members(&by, &t.school, &ok, named, Lang::Ru).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(after.members.len(), 4);
    let CommissionChange::MembersChanged { added, removed, order } = change else { panic!() };
    assert_eq!((added, removed), (vec![t.newcomer.id], vec![]));
    assert_eq!(order.order.title, "О внесении изменений в состав методической комиссии");
    assert_eq!(order.order.decided, "«Математика»: 1 new member(s).");
}

#[test]
fn a_removal_by_order_needs_its_number_and_date_r_3_2_2d() {
    let t = Town::new();
    let c = commission(&t, CommissionStatus::Approved);
    let by = crate::fixture::actor(&t.director);
    let bare = RemovalRequest { staff: t.junior.id, order_number: None, order_date: Some("10.01.2023".into()) };
    let at = |f: &str, p: Problem| FieldProblem { field: f.into(), problem: p };
    assert_eq!(
        c.remove_member(&by, &t.school, &bare, Lang::Ky).map(|_| ()),
        Err(RemoveMemberError::Invalid(vec![
            at("order_number", Problem::Required),
            at("order_date", Problem::InvalidFormat)
        ]))
    );
    let r = RemovalRequest { order_number: Some("302".into()), order_date: Some("2023-01-10".into()), ..bare };
    let (after, change) = c.remove_member(&by, &t.school, &r, Lang::Ky).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!after.members.contains(&t.junior.id));
    assert_eq!(change.summary(), "member removed by order");
    assert_eq!(change.order().map(|o| o.order.date), Some(day(1, 10)));
}

#[test]
fn dissolving_ends_every_membership_and_cites_its_order() {
    let t = Town::new();
    let c = commission(&t, CommissionStatus::Approved);
    let by = crate::fixture::actor(&t.director);
    let (after, change) = c.dissolve(&by, &t.school, &order("60"), Lang::Ru).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((after.status, after.members.len()), (CommissionStatus::Dissolved, 0));
    assert_eq!(after.dissolved_by_order, change.order().map(|o| o.id));
    assert_eq!(change.order().map(|o| o.order.decided.as_str()), Some("«Математика» (2022-2023)."));
}

#[test]
fn the_head_must_be_of_the_school_a_member_and_experienced_r_3_2_2c() {
    let t = Town::new();
    let c = commission(&t, CommissionStatus::Draft);
    let people = t.people();
    let by = crate::fixture::actor(&t.director);
    let err = |s: StaffId| c.appoint_head(&by, &t.school, s, &people).map(|_| ()).err().map(|e| format!("{e:?}"));
    assert_eq!(
        err(t.stranger.id).as_deref(),
        Some(r#"Invalid([FieldProblem { field: "staff_id", problem: UnknownReference }])"#)
    );
    assert_eq!(err(t.outsider.id).as_deref(), Some("NotEligible(NotMember)"));
    assert_eq!(err(t.member.id).as_deref(), Some("NotEligible(TooLittleExperience { have: 4, need: 5 })"));
    assert_eq!(err(t.head.id), None);
}

#[test]
fn members_are_read_as_of_a_date_from_the_orders_r_3_2_2d() {
    let t = Town::new();
    let stint = |s: StaffId, since: Option<chrono::NaiveDate>, until: Option<chrono::NaiveDate>| Stint {
        staff: s,
        since,
        until,
        added_by_order: None,
        removed_by_order: None,
    };
    let stints = vec![
        stint(t.head.id, Some(day(9, 5)), None),
        stint(t.junior.id, Some(day(9, 5)), Some(day(1, 10))),
        stint(t.newcomer.id, Some(day(11, 14)), None),
    ];
    let c = commission(&t, CommissionStatus::Approved);
    let on = |d| c.sitting_on(&stints, d).iter().map(|s| s.staff).collect::<Vec<_>>();
    assert_eq!(on(day(9, 1)), vec![], "nobody before the approving order");
    assert_eq!(on(day(10, 1)), vec![t.head.id, t.junior.id]);
    assert_eq!(on(day(2, 1)), vec![t.head.id, t.newcomer.id]);
    let draft = commission(&t, CommissionStatus::Draft);
    let drafted = vec![stint(t.head.id, None, None)];
    assert_eq!(draft.sitting_on(&drafted, day(9, 1)).len(), 1, "a draft lists its members as they stand");
}
