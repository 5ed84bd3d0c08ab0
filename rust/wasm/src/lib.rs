//! The wasm-bindgen facade over `theus-engine`. It only converts: every
//! method has the same shape (text -> one engine call -> text), and every
//! call that can produce events returns them with its answer (`events`),
//! taken from the engine's queue before returning. Values cross as JSON text
//! both ways (`value_text` in, `json` out): one string costs far less than
//! building objects through the boundary one property at a time, and the
//! generated glue stays small. The TypeScript declarations of what crosses
//! are generated from the Rust types (tsify), so `ts/core.ts` never restates
//! them.

mod options;
mod value_text;

use serde::{Deserialize, Serialize};
use theus_engine::audit::AuditRecord;
use theus_engine::audit_recipe::Recipe;
use theus_engine::backoff::BackoffPolicy;
use theus_engine::condition::{Datum, Need};
use theus_engine::contract::{
    compile_views, keys_view, parse_views, ContractView, PathView, SegmentView,
};
use theus_engine::flux::Action;
use theus_engine::layer::Layer;
use theus_engine::path::FORBIDDEN_KEYS;
use theus_engine::written::decode_written;
use theus_engine::{
    Began, CommitRequest, ContractSpec, EngineError, EngineOptions, ErrorKind, Event, TxKind,
    TxRef, Value, Verdict,
};
use tsify::Tsify;
use value_text::RECORD_END;
use wasm_bindgen::prelude::*;

/// A reply as JSON text, which `ts/core.ts` parses (its type is the tsify
/// one). Serialising cannot fail: every type sent has string keys.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("a reply with string keys serialises")
}

/// A value's text parsed, or the refusal of `kind` saying which value.
fn value(text: &str, kind: ErrorKind, what: &str) -> Result<Value, EngineError> {
    value_text::parse(text).map_err(|m| EngineError::new(kind, format!("{what}: {m}")))
}

/// What a call throws: the core's error object as JSON text.
fn thrown(error: &EngineError) -> String {
    json(error)
}

/// The version of the Rust core.
#[wasm_bindgen(js_name = coreVersion)]
pub fn core_version() -> String {
    theus_engine::VERSION.to_string()
}

/// The rules the JavaScript guard applies per property access, where a call
/// into the core would cost too much: layer names with their aliases, and
/// the keys that never reach an object.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PathRules {
    layers: Vec<(&'static str, &'static str)>,
    forbidden_keys: [&'static str; 3],
    /// How deeply a value given to the core may nest.
    max_value_depth: usize,
}

/// As JSON text.
#[wasm_bindgen(js_name = pathRules)]
pub fn path_rules() -> String {
    json(&PathRules {
        layers: Layer::ALL.iter().map(|l| (l.name(), l.alias())).collect(),
        forbidden_keys: FORBIDDEN_KEYS,
        max_value_depth: theus_engine::value::MAX_VALUE_DEPTH,
    })
}

/// Contract specs from JavaScript: their names as a JSON array, and each
/// spec's value text, separated by RECORD_END (each text on its own, so a
/// spec that fails to convert is named, and nests as deeply as alone).
fn specs(names: &str, specs: &str) -> Result<Vec<ContractSpec>, EngineError> {
    let names: Vec<String> = serde_json::from_str(names).map_err(|e| {
        EngineError::new(ErrorKind::InvalidArgument, format!("contract names: {e}"))
    })?;
    let texts: Vec<&str> = if names.is_empty() {
        Vec::new()
    } else {
        specs.split(RECORD_END).collect()
    };
    if texts.len() != names.len() {
        return Err(EngineError::new(
            ErrorKind::InvalidArgument,
            format!(
                "{} contract names for {} contracts",
                names.len(),
                texts.len()
            ),
        ));
    }
    names
        .iter()
        .zip(texts)
        .map(|(name, text)| {
            let value = value(
                text,
                ErrorKind::ContractViolation,
                &format!("contract of '{name}'"),
            )
            .map_err(|e| e.for_process(name))?;
            ContractSpec::from_value(name, &value)
        })
        .collect()
}

/// Validates and compiles contracts without an engine (a replica checks
/// them at once; its authority registers them too). Answers
/// `ContractView[]` as JSON; throws an error object's JSON.
#[wasm_bindgen(js_name = compileContracts)]
pub fn compile_contracts(names: &str, contracts: &str, strict: bool) -> Result<String, String> {
    specs(names, contracts)
        .and_then(|s| compile_views(&s, strict))
        .map(|v| json(&v))
        .map_err(|e| thrown(&e))
}

/// Parses paths written as text (StateUpdate and compareAndSwap keys),
/// given as a JSON array. Answers `PathView[]` as JSON.
#[wasm_bindgen(js_name = parsePaths)]
pub fn parse_paths(texts: &str) -> Result<String, String> {
    serde_json::from_str::<Vec<String>>(texts)
        .map_err(|e| EngineError::new(ErrorKind::InvalidArgument, format!("paths: {e}")))
        .and_then(|texts| parse_views(&texts))
        .map(|v: Vec<PathView>| json(&v))
        .map_err(|e| thrown(&e))
}

/// Checks the engine options that are data (see options.rs): `entries` as
/// JSON `[name, value]` pairs, in the caller's order. Answers
/// `CheckedOptions` as JSON; throws an error object's JSON.
#[wasm_bindgen(js_name = checkOptions)]
pub fn check_options(entries: &str) -> Result<String, String> {
    options::check(entries)
        .map(|o| json(&o))
        .map_err(|e| thrown(&e))
}

/// Built by the TypeScript layer: the options `checkOptions` answered, and
/// what the engine's context and randomness add.
#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct EngineConfig {
    #[serde(flatten)]
    options: options::CheckedOptions,
    seed: f64,
    context_keys: Vec<String>,
    /// The version of a state resumed from storage (0 for a new one).
    #[serde(default)]
    #[tsify(optional)]
    start_version: f64,
}

impl EngineConfig {
    fn options(&self) -> EngineOptions {
        let o = &self.options;
        EngineOptions {
            strict: o.strict,
            strict_cas: o.strict_cas,
            serializable: o.serializable,
            max_retries: o.max_retries,
            priority_after: o.priority_after,
            backoff: BackoffPolicy {
                base_ms: o.backoff_base_ms,
                max_ms: o.backoff_max_ms,
            },
            audit_log_limit: o.audit_log_limit as usize,
            seed: self.seed as u64,
            start_version: self.start_version as u64,
            ..EngineOptions::default()
        }
    }
}

/// What `begin` and `commit` answer: the verdict, and the events of the call.
#[derive(Serialize, Tsify)]
pub struct CommitReply {
    verdict: Verdict,
    events: Vec<Event>,
}

#[derive(Serialize, Tsify)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum BeginVerdict {
    Started { tx: u32 },
    Refused { error: EngineError },
}

#[derive(Serialize, Tsify)]
pub struct BeginReply {
    verdict: BeginVerdict,
    events: Vec<Event>,
}

/// What the other calls that produce events answer: a result or an error,
/// and the events.
#[derive(Serialize, Tsify)]
#[tsify(missing_as_null)]
pub struct Reply<T> {
    result: Option<T>,
    error: Option<EngineError>,
    events: Vec<Event>,
}

/// A need of a condition: the value at a path (keys from the root, layer
/// first), only its length, or a signal by topic.
#[derive(Serialize, Tsify)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum NeedView {
    Value { path: Vec<SegmentView> },
    Length { path: Vec<SegmentView> },
    Signal { topic: String },
}

/// The next thing a workflow run asks of its host. Processes and conditions
/// are named by index into the lists the run's start answered.
#[derive(Serialize, Tsify)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ActionView {
    /// `next`: the condition the run meets next, which the host may answer
    /// when it resumes (saving a call).
    Process {
        process: usize,
        #[tsify(type = "number | null")]
        next: Option<usize>,
    },
    Evaluate {
        condition: usize,
    },
    Done,
}

fn needs_view(needs: &[Need]) -> Vec<NeedView> {
    needs
        .iter()
        .map(|n| match n {
            Need::Value(p) => NeedView::Value { path: keys_view(p) },
            Need::Length(p) => NeedView::Length { path: keys_view(p) },
            Need::Signal(topic) => NeedView::Signal {
                topic: topic.clone(),
            },
        })
        .collect()
}

/// `needs`: each condition's needs, by index.
#[derive(Serialize, Tsify)]
pub struct WorkflowStarted {
    workflow: u32,
    processes: Vec<String>,
    needs: Vec<Vec<NeedView>>,
}

/// How a process step's number packs the process's index above the next
/// condition's (ts/core.ts reads it the same way): 2^26 conditions is more
/// than any workflow can hold, and 2^26 processes times it stays an exact
/// f64 integer.
const STEP_STRIDE: f64 = 67_108_864.0;

/// The engine of one Theus state (its authority).
#[wasm_bindgen]
pub struct Core {
    inner: theus_engine::Engine,
}

#[wasm_bindgen]
impl Core {
    /// `config`: an EngineConfig as JSON; `recipe`: the audit recipe's
    /// value text (parsed YAML or an object), if any.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str, recipe: Option<String>) -> Result<Core, String> {
        let run = || {
            let config: EngineConfig = serde_json::from_str(config).map_err(|e| {
                EngineError::new(
                    ErrorKind::InvalidArgument,
                    format!("engine configuration: {e}"),
                )
            })?;
            let recipe = match recipe {
                Some(text) => Recipe::from_value(&value(
                    &text,
                    ErrorKind::InvalidArgument,
                    "engine configuration",
                )?)?,
                None => Recipe::default(),
            };
            theus_engine::Engine::with_recipe(config.options(), &config.context_keys, recipe)
        };
        run().map(|inner| Core { inner }).map_err(|e| thrown(&e))
    }

    /// Registers contracts (all or none; the same contract again is a
    /// no-op), given as for `compileContracts`. Answers one compiled view
    /// per contract, with its audit rules' fields (`ContractView[]` as
    /// JSON); throws an error object's JSON.
    pub fn register(&mut self, names: &str, contracts: &str) -> Result<String, String> {
        specs(names, contracts)
            .and_then(|s| self.inner.register(&s))
            .map(|v: Vec<ContractView>| json(&v))
            .map_err(|e| thrown(&e))
    }

    /// Begins a transaction: for processes with input audit rules, which
    /// must pass before the process runs (`values`: the value text of the
    /// args at each rule's field). `now`: the caller's clock in ms. Answers
    /// a BeginReply as JSON.
    pub fn begin(
        &mut self,
        kind: u8,
        process: u32,
        requester: Option<String>,
        values: &str,
        now: f64,
    ) -> String {
        let kind = self.tx_kind(kind, process, requester);
        let verdict = match self::values(Some(values)) {
            Ok(values) => match self.inner.begin(kind, &values, now) {
                Began::Started { tx } => BeginVerdict::Started { tx },
                Began::Refused { error } => BeginVerdict::Refused { error },
            },
            Err(error) => BeginVerdict::Refused { error },
        };
        json(&BeginReply {
            verdict,
            events: self.inner.take_events(),
        })
    }

    /// Decides a commit: the one call a transaction attempt makes. `writes`
    /// are its patches in wire text (rust/engine/src/wire.rs); `values` the
    /// value text of the state at its output audit rules, if it has any.
    /// Flat arguments, and the common
    /// answer (committed, no events) as just the new version, any other as
    /// a CommitReply in JSON: converting nested objects cost more than the
    /// decision.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(unchecked_return_type = "string | number")]
    pub fn commit(
        &mut self,
        tx: u32,
        kind: u8,
        process: u32,
        requester: Option<String>,
        elapsed_ms: f64,
        snapshot: f64,
        writes: &str,
        values: Option<String>,
        now: f64,
    ) -> JsValue {
        let tx = self.tx_ref(tx, kind, process, requester, elapsed_ms);
        let verdict = match self::values(values.as_deref()) {
            Ok(audit_values) => self.inner.commit(&CommitRequest {
                tx,
                snapshot: snapshot as u64,
                writes: decode_written(writes),
                audit_values,
                now_ms: now,
            }),
            Err(error) => Verdict::Refused { error },
        };
        let events = self.inner.take_events();
        match verdict {
            Verdict::Committed { version } if events.is_empty() => {
                JsValue::from_f64(version as f64)
            }
            verdict => JsValue::from_str(&json(&CommitReply { verdict, events })),
        }
    }

    /// Ends a transaction whose body failed. `threw`: the process itself
    /// threw (that counts toward its audit threshold).
    #[allow(clippy::too_many_arguments)]
    pub fn abort(
        &mut self,
        tx: u32,
        kind: u8,
        process: u32,
        requester: Option<String>,
        elapsed_ms: f64,
        message: String,
        threw: bool,
        now: f64,
    ) -> String {
        let tx = self.tx_ref(tx, kind, process, requester, elapsed_ms);
        let result = self.inner.abort(tx, &message, threw, now);
        self.reply(result)
    }

    /// Whether audit records are also sent as events (someone listens).
    #[wasm_bindgen(js_name = listenAudit)]
    pub fn listen_audit(&mut self, on: bool) {
        self.inner.listen_audit(on);
    }

    /// `{ process: count }` for every process with violations counted, as JSON.
    #[wasm_bindgen(js_name = auditCounters)]
    pub fn audit_counters(&self) -> String {
        json(
            &self
                .inner
                .auditor()
                .counters()
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
    }

    /// Clears the counters and lifts a level S stop.
    #[wasm_bindgen(js_name = auditReset)]
    pub fn audit_reset(&mut self) -> String {
        self.inner.audit_reset();
        self.reply(Ok(()))
    }

    /// The audit log, oldest record first (`AuditRecord[]` as JSON).
    #[wasm_bindgen(js_name = auditLogs)]
    pub fn audit_logs(&self) -> String {
        json(&self.inner.audit_records().collect::<Vec<&AuditRecord>>())
    }

    /// Compiles a workflow (the value text of parsed YAML or an object) and
    /// starts a run; `reports_conditions`: each condition's value comes as
    /// an event (debug output).
    #[wasm_bindgen(js_name = workflowStart)]
    pub fn workflow_start(&mut self, tree: &str, max_ops: f64, reports_conditions: bool) -> String {
        let result = value(tree, ErrorKind::Workflow, "workflow")
            .and_then(|tree| {
                self.inner
                    .workflow_start(&tree, max_ops as u64, reports_conditions)
            })
            .map(|started| WorkflowStarted {
                workflow: started.id,
                processes: started.processes,
                needs: started.needs.iter().map(|n| needs_view(n)).collect(),
            });
        self.reply(result)
    }

    /// The run's next action. `values` answer the needs of `condition`
    /// (the value text of an array of nulls, booleans, numbers, strings or
    /// `{ kind, size }`): the one the previous action asked about, or the
    /// `next` a process step announced; both undefined after a process step
    /// that announced none. The common answer, a process step with no
    /// events, is a number: `process * STEP_STRIDE + next + 1` (`next + 1`
    /// is 0 for none); any other is a Reply in JSON.
    #[wasm_bindgen(js_name = workflowResume, unchecked_return_type = "string | number")]
    pub fn workflow_resume(
        &mut self,
        workflow: u32,
        condition: Option<u32>,
        values: Option<String>,
    ) -> JsValue {
        let result = datums(values.as_deref()).and_then(|values| {
            let answer = condition
                .zip(values.as_deref())
                .map(|(c, v)| (c as usize, v));
            self.inner.workflow_resume(workflow, answer)
        });
        let events = self.inner.take_events();
        if let Ok(Action::Process { process, next }) = result {
            if events.is_empty() {
                let next = next.map_or(0.0, |c| c as f64 + 1.0);
                return JsValue::from_f64(process as f64 * STEP_STRIDE + next);
            }
        }
        let result = result.map(|action| match action {
            Action::Process { process, next } => ActionView::Process { process, next },
            Action::Done => ActionView::Done,
            Action::Evaluate { condition } => ActionView::Evaluate { condition },
        });
        JsValue::from_str(&json(&reply(result, events)))
    }

    /// The run's current process step is waiting (it returned a promise).
    #[wasm_bindgen(js_name = workflowWaiting)]
    pub fn workflow_waiting(&mut self, workflow: u32) -> String {
        let result = self.inner.workflow_waiting(workflow);
        self.reply(result)
    }

    /// Ends a run as Failed.
    #[wasm_bindgen(js_name = workflowFail)]
    pub fn workflow_fail(&mut self, workflow: u32) -> String {
        self.inner.workflow_fail(workflow);
        self.reply(Ok(()))
    }

    /// `kind`: 0 a process (`process` is the id its registration gave it),
    /// 1 edit, 2 compareAndSwap (by `requester`, if any).
    fn tx_kind(&self, kind: u8, process: u32, requester: Option<String>) -> TxKind {
        match kind {
            0 => TxKind::Process(
                self.inner
                    .registry()
                    .name_of(process)
                    .map_or_else(|| format!("#{process}"), str::to_string),
            ),
            1 => TxKind::Edit,
            _ => TxKind::Cas { requester },
        }
    }

    /// `tx` 0: the transaction begins with this call (`kind`, `process`,
    /// `requester` and `elapsed_ms` describe it); otherwise it was begun
    /// earlier.
    fn tx_ref(
        &self,
        tx: u32,
        kind: u8,
        process: u32,
        requester: Option<String>,
        elapsed_ms: f64,
    ) -> TxRef {
        if tx == 0 {
            TxRef::Begin {
                kind: self.tx_kind(kind, process, requester),
                elapsed_ms,
            }
        } else {
            TxRef::Open(tx)
        }
    }

    fn reply<T: Serialize>(&mut self, result: Result<T, EngineError>) -> String {
        json(&reply(result, self.inner.take_events()))
    }
}

fn reply<T>(result: Result<T, EngineError>, events: Vec<Event>) -> Reply<T> {
    match result {
        Ok(value) => Reply {
            result: Some(value),
            error: None,
            events,
        },
        Err(error) => Reply {
            result: None,
            error: Some(error),
            events,
        },
    }
}

/// An array's items from value text, or a refusal saying which values.
fn items(text: &str, what: &str) -> Result<Vec<Value>, EngineError> {
    value_text::parse_items(text)
        .map_err(|m| EngineError::new(ErrorKind::InvalidArgument, format!("{what}: {m}")))
}

/// Audit values as value text: none is none.
fn values(text: Option<&str>) -> Result<Vec<Value>, EngineError> {
    text.map_or(Ok(Vec::new()), |text| items(text, "audit values"))
}

/// A condition's values as value text: none is none.
fn datums(text: Option<&str>) -> Result<Option<Vec<Datum>>, EngineError> {
    text.map(|text| items(text, "condition values").map(|v| v.iter().map(datum).collect()))
        .transpose()
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
        Value::Array(items) => Datum::Container {
            kind: "array".into(),
            size: items.len() as f64,
        },
    }
}
