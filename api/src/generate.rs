//! A generator of realistic, valid records for benchmarks and load tests: a school of a given
//! size with its staff, subjects, activities and their participants, mentorships, trainings and
//! materials in the 2022-2023 year. Deterministic for a given seed.

use crate::auth::hash_password_blocking;
use crate::problem::ApiError;
use usul_domain::ids::{ActivityId, DistrictId, MaterialId, MentorshipId, SchoolId, StaffId, TrainingId};
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
    Name::parse(s).map_err(|e| ApiError::Internal(format!("generated name {s}: {e}")))
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
    let mut rng = Rng(seed | 1);
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
            email: Email::parse(&format!("t{i}.{label}@gen.usul.kg")).map_err(|e| ApiError::Internal(e.to_string()))?,
            password_hash: hash.clone(),
            last_name: name(&format!("Мугалим{i}"))?,
            first_name: name("Айбек")?,
            patronymic: None,
            position: None,
            role,
            subjects: vec![subjects[rng.below(subjects.len())]],
            category: QualificationCategory::ALL[rng.below(4)],
            experience: Experience::parse(i64::try_from(rng.below(30)).unwrap_or(0))
                .map_err(|_| ApiError::Internal("experience".into()))?,
        };
        staff.push(store.create_staff(new, &audit).await?.id);
    }
    let year = AcademicYear::parse("2022-2023").map_err(|e| ApiError::Internal(e.to_string()))?;
    let now = usul_persistence::now();
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
            commission: None,
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
        store.create_activity(&school, &a, &audit).await?;
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
            kind: "lesson_notes".to_owned(),
            title: format!("Сабактын иштелмеси {i}"),
            authors: vec![staff[rng.below(staff.len())]],
            subject: Some(subjects[rng.below(subjects.len())]),
            grades: None,
            year,
            tags: Vec::new(),
            annotation: None,
            status: MaterialStatus::Draft,
            review_meeting: None,
            link: Some("https://example.kg/m".to_owned()),
            file: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        store.create_material(&school, &m, &audit).await?;
    }
    Ok(school)
}

/// The school's id, for callers that only need that.
#[must_use]
pub const fn id_of(s: &School) -> SchoolId {
    s.id
}
