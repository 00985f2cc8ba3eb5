//! Refresh tokens: stored hashed, rotated on use; reusing a spent one revokes its family.

use crate::entities::refresh_token;
use crate::{Store, StoreResult, now};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
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
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// Spends a refresh token. Spending is a conditional update, so of two concurrent uses of
    /// one token exactly one rotates and the other counts as reuse.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn use_refresh_token(&self, hash: &str) -> StoreResult<RefreshOutcome> {
        let at = now();
        let Some(row) =
            refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(hash)).one(&self.db).await?
        else {
            return Ok(RefreshOutcome::Invalid);
        };
        if row.revoked_at.is_some() || row.expires_at <= at {
            return Ok(RefreshOutcome::Invalid);
        }
        let spent = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(at))
            .filter(refresh_token::Column::Id.eq(row.id))
            .filter(refresh_token::Column::UsedAt.is_null())
            .exec(&self.db)
            .await?
            .rows_affected;
        if spent == 0 {
            self.revoke_family(row.family_id).await?;
            return Ok(RefreshOutcome::Reused);
        }
        let subject = match (row.staff_id, row.service_account_id) {
            (Some(s), _) => TokenSubject::Staff(StaffId::from_uuid(s)),
            (None, Some(s)) => TokenSubject::Service(ServiceAccountId::from_uuid(s)),
            (None, None) => return Ok(RefreshOutcome::Invalid),
        };
        Ok(RefreshOutcome::Rotated { subject, family: row.family_id })
    }

    /// Revokes every token of a family.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn revoke_family(&self, family: Uuid) -> StoreResult<()> {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now()))
            .filter(refresh_token::Column::FamilyId.eq(family))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Revokes every refresh token of a person (on deactivation).
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn revoke_staff_tokens(&self, staff: StaffId) -> StoreResult<()> {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now()))
            .filter(refresh_token::Column::StaffId.eq(staff.uuid()))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
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
        assert_eq!(s.use_refresh_token("h1").await.unwrap(), RefreshOutcome::Rotated { subject, family });
        s.insert_refresh_token("h2".into(), family, subject, later).await.unwrap();
        assert_eq!(s.use_refresh_token("h1").await.unwrap(), RefreshOutcome::Reused);
        assert_eq!(s.use_refresh_token("h2").await.unwrap(), RefreshOutcome::Invalid, "the family is revoked");
        assert_eq!(s.use_refresh_token("unknown").await.unwrap(), RefreshOutcome::Invalid);
    }

    #[tokio::test]
    async fn an_expired_refresh_token_is_invalid() {
        let t = temp_store().await;
        let s = &t.store;
        let subject = TokenSubject::Staff(StaffId::new());
        s.insert_refresh_token("old".into(), Uuid::now_v7(), subject, now() - chrono::Duration::seconds(1))
            .await
            .unwrap();
        assert_eq!(s.use_refresh_token("old").await.unwrap(), RefreshOutcome::Invalid);
    }
}
