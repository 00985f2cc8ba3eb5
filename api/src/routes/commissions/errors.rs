//! How the commission commands' refusals are answered: each domain error maps into the API's
//! problem vocabulary here, once.

use crate::problem::{ApiError, ProblemCode};
use serde_json::json;
use usul_domain::commission::error::{
    AddMembersError, AppointHeadError, ApproveError, DissolveError, DraftError, EditError, RemoveMemberError,
};
use usul_domain::commission::{ApprovalProblem, CommissionStatus, HeadProblem};

fn not_draft(status: CommissionStatus) -> ApiError {
    match status {
        CommissionStatus::Draft => ApiError::bug("a draft refused as not a draft"),
        _ => ApiError::Conflict(ProblemCode::CommissionNotDraft),
    }
}

fn head_refusal(p: HeadProblem) -> ApiError {
    let mut extra = match p {
        HeadProblem::NotMember => json!({"reason": "not_member"}),
        HeadProblem::Inactive => json!({"reason": "inactive"}),
        HeadProblem::TooLittleExperience { have, need } => {
            json!({"reason": "too_little_experience", "experience_years": have, "required_years": need})
        }
    };
    extra["rule"] = json!("R-3.2.2c");
    ApiError::Rule { code: ProblemCode::HeadNotEligible, detail: format!("R-3.2.2c: {p}."), extra: Some(extra) }
}

fn approval_refusal(problems: &[ApprovalProblem]) -> ApiError {
    let listed: Vec<serde_json::Value> = problems
        .iter()
        .map(|p| match p {
            ApprovalProblem::NotDraft(s) => json!({"code": "not_draft", "commission_status": s.code()}),
            ApprovalProblem::TooFewQualified { qualified, need, not_teaching } => json!({
                "code": "too_few_qualified_members", "rule": "R-3.2.2a",
                "qualified": qualified, "need": need,
                "not_teaching_member_ids": not_teaching.iter().map(|s| s.uuid()).collect::<Vec<_>>(),
            }),
            ApprovalProblem::InactiveMember(s) => json!({"code": "inactive_member", "staff_id": s.uuid()}),
            ApprovalProblem::NoHead => json!({"code": "no_head", "rule": "R-3.2.2c"}),
            ApprovalProblem::Head(h) => {
                json!({"code": "head_not_eligible", "rule": "R-3.2.2c", "detail": h.to_string()})
            }
        })
        .collect();
    let detail = problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    ApiError::Rule {
        code: ProblemCode::CommissionNotApprovable,
        detail: format!("{detail}."),
        extra: Some(json!({"problems": listed})),
    }
}

impl From<DraftError> for ApiError {
    fn from(e: DraftError) -> Self {
        match e {
            DraftError::Refused(r) => r.into(),
            DraftError::Invalid(p) => Self::invalid(p),
        }
    }
}

impl From<EditError> for ApiError {
    fn from(e: EditError) -> Self {
        match e {
            EditError::Refused(r) => r.into(),
            EditError::NotDraft(s) => not_draft(s),
            EditError::Invalid(p) => Self::invalid(p),
        }
    }
}

impl From<AddMembersError> for ApiError {
    fn from(e: AddMembersError) -> Self {
        match e {
            AddMembersError::Refused(r) => r.into(),
            AddMembersError::Dissolved => Self::Conflict(ProblemCode::CommissionDissolved),
            AddMembersError::Invalid(p) => Self::invalid(p),
            AddMembersError::OrderRequired => Self::Rule {
                code: ProblemCode::OrderRequired,
                detail: "R-3.2.2d: an approved commission's members change only by a school order; send `order`."
                    .into(),
                extra: Some(json!({"rule": "R-3.2.2d"})),
            },
        }
    }
}

impl From<RemoveMemberError> for ApiError {
    fn from(e: RemoveMemberError) -> Self {
        match e {
            RemoveMemberError::Refused(r) => r.into(),
            RemoveMemberError::Dissolved => Self::Conflict(ProblemCode::CommissionDissolved),
            RemoveMemberError::NotAMember => Self::NotFound,
            RemoveMemberError::HeadCannotLeave => Self::Conflict(ProblemCode::HeadCannotLeave),
            RemoveMemberError::Invalid(p) => Self::invalid(p),
        }
    }
}

impl From<AppointHeadError> for ApiError {
    fn from(e: AppointHeadError) -> Self {
        match e {
            AppointHeadError::Refused(r) => r.into(),
            AppointHeadError::Dissolved => Self::Conflict(ProblemCode::CommissionDissolved),
            AppointHeadError::Invalid(p) => Self::invalid(p),
            AppointHeadError::NotEligible(h) => head_refusal(h),
        }
    }
}

impl From<ApproveError> for ApiError {
    fn from(e: ApproveError) -> Self {
        match e {
            ApproveError::Refused(r) => r.into(),
            ApproveError::NotDraft(s) => not_draft(s),
            ApproveError::NotApprovable(p) => approval_refusal(&p),
            ApproveError::Invalid(p) => Self::invalid(p),
        }
    }
}

impl From<DissolveError> for ApiError {
    fn from(e: DissolveError) -> Self {
        match e {
            DissolveError::Refused(r) => r.into(),
            DissolveError::NotApproved(_) => Self::Conflict(ProblemCode::CommissionNotApproved),
            DissolveError::Invalid(p) => Self::invalid(p),
        }
    }
}
