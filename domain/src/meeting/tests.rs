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
