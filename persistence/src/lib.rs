//! Usul's storage: sea-orm entities, migrations and repositories that load and save domain
//! types, on SQLite and PostgreSQL alike.
//!
//! Entities stay private to this crate; callers see domain types and [`StoreError`].

#![deny(unsafe_code)]

mod bulk;
mod commission_writes;
mod commissions;
mod entities;
mod events;
mod idempotency;
mod keys;
mod lane;
mod meetings;
mod memo;
mod migrations;
mod onboarding;
mod org;
mod people;
mod plans;
mod records;
mod reports;
mod sqlite_tuning;
mod support;
mod sync;
mod throttle;
mod tokens;
mod webhooks;

pub use commissions::{CommissionCase, CommissionFilter, DraftCase};
pub use events::{EVENT_RETENTION_DAYS, Event, FeedPosition};
pub use idempotency::{Begin, IDEMPOTENCY_RETENTION_HOURS, IDEMPOTENCY_STALE_SECONDS, StoredResponse};
pub use keys::RowKey;
pub use meetings::{MeetingCase, MeetingFilter};
pub use onboarding::{NO_PASSWORD, Redeemed, StaffWrite};
pub use org::{DistrictPatch, NewDistrict, NewSchool, SchoolPatch};
pub use people::{LoginRecord, NewStaff, StaffFilter, StaffPatch};
pub use plans::{HistoryEntry, ItemContent, ItemProgress, NewPlan, PlanFilter, PlanPatch, Surroundings};
pub use records::{ActivityFilter, MaterialFilter};
pub use reports::{QualityEntry, QualitySheet, ReportFilter, ReportTransition, SchoolSummary};
pub use sync::SYNC_RETENTION_DAYS;
pub use throttle::Attempt;
pub use tokens::{RefreshOutcome, TokenSubject};
pub use webhooks::{
    Claimed, Delivery, DeliveryStatus, NewSubscription, Outcome, RetryPolicy, Subscription, SubscriptionPatch,
};

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, SqlErr};
use sea_orm_migration::MigratorTrait;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Which uniqueness rule a write broke (named by the constraint it hit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// A district of this name exists.
    DistrictNameTaken,
    /// The district has a school of this name.
    SchoolNameTaken,
    /// The school has this subject.
    SubjectNameTaken,
    /// The e-mail address is in use.
    EmailTaken,
    /// The service account's client id is in use.
    ClientIdTaken,
    /// The school year exists.
    SchoolYearExists,
    /// The school has a commission of this name this year.
    CommissionNameTaken,
    /// An order with this number exists this year.
    OrderNumberTaken,
    /// The council's membership is being changed by another request.
    CouncilBusy,
    /// Numbering the minutes collided with another finalization.
    ProtocolNumberingBusy,
    /// The lineage (kind, owner, year) has a plan of this version.
    PlanExists,
    /// Another version of the plan is approved.
    PlanAlreadyApproved,
    /// The report exists for this year.
    ReportExists,
    /// The same row is listed twice.
    DuplicateRow,
    /// Another request wrote the same record at the same time.
    ConcurrentWrite,
    /// The idempotency key is taken.
    IdempotencyKeyTaken,
}

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist.
    #[error("not found")]
    NotFound,
    /// The row changed since the caller read it (optimistic concurrency).
    #[error("the row is at version {current}")]
    VersionMismatch {
        /// The stored version.
        current: i32,
    },
    /// A uniqueness rule was broken; the value names which.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// A stored row no longer satisfies the domain's rules.
    #[error("stored row is invalid: {0}")]
    Corrupt(String),
    /// A meeting dated before one of its body and year already held cannot take a protocol
    /// number; decided by the domain on the sequence read in the same transaction.
    #[error(transparent)]
    OutOfOrder(#[from] usul_domain::meeting::numbering::OutOfOrder),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl StoreError {
    /// Maps a unique-constraint violation to `conflict`, anything else to [`StoreError::Db`].
    pub(crate) fn unique(err: DbErr, conflict: Conflict) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::Conflict(conflict),
            _ => Self::Db(err),
        }
    }
}

/// Whether a database error means the database could not be reached (answered as 503, not 500).
#[must_use]
pub fn is_connection_error(e: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    match e {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => match s.as_ref() {
            Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed | Sqlx::Tls(_) => true,
            // PostgreSQL: 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now,
            // class 08 connection exceptions.
            Sqlx::Database(db) => db.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")),
            _ => false,
        },
        _ => false,
    }
}

/// Result of a storage operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// One page of a list, ordered by id (ids are time-ordered UUID v7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// The id to continue after, when there are more rows.
    pub next: Option<Uuid>,
}

/// Which page to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Continue after this id.
    pub after: Option<Uuid>,
    /// At most this many rows.
    pub limit: u64,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows.
    pub(crate) fn from_rows(mut items: Vec<T>, limit: u64, id: impl Fn(&T) -> Uuid) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(id)
        } else {
            None
        };
        Self { items, next }
    }
}

/// Who did what, for the audit trail. The repository adds the entity, its id and its school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// `staff` or `service_account` or `system`.
    pub actor_kind: &'static str,
    /// The acting account.
    pub actor_id: Option<Uuid>,
    /// A one-line human summary.
    pub summary: String,
}

impl Audit {
    /// An action by the system itself (CLI, demo loader).
    #[must_use]
    pub fn system(summary: impl Into<String>) -> Self {
        Self { actor_kind: "system", actor_id: None, summary: summary.into() }
    }
}

/// The current time, truncated to microseconds so that SQLite and PostgreSQL return the same.
#[must_use]
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// How long an account, a school or a district read is kept in memory by default.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(2);

/// How many pooled connections read from SQLite (its one writer has its own): the reads made
/// all day go through the lane, so the pool serves the rest.
const SQLITE_CONNECTIONS: u32 = 4;

/// How many connections SQLite's read lane keeps (see `lane.rs`), besides the pool's.
const SQLITE_LANE: u32 = 4;

/// How many connections PostgreSQL's read lane keeps, besides the pool's.
const POSTGRES_LANE: u32 = 8;

/// How many pooled connections read from and write to PostgreSQL.
const POSTGRES_CONNECTIONS: u32 = 16;

/// The database, with every repository operation.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// Where write transactions run. On SQLite a pool of one connection: one writer holds the
    /// database's write lock at a time anyway, and queueing writers here, in order, is fairer
    /// and much cheaper than letting each connection sleep in SQLite's busy handler. On
    /// PostgreSQL the same pool as reads.
    writer: DatabaseConnection,
    /// Connections kept out of the pool for the reads made all day (see `lane.rs`).
    lane: lane::Lane,
    /// The accounts behind access tokens, briefly (see [`Store::with_cache_ttl`]).
    accounts: Arc<memo::Memo<memo::Account>>,
    /// Schools, briefly.
    schools: Arc<memo::Memo<usul_domain::org::School>>,
    /// Districts, briefly.
    districts: Arc<memo::Memo<usul_domain::org::District>>,
    /// The items of plan versions.
    items: Arc<memo::Items>,
    /// This process's writers of one plan take turns (see `plans/turns.rs`).
    plan_turns: Arc<plans::turns::Turns>,
    /// Progress marks waiting for their plan's turn, recorded together (see `plans/marks.rs`).
    progress_marks: Arc<plans::marks::Waiting>,
    /// The last reading of PostgreSQL's open writes, shared by this process's requests.
    open_writes: Arc<sync::OpenWrites>,
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`).
    ///
    /// # Errors
    /// [`StoreError::Db`] when the database cannot be reached.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let sqlite = url.starts_with("sqlite");
        if sqlite {
            sqlite_tuning::before_first_connection();
        }
        let connections = if sqlite { SQLITE_CONNECTIONS } else { POSTGRES_CONNECTIONS };
        let db = Database::connect(Self::options(url, connections, Duration::from_secs(2))).await?;
        // Writers wait their turn for the one SQLite writer connection for as long as SQLite
        // itself would let them wait for its lock.
        let writer =
            if sqlite { Database::connect(Self::options(url, 1, Duration::from_secs(10))).await? } else { db.clone() };
        let lane = lane::Lane::over(&db, if sqlite { SQLITE_LANE } else { POSTGRES_LANE }, None);
        Ok(Self {
            db,
            writer,
            lane,
            accounts: Arc::new(memo::Memo::new(DEFAULT_CACHE_TTL)),
            schools: Arc::new(memo::Memo::new(DEFAULT_CACHE_TTL)),
            districts: Arc::new(memo::Memo::new(DEFAULT_CACHE_TTL)),
            items: Arc::new(memo::Items::default()),
            plan_turns: Arc::new(plans::turns::Turns::default()),
            progress_marks: Arc::new(plans::marks::Waiting::default()),
            open_writes: Arc::new(sync::OpenWrites::default()),
        })
    }

    fn options(url: &str, connections: u32, acquire: Duration) -> ConnectOptions {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(connections)
            .min_connections(1)
            // Fail fast while the database is away: a request waits at most two seconds for a
            // connection, then answers 503 with Retry-After.
            .connect_timeout(Duration::from_secs(2))
            .acquire_timeout(acquire)
            // A connection in use is known to be alive: pinging each one as it is taken from
            // the pool cost a round trip per statement (a third of a one-statement read's
            // work on SQLite, whose connections answer from their own threads). Only one idle
            // long enough to have been dropped (a restarted database) is pinged first; one
            // that fails in use is closed on its way back, and the request answers 503.
            .test_before_acquire_if_idle_for(Duration::from_secs(5))
            .sqlx_logging(false)
            // On every pooled SQLite connection: WAL lets readers proceed while one writer
            // writes; busy_timeout makes writers wait for each other instead of failing.
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
            })
            .map_sqlx_sqlite_pool_opts(|o| {
                o.after_connect(|conn, _| Box::pin(async move { sqlite_tuning::stable_plans(conn).await }))
            });
        options
    }

    /// Keeps the accounts read by authentication, schools and districts in memory for `ttl`
    /// (zero: not at all). A change this store makes to one forgets them at once; another
    /// process over the same database sees such a change at most `ttl` later.
    #[must_use]
    pub fn with_cache_ttl(mut self, ttl: Duration) -> Self {
        self.accounts = Arc::new(memo::Memo::new(ttl));
        self.schools = Arc::new(memo::Memo::new(ttl));
        self.districts = Arc::new(memo::Memo::new(ttl));
        self
    }

    /// Connects like [`Store::connect`], counting every statement sent (for tests and benchmarks
    /// that prove a request's query count does not grow with the data).
    ///
    /// # Errors
    /// [`StoreError::Db`] when the database cannot be reached.
    pub async fn connect_counted(url: &str) -> StoreResult<(Self, std::sync::Arc<std::sync::atomic::AtomicU64>)> {
        let mut store = Self::connect(url).await?;
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let seen = counter.clone();
        let seen_writes = counter.clone();
        store.db.set_metric_callback(move |_| {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        if store.writer.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            store.writer.set_metric_callback(move |_| {
                seen_writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            });
        }
        let sqlite = store.db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite;
        let size = if sqlite { SQLITE_LANE } else { POSTGRES_LANE };
        store.lane = lane::Lane::over(&store.db, size, Some(counter.clone()));
        Ok((store, counter))
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so that two writers queue instead of one failing when it upgrades
    /// its read snapshot; PostgreSQL ignores the mode.
    pub(crate) async fn write(&self) -> StoreResult<sea_orm::DatabaseTransaction> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.writer.begin_with_options(options).await?)
    }

    /// After a bulk load, on PostgreSQL: `VACUUM (ANALYZE)`, so that the planner knows the
    /// tables' new sizes and the summaries' index-only scans need not visit the rows (the
    /// visibility map is set). Autovacuum would do the same, later: until it did, the national
    /// summary over a freshly generated country took 589 ms instead of 392. Nothing on SQLite.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn vacuum_after_bulk_load(&self) -> StoreResult<()> {
        if self.db.get_database_backend() == sea_orm::DbBackend::Postgres {
            self.db.execute_unprepared("VACUUM (ANALYZE)").await?;
        }
        Ok(())
    }

    /// Brings the schema up to date.
    ///
    /// # Errors
    /// [`StoreError::Db`] when a migration fails.
    pub async fn migrate(&self) -> StoreResult<()> {
        migrations::Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// Checks that the database answers.
    ///
    /// # Errors
    /// [`StoreError::Db`] when it does not.
    pub async fn ping(&self) -> StoreResult<()> {
        self.db.ping().await?;
        Ok(())
    }

    /// Refreshes the query planner's statistics (`ANALYZE`, on SQLite and PostgreSQL alike):
    /// after a bulk load, so that the planner knows the tables' sizes.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn analyze(&self) -> StoreResult<()> {
        self.db.execute_unprepared("ANALYZE").await?;
        Ok(())
    }

    /// Closes the pool.
    ///
    /// # Errors
    /// [`StoreError::Db`] when closing fails.
    pub async fn close(self) -> StoreResult<()> {
        self.lane.close().await;
        if self.writer.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            self.writer.close().await?;
        }
        self.db.close().await?;
        Ok(())
    }
}

/// Writes one audit event inside the caller's transaction.
pub(crate) async fn record_audit(
    db: &impl ConnectionTrait,
    audit: &Audit,
    action: &str,
    entity: &str,
    entity_id: Option<Uuid>,
    school_id: Option<Uuid>,
    district_id: Option<Uuid>,
) -> StoreResult<()> {
    record_audits(db, &[audit], action, entity, entity_id, school_id, district_id).await
}

/// Writes the audit events of changes alike (one action on one entity, by one or more
/// callers), in the order given, inside the caller's transaction: one multi-row statement for
/// their audit rows and one for their events, whatever their number. Each has its own id and
/// time.
pub(crate) async fn record_audits(
    db: &impl ConnectionTrait,
    audits: &[&Audit],
    action: &str,
    entity: &str,
    entity_id: Option<Uuid>,
    school_id: Option<Uuid>,
    district_id: Option<Uuid>,
) -> StoreResult<()> {
    use sea_orm::sea_query::{Expr, Query};
    if audits.is_empty() {
        return Ok(());
    }
    // Written without reading them back: nothing here needs the stored rows.
    let mut rows = Query::insert()
        .into_table(entities::audit_event::Entity)
        .columns([
            entities::audit_event::Column::Id,
            entities::audit_event::Column::At,
            entities::audit_event::Column::ActorKind,
            entities::audit_event::Column::ActorId,
            entities::audit_event::Column::SchoolId,
            entities::audit_event::Column::DistrictId,
            entities::audit_event::Column::Action,
            entities::audit_event::Column::Entity,
            entities::audit_event::Column::EntityId,
            entities::audit_event::Column::Summary,
        ])
        .to_owned();
    let mut records = Vec::with_capacity(audits.len());
    for audit in audits {
        let at = now();
        rows.values_panic([
            Expr::value(Uuid::now_v7()),
            Expr::value(at),
            Expr::value(audit.actor_kind),
            Expr::value(audit.actor_id),
            Expr::value(school_id),
            Expr::value(district_id),
            Expr::value(action),
            Expr::value(entity),
            Expr::value(entity_id),
            Expr::value(audit.summary.as_str()),
        ]);
        records.push((*audit, at));
    }
    // Every audited change is also an event (the transactional outbox), in this transaction.
    let change = events::Change { action, entity, entity_id, school_id, district_id };
    events::record_event(db, rows, &records, &change).await
}

/// Turns a stored text back into a domain value, or reports the row as corrupt.
pub(crate) fn stored<T, E: std::fmt::Debug>(what: &str, r: Result<T, E>) -> StoreResult<T> {
    r.map_err(|e| StoreError::Corrupt(format!("{what}: {e:?}")))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
pub(crate) mod testing {
    //! A migrated store over a temporary SQLite file, removed on drop.

    use super::Store;

    pub struct TempStore {
        pub store: Store,
        path: String,
    }

    impl Drop for TempStore {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.path));
            }
        }
    }

    pub async fn temp_store() -> TempStore {
        let path = std::env::temp_dir().join(format!("usul-store-{}.db", uuid::Uuid::new_v4().simple()));
        let path = path.to_string_lossy().into_owned();
        let store = Store::connect(&format!("sqlite://{path}?mode=rwc")).await.expect("connect");
        store.migrate().await.expect("migrate");
        TempStore { store, path }
    }
}
