//! The staff resource's bodies, views and filters, with their conversions to and from the
//! domain.

use crate::problem::{Checker, FieldErrorKind};
use crate::query;
use crate::routes::{list_of, present};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::SubjectId;
use usul_domain::staff::{Affiliation, Experience, QualificationCategory, Role, Staff};
use usul_domain::values::{Email, Name, Password};
use usul_persistence::{NewStaff, StaffPatch};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleDto {
    Admin,
    MinistryMethodologist,
    DistrictMethodologist,
    Director,
    Deputy,
    Teacher,
}

impl From<Role> for RoleDto {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => Self::Admin,
            Role::MinistryMethodologist => Self::MinistryMethodologist,
            Role::DistrictMethodologist => Self::DistrictMethodologist,
            Role::Director => Self::Director,
            Role::Deputy => Self::Deputy,
            Role::Teacher => Self::Teacher,
        }
    }
}

impl From<RoleDto> for Role {
    fn from(r: RoleDto) -> Self {
        match r {
            RoleDto::Admin => Self::Admin,
            RoleDto::MinistryMethodologist => Self::MinistryMethodologist,
            RoleDto::DistrictMethodologist => Self::DistrictMethodologist,
            RoleDto::Director => Self::Director,
            RoleDto::Deputy => Self::Deputy,
            RoleDto::Teacher => Self::Teacher,
        }
    }
}

/// A qualification category: *жогорку* (highest), *биринчи* (first), *экинчи* (second),
/// *категориясы жок* (none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryDto {
    Highest,
    First,
    Second,
    None,
}

impl From<QualificationCategory> for CategoryDto {
    fn from(c: QualificationCategory) -> Self {
        match c {
            QualificationCategory::Highest => Self::Highest,
            QualificationCategory::First => Self::First,
            QualificationCategory::Second => Self::Second,
            QualificationCategory::None => Self::None,
        }
    }
}

impl From<CategoryDto> for QualificationCategory {
    fn from(c: CategoryDto) -> Self {
        match c {
            CategoryDto::Highest => Self::Highest,
            CategoryDto::First => Self::First,
            CategoryDto::Second => Self::Second,
            CategoryDto::None => Self::None,
        }
    }
}

/// A person with a login.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    pub id: Uuid,
    /// The school, for school staff.
    pub school_id: Option<Uuid>,
    /// The district, for school staff and district methodologists.
    pub district_id: Option<Uuid>,
    /// The login, as entered (logins compare case-insensitively).
    #[schema(example = "a.usenova@demo.usul.kg")]
    pub email: String,
    #[schema(example = "Үсөнова")]
    pub last_name: String,
    #[schema(example = "Айнура")]
    pub first_name: String,
    #[schema(example = "Бакытовна")]
    pub patronymic: Option<String>,
    /// Surname and initials, as on paper documents.
    #[schema(example = "Үсөнова А.Б.")]
    pub short_name: String,
    /// The job title, free text.
    #[schema(example = "Математика мугалими")]
    pub position: Option<String>,
    pub role: RoleDto,
    /// Subjects the person teaches.
    pub subject_ids: Vec<Uuid>,
    pub qualification_category: CategoryDto,
    /// Years of pedagogical experience (0–70).
    #[schema(example = 12)]
    pub experience_years: u8,
    /// A deactivated person cannot sign in and their tokens stop working at once.
    pub active: bool,
    /// Sent as `ETag`; send it back in `If-Match` to update.
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Staff> for StaffView {
    fn from(s: &Staff) -> Self {
        let (school_id, district_id) = match s.affiliation {
            Affiliation::Service => (None, None),
            Affiliation::District(d) => (None, Some(d.uuid())),
            Affiliation::School { school, district } => (Some(school.uuid()), Some(district.uuid())),
        };
        Self {
            id: s.id.uuid(),
            school_id,
            district_id,
            email: s.email.to_string(),
            last_name: s.last_name.to_string(),
            first_name: s.first_name.to_string(),
            patronymic: s.patronymic.as_ref().map(ToString::to_string),
            short_name: s.short_name(),
            position: s.position.as_ref().map(ToString::to_string),
            role: s.role.into(),
            subject_ids: s.subjects.iter().map(|i| i.uuid()).collect(),
            qualification_category: s.category.into(),
            experience_years: s.experience.years(),
            active: s.active,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

list_of!(StaffList, kept StaffView, "A page of staff.");

/// A new person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "email": "b.toktogulov@demo.usul.kg", "password": "initial-pass-2022",
    "last_name": "Токтогулов", "first_name": "Бакыт", "patronymic": "Асанович",
    "position": "Физика мугалими", "role": "teacher", "subject_ids": [],
    "qualification_category": "first", "experience_years": 7
}))]
pub struct NewPersonBody {
    /// The login; unique case-insensitively.
    #[schema(max_length = 254, pattern = "^[^@\\s]+@[^@\\s.][^@\\s]*\\.[^@\\s]*[^@\\s.]$")]
    pub email: String,
    /// The initial password, 8–128 characters.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub last_name: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub patronymic: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub position: Option<String>,
    /// For school staff: `director`, `deputy` or `teacher` (default `teacher`).
    #[schema(value_type = Option<RoleDto>)]
    pub role: Option<String>,
    /// Subjects of the school the person teaches.
    #[serde(default)]
    pub subject_ids: Vec<Uuid>,
    /// Default `none`.
    #[schema(value_type = Option<CategoryDto>)]
    pub qualification_category: Option<String>,
    /// 0–70, default 0.
    #[schema(minimum = 0, maximum = 70)]
    pub experience_years: Option<i64>,
}

impl NewPersonBody {
    /// Checks every field, recording each problem; `role` is the default when none is sent.
    pub fn check(self, check: &mut Checker, affiliation: Affiliation, role: Role) -> Option<(NewStaff, String)> {
        let email = check.text("email", Email::parse(&self.email));
        let password = check.text("password", Password::parse(&self.password));
        let last_name = check.text("last_name", Name::parse(&self.last_name));
        let first_name = check.text("first_name", Name::parse(&self.first_name));
        let patronymic = self.patronymic.as_deref().map(|p| check.text("patronymic", Name::parse(p)));
        let position = self.position.as_deref().map(|p| check.text("position", Name::parse(p)));
        let experience = check.check("experience_years", Experience::parse(self.experience_years.unwrap_or(0)), |_| {
            FieldErrorKind::OutOfRange
        });
        let role = parse_role(check, self.role.as_deref()).unwrap_or(Some(role)).unwrap_or(role);
        let category = parse_category(check, self.qualification_category.as_deref());
        Some((
            NewStaff {
                affiliation,
                email: email?,
                password_hash: String::new(),
                last_name: last_name?,
                first_name: first_name?,
                patronymic: patronymic.map(|p| p.ok_or(())).transpose().ok()?,
                position: position.map(|p| p.ok_or(())).transpose().ok()?,
                role,
                subjects: self.subject_ids.into_iter().map(SubjectId::from_uuid).collect(),
                category: category?.unwrap_or(QualificationCategory::None),
                experience: experience?,
            },
            password?.expose().to_owned(),
        ))
    }
}

/// Parses an optional role; `None` when it is invalid (the error is recorded), `Some(None)`
/// when absent.
fn parse_role(check: &mut Checker, raw: Option<&str>) -> Option<Option<Role>> {
    match raw {
        None => Some(None),
        Some(r) => check.check("role", Role::parse(r).ok_or(()), |()| FieldErrorKind::InvalidValue).map(Some),
    }
}

/// Parses an optional qualification category, as [`parse_role`].
fn parse_category(check: &mut Checker, raw: Option<&str>) -> Option<Option<QualificationCategory>> {
    match raw {
        None => Some(None),
        Some(c) => check
            .check("qualification_category", QualificationCategory::parse(c).ok_or(()), |()| {
                FieldErrorKind::InvalidValue
            })
            .map(Some),
    }
}

/// Changes to a person. Absent fields stay; `null` clears `patronymic` and `position`.
/// `subject_ids` replaces the whole list. `password` sets a new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"qualification_category": "highest", "experience_years": 13, "subject_ids": []}))]
pub struct UpdateStaffBody {
    #[schema(max_length = 254, pattern = "^[^@\\s]+@[^@\\s.][^@\\s]*\\.[^@\\s]*[^@\\s.]$")]
    pub email: Option<String>,
    #[schema(min_length = 8, max_length = 128)]
    pub password: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub last_name: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub patronymic: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub position: Option<Option<String>>,
    #[schema(value_type = Option<RoleDto>)]
    pub role: Option<String>,
    pub subject_ids: Option<Vec<Uuid>>,
    #[schema(value_type = Option<CategoryDto>)]
    pub qualification_category: Option<String>,
    #[schema(minimum = 0, maximum = 70)]
    pub experience_years: Option<i64>,
}

/// The checked content of an [`UpdateStaffBody`]: the patch (without the password hash), the new
/// password if one is set.
pub struct StaffChange {
    pub patch: StaffPatch,
    pub password: Option<String>,
}

impl UpdateStaffBody {
    /// Checks every field, recording each problem.
    pub fn check(self, check: &mut Checker) -> StaffChange {
        let opt_name = |check: &mut Checker, field: &str, v: &Option<Option<String>>| match v {
            None => None,
            Some(None) => Some(None),
            Some(Some(text)) => check.text(field, Name::parse(text)).map(Some),
        };
        let patch = StaffPatch {
            email: self.email.as_deref().and_then(|e| check.text("email", Email::parse(e))),
            last_name: self.last_name.as_deref().and_then(|n| check.text("last_name", Name::parse(n))),
            first_name: self.first_name.as_deref().and_then(|n| check.text("first_name", Name::parse(n))),
            patronymic: opt_name(check, "patronymic", &self.patronymic),
            position: opt_name(check, "position", &self.position),
            role: parse_role(check, self.role.as_deref()).flatten(),
            subjects: self.subject_ids.map(|ids| ids.into_iter().map(SubjectId::from_uuid).collect()),
            category: parse_category(check, self.qualification_category.as_deref()).flatten(),
            experience: self
                .experience_years
                .and_then(|y| check.check("experience_years", Experience::parse(y), |_| FieldErrorKind::OutOfRange)),
            active: None,
            password_hash: None,
        };
        let password = self.password.as_deref().and_then(|p| check.text("password", Password::parse(p)));
        StaffChange { patch, password: password.map(|p| p.expose().to_owned()) }
    }
}

/// Filters of the staff list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// Only this role: `director`, `deputy`, `teacher`.
    #[param(value_type = Option<RoleDto>)]
    #[serde(default, deserialize_with = "role_filter")]
    pub role: Option<Role>,
    /// Only those who teach this subject.
    #[param(value_type = Option<Uuid>)]
    pub subject_id: Option<query::Id>,
    /// `true` (default: everyone) for active staff only, `false` for deactivated.
    #[param(value_type = Option<bool>)]
    pub active: Option<query::Flag>,
    /// Only those changed at or after this time (RFC 3339). A client's clock misses rows
    /// committed late by a slower write: to sync, use `sync_token`.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<query::Since>,
    /// The `sync_token` of an earlier read's first page: only what changed since, and the ids
    /// deleted since in `deleted` (see "Delta sync" in the API description).
    #[param(value_type = Option<String>, pattern = "^st1\\.[0-9a-f]{16}$")]
    pub sync_token: Option<crate::sync::SyncToken>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<String>, pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<query::Cursor>,
}

fn role_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Role>, D::Error> {
    query::code(d, Role::parse).map(Some)
}
