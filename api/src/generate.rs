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
use usul_domain::records::{
    Activity, Hours, Material, MaterialStatus, Mentorship, Participant, ParticipantRole, Training,
};
use usul_domain::staff::{Affiliation, Experience, QualificationCategory, Role, SchoolSettings};
use usul_domain::values::{Email, Name};
use usul_domain::year::AcademicYear;
use usul_persistence::{Audit, NewDistrict, NewSchool, NewStaff, Store};

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
        None => {
            store
                .create_district(
                    NewDistrict {
                        name: name(&format!("Генерацияланган район {label}"))?, region: None
                    },
                    &audit,
                )
                .await?
                .id
        }
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
    let mut subjects = Vec::new();
    for s in ["Математика", "Физика", "Кыргыз тили", "Орус тили", "Тарых", "Биология", "Химия", "Англис тили"]
    {
        subjects.push(store.create_subject(&school, name(s)?, &audit).await?.id);
    }
    let hash = hash_password_blocking("generated-password")?;
    let mut staff: Vec<StaffId> = Vec::new();
    for i in 0..size.staff {
        let role = match i {
            0 => Role::Director,
            1 => Role::Deputy,
            _ => Role::Teacher,
        };
        let new = NewStaff {
            affiliation: Affiliation::School { school: school.id, district },
            email: Email::parse(&format!("t{i}.{label}@gen.usul.kg")).map_err(|e| ApiError::bug(e.to_string()))?,
            password_hash: hash.clone(),
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
        staff.push(store.create_staff(new, &audit).await?.id);
    }
    let year = AcademicYear::parse("2022-2023").map_err(|e| ApiError::bug(e.to_string()))?;
    let now = usul_persistence::now();
    let commissions = commissions(store, &school, year, &subjects, &staff, &audit).await?;
    let mut activities = Vec::with_capacity(size.activities);
    for i in 0..size.activities {
        let presenter = staff[rng.below(staff.len())];
        let mut participants = vec![Participant { staff: presenter, role: ParticipantRole::Presenter, attended: true }];
        for _ in 0..4 {
            let p = staff[rng.below(staff.len())];
            if !participants.iter().any(|q| q.staff == p) {
                participants.push(Participant {
                    staff: p,
                    role: ParticipantRole::Participant,
                    attended: rng.below(10) > 0,
                });
            }
        }
        let day = year.first_day() + chrono::Duration::days(i64::try_from(rng.below(300)).unwrap_or(0));
        let a = Activity {
            id: ActivityId::new(),
            school: school.id,
            year,
            form: FORMS[rng.below(FORMS.len())].to_owned(),
            title: format!("Иш-чара {i}"),
            starts_on: day,
            ends_on: None,
            organiser: Some(presenter),
            commission: (i % 3 == 0).then(|| commissions.get(i % commissions.len().max(1)).copied()).flatten(),
            place: None,
            hours: Hours::from_tenths(u32::try_from(10 + rng.below(30)).unwrap_or(10)),
            description: None,
            outcome: None,
            grade: None,
            subject: None,
            feedback: Vec::new(),
            plan_item: None,
            participants,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        activities.push(a);
    }
    for chunk in activities.chunks(500) {
        store.create_activities(&school, chunk, &audit).await?;
    }
    for i in 0..size.staff / 10 {
        let (mentor, mentee) = (staff[(2 * i) % staff.len()], staff[(2 * i + 1) % staff.len()]);
        if mentor == mentee {
            continue;
        }
        let m = Mentorship {
            id: MentorshipId::new(),
            school: school.id,
            year,
            mentor,
            mentee,
            goals: None,
            completed: false,
            outcome: None,
            notes: Vec::new(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        store.create_mentorship(&school, &m, &audit).await?;
    }
    for (i, s) in staff.iter().enumerate().step_by(3) {
        let starts = year.first_day() + chrono::Duration::days(i64::try_from(30 + i % 200).unwrap_or(30));
        let t = Training {
            id: TrainingId::new(),
            school: school.id,
            staff: *s,
            title: "Квалификацияны жогорулатуу".to_owned(),
            provider: "КББА".to_owned(),
            mode: "distance".to_owned(),
            starts_on: starts,
            ends_on: starts + chrono::Duration::days(10),
            hours: Hours::from_tenths(360),
            certificate_number: None,
            issuer: None,
            certificate_file: None,
            version: 1,
            created_at: now,
        };
        store.create_training(&school, &t, &audit).await?;
    }
    for i in 0..size.staff / 4 {
        let m = Material {
            id: MaterialId::new(),
            school: school.id,
            kind: if i < subjects.len() { "working_programme" } else { "lesson_notes" }.to_owned(),
            title: format!("Сабактын иштелмеси {i}"),
            authors: vec![staff[rng.below(staff.len())]],
            subject: Some(if i < subjects.len() { subjects[i] } else { subjects[rng.below(subjects.len())] }),
            grades: None,
            year,
            tags: Vec::new(),
            annotation: None,
            status: if i % 3 == 0 { MaterialStatus::Published } else { MaterialStatus::Draft },
            review_meeting: None,
            link: Some("https://example.kg/m".to_owned()),
            file: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let stored = store.create_material(&school, &m, &audit).await?;
        if m.status != MaterialStatus::Draft {
            store.set_material_status(&stored, None, m.status, None, &audit).await?;
        }
    }
    if size.items > 0 {
        unified_plan(store, &school, year, &staff, size.items, &mut rng, &audit).await?;
    }
    for y in [year.previous(), Some(year)].into_iter().flatten() {
        knowledge_quality(store, &school, y, &subjects, &mut rng, &audit).await?;
    }
    school_report(store, &school, year, staff.get(1).copied()).await?;
    Ok(school)
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

/// An approved unified plan of `n` items with realistic progress: most done, some not.
async fn unified_plan(
    store: &Store,
    school: &School,
    year: AcademicYear,
    staff: &[StaffId],
    n: usize,
    rng: &mut Rng,
    audit: &Audit,
) -> Result<(), ApiError> {
    use usul_domain::plan::{Item, Owner, PlanKind, Progress};
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
    let items: Vec<Item> = (0..n)
        .map(|i| {
            let due = year.first_day() + chrono::Duration::days(i64::try_from(rng.below(360)).unwrap_or(0));
            let mut responsible = vec![staff[rng.below(staff.len())]];
            let other = staff[rng.below(staff.len())];
            if !responsible.contains(&other) && rng.below(3) == 0 {
                responsible.push(other);
            }
            Item {
                id: ItemId::new(),
                position: u32::try_from(i + 1).unwrap_or(u32::MAX),
                title: format!("Иш-чара {}", i + 1),
                description: None,
                form: FORMS[rng.below(FORMS.len())].to_owned(),
                direction: None,
                start: None,
                due: Some(due),
                responsible,
                expected_result: None,
                progress: marks[rng.below(marks.len())],
                completed_on: None,
                outcome: None,
                evidence: Vec::new(),
            }
        })
        .collect();
    let new = usul_persistence::NewPlan {
        kind: PlanKind::School,
        owner: Owner::School(school.id),
        year,
        title: format!("{year} окуу жылына усулдук иштин бирдиктүү планы"),
        goal: None,
        personal_theme: None,
    };
    let director = staff.first().copied().ok_or_else(|| ApiError::bug("no director"))?;
    store
        .insert_approved_plan(school, &new, &items, (director, year.first_day() + chrono::Duration::days(9)), audit)
        .await?;
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

/// The school's report for the year, assembled and submitted by the deputy.
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
    let narrative = crate::routes::reports::Narrative {
        achievements: Some("Пландын негизги иш-чаралары аткарылды.".to_owned()),
        ..Default::default()
    };
    let audit = Audit::system("generated report");
    crate::routes::reports::file_submitted(store, school, None, year, deputy.as_ref(), narrative, &audit).await?;
    Ok(())
}

/// The school's id, for callers that only need that.
#[must_use]
pub const fn id_of(s: &School) -> SchoolId {
    s.id
}
