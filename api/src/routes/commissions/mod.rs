//! Cyclic methodological commissions and the school orders that approve, change and
//! dissolve them: the HTTP adapters of the commands in [`usul_domain::commission::command`].

mod dto;
mod errors;
mod handlers;
mod members;
mod orders;

use crate::auth::Auth;
use crate::extract::{expected, path_id};
use crate::problem::ApiError;
use crate::state::AppState;
use actix_web::HttpRequest;
use usul_domain::commission::command::CommissionChange;
use usul_domain::commission::{Commission, Order};
use usul_domain::ids::{CommissionId, StaffId, SubjectId};
use usul_domain::org::School;
use usul_persistence::CommissionCase;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list)
        .service(handlers::create)
        .service(handlers::read)
        .service(handlers::update)
        .service(members::members)
        .service(members::add_members)
        .service(members::remove_member)
        .service(members::remove_member_by_order)
        .service(handlers::appoint_head)
        .service(handlers::approve)
        .service(handlers::dissolve)
        .service(orders::list_orders)
        .service(orders::read_order);
}

/// A commission and its school, for a read.
async fn commission_and_school(state: &AppState, raw: &str) -> Result<(Commission, School), ApiError> {
    let c =
        state.store.get_commission(CommissionId::from_uuid(path_id("id", raw)?)).await?.ok_or(ApiError::NotFound)?;
    let school = state.store.get_school(c.school).await?.ok_or(ApiError::NotFound)?;
    Ok((c, school))
}

/// What a command on the commission `raw` needs, with the people and subjects its request names.
async fn case(
    state: &AppState,
    raw: &str,
    staff: &[StaffId],
    subjects: &[SubjectId],
) -> Result<CommissionCase, ApiError> {
    let id = CommissionId::from_uuid(path_id("id", raw)?);
    state.store.commission_case(id, staff, subjects).await?.ok_or(ApiError::NotFound)
}

/// Saves what a command did, under the request's `If-Match`, audited as the change says.
async fn save(
    state: &AppState,
    req: &HttpRequest,
    auth: &Auth,
    case: &CommissionCase,
    after: &Commission,
    change: &CommissionChange,
) -> Result<(Commission, Option<Order>), ApiError> {
    let before = &case.commission;
    let audit = auth.audit(change.summary());
    Ok(state.store.save_commission(before, expected(req, before.version), after, change, &audit).await?)
}
