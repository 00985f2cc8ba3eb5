//! How the commission commands' refusals are answered: each domain error maps into the API's
//! problem vocabulary here, once.

use crate::problem::{ApiError, At, FieldErrorKind, Listed, Message, ProblemCode};
use usul_domain::commission::error::{
    AddMembersError, AppointHeadError, ApproveError, DissolveError, DraftError, EditError, RemoveMemberError,
};
use usul_domain::commission::{ApprovalProblem, CommissionStatus, HeadProblem};
use usul_domain::lang::Text;

fn not_draft(status: CommissionStatus) -> ApiError {
    match status {
        CommissionStatus::Draft => ApiError::bug("a draft refused as not a draft"),
        _ => ApiError::Conflict(ProblemCode::CommissionNotDraft),
    }
}

/// Why a person cannot head the commission, as one listed problem on `field` (R-3.2.2c).
fn head_problem(p: &HeadProblem, field: &str) -> Listed {
    let at = At::Field(field.into());
    let listed = match p {
        HeadProblem::NotMember => Listed::new(
            "not_member",
            Message::Text(Text {
                ky: "Бул кызматкер комиссиянын мүчөсү эмес",
                ru: "Сотрудник не состоит в комиссии",
                en: "This person is not a member of the commission",
            }),
            at,
        ),
        HeadProblem::Inactive => Listed::new("inactive", Message::Kind(FieldErrorKind::Inactive), at),
        HeadProblem::TooLittleExperience { have, need } => Listed::new(
            "too_little_experience",
            Message::Text(Text {
                ky: "Педагогикалык стажы жетишсиз",
                ru: "Недостаточный педагогический стаж",
                en: "Too little teaching experience to head a commission",
            }),
            at,
        )
        .threshold(u32::from(*have), u32::from(*need)),
    };
    listed.rule("R-3.2.2c")
}

fn head_refusal(p: HeadProblem) -> ApiError {
    ApiError::Refused {
        code: ProblemCode::HeadNotEligible,
        detail: format!("R-3.2.2c: {p}."),
        errors: vec![head_problem(&p, "staff_id")],
        extra: None,
    }
}

fn approval_refusal(problems: &[ApprovalProblem]) -> ApiError {
    let listed = problems
        .iter()
        .map(|p| match p {
            ApprovalProblem::NotDraft(_) => {
                Listed::new("not_draft", Message::Text(ProblemCode::CommissionNotDraft.title()), At::Whole)
            }
            ApprovalProblem::TooFewQualified { qualified, need, not_teaching } => Listed::new(
                "too_few_qualified_members",
                Message::Text(Text {
                    ky: "Комиссиянын предметтерин окуткан мүчөлөр жетишсиз",
                    ru: "Мало членов, преподающих предметы комиссии",
                    en: "Too few members teach the commission's subjects",
                }),
                At::Field("member_ids".into()),
            )
            .rule("R-3.2.2a")
            .threshold(u32::try_from(*qualified).unwrap_or(u32::MAX), u32::try_from(*need).unwrap_or(u32::MAX))
            .staff(not_teaching.iter().map(|s| s.uuid()).collect()),
            ApprovalProblem::InactiveMember(s) => {
                Listed::new("inactive_member", Message::Kind(FieldErrorKind::Inactive), At::Field("member_ids".into()))
                    .staff(vec![s.uuid()])
            }
            ApprovalProblem::NoHead => Listed::new(
                "no_head",
                Message::Text(Text {
                    ky: "Комиссиянын жетекчиси дайындалган эмес",
                    ru: "Руководитель комиссии не назначен",
                    en: "The commission has no head",
                }),
                At::Field("head_id".into()),
            )
            .rule("R-3.2.2c"),
            ApprovalProblem::Head(h) => {
                let mut l = head_problem(h, "head_id");
                l.code = "head_not_eligible".into();
                l
            }
        })
        .collect();
    let detail = problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    ApiError::Refused {
        code: ProblemCode::CommissionNotApprovable,
        detail: format!("{detail}."),
        errors: listed,
        extra: None,
    }
}

/// R-3.2.2d: an approved commission's members change only by a school order, sent as `order`
/// whether a member is added or removed.
pub(super) fn order_required() -> ApiError {
    ApiError::Refused {
        code: ProblemCode::OrderRequired,
        detail: "R-3.2.2d: an approved commission's members change only by a school order; send `order`.".into(),
        errors: vec![
            Listed::new("required", Message::Kind(FieldErrorKind::Required), At::Field("order".into()))
                .rule("R-3.2.2d"),
        ],
        extra: None,
    }
}

/// A removal's refusal, with the order named as the request sent it (`order.number`,
/// `order.date`) and a missing order answered as when a member is added.
pub(super) fn removal_refusal(e: RemoveMemberError, order_sent: bool) -> ApiError {
    match e {
        RemoveMemberError::Invalid(_) if !order_sent => order_required(),
        RemoveMemberError::Invalid(problems) => ApiError::invalid(
            problems
                .into_iter()
                .map(|mut p| {
                    p.field = match p.field.as_str() {
                        "order_number" => "order.number".into(),
                        "order_date" => "order.date".into(),
                        _ => p.field,
                    };
                    p
                })
                .collect(),
        ),
        other => other.into(),
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
            AddMembersError::OrderRequired => order_required(),
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
