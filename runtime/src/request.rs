//! What user code sees of a request: the [`AuthRequest`] a custom auth method gets, the
//! [`Identity`] auth establishes, and the [`RequestContext`] handler arguments are extracted
//! from. This layer sits under the registry (whose descriptors name these types) and over the
//! stores; it knows nothing of routing or serving.

use std::any::Any;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderValue, header};

use crate::directory::{Directory, Partner};
use crate::identity::Uid;
use crate::jwt::policy::VerifiedToken;
use crate::render::ErrorView;
use crate::response::{HttpError, IntoResponse, Response};
use crate::rpc::{self, IntoRpcResult, RpcCall, RpcError};
use crate::services::{AuthEnv, Services};
use crate::session::Session;

/// Everything a handler's arguments are extracted from. Built by the pipeline; generated code
/// only moves it around.
#[derive(Debug)]
pub struct RequestContext {
    pub(crate) head: http::request::Parts,
    /// Read only after authentication succeeded.
    pub(crate) body: Bytes,
    pub(crate) params: Vec<(String, String)>,
    /// The matched route's path pattern.
    pub(crate) route: Arc<str>,
    pub(crate) identity: Identity,
    pub(crate) services: Arc<Services>,
    /// The application, for the `App` argument; erased because the application layer sits
    /// above this one.
    pub(crate) app: Arc<dyn Any + Send + Sync>,
    /// `type = "json"`: answers are JSON-RPC envelopes.
    pub(crate) json: bool,
    /// The route's `cors` origin, for every response.
    pub(crate) cors_origin: Option<HeaderValue>,
    pub(crate) rpc: Option<RpcCall>,
    /// `Set-Cookie` values decided before the handler ran (cookie mode).
    pub(crate) set_cookies: Vec<HeaderValue>,
    /// `Set-Cookie` values decided by the handler through [`crate::SessionControl`].
    pub(crate) handler_cookies: Option<Arc<Mutex<Vec<HeaderValue>>>>,
}

impl RequestContext {
    pub(crate) fn services(&self) -> &Arc<Services> {
        &self.services
    }

    /// Renders an extraction failure through the application's error renderer, in the
    /// route's dialect (plain JSON or JSON-RPC) by default.
    #[doc(hidden)]
    pub fn reject(self, rejection: HttpError) -> Response {
        let code = rejection.code();
        let view = ErrorView::new(rejection.status(), &code, rejection.message())
            .on_route(Some(&self.route))
            .on_json_route(self.json);
        let rpc_error = self.json.then(|| RpcError::from(rejection.clone()));
        let view = match &rpc_error {
            Some(rpc_error) => view.rpc(rpc_error, self.rpc_id()),
            None => view,
        };
        let response = self.services.renderer.response(&view);
        self.finish(response)
    }

    fn rpc_id(&self) -> Option<&serde_json::value::RawValue> {
        self.rpc.as_ref().and_then(|call| call.id.as_deref())
    }

    /// Adds what every response of this request carries: cookies and CORS.
    pub(crate) fn finish(self, mut response: Response) -> Response {
        let headers = response.headers_mut();
        for cookie in self.set_cookies {
            headers.append(header::SET_COOKIE, cookie);
        }
        if let Some(cookies) = self.handler_cookies {
            let cookies = match cookies.lock() {
                Ok(mut guard) => std::mem::take(&mut *guard),
                Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
            };
            for cookie in cookies {
                headers.append(header::SET_COOKIE, cookie);
            }
        }
        if let Some(origin) = self.cors_origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        response
    }
}

/// Finishes a `type = "http"` route: the handler's value is the response.
#[doc(hidden)]
pub fn finish_http<R: IntoResponse>(ctx: RequestContext, output: R) -> Response {
    let response = output.into_response();
    ctx.finish(response)
}

/// Finishes a `type = "json"` route: the handler's value becomes the JSON-RPC `result`.
#[doc(hidden)]
pub fn finish_json<R: IntoRpcResult>(ctx: RequestContext, output: R) -> Response {
    let response = match output.into_rpc_result() {
        Ok(value) => rpc::result_response(ctx.rpc_id(), &value),
        Err(err) => rpc::error_response(ctx.rpc_id(), &err),
    };
    ctx.finish(response)
}

/// A custom method's claims-like data; `Debug` does not print it.
pub(crate) struct MethodClaims(pub serde_json::Value);

impl std::fmt::Debug for MethodClaims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MethodClaims([redacted])")
    }
}

/// The identity the route's auth method established.
#[derive(Debug, Default)]
pub(crate) struct Identity {
    /// The authenticated user, if any.
    pub uid: Option<Uid>,
    /// The user the request runs as: the authenticated one, or the public user.
    pub effective_uid: Option<Uid>,
    /// The logged-in session, if the request carried a valid one.
    pub session: Option<Session>,
    /// The partner matched by a JWT validator's partner strategy.
    pub partner: Option<Partner>,
    /// The verified token, on JWT routes.
    pub token: Option<Arc<VerifiedToken>>,
    /// The validator that accepted the token.
    pub validator: Option<&'static str>,
    /// Where the accepting validator's grants live in the token (its `grants.claim`).
    pub grants_claim: Option<&'static str>,
    /// The grants a custom auth method returned.
    pub method_grants: Vec<String>,
    /// The claims-like data a custom auth method returned.
    pub method_claims: Option<MethodClaims>,
    /// A cookie-mode `Set-Cookie` for the response.
    pub set_cookie: Option<http::HeaderValue>,
}

impl Identity {
    pub(crate) fn authenticated(uid: Uid, session: Option<Session>) -> Self {
        Self {
            uid: Some(uid),
            effective_uid: Some(uid),
            session,
            ..Self::default()
        }
    }

    pub(crate) fn anonymous(public_uid: Uid) -> Self {
        Self {
            effective_uid: Some(public_uid),
            ..Self::default()
        }
    }
}

/// What a custom auth method sees: the request head, the logged-in session if any, the user
/// directory, the clock and the application state. Everything it hands out borrows from the
/// request, so an `async` method may hold it across `.await`s (see [`crate::auth_method`]).
///
/// ```
/// use authroute::{AuthError, AuthRequest, Uid, auth_method};
///
/// /// `Authorization: 42` runs as the administrator, or as the logged-in user.
/// #[auth_method]
/// fn custom(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
///     match req.header("authorization") {
///         Some(b"42") => Ok(req.session_uid().unwrap_or(Uid(1))),
///         _ => Err(AuthError::denied("the `Authorization` header must be 42")),
///     }
/// }
/// # fn main() {}
/// ```
#[derive(Debug)]
pub struct AuthRequest<'a> {
    pub(crate) head: &'a http::request::Parts,
    pub(crate) session: Option<&'a Session>,
    pub(crate) env: AuthEnv<'a>,
}

impl<'a> AuthRequest<'a> {
    /// The request head: method, URI, headers.
    pub fn head(&self) -> &'a http::request::Parts {
        self.head
    }

    /// The raw bytes of a header when it appears exactly once; `None` when absent or repeated,
    /// so that a method never picks one of two conflicting values by accident.
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        let mut values = self.head.headers.get_all(name).iter();
        let first = values.next()?;
        match values.next() {
            Some(_) => None,
            None => Some(first.as_bytes()),
        }
    }

    /// The logged-in session, if the request carries a valid session cookie.
    pub fn session(&self) -> Option<&'a Session> {
        self.session
    }

    /// The logged-in user, if any.
    pub fn session_uid(&self) -> Option<Uid> {
        self.session.map(|s| s.uid)
    }

    /// The user directory. Its lookups are futures: an `async` auth method awaits them.
    ///
    /// ```
    /// use authroute::{AuthError, AuthRequest, Uid, auth_method};
    ///
    /// /// `X-User: <uid>` runs as that user while it is active (a test fixture, not security).
    /// #[auth_method(challenge = "X-User")]
    /// async fn trusted_header(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    ///     let refused = || AuthError::denied("an active user id is required in `X-User`");
    ///     let raw = req.header("x-user").ok_or_else(refused)?;
    ///     let uid = std::str::from_utf8(raw).ok().and_then(|s| s.parse().ok()).ok_or_else(refused)?;
    ///     match req.directory().user(Uid(uid)).await {
    ///         Ok(Some(user)) if user.active => Ok(user.id),
    ///         _ => Err(refused()),
    ///     }
    /// }
    /// # fn main() {}
    /// ```
    pub fn directory(&self) -> &'a dyn Directory {
        self.env.directory
    }

    /// The current time, seconds since the Unix epoch, from the application's clock.
    pub fn now(&self) -> i64 {
        self.env.clock.now()
    }

    /// The application state of type `T`, registered with [`crate::AppBuilder::state`].
    ///
    /// ```
    /// use authroute::{AuthError, AuthRequest, Uid, auth_method};
    ///
    /// #[derive(Clone)]
    /// struct ApiKeys(Vec<(String, Uid)>);
    ///
    /// #[auth_method]
    /// fn api_key(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    ///     let keys = req.state::<ApiKeys>().ok_or_else(|| AuthError::denied("no keys"))?;
    ///     let given = req.header("x-api-key").unwrap_or_default();
    ///     keys.0
    ///         .iter()
    ///         .find(|(key, _)| key.as_bytes() == given)
    ///         .map(|(_, uid)| *uid)
    ///         .ok_or_else(|| AuthError::denied("a valid `X-Api-Key` header is required"))
    /// }
    /// # fn main() {}
    /// ```
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&'a T> {
        self.env.state.get::<T>()
    }
}
