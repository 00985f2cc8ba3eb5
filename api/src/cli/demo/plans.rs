//! The demo school's plans, walked through their approval routes by the domain's commands.

use super::bodies::DemoItem;
use crate::problem::ApiError;
use usul_domain::year::AcademicYear;
use usul_persistence::{Audit, Store};

pub(super) const SCHOOL_ITEMS: [DemoItem; 6] = [
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
pub(super) async fn plans(
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
            form: Some((*form).to_owned()).filter(|f| !f.is_empty()),
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
    let desk = crate::cli::plan_desk::PlanDesk { store, school, audit };
    // The plans were drafted over the summer and submitted before the year's first meetings.
    let drafted_by = date((2022, 8, 20))?;
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
    let p = desk.submit(deputy, p, drafted_by).await?;
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
            // Preparing assessment tasks (R-3.2.2g) is no catalogue form.
            ("Текшерүү тапшырмаларын даярдоо", "", (2023, 3, 10), &[]),
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
        let p = desk.submit(head, p, drafted_by).await?;
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
            p = desk.submit(teacher, p, drafted_by).await?;
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
