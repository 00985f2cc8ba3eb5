//! Councils and meetings with their minutes: the HTTP adapters of the
//! commands in [`usul_domain::meeting::command`] and [`usul_domain::meeting::seating`].

mod councils;
mod dto;
mod errors;
mod handlers;

use crate::auth::{Auth, Principal};
use crate::extract::{expected, path_id};
use crate::problem::ApiError;
use crate::state::AppState;
use actix_web::HttpRequest;
use chrono::NaiveDate;
use usul_domain::ids::{MeetingId, SchoolId, StaffId};
use usul_domain::meeting::Meeting;
use usul_domain::meeting::command::MeetingChange;
use usul_domain::meeting::seating::{Readable, Ties, readable, reads_every_body};
use usul_domain::org::School;
use usul_persistence::MeetingCase;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(councils::pedagogical_council)
        .service(councils::methodological_council_read)
        .service(councils::council_add)
        .service(councils::council_remove)
        .service(handlers::list)
        .service(handlers::create)
        .service(handlers::read)
        .service(handlers::update)
        .service(handlers::hold)
        .service(handlers::finalize)
        .service(handlers::document);
}

/// The school `raw` names.
async fn school(state: &AppState, raw: &str) -> Result<School, ApiError> {
    state.store.get_school(SchoolId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)
}

/// What a command on the meeting `raw` needs, with the people its request names.
/// The meeting with its body as it sat on `on` (by default the meeting's date, R-3.2.2d).
async fn case(state: &AppState, raw: &str, staff: &[StaffId], on: Option<NaiveDate>) -> Result<MeetingCase, ApiError> {
    let id = MeetingId::from_uuid(path_id("id", raw)?);
    state.store.meeting_case(id, staff, on).await?.ok_or(ApiError::NotFound)
}

/// The meeting as its minutes list it: the members of its date (R-3.2.2d, R-5.3).
fn as_listed(case: &MeetingCase) -> Meeting {
    Meeting { attendance: case.meeting.listed(&case.seating), ..case.meeting.clone() }
}

/// Saves what a command did, under the request's `If-Match`, audited as the change says.
async fn save(
    state: &AppState,
    req: &HttpRequest,
    auth: &Auth,
    case: &MeetingCase,
    after: &Meeting,
    change: MeetingChange,
) -> Result<Meeting, ApiError> {
    let before = &case.meeting;
    let audit = auth.audit(change.summary());
    Ok(state.store.save_meeting(before, expected(req, before.version), after, change, &audit).await?)
}

/// The meetings of `school` the caller reads; their ties to its bodies are loaded only when the
/// office alone does not already show every meeting.
async fn scope(state: &AppState, auth: &Auth, school: &School) -> Result<Vec<Readable>, ApiError> {
    let by_office = readable(&auth.actor, school, &Ties::default());
    let ties = match &auth.principal {
        Principal::Staff(me) if !reads_every_body(&by_office) => state.store.reader_ties(school.id, me).await?,
        _ => return Ok(by_office),
    };
    Ok(readable(&auth.actor, school, &ties))
}
