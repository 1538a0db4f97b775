//! What `#[route]` and `#[auth_method]` register through `inventory`: plain, const-constructible
//! descriptors that the startup code in [`crate::app`] collects and checks.

use std::future::Future;
use std::pin::Pin;

use crate::auth::custom::AuthRequest;
use crate::context::RequestContext;
use crate::error::AuthError;
use crate::identity::Uid;
use crate::response::Response;

/// The future a registered handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A registered handler: extraction, the user's function and the response conversion.
pub type HandlerFn = fn(RequestContext) -> HandlerFuture;

/// The signature of a custom auth method.
pub type AuthMethodFn = fn(&AuthRequest<'_>) -> Result<Uid, AuthError>;

/// One `#[route]`, as registered.
#[derive(Debug)]
pub struct RouteDef {
    /// Path pattern with `{name}` parameters.
    pub path: &'static str,
    /// Upper-case method names; empty means every method.
    pub methods: &'static [&'static str],
    /// The auth string, already checked at compile time.
    pub auth: &'static str,
    /// `type = "json"`: JSON-RPC 2.0 envelope in and out.
    pub json: bool,
    /// `cors = "<origin>"`.
    pub cors: Option<&'static str>,
    /// The generated handler.
    pub handler: HandlerFn,
    /// `module::path::function`, for error messages and logs.
    pub name: &'static str,
}

/// One `#[auth_method]`, as registered.
#[derive(Debug)]
pub struct AuthMethodDef {
    /// The auth string that selects it.
    pub name: &'static str,
    /// The method itself.
    pub func: AuthMethodFn,
    /// `module::path::function`, for error messages.
    pub defined_at: &'static str,
}

inventory::collect!(RouteDef);
inventory::collect!(AuthMethodDef);

/// Every registered route, in no particular order.
pub(crate) fn routes() -> impl Iterator<Item = &'static RouteDef> {
    inventory::iter::<RouteDef>.into_iter()
}

/// Every registered custom auth method.
pub(crate) fn auth_methods() -> impl Iterator<Item = &'static AuthMethodDef> {
    inventory::iter::<AuthMethodDef>.into_iter()
}
