//! What `validator!` registers, and its resolution at startup into a ready [`Validator`]:
//! environment variables read, keys parsed, static users checked, chains linked.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use jsonwebtoken::Algorithm;

use super::cache::VerifiedCache;
pub use super::cookie::CookieDef;
use super::cookie::{CookieMode, MIN_COOKIE_SECRET};
use super::jwks::JwksSettings;
#[cfg(feature = "jwks")]
use super::jwks::{JwksCache, JwksLocation};
use super::keys::{self, VerifyingKey};
use super::policy::{Policy, VerifiedToken};
use crate::clock::Clock;
use crate::directory::{BoxFuture, Directory, Partner};
use crate::error::AuthError;
use crate::identity::Uid;
use crate::secret::Secret;
use crate::state::StateMap;

/// A string known at compile time, or read from the environment at startup.
#[derive(Debug, Clone, Copy)]
pub enum ValueSource {
    /// Written in the code.
    Literal(&'static str),
    /// An environment variable, with an optional default.
    Env {
        /// Variable name.
        var: &'static str,
        /// Used (with a warning for secrets) when the variable is unset.
        default: Option<&'static str>,
    },
}

/// A list of strings: literal, or a comma-separated environment variable.
#[derive(Debug, Clone, Copy)]
pub enum ListSource {
    /// Written in the code.
    Literal(&'static [&'static str]),
    /// A comma-separated value.
    Split(ValueSource),
}

/// Where a validator's verification key comes from. Its `Debug` redacts the HMAC secret (a
/// literal, or an environment variable's default); the other sources are public.
#[derive(Clone, Copy)]
pub enum KeySource {
    /// HMAC shared secret (HS*).
    Secret(ValueSource),
    /// PEM public key text.
    PublicKeyPem(ValueSource),
    /// Path of a PEM public key file.
    PublicKeyFile(ValueSource),
    /// A JWKS document URL (needs the `jwks` feature).
    JwksUri(ValueSource),
    /// OIDC discovery from the issuer (needs the `jwks` feature).
    Discovery,
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple =
            |variant, source: &dyn fmt::Debug| f.debug_tuple(variant).field(source).finish();
        match self {
            KeySource::Secret(source) => tuple("Secret", &RedactedSource(source)),
            KeySource::PublicKeyPem(source) => tuple("PublicKeyPem", source),
            KeySource::PublicKeyFile(source) => tuple("PublicKeyFile", source),
            KeySource::JwksUri(source) => tuple("JwksUri", source),
            KeySource::Discovery => f.write_str("Discovery"),
        }
    }
}

/// A secret's source as `Debug` may show it: the variable's name, never a value.
struct RedactedSource<'a>(&'a ValueSource);

impl fmt::Debug for RedactedSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ValueSource::Literal(value) => {
                f.debug_tuple("Literal").field(&Secret::new(value)).finish()
            }
            ValueSource::Env { var, default } => f
                .debug_struct("Env")
                .field("var", var)
                .field("default", &default.map(Secret::new))
                .finish(),
        }
    }
}

/// A custom user strategy: the uid for a verified token.
pub type UserStrategyFn = for<'a> fn(&'a TokenContext<'a>) -> BoxFuture<'a, Result<Uid, AuthError>>;

/// A custom partner strategy: the partner for a verified token, if any.
pub type PartnerStrategyFn =
    for<'a> fn(&'a TokenContext<'a>) -> BoxFuture<'a, Result<Option<Partner>, AuthError>>;

/// What a validator's custom `user` or `partner` strategy sees: the verified token, the user
/// directory and the application state.
///
/// ```
/// use std::collections::HashMap;
/// use authroute::directory::BoxFuture;
/// use authroute::{AuthError, TokenContext, Uid};
///
/// /// Which user each token subject is, registered as application state.
/// #[derive(Clone)]
/// struct Subjects(HashMap<String, Uid>);
///
/// fn by_subject<'a>(ctx: &'a TokenContext<'a>) -> BoxFuture<'a, Result<Uid, AuthError>> {
///     Box::pin(async move {
///         #[derive(serde::Deserialize)]
///         struct Sub { sub: String }
///         let Sub { sub } = ctx.token().claims()
///             .map_err(|_| AuthError::invalid_token("the token has no `sub`"))?;
///         let subjects = ctx.state::<Subjects>()
///             .ok_or_else(|| AuthError::invalid_token("no subjects are known"))?;
///         subjects.0.get(&sub).copied()
///             .ok_or_else(|| AuthError::invalid_token("unknown subject"))
///     })
/// }
///
/// authroute::validator! {
///     name: "corp", issuer: "https://sso.example", audience: ["api"], algorithm: "HS256",
///     secret: env("CORP_SECRET"), user: custom(by_subject),
/// }
/// # fn main() {}
/// ```
#[derive(Debug)]
pub struct TokenContext<'a> {
    pub(crate) token: &'a VerifiedToken,
    pub(crate) directory: &'a dyn Directory,
    pub(crate) state: &'a StateMap,
}

impl<'a> TokenContext<'a> {
    /// The verified token: its claims with [`VerifiedToken::claims`].
    pub fn token(&self) -> &'a VerifiedToken {
        self.token
    }

    /// The user directory.
    pub fn directory(&self) -> &'a dyn Directory {
        self.directory
    }

    /// The application state of type `T`, registered with [`crate::AppBuilder::state`].
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&'a T> {
        self.state.get::<T>()
    }
}

/// How the request's uid is found.
#[derive(Debug, Clone, Copy)]
pub enum UserStrategy {
    /// Always this uid.
    Static(i64),
    /// The active directory user whose login equals this string claim (`email`, `sub`, ...);
    /// a token whose claim matches none is refused with 401.
    Claim(&'static str),
    /// No user: the identity is the verified token (`user: none`), and the validator's routes
    /// take [`Claims`](crate::Claims) but not [`Uid`](crate::Uid).
    ClaimsOnly,
    /// Computed by the application.
    Custom(UserStrategyFn),
}

/// How the request's partner is found.
#[derive(Debug, Clone, Copy)]
pub enum PartnerStrategy {
    /// No partner.
    None,
    /// Exactly one partner whose e-mail equals the `email` claim, else none.
    Email,
    /// Computed by the application.
    Custom(PartnerStrategyFn),
}

/// One `validator!`, as registered.
#[derive(Debug)]
pub struct ValidatorDef {
    /// The validator's name (`jwt_<name>`).
    pub name: &'static str,
    /// Expected `iss`.
    pub issuer: ValueSource,
    /// Accepted audiences.
    pub audience: ListSource,
    /// The one accepted algorithm.
    pub algorithm: &'static str,
    /// Verification key source.
    pub key: KeySource,
    /// Allow plain-http JWKS and discovery URLs.
    pub allow_http: bool,
    /// Clock-skew leeway in seconds.
    pub leeway: u64,
    /// Required `typ` header.
    pub typ: Option<&'static str>,
    /// Largest accepted token lifetime in seconds.
    pub max_lifetime: Option<u64>,
    /// User strategy.
    pub user: UserStrategy,
    /// Partner strategy.
    pub partner: PartnerStrategy,
    /// Refuse tokens without a partner.
    pub partner_required: bool,
    /// Next validator of the chain.
    pub next: Option<&'static str>,
    /// Cookie mode.
    pub cookie: Option<CookieDef>,
    /// Where the token's grants live and which exist.
    pub grants: Option<GrantsDef>,
    /// Module that declared it.
    pub defined_at: &'static str,
}

/// A validator's `grants: { claim, known }`.
#[derive(Debug, Clone, Copy)]
pub struct GrantsDef {
    /// The claim holding the grants, a dotted path (`scope`, `scp`, `realm_access.roles`): a
    /// space-separated string or an array of strings.
    pub claim: &'static str,
    /// The grant names routes may require.
    pub known: &'static [&'static str],
    /// The compile error for a route requiring another grant (names the known ones).
    pub unknown_message: &'static str,
}

/// A route's required grant checked against its validator's declaration, at compile time:
/// generated code evaluates this in a `const`, so a grant the validator does not declare stops
/// the build with the validator's message, under the grant's literal.
pub const fn check_grant(validator: &ValidatorDef, required: &str) {
    let Some(grants) = &validator.grants else {
        panic!(
            "the route requires grants, but its validator declares none; add `grants: {{ claim: \"scope\", known: [...] }}` to its `validator!`"
        );
    };
    // Panics here rather than in a shared helper: each call frame is one more note in the
    // user's compile error.
    if !contains(grants.known, required) {
        panic!("{}", grants.unknown_message);
    }
}

pub(crate) const fn contains(list: &[&str], name: &str) -> bool {
    let mut i = 0;
    while i < list.len() {
        if bytes_eq(list[i].as_bytes(), name.as_bytes()) {
            return true;
        }
        i += 1;
    }
    false
}

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A validator ready to check tokens.
#[derive(Debug)]
pub struct Validator {
    /// Its name.
    pub name: &'static str,
    /// The decoding policy.
    pub policy: Policy,
    pub(crate) key: VerificationKey,
    pub(crate) def: &'static ValidatorDef,
    /// The HMAC secret of HS* validators, kept for the `testing` token minter.
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub(crate) secret: Option<HmacSecret>,
    /// Cookie mode, when declared.
    pub(crate) cookie: Option<CookieMode>,
}

/// An HS* validator's shared secret.
pub(crate) type HmacSecret = Secret<Vec<u8>>;

impl Validator {
    /// The declaration.
    pub(crate) fn def(&self) -> &'static ValidatorDef {
        self.def
    }
}

/// A validator's key: fixed at startup, or from a JWKS cache.
#[derive(Debug)]
pub(crate) enum VerificationKey {
    /// A key fixed at startup (boxed: a prepared HMAC state is over a kilobyte).
    Static(Box<StaticKey>),
    #[cfg(feature = "jwks")]
    Jwks(Arc<JwksCache>),
}

/// A key fixed at startup, and the tokens it has verified (see [`super::cache`]).
#[derive(Debug)]
pub(crate) struct StaticKey {
    pub key: VerifyingKey,
    pub verified: VerifiedCache,
}

/// Every validator by name, plus the chains.
#[derive(Debug, Default)]
pub(crate) struct Validators {
    pub by_name: HashMap<&'static str, Arc<Validator>>,
}

impl Validators {
    /// The validator and the ones chained after it, in order.
    pub(crate) fn chain(&self, first: &Arc<Validator>) -> Vec<Arc<Validator>> {
        let mut chain = vec![first.clone()];
        let mut next = first.def.next;
        while let Some(name) = next {
            let Some(v) = self.by_name.get(name) else {
                break;
            };
            if chain.iter().any(|c| c.name == v.name) {
                break;
            }
            chain.push(v.clone());
            next = v.def.next;
        }
        chain
    }
}

/// Values given with `AppBuilder::var`, by variable name.
pub(crate) type Vars = HashMap<String, Secret<String>>;

/// Reads an environment source; `Err` names the variable.
pub(crate) fn resolve_value(
    source: &ValueSource,
    validator: &str,
    field: &str,
    vars: &Vars,
) -> Result<(String, bool), String> {
    match source {
        ValueSource::Literal(value) => Ok((value.to_string(), false)),
        ValueSource::Env { var, .. } if vars.contains_key(*var) => {
            Ok((vars[*var].expose().clone(), false))
        }
        ValueSource::Env { var, default } => match std::env::var(var) {
            Ok(value) => Ok((value, false)),
            Err(std::env::VarError::NotUnicode(_)) => Err(format!(
                "validator `{validator}`: environment variable `{var}` ({field}) is not valid UTF-8"
            )),
            Err(std::env::VarError::NotPresent) => match default {
                Some(value) => Ok((value.to_string(), true)),
                None => Err(format!(
                    "validator `{validator}`: environment variable `{var}` ({field}) is not set; set it or give a default with `env(\"{var}\", default = \"...\")`"
                )),
            },
        },
    }
}

/// Why a validator declaration cannot be made ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValidatorProblem {
    /// A field's value: the message names the validator, the field and the fix.
    Invalid {
        validator: &'static str,
        message: String,
    },
    /// Two declarations share a name.
    Duplicate {
        name: &'static str,
        declared_in: [&'static str; 2],
    },
    /// `next` links that form a cycle, the first name repeated at the end.
    Cycle(Vec<&'static str>),
}

/// Resolves the declared validators; returns the ready ones and every problem found.
pub(crate) fn resolve_all(
    defs: &[&'static ValidatorDef],
    cookie_secret: Option<&Secret<Vec<u8>>>,
    clock: &Arc<dyn Clock>,
    jwks: &JwksSettings,
    vars: &Vars,
) -> (Validators, Vec<ValidatorProblem>) {
    let cookie_secret = cookie_secret.map(|secret| secret.expose().as_slice());
    let mut problems = Vec::new();
    let mut validators = Validators::default();
    for (i, def) in defs.iter().enumerate() {
        if let Some(first) = defs[..i].iter().find(|d| d.name == def.name) {
            problems.push(ValidatorProblem::Duplicate {
                name: def.name,
                declared_in: [first.defined_at, def.defined_at],
            });
            continue;
        }
        match resolve(def, cookie_secret, clock, jwks, vars) {
            Ok(v) => {
                validators.by_name.insert(def.name, Arc::new(v));
            }
            Err(errs) => {
                problems.extend(errs.into_iter().map(|message| ValidatorProblem::Invalid {
                    validator: def.name,
                    message,
                }))
            }
        }
    }
    problems.extend(chain_problems(defs));
    (validators, problems)
}

fn resolve(
    def: &'static ValidatorDef,
    cookie_secret: Option<&[u8]>,
    clock: &Arc<dyn Clock>,
    jwks: &JwksSettings,
    vars: &Vars,
) -> Result<Validator, Vec<String>> {
    let mut problems = Vec::new();
    let name = def.name;
    let cookie_secret = match (def.cookie, cookie_secret) {
        (None, _) => None,
        (Some(_), Some(secret)) if secret.len() >= MIN_COOKIE_SECRET => Some(secret),
        (Some(_), Some(secret)) => {
            problems.push(format!(
                "validator `{name}` uses cookie mode, but the cookie secret is {} bytes; it needs at least {MIN_COOKIE_SECRET} (set `AUTHROUTE_COOKIE_SECRET` or call `AppBuilder::cookie_secret`)",
                secret.len()
            ));
            None
        }
        (Some(_), None) => {
            problems.push(format!(
                "validator `{name}` uses cookie mode, but no cookie secret is configured; set `AUTHROUTE_COOKIE_SECRET` (at least {MIN_COOKIE_SECRET} bytes) or call `AppBuilder::cookie_secret`"
            ));
            None
        }
    };
    let issuer = resolve_value(&def.issuer, name, "issuer", vars)
        .map_err(|e| problems.push(e))
        .ok()
        .map(|v| v.0);
    let audience: Option<Vec<String>> = match def.audience {
        ListSource::Literal(list) => Some(list.iter().map(|s| s.to_string()).collect()),
        ListSource::Split(source) => resolve_value(&source, name, "audience", vars)
            .map_err(|e| problems.push(e))
            .ok()
            .map(|(v, _)| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            }),
    };
    if audience.as_ref().is_some_and(Vec::is_empty) {
        problems.push(format!("validator `{name}`: the audience list is empty"));
    }
    let algorithm: Option<Algorithm> = def.algorithm.parse().ok();
    if algorithm.is_none() {
        problems.push(format!(
            "validator `{name}`: unsupported algorithm `{}`",
            def.algorithm
        ));
    }
    let issuer_for_key = issuer.clone().unwrap_or_default();
    let key =
        algorithm.and_then(
            |alg| match resolve_key(def, alg, &issuer_for_key, clock, jwks, vars) {
                Ok(key) => Some(key),
                Err(e) => {
                    problems.push(e);
                    None
                }
            },
        );
    match (issuer, audience, algorithm, key) {
        (Some(issuer), Some(audience), Some(algorithm), Some((key, secret)))
            if problems.is_empty() =>
        {
            let mut policy = Policy::new(algorithm, audience, issuer);
            policy.leeway = def.leeway;
            policy.required_typ = def.typ.map(String::from);
            policy.max_lifetime = def.max_lifetime;
            let cookie = def.cookie.zip(cookie_secret).map(|(settings, secret)| {
                CookieMode::new(settings, &policy.issuer, &policy.audience, secret)
            });
            Ok(Validator {
                name,
                policy,
                key,
                def,
                secret,
                cookie,
            })
        }
        _ => Err(problems),
    }
}

fn resolve_key(
    def: &'static ValidatorDef,
    alg: Algorithm,
    issuer: &str,
    clock: &Arc<dyn Clock>,
    jwks: &JwksSettings,
    vars: &Vars,
) -> Result<(VerificationKey, Option<HmacSecret>), String> {
    if let Some(cache) = jwks_key(def, alg, issuer, clock, jwks, vars) {
        return cache.map(|key| (key, None));
    }
    let (key, secret) = static_key(def, alg, vars)?;
    let key = StaticKey {
        key,
        verified: VerifiedCache::default(),
    };
    Ok((VerificationKey::Static(Box::new(key)), secret))
}

/// The JWKS cache of a `jwks_uri` or `discovery` validator; `None` for the other key sources.
#[cfg(feature = "jwks")]
fn jwks_key(
    def: &'static ValidatorDef,
    alg: Algorithm,
    issuer: &str,
    clock: &Arc<dyn Clock>,
    jwks: &JwksSettings,
    vars: &Vars,
) -> Option<Result<VerificationKey, String>> {
    let name = def.name;
    let location = match def.key {
        KeySource::JwksUri(source) => match resolve_value(&source, name, "jwks_uri", vars) {
            Ok((uri, _)) => JwksLocation::Uri(uri),
            Err(e) => return Some(Err(e)),
        },
        KeySource::Discovery => JwksLocation::Discovery(issuer.to_string()),
        _ => return None,
    };
    let cache = JwksCache::new(
        name,
        location,
        def.allow_http,
        alg,
        jwks.clone(),
        clock.clone(),
    )
    .map_err(|e| format!("validator `{name}`: {e}"));
    Some(cache.map(|cache| VerificationKey::Jwks(Arc::new(cache))))
}

/// Without the `jwks` feature there is no HTTP client: a `jwks_uri` or `discovery` validator is
/// a startup problem that names the feature.
#[cfg(not(feature = "jwks"))]
fn jwks_key(
    def: &'static ValidatorDef,
    _alg: Algorithm,
    _issuer: &str,
    _clock: &Arc<dyn Clock>,
    _jwks: &JwksSettings,
    _vars: &Vars,
) -> Option<Result<VerificationKey, String>> {
    let field = match def.key {
        KeySource::JwksUri(_) => "jwks_uri",
        KeySource::Discovery => "discovery: true",
        _ => return None,
    };
    Some(Err(format!(
        "validator `{}`: `{field}` fetches keys over HTTPS, which needs the `jwks` feature of authroute; enable it (it is a default feature) or configure `secret`, `public_key` or `public_key_file`",
        def.name
    )))
}

fn static_key(
    def: &'static ValidatorDef,
    alg: Algorithm,
    vars: &Vars,
) -> Result<(VerifyingKey, Option<HmacSecret>), String> {
    let name = def.name;
    match def.key {
        KeySource::Secret(source) => {
            let (secret, defaulted) = resolve_value(&source, name, "secret", vars)?;
            if defaulted {
                tracing::warn!(
                    validator = name,
                    "using the built-in development secret; set the environment variable for any real deployment"
                );
            }
            let key = VerifyingKey::hmac(secret.as_bytes(), alg)
                .map_err(|e| format!("validator `{name}`: {e}"))?;
            Ok((key, Some(Secret::new(secret.into_bytes()))))
        }
        KeySource::PublicKeyPem(source) => {
            let (pem, _) = resolve_value(&source, name, "public_key", vars)?;
            keys::pem_public_key(pem.as_bytes(), alg)
                .map(|key| (key.into(), None))
                .map_err(|e| format!("validator `{name}`: public key: {e}"))
        }
        KeySource::PublicKeyFile(source) => {
            let (path, _) = resolve_value(&source, name, "public_key_file", vars)?;
            let pem = std::fs::read(&path).map_err(|e| {
                format!("validator `{name}`: cannot read public key file `{path}`: {e}")
            })?;
            keys::pem_public_key(&pem, alg)
                .map(|key| (key.into(), None))
                .map_err(|e| format!("validator `{name}`: public key file `{path}`: {e}"))
        }
        KeySource::JwksUri(_) | KeySource::Discovery => Err(format!(
            "validator `{name}`: internal error: JWKS source resolved as a static key"
        )),
    }
}

/// `next` links that form a cycle, each reported once in chain order.
pub(crate) fn chain_problems(defs: &[&'static ValidatorDef]) -> Vec<ValidatorProblem> {
    let mut problems = Vec::new();
    let mut reported: Vec<Vec<&str>> = Vec::new();
    // Sorted so that a cycle is always reported from its first member by name.
    let mut starts = defs.to_vec();
    starts.sort_by_key(|d| d.name);
    for start in &starts {
        let mut path = vec![start.name];
        let mut current = *start;
        while let Some(next) = current.next {
            if let Some(pos) = path.iter().position(|n| *n == next) {
                let mut cycle: Vec<&str> = path[pos..].to_vec();
                let mut canonical = cycle.clone();
                canonical.sort_unstable();
                if pos == 0 && !reported.contains(&canonical) {
                    reported.push(canonical);
                    cycle.push(next);
                    problems.push(ValidatorProblem::Cycle(cycle));
                }
                break;
            }
            let Some(def) = defs.iter().find(|d| d.name == next) else {
                problems.push(ValidatorProblem::Invalid {
                    validator: current.name,
                    message: format!(
                        "validator `{}`: `next` names `{next}`, which is not declared",
                        current.name
                    ),
                });
                break;
            };
            path.push(next);
            current = def;
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;

    const LITERAL: &str = "a-literal-hmac-secret-of-40-bytes-LEAK!!";
    const DEFAULT: &str = "a-default-hmac-secret-of-40-bytes-LEAK!!";

    /// As `validator!` generates it for `secret: "..."`.
    static LITERAL_DEF: ValidatorDef =
        def("literal", KeySource::Secret(ValueSource::Literal(LITERAL)));

    const fn def(name: &'static str, key: KeySource) -> ValidatorDef {
        ValidatorDef {
            name,
            issuer: ValueSource::Literal("theissuer"),
            audience: ListSource::Literal(&["api"]),
            algorithm: "HS256",
            key,
            allow_http: false,
            leeway: 0,
            typ: None,
            max_lifetime: None,
            user: UserStrategy::Static(1),
            partner: PartnerStrategy::None,
            partner_required: false,
            next: None,
            cookie: None,
            grants: None,
            defined_at: "authroute::jwt::config::tests",
        }
    }

    fn assert_redacted(output: &str, secret: &str) {
        assert!(!output.contains(secret), "{output}");
        assert!(!output.contains(&secret[..secret.len() / 2]), "{output}");
        assert!(output.contains("[redacted]"), "{output}");
    }

    #[test]
    fn literal_secret_descriptor_debug_is_redacted() {
        for output in [format!("{LITERAL_DEF:?}"), format!("{LITERAL_DEF:#?}")] {
            assert_redacted(&output, LITERAL);
            assert!(output.contains("theissuer"), "{output}");
        }
        assert_eq!(
            format!("{:?}", LITERAL_DEF.key),
            "Secret(Literal([redacted]))"
        );
    }

    #[test]
    fn env_secret_default_is_redacted_but_the_variable_named() {
        let key = KeySource::Secret(ValueSource::Env {
            var: "MY_SECRET",
            default: Some(DEFAULT),
        });
        assert_eq!(
            format!("{key:?}"),
            r#"Secret(Env { var: "MY_SECRET", default: Some([redacted]) })"#
        );
        let public = KeySource::PublicKeyFile(ValueSource::Literal("keys/public.pem"));
        assert_eq!(
            format!("{public:?}"),
            r#"PublicKeyFile(Literal("keys/public.pem"))"#
        );
        assert_eq!(format!("{:?}", KeySource::Discovery), "Discovery");
    }

    #[test]
    fn resolved_literal_secret_validator_debug_is_redacted() {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let validator = resolve(
            &LITERAL_DEF,
            None,
            &clock,
            &JwksSettings::default(),
            &Vars::new(),
        )
        .expect("the literal validator resolves");
        assert_eq!(
            validator.secret.as_ref().map(|s| s.expose().as_slice()),
            Some(LITERAL.as_bytes())
        );
        let bytes = format!("{:?}", LITERAL.as_bytes());
        for output in [format!("{validator:?}"), format!("{validator:#?}")] {
            assert_redacted(&output, LITERAL);
            let squeezed: String = output.split_whitespace().collect();
            assert!(!squeezed.contains(&bytes.replace(' ', "")), "{output}");
        }
    }

    #[cfg(not(feature = "jwks"))]
    #[test]
    fn jwks_sources_need_the_jwks_feature() {
        static URI: ValidatorDef = def(
            "by_uri",
            KeySource::JwksUri(ValueSource::Literal("https://idp.example/certs")),
        );
        static DISCOVERY: ValidatorDef = def("by_discovery", KeySource::Discovery);
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let settings = JwksSettings::default();
        let (ready, problems) =
            resolve_all(&[&URI, &DISCOVERY], None, &clock, &settings, &Vars::new());
        assert!(ready.by_name.is_empty());
        let messages: Vec<_> = problems
            .iter()
            .map(|p| match p {
                ValidatorProblem::Invalid { validator, message } => (*validator, message.as_str()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        for ((validator, message), field) in messages
            .into_iter()
            .zip(["`jwks_uri`", "`discovery: true`"])
        {
            assert!(
                message.starts_with(&format!("validator `{validator}`: {field}")),
                "{message}"
            );
            assert!(message.contains("the `jwks` feature"), "{message}");
        }
    }
}
