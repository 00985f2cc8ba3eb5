//! How the meeting and council commands' refusals are answered: each domain error maps into the
//! API's problem vocabulary here, once.

use crate::problem::{ApiError, At, FieldErrorKind, Listed, Message, ProblemCode};
use serde_json::json;
use usul_domain::meeting::command::{EditMinutesError, FinalizeError, HoldError, ScheduleError};
use usul_domain::meeting::seating::{SeatError, UnseatError};
use usul_domain::meeting::{MeetingStatus, Missing};

fn finalized() -> ApiError {
    ApiError::Conflict(ProblemCode::MinutesFinalized)
}

fn wrong_state(s: MeetingStatus) -> ApiError {
    ApiError::Rule {
        code: ProblemCode::MeetingWrongState,
        detail: format!("The meeting is {}.", s.code()),
        extra: Some(json!({"meeting_status": s.code()})),
    }
}

fn incomplete(missing: &[Missing]) -> ApiError {
    ApiError::Refused {
        code: ProblemCode::MinutesIncomplete,
        detail: "The minutes need an agenda, at least one decision, a chair and a secretary.".into(),
        errors: missing
            .iter()
            .map(|m| {
                Listed::new("required", Message::Kind(FieldErrorKind::Required), At::Field(m.field().into()))
                    .rule("R-5.3")
            })
            .collect(),
        extra: None,
    }
}

impl From<ScheduleError> for ApiError {
    fn from(e: ScheduleError) -> Self {
        match e {
            ScheduleError::Invalid(p) => Self::invalid(p),
            ScheduleError::Refused(r) => r.into(),
            ScheduleError::CommissionNotApproved => Self::Conflict(ProblemCode::CommissionNotApproved),
        }
    }
}

impl From<EditMinutesError> for ApiError {
    fn from(e: EditMinutesError) -> Self {
        match e {
            EditMinutesError::Refused(r) => r.into(),
            EditMinutesError::Finalized => finalized(),
            EditMinutesError::Invalid(p) => Self::invalid(p),
            EditMinutesError::DateFixed(held_on) => Self::Rule {
                code: ProblemCode::MeetingDateFixed,
                detail: format!(
                    "The meeting was held on {held_on} and numbered in the order of dates (R-5.3); its date no longer changes."
                ),
                extra: Some(json!({"field": "date", "rule": "R-5.3", "held_on": held_on})),
            },
        }
    }
}

impl From<HoldError> for ApiError {
    fn from(e: HoldError) -> Self {
        match e {
            HoldError::Refused(r) => r.into(),
            HoldError::Finalized => finalized(),
            HoldError::WrongState(s) => wrong_state(s),
        }
    }
}

impl From<FinalizeError> for ApiError {
    fn from(e: FinalizeError) -> Self {
        match e {
            FinalizeError::Refused(r) => r.into(),
            FinalizeError::Finalized => finalized(),
            FinalizeError::WrongState(s) => wrong_state(s),
            FinalizeError::Incomplete(missing) => incomplete(&missing),
        }
    }
}

impl From<SeatError> for ApiError {
    fn from(e: SeatError) -> Self {
        match e {
            SeatError::Refused(r) => r.into(),
            SeatError::Invalid(p) => Self::invalid(p),
        }
    }
}

impl From<UnseatError> for ApiError {
    fn from(e: UnseatError) -> Self {
        match e {
            UnseatError::Refused(r) => r.into(),
            UnseatError::NotSeated => Self::NotFound,
        }
    }
}
