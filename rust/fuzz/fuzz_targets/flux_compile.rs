//! Any JSON document as a Flux workflow: compiled or refused, and a compiled
//! one driven to its end (or to maxOps) without a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use theus_engine::condition::Datum;
use theus_engine::flux::{Action, Workflow};
use theus_engine::value::Value;

fuzz_target!(|text: &str| {
    let Ok(value) = serde_json::from_str::<Value>(text) else { return };
    let Ok(mut workflow) = Workflow::compile(&value, 200) else { return };
    let mut values: Option<Vec<Datum>> = None;
    for _ in 0..1000 {
        match workflow.resume(values.as_deref()) {
            Ok(Action::Done) | Err(_) => return,
            Ok(Action::Process { .. }) => values = None,
            Ok(Action::Evaluate { needs }) => values = Some(needs.iter().enumerate().map(|(i, _)| Datum::Number(i as f64)).collect()),
        }
    }
});
