//! Audit recipes, as in the origin: per process, rules on its inputs (the
//! args object) and outputs (the values the transaction would commit), each
//! with `min`, `max`, `regex` and a `level`, plus dual thresholds. Validated
//! on load: every error names the key.
//!
//! ```yaml
//! default_level: B
//! default_threshold_max: 3
//! process_recipes:
//!   add_product:
//!     inputs:  [{ field: price, min: 0, max: 10000, level: B }]
//!     outputs: [{ field: domain_ctx.total_value, min: 0, level: S }]
//!     threshold_max: 5
//!     threshold_min: 3
//!     reset_on_success: true
//! ```

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

use regex_lite::Regex;
use serde::Serialize;

use crate::error::{EngineError, ErrorKind};
use crate::path::Path;
use crate::value::{unknown_key, Value};

/// S stops the engine, A aborts (the workflow), B blocks the transaction
/// (at the threshold), C only counts and logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum Level {
    C,
    B,
    A,
    S,
}

impl Level {
    fn parse(text: &str) -> Option<Level> {
        match text {
            "S" => Some(Level::S),
            "A" => Some(Level::A),
            "B" => Some(Level::B),
            "C" => Some(Level::C),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Rule {
    /// The field as written: a key (or dotted path) of the args, or a context path.
    pub field: String,
    /// Keys to read: into the args for inputs, from the state root for outputs.
    pub keys: Vec<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub regex: Option<Regex>,
    pub level: Level,
}

#[derive(Clone, Debug)]
pub struct ProcessRecipe {
    pub inputs: Vec<Rule>,
    pub outputs: Vec<Rule>,
    pub threshold_max: u32,
    pub threshold_min: u32,
    pub reset_on_success: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Recipe {
    pub processes: HashMap<String, ProcessRecipe>,
}

const TOP_KEYS: [&str; 5] = [
    "default_level",
    "default_threshold_max",
    "default_threshold_min",
    "default_reset_on_success",
    "process_recipes",
];
const PROCESS_KEYS: [&str; 5] = [
    "inputs",
    "outputs",
    "threshold_max",
    "threshold_min",
    "reset_on_success",
];
const RULE_KEYS: [&str; 5] = ["field", "min", "max", "regex", "level"];

fn fail(at: &str, message: String) -> EngineError {
    EngineError::new(
        ErrorKind::InvalidArgument,
        format!("audit recipe: {at}: {message}"),
    )
}

fn fields<'a>(
    value: &'a Value,
    at: &str,
    known: &[&str],
) -> Result<&'a BTreeMap<String, Value>, EngineError> {
    let Value::Object(fields) = value else {
        return Err(fail(
            at,
            format!("expected a mapping, got {}", value.kind()),
        ));
    };
    if let Some(unknown) = fields.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(fail(at, unknown_key(unknown, known, "the keys are")));
    }
    Ok(fields)
}

fn number(
    fields: &BTreeMap<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<f64>, EngineError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.is_nan() => Err(fail(
            &format!("{at}.{key}"),
            "expected a number, got NaN".to_string(),
        )),
        Some(Value::Number(n)) => Ok(Some(*n)),
        Some(other) => Err(fail(
            &format!("{at}.{key}"),
            format!("expected a number, got {}", other.kind()),
        )),
    }
}

fn count(
    fields: &BTreeMap<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<u32>, EngineError> {
    match number(fields, key, at)? {
        None => Ok(None),
        Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => Ok(Some(n as u32)),
        Some(n) => Err(fail(
            &format!("{at}.{key}"),
            format!("expected a positive integer, got {n}"),
        )),
    }
}

fn flag(
    fields: &BTreeMap<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<bool>, EngineError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(fail(
            &format!("{at}.{key}"),
            format!("expected true or false, got {}", other.kind()),
        )),
    }
}

fn level(
    fields: &BTreeMap<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<Level>, EngineError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Level::parse(s).map(Some).ok_or_else(|| {
            fail(
                &format!("{at}.{key}"),
                format!("unknown level '{s}'; the levels are S, A, B, C"),
            )
        }),
        Some(other) => Err(fail(
            &format!("{at}.{key}"),
            format!("expected S, A, B or C, got {}", other.kind()),
        )),
    }
}

impl Recipe {
    pub fn from_value(value: &Value) -> Result<Recipe, EngineError> {
        let top = fields(value, "the recipe", &TOP_KEYS)?;
        let default_level = level(top, "default_level", "the recipe")?.unwrap_or(Level::B);
        let default_max = count(top, "default_threshold_max", "the recipe")?.unwrap_or(3);
        let default_min = count(top, "default_threshold_min", "the recipe")?.unwrap_or(1);
        let default_reset = flag(top, "default_reset_on_success", "the recipe")?.unwrap_or(true);
        let mut processes = HashMap::default();
        let no_recipes = BTreeMap::new();
        let recipes = match top.get("process_recipes") {
            None | Some(Value::Null) => &no_recipes,
            Some(Value::Object(map)) => map,
            Some(other) => {
                return Err(fail(
                    "process_recipes",
                    format!("expected a mapping of process names, got {}", other.kind()),
                ))
            }
        };
        for (name, recipe) in recipes {
            let at = format!("process_recipes.{name}");
            let f = fields(recipe, &at, &PROCESS_KEYS)?;
            let threshold_max = count(f, "threshold_max", &at)?.unwrap_or(default_max);
            let threshold_min =
                count(f, "threshold_min", &at)?.unwrap_or(default_min.min(threshold_max));
            if threshold_min > threshold_max {
                return Err(fail(
                    &at,
                    format!(
                        "threshold_min ({threshold_min}) is above threshold_max ({threshold_max})"
                    ),
                ));
            }
            let rules = |key: &str, outputs: bool| -> Result<Vec<Rule>, EngineError> {
                match f.get(key) {
                    None | Some(Value::Null) => Ok(Vec::new()),
                    Some(Value::Array(items)) => items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            Rule::from_value(
                                item,
                                &format!("{at}.{key}[{i}]"),
                                outputs,
                                default_level,
                            )
                        })
                        .collect(),
                    Some(other) => Err(fail(
                        &format!("{at}.{key}"),
                        format!("expected a list of rules, got {}", other.kind()),
                    )),
                }
            };
            processes.insert(
                name.clone(),
                ProcessRecipe {
                    inputs: rules("inputs", false)?,
                    outputs: rules("outputs", true)?,
                    threshold_max,
                    threshold_min,
                    reset_on_success: flag(f, "reset_on_success", &at)?.unwrap_or(default_reset),
                },
            );
        }
        Ok(Recipe { processes })
    }
}

impl Rule {
    fn from_value(
        value: &Value,
        at: &str,
        output: bool,
        default_level: Level,
    ) -> Result<Rule, EngineError> {
        let f = fields(value, at, &RULE_KEYS)?;
        let field = match f.get("field") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(other) if !matches!(other, Value::String(_)) => {
                return Err(fail(
                    &format!("{at}.field"),
                    format!("expected a name, got {}", other.kind()),
                ))
            }
            _ => return Err(fail(at, "needs a 'field'".into())),
        };
        // An output names a context path; an input names a key (or dotted
        // path) of the args object.
        let keys = if output {
            let path =
                Path::parse(&field).map_err(|e| fail(&format!("{at}.field"), e.to_string()))?;
            std::iter::once(path.layer.name().to_string())
                .chain(path.segments.iter().map(|s| match s {
                    crate::path::Segment::Key(k) => k.clone(),
                    crate::path::Segment::Index(i) => i.to_string(),
                }))
                .collect()
        } else {
            let keys: Vec<String> = field.split('.').map(String::from).collect();
            if keys
                .iter()
                .any(|k| k.is_empty() || crate::path::FORBIDDEN_KEYS.contains(&k.as_str()))
            {
                return Err(fail(
                    &format!("{at}.field"),
                    format!("'{field}' is not a field name (empty or prototype segment)"),
                ));
            }
            keys
        };
        let (min, max) = (number(f, "min", at)?, number(f, "max", at)?);
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                return Err(fail(at, format!("min ({lo}) is above max ({hi})")));
            }
        }
        let regex = match f.get("regex") {
            None | Some(Value::Null) => None,
            Some(Value::String(pattern)) => Some(Regex::new(pattern).map_err(|e| {
                fail(
                    &format!("{at}.regex"),
                    format!("'{pattern}' is not a valid regex: {e}"),
                )
            })?),
            Some(other) => {
                return Err(fail(
                    &format!("{at}.regex"),
                    format!("expected a pattern, got {}", other.kind()),
                ))
            }
        };
        Ok(Rule {
            field,
            keys,
            min,
            max,
            regex,
            level: level(f, "level", at)?.unwrap_or(default_level),
        })
    }

    /// Why `value` breaks this rule, or None.
    pub fn violation(&self, value: &Value) -> Option<String> {
        let field = &self.field;
        if (self.min.is_some() || self.max.is_some()) && !matches!(value, Value::Number(_)) {
            return Some(format!("{field} is {}, not a number", value.kind()));
        }
        if let Value::Number(n) = value {
            // NaN compares false with everything: it would pass every bound.
            if n.is_nan() && (self.min.is_some() || self.max.is_some()) {
                return Some(format!("{field} is NaN, not a number"));
            }
            if let Some(min) = self.min.filter(|min| n < min) {
                return Some(format!("{field} = {n} is below min {min}"));
            }
            if let Some(max) = self.max.filter(|max| n > max) {
                return Some(format!("{field} = {n} is above max {max}"));
            }
        }
        if let Some(regex) = &self.regex {
            match value {
                Value::String(s) if regex.is_match(s) => {}
                Value::String(s) => {
                    return Some(format!(
                        "{field} = '{s}' does not match /{}/",
                        regex.as_str()
                    ))
                }
                other => return Some(format!("{field} is {}, not a string", other.kind())),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Value {
        Value::String(t.into())
    }

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    fn map(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    fn recipe(process: Value) -> Result<Recipe, EngineError> {
        Recipe::from_value(&map(vec![
            ("default_level", s("B")),
            ("process_recipes", map(vec![("p", process)])),
        ]))
    }

    fn rule(pairs: Vec<(&str, Value)>) -> Value {
        map(pairs)
    }

    #[test]
    fn reads_the_api_example() {
        let r = recipe(map(vec![
            (
                "inputs",
                Value::Array(vec![rule(vec![
                    ("field", s("price")),
                    ("min", n(0.0)),
                    ("max", n(10000.0)),
                    ("level", s("B")),
                ])]),
            ),
            (
                "outputs",
                Value::Array(vec![rule(vec![
                    ("field", s("domain.total_value")),
                    ("min", n(0.0)),
                    ("level", s("S")),
                ])]),
            ),
            ("threshold_max", n(5.0)),
            ("threshold_min", n(3.0)),
            ("reset_on_success", Value::Bool(true)),
        ]))
        .unwrap();
        let p = &r.processes["p"];
        assert_eq!(
            (p.threshold_max, p.threshold_min, p.reset_on_success),
            (5, 3, true)
        );
        assert_eq!(p.outputs[0].keys, ["domain_ctx", "total_value"]);
        assert_eq!(
            (p.inputs[0].level, p.outputs[0].level),
            (Level::B, Level::S)
        );
    }

    #[test]
    fn defaults_come_from_the_top_level() {
        let r = Recipe::from_value(&map(vec![
            ("default_level", s("C")),
            ("default_threshold_max", n(4.0)),
            ("default_reset_on_success", Value::Bool(false)),
            (
                "process_recipes",
                map(vec![(
                    "p",
                    map(vec![(
                        "inputs",
                        Value::Array(vec![rule(vec![("field", s("a.b"))])]),
                    )]),
                )]),
            ),
        ]))
        .unwrap();
        let p = &r.processes["p"];
        assert_eq!(
            (
                p.inputs[0].level,
                p.threshold_max,
                p.threshold_min,
                p.reset_on_success
            ),
            (Level::C, 4, 1, false)
        );
        assert_eq!(p.inputs[0].keys, ["a", "b"]);
    }

    #[test]
    fn validation_errors_name_the_key() {
        let cases = vec![
            (map(vec![("input", Value::Array(vec![]))]), "audit recipe: process_recipes.p: unknown key 'input' (did you mean 'inputs'?)"),
            (map(vec![("inputs", Value::Array(vec![rule(vec![("field", s("x")), ("level", s("D"))])]))]), "audit recipe: process_recipes.p.inputs[0].level: unknown level 'D'; the levels are S, A, B, C"),
            (map(vec![("inputs", Value::Array(vec![rule(vec![("field", s("x")), ("regex", s("(["))])]))]), "audit recipe: process_recipes.p.inputs[0].regex: '([' is not a valid regex"),
            (map(vec![("inputs", Value::Array(vec![rule(vec![("field", s("x")), ("min", n(5.0)), ("max", n(1.0))])]))]), "audit recipe: process_recipes.p.inputs[0]: min (5) is above max (1)"),
            (map(vec![("inputs", Value::Array(vec![rule(vec![("min", n(5.0))])]))]), "audit recipe: process_recipes.p.inputs[0]: needs a 'field'"),
            (map(vec![("outputs", Value::Array(vec![rule(vec![("field", s("nowhere.x"))])]))]), "audit recipe: process_recipes.p.outputs[0].field: path 'nowhere.x'"),
            (map(vec![("inputs", Value::Array(vec![rule(vec![("field", s("__proto__.x"))])]))]), "audit recipe: process_recipes.p.inputs[0].field: '__proto__.x' is not a field name"),
            (map(vec![("threshold_max", n(2.0)), ("threshold_min", n(3.0))]), "audit recipe: process_recipes.p: threshold_min (3) is above threshold_max (2)"),
            (map(vec![("threshold_max", n(0.0))]), "audit recipe: process_recipes.p.threshold_max: expected a positive integer, got 0"),
            (map(vec![("inputs", Value::Array(vec![rule(vec![("field", s("x")), ("min", n(f64::NAN))])]))]), "audit recipe: process_recipes.p.inputs[0].min: expected a number, got NaN"),
        ];
        for (process, expected) in cases {
            let err = recipe(process).unwrap_err();
            assert!(
                err.message.starts_with(expected),
                "{} / {expected}",
                err.message
            );
        }
        let err = Recipe::from_value(&map(vec![("default_levle", s("B"))])).unwrap_err();
        assert!(err.message.starts_with("audit recipe: the recipe: unknown key 'default_levle' (did you mean 'default_level'?)"), "{}", err.message);
    }

    #[test]
    fn rules_report_violations() {
        let r = recipe(map(vec![(
            "inputs",
            Value::Array(vec![
                rule(vec![
                    ("field", s("price")),
                    ("min", n(0.0)),
                    ("max", n(10.0)),
                ]),
                rule(vec![("field", s("sku")), ("regex", s("^[A-Z]{3}-[0-9]+$"))]),
            ]),
        )]))
        .unwrap();
        let [price, sku] = &r.processes["p"].inputs[..] else {
            panic!()
        };
        assert_eq!(price.violation(&n(5.0)), None);
        assert_eq!(
            price.violation(&n(-1.0)).unwrap(),
            "price = -1 is below min 0"
        );
        assert_eq!(
            price.violation(&n(11.0)).unwrap(),
            "price = 11 is above max 10"
        );
        assert_eq!(
            price.violation(&Value::Null).unwrap(),
            "price is null, not a number"
        );
        assert_eq!(
            price.violation(&n(f64::NAN)).unwrap(),
            "price is NaN, not a number"
        );
        assert_eq!(sku.violation(&s("ABC-12")), None);
        assert_eq!(
            sku.violation(&s("abc")).unwrap(),
            "sku = 'abc' does not match /^[A-Z]{3}-[0-9]+$/"
        );
        assert_eq!(
            sku.violation(&n(1.0)).unwrap(),
            "sku is a number, not a string"
        );
    }
}
