//! The naming rules shared by auth strings, auth methods and validators, and the hidden
//! marker macros through which rustc's own name resolution checks cross-item references.

use proc_macro2::{Ident, Span};

/// Auth strings that name built-in methods.
pub const BUILTIN_METHODS: &[&str] = &["none", "public", "user", "jwt", "public_or_jwt"];

/// Prefixes reserved for JWT-family auth strings.
pub const JWT_PREFIX: &str = "jwt_";
pub const PUBLIC_OR_JWT_PREFIX: &str = "public_or_jwt_";

/// The list of valid forms, quoted in every auth string error.
pub const VALID_FORMS: &str = "expected `none`, `public`, `user`, `jwt`, `public_or_jwt`, \
     `jwt_<validator>`, `public_or_jwt_<validator>` or a custom method declared with \
     `#[auth_method]`";

/// `[a-z_][a-z0-9_]*`, not a lone `_`.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() || c == '_' => {}
        _ => return false,
    }
    name != "_" && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The hidden macro a `validator!` declares and a `jwt_<name>` auth string refers to.
pub fn validator_marker(name: &str, span: Span) -> Ident {
    Ident::new(&format!("{JWT_PREFIX}{name}"), span)
}

/// The hidden macro an `#[auth_method]` declares and its auth string refers to.
pub fn auth_method_marker(name: &str, span: Span) -> Ident {
    Ident::new(&format!("auth_{name}"), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_identifier_rules() {
        assert!(is_valid_name("custom"));
        assert!(is_valid_name("_x1"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("_"));
        assert!(!is_valid_name("1abc"));
        assert!(!is_valid_name("Custom"));
        assert!(!is_valid_name("jwt-demo"));
        assert!(!is_valid_name("jwt demo"));
    }
}
