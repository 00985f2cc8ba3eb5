//! The events feed: every audited change as an event, in order, for what the caller may see.

use crate::auth::Auth;
use crate::extract::bad_param;
use crate::openapi::tags;
use crate::problem::{ApiError, FieldErrorKind, ProblemCode};
use crate::query;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::events::{EventType, feed_scope};
use usul_persistence::{EVENT_RETENTION_DAYS, Event, FeedPosition};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list);
}

/// How far the feed stays behind the present on PostgreSQL, beyond the oldest open write, so
/// that an event committed late by a slower write is never skipped by a cursor past it.
const SETTLE_SECONDS: i64 = 1;

/// The type of an event: what happened, in the past tense. Each audited action has one (the
/// audit action `plan.approve` makes `plan.approved`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventTypeCode(#[serde(with = "event_type_code")] pub EventType);

mod event_type_code {
    use serde::{Deserialize, Deserializer, Serializer};
    use usul_domain::events::EventType;
    pub fn serialize<S: Serializer>(t: &EventType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(t.code())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<EventType, D::Error> {
        let raw = std::borrow::Cow::<'de, str>::deserialize(d)?;
        EventType::parse(&raw).ok_or_else(|| serde::de::Error::custom("invalid_value"))
    }
}

impl utoipa::PartialSchema for EventTypeCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("The type of an event: what happened to which kind of resource, in the past tense."))
            .enum_values(Some(EventType::ALL.iter().map(|t| t.code())))
            .examples([serde_json::json!("plan.approved")])
            .into()
    }
}

impl ToSchema for EventTypeCode {
    fn name() -> std::borrow::Cow<'static, str> {
        "EventType".into()
    }
}

/// The changed resource.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventResource {
    /// Its kind: `plan`, `report`, `commission`, `meeting`, `staff`, `school`, …
    #[schema(example = "plan")]
    pub kind: String,
    /// Its id (`null` for a change of a whole collection, such as a school year's theme).
    pub id: Option<Uuid>,
    /// Where to read it, when the API has a path for it.
    #[schema(example = "/api/v1/plans/01930a4e-7c1b-7cc0-9d7e-5b1a2c3d4e5f")]
    pub href: Option<String>,
}

/// Who made the change and how the audit trail records it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventData {
    /// The audit action behind the event, e.g. `plan.approve`.
    #[schema(example = "plan.approve")]
    pub action: String,
    /// `staff`, `service_account` or `system`.
    #[schema(example = "staff")]
    pub actor_kind: String,
    /// The acting account.
    pub actor_id: Option<Uuid>,
    /// The audit trail's one-line summary.
    #[schema(example = "approved")]
    pub summary: String,
}

/// One event: the body of a webhook delivery, and an item of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// The event's id (a UUID v7; the same in the feed and in every delivery of it).
    pub id: Uuid,
    #[schema(value_type = String, example = "plan.approved")]
    #[serde(rename = "type")]
    pub event_type: EventTypeCode,
    /// When the change was written (RFC 3339, UTC).
    pub occurred_at: DateTime<Utc>,
    /// The school the change belongs to, if any.
    pub school_id: Option<Uuid>,
    /// The district the change belongs to, if any.
    pub district_id: Option<Uuid>,
    pub resource: EventResource,
    pub data: EventData,
}

/// The API path of a resource of `kind`, where one exists.
fn href(kind: &str, id: Option<Uuid>) -> Option<String> {
    let id = id?;
    let base = match kind {
        "plan" => "plans",
        "report" => "reports",
        "commission" => "commissions",
        "meeting" => "meetings",
        "staff" => "staff",
        "school" => "schools",
        "district" => "districts",
        "activity" => "activities",
        "material" => "materials",
        "mentorship" => "mentorships",
        "training" => "trainings",
        "outside_work" => "outside-work",
        _ => return None,
    };
    Some(format!("/api/v1/{base}/{id}"))
}

impl From<Event> for EventView {
    fn from(e: Event) -> Self {
        Self {
            id: e.id,
            event_type: EventTypeCode(e.event_type),
            occurred_at: e.occurred_at,
            school_id: e.school.map(|s| s.uuid()),
            district_id: e.district.map(|d| d.uuid()),
            resource: EventResource {
                href: href(&e.resource_kind, e.resource_id),
                kind: e.resource_kind,
                id: e.resource_id,
            },
            data: EventData { action: e.action, actor_kind: e.actor_kind, actor_id: e.actor_id, summary: e.summary },
        }
    }
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    /// The events, oldest first.
    pub items: Vec<EventView>,
    /// Pass as `after` to read on: the position after this page's last event (the `after`
    /// sent, when the page is empty; `null` only when nothing has happened yet).
    #[schema(example = "ev1.00062b4c1d2e3f40.01930a4e7c1b7cc09d7e5b1a2c3d4e5f")]
    pub next_cursor: Option<String>,
}

/// A position in the feed, opaque to clients: `ev1.<time>.<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventCursor(pub FeedPosition);

impl EventCursor {
    /// The text form.
    #[must_use]
    pub fn encode(self) -> String {
        format!("ev1.{:016x}.{}", self.0.at.timestamp_micros(), self.0.id.simple())
    }

    /// Reads the text form; `None` when malformed.
    #[must_use]
    pub fn decode(raw: &str) -> Option<Self> {
        let rest = raw.strip_prefix("ev1.")?;
        let (micros, id) = rest.split_once('.')?;
        if micros.len() != 16 || id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let micros = i64::from_str_radix(micros, 16).ok()?;
        let at = Utc.timestamp_micros(micros).single()?;
        Some(Self(FeedPosition { at, id: Uuid::parse_str(id).ok()? }))
    }
}

impl<'de> Deserialize<'de> for EventCursor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        query::parse_with(d, |raw| Self::decode(raw).ok_or(FieldErrorKind::InvalidFormat))
    }
}

/// The feed's parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// The `next_cursor` of the page before; from the oldest kept event when absent.
    #[param(value_type = Option<String>, pattern = "^ev1\\.[0-9a-f]{16}\\.[0-9a-f]{32}$")]
    pub after: Option<EventCursor>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
}

/// Read the events feed.
///
/// Every change the audit trail records is also an event, written in the same transaction as
/// the change (a transactional outbox), of a type named in the past tense (`EventType`:
/// `plan.submitted`, `plan.approved`, `report.accepted`, `meeting.finalized`,
/// `staff.created`, …). The feed answers them in the order they were written, for what the
/// caller may see: a school's director and deputy read their school's events, a district's
/// methodologists and service accounts those of the district and its schools, the ministry and
/// administrators all; teachers are refused (403). Read on with `after` set to the page's
/// `next_cursor`; an empty page keeps the cursor, so the same call polls for news. On
/// PostgreSQL the feed stays a moment behind the oldest write still open, so that an event
/// committed late is never skipped. Events are kept 30 days: an older cursor answers 410
/// `event_cursor_expired`, a malformed one 400 `invalid_parameter`.
#[utoipa::path(
    operation_id = "listEvents",
    tag = tags::EVENTS,
    params(EventsQuery),
    responses(
        (status = 200, description = "A page of events, oldest first.", body = EventPage),
        crate::openapi::GuardedReadErrors,
        (status = 410, response = crate::openapi::EventCursorExpired),
    ),
    security(("bearer" = [])),
)]
#[get("/events")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    q: query::Query<EventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let scope = feed_scope(&auth.actor).ok_or(ApiError::Forbidden)?;
    let now = usul_persistence::now();
    if let Some(c) = q.after {
        if c.0.at > now + Duration::minutes(5) {
            return Err(bad_param("after", FieldErrorKind::InvalidValue));
        }
        if c.0.at < now - Duration::days(EVENT_RETENTION_DAYS) {
            return Err(ApiError::Status {
                status: StatusCode::GONE,
                code: ProblemCode::EventCursorExpired,
                detail: format!(
                    "Events are kept {EVENT_RETENTION_DAYS} days; this cursor is older. Read the feed again from its start (without `after`)."
                ),
            });
        }
    }
    let until = match state.store.oldest_open_write().await? {
        Some(oldest) => oldest.min(now) - Duration::seconds(SETTLE_SECONDS),
        None => now + Duration::seconds(1),
    };
    let limit = query::paging(q.limit, None).limit;
    let events = state.store.events(scope, q.after.map(|c| c.0), until, limit).await?;
    let next_cursor = events
        .last()
        .map(|e| EventCursor(FeedPosition { at: e.occurred_at, id: e.id }))
        .or(q.after)
        .map(EventCursor::encode);
    Ok(HttpResponse::Ok().json(EventPage { items: events.into_iter().map(Into::into).collect(), next_cursor }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_wrote_and_refuses_anything_else() {
        let c = EventCursor(FeedPosition { at: usul_persistence::now(), id: Uuid::now_v7() });
        assert_eq!(EventCursor::decode(&c.encode()), Some(c));
        for bad in [
            "",
            "ev1.",
            "c1abc",
            "ev1.zz.00",
            "ev2.00062b4c1d2e3f40.01930a4e7c1b7cc09d7e5b1a2c3d4e5f",
            "ev1.00062b4c1d2e3f40.01930a4e7c1b7cc09d7e5b1a2c3d4e5",
            "ev1.00062b4c1d2e3f4.01930a4e7c1b7cc09d7e5b1a2c3d4e5f",
        ] {
            assert_eq!(EventCursor::decode(bad), None, "{bad}");
        }
    }
}
