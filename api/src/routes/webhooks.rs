//! Webhook subscriptions: register a receiver for events, read and change it, read its
//! delivery log and replay a delivery. Delivering is the deliverer's ([`crate::webhooks`]).

use crate::auth::Auth;
use crate::extract::{ValidJson, if_match, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, FieldError, FieldErrorKind, ProblemCode};
use crate::query;
use crate::routes::events::EventTypeCode;
use crate::routes::{created, list_of, next_cursor, versioned};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::events::{EventScope, EventType, webhook_scope};
use usul_persistence::{Delivery, NewSubscription, Subscription, SubscriptionPatch};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create).service(list).service(read).service(update).service(remove).service(deliveries).service(replay);
}

/// Longest receiver URL accepted.
const MAX_URL: usize = 2000;

/// Whose events a webhook receives.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookScope {
    /// `school`, `district` or `all` (the ministry's).
    #[schema(example = "school")]
    pub kind: String,
    pub school_id: Option<Uuid>,
    pub district_id: Option<Uuid>,
}

impl From<EventScope> for WebhookScope {
    fn from(s: EventScope) -> Self {
        match s {
            EventScope::All => Self { kind: "all".into(), school_id: None, district_id: None },
            EventScope::District(d) => Self { kind: "district".into(), school_id: None, district_id: Some(d.uuid()) },
            EventScope::School(s) => Self { kind: "school".into(), school_id: Some(s.uuid()), district_id: None },
        }
    }
}

/// A webhook subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: Uuid,
    /// Where deliveries are POSTed.
    #[schema(example = "https://district.example.kg/usul/events")]
    pub url: String,
    /// The event types it receives.
    pub events: Vec<EventTypeCode>,
    pub scope: WebhookScope,
    /// `active`, or `paused` (by its owner, or by the deliverer when it failed for long).
    #[schema(example = "active")]
    pub status: String,
    /// Why it is paused.
    #[schema(example = json!(null))]
    pub paused_reason: Option<String>,
    /// Attempts that failed in a row.
    pub consecutive_failures: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    /// The signing secret, shown only in the answer to the registration: keep it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")]
    pub secret: Option<String>,
}

impl From<&Subscription> for WebhookView {
    fn from(s: &Subscription) -> Self {
        Self {
            id: s.id,
            url: s.url.clone(),
            events: s.event_types.iter().copied().map(EventTypeCode).collect(),
            scope: s.scope.into(),
            status: if s.paused.is_some() { "paused" } else { "active" }.to_owned(),
            paused_reason: s.paused.clone(),
            consecutive_failures: s.consecutive_failures,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
            secret: None,
        }
    }
}

list_of!(WebhookList, WebhookView, "A page of webhook subscriptions.");

/// A new subscription.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://district.example.kg/usul/events", "events": ["plan.approved", "report.submitted"]}))]
pub struct CreateWebhookBody {
    /// An http(s) URL on the public internet.
    #[schema(max_length = 2000)]
    pub url: String,
    /// The event types to receive, at least one.
    #[schema(min_items = 1)]
    pub events: Vec<EventTypeCode>,
}

/// A change to a subscription: only the fields sent change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "paused"}))]
pub struct UpdateWebhookBody {
    /// `paused` stops deliveries (pending ones wait); `active` resumes them and clears the
    /// failure count.
    #[schema(example = "active")]
    pub status: Option<WebhookStatus>,
    /// The event types to receive from now on.
    pub events: Option<Vec<EventTypeCode>>,
    /// A new receiver URL.
    pub url: Option<String>,
}

/// Whether a subscription delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookStatus {
    Active,
    Paused,
}

/// One delivery of one event, with its last attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// The delivery's id: the `webhook-id` header of every attempt of it.
    pub id: Uuid,
    /// The event delivered (see `GET /api/v1/events`).
    pub event_id: Uuid,
    /// `pending` (waiting for its next attempt), `delivered` (2xx), or `failed` (given up).
    #[schema(example = "delivered")]
    pub status: String,
    /// Attempts made.
    pub attempts: i32,
    /// When a pending delivery is next tried.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status at the last attempt, if it answered.
    #[schema(example = 200)]
    pub last_status: Option<i32>,
    /// What went wrong at the last attempt (`HTTP 500`, `timed out`, …).
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The delivery this one replays.
    pub replay_of: Option<Uuid>,
}

impl From<&Delivery> for DeliveryView {
    fn from(d: &Delivery) -> Self {
        Self {
            id: d.id,
            event_id: d.event,
            status: d.status.code().to_owned(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_attempt_at: d.last_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error.clone(),
            delivered_at: d.delivered_at,
            created_at: d.created_at,
            replay_of: d.replay_of,
        }
    }
}

list_of!(DeliveryList, DeliveryView, "A page of deliveries, oldest first.");

/// Paging of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookPageQuery {
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<String>, pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<query::Cursor>,
}

/// The caller's webhook scope, or 403.
fn scope_of(auth: &Auth) -> Result<EventScope, ApiError> {
    webhook_scope(&auth.actor).ok_or(ApiError::Forbidden)
}

/// A subscription of the caller's scope; any other is 404.
async fn load(state: &AppState, auth: &Auth, raw: &str) -> Result<Subscription, ApiError> {
    let scope = scope_of(auth)?;
    let id = path_id("id", raw)?;
    state.store.subscription(id).await?.filter(|s| s.scope == scope).ok_or(ApiError::NotFound)
}

fn event_types(field: &str, codes: &[EventTypeCode]) -> Result<Vec<EventType>, ApiError> {
    if codes.is_empty() {
        return Err(ApiError::Validation(vec![FieldError::new(field, FieldErrorKind::Empty)]));
    }
    let mut out: Vec<EventType> = Vec::new();
    for t in codes {
        if !out.contains(&t.0) {
            out.push(t.0);
        }
    }
    Ok(out)
}

async fn checked_url(state: &AppState, raw: &str) -> Result<String, ApiError> {
    if raw.len() > MAX_URL {
        return Err(ApiError::Validation(vec![FieldError::new("url", FieldErrorKind::TooLong(MAX_URL))]));
    }
    match crate::webhooks::check_url(raw, state.settings.webhooks.allow_private).await {
        Ok(url) => Ok(url.to_string()),
        Err(why) => Err(ApiError::Rule {
            code: ProblemCode::WebhookUrlRefused,
            detail: why.to_string(),
            extra: Some(serde_json::json!({"field": "url"})),
        }),
    }
}

/// Register a webhook.
///
/// Registers a receiver for the listed event types (see `EventType`) of the caller's scope: a
/// school's director registers for their school, a district's methodologist or service
/// account for the district and its schools, a ministry methodologist for every district;
/// others are refused (403). The URL must be http(s) on the public internet: a loopback,
/// private or link-local address, or a name that resolves to one, is refused (422
/// `webhook_url_refused`) unless the server runs with `USUL_WEBHOOK_ALLOW_PRIVATE=true`.
///
/// The answer carries the signing `secret` (`whsec_…`) — the only time it is shown. Each
/// delivery is a POST of the event (the `EventView` of the feed) with the Standard Webhooks
/// headers `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
/// "{webhook-id}.{webhook-timestamp}.{body}" keyed by the secret's base64-decoded bytes>`. A
/// 2xx answer delivers it; anything else, or no answer within the timeout, is retried with
/// backoff for more than a day (see the README), in order per resource.
#[utoipa::path(
    operation_id = "createWebhook",
    tag = tags::WEBHOOKS,
    request_body = CreateWebhookBody,
    params(crate::openapi::IdempotencyKey),
    responses(
        (status = 201, description = "Registered; the secret is shown this once.", body = WebhookView, headers(("Location" = String))),
        crate::openapi::WriteErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: ValidJson<CreateWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&auth)?;
    let body = body.0;
    let types = event_types("events", &body.events)?;
    let url = checked_url(&state, &body.url).await?;
    let secret = crate::webhooks::new_secret();
    let sub = state
        .store
        .create_subscription(NewSubscription {
            scope,
            url,
            event_types: types,
            secret: secret.clone(),
            created_by: auth.audit("").actor_id,
        })
        .await?;
    let mut view = WebhookView::from(&sub);
    view.secret = Some(secret);
    Ok(created(format!("/api/v1/webhooks/{}", sub.id), sub.version, &view))
}

/// List webhooks.
///
/// The webhooks of the caller's scope (a director's school, a district, or the ministry's),
/// oldest first; the secrets are not shown.
#[utoipa::path(
    operation_id = "listWebhooks",
    tag = tags::WEBHOOKS,
    params(WebhookPageQuery),
    responses(
        (status = 200, description = "A page of webhooks.", body = WebhookList),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/webhooks")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    q: query::Query<WebhookPageQuery>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&auth)?;
    let page = state.store.subscriptions(scope, query::paging(q.limit, q.cursor).request()).await?;
    Ok(HttpResponse::Ok().json(WebhookList {
        items: page.items.iter().map(WebhookView::from).collect(),
        next_cursor: next_cursor(page.next),
        sync_token: None,
        deleted: None,
    }))
}

/// Read a webhook.
///
/// Its URL, event types, status — and, when the deliverer paused it, why
/// (`paused_reason`). Another scope's webhook answers 404.
#[utoipa::path(
    operation_id = "getWebhook",
    tag = tags::WEBHOOKS,
    params(("id" = Uuid, Path, description = "Webhook id"), crate::openapi::IfNoneMatch),
    responses(
        (status = 200, description = "The webhook.", body = WebhookView, headers(("ETag" = String))),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/webhooks/{id}")]
pub async fn read(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sub = load(&state, &auth, &id).await?;
    Ok(versioned(&req, sub.version, &WebhookView::from(&sub)))
}

/// Change a webhook: pause, resume, events, URL.
///
/// `status: paused` stops its deliveries (those pending wait, and events meanwhile are not
/// queued for it); `status: active` resumes and clears the failure count — the way back after
/// the deliverer paused it. Send `If-Match` with its `ETag`.
#[utoipa::path(
    operation_id = "updateWebhook",
    tag = tags::WEBHOOKS,
    request_body = UpdateWebhookBody,
    params(("id" = Uuid, Path, description = "Webhook id"), crate::openapi::IfMatch),
    responses(
        (status = 200, description = "Changed.", body = WebhookView, headers(("ETag" = String))),
        crate::openapi::EditErrors,
    ),
    security(("bearer" = [])),
)]
#[patch("/webhooks/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: ValidJson<UpdateWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    let sub = load(&state, &auth, &id).await?;
    let body = body.0;
    let event_types = body.events.as_deref().map(|e| event_types("events", e)).transpose()?;
    let url = match &body.url {
        Some(u) => Some(checked_url(&state, u).await?),
        None => None,
    };
    let paused = body.status.map(|s| match s {
        WebhookStatus::Paused => Some("paused by its owner".to_owned()),
        WebhookStatus::Active => None,
    });
    let sub =
        state.store.update_subscription(sub.id, if_match(&req), SubscriptionPatch { paused, event_types, url }).await?;
    Ok(versioned(&req, sub.version, &WebhookView::from(&sub)))
}

/// Delete a webhook.
///
/// It receives nothing more; its delivery log goes with it.
#[utoipa::path(
    operation_id = "deleteWebhook",
    tag = tags::WEBHOOKS,
    params(("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 204, description = "Deleted."),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[delete("/webhooks/{id}")]
pub async fn remove(state: web::Data<AppState>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let sub = load(&state, &auth, &id).await?;
    state.store.delete_subscription(sub.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Read a webhook's delivery log.
///
/// Every delivery, oldest first: its event, status (`pending`, `delivered`, `failed`),
/// attempts, the last answer or error, and when a pending one is tried next.
#[utoipa::path(
    operation_id = "listWebhookDeliveries",
    tag = tags::WEBHOOKS,
    params(("id" = Uuid, Path, description = "Webhook id"), WebhookPageQuery),
    responses(
        (status = 200, description = "A page of deliveries.", body = DeliveryList),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<WebhookPageQuery>,
) -> Result<HttpResponse, ApiError> {
    let sub = load(&state, &auth, &id).await?;
    let page = state.store.deliveries(sub.id, query::paging(q.limit, q.cursor).request()).await?;
    Ok(HttpResponse::Ok().json(DeliveryList {
        items: page.items.iter().map(DeliveryView::from).collect(),
        next_cursor: next_cursor(page.next),
        sync_token: None,
        deleted: None,
    }))
}

/// Replay a delivery.
///
/// Sends the delivery's event again as a new delivery (a new `webhook-id`, so a receiver that
/// drops duplicates takes it), due now, with `replay_of` naming the original; it keeps its
/// place in the order of its resource.
#[utoipa::path(
    operation_id = "replayWebhookDelivery",
    tag = tags::WEBHOOKS,
    params(
        ("id" = Uuid, Path, description = "Webhook id"),
        ("delivery_id" = Uuid, Path, description = "Delivery id"),
        crate::openapi::IdempotencyKey,
    ),
    responses(
        (status = 202, description = "Queued.", body = DeliveryView),
        crate::openapi::GuardedReadErrors,
    ),
    security(("bearer" = [])),
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/replay")]
pub async fn replay(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let sub = load(&state, &auth, &path.0).await?;
    let delivery = path_id("delivery_id", &path.1)?;
    let d = state.store.replay_delivery(sub.id, delivery).await?;
    Ok(HttpResponse::Accepted().json(DeliveryView::from(&d)))
}
