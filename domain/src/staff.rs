//! People with logins and their roles, qualification categories and school settings.

use crate::ids::{DistrictId, SchoolId, StaffId, SubjectId};
use crate::lang::Text;
use crate::values::{Email, Name};
use serde::Serialize;

/// What a person may do is decided by their role (and, for commission heads, by data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages districts and schools; belongs to none.
    Admin,
    /// A methodologist of a district education department (*билим берүү бөлүмү*, R-3.1).
    DistrictMethodologist,
    /// A methodologist of the ministry's methodological centre: reads every district.
    MinistryMethodologist,
    /// The school's director.
    Director,
    /// The deputy director for methodological work, who leads it.
    Deputy,
    /// A pedagogical employee.
    Teacher,
}

impl Role {
    /// All roles.
    pub const ALL: [Self; 6] = [
        Self::Admin,
        Self::MinistryMethodologist,
        Self::DistrictMethodologist,
        Self::Director,
        Self::Deputy,
        Self::Teacher,
    ];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::DistrictMethodologist => "district_methodologist",
            Self::MinistryMethodologist => "ministry_methodologist",
            Self::Director => "director",
            Self::Deputy => "deputy",
            Self::Teacher => "teacher",
        }
    }

    /// The role for a stable code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether the role belongs to a school's staff (and so needs a school).
    #[must_use]
    pub const fn is_school_role(self) -> bool {
        matches!(self, Self::Director | Self::Deputy | Self::Teacher)
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::Admin => {
                Text { ky: "Администратор", ru: "Администратор", en: "Administrator" }
            }
            Self::DistrictMethodologist => Text {
                ky: "Билим берүү бөлүмүнүн усулчусу",
                ru: "Методист отдела образования",
                en: "District methodologist",
            },
            Self::MinistryMethodologist => Text {
                ky: "Министрликтин усулдук борборунун усулчусу",
                ru: "Методист методического центра министерства",
                en: "Ministry methodologist",
            },
            Self::Director => Text { ky: "Директор", ru: "Директор", en: "Director" },
            Self::Deputy => Text {
                ky: "Директордун усулдук иштер боюнча орун басары",
                ru: "Заместитель директора по методической работе",
                en: "Deputy director for methodological work",
            },
            Self::Teacher => Text { ky: "Мугалим", ru: "Учитель", en: "Teacher" },
        }
    }
}

/// A teacher's qualification category (*категория*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QualificationCategory {
    /// *жогорку категория*
    Highest,
    /// *биринчи категория*
    First,
    /// *экинчи категория*
    Second,
    /// *категориясы жок*
    None,
}

impl QualificationCategory {
    /// All categories, highest first.
    pub const ALL: [Self; 4] = [Self::Highest, Self::First, Self::Second, Self::None];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Highest => "highest",
            Self::First => "first",
            Self::Second => "second",
            Self::None => "none",
        }
    }

    /// The category for a stable code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::Highest => Text {
                ky: "Жогорку категория", ru: "Высшая категория", en: "Highest category"
            },
            Self::First => Text {
                ky: "Биринчи категория", ru: "Первая категория", en: "First category"
            },
            Self::Second => Text {
                ky: "Экинчи категория", ru: "Вторая категория", en: "Second category"
            },
            Self::None => {
                Text { ky: "Категориясы жок", ru: "Без категории", en: "No category" }
            }
        }
    }
}

/// Years of pedagogical experience: 0 to 70.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Experience(u8);

impl Experience {
    /// The most years accepted.
    pub const MAX: u8 = 70;

    /// No experience yet.
    pub const ZERO: Self = Self(0);

    /// Checks a number of years.
    ///
    /// # Errors
    /// Returns the maximum when the number is negative or above it.
    pub fn parse(years: i64) -> Result<Self, u8> {
        u8::try_from(years).ok().filter(|y| *y <= Self::MAX).map(Self).ok_or(Self::MAX)
    }

    /// The number of years.
    #[must_use]
    pub const fn years(self) -> u8 {
        self.0
    }
}

/// Where a person belongs: a school (and its district), a district, or nowhere (admin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affiliation {
    /// An administrator of the whole service.
    Service,
    /// A district methodologist.
    District(DistrictId),
    /// A member of a school's staff.
    School {
        /// The school.
        school: SchoolId,
        /// The school's district.
        district: DistrictId,
    },
}

/// A person with a login, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub id: StaffId,
    pub affiliation: Affiliation,
    pub email: Email,
    pub last_name: Name,
    pub first_name: Name,
    pub patronymic: Option<Name>,
    pub position: Option<Name>,
    pub role: Role,
    pub subjects: Vec<SubjectId>,
    pub category: QualificationCategory,
    pub experience: Experience,
    pub active: bool,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Staff {
    /// "Сардарбекова А.К." — surname and initials, as on paper documents.
    #[must_use]
    pub fn short_name(&self) -> String {
        let initial = |n: &Name| n.as_str().chars().next().map(|c| format!("{c}.")).unwrap_or_default();
        let mut s = format!("{} {}", self.last_name, initial(&self.first_name));
        if let Some(p) = &self.patronymic {
            s.push_str(&initial(p));
        }
        s
    }

    /// The school the person works at, if any.
    #[must_use]
    pub const fn school(&self) -> Option<SchoolId> {
        match self.affiliation {
            Affiliation::School { school, .. } => Some(school),
            _ => None,
        }
    }
}

/// A school's own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchoolSettings {
    /// The fewest years of experience a commission head needs (R-3.2.2c).
    pub min_head_experience_years: u8,
    /// From which day dated records are filed under the coming academic year.
    pub year_starts_on: crate::year::YearBoundary,
}

impl Default for SchoolSettings {
    fn default() -> Self {
        Self { min_head_experience_years: 5, year_starts_on: crate::year::YearBoundary::default() }
    }
}

/// Whether `role` may be given to `person`: school staff hold school roles; district and
/// service accounts keep the role they have.
#[must_use]
pub fn role_fits(person: &Staff, role: Role) -> bool {
    match person.affiliation {
        Affiliation::School { .. } => role.is_school_role(),
        Affiliation::District(_) | Affiliation::Service => role == person.role,
    }
}

/// Why a deactivation is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeactivateError {
    /// Nobody deactivates their own account (the school would be left without its director).
    #[error("you cannot deactivate yourself")]
    Yourself,
}

/// Checks that `actor` may deactivate `person` (the policy has already said the role may).
///
/// # Errors
/// [`DeactivateError::Yourself`] for one's own account.
pub fn check_deactivation(actor: Option<StaffId>, person: StaffId) -> Result<(), DeactivateError> {
    if actor == Some(person) { Err(DeactivateError::Yourself) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn person(role: Role) -> Staff {
        Staff {
            id: StaffId::new(),
            affiliation: Affiliation::School { school: SchoolId::new(), district: DistrictId::new() },
            email: Email::parse("a@b.kg").unwrap(),
            last_name: Name::parse("Асанов").unwrap(),
            first_name: Name::parse("Асан").unwrap(),
            patronymic: None,
            position: None,
            role,
            subjects: Vec::new(),
            category: QualificationCategory::None,
            experience: Experience::parse(3).unwrap(),
            active: true,
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert_eq!(Role::parse("janitor"), None);
    }

    #[test]
    fn experience_is_between_zero_and_seventy_years() {
        assert!(Experience::parse(0).is_ok());
        assert!(Experience::parse(70).is_ok());
        assert!(Experience::parse(71).is_err());
        assert!(Experience::parse(-1).is_err());
    }

    #[test]
    fn a_commission_head_needs_five_years_by_default_r_3_2_2c() {
        assert_eq!(SchoolSettings::default().min_head_experience_years, 5);
    }

    #[test]
    fn school_staff_take_only_school_roles_and_others_keep_theirs() {
        let mut p = person(Role::Teacher);
        assert!(role_fits(&p, Role::Deputy));
        assert!(!role_fits(&p, Role::Admin));
        p.affiliation = Affiliation::District(DistrictId::new());
        p.role = Role::DistrictMethodologist;
        assert!(role_fits(&p, Role::DistrictMethodologist));
        assert!(!role_fits(&p, Role::Director));
    }

    #[test]
    fn nobody_deactivates_their_own_account() {
        let me = StaffId::new();
        assert_eq!(check_deactivation(Some(me), me), Err(DeactivateError::Yourself));
        assert_eq!(check_deactivation(Some(StaffId::new()), me), Ok(()));
        assert_eq!(check_deactivation(None, me), Ok(()));
    }
}
