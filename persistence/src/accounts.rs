//! The accounts behind access tokens, kept briefly in memory.
//!
//! Every authenticated request needs its caller's live account (role, school, subjects,
//! whether still active). Reading it costs two statements a request; the same few people make
//! most requests, and their accounts change rarely. So an account read for authentication is
//! kept for a short time (`ttl`), and every change this process makes to a person, a service
//! account or a subject (which people teach) empties the cache in the same call, so that on
//! this instance a deactivation or a role change takes effect at once. Another instance over
//! the same database sees the change when its entry expires, at most `ttl` later.
//!
//! A zero `ttl` turns the cache off.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use usul_domain::org::ServiceAccount;
use usul_domain::staff::Staff;
use uuid::Uuid;

/// How many accounts are kept at most; past that, the cache starts again empty. A school
/// district's busy hour has a few thousand callers; a flood of made-up ids cannot get here,
/// because only ids from validly signed tokens are looked up.
const CAPACITY: usize = 20_000;

/// A cached account.
#[derive(Debug, Clone)]
pub(crate) enum Account {
    Staff(Staff),
    Service(ServiceAccount),
}

#[derive(Debug)]
struct Entry {
    at: Instant,
    account: Account,
}

/// Accounts by id, each for at most `ttl`.
#[derive(Debug)]
pub(crate) struct AccountCache {
    ttl: Duration,
    entries: RwLock<HashMap<Uuid, Entry>>,
    /// Bumped by every [`AccountCache::clear`].
    generation: AtomicU64,
}

impl AccountCache {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self { ttl, entries: RwLock::new(HashMap::new()), generation: AtomicU64::new(0) }
    }

    /// The account, if cached and fresh.
    pub(crate) fn get(&self, id: Uuid) -> Option<Account> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().ok()?;
        entries.get(&id).filter(|e| e.at.elapsed() < self.ttl).map(|e| e.account.clone())
    }

    /// Keeps an account read at `read_at` — the moment before its read began, so that an entry
    /// is never younger than the data in it.
    pub(crate) fn put(&self, id: Uuid, account: Account, read_at: Instant, generation: u64) {
        if self.ttl.is_zero() {
            return;
        }
        let Ok(mut entries) = self.entries.write() else { return };
        // A change made while this account was being read emptied the cache after the read
        // began: what was read may predate it, so it is not kept.
        if generation != self.generation.load(Ordering::Acquire) {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(id, Entry { at: read_at, account });
    }

    /// The generation to pass to [`AccountCache::put`]: read it before reading the account.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forgets every account: after any change to people, service accounts or subjects has
    /// been committed (not before: a read between the clear and the commit would keep the old
    /// account).
    pub(crate) fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            entries.clear();
        }
    }
}
