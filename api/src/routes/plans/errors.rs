//! How the plan aggregate's refusals answer over HTTP: not the caller's to do is 403, a state
//! that does not allow it is 409 (`transition_not_allowed` with the `allowed` actions, or a
//! named conflict), refused input is 422.

use crate::problem::{ApiError, At, FieldError, FieldErrorKind, Listed, Message, ProblemCode};
use serde_json::json;
use usul_domain::lang::Text;
use usul_domain::plan::{
    AmendError, DeleteError, EditError, NotNow, ProgressError, ReturnError, RolloverError, StartError, StepError,
    StepProblem, SubmitError, SubmitProblem, WithdrawError,
};
use usul_domain::values::TextError;

impl From<NotNow> for ApiError {
    fn from(n: NotNow) -> Self {
        let status = n.status.code();
        Self::ConflictWith {
            code: ProblemCode::TransitionNotAllowed,
            detail: format!("A {status} plan cannot be sent to `{}`.", n.action.code()),
            extra: Some(json!({
                "plan_status": status,
                "allowed": n.allowed.iter().map(|a| a.code()).collect::<Vec<_>>(),
            })),
        }
    }
}

fn comment(e: TextError) -> ApiError {
    ApiError::Validation(vec![FieldError::text("comment", e)])
}

/// `plan_incomplete` listing every problem with its rule, item and field.
fn incomplete(problems: &[SubmitProblem]) -> ApiError {
    let text = |ky, ru, en| Message::Text(Text { ky, ru, en });
    let listed = problems
        .iter()
        .map(|p| {
            let (code, message, at) = match p {
                SubmitProblem::NoItems => (
                    "no_items",
                    text("Планда бир да пункт жок", "В плане нет ни одного пункта", "The plan has no items"),
                    At::Field("items".into()),
                ),
                SubmitProblem::ItemWithoutDeadline { position } => (
                    "no_deadline",
                    text("Пункттун мөөнөтү жок", "У пункта не указан срок", "The item has no due date"),
                    At::Item { position: *position, field: "due_date".into() },
                ),
                SubmitProblem::ItemWithoutResponsible { position } => (
                    "no_responsible",
                    text("Пункттун жооптуусу жок", "У пункта нет ответственного", "The item has no one responsible"),
                    At::Item { position: *position, field: "responsible_ids".into() },
                ),
                SubmitProblem::NoPersonalTheme => (
                    "no_personal_theme",
                    text(
                        "Өздүк усулдук тема жазылган эмес",
                        "Не указана тема самообразования",
                        "The personal methodological theme is missing",
                    ),
                    At::Field("personal_theme".into()),
                ),
                SubmitProblem::NoSchoolTheme => (
                    "no_school_theme",
                    text(
                        "Мектептин бул жылга усулдук темасы коюлган эмес",
                        "Методическая тема школы на этот год не задана",
                        "The school's methodological theme for the year is not set",
                    ),
                    At::Field("school_theme".into()),
                ),
                SubmitProblem::CommissionNotApproved => (
                    "commission_not_approved",
                    Message::Text(ProblemCode::CommissionNotApproved.title()),
                    At::Field("owner_id".into()),
                ),
            };
            Listed::new(code, message, at).rule(p.rule())
        })
        .collect();
    ApiError::Refused {
        code: ProblemCode::PlanIncomplete,
        detail: format!("{} problem(s) keep the plan from being submitted.", problems.len()),
        errors: listed,
        extra: None,
    }
}

impl From<StartError> for ApiError {
    fn from(e: StartError) -> Self {
        match e {
            StartError::NotYours => Self::Forbidden,
        }
    }
}

impl From<SubmitError> for ApiError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::NotYours => Self::Forbidden,
            SubmitError::WrongState(n) => n.into(),
            SubmitError::Comment(e) => comment(e),
            SubmitError::Date(p) => Self::Validation(vec![FieldError::from(p)]),
            SubmitError::Incomplete(problems) => incomplete(&problems),
        }
    }
}

impl From<WithdrawError> for ApiError {
    fn from(e: WithdrawError) -> Self {
        match e {
            WithdrawError::NotYours => Self::Forbidden,
            WithdrawError::WrongState(n) => n.into(),
        }
    }
}

impl From<StepError> for ApiError {
    fn from(e: StepError) -> Self {
        match e {
            StepError::WrongState(n) => n.into(),
            StepError::NotYours => Self::Forbidden,
            StepError::Invalid(problems) => Self::Validation(
                problems
                    .into_iter()
                    .map(|p| match p {
                        StepProblem::Comment(e) => FieldError::text("comment", e),
                        StepProblem::UnknownMeeting => FieldError::new("meeting_id", FieldErrorKind::UnknownReference),
                        StepProblem::WrongBody | StepProblem::MeetingNotHeld => {
                            FieldError::new("meeting_id", FieldErrorKind::InvalidValue)
                        }
                        StepProblem::Date(p) => FieldError::from(p),
                    })
                    .collect(),
            ),
        }
    }
}

impl From<ReturnError> for ApiError {
    fn from(e: ReturnError) -> Self {
        match e {
            ReturnError::WrongState(n) => n.into(),
            ReturnError::NotYours => Self::Forbidden,
            ReturnError::Comment(e) => comment(e),
            ReturnError::Date(p) => Self::Validation(vec![FieldError::from(p)]),
        }
    }
}

impl From<AmendError> for ApiError {
    fn from(e: AmendError) -> Self {
        match e {
            AmendError::NotYours => Self::Forbidden,
            AmendError::WrongState(n) => n.into(),
        }
    }
}

impl From<RolloverError> for ApiError {
    fn from(e: RolloverError) -> Self {
        match e {
            RolloverError::NotYours => Self::Forbidden,
            // The calendar's last year has no next lineage to copy into.
            RolloverError::NoNextYear => Self::Conflict(ProblemCode::PlanExists),
        }
    }
}

impl From<EditError> for ApiError {
    fn from(e: EditError) -> Self {
        match e {
            EditError::NoSuchItem => Self::NotFound,
            EditError::NotYours => Self::Forbidden,
            EditError::NotDraft => Self::Conflict(ProblemCode::PlanNotDraft),
        }
    }
}

impl From<DeleteError> for ApiError {
    fn from(e: DeleteError) -> Self {
        match e {
            DeleteError::NotYours => Self::Forbidden,
            DeleteError::NotDraft => Self::Conflict(ProblemCode::PlanNotDraft),
            DeleteError::WasSubmitted => Self::Conflict(ProblemCode::PlanWasSubmitted),
        }
    }
}

impl From<ProgressError> for ApiError {
    fn from(e: ProgressError) -> Self {
        match e {
            ProgressError::NoSuchItem => Self::NotFound,
            ProgressError::NotYours => Self::Forbidden,
            ProgressError::NotApproved => Self::Conflict(ProblemCode::PlanNotApproved),
        }
    }
}
