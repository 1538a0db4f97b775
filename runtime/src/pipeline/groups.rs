//! Authorization of session users: the groups (`groups`, `any_groups`) a `user` or `public`
//! route requires, asked of the directory once the caller is authenticated. Runs before the
//! body is read.

use crate::auth::AuthFailure;
use crate::compile::table::RouteEntry;
use crate::directory::Directory;
use crate::error::AuthError;
use crate::request::Identity;

/// `Ok` when the route requires no group or the session user holds them; otherwise a 403 (no
/// challenge: another login would not help). The anonymous (public) user holds no groups, so
/// the directory is not asked; a directory failure is a 503 like any other.
pub(crate) async fn check(
    route: &RouteEntry,
    identity: &Identity,
    directory: &dyn Directory,
) -> Result<(), AuthFailure> {
    let rule = &route.def.groups;
    if rule.is_empty() {
        return Ok(());
    }
    let held = match identity.uid {
        Some(uid) => directory
            .groups(uid)
            .await
            .map_err(|err| AuthFailure::Internal(err.to_string()))?,
        None => Vec::new(),
    };
    if rule.allows(held.iter().map(String::as_str)) {
        return Ok(());
    }
    let required = rule.scope_text();
    tracing::info!(
        route = &*route.path,
        uid = identity.uid.map(|uid| uid.0),
        required = %required,
        "user lacks a required group"
    );
    Err(AuthError::forbidden(format!("this route requires membership of: {required}")).into())
}
