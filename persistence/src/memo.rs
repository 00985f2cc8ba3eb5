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
//! In the last quarter of an entry's life, the first caller to look finds nothing and reads
//! the record again, while every other caller keeps being answered from the entry until it
//! expires. Otherwise every request in flight when a busy caller's entry expired read it at
//! once (64 connections: 64 reads of four statements each, every `ttl`), a pause all of them
//! waited through. No caller is ever answered from an entry older than `ttl`.
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
    /// Whether a caller has been sent to read the record again (see the module's notes).
    refreshing: std::sync::atomic::AtomicBool,
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

    /// The record, if cached and fresh; `None` also for the one caller sent to read it again
    /// in the last quarter of its entry's life.
    pub(crate) fn get(&self, id: Uuid) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().ok()?;
        let entry = entries.get(&id)?;
        let age = entry.at.elapsed();
        if age >= self.ttl {
            return None;
        }
        if age >= self.ttl - self.ttl / 4 && !entry.refreshing.swap(true, Ordering::AcqRel) {
            return None;
        }
        Some(entry.value.clone())
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
        entries.insert(id, Entry { at: read_at, value, refreshing: std::sync::atomic::AtomicBool::new(false) });
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

/// How many items, over all the plans kept, are kept at most; past that, the cache starts again
/// empty. An item takes about half a kilobyte in memory: a few dozen MiB at most.
const ITEM_CAPACITY: usize = 60_000;

/// A plan version's items, shared.
type KeptItems = Arc<Vec<Item>>;

/// The items of plan versions: for each plan, those of the newest version seen (see the
/// module's notes). An older version is not kept: once a plan has moved on, only a read that
/// began before the move asks for it again, and reads it from the database. Keeping every
/// version of a plan whose progress is being recorded grew the process by a plan's items on
/// each write (160 MiB after 20 s of 64 writers).
#[derive(Debug, Default)]
pub(crate) struct Items {
    entries: RwLock<KeptPlans>,
}

#[derive(Debug, Default)]
struct KeptPlans {
    by_plan: HashMap<Uuid, (i32, KeptItems)>,
    /// The items of all the entries, counted against [`ITEM_CAPACITY`].
    items: usize,
}

impl Items {
    /// The items of a plan at a version, if kept.
    pub(crate) fn get(&self, plan: Uuid, version: i32) -> Option<Arc<Vec<Item>>> {
        let entries = self.entries.read().ok()?;
        entries.by_plan.get(&plan).filter(|(v, _)| *v == version).map(|(_, items)| items.clone())
    }

    /// Keeps the items of a plan at a version, unless a newer version of it is kept. Only items
    /// read outside a transaction, that is committed ones, may be kept.
    pub(crate) fn put(&self, plan: Uuid, version: i32, items: Arc<Vec<Item>>) {
        let Ok(mut entries) = self.entries.write() else { return };
        if entries.by_plan.get(&plan).is_some_and(|(v, _)| *v > version) {
            return;
        }
        if entries.items + items.len() > ITEM_CAPACITY {
            entries.by_plan.clear();
            entries.items = 0;
        }
        let added = items.len();
        if let Some((_, old)) = entries.by_plan.insert(plan, (version, items)) {
            entries.items -= old.len();
        }
        entries.items += added;
    }
}

#[cfg(test)]
mod tests {
    use super::Memo;
    use std::time::{Duration, Instant};
    use uuid::Uuid;

    #[test]
    fn near_its_end_one_caller_reads_a_record_again_while_the_others_keep_it_until_it_expires() {
        let memo = Memo::new(Duration::from_millis(400));
        let id = Uuid::now_v7();
        memo.put(id, 1, Instant::now(), memo.generation());
        assert_eq!(memo.get(id), Some(1), "fresh");
        std::thread::sleep(Duration::from_millis(320));
        assert_eq!(memo.get(id), None, "the first caller in the last quarter reads it again");
        assert_eq!(memo.get(id), Some(1), "the others are still answered from the entry");
        assert_eq!(memo.get(id), Some(1));
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(memo.get(id), None, "nobody is answered past the entry's life");
        memo.put(id, 2, Instant::now(), memo.generation());
        assert_eq!(memo.get(id), Some(2), "the record read again is kept afresh");
    }

    #[test]
    fn a_change_forgets_the_record_and_a_read_begun_before_it_is_not_kept() {
        let memo = Memo::new(Duration::from_secs(60));
        let id = Uuid::now_v7();
        let (read_at, generation) = (Instant::now(), memo.generation());
        memo.put(id, 1, read_at, generation);
        memo.clear();
        assert_eq!(memo.get(id), None);
        memo.put(id, 1, read_at, generation);
        assert_eq!(memo.get(id), None, "read before the change: not kept");
    }
}

#[cfg(test)]
mod item_tests {
    use super::Items;
    use std::sync::Arc;
    use uuid::Uuid;

    #[test]
    fn only_the_newest_version_of_a_plans_items_is_kept() {
        let kept = Items::default();
        let plan = Uuid::now_v7();
        kept.put(plan, 3, Arc::new(Vec::new()));
        assert!(kept.get(plan, 3).is_some());
        kept.put(plan, 4, Arc::new(Vec::new()));
        assert!(kept.get(plan, 4).is_some());
        assert!(kept.get(plan, 3).is_none(), "an older version is forgotten");
        kept.put(plan, 3, Arc::new(Vec::new()));
        assert!(kept.get(plan, 3).is_none(), "a slower read of an older version does not replace the newer");
        assert!(kept.get(plan, 4).is_some());
        assert!(kept.get(Uuid::now_v7(), 4).is_none());
    }
}
