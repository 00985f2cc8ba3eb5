//! Sign-in throttling: failed attempts counted per key (`user:<login>`, `client:<id>`) in one
//! atomic upsert *before* the secret is checked, so that a parallel burst cannot slip past the
//! limit, and so that keys of accounts that do not exist count exactly like those that do.

use crate::{Store, StoreResult};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// What one more attempt on a key found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// Attempts counted on the key, this one included, since it was last cleared or unlocked.
    pub count: i32,
    /// Unix seconds until which the key is locked, if it is.
    pub locked_until: Option<i64>,
}

impl Store {
    /// Counts an attempt on `key` at `now` (Unix seconds). A lock that has run out is lifted
    /// first, and the count starts again at 1.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn count_attempt(&self, key: &str, now: i64) -> StoreResult<Attempt> {
        let backend = self.db.get_database_backend();
        let sql = format!(
            "INSERT INTO login_throttle (key, failures, locked_until, updated_at) VALUES ({p1}, 1, NULL, {p2}) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= excluded.updated_at \
                        THEN 1 ELSE login_throttle.failures + 1 END, \
             locked_until = CASE WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= excluded.updated_at \
                        THEN NULL ELSE login_throttle.locked_until END, \
             updated_at = excluded.updated_at \
             RETURNING failures, locked_until",
            p1 = placeholder(backend, 1),
            p2 = placeholder(backend, 2),
        );
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(backend, sql, [key.into(), now.into()]))
            .await?
            .ok_or_else(|| crate::StoreError::Corrupt("login_throttle: the upsert returned no row".into()))?;
        Ok(Attempt { count: row.try_get("", "failures")?, locked_until: row.try_get("", "locked_until")? })
    }

    /// Locks `key` until `until` (Unix seconds), unless it is locked longer already.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn lock_key(&self, key: &str, until: i64) -> StoreResult<()> {
        let backend = self.db.get_database_backend();
        let sql = format!(
            "UPDATE login_throttle SET locked_until = {p2} WHERE key = {p1} AND (locked_until IS NULL OR locked_until < {p2})",
            p1 = placeholder(backend, 1),
            p2 = placeholder(backend, 2),
        );
        self.db.execute_raw(Statement::from_sql_and_values(backend, sql, [key.into(), until.into()])).await?;
        Ok(())
    }

    /// Forgets the attempts on `key` after a success.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn clear_attempts(&self, key: &str) -> StoreResult<()> {
        let backend = self.db.get_database_backend();
        let sql =
            format!("DELETE FROM login_throttle WHERE key = {} AND locked_until IS NULL", placeholder(backend, 1));
        self.db.execute_raw(Statement::from_sql_and_values(backend, sql, [key.into()])).await?;
        Ok(())
    }
}

fn placeholder(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        // Numbered, so that one value may stand in two places.
        _ => format!("?{n}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::testing::temp_store;

    #[tokio::test]
    async fn attempts_count_up_lock_and_start_again_when_the_lock_runs_out() {
        let t = temp_store().await;
        let s = &t.store;
        assert_eq!(s.count_attempt("user:a", 100).await.unwrap().count, 1);
        assert_eq!(s.count_attempt("user:a", 101).await.unwrap().count, 2);
        s.lock_key("user:a", 200).await.unwrap();
        let locked = s.count_attempt("user:a", 150).await.unwrap();
        assert_eq!((locked.count, locked.locked_until), (3, Some(200)));
        let after = s.count_attempt("user:a", 201).await.unwrap();
        assert_eq!((after.count, after.locked_until), (1, None));
        s.clear_attempts("user:a").await.unwrap();
        assert_eq!(s.count_attempt("user:a", 202).await.unwrap().count, 1);
        assert_eq!(s.count_attempt("user:b", 202).await.unwrap().count, 1, "keys count apart");
    }
}
