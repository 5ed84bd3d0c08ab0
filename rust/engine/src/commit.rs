//! The commit decision: the one call a transaction makes into the core. It
//! carries the snapshot version and the paths the transaction wrote (never
//! their values, which stay in JavaScript) and gets back a verdict:
//! committed (with the new version and the signals to publish), conflict
//! (with how long to back off), gave up, or wait for a priority holder.

use serde::Serialize;

use crate::audit::{AuditRecord, Decision, Finding, Outcome, Stage};
use crate::audit_recipe::Level;
use crate::contract::Semantic;
use crate::engine::Engine;
use crate::error::{EngineError, ErrorKind};
use crate::layer::Layer;
use crate::path::Path;
use crate::priority::TicketId;
use crate::value::Value;
use crate::wire::decode_paths;
use crate::zone::Zone;

/// What kind of transaction is committing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxKind {
    /// `execute` of a registered process.
    Process(String),
    /// `edit(fn)`: a draft of the whole context, outside any process.
    Edit,
    /// `compareAndSwap`: direct writes checked against an expected version,
    /// never retried.
    Cas { requester: Option<String> },
}

impl TxKind {
    fn label(&self) -> String {
        match self {
            TxKind::Process(name) => format!("process '{name}'"),
            TxKind::Edit => "edit()".to_string(),
            TxKind::Cas { requester: Some(r) } => format!("compareAndSwap by '{r}'"),
            TxKind::Cas { requester: None } => "compareAndSwap".to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct CommitRequest {
    pub kind: TxKind,
    /// The version the transaction's snapshot was taken at.
    pub snapshot: u64,
    /// Every path the transaction wrote (patch paths).
    pub writes: Vec<Path>,
    /// Conflicts this execution has had so far.
    pub conflicts: u32,
    /// The priority ticket the transaction holds, if any.
    pub ticket: Option<TicketId>,
    /// Time spent in the process so far, for the audit record.
    pub duration_ms: f64,
    /// The values at the process's output audit rules, in the state the
    /// transaction would commit (empty when it has none).
    pub audit_values: Vec<Value>,
    /// The token of what the input rules found before the process ran (see
    /// `audit_inputs`; 0 for nothing). Held until the execution ends.
    pub finding: u32,
}

/// A signal a commit set: its topic, and where its value is in the new
/// state: the first `depth` keys of write number `write`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignalRef {
    pub topic: String,
    pub write: usize,
    pub depth: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Verdict {
    /// Applied: the transaction is `version`. `signals` are the SIGNAL paths
    /// it wrote, to publish now.
    Committed { version: u64, signals: Vec<SignalRef>, promoted: Vec<TicketId> },
    /// Something overlapping committed after the snapshot: back off for
    /// `retry_in_ms`, then run again on a fresh snapshot. `ticket` is the
    /// priority ticket held from now on, if any.
    Conflict { path: Option<String>, version: u64, retry_in_ms: f64, ticket: Option<TicketId> },
    /// No more retries (or a stale compareAndSwap): a ConflictError.
    GaveUp { message: String, path: Option<String>, promoted: Vec<TicketId> },
    /// A priority holder overlaps this commit: wait until `ticket` (our own
    /// queued ticket) is promoted, or until any ticket is released, then
    /// submit again.
    Wait { ticket: Option<TicketId> },
    /// An output audit rule refused the transaction (level S, A, or B at its
    /// threshold), or the engine is stopped: nothing was committed.
    AuditFailed { level: Level, rule: Option<String>, message: String, promoted: Vec<TicketId> },
}

/// A failed execution (the process threw): it is audited and its priority
/// ticket released.
#[derive(Clone, Debug)]
pub struct FailureReport {
    pub process: String,
    pub message: String,
    pub duration_ms: f64,
    pub attempts: u32,
    pub ticket: Option<TicketId>,
    /// The process itself threw: that counts toward its audit threshold.
    pub process_threw: bool,
    /// What the input rules found, or the audit finding that failed it.
    pub finding: Option<Finding>,
}

impl CommitRequest {
    /// The written paths from their wire text (see `wire.rs`); a path that
    /// names no layer or goes through a prototype key is a violation.
    pub fn parse_writes(kind: &TxKind, text: &str) -> Result<Vec<Path>, EngineError> {
        decode_paths(text)
            .iter()
            .map(|keys| {
                Path::from_keys(keys)
                    .map_err(|e| EngineError::new(ErrorKind::ContractViolation, format!("{} wrote {e}", kind.label())).at_path(&e.text))
            })
            .collect()
    }
}

impl Engine {
    /// Decides a commit. Errors are contract violations (a write outside the
    /// process's outputs, a pure process that wrote) and bad requests.
    pub fn commit(&mut self, request: &CommitRequest) -> Result<Verdict, EngineError> {
        let verdict = self.decide(request);
        // A conflict or a wait is not the end of the execution: its input
        // finding stays held for the next try.
        if !matches!(verdict, Ok(Verdict::Conflict { .. } | Verdict::Wait { .. })) {
            self.take_finding(request.finding);
        }
        verdict
    }

    fn decide(&mut self, request: &CommitRequest) -> Result<Verdict, EngineError> {
        if request.snapshot > self.version {
            return Err(EngineError::new(
                ErrorKind::InvalidArgument,
                format!("{}: snapshot version {} is ahead of the engine's version {}", request.kind.label(), request.snapshot, self.version),
            ));
        }
        self.check_permissions(request)?;
        let reads = self.read_set(&request.kind);
        let touched: Vec<Path> = request.writes.iter().chain(reads.iter()).cloned().collect();

        if self.priority.blocker(&touched, request.ticket).is_some() {
            return Ok(Verdict::Wait { ticket: request.ticket });
        }
        if let Some((path, version)) = self.first_conflict(request, &touched) {
            return Ok(self.conflict(request, path, version));
        }
        // Audited only now that the commit would succeed, so that a retried
        // transaction's violations are counted once.
        let mut finding = self.held_finding(request.finding);
        if let TxKind::Process(name) = &request.kind {
            let decision = match self.auditor.stopped() {
                Some(why) => Decision::Fail(Finding { level: Level::S, rule: String::new(), message: format!("the engine is stopped ({why})") }),
                None => self.auditor.check(name, Stage::Outputs, &request.audit_values),
            };
            match decision {
                Decision::Fail(failed) => {
                    let promoted = self.fail(&FailureReport {
                        process: name.clone(),
                        message: failed.message.clone(),
                        duration_ms: request.duration_ms,
                        attempts: request.conflicts + 1,
                        ticket: request.ticket,
                        process_threw: false,
                        finding: Some(failed.clone()),
                    });
                    let rule = (!failed.rule.is_empty()).then_some(failed.rule);
                    return Ok(Verdict::AuditFailed { level: failed.level, rule, message: failed.message, promoted });
                }
                Decision::Pass(found) => finding = worst(finding, found),
            }
        }

        self.version += 1;
        for path in &request.writes {
            self.versions.record(path, self.version);
        }
        self.versions.compact_if_needed(self.version);
        let mut signals: Vec<SignalRef> = Vec::new();
        for (write, path) in request.writes.iter().enumerate() {
            let Some(topic) = Zone::signal_topic(path) else { continue };
            let depth = topic.segments.len() + 1;
            let topic = topic.to_string();
            if !signals.iter().any(|s| s.topic == topic) {
                signals.push(SignalRef { topic, write, depth });
            }
        }
        if let TxKind::Process(name) = &request.kind {
            self.auditor.succeeded(name, finding.is_none());
            self.audit.push(AuditRecord {
                process: name.clone(),
                outcome: Outcome::Success,
                level: finding.as_ref().map(|f| f.level),
                rule: finding.as_ref().map(|f| f.rule.clone()),
                message: finding.map(|f| f.message).unwrap_or_default(),
                version: self.version,
                duration_ms: request.duration_ms,
                attempts: request.conflicts + 1,
            });
        }
        let promoted = request.ticket.map(|t| self.priority.release(t)).unwrap_or_default();
        Ok(Verdict::Committed { version: self.version, signals, promoted })
    }

    /// Audits a failed execution and releases its ticket; returns the tickets
    /// promoted by that release.
    pub fn fail(&mut self, report: &FailureReport) -> Vec<TicketId> {
        if report.process_threw {
            self.auditor.failed(&report.process);
        }
        self.audit.push(AuditRecord {
            process: report.process.clone(),
            outcome: Outcome::Failure,
            level: report.finding.as_ref().map(|f| f.level),
            rule: report.finding.as_ref().map(|f| f.rule.clone()).filter(|r| !r.is_empty()),
            message: report.message.clone(),
            version: self.version,
            duration_ms: report.duration_ms,
            attempts: report.attempts,
        });
        report.ticket.map(|t| self.priority.release(t)).unwrap_or_default()
    }

    fn check_permissions(&self, request: &CommitRequest) -> Result<(), EngineError> {
        let TxKind::Process(name) = &request.kind else { return Ok(()) };
        let contract = self.registry.get(name).ok_or_else(|| {
            EngineError::new(ErrorKind::ProcessNotFound, format!("process '{name}' is not registered")).for_process(name)
        })?;
        for path in &request.writes {
            let shown = path.to_string();
            if contract.semantic == Semantic::Pure {
                return Err(EngineError::new(
                    ErrorKind::ContractViolation,
                    format!("process '{name}' is pure but wrote '{shown}'; a pure process only reads"),
                )
                .for_process(name)
                .at_path(&shown));
            }
            let allowed = contract.outputs.iter().any(|&o| path.is_within(self.paths.path(o)));
            if self.options.strict && !allowed {
                let outputs: Vec<String> = contract.outputs.iter().map(|&o| self.paths.path(o).to_string()).collect();
                return Err(EngineError::new(
                    ErrorKind::ContractViolation,
                    format!("process '{name}' wrote '{shown}', which is not within its outputs [{}]", outputs.join(", ")),
                )
                .for_process(name)
                .at_path(&shown));
            }
        }
        Ok(())
    }

    /// The paths whose values the transaction's decisions rest on; validated
    /// at commit under serializable isolation only.
    fn read_set(&self, kind: &TxKind) -> Vec<Path> {
        if !self.options.serializable {
            return Vec::new();
        }
        match kind {
            TxKind::Process(name) if self.options.strict => match self.registry.get(name) {
                Some(c) => c.inputs.iter().chain(c.outputs.iter()).map(|&id| self.paths.path(id).clone()).collect(),
                None => Vec::new(),
            },
            // Without a contract a transaction may have read anything.
            TxKind::Process(_) | TxKind::Edit => Layer::ALL.into_iter().map(Path::layer_root).collect(),
            TxKind::Cas { .. } => Vec::new(),
        }
    }

    fn first_conflict(&self, request: &CommitRequest, touched: &[Path]) -> Option<(Option<Path>, u64)> {
        if self.options.strict_cas {
            return (self.version > request.snapshot).then_some((None, self.version));
        }
        touched
            .iter()
            .find_map(|path| self.versions.changed_since(path, request.snapshot).map(|v| (Some(path.clone()), v)))
    }

    fn conflict(&mut self, request: &CommitRequest, path: Option<Path>, version: u64) -> Verdict {
        let label = request.kind.label();
        let shown = path.as_ref().map(|p| p.to_string());
        let what = match &shown {
            Some(p) => format!("'{p}' was changed at version {version}"),
            None => format!("the engine moved on to version {version} (strictCas)"),
        };
        let conflicts = request.conflicts + 1;
        let give_up = |message: String, engine: &mut Engine| {
            let promoted = match (&request.kind, request.ticket) {
                (TxKind::Process(name), ticket) => engine.fail(&FailureReport {
                    process: name.clone(),
                    message: message.clone(),
                    duration_ms: request.duration_ms,
                    attempts: conflicts,
                    ticket,
                    process_threw: false,
                    finding: engine.held_finding(request.finding),
                }),
                (_, Some(ticket)) => engine.priority.release(ticket),
                _ => Vec::new(),
            };
            Verdict::GaveUp { message, path: shown.clone(), promoted }
        };
        if let TxKind::Cas { .. } = request.kind {
            return give_up(format!("{label}: expected version {} is stale: {what}", request.snapshot), self);
        }
        if conflicts > self.options.max_retries {
            return give_up(
                format!(
                    "{label} gave up after {conflicts} conflicts: {what}, after its snapshot at version {}; raise maxRetries or reduce contention on that path",
                    request.snapshot
                ),
                self,
            );
        }
        let ticket = request.ticket.or_else(|| {
            (conflicts >= self.options.priority_after).then(|| {
                // Under strictCas any commit conflicts, so the holder must hold everything.
                if self.options.strict_cas {
                    return self.priority.take(Layer::ALL.into_iter().map(Path::layer_root).collect());
                }
                let mut paths = request.writes.clone();
                if let TxKind::Process(name) = &request.kind {
                    if let Some(c) = self.registry.get(name) {
                        paths.extend(c.inputs.iter().chain(c.outputs.iter()).map(|&id| self.paths.path(id).clone()));
                    }
                }
                self.priority.take(paths)
            })
        });
        Verdict::Conflict { path: shown, version, retry_in_ms: self.backoff.delay_ms(conflicts - 1), ticket }
    }
}

/// The more severe of two findings.
fn worst(a: Option<Finding>, b: Option<Finding>) -> Option<Finding> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.level > a.level { b } else { a }),
        (a, b) => a.or(b),
    }
}

impl Engine {
    /// Checks a process's input rules before it runs. `values` are the args
    /// at each rule's field. A finding that does not stop the execution is
    /// held; its token (0: nothing found) goes with the commit or failure.
    pub fn audit_inputs(&mut self, process: &str, values: &[Value]) -> Result<u32, EngineError> {
        if let Some(why) = self.auditor.stopped() {
            return Err(EngineError::new(ErrorKind::AuditStop, format!("process '{process}' refused: the engine is stopped ({why})")).for_process(process));
        }
        match self.auditor.check(process, Stage::Inputs, values) {
            Decision::Pass(finding) => Ok(finding.map_or(0, |f| self.hold_finding(f))),
            Decision::Fail(finding) => {
                self.fail(&FailureReport {
                    process: process.to_string(),
                    message: finding.message.clone(),
                    duration_ms: 0.0,
                    attempts: 0,
                    ticket: None,
                    process_threw: false,
                    finding: Some(finding.clone()),
                });
                let kind = match finding.level {
                    Level::S => ErrorKind::AuditStop,
                    Level::A => ErrorKind::AuditAbort,
                    _ => ErrorKind::AuditBlock,
                };
                Err(EngineError::new(kind, format!("process '{process}' input {}", finding.message)).for_process(process).at_path(&finding.rule))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::ContractSpec;
    use crate::engine::EngineOptions;

    fn p(text: &str) -> Path {
        Path::parse(text).unwrap()
    }

    fn engine(options: EngineOptions) -> Engine {
        let keys: Vec<String> = ["global_ctx", "domain_ctx"].iter().map(|s| s.to_string()).collect();
        let mut e = Engine::new(EngineOptions { backoff: crate::backoff::BackoffPolicy { base_ms: 1.0, max_ms: 8.0 }, ..options }, &keys).unwrap();
        let spec = |name: &str, inputs: &[&str], outputs: &[&str]| ContractSpec {
            name: name.into(),
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            outputs: outputs.iter().map(|s| s.to_string()).collect(),
            ..ContractSpec::default()
        };
        let mut pure = spec("pure_reader", &["domain.items"], &[]);
        pure.semantic = Semantic::Pure;
        e.register(&[
            spec("add", &["domain.items"], &["domain.items", "domain.total", "domain.sig_restock"]),
            spec("count", &[], &["domain.counter"]),
            spec("skew_a", &["domain.a", "domain.b"], &["domain.a"]),
            spec("skew_b", &["domain.a", "domain.b"], &["domain.b"]),
            pure,
        ])
        .unwrap();
        e
    }

    fn run(process: &str, snapshot: u64, writes: &[&str]) -> CommitRequest {
        CommitRequest {
            kind: TxKind::Process(process.into()),
            snapshot,
            writes: writes.iter().map(|w| p(w)).collect(),
            conflicts: 0,
            ticket: None,
            duration_ms: 1.5,
            audit_values: Vec::new(),
            finding: 0,
        }
    }

    fn committed(v: Verdict) -> u64 {
        match v {
            Verdict::Committed { version, .. } => version,
            other => panic!("expected a commit, got {other:?}"),
        }
    }

    #[test]
    fn each_commit_adds_one_version_and_names_its_signals() {
        let mut e = engine(EngineOptions::default());
        let v = e.commit(&run("add", 0, &["domain.items[0]", "domain.sig_restock", "domain.sig_restock"])).unwrap();
        let signal = SignalRef { topic: "domain_ctx.sig_restock".into(), write: 1, depth: 2 };
        assert_eq!(v, Verdict::Committed { version: 1, signals: vec![signal], promoted: vec![] });
        assert_eq!(committed(e.commit(&run("add", 1, &[])).unwrap()), 2);
        assert_eq!(e.version(), 2);
        let records: Vec<_> = e.audit_records().collect();
        assert_eq!((records.len(), records[0].outcome, records[0].version, records[0].duration_ms), (2, Outcome::Success, 1, 1.5));
    }

    #[test]
    fn overlapping_writes_after_the_snapshot_conflict_disjoint_ones_do_not() {
        let mut e = engine(EngineOptions::default());
        committed(e.commit(&run("add", 0, &["domain.items[3].price"])).unwrap());
        match e.commit(&run("add", 0, &["domain.items"])).unwrap() {
            Verdict::Conflict { path, version, retry_in_ms, ticket } => {
                assert_eq!((path.as_deref(), version, ticket), (Some("domain_ctx.items"), 1, None));
                assert!((0.5..=1.0).contains(&retry_in_ms));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(committed(e.commit(&run("add", 0, &["domain.total"])).unwrap()), 2);
        assert_eq!(e.version(), 2);
    }

    #[test]
    fn strict_cas_makes_any_later_commit_a_conflict() {
        let mut e = engine(EngineOptions { strict_cas: true, ..EngineOptions::default() });
        committed(e.commit(&run("add", 0, &["domain.items"])).unwrap());
        assert!(matches!(e.commit(&run("count", 0, &["domain.counter"])).unwrap(), Verdict::Conflict { path: None, version: 1, .. }));
        committed(e.commit(&run("count", 1, &["domain.counter"])).unwrap());
    }

    #[test]
    fn serializable_validates_reads_and_prevents_write_skew() {
        for (serializable, expect_conflict) in [(false, false), (true, true)] {
            let mut e = engine(EngineOptions { serializable, ..EngineOptions::default() });
            committed(e.commit(&run("skew_a", 0, &["domain.a"])).unwrap());
            let second = e.commit(&run("skew_b", 0, &["domain.b"])).unwrap();
            assert_eq!(matches!(second, Verdict::Conflict { .. }), expect_conflict, "serializable {serializable}: {second:?}");
        }
    }

    #[test]
    fn writes_outside_the_outputs_are_violations_in_strict_mode_only() {
        let mut e = engine(EngineOptions::default());
        let err = e.commit(&run("count", 0, &["domain.total"])).unwrap_err();
        assert_eq!(err.kind, ErrorKind::ContractViolation);
        assert_eq!(err.message, "process 'count' wrote 'domain_ctx.total', which is not within its outputs [domain_ctx.counter]");
        assert_eq!(e.version(), 0);
        let mut lax = engine(EngineOptions { strict: false, ..EngineOptions::default() });
        committed(lax.commit(&run("count", 0, &["domain.total"])).unwrap());
    }

    #[test]
    fn pure_processes_may_not_write_in_any_mode() {
        let mut lax = engine(EngineOptions { strict: false, ..EngineOptions::default() });
        let err = lax.commit(&run("pure_reader", 0, &["domain.items[0]"])).unwrap_err();
        assert!(err.message.contains("is pure but wrote 'domain_ctx.items[0]'"), "{}", err.message);
    }

    #[test]
    fn unknown_processes_and_future_snapshots_are_refused() {
        let mut e = engine(EngineOptions::default());
        assert_eq!(e.commit(&run("nope", 0, &[])).unwrap_err().kind, ErrorKind::ProcessNotFound);
        let err = e.commit(&run("add", 3, &[])).unwrap_err();
        assert_eq!(err.message, "process 'add': snapshot version 3 is ahead of the engine's version 0");
    }

    #[test]
    fn gives_up_after_max_retries_and_audits_the_failure() {
        let mut e = engine(EngineOptions { max_retries: 2, priority_after: 100, ..EngineOptions::default() });
        committed(e.commit(&run("count", 0, &["domain.counter"])).unwrap());
        let mut request = run("count", 0, &["domain.counter"]);
        for conflicts in 0..2 {
            request.conflicts = conflicts;
            assert!(matches!(e.commit(&request).unwrap(), Verdict::Conflict { .. }));
        }
        request.conflicts = 2;
        match e.commit(&request).unwrap() {
            Verdict::GaveUp { message, path, .. } => {
                assert_eq!(path.as_deref(), Some("domain_ctx.counter"));
                assert!(message.starts_with("process 'count' gave up after 3 conflicts: 'domain_ctx.counter' was changed at version 1, after its snapshot at version 0"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let last = e.audit_records().last().unwrap();
        assert_eq!((last.outcome, last.attempts, last.version), (Outcome::Failure, 3, 1));
    }

    #[test]
    fn a_starving_process_gets_priority_and_others_wait_for_it() {
        let mut e = engine(EngineOptions { priority_after: 2, ..EngineOptions::default() });
        committed(e.commit(&run("count", 0, &["domain.counter"])).unwrap());
        let mut starving = run("count", 0, &["domain.counter"]);
        assert!(matches!(e.commit(&starving).unwrap(), Verdict::Conflict { ticket: None, .. }));
        starving.conflicts = 1;
        let Verdict::Conflict { ticket: Some(ticket), .. } = e.commit(&starving).unwrap() else { panic!("no ticket") };

        // Everyone else touching the counter waits, on every commit path.
        assert_eq!(e.commit(&run("count", 1, &["domain.counter"])).unwrap(), Verdict::Wait { ticket: None });
        let cas = CommitRequest { kind: TxKind::Cas { requester: None }, ..run("count", 1, &["domain.counter"]) };
        assert_eq!(e.commit(&cas).unwrap(), Verdict::Wait { ticket: None });
        let edit = CommitRequest { kind: TxKind::Edit, ..run("count", 1, &["domain"]) };
        assert_eq!(e.commit(&edit).unwrap(), Verdict::Wait { ticket: None });
        // ...but not those elsewhere.
        committed(e.commit(&run("add", 1, &["domain.total"])).unwrap());

        let holder = CommitRequest { snapshot: 2, conflicts: 2, ticket: Some(ticket), ..run("count", 2, &["domain.counter"]) };
        assert_eq!(committed(e.commit(&holder).unwrap()), 3);
        assert!(!e.priority.holds(ticket));
        committed(e.commit(&run("count", 3, &["domain.counter"])).unwrap());
    }

    #[test]
    fn a_stale_compare_and_swap_gives_up_at_once() {
        let mut e = engine(EngineOptions::default());
        committed(e.commit(&run("count", 0, &["domain.counter"])).unwrap());
        let cas = CommitRequest { kind: TxKind::Cas { requester: Some("ui".into()) }, ..run("count", 0, &["domain.counter"]) };
        match e.commit(&cas).unwrap() {
            Verdict::GaveUp { message, .. } => assert_eq!(
                message,
                "compareAndSwap by 'ui': expected version 0 is stale: 'domain_ctx.counter' was changed at version 1"
            ),
            other => panic!("{other:?}"),
        }
        let fresh = CommitRequest { snapshot: 1, ..cas };
        assert_eq!(committed(e.commit(&fresh).unwrap()), 2);
        // Not a process: no audit record.
        assert_eq!(e.audit_records().count(), 1);
    }

    #[test]
    fn failures_are_audited_and_release_their_ticket() {
        let mut e = engine(EngineOptions::default());
        let ticket = e.priority.take(vec![p("domain.counter")]);
        let promoted = e.fail(&FailureReport {
            process: "count".into(),
            message: "boom".into(),
            duration_ms: 2.0,
            attempts: 1,
            ticket: Some(ticket),
            process_threw: true,
            finding: None,
        });
        assert!(promoted.is_empty() && !e.priority.holds(ticket));
        let record = e.audit_records().last().unwrap();
        assert_eq!((record.outcome, record.message.as_str(), record.version), (Outcome::Failure, "boom", 0));
    }

    #[test]
    fn written_paths_are_read_from_wire_text() {
        let writes = CommitRequest::parse_writes(&TxKind::Edit, "domain_ctx\u{1f}items\u{1f}2\u{1e}global_ctx").unwrap();
        assert_eq!(writes, vec![p("domain.items[2]"), p("global")]);
        let err = CommitRequest::parse_writes(&TxKind::Edit, "domain_ctx\u{1f}__proto__\u{1f}x").unwrap_err();
        assert_eq!(err.kind, ErrorKind::ContractViolation);
        assert!(err.message.starts_with("edit() wrote path ['domain_ctx', '__proto__', 'x'] (at key 2): segment '__proto__' is forbidden"), "{}", err.message);
        let err = CommitRequest::parse_writes(&TxKind::Process("p".into()), "cache\u{1f}x").unwrap_err();
        assert!(err.message.starts_with("process 'p' wrote path ['cache', 'x'] (at key 1): 'cache' is not a layer"), "{}", err.message);
    }
}
