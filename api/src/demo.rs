//! The demo school: "КТО №95 мектеп-гимназиясы" in a demo district, with its director, deputy,
//! seventeen teachers across eight subjects and the 2022-2023 year's methodological theme.
//! Loaded only by `usul demo` or `usul serve --demo`, and only into an empty database.

use crate::auth::hash_password_blocking;
use crate::filing;
use crate::problem::ApiError;
use usul_domain::org::Theme;
use usul_domain::staff::{Affiliation, Experience, QualificationCategory as Q, Role, SchoolSettings};
use usul_domain::values::{Email, Name};
use usul_domain::year::AcademicYear;
use usul_persistence::{Audit, NewDistrict, NewSchool, NewStaff, PageRequest, Store};

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "usul-demo-2022";
/// The demo district's service account.
pub const DEMO_CLIENT_ID: &str = "demo-district";
/// Its secret.
pub const DEMO_CLIENT_SECRET: &str = "demo-district-secret-2022";

const SUBJECTS: [&str; 8] = [
    "Кыргыз тили жана адабияты",
    "Орус тили жана адабияты",
    "Математика",
    "Физика",
    "Химия",
    "Биология",
    "Англис тили",
    "Тарых",
];

/// (email, last, first, patronymic, position, role, subject indexes, category, years)
type Person = (&'static str, &'static str, &'static str, &'static str, &'static str, Role, &'static [usize], Q, u8);

const PEOPLE: [Person; 19] = [
    (
        "director@demo.usul.kg",
        "Сардарбекова",
        "Айгүл",
        "Кубанычбековна",
        "Директор",
        Role::Director,
        &[2],
        Q::Highest,
        25,
    ),
    (
        "deputy@demo.usul.kg",
        "Жумабаева",
        "Гүлнара",
        "Асановна",
        "Директордун усулдук иштер боюнча орун басары",
        Role::Deputy,
        &[1],
        Q::Highest,
        18,
    ),
    (
        "a.usenova@demo.usul.kg",
        "Үсөнова",
        "Айнура",
        "Бакытовна",
        "Математика мугалими",
        Role::Teacher,
        &[2],
        Q::Highest,
        12,
    ),
    (
        "b.toktogulov@demo.usul.kg",
        "Токтогулов",
        "Бакыт",
        "Асанович",
        "Физика мугалими",
        Role::Teacher,
        &[3],
        Q::First,
        7,
    ),
    (
        "n.mamytova@demo.usul.kg",
        "Мамытова",
        "Нургүл",
        "Эркиновна",
        "Кыргыз тили жана адабияты мугалими",
        Role::Teacher,
        &[0],
        Q::Highest,
        20,
    ),
    (
        "e.abdykadyrov@demo.usul.kg",
        "Абдыкадыров",
        "Эрлан",
        "Жолдошбекович",
        "Математика мугалими",
        Role::Teacher,
        &[2],
        Q::Second,
        4,
    ),
    (
        "ch.osmonova@demo.usul.kg",
        "Осмонова",
        "Чолпон",
        "Сагынбековна",
        "Кыргыз тили жана адабияты мугалими",
        Role::Teacher,
        &[0],
        Q::First,
        9,
    ),
    (
        "zh.kerimbaeva@demo.usul.kg",
        "Керимбаева",
        "Жылдыз",
        "Туратбековна",
        "Орус тили жана адабияты мугалими",
        Role::Teacher,
        &[1],
        Q::Highest,
        15,
    ),
    ("n.isakov@demo.usul.kg", "Исаков", "Нурлан", "Маратович", "Тарых мугалими", Role::Teacher, &[7], Q::First, 11),
    (
        "a.bokonbaeva@demo.usul.kg",
        "Бөкөнбаева",
        "Айзада",
        "Улановна",
        "Англис тили мугалими",
        Role::Teacher,
        &[6],
        Q::None,
        3,
    ),
    (
        "m.sharshenalieva@demo.usul.kg",
        "Шаршеналиева",
        "Мээрим",
        "Кубатовна",
        "Математика мугалими",
        Role::Teacher,
        &[2],
        Q::First,
        6,
    ),
    (
        "a.sydykov@demo.usul.kg",
        "Сыдыков",
        "Азамат",
        "Ырысбекович",
        "Физика жана математика мугалими",
        Role::Teacher,
        &[3, 2],
        Q::Highest,
        14,
    ),
    (
        "g.tologonova@demo.usul.kg",
        "Төлөгөнова",
        "Гүлзат",
        "Эсенбековна",
        "Кыргыз тили жана адабияты мугалими",
        Role::Teacher,
        &[0],
        Q::None,
        2,
    ),
    (
        "d.zheenbekova@demo.usul.kg",
        "Жээнбекова",
        "Динара",
        "Мухтаровна",
        "Орус тили жана адабияты мугалими",
        Role::Teacher,
        &[1],
        Q::First,
        8,
    ),
    (
        "t.ryskulov@demo.usul.kg",
        "Рыскулов",
        "Тилек",
        "Каныбекович",
        "Химия мугалими",
        Role::Teacher,
        &[4],
        Q::First,
        10,
    ),
    (
        "a.alybaeva@demo.usul.kg",
        "Алыбаева",
        "Асел",
        "Нурбековна",
        "Биология мугалими",
        Role::Teacher,
        &[5],
        Q::Highest,
        16,
    ),
    (
        "b.kurmanalieva@demo.usul.kg",
        "Курманалиева",
        "Бермет",
        "Жаныбековна",
        "Англис тили мугалими",
        Role::Teacher,
        &[6],
        Q::Second,
        5,
    ),
    (
        "m.esengulov@demo.usul.kg",
        "Эсенгулов",
        "Марат",
        "Өмүрбекович",
        "Тарых мугалими",
        Role::Teacher,
        &[7],
        Q::Highest,
        22,
    ),
    (
        "n.baiyshova@demo.usul.kg",
        "Байышова",
        "Нуриза",
        "Алмазбековна",
        "Математика мугалими",
        Role::Teacher,
        &[2],
        Q::None,
        1,
    ),
];

/// (name, subject indexes, member e-mails with the head first, order number)
type DemoCommission = (&'static str, &'static [usize], &'static [&'static str], &'static str);

const COMMISSIONS: [DemoCommission; 2] = [
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
fn acting(people: &[usul_domain::staff::Staff], mail: &str) -> Result<usul_domain::policy::Actor, ApiError> {
    people
        .iter()
        .find(|p| p.email.as_str() == mail)
        .and_then(crate::auth::actor_of)
        .ok_or_else(|| ApiError::bug(format!("demo actor {mail}")))
}

/// Two commissions drafted by the deputy and approved by the director's orders of September 5,
/// 2022, through the same commands as over HTTP (R-3.2.2a, R-3.2.2c, R-3.2.2d).
async fn commissions(
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
async fn meetings(
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
async fn minuted(
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
    let (m, seating) = crate::generate::held_meeting(store, school, (body, date), agenda, by, audit).await?;
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

/// One item of a demo plan: (title, form, due month and day in the school year, responsible
/// e-mails).
type DemoItem = (&'static str, &'static str, (i32, u32, u32), &'static [&'static str]);

const SCHOOL_ITEMS: [DemoItem; 6] = [
    ("Усулдук кеңештин отурумдары", "consultation", (2022, 9, 8), &["deputy@demo.usul.kg"]),
    ("Мугалимдердин курстук даярдоосун пландоо", "course_training", (2022, 10, 1), &["deputy@demo.usul.kg"]),
    (
        "Ачык сабактардын декадасы",
        "open_lesson",
        (2022, 11, 25),
        &["a.usenova@demo.usul.kg", "n.mamytova@demo.usul.kg"],
    ),
    ("Жаш мугалимдерге насаатчылык", "mentoring", (2022, 12, 20), &["zh.kerimbaeva@demo.usul.kg"]),
    ("Мастер-класстар", "master_class", (2023, 2, 15), &["a.sydykov@demo.usul.kg"]),
    ("Усулдук иштин жыйынтыктары боюнча отчет", "creative_report", (2023, 5, 30), &["deputy@demo.usul.kg"]),
];

/// The approved unified plan (reviewed at the methodological council's meeting), the two
/// commissions' approved plans (reviewed at their meetings), and individual plans in several
/// states, each moved by whom its route names.
async fn plans(
    store: &Store,
    school: &usul_domain::org::School,
    year: AcademicYear,
    people: &[usul_domain::staff::Staff],
    commissions: &[usul_domain::commission::Commission],
    minutes: &[usul_domain::meeting::Meeting],
    audit: &Audit,
) -> Result<(), ApiError> {
    use usul_domain::meeting::Body;
    use usul_domain::plan::{Header, Item, Owner, PlanKind, Progress, StepKind};
    let person =
        |m: &str| people.iter().find(|p| p.email.as_str() == m).ok_or_else(|| ApiError::bug(format!("demo {m}")));
    let date =
        |(y, m, d): (i32, u32, u32)| chrono::NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| ApiError::bug("date"));
    let item = |n: usize, (title, form, due, who): &DemoItem| -> Result<Item, ApiError> {
        Ok(Item {
            id: usul_domain::ids::ItemId::new(),
            position: u32::try_from(n + 1).unwrap_or(1),
            title: (*title).to_owned(),
            description: None,
            form: (*form).to_owned(),
            direction: None,
            start: None,
            due: Some(date(*due)?),
            responsible: who.iter().map(|w| person(w).map(|p| p.id)).collect::<Result<_, _>>()?,
            expected_result: None,
            progress: Progress::Planned,
            completed_on: None,
            outcome: None,
            evidence: Vec::new(),
        })
    };
    let header = |title: String, goal: Option<&str>, theme: Option<&str>| Header {
        title,
        goal: goal.map(str::to_owned),
        personal_theme: theme.map(str::to_owned),
    };
    let desk = crate::plan_desk::PlanDesk { store, school, audit };
    let director = person("director@demo.usul.kg")?;
    let deputy = person("deputy@demo.usul.kg")?;
    // Approvals come two days after the review, or on September 14 without one.
    let approval_day = |m: Option<&usul_domain::meeting::Meeting>| match m {
        Some(m) => Ok(m.date + chrono::Duration::days(2)),
        None => date((2022, 9, 14)),
    };

    // The unified plan: drafted by the deputy, reviewed at the methodological
    // council, approved by the director.
    let council = minutes.iter().find(|m| m.body == Body::MethodologicalCouncil);
    let title = "2022-2023-окуу жылына усулдук иштин бирдиктүү планы".to_owned();
    let p = desk
        .start(
            deputy,
            (PlanKind::School, Owner::School(school.id), year),
            header(title, Some("Мугалимдердин кесиптик чеберчилигин өнүктүрүү"), None),
        )
        .await?;
    let items = SCHOOL_ITEMS.iter().enumerate().map(|(n, it)| item(n, it)).collect::<Result<Vec<_>, _>>()?;
    let p = desk.add(deputy, p, items).await?;
    let p = desk.submit(deputy, p).await?;
    let p = desk.step(deputy, p, StepKind::Review, council, date((2022, 9, 8))?).await?;
    let p = desk.step(director, p, StepKind::Approve, None, approval_day(council)?).await?;
    // Its execution over the year: four items done, the master classes partly, the year's
    // report still to come.
    let marks: Vec<usul_persistence::ItemProgress> = p
        .items
        .iter()
        .zip([Progress::Done, Progress::Done, Progress::Done, Progress::Done, Progress::PartlyDone])
        .map(|(i, progress)| usul_persistence::ItemProgress {
            progress,
            completed_on: if progress == Progress::Done { i.due } else { None },
            outcome: None,
            evidence: Vec::new(),
        })
        .collect();
    desk.progress(deputy, p, &marks).await?;

    // Each commission's plan (R-3.2.2f): drafted by its head, reviewed at its own meeting,
    // agreed by the deputy, approved by the director.
    for c in commissions {
        let head_id = c.head.ok_or_else(|| ApiError::bug("demo head"))?;
        let head = people.iter().find(|p| p.id == head_id).ok_or_else(|| ApiError::bug("demo head"))?;
        let title = format!("«{}» иш планы", c.name);
        let p =
            desk.start(head, (PlanKind::Commission, Owner::Commission(c.id), year), header(title, None, None)).await?;
        let own: [DemoItem; 2] = [
            ("Ачык сабактар", "open_lesson", (2022, 11, 25), &[]),
            ("Текшерүү тапшырмаларын даярдоо", "author_development", (2023, 3, 10), &[]),
        ];
        let mut items = Vec::new();
        for (n, (title, form, due, _)) in own.iter().enumerate() {
            let mut it = item(n, &(*title, *form, *due, &[]))?;
            it.responsible = vec![head_id];
            items.push(it);
        }
        let p = desk.add(head, p, items).await?;
        let meeting = minutes.iter().find(|m| m.body == Body::Commission(c.id));
        let reviewed_on = meeting.map_or_else(|| date((2022, 9, 12)), |m| Ok(m.date))?;
        let p = desk.submit(head, p).await?;
        let p = desk.step(head, p, StepKind::Review, meeting, reviewed_on).await?;
        let p = desk.step(deputy, p, StepKind::Agree, None, reviewed_on).await?;
        desk.step(director, p, StepKind::Approve, None, approval_day(meeting)?).await?;
    }

    // Individual plans: approved, agreed, submitted, draft. The teachers sit on the
    // mathematics commission, whose head agrees them; the deputy approves.
    let maths_head = person("a.usenova@demo.usul.kg")?;
    let states: [(&str, usize); 4] = [
        ("e.abdykadyrov@demo.usul.kg", 3),
        ("m.sharshenalieva@demo.usul.kg", 2),
        ("n.baiyshova@demo.usul.kg", 1),
        ("b.toktogulov@demo.usul.kg", 0),
    ];
    let on = approval_day(None)?;
    for (mail, moves) in states {
        let teacher = person(mail)?;
        let theme = Some("Сабакта санариптик технологияларды колдонуу");
        let owner = Owner::Teacher(teacher.id);
        let p = desk
            .start(
                teacher,
                (PlanKind::Individual, owner, year),
                header("Мугалимдин жекече планы".to_owned(), None, theme),
            )
            .await?;
        let mut it = item(0, &("Өз тажрыйбам боюнча ачык сабак", "open_lesson", (2023, 2, 10), &[]))?;
        it.responsible = vec![teacher.id];
        let mut p = desk.add(teacher, p, vec![it]).await?;
        if moves >= 1 {
            p = desk.submit(teacher, p).await?;
        }
        if moves >= 2 {
            p = desk.step(maths_head, p, StepKind::Agree, None, on).await?;
        }
        if moves >= 3 {
            desk.step(deputy, p, StepKind::Approve, None, on).await?;
        }
    }
    Ok(())
}

/// The demo logins, for the console and the README.
#[must_use]
pub fn logins() -> String {
    format!(
        "Demo logins (password for every person: {DEMO_PASSWORD}):\n  \
         admin@demo.usul.kg       administrator\n  \
         methodist@demo.usul.kg   district methodologist\n  \
         director@demo.usul.kg    director, Сардарбекова А.К.\n  \
         deputy@demo.usul.kg      deputy director for methodological work\n  \
         a.usenova@demo.usul.kg   teacher of mathematics, head of its commission (and 16 more teachers)\n  \
         service account: client_id {DEMO_CLIENT_ID}, client_secret {DEMO_CLIENT_SECRET}"
    )
}

fn name(s: &str) -> Result<Name, ApiError> {
    Name::parse(s).map_err(|e| ApiError::bug(format!("demo name {s}: {e}")))
}

fn email(s: &str) -> Result<Email, ApiError> {
    Email::parse(s).map_err(|e| ApiError::bug(format!("demo email {s}: {e}")))
}

/// Loads the demo into an empty database. Returns `false` (and changes nothing) when the
/// database already has districts.
///
/// # Errors
/// [`ApiError`] when a write fails.
pub async fn load(store: &Store) -> Result<bool, ApiError> {
    if !store.list_districts(None, PageRequest { after: None, limit: 1 }).await?.items.is_empty() {
        return Ok(false);
    }
    let audit = Audit::system("demo data");
    // One hash for the one shared demo password: hashing is deliberately slow.
    let hash = hash_password_blocking(DEMO_PASSWORD)?;
    let district = store
        .create_district(
            NewDistrict {
                name: name("Демо району боюнча билим берүү бөлүмү")?, region: Some(name("Бишкек")?)
            },
            &audit,
        )
        .await?;
    let school = store
        .create_school(
            NewSchool {
                district: district.id,
                name: name("КТО №95 мектеп-гимназиясы")?,
                address: Some(name("Бишкек ш.")?),
                settings: SchoolSettings::default(),
            },
            &audit,
        )
        .await?;
    let mut subjects = Vec::new();
    for s in SUBJECTS {
        subjects.push(store.create_subject(&school, name(s)?, &audit).await?.id);
    }
    let year = AcademicYear::parse("2022-2023").map_err(|e| ApiError::bug(e.to_string()))?;
    let theme = Theme::parse("Окутуу-тарбия процессинде заманбап педагогикалык технологияларды колдонуу аркылуу билим берүүнүн сапатын жогорулатуу")
        .map_err(|e| ApiError::bug(e.to_string()))?;
    let goal = Theme::parse("Мугалимдердин кесиптик чеберчилигин жана чыгармачыл дараметин өнүктүрүү, алдыңкы педагогикалык тажрыйбаны жайылтуу")
        .map_err(|e| ApiError::bug(e.to_string()))?;
    store.put_school_year(&school, year, theme, Some(goal), None, &audit).await?;

    let admin = (Affiliation::Service, "admin@demo.usul.kg", "Администратор", "Usul", Role::Admin);
    let methodist = (
        Affiliation::District(district.id),
        "methodist@demo.usul.kg",
        "Абдраимова",
        "Жаркын",
        Role::DistrictMethodologist,
    );
    for (affiliation, mail, last, first, role) in [admin, methodist] {
        let new = NewStaff {
            affiliation,
            email: email(mail)?,
            password_hash: hash.clone(),
            last_name: name(last)?,
            first_name: name(first)?,
            patronymic: None,
            position: None,
            role,
            subjects: Vec::new(),
            category: Q::None,
            experience: Experience::parse(0).map_err(|_| ApiError::bug("experience"))?,
        };
        store.create_staff(new, &audit).await?;
    }
    let at_school = Affiliation::School { school: school.id, district: district.id };
    let mut people = Vec::new();
    for (mail, last, first, patronymic, position, role, taught, category, years) in PEOPLE {
        let new = NewStaff {
            affiliation: at_school,
            email: email(mail)?,
            password_hash: hash.clone(),
            last_name: name(last)?,
            first_name: name(first)?,
            patronymic: Some(name(patronymic)?),
            position: Some(name(position)?),
            role,
            subjects: taught.iter().filter_map(|i| subjects.get(*i).copied()).collect(),
            category,
            experience: Experience::parse(i64::from(years)).map_err(|_| ApiError::bug("experience"))?,
        };
        people.push(store.create_staff(new, &audit).await?);
    }
    let commission_ids = commissions(store, &school, year, &subjects, &people, &audit).await?;
    let minutes = meetings(store, &school, &people, &commission_ids, &audit).await?;
    plans(store, &school, year, &people, &commission_ids, &minutes, &audit).await?;
    records(store, &school, year, &people, &subjects, &commission_ids, &minutes, &audit).await?;
    year_end(store, &school, year, &people, &subjects, &commission_ids, &audit).await?;
    // A second school of the district, so that the district's summary compares something.
    crate::generate::school(
        store,
        Some(district.id),
        "12-demo",
        crate::generate::Size { staff: 24, activities: 80, items: 60 },
        12,
    )
    .await?;
    let secret_hash = hash_password_blocking(DEMO_CLIENT_SECRET)?;
    store
        .create_service_account(
            district.id,
            name("Демо район: отчет системасы")?,
            DEMO_CLIENT_ID.to_owned(),
            secret_hash,
            &audit,
        )
        .await?;
    Ok(true)
}

/// The year's end: annual grades of 2021-2022 and 2022-2023 for every subject,
/// the mathematics commission's report accepted by the director, the school's report submitted
/// by the deputy.
async fn year_end(
    store: &Store,
    school: &usul_domain::org::School,
    year: AcademicYear,
    people: &[usul_domain::staff::Staff],
    subjects: &[usul_domain::ids::SubjectId],
    commissions: &[usul_domain::commission::Commission],
    audit: &Audit,
) -> Result<(), ApiError> {
    use usul_domain::quality::{GradeCounts, Term};
    use usul_persistence::QualityEntry;
    let previous = year.previous().ok_or_else(|| ApiError::bug("year"))?;
    for (y, better) in [(previous, 0_u32), (year, 1)] {
        let mut rows = Vec::new();
        for (i, s) in subjects.iter().enumerate() {
            for (k, class) in ["5А", "6А", "7Б", "8А", "9Б", "10А", "11А"].into_iter().enumerate() {
                let n = u32::try_from(i * 3 + k * 5).unwrap_or(0);
                let students = 26 + n % 9;
                let five = 3 + n % 5 + better;
                let four = 8 + n % 6 + better;
                let two = (n % 3).saturating_sub(better);
                let three = students - five - four - two;
                let counts = GradeCounts::new(students, [five, four, three, two])
                    .map_err(|e| ApiError::internal("demo grades", e))?;
                rows.push(QualityEntry { subject: *s, class: class.to_owned(), counts });
            }
        }
        store.put_quality(school, y, Term::Year, &rows, None, audit).await?;
    }
    use usul_domain::report::Narrative;
    let by_mail = |m: &str| {
        people.iter().find(|p| p.email.as_str() == m).ok_or_else(|| ApiError::bug(format!("demo person {m}")))
    };
    let commission = commissions.first().ok_or_else(|| ApiError::bug("demo commission"))?;
    let head = people.iter().find(|p| Some(p.id) == commission.head).ok_or_else(|| ApiError::bug("demo head"))?;
    let narrative = Narrative {
        achievements: Some("Комиссиянын бардык мүчөлөрү ачык сабак өткөрүштү; математикадан билим сапаты 2021-2022-окуу жылына салыштырмалуу жогорулады.".to_owned()),
        problems: Some("Жаш мугалимдердин өз алдынча билим алуусу жетишсиз.".to_owned()),
        proposals: Some("Кийинки жылы насаатчылыкты күчөтүү, предметтик декада өткөрүү.".to_owned()),
    };
    let now = usul_persistence::now();
    let r = filing::file_submitted(store, school, Some(commission), year, head, narrative, now, audit).await?;
    let accepted_at = chrono::NaiveDate::from_ymd_opt(2023, 6, 12)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .ok_or_else(|| ApiError::bug("date"))?
        .and_utc();
    let director = by_mail("director@demo.usul.kg")?;
    filing::accept(store, school, &r, director, "Кабыл алынды.", accepted_at, audit).await?;
    let narrative = Narrative {
        achievements: Some("Мектептин усулдук темасы боюнча пландын негизги иш-чаралары аткарылды.".to_owned()),
        problems: Some("Эки мугалим усулдук ишке катышкан жок.".to_owned()),
        proposals: Some("Ар бир мугалимдин жекече планын бекитүү.".to_owned()),
    };
    let deputy = by_mail("deputy@demo.usul.kg")?;
    filing::file_submitted(store, school, None, year, deputy, narrative, now, audit).await?;
    Ok(())
}

/// (form, title, date, presenter, others, subject index, class) of a demo activity.
type DemoActivity = (
    &'static str,
    &'static str,
    (i32, u32, u32),
    &'static str,
    &'static [&'static str],
    Option<usize>,
    Option<&'static str>,
);

/// A year of records: activities (open lessons, master classes, seminars…) with who took part,
/// mentorships, course trainings, materials in every state, and diagnoses. Two teachers
/// (Рыскулов Т.К., Бөкөнбаева А.У.) took no part, so that participation names them.
#[allow(clippy::too_many_arguments)]
async fn records(
    store: &Store,
    school: &usul_domain::org::School,
    year: AcademicYear,
    people: &[usul_domain::staff::Staff],
    subjects: &[usul_domain::ids::SubjectId],
    commissions: &[usul_domain::commission::Commission],
    minutes: &[usul_domain::meeting::Meeting],
    audit: &Audit,
) -> Result<(), ApiError> {
    use usul_domain::ids::{ActivityId, MaterialId, MentorshipId, TrainingId};
    use usul_domain::meeting::Body;
    use usul_domain::records::activity::{ActivityInput, FeedbackInput, ParticipantInput, record_activity};
    use usul_domain::records::actor::RecordActor;
    use usul_domain::records::input::{PersonFacts, Refs};
    use usul_domain::records::material::{MaterialInput, MeetingFacts, add_material};
    use usul_domain::records::mentoring::{MentorshipInput, record_mentorship};
    use usul_domain::records::personal::{AreaInput, TrainingInput, record_diagnosis, record_training};
    use usul_domain::records::{Hours, MaterialStatus, ParticipantRole as R};
    let refused = |e: &dyn std::fmt::Debug| ApiError::bug(format!("demo record refused by the rules: {e:?}"));
    let id = |m: &str| {
        people.iter().find(|p| p.email.as_str() == m).map(|p| p.id).ok_or_else(|| ApiError::bug(format!("demo {m}")))
    };
    let day = |y: i32, m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| ApiError::bug("date"));
    let now = usul_persistence::now();
    // The deputy keeps the school's records, under the same rules as over HTTP; the
    // facts the rules check are the demo's own people and subjects.
    let deputy = RecordActor::manager(id("deputy@demo.usul.kg")?);
    let mut refs = Refs::empty(school.id);
    refs.people = people.iter().map(|p| PersonFacts { id: p.id, school: p.school(), active: p.active }).collect();
    refs.subjects = subjects.to_vec();
    // (form, title, (y, m, d), presenter, others, subject index, grade)
    let plan: [DemoActivity; 22] = [
        (
            "open_lesson",
            "Бөлчөктөрдү кошуу",
            (2022, 11, 21),
            "a.usenova@demo.usul.kg",
            &["e.abdykadyrov@demo.usul.kg", "m.sharshenalieva@demo.usul.kg", "deputy@demo.usul.kg"],
            Some(2),
            Some("6Б"),
        ),
        (
            "open_lesson",
            "Ньютондун мыйзамдары",
            (2022, 11, 22),
            "b.toktogulov@demo.usul.kg",
            &["a.sydykov@demo.usul.kg", "deputy@demo.usul.kg"],
            Some(3),
            Some("9А"),
        ),
        (
            "open_lesson",
            "Манас эпосу: Семетей",
            (2022, 11, 23),
            "n.mamytova@demo.usul.kg",
            &["ch.osmonova@demo.usul.kg", "g.tologonova@demo.usul.kg"],
            Some(0),
            Some("8В"),
        ),
        (
            "open_lesson",
            "Причастный оборот",
            (2022, 11, 24),
            "zh.kerimbaeva@demo.usul.kg",
            &["d.zheenbekova@demo.usul.kg", "deputy@demo.usul.kg"],
            Some(1),
            Some("7А"),
        ),
        (
            "open_lesson",
            "Present Perfect",
            (2022, 11, 25),
            "b.kurmanalieva@demo.usul.kg",
            &["deputy@demo.usul.kg"],
            Some(6),
            Some("5Б"),
        ),
        (
            "open_lesson",
            "Кокон хандыгы",
            (2023, 1, 18),
            "n.isakov@demo.usul.kg",
            &["m.esengulov@demo.usul.kg"],
            Some(7),
            Some("8А"),
        ),
        (
            "open_lesson",
            "Клетканын түзүлүшү",
            (2023, 1, 19),
            "a.alybaeva@demo.usul.kg",
            &["deputy@demo.usul.kg"],
            Some(5),
            Some("6А"),
        ),
        (
            "open_lesson",
            "Квадраттык теңдемелер",
            (2023, 2, 8),
            "e.abdykadyrov@demo.usul.kg",
            &["a.usenova@demo.usul.kg", "n.baiyshova@demo.usul.kg"],
            Some(2),
            Some("8Б"),
        ),
        (
            "master_class",
            "Сабакта санариптик куралдар",
            (2022, 12, 14),
            "a.sydykov@demo.usul.kg",
            &["b.toktogulov@demo.usul.kg", "n.baiyshova@demo.usul.kg", "m.sharshenalieva@demo.usul.kg"],
            None,
            None,
        ),
        (
            "master_class",
            "Окуу сабаттуулугу: стратегиялар",
            (2023, 2, 15),
            "n.mamytova@demo.usul.kg",
            &["ch.osmonova@demo.usul.kg", "zh.kerimbaeva@demo.usul.kg", "d.zheenbekova@demo.usul.kg"],
            None,
            None,
        ),
        (
            "master_class",
            "Критикалык ой жүгүртүү",
            (2023, 3, 1),
            "m.esengulov@demo.usul.kg",
            &["n.isakov@demo.usul.kg", "a.alybaeva@demo.usul.kg"],
            None,
            None,
        ),
        (
            "master_class",
            "Баалоонун критерийлери",
            (2023, 3, 15),
            "deputy@demo.usul.kg",
            &["a.usenova@demo.usul.kg", "n.mamytova@demo.usul.kg", "b.kurmanalieva@demo.usul.kg"],
            None,
            None,
        ),
        (
            "seminar_practicum",
            "Формативдик баалоо",
            (2022, 10, 12),
            "deputy@demo.usul.kg",
            &[
                "a.usenova@demo.usul.kg",
                "b.toktogulov@demo.usul.kg",
                "n.mamytova@demo.usul.kg",
                "e.abdykadyrov@demo.usul.kg",
                "ch.osmonova@demo.usul.kg",
            ],
            None,
            None,
        ),
        (
            "seminar_practicum",
            "Инклюзивдик класс",
            (2023, 1, 25),
            "a.alybaeva@demo.usul.kg",
            &["zh.kerimbaeva@demo.usul.kg", "n.isakov@demo.usul.kg", "g.tologonova@demo.usul.kg"],
            None,
            None,
        ),
        (
            "seminar_practicum",
            "Долбоордук окутуу",
            (2023, 4, 5),
            "a.sydykov@demo.usul.kg",
            &["m.sharshenalieva@demo.usul.kg", "n.baiyshova@demo.usul.kg"],
            None,
            None,
        ),
        (
            "round_table",
            "Жаш мугалимдердин көйгөйлөрү",
            (2022, 10, 26),
            "director@demo.usul.kg",
            &["g.tologonova@demo.usul.kg", "n.baiyshova@demo.usul.kg", "zh.kerimbaeva@demo.usul.kg"],
            None,
            None,
        ),
        (
            "round_table",
            "Ата-энелер менен иштөө",
            (2023, 3, 22),
            "ch.osmonova@demo.usul.kg",
            &["d.zheenbekova@demo.usul.kg", "b.kurmanalieva@demo.usul.kg"],
            None,
            None,
        ),
        (
            "experience_exchange",
            "Филологдордун тажрыйба алмашуусу",
            (2022, 12, 7),
            "zh.kerimbaeva@demo.usul.kg",
            &["n.mamytova@demo.usul.kg", "d.zheenbekova@demo.usul.kg"],
            None,
            None,
        ),
        (
            "experience_exchange",
            "Табигый илимдер жумалыгы",
            (2023, 2, 22),
            "a.alybaeva@demo.usul.kg",
            &["b.toktogulov@demo.usul.kg", "a.sydykov@demo.usul.kg"],
            None,
            None,
        ),
        (
            "creative_report",
            "Математиктердин чыгармачыл отчету",
            (2023, 4, 19),
            "a.usenova@demo.usul.kg",
            &["e.abdykadyrov@demo.usul.kg", "m.sharshenalieva@demo.usul.kg", "director@demo.usul.kg"],
            None,
            None,
        ),
        (
            "creative_report",
            "Тарыхчылардын чыгармачыл отчету",
            (2023, 4, 26),
            "m.esengulov@demo.usul.kg",
            &["n.isakov@demo.usul.kg", "deputy@demo.usul.kg"],
            None,
            None,
        ),
        (
            "methodological_publication",
            "Мектептин усулдук бюллетени №1",
            (2023, 5, 17),
            "deputy@demo.usul.kg",
            &["director@demo.usul.kg"],
            None,
            None,
        ),
    ];
    for (form, title, (y, m, d), presenter, others, subject, grade) in plan {
        let presenter = id(presenter)?;
        let role = if form == "open_lesson" { R::Observer } else { R::Participant };
        let mut participants =
            vec![ParticipantInput { staff: presenter, role: R::Presenter.code().to_owned(), attended: true }];
        for o in others {
            participants.push(ParticipantInput { staff: id(o)?, role: role.code().to_owned(), attended: true });
        }
        let feedback = if form == "open_lesson" {
            participants
                .iter()
                .skip(1)
                .take(1)
                .map(|p| FeedbackInput {
                    staff: p.staff,
                    text: "Сабак максатка жетти, топтук иш жакшы уюштурулду.".to_owned(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let input = ActivityInput {
            form: form.to_owned(),
            title: title.to_owned(),
            starts_on: day(y, m, d)?,
            ends_on: None,
            organiser: Some(presenter),
            commission: None,
            place: Some("КТО №95".to_owned()),
            hours: Some(if form == "open_lesson" { 1.0 } else { 2.0 }),
            description: None,
            outcome: None,
            grade: grade.map(str::to_owned),
            subject: subject.and_then(|i| subjects.get(i).copied()),
            feedback,
            plan_item: None,
            participants,
        };
        let a = record_activity(&deputy, input, &refs, ActivityId::new(), now).map_err(|e| refused(&e))?;
        store.create_activity(school, &a, audit).await?;
    }
    for (mentor, mentee) in [
        ("zh.kerimbaeva@demo.usul.kg", "g.tologonova@demo.usul.kg"),
        ("a.usenova@demo.usul.kg", "n.baiyshova@demo.usul.kg"),
    ] {
        let input = MentorshipInput {
            year: year.to_string(),
            mentor: id(mentor)?,
            mentee: id(mentee)?,
            goals: Some("Сабакты пландоо жана класстык башкаруу".to_owned()),
        };
        let m = record_mentorship(&deputy, input, &refs, MentorshipId::new(), now).map_err(|e| refused(&e))?;
        store.create_mentorship(school, &m, audit).await?;
    }
    for (who, title, hours, start) in [
        ("a.usenova@demo.usul.kg", "Математикалык сабаттуулук", 720, (2022, 10, 3)),
        ("n.mamytova@demo.usul.kg", "Окуу сабаттуулугун өнүктүрүү", 720, (2022, 11, 7)),
        ("g.tologonova@demo.usul.kg", "Жаш мугалимдин мектеби", 360, (2023, 1, 9)),
        ("d.zheenbekova@demo.usul.kg", "Орус тилин окутуунун заманбап ыкмалары", 360, (2023, 2, 6)),
        ("n.isakov@demo.usul.kg", "Тарыхты окутууда булактар менен иштөө", 720, (2023, 3, 13)),
    ] {
        let starts = day(start.0, start.1, start.2)?;
        let input = TrainingInput {
            title: title.to_owned(),
            provider: "Кыргыз билим берүү академиясы".to_owned(),
            mode: if hours > 400 { "in_person" } else { "distance" }.to_owned(),
            starts_on: starts,
            ends_on: starts + chrono::Duration::days(11),
            hours: Hours::from_tenths(hours).as_f64(),
            certificate_number: Some(format!("КББА-{}", 1000 + hours)),
            issuer: Some("КББА".to_owned()),
        };
        let t =
            record_training(&deputy, (id(who)?, school.id), input, TrainingId::new(), now).map_err(|e| refused(&e))?;
        store.create_training(school, &t, audit).await?;
    }
    let review_of = |c: usize| {
        minutes
            .iter()
            .find(|m| commissions.get(c).is_some_and(|k| m.body == Body::Commission(k.id)))
            .map(MeetingFacts::from)
    };
    // (kind, title, author, subject index, commission index for the review, final status)
    let materials: [(&str, &str, &str, usize, usize, MaterialStatus); 12] = [
        (
            "working_programme",
            "Математика 5–6-класстар үчүн жумушчу программа",
            "a.usenova@demo.usul.kg",
            2,
            0,
            MaterialStatus::Published,
        ),
        (
            "lesson_notes",
            "Бөлчөктөрдү кошуу: сабактын иштелмеси",
            "a.usenova@demo.usul.kg",
            2,
            0,
            MaterialStatus::Published,
        ),
        (
            "assessment_tasks",
            "Алгебра: текшерүү тапшырмалары, 8-класс",
            "e.abdykadyrov@demo.usul.kg",
            2,
            0,
            MaterialStatus::Published,
        ),
        (
            "didactic_material",
            "Физика: лабораториялык иштердин карточкалары",
            "b.toktogulov@demo.usul.kg",
            3,
            0,
            MaterialStatus::Published,
        ),
        (
            "elective_course_programme",
            "«Кызыктуу физика» элективдик курсу",
            "a.sydykov@demo.usul.kg",
            3,
            0,
            MaterialStatus::Reviewed,
        ),
        (
            "methodological_recommendations",
            "Санариптик куралдарды колдонуу боюнча сунуштар",
            "a.sydykov@demo.usul.kg",
            2,
            0,
            MaterialStatus::Draft,
        ),
        (
            "working_programme",
            "Кыргыз адабияты 8-класс үчүн жумушчу программа",
            "n.mamytova@demo.usul.kg",
            0,
            1,
            MaterialStatus::Published,
        ),
        (
            "event_scenario",
            "«Манас» күнү: иш-чаранын сценарийи",
            "ch.osmonova@demo.usul.kg",
            0,
            1,
            MaterialStatus::Published,
        ),
        (
            "lesson_notes",
            "Причастный оборот: конспект урока",
            "zh.kerimbaeva@demo.usul.kg",
            1,
            1,
            MaterialStatus::Published,
        ),
        ("article", "Окуу сабаттуулугу: тажрыйбадан", "n.mamytova@demo.usul.kg", 0, 1, MaterialStatus::Published),
        (
            "booklet",
            "Ата-энелерге: окууга кантип жардам берүү",
            "d.zheenbekova@demo.usul.kg",
            1,
            1,
            MaterialStatus::Reviewed,
        ),
        (
            "electronic_resource",
            "English vocabulary cards (Quizlet)",
            "b.kurmanalieva@demo.usul.kg",
            6,
            1,
            MaterialStatus::Draft,
        ),
    ];
    for (kind, title, author, subject, commission, status) in materials {
        let input = MaterialInput {
            kind: kind.to_owned(),
            title: title.to_owned(),
            authors: vec![id(author)?],
            subject: subjects.get(subject).copied(),
            grades: None,
            year: year.to_string(),
            tags: vec![title.split_whitespace().next().unwrap_or("материал").to_lowercase()],
            annotation: Some("Мектептин усулдук банкы үчүн даярдалган.".to_owned()),
            link: Some("https://school95.kg/bank".to_owned()),
        };
        let m = add_material(&deputy, input, &refs, MaterialId::new(), now).map_err(|e| refused(&e))?;
        let mut m = store.create_material(school, &m, audit).await?;
        if status != MaterialStatus::Draft {
            // Reviewed at its commission's finalized meeting (R-3.2.2g).
            let t = m.review(&deputy, review_of(commission).as_ref()).map_err(|e| refused(&e))?;
            m = store.transition_material(&m, None, &t, audit).await?;
        }
        if status == MaterialStatus::Published {
            let t = m.publish(&deputy).map_err(|e| refused(&e))?;
            store.transition_material(&m, None, &t, audit).await?;
        }
    }
    for (who, areas) in [
        ("g.tologonova@demo.usul.kg", vec![("classroom_management", 3), ("assessment", 2), ("ict", 1)]),
        ("n.baiyshova@demo.usul.kg", vec![("teaching_methods", 3), ("working_with_parents", 2)]),
        ("a.bokonbaeva@demo.usul.kg", vec![("ict", 2), ("inclusive_education", 3)]),
        ("e.abdykadyrov@demo.usul.kg", vec![("research_work", 2), ("ict", 1)]),
        ("t.ryskulov@demo.usul.kg", vec![("teaching_methods", 2), ("assessment", 2)]),
        ("m.sharshenalieva@demo.usul.kg", vec![("inclusive_education", 2)]),
    ] {
        let areas: Vec<AreaInput> =
            areas.into_iter().map(|(a, level)| AreaInput { area: a.to_owned(), level, note: None }).collect();
        let d = record_diagnosis(&deputy, id(who)?, year, &areas, now).map_err(|e| refused(&e))?;
        store.put_diagnosis(school, &d, None, audit).await?;
    }
    Ok(())
}
