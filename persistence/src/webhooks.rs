//! Webhook subscriptions and deliveries: registering, listing, pausing; claiming due
//! deliveries with a lease so that several instances send each one once; recording outcomes
//! with the retry schedule; replays.

use crate::entities::{webhook_delivery, webhook_subscription};
use crate::events::Event;
use crate::{Page, PageRequest, Store, StoreError, StoreResult, now, stored};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use usul_domain::events::{EventScope, EventType, pause_reason, retry_delay};
use usul_domain::ids::{DistrictId, SchoolId};
use uuid::Uuid;

/// A registered webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Its id.
    pub id: Uuid,
    /// Whose events it receives.
    pub scope: EventScope,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The event types it receives.
    pub event_types: Vec<EventType>,
    /// The signing secret (`whsec_…`).
    pub secret: String,
    /// Paused (by its owner, or for failing) with the reason, or active.
    pub paused: Option<String>,
    /// Who registered it.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Row version.
    pub version: i32,
    /// Attempts failed in a row.
    pub consecutive_failures: i32,
}

/// A new subscription.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub scope: EventScope,
    pub url: String,
    pub event_types: Vec<EventType>,
    pub secret: String,
    pub created_by: Option<Uuid>,
}

/// A change to a subscription: absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionPatch {
    /// `Some(Some(reason))` pauses, `Some(None)` resumes.
    pub paused: Option<Option<String>>,
    pub event_types: Option<Vec<EventType>>,
    pub url: Option<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt of the schedule failed.
    Failed,
}

impl DeliveryStatus {
    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed].into_iter().find(|x| x.code() == s)
    }
}

/// One delivery of one event to one subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: Uuid,
    pub subscription: Uuid,
    pub event: Uuid,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub replay_of: Option<Uuid>,
}

/// A delivery this deliverer holds the lease of, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
    pub event: Event,
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// 2xx, with the status.
    Delivered(u16),
    /// Anything else: the HTTP status if one came, and what went wrong.
    Failed { status: Option<u16>, error: String },
}

/// The retry policy the deliverer runs with.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The first retry's wait; each next one is three times longer.
    pub base: std::time::Duration,
    /// Attempts before a delivery is given up.
    pub max_attempts: u32,
}

fn scope_parts(scope: EventScope) -> (&'static str, Option<Uuid>, Option<Uuid>) {
    match scope {
        EventScope::All => ("all", None, None),
        EventScope::District(d) => ("district", None, Some(d.uuid())),
        EventScope::School(s) => ("school", Some(s.uuid()), None),
    }
}

fn scope_filter(scope: EventScope) -> Condition {
    let (kind, school, district) = scope_parts(scope);
    let mut c = Condition::all().add(webhook_subscription::Column::Scope.eq(kind));
    if let Some(s) = school {
        c = c.add(webhook_subscription::Column::SchoolId.eq(s));
    }
    if let Some(d) = district {
        c = c.add(webhook_subscription::Column::DistrictId.eq(d));
    }
    c
}

fn encode_types(types: &[EventType]) -> String {
    types.iter().map(|t| t.code()).collect::<Vec<_>>().join(",")
}

impl TryFrom<webhook_subscription::Model> for Subscription {
    type Error = StoreError;
    fn try_from(m: webhook_subscription::Model) -> StoreResult<Self> {
        let scope = match (m.scope.as_str(), m.school_id, m.district_id) {
            ("all", _, _) => EventScope::All,
            ("district", _, Some(d)) => EventScope::District(DistrictId::from_uuid(d)),
            ("school", Some(s), _) => EventScope::School(SchoolId::from_uuid(s)),
            (other, _, _) => return Err(StoreError::Corrupt(format!("webhook_subscriptions.scope: {other}"))),
        };
        let event_types = m
            .event_types
            .split(',')
            .map(|t| stored("webhook_subscriptions.event_types", EventType::parse(t).ok_or(t)))
            .collect::<StoreResult<_>>()?;
        Ok(Self {
            id: m.id,
            scope,
            url: m.url,
            event_types,
            secret: m.secret,
            paused: (m.status != "active").then(|| m.paused_reason.unwrap_or_default()),
            created_by: m.created_by,
            created_at: m.created_at,
            updated_at: m.updated_at,
            version: m.version,
            consecutive_failures: m.consecutive_failures,
        })
    }
}

impl TryFrom<webhook_delivery::Model> for Delivery {
    type Error = StoreError;
    fn try_from(m: webhook_delivery::Model) -> StoreResult<Self> {
        let status = DeliveryStatus::parse(&m.status)
            .ok_or_else(|| StoreError::Corrupt(format!("webhook_deliveries.status: {}", m.status)))?;
        Ok(Self {
            id: m.id,
            subscription: m.subscription_id,
            event: m.event_id,
            status,
            attempts: m.attempts,
            next_attempt_at: (status == DeliveryStatus::Pending).then_some(m.next_attempt_at),
            last_attempt_at: m.last_attempt_at,
            last_status: m.last_status,
            last_error: m.last_error,
            delivered_at: m.delivered_at,
            created_at: m.created_at,
            replay_of: m.replay_of,
        })
    }
}

/// A pending delivery, due now.
pub(crate) fn new_delivery(
    subscription: Uuid,
    event: Uuid,
    event_at: DateTime<Utc>,
    resource_key: &str,
    replay_of: Option<Uuid>,
) -> webhook_delivery::ActiveModel {
    let at = now();
    webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        subscription_id: Set(subscription),
        event_id: Set(event),
        event_at: Set(event_at),
        resource_key: Set(resource_key.to_owned()),
        status: Set(DeliveryStatus::Pending.code().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(at),
        lease_until: Set(None),
        last_attempt_at: Set(None),
        last_status: Set(None),
        last_error: Set(None),
        delivered_at: Set(None),
        created_at: Set(at),
        replay_of: Set(replay_of),
    }
}

/// No earlier delivery of the same resource to the same subscription is still pending (else
/// this one waits: in order per resource).
const BEHIND_AN_EARLIER_ONE: &str = "NOT EXISTS (SELECT 1 FROM webhook_deliveries e \
     WHERE e.subscription_id = webhook_deliveries.subscription_id \
     AND e.resource_key = webhook_deliveries.resource_key AND e.status = 'pending' \
     AND (e.event_at < webhook_deliveries.event_at \
          OR (e.event_at = webhook_deliveries.event_at AND e.id < webhook_deliveries.id)))";

impl Store {
    /// Registers a subscription.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_subscription(&self, new: NewSubscription) -> StoreResult<Subscription> {
        let (kind, school, district) = scope_parts(new.scope);
        let at = now();
        let id = Uuid::now_v7();
        webhook_subscription::Entity::insert(webhook_subscription::ActiveModel {
            id: Set(id),
            scope: Set(kind.to_owned()),
            school_id: Set(school),
            district_id: Set(district),
            url: Set(new.url),
            event_types: Set(encode_types(&new.event_types)),
            secret: Set(new.secret),
            status: Set("active".to_owned()),
            paused_reason: Set(None),
            created_by: Set(new.created_by),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
            consecutive_failures: Set(0),
            failing_since: Set(None),
        })
        .exec_without_returning(&self.db)
        .await?;
        self.subscription(id).await?.ok_or(StoreError::NotFound)
    }

    /// One subscription.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn subscription(&self, id: Uuid) -> StoreResult<Option<Subscription>> {
        webhook_subscription::Entity::find_by_id(id).one(&self.db).await?.map(Subscription::try_from).transpose()
    }

    /// The subscriptions of exactly this scope, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn subscriptions(&self, scope: EventScope, page: PageRequest) -> StoreResult<Page<Subscription>> {
        let mut q = webhook_subscription::Entity::find()
            .filter(scope_filter(scope))
            .order_by_asc(webhook_subscription::Column::Id)
            .limit(page.limit + 1);
        if let Some(a) = page.after {
            q = q.filter(webhook_subscription::Column::Id.gt(a));
        }
        let rows = q.all(&self.db).await?.into_iter().map(Subscription::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(rows, page.limit, |s| s.id))
    }

    /// Changes a subscription at `expected` version (any version when `None`). Resuming clears
    /// the failure count.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::VersionMismatch`], [`StoreError::Db`].
    pub async fn update_subscription(
        &self,
        id: Uuid,
        expected: Option<i32>,
        patch: SubscriptionPatch,
    ) -> StoreResult<Subscription> {
        let current = webhook_subscription::Entity::find_by_id(id).one(&self.db).await?.ok_or(StoreError::NotFound)?;
        if expected.is_some_and(|v| v != current.version) {
            return Err(StoreError::VersionMismatch { current: current.version });
        }
        let mut am = webhook_subscription::ActiveModel {
            version: Set(current.version + 1),
            updated_at: Set(now()),
            ..Default::default()
        };
        match patch.paused {
            Some(Some(reason)) => {
                am.status = Set("paused".to_owned());
                am.paused_reason = Set(Some(reason));
            }
            Some(None) => {
                am.status = Set("active".to_owned());
                am.paused_reason = Set(None);
                am.consecutive_failures = Set(0);
                am.failing_since = Set(None);
            }
            None => {}
        }
        if let Some(t) = &patch.event_types {
            am.event_types = Set(encode_types(t));
        }
        if let Some(u) = patch.url {
            am.url = Set(u);
        }
        let n = webhook_subscription::Entity::update_many()
            .set(am)
            .filter(webhook_subscription::Column::Id.eq(id))
            .filter(webhook_subscription::Column::Version.eq(current.version))
            .exec(&self.db)
            .await?
            .rows_affected;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        self.subscription(id).await?.ok_or(StoreError::NotFound)
    }

    /// Deletes a subscription and its deliveries.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Db`].
    pub async fn delete_subscription(&self, id: Uuid) -> StoreResult<()> {
        let txn = self.write().await?;
        webhook_delivery::Entity::delete_many()
            .filter(webhook_delivery::Column::SubscriptionId.eq(id))
            .exec(&txn)
            .await?;
        let n = webhook_subscription::Entity::delete_by_id(id).exec(&txn).await?.rows_affected;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        txn.commit().await?;
        Ok(())
    }

    /// A subscription's deliveries, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn deliveries(&self, subscription: Uuid, page: PageRequest) -> StoreResult<Page<Delivery>> {
        let mut q = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::SubscriptionId.eq(subscription))
            .order_by_asc(webhook_delivery::Column::Id)
            .limit(page.limit + 1);
        if let Some(a) = page.after {
            q = q.filter(webhook_delivery::Column::Id.gt(a));
        }
        let rows = q.all(&self.db).await?.into_iter().map(Delivery::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(rows, page.limit, |d| d.id))
    }

    /// One delivery of a subscription.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn delivery(&self, subscription: Uuid, id: Uuid) -> StoreResult<Option<Delivery>> {
        webhook_delivery::Entity::find_by_id(id)
            .filter(webhook_delivery::Column::SubscriptionId.eq(subscription))
            .one(&self.db)
            .await?
            .map(Delivery::try_from)
            .transpose()
    }

    /// Sends a delivery's event again: a new delivery (its own id, so receivers do not drop it
    /// as a duplicate), due now, in order behind any pending one of the same resource.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Db`].
    pub async fn replay_delivery(&self, subscription: Uuid, id: Uuid) -> StoreResult<Delivery> {
        let original = webhook_delivery::Entity::find_by_id(id)
            .filter(webhook_delivery::Column::SubscriptionId.eq(subscription))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let row = new_delivery(subscription, original.event_id, original.event_at, &original.resource_key, Some(id));
        let sea_orm::ActiveValue::Set(new_id) = row.id else { return Err(StoreError::NotFound) };
        webhook_delivery::Entity::insert(row).exec_without_returning(&self.db).await?;
        self.delivery(subscription, new_id).await?.ok_or(StoreError::NotFound)
    }

    /// Claims up to `limit` due deliveries for `lease`: pending, due, not leased (or the lease
    /// ran out), of an active subscription, and with no earlier pending delivery of the same
    /// resource. Each is claimed by a conditional UPDATE, so of several instances exactly one
    /// wins it.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn claim_deliveries(&self, limit: u64, lease: std::time::Duration) -> StoreResult<Vec<Claimed>> {
        let at = now();
        let free = Condition::any()
            .add(webhook_delivery::Column::LeaseUntil.is_null())
            .add(webhook_delivery::Column::LeaseUntil.lt(at));
        let active = sea_orm::sea_query::Query::select()
            .column(webhook_subscription::Column::Id)
            .from(webhook_subscription::Entity)
            .and_where(webhook_subscription::Column::Status.eq("active"))
            .to_owned();
        let candidates = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.code()))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(at))
            .filter(free.clone())
            .filter(webhook_delivery::Column::SubscriptionId.in_subquery(active))
            .filter(Expr::cust(BEHIND_AN_EARLIER_ONE))
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .limit(limit)
            .all(&self.db)
            .await?;
        let until = at + Duration::from_std(lease).unwrap_or(Duration::minutes(5));
        let mut claimed = Vec::new();
        for d in candidates {
            let won = webhook_delivery::Entity::update_many()
                .col_expr(webhook_delivery::Column::LeaseUntil, Expr::value(until))
                .filter(webhook_delivery::Column::Id.eq(d.id))
                .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.code()))
                .filter(free.clone())
                .exec(&self.db)
                .await?
                .rows_affected
                == 1;
            if !won {
                continue;
            }
            let (Some(sub), Some(event)) = (
                webhook_subscription::Entity::find_by_id(d.subscription_id).one(&self.db).await?,
                self.event(d.event_id).await?,
            ) else {
                continue;
            };
            claimed.push(Claimed { delivery: d.try_into()?, url: sub.url, secret: sub.secret, event });
        }
        Ok(claimed)
    }

    /// Records an attempt's outcome: delivered; or failed, scheduled again by `policy` or
    /// given up — and the subscription paused when [`pause_reason`] says so. Returns whether the
    /// subscription was paused.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn record_attempt(&self, claimed: &Claimed, outcome: &Outcome, policy: RetryPolicy) -> StoreResult<bool> {
        let at = now();
        let d = &claimed.delivery;
        let attempts = d.attempts + 1;
        let txn = self.write().await?;
        let mut am = webhook_delivery::ActiveModel {
            attempts: Set(attempts),
            lease_until: Set(None),
            last_attempt_at: Set(Some(at)),
            ..Default::default()
        };
        let mut sub = webhook_subscription::ActiveModel::default();
        let mut paused = false;
        match outcome {
            Outcome::Delivered(status) => {
                am.status = Set(DeliveryStatus::Delivered.code().to_owned());
                am.last_status = Set(Some(i32::from(*status)));
                am.last_error = Set(None);
                am.delivered_at = Set(Some(at));
                sub.consecutive_failures = Set(0);
                sub.failing_since = Set(None);
            }
            Outcome::Failed { status, error } => {
                am.last_status = Set(status.map(i32::from));
                am.last_error = Set(Some(error.clone()));
                let delay = retry_delay(u32::try_from(attempts).unwrap_or(u32::MAX), policy.base, policy.max_attempts);
                match delay {
                    Some(wait) => {
                        am.next_attempt_at = Set(at + Duration::from_std(wait).unwrap_or(Duration::hours(12)));
                    }
                    None => am.status = Set(DeliveryStatus::Failed.code().to_owned()),
                }
                let current = webhook_subscription::Entity::find_by_id(d.subscription).one(&txn).await?;
                let since = current.as_ref().and_then(|c| c.failing_since).unwrap_or(at);
                sub.consecutive_failures = Set(current.as_ref().map_or(0, |c| c.consecutive_failures) + 1);
                sub.failing_since = Set(Some(since));
                let failing_for = (at - since).to_std().unwrap_or_default();
                if let Some(reason) = pause_reason(delay.is_none(), failing_for, error) {
                    sub.status = Set("paused".to_owned());
                    sub.paused_reason = Set(Some(reason));
                    sub.updated_at = Set(at);
                    paused = true;
                }
            }
        }
        webhook_delivery::Entity::update_many()
            .set(am)
            .filter(webhook_delivery::Column::Id.eq(d.id))
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.code()))
            .exec(&txn)
            .await?;
        webhook_subscription::Entity::update_many()
            .set(sub)
            .filter(webhook_subscription::Column::Id.eq(d.subscription))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(paused)
    }
}
