//! A small school for the domain's table tests: its staff, a neighbour school, and the actors
//! they become once logged in.

use crate::ids::{DistrictId, SchoolId, StaffId, SubjectId};
use crate::org::School;
use crate::policy::Actor;
use crate::staff::{Affiliation, Experience, QualificationCategory, Role, SchoolSettings, Staff};
use crate::values::{Email, Name};
use chrono::{DateTime, NaiveDate, Utc};

/// A date of the 2022-2023 year.
pub fn day(m: u32, d: u32) -> NaiveDate {
    let y = if m >= 9 { 2022 } else { 2023 };
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A school of a district.
pub fn school(district: DistrictId) -> School {
    School {
        id: SchoolId::new(),
        district,
        name: Name::parse("КТО №95 мектеп-гимназиясы").unwrap_or_else(|_| panic!("name")),
        address: None,
        settings: SchoolSettings::default(),
        version: 1,
        created_at: DateTime::<Utc>::MIN_UTC,
        updated_at: DateTime::<Utc>::MIN_UTC,
    }
}

/// A person of `school` with `role`, teaching `subjects`, with `years` of experience.
pub fn person(school: &School, role: Role, last: &str, subjects: &[SubjectId], years: i64) -> Staff {
    Staff {
        id: StaffId::new(),
        affiliation: Affiliation::School { school: school.id, district: school.district },
        email: Email::parse(&format!("{}@demo.usul.kg", StaffId::new())).unwrap_or_else(|_| panic!("email")),
        last_name: Name::parse(last).unwrap_or_else(|_| panic!("name")),
        first_name: Name::parse("Айнура").unwrap_or_else(|_| panic!("name")),
        patronymic: Some(Name::parse("Бакытовна").unwrap_or_else(|_| panic!("name"))),
        position: None,
        role,
        subjects: subjects.to_vec(),
        category: QualificationCategory::First,
        experience: Experience::parse(years).unwrap_or_else(|_| panic!("years")),
        active: true,
        version: 1,
        created_at: DateTime::<Utc>::MIN_UTC,
        updated_at: DateTime::<Utc>::MIN_UTC,
    }
}

/// The actor a person of a school becomes.
pub fn actor(s: &Staff) -> Actor {
    match s.affiliation {
        Affiliation::School { school, district } => Actor::SchoolStaff { id: s.id, school, district, role: s.role },
        Affiliation::District(district) => Actor::DistrictUser { id: s.id, district },
        Affiliation::Service => Actor::Admin { id: s.id },
    }
}

/// The people of a test school.
pub struct Town {
    pub school: School,
    pub neighbour: School,
    pub maths: SubjectId,
    pub history: SubjectId,
    pub director: Staff,
    pub deputy: Staff,
    /// 12 years of mathematics: heads the commission.
    pub head: Staff,
    /// 4 years of mathematics.
    pub member: Staff,
    /// 2 years of mathematics.
    pub junior: Staff,
    /// Mathematics too, on no commission.
    pub newcomer: Staff,
    /// History, on no commission.
    pub outsider: Staff,
    /// The neighbour school's director.
    pub stranger: Staff,
    pub methodologist: Actor,
    pub admin: Actor,
}

impl Town {
    pub fn new() -> Self {
        let district = DistrictId::new();
        let school = school(district);
        let neighbour = self::school(DistrictId::new());
        let (maths, history) = (SubjectId::new(), SubjectId::new());
        Self {
            director: person(&school, Role::Director, "Сардарбекова", &[maths], 25),
            deputy: person(&school, Role::Deputy, "Жумабаева", &[history], 18),
            head: person(&school, Role::Teacher, "Үсөнова", &[maths], 12),
            member: person(&school, Role::Teacher, "Абдыкадыров", &[maths], 4),
            junior: person(&school, Role::Teacher, "Шаршеналиева", &[maths], 2),
            newcomer: person(&school, Role::Teacher, "Байышова", &[maths], 7),
            outsider: person(&school, Role::Teacher, "Исаков", &[history], 9),
            stranger: person(&neighbour, Role::Director, "Башкасы", &[maths], 20),
            methodologist: Actor::DistrictUser { id: StaffId::new(), district },
            admin: Actor::Admin { id: StaffId::new() },
            school,
            neighbour,
            maths,
            history,
        }
    }

    /// Everyone of the school and its neighbour, as the store would find them by id.
    pub fn people(&self) -> Vec<Staff> {
        [&self.director, &self.deputy, &self.head, &self.member, &self.junior, &self.newcomer, &self.outsider]
            .into_iter()
            .chain([&self.stranger])
            .cloned()
            .collect()
    }
}
