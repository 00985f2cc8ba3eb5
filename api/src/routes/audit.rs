//! A school's audit trail: who changed what, and when.

use crate::auth::Auth;
use crate::extract::path_id;
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query;
use crate::routes::{list_of, next_cursor, school_for};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::SchoolId;
use usul_domain::org::AuditEvent;
use usul_domain::policy::Action;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list);
}

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: Uuid,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// `staff`, `service_account` or `system` (the CLI and demo loader).
    #[schema(example = "staff")]
    pub actor_kind: String,
    /// The account that acted.
    pub actor_id: Option<Uuid>,
    /// What was done, e.g. `staff.deactivate`, `school_year.put`.
    #[schema(example = "staff.deactivate")]
    pub action: String,
    /// The kind of thing changed.
    #[schema(example = "staff")]
    pub entity: String,
    pub entity_id: Option<Uuid>,
    /// A one-line summary.
    #[schema(example = "staff deactivated")]
    pub summary: String,
}

impl From<AuditEvent> for AuditEventView {
    fn from(e: AuditEvent) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            summary: e.summary,
        }
    }
}

list_of!(AuditEventList, AuditEventView, "A page of audit events, oldest first.");

/// Filters of the audit trail.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only changes of this kind of entity: `school`, `school_year`, `subject`, `staff`.
    pub entity: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<String>, pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<query::Cursor>,
    /// Only those changed at or after this time (RFC 3339). A client's clock misses rows
    /// committed late by a slower write: to sync, use `sync_token`.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<query::Since>,
    /// The `sync_token` of an earlier read's first page: only what changed since, and the ids
    /// deleted since in `deleted` (see "Delta sync" in the API description).
    #[param(value_type = Option<String>, pattern = "^st1\\.[0-9a-f]{16}$")]
    pub sync_token: Option<crate::sync::SyncToken>,
}

/// Read a school's audit trail.
///
/// Every change to the school's records — who (person or service account), when, what, and to
/// which entity — oldest first. The director and the deputy read it, and so do the district's
/// users; teachers do not.
#[utoipa::path(
    operation_id = "listAuditEvents",
    tag = tags::AUDIT,
    params(("id" = Uuid, Path, description = "School id"), AuditQuery),
    responses(
        (status = 200, description = "A page of events.", body = AuditEventList),
        crate::openapi::GuardedReadErrors,
        (status = 410, response = crate::openapi::SyncTokenExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/audit-events")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::ReadAudit).await?;
    let paging = query::paging(q.limit, q.cursor);
    let sync = crate::sync::SyncRead::new(q.sync_token, q.updated_since, q.cursor)?;
    let sync_token = sync.next_token(&state).await?;
    let page = state.store.list_audit(school.id, q.entity.as_deref(), sync.since, paging.request()).await?;
    let deleted = sync.deleted(&state, "audit_events", Some(school.id.uuid()), None).await?;
    Ok(HttpResponse::Ok().json(AuditEventList {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: next_cursor(page.next),
        sync_token,
        deleted,
    }))
}
