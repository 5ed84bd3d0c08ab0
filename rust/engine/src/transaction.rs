//! A transaction is an object of the engine: begun (its input rules
//! checked), committed once or retried after conflicts, or aborted. The
//! engine owns everything that lasts across its attempts (when it started,
//! how many conflicts it had, its priority ticket, what its input rules
//! found), so the host sends only facts about the current attempt: the paths
//! it wrote and the values its output rules read.

use crate::audit::{AuditRecord, Decision, Finding, Outcome, Stage};
use crate::audit_recipe::Level;
use crate::engine::Engine;
use crate::error::{EngineError, ErrorKind};
use crate::event::Event;
use crate::priority::TicketId;
use crate::value::Value;

pub type TxId = u32;

/// What kind of transaction it is.
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
    pub fn label(&self) -> String {
        match self {
            TxKind::Process(name) => format!("process '{name}'"),
            TxKind::Edit => "edit()".to_string(),
            TxKind::Cas { requester: Some(r) } => format!("compareAndSwap by '{r}'"),
            TxKind::Cas { requester: None } => "compareAndSwap".to_string(),
        }
    }

    pub fn process(&self) -> Option<&str> {
        match self {
            TxKind::Process(name) => Some(name),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Transaction {
    pub kind: TxKind,
    /// On the host's clock, in milliseconds.
    pub started_ms: f64,
    pub conflicts: u32,
    pub ticket: Option<TicketId>,
    /// What the input rules found without refusing the execution.
    pub finding: Option<Finding>,
}

/// How a request names its transaction: one begun earlier, or one that
/// begins with this request. Beginning with the first commit saves a call
/// for every transaction that has nothing to check before it runs (no input
/// rules); `elapsed_ms` says how long ago it started.
#[derive(Clone, Debug, PartialEq)]
pub enum TxRef {
    Open(TxId),
    Begin { kind: TxKind, elapsed_ms: f64 },
}

/// The answer to `begin`.
#[derive(Clone, Debug, PartialEq)]
pub enum Began {
    Started { tx: TxId },
    Refused { error: EngineError },
}

impl Engine {
    /// Begins a transaction. A process must be registered, the engine must
    /// not be stopped, and its input rules (`input_values`: the args at each
    /// rule's field) must pass; a refusal is audited and nothing runs.
    pub fn begin(&mut self, kind: TxKind, input_values: &[Value], now_ms: f64) -> Began {
        if let Err(error) = self.admit(&kind) {
            return Began::Refused { error };
        }
        let mut finding = None;
        if let TxKind::Process(name) = &kind {
            match self.audit_check(name, Stage::Inputs, input_values) {
                Decision::Pass(found) => finding = found,
                Decision::Fail(failed) => {
                    let error = audit_refusal(
                        &failed,
                        format!("process '{name}' input {}", failed.message),
                    )
                    .for_process(name);
                    let logged = failed.message.clone();
                    let tx = Transaction {
                        kind: kind.clone(),
                        started_ms: now_ms,
                        conflicts: 0,
                        ticket: None,
                        finding: Some(failed),
                    };
                    self.end_failed(tx, &logged, false, now_ms);
                    return Began::Refused { error };
                }
            }
        }
        Began::Started {
            tx: self.open(Transaction {
                kind,
                started_ms: now_ms,
                conflicts: 0,
                ticket: None,
                finding,
            }),
        }
    }

    /// What any transaction must pass to begin: a registered process, and
    /// an engine that is not stopped.
    pub(crate) fn admit(&self, kind: &TxKind) -> Result<(), EngineError> {
        let TxKind::Process(name) = kind else {
            return Ok(());
        };
        if self.registry.get(name).is_none() {
            return Err(EngineError::new(
                ErrorKind::ProcessNotFound,
                format!("process '{name}' is not registered"),
            )
            .for_process(name));
        }
        if let Some(why) = self.auditor.stopped() {
            return Err(EngineError::new(ErrorKind::AuditStop, format!("process '{name}' refused: the engine is stopped ({why}); call engine.audit.reset()")).for_process(name));
        }
        Ok(())
    }

    /// Ends a transaction whose body failed: the process's own error
    /// (`threw`, which counts toward its audit threshold) or an engine error
    /// the host met. Audited for processes; its priority ticket is released.
    pub fn abort(
        &mut self,
        tx: TxRef,
        message: &str,
        threw: bool,
        now_ms: f64,
    ) -> Result<(), EngineError> {
        let tx = match tx {
            TxRef::Open(id) => self.take_open(id)?,
            TxRef::Begin { kind, elapsed_ms } => Transaction {
                kind,
                started_ms: now_ms - elapsed_ms,
                conflicts: 0,
                ticket: None,
                finding: None,
            },
        };
        self.end_failed(tx, message, threw, now_ms);
        Ok(())
    }

    pub(crate) fn open(&mut self, tx: Transaction) -> TxId {
        loop {
            self.next_tx = self.next_tx.wrapping_add(1).max(1);
            if !self.transactions.contains_key(&self.next_tx) {
                break;
            }
        }
        self.transactions.insert(self.next_tx, tx);
        self.next_tx
    }

    pub(crate) fn take_open(&mut self, id: TxId) -> Result<Transaction, EngineError> {
        self.transactions.remove(&id).ok_or_else(|| {
            EngineError::new(
                ErrorKind::InvalidArgument,
                format!("transaction {id} is not open (it was committed, refused or aborted)"),
            )
        })
    }

    /// Number of transactions begun and not yet ended.
    pub fn open_transactions(&self) -> usize {
        self.transactions.len()
    }

    /// Records a failed transaction: an audit record for a process, and the
    /// release of its ticket.
    pub(crate) fn end_failed(&mut self, tx: Transaction, message: &str, threw: bool, now_ms: f64) {
        if let TxKind::Process(name) = &tx.kind {
            if threw {
                self.auditor.failed(name);
            }
            let finding = tx.finding.as_ref();
            self.record(AuditRecord {
                process: name.clone(),
                outcome: Outcome::Failure,
                level: finding.map(|f| f.level),
                rule: finding.map(|f| f.rule.clone()).filter(|r| !r.is_empty()),
                message: message.to_string(),
                version: self.version,
                duration_ms: now_ms - tx.started_ms,
                attempts: tx.conflicts + 1,
            });
        }
        self.release(tx.ticket);
    }

    /// Applies a process's rules to one stage; a level S finding stops the
    /// engine, and says so.
    pub(crate) fn audit_check(
        &mut self,
        process: &str,
        stage: Stage,
        values: &[Value],
    ) -> Decision {
        let was_stopped = self.auditor.stopped().is_some();
        let decision = self.auditor.check(process, stage, values);
        if let (false, Some(reason)) = (was_stopped, self.auditor.stopped()) {
            let reason = reason.to_string();
            self.events.push(Event::Stopped { reason });
        }
        decision
    }

    /// Keeps an audit record, and queues it for listeners.
    pub(crate) fn record(&mut self, record: AuditRecord) {
        if self.events.audit {
            let counter = self.auditor.counter(&record.process);
            self.events.push(Event::Audit {
                record: record.clone(),
                counter,
            });
        }
        self.audit.push(record);
    }

    /// Releases a priority ticket, if one is held, and says so.
    pub(crate) fn release(&mut self, ticket: Option<TicketId>) {
        if let Some(ticket) = ticket {
            let promoted = self.priority.release(ticket);
            self.events.push(Event::Released { ticket, promoted });
        }
    }
}

/// The error of a failed audit finding, by its level.
pub(crate) fn audit_refusal(finding: &Finding, message: String) -> EngineError {
    let kind = match finding.level {
        Level::S => ErrorKind::AuditStop,
        Level::A => ErrorKind::AuditAbort,
        Level::B | Level::C => ErrorKind::AuditBlock,
    };
    EngineError::new(kind, message).at_path(&finding.rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit_recipe::Recipe;
    use crate::commit::{CommitRequest, Verdict};
    use crate::contract::ContractSpec;
    use crate::engine::EngineOptions;
    use crate::written::Written;

    /// An engine with process `p` (writes domain.n) audited by `rule` on its input `price`.
    fn audited(level: &str) -> Engine {
        let text = format!(
            r#"{{"process_recipes": {{"p": {{"inputs": [{{"field": "price", "min": 0, "level": "{level}"}}], "threshold_max": 2}}}}}}"#
        );
        let recipe: Value = serde_json::from_str(&text).unwrap();
        let mut e = Engine::with_recipe(
            EngineOptions::default(),
            &["domain_ctx".to_string()],
            Recipe::from_value(&recipe).unwrap(),
        )
        .unwrap();
        e.register(&[ContractSpec {
            name: "p".into(),
            outputs: vec!["domain.n".into()],
            ..ContractSpec::default()
        }])
        .unwrap();
        e
    }

    fn process() -> TxKind {
        TxKind::Process("p".into())
    }

    fn commit(e: &mut Engine, tx: TxRef) -> Verdict {
        e.commit(&CommitRequest {
            tx,
            snapshot: e.version(),
            writes: vec![Written::replace(&["domain_ctx", "n"])],
            audit_values: vec![],
            now_ms: 9.0,
        })
    }

    #[test]
    fn input_rules_refuse_before_the_process_runs_and_are_audited() {
        let mut e = audited("A");
        let Began::Refused { error } = e.begin(process(), &[Value::Number(-1.0)], 1.0) else {
            panic!("not refused")
        };
        assert_eq!(
            (error.kind, error.path.as_deref()),
            (ErrorKind::AuditAbort, Some("price"))
        );
        assert_eq!(
            error.message,
            "process 'p' input level A: price = -1 is below min 0"
        );
        let record = e.audit_records().last().unwrap();
        assert_eq!(
            (record.outcome, record.message.as_str()),
            (Outcome::Failure, "level A: price = -1 is below min 0")
        );
        assert_eq!(e.open_transactions(), 0);
    }

    #[test]
    fn a_finding_below_the_threshold_rides_with_the_transaction_to_its_commit() {
        let mut e = audited("B");
        let Began::Started { tx } = e.begin(process(), &[Value::Number(-1.0)], 1.0) else {
            panic!("refused")
        };
        assert!(e.transactions[&tx].finding.is_some());
        assert_eq!(
            commit(&mut e, TxRef::Open(tx)),
            Verdict::Committed { version: 1 }
        );
        let record = e.audit_records().last().unwrap();
        assert_eq!(
            (record.outcome, record.duration_ms, record.level),
            (Outcome::Success, 8.0, Some(Level::B))
        );
    }

    #[test]
    fn level_s_stops_the_engine_says_so_once_and_reset_lifts_it() {
        let mut e = audited("S");
        assert!(matches!(
            e.begin(process(), &[Value::Number(-1.0)], 1.0),
            Began::Refused { .. }
        ));
        let events = e.take_events();
        assert!(
            matches!(events.as_slice(), [Event::Stopped { reason }] if reason.starts_with("process 'p': level S")),
            "{events:?}"
        );
        let Began::Refused { error } = e.begin(process(), &[Value::Number(1.0)], 2.0) else {
            panic!("not refused")
        };
        assert_eq!(error.kind, ErrorKind::AuditStop);
        assert!(e.take_events().is_empty());
        e.audit_reset();
        assert_eq!(e.take_events(), vec![Event::Reset]);
        assert!(matches!(
            e.begin(process(), &[Value::Number(1.0)], 3.0),
            Began::Started { .. }
        ));
    }

    #[test]
    fn a_process_with_input_rules_cannot_begin_with_its_commit() {
        let mut e = audited("B");
        let Verdict::Refused { error } = commit(
            &mut e,
            TxRef::Begin {
                kind: process(),
                elapsed_ms: 1.0,
            },
        ) else {
            panic!("not refused")
        };
        assert_eq!(error.kind, ErrorKind::InvalidArgument);
        assert!(
            error
                .message
                .contains("has input audit rules: begin() must check them"),
            "{}",
            error.message
        );
        assert_eq!(e.version(), 0);
    }

    #[test]
    fn aborting_a_transaction_that_begins_with_the_abort_is_audited() {
        let mut e = audited("B");
        e.abort(
            TxRef::Begin {
                kind: TxKind::Edit,
                elapsed_ms: 1.0,
            },
            "edit failed",
            false,
            5.0,
        )
        .unwrap();
        assert_eq!(e.audit_records().count(), 0);
        e.abort(
            TxRef::Begin {
                kind: process(),
                elapsed_ms: 2.0,
            },
            "boom",
            true,
            5.0,
        )
        .unwrap();
        let record = e.audit_records().last().unwrap();
        assert_eq!(
            (record.outcome, record.message.as_str(), record.duration_ms),
            (Outcome::Failure, "boom", 2.0)
        );
        assert_eq!(e.auditor().counter("p"), 1);
    }

    #[test]
    fn an_engine_resumed_at_a_version_commits_the_next_one_without_false_conflicts() {
        let mut e = Engine::new(
            EngineOptions {
                start_version: 41,
                ..EngineOptions::default()
            },
            &["domain_ctx".to_string()],
        )
        .unwrap();
        assert_eq!(e.version(), 41);
        let edit = || TxRef::Begin {
            kind: TxKind::Edit,
            elapsed_ms: 1.0,
        };
        // A snapshot of the resumed state sees nothing newer.
        assert_eq!(commit(&mut e, edit()), Verdict::Committed { version: 42 });
        // One taken before that commit conflicts with it, as at version 0.
        let stale = e.commit(&CommitRequest {
            tx: edit(),
            snapshot: 41,
            writes: vec![Written::replace(&["domain_ctx", "n"])],
            audit_values: vec![],
            now_ms: 9.0,
        });
        assert!(
            matches!(stale, Verdict::Retry { .. } | Verdict::Refused { .. }),
            "{stale:?}"
        );
        assert_eq!(e.version(), 42);
    }
}
