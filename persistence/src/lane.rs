//! Connections kept out of the pool for the reads a client makes all day.
//!
//! sqlx's pool tests every connection on its way back (`return_to_pool` pings it, sqlx-core
//! 0.9), so a one-statement read costs two round trips: on PostgreSQL a second exchange with
//! the server, on SQLite a second hand-off to the connection's own thread and back. Profiled
//! under 64 connections, those hand-offs were most of a hot read's cost.
//!
//! A lane keeps a few connections of its own, taken from the pool once and detached from it
//! (their options and set-up are the pool's), and gives them to one read at a time in order of
//! arrival, with nothing sent between two reads. What the pool's test on release guards
//! against is kept out in other ways:
//! - a read that fails, or that is dropped before it finishes (its connection may be left in
//!   the middle of an exchange), does not give its connection back: it is closed;
//! - a connection idle for longer than [`TEST_IF_IDLE_FOR`] is pinged before use, as the pool
//!   does ([`crate::Store`]'s `test_before_acquire_if_idle_for`), and replaced if it fails;
//! - a read waits at most [`ACQUIRE`] for a connection (as long as the pool lets one wait),
//!   then fails as the pool does: 503 while the database is away.
//!
//! Only reads outside a transaction go through a lane; writes keep the pool (on SQLite, the
//! one writer connection).

use sea_orm::sqlx::{self, Connection as _, Database, Executor, IntoArguments, Pool, pool::PoolConnection};
use sea_orm::{ConnAcquireErr, DbBackend, DbErr, ExecResult, QueryResult, RuntimeErr, Statement};
use sea_query_sqlx::SqlxValues;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// The longest a read waits for a connection of the lane.
const ACQUIRE: Duration = Duration::from_secs(2);

/// A connection idle this long is pinged before it serves a read.
const TEST_IF_IDLE_FOR: Duration = Duration::from_secs(5);

/// A lane of kept connections to one database.
#[derive(Clone)]
pub(crate) enum Lane {
    Postgres(Arc<Kept<sqlx::Postgres>>),
    Sqlite(Arc<Kept<sqlx::Sqlite>>),
}

/// Counts the statements a lane sends, when a test or benchmark asks.
type Counter = Option<Arc<std::sync::atomic::AtomicU64>>;

impl std::fmt::Debug for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Postgres(_) => "Lane(PostgreSQL)",
            Self::Sqlite(_) => "Lane(SQLite)",
        })
    }
}

impl Lane {
    /// A lane of at most `size` connections taken from the pool of `db`.
    /// Each statement it sends is counted in `counter`, if any.
    pub(crate) fn over(db: &sea_orm::DatabaseConnection, size: u32, counter: Counter) -> Self {
        match db.get_database_backend() {
            DbBackend::Postgres => {
                Self::Postgres(Arc::new(Kept::new(db.get_postgres_connection_pool().clone(), size, counter)))
            }
            _ => Self::Sqlite(Arc::new(Kept::new(db.get_sqlite_connection_pool().clone(), size, counter))),
        }
    }

    /// Closes the connections the lane keeps idle.
    pub(crate) async fn close(&self) {
        match self {
            Self::Postgres(k) => k.close().await,
            Self::Sqlite(k) => k.close().await,
        }
    }
}

/// The kept connections of one database.
pub(crate) struct Kept<DB: Database> {
    /// Where a new connection comes from.
    pool: Pool<DB>,
    /// Connections between two reads, with when they were last used.
    idle: Mutex<Vec<(DB::Connection, Instant)>>,
    /// One per connection the lane may hold; fair, so reads are served in order of arrival.
    permits: Semaphore,
    counter: Counter,
}

impl<DB: Database> Kept<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> SqlxValues: IntoArguments<DB>,
    QueryResult: From<DB::Row>,
{
    fn new(pool: Pool<DB>, size: u32, counter: Counter) -> Self {
        let size = usize::try_from(size.max(1)).unwrap_or(1);
        Self { pool, idle: Mutex::new(Vec::with_capacity(size)), permits: Semaphore::new(size), counter }
    }

    /// An idle connection that is fit to use, else a new one from the pool.
    async fn take(&self) -> Result<DB::Connection, DbErr> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        if let Some((mut conn, since)) = idle
            && (since.elapsed() < TEST_IF_IDLE_FOR || conn.ping().await.is_ok())
        {
            return Ok(conn);
        }
        let conn: PoolConnection<DB> = self.pool.acquire().await.map_err(|e| match e {
            sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            sqlx::Error::PoolClosed => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
            other => DbErr::Conn(RuntimeErr::SqlxError(Arc::new(other))),
        })?;
        Ok(conn.detach())
    }

    fn give_back(&self, conn: DB::Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push((conn, Instant::now()));
        }
    }

    /// Runs `stmt` on a kept connection and returns its rows.
    async fn fetch_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let _permit = tokio::time::timeout(ACQUIRE, self.permits.acquire())
            .await
            .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?
            .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))?;
        let mut conn = self.take().await?;
        if let Some(counter) = &self.counter {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let values = SqlxValues(stmt.values.unwrap_or(sea_orm::Values(Vec::new())));
        let rows = sqlx::query_with(sqlx::AssertSqlSafe(stmt.sql), values).fetch_all(&mut conn).await;
        match rows {
            Ok(rows) => {
                self.give_back(conn);
                Ok(rows.into_iter().map(QueryResult::from).collect())
            }
            // The connection is dropped, and with it closed: it may be broken.
            Err(e) => Err(DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)))),
        }
    }

    async fn close(&self) {
        let idle: Vec<_> = self.idle.lock().map(|mut idle| idle.drain(..).collect()).unwrap_or_default();
        for (conn, _) in idle {
            let _ = conn.close().await;
        }
    }
}

#[async_trait::async_trait]
impl sea_orm::ConnectionTrait for Lane {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            Self::Postgres(_) => DbBackend::Postgres,
            Self::Sqlite(_) => DbBackend::Sqlite,
        }
    }

    async fn execute_raw(&self, _stmt: Statement) -> Result<ExecResult, DbErr> {
        Err(DbErr::Custom("a read lane does not execute changes".to_owned()))
    }

    async fn execute_unprepared(&self, _sql: &str) -> Result<ExecResult, DbErr> {
        Err(DbErr::Custom("a read lane does not execute changes".to_owned()))
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        Ok(self.query_all_raw(stmt).await?.into_iter().next())
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Self::Postgres(k) => k.fetch_all(stmt).await,
            Self::Sqlite(k) => k.fetch_all(stmt).await,
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::Lane;
    use crate::testing::temp_store;
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn count_one() -> Statement {
        Statement::from_sql_and_values(DbBackend::Sqlite, "SELECT ? + 1 AS n", [41.into()])
    }

    #[tokio::test]
    async fn more_readers_than_kept_connections_are_all_served_in_turn_and_counted() {
        let temp = temp_store().await;
        let counter = Arc::new(AtomicU64::new(0));
        let lane = Lane::over(&temp.store.db, 2, Some(counter.clone()));
        let reads = (0..16).map(|_| {
            let lane = lane.clone();
            tokio::spawn(async move { lane.query_one_raw(count_one()).await })
        });
        for read in reads {
            let row = read.await.unwrap().expect("a read").expect("a row");
            assert_eq!(row.try_get::<i64>("", "n").unwrap(), 42);
        }
        assert_eq!(counter.load(Ordering::Relaxed), 16);
        let Lane::Sqlite(kept) = &lane else { panic!("a SQLite lane") };
        assert!(kept.idle.lock().unwrap().len() <= 2, "no more connections are kept than the lane's size");
    }

    #[tokio::test]
    async fn a_failed_read_closes_its_connection_and_the_next_read_is_served() {
        let temp = temp_store().await;
        let lane = Lane::over(&temp.store.db, 1, None);
        let Lane::Sqlite(kept) = &lane else { panic!("a SQLite lane") };
        lane.query_one_raw(count_one()).await.expect("a read");
        assert_eq!(kept.idle.lock().unwrap().len(), 1, "a good read gives its connection back");
        let bad = Statement::from_string(DbBackend::Sqlite, "SELECT * FROM no_such_table");
        assert!(lane.query_all_raw(bad).await.is_err());
        assert_eq!(kept.idle.lock().unwrap().len(), 0, "a failed read's connection is not kept");
        let row = lane.query_one_raw(count_one()).await.expect("a read after the failure").expect("a row");
        assert_eq!(row.try_get::<i64>("", "n").unwrap(), 42);
    }

    #[tokio::test]
    async fn a_lane_refuses_changes() {
        let temp = temp_store().await;
        let lane = Lane::over(&temp.store.db, 1, None);
        assert!(lane.execute_unprepared("DELETE FROM schools").await.is_err());
    }

    #[tokio::test]
    async fn a_closed_pool_answers_as_the_database_being_away() {
        let temp = temp_store().await;
        let lane = Lane::over(&temp.store.db, 1, None);
        temp.store.db.get_sqlite_connection_pool().close().await;
        let err = lane.query_one_raw(count_one()).await.expect_err("no connection");
        assert!(crate::is_connection_error(&err), "{err:?}");
    }
}
