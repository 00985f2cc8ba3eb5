//! The plans' request and response bodies, their query, and the conversions between them and
//! the domain's types.

use crate::problem::{ApiError, Checker};
use crate::query;
use crate::routes::{list_of, present};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{MeetingId, StaffId};
use usul_domain::lang::Lang;
use usul_domain::plan::{Evidence, Execution, Item, Owner, Plan, PlanKind, ReviewRecord, StatusName, next_step};
use usul_domain::staff::Staff;
use usul_domain::values::bounded;
use usul_persistence::{HistoryEntry, PlanPatch};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A plan's kind.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanKindDto {
    School,
    Commission,
    Individual,
    PedagogicalCouncil,
}

/// One piece of evidence that an item was carried out.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceView {
    /// `meeting`, `activity`, `material` or `url`.
    #[schema(example = "meeting", pattern = "^(meeting|activity|material|url)$")]
    pub kind: String,
    /// The record's id, or the address for `url`.
    #[schema(example = "01a2153e-6f02-75e8-ab76-f3d21fc243e7", max_length = 2000)]
    pub reference: String,
}

/// An item (*иш-чара*) of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    pub id: Uuid,
    /// Its place in the plan (1, 2, 3 …).
    #[schema(example = 1)]
    pub position: u32,
    #[schema(example = "Ачык сабактардын декадасы")]
    pub title: String,
    pub description: Option<String>,
    /// A catalogue code (`GET /catalogue/forms`); `null` for work that is no catalogue form,
    /// such as preparing assessment tasks (R-3.2.2g) or a council's agenda point.
    #[schema(example = "open_lesson")]
    pub form: Option<String>,
    /// The form's label in the language chosen by `Accept-Language`.
    #[schema(example = "Ачык сабактар")]
    pub form_label: Option<String>,
    /// The direction of work it serves.
    pub direction: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub responsible_ids: Vec<Uuid>,
    pub expected_result: Option<String>,
    /// `planned`, `done`, `partly_done`, `not_done`, `postponed`, `cancelled`.
    #[schema(example = "planned")]
    pub progress: String,
    pub completed_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub evidence: Vec<EvidenceView>,
}

/// The review a plan received at a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub meeting_id: Uuid,
    /// The minutes' number (once finalized).
    #[schema(example = 1)]
    pub protocol_number: Option<u32>,
    /// The meeting's date.
    #[schema(example = "2022-09-08")]
    pub date: NaiveDate,
    /// The day the review was decided (the meeting's, or as recorded).
    #[schema(example = "2022-09-08")]
    pub decided_on: Option<NaiveDate>,
}

/// A version of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: Uuid,
    pub school_id: Uuid,
    pub kind: PlanKindDto,
    /// The kind's name in the chosen language.
    #[schema(example = "Усулдук иштин бирдиктүү планы")]
    pub kind_label: String,
    /// The commission or teacher it belongs to (the school's for `school` and
    /// `pedagogical_council`).
    pub owner_id: Uuid,
    #[schema(example = "2022-2023")]
    pub year: String,
    /// 1, then n+1 for each amendment.
    #[schema(example = 1)]
    pub version_no: u32,
    /// `draft`, `submitted`, `reviewed`, `agreed`, `approved` or `superseded`.
    #[schema(example = "approved")]
    pub status: String,
    #[schema(example = "Бекитилди")]
    pub status_label: String,
    /// The step the plan waits for: `review`, `agree` or `approve`.
    pub next_step: Option<String>,
    /// What can be done with it now.
    pub allowed_actions: Vec<String>,
    #[schema(example = "2022-2023-окуу жылына усулдук иштин бирдиктүү планы")]
    pub title: String,
    pub goal: Option<String>,
    /// The school's methodological theme for the year.
    pub school_theme: Option<String>,
    /// The teacher's own methodological theme (*өздүк усулдук тема*), for individual plans.
    pub personal_theme: Option<String>,
    pub review: Option<ReviewView>,
    /// The day it was last submitted.
    #[schema(example = "2022-09-01")]
    pub submitted_on: Option<NaiveDate>,
    /// Who agreed it (*макулдашылды*), and on which day.
    pub agreed_by: Option<Uuid>,
    #[schema(example = "2022-09-12")]
    pub agreed_on: Option<NaiveDate>,
    pub approved_by: Option<Uuid>,
    /// The day it was approved (*бекитилди*), as the approval was dated.
    #[schema(example = "2022-09-14")]
    pub approved_on: Option<NaiveDate>,
    /// Why the plan was last returned to its drafter; cleared when it is submitted again.
    #[schema(example = "Ар бир иш-чарага жооптуу адамды көрсөтүңүз")]
    pub return_comment: Option<String>,
    #[schema(value_type = Vec<ItemView>)]
    pub items: crate::kept::Json,
    /// Sent as `ETag`; send it back in `If-Match`.
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Evidence> for EvidenceView {
    fn from(e: &Evidence) -> Self {
        Self { kind: e.kind.clone(), reference: e.reference.clone() }
    }
}

impl From<PlanKind> for PlanKindDto {
    fn from(k: PlanKind) -> Self {
        match k {
            PlanKind::School => Self::School,
            PlanKind::Commission => Self::Commission,
            PlanKind::Individual => Self::Individual,
            PlanKind::PedagogicalCouncil => Self::PedagogicalCouncil,
        }
    }
}

impl ReviewView {
    /// A review with the day it was decided.
    #[must_use]
    pub fn new(r: ReviewRecord, decided_on: Option<NaiveDate>) -> Self {
        Self { meeting_id: r.meeting.uuid(), protocol_number: r.protocol_number, date: r.date, decided_on }
    }
}

impl ItemView {
    /// An item with its form's label in `language`.
    #[must_use]
    pub fn new(i: &Item, language: Lang) -> Self {
        Self {
            id: i.id.uuid(),
            position: i.position,
            title: i.title.clone(),
            description: i.description.clone(),
            form: i.form.clone(),
            form_label: i.form.as_deref().map(|code| {
                usul_domain::catalogue::find(code).map_or_else(|| code.to_owned(), |f| f.label(language).to_owned())
            }),
            direction: i.direction.clone(),
            start_date: i.start,
            due_date: i.due,
            responsible_ids: i.responsible.iter().map(|s| s.uuid()).collect(),
            expected_result: i.expected_result.clone(),
            progress: i.progress.code().to_owned(),
            completed_on: i.completed_on,
            outcome: i.outcome.clone(),
            evidence: i.evidence.iter().map(EvidenceView::from).collect(),
        }
    }
}

impl PlanView {
    /// A plan with the school year's theme it is tied to, its labels in `language`, its items
    /// as `items` (in JSON, made once per version: see `kept.rs`).
    #[must_use]
    pub fn new(p: &Plan, school_theme: Option<String>, language: Lang, items: crate::kept::Json) -> Self {
        Self {
            id: p.id.uuid(),
            school_id: p.school.uuid(),
            kind: p.kind.into(),
            kind_label: p.kind.label().get(language).to_owned(),
            owner_id: match p.owner {
                Owner::School(s) => s.uuid(),
                Owner::Commission(c) => c.uuid(),
                Owner::Teacher(t) => t.uuid(),
            },
            year: p.year.to_string(),
            version_no: p.version_no,
            status: p.status.code(p.kind).to_owned(),
            status_label: p.status.label(p.kind).get(language).to_owned(),
            next_step: next_step(p.kind, p.status).map(|s| s.kind.code().to_owned()),
            allowed_actions: p.allowed().into_iter().map(|a| a.code().to_owned()).collect(),
            title: p.title.clone(),
            goal: p.goal.clone(),
            school_theme,
            personal_theme: p.personal_theme.clone(),
            review: p.review.map(|r| ReviewView::new(r, p.reviewed_on)),
            submitted_on: p.submitted_on,
            agreed_by: p.agreed.map(|(s, _)| s.uuid()),
            agreed_on: p.agreed.map(|(_, d)| d),
            approved_by: p.approved.map(|(s, _)| s.uuid()),
            approved_on: p.approved.map(|(_, d)| d),
            return_comment: p.return_comment.clone(),
            items,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

list_of!(PlanList, kept PlanView, "A page of plans, oldest first: every page but the last is full.");

/// A new plan: version 1 of its lineage (kind + owner + year), as a draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "individual", "year": "2022-2023", "title": "Жекече план", "personal_theme": "Математика сабагында долбоордук ыкма"}))]
pub struct CreatePlanBody {
    /// `school`, `commission`, `individual` or `pedagogical_council`.
    #[schema(value_type = PlanKindDto)]
    pub kind: String,
    #[schema(pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: String,
    /// For `commission`: the commission (its head drafts). For `individual`: the teacher
    /// (default: the caller).
    pub owner_id: Option<Uuid>,
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub title: String,
    #[schema(max_length = 4000)]
    pub goal: Option<String>,
    /// The teacher's own methodological theme (individual plans, R-3.2.1).
    #[schema(max_length = 2000)]
    pub personal_theme: Option<String>,
}

/// Changes to a draft's header.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"goal": "Мугалимдердин кесиптик чеберчилигин өнүктүрүү"}))]
pub struct UpdatePlanBody {
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub goal: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub personal_theme: Option<Option<String>>,
}

impl UpdatePlanBody {
    /// The changes, every problem at once.
    ///
    /// # Errors
    /// 422 naming each refused field.
    pub fn into_patch(self) -> Result<PlanPatch, ApiError> {
        let mut check = Checker::default();
        let title = self.title.as_deref().map(|t| check.text("title", bounded(t, 300)));
        let goal = self.goal.as_ref().map(|g| check.optional_text("goal", g.as_deref(), 4000));
        let personal = self.personal_theme.as_ref().map(|g| check.optional_text("personal_theme", g.as_deref(), 2000));
        check.finish()?;
        Ok(PlanPatch { title: title.flatten(), goal: goal.flatten(), personal_theme: personal.flatten() })
    }
}

/// An item's content.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Ачык сабактардын декадасы", "form": "open_lesson", "direction": "Тажрыйбаны жайылтуу",
    "start_date": "2022-11-14", "due_date": "2022-11-25", "responsible_ids": ["01a2153e-6f02-75e8-ab76-f3d21fc243e7"],
    "expected_result": "10 ачык сабак"
}))]
pub struct ItemBody {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub description: Option<Option<String>>,
    /// A catalogue code; optional: work such as preparing assessment tasks (R-3.2.2g) has
    /// none. `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "open_lesson")]
    pub form: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub direction: Option<Option<String>>,
    /// Inside the academic year.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    /// Inside the academic year; required to submit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub due_date: Option<Option<NaiveDate>>,
    /// Staff of the school; at least one to submit.
    pub responsible_ids: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub expected_result: Option<Option<String>>,
    /// Its place (default: last).
    #[schema(minimum = 1)]
    pub position: Option<u32>,
}

/// A draft's whole list of items, in the plan's order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"items": [
    {"title": "Ачык сабактардын декадасы", "form": "open_lesson", "due_date": "2022-11-25", "responsible_ids": ["01a2153e-6f02-75e8-ab76-f3d21fc243e7"]},
    {"title": "Баалоо тапшырмаларын даярдоо", "due_date": "2023-03-10", "responsible_ids": ["01a2153e-6f02-75e8-ab76-f3d21fc243e7"]}
]}))]
pub struct ItemsBody {
    /// Every item of the plan (at most 500), each as for adding one, without `position`.
    #[schema(max_items = 500)]
    pub items: Vec<ItemBody>,
}

/// An item's progress.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"progress": "done", "completed_on": "2022-11-25", "outcome": "10 ачык сабак өттү", "evidence": [{"kind": "url", "reference": "https://school95.kg/news/1"}]}))]
pub struct ProgressBody {
    /// `planned`, `done`, `partly_done`, `not_done`, `postponed`, `cancelled`.
    #[schema(pattern = "^(planned|done|partly_done|not_done|postponed|cancelled)$")]
    pub progress: String,
    pub completed_on: Option<NaiveDate>,
    #[schema(max_length = 4000)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub evidence: Vec<EvidenceView>,
}

/// A comment on a step, and the day it was decided.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Макулдашылды", "decided_on": "2022-09-12"}))]
pub struct StepBody {
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
    /// The day it was decided (default today): not in the future, not before the step before
    /// it — for entering a year kept on paper.
    pub decided_on: Option<NaiveDate>,
}

/// A withdrawal takes nothing: no comment, no date.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {}

/// A review: the meeting of the reviewing body whose minutes record it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"meeting_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7", "comment": "Каралды, сунуштар киргизилди"}))]
pub struct ReviewBody {
    /// A held or finalized meeting of the body the route names.
    pub meeting_id: Uuid,
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
    /// The day it was decided (default today): not in the future, not before the meeting nor
    /// the submission.
    pub decided_on: Option<NaiveDate>,
}

/// A return to draft, with the reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Ар бир иш-чарага жооптуу адамды көрсөтүңүз"}))]
pub struct ReturnBody {
    /// Required: why it goes back.
    #[schema(min_length = 1, max_length = 2000, pattern = "\\S")]
    pub comment: String,
    /// The day it was decided (default today): not in the future, not before the step before
    /// it.
    pub decided_on: Option<NaiveDate>,
}

/// Filters of the plan list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    #[param(value_type = Option<PlanKindDto>)]
    #[serde(default, deserialize_with = "kind_filter")]
    pub kind: Option<PlanKind>,
    #[param(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
    /// `draft`, `submitted`, `reviewed`, `agreed`, `approved`, `superseded`.
    #[param(value_type = Option<String>, pattern = "^(draft|submitted|reviewed|agreed|approved|superseded)$")]
    #[serde(default, deserialize_with = "status_filter")]
    pub status: Option<StatusName>,
    /// A commission or a teacher.
    #[param(value_type = Option<Uuid>)]
    pub owner_id: Option<query::Id>,
    /// For district users and administrators: one school.
    #[param(value_type = Option<Uuid>)]
    pub school_id: Option<query::Id>,
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<query::Since>,
    /// The `sync_token` of an earlier read's first page: only what changed since, and the ids
    /// deleted since in `deleted` (see "Delta sync" in the API description).
    #[param(value_type = Option<String>, pattern = "^st1\\.[0-9a-f]{16}$")]
    pub sync_token: Option<crate::sync::SyncToken>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
    #[param(value_type = Option<String>, pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<query::Cursor>,
}

fn kind_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<PlanKind>, D::Error> {
    query::code(d, PlanKind::parse).map(Some)
}

fn status_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<StatusName>, D::Error> {
    query::code(d, StatusName::parse).map(Some)
}

/// One transition of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionView {
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The actor's role at the time.
    #[schema(example = "director")]
    pub actor_role: String,
    /// `submit`, `withdraw`, `review`, `agree`, `approve`, `return`.
    #[schema(example = "approve")]
    pub action: String,
    #[schema(example = "reviewed")]
    pub from_status: String,
    #[schema(example = "approved")]
    pub to_status: String,
    pub comment: Option<String>,
    /// The meeting a review cites.
    pub meeting_id: Option<Uuid>,
    pub protocol_number: Option<u32>,
    pub meeting_date: Option<NaiveDate>,
    /// The day the move was decided (`null` for a withdrawal).
    #[schema(example = "2022-09-14")]
    pub decided_on: Option<NaiveDate>,
}

/// A plan's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    pub items: Vec<TransitionView>,
}

/// Execution per responsible person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsibleExecution {
    pub staff_id: Uuid,
    #[schema(example = "Үсөнова А.Б.")]
    pub short_name: String,
    pub items: u32,
    pub done: u32,
    pub overdue: u32,
}

/// An overdue item.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueItem {
    pub item_id: Uuid,
    pub position: u32,
    pub title: String,
    pub due_date: Option<NaiveDate>,
    pub progress: String,
}

/// How a plan is being carried out.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutionView {
    /// The day the figures are for.
    pub as_of: NaiveDate,
    pub items: u32,
    /// Items per progress mark.
    #[schema(value_type = Object, example = json!({"planned": 3, "done": 5, "partly_done": 1, "not_done": 0, "postponed": 1, "cancelled": 0}))]
    pub by_status: serde_json::Value,
    /// Done of all items not cancelled, in percent.
    #[schema(example = 50.0)]
    pub percent_done: f64,
    /// Due before today and neither done nor cancelled.
    pub overdue: Vec<OverdueItem>,
    pub by_responsible: Vec<ResponsibleExecution>,
}

/// The language of the printed plan.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `ky` (default) or `ru`.
    #[param(pattern = "^(ky|ru)$")]
    pub lang: Option<String>,
}

impl From<HistoryEntry> for TransitionView {
    fn from(t: HistoryEntry) -> Self {
        Self {
            at: t.at,
            actor_id: t.actor.map(StaffId::uuid),
            actor_role: t.actor_role,
            action: t.action,
            from_status: t.from,
            to_status: t.to,
            comment: t.comment,
            meeting_id: t.meeting.map(MeetingId::uuid),
            protocol_number: t.protocol_number,
            meeting_date: t.meeting_date,
            decided_on: t.decided_on,
        }
    }
}

impl From<&Item> for OverdueItem {
    fn from(i: &Item) -> Self {
        Self {
            item_id: i.id.uuid(),
            position: i.position,
            title: i.title.clone(),
            due_date: i.due,
            progress: i.progress.code().to_owned(),
        }
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl ExecutionView {
    /// The domain's figures, with each responsible person's short name from `staff`.
    #[must_use]
    pub fn new(e: &Execution<'_>, staff: &[Staff]) -> Self {
        let name = |id: StaffId| staff.iter().find(|s| s.id == id).map(Staff::short_name).unwrap_or_default();
        Self {
            as_of: e.as_of,
            items: count(e.items),
            by_status: serde_json::Value::Object(
                e.by_status.iter().map(|(p, n)| (p.code().to_owned(), serde_json::json!(n))).collect(),
            ),
            percent_done: e.percent_done,
            overdue: e.overdue.iter().map(|i| OverdueItem::from(*i)).collect(),
            by_responsible: e
                .by_responsible
                .iter()
                .map(|r| ResponsibleExecution {
                    staff_id: r.staff.uuid(),
                    short_name: name(r.staff),
                    items: count(r.items),
                    done: count(r.done),
                    overdue: count(r.overdue),
                })
                .collect(),
        }
    }
}
