//! Checks of a parsed validator: required fields, key kind against algorithm, literal secret
//! length, names. Independent problems are combined so the user sees all of them.

use proc_macro2::Span;
use syn::{Ident, LitInt, LitStr};

use super::parse::{Audience, Cookie, Field, Grants, RawValidator, Strategy, Value};
use crate::names::{grant_name_errors, is_valid_name};

pub enum KeySource {
    Secret(Value),
    PublicKey(Value),
    PublicKeyFile(Value),
    JwksUri(Value),
    Discovery,
}

pub struct Checked {
    pub vis: syn::Visibility,
    pub name: LitStr,
    pub issuer: Value,
    pub audience: Audience,
    pub algorithm: LitStr,
    pub key: KeySource,
    pub allow_http: bool,
    pub leeway: u64,
    pub typ: Option<LitStr>,
    pub max_lifetime: Option<u64>,
    pub user: Strategy,
    pub partner: Strategy,
    pub partner_required: bool,
    pub next: Option<LitStr>,
    pub cookie: Option<Cookie>,
    pub grants: Option<Grants>,
}

const ALGORITHMS: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "EdDSA",
];

/// Leeway is for clock skew; more than a few minutes hides real expiry.
const MAX_LEEWAY: u64 = 300;

struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        let err = syn::Error::new(span, message);
        match &mut self.0 {
            Some(all) => all.combine(err),
            None => self.0 = Some(err),
        }
    }
}

pub fn check(mut raw: RawValidator) -> syn::Result<Checked> {
    let mut errors = Errors(None);
    let mut seen: Vec<&Ident> = Vec::new();
    for (key, _) in &raw.fields {
        if seen.contains(&key) {
            errors.push(key.span(), format!("`{key}` specified more than once"));
        }
        seen.push(key);
    }

    let mut name = None;
    let mut issuer = None;
    let mut audience = None;
    let mut algorithm = None;
    let mut keys: Vec<(Span, KeySource)> = Vec::new();
    let mut allow_http = false;
    let mut leeway = 0;
    let mut typ = None;
    let mut max_lifetime = None;
    let mut user = None;
    let mut partner = Strategy::None;
    let mut partner_required = false;
    let mut next = None;
    let mut cookie = None;
    let mut grants: Option<Grants> = None;

    for (key, field) in raw.fields.drain(..) {
        match field {
            Field::Name(lit) => {
                let value = lit.value();
                if !is_valid_name(&value) || value.starts_with('_') {
                    errors.push(lit.span(), format!(
                        "invalid validator name `{}`: names are lower-case identifiers ([a-z][a-z0-9_]*) so that `jwt_<name>` is one too",
                        value.escape_debug()
                    ));
                }
                name = Some(lit);
            }
            Field::Issuer(value) => issuer = Some(value),
            Field::Audience(aud) => {
                if let Audience::List(list, span) = &aud {
                    if list.is_empty() {
                        errors.push(
                            *span,
                            "empty `audience`: a validator must accept at least one audience",
                        );
                    }
                    for lit in list {
                        if lit.value().is_empty() {
                            errors.push(lit.span(), "empty audience value");
                        }
                    }
                }
                audience = Some(aud);
            }
            Field::Algorithm(lit) => {
                if !ALGORITHMS.contains(&lit.value().as_str()) {
                    errors.push(
                        lit.span(),
                        format!(
                            "unsupported algorithm `{}`; expected one of {}",
                            lit.value().escape_debug(),
                            ALGORITHMS.join(", ")
                        ),
                    );
                }
                algorithm = Some(lit);
            }
            Field::Secret(value) => keys.push((key.span(), KeySource::Secret(value))),
            Field::PublicKey(value) => keys.push((key.span(), KeySource::PublicKey(value))),
            Field::PublicKeyFile(value) => keys.push((key.span(), KeySource::PublicKeyFile(value))),
            Field::JwksUri(value) => keys.push((key.span(), KeySource::JwksUri(value))),
            Field::Discovery(lit) => {
                if lit.value {
                    keys.push((key.span(), KeySource::Discovery));
                }
            }
            Field::AllowHttp(lit) => allow_http = lit.value,
            Field::Leeway(lit) => leeway = seconds(&lit, &mut errors, Some(MAX_LEEWAY)),
            Field::Typ(lit) => typ = Some(lit),
            Field::MaxLifetime(lit) => max_lifetime = Some(seconds(&lit, &mut errors, None)),
            Field::User(strategy) => {
                if let Strategy::Claim(claim) = &strategy
                    && !is_claim_name(&claim.value())
                {
                    errors.push(
                        claim.span(),
                        "`claim(...)` names a top-level string claim such as \"email\" or \"sub\"",
                    );
                }
                user = Some(strategy);
            }
            Field::Partner(strategy) => partner = strategy,
            Field::PartnerRequired(lit) => partner_required = lit.value,
            Field::Next(lit) => {
                if !is_valid_name(&lit.value()) {
                    errors.push(lit.span(), "invalid validator name in `next`");
                }
                next = Some(lit);
            }
            Field::Cookie(c) => cookie = Some(c),
            Field::Grants(g) => {
                check_grants(&g, &mut errors);
                grants = Some(g);
            }
        }
    }

    for (present, field, example) in [
        (name.is_some(), "name", "name: \"demo\""),
        (
            issuer.is_some(),
            "issuer",
            "issuer: \"https://issuer.example\"",
        ),
        (audience.is_some(), "audience", "audience: [\"my_api\"]"),
        (algorithm.is_some(), "algorithm", "algorithm: \"HS256\""),
        (
            user.is_some(),
            "user",
            "user: static(2)`, `user: claim(\"email\")` or, for an identity made of the token's claims alone, `user: none",
        ),
    ] {
        if !present {
            errors.push(
                raw.span,
                format!("missing validator field `{field}`; add `{example}`"),
            );
        }
    }
    if keys.is_empty() {
        errors.push(raw.span, "missing key source; add one of `secret`, `public_key`, `public_key_file`, `jwks_uri` or `discovery: true`");
    }
    if keys.len() > 1 {
        errors.push(
            keys[1].0,
            "a validator has exactly one key source; remove the others",
        );
    }
    if let (Some(alg), Some((_, source))) = (&algorithm, keys.first()) {
        check_key_fits(alg, source, &mut errors);
    }

    match (
        name,
        issuer,
        audience,
        algorithm,
        user,
        keys.into_iter().next(),
        errors.0,
    ) {
        (
            Some(name),
            Some(issuer),
            Some(audience),
            Some(algorithm),
            Some(user),
            Some((_, key)),
            None,
        ) => Ok(Checked {
            vis: raw.vis,
            name,
            issuer,
            audience,
            algorithm,
            key,
            allow_http,
            leeway,
            typ,
            max_lifetime,
            user,
            partner,
            partner_required,
            next,
            cookie,
            grants,
        }),
        (.., Some(err)) => Err(err),
        _ => Err(syn::Error::new(raw.span, "invalid validator")),
    }
}

fn seconds(lit: &LitInt, errors: &mut Errors, max: Option<u64>) -> u64 {
    match lit.base10_parse::<u64>() {
        Ok(value) if max.is_none_or(|max| value <= max) => value,
        Ok(_) => {
            errors.push(
                lit.span(),
                format!(
                    "at most {} seconds: leeway absorbs clock skew, a larger one hides real expiry",
                    max.unwrap_or_default()
                ),
            );
            0
        }
        Err(_) => {
            errors.push(lit.span(), "expected a whole number of seconds");
            0
        }
    }
}

/// A claim path of dotted identifiers-ish segments, and known grant names without spaces (a
/// space-separated `scope` claim could never carry one), none twice.
fn check_grants(grants: &Grants, errors: &mut Errors) {
    let claim = grants.claim.value();
    if claim.is_empty() || claim.split('.').any(str::is_empty) {
        errors.push(
            grants.claim.span(),
            "the grants claim is a claim name or a dotted path such as `realm_access.roles`",
        );
    }
    if grants.known.is_empty() {
        errors.push(
            grants.claim.span(),
            "declare at least one known grant in `known`",
        );
    }
    for err in grant_name_errors(&grants.known) {
        errors.push(err.span(), err);
    }
}

/// HMAC algorithms take a secret; every other family a public key, so RS/HS confusion cannot
/// be configured. A literal secret must be at least as long as the hash output.
fn check_key_fits(alg: &LitStr, key: &KeySource, errors: &mut Errors) {
    let alg_name = alg.value();
    let hmac = alg_name.starts_with("HS");
    match key {
        KeySource::Secret(value) => {
            if !hmac {
                errors.push(value.span(), format!(
                    "`{alg_name}` verifies with a public key, not a secret; use `public_key`, `public_key_file` or `jwks_uri`, or an HS* algorithm"
                ));
            } else if let Value::Literal(lit) = value {
                let min = match alg_name.as_str() {
                    "HS384" => 48,
                    "HS512" => 64,
                    _ => 32,
                };
                let len = lit.value().len();
                if len < min {
                    errors.push(lit.span(), format!(
                        "HMAC secret too short for {alg_name}: {len} bytes, at least {min} required (RFC 7518 section 3.2)"
                    ));
                }
            }
        }
        KeySource::PublicKey(value)
        | KeySource::PublicKeyFile(value)
        | KeySource::JwksUri(value) => {
            if hmac {
                errors.push(value.span(), format!(
                    "`{alg_name}` verifies with a shared secret, not a public key; use `secret`, or an RS*/PS*/ES*/EdDSA algorithm"
                ));
            }
        }
        KeySource::Discovery => {
            if hmac {
                errors.push(alg.span(), format!(
                    "`{alg_name}` verifies with a shared secret; discovery only provides public keys"
                ));
            }
        }
    }
}

/// A top-level claim name: non-empty, printable, no dots (nested paths are for grants).
fn is_claim_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('.')
        && !name.chars().any(|c| c.is_whitespace() || c.is_control())
}
