//! Where in a workflow's step tree something is. A leaf module: errors carry
//! locations and the Flux compiler makes them, so neither owns the other.

use serde::Serialize;

/// One step from the root: a mapping key or a list index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(untagged)]
pub enum LocationKey {
    Key(String),
    Index(usize),
}

/// Keys and indices from the root, e.g. `["steps", 2, "condition"]`. The
/// host maps it to a line and column of the YAML source.
pub type Location = Vec<LocationKey>;

/// `location` one step further down.
pub fn at(location: &Location, key: impl Into<LocationKey>) -> Location {
    let mut next = location.clone();
    next.push(key.into());
    next
}

impl From<&str> for LocationKey {
    fn from(k: &str) -> Self {
        LocationKey::Key(k.to_string())
    }
}

impl From<usize> for LocationKey {
    fn from(i: usize) -> Self {
        LocationKey::Index(i)
    }
}

/// Shown in messages as `steps[2].condition`.
pub fn show_location(location: &Location) -> String {
    let mut out = String::new();
    for key in location {
        match key {
            LocationKey::Key(k) if out.is_empty() => out.push_str(k),
            LocationKey::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            LocationKey::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        "the workflow".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_keys_dotted_and_indices_bracketed() {
        let location = at(&at(&at(&Vec::new(), "steps"), 2), "condition");
        assert_eq!(show_location(&location), "steps[2].condition");
        assert_eq!(show_location(&Vec::new()), "the workflow");
    }
}
