//! The paths a transaction wrote, as its patches name them, and the path
//! each one counts as for conflict detection. A patch's own path can be too
//! narrow to be sound, since two commits could then both pass that must
//! not both apply:
//! - a change to an array's shape (an element added or removed, its length
//!   set) is a write of the whole array: indices shift, so concurrent pushes,
//!   pops and splices must conflict; replacing one element stays narrow;
//! - a change inside a Set is a write of the Set (its patches find elements
//!   by position), and a Map key that is not a string or number cannot be
//!   named in a path, so the path stops at the Map.
//!
//! The host says, for every key, what kind of container holds it (read from
//! the state the transaction produced); the decision is made here.

use crate::path::{Path, PathError};
use crate::wire::{decode_paths, ESCAPE, KEY_END, PATH_END};

/// The patch operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Replace,
    Remove,
}

/// What holds a key of a patch path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// A plain object or a class instance.
    Object,
    Array,
    Map,
    Set,
    /// The key cannot be named in a path (a symbol, or a Map key that is
    /// neither a string nor a number).
    Unnamed,
}

/// One patch as it crossed: its operation and its keys, each with its holder
/// (`holders[i]` holds `keys[i]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    pub op: Op,
    pub holders: Vec<Holder>,
    pub keys: Vec<String>,
}

impl Written {
    /// A replacement at plain object keys (tests and direct writes).
    pub fn replace<K: AsRef<str>>(keys: &[K]) -> Written {
        Written {
            op: Op::Replace,
            holders: vec![Holder::Object; keys.len()],
            keys: keys.iter().map(|k| k.as_ref().to_string()).collect(),
        }
    }

    /// The path this write counts as for conflict detection (see the module
    /// documentation); an error for a path that names no layer or goes
    /// through a prototype key.
    pub fn path(&self) -> Result<Path, PathError> {
        let last = self.keys.len().saturating_sub(1);
        let end = self
            .holders
            .iter()
            .zip(&self.keys)
            .enumerate()
            .position(|(i, (holder, key))| match holder {
                Holder::Set | Holder::Unnamed => true,
                Holder::Array => i == last && (self.op != Op::Replace || key == "length"),
                Holder::Object | Holder::Map => false,
            })
            .unwrap_or(self.keys.len());
        Path::from_keys(&self.keys[..end])
    }
}

/// Reads the wire text (see `wire.rs`): each path starts with its op (`a`,
/// `r`, `d`), and each key with its holder (`o`, `a`, `m`, `s`, `x`). The
/// common text, with no escaped separator, is read in one pass, each key
/// copied once without its tag.
pub fn decode_written(text: &str) -> Vec<Written> {
    if text.is_empty() {
        return Vec::new();
    }
    if text.contains(ESCAPE) {
        return decode_paths(text).into_iter().map(tagged).collect();
    }
    text.split(PATH_END)
        .map(|path| {
            let (op, path) = split_tag(path);
            let mut written = Written {
                op: op_of(op),
                holders: Vec::new(),
                keys: Vec::new(),
            };
            for key in path.split(KEY_END) {
                let (holder, key) = split_tag(key);
                written.holders.push(holder_of(holder));
                written.keys.push(key.to_string());
            }
            written
        })
        .collect()
}

/// A path whose keys still carry their tags (the first key also the op's).
fn tagged(mut keys: Vec<String>) -> Written {
    let op = op_of(keys.first_mut().map_or('\0', take_tag));
    let holders = keys
        .iter_mut()
        .map(|key| holder_of(take_tag(key)))
        .collect();
    Written { op, holders, keys }
}

fn op_of(tag: char) -> Op {
    match tag {
        'a' => Op::Add,
        'd' => Op::Remove,
        _ => Op::Replace,
    }
}

fn holder_of(tag: char) -> Holder {
    match tag {
        'o' => Holder::Object,
        'a' => Holder::Array,
        'm' => Holder::Map,
        's' => Holder::Set,
        _ => Holder::Unnamed,
    }
}

/// A text's leading tag character (none: `'\0'`) and the rest.
fn split_tag(text: &str) -> (char, &str) {
    let mut chars = text.chars();
    match chars.next() {
        Some(tag) => (tag, chars.as_str()),
        None => ('\0', text),
    }
}

/// Removes a key's leading tag character (none: `'\0'`).
fn take_tag(key: &mut String) -> char {
    if key.is_empty() {
        '\0'
    } else {
        key.remove(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Path {
        Path::parse(text).unwrap()
    }

    fn widened(text: &str) -> Vec<String> {
        decode_written(text)
            .iter()
            .map(|w| w.path().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_one_pass_reading_agrees_with_the_escaped_one() {
        for text in [
            "rodomain_ctx\u{1f}ocounter",
            "aodomain_ctx\u{1f}oitems\u{1f}a3\u{1e}dodomain_ctx\u{1f}ototal",
            "rodomain_ctx\u{1f}\u{1f}o",
            "\u{1e}r",
            "qzdomain_ctx\u{1f}xkey\u{1f}mk\u{1f}s",
            "r\u{e9}domain_ctx",
        ] {
            let escaped: Vec<Written> = decode_paths(text).into_iter().map(tagged).collect();
            assert_eq!(decode_written(text), escaped, "{text:?}");
        }
    }

    #[test]
    fn object_writes_stay_narrow() {
        assert_eq!(
            widened("rodomain_ctx\u{1f}ocounter"),
            ["domain_ctx.counter"]
        );
        assert_eq!(
            widened("dodomain_ctx\u{1f}ocache\u{1f}ok"),
            ["domain_ctx.cache.k"]
        );
    }

    #[test]
    fn array_shape_changes_widen_to_the_array_element_replacements_do_not() {
        assert_eq!(
            widened("aodomain_ctx\u{1f}oitems\u{1f}a3"),
            ["domain_ctx.items"]
        );
        assert_eq!(
            widened("rodomain_ctx\u{1f}oitems\u{1f}alength"),
            ["domain_ctx.items"]
        );
        assert_eq!(
            widened("dodomain_ctx\u{1f}oitems\u{1f}a0"),
            ["domain_ctx.items"]
        );
        assert_eq!(
            widened("rodomain_ctx\u{1f}oitems\u{1f}a3"),
            ["domain_ctx.items[3]"]
        );
        assert_eq!(
            widened("rodomain_ctx\u{1f}oitems\u{1f}a3\u{1f}oprice"),
            ["domain_ctx.items[3].price"]
        );
    }

    #[test]
    fn sets_and_unnamed_map_keys_end_the_path() {
        assert_eq!(
            widened("aodomain_ctx\u{1f}otags\u{1f}s0"),
            ["domain_ctx.tags"]
        );
        assert_eq!(
            widened("rodomain_ctx\u{1f}ousers\u{1f}mada\u{1f}oage"),
            ["domain_ctx.users.ada.age"]
        );
        assert_eq!(
            widened("rodomain_ctx\u{1f}ousers\u{1f}x\u{1f}oage"),
            ["domain_ctx.users"]
        );
    }

    #[test]
    fn several_paths_cross_in_one_text() {
        let written = decode_written("rodomain_ctx\u{1f}oa\u{1e}aoglobal_ctx\u{1f}ob");
        assert_eq!(written.len(), 2);
        assert_eq!(written[1].op, Op::Add);
        assert_eq!(written[1].path().unwrap(), path("global.b"));
        assert!(decode_written("").is_empty());
    }

    #[test]
    fn prototype_keys_and_unknown_layers_are_errors() {
        let err = decode_written("rodomain_ctx\u{1f}o__proto__\u{1f}ox")[0]
            .path()
            .unwrap_err();
        assert!(
            err.to_string().contains("segment '__proto__' is forbidden"),
            "{err}"
        );
        let err = decode_written("rocache\u{1f}ox")[0].path().unwrap_err();
        assert!(err.to_string().contains("'cache' is not a layer"), "{err}");
    }

    #[test]
    fn direct_writes_are_object_replacements() {
        assert_eq!(
            Written::replace(&["domain_ctx", "n"]).path().unwrap(),
            path("domain.n")
        );
    }
}
