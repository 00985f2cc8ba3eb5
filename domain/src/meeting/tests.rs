//! Unit tests of the meeting rules, and the table of its commands.

use super::*;

fn meeting(status: MeetingStatus) -> Meeting {
    Meeting {
        id: MeetingId::new(),
        school: SchoolId::new(),
        body: Body::PedagogicalCouncil,
        year: AcademicYear::starting(2022).unwrap_or_else(|_| panic!("year")),
        date: NaiveDate::from_ymd_opt(2022, 11, 9).unwrap_or_default(),
        status,
        title: None,
        agenda: vec!["Усулдук иш жөнүндө жобо".into()],
        attendance: vec![
            (StaffId::new(), Presence::Present),
            (StaffId::new(), Presence::Excused),
            (StaffId::new(), Presence::Present),
        ],
        decisions: vec![Decision {
            text: "Жобо кабыл алынсын".into(), responsible: vec![], deadline: None
        }],
        notes: None,
        chair: Some(StaffId::new()),
        secretary: Some(StaffId::new()),
        protocol_number: None,
        quorum: None,
        finalized_at: None,
        version: 1,
        created_at: DateTime::<Utc>::MIN_UTC,
        updated_at: DateTime::<Utc>::MIN_UTC,
    }
}

#[test]
fn the_quorum_counts_present_members_of_all_members_r_5_3() {
    assert_eq!(quorum(&meeting(MeetingStatus::Held).attendance), Quorum { present: 2, members: 3 });
}

#[test]
fn protocol_numbers_run_per_body() {
    let c = CommissionId::new();
    assert_eq!(Body::PedagogicalCouncil.key(), "pedagogical_council");
    assert_ne!(Body::Commission(c).key(), Body::Commission(CommissionId::new()).key());
    assert_eq!(Body::Commission(c).kind(), BodyKind::Commission);
}

#[test]
fn the_methodological_council_is_the_office_holders_as_the_deputy_adjusts_it() {
    let (director, deputy, head, guest) = (StaffId::new(), StaffId::new(), StaffId::new(), StaffId::new());
    let default = methodological_council(&[director, deputy, head], &[]);
    assert_eq!(default, vec![(director, Seat::ByOffice), (deputy, Seat::ByOffice), (head, Seat::ByOffice)]);
    let adjusted = methodological_council(&[director, deputy, head], &[(head, false), (guest, true)]);
    assert_eq!(adjusted, vec![(director, Seat::ByOffice), (deputy, Seat::ByOffice), (guest, Seat::Added)]);
}

#[test]
fn attendance_follows_membership_on_the_meeting_date_r_3_2_2d_r_5_3() {
    use crate::commission::{Commission, CommissionStatus, Stint};
    use crate::ids::CommissionId;
    use seating::Seating;
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(if m >= 9 { 2022 } else { 2023 }, m, d).unwrap_or_default();
    let (stayed, joined, left) = (StaffId::new(), StaffId::new(), StaffId::new());
    let stint =
        |staff, since, until| Stint { staff, since: Some(since), until, added_by_order: None, removed_by_order: None };
    // Ordered in on 1 September; one joined by the order of 1 October, one left by that of 1 December.
    let stints =
        [stint(stayed, day(9, 1), None), stint(joined, day(10, 1), None), stint(left, day(9, 1), Some(day(12, 1)))];
    let c = Commission {
        id: CommissionId::new(),
        school: SchoolId::new(),
        year: AcademicYear::starting(2022).unwrap_or_else(|_| panic!("year")),
        name: crate::values::Name::parse("Математика").unwrap_or_else(|_| panic!("name")),
        subjects: vec![],
        head: Some(stayed),
        members: vec![stayed, joined],
        status: CommissionStatus::Approved,
        approved_by_order: None,
        dissolved_by_order: None,
        version: 1,
        created_at: DateTime::<Utc>::MIN_UTC,
        updated_at: DateTime::<Utc>::MIN_UTC,
    };
    let on_10_september = Seating::commission_on(c.clone(), &stints, day(9, 10));
    assert_eq!(on_10_september.sitting, vec![stayed, left], "the members of that date");
    assert_eq!(on_10_september.members, vec![stayed, joined], "today's members still read its minutes");
    assert!(on_10_september.seats(left, false), "the member who has since left is marked present");
    assert!(!on_10_september.seats(joined, true), "one who joined later is refused, even if listed");
    // Minutes scheduled before the orders were entered list today's members: read on their
    // date, they list that date's, keeping the marks made.
    let mut m = meeting(MeetingStatus::Held);
    m.body = Body::Commission(c.id);
    m.attendance = vec![(stayed, Presence::Present), (joined, Presence::Absent)];
    assert_eq!(m.listed(&on_10_september), vec![(stayed, Presence::Present), (left, Presence::Absent)]);
    m.status = MeetingStatus::Finalized;
    assert_eq!(m.listed(&on_10_september), m.attendance, "signed minutes keep their list");
}
