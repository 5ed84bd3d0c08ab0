//! Any JSON document as an audit recipe: loaded or refused, and a loaded
//! recipe's rules applied to arbitrary values without a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use theus_engine::audit::{Auditor, Stage};
use theus_engine::audit_recipe::Recipe;
use theus_engine::value::Value;

fuzz_target!(|text: &str| {
    let Ok(value) = serde_json::from_str::<Value>(text) else { return };
    if let Ok(recipe) = Recipe::from_value(&value) {
        let names: Vec<String> = recipe.processes.keys().cloned().collect();
        let mut auditor = Auditor::new(recipe);
        for name in names {
            let values = [Value::Number(-1.0), Value::String("x".into()), Value::Null, Value::Number(f64::NAN)];
            let _ = auditor.check(&name, Stage::Inputs, &values);
            let _ = auditor.check(&name, Stage::Outputs, &values);
        }
    }
});
