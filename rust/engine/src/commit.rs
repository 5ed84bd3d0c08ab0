//! The commit decision: the one call a transaction attempt makes into the
//! engine. It carries the snapshot version and the paths the attempt wrote
//! (never their values, which stay with the host) and gets back a verdict:
//! committed, retry after a backoff, wait for a priority holder, or refused.

use serde::Serialize;

use std::borrow::Cow;

use crate::audit::{AuditRecord, Decision, Finding, Outcome, Stage};
use crate::audit_recipe::Level;
use crate::contract::{keys_view, Semantic};
use crate::engine::Engine;
use crate::error::{EngineError, ErrorKind};
use crate::event::Event;
use crate::layer::Layer;
use crate::path::Path;
use crate::priority::TicketId;
use crate::transaction::{audit_refusal, Transaction, TxId, TxKind, TxRef};
use crate::value::Value;
use crate::written::Written;
use crate::zone::Zone;

#[derive(Clone, Debug)]
pub struct CommitRequest {
    pub tx: TxRef,
    /// The version the attempt's snapshot was taken at.
    pub snapshot: u64,
    /// Every patch the attempt made.
    pub writes: Vec<Written>,
    /// The values at the process's output audit rules, in the state the
    /// transaction would commit (empty when it has none).
    pub audit_values: Vec<Value>,
    /// The host's clock, in milliseconds.
    pub now_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Verdict {
    /// Applied: the transaction is `version`.
    #[serde(rename_all = "camelCase")]
    Committed { version: u64 },
    /// Something overlapping committed after the snapshot (at `version`):
    /// back off for `delay_ms`, then run the body again on a snapshot at
    /// least that new, and commit as transaction `tx`. With `turn`, first
    /// wait until that ticket is promoted (a `released` event names it):
    /// transactions queued on the same paths run again one at a time.
    #[serde(rename_all = "camelCase")]
    Retry {
        #[cfg_attr(feature = "tsify", tsify(type = "number"))]
        tx: TxId,
        path: Option<String>,
        version: u64,
        delay_ms: f64,
        #[cfg_attr(feature = "tsify", tsify(type = "number | null"))]
        turn: Option<TicketId>,
    },
    /// A priority holder overlaps this commit: submit it again, unchanged,
    /// as transaction `tx` once a ticket is released (a `released` event).
    #[serde(rename_all = "camelCase")]
    Wait {
        #[cfg_attr(feature = "tsify", tsify(type = "number"))]
        tx: TxId,
    },
    /// Not committed, and the transaction is over: a contract violation, a
    /// conflict past the retry limit or a stale compareAndSwap, an audit
    /// refusal, a stopped engine, or a bad request.
    #[serde(rename_all = "camelCase")]
    Refused { error: EngineError },
}

impl Engine {
    /// Decides a commit.
    pub fn commit(&mut self, request: &CommitRequest) -> Verdict {
        let (id, tx) = match &request.tx {
            TxRef::Open(id) => match self.take_open(*id) {
                Ok(tx) => (Some(*id), tx),
                Err(error) => return Verdict::Refused { error },
            },
            TxRef::Begin { kind, elapsed_ms } => {
                if let Err(error) = self.admit_at_commit(kind) {
                    return Verdict::Refused { error };
                }
                (
                    None,
                    Transaction {
                        kind: kind.clone(),
                        started_ms: request.now_ms - elapsed_ms,
                        conflicts: 0,
                        ticket: None,
                        finding: None,
                    },
                )
            }
        };
        match self.decide(id, tx, request) {
            Ok(verdict) => verdict,
            Err(refusal) => {
                let logged = refusal
                    .logged
                    .unwrap_or_else(|| refusal.error.message.clone());
                self.end_failed(refusal.tx, &logged, false, request.now_ms);
                Verdict::Refused {
                    error: refusal.error,
                }
            }
        }
    }

    /// A transaction that begins with its commit may skip `begin` only if it
    /// had nothing to check before it ran.
    fn admit_at_commit(&self, kind: &TxKind) -> Result<(), EngineError> {
        let TxKind::Process(name) = kind else {
            return Ok(());
        };
        match self.auditor.recipe_of(name) {
            Some(recipe) if !recipe.inputs.is_empty() => Err(EngineError::new(
                ErrorKind::InvalidArgument,
                format!("process '{name}' has input audit rules: begin() must check them before it runs"),
            )
            .for_process(name)),
            _ if self.registry.get(name).is_none() => {
                Err(EngineError::new(ErrorKind::ProcessNotFound, format!("process '{name}' is not registered")).for_process(name))
            }
            _ => Ok(()),
        }
    }

    fn decide(
        &mut self,
        id: Option<TxId>,
        mut tx: Transaction,
        request: &CommitRequest,
    ) -> Result<Verdict, Box<Refusal>> {
        if request.snapshot > self.version {
            let message = format!(
                "{}: snapshot version {} is ahead of the engine's version {}",
                tx.kind.label(),
                request.snapshot,
                self.version
            );
            return Err(Refusal::new(
                tx,
                EngineError::new(ErrorKind::InvalidArgument, message),
            ));
        }
        let writes = match self.written_paths(&tx.kind, &request.writes) {
            Ok(writes) => writes,
            Err(error) => return Err(Refusal::new(tx, error)),
        };
        let read_set = self.read_set(&tx.kind);
        let touched: Cow<[Path]> = if read_set.is_empty() {
            Cow::Borrowed(&writes)
        } else {
            Cow::Owned(writes.iter().cloned().chain(read_set).collect())
        };
        if self.priority.blocker(&touched, tx.ticket).is_some() {
            return Ok(Verdict::Wait {
                tx: self.reopen(id, tx),
            });
        }
        if let Some((path, version)) = self.first_conflict(request.snapshot, &touched) {
            return self.conflict(id, tx, request.snapshot, &writes, path, version);
        }
        // Audited only now that the commit would succeed, so that a retried
        // transaction's violations are counted once.
        let audited = match &tx.kind {
            TxKind::Process(name) => {
                // Worded as at begin when the engine stopped meanwhile.
                let (decision, verb) = match self.auditor.stopped() {
                    Some(why) => (
                        Decision::Fail(Finding {
                            level: Level::S,
                            rule: String::new(),
                            message: format!(
                                "the engine is stopped ({why}); call engine.audit.reset()"
                            ),
                        }),
                        "refused:",
                    ),
                    None => (
                        self.audit_check(name, Stage::Outputs, &request.audit_values),
                        "output",
                    ),
                };
                Some(match decision {
                    Decision::Fail(failed) => {
                        let error = audit_refusal(
                            &failed,
                            format!("process '{name}' {verb} {}", failed.message),
                        )
                        .for_process(name);
                        Err((failed, error))
                    }
                    Decision::Pass(found) => Ok(found),
                })
            }
            _ => None,
        };
        match audited {
            Some(Err((failed, error))) => {
                let logged = Some(failed.message.clone());
                tx.finding = Some(failed);
                return Err(Box::new(Refusal { tx, error, logged }));
            }
            Some(Ok(found)) => tx.finding = worst(tx.finding.take(), found),
            None => {}
        }
        Ok(self.apply(tx, &writes, request.now_ms))
    }

    /// Records a decided commit: a new version, the versions of its paths,
    /// its signals, its audit record.
    fn apply(&mut self, tx: Transaction, writes: &[Path], now_ms: f64) -> Verdict {
        self.version += 1;
        let version = self.version;
        for path in writes {
            self.versions.record(path, version);
        }
        self.versions.compact_if_needed(version);
        let mut topics: Vec<Path> = Vec::new();
        for topic in writes.iter().filter_map(Zone::signal_topic) {
            if !topics.contains(&topic) {
                self.events.push(Event::Signal {
                    topic: topic.to_string(),
                    version,
                    keys: keys_view(&topic),
                });
                topics.push(topic);
            }
        }
        if let TxKind::Process(name) = &tx.kind {
            self.auditor.succeeded(name, tx.finding.is_none());
            let finding = tx.finding.as_ref();
            self.record(AuditRecord {
                process: name.clone(),
                outcome: Outcome::Success,
                level: finding.map(|f| f.level),
                rule: finding.map(|f| f.rule.clone()),
                message: finding.map(|f| f.message.clone()).unwrap_or_default(),
                version,
                duration_ms: now_ms - tx.started_ms,
                attempts: tx.conflicts + 1,
            });
        }
        self.release(tx.ticket);
        Verdict::Committed { version }
    }

    /// Keeps a transaction open under its id, or opens it under a new one.
    fn reopen(&mut self, id: Option<TxId>, tx: Transaction) -> TxId {
        match id {
            Some(id) => {
                self.transactions.insert(id, tx);
                id
            }
            None => self.open(tx),
        }
    }

    /// The paths the patches count as (see `written.rs`), each within the
    /// process's outputs in strict mode; none at all for a pure process.
    fn written_paths(&self, kind: &TxKind, written: &[Written]) -> Result<Vec<Path>, EngineError> {
        let mut paths = Vec::with_capacity(written.len());
        for w in written {
            let path = w.path().map_err(|e| {
                EngineError::new(
                    ErrorKind::ContractViolation,
                    format!("{} wrote {e}", kind.label()),
                )
                .at_path(&e.text)
            })?;
            paths.push(path);
        }
        let TxKind::Process(name) = kind else {
            return Ok(paths);
        };
        let contract = self.registry.get(name).ok_or_else(|| {
            EngineError::new(
                ErrorKind::ProcessNotFound,
                format!("process '{name}' is not registered"),
            )
            .for_process(name)
        })?;
        for path in &paths {
            if contract.semantic == Semantic::Pure {
                let shown = path.to_string();
                return Err(EngineError::new(
                    ErrorKind::ContractViolation,
                    format!(
                        "process '{name}' is pure but wrote '{shown}'; a pure process only reads"
                    ),
                )
                .for_process(name)
                .at_path(&shown));
            }
            let allowed = contract
                .outputs
                .iter()
                .any(|&o| path.is_within(self.paths.path(o)));
            if self.options.strict && !allowed {
                let shown = path.to_string();
                let outputs: Vec<String> = contract
                    .outputs
                    .iter()
                    .map(|&o| self.paths.path(o).to_string())
                    .collect();
                return Err(EngineError::new(
                    ErrorKind::ContractViolation,
                    format!(
                        "process '{name}' wrote '{shown}', which is not within its outputs [{}]",
                        outputs.join(", ")
                    ),
                )
                .for_process(name)
                .at_path(&shown));
            }
        }
        Ok(paths)
    }

    /// The paths whose values the transaction's decisions rest on; validated
    /// at commit under serializable isolation only.
    fn read_set(&self, kind: &TxKind) -> Vec<Path> {
        if !self.options.serializable {
            return Vec::new();
        }
        match kind {
            TxKind::Process(name) if self.options.strict => match self.registry.get(name) {
                Some(c) => c
                    .inputs
                    .iter()
                    .chain(c.outputs.iter())
                    .map(|&id| self.paths.path(id).clone())
                    .collect(),
                None => Vec::new(),
            },
            // Without a contract a transaction may have read anything.
            TxKind::Process(_) | TxKind::Edit => {
                Layer::ALL.into_iter().map(Path::layer_root).collect()
            }
            TxKind::Cas { .. } => Vec::new(),
        }
    }

    fn first_conflict(&self, snapshot: u64, touched: &[Path]) -> Option<(Option<Path>, u64)> {
        if self.options.strict_cas {
            return (self.version > snapshot).then_some((None, self.version));
        }
        touched.iter().find_map(|path| {
            self.versions
                .changed_since(path, snapshot)
                .map(|v| (Some(path.clone()), v))
        })
    }

    fn conflict(
        &mut self,
        id: Option<TxId>,
        mut tx: Transaction,
        snapshot: u64,
        writes: &[Path],
        path: Option<Path>,
        version: u64,
    ) -> Result<Verdict, Box<Refusal>> {
        let label = tx.kind.label();
        let shown = path.as_ref().map(|p| p.to_string());
        let what = match &shown {
            Some(p) => format!("'{p}' was changed at version {version}"),
            None => format!("the engine moved on to version {version} (strictCas)"),
        };
        let conflicts = tx.conflicts + 1;
        let give_up = |message: String| {
            let mut error = EngineError::new(ErrorKind::Conflict, message);
            error.process = tx.kind.process().map(str::to_string);
            error.path = shown.clone();
            error
        };
        if let TxKind::Cas { .. } = tx.kind {
            let error = give_up(format!(
                "{label}: expected version {snapshot} is stale: {what}"
            ));
            return Err(Refusal::new(tx, error));
        }
        if conflicts > self.options.max_retries {
            let error = give_up(format!(
                "{label} gave up after {conflicts} conflicts: {what}, after its snapshot at version {snapshot}; raise maxRetries or reduce contention on that path"
            ));
            return Err(Refusal::new(tx, error));
        }
        tx.conflicts = conflicts;
        // Queued at its first conflict; blocking others after priority_after.
        let blocking = conflicts >= self.options.priority_after;
        let ticket = match tx.ticket {
            Some(ticket) => {
                if blocking {
                    self.priority.block(ticket);
                }
                ticket
            }
            None => self.take_ticket(&tx.kind, writes, blocking),
        };
        tx.ticket = Some(ticket);
        // Behind older tickets on its paths it runs again at its turn, at
        // once; at the head of the queue, after a backoff.
        let turn = self.priority.waits(ticket).then_some(ticket);
        let delay_ms = if turn.is_some() {
            0.0
        } else {
            self.backoff.delay_ms(conflicts - 1)
        };
        Ok(Verdict::Retry {
            tx: self.reopen(id, tx),
            path: shown,
            version,
            delay_ms,
            turn,
        })
    }

    /// A ticket for the paths the transaction writes and, for a process,
    /// every path of its contract.
    fn take_ticket(&mut self, kind: &TxKind, writes: &[Path], blocking: bool) -> TicketId {
        // Under strictCas any commit conflicts, so the holder must hold everything.
        if self.options.strict_cas {
            return self.priority.take(
                Layer::ALL.into_iter().map(Path::layer_root).collect(),
                blocking,
            );
        }
        let mut paths = writes.to_vec();
        if let Some(c) = kind.process().and_then(|name| self.registry.get(name)) {
            paths.extend(
                c.inputs
                    .iter()
                    .chain(c.outputs.iter())
                    .map(|&id| self.paths.path(id).clone()),
            );
        }
        self.priority.take(paths, blocking)
    }
}

/// A transaction that will not commit: its error, and what its audit
/// record says (the error's message unless a rule's finding says it better).
struct Refusal {
    tx: Transaction,
    error: EngineError,
    logged: Option<String>,
}

impl Refusal {
    fn new(tx: Transaction, error: EngineError) -> Box<Refusal> {
        Box::new(Refusal {
            tx,
            error,
            logged: None,
        })
    }
}

/// The more severe of two findings.
fn worst(a: Option<Finding>, b: Option<Finding>) -> Option<Finding> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.level > a.level { b } else { a }),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Outcome;
    use crate::contract::ContractSpec;
    use crate::engine::EngineOptions;
    use crate::transaction::Began;

    fn engine(options: EngineOptions) -> Engine {
        let keys: Vec<String> = ["global_ctx", "domain_ctx"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut e = Engine::new(
            EngineOptions {
                backoff: crate::backoff::BackoffPolicy {
                    base_ms: 1.0,
                    max_ms: 8.0,
                },
                ..options
            },
            &keys,
        )
        .unwrap();
        let spec = |name: &str, inputs: &[&str], outputs: &[&str]| ContractSpec {
            name: name.into(),
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            outputs: outputs.iter().map(|s| s.to_string()).collect(),
            ..ContractSpec::default()
        };
        let mut pure = spec("pure_reader", &["domain.items"], &[]);
        pure.semantic = Semantic::Pure;
        e.register(&[
            spec(
                "add",
                &["domain.items"],
                &["domain.items", "domain.total", "domain.sig_restock"],
            ),
            spec("count", &[], &["domain.counter"]),
            spec("skew_a", &["domain.a", "domain.b"], &["domain.a"]),
            spec("skew_b", &["domain.a", "domain.b"], &["domain.b"]),
            pure,
        ])
        .unwrap();
        e
    }

    /// Keys of a written path from its text: `domain.items[0]` -> domain_ctx, items, 0.
    fn written(text: &str) -> Written {
        let path = Path::parse(text).unwrap();
        let keys: Vec<String> = crate::contract::keys_view(&path)
            .into_iter()
            .map(|k| match k {
                crate::contract::SegmentView::Key(k) => k,
                crate::contract::SegmentView::Index(i) => i.to_string(),
            })
            .collect();
        Written::replace(&keys)
    }

    fn begin(kind: TxKind) -> TxRef {
        TxRef::Begin {
            kind,
            elapsed_ms: 1.5,
        }
    }

    fn request(tx: TxRef, snapshot: u64, writes: &[&str]) -> CommitRequest {
        CommitRequest {
            tx,
            snapshot,
            writes: writes.iter().map(|w| written(w)).collect(),
            audit_values: Vec::new(),
            now_ms: 10.0,
        }
    }

    fn run(process: &str, snapshot: u64, writes: &[&str]) -> CommitRequest {
        request(begin(TxKind::Process(process.into())), snapshot, writes)
    }

    fn committed(v: Verdict) -> u64 {
        match v {
            Verdict::Committed { version } => version,
            other => panic!("expected a commit, got {other:?}"),
        }
    }

    fn refused(v: Verdict) -> EngineError {
        match v {
            Verdict::Refused { error } => error,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn retry(v: Verdict) -> (TxId, f64) {
        match v {
            Verdict::Retry { tx, delay_ms, .. } => (tx, delay_ms),
            other => panic!("expected a retry, got {other:?}"),
        }
    }

    #[test]
    fn each_commit_adds_one_version_and_queues_its_signals() {
        let mut e = engine(EngineOptions::default());
        let v = e.commit(&run(
            "add",
            0,
            &[
                "domain.items[0]",
                "domain.sig_restock",
                "domain.sig_restock",
            ],
        ));
        assert_eq!(v, Verdict::Committed { version: 1 });
        let keys = vec![
            crate::contract::SegmentView::Key("domain_ctx".into()),
            crate::contract::SegmentView::Key("sig_restock".into()),
        ];
        assert_eq!(
            e.take_events(),
            vec![Event::Signal {
                topic: "domain_ctx.sig_restock".into(),
                version: 1,
                keys
            }]
        );
        assert_eq!(committed(e.commit(&run("add", 1, &[]))), 2);
        assert_eq!(e.version(), 2);
        let records: Vec<_> = e.audit_records().collect();
        // Started 1.5 ms before the commit at 10 ms.
        assert_eq!(
            (
                records.len(),
                records[0].outcome,
                records[0].version,
                records[0].duration_ms
            ),
            (2, Outcome::Success, 1, 1.5)
        );
        assert_eq!(e.open_transactions(), 0);
    }

    #[test]
    fn audit_records_are_events_only_while_someone_listens() {
        let mut e = engine(EngineOptions::default());
        committed(e.commit(&run("count", 0, &["domain.counter"])));
        assert!(e.take_events().is_empty());
        e.listen_audit(true);
        committed(e.commit(&run("count", 1, &["domain.counter"])));
        match e.take_events().as_slice() {
            [Event::Audit { record, counter: 0 }] => {
                assert_eq!((record.process.as_str(), record.version), ("count", 2))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn overlapping_writes_after_the_snapshot_retry_disjoint_ones_commit() {
        let mut e = engine(EngineOptions::default());
        committed(e.commit(&run("add", 0, &["domain.items[3].price"])));
        match e.commit(&run("add", 0, &["domain.items"])) {
            Verdict::Retry {
                tx,
                path,
                version,
                delay_ms,
                turn: None,
            } => {
                assert_eq!((path.as_deref(), version), (Some("domain_ctx.items"), 1));
                assert!((0.5..=1.0).contains(&delay_ms));
                // The transaction stays open under its id, with its conflict counted.
                assert_eq!(e.transactions[&tx].conflicts, 1);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(committed(e.commit(&run("add", 0, &["domain.total"]))), 2);
        assert_eq!(e.version(), 2);
    }

    #[test]
    fn strict_cas_makes_any_later_commit_a_conflict() {
        let mut e = engine(EngineOptions {
            strict_cas: true,
            ..EngineOptions::default()
        });
        committed(e.commit(&run("add", 0, &["domain.items"])));
        assert!(matches!(
            e.commit(&run("count", 0, &["domain.counter"])),
            Verdict::Retry {
                path: None,
                version: 1,
                ..
            }
        ));
        committed(e.commit(&run("count", 1, &["domain.counter"])));
    }

    #[test]
    fn serializable_validates_reads_and_prevents_write_skew() {
        for (serializable, expect_conflict) in [(false, false), (true, true)] {
            let mut e = engine(EngineOptions {
                serializable,
                ..EngineOptions::default()
            });
            committed(e.commit(&run("skew_a", 0, &["domain.a"])));
            let second = e.commit(&run("skew_b", 0, &["domain.b"]));
            assert_eq!(
                matches!(second, Verdict::Retry { .. }),
                expect_conflict,
                "serializable {serializable}: {second:?}"
            );
        }
    }

    #[test]
    fn writes_outside_the_outputs_are_refused_in_strict_mode_only_and_audited() {
        let mut e = engine(EngineOptions::default());
        let err = refused(e.commit(&run("count", 0, &["domain.total"])));
        assert_eq!(err.kind, ErrorKind::ContractViolation);
        assert_eq!(err.message, "process 'count' wrote 'domain_ctx.total', which is not within its outputs [domain_ctx.counter]");
        assert_eq!(e.version(), 0);
        let last = e.audit_records().last().unwrap();
        assert_eq!(
            (last.outcome, last.message.as_str()),
            (Outcome::Failure, err.message.as_str())
        );
        let mut lax = engine(EngineOptions {
            strict: false,
            ..EngineOptions::default()
        });
        committed(lax.commit(&run("count", 0, &["domain.total"])));
    }

    #[test]
    fn pure_processes_may_not_write_in_any_mode() {
        let mut lax = engine(EngineOptions {
            strict: false,
            ..EngineOptions::default()
        });
        let err = refused(lax.commit(&run("pure_reader", 0, &["domain.items[0]"])));
        assert!(
            err.message
                .contains("is pure but wrote 'domain_ctx.items[0]'"),
            "{}",
            err.message
        );
    }

    #[test]
    fn unknown_processes_unknown_transactions_and_future_snapshots_are_refused() {
        let mut e = engine(EngineOptions::default());
        assert_eq!(
            refused(e.commit(&run("nope", 0, &[]))).kind,
            ErrorKind::ProcessNotFound
        );
        let err = refused(e.commit(&run("add", 3, &[])));
        assert_eq!(
            err.message,
            "process 'add': snapshot version 3 is ahead of the engine's version 0"
        );
        let err = refused(e.commit(&request(TxRef::Open(99), 0, &[])));
        assert_eq!(err.kind, ErrorKind::InvalidArgument);
        assert!(err.message.starts_with("transaction 99 is not open"));
    }

    #[test]
    fn gives_up_after_max_retries_and_audits_the_failure() {
        let mut e = engine(EngineOptions {
            max_retries: 2,
            priority_after: 100,
            ..EngineOptions::default()
        });
        committed(e.commit(&run("count", 0, &["domain.counter"])));
        let (tx, _) = retry(e.commit(&run("count", 0, &["domain.counter"])));
        let (again, _) = retry(e.commit(&request(TxRef::Open(tx), 0, &["domain.counter"])));
        assert_eq!(again, tx);
        let err = refused(e.commit(&request(TxRef::Open(tx), 0, &["domain.counter"])));
        assert_eq!(
            (err.kind, err.path.as_deref(), err.process.as_deref()),
            (
                ErrorKind::Conflict,
                Some("domain_ctx.counter"),
                Some("count")
            )
        );
        assert!(err.message.starts_with("process 'count' gave up after 3 conflicts: 'domain_ctx.counter' was changed at version 1, after its snapshot at version 0"), "{}", err.message);
        let last = e.audit_records().last().unwrap();
        assert_eq!(
            (last.outcome, last.attempts, last.version),
            (Outcome::Failure, 3, 1)
        );
        assert_eq!(e.open_transactions(), 0);
    }

    #[test]
    fn a_starving_process_gets_priority_and_others_wait_for_it() {
        let mut e = engine(EngineOptions {
            priority_after: 2,
            ..EngineOptions::default()
        });
        committed(e.commit(&run("count", 0, &["domain.counter"])));
        let (starving, _) = retry(e.commit(&run("count", 0, &["domain.counter"])));
        // Queued at the first conflict, but not blocking anyone yet.
        let ticket: TicketId = e.transactions[&starving]
            .ticket
            .expect("a ticket at the first conflict");
        assert_eq!(
            e.priority
                .blocker(&[Path::parse("domain.counter").unwrap()], None),
            None
        );
        retry(e.commit(&request(TxRef::Open(starving), 0, &["domain.counter"])));
        assert_eq!(
            e.priority
                .blocker(&[Path::parse("domain.counter").unwrap()], None),
            Some(ticket)
        );

        // Everyone else touching the counter waits, on every commit path.
        let Verdict::Wait { tx: waiting } = e.commit(&run("count", 1, &["domain.counter"])) else {
            panic!("no wait")
        };
        assert!(matches!(
            e.commit(&request(
                begin(TxKind::Cas { requester: None }),
                1,
                &["domain.counter"]
            )),
            Verdict::Wait { .. }
        ));
        assert!(matches!(
            e.commit(&request(begin(TxKind::Edit), 1, &["domain"])),
            Verdict::Wait { .. }
        ));
        // ...but not those elsewhere.
        committed(e.commit(&run("add", 1, &["domain.total"])));

        e.take_events();
        assert_eq!(
            committed(e.commit(&request(TxRef::Open(starving), 2, &["domain.counter"]))),
            3
        );
        assert!(!e.priority.holds(ticket));
        assert!(e.take_events().contains(&Event::Released {
            ticket,
            promoted: vec![]
        }));
        // The waiting transaction is still open, and now conflicts (the holder wrote the counter).
        assert!(matches!(
            e.commit(&request(TxRef::Open(waiting), 1, &["domain.counter"])),
            Verdict::Retry { .. }
        ));
    }

    #[test]
    fn conflicting_transactions_queue_and_run_again_one_at_a_time() {
        let mut e = engine(EngineOptions::default());
        let first = run("count", 0, &["domain.counter"]);
        committed(e.commit(&first));
        // Three transactions that all read version 0 conflict in turn.
        let verdicts: Vec<Verdict> = (0..3)
            .map(|_| e.commit(&run("count", 0, &["domain.counter"])))
            .collect();
        let turns: Vec<Option<TicketId>> = verdicts
            .iter()
            .map(|v| match v {
                Verdict::Retry { turn, .. } => *turn,
                other => panic!("{other:?}"),
            })
            .collect();
        // The first is at the head of the queue: it runs again after a backoff; the others wait their turn.
        assert!(turns[0].is_none() && turns[1].is_some() && turns[2].is_some());
        let txs: Vec<TxId> = verdicts.iter().map(|v| retry(v.clone()).0).collect();
        e.take_events();
        assert_eq!(
            committed(e.commit(&request(TxRef::Open(txs[0]), 1, &["domain.counter"]))),
            2
        );
        // Its release is the second one's turn, and only the second one's.
        let promoted: Vec<TicketId> = e
            .take_events()
            .into_iter()
            .filter_map(|ev| match ev {
                Event::Released { promoted, .. } => Some(promoted),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(promoted, vec![turns[1].unwrap()]);
        assert_eq!(
            committed(e.commit(&request(TxRef::Open(txs[1]), 2, &["domain.counter"]))),
            3
        );
        assert_eq!(
            committed(e.commit(&request(TxRef::Open(txs[2]), 3, &["domain.counter"]))),
            4
        );
        assert!(e.priority.is_empty());
    }

    #[test]
    fn a_stale_compare_and_swap_is_refused_at_once() {
        let mut e = engine(EngineOptions::default());
        committed(e.commit(&run("count", 0, &["domain.counter"])));
        let cas = || {
            begin(TxKind::Cas {
                requester: Some("ui".into()),
            })
        };
        let err = refused(e.commit(&request(cas(), 0, &["domain.counter"])));
        assert_eq!(err.kind, ErrorKind::Conflict);
        assert_eq!(err.message, "compareAndSwap by 'ui': expected version 0 is stale: 'domain_ctx.counter' was changed at version 1");
        assert_eq!(
            committed(e.commit(&request(cas(), 1, &["domain.counter"]))),
            2
        );
        // Not a process: no audit record.
        assert_eq!(e.audit_records().count(), 1);
    }

    #[test]
    fn aborts_are_audited_and_release_their_ticket() {
        let mut e = engine(EngineOptions {
            priority_after: 1,
            ..EngineOptions::default()
        });
        committed(e.commit(&run("count", 0, &["domain.counter"])));
        let (tx, _) = retry(e.commit(&run("count", 0, &["domain.counter"])));
        let ticket = e.transactions[&tx].ticket.unwrap();
        e.abort(TxRef::Open(tx), "boom", true, 20.0).unwrap();
        assert!(!e.priority.holds(ticket));
        let record = e.audit_records().last().unwrap();
        assert_eq!(
            (
                record.outcome,
                record.message.as_str(),
                record.version,
                record.attempts
            ),
            (Outcome::Failure, "boom", 1, 2)
        );
        assert!(e.abort(TxRef::Open(tx), "again", true, 21.0).is_err());
        e.abort(
            begin(TxKind::Process("count".into())),
            "first try",
            true,
            30.0,
        )
        .unwrap();
        assert_eq!(e.audit_records().last().unwrap().duration_ms, 1.5);
    }

    #[test]
    fn begin_checks_registration_and_opens_a_transaction() {
        let mut e = engine(EngineOptions::default());
        let Began::Started { tx } = e.begin(TxKind::Process("count".into()), &[], 5.0) else {
            panic!()
        };
        assert_eq!(
            committed(e.commit(&request(TxRef::Open(tx), 0, &["domain.counter"]))),
            1
        );
        assert_eq!(e.audit_records().last().unwrap().duration_ms, 5.0);
        let Began::Refused { error } = e.begin(TxKind::Process("nope".into()), &[], 5.0) else {
            panic!()
        };
        assert_eq!(error.kind, ErrorKind::ProcessNotFound);
    }
}
