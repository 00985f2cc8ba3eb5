//! Knowledge quality: a school's grade tables per year and term, written whole.

use crate::entities::{quality_row, quality_sheet};
use crate::org::check_version;
use crate::{Audit, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use usul_domain::ids::{SchoolId, SubjectId};
use usul_domain::org::School;
use usul_domain::quality::{GradeCounts, Term};
use usul_domain::report::QualityRow;
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// One class's grade counts in one subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityEntry {
    pub subject: SubjectId,
    pub class: String,
    pub counts: GradeCounts,
}

/// A school's knowledge-quality table for a year and term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualitySheet {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub term: Term,
    pub rows: Vec<QualityEntry>,
    /// 0 when nothing was ever entered.
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
}

fn counts(r: &quality_row::Model) -> StoreResult<GradeCounts> {
    let n = |v: i32| u32::try_from(v).unwrap_or(0);
    stored("quality_row.counts", GradeCounts::new(n(r.students), [n(r.grade5), n(r.grade4), n(r.grade3), n(r.grade2)]))
}

fn int(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

impl Store {
    /// A school's knowledge-quality table for a year and term (empty, version 0, if none).
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn quality_sheet(&self, school: SchoolId, year: AcademicYear, term: Term) -> StoreResult<QualitySheet> {
        let sheet = quality_sheet::Entity::find()
            .filter(quality_sheet::Column::SchoolId.eq(school.uuid()))
            .filter(quality_sheet::Column::StartYear.eq(year.start_year()))
            .filter(quality_sheet::Column::Term.eq(term.code()))
            .one(&self.db)
            .await?;
        let Some(sheet) = sheet else {
            return Ok(QualitySheet { school, year, term, rows: Vec::new(), version: 0, updated_at: None });
        };
        let rows = quality_row::Entity::find()
            .filter(quality_row::Column::SheetId.eq(sheet.id))
            .order_by_asc(quality_row::Column::SubjectId)
            .order_by_asc(quality_row::Column::ClassName)
            .all(&self.db)
            .await?
            .iter()
            .map(|r| {
                Ok(QualityEntry {
                    subject: SubjectId::from_uuid(r.subject_id),
                    class: r.class_name.clone(),
                    counts: counts(r)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(QualitySheet { school, year, term, rows, version: sheet.version, updated_at: Some(sheet.updated_at) })
    }

    /// Replaces a school's table for a year and term with `rows`, all or nothing. `expected`
    /// is the version the caller read (0 for "none yet").
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`], [`StoreError::Db`].
    pub async fn put_quality(
        &self,
        school: &School,
        year: AcademicYear,
        term: Term,
        rows: &[QualityEntry],
        expected: Option<i32>,
        audit: &Audit,
    ) -> StoreResult<QualitySheet> {
        let txn = self.write().await?;
        let current = quality_sheet::Entity::find()
            .filter(quality_sheet::Column::SchoolId.eq(school.id.uuid()))
            .filter(quality_sheet::Column::StartYear.eq(year.start_year()))
            .filter(quality_sheet::Column::Term.eq(term.code()))
            .one(&txn)
            .await?;
        check_version(expected, current.as_ref().map_or(0, |s| s.version))?;
        let at = now();
        let sheet_id = match current {
            Some(s) => {
                let n = quality_sheet::Entity::update_many()
                    .col_expr(quality_sheet::Column::Version, Expr::value(s.version + 1))
                    .col_expr(quality_sheet::Column::UpdatedAt, Expr::value(at))
                    .filter(quality_sheet::Column::Id.eq(s.id))
                    .filter(quality_sheet::Column::Version.eq(s.version))
                    .exec(&txn)
                    .await?
                    .rows_affected;
                if n == 0 {
                    return Err(StoreError::VersionMismatch { current: s.version + 1 });
                }
                quality_row::Entity::delete_many().filter(quality_row::Column::SheetId.eq(s.id)).exec(&txn).await?;
                s.id
            }
            None => {
                let id = Uuid::now_v7();
                quality_sheet::ActiveModel {
                    id: Set(id),
                    school_id: Set(school.id.uuid()),
                    start_year: Set(year.start_year()),
                    term: Set(term.code().to_owned()),
                    version: Set(1),
                    updated_at: Set(at),
                }
                .insert(&txn)
                .await
                .map_err(|e| StoreError::unique(e, crate::Conflict::ConcurrentWrite))?;
                id
            }
        };
        if !rows.is_empty() {
            quality_row::Entity::insert_many(rows.iter().map(|r| {
                let [g5, g4, g3, g2] = r.counts.grades();
                quality_row::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    sheet_id: Set(sheet_id),
                    school_id: Set(school.id.uuid()),
                    start_year: Set(year.start_year()),
                    term: Set(term.code().to_owned()),
                    subject_id: Set(r.subject.uuid()),
                    class_name: Set(r.class.clone()),
                    students: Set(int(r.counts.students())),
                    grade5: Set(int(g5)),
                    grade4: Set(int(g4)),
                    grade3: Set(int(g3)),
                    grade2: Set(int(g2)),
                }
            }))
            .exec_without_returning(&txn)
            .await
            .map_err(|e| StoreError::unique(e, crate::Conflict::DuplicateRow))?;
        }
        record_audit(
            &txn,
            audit,
            "knowledge_quality.put",
            "knowledge_quality",
            Some(sheet_id),
            Some(school.id.uuid()),
            None,
        )
        .await?;
        txn.commit().await?;
        self.quality_sheet(school.id, year, term).await
    }

    /// Every knowledge-quality row of a school in a year, all terms, in one query.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn quality_rows(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<QualityRow>> {
        quality_row::Entity::find()
            .filter(quality_row::Column::SchoolId.eq(school.uuid()))
            .filter(quality_row::Column::StartYear.eq(year.start_year()))
            .all(&self.db)
            .await?
            .iter()
            .map(|r| {
                Ok(QualityRow {
                    subject: SubjectId::from_uuid(r.subject_id),
                    term: Term::parse(&r.term)
                        .ok_or_else(|| StoreError::Corrupt(format!("quality_row.term: {}", r.term)))?,
                    counts: counts(r)?,
                })
            })
            .collect()
    }
}
