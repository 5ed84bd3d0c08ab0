//! The wasm-bindgen facade over `theus-engine`. It only converts: every
//! method has the same shape (JS value -> serde -> engine call -> serde -> JS
//! value), and an engine error crosses as a plain `{ kind, message, process?,
//! path? }` object that the TypeScript layer turns into a `TheusError`.
//! No decision is made here.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use theus_engine::{ContractSpec, EngineError, EngineOptions, ErrorKind, Value};
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EngineConfig {
    strict: bool,
    context_keys: Vec<String>,
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
            theus_engine::Engine::new(EngineOptions { strict: config.strict }, &config.context_keys)
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
}
