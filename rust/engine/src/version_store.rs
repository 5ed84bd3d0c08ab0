//! The MVCC version store: for every path written, the version of its last
//! write, kept in a trie so that prefix semantics cost one walk down a path:
//! a write to `domain_ctx.items` conflicts with a later read or write of
//! `domain_ctx.items[3].price` (and the reverse), never with
//! `domain_ctx.total_value`.
//!
//! The trie is bounded. When it outgrows its limit, subtrees whose newest
//! write is old are folded into their root node, which then counts as
//! written at that newest version. Folding can only add conflicts (for
//! transactions whose snapshot predates the folded writes), never hide one.

use std::collections::HashMap;

use crate::layer::Layer;
use crate::path::{Path, Segment};

#[derive(Debug, Default)]
struct Node {
    /// Version of the last write at exactly this path (0: never).
    own: u64,
    /// Newest version written at or beneath this path.
    newest: u64,
    children: HashMap<Segment, usize>,
}

#[derive(Debug)]
pub struct VersionStore {
    nodes: Vec<Node>,
    free: Vec<usize>,
    live: usize,
    limit: usize,
}

/// Nodes 0..3 are the layer roots, in `Layer::ALL` order.
fn layer_node(layer: Layer) -> usize {
    Layer::ALL
        .iter()
        .position(|&l| l == layer)
        .expect("a layer")
}

impl VersionStore {
    pub fn new(limit: usize) -> VersionStore {
        let nodes: Vec<Node> = Layer::ALL.iter().map(|_| Node::default()).collect();
        let live = nodes.len();
        VersionStore {
            nodes,
            free: Vec::new(),
            live,
            limit: limit.max(64),
        }
    }

    /// The newest version after `snapshot` that touched `path`: a write at
    /// the path, beneath it, or at one of its ancestors.
    pub fn changed_since(&self, path: &Path, snapshot: u64) -> Option<u64> {
        let mut node = &self.nodes[layer_node(path.layer)];
        let mut newest_ancestor = 0;
        for segment in &path.segments {
            newest_ancestor = newest_ancestor.max(node.own);
            match node.children.get(segment) {
                Some(&child) => node = &self.nodes[child],
                None => return (newest_ancestor > snapshot).then_some(newest_ancestor),
            }
        }
        let newest = newest_ancestor.max(node.newest);
        (newest > snapshot).then_some(newest)
    }

    pub fn record(&mut self, path: &Path, version: u64) {
        let mut index = layer_node(path.layer);
        self.nodes[index].newest = version;
        for segment in &path.segments {
            index = match self.nodes[index].children.get(segment) {
                Some(&child) => child,
                None => {
                    let child = self.allocate();
                    self.nodes[index].children.insert(segment.clone(), child);
                    child
                }
            };
            self.nodes[index].newest = version;
        }
        self.nodes[index].own = version;
    }

    /// Number of paths tracked (layer roots included).
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Folds old subtrees until at most half the limit is used. `current` is
    /// the engine's version; subtrees untouched for longest go first.
    pub fn compact_if_needed(&mut self, current: u64) {
        if self.live <= self.limit {
            return;
        }
        // Fold everything older than a cut-off that rises until enough room is
        // made; the newest half of the history keeps its precision longest.
        let mut cutoff = current / 2;
        while self.live > self.limit / 2 {
            for layer in Layer::ALL {
                self.fold_older_than(layer_node(layer), cutoff);
            }
            if cutoff >= current {
                break;
            }
            cutoff = cutoff + (current - cutoff).div_ceil(2);
        }
    }

    fn fold_older_than(&mut self, index: usize, cutoff: u64) {
        let children: Vec<(Segment, usize)> = self.nodes[index]
            .children
            .iter()
            .map(|(k, &c)| (k.clone(), c))
            .collect();
        let mut folded = 0;
        for (key, child) in children {
            if self.nodes[child].newest <= cutoff {
                folded = folded.max(self.nodes[child].newest);
                self.nodes[index].children.remove(&key);
                self.release_subtree(child);
            } else {
                self.fold_older_than(child, cutoff);
            }
        }
        let node = &mut self.nodes[index];
        node.own = node.own.max(folded);
    }

    fn release_subtree(&mut self, index: usize) {
        let children: Vec<usize> = self.nodes[index].children.drain().map(|(_, c)| c).collect();
        for child in children {
            self.release_subtree(child);
        }
        self.nodes[index] = Node::default();
        self.free.push(index);
        self.live -= 1;
    }

    fn allocate(&mut self) -> usize {
        self.live += 1;
        match self.free.pop() {
            Some(index) => index,
            None => {
                self.nodes.push(Node::default());
                self.nodes.len() - 1
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Path {
        Path::parse(text).unwrap()
    }

    #[test]
    fn a_write_conflicts_with_its_ancestors_and_descendants_only() {
        let mut store = VersionStore::new(1000);
        store.record(&p("domain.items[3].price"), 5);
        assert_eq!(store.changed_since(&p("domain.items[3].price"), 4), Some(5));
        assert_eq!(store.changed_since(&p("domain.items"), 4), Some(5));
        assert_eq!(store.changed_since(&p("domain"), 4), Some(5));
        assert_eq!(
            store.changed_since(&p("domain.items[3].price.cents"), 4),
            Some(5)
        );
        assert_eq!(store.changed_since(&p("domain.items[4]"), 4), None);
        assert_eq!(store.changed_since(&p("domain.total_value"), 4), None);
        assert_eq!(store.changed_since(&p("global.items"), 4), None);
    }

    #[test]
    fn replacing_a_subtree_conflicts_with_everything_beneath_it() {
        let mut store = VersionStore::new(1000);
        store.record(&p("domain.items"), 7);
        assert_eq!(store.changed_since(&p("domain.items[3].price"), 6), Some(7));
        assert_eq!(store.changed_since(&p("domain.items[3].price"), 7), None);
    }

    #[test]
    fn only_writes_after_the_snapshot_count() {
        let mut store = VersionStore::new(1000);
        store.record(&p("domain.counter"), 1);
        store.record(&p("domain.counter"), 2);
        assert_eq!(store.changed_since(&p("domain.counter"), 1), Some(2));
        assert_eq!(store.changed_since(&p("domain.counter"), 2), None);
    }

    #[test]
    fn compaction_bounds_the_store_and_never_hides_a_conflict() {
        let mut store = VersionStore::new(100);
        for v in 1..=1000u64 {
            store.record(&p(&format!("domain.log[{v}]")), v);
            store.compact_if_needed(v);
            assert!(store.len() <= 101, "{} nodes at version {v}", store.len());
        }
        // Every write is still seen by a snapshot older than it.
        for v in [1u64, 10, 500, 999, 1000] {
            let seen = store.changed_since(&p(&format!("domain.log[{v}]")), v - 1);
            assert!(seen.is_some_and(|s| s >= v), "write {v} lost: {seen:?}");
        }
        assert_eq!(store.changed_since(&p("domain.other"), 0), None);
        assert_eq!(store.changed_since(&p("domain.log[1000]"), 1000), None);
    }
}
