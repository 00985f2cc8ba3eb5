//! The demo school's commissions, approved by orders, and the meetings of its bodies with their
//! minutes, made through the same domain commands as the API's.

use super::people::DemoCommission;
use crate::problem::ApiError;
use usul_domain::year::AcademicYear;
use usul_persistence::{Audit, Store};

pub(super) const COMMISSIONS: [DemoCommission; 2] = [
    (
        "Табигый-математикалык циклдин усулдук комиссиясы",
        &[2, 3],
        &[
            "a.usenova@demo.usul.kg",
            "e.abdykadyrov@demo.usul.kg",
            "m.sharshenalieva@demo.usul.kg",
            "a.sydykov@demo.usul.kg",
            "n.baiyshova@demo.usul.kg",
            "b.toktogulov@demo.usul.kg",
        ],
        "45",
    ),
    (
        "Филологиялык циклдин усулдук комиссиясы",
        &[0, 1, 6],
        &[
            "n.mamytova@demo.usul.kg",
            "ch.osmonova@demo.usul.kg",
            "g.tologonova@demo.usul.kg",
            "zh.kerimbaeva@demo.usul.kg",
            "d.zheenbekova@demo.usul.kg",
            "a.bokonbaeva@demo.usul.kg",
            "b.kurmanalieva@demo.usul.kg",
        ],
        "46",
    ),
];

/// The actor a demo person acts as.
pub(super) fn acting(people: &[usul_domain::staff::Staff], mail: &str) -> Result<usul_domain::policy::Actor, ApiError> {
    people
        .iter()
        .find(|p| p.email.as_str() == mail)
        .and_then(crate::auth::actor_of)
        .ok_or_else(|| ApiError::bug(format!("demo actor {mail}")))
}

/// Two commissions drafted by the deputy and approved by the director's orders of September 5,
/// 2022, through the same commands as over HTTP (R-3.2.2a, R-3.2.2c, R-3.2.2d).
pub(super) async fn commissions(
    store: &Store,
    school: &usul_domain::org::School,
    year: AcademicYear,
    subjects: &[usul_domain::ids::SubjectId],
    people: &[usul_domain::staff::Staff],
    audit: &Audit,
) -> Result<Vec<usul_domain::commission::Commission>, ApiError> {
    use usul_domain::commission::command::{DraftRequest, Named, OrderRequest, draft};
    let (deputy, director) = (acting(people, "deputy@demo.usul.kg")?, acting(people, "director@demo.usul.kg")?);
    let named = Named { people, unknown_subjects: &[] };
    let mut approved = Vec::new();
    let date = chrono::NaiveDate::from_ymd_opt(2022, 9, 5).ok_or_else(|| ApiError::bug("date"))?;
    for (title, taught, members, number) in COMMISSIONS {
        let member_ids: Vec<_> =
            members.iter().filter_map(|m| people.iter().find(|p| p.email.as_str() == *m)).map(|p| p.id).collect();
        let subject_ids = taught.iter().filter_map(|i| subjects.get(*i).copied()).collect();
        let head = *member_ids.first().ok_or_else(|| ApiError::bug("demo head"))?;
        let request = DraftRequest { year: year.to_string(), name: title.to_owned(), subject_ids, member_ids };
        let c = store.create_commission(school, &draft(&deputy, school, &request, named)?, audit).await?;
        let (after, change) = c.appoint_head(&director, school, head, people)?;
        let (c, _) = store.save_commission(&c, None, &after, &change, audit).await?;
        let order = OrderRequest {
            number: number.to_owned(),
            date,
            title: Some("Циклдик усулдук комиссиянын курамын бекитүү жөнүндө".to_owned()),
            decided: Some(format!("«{title}» 2022-2023 окуу жылына бекитилсин.")),
        };
        let (after, change) = c.approve(&director, school, &order, people, usul_domain::lang::Lang::Ky)?;
        approved.push(store.save_commission(&c, None, &after, &change, audit).await?.0);
    }
    Ok(approved)
}

/// One finalized meeting of every body: the pedagogical council that reviewed the regulation
/// on 9 November 2022 (as its header records), the methodological council, each commission —
/// scheduled, minuted, held and finalized through the same commands as over HTTP, the councils
/// by the deputy and each commission's by its head.
pub(super) async fn meetings(
    store: &Store,
    school: &usul_domain::org::School,
    people: &[usul_domain::staff::Staff],
    commissions: &[usul_domain::commission::Commission],
    audit: &Audit,
) -> Result<Vec<usul_domain::meeting::Meeting>, ApiError> {
    use usul_domain::meeting::Body;
    let by_mail = |m: &str| {
        people.iter().find(|p| p.email.as_str() == m).map(|p| p.id).ok_or_else(|| ApiError::bug(format!("demo {m}")))
    };
    let director = by_mail("director@demo.usul.kg")?;
    let deputy = by_mail("deputy@demo.usul.kg")?;
    let runner = acting(people, "deputy@demo.usul.kg")?;
    let day = |m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(2022, m, d).ok_or_else(|| ApiError::bug("date"));
    let mut plan = vec![
        (
            Body::PedagogicalCouncil,
            day(11, 9)?,
            "Усулдук иш жөнүндө жобону кароо",
            "«Усулдук иш жөнүндө жобо» каралсын жана директорго бекитүүгө сунушталсын.",
            director,
            deputy,
            runner,
        ),
        (
            Body::MethodologicalCouncil,
            day(9, 8)?,
            "2022-2023-окуу жылына усулдук иштин бирдиктүү планын кароо",
            "Усулдук иштин бирдиктүү планы жактырылсын.",
            deputy,
            director,
            runner,
        ),
    ];
    for c in commissions {
        let head = c.head.ok_or_else(|| ApiError::bug("demo head"))?;
        let secretary = c.members.iter().copied().find(|m| *m != head).unwrap_or(head);
        let by_head = people.iter().find(|p| p.id == head).and_then(crate::auth::actor_of);
        plan.push((
            Body::Commission(c.id),
            day(9, 12)?,
            "Комиссиянын 2022-2023-окуу жылына иш планын талкуулоо",
            "Комиссиянын иш планы жактырылсын жана орун басарга макулдашууга берилсин.",
            head,
            secretary,
            by_head.ok_or_else(|| ApiError::bug("demo head actor"))?,
        ));
    }
    let mut finalized = Vec::new();
    for (body, date, agenda, decision, chair, secretary, by) in plan {
        finalized.push(
            minuted(store, school, people, (body, date), (agenda, decision, chair, secretary), &by, audit).await?,
        );
    }
    Ok(finalized)
}

/// A meeting of `body` on `date`, scheduled and held, minuted (everyone came but the last member,
/// who was excused) and finalized by `by`.
pub(super) async fn minuted(
    store: &Store,
    school: &usul_domain::org::School,
    people: &[usul_domain::staff::Staff],
    (body, date): (usul_domain::meeting::Body, chrono::NaiveDate),
    (agenda, decision, chair, secretary): (&str, &str, usul_domain::ids::StaffId, usul_domain::ids::StaffId),
    by: &usul_domain::policy::Actor,
    audit: &Audit,
) -> Result<usul_domain::meeting::Meeting, ApiError> {
    use usul_domain::meeting::Presence;
    use usul_domain::meeting::command::{DecisionRequest, MarkRequest, MinutesRequest};
    let (m, seating) = crate::cli::generate::held_meeting(store, school, (body, date), agenda, by, audit).await?;
    let count = m.attendance.len();
    let marks = m
        .attendance
        .iter()
        .enumerate()
        .map(|(i, (s, _))| {
            let p = if i + 1 == count && count > 3 { Presence::Excused } else { Presence::Present };
            MarkRequest { staff_id: *s, presence: p.code().to_owned() }
        })
        .collect();
    let minutes = MinutesRequest {
        attendance: Some(marks),
        decisions: Some(vec![DecisionRequest {
            text: decision.to_owned(),
            responsible_ids: vec![chair],
            deadline: None,
        }]),
        chair_id: Some(Some(chair)),
        secretary_id: Some(Some(secretary)),
        ..MinutesRequest::default()
    };
    let (after, change) = m.edit(by, school, &seating, &minutes, people)?;
    let m = store.save_meeting(&m, None, &after, change, audit).await?;
    let (after, change) = m.finalize(by, school, &seating)?;
    Ok(store.save_meeting(&m, None, &after, change, audit).await?)
}

/// One item of a demo plan: (title, form — empty for none —, due month and day in the school
/// year, responsible e-mails).
pub(super) type DemoItem = (&'static str, &'static str, (i32, u32, u32), &'static [&'static str]);
