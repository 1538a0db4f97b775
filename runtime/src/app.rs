//! The application: [`AppBuilder`] gathers routes, stores, settings and state, compiles them
//! once ([`crate::compile`]) and yields an [`App`], the ready request pipeline, which serves
//! HTTP itself ([`App::serve`]) or runs inside another server as a `tower::Service`.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request};
use http_body::Body;
use tokio::net::TcpListener;

use crate::clock::{Clock, SystemClock};
use crate::compile::table::RouteInfo;
use crate::compile::{self, Inputs, StartupError};
use crate::config::Config;
use crate::directory::Directory;
use crate::extract::{FromRequest, Sealed};
use crate::identity::Uid;
use crate::pipeline::Pipeline;
use crate::render::{ErrorRenderer, Renderer};
use crate::request::RequestContext;
use crate::response::{HttpError, Response};
use crate::route_set::RouteSet;
use crate::secret::Secret;
use crate::server::{self, ServerHandle, ServerSettings};
use crate::services::Services;
use crate::session::{SessionStore, Sweeper};
use crate::state::StateMap;

/// A configured application: the compiled route table plus its stores. Cheap to clone.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let app = authroute::App::builder().public_uid(authroute::Uid(3)).build().await?;
/// app.serve("127.0.0.1:8069".parse()?).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct App {
    pipeline: Arc<Pipeline>,
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let services = &self.pipeline.services;
        f.debug_struct("App")
            .field("routes", &self.pipeline.table.len())
            .field("validators", &self.pipeline.validators)
            .field("config", &services.config)
            .field("state", &services.state)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Starts configuring an application.
    pub fn builder() -> AppBuilder {
        AppBuilder::default()
    }

    /// The user directory.
    pub fn directory(&self) -> &dyn Directory {
        &*self.pipeline.services.directory
    }

    /// The session store.
    pub fn sessions(&self) -> &dyn SessionStore {
        &*self.pipeline.services.sessions
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.pipeline.services.config
    }

    /// The current time, seconds since the Unix epoch, from the configured clock.
    pub fn now(&self) -> i64 {
        self.pipeline.services.now()
    }

    /// The application state of type `T`, if one was registered with [`AppBuilder::state`].
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.pipeline.services.state.get::<T>()
    }

    /// The OpenAPI 3.1 document of the routes and their security (feature `openapi`); set its
    /// `info` before serving it.
    #[cfg(feature = "openapi")]
    pub fn openapi(&self) -> utoipa::openapi::OpenApi {
        crate::openapi::document(&self.pipeline)
    }

    /// Every route: method list, path, auth string and handler, sorted by path.
    pub fn routes(&self) -> Vec<RouteInfo> {
        self.pipeline.table.infos()
    }

    /// The route that serves `method` on `path` (a request path, such as `/orders/7`), if any:
    /// the dispatch table's lookup alone, without running anything.
    pub fn route_for(&self, method: &Method, path: &str) -> Option<&RouteInfo> {
        self.pipeline
            .table
            .route(method, path)
            .map(|route| &route.info)
    }

    /// The ready validator with this name.
    pub fn validator(&self, name: &str) -> Option<&crate::jwt::Validator> {
        self.pipeline.validators.by_name.get(name).map(|v| &**v)
    }

    /// Serves one request in process: the whole pipeline (route, preflight, authenticate,
    /// read the body, run the handler). Never fails: every error is a response.
    pub async fn handle<B>(&self, request: Request<B>) -> Response
    where
        B: Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.pipeline.handle(request).await
    }

    /// Binds `addr` and serves until Ctrl-C or SIGTERM, then drains open connections.
    pub async fn serve(self, addr: SocketAddr) -> io::Result<()> {
        let listener = TcpListener::bind(addr).await?;
        self.serve_listener(listener, server::shutdown_signal())
            .await
    }

    /// Serves on an already bound listener until `shutdown` completes.
    pub async fn serve_listener(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> io::Result<()> {
        let settings = self.server_settings();
        server::serve(listener, self, settings, shutdown).await
    }

    /// Starts serving on `addr` in the background (port 0 picks a free port) and returns a
    /// handle with the bound address; for tests and embedding.
    ///
    /// ```no_run
    /// # async fn run(app: authroute::App) -> std::io::Result<()> {
    /// let server = app.spawn("127.0.0.1:0".parse().unwrap()).await?;
    /// println!("listening on {}", server.addr());
    /// server.shutdown().await;
    /// # Ok(()) }
    /// ```
    pub async fn spawn(self, addr: SocketAddr) -> io::Result<ServerHandle> {
        let listener = TcpListener::bind(addr).await?;
        let settings = self.server_settings();
        server::spawn(listener, self, settings)
    }

    /// Binds `addr` and serves the application wrapped in `layer` (a `tower` layer or stack,
    /// such as `tower-http`'s trace, timeout, compression or request-id layers) until Ctrl-C
    /// or SIGTERM.
    ///
    /// ```no_run
    /// # async fn run(app: authroute::App) -> std::io::Result<()> {
    /// // Any `tower::Layer<App>` whose service answers `http::Response`s.
    /// let layer = tower_layer::Identity::new();
    /// app.serve_with("127.0.0.1:8069".parse().unwrap(), layer).await
    /// # }
    /// ```
    pub async fn serve_with<L, B>(self, addr: SocketAddr, layer: L) -> io::Result<()>
    where
        L: tower_layer::Layer<App>,
        L::Service: tower_service::Service<Request<hyper::body::Incoming>, Response = http::Response<B>>
            + Clone
            + Send
            + 'static,
        <L::Service as tower_service::Service<Request<hyper::body::Incoming>>>::Future:
            Send + 'static,
        <L::Service as tower_service::Service<Request<hyper::body::Incoming>>>::Error:
            Into<Box<dyn std::error::Error + Send + Sync>>,
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let listener = TcpListener::bind(addr).await?;
        let settings = self.server_settings();
        let service = layer.layer(self);
        server::serve(listener, service, settings, server::shutdown_signal()).await
    }

    /// As [`spawn`](Self::spawn), with the application wrapped in `layer` (see
    /// [`serve_with`](Self::serve_with)).
    pub async fn spawn_with<L, B>(self, addr: SocketAddr, layer: L) -> io::Result<ServerHandle>
    where
        L: tower_layer::Layer<App>,
        L::Service: tower_service::Service<Request<hyper::body::Incoming>, Response = http::Response<B>>
            + Clone
            + Send
            + 'static,
        <L::Service as tower_service::Service<Request<hyper::body::Incoming>>>::Future:
            Send + 'static,
        <L::Service as tower_service::Service<Request<hyper::body::Incoming>>>::Error:
            Into<Box<dyn std::error::Error + Send + Sync>>,
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let listener = TcpListener::bind(addr).await?;
        let settings = self.server_settings();
        server::spawn(listener, layer.layer(self), settings)
    }

    /// The application's routes as an `axum::Router` (feature `axum`): nest it, merge it,
    /// layer it like any other router. See [`crate::axum`].
    #[cfg(feature = "axum")]
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> ::axum::Router<S> {
        crate::axum::router(&self.pipeline)
    }

    /// An auth method as a tower layer for plain axum handlers (feature `axum`), named with
    /// [`auth!`](crate::auth): `get(me).layer(app.auth_layer(auth!("jwt_demo"))?)`. The
    /// handler then takes the identity through authroute's extractors. Fails when the
    /// validator was not made ready (an application built from explicit route sets readies
    /// only the validators its routes and [`AppBuilder::authenticates`] name) or when a
    /// `public*` method has no public user.
    #[cfg(feature = "axum")]
    pub fn auth_layer(&self, auth: crate::Auth) -> Result<crate::axum::AuthLayer, StartupError> {
        let authenticator = compile::authenticator(
            auth.def(),
            &self.pipeline.validators,
            "(axum layer)",
            auth.name(),
        )
        .map_err(|problem| StartupError::new(vec![problem]))?;
        let (authenticator, public) = authenticator;
        if public && self.config().public_uid.is_none() {
            return Err(StartupError::new(vec![compile::Problem::NoPublicUser]));
        }
        Ok(crate::axum::AuthLayer::new(
            self.pipeline.clone(),
            authenticator,
            auth.name(),
        ))
    }

    fn server_settings(&self) -> ServerSettings {
        let config = self.config();
        ServerSettings {
            header_limit: config.header_limit,
            head_timeout: config.head_timeout,
        }
    }
}

impl<B> tower_service::Service<Request<B>> for App
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let pipeline = self.pipeline.clone();
        Box::pin(async move { Ok(pipeline.handle(request).await) })
    }
}

impl Sealed for App {}

/// The application itself, as a handler argument: stores, configuration, routes.
impl<K> FromRequest<K> for App {
    fn from_request(ctx: &mut RequestContext) -> Result<Self, HttpError> {
        match ctx.app.clone().downcast::<Pipeline>() {
            Ok(pipeline) => Ok(App { pipeline }),
            Err(_) => Err(HttpError::new(
                http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal error while preparing the request",
            )),
        }
    }
}

/// Configures and builds an [`App`].
#[derive(Default)]
pub struct AppBuilder {
    directory: Option<Arc<dyn Directory>>,
    sessions: Option<Arc<dyn SessionStore>>,
    clock: Option<Arc<dyn Clock>>,
    config: Config,
    routes: Option<RouteSet>,
    state: StateMap,
    /// Auth methods used outside routes (axum layers), whose validators must be ready.
    extra_auth: Vec<crate::Auth>,
    renderer: Renderer,
}

impl fmt::Debug for AppBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppBuilder")
            .field("config", &self.config)
            .field("routes", &self.routes.as_ref().map(RouteSet::len))
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl AppBuilder {
    /// The user directory (default: an empty in-memory one).
    pub fn directory(mut self, directory: Arc<dyn Directory>) -> Self {
        self.directory = Some(directory);
        self
    }

    /// The session store (default: in memory).
    pub fn sessions(mut self, sessions: Arc<dyn SessionStore>) -> Self {
        self.sessions = Some(sessions);
        self
    }

    /// The clock (default: the system clock). Tests inject a [`crate::clock::ManualClock`].
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Serves the routes of `set` (added to those of earlier calls). Without any call to
    /// `routes` or [`mount`](Self::mount), the application serves every `#[route]` in the
    /// binary ([`RouteSet::all`]) and makes every declared validator ready at startup; with
    /// explicit sets, only the validators their routes use (and chain to) are made ready, so
    /// two applications in one process need only their own validators' configuration.
    pub fn routes(mut self, set: RouteSet) -> Self {
        let routes = self.routes.take().unwrap_or_default();
        self.routes = Some(routes.merge(set));
        self
    }

    /// Serves the routes of `set` under `prefix`: `mount("/api", routes![me])` serves the route
    /// declared as `/me` at `/api/me` only. See [`routes`](Self::routes).
    pub fn mount(self, prefix: &str, set: RouteSet) -> Self {
        self.routes(set.nest(prefix))
    }

    /// Declares an auth method used outside the application's routes, by an axum layer
    /// (`App::auth_layer`, feature `axum`): with explicit route sets, its validator is then made ready too.
    /// (An application serving every route of the binary readies every validator anyway.)
    pub fn authenticates(mut self, auth: crate::Auth) -> Self {
        self.extra_auth.push(auth);
        self
    }

    /// Registers application state: a database pool, a client, settings. Handlers take it as
    /// [`crate::State<T>`], custom auth methods through [`crate::AuthRequest::state`]. One value
    /// per type; registering a type again replaces the earlier value. A route that takes a
    /// `State<T>` whose `T` was never registered is a startup error.
    ///
    /// ```
    /// use authroute::{State, route};
    ///
    /// #[derive(Clone)]
    /// struct Greeting(&'static str);
    ///
    /// #[route("/hello", methods = ["GET"], auth = "none")]
    /// async fn hello(State(greeting): State<Greeting>) -> &'static str {
    ///     greeting.0
    /// }
    ///
    /// # async fn run() -> Result<(), authroute::StartupError> {
    /// let app = authroute::App::builder().state(Greeting("hi")).build().await?;
    /// # Ok(()) }
    /// # fn main() {}
    /// ```
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// Decides the body and extra headers of every error the framework answers itself (404,
    /// 405, 401, 403, 400, 413, 408, 503, 500 and the JSON-RPC error objects of those); the
    /// status, `WWW-Authenticate`, `Retry-After`, `Allow` and CORS headers stay the
    /// framework's. Default: [`DefaultErrorRenderer`](crate::DefaultErrorRenderer). See
    /// [`ErrorRenderer`] for what a renderer may and may not change.
    ///
    /// ```
    /// use authroute::{ErrorView, RenderedError};
    ///
    /// let builder = authroute::App::builder().error_renderer(|error: &ErrorView<'_>| {
    ///     RenderedError::new("text/plain; charset=utf-8", error.message().to_owned())
    /// });
    /// # let _ = builder;
    /// ```
    pub fn error_renderer(mut self, renderer: impl ErrorRenderer) -> Self {
        self.renderer = Renderer(Arc::new(renderer));
        self
    }

    /// The user anonymous `public` requests run as; it must exist in the directory.
    pub fn public_uid(mut self, uid: Uid) -> Self {
        self.config.public_uid = Some(uid);
        self
    }

    /// The realm of challenges no validator names.
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.config.realm = realm.into();
        self
    }

    /// The largest accepted request body, in bytes.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// How long a client may take to send a request head (default 15 s); the connection is
    /// closed past it.
    pub fn head_timeout(mut self, timeout: Duration) -> Self {
        self.config.head_timeout = timeout;
        self
    }

    /// How long a client may take to send a request body once authenticated (default 30 s);
    /// past it the answer is 408.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.config.body_timeout = timeout;
        self
    }

    /// How long a handler may run (default 30 s); past it the answer is 503.
    pub fn handler_timeout(mut self, timeout: Duration) -> Self {
        self.config.handler_timeout = timeout;
        self
    }

    /// Session lifetime (default 7 days), renewed while the session is in use.
    pub fn session_ttl(mut self, ttl: Duration) -> Self {
        self.config.session_ttl = ttl;
        self
    }

    /// How often expired sessions are deleted from the store (default 10 minutes).
    pub fn session_sweep_interval(mut self, every: Duration) -> Self {
        self.config.session_sweep_interval = every;
        self
    }

    /// Whether the session cookie is `Secure` (default on; turn off only for plain-http
    /// development).
    pub fn secure_session_cookie(mut self, secure: bool) -> Self {
        self.config.secure_session_cookie = secure;
        self
    }

    /// The secret that signs cookie-mode tokens (at least 32 bytes). Without it, the
    /// `AUTHROUTE_COOKIE_SECRET` environment variable is read at startup.
    pub fn cookie_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.config.cookie_secret = Some(Secret::new(secret.into()));
        self
    }

    /// A value for a validator's `env("VAR")` reference, taking precedence over the process
    /// environment: configuration from a file, a secret manager, or a test.
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.config
            .vars
            .insert(name.into(), Secret::new(value.into()));
        self
    }

    /// JWKS fetching and caching settings.
    pub fn jwks_settings(mut self, settings: crate::jwt::jwks::JwksSettings) -> Self {
        self.config.jwks = settings;
        self
    }

    /// Checks everything and builds the application. Every problem found is reported in one
    /// [`StartupError`].
    pub async fn build(mut self) -> Result<App, StartupError> {
        if self.config.cookie_secret.is_none() {
            self.config.cookie_secret = std::env::var("AUTHROUTE_COOKIE_SECRET")
                .ok()
                .map(|secret| Secret::new(secret.into_bytes()));
        }
        let directory = self.directory.unwrap_or_else(crate::defaults::directory);
        let sessions = self.sessions.unwrap_or_else(crate::defaults::sessions);
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let all_routes = self.routes.is_none();
        let routes = self.routes.unwrap_or_else(RouteSet::all).into_routes();

        let compiled = compile::compile(Inputs {
            routes,
            all_routes,
            extra_auth: self.extra_auth.iter().map(crate::Auth::def).collect(),
            config: &self.config,
            clock: &clock,
            directory: &*directory,
            state: &self.state,
        })
        .await?;

        // JWKS: first fetch and periodic refresh in the background, so that the server starts
        // even when a key server is down, and recovers when it comes back.
        #[cfg(feature = "jwks")]
        for validator in compiled.validators.by_name.values() {
            if let crate::jwt::config::VerificationKey::Jwks(cache) = &validator.key {
                let first = cache.clone();
                tokio::spawn(async move { first.refresh_now().await });
                crate::jwt::jwks::spawn_refresher(cache);
            }
        }
        let sweeper = Sweeper::spawn(
            sessions.clone(),
            clock.clone(),
            self.config.session_sweep_interval,
        );
        let services = Services {
            directory,
            sessions,
            clock,
            _sweeper: sweeper,
            config: self.config,
            state: self.state,
            renderer: self.renderer,
        };
        Ok(App {
            pipeline: Arc::new(Pipeline {
                table: compiled.table,
                validators: compiled.validators,
                services: Arc::new(services),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::session::MemorySessionStore;

    #[tokio::test(start_paused = true)]
    async fn the_app_sweeps_expired_sessions_while_it_lives() {
        let clock = Arc::new(ManualClock::new(1_000));
        let sessions: Arc<dyn SessionStore> = Arc::new(MemorySessionStore::new());
        let app = App::builder()
            .routes(RouteSet::new())
            .clock(clock.clone())
            .sessions(sessions.clone())
            .session_sweep_interval(Duration::from_secs(60))
            .build()
            .await
            .expect("starts");
        sessions.create(Uid(1), 1_000, 10).await.unwrap();
        clock.advance(20);
        // Two sweep periods: the sweeper deletes the expired session, so nothing is left.
        tokio::time::sleep(Duration::from_secs(121)).await;
        assert_eq!(sessions.expire(clock.now()).await.unwrap(), 0);

        drop(app);
        sessions.create(Uid(1), clock.now(), 10).await.unwrap();
        clock.advance(20);
        tokio::time::sleep(Duration::from_secs(121)).await;
        assert_eq!(
            sessions.expire(clock.now()).await.unwrap(),
            1,
            "no sweeping after the app is gone"
        );
    }
}
