//! Values from JavaScript as JSON text, written by `ts/value-text.ts`. One
//! string crosses instead of a value converted property by property through
//! the boundary, which also keeps the generated glue small. JSON has no NaN,
//! infinities or -0, and no way to say "this was not plain data", so those
//! travel as strings tagged with a leading U+0000; a string that itself
//! starts with U+0000 gets a second one.

use theus_engine::value::MAX_VALUE_DEPTH;
use theus_engine::Value;

const TAG: char = '\0';

/// Separates the texts of several values in one string (JSON text never
/// holds the character raw: JSON.stringify escapes it).
pub const RECORD_END: char = '\u{1e}';

/// Parses one value's text. The error is the message alone, for the caller
/// to say what the value was.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut value: Value = serde_json::from_str(text).map_err(|e| message(&e))?;
    untag(&mut value)?;
    Ok(value)
}

/// A value that must be an array, item by item.
pub fn parse_items(text: &str) -> Result<Vec<Value>, String> {
    match parse(text)? {
        Value::Array(items) => Ok(items),
        other => Err(format!("expected an array, got {}", other.kind())),
    }
}

/// serde_json's message without its " at line 1 column 9": the text is
/// generated, so the place in it means nothing to the user.
fn message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) if error.line() > 0 => text[..at].to_string(),
        _ => text,
    }
}

fn untag(value: &mut Value) -> Result<(), String> {
    match value {
        Value::String(s) if s.starts_with(TAG) => {
            *value = tagged(&s[TAG.len_utf8()..])?;
            Ok(())
        }
        Value::Array(items) => items.iter_mut().try_for_each(untag),
        Value::Object(fields) => fields.values_mut().try_for_each(untag),
        _ => Ok(()),
    }
}

fn tagged(tag: &str) -> Result<Value, String> {
    Ok(Value::Number(match tag {
        "NaN" => f64::NAN,
        "Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        "-0" => -0.0,
        "deep" => {
            return Err(format!(
                "nested more than {MAX_VALUE_DEPTH} levels deep (or cyclic)"
            ))
        }
        _ if tag.starts_with(TAG) => return Ok(Value::String(tag.to_string())),
        other => return Err(other.to_string()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_json_cannot_hold_cross_tagged() {
        let Value::Array(items) =
            parse(r#"["\u0000NaN","\u0000Infinity","\u0000-Infinity","\u0000-0",1.5]"#).unwrap()
        else {
            panic!("an array")
        };
        assert!(matches!(items[0], Value::Number(n) if n.is_nan()));
        assert_eq!(items[1], Value::Number(f64::INFINITY));
        assert_eq!(items[2], Value::Number(f64::NEG_INFINITY));
        assert!(matches!(items[3], Value::Number(n) if n == 0.0 && n.is_sign_negative()));
        assert_eq!(items[4], Value::Number(1.5));
    }

    #[test]
    fn a_string_starting_with_the_tag_keeps_one() {
        let Value::Object(fields) = parse(r#"{"a":"\u0000\u0000NaN"}"#).unwrap() else {
            panic!("an object")
        };
        assert_eq!(fields["a"], Value::String("\0NaN".into()));
    }

    #[test]
    fn what_could_not_cross_is_an_error_with_its_reason() {
        assert_eq!(
            parse(r#"{"a":["\u0000deep"]}"#).unwrap_err(),
            format!("nested more than {MAX_VALUE_DEPTH} levels deep (or cyclic)")
        );
        assert_eq!(
            parse(r#"[1,"\u0000not plain data: a function"]"#).unwrap_err(),
            "not plain data: a function"
        );
    }

    #[test]
    fn errors_name_no_place_in_the_generated_text() {
        let deep = format!("{}1{}", "[".repeat(101), "]".repeat(101));
        assert_eq!(
            parse(&deep).unwrap_err(),
            format!("nested more than {MAX_VALUE_DEPTH} levels deep (or cyclic)")
        );
        assert_eq!(
            parse_items("{}").unwrap_err(),
            "expected an array, got an object"
        );
    }
}
