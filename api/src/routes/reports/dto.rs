//! What the report endpoints read and answer: request bodies parsed into the domain's inputs,
//! the report and its history as views, and the list's filters.

use super::figures::ReportFigures;
use crate::problem::{ApiError, Checker, FieldErrorKind, checked};
use crate::query;
use crate::routes::{list_of, present};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{CommissionId, SchoolId, StaffId};
use usul_domain::lang::Lang;
use usul_domain::report::{
    Comment, NarrativePatch, Report, ReportKind, ReportStatus, Section, StartReport, reportable,
};
use usul_domain::year::AcademicYear;
use usul_persistence::ReportTransition;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

// ---------- the report ----------

/// A year-end report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: Uuid,
    pub school_id: Uuid,
    /// `commission` or `school`.
    #[schema(example = "commission", pattern = "^(commission|school)$")]
    pub kind: String,
    #[schema(example = "Усулдук бирикменин жылдык отчету")]
    pub kind_label: String,
    pub commission_id: Option<Uuid>,
    #[schema(example = "2022-2023")]
    pub year: String,
    /// `draft`, `submitted`, `accepted` or `returned`.
    #[schema(example = "submitted")]
    pub status: String,
    #[schema(example = "Тапшырылды")]
    pub status_label: String,
    /// What can be done with it now: `refresh`, `submit`, `accept`, `return`.
    pub allowed_actions: Vec<String>,
    pub author_id: Option<Uuid>,
    /// Narrative: the year's achievements.
    pub achievements: Option<String>,
    /// Narrative: problems met.
    pub problems: Option<String>,
    /// Narrative: proposals for next year.
    pub proposals: Option<String>,
    /// The computed sections; frozen once submitted.
    pub figures: ReportFigures,
    /// When the figures were taken.
    pub figures_as_of: DateTime<Utc>,
    /// Whether the figures are frozen (submitted or accepted).
    pub frozen: bool,
    /// The director's comment when returned.
    pub return_comment: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The date of the last submission: as the author dated it, or the day it was sent.
    pub submitted_on: Option<NaiveDate>,
    pub accepted_by: Option<Uuid>,
    /// The date of the acceptance, as the director dated it (default the day it was made).
    pub accepted_on: Option<NaiveDate>,
    #[schema(example = 3)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ReportView {
    /// The view of `r`, its labels in `lang`.
    #[must_use]
    pub fn of(r: &Report, lang: Lang) -> Self {
        Self {
            id: r.id.uuid(),
            school_id: r.school.uuid(),
            kind: r.kind.code().to_owned(),
            kind_label: r.kind.label().get(lang).to_owned(),
            commission_id: r.commission.map(CommissionId::uuid),
            year: r.year.to_string(),
            status: r.status.code().to_owned(),
            status_label: r.status.label().get(lang).to_owned(),
            allowed_actions: r.allowed_actions().into_iter().map(str::to_owned).collect(),
            author_id: r.author.map(StaffId::uuid),
            achievements: r.narrative.achievements.clone(),
            problems: r.narrative.problems.clone(),
            proposals: r.narrative.proposals.clone(),
            figures: ReportFigures::from(&r.figures),
            figures_as_of: r.figures_as_of,
            frozen: r.is_frozen(),
            return_comment: r.return_comment.clone(),
            submitted_at: r.submitted_at,
            submitted_on: r.submitted_date(),
            accepted_by: r.accepted.as_ref().map(|a| a.by.uuid()),
            accepted_on: r.accepted.as_ref().map(|a| a.on),
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

list_of!(ReportList, ReportView, "A page of reports.");

/// Filters of the report list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// One school (school staff see only their own; district users any of their district).
    #[param(value_type = Option<Uuid>)]
    pub school_id: Option<query::Id>,
    /// `YYYY-YYYY`.
    #[param(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
    /// `commission` or `school`.
    #[param(value_type = Option<String>, pattern = "^(commission|school)$")]
    #[serde(default, deserialize_with = "kind_filter")]
    pub kind: Option<ReportKind>,
    /// `draft`, `submitted`, `accepted` or `returned`.
    #[param(value_type = Option<String>, pattern = "^(draft|submitted|accepted|returned)$")]
    #[serde(default, deserialize_with = "status_filter")]
    pub status: Option<ReportStatus>,
    #[param(value_type = Option<Uuid>)]
    pub commission_id: Option<query::Id>,
    /// 1–200, default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
    /// From the previous page's `next_cursor`.
    #[param(value_type = Option<String>, pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<query::Cursor>,
    /// Only those changed at or after this time (RFC 3339). A client's clock misses rows
    /// committed late by a slower write: to sync, use `sync_token`.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<query::Since>,
    /// The `sync_token` of an earlier read's first page: only what changed since, and the ids
    /// deleted since in `deleted` (see "Delta sync" in the API description).
    #[param(value_type = Option<String>, pattern = "^st1\\.[0-9a-f]{16}$")]
    pub sync_token: Option<crate::sync::SyncToken>,
}

fn kind_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ReportKind>, D::Error> {
    query::code(d, ReportKind::parse).map(Some)
}

fn status_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ReportStatus>, D::Error> {
    query::code(d, ReportStatus::parse).map(Some)
}

// ---------- starting and writing ----------

/// A new report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "commission", "commission_id": "0192f0c4-0000-7000-8000-000000000201", "year": "2022-2023", "achievements": "Бардык мугалимдер ачык сабак өткөрүштү."}))]
pub struct CreateReportBody {
    /// `commission` (by its head) or `school` (by the deputy).
    #[schema(example = "commission")]
    pub kind: String,
    /// For a commission report: the commission (approved).
    pub commission_id: Option<Uuid>,
    /// For a school report: the school; the caller's school when absent.
    pub school_id: Option<Uuid>,
    /// `YYYY-YYYY`.
    #[schema(example = "2022-2023", pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: String,
    /// Up to 20000 characters.
    #[schema(max_length = 20000)]
    pub achievements: Option<String>,
    /// Up to 20000 characters.
    #[schema(max_length = 20000)]
    pub problems: Option<String>,
    /// Up to 20000 characters.
    #[schema(max_length = 20000)]
    pub proposals: Option<String>,
}

/// A start request, parsed: the domain's input and where the report belongs.
#[derive(Debug)]
pub struct CreateReport {
    pub report: StartReport,
    pub commission: Option<CommissionId>,
    pub school: Option<SchoolId>,
}

fn section(check: &mut Checker, field: &str, v: Option<&str>) -> Option<Option<Section>> {
    match v {
        None => Some(None),
        Some(t) => check.text(field, Section::parse(t)).map(Some),
    }
}

impl CreateReportBody {
    /// Checks every field at once (a year is reported on once it has begun by `today`).
    ///
    /// # Errors
    /// 422 listing every invalid field.
    pub fn parse(self, today: NaiveDate) -> Result<CreateReport, ApiError> {
        let mut check = Checker::default();
        let kind = check.check("kind", ReportKind::parse(&self.kind).ok_or(()), |()| FieldErrorKind::InvalidValue);
        let year = check.check("year", AcademicYear::parse(&self.year), |_| FieldErrorKind::InvalidYear);
        let year = match year {
            Some(y) if !reportable(y, today) => {
                check.push("year", FieldErrorKind::OutOfRange);
                None
            }
            other => other,
        };
        let achievements = section(&mut check, "achievements", self.achievements.as_deref());
        let problems = section(&mut check, "problems", self.problems.as_deref());
        let proposals = section(&mut check, "proposals", self.proposals.as_deref());
        match kind {
            Some(ReportKind::Commission) if self.commission_id.is_none() => {
                check.push("commission_id", FieldErrorKind::Required);
            }
            Some(ReportKind::School) if self.commission_id.is_some() => {
                check.push("commission_id", FieldErrorKind::InvalidValue);
            }
            _ => {}
        }
        check.finish()?;
        Ok(CreateReport {
            report: StartReport {
                kind: checked(kind)?,
                year: checked(year)?,
                achievements: checked(achievements)?,
                problems: checked(problems)?,
                proposals: checked(proposals)?,
            },
            commission: self.commission_id.map(CommissionId::from_uuid),
            school: self.school_id.map(SchoolId::from_uuid),
        })
    }
}

/// Changes to the narrative; `null` clears a section.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"problems": "Жаш мугалимдердин ачык сабактары аз болду.", "proposals": "Насаатчылыкты күчөтүү."}))]
pub struct UpdateReportBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub achievements: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub problems: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub proposals: Option<Option<String>>,
}

fn change(check: &mut Checker, field: &str, v: Option<Option<String>>) -> Option<Option<Option<Section>>> {
    match v {
        None => Some(None),
        Some(None) => Some(Some(None)),
        Some(Some(t)) => check.text(field, Section::parse(&t)).map(|s| Some(Some(s))),
    }
}

impl UpdateReportBody {
    /// The narrative patch, every section checked at once.
    ///
    /// # Errors
    /// 422 listing every invalid section.
    pub fn parse(self) -> Result<NarrativePatch, ApiError> {
        let mut check = Checker::default();
        let achievements = change(&mut check, "achievements", self.achievements);
        let problems = change(&mut check, "problems", self.problems);
        let proposals = change(&mut check, "proposals", self.proposals);
        check.finish()?;
        Ok(NarrativePatch {
            achievements: checked(achievements)?,
            problems: checked(problems)?,
            proposals: checked(proposals)?,
        })
    }
}

// ---------- transitions ----------

/// A comment on a submission or an acceptance, and the date it was decided on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Кабыл алынды.", "decided_on": "2023-06-05"}))]
pub struct ReportCommentBody {
    /// Up to 2000 characters.
    pub comment: Option<String>,
    /// The date the decision was made on, for a paper year entered afterwards; default today.
    /// Not after today; an acceptance or a return not before the submission (issue 11).
    pub decided_on: Option<NaiveDate>,
}

/// The optional comment and date of a submission or an acceptance.
///
/// # Errors
/// 422 when the comment is blank or too long.
pub fn optional_comment(body: Option<ReportCommentBody>) -> Result<(Option<Comment>, Option<NaiveDate>), ApiError> {
    let mut check = Checker::default();
    let decided_on = body.as_ref().and_then(|b| b.decided_on);
    let c = match body.and_then(|b| b.comment) {
        None => Some(None),
        Some(t) => check.text("comment", Comment::parse(&t)).map(Some),
    };
    check.finish()?;
    Ok((checked(c)?, decided_on))
}

/// Why a report goes back.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Ачык сабактардын тизмесин толуктаңыз.", "decided_on": "2023-06-02"}))]
pub struct ReturnReportBody {
    /// Required, 1–2000 characters.
    #[schema(min_length = 1, max_length = 2000)]
    pub comment: String,
    /// The date the report was sent back, default today; not after today, not before the
    /// submission (issue 11).
    pub decided_on: Option<NaiveDate>,
}

impl ReturnReportBody {
    /// The director's comment and the date asked for.
    ///
    /// # Errors
    /// 422 when the comment is blank or too long.
    pub fn parse(self) -> Result<(Comment, Option<NaiveDate>), ApiError> {
        let mut check = Checker::default();
        let c = check.text("comment", Comment::parse(&self.comment));
        check.finish()?;
        Ok((checked(c)?, self.decided_on))
    }
}

/// One transition of a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportTransitionView {
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    #[schema(example = "director")]
    pub actor_role: String,
    /// `submit`, `accept` or `return`. For a commission report's submission the role is
    /// `commission_head`.
    #[schema(example = "accept")]
    pub action: String,
    #[schema(example = "submitted")]
    pub from_status: String,
    #[schema(example = "accepted")]
    pub to_status: String,
    pub comment: Option<String>,
    /// The date the move was decided on (absent on moves recorded before dates were kept).
    pub decided_on: Option<NaiveDate>,
}

impl From<ReportTransition> for ReportTransitionView {
    fn from(t: ReportTransition) -> Self {
        Self {
            at: t.at,
            actor_id: t.actor.map(StaffId::uuid),
            actor_role: t.actor_role,
            action: t.action,
            from_status: t.from,
            to_status: t.to,
            comment: t.comment,
            decided_on: t.decided_on,
        }
    }
}

/// A report's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportHistoryView {
    pub items: Vec<ReportTransitionView>,
}

/// The language of the printed report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportDocumentQuery {
    /// `ky` (default) or `ru`.
    #[param(pattern = "^(ky|ru)$")]
    pub lang: Option<String>,
}
