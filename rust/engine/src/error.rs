//! The one error type the engine returns. It crosses into JavaScript as a
//! plain object, and the TypeScript layer turns `kind` into the matching
//! `TheusError` subclass, so every message is written here, once.

use std::fmt;

use serde::Serialize;

use crate::location::Location;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum ErrorKind {
    /// A contract is malformed or breaks a zone rule (ContractViolationError).
    ContractViolation,
    /// An argument of the engine's own API is malformed (TypeError).
    InvalidArgument,
    /// A process name that is not registered (ProcessNotFoundError).
    ProcessNotFound,
    /// Conflicts outlasted the retries, or a compareAndSwap was stale (ConflictError).
    Conflict,
    /// An invalid workflow or condition (WorkflowError).
    Workflow,
    /// A workflow ran more than maxOps steps (FluxSafetyTripError).
    FluxSafetyTrip,
    /// Audit level S fired, or the engine is stopped (AuditStopError).
    AuditStop,
    /// Audit level A fired (AuditAbortError).
    AuditAbort,
    /// Audit level B reached its threshold (AuditBlockError).
    AuditBlock,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct EngineError {
    pub kind: ErrorKind,
    pub message: String,
    /// The process the error concerns, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// The offending path as the user wrote it, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where in a workflow's step tree the error is.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(type = "LocationKey[]"))]
    pub location: Option<Location>,
    /// The 0-based character offset in a condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
}

impl EngineError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> EngineError {
        EngineError {
            kind,
            message: message.into(),
            process: None,
            path: None,
            location: None,
            offset: None,
        }
    }

    pub fn for_process(mut self, process: &str) -> EngineError {
        self.process = Some(process.to_string());
        self
    }

    pub fn at_path(mut self, path: &str) -> EngineError {
        self.path = Some(path.to_string());
        self
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}
