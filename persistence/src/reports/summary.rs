//! The district's summary over its schools, in set-based queries: each figure is
//! aggregated by the database across the district.

use crate::entities::{
    activity_participant, commission, district, plan, plan_item, quality_row, report, school, staff, training,
};
use crate::{Store, StoreError, StoreResult};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use std::collections::HashMap;
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
struct PeopleCount {
    school_id: Option<Uuid>,
    teachers: i64,
    presenters: i64,
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
    /// One row per school of a district for a year, in eight queries whatever the
    /// number of schools: each figure is aggregated by the database across the district.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn district_summary(&self, district: DistrictId, year: AcademicYear) -> StoreResult<Vec<SchoolSummary>> {
        self.summary_of(Some(district), year).await
    }

    /// One row per school of every district for a year, for the ministry's national summary
    /// the same eight queries over all schools, and one for the districts.
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
        // Active staff per school, and how many of them presented in the year (anywhere in
        // scope): counted by the database, one row per school. The presenters are joined as a
        // set (a hash join), not tested person by person.
        let presenters_of_year = Query::select()
            .column(activity_participant::Column::StaffId)
            .distinct()
            .from(activity_participant::Entity)
            .and_where(activity_participant::Column::Role.eq("presenter"))
            .and_where(activity_participant::Column::SchoolId.in_subquery(schools_of()))
            .and_where(activity_participant::Column::StartYear.eq(y))
            .to_owned();
        let people = Query::select()
            .column((staff::Entity, staff::Column::SchoolId))
            .expr_as(Expr::col((staff::Entity, staff::Column::Id)).count(), "teachers")
            .expr_as(Expr::col(("presenters", activity_participant::Column::StaffId)).count(), "presenters")
            .from(staff::Entity)
            .join_subquery(
                JoinType::LeftJoin,
                presenters_of_year,
                "presenters",
                Expr::col(("presenters", activity_participant::Column::StaffId))
                    .equals((staff::Entity, staff::Column::Id)),
            )
            .and_where(Expr::col((staff::Entity, staff::Column::SchoolId)).in_subquery(schools_of()))
            .and_where(Expr::col((staff::Entity, staff::Column::Active)).eq(true))
            .group_by_col((staff::Entity, staff::Column::SchoolId))
            .to_owned();
        let people: Vec<PeopleCount> =
            PeopleCount::find_by_statement(txn.get_database_backend().build(&people)).all(&txn).await?;
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

        // Each figure by school, so that the rows are put together in one pass whatever the
        // number of schools.
        let plans: HashMap<Uuid, (PlanId, Option<NaiveDate>)> =
            plans.into_iter().map(|(p, school, on)| (school, (PlanId::from_uuid(p), on))).collect();
        let mut progress_of: HashMap<Uuid, Vec<Progress>> = HashMap::new();
        for c in progress {
            let mark = Progress::parse(&c.progress)
                .ok_or_else(|| StoreError::Corrupt(format!("plan_item.progress: {}", c.progress)))?;
            progress_of
                .entry(c.plan_id)
                .or_default()
                .extend(std::iter::repeat_n(mark, usize::try_from(c.n).unwrap_or(0)));
        }
        let commissions: HashMap<Uuid, u32> = commissions.into_iter().map(|c| (c.school_id, small(c.n))).collect();
        let mut reports_of: HashMap<Uuid, Vec<(ReportKind, ReportStatus, u32)>> = HashMap::new();
        for r in reports {
            if let (Some(kind), Some(status)) = (ReportKind::parse(&r.kind), ReportStatus::parse(&r.status)) {
                reports_of.entry(r.school_id).or_default().push((kind, status, small(r.n)));
            }
        }
        let people: HashMap<Uuid, PeopleCount> = people.into_iter().filter_map(|p| Some((p.school_id?, p))).collect();
        let hours: HashMap<Uuid, u32> = hours
            .into_iter()
            .map(|h| (h.school_id, u32::try_from(h.tenths.unwrap_or(0)).unwrap_or(u32::MAX)))
            .collect();
        let mut quality_of: HashMap<Uuid, Vec<QualityRow>> = HashMap::new();
        for r in quality {
            let (Some(term), Some(n)) = (Term::parse(&r.term), r.students) else { continue };
            let g = |v: Option<i64>| u32::try_from(v.unwrap_or(0)).unwrap_or(0);
            let counts = GradeCounts::summed(g(Some(n)), [g(r.g5), g(r.g4), g(r.g3), g(r.g2)])
                .ok_or_else(|| StoreError::Corrupt("quality_rows: grades do not add up".to_owned()))?;
            quality_of.entry(r.school_id).or_default().push(QualityRow {
                subject: SubjectId::from_uuid(r.subject_id),
                term,
                counts,
            });
        }
        let mut out = Vec::with_capacity(schools.len());
        for s in schools {
            let id = s.id.uuid();
            let plan = plans.get(&id).copied();
            let plan_progress = plan.and_then(|(p, _)| progress_of.remove(&p.uuid())).unwrap_or_default();
            let (teachers, presenters) = people.get(&id).map_or((0, 0), |p| (small(p.teachers), small(p.presenters)));
            out.push(SchoolSummary {
                plan,
                plan_progress,
                commissions: commissions.get(&id).copied().unwrap_or(0),
                reports: reports_of.remove(&id).unwrap_or_default(),
                teachers,
                presenters,
                training_tenths: hours.get(&id).copied().unwrap_or(0),
                quality: quality_of.remove(&id).unwrap_or_default(),
                school: s,
            });
        }
        Ok(out)
    }
}
