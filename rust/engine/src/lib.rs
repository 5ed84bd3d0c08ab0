//! The Theus transaction engine. Pure Rust: it knows nothing of WebAssembly
//! or JavaScript (the `theus-wasm` crate binds it), so `cargo test` covers
//! every decision the engine makes.

pub mod audit;
pub mod audit_recipe;
pub mod backoff;
pub mod commit;
pub mod condition;
pub mod contract;
pub mod engine;
pub mod error;
pub mod event;
pub mod flux;
pub mod layer;
pub mod location;
pub mod path;
pub mod path_table;
pub mod priority;
pub mod registry;
pub mod transaction;
pub mod value;
pub mod version_store;
pub mod wire;
pub mod workflow_run;
pub mod written;
pub mod zone;

pub use commit::{CommitRequest, Verdict};
pub use contract::{CompiledContract, ContractSpec, ContractView, Semantic};
pub use engine::{Engine, EngineOptions};
pub use error::{EngineError, ErrorKind};
pub use event::Event;
pub use transaction::{Began, TxId, TxKind, TxRef};
pub use value::Value;

/// The version of this crate, shown by `coreVersion()` in TypeScript.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
