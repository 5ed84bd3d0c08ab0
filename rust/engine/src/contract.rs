//! Process contracts: what a process may read (`inputs`) and write
//! (`outputs`), compiled once at register time into interned paths.

use serde::Serialize;

use crate::error::{EngineError, ErrorKind};
use crate::path::{Path, Segment, FORBIDDEN_KEYS};
use crate::path_table::{PathId, PathTable};
use crate::value::{unknown_key, Value};
use crate::zone::Zone;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Semantic {
    /// Reads only: no outputs, no side effects.
    Pure,
    /// The default: reads and writes state.
    #[default]
    Effect,
    /// Steers a workflow; may write like an effect.
    Guide,
}

/// A contract as the user wrote it (the `contract` of `process()`), with the
/// registered name filled in by the caller.
#[derive(Clone, Debug, Default)]
pub struct ContractSpec {
    pub name: String,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    pub semantic: Semantic,
    pub errors: Vec<String>,
    pub side_effects: Vec<String>,
    pub parallel: bool,
}

const CONTRACT_KEYS: [&str; 7] = [
    "inputs",
    "outputs",
    "semantic",
    "errors",
    "sideEffects",
    "parallel",
    "name",
];

impl ContractSpec {
    /// Reads a contract object registered under `name`. Absent, `null` and
    /// `undefined` keys take their defaults; anything else must have the
    /// right type, and unknown keys (typos) are refused.
    pub fn from_value(name: &str, value: &Value) -> Result<ContractSpec, EngineError> {
        let fail = |message: String| {
            EngineError::new(
                ErrorKind::ContractViolation,
                format!("contract of '{name}': {message}"),
            )
            .for_process(name)
        };
        let Value::Object(fields) = value else {
            return Err(fail(format!(
                "a contract is an object such as {{ inputs, outputs }}, got {}",
                value.kind()
            )));
        };
        let mut spec = ContractSpec {
            name: name.to_string(),
            ..ContractSpec::default()
        };
        for (key, value) in fields {
            if *value == Value::Null {
                continue;
            }
            let strings = |value: &Value| -> Result<Vec<String>, EngineError> {
                let Value::Array(items) = value else {
                    return Err(fail(format!(
                        "{key} must be an array of strings, got {}",
                        value.kind()
                    )));
                };
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| match item {
                        Value::String(s) => Ok(s.clone()),
                        other => Err(fail(format!(
                            "{key}[{i}] must be a string, got {}",
                            other.kind()
                        ))),
                    })
                    .collect()
            };
            match (key.as_str(), value) {
                ("inputs", v) => spec.inputs = strings(v)?,
                ("outputs", v) => spec.outputs = strings(v)?,
                ("errors", v) => spec.errors = strings(v)?,
                ("sideEffects", v) => spec.side_effects = strings(v)?,
                ("semantic", Value::String(s)) if s == "pure" => spec.semantic = Semantic::Pure,
                ("semantic", Value::String(s)) if s == "effect" => spec.semantic = Semantic::Effect,
                ("semantic", Value::String(s)) if s == "guide" => spec.semantic = Semantic::Guide,
                ("semantic", v) => {
                    let got = match v {
                        Value::String(s) => format!("'{s}'"),
                        other => other.kind().to_string(),
                    };
                    return Err(fail(format!(
                        "semantic must be 'pure', 'effect' or 'guide', got {got}"
                    )));
                }
                ("parallel", Value::Bool(b)) => spec.parallel = *b,
                ("parallel", v) => {
                    return Err(fail(format!(
                        "parallel must be a boolean, got {}",
                        v.kind()
                    )))
                }
                ("name", Value::String(_)) => {}
                ("name", v) => {
                    return Err(fail(format!("name must be a string, got {}", v.kind())))
                }
                (unknown, _) => {
                    return Err(fail(unknown_key(unknown, &CONTRACT_KEYS, "a contract has")))
                }
            }
        }
        Ok(spec)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledContract {
    pub name: String,
    pub semantic: Semantic,
    /// Distinct paths in declaration order (spellings of one path collapse).
    pub inputs: Vec<PathId>,
    pub outputs: Vec<PathId>,
    pub errors: Vec<String>,
    pub side_effects: Vec<String>,
    pub parallel: bool,
}

/// Which list of the contract a path came from, for messages.
#[derive(Clone, Copy)]
enum Field {
    Inputs,
    Outputs,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Inputs => "inputs",
            Field::Outputs => "outputs",
        }
    }
}

impl CompiledContract {
    /// Validates and compiles `spec`. In strict mode SIGNAL and META paths
    /// are refused as inputs: they are events and observability, and a
    /// business decision that reads them could not be replayed.
    pub fn compile(
        spec: &ContractSpec,
        paths: &mut PathTable,
        strict: bool,
    ) -> Result<CompiledContract, EngineError> {
        let name = spec.name.as_str();
        let fail = |message: String| {
            EngineError::new(
                ErrorKind::ContractViolation,
                format!("contract of '{name}': {message}"),
            )
            .for_process(name)
        };
        if name.trim().is_empty() {
            return Err(EngineError::new(
                ErrorKind::ContractViolation,
                "a process needs a name: set contract.name (a function's own name does not survive minification)",
            ));
        }
        if FORBIDDEN_KEYS.contains(&name) {
            return Err(fail(format!("'{name}' cannot name a process: it names an object's prototype machinery; choose another name (contract.name)")));
        }

        let inputs = compile_paths(&spec.inputs, Field::Inputs, paths, &fail)?;
        let outputs = compile_paths(&spec.outputs, Field::Outputs, paths, &fail)?;

        let pure = spec.semantic == Semantic::Pure;
        if strict || pure {
            for (index, &id) in inputs.iter().enumerate() {
                let zone = paths.zone(id);
                if matches!(zone, Zone::Signal | Zone::Meta) {
                    let why = if pure {
                        "a pure process"
                    } else {
                        "strict mode"
                    };
                    let text = &spec.inputs[index];
                    return Err(fail(format!(
                        "input '{text}' is in the {} zone, which is not a business input in {why}; \
                         read signals in a workflow condition, or use strictMode: false",
                        zone.name()
                    ))
                    .at_path(text));
                }
            }
        }
        if pure {
            if let Some(first) = spec.outputs.first() {
                return Err(fail(format!(
                    "a pure process cannot write, but it declares output '{first}'; use semantic 'effect'"
                ))
                .at_path(first));
            }
            if let Some(first) = spec.side_effects.first() {
                return Err(fail(format!(
                    "a pure process has no side effects, but it declares sideEffects '{first}'; use semantic 'effect'"
                )));
            }
        }
        for (field, list) in [
            ("errors", &spec.errors),
            ("sideEffects", &spec.side_effects),
        ] {
            if let Some(index) = list.iter().position(|s| s.trim().is_empty()) {
                return Err(fail(format!("{field}[{index}] is empty")));
            }
        }

        Ok(CompiledContract {
            name: name.to_string(),
            semantic: spec.semantic,
            inputs,
            outputs,
            errors: spec.errors.clone(),
            side_effects: spec.side_effects.clone(),
            parallel: spec.parallel,
        })
    }
}

fn compile_paths(
    texts: &[String],
    field: Field,
    paths: &mut PathTable,
    fail: &dyn Fn(String) -> EngineError,
) -> Result<Vec<PathId>, EngineError> {
    let mut ids: Vec<PathId> = Vec::with_capacity(texts.len());
    for (index, text) in texts.iter().enumerate() {
        let path = Path::parse(text)
            .map_err(|e| fail(format!("{}[{index}]: {e}", field.name())).at_path(text))?;
        let id = paths.intern(&path);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A path as JavaScript sees it: id for later calls, canonical text for
/// messages and topics, segments for walking the data.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct PathView {
    #[cfg_attr(feature = "tsify", tsify(type = "number"))]
    pub id: PathId,
    pub path: String,
    pub layer: &'static str,
    pub segments: Vec<SegmentView>,
    pub zone: Zone,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(untagged)]
pub enum SegmentView {
    Key(String),
    Index(u32),
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ContractView {
    /// The id that names the process in commits (see `Registry::id_of`); 0
    /// when compiled outside an engine.
    pub id: u32,
    pub name: String,
    pub semantic: Semantic,
    pub inputs: Vec<PathView>,
    pub outputs: Vec<PathView>,
    pub errors: Vec<String>,
    pub side_effects: Vec<String>,
    pub parallel: bool,
    /// Where the audit recipe's input rules read the args, one key list per rule.
    pub audit_inputs: Vec<Vec<String>>,
    /// Where its output rules read the committed state, one key list per rule.
    pub audit_outputs: Vec<Vec<String>>,
}

impl PathView {
    pub fn new(id: PathId, paths: &PathTable) -> PathView {
        let path = paths.path(id);
        PathView {
            id,
            path: path.to_string(),
            layer: path.layer.name(),
            segments: segments_view(path),
            zone: paths.zone(id),
        }
    }
}

fn segments_view(path: &Path) -> Vec<SegmentView> {
    path.segments
        .iter()
        .map(|s| match s {
            Segment::Key(k) => SegmentView::Key(k.clone()),
            Segment::Index(i) => SegmentView::Index(*i),
        })
        .collect()
}

/// The keys that reach a path's value from the context root, layer first:
/// `['domain_ctx', 'items', 0]`.
pub fn keys_view(path: &Path) -> Vec<SegmentView> {
    let mut keys = vec![SegmentView::Key(path.layer.name().to_string())];
    keys.extend(segments_view(path));
    keys
}

/// Parses paths written as text (StateUpdate and compareAndSwap keys),
/// outside any engine: nothing is kept.
pub fn parse_views(texts: &[String]) -> Result<Vec<PathView>, EngineError> {
    let mut paths = PathTable::new();
    texts
        .iter()
        .map(|text| {
            let path = Path::parse(text).map_err(|e| {
                // The origin's docs write signals as bare topics: say how to write one here.
                let message = match Zone::of_key(text) {
                    Some(Zone::Signal) => format!(
                        "'{text}' names no layer: a signal is a path in a layer, such as 'domain_ctx.{text}' (declare it in the process's outputs; \
                         it is committed and then published); to publish a signal without storing it, call engine.signals.publish({{ topic: '{text}', value, version }})"
                    ),
                    _ => e.to_string(),
                };
                EngineError::new(ErrorKind::ContractViolation, message).at_path(text)
            })?;
            Ok(PathView::new(paths.intern(&path), &paths))
        })
        .collect()
}

/// Validates and compiles contracts on their own, outside any engine: what
/// a replica checks at `register` before its authority (in another thread)
/// registers them too. Names must be distinct within the batch.
pub fn compile_views(
    specs: &[ContractSpec],
    strict: bool,
) -> Result<Vec<ContractView>, EngineError> {
    let mut paths = PathTable::new();
    let mut registry = crate::registry::Registry::default();
    let compiled = registry.register_all(specs, &mut paths, strict)?;
    Ok(compiled
        .into_iter()
        .map(|c| ContractView::new(c, &paths))
        .collect())
}

impl ContractView {
    pub fn new(contract: &CompiledContract, paths: &PathTable) -> ContractView {
        let view = |ids: &[PathId]| ids.iter().map(|&id| PathView::new(id, paths)).collect();
        ContractView {
            id: 0,
            name: contract.name.clone(),
            semantic: contract.semantic,
            inputs: view(&contract.inputs),
            outputs: view(&contract.outputs),
            errors: contract.errors.clone(),
            side_effects: contract.side_effects.clone(),
            parallel: contract.parallel,
            audit_inputs: Vec::new(),
            audit_outputs: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(inputs: &[&str], outputs: &[&str]) -> ContractSpec {
        ContractSpec {
            name: "add_product".into(),
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            outputs: outputs.iter().map(|s| s.to_string()).collect(),
            ..ContractSpec::default()
        }
    }

    fn compile(
        spec: &ContractSpec,
        strict: bool,
    ) -> Result<(CompiledContract, PathTable), EngineError> {
        let mut paths = PathTable::new();
        CompiledContract::compile(spec, &mut paths, strict).map(|c| (c, paths))
    }

    #[test]
    fn a_bare_signal_topic_is_explained() {
        let err = parse_views(&["cmd_stop".to_string()]).unwrap_err();
        assert!(err.message.starts_with("'cmd_stop' names no layer: a signal is a path in a layer, such as 'domain_ctx.cmd_stop'"), "{}", err.message);
        assert!(
            err.message.contains("engine.signals.publish"),
            "{}",
            err.message
        );
        let err = parse_views(&["items".to_string()]).unwrap_err();
        assert!(
            err.message.contains("unknown layer 'items'"),
            "{}",
            err.message
        );
    }

    #[test]
    fn prototype_keys_cannot_name_a_process() {
        for name in ["__proto__", "constructor", "prototype"] {
            let err = compile(
                &ContractSpec {
                    name: name.into(),
                    ..ContractSpec::default()
                },
                true,
            )
            .unwrap_err();
            assert!(
                err.message.contains("cannot name a process"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn compiles_paths_to_canonical_ids() {
        let (c, paths) = compile(
            &spec(
                &["domain.items"],
                &["domain_ctx.items", "domain_ctx.total_value"],
            ),
            true,
        )
        .unwrap();
        assert_eq!(c.inputs, vec![c.outputs[0]]);
        assert_eq!(
            paths.path(c.outputs[1]).to_string(),
            "domain_ctx.total_value"
        );
        assert_eq!(c.semantic, Semantic::Effect);
    }

    #[test]
    fn spellings_of_one_path_collapse() {
        let (c, _) = compile(
            &spec(
                &["domain.items", "domain_ctx['items']", "domain.total"],
                &[],
            ),
            true,
        )
        .unwrap();
        assert_eq!(c.inputs.len(), 2);
    }

    #[test]
    fn bad_paths_name_the_process_field_and_index() {
        let err = compile(
            &spec(
                &["domain.items"],
                &["domain.ok", "domain.__proto__.polluted"],
            ),
            true,
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::ContractViolation);
        assert_eq!(err.process.as_deref(), Some("add_product"));
        assert_eq!(err.path.as_deref(), Some("domain.__proto__.polluted"));
        assert!(
            err.message.starts_with("contract of 'add_product': outputs[1]: path 'domain.__proto__.polluted' (at character 7): segment '__proto__' is forbidden"),
            "{}",
            err.message
        );

        let err = compile(&spec(&["items"], &[]), true).unwrap_err();
        assert!(
            err.message
                .contains("inputs[0]: path 'items' (at character 1): unknown layer 'items'"),
            "{}",
            err.message
        );

        let err = compile(&spec(&["domain..x"], &[]), false).unwrap_err();
        assert!(err.message.contains("empty segment"), "{}", err.message);
    }

    #[test]
    fn strict_mode_refuses_signal_and_meta_inputs() {
        for input in [
            "domain.sig_restock",
            "domain.cmd_stop",
            "global.meta_trace",
            "domain.meta.x",
        ] {
            let err = compile(&spec(&[input], &[]), true).unwrap_err();
            assert!(
                err.message.contains("not a business input in strict mode"),
                "{input}: {}",
                err.message
            );
            assert_eq!(err.path.as_deref(), Some(input));
        }
        assert!(compile(
            &spec(&["domain.sig_restock", "global.meta_trace"], &[]),
            false
        )
        .is_ok());
    }

    #[test]
    fn signal_and_meta_outputs_and_heavy_inputs_are_fine() {
        assert!(compile(
            &spec(
                &["domain.heavy_frames"],
                &["domain.sig_restock", "domain.meta_last"]
            ),
            true
        )
        .is_ok());
    }

    #[test]
    fn pure_processes_only_read() {
        let mut s = spec(&["domain.items"], &["domain.total"]);
        s.semantic = Semantic::Pure;
        assert!(compile(&s, true)
            .unwrap_err()
            .message
            .contains("a pure process cannot write, but it declares output 'domain.total'"));

        s.outputs.clear();
        s.side_effects = vec!["http".into()];
        assert!(compile(&s, true)
            .unwrap_err()
            .message
            .contains("declares sideEffects 'http'"));

        s.side_effects.clear();
        s.inputs = vec!["domain.sig_x".into()];
        let err = compile(&s, false).unwrap_err();
        assert!(
            err.message
                .contains("not a business input in a pure process"),
            "{}",
            err.message
        );

        s.inputs = vec!["domain.items".into()];
        assert_eq!(compile(&s, true).unwrap().0.semantic, Semantic::Pure);
    }

    #[test]
    fn names_and_lists_must_not_be_blank() {
        let mut s = spec(&[], &[]);
        s.name = " ".into();
        assert!(compile(&s, true)
            .unwrap_err()
            .message
            .starts_with("a process needs a name"));

        let mut s = spec(&[], &[]);
        s.errors = vec!["ValueError".into(), "".into()];
        assert!(compile(&s, true)
            .unwrap_err()
            .message
            .ends_with("errors[1] is empty"));
    }

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn strings(items: &[&str]) -> Value {
        Value::Array(items.iter().map(|s| Value::String(s.to_string())).collect())
    }

    #[test]
    fn reads_a_contract_object() {
        let value = object(&[
            ("inputs", strings(&["domain.items"])),
            ("outputs", strings(&["domain.total"])),
            ("semantic", Value::String("guide".into())),
            ("sideEffects", strings(&["http"])),
            ("parallel", Value::Bool(true)),
            ("errors", Value::Null),
        ]);
        let spec = ContractSpec::from_value("p", &value).unwrap();
        assert_eq!(
            (spec.name.as_str(), spec.semantic, spec.parallel),
            ("p", Semantic::Guide, true)
        );
        assert_eq!(spec.inputs, ["domain.items"]);
        assert_eq!(spec.side_effects, ["http"]);
        assert!(spec.errors.is_empty());
    }

    #[test]
    fn contract_object_errors_name_the_key() {
        let cases = [
            (
                object(&[("ouputs", strings(&[]))]),
                "unknown key 'ouputs' (did you mean 'outputs'?); a contract has inputs, outputs,",
            ),
            (
                object(&[("reads", strings(&[]))]),
                "unknown key 'reads'; a contract has",
            ),
            (
                object(&[("inputs", Value::String("domain.x".into()))]),
                "inputs must be an array of strings, got a string",
            ),
            (
                object(&[("outputs", Value::Array(vec![Value::Number(1.0)]))]),
                "outputs[0] must be a string, got a number",
            ),
            (
                object(&[("semantic", Value::String("pur".into()))]),
                "semantic must be 'pure', 'effect' or 'guide', got 'pur'",
            ),
            (
                object(&[("parallel", Value::String("yes".into()))]),
                "parallel must be a boolean, got a string",
            ),
            (
                object(&[("name", Value::Number(3.0))]),
                "name must be a string, got a number",
            ),
            (
                Value::Array(vec![]),
                "a contract is an object such as { inputs, outputs }, got an array",
            ),
        ];
        for (value, expected) in cases {
            let err = ContractSpec::from_value("p", &value).unwrap_err();
            assert_eq!(err.process.as_deref(), Some("p"));
            assert!(
                err.message
                    .starts_with(&format!("contract of 'p': {expected}")),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn views_carry_segments_and_zones_for_javascript() {
        let mut paths = PathTable::new();
        let c = CompiledContract::compile(
            &spec(&["domain.items[2]['a b']"], &["domain.sig_x"]),
            &mut paths,
            true,
        )
        .unwrap();
        let v = ContractView::new(&c, &paths);
        assert_eq!(v.inputs[0].path, "domain_ctx.items[2]['a b']");
        assert_eq!(v.inputs[0].layer, "domain_ctx");
        assert!(
            matches!(v.inputs[0].segments[..], [SegmentView::Key(ref k), SegmentView::Index(2), SegmentView::Key(_)] if k == "items")
        );
        assert_eq!(v.outputs[0].zone, Zone::Signal);
    }
}
