//! The naming rules shared by auth strings, auth methods and validators, and the hidden
//! marker types through which rustc's own name resolution checks cross-item references.
//!
//! A declaration emits an uninhabited `enum` named after it (`jwt_<validator>`,
//! `auth_<method>`, `group_<group>`) with the declaration's own visibility, plus an impl of a
//! link trait whose associated const is the declaration's static descriptor (a group's: its
//! name). A use names that type, spanned on its string, so that a missing declaration is rustc's "cannot find type" under the string and
//! a found one hands the use the exact descriptor: nothing is looked up by name at run time.
//! Braced (uninhabited) enums live in the type namespace only, so a user's `fn jwt_demo` next to
//! `validator! { name: "demo", .. }` does not clash, and `use other_crate::jwt_demo;` imports the
//! link like any other item.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

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

/// The hidden type a `validator!` declares and a `jwt_<name>` auth string refers to.
pub fn validator_marker(name: &str, span: Span) -> Ident {
    Ident::new(&format!("{JWT_PREFIX}{name}"), span)
}

/// The hidden type an `#[auth_method]` declares and its auth string refers to.
pub fn auth_method_marker(name: &str, span: Span) -> Ident {
    Ident::new(&format!("auth_{name}"), span)
}

/// Whether `name` may name a group: `[a-z_][a-z0-9_-]*`, the runtime's
/// `directory::is_valid_group_name`.
pub fn is_valid_group_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'_'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

/// The error for a group name outside the grammar of [`is_valid_group_name`], if it is.
pub fn invalid_group_name(lit: &syn::LitStr) -> Option<syn::Error> {
    let name = lit.value();
    (!is_valid_group_name(&name)).then(|| {
        syn::Error::new(
            lit.span(),
            format!(
                "invalid group name `{}`: expected a lower-case letter or `_`, then lower-case letters, digits, `_` or `-`",
                name.escape_debug()
            ),
        )
    })
}

/// The errors of a declared grant list (a validator's `known`, an auth method's `grants`):
/// names that are empty or hold spaces, quotes, backslashes or control characters (a
/// space-separated `scope` claim could never carry them), and names declared twice.
pub fn grant_name_errors(names: &[syn::LitStr]) -> Vec<syn::Error> {
    let mut errors = Vec::new();
    for (i, lit) in names.iter().enumerate() {
        let value = lit.value();
        let malformed = value.is_empty()
            || value
                .chars()
                .any(|c| c.is_whitespace() || c == '"' || c == '\\' || c.is_control());
        if malformed {
            errors.push(syn::Error::new(
                lit.span(),
                "grant names are non-empty and have no spaces, quotes or backslashes",
            ));
        }
        if names[..i].iter().any(|n| n.value() == value) {
            errors.push(syn::Error::new(
                lit.span(),
                format!("grant `{value}` is declared twice"),
            ));
        }
    }
    errors
}

/// The compile error a route requiring an undeclared grant gets, naming the declared ones;
/// `owner` is "validator `demo`" or "auth method `api_key`".
pub fn unknown_grant_message(owner: &str, known: &[syn::LitStr]) -> String {
    let names: Vec<String> = known.iter().map(|n| format!("`{}`", n.value())).collect();
    let declared = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    format!("grant not declared by {owner}, which declares {declared}")
}

/// The hidden type a `groups!` declaration emits for each group and a route's `groups` refer
/// to: `group_<name>`, with each `-` (not allowed in identifiers) written `_H_`. Group names are
/// lower-case, so the upper-case `H` keeps the mapping one-to-one (`read-only` is
/// `group_read_H_only`, `read_only` is `group_read_only`).
pub fn group_marker(name: &str, span: Span) -> Ident {
    Ident::new(&format!("group_{}", name.replace('-', "_H_")), span)
}

/// The hidden type through which `routes![handler]` finds a `#[route]`'s descriptor.
pub fn route_marker(handler: &Ident) -> Ident {
    Ident::new(&format!("__authroute_route_{handler}"), handler.span())
}

/// A marker type declaration. Without a written visibility the marker is `pub(crate)`, so that
/// `use crate::module::jwt_demo;` works anywhere in the crate.
pub fn marker_type(vis: &syn::Visibility, ident: &Ident) -> TokenStream {
    let vis = match vis {
        syn::Visibility::Inherited => quote!(pub(crate)),
        other => other.to_token_stream(),
    };
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code, unreachable_pub)]
        #vis enum #ident {}
    }
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

    #[test]
    fn group_names_and_markers() {
        for good in ["admin", "_x", "read-only", "sales_team2"] {
            assert!(is_valid_group_name(good), "{good}");
        }
        for bad in ["", "Admin", "2fa", "-x", "a b", "base.group_user"] {
            assert!(!is_valid_group_name(bad), "{bad}");
        }
        let marker = |name| group_marker(name, Span::call_site()).to_string();
        assert_eq!(marker("admin"), "group_admin");
        assert_eq!(marker("read-only"), "group_read_H_only");
        assert_ne!(marker("read-only"), marker("read_only"));
    }
}
