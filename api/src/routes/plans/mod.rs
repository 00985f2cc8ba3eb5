//! Plans over HTTP (R-3.2.1, R-3.2.2f, R-5.1, R-5.3): thin adapters over the domain's plan
//! aggregate. Each handler parses, loads the plan with what surrounds it for the caller, asks
//! the domain, stores what the domain decided and answers. `drafts.rs` holds the plan itself,
//! `items.rs` its items and their progress, `route.rs` the moves along the approval route,
//! `reading.rs` its history, execution and printed form, `dto.rs` the bodies, `errors.rs` how
//! the domain's refusals answer.

mod drafts;
pub mod dto;
mod errors;
mod items;
mod reading;
mod route;

pub use drafts::{
    __path_create, __path_list, __path_read, __path_remove, __path_update, create, list, read, remove, update,
};
pub use items::{
    __path_add_item, __path_delete_item, __path_progress, __path_read_item, __path_replace_items, __path_update_item,
    add_item, delete_item, progress, read_item, replace_items, update_item,
};
pub use reading::{__path_document, __path_execution, __path_history, document, execution, history};
pub use route::{
    __path_agree, __path_amend, __path_approve, __path_return_plan, __path_review, __path_rollover, __path_submit,
    __path_withdraw, agree, amend, approve, return_plan, review, rollover, submit, withdraw,
};

use crate::auth::Auth;
use crate::extract::{expected, lang, path_id};
use crate::kept::Json;
use crate::problem::ApiError;
use crate::routes::{created, school_for, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse};
use dto::{ItemView, PlanView};
use usul_domain::ids::PlanId;
use usul_domain::org::School;
use usul_domain::plan::{Plan, PlanActor, Transition, may_read};
use usul_domain::policy::Action;
use usul_persistence::Surroundings;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(remove)
        .service(add_item)
        .service(replace_items)
        .service(read_item)
        .service(update_item)
        .service(delete_item)
        .service(progress)
        .service(submit)
        .service(withdraw)
        .service(review)
        .service(agree)
        .service(approve)
        .service(return_plan)
        .service(amend)
        .service(rollover)
        .service(history)
        .service(execution)
        .service(document);
}

/// A plan the caller reads, with its school and what surrounds it for the caller.
struct Loaded {
    plan: Plan,
    school: School,
    around: Surroundings,
}

impl Loaded {
    const fn actor(&self) -> &PlanActor {
        &self.around.actor
    }
}

/// Loads a plan the caller may read, in a fixed number of statements. Another school's plan,
/// or an individual plan the caller does not read, is 404.
async fn load(state: &AppState, auth: &Auth, raw: &str) -> Result<Loaded, ApiError> {
    let id = PlanId::from_uuid(path_id("id", raw)?);
    let (plan, around) = state.store.plan_for(id, auth.actor).await?.ok_or(ApiError::NotFound)?;
    let school = school_for(state, auth, plan.school, Action::Read).await?;
    if !may_read(&plan, &around.actor) {
        return Err(ApiError::NotFound);
    }
    Ok(Loaded { plan, school, around })
}

/// The view of a committed plan version, its items' JSON kept per version and language.
fn view(req: &HttpRequest, p: &Plan, school_theme: Option<String>) -> Result<PlanView, ApiError> {
    let language = lang(req);
    let items = || Json::of(&p.items.iter().map(|i| ItemView::new(i, language)).collect::<Vec<_>>());
    let items = match req.app_data::<actix_web::web::Data<AppState>>() {
        Some(state) => state.kept.plan_items.get_or_make((p.id.uuid(), p.version, language), items),
        None => items(),
    }
    .map_err(|e| ApiError::internal("serializing a plan view", e))?;
    Ok(PlanView::new(p, school_theme, language, items))
}

/// 200 with the plan (or 304 for a read whose `If-None-Match` names its version).
fn respond(req: &HttpRequest, p: &Plan, school_theme: Option<String>) -> Result<HttpResponse, ApiError> {
    Ok(versioned(req, p.version, &view(req, p, school_theme)?))
}

/// 201 with the plan at its own address.
fn respond_created(req: &HttpRequest, p: &Plan, school_theme: Option<String>) -> Result<HttpResponse, ApiError> {
    Ok(created(format!("/api/v1/plans/{}", p.id), p.version, &view(req, p, school_theme)?))
}

/// Stores a move the domain decided (under `If-Match`) and answers with the plan after it.
async fn record(
    req: &HttpRequest,
    state: &AppState,
    auth: &Auth,
    l: Loaded,
    t: Transition,
) -> Result<HttpResponse, ApiError> {
    let audit = auth.audit(format!("plan {}", t.action.code()));
    let p = state.store.transition_plan(&l.plan, expected(req, l.plan.version), &t, &audit).await?;
    respond(req, &p, l.around.school_theme)
}
