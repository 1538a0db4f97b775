//! The auth string grammar, checked at compile time.

use proc_macro2::Span;
use syn::LitStr;

use crate::names::{BUILTIN_METHODS, JWT_PREFIX, PUBLIC_OR_JWT_PREFIX, VALID_FORMS, is_valid_name};

/// A parsed auth string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthSpec {
    None,
    Public,
    User,
    /// `jwt` (the single validator) or `jwt_<validator>`.
    Jwt(Option<String>),
    /// `public_or_jwt` or `public_or_jwt_<validator>`.
    PublicOrJwt(Option<String>),
    Custom(String),
}

impl AuthSpec {
    /// Parses and checks the grammar; names of validators and custom methods are resolved later
    /// by rustc through the marker macros.
    pub fn parse(lit: &LitStr) -> syn::Result<Self> {
        Self::parse_str(&lit.value(), lit.span())
    }

    pub fn parse_str(value: &str, span: Span) -> syn::Result<Self> {
        if !is_valid_name(value) {
            let what = if value.is_empty() {
                "empty auth method".to_string()
            } else {
                format!("malformed auth method `{}`", value.escape_debug())
            };
            return Err(syn::Error::new(
                span,
                format!(
                    "{what}: names are lower-case identifiers ([a-z_][a-z0-9_]*); {VALID_FORMS}"
                ),
            ));
        }
        let spec = match value {
            "none" => AuthSpec::None,
            "public" => AuthSpec::Public,
            "user" => AuthSpec::User,
            "jwt" => AuthSpec::Jwt(None),
            "public_or_jwt" => AuthSpec::PublicOrJwt(None),
            _ => {
                if let Some(name) = value.strip_prefix(PUBLIC_OR_JWT_PREFIX) {
                    AuthSpec::PublicOrJwt(Some(validator_name(value, name, span)?))
                } else if let Some(name) = value.strip_prefix(JWT_PREFIX) {
                    AuthSpec::Jwt(Some(validator_name(value, name, span)?))
                } else {
                    AuthSpec::Custom(value.to_string())
                }
            }
        };
        Ok(spec)
    }

    /// The marker type naming this auth kind in `authroute::kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            AuthSpec::None => "none",
            AuthSpec::Public => "public",
            AuthSpec::User => "user",
            AuthSpec::Jwt(_) => "jwt",
            AuthSpec::PublicOrJwt(_) => "public_or_jwt",
            AuthSpec::Custom(_) => "custom",
        }
    }
}

fn validator_name(value: &str, name: &str, span: Span) -> syn::Result<String> {
    if name.is_empty() || name.starts_with('_') || !is_valid_name(name) {
        return Err(syn::Error::new(
            span,
            format!(
                "malformed auth method `{value}`: missing validator name after the prefix; {VALID_FORMS}"
            ),
        ));
    }
    Ok(name.to_string())
}

/// Whether `name` may be declared as a custom auth method.
pub fn check_custom_name(name: &str, span: Span) -> syn::Result<()> {
    if BUILTIN_METHODS.contains(&name) {
        return Err(syn::Error::new(
            span,
            format!(
                "`{name}` is a built-in auth method; choose another name for this custom method"
            ),
        ));
    }
    for prefix in [JWT_PREFIX, PUBLIC_OR_JWT_PREFIX] {
        if name.starts_with(prefix) {
            return Err(syn::Error::new(
                span,
                format!(
                    "custom auth method names may not start with `{prefix}`: that prefix names JWT validators; choose another name"
                ),
            ));
        }
    }
    if !is_valid_name(name) {
        return Err(syn::Error::new(
            span,
            "custom auth method names are lower-case identifiers ([a-z_][a-z0-9_]*)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> syn::Result<AuthSpec> {
        AuthSpec::parse_str(s, Span::call_site())
    }

    #[test]
    fn grammar() {
        assert_eq!(parse("none").unwrap(), AuthSpec::None);
        assert_eq!(parse("user").unwrap(), AuthSpec::User);
        assert_eq!(parse("jwt").unwrap(), AuthSpec::Jwt(None));
        assert_eq!(
            parse("jwt_demo").unwrap(),
            AuthSpec::Jwt(Some("demo".into()))
        );
        assert_eq!(
            parse("public_or_jwt_demo_cookie").unwrap(),
            AuthSpec::PublicOrJwt(Some("demo_cookie".into()))
        );
        assert_eq!(parse("custom").unwrap(), AuthSpec::Custom("custom".into()));
        for bad in [
            "",
            "Jwt_demo",
            "jwt_",
            "public_or_jwt_",
            "jwt demo",
            "jwt-demo",
            "9",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn custom_names() {
        assert!(check_custom_name("custom", Span::call_site()).is_ok());
        assert!(check_custom_name("user", Span::call_site()).is_err());
        assert!(check_custom_name("jwt_x", Span::call_site()).is_err());
        assert!(check_custom_name("public_or_jwt_x", Span::call_site()).is_err());
    }
}
