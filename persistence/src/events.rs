//! The events outbox: written with every audit record, in the same transaction, and fanned out
//! to the webhook deliveries of the subscriptions that want it; read as a feed in order.

use crate::entities::{event, school, webhook_delivery, webhook_subscription};
use crate::{Audit, Store, StoreError, StoreResult, now};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Alias, CommonTableExpression, Expr, InsertStatement, Query, SelectStatement, WithClause};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Statement,
};
use usul_domain::events::{EventScope, EventType};
use usul_domain::ids::{DistrictId, SchoolId};
use uuid::Uuid;

/// How long events are kept, in days: a feed cursor older than this cannot be served.
pub const EVENT_RETENTION_DAYS: i64 = 30;

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event's id (UUID v7).
    pub id: Uuid,
    /// When the change was written.
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub event_type: EventType,
    /// The school it belongs to, if any.
    pub school: Option<SchoolId>,
    /// The district it belongs to, if any.
    pub district: Option<DistrictId>,
    /// The kind of the changed resource (`plan`, `staff`, …).
    pub resource_kind: String,
    /// The changed resource.
    pub resource_id: Option<Uuid>,
    /// The audit action behind it (`plan.approve`).
    pub action: String,
    /// `staff`, `service_account` or `system`.
    pub actor_kind: String,
    /// The acting account.
    pub actor_id: Option<Uuid>,
    /// The audit trail's one-line summary.
    pub summary: String,
}

/// A position in the feed: after the event written at `at` with this `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedPosition {
    /// The event's time.
    pub at: DateTime<Utc>,
    /// The event's id.
    pub id: Uuid,
}

impl TryFrom<event::Model> for Event {
    type Error = StoreError;
    fn try_from(m: event::Model) -> StoreResult<Self> {
        Ok(Self {
            id: m.id,
            occurred_at: m.occurred_at,
            event_type: EventType::parse(&m.event_type)
                .ok_or_else(|| StoreError::Corrupt(format!("events.event_type: {}", m.event_type)))?,
            school: m.school_id.map(SchoolId::from_uuid),
            district: m.district_id.map(DistrictId::from_uuid),
            resource_kind: m.resource_kind,
            resource_id: m.resource_id,
            action: m.action,
            actor_kind: m.actor_kind,
            actor_id: m.actor_id,
            summary: m.summary,
        })
    }
}

/// What an audited change was, for its event.
pub(crate) struct Change<'a> {
    pub(crate) action: &'a str,
    pub(crate) entity: &'a str,
    pub(crate) entity_id: Option<Uuid>,
    pub(crate) school_id: Option<Uuid>,
    pub(crate) district_id: Option<Uuid>,
}

/// Writes the audit rows of changes alike (`audit_rows`, an `INSERT`, a row for each of
/// `records`: who, and when), their events, and a pending delivery of each for every active
/// webhook subscription whose scope covers it and that asked for its type — all in the
/// caller's transaction, so the changes, their events and their deliveries commit or vanish
/// together.
///
/// On PostgreSQL the audit rows, the events and the reading of the subscriptions are one
/// statement (the two inserts as data-modifying `WITH` parts of the `SELECT`): a write then
/// pays one round trip for its record, not three. On SQLite the three statements go as one
/// text, also one round trip to the connection's thread. Deliveries, when some subscription
/// wants the events, take one more.
///
/// # Errors
/// [`StoreError::Corrupt`] for an audit action the event table does not know (a programming
/// error: add it to `usul_domain::events`), [`StoreError::Db`].
pub(crate) async fn record_event(
    db: &impl ConnectionTrait,
    audit_row: InsertStatement,
    records: &[(&Audit, DateTime<Utc>)],
    change: &Change<'_>,
) -> StoreResult<()> {
    let &Change { action, entity, entity_id, school_id, district_id } = change;
    let event_type = EventType::of_audit_action(action)
        .ok_or_else(|| StoreError::Corrupt(format!("the audit action `{action}` has no event type")))?;
    // Most call sites name the school only; the district decides who else sees the event. It
    // is read inside the statements that need it, not by one of its own.
    let district = match (district_id, school_id) {
        (Some(d), _) => Expr::value(d),
        (None, Some(s)) => Expr::SubQuery(None, Box::new(district_of(s).into())),
        (None, None) => Expr::value(Option::<Uuid>::None),
    };
    let mut insert = Query::insert()
        .into_table(event::Entity)
        .columns([
            event::Column::Id,
            event::Column::OccurredAt,
            event::Column::EventType,
            event::Column::SchoolId,
            event::Column::DistrictId,
            event::Column::ResourceKind,
            event::Column::ResourceId,
            event::Column::Action,
            event::Column::ActorKind,
            event::Column::ActorId,
            event::Column::Summary,
        ])
        .to_owned();
    let mut written = Vec::with_capacity(records.len());
    for &(audit, at) in records {
        let id = Uuid::now_v7();
        insert.values_panic([
            Expr::value(id),
            Expr::value(at),
            Expr::value(event_type.code()),
            Expr::value(school_id),
            district.clone(),
            Expr::value(entity),
            Expr::value(entity_id),
            Expr::value(action),
            Expr::value(audit.actor_kind),
            Expr::value(audit.actor_id),
            Expr::value(audit.summary.as_str()),
        ]);
        written.push((id, at));
    }
    let mut scopes = Condition::any().add(webhook_subscription::Column::Scope.eq("all"));
    if let Some(s) = school_id {
        scopes = scopes.add(
            Condition::all()
                .add(webhook_subscription::Column::Scope.eq("school"))
                .add(webhook_subscription::Column::SchoolId.eq(s)),
        );
    }
    let in_district = match (district_id, school_id) {
        (Some(d), _) => Some(webhook_subscription::Column::DistrictId.eq(d)),
        (None, Some(s)) => Some(webhook_subscription::Column::DistrictId.in_subquery(district_of(s))),
        (None, None) => None,
    };
    if let Some(in_district) = in_district {
        scopes = scopes.add(Condition::all().add(webhook_subscription::Column::Scope.eq("district")).add(in_district));
    }
    let subscribed = webhook_subscription::Entity::find()
        .select_only()
        .column(webhook_subscription::Column::Id)
        .column(webhook_subscription::Column::EventTypes)
        .filter(webhook_subscription::Column::Status.eq("active"))
        .filter(scopes);
    let subscribers: Vec<(Uuid, String)> = if db.get_database_backend() == DbBackend::Postgres {
        let part = |name: &str, insert: InsertStatement| {
            CommonTableExpression::new().query(insert).table_name(Alias::new(name)).to_owned()
        };
        let one = WithClause::new()
            .cte(part("audit_row", audit_row))
            .cte(part("event_row", insert))
            .to_owned()
            .query(subscribed.into_query());
        let mut subscribers = Vec::new();
        for row in db.query_all(&one).await? {
            subscribers.push((row.try_get_by_index::<Uuid>(0)?, row.try_get_by_index::<String>(1)?));
        }
        subscribers
    } else {
        // SQLite: the two inserts and the lookup in one round trip to the connection's thread,
        // which runs the statements of the text in turn, each binding its own values in order.
        // Only the lookup returns rows. Under the single writer every round trip saved is time
        // the other writers no longer wait.
        let backend = db.get_database_backend();
        let parts = [backend.build(&audit_row), backend.build(&insert), backend.build(&subscribed.into_query())];
        let sql = parts.iter().map(|s| s.sql.as_str()).collect::<Vec<_>>().join(";\n");
        let values: Vec<sea_orm::Value> =
            parts.into_iter().flat_map(|s| s.values.map(|v| v.0).unwrap_or_default()).collect();
        let mut subscribers = Vec::new();
        for row in db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await? {
            subscribers.push((row.try_get_by_index::<Uuid>(0)?, row.try_get_by_index::<String>(1)?));
        }
        subscribers
    };
    let resource_key = format!("{entity}:{}", entity_id.unwrap_or_default());
    let deliveries: Vec<_> = subscribers
        .iter()
        .filter(|(_, types)| types.split(',').any(|t| t == event_type.code()))
        .flat_map(|&(subscription, _)| written.iter().map(move |&(id, at)| (subscription, id, at)))
        .map(|(subscription, id, at)| crate::webhooks::new_delivery(subscription, id, at, &resource_key, None))
        .collect();
    if !deliveries.is_empty() {
        webhook_delivery::Entity::insert_many(deliveries).exec_without_returning(db).await?;
    }
    Ok(())
}

/// The district of school `s`, as a subquery.
fn district_of(s: Uuid) -> SelectStatement {
    Query::select()
        .column(school::Column::DistrictId)
        .from(school::Entity)
        .and_where(school::Column::Id.eq(s))
        .to_owned()
}

/// The condition of an event's scope.
pub(crate) fn scope_condition(scope: EventScope) -> Condition {
    match scope {
        EventScope::All => Condition::all(),
        EventScope::District(d) => Condition::all().add(event::Column::DistrictId.eq(d.uuid())),
        EventScope::School(s) => Condition::all().add(event::Column::SchoolId.eq(s.uuid())),
    }
}

impl Store {
    /// Up to `limit` events within `scope`, in order, after `after` (from the start when
    /// `None`), and — so that a page never skips an event committed late by a slower write —
    /// only those written before `until`. One query.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn events(
        &self,
        scope: EventScope,
        after: Option<FeedPosition>,
        until: DateTime<Utc>,
        limit: u64,
    ) -> StoreResult<Vec<Event>> {
        let mut q = event::Entity::find()
            .filter(scope_condition(scope))
            .filter(event::Column::OccurredAt.lt(until))
            .order_by_asc(event::Column::OccurredAt)
            .order_by_asc(event::Column::Id)
            .limit(limit);
        if let Some(p) = after {
            q = q.filter(
                Condition::any()
                    .add(event::Column::OccurredAt.gt(p.at))
                    .add(Condition::all().add(event::Column::OccurredAt.eq(p.at)).add(event::Column::Id.gt(p.id))),
            );
        }
        q.all(&self.db).await?.into_iter().map(Event::try_from).collect()
    }

    /// One event by id.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn event(&self, id: Uuid) -> StoreResult<Option<Event>> {
        event::Entity::find_by_id(id).one(&self.db).await?.map(Event::try_from).transpose()
    }

    /// Forgets events older than the retention (their deliveries with them); returns how many.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn purge_events(&self) -> StoreResult<u64> {
        let cutoff = now() - Duration::days(EVENT_RETENTION_DAYS);
        let old = Condition::all().add(webhook_delivery::Column::EventAt.lt(cutoff));
        webhook_delivery::Entity::delete_many().filter(old).exec(&self.db).await?;
        Ok(event::Entity::delete_many()
            .filter(event::Column::OccurredAt.lt(cutoff))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use usul_domain::events::EventType;
    use usul_domain::plan::PlanAction;
    use usul_domain::report::ReportAction;

    /// The string literals in `text` that look like audit actions (`area.verb`).
    fn action_literals(text: &str) -> Vec<String> {
        text.split('"')
            .skip(1)
            .step_by(2)
            .filter(|l| {
                l.contains('.')
                    && !l.starts_with('.')
                    && l.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
            })
            .map(str::to_owned)
            .collect()
    }

    /// The text of the balanced parentheses that open at `from` (just after the `(`).
    fn call_args(text: &str, from: usize) -> &str {
        let mut depth = 1;
        for (i, c) in text[from..].char_indices() {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            if depth == 0 {
                return &text[from..from + i];
            }
        }
        &text[from..]
    }

    fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).expect("read"));
            }
        }
    }

    /// Every audit action the code can write — the literals passed to `record_audit`, bound to
    /// an `action` variable, or returned by a change's `action()` in the domain, and the plan
    /// and report transitions — has an event type: an unknown one would fail the change's
    /// transaction (issue 15: every change the audit trail records is also an event).
    #[test]
    fn every_audit_action_the_code_writes_has_an_event_type() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("src"), &mut files);
        sources(&root.join("../domain/src"), &mut files);
        let mut actions: Vec<String> = Vec::new();
        for text in &files {
            for (at, _) in text.match_indices("record_audit(") {
                let args = call_args(text, at + "record_audit(".len());
                actions.extend(action_literals(args).into_iter().take(1));
            }
            for line in text.lines().filter(|l| l.contains("let action =")) {
                actions.extend(action_literals(line));
            }
            for (at, _) in text.match_indices("fn action(") {
                let body = &text[at..];
                let end = body.find("\n    }\n").unwrap_or(body.len());
                actions.extend(action_literals(&body[..end]));
            }
        }
        for a in [
            PlanAction::Submit,
            PlanAction::Withdraw,
            PlanAction::Review,
            PlanAction::Agree,
            PlanAction::Approve,
            PlanAction::Return,
            PlanAction::Amend,
            PlanAction::Rollover,
        ] {
            actions.push(format!("plan.{}", a.code()));
        }
        for a in [ReportAction::Edit, ReportAction::Submit, ReportAction::Accept, ReportAction::Return] {
            actions.push(format!("report.{}", a.code()));
        }
        actions.retain(|a| !a.ends_with(".rs"));
        assert!(actions.len() > 60, "the scan found too few actions to be trusted: {actions:?}");
        let unknown: Vec<&String> = actions.iter().filter(|a| EventType::of_audit_action(a).is_none()).collect();
        assert!(unknown.is_empty(), "audit actions without an event type: {unknown:?}");
    }
}
