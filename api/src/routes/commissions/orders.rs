//! The school orders (*буйрук*) that approve, change and dissolve commissions (R-3.2.2d).

use super::dto::{OrderList, OrderView};
use crate::auth::Auth;
use crate::extract::path_id;
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query;
use crate::routes::districts::PageQuery;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use usul_domain::commission::command::may_read;
use usul_domain::ids::{OrderId, SchoolId};

/// List a school's orders.
///
/// The school orders (*буйрук*) that approve, change and dissolve its commissions, a page at a
/// time.
#[utoipa::path(
    operation_id = "listOrders",
    tag = tags::ORDERS,
    params(("id" = Uuid, Path, description = "School id"), PageQuery),
    responses(
        (status = 200, description = "A page of orders, oldest first.", body = OrderList),
        crate::openapi::ReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/orders")]
pub async fn list_orders(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = state.store.get_school(SchoolId::from_uuid(path_id("id", &id)?)).await?.ok_or(ApiError::NotFound)?;
    may_read(&auth.actor, &school)?;
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let page = state.store.list_orders(school.id, sync.since, query::paging(q.limit, q.cursor).request()).await?;
    let mut list = OrderList::from(&page);
    (list.sync_token, list.deleted) = (sync_token, sync.deleted(&state, "orders", Some(school.id.uuid()), None).await?);
    Ok(HttpResponse::Ok().json(list))
}

/// Read an order.
///
/// One school order: its number, date and what it decided.
#[utoipa::path(
    operation_id = "getOrder",
    tag = tags::ORDERS,
    params(("id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order.", body = OrderView),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/orders/{id}")]
pub async fn read_order(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let o = state.store.get_order(OrderId::from_uuid(path_id("id", &id)?)).await?.ok_or(ApiError::NotFound)?;
    let school = state.store.get_school(o.school).await?.ok_or(ApiError::NotFound)?;
    may_read(&auth.actor, &school)?;
    Ok(HttpResponse::Ok().json(OrderView::from(&o)))
}
