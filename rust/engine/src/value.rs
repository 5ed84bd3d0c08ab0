//! A plain data value as it arrives from JavaScript. Inputs are read into
//! this first and validated by hand, because serde's derived messages
//! ("invalid type: string, expected a sequence") say nothing about which key
//! of which contract was wrong, nor suggest the key probably meant.

use std::cell::Cell;
use std::collections::BTreeMap;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};

/// How deeply a value from JavaScript may nest (arrays and objects). Deep
/// enough for any contract, recipe or workflow a person writes; shallow
/// enough that converting it can never exhaust the stack. A cyclic object
/// is caught by the same bound.
pub const MAX_VALUE_DEPTH: usize = 100;

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// One level of nesting while a value is read; the level ends when dropped.
struct Level;

impl Level {
    fn enter<E: Error>() -> Result<Level, E> {
        let depth = DEPTH.get() + 1;
        if depth > MAX_VALUE_DEPTH {
            return Err(E::custom(format!(
                "nested more than {MAX_VALUE_DEPTH} levels deep (or cyclic)"
            )));
        }
        DEPTH.set(depth);
        Ok(Level)
    }
}

impl Drop for Level {
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get() - 1);
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null` or `undefined`.
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(BTreeMap<String, Value>),
}

impl Value {
    /// How the value reads in a message: "a string", "an array", ...
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

// Written by hand rather than derived with #[serde(untagged)]: the derived
// form buffers every value and retries each variant, which cost 10 KiB of
// brotli-compressed wasm.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("plain data (null, boolean, number, string, array or object)")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Number(n))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let _level = Level::enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let _level = Level::enter()?;
        let mut fields = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            fields.insert(key, value);
        }
        Ok(Value::Object(fields))
    }
}

/// The message for a key that is not one of `known`, suggesting the one
/// probably meant: "unknown key 'ouputs' (did you mean 'outputs'?); a
/// contract has inputs, outputs, ..." where `owner` is "a contract has".
pub fn unknown_key(key: &str, known: &[&str], owner: &str) -> String {
    let hint = suggest(key, known)
        .map(|k| format!(" (did you mean '{k}'?)"))
        .unwrap_or_default();
    format!("unknown key '{key}'{hint}; {owner} {}", known.join(", "))
}

/// The closest of `known` to `unknown`, if it is a plausible typo.
pub fn suggest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| {
            (
                edit_distance(&unknown.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                *k,
            )
        })
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_bounded() {
        let nested = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let ok: Value = serde_json::from_str(&nested(MAX_VALUE_DEPTH)).unwrap();
        assert!(matches!(ok, Value::Array(_)));
        let err = serde_json::from_str::<Value>(&nested(MAX_VALUE_DEPTH + 1)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("nested more than 100 levels deep (or cyclic)"),
            "{err}"
        );
        // The bound is released as values end: siblings may each be deep.
        let siblings = format!(
            "[{}, {}]",
            nested(MAX_VALUE_DEPTH - 1),
            nested(MAX_VALUE_DEPTH - 1)
        );
        assert!(serde_json::from_str::<Value>(&siblings).is_ok());
        assert_eq!(DEPTH.get(), 0);
    }

    #[test]
    fn suggests_close_names_only() {
        let known = ["inputs", "outputs", "semantic"];
        assert_eq!(suggest("ouputs", &known), Some("outputs"));
        assert_eq!(suggest("Inputs", &known), Some("inputs"));
        assert_eq!(suggest("semantics", &known), Some("semantic"));
        assert_eq!(suggest("reads", &known), None);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
