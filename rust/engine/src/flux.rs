//! Flux workflows: the step tree (`process`, the string shorthand, `flux: if`
//! / `while` / `run`, nested freely) is validated and compiled into a flat
//! program of process steps, branches and jumps, which this interpreter
//! drives. It hands the host one action at a time: run this process (each
//! step is its own transaction), or read these values for a condition.

use rustc_hash::FxHashMap as HashMap;

use crate::condition::{Condition, Datum, Need};
use crate::error::{EngineError, ErrorKind};
use crate::location::{at, show_location, Location};
use crate::value::{unknown_key, Value};

#[derive(Clone, Debug, PartialEq)]
enum Op {
    /// Run the process at this index of `Workflow::process_names`.
    Process {
        process: usize,
    },
    /// Evaluate condition `cond`; when false go to `otherwise`. A loop's
    /// branch counts one op per iteration.
    Branch {
        cond: usize,
        otherwise: usize,
        is_loop: bool,
    },
    Jump(usize),
}

/// What the host should do next.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Run this process; `next`: the condition met next, which the host
    /// may answer ahead when it resumes. Processes and conditions are named
    /// by index: the host has the names (`Workflow::process_names`) and
    /// every condition's needs (`Workflow::needs`) from the start, so no
    /// step repeats them.
    Process {
        process: usize,
        next: Option<usize>,
    },
    Evaluate {
        condition: usize,
    },
    Done,
}

#[derive(Clone, Debug)]
pub struct Workflow {
    program: Vec<Op>,
    conditions: Vec<(Condition, Location)>,
    processes: Vec<String>,
    pc: usize,
    ops: u64,
    max_ops: u64,
    pending: Option<usize>,
    /// The last condition evaluated (its index) and its value, for debug output.
    pub last_condition: Option<(usize, bool)>,
}

fn workflow_error(message: String, location: &Location, offset: Option<usize>) -> EngineError {
    EngineError {
        location: Some(location.clone()),
        offset,
        ..EngineError::new(ErrorKind::Workflow, message)
    }
}

struct Compiler {
    program: Vec<Op>,
    conditions: Vec<(Condition, Location)>,
    processes: Vec<String>,
    /// Each process name's index in `processes`: a workflow of many steps
    /// is compiled in linear time.
    process_index: HashMap<String, usize>,
}

const ROOT_KEYS: [&str; 3] = ["steps", "name", "description"];

impl Workflow {
    /// Validates and compiles a workflow given as plain data (parsed YAML).
    pub fn compile(tree: &Value, max_ops: u64) -> Result<Workflow, EngineError> {
        let root: Location = Vec::new();
        let Value::Object(fields) = tree else {
            return Err(workflow_error(
                format!("a workflow is a mapping with 'steps', got {}", tree.kind()),
                &root,
                None,
            ));
        };
        for key in fields.keys() {
            if !ROOT_KEYS.contains(&key.as_str()) {
                return Err(workflow_error(
                    unknown_key(key, &ROOT_KEYS, "a workflow has"),
                    &root,
                    None,
                ));
            }
        }
        let steps = fields
            .get("steps")
            .ok_or_else(|| workflow_error("a workflow needs 'steps'".into(), &root, None))?;
        let mut compiler = Compiler {
            program: Vec::new(),
            conditions: Vec::new(),
            processes: Vec::new(),
            process_index: HashMap::default(),
        };
        compiler.steps(steps, &at(&root, "steps"))?;
        Ok(Workflow {
            program: compiler.program,
            conditions: compiler.conditions,
            processes: compiler.processes,
            pc: 0,
            ops: 0,
            max_ops,
            pending: None,
            last_condition: None,
        })
    }

    /// Every process the workflow can run, in first-appearance order.
    pub fn process_names(&self) -> &[String] {
        &self.processes
    }

    /// Each condition's needs, by index.
    pub fn needs(&self) -> impl Iterator<Item = &[Need]> {
        self.conditions.iter().map(|(c, _)| c.needs.as_slice())
    }

    /// A condition's text, as written.
    pub fn condition_text(&self, index: usize) -> &str {
        &self.conditions[index].0.text
    }

    pub fn ops(&self) -> u64 {
        self.ops
    }

    /// Advances to the next action. `answer` gives the values of condition
    /// `cond`'s needs: the condition the previous action asked about, or,
    /// after a process step, the one that step's action announced as `next`
    /// (read by the host just before this call, as it would be read when
    /// asked), which saves a round trip per condition.
    pub fn resume(&mut self, answer: Option<(usize, &[Datum])>) -> Result<Action, EngineError> {
        let mut answer = answer;
        if let Some(index) = self.pending.take() {
            let values = match answer.take() {
                Some((cond, values)) if cond == index => values,
                other => {
                    let given = match other {
                        Some((cond, _)) => format!("values for condition {cond}"),
                        None => "no values".to_string(),
                    };
                    return Err(EngineError::new(
                        ErrorKind::InvalidArgument,
                        format!("resume(): the run asked about condition {index}, and got {given}"),
                    ));
                }
            };
            self.decide(index, values)?;
        }
        loop {
            match self.program.get(self.pc) {
                None => return Ok(Action::Done),
                Some(Op::Jump(target)) => self.pc = *target,
                Some(Op::Process { process }) => {
                    let process = *process;
                    self.count()?;
                    self.pc += 1;
                    let next = self.next_condition();
                    return Ok(Action::Process { process, next });
                }
                Some(Op::Branch { cond, is_loop, .. }) => {
                    let (cond, is_loop) = (*cond, *is_loop);
                    if !is_loop {
                        self.count()?;
                    }
                    match answer.take() {
                        Some((given, values)) if given == cond => self.decide(cond, values)?,
                        _ => {
                            self.pending = Some(cond);
                            return Ok(Action::Evaluate { condition: cond });
                        }
                    }
                }
            }
        }
    }

    /// Evaluates condition `index` (its branch is at `pc`) and takes the branch.
    fn decide(&mut self, index: usize, values: &[Datum]) -> Result<(), EngineError> {
        let (condition, location) = &self.conditions[index];
        let value = condition.evaluate(values).map_err(|e| {
            workflow_error(
                format!(
                    "condition '{}' at {}: {}",
                    condition.text,
                    show_location(location),
                    e.message
                ),
                &at(location, "condition"),
                Some(e.offset),
            )
        })?;
        self.last_condition = Some((index, value));
        let Op::Branch {
            otherwise, is_loop, ..
        } = self.program[self.pc]
        else {
            unreachable!("a condition is decided on its branch")
        };
        if value {
            if is_loop {
                self.count()?;
            }
            self.pc += 1;
        } else {
            self.pc = otherwise;
        }
        Ok(())
    }

    /// The condition the run evaluates next, if it meets one (past jumps)
    /// before any process step.
    fn next_condition(&self) -> Option<usize> {
        let mut pc = self.pc;
        // Jumps never chain into a cycle without a branch (see Compiler); the
        // bound only keeps a bug from hanging.
        for _ in 0..=self.program.len() {
            match self.program.get(pc) {
                Some(Op::Jump(target)) => pc = *target,
                Some(Op::Branch { cond, .. }) => return Some(*cond),
                _ => return None,
            }
        }
        None
    }

    fn count(&mut self) -> Result<(), EngineError> {
        self.ops += 1;
        if self.ops > self.max_ops {
            return Err(EngineError::new(
                ErrorKind::FluxSafetyTrip,
                format!("the workflow exceeded maxOps ({}): an infinite loop? Raise maxOps if it is not", self.max_ops),
            ));
        }
        Ok(())
    }
}

impl Compiler {
    fn steps(&mut self, value: &Value, location: &Location) -> Result<(), EngineError> {
        let Value::Array(steps) = value else {
            return Err(workflow_error(
                format!(
                    "{} must be a list of steps, got {}",
                    show_location(location),
                    value.kind()
                ),
                location,
                None,
            ));
        };
        for (i, step) in steps.iter().enumerate() {
            self.step(step, &at(location, i))?;
        }
        Ok(())
    }

    fn step(&mut self, step: &Value, location: &Location) -> Result<(), EngineError> {
        let fail = |message: String, loc: &Location| {
            workflow_error(format!("{}: {message}", show_location(loc)), loc, None)
        };
        let fields = match step {
            Value::String(name) => return self.process(name, location),
            Value::Object(fields) => fields,
            other => {
                return Err(fail(
                    format!(
                        "a step is a process name or a mapping, got {}",
                        other.kind()
                    ),
                    location,
                ))
            }
        };
        let allowed: &[&str] = match (fields.get("process"), fields.get("flux")) {
            (Some(_), Some(_)) => {
                return Err(fail(
                    "a step is either 'process' or 'flux', not both".into(),
                    location,
                ))
            }
            (Some(_), None) => &["process"],
            (None, Some(Value::String(kind))) => match kind.as_str() {
                "if" => &["flux", "condition", "then", "else"],
                "while" => &["flux", "condition", "do"],
                "run" => &["flux", "steps"],
                other => {
                    return Err(fail(
                        format!("unknown flux '{other}'; flux is if, while or run"),
                        &at(location, "flux"),
                    ))
                }
            },
            (None, Some(other)) => {
                return Err(fail(
                    format!("flux must be if, while or run, got {}", other.kind()),
                    &at(location, "flux"),
                ))
            }
            (None, None) => {
                return Err(fail(
                    "a step mapping needs 'process' or 'flux'".into(),
                    location,
                ))
            }
        };
        for key in fields.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(fail(unknown_key(key, allowed, "this step has"), location));
            }
        }
        let require = |key: &'static str| {
            fields
                .get(key)
                .ok_or_else(|| fail(format!("needs '{key}'"), location))
        };
        match fields.get("flux") {
            None => match require("process")? {
                Value::String(name) => self.process(name, &at(location, "process")),
                other => Err(fail(
                    format!("process must be a name, got {}", other.kind()),
                    &at(location, "process"),
                )),
            },
            Some(Value::String(kind)) if kind == "run" => {
                self.steps(require("steps")?, &at(location, "steps"))
            }
            Some(Value::String(kind)) => {
                let is_loop = kind == "while";
                let cond = self.condition(require("condition")?, &at(location, "condition"))?;
                let start = self.program.len();
                self.program.push(Op::Branch {
                    cond,
                    otherwise: 0,
                    is_loop,
                });
                if is_loop {
                    self.steps(require("do")?, &at(location, "do"))?;
                    self.program.push(Op::Jump(start));
                    self.patch(start, self.program.len());
                } else {
                    self.steps(require("then")?, &at(location, "then"))?;
                    match fields.get("else") {
                        Some(otherwise) => {
                            let jump = self.program.len();
                            self.program.push(Op::Jump(0));
                            self.patch(start, self.program.len());
                            self.steps(otherwise, &at(location, "else"))?;
                            self.program[jump] = Op::Jump(self.program.len());
                        }
                        None => self.patch(start, self.program.len()),
                    }
                }
                Ok(())
            }
            Some(_) => unreachable!("checked above"),
        }
    }

    fn patch(&mut self, branch: usize, target: usize) {
        if let Op::Branch { otherwise, .. } = &mut self.program[branch] {
            *otherwise = target;
        }
    }

    fn process(&mut self, name: &str, location: &Location) -> Result<(), EngineError> {
        if name.trim().is_empty() {
            return Err(workflow_error(
                format!(
                    "{}: a process name cannot be empty",
                    show_location(location)
                ),
                location,
                None,
            ));
        }
        let process = match self.process_index.get(name) {
            Some(&index) => index,
            None => {
                self.processes.push(name.to_string());
                self.process_index
                    .insert(name.to_string(), self.processes.len() - 1);
                self.processes.len() - 1
            }
        };
        self.program.push(Op::Process { process });
        Ok(())
    }

    fn condition(&mut self, value: &Value, location: &Location) -> Result<usize, EngineError> {
        let Value::String(text) = value else {
            return Err(workflow_error(
                format!(
                    "{}: a condition is a string, got {}",
                    show_location(location),
                    value.kind()
                ),
                location,
                None,
            ));
        };
        let condition = Condition::parse(text).map_err(|e| {
            workflow_error(
                format!(
                    "condition '{text}' at {} (character {}): {}",
                    show_location(location),
                    e.offset + 1,
                    e.message
                ),
                location,
                Some(e.offset),
            )
        })?;
        self.conditions
            .push((condition, location[..location.len() - 1].to_vec()));
        Ok(self.conditions.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::LocationKey;
    use std::collections::BTreeMap;

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    fn list(items: Vec<Value>) -> Value {
        Value::Array(items)
    }

    fn map(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn workflow(steps: Vec<Value>) -> Workflow {
        Workflow::compile(&map(vec![("steps", list(steps))]), 10_000).unwrap()
    }

    /// Runs a workflow whose conditions read one number, `domain['n']`,
    /// which each process named "inc" increments.
    fn run(w: Workflow) -> Result<Vec<String>, EngineError> {
        let asked = run_answering(w.clone(), false);
        let ahead = run_answering(w, true);
        assert_eq!(asked, ahead, "answering ahead changes nothing");
        ahead
    }

    fn run_answering(mut w: Workflow, ahead: bool) -> Result<Vec<String>, EngineError> {
        let mut n = 0.0;
        let mut executed = Vec::new();
        let mut answer: Option<(usize, Vec<Datum>)> = None;
        let needs: Vec<usize> = w.needs().map(<[Need]>::len).collect();
        let values = |c: usize, n: f64| (c, vec![Datum::Number(n); needs[c]]);
        loop {
            let given = answer.as_ref().map(|(c, v)| (*c, v.as_slice()));
            match w.resume(given)? {
                Action::Done => return Ok(executed),
                Action::Process { process, next } => {
                    let name = w.process_names()[process].clone();
                    if name == "inc" {
                        n += 1.0;
                    }
                    executed.push(name);
                    // Answered ahead when announced, as the host does, with
                    // the value as of after the step.
                    answer = next.filter(|_| ahead).map(|c| values(c, n));
                }
                Action::Evaluate { condition } => answer = Some(values(condition, n)),
            }
        }
    }

    #[test]
    fn runs_steps_in_order_including_the_shorthand_and_run() {
        let w = workflow(vec![
            s("a"),
            map(vec![("process", s("b"))]),
            map(vec![
                ("flux", s("run")),
                ("steps", list(vec![s("c"), s("d")])),
            ]),
        ]);
        assert_eq!(w.process_names(), ["a", "b", "c", "d"]);
        assert_eq!(run(w).unwrap(), ["a", "b", "c", "d"]);
    }

    #[test]
    fn a_name_met_again_keeps_its_first_index() {
        let mut w = workflow(vec![s("a"), s("b"), s("a")]);
        assert_eq!(w.process_names(), ["a", "b"]);
        let mut indices = Vec::new();
        while let Action::Process { process, .. } = w.resume(None).unwrap() {
            indices.push(process);
        }
        assert_eq!(indices, [0, 1, 0]);
    }

    #[test]
    fn while_counts_to_five() {
        let w = workflow(vec![
            map(vec![
                ("flux", s("while")),
                ("condition", s("domain['n'] < 5")),
                ("do", list(vec![s("inc")])),
            ]),
            s("done"),
        ]);
        assert_eq!(run(w).unwrap(), ["inc", "inc", "inc", "inc", "inc", "done"]);
    }

    #[test]
    fn a_process_step_announces_the_condition_met_next_and_takes_its_answer_ahead() {
        let mut w = workflow(vec![map(vec![
            ("flux", s("while")),
            ("condition", s("domain['n'] < 2")),
            ("do", list(vec![s("inc")])),
        ])]);
        let Action::Evaluate { condition, .. } = w.resume(None).unwrap() else {
            panic!("a while starts with its condition")
        };
        let Action::Process { next, .. } =
            w.resume(Some((condition, &[Datum::Number(0.0)]))).unwrap()
        else {
            panic!("then its body")
        };
        let next = next.expect("the loop's condition comes next");
        assert_eq!(next, condition);
        assert_eq!(w.needs().nth(next).map(<[Need]>::len), Some(1));
        // An answer for a condition the run does not meet next is not taken:
        // the run asks, as if none had been given.
        assert!(matches!(
            w.resume(Some((next + 1, &[Datum::Number(1.0)]))).unwrap(),
            Action::Evaluate { .. }
        ));
        // The condition it asked about needs its own answer.
        let error = w
            .resume(Some((next + 1, &[Datum::Number(2.0)])))
            .unwrap_err();
        assert!(
            error
                .message
                .contains("asked about condition 0, and got values for condition 1"),
            "{}",
            error.message
        );
    }

    #[test]
    fn if_takes_then_or_else_and_nests_in_while() {
        let branch = map(vec![
            ("flux", s("if")),
            ("condition", s("domain['n'] < 2")),
            ("then", list(vec![s("low")])),
            ("else", list(vec![s("high")])),
        ]);
        let w = workflow(vec![map(vec![
            ("flux", s("while")),
            ("condition", s("domain['n'] < 4")),
            ("do", list(vec![branch, s("inc")])),
        ])]);
        assert_eq!(
            run(w).unwrap(),
            ["low", "inc", "low", "inc", "high", "inc", "high", "inc"]
        );
        let no_else = workflow(vec![
            map(vec![
                ("flux", s("if")),
                ("condition", s("False")),
                ("then", list(vec![s("never")])),
            ]),
            s("after"),
        ]);
        assert_eq!(run(no_else).unwrap(), ["after"]);
    }

    #[test]
    fn max_ops_trips_an_infinite_loop() {
        let tree = map(vec![(
            "steps",
            list(vec![map(vec![
                ("flux", s("while")),
                ("condition", s("True")),
                ("do", list(vec![s("spin")])),
            ])]),
        )]);
        let w = Workflow::compile(&tree, 50).unwrap();
        let err = run(w).unwrap_err();
        assert_eq!(err.kind, ErrorKind::FluxSafetyTrip);
        assert!(err.message.starts_with("the workflow exceeded maxOps (50)"));
    }

    #[test]
    fn bad_trees_are_refused_with_their_location() {
        let cases = vec![
            (map(vec![("step", list(vec![]))]), "unknown key 'step' (did you mean 'steps'?)", vec![]),
            (map(vec![("steps", s("a"))]), "steps must be a list of steps, got a string", vec![LocationKey::Key("steps".into())]),
            (
                map(vec![("steps", list(vec![map(vec![("flux", s("loop"))])]))]),
                "steps[0].flux: unknown flux 'loop'; flux is if, while or run",
                vec![LocationKey::Key("steps".into()), LocationKey::Index(0), LocationKey::Key("flux".into())],
            ),
            (
                map(vec![("steps", list(vec![map(vec![("flux", s("while")), ("condition", s("True")), ("then", list(vec![]))])]))]),
                "steps[0]: unknown key 'then'; this step has flux, condition, do",
                vec![LocationKey::Key("steps".into()), LocationKey::Index(0)],
            ),
            (
                map(vec![("steps", list(vec![map(vec![("flux", s("if")), ("condition", s("domain.__proto__")), ("then", list(vec![]))])]))]),
                "condition 'domain.__proto__' at steps[0].condition (character 7): '__proto__' is forbidden",
                vec![LocationKey::Key("steps".into()), LocationKey::Index(0), LocationKey::Key("condition".into())],
            ),
            (map(vec![("steps", list(vec![Value::Number(1.0)]))]), "steps[0]: a step is a process name or a mapping, got a number", vec![]),
            (map(vec![("steps", list(vec![s(" ")]))]), "steps[0]: a process name cannot be empty", vec![]),
        ];
        for (tree, message, location) in cases {
            let err = Workflow::compile(&tree, 10).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Workflow);
            assert!(
                err.message.starts_with(message),
                "{} / {message}",
                err.message
            );
            if !location.is_empty() {
                assert_eq!(err.location.as_ref(), Some(&location), "{message}");
            }
        }
    }

    #[test]
    fn evaluation_errors_name_the_condition() {
        let w = workflow(vec![map(vec![
            ("flux", s("if")),
            ("condition", s("domain['n'] < 'x'")),
            ("then", list(vec![])),
        ])]);
        let err = run(w).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Workflow);
        assert!(
            err.message
                .starts_with("condition 'domain['n'] < 'x'' at steps[0]: cannot order 0 and 'x'"),
            "{}",
            err.message
        );
        assert_eq!(err.offset, Some(12));
    }
}
