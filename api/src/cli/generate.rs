//! A generator of realistic, valid records for benchmarks and load tests: a school of a given
//! size with its staff, subjects, approved commissions, an approved unified plan with its items
//! and their progress, activities and their participants, mentorships, trainings, materials,
//! knowledge-quality tables for the year and the year before, and a submitted school report,
//! in the 2022-2023 year. Deterministic for a given seed.

use crate::auth::hash_password_blocking;
use crate::problem::ApiError;
use usul_domain::ids::{
    ActivityId, CommissionId, DistrictId, ItemId, MaterialId, MentorshipId, SchoolId, StaffId, SubjectId, TrainingId,
};
use usul_domain::org::School;
use usul_domain::records::ParticipantRole;
use usul_domain::staff::{Affiliation, Experience, QualificationCategory, Role, SchoolSettings};
use usul_domain::values::{Email, Name};
use usul_domain::year::AcademicYear;
use usul_persistence::{Audit, NewDistrict, NewSchool, NewStaff, Store};

/// The hash of every generated person's password, `generated-password`: argon2 is slow on
/// purpose (tens of milliseconds), so a run hashes it once, not once per school or person.
///
/// # Errors
/// [`ApiError`] when hashing fails.
pub fn generated_password_hash() -> Result<&'static str, ApiError> {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = HASH.get() {
        return Ok(h);
    }
    let h = hash_password_blocking("generated-password")?;
    Ok(HASH.get_or_init(|| h))
}

/// The size of a generated school.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub staff: usize,
    pub activities: usize,
    /// Items of the unified plan (no plan when 0).
    pub items: usize,
}

/// A tiny deterministic generator (xorshift), so that runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
}

fn name(s: &str) -> Result<Name, ApiError> {
    Name::parse(s).map_err(|e| ApiError::bug(format!("generated name {s}: {e}")))
}

const FORMS: [&str; 8] = [
    "open_lesson",
    "master_class",
    "seminar_practicum",
    "round_table",
    "experience_exchange",
    "creative_report",
    "consultation",
    "library_fund",
];

/// What `usul generate` makes: `schools` schools of `size`, spread in turn over `districts` new
/// districts, `concurrency` of them written at once.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub schools: usize,
    pub districts: usize,
    pub concurrency: usize,
    pub size: Size,
    pub seed: u64,
}

/// What a run made: its label (in every login, `t0.<tag>-1@gen.usul.kg`) and its districts.
#[derive(Debug)]
pub struct Made {
    pub tag: String,
    pub districts: Vec<DistrictId>,
}

/// Generates a run's districts and schools, printing progress every hundred schools, then
/// refreshes the query planner's statistics.
///
/// # Errors
/// [`ApiError`] when a write fails.
pub async fn country(store: &Store, run: &Run) -> Result<Made, ApiError> {
    use futures_util::{StreamExt, TryStreamExt};
    let tag = uuid::Uuid::new_v4().simple().to_string()[..6].to_owned();
    let mut districts = Vec::new();
    for d in 1..=run.districts.clamp(1, run.schools.max(1)) {
        districts.push(district(store, &format!("{tag}-{d}")).await?);
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    let (tag_ref, districts_ref, done_ref) = (&tag, &districts, &done);
    futures_util::stream::iter(0..run.schools)
        .map(|k| async move {
            let label = format!("{tag_ref}-{}", k + 1);
            let seed = run.seed.wrapping_add(u64::try_from(k).unwrap_or(0));
            let s = school(store, Some(districts_ref[k % districts_ref.len()]), &label, run.size, seed).await?;
            let n = done_ref.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n.is_multiple_of(100) || n == run.schools || run.schools <= 100 {
                println!("school {n}/{}: {} ({})", run.schools, s.name, s.id);
            }
            Ok::<_, ApiError>(())
        })
        .buffer_unordered(run.concurrency.max(1))
        .try_collect::<()>()
        .await?;
    // After a bulk load the query planner needs fresh statistics.
    store.analyze().await?;
    Ok(Made { tag, districts })
}

/// Makes a new district for generated schools.
///
/// # Errors
/// [`ApiError`] when the write fails.
pub async fn district(store: &Store, label: &str) -> Result<DistrictId, ApiError> {
    let audit = Audit::system("generated data");
    Ok(store
        .create_district(NewDistrict { name: name(&format!("Генерацияланган район {label}"))?, region: None }, &audit)
        .await?
        .id)
}

/// Generates a school of `size` in a district (made when `district` is `None`).
///
/// # Errors
/// [`ApiError`] when a write fails.
pub async fn school(
    store: &Store,
    district: Option<DistrictId>,
    label: &str,
    size: Size,
    seed: u64,
) -> Result<School, ApiError> {
    let audit = Audit::system("generated data");
    let mut rng = Rng((seed ^ 0x9E37_79B9_7F4A_7C15).wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let district = match district {
        Some(d) => d,
        None => self::district(store, label).await?,
    };
    let school = store
        .create_school(
            NewSchool {
                district,
                name: name(&format!("№{label} мектеп"))?,
                address: None,
                settings: SchoolSettings::default(),
            },
            &audit,
        )
        .await?;
    let names = ["Математика", "Физика", "Кыргыз тили", "Орус тили", "Тарых", "Биология", "Химия", "Англис тили"]
        .into_iter()
        .map(name)
        .collect::<Result<Vec<_>, _>>()?;
    let subjects = store.create_subjects(&school, &names, &audit).await?;
    let hash = generated_password_hash()?;
    let mut people = Vec::with_capacity(size.staff);
    for i in 0..size.staff {
        let role = match i {
            0 => Role::Director,
            1 => Role::Deputy,
            _ => Role::Teacher,
        };
        let new = NewStaff {
            affiliation: Affiliation::School { school: school.id, district },
            email: Email::parse(&format!("t{i}.{label}@gen.usul.kg")).map_err(|e| ApiError::bug(e.to_string()))?,
            password_hash: hash.to_owned(),
            last_name: name(&format!("Мугалим{i}"))?,
            first_name: name("Айбек")?,
            patronymic: None,
            position: None,
            role,
            subjects: vec![subjects[rng.below(subjects.len())]],
            category: QualificationCategory::ALL[rng.below(4)],
            experience: Experience::parse(i64::try_from(rng.below(30)).unwrap_or(0))
                .map_err(|_| ApiError::bug("experience"))?,
        };
        people.push(new);
    }
    let staff = store.create_staff_many(people, &audit).await?;
    let year = AcademicYear::parse("2022-2023").map_err(|e| ApiError::bug(e.to_string()))?;
    let commissions = commissions(store, &school, year, &subjects, &staff, &audit).await?;
    records(store, &school, (year, size), (&staff, &subjects, &commissions), &mut rng, &audit).await?;
    if size.items > 0 {
        unified_plan(store, &school, year, &staff, size.items, &mut rng, &audit).await?;
    }
    for y in [year.previous(), Some(year)].into_iter().flatten() {
        knowledge_quality(store, &school, y, &subjects, &mut rng, &audit).await?;
    }
    school_report(store, &school, year, staff.get(1).copied()).await?;
    Ok(school)
}

/// A year of records kept by the deputy under the same rules as over HTTP: activities with who
/// took part, mentorships, trainings, and materials — every third reviewed at a held meeting of
/// a commission and published.
async fn records(
    store: &Store,
    school: &School,
    (year, size): (AcademicYear, Size),
    (staff, subjects, commissions): (&[StaffId], &[SubjectId], &[CommissionId]),
    rng: &mut Rng,
    audit: &Audit,
) -> Result<(), ApiError> {
    use usul_domain::records::activity::{ActivityInput, ParticipantInput, record_activity};
    use usul_domain::records::actor::RecordActor;
    use usul_domain::records::input::{PersonFacts, Refs};
    use usul_domain::records::material::{MaterialInput, add_material};
    use usul_domain::records::mentoring::{MentorshipInput, record_mentorship};
    use usul_domain::records::personal::{TrainingInput, record_training};
    let refused = |e: &dyn std::fmt::Debug| ApiError::bug(format!("generated record refused by the rules: {e:?}"));
    let now = usul_persistence::now();
    let deputy = RecordActor::manager(*staff.get(1).or(staff.first()).ok_or_else(|| ApiError::bug("no staff"))?);
    let mut refs = Refs::empty(school.id);
    refs.people = staff.iter().map(|s| PersonFacts { id: *s, school: Some(school.id), active: true }).collect();
    refs.subjects = subjects.to_vec();
    refs.commissions = commissions.to_vec();
    let role = |r: ParticipantRole| r.code().to_owned();
    let mut activities = Vec::with_capacity(size.activities);
    for i in 0..size.activities {
        let presenter = staff[rng.below(staff.len())];
        let mut participants =
            vec![ParticipantInput { staff: presenter, role: role(ParticipantRole::Presenter), attended: true }];
        for _ in 0..4 {
            let p = staff[rng.below(staff.len())];
            if !participants.iter().any(|q| q.staff == p) {
                let attended = rng.below(10) > 0;
                participants.push(ParticipantInput { staff: p, role: role(ParticipantRole::Participant), attended });
            }
        }
        let day = year.first_day() + chrono::Duration::days(i64::try_from(rng.below(300)).unwrap_or(0));
        let form = FORMS[rng.below(FORMS.len())].to_owned();
        let hours = f64::from(u32::try_from(10 + rng.below(30)).unwrap_or(10)) / 10.0;
        let input = ActivityInput {
            form,
            title: format!("Иш-чара {i}"),
            starts_on: day,
            ends_on: None,
            organiser: Some(presenter),
            commission: (i % 3 == 0).then(|| commissions.get(i % commissions.len().max(1)).copied()).flatten(),
            place: None,
            hours: Some(hours),
            description: None,
            outcome: None,
            grade: None,
            subject: None,
            feedback: Vec::new(),
            plan_item: None,
            participants,
        };
        activities.push(record_activity(&deputy, input, &refs, ActivityId::new(), now).map_err(|e| refused(&e))?);
    }
    for chunk in activities.chunks(500) {
        store.create_activities(school, chunk, audit).await?;
    }
    for i in 0..size.staff / 10 {
        let (mentor, mentee) = (staff[(2 * i) % staff.len()], staff[(2 * i + 1) % staff.len()]);
        if mentor == mentee {
            continue;
        }
        let input = MentorshipInput { year: year.to_string(), mentor, mentee, goals: None };
        let m = record_mentorship(&deputy, input, &refs, MentorshipId::new(), now).map_err(|e| refused(&e))?;
        store.create_mentorship(school, &m, audit).await?;
    }
    let mut trainings = Vec::with_capacity(staff.len() / 3 + 1);
    for (i, s) in staff.iter().enumerate().step_by(3) {
        let starts = year.first_day() + chrono::Duration::days(i64::try_from(30 + i % 200).unwrap_or(30));
        let input = TrainingInput {
            title: "Квалификацияны жогорулатуу".to_owned(),
            provider: "КББА".to_owned(),
            mode: "distance".to_owned(),
            starts_on: starts,
            ends_on: starts + chrono::Duration::days(10),
            hours: 36.0,
            certificate_number: None,
            issuer: None,
        };
        trainings
            .push(record_training(&deputy, (*s, school.id), input, TrainingId::new(), now).map_err(|e| refused(&e))?);
    }
    store.create_trainings(school, &trainings, audit).await?;
    let review = review_meeting(store, school, year, commissions, audit).await?;
    for i in 0..size.staff / 4 {
        let input = MaterialInput {
            kind: if i < subjects.len() { "working_programme" } else { "lesson_notes" }.to_owned(),
            title: format!("Сабактын иштелмеси {i}"),
            authors: vec![staff[rng.below(staff.len())]],
            subject: Some(if i < subjects.len() { subjects[i] } else { subjects[rng.below(subjects.len())] }),
            grades: None,
            year: year.to_string(),
            tags: Vec::new(),
            annotation: None,
            link: Some("https://example.kg/m".to_owned()),
        };
        let m = add_material(&deputy, input, &refs, MaterialId::new(), now).map_err(|e| refused(&e))?;
        let m = store.create_material(school, &m, audit).await?;
        if let Some(meeting) = review.as_ref().filter(|_| i % 3 == 0) {
            let t = m.review(&deputy, Some(meeting)).map_err(|e| refused(&e))?;
            let m = store.transition_material(&m, None, &t, audit).await?;
            let t = m.publish(&deputy).map_err(|e| refused(&e))?;
            store.transition_material(&m, None, &t, audit).await?;
        }
    }
    Ok(())
}

/// A held meeting of the first commission, where materials are reviewed (R-3.2.2g); none
/// without a commission.
async fn review_meeting(
    store: &Store,
    school: &School,
    year: AcademicYear,
    commissions: &[CommissionId],
    audit: &Audit,
) -> Result<Option<usul_domain::records::material::MeetingFacts>, ApiError> {
    use usul_domain::meeting::Body;
    let Some(c) = commissions.first() else { return Ok(None) };
    let head = store.get_commission(*c).await?.and_then(|c| c.head);
    let head = store.staff_by_ids(&head.into_iter().collect::<Vec<_>>()).await?.pop();
    let Some(by) = head.as_ref().and_then(crate::auth::actor_of) else { return Ok(None) };
    let date = year.first_day() + chrono::Duration::days(60);
    let (m, _) =
        held_meeting(store, school, (Body::Commission(*c), date), "Усулдук материалдарды кароо", &by, audit).await?;
    Ok(Some((&m).into()))
}

/// A meeting of `body` on `date`, scheduled and held by `by` through the same commands as over
/// HTTP, its attendance the body's members; with the body's seating, for the minutes.
///
/// # Errors
/// [`ApiError`] when the rules refuse or a write fails.
pub(crate) async fn held_meeting(
    store: &Store,
    school: &School,
    (body, date): (usul_domain::meeting::Body, chrono::NaiveDate),
    agenda: &str,
    by: &usul_domain::policy::Actor,
    audit: &Audit,
) -> Result<(usul_domain::meeting::Meeting, usul_domain::meeting::seating::Seating), ApiError> {
    use usul_domain::meeting::command::{ScheduleRequest, schedule};
    let request = ScheduleRequest {
        body: body.kind().code().to_owned(),
        commission_id: body.commission(),
        date,
        title: None,
        agenda: vec![agenda.to_owned()],
        notes: None,
    };
    let (body, year) = request.target(school).ok_or_else(|| ApiError::bug("a meeting outside every year"))?;
    let seating =
        store.seating(school, body, year, date).await?.ok_or_else(|| ApiError::bug("a body the school lacks"))?;
    let m = store.create_meeting(school, &schedule(by, school, &request, Some(&seating))?, audit).await?;
    let (after, change) = m.hold(by, school, &seating)?;
    Ok((store.save_meeting(&m, None, &after, change, audit).await?, seating))
}

/// Three commissions, each of the teachers of its subjects, drafted by the deputy and headed by
/// the most experienced of them, through the same commands as over HTTP. The director approves
/// those the regulation lets through (three members teaching its subjects, an experienced head:
/// R-3.2.2a, R-3.2.2c); the others stay drafts. Answers the approved ones.
async fn commissions(
    store: &Store,
    school: &School,
    year: AcademicYear,
    subjects: &[SubjectId],
    staff: &[StaffId],
    audit: &Audit,
) -> Result<Vec<CommissionId>, ApiError> {
    use usul_domain::commission::command::{DraftRequest, Named, OrderRequest, draft};
    let people = store.staff_by_ids(staff).await?;
    let acting = |role: Role| people.iter().find(|p| p.role == role).and_then(crate::auth::actor_of);
    // A school without a director and a deputy has nobody to draft or approve a commission.
    let (Some(director), Some(deputy)) = (acting(Role::Director), acting(Role::Deputy)) else {
        return Ok(Vec::new());
    };
    let named = Named { people: &people, unknown_subjects: &[] };
    let groups: [(&str, &[usize]); 3] =
        [("Так илимдер", &[0, 1, 6]), ("Тилдер", &[2, 3, 7]), ("Коомдук жана табигый илимдер", &[4, 5])];
    let mut out = Vec::new();
    for (k, (title, taught)) in groups.into_iter().enumerate() {
        let subject_ids: Vec<SubjectId> = taught.iter().filter_map(|i| subjects.get(*i).copied()).collect();
        let members: Vec<&usul_domain::staff::Staff> = people
            .iter()
            .filter(|p| p.role == Role::Teacher && p.subjects.iter().any(|s| subject_ids.contains(s)))
            .take(12)
            .collect();
        let Some(head) = members.iter().max_by_key(|p| p.experience.years()).map(|p| p.id) else { continue };
        let member_ids = members.iter().map(|p| p.id).collect();
        let request = DraftRequest { year: year.to_string(), name: title.to_owned(), subject_ids, member_ids };
        let c = store.create_commission(school, &draft(&deputy, school, &request, named)?, audit).await?;
        let Ok((after, change)) = c.appoint_head(&director, school, head, &people) else { continue };
        let (c, _) = store.save_commission(&c, None, &after, &change, audit).await?;
        let order = OrderRequest {
            number: format!("{}-к", k + 1),
            date: year.first_day() + chrono::Duration::days(4),
            title: Some("Циклдик усулдук комиссиянын курамын бекитүү жөнүндө".to_owned()),
            decided: Some(format!("«{title}» комиссиясы бекитилсин.")),
        };
        let Ok((after, change)) = c.approve(&director, school, &order, &people, usul_domain::lang::Lang::Ky) else {
            continue;
        };
        out.push(store.save_commission(&c, None, &after, &change, audit).await?.0.id);
    }
    Ok(out)
}

/// An approved unified plan of `n` items with realistic progress: most done, some not. The
/// deputy drafts and submits it, the methodological council reviews it at a held meeting, the
/// director approves it and the deputy records the progress — through the domain's commands,
/// as over HTTP.
async fn unified_plan(
    store: &Store,
    school: &School,
    year: AcademicYear,
    staff: &[StaffId],
    n: usize,
    rng: &mut Rng,
    audit: &Audit,
) -> Result<(), ApiError> {
    use usul_domain::meeting::Body;
    use usul_domain::plan::{Header, Item, Owner, PlanKind, Progress, StepKind};
    let marks = [
        Progress::Done,
        Progress::Done,
        Progress::Done,
        Progress::Done,
        Progress::Done,
        Progress::Done,
        Progress::PartlyDone,
        Progress::Planned,
        Progress::NotDone,
        Progress::Postponed,
        Progress::Cancelled,
    ];
    let mut progress = Vec::with_capacity(n);
    let items: Vec<Item> = (0..n)
        .map(|i| {
            let due = year.first_day() + chrono::Duration::days(i64::try_from(rng.below(360)).unwrap_or(0));
            let mut responsible = vec![staff[rng.below(staff.len())]];
            let other = staff[rng.below(staff.len())];
            if !responsible.contains(&other) && rng.below(3) == 0 {
                responsible.push(other);
            }
            let form = Some(FORMS[rng.below(FORMS.len())].to_owned());
            progress.push(usul_persistence::ItemProgress {
                progress: marks[rng.below(marks.len())],
                completed_on: None,
                outcome: None,
                evidence: Vec::new(),
            });
            Item {
                id: ItemId::new(),
                position: u32::try_from(i + 1).unwrap_or(u32::MAX),
                title: format!("Иш-чара {}", i + 1),
                description: None,
                form,
                direction: None,
                start: None,
                due: Some(due),
                responsible,
                expected_result: None,
                progress: Progress::Planned,
                completed_on: None,
                outcome: None,
                evidence: Vec::new(),
            }
        })
        .collect();
    let people = store.staff_by_ids(&staff[..staff.len().min(2)]).await?;
    let by_role = |role| people.iter().find(|p| p.role == role).ok_or_else(|| ApiError::bug("no director or deputy"));
    let (director, deputy) = (by_role(Role::Director)?, by_role(Role::Deputy)?);
    let date = year.first_day() + chrono::Duration::days(7);
    let agenda = "Усулдук иштин бирдиктүү планы";
    let by = crate::auth::actor_of(deputy).ok_or_else(|| ApiError::bug("a deputy without a school role"))?;
    let (council, _) = held_meeting(store, school, (Body::MethodologicalCouncil, date), agenda, &by, audit).await?;
    let desk = crate::cli::plan_desk::PlanDesk { store, school, audit };
    let title = format!("{year} окуу жылына усулдук иштин бирдиктүү планы");
    let header = Header { title, goal: None, personal_theme: None };
    let p = desk.start(deputy, (PlanKind::School, Owner::School(school.id), year), header).await?;
    let p = desk.add(deputy, p, items).await?;
    let p = desk.submit(deputy, p, year.first_day() - chrono::Duration::days(14)).await?;
    let p = desk.step(deputy, p, StepKind::Review, Some(&council), council.date).await?;
    let approved_on = year.first_day() + chrono::Duration::days(9);
    let p = desk.step(director, p, StepKind::Approve, None, approved_on).await?;
    desk.progress(deputy, p, &progress).await?;
    Ok(())
}

/// Annual grades of every subject in fourteen classes (5А–11Б), 20–30 students each.
async fn knowledge_quality(
    store: &Store,
    school: &School,
    year: AcademicYear,
    subjects: &[SubjectId],
    rng: &mut Rng,
    audit: &Audit,
) -> Result<(), ApiError> {
    use usul_domain::quality::{GradeCounts, Term};
    let mut rows = Vec::new();
    for s in subjects {
        for grade in 5..=11 {
            for letter in ["А", "Б"] {
                let students = u32::try_from(20 + rng.below(11)).unwrap_or(25);
                let two = u32::try_from(rng.below(3)).unwrap_or(0);
                let five = u32::try_from(rng.below(8)).unwrap_or(0);
                let four = u32::try_from(rng.below(usize::try_from(students - two - five).unwrap_or(1))).unwrap_or(0);
                let three = students - two - five - four;
                let counts = GradeCounts::new(students, [five, four, three, two])
                    .map_err(|e| ApiError::internal("generated grades", e))?;
                rows.push(usul_persistence::QualityEntry { subject: *s, class: format!("{grade}{letter}"), counts });
            }
        }
    }
    store.put_quality(school, year, Term::Year, &rows, None, audit).await?;
    Ok(())
}

/// The school's report for the year, assembled and submitted by the deputy (none without one).
async fn school_report(
    store: &Store,
    school: &School,
    year: AcademicYear,
    deputy: Option<StaffId>,
) -> Result<(), ApiError> {
    let deputy = match deputy {
        Some(d) => store.get_staff(d).await?,
        None => None,
    };
    let Some(deputy) = deputy else { return Ok(()) };
    let narrative = usul_domain::report::Narrative {
        achievements: Some("Пландын негизги иш-чаралары аткарылды.".to_owned()),
        ..Default::default()
    };
    let audit = Audit::system("generated report");
    let now = usul_persistence::now();
    crate::cli::filing::file_submitted(store, school, None, year, &deputy, narrative, (now, None), &audit).await?;
    Ok(())
}

/// The school's id, for callers that only need that.
#[must_use]
pub const fn id_of(s: &School) -> SchoolId {
    s.id
}
