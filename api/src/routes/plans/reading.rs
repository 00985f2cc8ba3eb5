//! Reading a plan beyond its view: its history, how it is carried out, and the printed form.

use super::dto::{DocumentQuery, ExecutionView, HistoryView, TransitionView};
use super::load;
use crate::auth::Auth;
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use usul_domain::ids::StaffId;
use usul_domain::lang::Lang;
use usul_domain::meeting::BodyKind;
use usul_domain::plan::{Owner, Plan};

/// Read a plan's history.
///
/// Every transition: who, in which role, when, with what comment, citing which meeting.
#[utoipa::path(
    operation_id = "getPlanHistory",
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "Oldest first.", body = HistoryView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/plans/{id}/history")]
pub async fn history(state: web::Data<AppState>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    let items = state.store.plan_history(l.plan.id).await?.into_iter().map(TransitionView::from).collect();
    Ok(HttpResponse::Ok().json(HistoryView { items }))
}

/// Read a plan's execution.
///
/// Counts by progress, % done, overdue items (due before today and not done) and figures per
/// responsible person.
#[utoipa::path(
    operation_id = "getPlanExecution",
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The figures.", body = ExecutionView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/plans/{id}/execution")]
pub async fn execution(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let l = load(&state, &auth, &id).await?;
    let figures = l.plan.execution(Utc::now().date_naive());
    let people: Vec<StaffId> = figures.by_responsible.iter().map(|r| r.staff).collect();
    let staff = state.store.staff_by_ids(&people).await?;
    Ok(HttpResponse::Ok().json(ExecutionView::new(&figures, &staff)))
}

/// The name of the body that reviewed the plan, as the printed plan says it: the commission's
/// own name, or the council's.
async fn reviewer(state: &AppState, p: &Plan, language: Lang) -> Result<Option<String>, ApiError> {
    Ok(match (p.review, p.reviewing_body(), p.owner) {
        (Some(_), Some(BodyKind::Commission), Owner::Commission(c)) => {
            state.store.get_commission(c).await?.map(|c| c.name.to_string())
        }
        (Some(_), Some(body), _) if body != BodyKind::Commission => Some(body.label().get(language).to_owned()),
        _ => None,
    })
}

/// The plan as a printable page.
///
/// The familiar paper form on A4: "Каралды" (reviewed: body, protocol number, date) on the
/// left and "Бекитилди" (approved: the approver's name, signature line, date) on the right,
/// then the title, year, the school's theme and the table № / activity / form / deadline /
/// responsible / note.
#[utoipa::path(
    operation_id = "getPlanDocument",
    tag = tags::PLANS,
    params(("id" = Uuid, Path, description = "Plan id"), DocumentQuery),
    responses(
        (status = 200, description = "The plan: an HTML page, or with `Accept: application/pdf` the same page as an A4 PDF (fonts embedded).", content((String = "text/html; charset=utf-8"), (Vec<u8> = "application/pdf"))),
        crate::openapi::DocumentErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/plans/{id}/document")]
pub async fn document(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<DocumentQuery>,
) -> Result<HttpResponse, ApiError> {
    let language = crate::extract::document_lang(q.lang.as_deref())?;
    let format = crate::documents::format(&req)?;
    let l = load(&state, &auth, &id).await?;
    let p = &l.plan;
    let mut ids: Vec<StaffId> = p.items.iter().flat_map(|i| i.responsible.iter().copied()).collect();
    ids.extend(p.approved.map(|(s, _)| s));
    if let Owner::Teacher(t) = p.owner {
        ids.push(t);
    }
    let people = state.store.staff_by_ids(&ids).await?;
    let reviewer = reviewer(&state, p, language).await?;
    let theme = l.around.school_theme.as_deref();
    let html = crate::documents::plan(p, &l.school, theme, reviewer.as_deref(), &people, language);
    crate::documents::respond(format, html, language, format!("plan-{}", p.id)).await
}
