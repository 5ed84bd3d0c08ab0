//! The engine: one per TheusEngine, owning the path table and the registry.

use rustc_hash::FxHashMap as HashMap;

use crate::audit::{AuditLog, AuditRecord, Auditor};
use crate::audit_recipe::Recipe;
use crate::backoff::{Backoff, BackoffPolicy};
use crate::contract::{ContractSpec, ContractView};
use crate::error::{EngineError, ErrorKind};
use crate::event::{Event, EventQueue};
use crate::layer::{Layer, LAYER_NAMES_HELP};
use crate::path_table::PathTable;
use crate::priority::Priority;
use crate::registry::Registry;
use crate::transaction::{Transaction, TxId};
use crate::version_store::VersionStore;
use crate::workflow_run::WorkflowRuns;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EngineOptions {
    /// Enforce contracts and zone rules (`strictMode`, default true).
    pub strict: bool,
    /// Any commit after the snapshot is a conflict, overlapping or not.
    pub strict_cas: bool,
    /// Validate the read set at commit too (`isolation: 'serializable'`).
    pub serializable: bool,
    /// Conflicts an execution may retry before it gives up.
    pub max_retries: u32,
    /// Conflicts after which an execution takes a priority ticket.
    pub priority_after: u32,
    pub backoff: BackoffPolicy,
    pub audit_log_limit: usize,
    /// Paths the version store tracks before it folds old ones.
    pub version_store_limit: usize,
    /// Seeds the backoff jitter.
    pub seed: u64,
    /// The version of the state the engine starts from (a state resumed
    /// from storage); its first commit is the one after.
    pub start_version: u64,
}

impl Default for EngineOptions {
    fn default() -> EngineOptions {
        EngineOptions {
            strict: true,
            strict_cas: false,
            serializable: false,
            max_retries: 10,
            priority_after: 3,
            backoff: BackoffPolicy::default(),
            audit_log_limit: 1000,
            version_store_limit: 100_000,
            seed: 0x9E37_79B9_7F4A_7C15,
            start_version: 0,
        }
    }
}

#[derive(Debug)]
pub struct Engine {
    pub(crate) options: EngineOptions,
    layers: Vec<Layer>,
    pub(crate) paths: PathTable,
    pub(crate) registry: Registry,
    /// The version of the last committed transaction (0: none yet).
    pub(crate) version: u64,
    pub(crate) versions: VersionStore,
    pub(crate) priority: Priority,
    pub(crate) backoff: Backoff,
    pub(crate) audit: AuditLog,
    pub(crate) auditor: Auditor,
    /// Transactions begun and not yet ended.
    pub(crate) transactions: HashMap<TxId, Transaction>,
    pub(crate) next_tx: TxId,
    pub(crate) events: EventQueue,
    pub(crate) workflows: WorkflowRuns,
}

impl Engine {
    /// `context_keys` are the own keys of the user's context object; each
    /// must be a canonical layer name.
    pub fn new(options: EngineOptions, context_keys: &[String]) -> Result<Engine, EngineError> {
        Engine::with_recipe(options, context_keys, Recipe::default())
    }

    /// An engine whose executions are audited by `recipe`.
    pub fn with_recipe(
        options: EngineOptions,
        context_keys: &[String],
        recipe: Recipe,
    ) -> Result<Engine, EngineError> {
        let mut layers = Vec::with_capacity(context_keys.len());
        for key in context_keys {
            let layer = Layer::from_canonical(key).ok_or_else(|| {
                let hint = match Layer::from_name(key) {
                    Some(layer) => format!(
                        "name the layer '{}' ('{key}' is an alias for contracts only)",
                        layer.name()
                    ),
                    None => format!("a context holds only the layers {LAYER_NAMES_HELP}"),
                };
                EngineError::new(
                    ErrorKind::InvalidArgument,
                    format!("context key '{key}' is not a layer: {hint}"),
                )
            })?;
            layers.push(layer);
        }
        Ok(Engine {
            options,
            layers,
            paths: PathTable::new(),
            registry: Registry::default(),
            version: options.start_version,
            versions: VersionStore::new(options.version_store_limit),
            priority: Priority::default(),
            backoff: Backoff::new(options.backoff, options.seed),
            audit: AuditLog::new(options.audit_log_limit),
            auditor: Auditor::new(recipe),
            transactions: HashMap::default(),
            next_tx: 0,
            events: EventQueue::default(),
            workflows: WorkflowRuns::default(),
        })
    }

    pub fn options(&self) -> EngineOptions {
        self.options
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// Compiles and registers every contract, or none of them.
    pub fn register(&mut self, specs: &[ContractSpec]) -> Result<Vec<ContractView>, EngineError> {
        let names: Vec<String> = self
            .registry
            .register_all(specs, &mut self.paths, self.options.strict)?
            .into_iter()
            .map(|c| c.name.clone())
            .collect();
        Ok(names
            .iter()
            .map(|name| {
                let contract = self.registry.get(name).expect("just registered");
                let mut view = ContractView::new(contract, &self.paths);
                view.id = self.registry.id_of(name).unwrap_or(0);
                if let Some(recipe) = self.auditor.recipe_of(name) {
                    view.audit_inputs = recipe.inputs.iter().map(|r| r.keys.clone()).collect();
                    view.audit_outputs = recipe.outputs.iter().map(|r| r.keys.clone()).collect();
                }
                view
            })
            .collect())
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// The audit log, oldest record first.
    pub fn audit_records(&self) -> impl Iterator<Item = &AuditRecord> {
        self.audit.records()
    }

    pub fn auditor(&self) -> &Auditor {
        &self.auditor
    }

    /// Whether audit records are also queued as events (someone listens).
    pub fn listen_audit(&mut self, on: bool) {
        self.events.audit = on;
    }

    /// The events produced since the last take, oldest first.
    pub fn take_events(&mut self) -> Vec<Event> {
        self.events.take()
    }

    /// Clears the audit counters and lifts a level S stop.
    pub fn audit_reset(&mut self) {
        self.auditor.reset();
        self.events.push(Event::Reset);
    }

    pub fn paths(&self) -> &PathTable {
        &self.paths
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn accepts_canonical_layers() {
        let e = Engine::new(
            EngineOptions::default(),
            &keys(&["global_ctx", "domain_ctx"]),
        )
        .unwrap();
        assert_eq!(e.layers(), [Layer::Global, Layer::Domain]);
        assert!(e.options().strict);
    }

    #[test]
    fn refuses_other_context_keys_with_a_hint() {
        let err = Engine::new(EngineOptions::default(), &keys(&["domain_ctx", "cache"]))
            .err()
            .unwrap();
        assert_eq!(err.kind, ErrorKind::InvalidArgument);
        assert!(err.message.starts_with(
            "context key 'cache' is not a layer: a context holds only the layers global_ctx"
        ));
        let err = Engine::new(EngineOptions::default(), &keys(&["domain"]))
            .err()
            .unwrap();
        assert!(
            err.message.contains("name the layer 'domain_ctx'"),
            "{}",
            err.message
        );
    }

    #[test]
    fn strictness_decides_signal_inputs() {
        let spec = ContractSpec {
            name: "p".into(),
            inputs: vec!["domain.sig_x".into()],
            ..ContractSpec::default()
        };
        let mut strict = Engine::new(
            EngineOptions {
                strict: true,
                ..EngineOptions::default()
            },
            &[],
        )
        .unwrap();
        assert!(strict.register(std::slice::from_ref(&spec)).is_err());
        let mut lax = Engine::new(
            EngineOptions {
                strict: false,
                ..EngineOptions::default()
            },
            &[],
        )
        .unwrap();
        let views = lax.register(&[spec]).unwrap();
        assert_eq!(views[0].inputs[0].path, "domain_ctx.sig_x");
        assert!(lax.registry().get("p").is_some());
        assert_eq!(lax.paths().len(), 1);
    }
}
