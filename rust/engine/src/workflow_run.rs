//! Running workflows: the engine keeps each run's compiled program, its
//! position and its state (Pending, Running, WaitingIO, Complete, Failed),
//! and reports every change of state as an event. The host runs the process
//! steps (each its own transaction) and answers the conditions' needs from
//! the authoritative state.

use std::collections::HashMap;

use serde::Serialize;

use crate::condition::Datum;
use crate::engine::Engine;
use crate::error::{EngineError, ErrorKind};
use crate::event::Event;
use crate::flux::{Action, Workflow};
use crate::value::Value;

pub type WorkflowId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum WorkflowState {
    Pending,
    Running,
    /// A process step is awaiting something (I/O, a timer).
    WaitingIO,
    Complete,
    Failed,
}

#[derive(Debug)]
struct Run {
    workflow: Workflow,
    state: WorkflowState,
}

/// The runs of one engine.
#[derive(Debug, Default)]
pub struct WorkflowRuns {
    runs: HashMap<WorkflowId, Run>,
    next: WorkflowId,
}

impl WorkflowRuns {
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

impl Engine {
    /// Compiles a workflow and starts a run of it, Pending. Returns its id
    /// and every process it can run.
    pub fn workflow_start(
        &mut self,
        tree: &Value,
        max_ops: u64,
    ) -> Result<(WorkflowId, Vec<String>), EngineError> {
        let workflow = Workflow::compile(tree, max_ops)?;
        let names = workflow
            .process_names()
            .into_iter()
            .map(str::to_string)
            .collect();
        let runs = &mut self.workflows;
        loop {
            runs.next = runs.next.wrapping_add(1).max(1);
            if !runs.runs.contains_key(&runs.next) {
                break;
            }
        }
        let id = runs.next;
        runs.runs.insert(
            id,
            Run {
                workflow,
                state: WorkflowState::Pending,
            },
        );
        self.events.push(Event::Workflow {
            workflow: id,
            state: WorkflowState::Pending,
        });
        Ok((id, names))
    }

    /// Advances a run to its next action: a process to run, a condition's
    /// needs, or done (the run is then Complete and ends). `values` answer
    /// the needs of the previous action. An error ends the run, Failed.
    pub fn workflow_resume(
        &mut self,
        id: WorkflowId,
        values: Option<&[Datum]>,
    ) -> Result<Action, EngineError> {
        let run = self
            .workflows
            .runs
            .get_mut(&id)
            .ok_or_else(|| not_running(id))?;
        let entered = (run.state != WorkflowState::Running).then(|| {
            run.state = WorkflowState::Running;
            Event::Workflow {
                workflow: id,
                state: WorkflowState::Running,
            }
        });
        let result = run.workflow.resume(values);
        let condition = run.workflow.last_condition.take();
        self.events.extend(entered);
        if let Some((text, value)) = condition {
            self.events.push(Event::Condition {
                workflow: id,
                text,
                value,
            });
        }
        match result {
            Ok(Action::Done) => {
                self.end_workflow(id, WorkflowState::Complete);
                Ok(Action::Done)
            }
            Ok(action) => Ok(action),
            Err(error) => {
                self.end_workflow(id, WorkflowState::Failed);
                Err(error)
            }
        }
    }

    /// The run's current process step is waiting (it returned a promise).
    pub fn workflow_waiting(&mut self, id: WorkflowId) -> Result<(), EngineError> {
        let run = self
            .workflows
            .runs
            .get_mut(&id)
            .ok_or_else(|| not_running(id))?;
        if run.state != WorkflowState::WaitingIO {
            run.state = WorkflowState::WaitingIO;
            self.events.push(Event::Workflow {
                workflow: id,
                state: WorkflowState::WaitingIO,
            });
        }
        Ok(())
    }

    /// Ends a run as Failed (a step failed, or the host cancelled it).
    /// Ending a run that has already ended does nothing.
    pub fn workflow_fail(&mut self, id: WorkflowId) {
        if self.workflows.runs.contains_key(&id) {
            self.end_workflow(id, WorkflowState::Failed);
        }
    }

    /// Number of runs not yet ended.
    pub fn running_workflows(&self) -> usize {
        self.workflows.len()
    }

    fn end_workflow(&mut self, id: WorkflowId, state: WorkflowState) {
        self.workflows.runs.remove(&id);
        self.events.push(Event::Workflow {
            workflow: id,
            state,
        });
    }
}

fn not_running(id: WorkflowId) -> EngineError {
    EngineError::new(
        ErrorKind::InvalidArgument,
        format!("workflow run {id} is not running (it completed, failed or never started)"),
    )
}
