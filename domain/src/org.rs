//! Districts, schools, their years and subjects: the places the regulation talks about.

use crate::ids::{DistrictId, SchoolId, ServiceAccountId, SubjectId};
use crate::staff::SchoolSettings;
use crate::values::{Name, TextError, bounded};
use crate::year::AcademicYear;
use chrono::{DateTime, Utc};

/// A district education department (*билим берүү бөлүмү*, R-3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District {
    pub id: DistrictId,
    pub name: Name,
    pub region: Option<Name>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A school (*мектеп*) of a district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct School {
    pub id: SchoolId,
    pub district: DistrictId,
    pub name: Name,
    pub address: Option<Name>,
    pub settings: SchoolSettings,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The longest theme or goal accepted, in characters.
pub const THEME_MAX: usize = 2000;

/// A school's methodological theme (*мектептин усулдук темасы*) for a year, which every
/// teacher's individual work is tied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme(String);

impl Theme {
    /// Trims and checks a theme or goal (1–2000 characters).
    ///
    /// # Errors
    /// [`TextError::Empty`] or [`TextError::TooLong`].
    pub fn parse(text: &str) -> Result<Self, TextError> {
        bounded(text, THEME_MAX).map(Self)
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A school's academic year: its methodological theme and goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolYear {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub theme: Theme,
    pub goal: Option<Theme>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// A subject (*предмет*) taught at a school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub id: SubjectId,
    pub school: SchoolId,
    pub name: Name,
    pub created_at: DateTime<Utc>,
}

/// One recorded change: who did what to which entity, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: uuid::Uuid,
    pub at: DateTime<Utc>,
    /// `staff`, `service_account` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<uuid::Uuid>,
    /// A dotted code such as `staff.deactivate`.
    pub action: String,
    /// The kind of entity, e.g. `staff`.
    pub entity: String,
    pub entity_id: Option<uuid::Uuid>,
    pub summary: String,
}

/// A district's machine client, authenticated with `client_credentials`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    pub id: ServiceAccountId,
    /// Its district; `None` for a ministry account, which reads every district.
    pub district: Option<DistrictId>,
    pub name: Name,
    pub client_id: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_keeps_its_text_and_refuses_emptiness_r_3_2_1() {
        let t = Theme::parse("  Окутуунун сапатын жогорулатуу  ");
        assert_eq!(t.map(|t| t.as_str().to_owned()), Ok("Окутуунун сапатын жогорулатуу".to_owned()));
        assert_eq!(Theme::parse(""), Err(TextError::Empty));
        assert_eq!(Theme::parse(&"ү".repeat(2001)), Err(TextError::TooLong { max: 2000 }));
    }
}
