//! Any text as a workflow condition: parsed or refused, and a parsed one
//! evaluated against arbitrary values without a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use theus_engine::condition::{Condition, Datum};

fuzz_target!(|input: (&str, Vec<f64>)| {
    let (text, numbers) = input;
    if let Ok(condition) = Condition::parse(text) {
        let values: Vec<Datum> = (0..condition.needs.len()).map(|i| numbers.get(i).map_or(Datum::None, |n| Datum::Number(*n))).collect();
        let _ = condition.evaluate(&values);
    }
});
