//! What every request handler shares.

use crate::auth::{Hashing, Tokens};
use crate::config::Settings;
use crate::metrics::Metrics;
use std::sync::Arc;
use usul_persistence::Store;

/// Shared by every worker.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Settings,
    pub tokens: Tokens,
    pub metrics: Arc<Metrics>,
    /// A hash to verify against when a login is unknown, so that unknown and known logins
    /// take the same time. Made once at start-up.
    pub decoy_hash: String,
    /// Password hashing, bounded.
    pub hashing: Hashing,
    /// Requests to the token endpoint, limited per client address.
    pub token_limiter: std::sync::Arc<crate::ratelimit::RateLimiter>,
    /// JSON made once for committed versions (see `kept.rs`).
    pub kept: Arc<crate::kept::KeptViews>,
}
