//! What the macros declare: plain, const-constructible descriptors, linked to each other by
//! reference, never by a name to re-parse.
//!
//! `#[route]`, `#[auth_method]` and `validator!` each emit a `static` descriptor, register it
//! through `inventory` (the "every route in the binary" default), and link it to a hidden marker
//! type (see the macros' `names` module) so that uses find the exact descriptor through rustc's
//! name resolution. Startup (`compile`) reads it; nothing here knows about routing or serving.

use std::any::TypeId;
use std::future::Future;
use std::pin::Pin;

use crate::error::AuthError;
use crate::identity::Uid;
use crate::jwt::config::{
    KeySource, ListSource, PartnerStrategy, UserStrategy, ValidatorDef, ValueSource,
};
use crate::request::{AuthRequest, RequestContext};
use crate::response::Response;

/// The future a registered handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A registered handler: extraction, the user's function and the response conversion.
pub type HandlerFn = fn(RequestContext) -> HandlerFuture;

/// The future an `async` custom auth method returns, boxed by the generated wrapper.
pub type AuthFuture<'a> =
    Pin<Box<dyn Future<Output = Result<MethodIdentity, AuthError>> + Send + 'a>>;

/// What a custom auth method establishes: the user and, optionally, the grants (scopes, roles)
/// it holds, which routes using the method may require with `scopes = [...]`, and claims-like
/// data about the caller, which handlers read as `Option<Claims<T>>`.
///
/// A method returning `Result<Uid, AuthError>` grants nothing; one returning
/// `Result<MethodIdentity, AuthError>` says what it grants:
///
/// ```
/// use authroute::{AuthError, AuthRequest, MethodIdentity, Uid, auth_method};
///
/// #[auth_method(challenge = "ApiKey", grants = ["read", "write"])]
/// fn read_key(req: &AuthRequest<'_>) -> Result<MethodIdentity, AuthError> {
///     match req.header("x-api-key") {
///         Some(b"read-only-key-0123456789") => Ok(MethodIdentity::new(Uid(2)).grant("read")),
///         _ => Err(AuthError::denied("a valid `X-Api-Key` header is required")),
///     }
/// }
/// # fn main() {}
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct MethodIdentity {
    /// The authenticated user.
    pub uid: Uid,
    /// The grants the caller holds (exact, case-sensitive names).
    pub grants: Vec<String>,
    /// Claims-like data about the caller (a key's label, a tenant), handed to handlers as
    /// `Option<Claims<T>>`. Never printed by `Debug`.
    pub claims: Option<serde_json::Value>,
}

impl std::fmt::Debug for MethodIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MethodIdentity")
            .field("uid", &self.uid)
            .field("grants", &self.grants)
            .field("has_claims", &self.claims.is_some())
            .finish()
    }
}

impl MethodIdentity {
    /// The user, with no grants.
    pub fn new(uid: Uid) -> Self {
        MethodIdentity {
            uid,
            grants: Vec::new(),
            claims: None,
        }
    }

    /// Attaches claims-like data, which the route's handler may take as `Option<Claims<T>>`.
    pub fn claims(mut self, claims: serde_json::Value) -> Self {
        self.claims = Some(claims);
        self
    }

    /// Adds a grant.
    pub fn grant(mut self, grant: impl Into<String>) -> Self {
        self.grants.push(grant.into());
        self
    }

    /// Adds grants.
    pub fn grants<I>(mut self, grants: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.grants.extend(grants.into_iter().map(Into::into));
        self
    }
}

/// What an auth method may return on success: a [`Uid`] or a [`MethodIdentity`].
#[diagnostic::on_unimplemented(
    message = "an auth method returns `Result<Uid, AuthError>` or `Result<MethodIdentity, AuthError>`, not `Result<{Self}, AuthError>`"
)]
pub trait IntoMethodIdentity {
    /// The identity.
    fn into_method_identity(self) -> MethodIdentity;
}

impl IntoMethodIdentity for Uid {
    fn into_method_identity(self) -> MethodIdentity {
        MethodIdentity::new(self)
    }
}

impl IntoMethodIdentity for MethodIdentity {
    fn into_method_identity(self) -> MethodIdentity {
        self
    }
}

/// What an auth method's function may return: `Result<T, AuthError>` where `T` is a [`Uid`] or
/// a [`MethodIdentity`]. Implemented for exactly those; the generated wrapper converts them.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "an auth method returns `Result<Uid, AuthError>` or `Result<MethodIdentity, AuthError>`, not `{Self}`",
    label = "this auth method's return type"
)]
pub trait MethodResult {
    /// The identity, or the refusal.
    fn into_result(self) -> Result<MethodIdentity, AuthError>;
}

impl<T: IntoMethodIdentity> MethodResult for Result<T, AuthError> {
    fn into_result(self) -> Result<MethodIdentity, AuthError> {
        self.map(IntoMethodIdentity::into_method_identity)
    }
}

/// The generated wrappers' conversion of an auth method's result.
#[doc(hidden)]
pub fn method_result(result: impl MethodResult) -> Result<MethodIdentity, AuthError> {
    result.into_result()
}

/// An auth method's `grants = [...]`.
#[derive(Debug, Clone, Copy)]
pub struct MethodGrants {
    /// The grant names routes may require.
    pub known: &'static [&'static str],
    /// The compile error for a route requiring another grant (names the known ones).
    pub unknown_message: &'static str,
}

/// A route's required grant checked against its auth method's declaration, at compile time
/// (see [`crate::jwt::config::check_grant`] for validators).
pub const fn check_method_grant(method: &AuthMethodDef, required: &str) {
    let Some(grants) = &method.grants else {
        panic!(
            "the route requires grants, but its auth method declares none; add `grants = [...]` to its `#[auth_method(...)]`"
        );
    };
    if !crate::jwt::config::contains(grants.known, required) {
        panic!("{}", grants.unknown_message);
    }
}

/// A custom auth method, as `#[auth_method]` found it.
#[derive(Debug, Clone, Copy)]
pub enum AuthMethodFn {
    /// A plain `fn`, called directly (through a generated wrapper).
    Sync(fn(&AuthRequest<'_>) -> Result<MethodIdentity, AuthError>),
    /// `async fn`: a generated wrapper that boxes the user's future.
    Async(for<'a> fn(&'a AuthRequest<'a>) -> AuthFuture<'a>),
}

/// How a route authenticates, as the macro understood its auth string.
#[derive(Debug, Clone, Copy)]
pub enum AuthDef {
    /// `none`.
    None,
    /// `public`.
    Public,
    /// `user`.
    User,
    /// `jwt`: the application's only validator.
    SoleJwt,
    /// `public_or_jwt`: the application's only validator, or anonymous.
    SolePublicOrJwt,
    /// `jwt_<validator>`.
    Jwt(&'static ValidatorDef),
    /// `public_or_jwt_<validator>`.
    PublicOrJwt(&'static ValidatorDef),
    /// A custom method.
    Custom(&'static AuthMethodDef),
}

/// A compile-checked reference to an auth method, made with [`crate::auth!`]: for code that
/// authenticates outside `#[route]`, such as the axum layer.
///
/// ```
/// authroute::validator! {
///     name: "demo", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
///     secret: env("DEMO_SECRET"), user: static(2),
/// }
///
/// fn main() {
///     let auth = authroute::auth!("jwt_demo");
///     assert_eq!(auth.name(), "jwt_demo");
/// }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    def: AuthDef,
    name: &'static str,
}

impl Auth {
    #[doc(hidden)]
    pub const fn __new(def: AuthDef, name: &'static str) -> Self {
        Auth { def, name }
    }

    /// The auth string, as written.
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub(crate) fn def(&self) -> AuthDef {
        self.def
    }
}

/// One `#[route]`, as declared.
#[derive(Debug)]
pub struct RouteDef {
    /// Path pattern with `{name}` parameters.
    pub path: &'static str,
    /// Upper-case method names; empty means every method.
    pub methods: &'static [&'static str],
    /// How the route authenticates.
    pub auth: AuthDef,
    /// The auth string as written (`user` when omitted), for route listings only.
    pub auth_name: &'static str,
    /// `type = "json"`: JSON-RPC 2.0 envelope in and out.
    pub json: bool,
    /// `cors = "<origin>"`.
    pub cors: Option<&'static str>,
    /// The grants (scopes, roles) a token must carry.
    pub grants: GrantRule,
    /// The groups the session user must be in (`groups`, `any_groups`; `user` and `public`
    /// routes only), each read from its [`GroupLink`] marker.
    pub groups: GrantRule,
    /// The generated handler.
    pub handler: HandlerFn,
    /// What the handler's arguments need from the application (registered state types).
    pub needs: fn(&mut Needs),
    /// `module::path::function`, for error messages and logs.
    pub name: &'static str,
}

/// The grants (or groups) a route requires: all of `all`, and one of `any` when it is not
/// empty.
#[derive(Debug, Clone, Copy)]
pub struct GrantRule {
    /// Every one is required.
    pub all: &'static [&'static str],
    /// At least one is required, unless empty.
    pub any: &'static [&'static str],
}

impl GrantRule {
    /// No requirement.
    pub const NONE: GrantRule = GrantRule { all: &[], any: &[] };

    /// Whether the rule requires anything.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty() && self.any.is_empty()
    }

    /// Whether `held` satisfies the rule (exact, case-sensitive names).
    pub fn allows<'a>(&self, held: impl Iterator<Item = &'a str> + Clone) -> bool {
        let has = |name: &str| held.clone().any(|h| h == name);
        self.all.iter().all(|name| has(name))
            && (self.any.is_empty() || self.any.iter().any(|name| has(name)))
    }

    /// The `scope` parameter of a 403: every grant named, space-separated.
    pub fn scope_text(&self) -> String {
        let mut names: Vec<&str> = self.all.iter().chain(self.any).copied().collect();
        names.dedup();
        names.join(" ")
    }
}

/// One `#[auth_method]`, as declared.
#[derive(Debug)]
pub struct AuthMethodDef {
    /// The auth string that selects it.
    pub name: &'static str,
    /// The method itself.
    pub func: AuthMethodFn,
    /// The `WWW-Authenticate` scheme of its 401s (`challenge = "ApiKey"`); `None` is `Bearer`.
    pub challenge: Option<&'static str>,
    /// The realm of its challenges (`realm = "..."`); `None` is the application's realm.
    pub realm: Option<&'static str>,
    /// The grants it may return (`grants = [...]`), which its routes may require; `None` when
    /// it declares none.
    pub grants: Option<MethodGrants>,
    /// `module::path::function`, for error messages.
    pub defined_at: &'static str,
}

/// Links a validator's marker type to its descriptor.
pub trait ValidatorLink {
    /// The validator's static descriptor.
    const DEF: &'static ValidatorDef;
    /// `user: none`: the identity is the token alone.
    const CLAIMS_ONLY: bool;
    /// The auth kind of `jwt_<name>` routes, which decides their handler arguments
    /// ([`crate::kind::jwt`], or [`crate::kind::jwt_claims`] for a claims-only validator).
    type Kind;
    /// The auth kind of `public_or_jwt_<name>` routes.
    type PublicKind;
}

/// Links an auth method's marker type to its descriptor.
pub trait AuthMethodLink {
    /// The method's static descriptor.
    const DEF: &'static AuthMethodDef;
}

/// Links a group's `group_<name>` marker type, declared by [`groups!`](crate::groups), to the
/// group's name.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a group declared with `authroute::groups!`",
    label = "not a declared group",
    note = "declare the group with `authroute::groups!(\"<name>\")` and bring its `group_<name>` marker into scope"
)]
pub trait GroupLink {
    /// The group's name, as written in the declaration.
    const NAME: &'static str;
}

/// Links a route's marker type to its descriptor (for `routes![...]`).
pub trait RouteLink {
    /// The route's static descriptor.
    const DEF: &'static RouteDef;
}

/// A route in the binary-wide registry.
#[derive(Debug)]
pub struct RegisteredRoute(pub &'static RouteDef);
/// A validator in the binary-wide registry.
#[derive(Debug)]
pub struct RegisteredValidator(pub &'static ValidatorDef);
/// An auth method in the binary-wide registry.
#[derive(Debug)]
pub struct RegisteredAuthMethod(pub &'static AuthMethodDef);

inventory::collect!(RegisteredRoute);
inventory::collect!(RegisteredValidator);
inventory::collect!(RegisteredAuthMethod);

/// Every registered route, in no particular order.
pub(crate) fn routes() -> impl Iterator<Item = &'static RouteDef> {
    inventory::iter::<RegisteredRoute>
        .into_iter()
        .map(|registered| registered.0)
}

/// Every registered validator.
pub(crate) fn validators() -> impl Iterator<Item = &'static ValidatorDef> {
    inventory::iter::<RegisteredValidator>
        .into_iter()
        .map(|registered| registered.0)
}

/// Every registered custom auth method.
pub(crate) fn auth_methods() -> impl Iterator<Item = &'static AuthMethodDef> {
    inventory::iter::<RegisteredAuthMethod>
        .into_iter()
        .map(|registered| registered.0)
}

/// What a validator declaration with errors links to; never registered, never served (the
/// crate that declares it does not compile).
pub static PLACEHOLDER_VALIDATOR: ValidatorDef = ValidatorDef {
    name: "",
    issuer: ValueSource::Literal(""),
    audience: ListSource::Literal(&[]),
    algorithm: "",
    key: KeySource::Discovery,
    allow_http: false,
    leeway: 0,
    typ: None,
    max_lifetime: None,
    user: UserStrategy::Static(0),
    partner: PartnerStrategy::None,
    partner_required: false,
    next: None,
    cookie: None,
    grants: None,
    defined_at: "",
};

fn refuse_all(_: &AuthRequest<'_>) -> Result<MethodIdentity, AuthError> {
    Err(AuthError::denied("placeholder auth method"))
}

/// What an auth method declaration with errors links to (see [`PLACEHOLDER_VALIDATOR`]).
pub static PLACEHOLDER_AUTH_METHOD: AuthMethodDef = AuthMethodDef {
    name: "",
    func: AuthMethodFn::Sync(refuse_all),
    challenge: None,
    realm: None,
    grants: None,
    defined_at: "",
};

/// What a route's handler arguments need from the application, collected at startup.
#[derive(Debug, Default)]
pub struct Needs {
    pub(crate) states: Vec<(TypeId, &'static str)>,
}

impl Needs {
    /// The handler takes `State<T>`: `T` must be registered with `AppBuilder::state`.
    pub fn state<T: 'static>(&mut self) {
        self.states
            .push((TypeId::of::<T>(), std::any::type_name::<T>()));
    }
}
