//! Context paths: `domain_ctx.items[0].price`, `domain['k']`, `global.cfg["a b"]`.
//!
//! A path is parsed once (at register time) into a layer and a list of
//! segments; everything later works on interned ids, never on text.

use std::fmt;

use crate::layer::{Layer, LAYER_NAMES_HELP};

/// One step below a layer. Array indices and object keys that spell a
/// canonical array index (`items.0`, `items['0']`) are the same JS property,
/// so both parse to `Index` and compare equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Key(String),
    Index(u32),
}

/// Keys that would reach an object's prototype machinery instead of its data.
/// No path containing one is ever accepted, in any mode.
pub const FORBIDDEN_KEYS: [&str; 3] = ["__proto__", "constructor", "prototype"];

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    pub layer: Layer,
    pub segments: Vec<Segment>,
}

/// Why a path was rejected, with the 0-based offset of the fault: a
/// character of a path string, or a key of a patch path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    pub text: String,
    pub offset: usize,
    pub unit: &'static str,
    pub reason: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "path {} (at {} {}): {}",
            self.text,
            self.unit,
            self.offset + 1,
            self.reason
        )
    }
}

impl std::error::Error for PathError {}

impl Path {
    pub fn parse(text: &str) -> Result<Path, PathError> {
        Parser {
            text,
            chars: text.chars().collect(),
            pos: 0,
        }
        .path()
    }

    /// The path of the layer itself (`domain_ctx`).
    pub fn layer_root(layer: Layer) -> Path {
        Path {
            layer,
            segments: Vec::new(),
        }
    }

    /// Builds a path from the keys of a patch path (`['domain_ctx', 'items',
    /// '3']`), where the layer must be spelled canonically. Keys follow the
    /// same rules as in parsed paths: one that spells an array index is one.
    pub fn from_keys<K: AsRef<str>>(keys: &[K]) -> Result<Path, PathError> {
        let fail = |at: usize, reason: String| {
            let shown: Vec<String> = keys.iter().map(|k| format!("'{}'", k.as_ref())).collect();
            PathError {
                text: format!("[{}]", shown.join(", ")),
                offset: at,
                unit: "key",
                reason,
            }
        };
        let Some(first) = keys.first() else {
            return Err(fail(0, "a path cannot be empty".into()));
        };
        let layer = Layer::from_canonical(first.as_ref()).ok_or_else(|| {
            fail(0, format!("'{}' is not a layer; a context holds only the layers global_ctx, domain_ctx, local_ctx", first.as_ref()))
        })?;
        let mut segments = Vec::with_capacity(keys.len() - 1);
        for (at, key) in keys.iter().enumerate().skip(1) {
            let key = key.as_ref();
            if FORBIDDEN_KEYS.contains(&key) {
                return Err(fail(at, format!("segment '{key}' is forbidden: it would reach the object's prototype, not its data")));
            }
            segments.push(match as_array_index(key) {
                Some(i) => Segment::Index(i),
                None => Segment::Key(key.to_string()),
            });
        }
        Ok(Path { layer, segments })
    }

    /// True when `ancestor` is this path or one of its prefixes.
    pub fn is_within(&self, ancestor: &Path) -> bool {
        self.layer == ancestor.layer && self.segments.starts_with(&ancestor.segments)
    }

    /// Prefix semantics: either path lies within the other.
    pub fn overlaps(&self, other: &Path) -> bool {
        self.is_within(other) || other.is_within(self)
    }
}

impl fmt::Display for Path {
    /// The canonical spelling: canonical layer name, dotted identifiers,
    /// `[n]` for indices and `['…']` for any other key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.layer.name())?;
        for segment in &self.segments {
            match segment {
                Segment::Index(i) => write!(f, "[{i}]")?,
                Segment::Key(k) if is_identifier(k) => write!(f, ".{k}")?,
                Segment::Key(k) => {
                    f.write_str("['")?;
                    for c in k.chars() {
                        if c == '\'' || c == '\\' {
                            f.write_str("\\")?;
                        }
                        write!(f, "{c}")?;
                    }
                    f.write_str("']")?;
                }
            }
        }
        Ok(())
    }
}

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if is_identifier_char(c) && !c.is_ascii_digit())
        && chars.all(is_identifier_char)
}

/// JS treats "7" and 7 as the same property of an array; "07" and "-1" are
/// plain keys. Indices stop at 2^32 - 2, as in ECMAScript.
pub(crate) fn as_array_index(key: &str) -> Option<u32> {
    if key.is_empty() || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse::<u32>().ok().filter(|&i| i != u32::MAX)
}

struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, at: usize, reason: impl Into<String>) -> PathError {
        PathError {
            text: format!("'{}'", self.text),
            offset: at,
            unit: "character",
            reason: reason.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn identifier(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(is_identifier_char) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn path(mut self) -> Result<Path, PathError> {
        if self.text.is_empty() {
            return Err(self.error(0, "a path cannot be empty"));
        }
        let layer_name = self.identifier();
        let layer = Layer::from_name(&layer_name).ok_or_else(|| {
            let shown = if layer_name.is_empty() {
                self.text
            } else {
                &layer_name
            };
            self.error(
                0,
                format!("unknown layer '{shown}'; a path starts with {LAYER_NAMES_HELP}"),
            )
        })?;
        let mut segments = Vec::new();
        while let Some(c) = self.peek() {
            let at = self.pos;
            let segment = match c {
                '.' => {
                    self.pos += 1;
                    let key = self.identifier();
                    if key.is_empty() {
                        let found = match self.peek() {
                            None => "the end of the path".to_string(),
                            Some(c) => format!("'{c}'"),
                        };
                        return Err(self.error(
                            at,
                            format!("empty segment after '.' (found {found}); write keys with other characters as ['key']"),
                        ));
                    }
                    key
                }
                '[' => {
                    self.pos += 1;
                    self.bracket(at)?
                }
                other => {
                    return Err(self.error(
                        at,
                        format!("unexpected '{other}'; segments are .name, [index] or ['key']"),
                    ))
                }
            };
            if FORBIDDEN_KEYS.contains(&segment.as_str()) {
                return Err(self.error(
                    at,
                    format!("segment '{segment}' is forbidden: it would reach the object's prototype, not its data"),
                ));
            }
            segments.push(match as_array_index(&segment) {
                Some(i) => Segment::Index(i),
                None => Segment::Key(segment),
            });
        }
        Ok(Path { layer, segments })
    }

    /// After '[': a non-negative integer or a quoted key, then ']'.
    fn bracket(&mut self, open: usize) -> Result<String, PathError> {
        let key = match self.peek() {
            Some(q @ ('\'' | '"')) => {
                self.pos += 1;
                let mut key = String::new();
                loop {
                    match self.peek() {
                        None => {
                            return Err(
                                self.error(open, format!("unterminated string: missing {q}"))
                            )
                        }
                        Some('\\') => {
                            self.pos += 1;
                            match self.peek() {
                                Some(c @ ('\\' | '\'' | '"')) => key.push(c),
                                _ => {
                                    return Err(self.error(
                                        self.pos - 1,
                                        "only \\\\, \\' and \\\" escapes are allowed in a key",
                                    ))
                                }
                            }
                        }
                        Some(c) if c == q => break,
                        Some(c) => key.push(c),
                    }
                    self.pos += 1;
                }
                self.pos += 1;
                if key.is_empty() {
                    return Err(self.error(open, "empty key ['']"));
                }
                key
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                let digits: String = self.chars[start..self.pos].iter().collect();
                if as_array_index(&digits).is_none() {
                    return Err(self.error(
                        start,
                        format!(
                            "'{digits}' is not an array index (no leading zeros, below 4294967295)"
                        ),
                    ));
                }
                digits
            }
            Some(']') => return Err(self.error(open, "empty brackets []")),
            _ => return Err(self.error(self.pos, "expected an index or a quoted key after '['")),
        };
        if self.peek() != Some(']') {
            return Err(self.error(self.pos, "expected ']'"));
        }
        self.pos += 1;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_string())
    }

    fn reason(text: &str) -> String {
        Path::parse(text).unwrap_err().reason
    }

    #[test]
    fn parses_dots_indices_and_quoted_keys() {
        let p = Path::parse("domain_ctx.items[0].price").unwrap();
        assert_eq!(p.layer, Layer::Domain);
        assert_eq!(
            p.segments,
            vec![key("items"), Segment::Index(0), key("price")]
        );

        let p = Path::parse(r#"global['a b']["c.d"]"#).unwrap();
        assert_eq!(p.layer, Layer::Global);
        assert_eq!(p.segments, vec![key("a b"), key("c.d")]);
    }

    #[test]
    fn a_layer_alone_is_a_path() {
        let p = Path::parse("local").unwrap();
        assert_eq!(p, Path::layer_root(Layer::Local));
        assert_eq!(p.to_string(), "local_ctx");
    }

    #[test]
    fn aliases_and_spellings_of_one_property_are_one_path() {
        let canonical = Path::parse("domain_ctx.items[3].price").unwrap();
        for spelling in [
            "domain.items[3].price",
            "domain.items.3.price",
            "domain['items']['3'].price",
        ] {
            assert_eq!(Path::parse(spelling).unwrap(), canonical, "{spelling}");
        }
    }

    #[test]
    fn non_canonical_numbers_stay_keys() {
        let p = Path::parse("domain.m['07']").unwrap();
        assert_eq!(p.segments, vec![key("m"), key("07")]);
        assert_eq!(
            reason("domain.m[07]"),
            "'07' is not an array index (no leading zeros, below 4294967295)"
        );
        assert!(reason("domain.m[4294967295]").contains("not an array index"));
    }

    #[test]
    fn canonical_form_quotes_what_is_not_an_identifier() {
        let p = Path::parse(r#"domain["it's"]['x\\y'].ok[2]"#).unwrap();
        assert_eq!(p.to_string(), r"domain_ctx['it\'s']['x\\y'].ok[2]");
        assert_eq!(Path::parse(&p.to_string()).unwrap(), p);
    }

    #[test]
    fn unicode_identifiers_are_keys() {
        let p = Path::parse("domain.größe").unwrap();
        assert_eq!(p.segments, vec![key("größe")]);
    }

    #[test]
    fn rejects_empty_segments() {
        assert!(reason("").contains("cannot be empty"));
        assert!(reason("domain..x").starts_with("empty segment after '.' (found '.')"));
        assert!(reason("domain.").contains("found the end of the path"));
        assert_eq!(reason("domain['']"), "empty key ['']");
        assert_eq!(reason("domain[]"), "empty brackets []");
    }

    #[test]
    fn rejects_prototype_segments_in_every_spelling() {
        for text in [
            "domain.__proto__",
            "domain.a.constructor.b",
            "domain['prototype']",
            "domain[\"__proto__\"].x",
        ] {
            let err = Path::parse(text).unwrap_err();
            assert!(err.reason.contains("is forbidden"), "{text}: {err}");
        }
        // A key that merely contains the word is data.
        assert!(Path::parse("domain.my_constructor").is_ok());
    }

    #[test]
    fn rejects_unknown_layers_naming_the_choices() {
        let err = Path::parse("domian.items").unwrap_err();
        assert_eq!(err.offset, 0);
        assert!(err
            .reason
            .starts_with("unknown layer 'domian'; a path starts with global_ctx"));
        assert!(reason("[0]").contains("unknown layer '[0]'"));
    }

    #[test]
    fn rejects_malformed_syntax_with_its_position() {
        let err = Path::parse("domain.items[0").unwrap_err();
        assert_eq!((err.offset, err.reason.as_str()), (14, "expected ']'"));
        assert!(reason("domain.items['a").contains("unterminated string"));
        assert!(reason("domain.a-b").contains("unexpected '-'"));
        assert!(reason("domain.a b").contains("unexpected ' '"));
        assert!(reason("domain[x]").contains("expected an index or a quoted key"));
        assert!(reason(r"domain['\n']").contains("escapes"));
        assert_eq!(
            Path::parse("domain.a-b").unwrap_err().to_string(),
            "path 'domain.a-b' (at character 9): unexpected '-'; segments are .name, [index] or ['key']"
        );
    }

    #[test]
    fn patch_keys_build_the_same_paths() {
        assert_eq!(
            Path::from_keys(&["domain_ctx", "items", "3", "price"]).unwrap(),
            Path::parse("domain.items[3].price").unwrap()
        );
        assert_eq!(
            Path::from_keys(&["domain_ctx", "m", "7", "1.5"])
                .unwrap()
                .segments,
            vec![key("m"), Segment::Index(7), key("1.5")]
        );
    }

    #[test]
    fn patch_keys_are_checked_like_paths() {
        assert!(Path::from_keys(&["domain", "x"])
            .unwrap_err()
            .reason
            .contains("'domain' is not a layer"));
        assert!(Path::from_keys::<&str>(&[])
            .unwrap_err()
            .reason
            .contains("cannot be empty"));
        let err = Path::from_keys(&["domain_ctx", "a", "__proto__"]).unwrap_err();
        assert_eq!(err.offset, 2);
        assert_eq!(err.to_string(), "path ['domain_ctx', 'a', '__proto__'] (at key 3): segment '__proto__' is forbidden: it would reach the object's prototype, not its data");
    }

    #[test]
    fn prefix_relations() {
        let p = |t: &str| Path::parse(t).unwrap();
        assert!(p("domain.items[3].price").is_within(&p("domain.items")));
        assert!(p("domain.items").is_within(&p("domain.items")));
        assert!(!p("domain.items").is_within(&p("domain.items[3]")));
        assert!(p("domain.items").overlaps(&p("domain.items[3]")));
        assert!(!p("domain.items").overlaps(&p("domain.total")));
        assert!(!p("domain.items").overlaps(&p("global.items")));
        assert!(p("domain").overlaps(&p("domain.x")));
    }
}
