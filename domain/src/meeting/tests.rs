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
fn finalized_minutes_are_read_only_r_5_3() {
    assert_eq!(meeting(MeetingStatus::Finalized).check_editable(), Err(MeetingError::Finalized));
    assert_eq!(meeting(MeetingStatus::Held).check_editable(), Ok(()));
    assert_eq!(meeting(MeetingStatus::Finalized).check_finalize(), Err(MeetingError::Finalized));
}

#[test]
fn a_meeting_is_held_before_its_minutes_are_finalized() {
    assert_eq!(
        meeting(MeetingStatus::Scheduled).check_finalize(),
        Err(MeetingError::WrongState(MeetingStatus::Scheduled))
    );
    assert_eq!(meeting(MeetingStatus::Scheduled).check_hold(), Ok(()));
    assert_eq!(meeting(MeetingStatus::Held).check_hold(), Err(MeetingError::WrongState(MeetingStatus::Held)));
    assert_eq!(meeting(MeetingStatus::Held).check_finalize(), Ok(Quorum { present: 2, members: 3 }));
}

#[test]
fn incomplete_minutes_name_every_gap_r_5_3() {
    let mut m = meeting(MeetingStatus::Held);
    m.agenda.clear();
    m.decisions.clear();
    m.chair = None;
    m.secretary = None;
    assert_eq!(
        m.check_finalize(),
        Err(MeetingError::Incomplete(vec![Missing::Agenda, Missing::Decisions, Missing::Chair, Missing::Secretary]))
    );
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
