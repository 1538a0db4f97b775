//! Shared harness of the fuzz targets: one current-thread runtime, an application built once
//! per target, and the oracles the targets check their outcomes against.
//!
//! The oracles are independent of the code under test: a token we accept must also pass
//! `jsonwebtoken::decode` plus hand-written claim checks on a `serde_json::Value`, and every
//! response must carry a status the security model allows.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use authroute::clock::ManualClock;
use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Response, Uid};
use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Full};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

/// The HS256 secret of the targets' validators and of the seed tokens (the hostile suite's).
pub const SECRET: &str = "hostile-suite-secret-of-at-least-32-bytes";
/// The fixed time of the targets' clock: the hostile suite's `NOW`, so its tokens are in date.
pub const NOW: i64 = 1_900_000_000;
/// Issuer and audience of the targets' validators.
pub const ISSUER: &str = "iss";
pub const AUDIENCE: &str = "api";

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// Runs a future to completion on the shared runtime.
pub fn block_on<F: Future>(future: F) -> F::Output {
    runtime().block_on(future)
}

/// The application of this target, built on first use from the routes the target declares:
/// users 1 (static JWT user) and 2 (public user), and a clock fixed at [`NOW`].
pub fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| {
        block_on(async {
            let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
            directory.add_user(NewUser::new("root")).expect("user 1");
            directory.add_user(NewUser::new("public")).expect("user 2");
            App::builder()
                .directory(Arc::new(directory))
                .public_uid(Uid(2))
                .clock(Arc::new(ManualClock::new(NOW)))
                .cookie_secret(SECRET.as_bytes().to_vec())
                .build()
                .await
                .unwrap_or_else(|err| panic!("fuzz app does not start: {err}"))
        })
    })
}

/// A response with its body read.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

/// Sends one request through the whole dispatch path (no socket).
pub fn send(request: Request<Full<Bytes>>) -> Answer {
    let app = app();
    block_on(async {
        let response: Response = app.handle(request).await;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map(|collected| collected.to_bytes())
            .unwrap_or_default();
        Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        }
    })
}

/// Checks the shape of a refusal: 401 carries exactly one `WWW-Authenticate: Bearer` challenge.
pub fn check_refusal(answer: &Answer, context: &str) {
    if answer.status == 401 {
        let challenges: Vec<_> = answer.headers.get_all("www-authenticate").iter().collect();
        assert_eq!(
            challenges.len(),
            1,
            "{context}: one challenge, got {challenges:?}"
        );
        assert!(
            challenges[0].as_bytes().starts_with(b"Bearer realm="),
            "{context}: challenge {:?}",
            challenges[0]
        );
    }
}

/// The reference verdict on a token: `jsonwebtoken::decode` with HS256, the audience and the
/// issuer, plus the claim checks it leaves out (types of `exp`/`nbf`/`iat`, a string `iss`).
/// Returns the reason when the reference refuses.
pub fn reference_accepts(token: &str) -> Result<(), String> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[AUDIENCE]);
    validation.set_issuer(&[ISSUER]);
    validation.leeway = 0;
    // Time is checked below against the fixed clock, not the machine's.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    let key = DecodingKey::from_secret(SECRET.as_bytes());
    let data = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map_err(|err| format!("jsonwebtoken refuses: {err}"))?;
    check_header(token)?;
    let claims = data.claims;
    if !claims["iss"].is_string() {
        return Err("iss is not a string".into());
    }
    match &claims["aud"] {
        Value::String(aud) if aud == AUDIENCE => {}
        Value::Array(auds) if auds.iter().any(|a| a == AUDIENCE) => {}
        other => return Err(format!("aud {other} does not name the audience")),
    }
    let exp = claims["exp"].as_i64().ok_or("exp is not an integer")?;
    if exp <= NOW {
        return Err(format!("expired: exp {exp} <= now {NOW}"));
    }
    for name in ["nbf", "iat"] {
        match &claims[name] {
            Value::Null if claims.get(name).is_none() => {}
            value => {
                let at = value.as_i64().ok_or(format!("{name} is not an integer"))?;
                if at > NOW {
                    return Err(format!("{name} {at} is after now {NOW}"));
                }
            }
        }
    }
    Ok(())
}

/// Header members our policy must refuse whatever `jsonwebtoken` says (SPEC section 5).
fn check_header(token: &str) -> Result<(), String> {
    use base64::Engine as _;
    let segment = token.split('.').next().unwrap_or_default();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|err| format!("header is not base64url: {err}"))?;
    let header: Value =
        serde_json::from_slice(&bytes).map_err(|err| format!("header is not JSON: {err}"))?;
    let header = header.as_object().ok_or("header is not an object")?;
    for forbidden in ["crit", "b64", "zip", "enc"] {
        if header.contains_key(forbidden) {
            return Err(format!("header has `{forbidden}`"));
        }
    }
    if header.get("alg") != Some(&Value::from("HS256")) {
        return Err("alg is not HS256".into());
    }
    if header
        .get("cty")
        .and_then(Value::as_str)
        .is_some_and(|cty| cty.eq_ignore_ascii_case("jwt"))
    {
        return Err("nested token (cty JWT)".into());
    }
    Ok(())
}
