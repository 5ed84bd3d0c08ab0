//! The audit: one record per execution, success or failure, in a ring
//! buffer owned by one engine; and the auditor, which applies a recipe's
//! rules and dual thresholds, counting each violation exactly once (the
//! origin misses the first and double-counts the second).

use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;

use serde::Serialize;

use crate::audit_recipe::{Level, ProcessRecipe, Recipe};
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub process: String,
    pub outcome: Outcome,
    /// The highest audit level a rule reported for this execution, if any.
    pub level: Option<Level>,
    /// The field of the rule that reported it.
    pub rule: Option<String>,
    pub message: String,
    /// The version the execution committed, or the engine's version when it
    /// committed nothing.
    pub version: u64,
    pub duration_ms: f64,
    /// How many times the process body ran.
    pub attempts: u32,
}

#[derive(Debug)]
pub struct AuditLog {
    records: VecDeque<AuditRecord>,
    limit: usize,
}

impl AuditLog {
    pub fn new(limit: usize) -> AuditLog {
        AuditLog {
            // Grown as records come: an engine that audits little costs little.
            records: VecDeque::new(),
            limit,
        }
    }

    pub fn push(&mut self, record: AuditRecord) {
        if self.limit == 0 {
            return;
        }
        if self.records.len() == self.limit {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    /// Oldest first.
    pub fn records(&self) -> impl Iterator<Item = &AuditRecord> {
        self.records.iter()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn last(&self) -> Option<&AuditRecord> {
        self.records.back()
    }
}

/// What a rule found, logged with the execution's record.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub level: Level,
    pub rule: String,
    pub message: String,
}

/// The auditor's verdict on one stage (inputs or outputs) of an execution.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Go on; a finding below the threshold is logged with the execution.
    Pass(Option<Finding>),
    /// Stop here: S (the engine stops), A (abort), or B at its threshold.
    Fail(Finding),
}

#[derive(Debug, Default)]
pub struct Auditor {
    recipe: Recipe,
    counters: HashMap<String, u32>,
    /// Set by a level S finding; cleared only by `reset`.
    stopped: Option<String>,
}

#[derive(Clone, Copy)]
pub enum Stage {
    Inputs,
    Outputs,
}

impl Auditor {
    pub fn new(recipe: Recipe) -> Auditor {
        Auditor {
            recipe,
            ..Auditor::default()
        }
    }

    pub fn recipe_of(&self, process: &str) -> Option<&ProcessRecipe> {
        self.recipe.processes.get(process)
    }

    /// Why the engine refuses executions, if a level S rule fired.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// Applies a stage's rules to `values` (one per rule, in order).
    pub fn check(&mut self, process: &str, stage: Stage, values: &[Value]) -> Decision {
        let Some(recipe) = self.recipe.processes.get(process) else {
            return Decision::Pass(None);
        };
        let rules = match stage {
            Stage::Inputs => &recipe.inputs,
            Stage::Outputs => &recipe.outputs,
        };
        let findings: Vec<Finding> = rules
            .iter()
            .zip(values.iter().chain(std::iter::repeat(&Value::Null)))
            .filter_map(|(rule, value)| {
                rule.violation(value).map(|message| Finding {
                    level: rule.level,
                    rule: rule.field.clone(),
                    message,
                })
            })
            .collect();
        let Some(worst) = findings.iter().max_by_key(|f| f.level).cloned() else {
            return Decision::Pass(None);
        };
        match worst.level {
            Level::S => {
                let finding = Finding {
                    message: format!(
                        "level S: {}; the engine is stopped until audit.reset()",
                        worst.message
                    ),
                    ..worst
                };
                self.stopped = Some(format!("process '{process}': {}", finding.message));
                Decision::Fail(finding)
            }
            Level::A => Decision::Fail(Finding {
                message: format!("level A: {}", worst.message),
                ..worst
            }),
            Level::B | Level::C => {
                let (max, min) = (recipe.threshold_max, recipe.threshold_min);
                let counter = self.counters.entry(process.to_string()).or_default();
                *counter += findings.len() as u32;
                let count = *counter;
                if count >= max {
                    *counter = 0;
                    let violations = if count == 1 {
                        "violation"
                    } else {
                        "violations"
                    };
                    let message = format!(
                        "level {:?}: {} ({count} {violations} reached threshold_max {max})",
                        worst.level, worst.message
                    );
                    if worst.level == Level::B {
                        return Decision::Fail(Finding { message, ..worst });
                    }
                    return Decision::Pass(Some(Finding { message, ..worst }));
                }
                let phase = if count >= min { "warning" } else { "counted" };
                Decision::Pass(Some(Finding {
                    message: format!(
                        "{phase}: level {:?}: {} ({count} of threshold_max {max})",
                        worst.level, worst.message
                    ),
                    ..worst
                }))
            }
        }
    }

    /// A process that threw counts as one failure of that process.
    pub fn failed(&mut self, process: &str) {
        let Some(recipe) = self.recipe.processes.get(process) else {
            return;
        };
        let counter = self.counters.entry(process.to_string()).or_default();
        *counter += 1;
        if *counter >= recipe.threshold_max {
            *counter = 0;
        }
    }

    /// A committed execution; `clean` when no rule reported anything.
    pub fn succeeded(&mut self, process: &str, clean: bool) {
        if clean
            && self
                .recipe
                .processes
                .get(process)
                .is_some_and(|r| r.reset_on_success)
        {
            self.counters.remove(process);
        }
    }

    /// Violations counted so far, by process (processes at zero left out).
    /// The violations counted toward `process`'s threshold.
    pub fn counter(&self, process: &str) -> u32 {
        self.counters.get(process).copied().unwrap_or(0)
    }

    pub fn counters(&self) -> impl Iterator<Item = (&str, u32)> {
        self.counters
            .iter()
            .filter(|(_, v)| **v > 0)
            .map(|(k, v)| (k.as_str(), *v))
    }

    /// Clears every counter and lifts a level S stop.
    pub fn reset(&mut self) {
        self.counters.clear();
        self.stopped = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: u64) -> AuditRecord {
        AuditRecord {
            process: format!("p{n}"),
            outcome: Outcome::Success,
            level: None,
            rule: None,
            message: String::new(),
            version: n,
            duration_ms: 0.0,
            attempts: 1,
        }
    }

    #[test]
    fn keeps_the_newest_records_oldest_first() {
        let mut log = AuditLog::new(3);
        for n in 1..=5 {
            log.push(record(n));
        }
        let versions: Vec<u64> = log.records().map(|r| r.version).collect();
        assert_eq!(versions, [3, 4, 5]);
    }

    #[test]
    fn an_audit_log_reserves_nothing_until_records_come() {
        let log = AuditLog::new(1000);
        assert_eq!(log.records.capacity(), 0);
    }

    #[test]
    fn a_zero_limit_keeps_nothing() {
        let mut log = AuditLog::new(0);
        log.push(record(1));
        assert!(log.is_empty());
    }

    fn auditor(level: &str, max: f64, min: f64, reset: bool) -> Auditor {
        let s = |t: &str| Value::String(t.into());
        let n = Value::Number;
        let rule = Value::Object(
            [
                ("field".to_string(), s("price")),
                ("min".to_string(), n(0.0)),
                ("level".to_string(), s(level)),
            ]
            .into_iter()
            .collect(),
        );
        let process = Value::Object(
            [
                ("inputs".to_string(), Value::Array(vec![rule])),
                ("threshold_max".to_string(), n(max)),
                ("threshold_min".to_string(), n(min)),
                ("reset_on_success".to_string(), Value::Bool(reset)),
            ]
            .into_iter()
            .collect(),
        );
        let recipe = Value::Object(
            [(
                "process_recipes".to_string(),
                Value::Object([("p".to_string(), process)].into_iter().collect()),
            )]
            .into_iter()
            .collect(),
        );
        Auditor::new(Recipe::from_value(&recipe).unwrap())
    }

    fn bad() -> Vec<Value> {
        vec![Value::Number(-1.0)]
    }

    fn good() -> Vec<Value> {
        vec![Value::Number(1.0)]
    }

    fn outcome(d: &Decision) -> &'static str {
        match d {
            Decision::Pass(None) => "clean",
            Decision::Pass(Some(f)) if f.message.starts_with("counted") => "counted",
            Decision::Pass(Some(f)) if f.message.starts_with("warning") => "warning",
            Decision::Pass(Some(_)) => "logged at threshold",
            Decision::Fail(_) => "fail",
        }
    }

    #[test]
    fn b_counts_each_violation_once_warns_from_min_and_blocks_at_max_then_resets() {
        let mut a = auditor("B", 3.0, 2.0, false);
        let seq: Vec<&str> = (0..7)
            .map(|_| outcome(&a.check("p", Stage::Inputs, &bad())))
            .collect();
        assert_eq!(
            seq,
            ["counted", "warning", "fail", "counted", "warning", "fail", "counted"]
        );
    }

    #[test]
    fn the_threshold_message_counts_in_words() {
        let message = |max: f64, runs: usize| {
            let mut a = auditor("B", max, 1.0, false);
            let mut last = None;
            for _ in 0..runs {
                last = Some(a.check("p", Stage::Inputs, &bad()));
            }
            match last {
                Some(Decision::Fail(f)) => f.message,
                _ => panic!("expected a block at the threshold"),
            }
        };
        assert!(message(1.0, 1).ends_with("(1 violation reached threshold_max 1)"));
        assert!(message(2.0, 2).ends_with("(2 violations reached threshold_max 2)"));
    }

    #[test]
    fn c_only_logs_at_max() {
        let mut a = auditor("C", 2.0, 1.0, false);
        let seq: Vec<&str> = (0..3)
            .map(|_| outcome(&a.check("p", Stage::Inputs, &bad())))
            .collect();
        assert_eq!(seq, ["warning", "logged at threshold", "warning"]);
    }

    #[test]
    fn reset_on_success_clears_the_counter_and_the_flaky_detector_keeps_it() {
        for (reset, expected) in [(true, "warning"), (false, "fail")] {
            let mut a = auditor("B", 3.0, 2.0, reset);
            a.check("p", Stage::Inputs, &bad());
            a.check("p", Stage::Inputs, &bad());
            assert_eq!(outcome(&a.check("p", Stage::Inputs, &good())), "clean");
            a.succeeded("p", true);
            assert_eq!(
                outcome(&a.check("p", Stage::Inputs, &bad())),
                if reset { "counted" } else { expected }
            );
        }
    }

    #[test]
    fn a_throwing_process_counts_as_one_failure() {
        let mut a = auditor("B", 2.0, 1.0, false);
        a.failed("p");
        assert_eq!(a.counters().collect::<Vec<_>>(), [("p", 1)]);
        assert_eq!(outcome(&a.check("p", Stage::Inputs, &bad())), "fail");
        assert_eq!(a.counters().count(), 0);
    }

    #[test]
    fn s_stops_until_reset_and_a_fails_at_once() {
        let mut a = auditor("S", 5.0, 1.0, true);
        assert_eq!(outcome(&a.check("p", Stage::Inputs, &bad())), "fail");
        assert!(a
            .stopped()
            .unwrap()
            .contains("level S: price = -1 is below min 0"));
        a.reset();
        assert!(a.stopped().is_none());
        let mut a = auditor("A", 5.0, 1.0, true);
        assert_eq!(outcome(&a.check("p", Stage::Inputs, &bad())), "fail");
        assert!(a.stopped().is_none());
    }

    #[test]
    fn processes_without_rules_pass() {
        let mut a = auditor("B", 1.0, 1.0, true);
        assert_eq!(
            a.check("other", Stage::Inputs, &bad()),
            Decision::Pass(None)
        );
    }
}
