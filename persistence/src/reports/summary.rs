//! The district's summary over its schools, in set-based queries: each figure is
//! aggregated by the database across the district.

use crate::entities::{
    activity_participant, commission, district, plan, plan_item, quality_row, report, school, staff, training,
};
use crate::{Store, StoreError, StoreResult};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, JoinType, Query, SimpleExpr};
use sea_orm::{
    AccessMode, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, FromQueryResult,
    IsolationLevel, QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
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

/// `column` names a school in scope: one of the district's schools, or, for the whole country,
/// any school — every row that has one, without joining the schools (a semi-join over all of
/// them cost the national summary a third of its time).
fn scoped(column: impl IntoColumnRef, district: Option<DistrictId>) -> SimpleExpr {
    match district {
        Some(d) => Expr::col(column).in_subquery(
            Query::select()
                .column(school::Column::Id)
                .from(school::Entity)
                .and_where(school::Column::DistrictId.eq(d.uuid()))
                .to_owned(),
        ),
        None => Expr::col(column).is_not_null(),
    }
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

    async fn summary_of(&self, district: Option<DistrictId>, year: AcademicYear) -> StoreResult<Vec<SchoolSummary>> {
        // Every figure comes from one snapshot of the database. On PostgreSQL two read-only
        // repeatable-read transactions share it (the second imports the snapshot the first
        // exports), and the school figures and the people figures are read at once, one half
        // on each connection; SQLite's one read transaction is its snapshot, and the two halves
        // take turns on it.
        let first = self.snapshot().await?;
        let second = self.sharing_snapshot(&first).await?;
        let (
            SchoolFigures { schools, plans, progress, commissions, reports, hours },
            PeopleFigures { people, quality },
        ) = tokio::try_join!(
            school_figures(&first, district, year),
            people_figures(second.as_ref().unwrap_or(&first), district, year)
        )?;
        first.commit().await?;
        if let Some(second) = second {
            second.commit().await?;
        }

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

impl Store {
    /// A read-only transaction whose statements all see one snapshot: on PostgreSQL a
    /// repeatable-read one (its default, read committed, takes a new snapshot per statement);
    /// on SQLite a read transaction is one already.
    async fn snapshot(&self) -> StoreResult<DatabaseTransaction> {
        Ok(if self.db.get_database_backend() == DbBackend::Postgres {
            self.db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?
        } else {
            self.db.begin().await?
        })
    }

    /// On PostgreSQL, a second transaction that sees exactly what `first` sees (it imports the
    /// snapshot `first` exports), to read beside it on another connection; none on SQLite.
    async fn sharing_snapshot(&self, first: &DatabaseTransaction) -> StoreResult<Option<DatabaseTransaction>> {
        if first.get_database_backend() != DbBackend::Postgres {
            return Ok(None);
        }
        let row = first
            .query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT pg_export_snapshot() AS id"))
            .await?
            .ok_or_else(|| StoreError::Corrupt("pg_export_snapshot() answered no row".to_owned()))?;
        let id: String = row.try_get("", "id")?;
        // A snapshot id is hexadecimal digits and dashes (`00000003-0000001B-1`); it is sent
        // inline because SET TRANSACTION takes no parameters.
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(StoreError::Corrupt(format!("pg_export_snapshot() answered {id:?}")));
        }
        let second = self.snapshot().await?;
        second.execute_unprepared(&format!("SET TRANSACTION SNAPSHOT '{id}'")).await?;
        Ok(Some(second))
    }
}

/// The figures read per school of the scope: the schools, their approved unified plans and the
/// plans' progress, commissions, reports and training hours.
struct SchoolFigures {
    schools: Vec<School>,
    plans: Vec<(Uuid, Uuid, Option<NaiveDate>)>,
    progress: Vec<ProgressCount>,
    commissions: Vec<SchoolCount>,
    reports: Vec<ReportCount>,
    hours: Vec<HoursSum>,
}

/// The figures read over the scope's people and classes: teachers and presenters, and the
/// knowledge-quality sums.
struct PeopleFigures {
    people: Vec<PeopleCount>,
    quality: Vec<QualitySum>,
}

async fn school_figures(
    db: &DatabaseTransaction,
    district: Option<DistrictId>,
    year: AcademicYear,
) -> StoreResult<SchoolFigures> {
    let y = year.start_year();
    let schools: Vec<School> = school::Entity::find()
        .filter(match district {
            Some(d) => school::Column::DistrictId.eq(d.uuid()),
            None => Expr::value(true),
        })
        .order_by_asc(school::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(School::try_from)
        .collect::<StoreResult<Vec<_>>>()?;
    // The approved unified plans of the year in scope: read themselves, and whose items are
    // counted by progress.
    let approved_unified = || {
        Condition::all()
            .add(scoped(plan::Column::SchoolId, district))
            .add(plan::Column::StartYear.eq(y))
            .add(plan::Column::Kind.eq("school"))
            .add(plan::Column::Status.eq("approved"))
    };
    let plans: Vec<(Uuid, Uuid, Option<NaiveDate>)> = plan::Entity::find()
        .select_only()
        .column(plan::Column::Id)
        .column(plan::Column::SchoolId)
        .column(plan::Column::ApprovedOn)
        .filter(approved_unified())
        .into_tuple()
        .all(db)
        .await?;
    let progress: Vec<ProgressCount> = plan_item::Entity::find()
        .select_only()
        .column(plan_item::Column::PlanId)
        .column(plan_item::Column::Progress)
        .column_as(Expr::col(plan_item::Column::Id).count(), "n")
        .filter(plan_item::Column::PlanId.in_subquery(
            Query::select().column(plan::Column::Id).from(plan::Entity).cond_where(approved_unified()).to_owned(),
        ))
        .group_by(plan_item::Column::PlanId)
        .group_by(plan_item::Column::Progress)
        .into_model()
        .all(db)
        .await?;
    let commissions: Vec<SchoolCount> = commission::Entity::find()
        .select_only()
        .column(commission::Column::SchoolId)
        .column_as(Expr::col(commission::Column::Id).count(), "n")
        .filter(scoped(commission::Column::SchoolId, district))
        .filter(commission::Column::StartYear.eq(y))
        .filter(commission::Column::Status.eq("approved"))
        .group_by(commission::Column::SchoolId)
        .into_model()
        .all(db)
        .await?;
    let reports: Vec<ReportCount> = report::Entity::find()
        .select_only()
        .column(report::Column::SchoolId)
        .column(report::Column::Kind)
        .column(report::Column::Status)
        .column_as(Expr::col(report::Column::Id).count(), "n")
        .filter(scoped(report::Column::SchoolId, district))
        .filter(report::Column::StartYear.eq(y))
        .group_by(report::Column::SchoolId)
        .group_by(report::Column::Kind)
        .group_by(report::Column::Status)
        .into_model()
        .all(db)
        .await?;
    let hours: Vec<HoursSum> = training::Entity::find()
        .select_only()
        .column(training::Column::SchoolId)
        .column_as(Expr::col(training::Column::HoursTenths).sum(), "tenths")
        .filter(scoped(training::Column::SchoolId, district))
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
        .all(db)
        .await?;
    Ok(SchoolFigures { schools, plans, progress, commissions, reports, hours })
}

async fn people_figures(
    db: &DatabaseTransaction,
    district: Option<DistrictId>,
    year: AcademicYear,
) -> StoreResult<PeopleFigures> {
    let y = year.start_year();
    // Active staff per school, and how many of them presented in the year (anywhere in
    // scope): counted by the database, one row per school. The presenters are joined as a
    // set (a hash join), not tested person by person.
    let presenters_of_year = Query::select()
        .column(activity_participant::Column::StaffId)
        .distinct()
        .from(activity_participant::Entity)
        .and_where(activity_participant::Column::Role.eq("presenter"))
        .and_where(scoped(activity_participant::Column::SchoolId, district))
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
            Expr::col(("presenters", activity_participant::Column::StaffId)).equals((staff::Entity, staff::Column::Id)),
        )
        .and_where(scoped((staff::Entity, staff::Column::SchoolId), district))
        .and_where(Expr::col((staff::Entity, staff::Column::Active)).eq(true))
        .group_by_col((staff::Entity, staff::Column::SchoolId))
        .to_owned();
    let people: Vec<PeopleCount> =
        PeopleCount::find_by_statement(db.get_database_backend().build(&people)).all(db).await?;
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
        .filter(scoped(quality_row::Column::SchoolId, district))
        .filter(quality_row::Column::StartYear.eq(y))
        .group_by(quality_row::Column::SchoolId)
        .group_by(quality_row::Column::SubjectId)
        .group_by(quality_row::Column::Term)
        .into_model()
        .all(db)
        .await?;
    Ok(PeopleFigures { people, quality })
}
