//! Registered processes by name. Registration is all or nothing: a batch
//! with one bad contract registers none of them.

use rustc_hash::FxHashMap as HashMap;

use crate::contract::{CompiledContract, ContractSpec};
use crate::error::{EngineError, ErrorKind};
use crate::path_table::PathTable;

#[derive(Debug, Default)]
pub struct Registry {
    by_name: HashMap<String, CompiledContract>,
    /// Names by id (id - 1): a commit names its process by id, which crosses
    /// from JavaScript far more cheaply than the name.
    names: Vec<String>,
}

impl Registry {
    pub fn register_all(
        &mut self,
        specs: &[ContractSpec],
        paths: &mut PathTable,
        strict: bool,
    ) -> Result<Vec<&CompiledContract>, EngineError> {
        let mut compiled: Vec<CompiledContract> = Vec::with_capacity(specs.len());
        let mut names: Vec<String> = Vec::with_capacity(specs.len());
        for spec in specs {
            let contract = CompiledContract::compile(spec, paths, strict)?;
            // The same contract again is the same process (a second replica
            // registering it, or a module imported twice).
            let same = self.by_name.get(&contract.name) == Some(&contract);
            let taken = (self.by_name.contains_key(&contract.name) && !same)
                || compiled.iter().any(|c| c.name == contract.name);
            names.push(contract.name.clone());
            if same {
                continue;
            }
            if taken {
                return Err(EngineError::new(
                    ErrorKind::ContractViolation,
                    format!(
                        "a process named '{}' is already registered with another contract; give one of them another name (contract.name)",
                        contract.name
                    ),
                )
                .for_process(&contract.name));
            }
            compiled.push(contract);
        }
        for contract in compiled {
            self.names.push(contract.name.clone());
            self.by_name.insert(contract.name.clone(), contract);
        }
        Ok(names.iter().map(|n| &self.by_name[n]).collect())
    }

    pub fn get(&self, name: &str) -> Option<&CompiledContract> {
        self.by_name.get(name)
    }

    /// The id of a registered process (from 1).
    pub fn id_of(&self, name: &str) -> Option<u32> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| i as u32 + 1)
    }

    /// The name of the process with `id`.
    pub fn name_of(&self, id: u32) -> Option<&str> {
        self.names
            .get((id as usize).checked_sub(1)?)
            .map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, input: &str) -> ContractSpec {
        ContractSpec {
            name: name.into(),
            inputs: vec![input.into()],
            ..ContractSpec::default()
        }
    }

    #[test]
    fn registers_a_batch() {
        let (mut r, mut p) = (Registry::default(), PathTable::new());
        let names: Vec<String> = r
            .register_all(
                &[spec("a", "domain.x"), spec("b", "domain.y")],
                &mut p,
                true,
            )
            .unwrap()
            .iter()
            .map(|c| c.name.clone())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert!(r.get("a").is_some() && r.get("b").is_some());
    }

    #[test]
    fn a_bad_contract_registers_nothing_of_its_batch() {
        let (mut r, mut p) = (Registry::default(), PathTable::new());
        let err = r
            .register_all(
                &[spec("a", "domain.x"), spec("b", "nowhere.y")],
                &mut p,
                true,
            )
            .unwrap_err();
        assert_eq!(err.process.as_deref(), Some("b"));
        assert!(r.is_empty());
    }

    #[test]
    fn duplicate_names_are_refused_within_and_across_batches() {
        let (mut r, mut p) = (Registry::default(), PathTable::new());
        let err = r
            .register_all(
                &[spec("a", "domain.x"), spec("a", "domain.y")],
                &mut p,
                true,
            )
            .unwrap_err();
        assert!(err.message.contains("'a' is already registered"));
        assert!(r.is_empty());

        r.register_all(&[spec("a", "domain.x")], &mut p, true)
            .unwrap();
        let err = r
            .register_all(&[spec("a", "domain.z")], &mut p, true)
            .unwrap_err();
        assert!(err
            .message
            .contains("'a' is already registered with another contract"));
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn the_same_contract_again_is_the_same_process() {
        let (mut r, mut p) = (Registry::default(), PathTable::new());
        r.register_all(&[spec("a", "domain.x")], &mut p, true)
            .unwrap();
        let again = r
            .register_all(
                &[spec("a", "domain.x"), spec("b", "domain.y")],
                &mut p,
                true,
            )
            .unwrap();
        assert_eq!(
            again.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(r.len(), 2);
    }
}
