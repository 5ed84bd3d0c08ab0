//! Events: what a call into the engine produced besides its answer (audit
//! records, signals, priority releases, workflow states, a stop). They are
//! queued during the call and handed out with its response, so the host
//! delivers them to listeners after the call has returned: a listener can
//! never re-enter the engine while it is mid-decision.

use serde::Serialize;

use crate::audit::AuditRecord;
use crate::contract::SegmentView;
use crate::priority::TicketId;
use crate::workflow_run::{WorkflowId, WorkflowState};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Event {
    /// An execution ended: its audit record, and its process's violation
    /// counter afterwards. Queued only while someone listens (see
    /// `Engine::listen_audit`); the audit log keeps records regardless.
    #[serde(rename_all = "camelCase")]
    Audit { record: AuditRecord, counter: u32 },
    /// A commit wrote a SIGNAL path: its topic, the version, and where its
    /// value is in the new state (keys from the root, layer first).
    #[serde(rename_all = "camelCase")]
    Signal {
        topic: String,
        version: u64,
        keys: Vec<SegmentView>,
    },
    /// A priority ticket was released (its holder committed or gave up);
    /// `promoted` no longer wait for anyone. Commits that were told to wait
    /// may try again.
    #[serde(rename_all = "camelCase")]
    Released {
        #[cfg_attr(feature = "tsify", tsify(type = "number"))]
        ticket: TicketId,
        #[cfg_attr(feature = "tsify", tsify(type = "number[]"))]
        promoted: Vec<TicketId>,
    },
    /// A level S rule fired: the engine refuses every execution until
    /// `audit_reset`.
    #[serde(rename_all = "camelCase")]
    Stopped { reason: String },
    /// `audit_reset` cleared the counters and lifted a stop.
    Reset,
    /// A workflow run entered a state.
    #[serde(rename_all = "camelCase")]
    Workflow {
        #[cfg_attr(feature = "tsify", tsify(type = "number"))]
        workflow: WorkflowId,
        state: WorkflowState,
    },
    /// A workflow condition was evaluated.
    #[serde(rename_all = "camelCase")]
    Condition {
        #[cfg_attr(feature = "tsify", tsify(type = "number"))]
        workflow: WorkflowId,
        text: String,
        value: bool,
    },
}

/// The queue of one engine.
#[derive(Debug, Default)]
pub struct EventQueue {
    events: Vec<Event>,
    /// Whether audit records are wanted as events.
    pub audit: bool,
}

impl EventQueue {
    pub fn push(&mut self, event: Event) {
        self.events.push(event);
    }

    pub fn extend(&mut self, events: impl IntoIterator<Item = Event>) {
        self.events.extend(events);
    }

    /// Everything queued since the last take, oldest first.
    pub fn take(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}
