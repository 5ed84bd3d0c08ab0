//! Interned paths. Every path the engine has seen gets a small integer id;
//! interning a path interns all its prefixes too, so "is A beneath B" is a
//! walk up parent links, never a string comparison.

use std::collections::HashMap;

use serde::Serialize;

use crate::path::Path;
use crate::zone::Zone;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PathId(pub u32);

#[derive(Debug)]
struct Entry {
    path: Path,
    parent: Option<PathId>,
    depth: u32,
    zone: Zone,
}

#[derive(Debug, Default)]
pub struct PathTable {
    entries: Vec<Entry>,
    ids: HashMap<Path, PathId>,
}

impl PathTable {
    pub fn new() -> PathTable {
        PathTable::default()
    }

    pub fn intern(&mut self, path: &Path) -> PathId {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        let parent = path.parent().map(|p| self.intern(&p));
        let id = PathId(u32::try_from(self.entries.len()).expect("more than 2^32 distinct paths"));
        self.entries.push(Entry {
            path: path.clone(),
            parent,
            depth: path.segments.len() as u32,
            zone: Zone::of_path(path),
        });
        self.ids.insert(path.clone(), id);
        id
    }

    pub fn get(&self, path: &Path) -> Option<PathId> {
        self.ids.get(path).copied()
    }

    pub fn path(&self, id: PathId) -> &Path {
        &self.entries[id.0 as usize].path
    }

    pub fn zone(&self, id: PathId) -> Zone {
        self.entries[id.0 as usize].zone
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when `ancestor` is `id` itself or one of its prefixes.
    pub fn is_within(&self, id: PathId, ancestor: PathId) -> bool {
        let target_depth = self.entries[ancestor.0 as usize].depth;
        let mut current = id;
        loop {
            let entry = &self.entries[current.0 as usize];
            if entry.depth <= target_depth {
                return current == ancestor;
            }
            match entry.parent {
                Some(parent) => current = parent,
                None => return false,
            }
        }
    }

    /// Prefix semantics: a change to one path touches the other when either
    /// lies within the other (`items` and `items[3].price`, not `total`).
    pub fn overlaps(&self, a: PathId, b: PathId) -> bool {
        self.is_within(a, b) || self.is_within(b, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intern(table: &mut PathTable, text: &str) -> PathId {
        table.intern(&Path::parse(text).unwrap())
    }

    #[test]
    fn one_path_one_id_whatever_the_spelling() {
        let mut t = PathTable::new();
        let a = intern(&mut t, "domain_ctx.items[3].price");
        let b = intern(&mut t, "domain.items.3['price']");
        assert_eq!(a, b);
        assert_eq!(t.path(a).to_string(), "domain_ctx.items[3].price");
    }

    #[test]
    fn interning_a_path_interns_its_prefixes() {
        let mut t = PathTable::new();
        intern(&mut t, "domain.items[3].price");
        assert_eq!(t.len(), 4);
        assert!(t.get(&Path::parse("domain.items[3]").unwrap()).is_some());
        assert!(t.get(&Path::parse("domain").unwrap()).is_some());
        assert!(t.get(&Path::parse("global").unwrap()).is_none());
    }

    #[test]
    fn prefix_semantics() {
        let mut t = PathTable::new();
        let items = intern(&mut t, "domain.items");
        let price = intern(&mut t, "domain.items[3].price");
        let total = intern(&mut t, "domain.total_value");
        let layer = intern(&mut t, "domain");
        let other_layer = intern(&mut t, "global.items");

        assert!(t.is_within(price, items));
        assert!(!t.is_within(items, price));
        assert!(t.is_within(items, items));
        assert!(t.overlaps(items, price) && t.overlaps(price, items));
        assert!(!t.overlaps(items, total));
        assert!(t.overlaps(layer, total));
        assert!(!t.overlaps(other_layer, items));
    }

    #[test]
    fn siblings_with_a_common_prefix_in_their_names_do_not_overlap() {
        let mut t = PathTable::new();
        let a = intern(&mut t, "domain.item");
        let b = intern(&mut t, "domain.items");
        assert!(!t.overlaps(a, b));
    }

    #[test]
    fn zone_is_recorded_per_path() {
        let mut t = PathTable::new();
        let sig = intern(&mut t, "domain.sig_restock");
        let data = intern(&mut t, "domain.items");
        assert_eq!(t.zone(sig), Zone::Signal);
        assert_eq!(t.zone(data), Zone::Data);
    }
}
