//! Project Wycheproof's JSON web signature and JSON web key vectors run through our JWS layer.
//!
//! Data: `tests/data/wycheproof/` at the workspace root (copied unchanged, Apache-2.0, see
//! `SOURCE.md` there). Run with `cargo test -p authroute --test wycheproof -- --nocapture` to see
//! the tallies.
//!
//! JWS vectors (`json_web_signature_test.json`): for each vector, the policy's algorithm is the
//! group key's `alg` (or, for the few keys without one, the token header's), the key comes from
//! the group's public JWK through [`jwk::parse_key_set`] and [`KeySet::select`] with the token's
//! `kid` (HMAC groups only have a private `oct` JWK: its `k` is used as a configured secret
//! through [`keys::hmac_key`], since we never take symmetric keys from a JWKS), and the vector
//! passes when `parse` + `verify_signature` accepts exactly the `valid` ones, except for the
//! listed exceptions, which must come out exactly as listed.
//!
//! JWK vectors (`json_web_key_test.json`): each group's key set (public when given) goes
//! through `parse_key_set` for the token's algorithm, then the token through `parse`, `select`
//! and `verify_signature`. This checks the JWKS filters: `use`, `alg`/curve/`kty` mismatches,
//! small RSA moduli, exponent 1, invalid points, symmetric and mixed key sets.

use std::collections::BTreeMap;

use authroute::jwt::jwk::{self, KeySet};
use authroute::jwt::keys;
use authroute::jwt::policy::{Policy, parse};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

fn data(name: &str) -> Value {
    let path = format!(
        "{}/../tests/data/wycheproof/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accepted,
    Rejected,
}
use Outcome::{Accepted, Rejected};

/// JWS vectors whose outcome differs from the label, on purpose, each with the reason.
const JWS_EXCEPTIONS: &[(u64, Outcome, &str)] = &[
    // Reported mislabeled upstream: identical to the valid tcId 357 (the "padding" the
    // comment speaks of is not in the token), so a correct verifier accepts them.
    (
        367,
        Accepted,
        "mislabeled upstream: byte-identical to valid tcId 357",
    ),
    (
        370,
        Accepted,
        "mislabeled upstream: byte-identical to valid tcId 357",
    ),
    // Reported mislabeled upstream: a `?` inside a base64url segment is not base64url
    // (RFC 7515 2); we are strict and refuse it.
    (
        372,
        Rejected,
        "mislabeled upstream: '?' in the header segment is not base64url",
    ),
    (
        373,
        Rejected,
        "mislabeled upstream: '?' in the payload segment is not base64url",
    ),
    // RFC 7520 figure 20 is PS384 but the group's key says `alg: PS256`: a key pinned to one
    // algorithm never verifies another (RFC 7517 4.4, RFC 8725 3.1).
    (
        346,
        Rejected,
        "token alg PS384 differs from the key's pinned alg PS256",
    ),
    (
        350,
        Rejected,
        "token alg PS384 differs from the key's pinned alg PS256",
    ),
    // ES512 (P-521) is not among the supported algorithms (SPEC section 5).
    (347, Rejected, "ES512 / P-521 is not a supported algorithm"),
    (351, Rejected, "ES512 / P-521 is not a supported algorithm"),
];

/// JWK vectors whose outcome differs from the label, on purpose.
const JWK_EXCEPTIONS: &[(u64, Outcome, &str)] = &[
    (
        2,
        Rejected,
        "symmetric (oct) keys are never taken from a jwks; secrets come from configuration",
    ),
    (
        13,
        Rejected,
        "symmetric (oct) keys are never taken from a jwks; secrets come from configuration",
    ),
    (
        14,
        Rejected,
        "symmetric (oct) keys are never taken from a jwks; secrets come from configuration",
    ),
    (
        15,
        Rejected,
        "symmetric (oct) keys are never taken from a jwks; secrets come from configuration",
    ),
];

/// The `alg` and `kid` of a token's header, read leniently (for choosing the policy only).
fn header_alg(token: &str) -> Option<String> {
    let header = token.split('.').next()?;
    let bytes = URL_SAFE_NO_PAD.decode(header).ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    value.get("alg")?.as_str().map(str::to_owned)
}

fn algorithm(name: &str) -> Option<Algorithm> {
    name.parse::<Algorithm>()
        .ok()
        .filter(|alg| keys::alg_name(*alg).is_some())
}

/// Runs one compact token through parse + key selection + signature check.
fn run_jws(token: &str, alg: Algorithm, key: Result<Keyring, ()>) -> Outcome {
    let policy = Policy::new(alg, Vec::<String>::new(), "");
    let Ok(parsed) = parse(token, &policy) else {
        return Rejected;
    };
    let key = match &key {
        Ok(Keyring::Secret(key)) => key,
        Ok(Keyring::Set(set)) => match set.select(parsed.kid()) {
            Ok(key) => key,
            Err(_) => return Rejected,
        },
        Err(()) => return Rejected,
    };
    match parsed.verify_signature(key) {
        Ok(()) => Accepted,
        Err(_) => Rejected,
    }
}

enum Keyring {
    Secret(DecodingKey),
    Set(KeySet),
}

/// The key for one JWK: an `oct` key's `k` as a configured secret, anything else through the
/// JWKS parser.
fn keyring_for_jwk(jwk: &Value, alg: Algorithm) -> Result<Keyring, ()> {
    if jwk.get("kty").and_then(Value::as_str) == Some("oct") {
        let k = jwk.get("k").and_then(Value::as_str).ok_or(())?;
        let secret = URL_SAFE_NO_PAD.decode(k).map_err(|_| ())?;
        return keys::hmac_key(&secret, alg)
            .map(Keyring::Secret)
            .map_err(|_| ());
    }
    let doc = serde_json::to_vec(&serde_json::json!({ "keys": [jwk] })).map_err(|_| ())?;
    jwk::parse_key_set(&doc, alg, jwk::DEFAULT_MAX_JWKS_BYTES)
        .map(Keyring::Set)
        .map_err(|_| ())
}

fn exceptions(list: &[(u64, Outcome, &str)]) -> BTreeMap<u64, Outcome> {
    list.iter()
        .map(|(id, outcome, _)| (*id, *outcome))
        .collect()
}

fn labelled(test: &Value) -> Outcome {
    match test["result"].as_str() {
        Some("valid") => Accepted,
        Some("invalid") => Rejected,
        other => panic!("unexpected result label {other:?}"),
    }
}

#[test]
fn json_web_signature_vectors() {
    let file = data("json_web_signature_test.json");
    let exceptions = exceptions(JWS_EXCEPTIONS);
    let (mut accepted, mut rejected, mut excepted, mut total) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for group in file["testGroups"].as_array().unwrap() {
        let jwk = group.get("public").unwrap_or(&group["private"]);
        for test in group["tests"].as_array().unwrap() {
            total += 1;
            let id = test["tcId"].as_u64().unwrap();
            let outcome = match test["jws"].as_str() {
                // JSON serialization (an object, not a string): give the policy its text.
                None => {
                    let text = test["jws"].to_string();
                    run_jws(&text, Algorithm::HS256, Err(()))
                }
                Some(token) => {
                    let alg_name = jwk
                        .get("alg")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .or_else(|| header_alg(token));
                    match alg_name.as_deref().and_then(algorithm) {
                        None => Rejected,
                        Some(alg) => run_jws(token, alg, keyring_for_jwk(jwk, alg)),
                    }
                }
            };
            let expected = exceptions
                .get(&id)
                .copied()
                .unwrap_or_else(|| labelled(test));
            if outcome != expected {
                failures.push(format!(
                    "tcId {id} ({}): {outcome:?}, expected {expected:?}",
                    test["comment"]
                ));
            }
            if exceptions.contains_key(&id) {
                excepted += 1;
            } else if outcome == Accepted {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
    }
    println!(
        "wycheproof jws: {total} vectors: {accepted} accepted, {rejected} rejected as labelled, \
         {excepted} listed exceptions"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(total, file["numberOfTests"].as_u64().unwrap());
}

#[test]
fn json_web_key_vectors() {
    let file = data("json_web_key_test.json");
    let exceptions = exceptions(JWK_EXCEPTIONS);
    let (mut accepted, mut rejected, mut excepted, mut total) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for group in file["testGroups"].as_array().unwrap() {
        let set = group.get("public").unwrap_or(&group["private"]);
        let doc = serde_json::to_vec(set).unwrap();
        for test in group["tests"].as_array().unwrap() {
            total += 1;
            let id = test["tcId"].as_u64().unwrap();
            let token = test["jws"].as_str().unwrap();
            let outcome = match header_alg(token).as_deref().and_then(algorithm) {
                None => Rejected,
                Some(alg) => {
                    let keyring = jwk::parse_key_set(&doc, alg, jwk::DEFAULT_MAX_JWKS_BYTES)
                        .map(Keyring::Set)
                        .map_err(|_| ());
                    run_jws(token, alg, keyring)
                }
            };
            let expected = exceptions
                .get(&id)
                .copied()
                .unwrap_or_else(|| labelled(test));
            if outcome != expected {
                failures.push(format!(
                    "tcId {id} ({}): {outcome:?}, expected {expected:?}",
                    test["comment"]
                ));
            }
            if exceptions.contains_key(&id) {
                excepted += 1;
            } else if outcome == Accepted {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
    }
    println!(
        "wycheproof jwk: {total} vectors: {accepted} accepted, {rejected} rejected as labelled, \
         {excepted} listed exceptions"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The HMAC key-length vectors of the JWK file, read as configured secrets: short and empty
/// keys are refused by `hmac_key`, long keys load and verify.
#[test]
fn json_web_key_hmac_secrets() {
    let file = data("json_web_key_test.json");
    let mut checked = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let keys = group["private"]["keys"].as_array().unwrap();
        let [key] = keys.as_slice() else { continue };
        if key["kty"] != "oct" || !key["alg"].as_str().is_some_and(|a| a.starts_with("HS")) {
            continue;
        }
        let alg = algorithm(key["alg"].as_str().unwrap()).unwrap();
        let secret = URL_SAFE_NO_PAD.decode(key["k"].as_str().unwrap()).unwrap();
        for test in group["tests"].as_array().unwrap() {
            let token = test["jws"].as_str().unwrap();
            let keyring = keys::hmac_key(&secret, alg)
                .map(Keyring::Secret)
                .map_err(|_| ());
            assert_eq!(
                run_jws(token, alg, keyring),
                labelled(test),
                "tcId {}",
                test["tcId"]
            );
            checked += 1;
        }
    }
    assert_eq!(
        checked, 9,
        "the nine short, long and empty HMAC key vectors"
    );
}
