//! Refresh tokens: stored hashed, rotated on use; reusing a spent one revokes its family.

use crate::entities::refresh_token;
use crate::{Store, StoreResult, now};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use usul_domain::ids::{ServiceAccountId, StaffId};
use uuid::Uuid;

/// Whose token it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSubject {
    /// A person.
    Staff(StaffId),
    /// A district service account.
    Service(ServiceAccountId),
}

/// What presenting a refresh token came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token was live and is now spent; issue the next one in `family`.
    Rotated {
        /// Whose token.
        subject: TokenSubject,
        /// The family the next token joins.
        family: Uuid,
    },
    /// The token had been spent before: the whole family is now revoked.
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

impl Store {
    /// Stores the hash of a new refresh token.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn insert_refresh_token(
        &self,
        hash: String,
        family: Uuid,
        subject: TokenSubject,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        token_row(hash, family, subject, expires_at).insert(&self.db).await?;
        Ok(())
    }

    /// Spends a refresh token and stores its successor `next` (expiring at `next_expires`) in
    /// the same family, in one transaction. Spending is a conditional update: of two concurrent
    /// uses of one token exactly one rotates, and the other — which waits for the first to
    /// commit — finds it spent, counts as reuse and revokes the whole family, the winner's new
    /// token included.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn rotate_refresh_token(
        &self,
        hash: &str,
        next: String,
        next_expires: DateTime<Utc>,
    ) -> StoreResult<RefreshOutcome> {
        let at = now();
        let txn = self.write().await?;
        let spent = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(at))
            .filter(refresh_token::Column::TokenHash.eq(hash))
            .filter(refresh_token::Column::UsedAt.is_null())
            .filter(refresh_token::Column::RevokedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(at))
            .exec(&txn)
            .await?
            .rows_affected;
        let Some(row) =
            refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(hash)).one(&txn).await?
        else {
            return Ok(RefreshOutcome::Invalid);
        };
        if spent == 0 {
            // Spent before and not yet revoked: a replay. Revoke the family, whatever else.
            let reused = row.used_at.is_some() && row.revoked_at.is_none();
            if reused {
                revoke_family(&txn, row.family_id).await?;
            }
            txn.commit().await?;
            return Ok(if reused { RefreshOutcome::Reused } else { RefreshOutcome::Invalid });
        }
        let subject = match (row.staff_id, row.service_account_id) {
            (Some(s), _) => TokenSubject::Staff(StaffId::from_uuid(s)),
            (None, Some(s)) => TokenSubject::Service(ServiceAccountId::from_uuid(s)),
            (None, None) => return Ok(RefreshOutcome::Invalid),
        };
        token_row(next, row.family_id, subject, next_expires).insert(&txn).await?;
        txn.commit().await?;
        Ok(RefreshOutcome::Rotated { subject, family: row.family_id })
    }

    /// Revokes every token of a family.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn revoke_family(&self, family: Uuid) -> StoreResult<()> {
        revoke_family(&self.db, family).await
    }

    /// Revokes every refresh token of a person (on deactivation).
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn revoke_staff_tokens(&self, staff: StaffId) -> StoreResult<()> {
        revoke_staff(&self.db, staff).await
    }
}

/// Revokes every refresh token of a person, inside `db` (a transaction or the pool).
pub(crate) async fn revoke_staff(db: &impl ConnectionTrait, staff: StaffId) -> StoreResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now()))
        .filter(refresh_token::Column::StaffId.eq(staff.uuid()))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn revoke_family(db: &impl ConnectionTrait, family: Uuid) -> StoreResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now()))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

fn token_row(
    hash: String,
    family: Uuid,
    subject: TokenSubject,
    expires_at: DateTime<Utc>,
) -> refresh_token::ActiveModel {
    let (staff_id, service_account_id) = match subject {
        TokenSubject::Staff(s) => (Some(s.uuid()), None),
        TokenSubject::Service(s) => (None, Some(s.uuid())),
    };
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(hash),
        family_id: Set(family),
        staff_id: Set(staff_id),
        service_account_id: Set(service_account_id),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::testing::temp_store;

    #[tokio::test]
    async fn a_refresh_token_is_spent_once_and_reuse_revokes_the_family() {
        let t = temp_store().await;
        let s = &t.store;
        let subject = TokenSubject::Service(ServiceAccountId::new());
        let family = Uuid::now_v7();
        let later = now() + chrono::Duration::hours(1);
        s.insert_refresh_token("h1".into(), family, subject, later).await.unwrap();
        let rotated = s.rotate_refresh_token("h1", "h2".into(), later).await.unwrap();
        assert_eq!(rotated, RefreshOutcome::Rotated { subject, family });
        assert_eq!(s.rotate_refresh_token("h1", "h3".into(), later).await.unwrap(), RefreshOutcome::Reused);
        let after = s.rotate_refresh_token("h2", "h4".into(), later).await.unwrap();
        assert_eq!(after, RefreshOutcome::Invalid, "the family is revoked, the successor included");
        assert_eq!(s.rotate_refresh_token("unknown", "h5".into(), later).await.unwrap(), RefreshOutcome::Invalid);
    }

    #[tokio::test]
    async fn an_expired_refresh_token_is_invalid() {
        let t = temp_store().await;
        let s = &t.store;
        let subject = TokenSubject::Staff(StaffId::new());
        s.insert_refresh_token("old".into(), Uuid::now_v7(), subject, now() - chrono::Duration::seconds(1))
            .await
            .unwrap();
        let later = now() + chrono::Duration::hours(1);
        assert_eq!(s.rotate_refresh_token("old", "new".into(), later).await.unwrap(), RefreshOutcome::Invalid);
    }
}
