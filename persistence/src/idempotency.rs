//! Idempotency records: the first response to a POST with an `Idempotency-Key`, replayed to
//! retries. The primary key (owner, key) makes two concurrent first attempts impossible.

use crate::entities::idempotency_key;
use crate::{Store, StoreError, StoreResult, now};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};

/// After this many seconds an unfinished claim counts as abandoned (no request runs that long).
pub const IDEMPOTENCY_STALE_SECONDS: i64 = 120;

/// How long an answer is kept for replay: a retry with the same key within this many hours
/// replays it; after that the key is free again, and old records are purged.
pub const IDEMPOTENCY_RETENTION_HOURS: i64 = 24;

/// A stored response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// Selected headers, as JSON pairs.
    pub headers: String,
    /// The body.
    pub body: String,
}

/// What starting an idempotent request came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// First time: go ahead, then [`Store::finish_idempotent`].
    Proceed,
    /// Seen and answered: replay this.
    Replay(StoredResponse),
    /// The key was used with a different request.
    Mismatch,
    /// The first attempt is still running.
    InProgress,
}

impl Store {
    /// Claims `(owner, key)` for a request whose body hashes to `request_hash`.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn begin_idempotent(&self, owner: &str, key: &str, request_hash: &str) -> StoreResult<Begin> {
        // A record past its retention is forgotten before the claim, whether or not the purge
        // has run yet.
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::Owner.eq(owner))
            .filter(idempotency_key::Column::Key.eq(key))
            .filter(idempotency_key::Column::CreatedAt.lt(retention_cutoff()))
            .exec(&self.db)
            .await?;
        let claim = idempotency_key::ActiveModel {
            owner: Set(owner.to_owned()),
            key: Set(key.to_owned()),
            request_hash: Set(request_hash.to_owned()),
            status: Set(None),
            headers: Set(None),
            body: Set(None),
            created_at: Set(now()),
        }
        .insert(&self.db)
        .await;
        match claim {
            Ok(_) => return Ok(Begin::Proceed),
            Err(e) => match StoreError::unique(e, crate::Conflict::IdempotencyKeyTaken) {
                StoreError::Conflict(_) => {}
                other => return Err(other),
            },
        }
        let Some(row) = idempotency_key::Entity::find_by_id((owner.to_owned(), key.to_owned())).one(&self.db).await?
        else {
            return Ok(Begin::InProgress);
        };
        if row.request_hash != request_hash {
            return Ok(Begin::Mismatch);
        }
        Ok(match (row.status, row.body) {
            (Some(status), Some(body)) => Begin::Replay(StoredResponse {
                status: u16::try_from(status).unwrap_or(500),
                headers: row.headers.unwrap_or_else(|| "[]".to_owned()),
                body,
            }),
            _ if row.created_at < now() - chrono::Duration::seconds(IDEMPOTENCY_STALE_SECONDS) => {
                // The first attempt died without an answer: take the claim over, exactly once.
                let taken = idempotency_key::Entity::update_many()
                    .col_expr(idempotency_key::Column::CreatedAt, Expr::value(now()))
                    .filter(idempotency_key::Column::Owner.eq(owner))
                    .filter(idempotency_key::Column::Key.eq(key))
                    .filter(idempotency_key::Column::CreatedAt.eq(row.created_at))
                    .filter(idempotency_key::Column::Status.is_null())
                    .exec(&self.db)
                    .await?
                    .rows_affected;
                if taken == 1 { Begin::Proceed } else { Begin::InProgress }
            }
            _ => Begin::InProgress,
        })
    }

    /// Deletes every record past its retention; returns how many.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn purge_idempotency(&self) -> StoreResult<u64> {
        let gone = idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::CreatedAt.lt(retention_cutoff()))
            .exec(&self.db)
            .await?
            .rows_affected;
        Ok(gone)
    }

    /// Records the response to replay.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn finish_idempotent(&self, owner: &str, key: &str, response: StoredResponse) -> StoreResult<()> {
        idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::Status, Expr::value(i32::from(response.status)))
            .col_expr(idempotency_key::Column::Headers, Expr::value(response.headers))
            .col_expr(idempotency_key::Column::Body, Expr::value(response.body))
            .filter(idempotency_key::Column::Owner.eq(owner))
            .filter(idempotency_key::Column::Key.eq(key))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Releases a claim whose request failed on the server, so that a retry can run.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn abandon_idempotent(&self, owner: &str, key: &str) -> StoreResult<()> {
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::Owner.eq(owner))
            .filter(idempotency_key::Column::Key.eq(key))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

fn retention_cutoff() -> chrono::DateTime<chrono::Utc> {
    now() - chrono::Duration::hours(IDEMPOTENCY_RETENTION_HOURS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::testing::temp_store;

    fn answer() -> StoredResponse {
        StoredResponse { status: 201, headers: "[]".into(), body: "{\"id\":1}".into() }
    }

    #[tokio::test]
    async fn a_key_is_claimed_once_then_replayed() {
        let t = temp_store().await;
        let s = &t.store;
        assert_eq!(s.begin_idempotent("u1", "k", "h1").await.unwrap(), Begin::Proceed);
        assert_eq!(s.begin_idempotent("u1", "k", "h1").await.unwrap(), Begin::InProgress);
        s.finish_idempotent("u1", "k", answer()).await.unwrap();
        assert_eq!(s.begin_idempotent("u1", "k", "h1").await.unwrap(), Begin::Replay(answer()));
        assert_eq!(s.begin_idempotent("u1", "k", "other").await.unwrap(), Begin::Mismatch);
        // Keys belong to their caller.
        assert_eq!(s.begin_idempotent("u2", "k", "h1").await.unwrap(), Begin::Proceed);
    }

    #[tokio::test]
    async fn an_abandoned_claim_is_released() {
        let t = temp_store().await;
        let s = &t.store;
        assert_eq!(s.begin_idempotent("u1", "k", "h1").await.unwrap(), Begin::Proceed);
        s.abandon_idempotent("u1", "k").await.unwrap();
        assert_eq!(s.begin_idempotent("u1", "k", "h1").await.unwrap(), Begin::Proceed);
    }

    #[tokio::test]
    async fn a_stale_unfinished_claim_is_taken_over_once() {
        let t = temp_store().await;
        let s = &t.store;
        assert_eq!(s.begin_idempotent("u1", "k", "h1").await.unwrap(), Begin::Proceed);
        let old = now() - chrono::Duration::seconds(IDEMPOTENCY_STALE_SECONDS + 5);
        idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::CreatedAt, Expr::value(old))
            .exec(&s.db)
            .await
            .unwrap();
        assert_eq!(s.begin_idempotent("u1", "k", "h1").await.unwrap(), Begin::Proceed);
        assert_eq!(s.begin_idempotent("u1", "k", "h1").await.unwrap(), Begin::InProgress);
    }

    #[tokio::test]
    async fn an_answer_is_kept_for_a_day_then_the_key_is_free_and_the_record_purged() {
        let t = temp_store().await;
        let s = &t.store;
        assert_eq!(s.begin_idempotent("u1", "k", "h1").await.unwrap(), Begin::Proceed);
        s.finish_idempotent("u1", "k", answer()).await.unwrap();
        assert_eq!(s.begin_idempotent("u1", "k", "h1").await.unwrap(), Begin::Replay(answer()));
        assert_eq!(s.purge_idempotency().await.unwrap(), 0, "a fresh record stays");
        let old = now() - chrono::Duration::hours(IDEMPOTENCY_RETENTION_HOURS) - chrono::Duration::minutes(1);
        idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::CreatedAt, Expr::value(old))
            .exec(&s.db)
            .await
            .unwrap();
        assert_eq!(s.begin_idempotent("u1", "k", "other").await.unwrap(), Begin::Proceed, "expired: a new claim");
        s.finish_idempotent("u1", "k", answer()).await.unwrap();
        assert_eq!(s.begin_idempotent("u2", "j", "h").await.unwrap(), Begin::Proceed);
        idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::CreatedAt, Expr::value(old))
            .filter(idempotency_key::Column::Owner.eq("u2"))
            .exec(&s.db)
            .await
            .unwrap();
        assert_eq!(s.purge_idempotency().await.unwrap(), 1, "only the expired record goes");
    }
}
