//! The report workflow as tables: state × caller × command.

#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;
use crate::commission::CommissionStatus;
use crate::report::stored::{FiguresV1, Names};
use crate::report::{Figures, QualityFigures, figures_day};
use crate::report::{StartError, StartReport, reportable, start};
use crate::values::Name;
use uuid::Uuid;

const SCHOOL: u128 = 1;
const OTHER_SCHOOL: u128 = 2;
const COMMISSION: u128 = 300;
const HEAD: u128 = 10;
const DEPUTY: u128 = 11;
const DIRECTOR: u128 = 12;
const TEACHER: u128 = 13;

fn school(n: u128) -> SchoolId {
    SchoolId::from_uuid(Uuid::from_u128(n))
}
fn staff(n: u128) -> StaffId {
    StaffId::from_uuid(Uuid::from_u128(n))
}
fn at(m: u32, d: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2023, m, d).unwrap().and_hms_opt(10, 0, 0).unwrap().and_utc()
}
fn year() -> AcademicYear {
    AcademicYear::starting(2022).unwrap()
}
fn commission(status: CommissionStatus) -> Commission {
    Commission {
        id: CommissionId::from_uuid(Uuid::from_u128(COMMISSION)),
        school: school(SCHOOL),
        year: year(),
        name: Name::parse("Филология").unwrap(),
        subjects: Vec::new(),
        head: Some(staff(HEAD)),
        members: vec![staff(HEAD), staff(TEACHER)],
        status,
        approved_by_order: None,
        dissolved_by_order: None,
        version: 1,
        created_at: at(1, 1),
        updated_at: at(1, 1),
    }
}
fn figures(day: u32) -> StoredFigures {
    let f = Figures {
        as_of: NaiveDate::from_ymd_opt(2023, 5, day).unwrap(),
        plan: None,
        activities: day,
        by_group: Vec::new(),
        by_form: Vec::new(),
        presentations: Vec::new(),
        participation: Vec::new(),
        non_participants: Vec::new(),
        training_hours: crate::records::Hours::default(),
        teachers_trained: 0,
        materials: 0,
        materials_published: 0,
        materials_by_kind: Vec::new(),
        meetings: Vec::new(),
        quality: QualityFigures { term: None, term_before: None, now: None, before: None, per_subject: Vec::new() },
    };
    StoredFigures::V1(FiguresV1::of(&f, &Names::default()))
}
fn report(kind: ReportKind, status: ReportStatus) -> Report {
    Report {
        id: ReportId::from_uuid(Uuid::from_u128(500)),
        school: school(SCHOOL),
        kind,
        commission: (kind == ReportKind::Commission).then(|| commission(CommissionStatus::Approved).id),
        year: year(),
        status,
        author: Some(staff(if kind == ReportKind::Commission { HEAD } else { DEPUTY })),
        author_name: Some("Автор А.А.".to_owned()),
        narrative: Narrative { achievements: Some("Жетишкендиктер".to_owned()), ..Narrative::default() },
        figures: figures(1),
        figures_as_of: at(5, 1),
        return_comment: (status == ReportStatus::Returned).then(|| "Толуктаңыз.".to_owned()),
        submitted_at: None,
        submitted_on: None,
        accepted: None,
        version: 3,
        created_at: at(5, 1),
        updated_at: at(5, 1),
    }
}

/// The callers of the tables.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// The approved commission's head, a teacher.
    Head,
    Deputy,
    Director,
    /// A member of the commission who does not head it.
    Teacher,
    /// A district methodologist.
    District,
    /// The director of another school.
    OtherDirector,
}

const CALLERS: [Who; 6] = [Who::Head, Who::Deputy, Who::Director, Who::Teacher, Who::District, Who::OtherDirector];

fn facts(who: Who, c: Option<&Commission>) -> ActorFacts {
    let of = |n: u128, role: Role, their: u128| {
        ActorFacts::of_staff(Person { id: staff(n), name: format!("Адам {n}") }, role, school(their), school(SCHOOL), c)
    };
    match who {
        Who::Head => of(HEAD, Role::Teacher, SCHOOL),
        Who::Deputy => of(DEPUTY, Role::Deputy, SCHOOL),
        Who::Director => of(DIRECTOR, Role::Director, SCHOOL),
        Who::Teacher => of(TEACHER, Role::Teacher, SCHOOL),
        Who::District => ActorFacts::Outsider,
        Who::OtherDirector => of(99, Role::Director, OTHER_SCHOOL),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Edit,
    Refresh,
    Submit,
    Accept,
    Return,
}

/// What a command answers: the state it leaves the report in, or `403` / `409`.
fn run(r: &Report, actor: &ActorFacts, cmd: Cmd) -> String {
    let now = at(6, 1);
    let state = |r: Report| r.status.code().to_owned();
    let patch =
        NarrativePatch { problems: Some(Some(Section::parse("Көйгөй").unwrap())), ..NarrativePatch::default() };
    match cmd {
        Cmd::Edit => match r.edit(actor) {
            Ok(e) => state(e.with(patch)),
            Err(EditError::NotAuthor) => "403".into(),
            Err(EditError::NotOpen) => "409".into(),
        },
        Cmd::Refresh => match r.refresh(actor) {
            Ok(x) => state(x.with(figures(2), now)),
            Err(EditError::NotAuthor) => "403".into(),
            Err(EditError::NotOpen) => "409".into(),
        },
        Cmd::Submit => match r.submit(actor) {
            Ok(s) => state(s.freeze(None, figures(2), now, now.date_naive()).unwrap().0),
            Err(SubmitError::NotAuthor) => "403".into(),
            Err(SubmitError::WrongState { .. }) => "409".into(),
        },
        Cmd::Accept => match r.accept(actor) {
            Ok(a) => state(a.on(None, now, now.date_naive()).unwrap().0),
            Err(AcceptError::NotDirector) => "403".into(),
            Err(AcceptError::WrongState { .. }) => "409".into(),
        },
        Cmd::Return => match r.return_to_author(actor) {
            Ok(b) => state(b.with(Comment::parse("Кайра").unwrap(), now, now.date_naive()).unwrap().0),
            Err(ReturnError::NotDirector) => "403".into(),
            Err(ReturnError::WrongState { .. }) => "409".into(),
        },
    }
}

type Row = (ReportStatus, Cmd, [&'static str; 6]);

fn check(kind: ReportKind, table: &[Row]) {
    let c = commission(CommissionStatus::Approved);
    let c = (kind == ReportKind::Commission).then_some(&c);
    for (status, cmd, want) in table {
        let r = report(kind, *status);
        for (who, want) in CALLERS.iter().zip(want) {
            let got = run(&r, &facts(*who, c), *cmd);
            assert_eq!(&got, want, "{kind:?} report, {status:?}, {cmd:?} by {who:?}");
        }
    }
}

use Cmd::{Accept, Edit, Refresh as Fresh, Return, Submit};
use ReportStatus::{Accepted, Draft, Returned, Submitted};

#[test]
fn a_commission_report_is_written_and_submitted_by_its_head_and_accepted_or_returned_by_the_director_r_5_4() {
    #[rustfmt::skip]
    let table: &[Row] = &[
        //                    head         deputy  director     teacher district other school
        (Draft,     Edit,   ["draft",     "403", "403",      "403", "403", "403"]),
        (Draft,     Fresh,  ["draft",     "403", "403",      "403", "403", "403"]),
        (Draft,     Submit, ["submitted", "403", "403",      "403", "403", "403"]),
        (Draft,     Accept, ["403",       "403", "409",      "403", "403", "403"]),
        (Draft,     Return, ["403",       "403", "409",      "403", "403", "403"]),
        (Submitted, Edit,   ["409",       "403", "403",      "403", "403", "403"]),
        (Submitted, Fresh,  ["409",       "403", "403",      "403", "403", "403"]),
        (Submitted, Submit, ["409",       "403", "403",      "403", "403", "403"]),
        (Submitted, Accept, ["403",       "403", "accepted", "403", "403", "403"]),
        (Submitted, Return, ["403",       "403", "returned", "403", "403", "403"]),
        (Accepted,  Edit,   ["409",       "403", "403",      "403", "403", "403"]),
        (Accepted,  Fresh,  ["409",       "403", "403",      "403", "403", "403"]),
        (Accepted,  Submit, ["409",       "403", "403",      "403", "403", "403"]),
        (Accepted,  Accept, ["403",       "403", "409",      "403", "403", "403"]),
        (Accepted,  Return, ["403",       "403", "409",      "403", "403", "403"]),
        (Returned,  Edit,   ["returned",  "403", "403",      "403", "403", "403"]),
        (Returned,  Fresh,  ["returned",  "403", "403",      "403", "403", "403"]),
        (Returned,  Submit, ["submitted", "403", "403",      "403", "403", "403"]),
        (Returned,  Accept, ["403",       "403", "409",      "403", "403", "403"]),
        (Returned,  Return, ["403",       "403", "409",      "403", "403", "403"]),
    ];
    check(ReportKind::Commission, table);
}

#[test]
fn the_school_report_is_written_and_submitted_by_the_deputy_and_accepted_or_returned_by_the_director_r_5_4() {
    #[rustfmt::skip]
    let table: &[Row] = &[
        //                    head   deputy       director     teacher district other school
        (Draft,     Edit,   ["403", "draft",     "403",      "403", "403", "403"]),
        (Draft,     Fresh,  ["403", "draft",     "403",      "403", "403", "403"]),
        (Draft,     Submit, ["403", "submitted", "403",      "403", "403", "403"]),
        (Draft,     Accept, ["403", "403",       "409",      "403", "403", "403"]),
        (Draft,     Return, ["403", "403",       "409",      "403", "403", "403"]),
        (Submitted, Edit,   ["403", "409",       "403",      "403", "403", "403"]),
        (Submitted, Fresh,  ["403", "409",       "403",      "403", "403", "403"]),
        (Submitted, Submit, ["403", "409",       "403",      "403", "403", "403"]),
        (Submitted, Accept, ["403", "403",       "accepted", "403", "403", "403"]),
        (Submitted, Return, ["403", "403",       "returned", "403", "403", "403"]),
        (Accepted,  Edit,   ["403", "409",       "403",      "403", "403", "403"]),
        (Accepted,  Fresh,  ["403", "409",       "403",      "403", "403", "403"]),
        (Accepted,  Submit, ["403", "409",       "403",      "403", "403", "403"]),
        (Accepted,  Accept, ["403", "403",       "409",      "403", "403", "403"]),
        (Accepted,  Return, ["403", "403",       "409",      "403", "403", "403"]),
        (Returned,  Edit,   ["403", "returned",  "403",      "403", "403", "403"]),
        (Returned,  Fresh,  ["403", "returned",  "403",      "403", "403", "403"]),
        (Returned,  Submit, ["403", "submitted", "403",      "403", "403", "403"]),
        (Returned,  Accept, ["403", "403",       "409",      "403", "403", "403"]),
        (Returned,  Return, ["403", "403",       "409",      "403", "403", "403"]),
    ];
    check(ReportKind::School, table);
}

#[test]
fn the_head_of_a_commission_not_yet_approved_does_not_write_its_report_r_3_2_2d_r_5_4() {
    let draft = commission(CommissionStatus::Draft);
    let r = report(ReportKind::Commission, Draft);
    assert_eq!(run(&r, &facts(Who::Head, Some(&draft)), Cmd::Edit), "403");
    let dissolved = commission(CommissionStatus::Dissolved);
    assert_eq!(run(&r, &facts(Who::Head, Some(&dissolved)), Cmd::Submit), "403");
}

#[test]
fn submitting_freezes_fresh_figures_clears_the_return_comment_and_records_the_head_as_head_r_5_4() {
    let c = commission(CommissionStatus::Approved);
    let r = report(ReportKind::Commission, Returned);
    let (s, t) = r
        .submit(&facts(Who::Head, Some(&c)))
        .unwrap()
        .freeze(Some(Comment::parse(" Тапшырдым ").unwrap()), figures(9), at(6, 2), at(6, 2).date_naive())
        .unwrap();
    assert_eq!((s.status, s.is_frozen()), (Submitted, true));
    assert_eq!(s.figures, figures(9));
    assert_eq!((s.figures_as_of, s.submitted_at), (at(6, 2), Some(at(6, 2))));
    assert_eq!(s.return_comment, None);
    assert_eq!((t.action, t.from, t.to), (ReportAction::Submit, Returned, Submitted));
    assert_eq!((t.by.id, t.capacity.code(), t.comment.as_deref()), (staff(HEAD), "commission_head", Some("Тапшырдым")));
    // The deputy submits the school's report as the deputy.
    let (_, t) = report(ReportKind::School, Draft)
        .submit(&facts(Who::Deputy, None))
        .unwrap()
        .freeze(None, figures(9), at(6, 2), at(6, 2).date_naive())
        .unwrap();
    assert_eq!(t.capacity.code(), "deputy");
}

#[test]
fn a_refused_submission_lists_what_the_report_allows_r_5_4() {
    let c = commission(CommissionStatus::Approved);
    let r = report(ReportKind::Commission, Submitted);
    let e = r.submit(&facts(Who::Head, Some(&c))).unwrap_err();
    assert_eq!(e, SubmitError::WrongState { status: Submitted, allowed: vec!["accept", "return"] });
    let e = report(ReportKind::School, Accepted).accept(&facts(Who::Director, None)).unwrap_err();
    assert_eq!(e, AcceptError::WrongState { status: Accepted, allowed: vec![] });
}

#[test]
fn the_director_accepts_on_the_day_and_is_named_on_the_report_r_5_4() {
    let r = report(ReportKind::School, Submitted);
    let (a, t) = r.accept(&facts(Who::Director, None)).unwrap().on(None, at(6, 12), at(6, 12).date_naive()).unwrap();
    let on = NaiveDate::from_ymd_opt(2023, 6, 12).unwrap();
    assert_eq!(a.accepted, Some(Acceptance { by: staff(DIRECTOR), on, by_name: Some("Адам 12".to_owned()) }));
    assert_eq!((t.capacity.code(), t.at), ("director", at(6, 12)));
    assert_eq!(a.figures, r.figures, "acceptance keeps the frozen figures");
}

#[test]
fn a_returned_report_carries_the_directors_comment_and_opens_again_r_5_4() {
    let r = report(ReportKind::School, Submitted);
    let (back, t) = r
        .return_to_author(&facts(Who::Director, None))
        .unwrap()
        .with(Comment::parse("Толуктаңыз").unwrap(), at(6, 3), at(6, 3).date_naive())
        .unwrap();
    assert_eq!((back.status, back.is_frozen()), (Returned, false));
    assert_eq!(back.return_comment.as_deref(), Some("Толуктаңыз"));
    assert_eq!(t.comment.as_deref(), Some("Толуктаңыз"));
    assert_eq!(Comment::parse("   "), Err(TextError::Empty), "a return needs a comment");
}

#[test]
fn the_narrative_is_patched_section_by_section_and_a_null_clears_one_r_5_4() {
    let r = report(ReportKind::School, Draft);
    let patch = NarrativePatch {
        achievements: Some(None),
        proposals: Some(Some(Section::parse("  Насаатчылык  ").unwrap())),
        ..NarrativePatch::default()
    };
    let e = r.edit(&facts(Who::Deputy, None)).unwrap().with(patch);
    assert_eq!(e.narrative, Narrative { achievements: None, problems: None, proposals: Some("Насаатчылык".into()) });
    assert_eq!(Section::parse(&"ө".repeat(20_001)), Err(TextError::TooLong { max: 20_000 }));
}

#[test]
fn refreshing_retakes_the_figures_and_nothing_else_r_5_4() {
    assert_eq!(figures_day(year(), NaiveDate::from_ymd_opt(2024, 1, 9).unwrap()), year().last_day());
    let r = report(ReportKind::School, Draft);
    let f = r.refresh(&facts(Who::Deputy, None)).unwrap().with(figures(7), at(5, 20));
    assert_eq!((f.figures.as_of(), f.figures_as_of), (NaiveDate::from_ymd_opt(2023, 5, 7).unwrap(), at(5, 20)));
    assert_eq!((f.status, &f.narrative), (Draft, &r.narrative));
}

fn input(kind: ReportKind, year: AcademicYear) -> StartReport {
    StartReport { kind, year, achievements: Section::parse("Иштер").ok(), problems: None, proposals: None }
}

#[test]
fn the_head_of_an_approved_commission_starts_its_report_and_the_deputy_the_schools_r_5_4() {
    let c = commission(CommissionStatus::Approved);
    let today = NaiveDate::from_ymd_opt(2023, 5, 25).unwrap();
    let s = start(school(SCHOOL), input(ReportKind::Commission, year()), Some(&c), &facts(Who::Head, Some(&c)), today)
        .unwrap();
    assert!(matches!(s.scope(), Scope::Commission { members, .. } if members.len() == 2));
    let new = s.with_figures(figures(3), at(5, 25));
    assert_eq!((new.author.id, new.commission, new.kind), (staff(HEAD), Some(c.id), ReportKind::Commission));
    assert_eq!(new.narrative.achievements.as_deref(), Some("Иштер"));
    let school_report =
        start(school(SCHOOL), input(ReportKind::School, year()), None, &facts(Who::Deputy, None), today);
    assert_eq!(school_report.map(|s| s.scope().clone()).unwrap(), Scope::School);
    for who in [Who::Deputy, Who::Director, Who::Teacher, Who::District, Who::OtherDirector] {
        let r = start(school(SCHOOL), input(ReportKind::Commission, year()), Some(&c), &facts(who, Some(&c)), today);
        assert_eq!(r.unwrap_err(), StartError::NotAuthor, "{who:?}");
    }
    for who in [Who::Head, Who::Director, Who::Teacher, Who::District] {
        let r = start(school(SCHOOL), input(ReportKind::School, year()), None, &facts(who, None), today);
        assert_eq!(r.unwrap_err(), StartError::NotAuthor, "{who:?}");
    }
}

#[test]
fn a_year_is_reported_on_once_it_has_begun_and_with_a_commission_of_that_year_r_5_4() {
    let c = commission(CommissionStatus::Approved);
    let head = facts(Who::Head, Some(&c));
    let before = NaiveDate::from_ymd_opt(2022, 8, 31).unwrap();
    let first = year().first_day();
    assert!(!reportable(year(), before) && reportable(year(), first));
    let r = start(school(SCHOOL), input(ReportKind::Commission, year()), Some(&c), &head, before);
    assert_eq!(r.unwrap_err(), StartError::YearNotBegun);
    let next = year().next().unwrap();
    let later = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
    let r = start(school(SCHOOL), input(ReportKind::Commission, next), Some(&c), &head, later);
    assert_eq!(r.unwrap_err(), StartError::WrongYear);
    let r = start(school(SCHOOL), input(ReportKind::Commission, year()), None, &head, later);
    assert_eq!(r.unwrap_err(), StartError::CommissionMissing);
    let r = start(school(SCHOOL), input(ReportKind::School, year()), Some(&c), &facts(Who::Deputy, None), later);
    assert_eq!(r.unwrap_err(), StartError::CommissionUnexpected);
}

// ---------- the meeting that heard a report (R-5.2) ----------

fn meeting(
    body: crate::meeting::Body,
    year: AcademicYear,
    status: crate::meeting::MeetingStatus,
) -> crate::meeting::Meeting {
    crate::meeting::Meeting {
        id: crate::ids::MeetingId::from_uuid(Uuid::from_u128(900)),
        school: school(SCHOOL),
        body,
        year,
        date: NaiveDate::from_ymd_opt(2023, 5, 25).unwrap(),
        status,
        title: None,
        agenda: vec!["Жылдык отчет".to_owned()],
        attendance: Vec::new(),
        decisions: Vec::new(),
        notes: None,
        chair: None,
        secretary: None,
        protocol_number: (status == crate::meeting::MeetingStatus::Finalized).then_some(5),
        quorum: None,
        finalized_at: None,
        version: 1,
        created_at: at(5, 25),
        updated_at: at(5, 25),
    }
}

#[test]
fn a_report_cites_the_meeting_of_the_body_that_heard_it_with_its_protocol_number_r_5_2() {
    use crate::meeting::{Body, BodyKind, MeetingStatus};
    use crate::report::{HearingError, hear};
    let c = commission(CommissionStatus::Approved);
    let own = Body::Commission(c.id);
    let r = report(ReportKind::Commission, ReportStatus::Submitted);
    // The head cites their commission's finalized minutes: №5 stands on the report.
    let h = hear(&r, &facts(Who::Head, Some(&c)), &meeting(own, year(), MeetingStatus::Finalized)).unwrap();
    assert_eq!((h.body, h.protocol_number), (BodyKind::Commission, Some(5)));
    // A held meeting is cited before its minutes are numbered; the director may cite it too.
    let h = hear(&r, &facts(Who::Director, Some(&c)), &meeting(own, year(), MeetingStatus::Held)).unwrap();
    assert_eq!(h.protocol_number, None);
    // The school's report: the pedagogical council, not the methodological council.
    let s = report(ReportKind::School, ReportStatus::Accepted);
    let council = meeting(Body::PedagogicalCouncil, year(), MeetingStatus::Finalized);
    assert!(hear(&s, &facts(Who::Deputy, None), &council).is_ok());
    assert_eq!(
        hear(&s, &facts(Who::Deputy, None), &meeting(Body::MethodologicalCouncil, year(), MeetingStatus::Finalized)),
        Err(HearingError::WrongBody {
            report: "school",
            need: BodyKind::PedagogicalCouncil,
            got: BodyKind::MethodologicalCouncil
        })
    );
    assert!(matches!(
        hear(&r, &facts(Who::Head, Some(&c)), &council),
        Err(HearingError::WrongBody { need: BodyKind::Commission, .. })
    ));
    let another = Body::Commission(CommissionId::from_uuid(Uuid::from_u128(301)));
    assert_eq!(
        hear(&r, &facts(Who::Head, Some(&c)), &meeting(another, year(), MeetingStatus::Finalized)),
        Err(HearingError::OtherCommission)
    );
}

#[test]
fn a_report_is_not_heard_at_another_years_or_a_future_meeting_nor_cited_by_others_r_5_2() {
    use crate::meeting::{Body, MeetingStatus};
    use crate::report::{HearingError, hear};
    let c = commission(CommissionStatus::Approved);
    let own = Body::Commission(c.id);
    let r = report(ReportKind::Commission, ReportStatus::Submitted);
    let next_year = AcademicYear::starting(2023).unwrap();
    assert_eq!(
        hear(&r, &facts(Who::Head, Some(&c)), &meeting(own, next_year, MeetingStatus::Finalized)),
        Err(HearingError::WrongYear { report: year(), meeting: next_year })
    );
    assert_eq!(
        hear(&r, &facts(Who::Head, Some(&c)), &meeting(own, year(), MeetingStatus::Scheduled)),
        Err(HearingError::NotHeld)
    );
    for who in [Who::Teacher, Who::District, Who::OtherDirector, Who::Deputy] {
        assert_eq!(
            hear(&r, &facts(who, Some(&c)), &meeting(own, year(), MeetingStatus::Finalized)),
            Err(HearingError::NotAllowed),
            "{who:?}"
        );
    }
    let mut elsewhere = meeting(own, year(), MeetingStatus::Finalized);
    elsewhere.school = school(OTHER_SCHOOL);
    assert_eq!(hear(&r, &facts(Who::Head, Some(&c)), &elsewhere), Err(HearingError::UnknownMeeting));
}

#[test]
fn a_report_entered_afterwards_is_submitted_accepted_and_returned_on_the_dates_given_issue_11_point_7_r_5_4() {
    use crate::decision::{DateProblem, Dated};
    let day = |m, d| NaiveDate::from_ymd_opt(2023, m, d).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let now = at(6, 20);
    let (s, t) = report(ReportKind::School, Draft)
        .submit(&facts(Who::Deputy, None))
        .unwrap()
        .freeze(None, figures(2), now, Dated::on(Some(day(5, 25)), today))
        .unwrap();
    assert_eq!((s.submitted_on, t.decided_on), (Some(day(5, 25)), Some(day(5, 25))));
    assert_eq!(s.submitted_date(), Some(day(5, 25)));
    // Accepted no earlier than submitted, and never after today.
    let accepting = || s.accept(&facts(Who::Director, None)).unwrap();
    assert_eq!(
        accepting().on(None, now, Dated::on(Some(day(5, 24)), today)).unwrap_err(),
        DateProblem::BeforePrevious { previous: day(5, 25) }
    );
    assert_eq!(
        accepting().on(None, now, Dated::on(Some(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()), today)).unwrap_err(),
        DateProblem::InFuture { today }
    );
    let (a, t) = accepting().on(None, now, Dated::on(Some(day(5, 30)), today)).unwrap();
    assert_eq!(a.accepted.map(|x| x.on), Some(day(5, 30)));
    assert_eq!(t.decided_on, Some(day(5, 30)));
    // A return is dated the same way.
    let returning = || s.return_to_author(&facts(Who::Director, None)).unwrap();
    let c = || Comment::parse("Толуктаңыз").unwrap();
    assert!(returning().with(c(), now, Dated::on(Some(day(5, 1)), today)).is_err());
    let (_, t) = returning().with(c(), now, Dated::on(Some(day(5, 27)), today)).unwrap();
    assert_eq!(t.decided_on, Some(day(5, 27)));
    // Without a date: today.
    let (a, _) = accepting().on(None, now, today).unwrap();
    assert_eq!(a.accepted.map(|x| x.on), Some(today));
}
