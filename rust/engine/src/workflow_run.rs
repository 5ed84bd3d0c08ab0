//! Running workflows: the engine keeps each run's compiled program, its
//! position and its state (Pending, Running, WaitingIO, Complete, Failed),
//! and reports every change of state as an event. The host runs the process
//! steps (each its own transaction) and answers the conditions' needs from
//! the authoritative state.

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use crate::condition::{Datum, Need};
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
    /// Whether each condition's value is reported as an event (debug output).
    reports_conditions: bool,
}

/// A run just started: its id, every process it can run (in
/// first-appearance order), and each condition's needs by index, which the
/// host keeps for the run's length.
#[derive(Debug)]
pub struct Started {
    pub id: WorkflowId,
    pub processes: Vec<String>,
    pub needs: Vec<Vec<Need>>,
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
    /// Compiles a workflow and starts a run of it, Pending.
    /// `reports_conditions`: each condition evaluated is reported as an
    /// event with its text and value (only for debug output: on every step
    /// of a loop it would cost more than the step's own work).
    pub fn workflow_start(
        &mut self,
        tree: &Value,
        max_ops: u64,
        reports_conditions: bool,
    ) -> Result<Started, EngineError> {
        let workflow = Workflow::compile(tree, max_ops)?;
        let processes = workflow.process_names().to_vec();
        let needs = workflow.needs().map(<[Need]>::to_vec).collect();
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
                reports_conditions,
            },
        );
        self.events.push(Event::Workflow {
            workflow: id,
            state: WorkflowState::Pending,
        });
        Ok(Started {
            id,
            processes,
            needs,
        })
    }

    /// Advances a run to its next action: a process to run, a condition's
    /// needs, or done (the run is then Complete and ends). `answer`: the
    /// values of a condition's needs (see `Workflow::resume`). An error ends
    /// the run, Failed.
    pub fn workflow_resume(
        &mut self,
        id: WorkflowId,
        answer: Option<(usize, &[Datum])>,
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
        let result = run.workflow.resume(answer);
        let condition = run.workflow.last_condition.take();
        self.events.extend(entered);
        if let Some((index, value)) = condition.filter(|_| run.reports_conditions) {
            self.events.push(Event::Condition {
                workflow: id,
                text: run.workflow.condition_text(index).to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineOptions;

    fn tree(steps: Vec<Value>) -> Value {
        Value::Object(
            [("steps".to_string(), Value::Array(steps))]
                .into_iter()
                .collect(),
        )
    }

    fn states(e: &mut Engine) -> Vec<WorkflowState> {
        e.take_events()
            .into_iter()
            .filter_map(|event| match event {
                Event::Workflow { state, .. } => Some(state),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_run_reports_each_state_it_enters_and_ends_when_done() {
        let mut e = Engine::new(EngineOptions::default(), &[]).unwrap();
        let Started { id, processes, .. } = e
            .workflow_start(&tree(vec![Value::String("a".into())]), 10, false)
            .unwrap();
        assert_eq!(processes, ["a"]);
        assert_eq!(
            e.workflow_resume(id, None).unwrap(),
            Action::Process {
                process: 0,
                next: None
            }
        );
        e.workflow_waiting(id).unwrap();
        assert_eq!(e.workflow_resume(id, None).unwrap(), Action::Done);
        use WorkflowState::*;
        assert_eq!(
            states(&mut e),
            [Pending, Running, WaitingIO, Running, Complete]
        );
        assert_eq!(e.running_workflows(), 0);
        assert!(e.workflow_resume(id, None).is_err());
    }

    fn branch(condition: &str) -> Value {
        Value::Object(
            [
                ("flux".to_string(), Value::String("if".into())),
                ("condition".to_string(), Value::String(condition.into())),
                ("then".to_string(), Value::Array(vec![])),
            ]
            .into_iter()
            .collect(),
        )
    }

    #[test]
    fn a_condition_is_reported_only_when_asked_and_its_needs_come_at_start() {
        for reports in [false, true] {
            let mut e = Engine::new(EngineOptions::default(), &[]).unwrap();
            let started = e
                .workflow_start(&tree(vec![branch("domain['n'] < 3")]), 10, reports)
                .unwrap();
            assert_eq!(started.needs.len(), 1);
            assert_eq!(started.needs[0].len(), 1);
            e.workflow_resume(started.id, None).unwrap();
            e.workflow_resume(started.id, Some((0, &[Datum::Number(1.0)])))
                .unwrap();
            let reported: Vec<Event> = e
                .take_events()
                .into_iter()
                .filter(|event| matches!(event, Event::Condition { .. }))
                .collect();
            let expected = reports.then(|| Event::Condition {
                workflow: started.id,
                text: "domain['n'] < 3".into(),
                value: true,
            });
            assert_eq!(reported, Vec::from_iter(expected));
        }
    }

    #[test]
    fn a_failing_run_ends_failed() {
        let mut e = Engine::new(EngineOptions::default(), &[]).unwrap();
        let id = e
            .workflow_start(&tree(vec![branch("domain['n'] < 'x'")]), 10, true)
            .unwrap()
            .id;
        assert!(matches!(
            e.workflow_resume(id, None).unwrap(),
            Action::Evaluate { .. }
        ));
        let error = e
            .workflow_resume(id, Some((0, &[Datum::Number(1.0)])))
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::Workflow);
        use WorkflowState::*;
        assert_eq!(states(&mut e), [Pending, Running, Failed]);
        assert_eq!(e.running_workflows(), 0);
        // Failing a run that already ended changes nothing.
        e.workflow_fail(id);
        assert!(e.take_events().is_empty());
    }

    #[test]
    fn the_host_can_fail_a_run() {
        let mut e = Engine::new(EngineOptions::default(), &[]).unwrap();
        let id = e
            .workflow_start(&tree(vec![Value::String("a".into())]), 10, false)
            .unwrap()
            .id;
        e.workflow_fail(id);
        assert_eq!(
            states(&mut e),
            [WorkflowState::Pending, WorkflowState::Failed]
        );
        assert!(e.workflow_waiting(id).is_err());
    }
}
