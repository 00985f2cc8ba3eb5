//! JSON made once for things that never change, kept by what names them.
//!
//! A plan version's items never change: every change to them moves the plan's version on (the
//! fact the store's own item cache rests on), and an item's labels in a language are fixed. The
//! same holds for a plan version as a list shows it (with the protocol number of the meeting
//! its review cites beside the version, as the store's keyed page names it) and for a staff
//! member at a version. Turning them into JSON was most of a read's own work; kept as JSON, a
//! read copies them, and a list reads from the database only the rows it has not seen at that
//! version. Only committed versions reach a response, so only they are kept; being keyed by
//! version, what one instance keeps is never stale for another's writes. Past its budget a
//! cache starts again empty.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use usul_persistence::RowKey;
use uuid::Uuid;

use crate::problem::ApiError;

/// A value in JSON, ready to be written into a response as it is.
#[derive(Debug, Clone)]
pub struct Json(Arc<RawValue>);

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl Json {
    /// `value` in JSON.
    ///
    /// # Errors
    /// The value does not serialize (a map with keys that are not strings, say).
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        Ok(Self(Arc::from(serde_json::value::to_raw_value(value)?)))
    }

    fn len(&self) -> usize {
        self.0.get().len()
    }
}

/// JSON kept by key, `budget` bytes at most.
#[derive(Debug)]
pub struct Kept<K> {
    entries: RwLock<HashMap<K, Json>>,
    bytes: AtomicUsize,
    budget: usize,
}

impl<K: Eq + Hash> Kept<K> {
    /// An empty cache holding up to `budget` bytes of JSON.
    #[must_use]
    pub fn new(budget: usize) -> Self {
        Self { entries: RwLock::new(HashMap::new()), bytes: AtomicUsize::new(0), budget }
    }

    /// The JSON kept under `key`.
    pub fn get(&self, key: &K) -> Option<Json> {
        self.entries.read().ok().and_then(|e| e.get(key).cloned())
    }

    /// Keeps `json` under `key` (for a committed version only).
    pub fn put(&self, key: K, json: &Json) {
        if let Ok(mut entries) = self.entries.write() {
            let size = json.len();
            if self.bytes.load(Ordering::Relaxed) + size > self.budget {
                entries.clear();
                self.bytes.store(0, Ordering::Relaxed);
            }
            if entries.insert(key, json.clone()).is_none() {
                self.bytes.fetch_add(size, Ordering::Relaxed);
            }
        }
    }

    /// The JSON under `key`, made by `make` and kept when not yet there.
    ///
    /// # Errors
    /// What `make` returns.
    pub fn get_or_make<E>(&self, key: K, make: impl FnOnce() -> Result<Json, E>) -> Result<Json, E> {
        if let Some(kept) = self.get(&key) {
            return Ok(kept);
        }
        let made = make()?;
        self.put(key, &made);
        Ok(made)
    }
}

/// The rows a keyed page names (see `usul_persistence::RowKey`), in JSON: those kept at their
/// key from memory, the rest read by `read` in one go (a fixed number of statements) and made
/// by `make`, then kept under the key they were read at. A row read at a newer version than the
/// page named is shown as read; one deleted since is left out.
///
/// # Errors
/// What `read` or `make` return.
pub async fn page_of<K, T, Fut>(
    kept: &Kept<K>,
    keys: &[RowKey],
    key_of: impl Fn(RowKey) -> K,
    read: impl FnOnce(Vec<Uuid>) -> Fut,
    make: impl Fn(&T) -> Result<Json, ApiError>,
) -> Result<Vec<Json>, ApiError>
where
    K: Eq + Hash,
    Fut: Future<Output = Result<Vec<(RowKey, T)>, ApiError>>,
{
    let mut found: Vec<Option<Json>> = keys.iter().map(|k| kept.get(&key_of(*k))).collect();
    let missing: Vec<Uuid> = keys.iter().zip(&found).filter(|(_, f)| f.is_none()).map(|(k, _)| k.id).collect();
    if !missing.is_empty() {
        let fresh: HashMap<Uuid, (RowKey, T)> = read(missing).await?.into_iter().map(|(k, t)| (k.id, (k, t))).collect();
        for (slot, key) in found.iter_mut().zip(keys) {
            if slot.is_none()
                && let Some((read_at, row)) = fresh.get(&key.id)
            {
                let json = make(row)?;
                kept.put(key_of(*read_at), &json);
                *slot = Some(json);
            }
        }
    }
    Ok(found.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn kept_json_is_returned_as_made_and_the_budget_starts_the_cache_again() {
        let kept: Kept<u32> = Kept::new(16);
        let a = Json::of(&"0123456789").unwrap();
        kept.put(1, &a);
        assert_eq!(kept.get(&1).map(|j| j.0.get().to_owned()), Some("\"0123456789\"".to_owned()));
        kept.put(2, &a);
        assert!(kept.get(&1).is_none(), "past the budget the cache starts again");
        assert!(kept.get(&2).is_some());
        let made = kept.get_or_make::<()>(3, || Ok(Json::of(&[1, 2]).unwrap())).unwrap();
        assert_eq!(made.0.get(), "[1,2]");
    }
}

/// The JSON this instance keeps: plan versions' items, plan versions and staff members as lists
/// show them.
#[derive(Debug)]
pub struct KeptViews {
    /// A plan version's items, by plan, version and language.
    pub plan_items: Kept<(Uuid, i32, usul_domain::lang::Lang)>,
    /// A plan version as a list shows it, by its key and language.
    pub plans: Kept<(RowKey, usul_domain::lang::Lang)>,
    /// A staff member as a list shows them, by key.
    pub staff: Kept<RowKey>,
}

impl Default for KeptViews {
    /// A few hundred plans of fifty items, a few hundred list entries, a few thousand staff.
    fn default() -> Self {
        Self { plan_items: Kept::new(8 << 20), plans: Kept::new(8 << 20), staff: Kept::new(2 << 20) }
    }
}
