//! The text form in which a commit's written paths cross from JavaScript:
//! keys joined by U+001F, paths by U+001E, and U+001D escaping any of the
//! three inside a key. One string crosses far more cheaply than nested
//! arrays converted value by value. `ts/wire.ts` writes it.

pub const ESCAPE: char = '\u{1d}';
pub const PATH_END: char = '\u{1e}';
pub const KEY_END: char = '\u{1f}';

/// Splits the text back into paths of keys, unescaping them (the common
/// text, with nothing escaped, is read in one pass by `decode_written`).
pub fn decode_paths(text: &str) -> Vec<Vec<String>> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut paths = Vec::new();
    let mut keys = Vec::new();
    let mut key = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ESCAPE => key.extend(chars.next()),
            KEY_END => keys.push(std::mem::take(&mut key)),
            PATH_END => {
                keys.push(std::mem::take(&mut key));
                paths.push(std::mem::take(&mut keys));
            }
            c => key.push(c),
        }
    }
    keys.push(key);
    paths.push(keys);
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_paths_and_keys() {
        assert_eq!(
            decode_paths("domain_ctx\u{1f}items\u{1f}3\u{1e}domain_ctx\u{1f}total"),
            vec![
                vec!["domain_ctx", "items", "3"],
                vec!["domain_ctx", "total"],
            ]
        );
        assert_eq!(decode_paths("domain_ctx"), vec![vec!["domain_ctx"]]);
        assert!(decode_paths("").is_empty());
    }

    #[test]
    fn escaped_separators_stay_in_their_key() {
        assert_eq!(
            decode_paths("domain_ctx\u{1f}a\u{1d}\u{1f}b\u{1d}\u{1e}c\u{1d}\u{1d}"),
            vec![vec!["domain_ctx", "a\u{1f}b\u{1e}c\u{1d}"]]
        );
    }

    #[test]
    fn empty_keys_survive() {
        assert_eq!(
            decode_paths("domain_ctx\u{1f}"),
            vec![vec!["domain_ctx", ""]]
        );
    }
}
