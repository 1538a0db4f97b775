//! Authorization after authentication: the grants (scopes, roles) a route requires, read from
//! the token of the validator that accepted it. Runs before the body is read.

use crate::auth::Authenticator;
use crate::compile::table::RouteEntry;
use crate::error::AuthError;
use crate::request::Identity;

/// `Ok` when the route requires no grant or the caller holds them; otherwise the 403 with the
/// route's validator as realm. An anonymous caller (`public_or_jwt_*`) holds none.
pub(crate) fn check(route: &RouteEntry, identity: &Identity) -> Result<(), AuthError> {
    let rule = &route.def.grants;
    if rule.is_empty() {
        return Ok(());
    }
    let from_token;
    let held: &[String] = match (&identity.token, identity.grants_claim) {
        (Some(token), Some(claim)) => {
            from_token = token.grants_at(claim);
            &from_token
        }
        _ => &identity.method_grants,
    };
    if rule.allows(held.iter().map(String::as_str)) {
        return Ok(());
    }
    if let Authenticator::Custom(method) = &route.auth {
        tracing::info!(
            route = &*route.path,
            method = method.name,
            required = %rule.scope_text(),
            "caller lacks a required grant"
        );
        return Err(AuthError::insufficient_scope(rule.scope_text())
            .with_challenge(method.challenge, method.realm));
    }
    let realm = identity.validator.or(match &route.auth {
        Authenticator::Jwt(auth) => Some(auth.validator().name),
        _ => None,
    });
    tracing::info!(
        route = &*route.path,
        validator = realm.unwrap_or("-"),
        required = %rule.scope_text(),
        "token lacks a required grant"
    );
    let err = AuthError::insufficient_scope(rule.scope_text());
    Err(match realm {
        Some(realm) => err.with_realm(realm),
        None => err,
    })
}
