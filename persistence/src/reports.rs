//! Knowledge quality, year-end reports and their transitions, the loaders that
//! gather a report's and the effectiveness figures' inputs in a fixed number of queries, and
//! the district's summary over its schools in set-based queries.

use crate::entities::{
    activity_participant, commission, material, material_author, meeting, plan, plan_item, quality_row, quality_sheet,
    report, report_transition, school, staff, training,
};
use crate::org::check_version;
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use std::collections::{HashMap, HashSet};
use usul_domain::ids::{CommissionId, DistrictId, MeetingId, PlanId, ReportId, SchoolId, StaffId, SubjectId};
use usul_domain::org::School;
use usul_domain::plan::Progress;
use usul_domain::quality::{GradeCounts, Term};
use usul_domain::records::MaterialStatus;
use usul_domain::report::{MaterialFacts, MeetingFacts, QualityRow, ReportKind, ReportStatus};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

// ---------- knowledge quality ----------

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

// ---------- reports ----------

/// A year-end report as stored. Its figures are the API's JSON, opaque here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: ReportId,
    pub school: SchoolId,
    pub kind: ReportKind,
    pub commission: Option<CommissionId>,
    pub year: AcademicYear,
    pub status: ReportStatus,
    pub author: Option<StaffId>,
    /// The author's name when the report was started (printed names do not change later).
    pub author_name: Option<String>,
    pub achievements: Option<String>,
    pub problems: Option<String>,
    pub proposals: Option<String>,
    pub figures: String,
    pub figures_as_of: DateTime<Utc>,
    pub return_comment: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub accepted: Option<(StaffId, NaiveDate)>,
    /// The director's name at acceptance.
    pub accepted_by_name: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A report to create.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub kind: ReportKind,
    pub commission: Option<CommissionId>,
    pub year: AcademicYear,
    pub author: Option<StaffId>,
    pub author_name: Option<String>,
    pub achievements: Option<String>,
    pub problems: Option<String>,
    pub proposals: Option<String>,
    pub figures: String,
}

/// Changes to an open report: `Some(None)` clears a narrative section.
#[derive(Debug, Clone, Default)]
pub struct ReportPatch {
    pub achievements: Option<Option<String>>,
    pub problems: Option<Option<String>>,
    pub proposals: Option<Option<String>>,
    /// Refreshed figures.
    pub figures: Option<String>,
}

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// One school.
    pub school: Option<SchoolId>,
    /// The schools of a district.
    pub district: Option<DistrictId>,
    pub year: Option<AcademicYear>,
    pub kind: Option<ReportKind>,
    pub status: Option<ReportStatus>,
    pub commission: Option<CommissionId>,
}

/// A move of a report to another state.
#[derive(Debug, Clone)]
pub struct ReportMove {
    pub to: ReportStatus,
    pub action: &'static str,
    pub actor: Option<StaffId>,
    /// The actor's name, kept on acceptance.
    pub actor_name: Option<String>,
    pub actor_role: String,
    pub comment: Option<String>,
    /// The figures frozen at submission.
    pub figures: Option<String>,
    pub accepted: Option<(StaffId, NaiveDate)>,
}

/// One transition of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTransition {
    pub at: DateTime<Utc>,
    pub actor: Option<StaffId>,
    pub actor_role: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub comment: Option<String>,
}

fn scope_key(kind: ReportKind, commission: Option<CommissionId>) -> String {
    match (kind, commission) {
        (ReportKind::Commission, Some(c)) => format!("commission:{c}"),
        _ => "school".to_owned(),
    }
}

fn to_report(m: report::Model) -> StoreResult<Report> {
    Ok(Report {
        id: ReportId::from_uuid(m.id),
        school: SchoolId::from_uuid(m.school_id),
        kind: ReportKind::parse(&m.kind).ok_or_else(|| StoreError::Corrupt(format!("report.kind: {}", m.kind)))?,
        commission: m.commission_id.map(CommissionId::from_uuid),
        year: stored("report.start_year", AcademicYear::starting(m.start_year))?,
        status: ReportStatus::parse(&m.status)
            .ok_or_else(|| StoreError::Corrupt(format!("report.status: {}", m.status)))?,
        author: m.author_id.map(StaffId::from_uuid),
        author_name: m.author_name,
        achievements: m.achievements,
        problems: m.problems,
        proposals: m.proposals,
        figures: m.figures,
        figures_as_of: m.figures_as_of,
        return_comment: m.return_comment,
        submitted_at: m.submitted_at,
        accepted: match (m.accepted_by, m.accepted_on) {
            (Some(by), Some(on)) => Some((StaffId::from_uuid(by), on)),
            _ => None,
        },
        accepted_by_name: m.accepted_by_name,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

// ---------- the district's summary ----------

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

/// id, body key, commission, date, protocol number.
type MeetingRow = (Uuid, String, Option<Uuid>, NaiveDate, Option<i32>);

fn small(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store {
    // ----- knowledge quality -----

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

    // ----- report inputs -----

    /// The year's materials with their authors, in two queries.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn material_facts(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<MaterialFacts>> {
        let rows: Vec<(Uuid, String, String, Option<Uuid>)> = material::Entity::find()
            .select_only()
            .column(material::Column::Id)
            .column(material::Column::Kind)
            .column(material::Column::Status)
            .column(material::Column::SubjectId)
            .filter(material::Column::SchoolId.eq(school.uuid()))
            .filter(material::Column::StartYear.eq(year.start_year()))
            .order_by_asc(material::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        let authors: Vec<(Uuid, Uuid)> = material_author::Entity::find()
            .select_only()
            .column(material_author::Column::MaterialId)
            .column(material_author::Column::StaffId)
            .filter(
                material_author::Column::MaterialId.in_subquery(
                    Query::select()
                        .column(material::Column::Id)
                        .from(material::Entity)
                        .and_where(material::Column::SchoolId.eq(school.uuid()))
                        .and_where(material::Column::StartYear.eq(year.start_year()))
                        .to_owned(),
                ),
            )
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut by: HashMap<Uuid, Vec<StaffId>> = HashMap::new();
        for (m, s) in authors {
            by.entry(m).or_default().push(StaffId::from_uuid(s));
        }
        rows.into_iter()
            .map(|(id, kind, status, subject)| {
                Ok(MaterialFacts {
                    kind,
                    status: MaterialStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("material.status: {status}")))?,
                    authors: by.remove(&id).unwrap_or_default(),
                    subject: subject.map(SubjectId::from_uuid),
                })
            })
            .collect()
    }

    /// The year's finalized meetings, in one query.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn meeting_facts(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<MeetingFacts>> {
        let rows: Vec<MeetingRow> = meeting::Entity::find()
            .select_only()
            .column(meeting::Column::Id)
            .column(meeting::Column::BodyKey)
            .column(meeting::Column::CommissionId)
            .column(meeting::Column::Date)
            .column(meeting::Column::ProtocolNumber)
            .filter(meeting::Column::SchoolId.eq(school.uuid()))
            .filter(meeting::Column::StartYear.eq(year.start_year()))
            .filter(meeting::Column::Status.eq("finalized"))
            .order_by_asc(meeting::Column::Date)
            .into_tuple()
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|(id, key, commission, date, protocol)| {
                Ok(MeetingFacts {
                    id: MeetingId::from_uuid(id),
                    body: crate::meetings::body_from(&key, commission)?,
                    date,
                    protocol_number: protocol.and_then(|n| u32::try_from(n).ok()),
                })
            })
            .collect()
    }

    /// The teachers whose individual plan of the year is approved, in one query.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn approved_individual_plans(
        &self,
        school: SchoolId,
        year: AcademicYear,
    ) -> StoreResult<HashSet<StaffId>> {
        let owners: Vec<Option<Uuid>> = plan::Entity::find()
            .select_only()
            .column(plan::Column::TeacherId)
            .filter(plan::Column::SchoolId.eq(school.uuid()))
            .filter(plan::Column::StartYear.eq(year.start_year()))
            .filter(plan::Column::Kind.eq("individual"))
            .filter(plan::Column::Status.eq("approved"))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(owners.into_iter().flatten().map(StaffId::from_uuid).collect())
    }

    // ----- reports -----

    /// Creates a draft report with its first figures.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `report_exists` when the school already has this report.
    pub async fn create_report(&self, school: &School, new: NewReport, audit: &Audit) -> StoreResult<Report> {
        let txn = self.write().await?;
        let at = now();
        let id = Uuid::now_v7();
        let row = report::ActiveModel {
            id: Set(id),
            school_id: Set(school.id.uuid()),
            kind: Set(new.kind.code().to_owned()),
            commission_id: Set(new.commission.map(CommissionId::uuid)),
            scope_key: Set(scope_key(new.kind, new.commission)),
            start_year: Set(new.year.start_year()),
            status: Set(ReportStatus::Draft.code().to_owned()),
            author_id: Set(new.author.map(StaffId::uuid)),
            author_name: Set(new.author_name),
            achievements: Set(new.achievements),
            problems: Set(new.problems),
            proposals: Set(new.proposals),
            figures: Set(new.figures),
            figures_as_of: Set(at),
            return_comment: Set(None),
            submitted_at: Set(None),
            accepted_by: Set(None),
            accepted_by_name: Set(None),
            accepted_on: Set(None),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await
        .map_err(|e| StoreError::unique(e, crate::Conflict::ReportExists))?;
        record_audit(&txn, audit, "report.create", "report", Some(id), Some(school.id.uuid()), None).await?;
        txn.commit().await?;
        to_report(row)
    }

    /// A report by id.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_report(&self, id: ReportId) -> StoreResult<Option<Report>> {
        report::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(to_report).transpose()
    }

    /// A page of reports.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_reports(&self, f: &ReportFilter, page: PageRequest) -> StoreResult<Page<Report>> {
        let mut q = report::Entity::find();
        if let Some(s) = f.school {
            q = q.filter(report::Column::SchoolId.eq(s.uuid()));
        }
        if let Some(d) = f.district {
            q = q.filter(
                report::Column::SchoolId.in_subquery(
                    Query::select()
                        .column(school::Column::Id)
                        .from(school::Entity)
                        .and_where(school::Column::DistrictId.eq(d.uuid()))
                        .to_owned(),
                ),
            );
        }
        if let Some(y) = f.year {
            q = q.filter(report::Column::StartYear.eq(y.start_year()));
        }
        if let Some(k) = f.kind {
            q = q.filter(report::Column::Kind.eq(k.code()));
        }
        if let Some(s) = f.status {
            q = q.filter(report::Column::Status.eq(s.code()));
        }
        if let Some(c) = f.commission {
            q = q.filter(report::Column::CommissionId.eq(c.uuid()));
        }
        if let Some(after) = page.after {
            q = q.filter(report::Column::Id.gt(after));
        }
        let rows = q.order_by_asc(report::Column::Id).limit(page.limit + 1).all(&self.db).await?;
        let items = rows.into_iter().map(to_report).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(items, page.limit, |r| r.id.uuid()))
    }

    /// Writes an open report's narrative and refreshed figures.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] (also when the report left draft meanwhile),
    /// [`StoreError::Db`].
    pub async fn update_report(
        &self,
        r: &Report,
        expected: Option<i32>,
        patch: ReportPatch,
        audit: &Audit,
    ) -> StoreResult<Report> {
        let txn = self.write().await?;
        let current = report::Entity::find_by_id(r.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let at = now();
        let mut am =
            report::ActiveModel { version: Set(current.version + 1), updated_at: Set(at), ..Default::default() };
        if let Some(v) = patch.achievements {
            am.achievements = Set(v);
        }
        if let Some(v) = patch.problems {
            am.problems = Set(v);
        }
        if let Some(v) = patch.proposals {
            am.proposals = Set(v);
        }
        let refreshed = patch.figures.is_some();
        if let Some(f) = patch.figures {
            am.figures = Set(f);
            am.figures_as_of = Set(at);
        }
        let n = report::Entity::update_many()
            .set(am)
            .filter(report::Column::Id.eq(current.id))
            .filter(report::Column::Version.eq(current.version))
            .filter(report::Column::Status.is_in([ReportStatus::Draft.code(), ReportStatus::Returned.code()]))
            .exec(&txn)
            .await?
            .rows_affected;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version });
        }
        let action = if refreshed { "report.refresh" } else { "report.update" };
        record_audit(&txn, audit, action, "report", Some(current.id), Some(current.school_id), None).await?;
        let row = report::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        to_report(row)
    }

    /// Moves a report to another state, recording the transition and an audit event.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile, [`StoreError::Db`].
    pub async fn transition_report(
        &self,
        r: &Report,
        expected: Option<i32>,
        m: ReportMove,
        audit: &Audit,
    ) -> StoreResult<Report> {
        let txn = self.write().await?;
        let current = report::Entity::find_by_id(r.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let at = now();
        let mut am = report::ActiveModel {
            status: Set(m.to.code().to_owned()),
            version: Set(current.version + 1),
            updated_at: Set(at),
            ..Default::default()
        };
        if let Some(f) = m.figures.clone() {
            am.figures = Set(f);
            am.figures_as_of = Set(at);
        }
        match m.to {
            ReportStatus::Submitted => {
                am.submitted_at = Set(Some(at));
                am.return_comment = Set(None);
            }
            ReportStatus::Returned => am.return_comment = Set(m.comment.clone()),
            ReportStatus::Accepted => {
                am.accepted_by = Set(m.accepted.map(|(s, _)| s.uuid()));
                am.accepted_by_name = Set(m.actor_name.clone());
                am.accepted_on = Set(m.accepted.map(|(_, d)| d));
            }
            ReportStatus::Draft => {}
        }
        let n = report::Entity::update_many()
            .set(am)
            .filter(report::Column::Id.eq(current.id))
            .filter(report::Column::Version.eq(current.version))
            .filter(report::Column::Status.eq(r.status.code()))
            .exec(&txn)
            .await?
            .rows_affected;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version });
        }
        report_transition::ActiveModel {
            id: Set(Uuid::now_v7()),
            report_id: Set(current.id),
            at: Set(at),
            actor_id: Set(m.actor.map(StaffId::uuid)),
            actor_role: Set(m.actor_role.clone()),
            action: Set(m.action.to_owned()),
            from_status: Set(r.status.code().to_owned()),
            to_status: Set(m.to.code().to_owned()),
            comment: Set(m.comment.clone()),
        }
        .insert(&txn)
        .await?;
        record_audit(
            &txn,
            audit,
            &format!("report.{}", m.action),
            "report",
            Some(current.id),
            Some(current.school_id),
            None,
        )
        .await?;
        let row = report::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        to_report(row)
    }

    /// A report's transitions, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn report_history(&self, id: ReportId) -> StoreResult<Vec<ReportTransition>> {
        Ok(report_transition::Entity::find()
            .filter(report_transition::Column::ReportId.eq(id.uuid()))
            .order_by_asc(report_transition::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| ReportTransition {
                at: t.at,
                actor: t.actor_id.map(StaffId::from_uuid),
                actor_role: t.actor_role,
                action: t.action,
                from: t.from_status,
                to: t.to_status,
                comment: t.comment,
            })
            .collect())
    }

    // ----- the district's summary -----

    /// One row per school of a district for a year, in nine queries whatever the
    /// number of schools: each figure is aggregated by the database across the district.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    #[allow(clippy::too_many_lines)]
    pub async fn district_summary(&self, district: DistrictId, year: AcademicYear) -> StoreResult<Vec<SchoolSummary>> {
        // A read transaction: every figure comes from the same snapshot.
        let txn = self.db.begin().await?;
        let y = year.start_year();
        let schools_of = || {
            Query::select()
                .column(school::Column::Id)
                .from(school::Entity)
                .and_where(school::Column::DistrictId.eq(district.uuid()))
                .to_owned()
        };
        let schools: Vec<School> = school::Entity::find()
            .filter(school::Column::DistrictId.eq(district.uuid()))
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
