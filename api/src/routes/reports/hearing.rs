//! The meeting that heard a report: `PUT` cites it, `GET` reads the citation with the
//! minutes' current number, which the printed report carries.

use super::Loaded;
use crate::auth::Auth;
use crate::extract::ValidJson;
use crate::openapi::tags;
use crate::problem::{ApiError, FieldErrorKind, ProblemCode};
use crate::state::AppState;
use actix_web::{HttpResponse, get, put, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use usul_domain::ids::MeetingId;
use usul_domain::report::{Hearing, HearingError, hear};
use utoipa::ToSchema;
use uuid::Uuid;

/// The meeting that heard the report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"meeting_id": "0190d3c2-7a51-7c3e-9b1a-3f5e2d8c4b10"}))]
pub struct HearingBody {
    /// A held or finalized meeting of the report's year: its commission's for a commission
    /// report, the pedagogical council's for the school's report.
    pub meeting_id: Uuid,
}

/// Where a report was heard.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "report_id": "0190d3c2-7a51-7c3e-9b1a-3f5e2d8c4b00", "meeting_id": "0190d3c2-7a51-7c3e-9b1a-3f5e2d8c4b10",
    "body": "pedagogical_council", "date": "2023-05-30", "protocol_number": 6
}))]
pub struct HearingView {
    pub report_id: Uuid,
    pub meeting_id: Uuid,
    /// `commission` or `pedagogical_council`.
    pub body: String,
    pub date: NaiveDate,
    /// The minutes' number; `null` until the body has numbered them.
    pub protocol_number: Option<u32>,
}

impl HearingView {
    fn of(report: Uuid, h: &Hearing) -> Self {
        Self {
            report_id: report,
            meeting_id: h.meeting.uuid(),
            body: h.body.code().to_owned(),
            date: h.date,
            protocol_number: h.protocol_number,
        }
    }
}

fn rule(code: ProblemCode, detail: String) -> ApiError {
    ApiError::Rule { code, detail, extra: Some(json!({"field": "meeting_id", "rule": "R-5.2"})) }
}

impl From<HearingError> for ApiError {
    fn from(e: HearingError) -> Self {
        let detail = e.to_string();
        match e {
            HearingError::NotAllowed => Self::Forbidden,
            HearingError::UnknownMeeting => Self::field("meeting_id", FieldErrorKind::UnknownReference),
            HearingError::WrongBody { .. } | HearingError::OtherCommission => {
                rule(ProblemCode::HearingWrongBody, detail)
            }
            HearingError::WrongYear { .. } => rule(ProblemCode::HearingWrongYear, detail),
            HearingError::NotHeld => rule(ProblemCode::HearingMeetingNotHeld, detail),
        }
    }
}

/// Cite the meeting that heard a report.
///
/// Results are discussed at the meetings of the commissions and of the pedagogical council
/// a commission's report cites a meeting of its own commission, the school's report a
/// meeting of the pedagogical council, of the report's academic year, held or finalized. The
/// report's author (the commission's head, the deputy) or the director records it, in any state
/// of the report; a second `PUT` replaces the citation. The printed report then carries the
/// minutes' number. A meeting of another body answers 422 `hearing_wrong_body`, of another
/// year `hearing_wrong_year`, not yet held `hearing_meeting_not_held` (each with its one entry
/// in `errors` naming `meeting_id` and ); an unknown or another school's meeting 422 with
/// `meeting_id: unknown_reference`.
#[utoipa::path(
    operation_id = "putReportHearing",
    tag = tags::REPORTS,
    request_body = HearingBody,
    params(("id" = Uuid, Path, description = "Report id")),
    responses(
        (status = 200, description = "Cited.", body = HearingView),
        crate::openapi::WriteErrors,
    ),
    security(("bearer" = [])),
)]
#[put("/reports/{id}/hearing")]
pub async fn put_hearing(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<HearingBody>,
) -> Result<HttpResponse, ApiError> {
    let l = Loaded::of(&state, &auth, &id).await?;
    let meeting = state
        .store
        .get_meeting(MeetingId::from_uuid(body.0.meeting_id))
        .await?
        .ok_or_else(|| ApiError::field("meeting_id", FieldErrorKind::UnknownReference))?;
    let hearing = hear(&l.report, &l.facts, &meeting)?;
    state.store.record_hearing(&l.report, &hearing, &auth.audit("report hearing recorded")).await?;
    Ok(HttpResponse::Ok().json(HearingView::of(l.report.id.uuid(), &hearing)))
}

/// Read the meeting that heard a report.
///
/// 404 while none is cited.
#[utoipa::path(
    operation_id = "getReportHearing",
    tag = tags::REPORTS,
    params(("id" = Uuid, Path, description = "Report id")),
    responses(
        (status = 200, description = "The citation, with the minutes' current number.", body = HearingView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/reports/{id}/hearing")]
pub async fn get_hearing(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let l = Loaded::of(&state, &auth, &id).await?;
    let h = state.store.report_hearing(l.report.id).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(HearingView::of(l.report.id.uuid(), &h)))
}
