//! The layers of a Theus context and the aliases contracts may use for them.

use serde::Serialize;

/// One layer of the context object. Contracts, patches and signal topics
/// always name a layer by its canonical name (`domain_ctx`), whatever alias
/// the user wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Layer {
    #[serde(rename = "global_ctx")]
    Global,
    #[serde(rename = "domain_ctx")]
    Domain,
    #[serde(rename = "local_ctx")]
    Local,
}

impl Layer {
    pub const ALL: [Layer; 3] = [Layer::Global, Layer::Domain, Layer::Local];

    /// Resolves a canonical name or an alias (`domain` = `domain_ctx`).
    pub fn from_name(name: &str) -> Option<Layer> {
        Layer::ALL
            .into_iter()
            .find(|l| l.name() == name || l.alias() == name)
    }

    /// Like [`Layer::from_name`], but only the canonical names: a context
    /// object's own keys must be canonical, aliases exist for contracts and
    /// conditions only.
    pub fn from_canonical(name: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The short name contracts and conditions may use.
    pub fn alias(self) -> &'static str {
        match self {
            Layer::Global => "global",
            Layer::Domain => "domain",
            Layer::Local => "local",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Layer::Global => "global_ctx",
            Layer::Domain => "domain_ctx",
            Layer::Local => "local_ctx",
        }
    }
}

/// The accepted spellings, for error messages.
pub const LAYER_NAMES_HELP: &str =
    "global_ctx, domain_ctx, local_ctx (or the aliases global, domain, local)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_to_the_canonical_layer() {
        assert_eq!(Layer::from_name("domain"), Some(Layer::Domain));
        assert_eq!(Layer::from_name("domain_ctx"), Some(Layer::Domain));
        assert_eq!(Layer::from_name("global"), Some(Layer::Global));
        assert_eq!(Layer::from_name("local"), Some(Layer::Local));
        assert_eq!(Layer::Domain.name(), "domain_ctx");
    }

    #[test]
    fn unknown_names_are_not_layers() {
        assert_eq!(Layer::from_name("Domain"), None);
        assert_eq!(Layer::from_name("domain_ctx "), None);
        assert_eq!(Layer::from_name("ctx"), None);
    }

    #[test]
    fn context_keys_must_be_canonical() {
        assert_eq!(Layer::from_canonical("local_ctx"), Some(Layer::Local));
        assert_eq!(Layer::from_canonical("local"), None);
    }
}
