//! Interned paths: every contract path gets a small integer id, the same for
//! every spelling of one path, and its zone is classified once.

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use crate::path::Path;
use crate::zone::Zone;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PathId(pub u32);

#[derive(Debug)]
struct Entry {
    path: Path,
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
        let id = PathId(u32::try_from(self.entries.len()).expect("more than 2^32 distinct paths"));
        self.entries.push(Entry {
            path: path.clone(),
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
    fn zone_is_recorded_per_path() {
        let mut t = PathTable::new();
        let sig = intern(&mut t, "domain.sig_restock");
        let data = intern(&mut t, "domain.items");
        assert_eq!(t.zone(sig), Zone::Signal);
        assert_eq!(t.zone(data), Zone::Data);
    }
}
