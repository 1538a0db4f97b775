//! Handler arguments, typed by the route's auth kind.
//!
//! The table of arguments each auth kind provides is in the crate docs.
//!
//! An argument outside its column is a compile error naming the argument and the auth method.
//! The body-reading arguments ([`Json<T>`], [`Form<T>`], [`Bytes`], [`RawRequest`]) see a body
//! that was read only after the request was authenticated.

use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::HeaderValue;
use serde::de::DeserializeOwned;

use crate::identity::Uid;
use crate::kind;
use crate::registry::Needs;
use crate::request::RequestContext;
use crate::response::{HttpError, Json};
use crate::services::Services;
use crate::session::{SESSION_COOKIE, Session, SessionError};

/// A value a handler can take as an argument on a route whose auth kind is `K`.
///
/// `K` is one of the marker types of [`crate::kind`]; `#[route]` fills it in from the auth
/// string, so an argument that cannot exist under the route's auth method does not compile.
/// The trait is sealed: the arguments are the ones in the crate docs' "Handler arguments"
/// table.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not available as a handler argument on a route with auth `{K}`",
    label = "not available under auth `{K}`",
    note = "the arguments each auth method provides are listed in the crate docs of `authroute`, under \"Handler arguments\""
)]
pub trait FromRequest<K>: Sized + Sealed {
    /// Extracts the value; the error is sent as a 400-class response.
    #[doc(hidden)]
    fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError>;

    /// Records what the argument needs from the application, checked at startup.
    #[doc(hidden)]
    fn needs(_needs: &mut Needs) {}
}

/// Seals [`FromRequest`]: only this crate's argument types implement it.
pub trait Sealed {}

macro_rules! sealed {
    ($($ty:ty),+ $(,)?) => { $(impl Sealed for $ty {})+ };
}

sealed!(
    Uid,
    Option<Uid>,
    Caller,
    Session,
    Option<Session>,
    PathParams,
    http::HeaderMap,
    http::Method,
    http::Uri,
    RawRequest,
    SessionControl,
    Option<crate::directory::Partner>,
    Option<crate::identity::PartnerId>,
    ValidatorName,
    Option<ValidatorName>,
    Bytes,
    Cookies,
    ClientAddr,
    Option<ClientAddr>,
);
impl<T> Sealed for Path<T> {}
impl<T> Sealed for Query<T> {}
impl<T> Sealed for Json<T> {}
impl<T> Sealed for Form<T> {}
impl<T> Sealed for Params<T> {}
impl<T> Sealed for State<T> {}
impl<T> Sealed for Claims<T> {}
impl<T> Sealed for Option<Claims<T>> {}

macro_rules! for_kinds {
    ($ty:ty => [$($kind:ident),+], |$ctx:ident| $body:expr) => {
        $(
            impl FromRequest<kind::$kind> for $ty {
                fn from_request($ctx: &mut RequestContext) -> Result<Self, HttpError> {
                    $body
                }
            }
        )+
    };
}

/// Every auth kind.
macro_rules! for_all_kinds {
    ($ty:ty, |$ctx:ident| $body:expr) => {
        for_kinds!($ty => [none, public, user, custom, jwt, public_or_jwt, jwt_claims, public_or_jwt_claims], |$ctx| $body);
    };
}

fn internal(what: &str) -> HttpError {
    tracing::error!("handler argument {what} missing after authentication");
    HttpError::new(
        http::StatusCode::INTERNAL_SERVER_ERROR,
        "internal error while preparing the request",
    )
}

for_kinds!(Uid => [user, custom, jwt], |ctx| ctx.identity.uid.ok_or_else(|| internal("Uid")));
for_kinds!(Option<Uid> => [public, public_or_jwt], |ctx| Ok(ctx.identity.uid));
for_kinds!(Caller => [public, user, custom, jwt, public_or_jwt], |ctx| {
    let uid = ctx.identity.effective_uid.ok_or_else(|| internal("Caller"))?;
    Ok(Caller { uid, authenticated: ctx.identity.uid.is_some() })
});
for_kinds!(Session => [user], |ctx| ctx.identity.session.clone().ok_or_else(|| internal("Session")));
for_kinds!(Option<Session> => [public, custom], |ctx| Ok(ctx.identity.session.clone()));

/// The user a request runs as: the authenticated user, or the public user when anonymous.
///
/// ```
/// use authroute::{Caller, Json, route};
///
/// #[route("/hello", methods = ["GET"], auth = "public")]
/// async fn hello(caller: Caller) -> Json<serde_json::Value> {
///     Json(serde_json::json!({"uid": caller.uid, "anonymous": !caller.authenticated}))
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The uid the request runs as.
    pub uid: Uid,
    /// `false` when running as the public user.
    pub authenticated: bool,
}

/// Path parameters deserialised into `T` (a struct with one field per `{name}`).
///
/// ```
/// use authroute::{Path, route};
///
/// #[derive(serde::Deserialize)]
/// struct OrderRef { id: u64 }
///
/// #[route("/orders/{id}", methods = ["GET"], auth = "none")]
/// async fn order(Path(order): Path<OrderRef>) -> String {
///     format!("order {}", order.id)
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Path<T>(pub T);

impl<K, T: DeserializeOwned> FromRequest<K> for Path<T> {
    fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
        let encoded = serde_urlencoded::to_string(&ctx.params)
            .map_err(|_| HttpError::bad_request("invalid path parameters"))?;
        serde_urlencoded::from_str(&encoded)
            .map(Path)
            .map_err(|err| HttpError::bad_request(format!("invalid path parameters: {err}")))
    }
}

/// Path parameters by name, percent-decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathParams(Vec<(String, String)>);

impl PathParams {
    /// The value of parameter `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl<K> FromRequest<K> for PathParams {
    fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
        Ok(PathParams(ctx.params.clone()))
    }
}

/// The query string deserialised into `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query<T>(pub T);

impl<K, T: DeserializeOwned> FromRequest<K> for Query<T> {
    fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
        let query = ctx.head.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query)
            .map(Query)
            .map_err(|err| HttpError::bad_request(format!("invalid query string: {err}")))
    }
}

impl<K, T: DeserializeOwned> FromRequest<K> for Json<T> {
    fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
        serde_json::from_slice(&ctx.body)
            .map(Json)
            .map_err(|err| HttpError::bad_request(format!("invalid JSON body: {err}")))
    }
}

/// The `params` of a JSON-RPC call (`type = "json"` routes), deserialised into `T`.
/// Missing `params` deserialise from an empty object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params<T>(pub T);

impl<K, T: DeserializeOwned> FromRequest<K> for Params<T> {
    fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
        let Some(call) = &ctx.rpc else {
            return Err(HttpError::new(
                http::StatusCode::INTERNAL_SERVER_ERROR,
                "`Params` is only available on `type = \"json\"` routes",
            ));
        };
        let raw = call.params.as_deref().map_or("{}", |p| p.get());
        let raw = if raw == "null" { "{}" } else { raw };
        serde_json::from_str(raw)
            .map(Params)
            .map_err(|err| HttpError::bad_request(format!("invalid params: {err}")))
    }
}

for_all_kinds!(http::HeaderMap, |ctx| Ok(ctx.head.headers.clone()));
for_all_kinds!(http::Method, |ctx| Ok(ctx.head.method.clone()));
for_all_kinds!(http::Uri, |ctx| Ok(ctx.head.uri.clone()));
for_all_kinds!(Bytes, |ctx| Ok(ctx.body.clone()));

/// A value registered with [`crate::AppBuilder::state`], cloned for the handler. A route that
/// takes a `State<T>` whose `T` was never registered does not start.
///
/// ```
/// use authroute::{State, route};
///
/// #[derive(Clone)]
/// struct Db(std::sync::Arc<Vec<&'static str>>);
///
/// #[route("/names", methods = ["GET"], auth = "none")]
/// async fn names(State(db): State<Db>) -> String {
///     db.0.join(", ")
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State<T>(pub T);

impl<K, T: Clone + Send + Sync + 'static> FromRequest<K> for State<T> {
    fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
        ctx.services()
            .state
            .get::<T>()
            .cloned()
            .map(State)
            .ok_or_else(|| internal("State"))
    }

    fn needs(needs: &mut Needs) {
        needs.state::<T>();
    }
}

/// The address of the client's end of the connection, as the built-in server saw it (behind a
/// proxy: the proxy's). Requests served in process with [`crate::App::handle`] have none: take
/// `Option<ClientAddr>` where that can happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub SocketAddr);

for_all_kinds!(Option<ClientAddr>, |ctx| Ok(ctx
    .head
    .extensions
    .get::<ClientAddr>()
    .copied()));
for_all_kinds!(ClientAddr, |ctx| ctx
    .head
    .extensions
    .get::<ClientAddr>()
    .copied()
    .ok_or_else(|| internal(
        "ClientAddr (the request did not come through the built-in server; take Option<ClientAddr>)"
    )));

/// The request's cookies, by name (the first of a repeated name wins).
///
/// ```
/// use authroute::{Cookies, route};
///
/// #[route("/theme", methods = ["GET"], auth = "none")]
/// async fn theme(cookies: Cookies) -> String {
///     cookies.get("theme").unwrap_or("light").to_string()
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cookies(Vec<(String, String)>);

impl Cookies {
    /// The value of cookie `name`, if the request has one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every cookie, in request order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

for_all_kinds!(Cookies, |ctx| {
    let pairs = ctx
        .head
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .map(|c| (c.name().to_string(), c.value().to_string()))
        .collect();
    Ok(Cookies(pairs))
});

/// An `application/x-www-form-urlencoded` body deserialised into `T`.
///
/// ```
/// use authroute::{Form, route};
///
/// #[derive(serde::Deserialize)]
/// struct Comment { text: String }
///
/// #[route("/comments", methods = ["POST"], auth = "none")]
/// async fn comment(Form(c): Form<Comment>) -> String { c.text }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form<T>(pub T);

impl<K, T: DeserializeOwned> FromRequest<K> for Form<T> {
    fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
        serde_urlencoded::from_bytes(&ctx.body)
            .map(Form)
            .map_err(|err| HttpError::bad_request(format!("invalid form body: {err}")))
    }
}

/// The whole request: head and body.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// Method, URI, version, headers.
    pub head: http::request::Parts,
    /// The body, already read within the size limit.
    pub body: Bytes,
}

for_all_kinds!(RawRequest, |ctx| Ok(RawRequest {
    head: ctx.head.clone(),
    body: ctx.body.clone(),
}));

/// Logs users in and out from a handler: creates or destroys the session and sets the
/// `session_id` cookie on the response.
///
/// ```
/// use authroute::{HttpError, Json, Params, SessionControl, route};
///
/// #[derive(serde::Deserialize)]
/// struct Credentials { login: String, password: String }
///
/// #[route("/login", methods = ["POST"], auth = "none", type = "json")]
/// async fn login(
///     Params(c): Params<Credentials>,
///     control: SessionControl,
/// ) -> Result<Json<serde_json::Value>, HttpError> {
///     let uid = control.authenticate(&c.login, &c.password).await?;
///     Ok(Json(serde_json::json!({"uid": uid})))
/// }
/// # fn main() {}
/// ```
#[derive(Clone)]
pub struct SessionControl {
    services: Arc<Services>,
    current: Option<String>,
    cookies: Arc<Mutex<Vec<HeaderValue>>>,
}

/// The session id and cookies are credentials: only whether there is a session shows.
impl std::fmt::Debug for SessionControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionControl")
            .field("has_session", &self.current.is_some())
            .finish_non_exhaustive()
    }
}

for_all_kinds!(SessionControl, |ctx| {
    let cookies = ctx
        .handler_cookies
        .get_or_insert_with(Default::default)
        .clone();
    let current = crate::auth::session::session_cookie(&ctx.head.headers).map(str::to_string);
    Ok(SessionControl {
        services: ctx.services().clone(),
        current,
        cookies,
    })
});

impl SessionControl {
    /// Checks credentials against the directory and logs the user in. Wrong credentials are a
    /// 401 and create no session.
    pub async fn authenticate(&self, login: &str, password: &str) -> Result<Uid, HttpError> {
        let uid = self
            .services
            .directory
            .authenticate(login, password)
            .await
            .map_err(|err| store_error(&err))?;
        match uid {
            Some(uid) => {
                self.login(uid).await.map_err(|err| store_error(&err))?;
                Ok(uid)
            }
            None => Err(HttpError::new(
                http::StatusCode::UNAUTHORIZED,
                "wrong login or password",
            )),
        }
    }

    /// Starts a session for `uid` (ending the request's previous session, if any, so that a
    /// session id can never be fixed by an attacker before login).
    pub async fn login(&self, uid: Uid) -> Result<Session, SessionError> {
        let sessions = &self.services.sessions;
        if let Some(old) = &self.current {
            sessions.destroy(old).await?;
        }
        let ttl = self.services.config.session_ttl_secs();
        let session = sessions.create(uid, self.services.now(), ttl).await?;
        self.push_cookie(&session.id, ttl);
        Ok(session)
    }

    /// Ends the request's session; `false` when there was none.
    pub async fn logout(&self) -> Result<bool, SessionError> {
        let destroyed = match &self.current {
            Some(id) => self.services.sessions.destroy(id).await?,
            None => false,
        };
        self.push_cookie("", 0);
        Ok(destroyed)
    }

    fn push_cookie(&self, value: &str, max_age: i64) {
        let cookie = cookie::Cookie::build((SESSION_COOKIE, value))
            .http_only(true)
            .same_site(cookie::SameSite::Lax)
            .secure(self.services.config.secure_session_cookie)
            .path("/")
            .max_age(cookie::time::Duration::seconds(max_age))
            .build();
        if let Ok(mut value) = HeaderValue::from_str(&cookie.to_string()) {
            value.set_sensitive(true);
            match self.cookies.lock() {
                Ok(mut guard) => guard.push(value),
                Err(poisoned) => poisoned.into_inner().push(value),
            }
        }
    }
}

fn store_error(err: &dyn std::error::Error) -> HttpError {
    tracing::error!(error = %err, "session or directory store failed");
    HttpError::new(
        http::StatusCode::SERVICE_UNAVAILABLE,
        "the session store is unavailable",
    )
}

/// The verified token's claims, deserialised into `T` only when a handler asks for them
/// (default `serde_json::Value`). On `public_or_jwt_*` routes take `Option<Claims<T>>`.
///
/// ```
/// use authroute::{Claims, Json, route};
///
/// #[derive(serde::Deserialize)]
/// struct Scopes { scope: String }
///
/// authroute::validator! {
///     name: "api", issuer: "https://issuer.example", audience: ["api"],
///     algorithm: "HS256", secret: env("API_SECRET"), user: static(2),
/// }
///
/// #[route("/scopes", methods = ["GET"], auth = "jwt_api")]
/// async fn scopes(Claims(claims): Claims<Scopes>) -> String {
///     claims.scope
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Claims<T = serde_json::Value>(pub T);

fn claims_of<T: DeserializeOwned>(ctx: &RequestContext) -> Option<Result<Claims<T>, HttpError>> {
    ctx.identity.token.as_ref().map(|token| {
        token.claims::<T>().map(Claims).map_err(|err| {
            HttpError::bad_request(format!(
                "the token's claims do not have the expected shape: {err}"
            ))
        })
    })
}

/// A custom method's claims-like data, when it returned some ([`crate::MethodIdentity::claims`]).
impl<T: DeserializeOwned> FromRequest<kind::custom> for Option<Claims<T>> {
    fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
        ctx.identity
            .method_claims
            .as_ref()
            .map(|claims| {
                T::deserialize(&claims.0).map(Claims).map_err(|err| {
                    HttpError::bad_request(format!(
                        "the auth method's claims do not have the expected shape: {err}"
                    ))
                })
            })
            .transpose()
    }
}

macro_rules! claims_for {
    ($required:ident, $optional:ident) => {
        impl<T: DeserializeOwned> FromRequest<kind::$required> for Claims<T> {
            fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
                claims_of(ctx).unwrap_or_else(|| Err(internal("Claims")))
            }
        }

        impl<T: DeserializeOwned> FromRequest<kind::$optional> for Option<Claims<T>> {
            fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
                claims_of(ctx).transpose()
            }
        }
    };
}
claims_for!(jwt, public_or_jwt);
claims_for!(jwt_claims, public_or_jwt_claims);

for_kinds!(Option<crate::directory::Partner> => [jwt, public_or_jwt, jwt_claims, public_or_jwt_claims], |ctx| Ok(ctx.identity.partner.clone()));
for_kinds!(Option<crate::identity::PartnerId> => [jwt, public_or_jwt, jwt_claims, public_or_jwt_claims], |ctx| Ok(ctx.identity.partner.as_ref().map(|p| p.id)));

/// The name of the validator that accepted the token (the first of a chain, or a later one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidatorName(pub &'static str);

for_kinds!(ValidatorName => [jwt, jwt_claims], |ctx| ctx.identity.validator.map(ValidatorName).ok_or_else(|| internal("ValidatorName")));
for_kinds!(Option<ValidatorName> => [public_or_jwt, public_or_jwt_claims], |ctx| Ok(ctx.identity.validator.map(ValidatorName)));

/// Asks argument type `T` what it needs under auth kind `K`; generated code calls
/// `(&&NeedsOf::<T, K>::new()).declare(needs)`, which picks [`DeclareNeeds`] when `T` is an
/// argument of kind `K` and the silent [`DeclareNothing`] otherwise, so that a wrong argument is
/// reported once, by its extraction.
pub struct NeedsOf<T, K>(PhantomData<fn() -> (T, K)>);

impl<T, K> NeedsOf<T, K> {
    /// The probe.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        NeedsOf(PhantomData)
    }
}

impl<T, K> std::fmt::Debug for NeedsOf<T, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NeedsOf")
    }
}

/// The probe's answer for real arguments.
pub trait DeclareNeeds {
    /// Records the argument's needs.
    fn declare(&self, needs: &mut Needs);
}

impl<T: FromRequest<K>, K> DeclareNeeds for &NeedsOf<T, K> {
    fn declare(&self, needs: &mut Needs) {
        T::needs(needs);
    }
}

/// The probe's answer for types that are not arguments of the kind: nothing.
pub trait DeclareNothing {
    /// Does nothing.
    fn declare(&self, needs: &mut Needs);
}

impl<T, K> DeclareNothing for NeedsOf<T, K> {
    fn declare(&self, _needs: &mut Needs) {}
}
