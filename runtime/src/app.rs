//! Startup: collect what the macros registered, check the whole configuration once, build the
//! dispatch table. Every problem is reported together; a configuration that starts is one that
//! cannot fail per request for a configuration reason.

use std::fmt;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::directory::Directory;
use crate::dispatch::{Router, RouterBuilder};
use crate::identity::Uid;
use crate::jwt::config::{self as jwt_config, UserStrategy, Validators};
use crate::registry;
use crate::session::SessionStore;

/// Settings with their defaults; change them through [`AppBuilder`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Realm of `WWW-Authenticate` challenges that no validator names (default `authroute`).
    pub realm: String,
    /// The user anonymous `public` requests run as.
    pub public_uid: Option<Uid>,
    /// Largest accepted request body in bytes (default 1 MiB); larger is 413.
    pub body_limit: usize,
    /// Largest accepted request head in bytes (default 64 KiB).
    pub header_limit: usize,
    /// Session lifetime in seconds (default 7 days), renewed while in use.
    pub session_ttl: i64,
    /// `Secure` attribute of the session cookie (default on).
    pub secure_session_cookie: bool,
    /// Secret signing cookie-mode tokens (default: `AUTHROUTE_COOKIE_SECRET`).
    pub cookie_secret: Option<crate::Secret<Vec<u8>>>,
    /// JWKS fetching and caching.
    pub jwks: crate::jwt::jwks::JwksSettings,
    /// Values for `env("VAR")` references, taking precedence over the process environment.
    pub vars: std::collections::HashMap<String, crate::Secret<String>>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            realm: "authroute".to_string(),
            public_uid: None,
            body_limit: 1024 * 1024,
            header_limit: 64 * 1024,
            session_ttl: 7 * 24 * 3600,
            secure_session_cookie: true,
            cookie_secret: None,
            jwks: Default::default(),
            vars: Default::default(),
        }
    }
}

/// A configured application: the dispatch table plus its stores. Cheap to clone.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let app = authroute::App::builder().public_uid(authroute::Uid(3)).build().await?;
/// app.serve("127.0.0.1:8069".parse()?).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct App {
    inner: Arc<AppInner>,
}

struct AppInner {
    router: Router,
    validators: Validators,
    directory: Arc<dyn Directory>,
    sessions: Arc<dyn SessionStore>,
    clock: Arc<dyn Clock>,
    config: Config,
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("routes", &self.inner.router.len())
            .field("config", &self.inner.config)
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
        &*self.inner.directory
    }

    /// The session store.
    pub fn sessions(&self) -> &dyn SessionStore {
        &*self.inner.sessions
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The current time, seconds since the Unix epoch, from the configured clock.
    pub fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    /// Every route: method list, path, auth string and handler, sorted by path.
    pub fn routes(&self) -> Vec<RouteInfo> {
        self.inner.router.route_infos()
    }

    pub(crate) fn router(&self) -> &Router {
        &self.inner.router
    }

    pub(crate) fn validators(&self) -> &Validators {
        &self.inner.validators
    }

    /// The ready validator with this name.
    pub fn validator(&self, name: &str) -> Option<&crate::jwt::config::Validator> {
        self.inner.validators.by_name.get(name).map(|v| &**v)
    }

    /// Startup checks guarantee a public uid wherever `public` is used.
    pub(crate) fn public_uid_or_default(&self) -> Uid {
        self.inner.config.public_uid.unwrap_or(Uid(0))
    }
}

/// One row of the route table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RouteInfo {
    /// Accepted methods; empty means all.
    pub methods: Vec<&'static str>,
    /// The path pattern.
    pub path: &'static str,
    /// The auth string.
    pub auth: &'static str,
    /// `http` or `json`.
    #[serde(rename = "type")]
    pub route_type: &'static str,
    /// The handler's `module::function`.
    pub handler: &'static str,
}

/// Configures and builds an [`App`].
#[derive(Default)]
pub struct AppBuilder {
    directory: Option<Arc<dyn Directory>>,
    sessions: Option<Arc<dyn SessionStore>>,
    clock: Option<Arc<dyn Clock>>,
    config: Config,
    extra_routes: Vec<&'static crate::registry::RouteDef>,
}

impl fmt::Debug for AppBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppBuilder")
            .field("config", &self.config)
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

    /// Session lifetime in seconds.
    pub fn session_ttl(mut self, seconds: i64) -> Self {
        self.config.session_ttl = seconds;
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
        self.config.cookie_secret = Some(crate::Secret::new(secret.into()));
        self
    }

    /// A value for a validator's `env("VAR")` reference, taking precedence over the process
    /// environment: configuration from a file, a secret manager, or a test.
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.config
            .vars
            .insert(name.into(), crate::Secret::new(value.into()));
        self
    }

    /// JWKS fetching and caching settings.
    pub fn jwks_settings(mut self, settings: crate::jwt::jwks::JwksSettings) -> Self {
        self.config.jwks = settings;
        self
    }

    /// Adds routes built at run time to those registered by `#[route]`. Not part of the API:
    /// the scale benchmarks use it to serve thousands of routes without compiling thousands
    /// of handlers. The routes go through the same startup checks.
    #[doc(hidden)]
    pub fn __extra_routes(
        mut self,
        routes: impl IntoIterator<Item = &'static crate::registry::RouteDef>,
    ) -> Self {
        self.extra_routes.extend(routes);
        self
    }

    /// Collects the registered routes and auth methods, checks everything, and builds the
    /// application. Every problem found is reported in one [`StartupError`].
    pub async fn build(mut self) -> Result<App, StartupError> {
        let mut problems = Vec::new();
        if self.config.cookie_secret.is_none() {
            self.config.cookie_secret = std::env::var("AUTHROUTE_COOKIE_SECRET")
                .ok()
                .map(|secret| crate::Secret::new(secret.into_bytes()));
        }
        let directory = self.directory.unwrap_or_else(crate::defaults::directory);
        let sessions = self.sessions.unwrap_or_else(crate::defaults::sessions);
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));

        let auth_methods: Vec<_> = registry::auth_methods().collect();
        for (i, method) in auth_methods.iter().enumerate() {
            if let Some(first) = auth_methods[..i].iter().find(|m| m.name == method.name) {
                problems.push(format!(
                    "auth method `{}` is declared twice: `{}` and `{}`; rename one of them",
                    method.name, first.defined_at, method.defined_at
                ));
            }
        }

        let (validators, mut validator_problems, _) = jwt_config::resolve_all(
            self.config.cookie_secret.as_ref(),
            &clock,
            &self.config.jwks,
            &self.config.vars,
        );
        problems.append(&mut validator_problems);
        let mut static_uids: Vec<(&str, i64)> = validators
            .by_name
            .values()
            .filter_map(|v| match v.def().user {
                UserStrategy::Static(uid) => Some((v.name, uid)),
                UserStrategy::Custom(_) => None,
            })
            .collect();
        static_uids.sort_unstable();
        for (name, uid) in static_uids {
            let role = format!("the static user of validator `{name}`");
            check_uid_exists(&*directory, Uid(uid), &role, &mut problems).await;
        }

        let mut router = RouterBuilder::new(&auth_methods, &validators);
        for route in registry::routes().chain(self.extra_routes.iter().copied()) {
            router.add(route);
        }
        let (router, mut route_problems) = router.finish();
        problems.append(&mut route_problems);

        if router.uses_public() {
            match self.config.public_uid {
                None => problems.push(
                    "routes use auth `public` (or `public_or_jwt*`) but no public user is configured; call `AppBuilder::public_uid`".to_string(),
                ),
                Some(uid) => check_uid_exists(&*directory, uid, "the public user", &mut problems).await,
            }
        }

        if !problems.is_empty() {
            return Err(StartupError { problems });
        }
        // JWKS: first fetch and periodic refresh in the background, so that the server starts
        // even when a key server is down, and recovers when it comes back.
        for validator in validators.by_name.values() {
            if let crate::jwt::config::VerificationKey::Jwks(cache) = &validator.key {
                let first = cache.clone();
                tokio::spawn(async move { first.refresh_now().await });
                crate::jwt::jwks::spawn_refresher(cache);
            }
        }
        Ok(App {
            inner: Arc::new(AppInner {
                router,
                validators,
                directory,
                sessions,
                clock,
                config: self.config,
            }),
        })
    }
}

/// Records a problem unless `uid` names an active user of the directory.
pub(crate) async fn check_uid_exists(
    directory: &dyn Directory,
    uid: Uid,
    role: &str,
    problems: &mut Vec<String>,
) {
    match directory.user(uid).await {
        Ok(Some(user)) if user.active => {}
        Ok(Some(_)) => problems.push(format!(
            "{role} (uid {uid}) is inactive in the directory; activate it or configure another uid"
        )),
        Ok(None) => problems.push(format!(
            "{role} (uid {uid}) does not exist in the directory; create it or configure another uid"
        )),
        Err(err) => problems.push(format!(
            "could not check {role} (uid {uid}) in the directory: {err}"
        )),
    }
}

/// The configuration is not valid; the server does not start. Lists every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupError {
    /// One line per problem, each naming the culprit and the fix.
    pub problems: Vec<String>,
}

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the application configuration has {} problem{}:",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StartupError {}
