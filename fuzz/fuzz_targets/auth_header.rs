//! The `Authorization` header (and the cookie-mode cookie) to the auth decision, through the
//! whole dispatch path. Input: lines; `cookie:<value>` sends a `Cookie` header, any other line
//! one `Authorization` header. A route runs only for a token the reference also accepts, and
//! a refusal is a 400 or a 401 with one Bearer challenge and a short body.
#![no_main]

use authroute::{Caller, Json, Uid, route, validator};
use authroute_fuzz::{Answer, check_refusal, reference_accepts, send};
use bytes::Bytes;
use http::{HeaderValue, Request};
use http_body_util::Full;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

validator! { name: "hs", issuer: "iss", audience: ["api"], algorithm: "HS256", secret: "hostile-suite-secret-of-at-least-32-bytes", user: static(1) }
validator! { name: "hs_cookie", issuer: "iss", audience: ["api"], algorithm: "HS256", secret: "hostile-suite-secret-of-at-least-32-bytes", user: static(1), cookie: { name: "fuzz_auth", secure: false } }

#[route("/jwt", methods = ["GET"], auth = "jwt_hs")]
async fn jwt(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/either", methods = ["GET"], auth = "public_or_jwt_hs")]
async fn either(caller: Caller) -> Json<Value> {
    Json(json!({ "uid": caller.uid }))
}

#[route("/cookie", methods = ["GET"], auth = "jwt_hs_cookie")]
async fn cookie(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

/// The token a well-formed single `Authorization: Bearer <token>` header carries.
fn single_bearer(authorizations: &[HeaderValue]) -> Option<&str> {
    let [value] = authorizations else { return None };
    let text = value.to_str().ok()?;
    let (scheme, token) = text.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

fn check(path: &str, answer: &Answer, authorizations: &[HeaderValue], cookies: &[HeaderValue]) {
    let context = format!("{path} with {authorizations:?} and cookies {cookies:?}");
    match answer.status {
        200 => {
            let anonymous = authorizations.is_empty() && path == "/either";
            if !anonymous {
                let token = match path {
                    "/cookie" if authorizations.is_empty() => None,
                    _ => single_bearer(authorizations),
                };
                // In cookie mode without a header, the cookie carried the token; its value is
                // whatever cookie parsing found, so only the header case has an exact oracle.
                if let Some(token) = token {
                    if let Err(reason) = reference_accepts(token) {
                        panic!("{context}: accepted a token the reference refuses: {reason}");
                    }
                } else if path != "/cookie" {
                    panic!("{context}: accepted without a single bearer token");
                }
            }
        }
        400 | 401 => check_refusal(answer, &context),
        other => panic!("{context}: unexpected status {other}"),
    }
    // A refusal is a short, fixed text. (Whether it echoes the token is checked by the hostile
    // suite and the property tests: here libFuzzer's comparison tracing would copy the body's
    // own words into the input and report them as an echo.)
    if answer.status != 200 {
        assert!(
            answer.body.len() < 512,
            "{context}: {} byte body",
            answer.body.len()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let mut authorizations = Vec::new();
    let mut cookies = Vec::new();
    for line in data.split(|&b| b == b'\n').take(4) {
        let (list, raw) = match line.strip_prefix(b"cookie:") {
            Some(rest) => (&mut cookies, rest),
            None => (&mut authorizations, line),
        };
        // Values hyper would refuse to parse never reach us.
        if let Ok(value) = HeaderValue::from_bytes(raw) {
            list.push(value);
        }
    }
    for path in ["/jwt", "/either", "/cookie"] {
        let mut request = Request::get(path);
        for value in &authorizations {
            request = request.header("authorization", value.clone());
        }
        for value in &cookies {
            request = request.header("cookie", value.clone());
        }
        let request = request.body(Full::new(Bytes::new())).expect("a request");
        let answer = send(request);
        check(path, &answer, &authorizations, &cookies);
    }
});
