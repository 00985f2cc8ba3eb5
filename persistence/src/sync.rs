//! Delta sync: tombstones of deleted rows, their retention, and the write watermark.

use crate::entities::{school, sync_tombstone};
use crate::{Store, StoreResult, now};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};
use std::time::Instant;
use uuid::Uuid;

/// How long tombstones are kept, in days: a sync token older than this cannot be served.
pub const SYNC_RETENTION_DAYS: i64 = 30;

/// How long one reading of the open writes serves (see [`Store::oldest_open_write`]).
const OPEN_WRITES_TTL: std::time::Duration = std::time::Duration::from_millis(250);

/// The last reading of the open writes: when it was taken, and the bound it gave.
pub(crate) type OpenWrites = std::sync::Mutex<Option<(Instant, DateTime<Utc>)>>;

/// Records that `entity` of `collection` was deleted, in the deleting transaction.
///
/// # Errors
/// [`crate::StoreError::Db`].
pub(crate) async fn record_tombstone(
    db: &impl ConnectionTrait,
    collection: &str,
    entity: Uuid,
    school: Option<Uuid>,
    district: Option<Uuid>,
) -> StoreResult<()> {
    sync_tombstone::Entity::insert(sync_tombstone::ActiveModel {
        collection: Set(collection.to_owned()),
        entity_id: Set(entity),
        school_id: Set(school),
        district_id: Set(district),
        deleted_at: Set(now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

impl Store {
    /// The ids of `collection` deleted at or after `since`, within one school, or within the
    /// schools of one district (and the district's own rows), or everywhere (neither given);
    /// oldest first. One query.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn tombstones(
        &self,
        collection: &str,
        since: DateTime<Utc>,
        school: Option<Uuid>,
        district: Option<Uuid>,
    ) -> StoreResult<Vec<Uuid>> {
        let mut q = sync_tombstone::Entity::find()
            .select_only()
            .column(sync_tombstone::Column::EntityId)
            .filter(sync_tombstone::Column::Collection.eq(collection))
            .filter(sync_tombstone::Column::DeletedAt.gte(since))
            .order_by_asc(sync_tombstone::Column::DeletedAt)
            .order_by_asc(sync_tombstone::Column::EntityId);
        if let Some(s) = school {
            q = q.filter(sync_tombstone::Column::SchoolId.eq(s));
        } else if let Some(d) = district {
            let schools = Query::select()
                .column(school::Column::Id)
                .from(school::Entity)
                .and_where(school::Column::DistrictId.eq(d))
                .to_owned();
            q = q.filter(
                Condition::any()
                    .add(sync_tombstone::Column::DistrictId.eq(d))
                    .add(sync_tombstone::Column::SchoolId.in_subquery(schools)),
            );
        }
        Ok(q.into_tuple().all(&self.db).await?)
    }

    /// Forgets tombstones older than the retention; returns how many.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn purge_tombstones(&self) -> StoreResult<u64> {
        let cutoff = now() - Duration::days(SYNC_RETENTION_DAYS);
        let gone = sync_tombstone::Entity::delete_many()
            .filter(sync_tombstone::Column::DeletedAt.lt(cutoff))
            .exec(&self.db)
            .await?
            .rows_affected;
        Ok(gone)
    }

    /// On PostgreSQL, when the oldest transaction that has written anything and is still
    /// running began (any connection, any instance): rows it stamps may become visible later
    /// than rows stamped after them. `None` when none is running, and on SQLite (one writer at a
    /// time, in this process). One query.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn oldest_open_write(&self) -> StoreResult<Option<DateTime<Utc>>> {
        if self.db.get_database_backend() != DbBackend::Postgres {
            return Ok(None);
        }
        let sql = "SELECT min(xact_start) AS oldest FROM pg_stat_activity \
                   WHERE backend_xid IS NOT NULL AND datname = current_database() AND pid <> pg_backend_pid()";
        let row = self.db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await?;
        Ok(row.and_then(|r| r.try_get::<Option<DateTime<Utc>>>("", "oldest").ok().flatten()))
    }

    /// On PostgreSQL, a time no later than the start of any transaction that has written
    /// anything and is still running, for a watermark that may be a little early (a sync
    /// token's); `None` on SQLite.
    ///
    /// [`Store::oldest_open_write`] scans `pg_stat_activity`, which every first page of a list
    /// would otherwise pay; so one reading serves this process for [`OPEN_WRITES_TTL`]. That
    /// stays true: a reading taken at `t` answers `min(oldest start, t)`, and a transaction
    /// open later either was open at `t` (so began no earlier than the oldest then) or began
    /// after `t`.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn open_writes_bound(&self) -> StoreResult<Option<DateTime<Utc>>> {
        if self.db.get_database_backend() != DbBackend::Postgres {
            return Ok(None);
        }
        if let Ok(kept) = self.open_writes.lock()
            && let Some((read, bound)) = *kept
            && read.elapsed() < OPEN_WRITES_TTL
        {
            return Ok(Some(bound));
        }
        let read = Instant::now();
        let taken = now();
        let bound = self.oldest_open_write().await?.map_or(taken, |o| o.min(taken));
        if let Ok(mut kept) = self.open_writes.lock() {
            *kept = Some((read, bound));
        }
        Ok(Some(bound))
    }
}
