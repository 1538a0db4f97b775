//! Route sets: which declared routes an application serves, and under which prefix.

use std::sync::Arc;

use crate::registry::{self, RouteDef};

/// A set of declared routes, optionally under a path prefix.
///
/// An application built without one serves every `#[route]` in the binary
/// ([`RouteSet::all`]). With [`crate::AppBuilder::routes`] or [`crate::AppBuilder::mount`] it
/// serves exactly the sets it is given, so two applications with different routes can live in
/// one process.
///
/// ```
/// use authroute::{RouteSet, route, routes};
///
/// #[route("/me", methods = ["GET"], auth = "none")]
/// async fn me() -> &'static str { "me" }
///
/// #[route("/health", methods = ["GET"], auth = "none")]
/// async fn health() -> &'static str { "ok" }
///
/// fn main() {
///     let api = routes![me].nest("/api/v1"); // serves /api/v1/me
///     let all = api.merge(routes![health]); // and /health
///     assert_eq!(all.len(), 2);
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct RouteSet {
    routes: Vec<SetRoute>,
}

/// A route of a set: its declaration, and the prefix it is served under.
#[derive(Debug, Clone)]
pub(crate) struct SetRoute {
    pub def: &'static RouteDef,
    /// `/a/b` or empty; checked at startup.
    pub prefix: Arc<str>,
}

impl SetRoute {
    /// The served path pattern. A route declared as `/` under `/api` is served at `/api`.
    pub(crate) fn path(&self) -> String {
        match (self.prefix.is_empty(), self.def.path) {
            (true, path) => path.to_string(),
            (false, "/") => self.prefix.to_string(),
            (false, path) => format!("{}{path}", self.prefix),
        }
    }
}

impl RouteSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every `#[route]` in the binary, the routes of linked crates included.
    pub fn all() -> Self {
        registry::routes().collect()
    }

    #[doc(hidden)]
    pub fn __from_defs<const N: usize>(defs: [&'static RouteDef; N]) -> Self {
        defs.into_iter().collect()
    }

    /// This set and `other`'s routes.
    pub fn merge(mut self, other: RouteSet) -> Self {
        self.routes.extend(other.routes);
        self
    }

    /// The same routes under `prefix` (such as `/api`: a leading `/`, no trailing `/`, no
    /// parameters; checked at startup). Nesting twice stacks the prefixes.
    pub fn nest(self, prefix: &str) -> Self {
        let routes = self
            .routes
            .into_iter()
            .map(|route| SetRoute {
                prefix: format!("{prefix}{}", route.prefix).into(),
                def: route.def,
            })
            .collect();
        RouteSet { routes }
    }

    /// How many routes the set holds.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether the set holds no route.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    pub(crate) fn into_routes(self) -> Vec<SetRoute> {
        self.routes
    }
}

impl FromIterator<&'static RouteDef> for RouteSet {
    fn from_iter<I: IntoIterator<Item = &'static RouteDef>>(iter: I) -> Self {
        let empty: Arc<str> = Arc::from("");
        RouteSet {
            routes: iter
                .into_iter()
                .map(|def| SetRoute {
                    def,
                    prefix: empty.clone(),
                })
                .collect(),
        }
    }
}

/// Why a prefix given to [`RouteSet::nest`] cannot be used, if it cannot.
pub(crate) fn prefix_problem(prefix: &str) -> Option<&'static str> {
    if prefix.is_empty() {
        None
    } else if !prefix.starts_with('/') {
        Some("a prefix starts with `/`")
    } else if prefix.ends_with('/') {
        Some("a prefix does not end with `/`")
    } else if prefix.contains(['{', '}', '*', '?', '#']) {
        Some("a prefix is literal path segments, without parameters, `*`, `?` or `#`")
    } else if prefix.contains("//") {
        Some("a prefix has no empty segment (`//`)")
    } else {
        None
    }
}
