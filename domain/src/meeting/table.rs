//! The meeting's commands as a table: body × state × actor × command → outcome, each row a
//! sentence citing the regulation; then the details the table cannot show.

use super::command::{
    DecisionRequest, EditMinutesError, MarkRequest, MeetingChange, MinutesRequest, Numbering, ScheduleError,
    ScheduleRequest, schedule,
};
use super::seating::{
    CouncilChange, Readable, SeatError, SeatRequest, Seating, Ties, UnseatError, council_seats, readable,
    seat_on_council, unseat_from_council,
};
use super::{Body, Decision, Meeting, MeetingStatus, Missing, Presence, Quorum, Seat};
use crate::commission::{Commission, CommissionStatus};
use crate::fixture::{Town, actor, day};
use crate::form::{FieldProblem, Problem};
use crate::ids::{CommissionId, MeetingId, StaffId};
use crate::policy::{Actor, Refusal};
use crate::values::{Name, TextError};
use crate::year::AcademicYear;
use chrono::{DateTime, Utc};
use std::fmt::Debug;

fn year() -> AcademicYear {
    AcademicYear::starting(2022).unwrap_or_else(|_| panic!("year"))
}

/// The mathematics commission: head, member, junior.
fn commission(t: &Town, status: CommissionStatus) -> Commission {
    Commission {
        id: CommissionId::new(),
        school: t.school.id,
        year: year(),
        name: Name::parse("Математика").unwrap_or_else(|_| panic!("name")),
        subjects: vec![t.maths],
        head: Some(t.head.id),
        members: vec![t.head.id, t.member.id, t.junior.id],
        status,
        approved_by_order: None,
        dissolved_by_order: None,
        version: 2,
        created_at: DateTime::<Utc>::MIN_UTC,
        updated_at: DateTime::<Utc>::MIN_UTC,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Of {
    Pedagogical,
    Commission,
    DraftCommission,
}

fn seating(t: &Town, of: Of) -> Seating {
    match of {
        Of::Pedagogical => Seating::pedagogical_council(&t.people()[..7]),
        Of::Commission => Seating::commission(commission(t, CommissionStatus::Approved)),
        Of::DraftCommission => Seating::commission(commission(t, CommissionStatus::Draft)),
    }
}

/// A meeting of the body in `status`, its minutes complete.
fn meeting(t: &Town, s: &Seating, status: MeetingStatus) -> Meeting {
    Meeting {
        id: MeetingId::new(),
        school: t.school.id,
        body: s.body,
        year: year(),
        date: day(11, 9),
        status,
        title: None,
        agenda: vec!["Усулдук иш жөнүндө жобо".into()],
        attendance: s
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| (*m, if i == 0 { Presence::Excused } else { Presence::Present }))
            .collect(),
        decisions: vec![Decision { text: "Кабыл алынсын".into(), responsible: vec![], deadline: None }],
        notes: None,
        chair: s.members.first().copied(),
        secretary: s.members.last().copied(),
        protocol_number: None,
        quorum: None,
        finalized_at: None,
        version: 4,
        created_at: DateTime::<Utc>::MIN_UTC,
        updated_at: DateTime::<Utc>::MIN_UTC,
    }
}

#[derive(Debug, Clone, Copy)]
enum Cmd {
    Edit,
    Hold,
    Finalize,
}

fn run(t: &Town, of: Of, status: MeetingStatus, by: &Actor, cmd: Cmd) -> String {
    let s = seating(t, of);
    let m = meeting(t, &s, status);
    let notes =
        MinutesRequest { notes: Some(Some("Маалымат угулду.".into())), ..MinutesRequest::default() };
    let got = match cmd {
        Cmd::Edit => m.edit(by, &t.school, &s, &notes, &[]).map(|(_, c)| c).map_err(|e| format!("{e:?}")),
        Cmd::Hold => m.hold(by, &t.school, &s).map(|(_, c)| c).map_err(|e| format!("{e:?}")),
        Cmd::Finalize => m.finalize(by, &t.school, &s).map(|(_, c)| c).map_err(|e| format!("{e:?}")),
    };
    match got {
        Ok(change) => format!("ok {}", change.action()),
        Err(e) => e,
    }
}

#[test]
fn the_meeting_commands_follow_the_table_r_3_2_2c_r_5_2_r_5_3() {
    use MeetingStatus::{Finalized, Held, Scheduled};
    let t = Town::new();
    let (director, deputy) = (actor(&t.director), actor(&t.deputy));
    let (head, member, outsider, stranger) = (actor(&t.head), actor(&t.member), actor(&t.outsider), actor(&t.stranger));
    let methodologist = t.methodologist;
    #[rustfmt::skip]
    let table: Vec<(&str, Of, MeetingStatus, Actor, Cmd, &str)> = vec![
        // The councils are the deputy's and the director's to run.
        ("the deputy writes the pedagogical council's minutes r_5_3", Of::Pedagogical, Scheduled, deputy, Cmd::Edit, "ok meeting.update"),
        ("the deputy holds the pedagogical council r_5_2", Of::Pedagogical, Scheduled, deputy, Cmd::Hold, "ok meeting.hold"),
        ("the director finalizes the pedagogical council's minutes r_5_3", Of::Pedagogical, Held, director, Cmd::Finalize, "ok meeting.finalize"),
        ("a teacher sits on the pedagogical council but does not run it r_3_2_3", Of::Pedagogical, Scheduled, member, Cmd::Edit, "Refused(Forbidden)"),
        ("a district methodologist reads but runs nothing r_3_1", Of::Pedagogical, Held, methodologist, Cmd::Finalize, "Refused(Forbidden)"),
        ("another school's director does not see the meeting", Of::Pedagogical, Held, stranger, Cmd::Edit, "Refused(NotFound)"),
        // A meeting is held before its minutes are signed, and signed minutes are read-only.
        ("finalized minutes are read-only r_5_3", Of::Pedagogical, Finalized, deputy, Cmd::Edit, "Finalized"),
        ("a finalized meeting is not held again r_5_3", Of::Pedagogical, Finalized, deputy, Cmd::Hold, "Finalized"),
        ("minutes are finalized once r_5_3", Of::Pedagogical, Finalized, deputy, Cmd::Finalize, "Finalized"),
        ("a meeting is held once", Of::Pedagogical, Held, deputy, Cmd::Hold, "WrongState(Held)"),
        ("a scheduled meeting's minutes are not finalized r_5_3", Of::Pedagogical, Scheduled, deputy, Cmd::Finalize, "WrongState(Scheduled)"),
        ("held minutes are still edited r_5_3", Of::Pedagogical, Held, deputy, Cmd::Edit, "ok meeting.update"),
        // A commission's meetings are its head's (R-3.2.2c, R-5.2).
        ("the head runs their approved commission's meetings r_3_2_2c", Of::Commission, Scheduled, head, Cmd::Edit, "ok meeting.update"),
        ("the head finalizes their commission's minutes r_5_3", Of::Commission, Held, head, Cmd::Finalize, "ok meeting.finalize"),
        ("a member reads but does not run r_5_2", Of::Commission, Scheduled, member, Cmd::Hold, "Refused(Forbidden)"),
        ("a teacher off the commission does not see its meetings", Of::Commission, Scheduled, outsider, Cmd::Edit, "Refused(NotFound)"),
        ("the deputy does not run a commission's meetings", Of::Commission, Scheduled, deputy, Cmd::Edit, "Refused(Forbidden)"),
        ("the director runs every body's meetings", Of::Commission, Held, director, Cmd::Finalize, "ok meeting.finalize"),
        ("a draft's head has no head's rights yet r_3_2_2c_d", Of::DraftCommission, Scheduled, head, Cmd::Edit, "Refused(Forbidden)"),
    ];
    let failures: Vec<String> = table
        .iter()
        .filter_map(|(name, of, status, by, cmd, want)| {
            let got = run(&t, *of, *status, by, *cmd);
            (got != *want).then(|| format!("{name}: want {want}, got {got}"))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

fn request(body: &str, commission: Option<CommissionId>) -> ScheduleRequest {
    ScheduleRequest {
        body: body.into(),
        commission_id: commission,
        date: day(1, 16),
        title: None,
        agenda: vec!["Ачык сабактардын графиги".into()],
        notes: None,
    }
}

#[test]
fn who_schedules_which_bodys_meetings_r_3_2_2c_r_5_2() {
    let t = Town::new();
    let approved = seating(&t, Of::Commission);
    let draft = seating(&t, Of::DraftCommission);
    let ped = seating(&t, Of::Pedagogical);
    let of = |s: &Seating| match s.body {
        Body::Commission(c) => request("commission", Some(c)),
        _ => request("pedagogical_council", None),
    };
    let outcome =
        |by: &Actor, s: &Seating| schedule(by, &t.school, &of(s), Some(s)).map(|_| ()).map_err(|e| format!("{e:?}"));
    assert_eq!(outcome(&actor(&t.deputy), &ped), Ok(()), "the deputy schedules the councils");
    assert_eq!(outcome(&actor(&t.member), &ped).err().as_deref(), Some("Refused(Forbidden)"));
    assert_eq!(outcome(&actor(&t.head), &approved), Ok(()), "a head schedules their commission's meetings");
    assert_eq!(outcome(&actor(&t.outsider), &approved).err().as_deref(), Some("Refused(NotFound)"));
    assert_eq!(outcome(&actor(&t.deputy), &approved).err().as_deref(), Some("Refused(Forbidden)"));
    assert_eq!(outcome(&actor(&t.director), &draft).err().as_deref(), Some("CommissionNotApproved"), "r_3_2_2d");
    assert_eq!(outcome(&actor(&t.stranger), &ped).err().as_deref(), Some("Refused(NotFound)"));
}

#[test]
fn a_scheduled_meeting_lists_every_member_absent_and_bad_requests_name_each_field() {
    let t = Town::new();
    let ped = seating(&t, Of::Pedagogical);
    let new = schedule(&actor(&t.deputy), &t.school, &request("pedagogical_council", None), Some(&ped))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(new.attendance.len(), 7);
    assert!(new.attendance.iter().all(|(_, p)| *p == Presence::Absent));
    assert_eq!(new.year, AcademicYear::starting(2022).unwrap_or_else(|_| panic!("year")));
    let at = |f: &str, p: Problem| FieldProblem { field: f.into(), problem: p };
    let bad = ScheduleRequest { body: "parliament".into(), agenda: vec![" ".into()], ..request("", None) };
    assert_eq!(
        schedule(&actor(&t.director), &t.school, &bad, None),
        Err(ScheduleError::Invalid(vec![
            at("body", Problem::InvalidValue),
            at("agenda[0]", Problem::Text(TextError::Empty))
        ]))
    );
    let unknown = request("commission", Some(CommissionId::new()));
    assert_eq!(
        schedule(&actor(&t.director), &t.school, &unknown, None),
        Err(ScheduleError::Invalid(vec![at("commission_id", Problem::UnknownReference)]))
    );
    assert_eq!(
        schedule(&actor(&t.director), &t.school, &request("commission", None), None),
        Err(ScheduleError::Invalid(vec![at("commission_id", Problem::Required)]))
    );
}

#[test]
fn bad_minutes_name_every_field_at_once_and_good_ones_mark_the_named_members_r_5_3() {
    let t = Town::new();
    let s = seating(&t, Of::Commission);
    // Scheduled: a held meeting's date is fixed (see below).
    let m = meeting(&t, &s, MeetingStatus::Scheduled);
    let by = actor(&t.head);
    let bad = MinutesRequest {
        date: Some(day(9, 2).with_year_2023()),
        attendance: Some(vec![
            MarkRequest { staff_id: t.outsider.id, presence: "present".into() },
            MarkRequest { staff_id: t.member.id, presence: "asleep".into() },
        ]),
        decisions: Some(vec![DecisionRequest {
            text: " ".into(),
            responsible_ids: vec![StaffId::new()],
            deadline: None,
        }]),
        chair_id: Some(Some(t.outsider.id)),
        ..MinutesRequest::default()
    };
    let Err(EditMinutesError::Invalid(problems)) = m.edit(&by, &t.school, &s, &bad, &[]) else { panic!("accepted") };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "date",
            "attendance[0].staff_id",
            "attendance[1].presence",
            "decisions[0].responsible_ids[0]",
            "decisions[0].text",
            "chair_id"
        ]
    );
    let good = MinutesRequest {
        attendance: Some(vec![MarkRequest { staff_id: t.member.id, presence: "absent".into() }]),
        chair_id: Some(None),
        ..MinutesRequest::default()
    };
    let (after, change) = m.edit(&by, &t.school, &s, &good, &[]).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(change, MeetingChange::Edited);
    assert_eq!(after.attendance.iter().find(|(s, _)| *s == t.member.id).map(|(_, p)| *p), Some(Presence::Absent));
    assert_eq!((after.chair, after.version), (None, m.version + 1));
}

trait NextYear {
    fn with_year_2023(self) -> Self;
}

impl NextYear for chrono::NaiveDate {
    fn with_year_2023(self) -> Self {
        chrono::Datelike::with_year(&self, 2023).unwrap_or(self)
    }
}

#[test]
fn finalizing_records_the_quorum_and_keeps_the_number_given_when_held_r_5_3() {
    let t = Town::new();
    let s = seating(&t, Of::Commission);
    let m = meeting(&t, &s, MeetingStatus::Held);
    let (after, change) = m.finalize(&actor(&t.head), &t.school, &s).unwrap_or_else(|e| panic!("{e:?}"));
    let quorum = Quorum { present: 2, members: 3 };
    assert_eq!(after.quorum, Some(quorum));
    assert_eq!(after.status, MeetingStatus::Finalized);
    // Held before numbers were given at holding: numbered now, under the same rule.
    let numbering = Numbering { school: t.school.id, body: s.body, year: year() };
    assert_eq!(change, MeetingChange::Finalized { quorum, numbering: Some(numbering) });
    let numbered = Meeting { protocol_number: Some(3), ..m.clone() };
    let (signed, change) = numbered.finalize(&actor(&t.head), &t.school, &s).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(change, MeetingChange::Finalized { quorum, numbering: None }, "numbered when held, kept");
    assert_eq!(signed.protocol_number, Some(3));
    let mut empty = m.clone();
    empty.agenda.clear();
    empty.decisions.clear();
    empty.chair = None;
    empty.secretary = None;
    let got = empty.finalize(&actor(&t.head), &t.school, &s).map(|_| ()).map_err(|e| format!("{e:?}"));
    assert_eq!(
        got,
        Err(format!("Incomplete({:?})", [Missing::Agenda, Missing::Decisions, Missing::Chair, Missing::Secretary]))
    );
}

#[test]
fn the_methodological_council_is_the_office_holders_and_the_heads_of_approved_commissions_r_5_1() {
    let t = Town::new();
    let people = t.people();
    let active = &people[..7];
    let approved = commission(&t, CommissionStatus::Approved);
    let mut draft = commission(&t, CommissionStatus::Draft);
    draft.head = Some(t.outsider.id);
    let seats = council_seats(active, &[approved, draft], &[]);
    assert_eq!(
        seats,
        vec![(t.director.id, Seat::ByOffice), (t.deputy.id, Seat::ByOffice), (t.head.id, Seat::ByOffice)]
    );
    let council = Seating::methodological_council(&seats);
    assert_eq!(council.may_read(&actor(&t.head), &t.school), Ok(()), "a seated head reads the council's minutes");
    assert_eq!(council.may_read(&actor(&t.outsider), &t.school), Err(Refusal::NotFound));
}

#[test]
fn the_deputy_seats_and_unseats_council_members_r_5_1() {
    let t = Town::new();
    let people = t.people();
    let r = SeatRequest { year: "2022-2023".into(), staff_id: t.outsider.id };
    let seat = |by: &Actor, r: &SeatRequest| seat_on_council(by, &t.school, r, &people);
    assert_eq!(seat(&actor(&t.deputy), &r), Ok(CouncilChange { year: year(), staff: t.outsider.id, included: true }));
    assert_eq!(seat(&actor(&t.director), &r).map(|c| c.action()), Ok("council.add"));
    assert_eq!(seat(&actor(&t.head), &r), Err(SeatError::Refused(Refusal::Forbidden)));
    assert_eq!(seat(&t.methodologist, &r), Err(SeatError::Refused(Refusal::Forbidden)));
    let foreign = SeatRequest { year: "2022".into(), staff_id: t.stranger.id };
    let at = |f: &str, p: Problem| FieldProblem { field: f.into(), problem: p };
    assert_eq!(
        seat(&actor(&t.deputy), &foreign),
        Err(SeatError::Invalid(vec![at("year", Problem::InvalidYear), at("staff_id", Problem::UnknownReference)]))
    );
    let seats = vec![(t.head.id, Seat::ByOffice)];
    let by = actor(&t.deputy);
    assert_eq!(unseat_from_council(&by, &t.school, year(), t.head.id, &seats).map(|c| c.included), Ok(false));
    assert_eq!(unseat_from_council(&by, &t.school, year(), t.outsider.id, &seats), Err(UnseatError::NotSeated));
    assert_eq!(
        unseat_from_council(&actor(&t.neighbour_director()), &t.school, year(), t.head.id, &seats),
        Err(UnseatError::Refused(Refusal::NotFound))
    );
}

impl Town {
    fn neighbour_director(&self) -> crate::staff::Staff {
        crate::fixture::person(&self.neighbour, crate::staff::Role::Director, "Кошуна", &[], 10)
    }
}

#[test]
fn a_list_shows_exactly_the_meetings_a_single_read_lets_through_r_5_2_r_5_3() {
    let t = Town::new();
    let people = t.people();
    let active = &people[..7];
    let (y22, y23) = (year(), AcademicYear::starting(2023).unwrap_or_else(|_| panic!("year")));
    let maths = commission(&t, CommissionStatus::Approved);
    let mut history = commission(&t, CommissionStatus::Draft);
    history.id = CommissionId::new();
    (history.head, history.members) = (Some(t.outsider.id), vec![t.outsider.id, t.newcomer.id]);
    // 2022: the deputy seats the outsider and removes the maths head; 2023: seats the member.
    let overrides = |y: AcademicYear| -> Vec<(StaffId, bool)> {
        if y == y22 { vec![(t.outsider.id, true), (t.head.id, false)] } else { vec![(t.member.id, true)] }
    };
    let approved_in = |y: AcademicYear| if y == y22 { vec![maths.clone()] } else { vec![] };
    let seating = |body: Body, y: AcademicYear| match body {
        Body::PedagogicalCouncil => Seating::pedagogical_council(active),
        Body::MethodologicalCouncil => {
            Seating::methodological_council(&council_seats(active, &approved_in(y), &overrides(y)))
        }
        Body::Commission(c) => Seating::commission(if c == maths.id { maths.clone() } else { history.clone() }),
    };
    let meetings = [
        (Body::PedagogicalCouncil, y22),
        (Body::MethodologicalCouncil, y22),
        (Body::MethodologicalCouncil, y23),
        (Body::Commission(maths.id), y22),
        (Body::Commission(history.id), y22),
    ];
    let ties = |s: &crate::staff::Staff| Ties {
        on_staff: s.school() == Some(t.school.id) && s.active,
        sits_on: [&maths, &history].iter().filter(|c| c.members.contains(&s.id)).map(|c| c.id).collect(),
        heads: [&maths].iter().filter(|c| c.is_led_by(s.id)).map(|c| (c.id, c.year)).collect(),
        council: [y22, y23]
            .into_iter()
            .flat_map(|y| overrides(y).into_iter().filter(|(o, _)| *o == s.id).map(move |(_, seated)| (y, seated)))
            .collect(),
    };
    let mut readers: Vec<(String, Actor, Ties)> =
        people.iter().map(|p| (p.last_name.to_string(), actor(p), ties(p))).collect();
    readers.push(("methodologist".into(), t.methodologist, Ties::default()));
    readers.push(("admin".into(), t.admin, Ties::default()));
    let mut shown = 0;
    for (who, reader, tie) in &readers {
        let scope = readable(reader, &t.school, tie);
        for (body, y) in meetings {
            let single = seating(body, y).may_read(reader, &t.school).is_ok();
            let listed = scope.iter().any(|r| r.covers(body, y));
            assert_eq!(listed, single, "{who} on {body:?} {y}: list {listed}, read {single}");
            shown += usize::from(listed);
        }
    }
    assert!(shown > 10 && shown < readers.len() * meetings.len(), "the scenario shows some and hides some: {shown}");
    let outsider = readable(&actor(&t.outsider), &t.school, &ties(&t.outsider));
    assert!(outsider.contains(&Readable::OfIn(Body::MethodologicalCouncil, y22)), "seated by the deputy: {outsider:?}");
    let head = readable(&actor(&t.head), &t.school, &ties(&t.head));
    assert!(!head.iter().any(|r| r.covers(Body::MethodologicalCouncil, y22)), "removed by the deputy: {head:?}");
}

#[test]
fn holding_a_meeting_asks_for_its_bodys_next_number_in_date_order_r_5_3() {
    let t = Town::new();
    let s = seating(&t, Of::Commission);
    let m = meeting(&t, &s, MeetingStatus::Scheduled);
    let (after, change) = m.hold(&actor(&t.head), &t.school, &s).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(after.status, MeetingStatus::Held);
    assert_eq!(
        change,
        MeetingChange::Held { numbering: Numbering { school: t.school.id, body: s.body, year: year() } }
    );
}

#[test]
fn a_held_meetings_date_is_fixed_because_its_number_follows_it_r_5_3() {
    let t = Town::new();
    let s = seating(&t, Of::Commission);
    let m = Meeting { protocol_number: Some(1), ..meeting(&t, &s, MeetingStatus::Held) };
    let by = actor(&t.head);
    let moved = MinutesRequest { date: Some(day(11, 10)), ..MinutesRequest::default() };
    let got = m.edit(&by, &t.school, &s, &moved, &[]).map(|_| ()).map_err(|e| format!("{e:?}"));
    assert_eq!(got, Err(format!("{:?}", EditMinutesError::DateFixed(day(11, 9)))));
    let same = MinutesRequest { date: Some(day(11, 9)), ..MinutesRequest::default() };
    assert!(m.edit(&by, &t.school, &s, &same, &[]).is_ok(), "the same date is no change");
    let scheduled = meeting(&t, &s, MeetingStatus::Scheduled);
    assert!(scheduled.edit(&by, &t.school, &s, &moved, &[]).is_ok(), "a scheduled meeting is re-dated freely");
}
