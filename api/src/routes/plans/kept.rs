//! Plan versions' items as JSON, kept by plan, version and language.
//!
//! The items of a plan version never change: every change to them moves the plan's version on
//! (the fact the store's own item cache rests on), and an item's labels in a language are fixed.
//! Turning fifty items into JSON was a large share of a plan read's own work, and a page of
//! plans carries hundreds; kept as JSON, a read copies them. Only committed versions reach a
//! response, so only they are kept. Past [`BUDGET`] bytes the cache starts again empty.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use usul_domain::lang::Lang;
use usul_domain::plan::Plan;
use uuid::Uuid;

use super::dto::ItemView;

/// How much JSON is kept at most: a few hundred plans of fifty items, per instance.
const BUDGET: usize = 8 << 20;

/// A plan version's items in JSON, ready to be written into a response as they are.
#[derive(Debug, Clone)]
pub struct ItemsJson(Arc<RawValue>);

impl Serialize for ItemsJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl ItemsJson {
    /// The items of `p` in JSON, labels in `language`.
    pub(super) fn of(p: &Plan, language: Lang) -> Self {
        let views: Vec<ItemView> = p.items.iter().map(|i| ItemView::new(i, language)).collect();
        // Item views always serialize; should one not, the list reads as empty rather than fail.
        let raw = serde_json::value::to_raw_value(&views)
            .or_else(|_| RawValue::from_string("[]".to_owned()))
            .unwrap_or_default();
        Self(Arc::from(raw))
    }
}

/// The kept JSON of plan versions' items.
#[derive(Debug, Default)]
pub struct KeptItems {
    entries: RwLock<HashMap<(Uuid, i32, Lang), ItemsJson>>,
    bytes: AtomicUsize,
}

impl KeptItems {
    /// The items of `p` (committed, at its version) in JSON, from memory when kept.
    pub fn get(&self, p: &Plan, language: Lang) -> ItemsJson {
        let key = (p.id.uuid(), p.version, language);
        if let Some(kept) = self.entries.read().ok().and_then(|e| e.get(&key).cloned()) {
            return kept;
        }
        let made = ItemsJson::of(p, language);
        if let Ok(mut entries) = self.entries.write() {
            let size = made.0.get().len();
            if self.bytes.load(Ordering::Relaxed) + size > BUDGET {
                entries.clear();
                self.bytes.store(0, Ordering::Relaxed);
            }
            if entries.insert(key, made.clone()).is_none() {
                self.bytes.fetch_add(size, Ordering::Relaxed);
            }
        }
        made
    }
}
