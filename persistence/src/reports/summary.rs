//! The district's summary over its schools, in set-based queries: each figure is
//! aggregated by the database across the district.

use crate::entities::{
    activity_participant, commission, district, plan, plan_item, quality_row, report, school, staff, training,
};
use crate::{Store, StoreError, StoreResult};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use std::collections::HashSet;
use usul_domain::ids::{DistrictId, PlanId, SubjectId};
use usul_domain::org::{District, School};
use usul_domain::plan::Progress;
use usul_domain::quality::{GradeCounts, Term};
use usul_domain::report::{QualityRow, ReportKind, ReportStatus};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// One school's row of the district summary, from set-based queries.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolSummary {
    pub school: School,
    /// The approved unified plan and the day it was approved.
    pub plan: Option<(PlanId, Option<NaiveDate>)>,
    /// Items of the approved unified plan per progress mark.
    pub plan_progress: Vec<Progress>,
    pub commissions: u32,
    /// Reports of the year per (kind, status).
    pub reports: Vec<(ReportKind, ReportStatus, u32)>,
    /// Active staff.
    pub teachers: u32,
    /// Active staff who presented at least once in the year.
    pub presenters: u32,
    /// Course-training hours of the year, in tenths.
    pub training_tenths: u32,
    /// The year's knowledge-quality totals per subject and term.
    pub quality: Vec<QualityRow>,
}

#[derive(Debug, FromQueryResult)]
struct QualitySum {
    school_id: Uuid,
    subject_id: Uuid,
    term: String,
    students: Option<i64>,
    g5: Option<i64>,
    g4: Option<i64>,
    g3: Option<i64>,
    g2: Option<i64>,
}

#[derive(Debug, FromQueryResult)]
struct ProgressCount {
    plan_id: Uuid,
    progress: String,
    n: i64,
}

#[derive(Debug, FromQueryResult)]
struct SchoolCount {
    school_id: Uuid,
    n: i64,
}

#[derive(Debug, FromQueryResult)]
struct ReportCount {
    school_id: Uuid,
    kind: String,
    status: String,
    n: i64,
}

#[derive(Debug, FromQueryResult)]
struct HoursSum {
    school_id: Uuid,
    tenths: Option<i64>,
}
fn small(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store {
    /// One row per school of a district for a year, in nine queries whatever the
    /// number of schools: each figure is aggregated by the database across the district.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn district_summary(&self, district: DistrictId, year: AcademicYear) -> StoreResult<Vec<SchoolSummary>> {
        self.summary_of(Some(district), year).await
    }

    /// One row per school of every district for a year, for the ministry's national summary
    /// the same nine queries over all schools, and one for the districts.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn national_summary(&self, year: AcademicYear) -> StoreResult<(Vec<District>, Vec<SchoolSummary>)> {
        let schools = self.summary_of(None, year).await?;
        let districts = district::Entity::find()
            .order_by_asc(district::Column::Name)
            .order_by_asc(district::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(District::try_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((districts, schools))
    }

    #[allow(clippy::too_many_lines)]
    async fn summary_of(&self, district: Option<DistrictId>, year: AcademicYear) -> StoreResult<Vec<SchoolSummary>> {
        // A read transaction: every figure comes from the same snapshot.
        let txn = self.db.begin().await?;
        let y = year.start_year();
        let in_scope = || match district {
            Some(d) => school::Column::DistrictId.eq(d.uuid()),
            None => Expr::value(true),
        };
        let schools_of =
            || Query::select().column(school::Column::Id).from(school::Entity).and_where(in_scope()).to_owned();
        let schools: Vec<School> = school::Entity::find()
            .filter(in_scope())
            .order_by_asc(school::Column::Id)
            .all(&txn)
            .await?
            .into_iter()
            .map(School::try_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let plans: Vec<(Uuid, Uuid, Option<NaiveDate>)> = plan::Entity::find()
            .select_only()
            .column(plan::Column::Id)
            .column(plan::Column::SchoolId)
            .column(plan::Column::ApprovedOn)
            .filter(plan::Column::SchoolId.in_subquery(schools_of()))
            .filter(plan::Column::StartYear.eq(y))
            .filter(plan::Column::Kind.eq("school"))
            .filter(plan::Column::Status.eq("approved"))
            .into_tuple()
            .all(&txn)
            .await?;
        let progress: Vec<ProgressCount> = plan_item::Entity::find()
            .select_only()
            .column(plan_item::Column::PlanId)
            .column(plan_item::Column::Progress)
            .column_as(Expr::col(plan_item::Column::Id).count(), "n")
            .filter(
                plan_item::Column::PlanId.in_subquery(
                    Query::select()
                        .column(plan::Column::Id)
                        .from(plan::Entity)
                        .and_where(plan::Column::SchoolId.in_subquery(schools_of()))
                        .and_where(plan::Column::StartYear.eq(y))
                        .and_where(plan::Column::Kind.eq("school"))
                        .and_where(plan::Column::Status.eq("approved"))
                        .to_owned(),
                ),
            )
            .group_by(plan_item::Column::PlanId)
            .group_by(plan_item::Column::Progress)
            .into_model()
            .all(&txn)
            .await?;
        let commissions: Vec<SchoolCount> = commission::Entity::find()
            .select_only()
            .column(commission::Column::SchoolId)
            .column_as(Expr::col(commission::Column::Id).count(), "n")
            .filter(commission::Column::SchoolId.in_subquery(schools_of()))
            .filter(commission::Column::StartYear.eq(y))
            .filter(commission::Column::Status.eq("approved"))
            .group_by(commission::Column::SchoolId)
            .into_model()
            .all(&txn)
            .await?;
        let reports: Vec<ReportCount> = report::Entity::find()
            .select_only()
            .column(report::Column::SchoolId)
            .column(report::Column::Kind)
            .column(report::Column::Status)
            .column_as(Expr::col(report::Column::Id).count(), "n")
            .filter(report::Column::SchoolId.in_subquery(schools_of()))
            .filter(report::Column::StartYear.eq(y))
            .group_by(report::Column::SchoolId)
            .group_by(report::Column::Kind)
            .group_by(report::Column::Status)
            .into_model()
            .all(&txn)
            .await?;
        let staff_rows: Vec<(Uuid, Option<Uuid>)> = staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .column(staff::Column::SchoolId)
            .filter(staff::Column::SchoolId.in_subquery(schools_of()))
            .filter(staff::Column::Active.eq(true))
            .into_tuple()
            .all(&txn)
            .await?;
        let presenters: Vec<Uuid> = activity_participant::Entity::find()
            .select_only()
            .column(activity_participant::Column::StaffId)
            .distinct()
            .filter(activity_participant::Column::Role.eq("presenter"))
            .filter(activity_participant::Column::SchoolId.in_subquery(schools_of()))
            .filter(activity_participant::Column::StartYear.eq(y))
            .into_tuple()
            .all(&txn)
            .await?;
        let hours: Vec<HoursSum> = training::Entity::find()
            .select_only()
            .column(training::Column::SchoolId)
            .column_as(Expr::col(training::Column::HoursTenths).sum(), "tenths")
            .filter(training::Column::SchoolId.in_subquery(schools_of()))
            .filter(training::Column::StartsOn.gte(year.first_day()))
            .filter(training::Column::StartsOn.lte(year.last_day()))
            .filter(
                training::Column::StaffId.in_subquery(
                    Query::select()
                        .column(staff::Column::Id)
                        .from(staff::Entity)
                        .and_where(staff::Column::Active.eq(true))
                        .to_owned(),
                ),
            )
            .group_by(training::Column::SchoolId)
            .into_model()
            .all(&txn)
            .await?;
        let quality: Vec<QualitySum> = quality_row::Entity::find()
            .select_only()
            .column(quality_row::Column::SchoolId)
            .column(quality_row::Column::SubjectId)
            .column(quality_row::Column::Term)
            .column_as(Expr::col(quality_row::Column::Students).sum(), "students")
            .column_as(Expr::col(quality_row::Column::Grade5).sum(), "g5")
            .column_as(Expr::col(quality_row::Column::Grade4).sum(), "g4")
            .column_as(Expr::col(quality_row::Column::Grade3).sum(), "g3")
            .column_as(Expr::col(quality_row::Column::Grade2).sum(), "g2")
            .filter(quality_row::Column::SchoolId.in_subquery(schools_of()))
            .filter(quality_row::Column::StartYear.eq(y))
            .group_by(quality_row::Column::SchoolId)
            .group_by(quality_row::Column::SubjectId)
            .group_by(quality_row::Column::Term)
            .into_model()
            .all(&txn)
            .await?;
        txn.commit().await?;

        let presenters: HashSet<Uuid> = presenters.into_iter().collect();
        let mut out = Vec::with_capacity(schools.len());
        for s in schools {
            let id = s.id.uuid();
            let plan = plans.iter().find(|(_, school, _)| *school == id).map(|(p, _, on)| (PlanId::from_uuid(*p), *on));
            let mut plan_progress = Vec::new();
            if let Some((p, _)) = plan {
                for c in progress.iter().filter(|c| c.plan_id == p.uuid()) {
                    let mark = Progress::parse(&c.progress)
                        .ok_or_else(|| StoreError::Corrupt(format!("plan_item.progress: {}", c.progress)))?;
                    plan_progress.extend(std::iter::repeat_n(mark, usize::try_from(c.n).unwrap_or(0)));
                }
            }
            let mine: Vec<Uuid> = staff_rows.iter().filter(|(_, sc)| *sc == Some(id)).map(|(st, _)| *st).collect();
            let mut q = Vec::new();
            for r in quality.iter().filter(|r| r.school_id == id) {
                let (Some(term), Some(n)) = (Term::parse(&r.term), r.students) else { continue };
                let g = |v: Option<i64>| u32::try_from(v.unwrap_or(0)).unwrap_or(0);
                let counts = GradeCounts::summed(g(Some(n)), [g(r.g5), g(r.g4), g(r.g3), g(r.g2)])
                    .ok_or_else(|| StoreError::Corrupt("quality_rows: grades do not add up".to_owned()))?;
                q.push(QualityRow { subject: SubjectId::from_uuid(r.subject_id), term, counts });
            }
            out.push(SchoolSummary {
                plan,
                plan_progress,
                commissions: commissions.iter().find(|c| c.school_id == id).map_or(0, |c| small(c.n)),
                reports: reports
                    .iter()
                    .filter(|r| r.school_id == id)
                    .filter_map(|r| Some((ReportKind::parse(&r.kind)?, ReportStatus::parse(&r.status)?, small(r.n))))
                    .collect(),
                teachers: u32::try_from(mine.len()).unwrap_or(u32::MAX),
                presenters: u32::try_from(mine.iter().filter(|s| presenters.contains(s)).count()).unwrap_or(u32::MAX),
                training_tenths: hours
                    .iter()
                    .find(|h| h.school_id == id)
                    .map_or(0, |h| u32::try_from(h.tenths.unwrap_or(0)).unwrap_or(u32::MAX)),
                quality: q,
                school: s,
            });
        }
        Ok(out)
    }
}
