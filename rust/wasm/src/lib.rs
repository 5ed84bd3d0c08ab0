//! The wasm-bindgen facade over `theus-engine`. It only converts: every
//! method has the same shape (JS value -> serde -> engine call -> serde -> JS
//! value), and an engine error crosses as a plain `{ kind, message, process?,
//! path? }` object that the TypeScript layer turns into a `TheusError`.
//! No decision is made here.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use theus_engine::backoff::BackoffPolicy;
use theus_engine::condition::{Datum, Need};
use theus_engine::contract::SegmentView;
use theus_engine::flux;
use theus_engine::path::{Path, Segment};
use theus_engine::layer::Layer;
use theus_engine::path::FORBIDDEN_KEYS;
use theus_engine::audit_recipe::Recipe;
use theus_engine::{CommitRequest, ContractSpec, EngineError, EngineOptions, ErrorKind, FailureReport, TxKind, Value};
use wasm_bindgen::prelude::*;

/// Maps, not plain objects, would be serde-wasm-bindgen's default for
/// structs; JavaScript callers want plain objects.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error_to_js(&EngineError::new(ErrorKind::InvalidArgument, e.to_string())))
}

fn from_js<T: DeserializeOwned>(value: JsValue, kind: ErrorKind, what: &str) -> Result<T, EngineError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| EngineError::new(kind, format!("{what}: {e}")))
}

fn error_to_js(error: &EngineError) -> JsValue {
    error.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or_else(|_| JsValue::from_str(&error.message))
}

/// The version of the Rust core.
#[wasm_bindgen(js_name = coreVersion)]
pub fn core_version() -> String {
    theus_engine::VERSION.to_string()
}

/// Built by the TypeScript layer from checked options (ts/options.ts).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PathRules {
    layers: Vec<(&'static str, &'static str)>,
    forbidden_keys: [&'static str; 3],
}

/// The rules the JavaScript guard applies per property access, where a call
/// into the core would cost too much: layer names with their aliases, and
/// the keys that never reach an object.
#[wasm_bindgen(js_name = pathRules)]
pub fn path_rules() -> Result<JsValue, JsValue> {
    to_js(&PathRules {
        layers: Layer::ALL.iter().map(|l| (l.name(), l.alias())).collect(),
        forbidden_keys: FORBIDDEN_KEYS,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EngineConfig {
    strict: bool,
    strict_cas: bool,
    serializable: bool,
    max_retries: u32,
    priority_after: u32,
    backoff_base_ms: f64,
    backoff_max_ms: f64,
    audit_log_limit: usize,
    seed: f64,
    context_keys: Vec<String>,
    /// The audit recipe as plain data (parsed YAML or an object), if any.
    audit_recipe: Option<Value>,
}

impl EngineConfig {
    fn options(&self) -> EngineOptions {
        EngineOptions {
            strict: self.strict,
            strict_cas: self.strict_cas,
            serializable: self.serializable,
            max_retries: self.max_retries,
            priority_after: self.priority_after,
            backoff: BackoffPolicy { base_ms: self.backoff_base_ms, max_ms: self.backoff_max_ms },
            audit_log_limit: self.audit_log_limit,
            seed: self.seed as u64,
            ..EngineOptions::default()
        }
    }
}

#[wasm_bindgen]
pub struct Engine {
    inner: theus_engine::Engine,
}

#[wasm_bindgen]
impl Engine {
    /// `config`: `{ strict: boolean, contextKeys: string[] }`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Engine, JsValue> {
        let run = || {
            let config: EngineConfig = from_js(config, ErrorKind::InvalidArgument, "engine configuration")?;
            let recipe = match &config.audit_recipe {
                Some(tree) => Recipe::from_value(tree)?,
                None => Recipe::default(),
            };
            theus_engine::Engine::with_recipe(config.options(), &config.context_keys, recipe)
        };
        run().map(|inner| Engine { inner }).map_err(|e| error_to_js(&e))
    }

    /// `specs`: contract specs, each with its registered name (also passed
    /// alone in `names`, so a spec that fails to deserialize is still
    /// reported by name). Returns one compiled contract view per spec, or
    /// throws and registers none.
    pub fn register(&mut self, names: Vec<String>, specs: Vec<JsValue>) -> Result<JsValue, JsValue> {
        let result = names
            .iter()
            .zip(specs)
            .map(|(name, spec)| {
                let value = from_js::<Value>(spec, ErrorKind::ContractViolation, &format!("contract of '{name}'"))
                    .map_err(|e| e.for_process(name))?;
                ContractSpec::from_value(name, &value)
            })
            .collect::<Result<Vec<_>, _>>()
            .and_then(|specs| self.inner.register(&specs));
        match result {
            Ok(views) => to_js(&views),
            Err(e) => Err(error_to_js(&e)),
        }
    }

    /// Decides a commit: the one call a transaction makes. `kind`: 0 a
    /// process (`name` is its name), 1 edit, 2 compareAndSwap (`name` is the
    /// requester, if any). `writes` are the written paths in wire text
    /// (rust/engine/src/wire.rs); `ticket` 0 means none. Flat arguments,
    /// because converting one nested object cost more than the decision.
    #[allow(clippy::too_many_arguments)]
    pub fn commit(
        &mut self,
        kind: u8,
        name: Option<String>,
        snapshot: f64,
        writes: &str,
        conflicts: u32,
        ticket: u32,
        duration_ms: f64,
        audit_values: JsValue,
        finding: u32,
    ) -> Result<JsValue, JsValue> {
        let kind = match kind {
            0 => TxKind::Process(name.unwrap_or_default()),
            1 => TxKind::Edit,
            _ => TxKind::Cas { requester: name },
        };
        let result = values(audit_values)
            .and_then(|audit_values| CommitRequest::parse_writes(&kind, writes).map(|writes| (writes, audit_values)))
            .and_then(|(writes, audit_values)| {
                self.inner.commit(&CommitRequest {
                    kind,
                    snapshot: snapshot as u64,
                    writes,
                    conflicts,
                    ticket: (ticket != 0).then_some(ticket),
                    duration_ms,
                    audit_values,
                    finding,
                })
            });
        match result {
            Ok(verdict) => to_js(&verdict),
            Err(e) => Err(error_to_js(&e)),
        }
    }

    /// Checks a process's input audit rules before it runs (`values`: the
    /// args at each rule's field). Returns a token (0: nothing found) to pass
    /// to `commit` or `fail`; throws an AuditStop/Abort/Block error object.
    #[wasm_bindgen(js_name = auditInputs)]
    pub fn audit_inputs(&mut self, process: String, values: JsValue) -> Result<u32, JsValue> {
        let values = self::values(values).map_err(|e| error_to_js(&e))?;
        self.inner.audit_inputs(&process, &values).map_err(|e| error_to_js(&e))
    }

    /// `{ process: count }` for every process with violations counted.
    #[wasm_bindgen(js_name = auditCounters)]
    pub fn audit_counters(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.auditor().counters().collect::<std::collections::BTreeMap<_, _>>())
    }

    /// Clears the counters and lifts a level S stop.
    #[wasm_bindgen(js_name = auditReset)]
    pub fn audit_reset(&mut self) {
        self.inner.audit_reset();
    }

    /// The newest audit record, for audit subscribers.
    #[wasm_bindgen(js_name = lastAuditRecord)]
    pub fn last_audit_record(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.audit_records().last())
    }

    /// Audits a failed execution and releases its priority ticket (0: none);
    /// returns the tickets promoted by the release. `threw`: the process
    /// itself threw (that counts toward its audit threshold).
    #[allow(clippy::too_many_arguments)]
    pub fn fail(&mut self, process: String, message: String, duration_ms: f64, attempts: u32, ticket: u32, threw: bool, finding: u32) -> Vec<u32> {
        let finding = self.inner.take_finding(finding);
        self.inner.fail(&FailureReport {
            process,
            message,
            duration_ms,
            attempts,
            ticket: (ticket != 0).then_some(ticket),
            process_threw: threw,
            finding,
        })
    }

    /// Parses paths written as text (StateUpdate, compareAndSwap keys).
    #[wasm_bindgen(js_name = parsePaths)]
    pub fn parse_paths(&mut self, texts: Vec<String>) -> Result<JsValue, JsValue> {
        match self.inner.parse_paths(&texts) {
            Ok(views) => to_js(&views),
            Err(e) => Err(error_to_js(&e)),
        }
    }

    /// The audit log, oldest record first.
    #[wasm_bindgen(js_name = auditLogs)]
    pub fn audit_logs(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.audit_records().collect::<Vec<_>>())
    }
}

/// A need of a condition as JavaScript reads it: `{ kind: 'value' | 'length',
/// path: ['domain_ctx', 'items', 0] }` or `{ kind: 'signal', topic }`.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum NeedView {
    Value { path: Vec<SegmentView> },
    Length { path: Vec<SegmentView> },
    Signal { topic: String },
}

fn keys(path: &Path) -> Vec<SegmentView> {
    std::iter::once(SegmentView::Key(path.layer.name().to_string()))
        .chain(path.segments.iter().map(|s| match s {
            Segment::Key(k) => SegmentView::Key(k.clone()),
            Segment::Index(i) => SegmentView::Index(*i),
        }))
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ActionView {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    needs: Option<Vec<NeedView>>,
    /// The condition evaluated on the way to this action, for debug output.
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<(String, bool)>,
}

/// A compiled Flux workflow and its interpreter state.
#[wasm_bindgen]
pub struct Workflow {
    inner: flux::Workflow,
}

#[wasm_bindgen]
impl Workflow {
    /// Validates and compiles a step tree (parsed YAML or an object).
    #[wasm_bindgen(constructor)]
    pub fn new(tree: JsValue, max_ops: f64) -> Result<Workflow, JsValue> {
        from_js::<Value>(tree, ErrorKind::Workflow, "workflow")
            .and_then(|tree| flux::Workflow::compile(&tree, max_ops as u64))
            .map(|inner| Workflow { inner })
            .map_err(|e| error_to_js(&e))
    }

    /// Every process the workflow can run.
    #[wasm_bindgen(js_name = processNames)]
    pub fn process_names(&self) -> Vec<String> {
        self.inner.process_names().into_iter().map(String::from).collect()
    }

    /// The next action; `values` answer the previous action's needs (an
    /// array of null, booleans, numbers, strings or `{ kind, size }`).
    pub fn resume(&mut self, values: JsValue) -> Result<JsValue, JsValue> {
        let values = if values.is_undefined() {
            None
        } else {
            let Value::Array(items) = from_js::<Value>(values, ErrorKind::InvalidArgument, "condition values").map_err(|e| error_to_js(&e))? else {
                return Err(error_to_js(&EngineError::new(ErrorKind::InvalidArgument, "condition values must be an array")));
            };
            Some(items.iter().map(datum).collect::<Vec<_>>())
        };
        let action = self.inner.resume(values.as_deref()).map_err(|e| error_to_js(&e))?;
        let condition = self.inner.last_condition.take();
        let view = match action {
            flux::Action::Process { name } => ActionView { kind: "process", name: Some(name), needs: None, condition },
            flux::Action::Done => ActionView { kind: "done", name: None, needs: None, condition },
            flux::Action::Evaluate { needs } => ActionView {
                kind: "evaluate",
                name: None,
                needs: Some(
                    needs
                        .iter()
                        .map(|n| match n {
                            Need::Value(p) => NeedView::Value { path: keys(p) },
                            Need::Length(p) => NeedView::Length { path: keys(p) },
                            Need::Signal(topic) => NeedView::Signal { topic: topic.clone() },
                        })
                        .collect(),
                ),
                condition,
            },
        };
        to_js(&view)
    }
}

/// Plain values from JavaScript: `undefined` is none.
fn values(value: JsValue) -> Result<Vec<Value>, EngineError> {
    if value.is_undefined() {
        return Ok(Vec::new());
    }
    match from_js::<Value>(value, ErrorKind::InvalidArgument, "audit values")? {
        Value::Array(items) => Ok(items),
        other => Err(EngineError::new(ErrorKind::InvalidArgument, format!("audit values must be an array, got {}", other.kind()))),
    }
}

fn datum(value: &Value) -> Datum {
    match value {
        Value::Null => Datum::None,
        Value::Bool(b) => Datum::Bool(*b),
        Value::Number(n) => Datum::Number(*n),
        Value::String(s) => Datum::Text(s.clone()),
        Value::Object(fields) => Datum::Container {
            kind: match fields.get("kind") {
                Some(Value::String(k)) => k.clone(),
                _ => "object".into(),
            },
            size: match fields.get("size") {
                Some(Value::Number(n)) => *n,
                _ => 0.0,
            },
        },
        Value::Array(items) => Datum::Container { kind: "array".into(), size: items.len() as f64 },
    }
}
