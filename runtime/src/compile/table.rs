//! The compiled route table: what startup produces and the request pipeline reads. Every entry
//! holds its ready authenticator, so serving a request never looks anything up by name.

use std::sync::Arc;

use http::{HeaderMap, HeaderValue, Method, header};

use crate::auth::Authenticator;
use crate::registry::RouteDef;

/// A route, ready to serve.
#[derive(Debug)]
pub(crate) struct RouteEntry {
    pub def: &'static RouteDef,
    /// The served path pattern: the declared path under its route set's prefix.
    pub path: Arc<str>,
    pub auth: Authenticator,
    pub cors_origin: Option<HeaderValue>,
    /// `Access-Control-Allow-Methods` of a preflight.
    pub methods_header: HeaderValue,
    /// The route's row in listings.
    pub info: RouteInfo,
}

impl RouteEntry {
    pub(crate) fn add_cors_headers(&self, headers: &mut HeaderMap) {
        if let Some(origin) = &self.cors_origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        }
    }
}

impl RouteInfo {
    pub(crate) fn new(def: &RouteDef, path: &str) -> Self {
        RouteInfo {
            methods: def.methods.to_vec(),
            path: path.to_string(),
            auth: def.auth_name,
            route_type: if def.json { "json" } else { "http" },
            handler: def.name,
            grants: def.grants.all.to_vec(),
            any_grants: def.grants.any.to_vec(),
            groups: def.groups.all.to_vec(),
            any_groups: def.groups.any.to_vec(),
        }
    }
}

/// The routes of one path, by method (`None`: every method).
pub(crate) type MethodRoutes = Vec<(Option<Method>, Arc<RouteEntry>)>;

/// All routes sharing one path pattern.
#[derive(Debug)]
pub(crate) struct PathEntry {
    pub routes: MethodRoutes,
    /// The `Allow` header of a 405.
    pub allow: HeaderValue,
}

impl PathEntry {
    pub(crate) fn route_for(&self, method: &Method) -> Option<&Arc<RouteEntry>> {
        self.routes
            .iter()
            .find(|(m, _)| m.as_ref().is_none_or(|m| m == method))
            .map(|(_, route)| route)
    }
}

/// The dispatch table: path patterns (`matchit`) to their routes.
#[derive(Debug)]
pub(crate) struct RouteTable {
    pub paths: matchit::Router<usize>,
    pub entries: Vec<PathEntry>,
}

impl RouteTable {
    pub(crate) fn len(&self) -> usize {
        self.entries.iter().map(|e| e.routes.len()).sum()
    }

    /// The routes of the path pattern matching `path`, with the path's parameters.
    pub(crate) fn at<'r, 'p>(
        &'r self,
        path: &'p str,
    ) -> Option<(&'r PathEntry, matchit::Params<'r, 'p>)> {
        let matched = self.paths.at(path).ok()?;
        Some((&self.entries[*matched.value], matched.params))
    }

    /// The route serving `method` on `path`, if any.
    pub(crate) fn route(&self, method: &Method, path: &str) -> Option<&Arc<RouteEntry>> {
        self.at(path)?.0.route_for(method)
    }

    pub(crate) fn infos(&self) -> Vec<RouteInfo> {
        let mut infos: Vec<RouteInfo> = self
            .entries
            .iter()
            .flat_map(|entry| entry.routes.iter())
            .map(|(_, route)| route.info.clone())
            .collect();
        infos.sort_by(|a, b| (&a.path, &a.methods).cmp(&(&b.path, &b.methods)));
        infos.dedup();
        infos
    }
}

/// One row of the route table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct RouteInfo {
    /// Accepted methods; empty means all.
    pub methods: Vec<&'static str>,
    /// The path pattern, with its route set's prefix.
    pub path: String,
    /// The auth string.
    pub auth: &'static str,
    /// `http` or `json`.
    #[serde(rename = "type")]
    pub route_type: &'static str,
    /// The handler's `module::function`.
    pub handler: &'static str,
    /// The grants (scopes, roles) a token must carry, all of them.
    pub grants: Vec<&'static str>,
    /// Grants of which a token must carry one (empty: no such requirement).
    pub any_grants: Vec<&'static str>,
    /// The groups (`user` and `public` routes) the session user must be in, all of them.
    pub groups: Vec<&'static str>,
    /// Groups of which the session user must be in one (empty: no such requirement).
    pub any_groups: Vec<&'static str>,
}
