//! The engine options that are data (`TheusEngine`'s second argument, less
//! the ones that hold functions or objects of the host: the audit recipe,
//! the worker, the storage, the listener error handler), checked and given
//! their defaults here, with messages that name the option.
//!
//! They arrive as value text (see value_text.rs) of `[name, value]`
//! entries in the caller's order, where what is not plain data (a
//! function, a symbol, a bigint, a Map, a Set) is the string U+0000 and
//! what it was, so that a message can say what was given, as JavaScript's
//! `typeof` would.

use crate::value_text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use theus_engine::{EngineError, ErrorKind, Value};
use tsify::Tsify;

type Map = BTreeMap<String, Value>;

/// The options as given: a list, looked up by name (collecting them into a
/// map would sort them, and a sort of these pairs weighs kilobytes of wasm).
struct Given(Vec<(String, Value)>);

impl Given {
    fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }
}

const TAG: char = '\u{0000}';

/// Every option's name, in the order the reference lists them.
const KNOWN: [&str; 13] = [
    "strictMode",
    "strictGuards",
    "strictCas",
    "maxRetries",
    "priorityAfter",
    "isolation",
    "backoff",
    "historyLimit",
    "auditLogLimit",
    "auditRecipe",
    "worker",
    "storage",
    "onListenerError",
];

/// The data options, checked, with their defaults.
#[derive(Serialize, Deserialize, Tsify, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CheckedOptions {
    pub strict: bool,
    pub strict_cas: bool,
    pub serializable: bool,
    pub max_retries: u32,
    pub priority_after: u32,
    pub backoff_base_ms: f64,
    pub backoff_max_ms: f64,
    pub history_limit: u32,
    pub audit_log_limit: u32,
}

fn refused(message: String) -> EngineError {
    EngineError::new(
        ErrorKind::InvalidArgument,
        format!("TheusEngine: {message}"),
    )
}

/// What a value that is not plain data was.
fn not_plain(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => s.strip_prefix(TAG),
        _ => None,
    }
}

/// JavaScript's `typeof` of the value the caller gave.
fn type_of(value: &Value) -> &str {
    match value {
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => match not_plain(value) {
            Some("Map" | "Set") => "object",
            Some(what) => what,
            None => "string",
        },
        Value::Null | Value::Array(_) | Value::Object(_) => "object",
    }
}

/// A number as JavaScript writes it, else the value's type.
fn shown(value: &Value) -> String {
    match value {
        Value::Number(n) if n.is_nan() => "NaN".into(),
        Value::Number(n) if n.is_infinite() => {
            (if *n > 0.0 { "Infinity" } else { "-Infinity" }).into()
        }
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => format!("{}", *n as i64),
        Value::Number(n) => n.to_string(),
        _ => type_of(value).to_string(),
    }
}

fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

fn flag(options: &Given, key: &str) -> Result<Option<bool>, EngineError> {
    match options.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(refused(format!(
            "option '{key}' must be a boolean, got {}",
            type_of(other)
        ))),
    }
}

fn count(options: &Given, key: &str, fallback: u32) -> Result<u32, EngineError> {
    let Some(value) = options.get(key) else {
        return Ok(fallback);
    };
    match as_number(value) {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) => Ok(n as u32),
        Some(n) if n >= 0.0 && n.fract() == 0.0 => Err(refused(format!(
            "option '{key}' must be a non-negative integer at most {}, got {}",
            u32::MAX,
            shown(value)
        ))),
        _ => Err(refused(format!(
            "option '{key}' must be a non-negative integer, got {}",
            shown(value)
        ))),
    }
}

fn milliseconds(backoff: &Map, key: &str, fallback: f64) -> Result<f64, EngineError> {
    match backoff.get(key) {
        None => Ok(fallback),
        Some(value) => match as_number(value) {
            Some(ms) if ms >= 0.0 && ms.is_finite() => Ok(ms),
            _ => Err(refused(format!(
                "option 'backoff.{key}' must be a non-negative number of milliseconds"
            ))),
        },
    }
}

/// The `[name, value]` entries, in their order.
fn entries(text: &str) -> Result<Vec<(String, Value)>, String> {
    let mut pairs = Vec::new();
    for entry in value_text::parse_items(text)? {
        let Value::Array(mut pair) = entry else {
            return Err("an entry is not a [name, value] pair".into());
        };
        match (pair.pop(), pair.pop(), pair.is_empty()) {
            (Some(value), Some(Value::String(name)), true) => pairs.push((name, value)),
            _ => return Err("an entry is not a [name, value] pair".into()),
        }
    }
    Ok(pairs)
}

/// Checks the data options (`text`: the value text of their entries).
pub fn check(text: &str) -> Result<CheckedOptions, EngineError> {
    let pairs =
        entries(text).map_err(|e| refused(format!("the options could not be read: {e}")))?;
    if let Some((unknown, _)) = pairs.iter().find(|(key, _)| !KNOWN.contains(&key.as_str())) {
        return Err(refused(format!(
            "unknown option '{unknown}'; the options are {}",
            KNOWN.join(", ")
        )));
    }
    let options = Given(pairs);
    let strict_mode = flag(&options, "strictMode")?;
    let strict_guards = flag(&options, "strictGuards")?;
    if matches!((strict_mode, strict_guards), (Some(a), Some(b)) if a != b) {
        return Err(refused(
            "strictMode and strictGuards are one option under two names; they disagree here".into(),
        ));
    }
    let serializable = match options.get("isolation") {
        None => false,
        Some(Value::String(s)) if s == "snapshot" => false,
        Some(Value::String(s)) if s == "serializable" => true,
        Some(other) => {
            let got = match other {
                Value::String(s) => not_plain(other).unwrap_or(s).to_string(),
                _ => shown(other),
            };
            return Err(refused(format!(
                "option 'isolation' must be 'snapshot' or 'serializable', got {got}"
            )));
        }
    };
    let empty = Map::new();
    let backoff = match options.get("backoff") {
        None => &empty,
        Some(Value::Object(fields)) => fields,
        Some(_) => {
            return Err(refused(
                "option 'backoff' must be an object such as { baseMs, maxMs }".into(),
            ))
        }
    };
    if let Some(bad) = backoff.keys().find(|k| *k != "baseMs" && *k != "maxMs") {
        return Err(refused(format!(
            "unknown option 'backoff.{bad}'; backoff has baseMs and maxMs"
        )));
    }
    let backoff_base_ms = milliseconds(backoff, "baseMs", 1.0)?;
    let backoff_max_ms = milliseconds(backoff, "maxMs", backoff_base_ms.max(100.0))?;
    if backoff_max_ms < backoff_base_ms {
        // Both were given: a default maxMs is never below baseMs.
        let given = |key| backoff.get(key).map(shown).unwrap_or_default();
        return Err(refused(format!(
            "option 'backoff.maxMs' ({}) is below 'backoff.baseMs' ({})",
            given("maxMs"),
            given("baseMs")
        )));
    }
    Ok(CheckedOptions {
        strict: strict_mode.or(strict_guards).unwrap_or(true),
        strict_cas: flag(&options, "strictCas")?.unwrap_or(false),
        serializable,
        max_retries: count(&options, "maxRetries", 10)?,
        priority_after: count(&options, "priorityAfter", 3)?,
        backoff_base_ms,
        backoff_max_ms,
        history_limit: count(&options, "historyLimit", 1000)?,
        audit_log_limit: count(&options, "auditLogLimit", 1000)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(entries: &str) -> String {
        check(entries).unwrap_err().message
    }

    #[test]
    fn no_options_are_the_defaults() {
        let o = check("[]").unwrap();
        assert!(o.strict && !o.strict_cas && !o.serializable);
        assert_eq!(
            (
                o.max_retries,
                o.priority_after,
                o.history_limit,
                o.audit_log_limit
            ),
            (10, 3, 1000, 1000)
        );
        assert_eq!((o.backoff_base_ms, o.backoff_max_ms), (1.0, 100.0));
    }

    #[test]
    fn options_are_read_with_their_aliases() {
        let o = check(r#"[["strictGuards",false],["isolation","serializable"],["backoff",{"baseMs":200}],["maxRetries",0]]"#).unwrap();
        assert!(!o.strict && o.serializable);
        assert_eq!(
            (o.backoff_base_ms, o.backoff_max_ms, o.max_retries),
            (200.0, 200.0, 0)
        );
    }

    #[test]
    fn the_first_unknown_option_in_the_callers_order_is_named() {
        assert!(message(r#"[["zeta",1],["alpha",2]]"#)
            .starts_with("TheusEngine: unknown option 'zeta'; the options are strictMode, "));
        assert_eq!(
            message(r#"[["backoff",{"base":1}]]"#),
            "TheusEngine: unknown option 'backoff.base'; backoff has baseMs and maxMs"
        );
    }

    #[test]
    fn a_wrong_type_is_named_as_javascript_would() {
        assert_eq!(
            message(r#"[["strictMode","no"]]"#),
            "TheusEngine: option 'strictMode' must be a boolean, got string"
        );
        assert_eq!(
            message("[[\"strictCas\",\"\\u0000\\u0000function\"]]"),
            "TheusEngine: option 'strictCas' must be a boolean, got function"
        );
        assert_eq!(
            message("[[\"strictCas\",\"\\u0000NaN\"]]"),
            "TheusEngine: option 'strictCas' must be a boolean, got number"
        );
        assert_eq!(
            message(r#"[["maxRetries",-1]]"#),
            "TheusEngine: option 'maxRetries' must be a non-negative integer, got -1"
        );
        assert_eq!(
            message(r#"[["historyLimit",1.5]]"#),
            "TheusEngine: option 'historyLimit' must be a non-negative integer, got 1.5"
        );
        assert_eq!(
            message("[[\"maxRetries\",\"\\u0000NaN\"]]"),
            "TheusEngine: option 'maxRetries' must be a non-negative integer, got NaN"
        );
        assert_eq!(
            message("[[\"maxRetries\",\"\\u0000\\u0000bigint\"]]"),
            "TheusEngine: option 'maxRetries' must be a non-negative integer, got bigint"
        );
        assert_eq!(
            message(r#"[["maxRetries",null]]"#),
            "TheusEngine: option 'maxRetries' must be a non-negative integer, got object"
        );
        assert_eq!(message(r#"[["isolation","linearizable"]]"#), "TheusEngine: option 'isolation' must be 'snapshot' or 'serializable', got linearizable");
        assert_eq!(
            message(r#"[["isolation",7]]"#),
            "TheusEngine: option 'isolation' must be 'snapshot' or 'serializable', got 7"
        );
    }

    #[test]
    fn ranges_are_checked() {
        assert!(message(r#"[["maxRetries",10000000000]]"#)
            .contains("must be a non-negative integer at most 4294967295, got 10000000000"));
        assert_eq!(
            message(r#"[["backoff",{"baseMs":-1}]]"#),
            "TheusEngine: option 'backoff.baseMs' must be a non-negative number of milliseconds"
        );
        assert_eq!(
            message("[[\"backoff\",{\"maxMs\":\"\\u0000Infinity\"}]]"),
            "TheusEngine: option 'backoff.maxMs' must be a non-negative number of milliseconds"
        );
        assert_eq!(
            message(r#"[["backoff",{"baseMs":10,"maxMs":5}]]"#),
            "TheusEngine: option 'backoff.maxMs' (5) is below 'backoff.baseMs' (10)"
        );
        assert_eq!(
            message(r#"[["backoff",[1]]]"#),
            "TheusEngine: option 'backoff' must be an object such as { baseMs, maxMs }"
        );
    }

    #[test]
    fn strict_mode_and_its_alias_must_agree() {
        assert!(message(r#"[["strictMode",true],["strictGuards",false]]"#)
            .contains("one option under two names"));
        assert!(check(r#"[["strictMode",false],["strictGuards",false]]"#).is_ok());
    }
}
