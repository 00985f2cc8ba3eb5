//! The demo school's year of records and its year-end reports.

use crate::cli::filing;
use crate::problem::ApiError;
use usul_domain::year::AcademicYear;
use usul_persistence::{Audit, Store};

/// The year's end: annual grades of 2021-2022 and 2022-2023 for every subject,
/// the mathematics commission's report accepted by the director, the school's report submitted
/// by the deputy.
pub(super) async fn year_end(
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
    // The demo year is on paper: its reports were submitted and accepted in June 2023.
    let june = |d| chrono::NaiveDate::from_ymd_opt(2023, 6, d).ok_or_else(|| ApiError::bug("date"));
    let r =
        filing::file_submitted(store, school, Some(commission), year, head, narrative, (now, Some(june(5)?)), audit)
            .await?;
    let accepted_at = june(12)?;
    let director = by_mail("director@demo.usul.kg")?;
    filing::accept(store, school, &r, director, "Кабыл алынды.", accepted_at, audit).await?;
    let narrative = Narrative {
        achievements: Some("Мектептин усулдук темасы боюнча пландын негизги иш-чаралары аткарылды.".to_owned()),
        problems: Some("Эки мугалим усулдук ишке катышкан жок.".to_owned()),
        proposals: Some("Ар бир мугалимдин жекече планын бекитүү.".to_owned()),
    };
    let deputy = by_mail("deputy@demo.usul.kg")?;
    filing::file_submitted(store, school, None, year, deputy, narrative, (now, Some(june(9)?)), audit).await?;
    Ok(())
}

/// (form, title, date, presenter, others, subject index, class) of a demo activity.
pub(super) type DemoActivity = (
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
pub(super) async fn records(
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
    // Work beyond the school: a district seminar and a republic olympiad jury, confirmed
    // by the deputy, and a city conference still awaiting confirmation.
    for (who, level, form, role, title, (y, m, d), hours, confirmed) in [
        (
            "a.usenova@demo.usul.kg",
            "district",
            "practical_seminar",
            "presenter",
            "Райондук семинар: математикалык сабаттуулукту калыптандыруу",
            (2022, 11, 24),
            4.0,
            true,
        ),
        (
            "n.mamytova@demo.usul.kg",
            "republic",
            "olympiad_jury",
            "jury_member",
            "Кыргыз тили боюнча республикалык олимпиаданын калыстар тобу",
            (2023, 3, 20),
            16.0,
            true,
        ),
        (
            "b.toktogulov@demo.usul.kg",
            "city",
            "scientific_conference",
            "participant",
            "Бишкек шаарынын илимий-практикалык конференциясы: физиканы окутуу",
            (2023, 4, 12),
            6.0,
            false,
        ),
    ] {
        let input = usul_domain::records::outside::OutsideWorkInput {
            level: level.to_owned(),
            on: day(y, m, d)?,
            form: form.to_owned(),
            role: role.to_owned(),
            title: title.to_owned(),
            organiser: None,
            hours,
            link: Some("https://edu.gov.kg/events".to_owned()),
        };
        let w = usul_domain::records::outside::record_outside_work(
            &deputy,
            (id(who)?, school.id, school.settings.year_starts_on),
            input,
            usul_domain::ids::OutsideWorkId::new(),
            now,
        )
        .map_err(|e| refused(&e))?;
        let w = store.create_outside_work(school, &w, audit).await?;
        if confirmed {
            let c = w.confirm(&deputy, now).map_err(|e| refused(&e))?;
            store.confirm_outside_work(&c, Some(w.version), audit).await?;
        }
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
