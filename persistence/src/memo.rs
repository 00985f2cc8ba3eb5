//! What nearly every request reads and rarely changes, kept briefly in memory.
//!
//! Every authenticated request needs its caller's live account (role, school, subjects,
//! whether still active), and most need the caller's school. Reading them costs statements on
//! every request; the same few people and schools make most requests, and they change rarely.
//! So such a record is kept for a short time (`ttl`), and every change this process makes to
//! one empties its cache when the change is committed, so that on this instance a
//! deactivation, a role change or a school's new settings take effect at once. Another
//! instance over the same database sees the change when its entry expires, at most `ttl`
//! later.
//!
//! A zero `ttl` turns the cache off.
//!
//! Plan items are kept differently, in [`Items`]: by plan and version. Every change to a
//! plan's items moves the plan's version on, so the items of a version never change and are
//! safe to keep on any number of instances for as long as memory allows.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use usul_domain::org::ServiceAccount;
use usul_domain::plan::Item;
use usul_domain::staff::Staff;
use uuid::Uuid;

/// How many records a cache keeps at most; past that, it starts again empty. A district's busy
/// hour has a few thousand callers; a flood of made-up ids cannot get here, because only ids
/// from validly signed tokens and stored rows are looked up.
const CAPACITY: usize = 20_000;

/// A cached account.
#[derive(Debug, Clone)]
pub(crate) enum Account {
    Staff(Staff),
    Service(ServiceAccount),
}

#[derive(Debug)]
struct Entry<V> {
    at: Instant,
    value: V,
}

/// Records by id, each for at most `ttl`.
#[derive(Debug)]
pub(crate) struct Memo<V> {
    ttl: Duration,
    entries: RwLock<HashMap<Uuid, Entry<V>>>,
    /// Bumped by every [`Memo::clear`].
    generation: AtomicU64,
}

impl<V: Clone> Memo<V> {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self { ttl, entries: RwLock::new(HashMap::new()), generation: AtomicU64::new(0) }
    }

    /// The record, if cached and fresh.
    pub(crate) fn get(&self, id: Uuid) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().ok()?;
        entries.get(&id).filter(|e| e.at.elapsed() < self.ttl).map(|e| e.value.clone())
    }

    /// Keeps a record read at `read_at` — the moment before its read began, so that an entry
    /// is never younger than the data in it.
    pub(crate) fn put(&self, id: Uuid, value: V, read_at: Instant, generation: u64) {
        if self.ttl.is_zero() {
            return;
        }
        let Ok(mut entries) = self.entries.write() else { return };
        // A change made while this record was being read emptied the cache after the read
        // began: what was read may predate it, so it is not kept.
        if generation != self.generation.load(Ordering::Acquire) {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(id, Entry { at: read_at, value });
    }

    /// The generation to pass to [`Memo::put`]: read it before reading the record.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forgets every record: after a change to one has been committed (not before: a read
    /// between the clear and the commit would keep the old record).
    pub(crate) fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            entries.clear();
        }
    }
}

/// How many plan versions' items are kept at most; past that, the cache starts again empty.
const ITEM_CAPACITY: usize = 4_000;

/// A plan version's items, shared.
type KeptItems = Arc<Vec<Item>>;

/// The items of plan versions, by plan id and version (see the module's notes).
#[derive(Debug, Default)]
pub(crate) struct Items {
    entries: RwLock<HashMap<(Uuid, i32), KeptItems>>,
}

impl Items {
    /// The items of a plan at a version, if kept.
    pub(crate) fn get(&self, plan: Uuid, version: i32) -> Option<Arc<Vec<Item>>> {
        self.entries.read().ok()?.get(&(plan, version)).cloned()
    }

    /// Keeps the items of a plan at a version. Only items read outside a transaction, that is
    /// committed ones, may be kept.
    pub(crate) fn put(&self, plan: Uuid, version: i32, items: Arc<Vec<Item>>) {
        let Ok(mut entries) = self.entries.write() else { return };
        if entries.len() >= ITEM_CAPACITY {
            entries.clear();
        }
        entries.insert((plan, version), items);
    }
}
