//! Teachers' part in methodological work beyond the school.

use super::{hours, stored_file, tenths};
use crate::entities::outside_work;
use crate::org::check_version;
use crate::{Audit, Store, StoreError, StoreResult, now, record_audit, stored};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use usul_domain::ids::{OutsideWorkId, SchoolId, StaffId};
use usul_domain::org::School;
use usul_domain::records::StoredFile;
use usul_domain::records::outside::{OutsideCounts, OutsideLevel, OutsideRole, OutsideWork};
use usul_domain::year::AcademicYear;

fn to_outside(m: outside_work::Model) -> StoreResult<OutsideWork> {
    Ok(OutsideWork {
        id: OutsideWorkId::from_uuid(m.id),
        school: SchoolId::from_uuid(m.school_id),
        staff: StaffId::from_uuid(m.staff_id),
        level: OutsideLevel::parse(&m.level)
            .ok_or_else(|| StoreError::Corrupt(format!("outside_work.level: {}", m.level)))?,
        on: m.on_date,
        year: stored("outside_work.start_year", AcademicYear::starting(m.start_year))?,
        form: m.form,
        role: OutsideRole::parse(&m.role)
            .ok_or_else(|| StoreError::Corrupt(format!("outside_work.role: {}", m.role)))?,
        title: m.title,
        organiser: m.organiser,
        hours: hours(m.hours_tenths),
        link: m.link,
        confirmed: m.confirmed_by.zip(m.confirmed_at).map(|(by, at)| (StaffId::from_uuid(by), at)),
        evidence: stored_file(
            m.evidence_file_name,
            m.evidence_content_type,
            m.evidence_size,
            m.evidence_sha256,
            m.evidence_key,
        ),
        version: m.version,
        created_at: m.created_at,
    })
}

impl Store {
    /// Records a teacher's outside work.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_outside_work(
        &self,
        school: &School,
        w: &OutsideWork,
        audit: &Audit,
    ) -> StoreResult<OutsideWork> {
        let txn = self.write().await?;
        let at = now();
        let row = outside_work::ActiveModel {
            id: Set(w.id.uuid()),
            school_id: Set(school.id.uuid()),
            staff_id: Set(w.staff.uuid()),
            level: Set(w.level.code().to_owned()),
            on_date: Set(w.on),
            start_year: Set(w.year.start_year()),
            form: Set(w.form.clone()),
            role: Set(w.role.code().to_owned()),
            title: Set(w.title.clone()),
            organiser: Set(w.organiser.clone()),
            hours_tenths: Set(tenths(w.hours)),
            link: Set(w.link.clone()),
            confirmed_by: Set(None),
            confirmed_at: Set(None),
            evidence_file_name: Set(None),
            evidence_content_type: Set(None),
            evidence_size: Set(None),
            evidence_sha256: Set(None),
            evidence_key: Set(None),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await?;
        record_audit(
            &txn,
            audit,
            "outside_work.create",
            "outside_work",
            Some(w.id.uuid()),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        txn.commit().await?;
        to_outside(row)
    }

    /// Reads one record.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn get_outside_work(&self, id: OutsideWorkId) -> StoreResult<Option<OutsideWork>> {
        outside_work::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(to_outside).transpose()
    }

    /// A school's outside work of a year (one person's when `staff` is given), by date.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn list_outside_work(
        &self,
        school: SchoolId,
        year: AcademicYear,
        staff: Option<StaffId>,
    ) -> StoreResult<Vec<OutsideWork>> {
        let mut q = outside_work::Entity::find()
            .filter(outside_work::Column::SchoolId.eq(school.uuid()))
            .filter(outside_work::Column::StartYear.eq(year.start_year()));
        if let Some(s) = staff {
            q = q.filter(outside_work::Column::StaffId.eq(s.uuid()));
        }
        q.order_by_asc(outside_work::Column::OnDate)
            .order_by_asc(outside_work::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_outside)
            .collect()
    }

    /// Stores the deputy's confirmation if the record is still at `expected` (when given).
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`], [`StoreError::NotFound`].
    pub async fn confirm_outside_work(
        &self,
        after: &OutsideWork,
        expected: Option<i32>,
        audit: &Audit,
    ) -> StoreResult<OutsideWork> {
        let txn = self.write().await?;
        let current = outside_work::Entity::find_by_id(after.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let (by, at) = after.confirmed.ok_or(StoreError::NotFound)?;
        let n = outside_work::Entity::update_many()
            .col_expr(outside_work::Column::ConfirmedBy, Expr::value(by.uuid()))
            .col_expr(outside_work::Column::ConfirmedAt, Expr::value(at))
            .col_expr(outside_work::Column::Version, Expr::value(current.version + 1))
            .col_expr(outside_work::Column::UpdatedAt, Expr::value(now()))
            .filter(outside_work::Column::Id.eq(current.id))
            .filter(outside_work::Column::Version.eq(current.version))
            .filter(outside_work::Column::ConfirmedBy.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        record_audit(
            &txn,
            audit,
            "outside_work.confirm",
            "outside_work",
            Some(current.id),
            Some(current.school_id),
            None,
        )
        .await?;
        let row = outside_work::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        to_outside(row)
    }

    /// Records an outside work's evidence file (already written completely to storage) if the
    /// record is still confirmed or not as the rules saw it.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile, [`StoreError::NotFound`].
    pub async fn set_outside_work_evidence(
        &self,
        w: &OutsideWork,
        expected: Option<i32>,
        file: &StoredFile,
        audit: &Audit,
    ) -> StoreResult<OutsideWork> {
        let txn = self.write().await?;
        let current = outside_work::Entity::find_by_id(w.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let confirmed = if w.confirmed.is_some() {
            outside_work::Column::ConfirmedBy.is_not_null()
        } else {
            outside_work::Column::ConfirmedBy.is_null()
        };
        let n = outside_work::Entity::update_many()
            .col_expr(outside_work::Column::EvidenceFileName, Expr::value(file.name.clone()))
            .col_expr(outside_work::Column::EvidenceContentType, Expr::value(file.content_type.clone()))
            .col_expr(outside_work::Column::EvidenceSize, Expr::value(i64::try_from(file.size).unwrap_or(i64::MAX)))
            .col_expr(outside_work::Column::EvidenceSha256, Expr::value(file.sha256.clone()))
            .col_expr(outside_work::Column::EvidenceKey, Expr::value(file.key.clone()))
            .col_expr(outside_work::Column::Version, Expr::value(current.version + 1))
            .col_expr(outside_work::Column::UpdatedAt, Expr::value(now()))
            .filter(outside_work::Column::Id.eq(current.id))
            .filter(outside_work::Column::Version.eq(current.version))
            .filter(confirmed)
            .exec(&txn)
            .await?
            .rows_affected;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        record_audit(
            &txn,
            audit,
            "outside_work.evidence",
            "outside_work",
            Some(current.id),
            Some(current.school_id),
            None,
        )
        .await?;
        let row = outside_work::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        to_outside(row)
    }

    /// Confirmed outside work of a school's year per person and level, in one query.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn outside_counts(
        &self,
        school: SchoolId,
        year: AcademicYear,
    ) -> StoreResult<HashMap<StaffId, OutsideCounts>> {
        use sea_orm::QuerySelect;
        let rows: Vec<(uuid::Uuid, String)> = outside_work::Entity::find()
            .select_only()
            .column(outside_work::Column::StaffId)
            .column(outside_work::Column::Level)
            .filter(outside_work::Column::SchoolId.eq(school.uuid()))
            .filter(outside_work::Column::StartYear.eq(year.start_year()))
            .filter(outside_work::Column::ConfirmedBy.is_not_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out: HashMap<StaffId, OutsideCounts> = HashMap::new();
        for (staff, level) in rows {
            if let Some(l) = OutsideLevel::parse(&level) {
                out.entry(StaffId::from_uuid(staff)).or_default().count(l);
            }
        }
        Ok(out)
    }
}
