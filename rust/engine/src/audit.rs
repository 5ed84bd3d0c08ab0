//! The audit log: one record per execution, success or failure, in a ring
//! buffer of bounded size owned by one engine. (Recipes, levels and
//! thresholds build on this.)

use std::collections::VecDeque;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub process: String,
    pub outcome: Outcome,
    /// The audit level that fired, once recipes exist; `None` for now.
    pub level: Option<String>,
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
        AuditLog { records: VecDeque::with_capacity(limit.min(1024)), limit }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: u64) -> AuditRecord {
        AuditRecord { process: format!("p{n}"), outcome: Outcome::Success, level: None, message: String::new(), version: n, duration_ms: 0.0, attempts: 1 }
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
    fn a_zero_limit_keeps_nothing() {
        let mut log = AuditLog::new(0);
        log.push(record(1));
        assert!(log.is_empty());
    }
}
