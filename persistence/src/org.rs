//! Districts, schools, school years and subjects.

use crate::entities::{audit_event, district, school, school_year, subject};
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use usul_domain::ids::{DistrictId, SchoolId, SubjectId};
use usul_domain::org::{AuditEvent, District, School, SchoolYear, Subject, Theme};
use usul_domain::staff::SchoolSettings;
use usul_domain::values::Name;
use usul_domain::year::{AcademicYear, YearBoundary};
use uuid::Uuid;

/// A district to create.
#[derive(Debug, Clone)]
pub struct NewDistrict {
    pub name: Name,
    pub region: Option<Name>,
}

/// Changes to a district; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DistrictPatch {
    pub name: Option<Name>,
    pub region: Option<Option<Name>>,
}

/// A school to create.
#[derive(Debug, Clone)]
pub struct NewSchool {
    pub district: DistrictId,
    pub name: Name,
    pub address: Option<Name>,
    pub settings: SchoolSettings,
}

/// Changes to a school; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct SchoolPatch {
    pub name: Option<Name>,
    pub address: Option<Option<Name>>,
    pub min_head_experience_years: Option<u8>,
    pub year_starts_on: Option<YearBoundary>,
}

pub(crate) fn name_key(name: &Name) -> String {
    name.as_str().to_lowercase()
}

fn opt_name(what: &str, v: Option<String>) -> StoreResult<Option<Name>> {
    v.map(|s| stored(what, Name::parse(&s))).transpose()
}

impl TryFrom<district::Model> for District {
    type Error = StoreError;
    fn try_from(m: district::Model) -> StoreResult<Self> {
        Ok(Self {
            id: DistrictId::from_uuid(m.id),
            name: stored("district.name", Name::parse(&m.name))?,
            region: opt_name("district.region", m.region)?,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

impl TryFrom<school::Model> for School {
    type Error = StoreError;
    fn try_from(m: school::Model) -> StoreResult<Self> {
        Ok(Self {
            id: SchoolId::from_uuid(m.id),
            district: DistrictId::from_uuid(m.district_id),
            name: stored("school.name", Name::parse(&m.name))?,
            address: opt_name("school.address", m.address)?,
            settings: SchoolSettings {
                min_head_experience_years: stored(
                    "school.min_head_experience_years",
                    u8::try_from(m.min_head_experience_years),
                )?,
                year_starts_on: stored("school.year_starts_on", YearBoundary::parse(&m.year_starts_on))?,
            },
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

impl TryFrom<school_year::Model> for SchoolYear {
    type Error = StoreError;
    fn try_from(m: school_year::Model) -> StoreResult<Self> {
        Ok(Self {
            school: SchoolId::from_uuid(m.school_id),
            year: stored("school_year.start_year", AcademicYear::starting(m.start_year))?,
            theme: stored("school_year.theme", Theme::parse(&m.theme))?,
            goal: m.goal.map(|g| stored("school_year.goal", Theme::parse(&g))).transpose()?,
            version: m.version,
            updated_at: m.updated_at,
        })
    }
}

impl TryFrom<subject::Model> for Subject {
    type Error = StoreError;
    fn try_from(m: subject::Model) -> StoreResult<Self> {
        Ok(Self {
            id: SubjectId::from_uuid(m.id),
            school: SchoolId::from_uuid(m.school_id),
            name: stored("subject.name", Name::parse(&m.name))?,
            created_at: m.created_at,
        })
    }
}

/// Refuses a write whose expected version is not the stored one.
pub(crate) fn check_version(expected: Option<i32>, current: i32) -> StoreResult<()> {
    match expected {
        Some(v) if v != current => Err(StoreError::VersionMismatch { current }),
        _ => Ok(()),
    }
}

impl Store {
    /// Creates a district.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `district_name_taken` when the name is in use.
    pub async fn create_district(&self, new: NewDistrict, audit: &Audit) -> StoreResult<District> {
        let txn = self.write().await?;
        let at = now();
        let id = Uuid::now_v7();
        let model = district::ActiveModel {
            id: Set(id),
            name_key: Set(name_key(&new.name)),
            name: Set(new.name.as_str().to_owned()),
            region: Set(new.region.map(|r| r.as_str().to_owned())),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await
        .map_err(|e| StoreError::unique(e, crate::Conflict::DistrictNameTaken))?;
        record_audit(&txn, audit, "district.create", "district", Some(id), None, Some(id)).await?;
        txn.commit().await?;
        model.try_into()
    }

    /// Lists districts, all or only `only`.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_districts(
        &self,
        only: Option<DistrictId>,
        since: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<District>> {
        let mut q = district::Entity::find().order_by_asc(district::Column::Id).limit(page.limit + 1);
        if let Some(t) = since {
            q = q.filter(district::Column::UpdatedAt.gte(t));
        }
        if let Some(d) = only {
            q = q.filter(district::Column::Id.eq(d.uuid()));
        }
        if let Some(after) = page.after {
            q = q.filter(district::Column::Id.gt(after));
        }
        let rows = q.all(&self.db).await?.into_iter().map(District::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(rows, page.limit, |d| d.id.uuid()))
    }

    /// Reads a district.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_district(&self, id: DistrictId) -> StoreResult<Option<District>> {
        if let Some(d) = self.districts.get(id.uuid()) {
            return Ok(Some(d));
        }
        let (read_at, generation) = (std::time::Instant::now(), self.districts.generation());
        let district =
            district::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(District::try_from).transpose()?;
        if let Some(d) = &district {
            self.districts.put(id.uuid(), d.clone(), read_at, generation);
        }
        Ok(district)
    }

    /// Changes a district if it is still at `expected` (when given).
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::VersionMismatch`], or a name conflict.
    pub async fn update_district(
        &self,
        id: DistrictId,
        expected: Option<i32>,
        patch: DistrictPatch,
        audit: &Audit,
    ) -> StoreResult<District> {
        let txn = self.write().await?;
        let current = district::Entity::find_by_id(id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let mut am = district::ActiveModel { id: Set(current.id), ..Default::default() };
        if let Some(n) = &patch.name {
            am.name = Set(n.as_str().to_owned());
            am.name_key = Set(name_key(n));
        }
        if let Some(r) = patch.region {
            am.region = Set(r.map(|r| r.as_str().to_owned()));
        }
        am.version = Set(current.version + 1);
        am.updated_at = Set(now());
        let updated = bump(
            district::Entity::update_many()
                .set(am)
                .filter(district::Column::Id.eq(current.id))
                .filter(district::Column::Version.eq(current.version))
                .exec(&txn)
                .await,
            crate::Conflict::DistrictNameTaken,
        )?;
        if updated == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        record_audit(&txn, audit, "district.update", "district", Some(current.id), None, Some(current.id)).await?;
        let model = district::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        self.districts.clear();
        model.try_into()
    }

    /// Creates a school in an existing district.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `school_name_taken` when the district has a school of that name.
    pub async fn create_school(&self, new: NewSchool, audit: &Audit) -> StoreResult<School> {
        let txn = self.write().await?;
        let at = now();
        let id = Uuid::now_v7();
        let model = school::ActiveModel {
            id: Set(id),
            district_id: Set(new.district.uuid()),
            name_key: Set(name_key(&new.name)),
            name: Set(new.name.as_str().to_owned()),
            address: Set(new.address.map(|a| a.as_str().to_owned())),
            min_head_experience_years: Set(i32::from(new.settings.min_head_experience_years)),
            year_starts_on: Set(new.settings.year_starts_on.to_string()),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await
        .map_err(|e| StoreError::unique(e, crate::Conflict::SchoolNameTaken))?;
        record_audit(&txn, audit, "school.create", "school", Some(id), Some(id), Some(new.district.uuid())).await?;
        txn.commit().await?;
        model.try_into()
    }

    /// Lists schools, filtered by district and/or to one school.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_schools(
        &self,
        district: Option<DistrictId>,
        only: Option<SchoolId>,
        since: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<School>> {
        let mut q = school::Entity::find().order_by_asc(school::Column::Id).limit(page.limit + 1);
        if let Some(t) = since {
            q = q.filter(school::Column::UpdatedAt.gte(t));
        }
        if let Some(d) = district {
            q = q.filter(school::Column::DistrictId.eq(d.uuid()));
        }
        if let Some(s) = only {
            q = q.filter(school::Column::Id.eq(s.uuid()));
        }
        if let Some(after) = page.after {
            q = q.filter(school::Column::Id.gt(after));
        }
        let rows = q.all(&self.db).await?.into_iter().map(School::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(rows, page.limit, |s| s.id.uuid()))
    }

    /// Reads a school.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_school(&self, id: SchoolId) -> StoreResult<Option<School>> {
        if let Some(s) = self.schools.get(id.uuid()) {
            return Ok(Some(s));
        }
        let (read_at, generation) = (std::time::Instant::now(), self.schools.generation());
        let school = school::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(School::try_from).transpose()?;
        if let Some(s) = &school {
            self.schools.put(id.uuid(), s.clone(), read_at, generation);
        }
        Ok(school)
    }

    /// Changes a school if it is still at `expected` (when given).
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::VersionMismatch`], or a name conflict.
    pub async fn update_school(
        &self,
        id: SchoolId,
        expected: Option<i32>,
        patch: SchoolPatch,
        audit: &Audit,
    ) -> StoreResult<School> {
        let txn = self.write().await?;
        let current = school::Entity::find_by_id(id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let mut am = school::ActiveModel { id: Set(current.id), ..Default::default() };
        if let Some(n) = &patch.name {
            am.name = Set(n.as_str().to_owned());
            am.name_key = Set(name_key(n));
        }
        if let Some(a) = patch.address {
            am.address = Set(a.map(|a| a.as_str().to_owned()));
        }
        if let Some(y) = patch.min_head_experience_years {
            am.min_head_experience_years = Set(i32::from(y));
        }
        if let Some(b) = patch.year_starts_on {
            am.year_starts_on = Set(b.to_string());
        }
        am.version = Set(current.version + 1);
        am.updated_at = Set(now());
        let updated = bump(
            school::Entity::update_many()
                .set(am)
                .filter(school::Column::Id.eq(current.id))
                .filter(school::Column::Version.eq(current.version))
                .exec(&txn)
                .await,
            crate::Conflict::SchoolNameTaken,
        )?;
        if updated == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        record_audit(
            &txn,
            audit,
            "school.update",
            "school",
            Some(current.id),
            Some(current.id),
            Some(current.district_id),
        )
        .await?;
        let model = school::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        self.schools.clear();
        model.try_into()
    }

    /// Reads a school's year (theme and goal), if set.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_school_year(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Option<SchoolYear>> {
        school_year::Entity::find_by_id((school.uuid(), year.start_year()))
            .one(&self.db)
            .await?
            .map(SchoolYear::try_from)
            .transpose()
    }

    /// Every year a school has set, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_school_years(&self, school: SchoolId) -> StoreResult<Vec<SchoolYear>> {
        school_year::Entity::find()
            .filter(school_year::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(school_year::Column::StartYear)
            .all(&self.db)
            .await?
            .into_iter()
            .map(SchoolYear::try_from)
            .collect()
    }

    /// Sets a school year's theme and goal, creating the year if needed. Returns the year and
    /// whether it was created.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when `expected` is given and differs (or the year does not
    /// exist yet and `expected` is given).
    pub async fn put_school_year(
        &self,
        school: &School,
        year: AcademicYear,
        theme: Theme,
        goal: Option<Theme>,
        expected: Option<i32>,
        audit: &Audit,
    ) -> StoreResult<(SchoolYear, bool)> {
        let txn = self.write().await?;
        let key = (school.id.uuid(), year.start_year());
        let current = school_year::Entity::find_by_id(key).one(&txn).await?;
        let created = current.is_none();
        let model = match current {
            None => {
                if expected.is_some() {
                    return Err(StoreError::VersionMismatch { current: 0 });
                }
                school_year::ActiveModel {
                    school_id: Set(key.0),
                    start_year: Set(key.1),
                    theme: Set(theme.as_str().to_owned()),
                    goal: Set(goal.map(|g| g.as_str().to_owned())),
                    version: Set(1),
                    updated_at: Set(now()),
                }
                .insert(&txn)
                .await
                .map_err(|e| StoreError::unique(e, crate::Conflict::SchoolYearExists))?
            }
            Some(row) => {
                check_version(expected, row.version)?;
                let am = school_year::ActiveModel {
                    school_id: Set(key.0),
                    start_year: Set(key.1),
                    theme: Set(theme.as_str().to_owned()),
                    goal: Set(goal.map(|g| g.as_str().to_owned())),
                    version: Set(row.version + 1),
                    updated_at: Set(now()),
                };
                let n = school_year::Entity::update_many()
                    .set(am)
                    .filter(school_year::Column::SchoolId.eq(key.0))
                    .filter(school_year::Column::StartYear.eq(key.1))
                    .filter(school_year::Column::Version.eq(row.version))
                    .exec(&txn)
                    .await?
                    .rows_affected;
                if n == 0 {
                    return Err(StoreError::VersionMismatch { current: row.version + 1 });
                }
                school_year::Entity::find_by_id(key).one(&txn).await?.ok_or(StoreError::NotFound)?
            }
        };
        record_audit(&txn, audit, "school_year.put", "school_year", None, Some(key.0), Some(school.district.uuid()))
            .await?;
        txn.commit().await?;
        Ok((model.try_into()?, created))
    }

    /// Adds a subject to a school.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `subject_name_taken` when the school has it already
    /// (case-insensitively).
    pub async fn create_subject(&self, school: &School, name: Name, audit: &Audit) -> StoreResult<Subject> {
        let txn = self.write().await?;
        let id = Uuid::now_v7();
        let model = subject::ActiveModel {
            id: Set(id),
            school_id: Set(school.id.uuid()),
            name_key: Set(name_key(&name)),
            name: Set(name.as_str().to_owned()),
            created_at: Set(now()),
        }
        .insert(&txn)
        .await
        .map_err(|e| StoreError::unique(e, crate::Conflict::SubjectNameTaken))?;
        record_audit(
            &txn,
            audit,
            "subject.create",
            "subject",
            Some(id),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        txn.commit().await?;
        model.try_into()
    }

    /// Lists a school's subjects.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_subjects(
        &self,
        school: SchoolId,
        since: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<Subject>> {
        let mut q = subject::Entity::find()
            .filter(subject::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(subject::Column::Id)
            .limit(page.limit + 1);
        // Subjects are never changed once created.
        if let Some(t) = since {
            q = q.filter(subject::Column::CreatedAt.gte(t));
        }
        if let Some(after) = page.after {
            q = q.filter(subject::Column::Id.gt(after));
        }
        let rows = q.all(&self.db).await?.into_iter().map(Subject::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(rows, page.limit, |s| s.id.uuid()))
    }

    /// All of a school's subjects (a school has tens), in one query.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn school_subjects(&self, school: SchoolId) -> StoreResult<Vec<Subject>> {
        subject::Entity::find()
            .filter(subject::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(subject::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(Subject::try_from)
            .collect()
    }

    /// Those of `ids` that are not subjects of `school`.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn missing_subjects(&self, school: SchoolId, ids: &[SubjectId]) -> StoreResult<Vec<SubjectId>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let found: Vec<Uuid> = subject::Entity::find()
            .select_only()
            .column(subject::Column::Id)
            .filter(subject::Column::SchoolId.eq(school.uuid()))
            .filter(subject::Column::Id.is_in(ids.iter().map(|i| i.uuid())))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(ids.iter().copied().filter(|i| !found.contains(&i.uuid())).collect())
    }
}

impl Store {
    /// A school's audit trail, oldest first, optionally of one entity kind.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_audit(
        &self,
        school: SchoolId,
        entity: Option<&str>,
        since: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEvent>> {
        let mut q = audit_event::Entity::find()
            .filter(audit_event::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(audit_event::Column::Id)
            .limit(page.limit + 1);
        // Audit events are written once.
        if let Some(t) = since {
            q = q.filter(audit_event::Column::At.gte(t));
        }
        if let Some(e) = entity {
            q = q.filter(audit_event::Column::Entity.eq(e));
        }
        if let Some(after) = page.after {
            q = q.filter(audit_event::Column::Id.gt(after));
        }
        let rows = q
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| AuditEvent {
                id: m.id,
                at: m.at,
                actor_kind: m.actor_kind,
                actor_id: m.actor_id,
                action: m.action,
                entity: m.entity,
                entity_id: m.entity_id,
                summary: m.summary,
            })
            .collect();
        Ok(Page::from_rows(rows, page.limit, |e: &AuditEvent| e.id))
    }
}

/// The number of rows a conditional update touched, with unique violations as `code`.
pub(crate) fn bump(r: Result<sea_orm::UpdateResult, sea_orm::DbErr>, conflict: crate::Conflict) -> StoreResult<u64> {
    r.map(|u| u.rows_affected).map_err(|e| StoreError::unique(e, conflict))
}
