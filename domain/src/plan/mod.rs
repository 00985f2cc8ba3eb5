//! Plans and their approval routes (R-3.2.1, R-3.2.2f, R-5.1, R-5.3): the unified school plan,
//! commission plans, teachers' individual plans and the pedagogical council's plan. The route
//! of each kind is data, one table, read by the commands (`commands.rs`); who the caller is to
//! a plan, and what they may read and draft, is `actor.rs`.

mod actor;
mod commands;
mod errors;
mod execution;
#[cfg(test)]
mod fidelity_tests;
#[cfg(test)]
mod route_tests;
#[cfg(test)]
mod rule_tests;
#[cfg(test)]
mod table_tests;

pub use actor::{Caller, PlanActor, ReadScope, may_draft, may_read};
pub use commands::{
    COMMENT_MAX, Header, NewVersion, NotNow, Origin, PlanAction, PlanContext, Transition, allowed, start,
};
pub use errors::{
    AmendError, DeleteError, EditError, ProgressError, ReturnError, RolloverError, StartError, StepError, StepProblem,
    SubmitError, WithdrawError,
};
pub use execution::{Execution, PersonExecution};

use crate::catalogue;
use crate::ids::{CommissionId, SchoolId, StaffId};
use crate::lang::Text;
use crate::meeting::BodyKind;
use crate::year::AcademicYear;
use chrono::NaiveDate;

/// The kinds of plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanKind {
    /// The unified plan of methodological work, owned by the school.
    School,
    /// A commission's work plan for a year (R-3.2.2f).
    Commission,
    /// A teacher's individual plan for a year.
    Individual,
    /// The pedagogical council's work plan.
    PedagogicalCouncil,
}

impl PlanKind {
    /// All kinds.
    pub const ALL: [Self; 4] = [Self::School, Self::Commission, Self::Individual, Self::PedagogicalCouncil];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::School => "school",
            Self::Commission => "commission",
            Self::Individual => "individual",
            Self::PedagogicalCouncil => "pedagogical_council",
        }
    }

    /// The kind for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::School => Text {
                ky: "Усулдук иштин бирдиктүү планы",
                ru: "Единый план методической работы",
                en: "Unified plan of methodological work",
            },
            Self::Commission => Text {
                ky: "Усулдук комиссиянын иш планы",
                ru: "План работы методической комиссии",
                en: "Commission work plan",
            },
            Self::Individual => Text {
                ky: "Мугалимдин жекече планы",
                ru: "Индивидуальный план учителя",
                en: "Teacher's individual plan",
            },
            Self::PedagogicalCouncil => Text {
                ky: "Педагогикалык кеңештин иш планы",
                ru: "План работы педагогического совета",
                en: "Pedagogical council work plan",
            },
        }
    }
}

/// Who a plan belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    /// The school (unified and pedagogical council plans).
    School(SchoolId),
    /// A commission.
    Commission(CommissionId),
    /// A teacher.
    Teacher(StaffId),
}

/// Who drafts a plan of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drafter {
    /// The deputy director for methodological work.
    Deputy,
    /// The commission's head.
    CommissionHead,
    /// The teacher themselves.
    Teacher,
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// A body reviews it at a meeting, whose minutes are cited.
    Review,
    /// Agreed (*макулдашылды*).
    Agree,
    /// Approved (*бекитилди*).
    Approve,
}

impl StepKind {
    /// The stable code, also the action's name in the API.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Review => "review",
            Self::Agree => "agree",
            Self::Approve => "approve",
        }
    }
}

/// Who takes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepActor {
    /// Whoever runs the body's meetings records its review (the body is the step's `body`).
    Body(BodyKind),
    /// The deputy.
    Deputy,
    /// The director.
    Director,
    /// The head of a commission the teacher sits on; the deputy when there is none.
    TeachersHead,
}

/// One step of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    pub actor: StepActor,
}

const fn step(kind: StepKind, actor: StepActor) -> Step {
    Step { kind, actor }
}

const SCHOOL_ROUTE: &[Step] = &[
    step(StepKind::Review, StepActor::Body(BodyKind::MethodologicalCouncil)),
    step(StepKind::Approve, StepActor::Director),
];
const COMMISSION_ROUTE: &[Step] = &[
    step(StepKind::Review, StepActor::Body(BodyKind::Commission)),
    step(StepKind::Agree, StepActor::Deputy),
    step(StepKind::Approve, StepActor::Director),
];
const INDIVIDUAL_ROUTE: &[Step] =
    &[step(StepKind::Agree, StepActor::TeachersHead), step(StepKind::Approve, StepActor::Deputy)];
const PEDAGOGICAL_ROUTE: &[Step] = &[
    step(StepKind::Review, StepActor::Body(BodyKind::PedagogicalCouncil)),
    step(StepKind::Approve, StepActor::Director),
];

/// The route table: who drafts each kind and which steps follow its submission.
#[must_use]
pub const fn route(kind: PlanKind) -> (Drafter, &'static [Step]) {
    match kind {
        // drafted by the deputy, reviewed by the methodological council, approved by the director.
        PlanKind::School => (Drafter::Deputy, SCHOOL_ROUTE),
        // R-3.2.2f: the commission reviews its plan, the deputy agrees, the director approves.
        PlanKind::Commission => (Drafter::CommissionHead, COMMISSION_ROUTE),
        // agreed by the teacher's commission head (the deputy if none), approved by the deputy.
        PlanKind::Individual => (Drafter::Teacher, INDIVIDUAL_ROUTE),
        // reviewed by the pedagogical council, approved by the director.
        PlanKind::PedagogicalCouncil => (Drafter::Deputy, PEDAGOGICAL_ROUTE),
    }
}

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanStatus {
    /// Being written; items editable.
    Draft,
    /// Submitted; `steps_done` steps of its route are taken.
    InRoute {
        /// How many steps are done (0 right after submission).
        steps_done: u8,
    },
    /// Approved: frozen; the lineage's approved version.
    Approved,
    /// Replaced by an approved later version.
    Superseded,
}

impl PlanStatus {
    /// The name clients see: the in-route states are named by the step last taken.
    #[must_use]
    pub fn name(self, kind: PlanKind) -> StatusName {
        match self {
            Self::Draft => StatusName::Draft,
            Self::Approved => StatusName::Approved,
            Self::Superseded => StatusName::Superseded,
            Self::InRoute { steps_done: 0 } => StatusName::Submitted,
            Self::InRoute { steps_done } => match route(kind).1.get(usize::from(steps_done) - 1).map(|s| s.kind) {
                Some(StepKind::Review) => StatusName::Reviewed,
                Some(StepKind::Agree) => StatusName::Agreed,
                _ => StatusName::Submitted,
            },
        }
    }

    /// The stable code shown to clients: `draft`, `submitted`, `reviewed`, `agreed`,
    /// `approved`, `superseded`.
    #[must_use]
    pub fn code(self, kind: PlanKind) -> &'static str {
        self.name(kind).code()
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub fn label(self, kind: PlanKind) -> Text {
        self.name(kind).label()
    }
}

/// A status as clients name it (and filter by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusName {
    Draft,
    Submitted,
    /// In route, right after a review.
    Reviewed,
    /// In route, right after an agreement.
    Agreed,
    Approved,
    Superseded,
}

impl StatusName {
    /// All names.
    pub const ALL: [Self; 6] =
        [Self::Draft, Self::Submitted, Self::Reviewed, Self::Agreed, Self::Approved, Self::Superseded];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Reviewed => "reviewed",
            Self::Agreed => "agreed",
            Self::Approved => "approved",
            Self::Superseded => "superseded",
        }
    }

    /// The name for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::Draft => Text { ky: "Долбоор", ru: "Черновик", en: "Draft" },
            Self::Submitted => Text { ky: "Тапшырылды", ru: "Подан", en: "Submitted" },
            Self::Reviewed => Text { ky: "Каралды", ru: "Рассмотрен", en: "Reviewed" },
            Self::Agreed => Text { ky: "Макулдашылды", ru: "Согласован", en: "Agreed" },
            Self::Approved => Text { ky: "Бекитилди", ru: "Утверждён", en: "Approved" },
            Self::Superseded => Text { ky: "Алмаштырылды", ru: "Заменён", en: "Superseded" },
        }
    }

    /// The in-route states that go by this name: (kind, steps done) pairs, for a filter.
    #[must_use]
    pub fn in_route(self) -> Vec<(PlanKind, u8)> {
        let mut out = Vec::new();
        for kind in PlanKind::ALL {
            for steps_done in 0..=u8::try_from(route(kind).1.len()).unwrap_or(u8::MAX) {
                let s = PlanStatus::InRoute { steps_done };
                if next_step(kind, s).is_some() && s.name(kind) == self {
                    out.push((kind, steps_done));
                }
            }
        }
        out
    }
}

/// The next step a submitted plan waits for.
#[must_use]
pub fn next_step(kind: PlanKind, status: PlanStatus) -> Option<Step> {
    match status {
        PlanStatus::InRoute { steps_done } => route(kind).1.get(usize::from(steps_done)).copied(),
        _ => None,
    }
}

/// What the route checks need to know about the actor, from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActorFacts {
    pub is_director: bool,
    pub is_deputy: bool,
    /// Heads the approved commission that owns the plan.
    pub heads_owning_commission: bool,
    /// Heads an approved commission that the plan's teacher sits on.
    pub heads_teachers_commission: bool,
    /// The teacher sits on no approved commission (so the deputy agrees).
    pub teacher_has_no_commission: bool,
    /// The plan is the actor's own individual plan: nobody agrees or approves their own.
    pub owns_plan: bool,
    /// The plan is the deputy's own individual plan: the director takes the deputy's steps.
    pub owner_is_deputy: bool,
}

/// Whether the actor may take `step`.
#[must_use]
pub fn may_take(step: Step, actor: ActorFacts) -> bool {
    if actor.owns_plan {
        return false;
    }
    match step.actor {
        StepActor::Director => actor.is_director,
        // The director stands in for a deputy whose own plan it is.
        StepActor::Deputy => actor.is_deputy || (actor.is_director && actor.owner_is_deputy),
        StepActor::TeachersHead => {
            actor.heads_teachers_commission
                || (actor.teacher_has_no_commission
                    && (actor.is_deputy || (actor.is_director && actor.owner_is_deputy)))
        }
        // A body's review is recorded by whoever runs its meetings.
        StepActor::Body(BodyKind::Commission) => actor.heads_owning_commission || actor.is_director,
        StepActor::Body(_) => actor.is_deputy || actor.is_director,
    }
}

/// An item of a plan (*иш-чара*).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFacts {
    pub position: u32,
    pub due: Option<NaiveDate>,
    pub responsible: usize,
}

/// A problem that keeps a plan from being submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitProblem {
    /// a plan lists at least one activity.
    NoItems,
    /// each activity has a deadline.
    ItemWithoutDeadline { position: u32 },
    /// each activity has at least one responsible person.
    ItemWithoutResponsible { position: u32 },
    /// an individual plan names the teacher's own methodological theme.
    NoPersonalTheme,
    /// the school year's methodological theme is set, to tie the plan to.
    NoSchoolTheme,
    /// A commission's plan needs an approved commission.
    CommissionNotApproved,
}

impl SubmitProblem {
    /// The rule it cites.
    #[must_use]
    pub const fn rule(&self) -> &'static str {
        match self {
            Self::NoItems | Self::ItemWithoutDeadline { .. } | Self::ItemWithoutResponsible { .. } => "R-5.1",
            Self::NoPersonalTheme | Self::NoSchoolTheme => "R-3.2.1",
            Self::CommissionNotApproved => "R-3.2.2f",
        }
    }
}

/// The facts the submission rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitFacts {
    pub kind: PlanKind,
    pub items: Vec<ItemFacts>,
    pub personal_theme: Option<String>,
    pub school_theme_set: bool,
    pub commission_approved: bool,
}

/// Checks a draft before submission and lists every problem at once.
///
/// # Errors
/// Every [`SubmitProblem`] found.
pub fn check_submit(f: &SubmitFacts) -> Result<(), Vec<SubmitProblem>> {
    let mut problems = Vec::new();
    if f.items.is_empty() {
        problems.push(SubmitProblem::NoItems);
    }
    for i in &f.items {
        if i.due.is_none() {
            problems.push(SubmitProblem::ItemWithoutDeadline { position: i.position });
        }
        if i.responsible == 0 {
            problems.push(SubmitProblem::ItemWithoutResponsible { position: i.position });
        }
    }
    if f.kind == PlanKind::Individual {
        if f.personal_theme.as_deref().is_none_or(|t| t.trim().is_empty()) {
            problems.push(SubmitProblem::NoPersonalTheme);
        }
        if !f.school_theme_set {
            problems.push(SubmitProblem::NoSchoolTheme);
        }
    }
    if f.kind == PlanKind::Commission && !f.commission_approved {
        problems.push(SubmitProblem::CommissionNotApproved);
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// An item's progress after approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Progress {
    Planned,
    Done,
    PartlyDone,
    NotDone,
    Postponed,
    Cancelled,
}

impl Progress {
    /// All marks.
    pub const ALL: [Self; 6] =
        [Self::Planned, Self::Done, Self::PartlyDone, Self::NotDone, Self::Postponed, Self::Cancelled];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Done => "done",
            Self::PartlyDone => "partly_done",
            Self::NotDone => "not_done",
            Self::Postponed => "postponed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The mark for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// Whether an item is overdue on `today`: due before it and neither done nor cancelled.
#[must_use]
pub fn is_overdue(due: Option<NaiveDate>, progress: Progress, today: NaiveDate) -> bool {
    due.is_some_and(|d| d < today) && !matches!(progress, Progress::Done | Progress::Cancelled)
}

/// The share of items done, in percent with one decimal (cancelled items do not count).
#[must_use]
pub fn percent_done(progress: &[Progress]) -> f64 {
    let counted = progress.iter().filter(|p| **p != Progress::Cancelled).count();
    if counted == 0 {
        return 0.0;
    }
    let done = progress.iter().filter(|p| **p == Progress::Done).count();
    #[allow(clippy::cast_precision_loss)]
    let pct = done as f64 * 100.0 / counted as f64;
    (pct * 10.0).round() / 10.0
}

/// Checks an item's form code against the catalogue.
#[must_use]
pub fn known_form(code: &str) -> bool {
    catalogue::find(code).is_some()
}

/// An item's form: a catalogue code when it has one, or none — preparing assessment tasks
/// (R-3.2.2g) or a council's agenda point are plan items with no catalogue form.
///
/// # Errors
/// [`UnknownForm`] for a code the catalogue does not have.
pub fn item_form(code: Option<&str>) -> Result<Option<String>, UnknownForm> {
    match code {
        None => Ok(None),
        Some(c) if known_form(c) => Ok(Some(c.to_owned())),
        Some(_) => Err(UnknownForm),
    }
}

/// A form code the catalogue does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no such form in the catalogue")]
pub struct UnknownForm;

/// The same date a year later (Feb 29 becomes Feb 28), for rolling a plan over.
#[must_use]
pub fn next_year_date(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    d.with_year(d.year() + 1).or_else(|| NaiveDate::from_ymd_opt(d.year() + 1, d.month(), 28)).unwrap_or(d)
}

/// Whether dates lie inside the plan's year.
#[must_use]
pub fn inside_year(year: AcademicYear, d: NaiveDate) -> bool {
    year.contains(d)
}

/// Evidence that an item was carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// `meeting`, `activity`, `material` or `url`.
    pub kind: String,
    /// The id or the address.
    pub reference: String,
}

/// An item (*иш-чара*) of a plan, with its progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: crate::ids::ItemId,
    pub position: u32,
    pub title: String,
    pub description: Option<String>,
    /// A catalogue code, or none for work that is no catalogue form (R-3.2.2g).
    pub form: Option<String>,
    pub direction: Option<String>,
    pub start: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub responsible: Vec<StaffId>,
    pub expected_result: Option<String>,
    pub progress: Progress,
    pub completed_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// The review a plan received: the meeting whose minutes cite it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewRecord {
    pub meeting: crate::ids::MeetingId,
    pub protocol_number: Option<u32>,
    pub date: NaiveDate,
}

impl ReviewRecord {
    /// The review as its minutes stand now: once the cited meeting's minutes are numbered, that
    /// number stands on the plan — also when the plan was reviewed at a held
    /// meeting whose minutes were finalized later. `minutes` is the meeting's number as read
    /// now (`None`: not yet numbered).
    #[must_use]
    pub fn as_numbered(self, minutes: Option<u32>) -> Self {
        Self { protocol_number: minutes.or(self.protocol_number), ..self }
    }
}

/// A version of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: crate::ids::PlanId,
    pub school: SchoolId,
    pub kind: PlanKind,
    pub owner: Owner,
    pub year: AcademicYear,
    /// 1 for the first version of the lineage, n+1 for an amendment of n.
    pub version_no: u32,
    pub status: PlanStatus,
    pub title: String,
    pub goal: Option<String>,
    pub personal_theme: Option<String>,
    pub ever_submitted: bool,
    pub review: Option<ReviewRecord>,
    /// When it was last submitted (the date its route's first step follows).
    pub submitted_on: Option<NaiveDate>,
    /// When the review was decided (the meeting's date or later).
    pub reviewed_on: Option<NaiveDate>,
    /// Who agreed it, and when.
    pub agreed: Option<(StaffId, NaiveDate)>,
    pub approved: Option<(StaffId, NaiveDate)>,
    /// Why it was last returned to draft; cleared when it is submitted again.
    pub return_comment: Option<String>,
    pub items: std::sync::Arc<Vec<Item>>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Plan {
    /// The date of the route's last move so far — its submission, review or agreement — which
    /// the next decision may not precede (issue 11).
    #[must_use]
    pub fn previous_decision(&self) -> Option<NaiveDate> {
        [self.submitted_on, self.reviewed_on, self.agreed.map(|(_, on)| on)].into_iter().flatten().max()
    }

    /// The facts the submission rules look at, from the plan itself.
    #[must_use]
    pub fn submit_facts(&self, school_theme_set: bool, commission_approved: bool) -> SubmitFacts {
        SubmitFacts {
            kind: self.kind,
            items: self
                .items
                .iter()
                .map(|i| ItemFacts { position: i.position, due: i.due, responsible: i.responsible.len() })
                .collect(),
            personal_theme: self.personal_theme.clone(),
            school_theme_set,
            commission_approved,
        }
    }
}
