//! Properties over generated hostile input, in process (no socket) so that hundreds of cases run
//! in well under a second: nothing panics, a route answers only for a token the reference
//! (`jsonwebtoken::decode` plus the claim checks it leaves out) also accepts, and every other
//! answer is a 400 or a 401 with exactly one Bearer challenge. The `fuzz/` targets explore the
//! same surfaces for longer; this keeps them guarded in CI.

use std::sync::{Arc, OnceLock};

use authroute::clock::ManualClock;
use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Caller, Json, Uid, route, validator};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use bytes::Bytes;
use http::{HeaderValue, Request};
use http_body_util::{BodyExt, Full};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Validation};
use proptest::prelude::*;
use serde_json::{Value, json};

const SECRET: &str = "property-suite-secret-of-at-least-32-bytes";
const NOW: i64 = 1_900_000_000;

validator! { name: "prop", issuer: "iss", audience: ["api"], algorithm: "HS256", secret: "property-suite-secret-of-at-least-32-bytes", user: static(1) }

#[route("/jwt", methods = ["GET"], auth = "jwt_prop")]
async fn jwt(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/either", methods = ["GET"], auth = "public_or_jwt_prop")]
async fn either(caller: Caller) -> Json<Value> {
    Json(json!({ "uid": caller.uid }))
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| {
        runtime().block_on(async {
            let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
            directory.add_user(NewUser::new("root")).unwrap();
            directory.add_user(NewUser::new("public")).unwrap();
            App::builder()
                .directory(Arc::new(directory))
                .public_uid(Uid(2))
                .clock(Arc::new(ManualClock::new(NOW)))
                .build()
                .await
                .unwrap()
        })
    })
}

/// Status, `WWW-Authenticate` values and body of one in-process request.
fn send(path: &str, authorizations: &[HeaderValue]) -> (u16, Vec<HeaderValue>, Bytes) {
    let mut request = Request::get(path);
    for value in authorizations {
        request = request.header("authorization", value.clone());
    }
    let request = request.body(Full::new(Bytes::new())).unwrap();
    let app = app();
    runtime().block_on(async {
        let response = app.handle(request).await;
        let status = response.status().as_u16();
        let challenges = response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .cloned()
            .collect();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, challenges, body)
    })
}

/// The reference verdict: `jsonwebtoken` with the same algorithm, audience and issuer, and the
/// checks it leaves out (integer times against the fixed clock, string `iss`, no `crit`).
fn reference_accepts(token: &str) -> bool {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["api"]);
    validation.set_issuer(&["iss"]);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    let key = DecodingKey::from_secret(SECRET.as_bytes());
    let Ok(data) = jsonwebtoken::decode::<Value>(token, &key, &validation) else {
        return false;
    };
    let claims = data.claims;
    let header: Value = token
        .split('.')
        .next()
        .and_then(|h| B64.decode(h).ok())
        .and_then(|h| serde_json::from_slice(&h).ok())
        .unwrap_or(Value::Null);
    let in_time = |name: &str, ok: fn(i64) -> bool| match claims.get(name) {
        None => name != "exp",
        Some(value) => value.as_i64().is_some_and(ok),
    };
    claims["iss"].is_string()
        && header.get("crit").is_none()
        && in_time("exp", |exp| exp > NOW)
        && in_time("nbf", |nbf| nbf <= NOW)
        && in_time("iat", |iat| iat <= NOW)
}

/// The token of a single well-formed `Bearer` header, if that is what was sent.
fn single_bearer(authorizations: &[HeaderValue]) -> Option<&str> {
    let [value] = authorizations else { return None };
    let (scheme, token) = value.to_str().ok()?.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

/// The property itself, for both routes.
fn check(authorizations: &[HeaderValue]) -> Result<(), TestCaseError> {
    for path in ["/jwt", "/either"] {
        let (status, challenges, body) = send(path, authorizations);
        match status {
            200 => {
                let anonymous = path == "/either" && authorizations.is_empty();
                let verified = single_bearer(authorizations).is_some_and(reference_accepts);
                prop_assert!(anonymous || verified, "{path} accepted {authorizations:?}");
            }
            401 => {
                prop_assert_eq!(challenges.len(), 1, "{} {:?}", path, authorizations);
                prop_assert!(challenges[0].as_bytes().starts_with(b"Bearer realm="));
            }
            400 => {}
            other => prop_assert!(false, "{path}: status {other} for {authorizations:?}"),
        }
        for value in authorizations.iter().filter(|v| v.len() >= 32) {
            let raw = value.as_bytes();
            prop_assert!(
                !body.windows(raw.len()).any(|w| w == raw),
                "body echoes input"
            );
        }
    }
    Ok(())
}

fn sign(header: &[u8], claims: &[u8]) -> String {
    let input = format!("{}.{}", B64.encode(header), B64.encode(claims));
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key, Algorithm::HS256).unwrap();
    format!("{input}.{signature}")
}

fn valid_token() -> String {
    let claims = json!({"iss": "iss", "aud": "api", "exp": NOW + 600, "sub": "someone"});
    sign(
        br#"{"alg":"HS256","typ":"JWT"}"#,
        claims.to_string().as_bytes(),
    )
}

/// JSON values likely to sit on the edge of a check: wrong types, edge numbers, near-misses.
fn edge_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (NOW - 5..NOW + 5).prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        Just(json!("api")),
        Just(json!("iss")),
        Just(json!("API")),
        Just(json!("api ")),
        Just(json!(["api"])),
        Just(json!([])),
        Just(json!(["x", "api"])),
        Just(json!([5])),
        Just(json!({"a": 1})),
        "[a-z]{0,6}".prop_map(Value::from),
    ]
}

/// Claims built from a valid set by up to four edits: replace a member with an edge value,
/// remove it, or append a duplicate. Some stay valid, so both sides of the line are exercised.
fn claims() -> impl Strategy<Value = String> {
    const NAMES: [&str; 7] = ["iss", "aud", "exp", "nbf", "iat", "sub", "email"];
    let edit = (0..3_u8, proptest::sample::select(&NAMES[..]), edge_value());
    proptest::collection::vec(edit, 0..4).prop_map(|edits| {
        let mut members: Vec<(&str, Value)> = vec![
            ("iss", json!("iss")),
            ("aud", json!("api")),
            ("exp", json!(NOW + 600)),
        ];
        for (kind, name, value) in edits {
            match kind {
                0 => match members.iter_mut().find(|(n, _)| *n == name) {
                    Some(member) => member.1 = value,
                    None => members.push((name, value)),
                },
                1 => members.retain(|(n, _)| *n != name),
                _ => members.push((name, value)),
            }
        }
        let members: Vec<String> = members
            .into_iter()
            .map(|(name, value)| format!("{}:{value}", Value::from(name)))
            .collect();
        format!("{{{}}}", members.join(","))
    })
}

/// Headers around `alg`, `typ`, `crit`, `kid` with edge values.
fn header() -> impl Strategy<Value = String> {
    let good = r#"{"alg":"HS256","typ":"JWT"}"#.to_string();
    prop_oneof![
        3 => Just(good),
        1 => edge_value().prop_map(|alg| format!(r#"{{"alg":{alg}}}"#)),
        1 => proptest::sample::select(&["none", "HS384", "RS256", "hs256", "HS256 "][..])
            .prop_map(|alg| format!(r#"{{"alg":"{alg}"}}"#)),
        1 => edge_value().prop_map(|v| format!(r#"{{"alg":"HS256","crit":{v}}}"#)),
        1 => edge_value().prop_map(|v| format!(r#"{{"alg":"HS256","kid":{v}}}"#)),
        1 => Just(r#"{"alg":"HS256","alg":"HS256"}"#.to_string()),
    ]
}

/// A valid token with one byte changed, some bytes cut, or something appended.
fn mutated_token() -> impl Strategy<Value = String> {
    let token = valid_token();
    let len = token.len();
    prop_oneof![
        (0..len, any::<u8>()).prop_map({
            let token = token.clone();
            move |(i, b)| {
                let mut bytes = token.clone().into_bytes();
                bytes[i] = b;
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }),
        (0..len).prop_map({
            let token = token.clone();
            move |cut| token[..cut].to_string()
        }),
        "[ -~]{0,8}".prop_map(move |tail| format!("{token}{tail}")),
    ]
}

/// `Authorization` values: schemes and separators around a token, including raw bytes.
fn authorization(token: impl Strategy<Value = String>) -> impl Strategy<Value = Vec<HeaderValue>> {
    let scheme = proptest::sample::select(
        &[
            "Bearer ", "bearer ", "BEARER ", "Bearer  ", "Bearer\t", "Basic ", "", "Bearer",
        ][..],
    );
    let one = (scheme, token).prop_filter_map("not a header value", |(scheme, token)| {
        HeaderValue::from_str(&format!("{scheme}{token}")).ok()
    });
    proptest::collection::vec(one, 0..3)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_tokens_are_never_accepted_unless_valid(values in authorization(mutated_token())) {
        check(&values)?;
    }

    #[test]
    fn signed_edge_claims_follow_the_reference(header in header(), claims in claims()) {
        let token = sign(header.as_bytes(), claims.as_bytes());
        let values = vec![HeaderValue::from_str(&format!("Bearer {token}")).unwrap()];
        check(&values)?;
    }

    #[test]
    fn arbitrary_header_bytes_are_refused_cleanly(
        raw in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..3)
    ) {
        let values: Vec<HeaderValue> = raw
            .iter()
            .filter_map(|bytes| HeaderValue::from_bytes(bytes).ok())
            .collect();
        check(&values)?;
    }
}

#[test]
fn the_valid_token_is_accepted() {
    // The properties mean something only if the same machinery accepts a good token.
    let value = HeaderValue::from_str(&format!("Bearer {}", valid_token())).unwrap();
    assert!(reference_accepts(&valid_token()));
    assert_eq!(send("/jwt", &[value]).0, 200);
}
