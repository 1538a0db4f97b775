//! Startup problems: every configuration mistake found while compiling the route table, each
//! naming the culprit and the fix, all reported together.

use std::fmt;

use crate::identity::Uid;

/// The configuration is not valid; the server does not start. Lists every problem found.
///
/// ```
/// # async fn run() {
/// use authroute::Problem;
/// match authroute::App::builder().build().await {
///     Ok(_app) => {}
///     Err(err) => {
///         eprintln!("{err}"); // every problem, one per line
///         let missing_public = err.problems().iter().any(|p| matches!(p, Problem::NoPublicUser));
///         # let _ = missing_public;
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupError {
    problems: Vec<Problem>,
}

impl StartupError {
    pub(crate) fn new(problems: Vec<Problem>) -> Self {
        StartupError { problems }
    }

    /// Every problem, in the order found.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
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

/// One configuration mistake. `Display` says what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A validator cannot be made ready: a missing environment variable, a short secret, an
    /// unreadable or wrong-kind key, a missing cookie secret...
    Validator {
        /// The validator's name.
        validator: String,
        /// What is wrong, naming the field or variable and the fix.
        message: String,
    },
    /// Validators whose `next` links form a cycle, in chain order (first repeated at the end).
    ValidatorCycle {
        /// The names along the cycle.
        chain: Vec<String>,
    },
    /// Two validators share a name.
    DuplicateValidator {
        /// The shared name.
        name: String,
        /// The modules that declare them.
        declared_in: [String; 2],
    },
    /// Two custom auth methods share a name.
    DuplicateAuthMethod {
        /// The shared name.
        name: String,
        /// The functions that declare them.
        declared_by: [String; 2],
    },
    /// Two routes serve the same method on the same path.
    DuplicateRoute {
        /// The method, or `None` for a route that accepts every method.
        method: Option<String>,
        /// The path pattern.
        path: String,
        /// The two handlers.
        handlers: [String; 2],
    },
    /// A path pattern the router refuses (it overlaps another pattern ambiguously).
    PathConflict {
        /// The path pattern.
        path: String,
        /// The route's handler.
        handler: String,
        /// The router's explanation.
        reason: String,
    },
    /// A prefix given to `RouteSet::nest` that cannot prefix a path.
    InvalidPrefix {
        /// The prefix.
        prefix: String,
        /// What a prefix must look like.
        reason: &'static str,
    },
    /// A `cors` origin that is not a valid header value.
    InvalidCors {
        /// The path pattern.
        path: String,
        /// The route's handler.
        handler: String,
    },
    /// `auth = "jwt"` or `"public_or_jwt"` while the application has zero or several
    /// validators.
    NoSoleValidator {
        /// The path pattern.
        path: String,
        /// The route's handler.
        handler: String,
        /// The auth string.
        auth: String,
        /// The validators the application declares.
        validators: Vec<String>,
    },
    /// A route uses `jwt` or `public_or_jwt` alone while the sole validator is claims-only.
    SoleClaimsOnly {
        /// The path pattern.
        path: String,
        /// The route's handler.
        handler: String,
        /// The validator's name.
        validator: String,
    },
    /// A route names a validator that could not be made ready (see its own problem).
    UnavailableValidator {
        /// The path pattern.
        path: String,
        /// The route's handler.
        handler: String,
        /// The validator's name.
        validator: String,
    },
    /// A route requires a grant its validator does not declare (`jwt` and `public_or_jwt`
    /// routes, whose validator is known only at startup).
    UnknownGrant {
        /// The path pattern.
        path: String,
        /// The route's handler.
        handler: String,
        /// The grant.
        grant: String,
        /// The validator.
        validator: String,
    },
    /// Routes use `public` or `public_or_jwt*` but no public user is configured.
    NoPublicUser,
    /// A configured user is missing from the directory or inactive.
    User {
        /// Which configured user: "the public user", "the static user of validator `demo`".
        role: String,
        /// Its uid.
        uid: Uid,
        /// What is wrong with it.
        reason: UserProblem,
    },
    /// A handler takes `State<T>` but no value of type `T` was registered.
    MissingState {
        /// The path pattern.
        path: String,
        /// The route's handler.
        handler: String,
        /// The type `T`.
        type_name: &'static str,
    },
}

/// What is wrong with a configured user.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserProblem {
    /// No user has this uid.
    Missing,
    /// The user exists but is inactive.
    Inactive,
    /// The directory could not be asked.
    Lookup(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Validator { message, .. } => f.write_str(message),
            Problem::ValidatorCycle { chain } => {
                write!(
                    f,
                    "Validators mustn't make a closed chain: {}.",
                    chain.join(" -> ")
                )
            }
            Problem::DuplicateValidator { name, declared_in: [a, b] } => write!(
                f,
                "validator `{name}` is declared twice, in `{a}` and in `{b}`; rename one of them"
            ),
            Problem::DuplicateAuthMethod { name, declared_by: [a, b] } => write!(
                f,
                "auth method `{name}` is declared twice: `{a}` and `{b}`; rename one of them"
            ),
            Problem::DuplicateRoute { method, path, handlers: [a, b] } => write!(
                f,
                "duplicate route {} `{path}`: declared by `{a}` and `{b}`; remove one or change its path or methods",
                method.as_deref().unwrap_or("every method")
            ),
            Problem::PathConflict { path, handler, reason } => write!(
                f,
                "route `{path}` ({handler}) conflicts with another route: {reason}"
            ),
            Problem::InvalidPrefix { prefix, reason } => {
                write!(f, "route set prefix `{}` is invalid: {reason}", prefix.escape_debug())
            }
            Problem::InvalidCors { path, handler } => {
                write!(f, "route `{path}` ({handler}): invalid `cors` origin")
            }
            Problem::NoSoleValidator { path, handler, auth, validators } => write!(
                f,
                "route `{path}` ({handler}) uses auth `{auth}`, which needs exactly one validator, but the application declares {} ({}); name the validator: `{auth}_<name>`",
                validators.len(),
                validators.join(", ")
            ),
            Problem::SoleClaimsOnly { path, handler, validator } => write!(
                f,
                "route `{path}` ({handler}) uses the sole validator `{validator}` without naming it, but `{validator}` is claims-only (`user: none`); write `auth = \"jwt_{validator}\"` so the handler's arguments are checked against what it provides"
            ),
            Problem::UnavailableValidator { path, handler, validator } => write!(
                f,
                "route `{path}` ({handler}) uses validator `{validator}`, which is not available (see the validator problems above)"
            ),
            Problem::UnknownGrant { path, handler, grant, validator } => write!(
                f,
                "route `{path}` ({handler}) requires grant `{grant}`, which validator `{validator}` does not declare; add it to the validator's `grants.known`"
            ),
            Problem::NoPublicUser => f.write_str(
                "routes use auth `public` (or `public_or_jwt*`) but no public user is configured; call `AppBuilder::public_uid`",
            ),
            Problem::User { role, uid, reason } => match reason {
                UserProblem::Missing => write!(
                    f,
                    "{role} (uid {uid}) does not exist in the directory; create it or configure another uid"
                ),
                UserProblem::Inactive => write!(
                    f,
                    "{role} (uid {uid}) is inactive in the directory; activate it or configure another uid"
                ),
                UserProblem::Lookup(err) => {
                    write!(f, "could not check {role} (uid {uid}) in the directory: {err}")
                }
            },
            Problem::MissingState { path, handler, type_name } => write!(
                f,
                "route `{path}` ({handler}) takes `State<{type_name}>`, but no value of that type was registered; call `AppBuilder::state(value)` with one"
            ),
        }
    }
}
