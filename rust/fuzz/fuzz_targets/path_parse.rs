//! Any text as a context path: parsed or refused with an error, never a
//! panic; a parsed path prints back to text that parses to the same path.
#![no_main]
use libfuzzer_sys::fuzz_target;
use theus_engine::path::Path;

fuzz_target!(|text: &str| {
    if let Ok(path) = Path::parse(text) {
        let shown = path.to_string();
        assert_eq!(Path::parse(&shown).expect("a printed path parses"), path, "{text:?} printed as {shown:?}");
    }
});
