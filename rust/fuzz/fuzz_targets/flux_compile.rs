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
    let needs: Vec<usize> = workflow.needs().map(<[_]>::len).collect();
    let mut answer: Option<(usize, Vec<Datum>)> = None;
    for _ in 0..1000 {
        let given = answer.as_ref().map(|(c, v)| (*c, v.as_slice()));
        match workflow.resume(given) {
            Ok(Action::Done) | Err(_) => return,
            Ok(Action::Process { next, .. }) => answer = next.map(|c| (c, numbers(needs[c]))),
            Ok(Action::Evaluate { condition }) => answer = Some((condition, numbers(needs[condition]))),
        }
    }
});

fn numbers(count: usize) -> Vec<Datum> {
    (0..count).map(|i| Datum::Number(i as f64)).collect()
}
