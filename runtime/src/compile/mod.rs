//! Startup: from the declared descriptors, the settings and the stores to a ready route table.
//! Every problem is collected and reported together in one [`StartupError`]; a configuration
//! that compiles is one that cannot fail per request for a configuration reason.

mod problem;
mod routes;
pub(crate) mod table;

use std::sync::Arc;

pub use problem::{Problem, StartupError, UserProblem};

use crate::clock::Clock;
use crate::config::Config;
use crate::directory::Directory;
use crate::identity::Uid;
use crate::jwt::config::{
    self as jwt_config, UserStrategy, ValidatorDef, ValidatorProblem, Validators,
};
use crate::registry::{self, AuthDef, Needs};
use crate::route_set::{SetRoute, prefix_problem};
use crate::state::StateMap;
use routes::TableBuilder;
#[cfg(feature = "axum")]
pub(crate) use routes::authenticator;
use table::RouteTable;

/// What startup needs to compile the table.
pub(crate) struct Inputs<'a> {
    pub routes: Vec<SetRoute>,
    /// The routes are every route of the binary: every declared validator is made ready too,
    /// used or not. An explicit route set readies only the validators its routes reach.
    pub all_routes: bool,
    /// Auth methods used outside the routes (axum layers).
    pub extra_auth: Vec<AuthDef>,
    pub config: &'a Config,
    pub clock: &'a Arc<dyn Clock>,
    pub directory: &'a dyn Directory,
    pub state: &'a StateMap,
}

/// The outcome of a successful startup.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub table: RouteTable,
    pub validators: Validators,
}

/// Checks the whole configuration and builds the route table.
pub(crate) async fn compile(inputs: Inputs<'_>) -> Result<Compiled, StartupError> {
    let Inputs {
        routes,
        all_routes,
        extra_auth,
        config,
        clock,
        directory,
        state,
    } = inputs;
    let mut problems = auth_method_problems();

    let declared: Vec<_> = registry::validators().collect();
    let defs = if all_routes {
        declared
    } else {
        reached_validators(&routes, &extra_auth, &declared)
    };
    let (validators, validator_problems) = jwt_config::resolve_all(
        &defs,
        config.cookie_secret.as_ref(),
        clock,
        &config.jwks,
        &config.vars,
    );
    problems.extend(validator_problems.into_iter().map(Problem::from));
    let mut static_uids: Vec<(&str, i64)> = validators
        .by_name
        .values()
        .filter_map(|v| match v.def().user {
            UserStrategy::Static(uid) => Some((v.name, uid)),
            UserStrategy::Custom(_) | UserStrategy::Claim(_) | UserStrategy::ClaimsOnly => None,
        })
        .collect();
    static_uids.sort_unstable();
    for (name, uid) in static_uids {
        let role = format!("the static user of validator `{name}`");
        problems.extend(user_problem(directory, Uid(uid), role).await);
    }

    let mut prefixes: Vec<&str> = routes.iter().map(|r| &*r.prefix).collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    for prefix in prefixes {
        if let Some(reason) = prefix_problem(prefix) {
            problems.push(Problem::InvalidPrefix {
                prefix: prefix.to_string(),
                reason,
            });
        }
    }

    let mut builder = TableBuilder::new(&validators);
    for route in &routes {
        builder.add(route);
        problems.extend(state_problems(route, state));
    }
    problems.append(&mut builder.problems);
    if builder.uses_public {
        match config.public_uid {
            None => problems.push(Problem::NoPublicUser),
            Some(uid) => {
                let role = "the public user".to_string();
                problems.extend(user_problem(directory, uid, role).await);
            }
        }
    }
    let table = builder.finish();

    if !problems.is_empty() {
        return Err(StartupError::new(problems));
    }
    Ok(Compiled { table, validators })
}

/// The validators an explicit route set needs: those its routes name, the ones their `next`
/// links reach, and the application's only validator when a route says `jwt` or
/// `public_or_jwt`.
fn reached_validators(
    routes: &[SetRoute],
    extra_auth: &[AuthDef],
    declared: &[&'static ValidatorDef],
) -> Vec<&'static ValidatorDef> {
    let mut reached: Vec<&'static ValidatorDef> = Vec::new();
    let mut pending: Vec<&'static ValidatorDef> = Vec::new();
    let auths = routes
        .iter()
        .map(|r| r.def.auth)
        .chain(extra_auth.iter().copied());
    for auth in auths {
        match auth {
            AuthDef::Jwt(def) | AuthDef::PublicOrJwt(def) => pending.push(def),
            AuthDef::SoleJwt | AuthDef::SolePublicOrJwt => pending.extend(declared),
            _ => {}
        }
    }
    while let Some(def) = pending.pop() {
        if reached.iter().any(|r| std::ptr::eq(*r, def)) {
            continue;
        }
        reached.push(def);
        if let Some(next) = def.next {
            pending.extend(declared.iter().filter(|d| d.name == next));
        }
    }
    reached
}

/// Custom auth methods declared twice under one name.
fn auth_method_problems() -> Vec<Problem> {
    let methods: Vec<_> = registry::auth_methods().collect();
    let mut problems = Vec::new();
    for (i, method) in methods.iter().enumerate() {
        if let Some(first) = methods[..i].iter().find(|m| m.name == method.name) {
            problems.push(Problem::DuplicateAuthMethod {
                name: method.name.to_string(),
                declared_by: [first.defined_at.to_string(), method.defined_at.to_string()],
            });
        }
    }
    problems
}

/// `State<T>` arguments whose `T` was never registered.
fn state_problems<'a>(
    route: &'a SetRoute,
    state: &'a StateMap,
) -> impl Iterator<Item = Problem> + 'a {
    let mut needs = Needs::default();
    (route.def.needs)(&mut needs);
    needs
        .states
        .into_iter()
        .filter(|(type_id, _)| !state.contains(*type_id))
        .map(|(_, type_name)| Problem::MissingState {
            path: route.path(),
            handler: route.def.name.to_string(),
            type_name,
        })
}

/// A problem unless `uid` names an active user of the directory.
async fn user_problem(directory: &dyn Directory, uid: Uid, role: String) -> Option<Problem> {
    let reason = match directory.user(uid).await {
        Ok(Some(user)) if user.active => return None,
        Ok(Some(_)) => UserProblem::Inactive,
        Ok(None) => UserProblem::Missing,
        Err(err) => UserProblem::Lookup(err.to_string()),
    };
    Some(Problem::User { role, uid, reason })
}

impl From<ValidatorProblem> for Problem {
    fn from(problem: ValidatorProblem) -> Self {
        match problem {
            ValidatorProblem::Invalid { validator, message } => Problem::Validator {
                validator: validator.to_string(),
                message,
            },
            ValidatorProblem::Duplicate { name, declared_in } => Problem::DuplicateValidator {
                name: name.to_string(),
                declared_in: declared_in.map(String::from),
            },
            ValidatorProblem::Cycle(chain) => Problem::ValidatorCycle {
                chain: chain.into_iter().map(String::from).collect(),
            },
        }
    }
}
