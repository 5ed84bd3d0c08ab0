//! Zones: what kind of data a path holds, recognised from its name.
//!
//! The origin classifies a single key by prefix. We classify a whole path:
//! the first segment (below the layer) that marks a zone decides, so
//! everything beneath `domain_ctx.heavy_frames` is HEAVY and everything
//! beneath `domain_ctx.meta` is META.

use serde::Serialize;

use crate::path::{Path, Segment};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "UPPERCASE")]
pub enum Zone {
    /// Business state: transactional, rolled back on failure, audited.
    Data,
    /// Transient events and commands (`sig_`, `cmd_`, a `sig`/`signal` segment).
    Signal,
    /// Observability only (`meta_`, a `meta` segment).
    Meta,
    /// Large binary data, zero-copy, no rollback (`heavy_`, a `heavy` segment).
    Heavy,
}

impl Zone {
    /// The zone a single key marks, if any.
    pub fn of_key(key: &str) -> Option<Zone> {
        match key {
            "sig" | "signal" => Some(Zone::Signal),
            "meta" => Some(Zone::Meta),
            "heavy" => Some(Zone::Heavy),
            k if k.starts_with("sig_") || k.starts_with("cmd_") => Some(Zone::Signal),
            k if k.starts_with("meta_") => Some(Zone::Meta),
            k if k.starts_with("heavy_") => Some(Zone::Heavy),
            _ => None,
        }
    }

    pub fn of_path(path: &Path) -> Zone {
        Zone::marked(path).map_or(Zone::Data, |(zone, _)| zone)
    }

    /// The zone a path is in, with the index of the segment that marks it;
    /// `None` for DATA.
    pub fn marked(path: &Path) -> Option<(Zone, usize)> {
        path.segments
            .iter()
            .enumerate()
            .find_map(|(i, segment)| match segment {
                Segment::Key(k) => Zone::of_key(k).map(|zone| (zone, i)),
                Segment::Index(_) => None,
            })
    }

    /// The signal a write to `path` sets: the path down to the segment that
    /// marks the SIGNAL zone (`domain_ctx.sig_x` for `domain_ctx.sig_x.count`).
    pub fn signal_topic(path: &Path) -> Option<Path> {
        match Zone::marked(path) {
            Some((Zone::Signal, i)) => Some(Path {
                layer: path.layer,
                segments: path.segments[..=i].to_vec(),
            }),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Zone::Data => "DATA",
            Zone::Signal => "SIGNAL",
            Zone::Meta => "META",
            Zone::Heavy => "HEAVY",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(text: &str) -> Zone {
        Zone::of_path(&Path::parse(text).unwrap())
    }

    #[test]
    fn prefixes_mark_zones() {
        assert_eq!(zone("domain.sig_restock_needed"), Zone::Signal);
        assert_eq!(zone("domain.cmd_stop"), Zone::Signal);
        assert_eq!(zone("global.meta_trace"), Zone::Meta);
        assert_eq!(zone("domain.heavy_frames"), Zone::Heavy);
    }

    #[test]
    fn whole_segments_mark_zones() {
        assert_eq!(zone("domain.signal.restock"), Zone::Signal);
        assert_eq!(zone("domain.sig.x"), Zone::Signal);
        assert_eq!(zone("domain.meta.last_run"), Zone::Meta);
        assert_eq!(zone("domain.heavy.weights"), Zone::Heavy);
    }

    #[test]
    fn everything_else_is_data() {
        assert_eq!(zone("domain.items[0].price"), Zone::Data);
        assert_eq!(zone("domain"), Zone::Data);
        // Only a prefix or a whole segment counts, not a substring.
        assert_eq!(zone("domain.design_signals"), Zone::Data);
        assert_eq!(zone("domain.signature"), Zone::Data);
        assert_eq!(zone("domain.metadata"), Zone::Data);
    }

    #[test]
    fn signal_topics_stop_at_the_marking_segment() {
        let topic = |t: &str| Zone::signal_topic(&Path::parse(t).unwrap()).map(|p| p.to_string());
        assert_eq!(
            topic("domain.sig_restock_needed").as_deref(),
            Some("domain_ctx.sig_restock_needed")
        );
        assert_eq!(
            topic("domain.sig_x.count").as_deref(),
            Some("domain_ctx.sig_x")
        );
        assert_eq!(
            topic("domain.signal.a.b").as_deref(),
            Some("domain_ctx.signal")
        );
        assert_eq!(topic("domain.items"), None);
        assert_eq!(topic("domain.meta_x"), None);
    }

    #[test]
    fn the_first_marking_segment_decides() {
        assert_eq!(zone("domain.heavy_frames.meta_info"), Zone::Heavy);
        assert_eq!(zone("domain.items[2].sig_changed"), Zone::Signal);
        assert_eq!(zone("domain['meta'].sig_x"), Zone::Meta);
    }
}
