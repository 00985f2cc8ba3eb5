//! Delta sync: the server-issued `sync_token` and the rule that makes it miss nothing.
//!
//! **The rule.** Every write stamps `updated_at` on the rows it changes, inside its
//! transaction, before it commits. A row can therefore become visible *after* rows stamped
//! later, when its transaction is slower: reading "changed since the latest `updated_at` I
//! saw" would miss it. So the token a read issues is not the time of the read but a watermark
//! behind it: the start of the read, moved back to the start of the oldest write transaction
//! still running (PostgreSQL reports it; on SQLite writers are serialised), and back again by
//! a safety window of [`WINDOW_SECONDS`] for stamps taken just before a transaction begins and
//! for clock differences between instances. Every row that was not yet visible to the read
//! was stamped at or after that watermark, so the next read (`updated_at >= token`) returns it.
//! Rows may come twice: a client keeps the newest `version` of each id.
//!
//! **Deletions.** A deleted row leaves a tombstone (collection, id, school, time). A read with
//! a `sync_token` lists, on its first page, the ids deleted at or after the token. Tombstones
//! are kept [`usul_persistence::SYNC_RETENTION_DAYS`] days; an older token answers 410
//! `sync_token_expired`: read the whole collection again (without `sync_token`).

use crate::extract::bad_param;
use crate::problem::{ApiError, FieldErrorKind, ProblemCode};
use crate::query::{Cursor, Since};
use crate::state::AppState;
use actix_web::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Deserializer};
use uuid::Uuid;

/// The safety window behind the watermark, in seconds.
pub const WINDOW_SECONDS: i64 = 300;

/// The prefix of every token of this format.
const PREFIX: &str = "st1.";

/// `sync_token`: the token a list's first page answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncToken(pub DateTime<Utc>);

impl SyncToken {
    /// The token as sent: `st1.` and the watermark in microseconds, in hex.
    #[must_use]
    pub fn encode(&self) -> String {
        format!("{PREFIX}{:016x}", self.0.timestamp_micros())
    }

    /// Reads a token; `None` when it is not one this server issues.
    #[must_use]
    pub fn decode(raw: &str) -> Option<Self> {
        let hex = raw.strip_prefix(PREFIX)?;
        if hex.len() != 16 || !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return None;
        }
        let micros = i64::from_str_radix(hex, 16).ok()?;
        Utc.timestamp_micros(micros).single().map(Self)
    }
}

impl<'de> Deserialize<'de> for SyncToken {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let raw = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Self::decode(&raw).ok_or_else(|| D::Error::custom(FieldErrorKind::InvalidFormat.code()))
    }
}

/// What a list read does for sync.
#[derive(Debug, Clone, Copy)]
pub struct SyncRead {
    /// Only rows changed at or after this (from `sync_token` or `updated_since`).
    pub since: Option<DateTime<Utc>>,
    token: Option<DateTime<Utc>>,
    first_page: bool,
}

impl SyncRead {
    /// Checks the parameters.
    ///
    /// # Errors
    /// 400 `invalid_parameter` when `sync_token` and `updated_since` are both given or the
    /// token is from the future; 410 `sync_token_expired` when its tombstones are purged.
    pub fn new(
        token: Option<SyncToken>,
        updated_since: Option<Since>,
        cursor: Option<Cursor>,
    ) -> Result<Self, ApiError> {
        let first_page = cursor.is_none_or(|c| c == Cursor::FIRST);
        let Some(token) = token else {
            return Ok(Self { since: updated_since.map(|s| s.0), token: None, first_page });
        };
        if updated_since.is_some() {
            return Err(bad_param("updated_since", FieldErrorKind::InvalidValue));
        }
        let now = usul_persistence::now();
        if token.0 > now + Duration::seconds(WINDOW_SECONDS) {
            return Err(bad_param("sync_token", FieldErrorKind::InvalidValue));
        }
        if token.0 < now - Duration::days(usul_persistence::SYNC_RETENTION_DAYS) {
            return Err(ApiError::Status {
                status: StatusCode::GONE,
                code: ProblemCode::SyncTokenExpired,
                detail: format!(
                    "Deletions are kept {} days; this token is older. Read the whole collection again without sync_token, and keep the sync_token of its first page.",
                    usul_persistence::SYNC_RETENTION_DAYS
                ),
            });
        }
        Ok(Self { since: Some(token.0), token: Some(token.0), first_page })
    }

    /// The token for the next read, on a first page; call it before reading the rows.
    ///
    /// # Errors
    /// [`ApiError`] when the database cannot be read.
    pub async fn next_token(&self, state: &AppState) -> Result<Option<String>, ApiError> {
        if !self.first_page {
            return Ok(None);
        }
        let now = usul_persistence::now();
        let oldest = state.store.open_writes_bound().await?;
        let mark = oldest.map_or(now, |o| o.min(now)) - Duration::seconds(WINDOW_SECONDS);
        Ok(Some(SyncToken(mark).encode()))
    }

    /// What [`Self::deleted`] answers for a read that can hold nothing.
    #[must_use]
    pub fn nothing_deleted(&self) -> Option<Vec<Uuid>> {
        (self.token.is_some() && self.first_page).then(Vec::new)
    }

    /// With a token, on a first page: the ids of `collection` deleted since it, within
    /// `school` or `district` (neither: everywhere).
    ///
    /// # Errors
    /// [`ApiError`] when the database cannot be read.
    pub async fn deleted(
        &self,
        state: &AppState,
        collection: &str,
        school: Option<Uuid>,
        district: Option<Uuid>,
    ) -> Result<Option<Vec<Uuid>>, ApiError> {
        match self.token {
            Some(t) if self.first_page => Ok(Some(state.store.tombstones(collection, t, school, district).await?)),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_token_reads_back_to_its_watermark_and_nothing_else_is_a_token() {
        let t = SyncToken(Utc.timestamp_micros(1_700_000_000_123_456).single().unwrap());
        assert_eq!(SyncToken::decode(&t.encode()), Some(t));
        for bad in [
            "",
            "st1.",
            "st1.zz",
            "st2.00060a1b2c3d4e5f",
            "st1.00060A1B2C3D4E5F",
            "st1.00060a1b2c3d4e5f0",
            "2023-01-01T00:00:00Z",
        ] {
            assert_eq!(SyncToken::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_token_and_updated_since_together_are_refused_and_an_old_token_is_gone() {
        let now = usul_persistence::now();
        let since = Some(Since(now));
        assert!(SyncRead::new(Some(SyncToken(now)), since, None).is_err());
        let old = SyncToken(now - Duration::days(usul_persistence::SYNC_RETENTION_DAYS + 1));
        match SyncRead::new(Some(old), None, None) {
            Err(e) => assert_eq!(e.code(), ProblemCode::SyncTokenExpired),
            Ok(r) => panic!("{r:?}"),
        }
        let fresh = SyncRead::new(Some(SyncToken(now - Duration::hours(1))), None, None).unwrap();
        assert_eq!(fresh.since, Some(now - Duration::hours(1)));
    }
}
