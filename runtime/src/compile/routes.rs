//! The route table builder: one entry per declared route, its auth method resolved to a ready
//! [`Authenticator`], path and method clashes reported.

use std::collections::HashMap;
use std::sync::Arc;

use http::{HeaderValue, Method};

use super::problem::Problem;
use super::table::{MethodRoutes, PathEntry, RouteEntry, RouteInfo, RouteTable};
use crate::auth::Authenticator;
use crate::auth::jwt::JwtAuth;
use crate::jwt::config::{UserStrategy, Validator, ValidatorDef, Validators};
use crate::registry::{AuthDef, RouteDef};
use crate::route_set::SetRoute;

/// Builds the [`RouteTable`] while collecting configuration problems.
pub(crate) struct TableBuilder<'a> {
    validators: &'a Validators,
    paths: matchit::Router<usize>,
    entries: Vec<MethodRoutes>,
    /// Path pattern to its index in `entries`: startup stays linear in the number of routes.
    index_of: HashMap<Arc<str>, usize>,
    pub problems: Vec<Problem>,
    /// Some route runs as the public user when anonymous.
    pub uses_public: bool,
}

impl<'a> TableBuilder<'a> {
    pub(crate) fn new(validators: &'a Validators) -> Self {
        Self {
            validators,
            paths: matchit::Router::new(),
            entries: Vec::new(),
            index_of: HashMap::new(),
            problems: Vec::new(),
            uses_public: false,
        }
    }

    /// What `#[route]` checks at compile time for a named validator, checked here for `jwt`
    /// and `public_or_jwt` alone, which learn their validator only at startup: the handler's
    /// arguments assume a validator that finds a user, and the grants must be declared.
    fn check_sole_validator(&mut self, def: &RouteDef, path: &str, validator: &Validator) {
        if matches!(validator.def().user, UserStrategy::ClaimsOnly) {
            self.problems.push(Problem::SoleClaimsOnly {
                path: path.to_string(),
                handler: def.name.to_string(),
                validator: validator.name.to_string(),
            });
        }
        let known = validator.def().grants.map_or(&[][..], |g| g.known);
        for grant in def.grants.all.iter().chain(def.grants.any) {
            if !known.contains(grant) {
                self.problems.push(Problem::UnknownGrant {
                    path: path.to_string(),
                    handler: def.name.to_string(),
                    grant: grant.to_string(),
                    validator: validator.name.to_string(),
                });
            }
        }
    }

    pub(crate) fn add(&mut self, route: &SetRoute) {
        let def = route.def;
        let path: Arc<str> = route.path().into();
        let Some(auth) = self.authenticator(def.auth, &path, def.name) else {
            return;
        };
        let sole = matches!(def.auth, AuthDef::SoleJwt | AuthDef::SolePublicOrJwt);
        if let (true, Authenticator::Jwt(jwt)) = (sole, &auth) {
            self.check_sole_validator(def, &path, jwt.validator());
        }
        let cors_origin = match def.cors.map(HeaderValue::from_str) {
            None => None,
            Some(Ok(origin)) => Some(origin),
            Some(Err(_)) => {
                self.problems.push(Problem::InvalidCors {
                    path: path.to_string(),
                    handler: def.name.to_string(),
                });
                return;
            }
        };
        let methods: Vec<Option<Method>> = if def.methods.is_empty() {
            vec![None]
        } else {
            def.methods
                .iter()
                .filter_map(|m| Method::from_bytes(m.as_bytes()).ok())
                .map(Some)
                .collect()
        };
        let methods_header = if def.methods.is_empty() {
            HeaderValue::from_static("*")
        } else {
            HeaderValue::from_str(&def.methods.join(", ")).unwrap_or(HeaderValue::from_static("*"))
        };
        let entry = Arc::new(RouteEntry {
            def,
            info: RouteInfo::new(def, &path),
            path: path.clone(),
            auth,
            cors_origin,
            methods_header,
        });

        let index = match self.index_of.get(&path) {
            Some(&index) => index,
            None => {
                let index = self.entries.len();
                if let Err(err) = self.paths.insert(&*path, index) {
                    self.problems.push(Problem::PathConflict {
                        path: path.to_string(),
                        handler: def.name.to_string(),
                        reason: err.to_string(),
                    });
                    return;
                }
                self.entries.push(Vec::new());
                self.index_of.insert(path.clone(), index);
                index
            }
        };
        let routes = &mut self.entries[index];
        for method in methods {
            let clash = routes.iter().find(|(m, _)| match (m, &method) {
                (None, _) | (_, None) => true,
                (Some(a), Some(b)) => a == b,
            });
            if let Some((_, other)) = clash {
                self.problems.push(Problem::DuplicateRoute {
                    method: method.as_ref().map(|m| m.as_str().to_string()),
                    path: path.to_string(),
                    handlers: [other.def.name.to_string(), def.name.to_string()],
                });
                continue;
            }
            routes.push((method, entry.clone()));
        }
    }

    /// The ready auth method of a route; `None` (with a problem recorded) when a validator it
    /// names could not be made ready.
    fn authenticator(&mut self, auth: AuthDef, path: &str, handler: &str) -> Option<Authenticator> {
        match authenticator(auth, self.validators, path, handler) {
            Ok((authenticator, public)) => {
                self.uses_public |= public;
                Some(authenticator)
            }
            Err(problem) => {
                self.problems.push(problem);
                None
            }
        }
    }

    pub(crate) fn finish(self) -> RouteTable {
        let entries = self
            .entries
            .into_iter()
            .map(|routes| {
                let names: Vec<&str> = routes
                    .iter()
                    .map(|(method, _)| method.as_ref().map_or("*", Method::as_str))
                    .collect();
                let allow = HeaderValue::from_str(&names.join(", "))
                    .unwrap_or(HeaderValue::from_static(""));
                PathEntry { routes, allow }
            })
            .collect();
        RouteTable {
            paths: self.paths,
            entries,
        }
    }
}

/// The ready auth method for `auth`, and whether it runs anonymous callers as the public user.
/// `path` and `handler` name the user of the auth method in problems.
pub(crate) fn authenticator(
    auth: AuthDef,
    validators: &Validators,
    path: &str,
    handler: &str,
) -> Result<(Authenticator, bool), Problem> {
    let (validator, public) = match auth {
        AuthDef::None => return Ok((Authenticator::None, false)),
        AuthDef::User => return Ok((Authenticator::User, false)),
        AuthDef::Custom(method) => return Ok((Authenticator::Custom(method), false)),
        AuthDef::Public => return Ok((Authenticator::Public, true)),
        AuthDef::SoleJwt => (sole_validator(validators, path, handler, "jwt")?, false),
        AuthDef::SolePublicOrJwt => (
            sole_validator(validators, path, handler, "public_or_jwt")?,
            true,
        ),
        AuthDef::Jwt(def) => (declared(validators, def, path, handler)?, false),
        AuthDef::PublicOrJwt(def) => (declared(validators, def, path, handler)?, true),
    };
    let chain = validators.chain(&validator);
    let auth = JwtAuth::new(chain, public).ok_or_else(|| Problem::UnavailableValidator {
        path: path.to_string(),
        handler: handler.to_string(),
        validator: validator.name.to_string(),
    })?;
    Ok((Authenticator::Jwt(auth), public))
}

fn declared(
    validators: &Validators,
    def: &ValidatorDef,
    path: &str,
    handler: &str,
) -> Result<Arc<Validator>, Problem> {
    // The descriptor came from the route's own link; names are unique (duplicates are a
    // problem of their own), so the name finds exactly this declaration's ready validator.
    validators
        .by_name
        .get(def.name)
        .filter(|v| std::ptr::eq(v.def(), def))
        .cloned()
        .ok_or_else(|| Problem::UnavailableValidator {
            path: path.to_string(),
            handler: handler.to_string(),
            validator: def.name.to_string(),
        })
}

fn sole_validator(
    validators: &Validators,
    path: &str,
    handler: &str,
    auth: &str,
) -> Result<Arc<Validator>, Problem> {
    let mut all: Vec<_> = validators.by_name.values().collect();
    if let [only] = all.as_slice() {
        return Ok((*only).clone());
    }
    all.sort_by_key(|v| v.name);
    Err(Problem::NoSoleValidator {
        path: path.to_string(),
        handler: handler.to_string(),
        auth: auth.to_string(),
        validators: all.iter().map(|v| v.name.to_string()).collect(),
    })
}
