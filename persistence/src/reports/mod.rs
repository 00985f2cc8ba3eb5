//! Year-end reports and their transitions as stored, knowledge quality, the
//! loaders that gather a report's and the effectiveness figures' inputs in a fixed number of
//! queries, and the district's summary over its schools.
//!
//! A report is the domain's [`Report`]; its figures are stored as the domain's versioned
//! [`StoredFigures`] in JSON, never as an API response.

mod hearing;
mod inputs;
mod quality;
mod summary;

pub use quality::{QualityEntry, QualitySheet};
pub use summary::SchoolSummary;

use crate::entities::{report, report_transition, school};
use crate::{Audit, Conflict, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use usul_domain::commission::Commission;
use usul_domain::ids::{CommissionId, DistrictId, ReportId, SchoolId, StaffId};
use usul_domain::report::{
    Acceptance, Narrative, NewReport, Report, ReportKind, ReportStatus, StoredFigures, Transition,
};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

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
    /// Only those changed at or after this time.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// One transition of a report, as its history reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTransition {
    pub at: DateTime<Utc>,
    pub actor: Option<StaffId>,
    pub actor_role: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub comment: Option<String>,
    /// The date the move was decided on, when it was kept.
    pub decided_on: Option<NaiveDate>,
}

fn scope_key(kind: ReportKind, commission: Option<CommissionId>) -> String {
    match (kind, commission) {
        (ReportKind::Commission, Some(c)) => format!("commission:{c}"),
        _ => "school".to_owned(),
    }
}

fn encode(f: &StoredFigures) -> StoreResult<String> {
    serde_json::to_string(f).map_err(|e| StoreError::Corrupt(format!("report.figures: {e}")))
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
        narrative: Narrative { achievements: m.achievements, problems: m.problems, proposals: m.proposals },
        figures: stored("report.figures", serde_json::from_str::<StoredFigures>(&m.figures))?,
        figures_as_of: m.figures_as_of,
        return_comment: m.return_comment,
        submitted_at: m.submitted_at,
        submitted_on: m.submitted_on,
        accepted: match (m.accepted_by, m.accepted_on) {
            (Some(by), Some(on)) => Some(Acceptance { by: StaffId::from_uuid(by), on, by_name: m.accepted_by_name }),
            _ => None,
        },
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

impl Store {
    /// Creates a draft report with its first figures.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] [`Conflict::ReportExists`] when the school already has this
    /// report.
    pub async fn create_report(&self, new: &NewReport, audit: &Audit) -> StoreResult<Report> {
        let txn = self.write().await?;
        let at = now();
        let id = Uuid::now_v7();
        let n = &new.narrative;
        let row = report::ActiveModel {
            id: Set(id),
            school_id: Set(new.school.uuid()),
            kind: Set(new.kind.code().to_owned()),
            commission_id: Set(new.commission.map(CommissionId::uuid)),
            scope_key: Set(scope_key(new.kind, new.commission)),
            start_year: Set(new.year.start_year()),
            status: Set(ReportStatus::Draft.code().to_owned()),
            author_id: Set(Some(new.author.id.uuid())),
            author_name: Set(Some(new.author.name.clone())),
            achievements: Set(n.achievements.clone()),
            problems: Set(n.problems.clone()),
            proposals: Set(n.proposals.clone()),
            figures: Set(encode(&new.figures)?),
            figures_as_of: Set(new.figures_as_of),
            return_comment: Set(None),
            submitted_at: Set(None),
            submitted_on: Set(None),
            accepted_by: Set(None),
            accepted_by_name: Set(None),
            accepted_on: Set(None),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await
        .map_err(|e| StoreError::unique(e, Conflict::ReportExists))?;
        record_audit(&txn, audit, "report.create", "report", Some(id), Some(new.school.uuid()), None).await?;
        txn.commit().await?;
        to_report(row)
    }

    /// A report by id, in one statement.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn get_report(&self, id: ReportId) -> StoreResult<Option<Report>> {
        report::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(to_report).transpose()
    }

    /// A report with the commission it reports on — what the rules need to know about who
    /// writes it and what its figures cover — in a fixed number of statements.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn report_with_commission(&self, id: ReportId) -> StoreResult<Option<(Report, Option<Commission>)>> {
        let Some(r) = self.get_report(id).await? else { return Ok(None) };
        let commission = match r.commission {
            Some(c) => self.get_commission(c).await?,
            None => None,
        };
        Ok(Some((r, commission)))
    }

    /// A page of reports.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_reports(&self, f: &ReportFilter, page: PageRequest) -> StoreResult<Page<Report>> {
        let mut q = report::Entity::find();
        if let Some(t) = f.updated_since {
            q = q.filter(report::Column::UpdatedAt.gte(t));
        }
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

    /// Saves what a command made of `before`: its narrative, figures and state, with the
    /// record of the transition when there is one, and an audit event. The write is a
    /// compare-and-swap on the version and state `before` was read at. `expected` is the
    /// caller's `If-Match` version.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when `expected` is not the report's version or the
    /// report changed meanwhile, [`StoreError::Db`].
    pub async fn save_report(
        &self,
        before: &Report,
        after: &Report,
        transition: Option<&Transition>,
        expected: Option<i32>,
        audit: &Audit,
    ) -> StoreResult<Report> {
        crate::org::check_version(expected, before.version)?;
        let txn = self.write().await?;
        let at = now();
        let n = &after.narrative;
        let a = after.accepted.as_ref();
        let retaken = after.figures != before.figures;
        let refreshed = retaken || after.figures_as_of != before.figures_as_of;
        let mut am = report::ActiveModel {
            status: Set(after.status.code().to_owned()),
            achievements: Set(n.achievements.clone()),
            problems: Set(n.problems.clone()),
            proposals: Set(n.proposals.clone()),
            return_comment: Set(after.return_comment.clone()),
            submitted_at: Set(after.submitted_at),
            submitted_on: Set(after.submitted_on),
            accepted_by: Set(a.map(|a| a.by.uuid())),
            accepted_by_name: Set(a.and_then(|a| a.by_name.clone())),
            accepted_on: Set(a.map(|a| a.on)),
            version: Set(before.version + 1),
            updated_at: Set(at),
            ..Default::default()
        };
        // Figures are written only when they changed: an old row keeps its stored format.
        if retaken {
            am.figures = Set(encode(&after.figures)?);
        }
        if refreshed {
            am.figures_as_of = Set(after.figures_as_of);
        }
        let n = report::Entity::update_many()
            .set(am)
            .filter(report::Column::Id.eq(before.id.uuid()))
            .filter(report::Column::Version.eq(before.version))
            .filter(report::Column::Status.eq(before.status.code()))
            .exec(&txn)
            .await?
            .rows_affected;
        if n == 0 {
            let current = report::Entity::find_by_id(before.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
            return Err(StoreError::VersionMismatch { current: current.version });
        }
        let action = match transition {
            Some(t) => {
                report_transition::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    report_id: Set(before.id.uuid()),
                    at: Set(t.at),
                    actor_id: Set(Some(t.by.id.uuid())),
                    actor_role: Set(t.capacity.code().to_owned()),
                    action: Set(t.action.code().to_owned()),
                    from_status: Set(t.from.code().to_owned()),
                    to_status: Set(t.to.code().to_owned()),
                    comment: Set(t.comment.clone()),
                    decided_on: Set(t.decided_on),
                }
                .insert(&txn)
                .await?;
                format!("report.{}", t.action.code())
            }
            None if refreshed => "report.refresh".to_owned(),
            None => "report.update".to_owned(),
        };
        record_audit(&txn, audit, &action, "report", Some(before.id.uuid()), Some(before.school.uuid()), None).await?;
        txn.commit().await?;
        Ok(Report { version: before.version + 1, updated_at: at, ..after.clone() })
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
                decided_on: t.decided_on,
            })
            .collect())
    }
}
