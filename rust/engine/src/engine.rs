//! The engine: one per TheusEngine, owning the path table and the registry.

use crate::contract::{ContractSpec, ContractView};
use crate::error::{EngineError, ErrorKind};
use crate::layer::{Layer, LAYER_NAMES_HELP};
use crate::path_table::PathTable;
use crate::registry::Registry;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineOptions {
    /// Enforce contracts and zone rules (`strictMode`, default true).
    pub strict: bool,
}

impl Default for EngineOptions {
    fn default() -> EngineOptions {
        EngineOptions { strict: true }
    }
}

#[derive(Debug)]
pub struct Engine {
    options: EngineOptions,
    layers: Vec<Layer>,
    paths: PathTable,
    registry: Registry,
}

impl Engine {
    /// `context_keys` are the own keys of the user's context object; each
    /// must be a canonical layer name.
    pub fn new(options: EngineOptions, context_keys: &[String]) -> Result<Engine, EngineError> {
        let mut layers = Vec::with_capacity(context_keys.len());
        for key in context_keys {
            let layer = Layer::from_canonical(key).ok_or_else(|| {
                let hint = match Layer::from_name(key) {
                    Some(layer) => format!("name the layer '{}' ('{key}' is an alias for contracts only)", layer.name()),
                    None => format!("a context holds only the layers {LAYER_NAMES_HELP}"),
                };
                EngineError::new(ErrorKind::InvalidArgument, format!("context key '{key}' is not a layer: {hint}"))
            })?;
            layers.push(layer);
        }
        Ok(Engine { options, layers, paths: PathTable::new(), registry: Registry::default() })
    }

    pub fn options(&self) -> EngineOptions {
        self.options
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// Compiles and registers every contract, or none of them.
    pub fn register(&mut self, specs: &[ContractSpec]) -> Result<Vec<ContractView>, EngineError> {
        let compiled = self.registry.register_all(specs, &mut self.paths, self.options.strict)?;
        Ok(compiled.into_iter().map(|c| ContractView::new(c, &self.paths)).collect())
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
        let e = Engine::new(EngineOptions::default(), &keys(&["global_ctx", "domain_ctx"])).unwrap();
        assert_eq!(e.layers(), [Layer::Global, Layer::Domain]);
        assert!(e.options().strict);
    }

    #[test]
    fn refuses_other_context_keys_with_a_hint() {
        let err = Engine::new(EngineOptions::default(), &keys(&["domain_ctx", "cache"])).err().unwrap();
        assert_eq!(err.kind, ErrorKind::InvalidArgument);
        assert!(err.message.starts_with("context key 'cache' is not a layer: a context holds only the layers global_ctx"));
        let err = Engine::new(EngineOptions::default(), &keys(&["domain"])).err().unwrap();
        assert!(err.message.contains("name the layer 'domain_ctx'"), "{}", err.message);
    }

    #[test]
    fn strictness_decides_signal_inputs() {
        let spec = ContractSpec { name: "p".into(), inputs: vec!["domain.sig_x".into()], ..ContractSpec::default() };
        let mut strict = Engine::new(EngineOptions { strict: true }, &[]).unwrap();
        assert!(strict.register(std::slice::from_ref(&spec)).is_err());
        let mut lax = Engine::new(EngineOptions { strict: false }, &[]).unwrap();
        let views = lax.register(&[spec]).unwrap();
        assert_eq!(views[0].inputs[0].path, "domain_ctx.sig_x");
        assert!(lax.registry().get("p").is_some());
        assert_eq!(lax.paths().len(), 2);
    }
}
