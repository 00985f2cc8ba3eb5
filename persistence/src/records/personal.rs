//! Mentorships, course trainings and needs diagnoses.

use super::{AreaRow, NoteRow, hours, stored_file, tenths, to_json};
use crate::entities::{diagnostic, mentorship, training};
use crate::org::check_version;
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use usul_domain::ids::{MentorshipId, SchoolId, StaffId, TrainingId};
use usul_domain::org::School;
use usul_domain::records::{Diagnosis, Mentorship, StoredFile, Training};
use usul_domain::year::AcademicYear;

fn to_mentorship(m: mentorship::Model) -> StoreResult<Mentorship> {
    let notes: Vec<NoteRow> = stored("mentorship.notes", serde_json::from_str(&m.notes))?;
    Ok(Mentorship {
        id: MentorshipId::from_uuid(m.id),
        school: SchoolId::from_uuid(m.school_id),
        year: stored("mentorship.start_year", AcademicYear::starting(m.start_year))?,
        mentor: StaffId::from_uuid(m.mentor_id),
        mentee: StaffId::from_uuid(m.mentee_id),
        goals: m.goals,
        completed: m.status == "completed",
        outcome: m.outcome,
        notes: notes.into_iter().map(|n| (n.date, n.text)).collect(),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_training(m: training::Model) -> Training {
    Training {
        id: TrainingId::from_uuid(m.id),
        school: SchoolId::from_uuid(m.school_id),
        staff: StaffId::from_uuid(m.staff_id),
        title: m.title,
        provider: m.provider,
        mode: m.mode,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        hours: hours(m.hours_tenths),
        certificate_number: m.certificate_number,
        issuer: m.issuer,
        certificate_file: stored_file(
            m.certificate_file_name,
            m.certificate_content_type,
            m.certificate_size,
            m.certificate_sha256,
            m.certificate_key,
        ),
        version: m.version,
        created_at: m.created_at,
    }
}

impl Store {
    /// Records a mentorship.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_mentorship(&self, school: &School, m: &Mentorship, audit: &Audit) -> StoreResult<Mentorship> {
        let txn = self.write().await?;
        let at = now();
        let row = mentorship::ActiveModel {
            id: Set(m.id.uuid()),
            school_id: Set(school.id.uuid()),
            start_year: Set(m.year.start_year()),
            mentor_id: Set(m.mentor.uuid()),
            mentee_id: Set(m.mentee.uuid()),
            goals: Set(m.goals.clone()),
            status: Set("active".into()),
            outcome: Set(None),
            notes: Set("[]".into()),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await?;
        record_audit(
            &txn,
            audit,
            "mentorship.create",
            "mentorship",
            Some(m.id.uuid()),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        txn.commit().await?;
        to_mentorship(row)
    }

    /// Reads a mentorship.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_mentorship(&self, id: MentorshipId) -> StoreResult<Option<Mentorship>> {
        mentorship::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(to_mentorship).transpose()
    }

    /// Lists a school's mentorships, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_mentorships(
        &self,
        school: SchoolId,
        year: Option<AcademicYear>,
        updated_since: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<Mentorship>> {
        let mut q = mentorship::Entity::find()
            .filter(mentorship::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(mentorship::Column::Id)
            .limit(page.limit + 1);
        if let Some(y) = year {
            q = q.filter(mentorship::Column::StartYear.eq(y.start_year()));
        }
        if let Some(t) = updated_since {
            q = q.filter(mentorship::Column::UpdatedAt.gte(t));
        }
        if let Some(after) = page.after {
            q = q.filter(mentorship::Column::Id.gt(after));
        }
        let items = q.all(&self.db).await?.into_iter().map(to_mentorship).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(items, page.limit, |m| m.id.uuid()))
    }

    /// Adds a note, or completes a mentorship with its outcome.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn update_mentorship(
        &self,
        m: &Mentorship,
        expected: Option<i32>,
        note: Option<(NaiveDate, String)>,
        complete_with: Option<String>,
        audit: &Audit,
    ) -> StoreResult<Mentorship> {
        let txn = self.write().await?;
        let current = mentorship::Entity::find_by_id(m.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let mut notes: Vec<NoteRow> = stored("mentorship.notes", serde_json::from_str(&current.notes))?;
        if let Some((date, text)) = note {
            notes.push(NoteRow { date, text });
        }
        let mut q = mentorship::Entity::update_many()
            .col_expr(mentorship::Column::Notes, Expr::value(to_json(&notes)))
            .col_expr(mentorship::Column::Version, Expr::value(current.version + 1))
            .col_expr(mentorship::Column::UpdatedAt, Expr::value(now()))
            .filter(mentorship::Column::Id.eq(current.id))
            .filter(mentorship::Column::Version.eq(current.version))
            .filter(mentorship::Column::Status.eq("active"));
        if let Some(outcome) = &complete_with {
            q = q
                .col_expr(mentorship::Column::Status, Expr::value("completed"))
                .col_expr(mentorship::Column::Outcome, Expr::value(outcome.clone()));
        }
        if q.exec(&txn).await?.rows_affected == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        let action = if complete_with.is_some() { "mentorship.complete" } else { "mentorship.note" };
        record_audit(&txn, audit, action, "mentorship", Some(current.id), Some(current.school_id), None).await?;
        let row = mentorship::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        to_mentorship(row)
    }

    /// Records a course training.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_training(&self, school: &School, t: &Training, audit: &Audit) -> StoreResult<Training> {
        let txn = self.write().await?;
        let at = now();
        let row = training::ActiveModel {
            id: Set(t.id.uuid()),
            school_id: Set(school.id.uuid()),
            staff_id: Set(t.staff.uuid()),
            title: Set(t.title.clone()),
            provider: Set(t.provider.clone()),
            mode: Set(t.mode.clone()),
            starts_on: Set(t.starts_on),
            ends_on: Set(t.ends_on),
            hours_tenths: Set(tenths(t.hours)),
            certificate_number: Set(t.certificate_number.clone()),
            issuer: Set(t.issuer.clone()),
            certificate_file_name: Set(None),
            certificate_content_type: Set(None),
            certificate_size: Set(None),
            certificate_sha256: Set(None),
            certificate_key: Set(None),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await?;
        record_audit(
            &txn,
            audit,
            "training.create",
            "training",
            Some(t.id.uuid()),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        txn.commit().await?;
        Ok(to_training(row))
    }

    /// Reads a training.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_training(&self, id: TrainingId) -> StoreResult<Option<Training>> {
        Ok(training::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(to_training))
    }

    /// Records a training's certificate file (already written completely to storage).
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn set_training_certificate(
        &self,
        t: &Training,
        expected: Option<i32>,
        file: &StoredFile,
        audit: &Audit,
    ) -> StoreResult<Training> {
        let txn = self.write().await?;
        let current = training::Entity::find_by_id(t.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let n = training::Entity::update_many()
            .col_expr(training::Column::CertificateFileName, Expr::value(file.name.clone()))
            .col_expr(training::Column::CertificateContentType, Expr::value(file.content_type.clone()))
            .col_expr(training::Column::CertificateSize, Expr::value(i64::try_from(file.size).unwrap_or(i64::MAX)))
            .col_expr(training::Column::CertificateSha256, Expr::value(file.sha256.clone()))
            .col_expr(training::Column::CertificateKey, Expr::value(file.key.clone()))
            .col_expr(training::Column::Version, Expr::value(current.version + 1))
            .col_expr(training::Column::UpdatedAt, Expr::value(now()))
            .filter(training::Column::Id.eq(current.id))
            .filter(training::Column::Version.eq(current.version))
            .exec(&txn)
            .await?
            .rows_affected;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        record_audit(&txn, audit, "training.certificate", "training", Some(current.id), Some(current.school_id), None)
            .await?;
        let row = training::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(to_training(row))
    }

    /// A person's trainings, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_trainings(
        &self,
        staff: StaffId,
        updated_since: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<Training>> {
        let mut q = training::Entity::find()
            .filter(training::Column::StaffId.eq(staff.uuid()))
            .order_by_asc(training::Column::Id)
            .limit(page.limit + 1);
        if let Some(t) = updated_since {
            q = q.filter(training::Column::UpdatedAt.gte(t));
        }
        if let Some(after) = page.after {
            q = q.filter(training::Column::Id.gt(after));
        }
        let items = q.all(&self.db).await?.into_iter().map(to_training).collect();
        Ok(Page::from_rows(items, page.limit, |t: &Training| t.id.uuid()))
    }

    /// A teacher's diagnosis of a year, if recorded.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_diagnosis(&self, staff: StaffId, year: AcademicYear) -> StoreResult<Option<Diagnosis>> {
        let Some(row) = diagnostic::Entity::find_by_id((staff.uuid(), year.start_year())).one(&self.db).await? else {
            return Ok(None);
        };
        to_diagnosis(row).map(Some)
    }

    /// Records (or replaces) a teacher's diagnosis of a year.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when `expected` is stale.
    pub async fn put_diagnosis(
        &self,
        school: &School,
        d: &Diagnosis,
        expected: Option<i32>,
        audit: &Audit,
    ) -> StoreResult<(Diagnosis, bool)> {
        let txn = self.write().await?;
        let key = (d.staff.uuid(), d.year.start_year());
        let areas = to_json(
            &d.areas
                .iter()
                .map(|(a, l, n)| AreaRow { area: a.clone(), level: *l, note: n.clone() })
                .collect::<Vec<_>>(),
        );
        let current = diagnostic::Entity::find_by_id(key).one(&txn).await?;
        let created = current.is_none();
        match current {
            None => {
                if expected.is_some() {
                    return Err(StoreError::VersionMismatch { current: 0 });
                }
                diagnostic::ActiveModel {
                    staff_id: Set(key.0),
                    start_year: Set(key.1),
                    school_id: Set(school.id.uuid()),
                    areas: Set(areas),
                    version: Set(1),
                    updated_at: Set(now()),
                }
                .insert(&txn)
                .await?;
            }
            Some(row) => {
                check_version(expected, row.version)?;
                let n = diagnostic::Entity::update_many()
                    .col_expr(diagnostic::Column::Areas, Expr::value(areas))
                    .col_expr(diagnostic::Column::Version, Expr::value(row.version + 1))
                    .col_expr(diagnostic::Column::UpdatedAt, Expr::value(now()))
                    .filter(diagnostic::Column::StaffId.eq(key.0))
                    .filter(diagnostic::Column::StartYear.eq(key.1))
                    .filter(diagnostic::Column::Version.eq(row.version))
                    .exec(&txn)
                    .await?
                    .rows_affected;
                if n == 0 {
                    return Err(StoreError::VersionMismatch { current: row.version + 1 });
                }
            }
        }
        record_audit(
            &txn,
            audit,
            "diagnosis.put",
            "diagnosis",
            Some(key.0),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        let row = diagnostic::Entity::find_by_id(key).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok((to_diagnosis(row)?, created))
    }

    /// Every diagnosis of a school's year.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn school_diagnoses(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<Diagnosis>> {
        diagnostic::Entity::find()
            .filter(diagnostic::Column::SchoolId.eq(school.uuid()))
            .filter(diagnostic::Column::StartYear.eq(year.start_year()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_diagnosis)
            .collect()
    }
}

fn to_diagnosis(row: diagnostic::Model) -> StoreResult<Diagnosis> {
    let areas: Vec<AreaRow> = stored("diagnostic.areas", serde_json::from_str(&row.areas))?;
    Ok(Diagnosis {
        staff: StaffId::from_uuid(row.staff_id),
        year: stored("diagnostic.start_year", AcademicYear::starting(row.start_year))?,
        areas: areas.into_iter().map(|a| (a.area, a.level, a.note)).collect(),
        version: row.version,
        updated_at: row.updated_at,
    })
}
