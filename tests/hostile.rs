//! Hostile input over real HTTP: every case must be refused with the right status and
//! challenge, and the handler must not run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use authroute::clock::ManualClock;
use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Json, Uid, route, validator};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

const SECRET: &str = "hostile-suite-secret-of-at-least-32-bytes";
const NOW: i64 = 1_900_000_000;
/// Handler runs of the token tests' routes.
static RUNS: AtomicUsize = AtomicUsize::new(0);
/// Handler runs of the header tests' routes (a separate counter: tests run in parallel).
static HEADER_RUNS: AtomicUsize = AtomicUsize::new(0);
/// Handler runs of the RSA route.
static RS_RUNS: AtomicUsize = AtomicUsize::new(0);

validator! { name: "hs", issuer: "iss", audience: ["api"], algorithm: "HS256", secret: "hostile-suite-secret-of-at-least-32-bytes", user: static(1) }
validator! { name: "rs", issuer: "iss", audience: ["api"], algorithm: "RS256", public_key_file: "tests/keys/rsa_public.pem", user: static(1) }

#[route("/hs", methods = ["GET"], auth = "jwt_hs")]
async fn hs(uid: Uid) -> Json<Value> {
    RUNS.fetch_add(1, Ordering::SeqCst);
    Json(json!({ "uid": uid }))
}

#[route("/rs", methods = ["GET"], auth = "jwt_rs")]
async fn rs(uid: Uid) -> Json<Value> {
    RS_RUNS.fetch_add(1, Ordering::SeqCst);
    Json(json!({ "uid": uid }))
}

#[route("/h", methods = ["GET"], auth = "jwt_hs")]
async fn h(uid: Uid) -> Json<Value> {
    HEADER_RUNS.fetch_add(1, Ordering::SeqCst);
    Json(json!({ "uid": uid }))
}

#[route("/h_either", methods = ["GET"], auth = "public_or_jwt_hs")]
async fn h_either(caller: authroute::Caller) -> Json<Value> {
    HEADER_RUNS.fetch_add(1, Ordering::SeqCst);
    Json(json!({ "uid": caller.uid }))
}

#[route("/either", methods = ["GET"], auth = "public_or_jwt_hs")]
async fn either(caller: authroute::Caller) -> Json<Value> {
    RUNS.fetch_add(1, Ordering::SeqCst);
    Json(json!({ "uid": caller.uid }))
}

fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

fn good_claims() -> Value {
    json!({"iss": "iss", "aud": "api", "exp": NOW + 600})
}

/// A token with this raw header and payload text, HS256-signed with the right secret, so that
/// only the policy (not the signature) can refuse it.
fn signed(header: &str, payload: &str) -> String {
    use hmac_sign::sign;
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    format!(
        "{input}.{}",
        b64(&sign(SECRET.as_bytes(), input.as_bytes()))
    )
}

mod hmac_sign {
    /// HMAC-SHA256 through jsonwebtoken's own signer, so the test needs no extra crypto crate.
    pub fn sign(secret: &[u8], input: &[u8]) -> Vec<u8> {
        let key = jsonwebtoken::EncodingKey::from_secret(secret);
        let signature =
            jsonwebtoken::crypto::sign(input, &key, jsonwebtoken::Algorithm::HS256).unwrap();
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, signature)
            .unwrap()
    }
}

fn hs_token(claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

fn with_claims(extra: Value) -> String {
    let mut claims = good_claims();
    for (k, v) in extra.as_object().unwrap() {
        if v == &json!("__remove__") {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    hs_token(&claims)
}

async fn server() -> (String, authroute::ServerHandle) {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    directory.add_user(NewUser::new("root")).unwrap();
    directory.add_user(NewUser::new("public")).unwrap();
    let app = App::builder()
        .directory(Arc::new(directory))
        .public_uid(Uid(2))
        .clock(Arc::new(ManualClock::new(NOW)))
        .build()
        .await
        .unwrap();
    let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    (format!("http://{}", handle.addr()), handle)
}

/// Sends `Authorization: Bearer <token>` and checks 401 + one challenge with `error`.
async fn refused(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    token: &str,
    error: &str,
    case: &str,
) {
    let counter = if path == "/rs" { &RS_RUNS } else { &RUNS };
    let before = counter.load(Ordering::SeqCst);
    let response = client
        .get(format!("{base}{path}"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "{case}");
    let challenges: Vec<_> = response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .collect();
    assert_eq!(challenges.len(), 1, "{case}");
    let challenge = challenges[0].to_str().unwrap().to_string();
    assert!(
        challenge.contains(&format!("error=\"{error}\"")),
        "{case}: {challenge}"
    );
    let body = response.text().await.unwrap();
    if token.len() > 8 {
        assert!(!body.contains(token), "{case}: body echoes the token");
    }
    assert!(body.len() < 512, "{case}: body of {} bytes", body.len());
    assert_eq!(
        counter.load(Ordering::SeqCst),
        before,
        "{case}: the handler ran"
    );
}

/// With `AUTHROUTE_FUZZ_SEEDS=<dir>`, writes the cases as seed corpora of the `auth_header` and
/// `token_policy` fuzz targets (`fuzz/seeds/`); without it, does nothing.
/// The valid token is a seed too, so that mutations start from both sides of the line.
fn export_fuzz_seeds(valid: &str, cases: &[(String, String)]) {
    let Some(dir) = std::env::var_os("AUTHROUTE_FUZZ_SEEDS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    for target in ["auth_header", "token_policy"] {
        std::fs::create_dir_all(dir.join(target)).unwrap();
    }
    let valid = (String::from("valid"), valid.to_string());
    for (i, (_, token)) in std::iter::once(&valid).chain(cases).enumerate() {
        let header = format!("Bearer {token}");
        std::fs::write(
            dir.join("auth_header").join(format!("hostile-{i:03}")),
            header,
        )
        .unwrap();
        // Mode byte 0: the token as is.
        let mut raw = vec![0u8];
        raw.extend_from_slice(token.as_bytes());
        std::fs::write(
            dir.join("token_policy").join(format!("hostile-{i:03}")),
            raw,
        )
        .unwrap();
        // Mode byte 1: header and claims JSON, signed by the target, when they decode.
        let mut parts = token.split('.');
        if let (Some(h), Some(p)) = (parts.next(), parts.next())
            && let (Ok(h), Ok(p)) = (B64.decode(h), B64.decode(p))
        {
            let mut signed = vec![1u8];
            signed.extend_from_slice(&h);
            signed.push(0);
            signed.extend_from_slice(&p);
            let name = format!("hostile-{i:03}-signed");
            std::fs::write(dir.join("token_policy").join(name), signed).unwrap();
        }
    }
}

#[tokio::test]
async fn hostile_tokens_are_refused() {
    let (base, _server) = server().await;
    let client = reqwest::Client::new();
    let good_header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let good_payload = good_claims().to_string();
    let valid = signed(good_header, &good_payload);
    // Sanity: the same machinery accepts a good token, so refusals below mean something.
    let ok = client
        .get(format!("{base}/hs"))
        .bearer_auth(&valid)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);

    let mut cases: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, token: String| cases.push((name.to_string(), token));

    // Malformed structure.
    add("dot", ".".into());
    add("two dots", "..".into());
    add(
        "two segments",
        format!(
            "{}.{}",
            b64(good_header.as_bytes()),
            b64(good_payload.as_bytes())
        ),
    );
    add("four segments", format!("{valid}.x"));
    add("five segments (JWE)", format!("{valid}.x.y"));
    add("padding", format!("{}=", valid));
    add(
        "plus and slash",
        valid.replace('-', "+").replace('_', "/") + "+/",
    );
    add(
        "json serialization",
        format!("{{\"payload\":\"{}\"}}", b64(b"x")).replace(' ', ""),
    );
    add("garbage", "not-a-token".into());
    add(
        "empty signature",
        format!(
            "{}.{}.",
            b64(good_header.as_bytes()),
            b64(good_payload.as_bytes())
        ),
    );
    add("signature flipped", {
        let mut t = valid.clone();
        let last = t.pop().unwrap();
        t.push(if last == 'A' { 'B' } else { 'A' });
        t
    });

    // The alg family.
    for alg in ["none", "None", "NONE", "nOnE"] {
        add(
            &format!("alg {alg}"),
            format!(
                "{}.{}.",
                b64(format!(r#"{{"alg":"{alg}"}}"#).as_bytes()),
                b64(good_payload.as_bytes())
            ),
        );
        add(
            &format!("alg {alg} signed"),
            signed(&format!(r#"{{"alg":"{alg}"}}"#), &good_payload),
        );
    }
    for header in [
        r#"{"typ":"JWT"}"#,
        r#"{"alg":null}"#,
        r#"{"alg":256}"#,
        r#"{"alg":["HS256"]}"#,
        r#"{"alg":"hs256"}"#,
        r#"{"alg":"HS384"}"#,
        r#"{"alg":"HS256 "}"#,
        "[]",
        "\"HS256\"",
        "{}",
        r#"{"alg":"HS256","alg":"HS256"}"#,
    ] {
        add(&format!("header {header}"), signed(header, &good_payload));
    }
    // Header parameters we refuse, and injection attempts that must be ignored at best.
    for header in [
        r#"{"alg":"HS256","crit":["exp"]}"#,
        r#"{"alg":"HS256","crit":[]}"#,
        r#"{"alg":"HS256","b64":false}"#,
        r#"{"alg":"HS256","zip":"DEF"}"#,
        r#"{"alg":"HS256","enc":"A128GCM"}"#,
        r#"{"alg":"HS256","cty":"JWT"}"#,
        r#"{"alg":"HS256","cty":"jwt"}"#,
        r#"{"alg":"HS256","kid":5}"#,
        r#"{"alg":"HS256","typ":5}"#,
    ] {
        add(&format!("header {header}"), signed(header, &good_payload));
    }
    // Claims family: each required claim missing, null, string, bool, float, huge.
    for claim in ["exp", "aud", "iss"] {
        add(
            &format!("{claim} missing"),
            with_claims(json!({ claim: "__remove__" })),
        );
        add(
            &format!("{claim} null"),
            with_claims(json!({ claim: null })),
        );
        add(
            &format!("{claim} bool"),
            with_claims(json!({ claim: true })),
        );
        add(
            &format!("{claim} object"),
            with_claims(json!({ claim: {"a": 1} })),
        );
    }
    add(
        "exp string",
        with_claims(json!({"exp": (NOW + 600).to_string()})),
    );
    add(
        "exp float",
        with_claims(json!({"exp": (NOW + 600) as f64 + 0.5})),
    );
    add("exp negative", with_claims(json!({"exp": -1})));
    add("exp expired", with_claims(json!({"exp": NOW - 1})));
    add(
        "exp huge",
        signed(
            good_header,
            &format!(r#"{{"iss":"iss","aud":"api","exp":1{}}}"#, "0".repeat(40)),
        ),
    );
    add("nbf future", with_claims(json!({"nbf": NOW + 60})));
    add("nbf string", with_claims(json!({"nbf": "0"})));
    add("iat future", with_claims(json!({"iat": NOW + 3600})));
    add("iat string", with_claims(json!({"iat": "now"})));
    add("aud number", with_claims(json!({"aud": 5})));
    add("aud empty array", with_claims(json!({"aud": []})));
    add("aud wrong case", with_claims(json!({"aud": "API"})));
    add("aud trailing space", with_claims(json!({"aud": "api "})));
    add("aud array of numbers", with_claims(json!({"aud": [1, 2]})));
    add("iss number", with_claims(json!({"iss": 5})));
    add("iss array", with_claims(json!({"iss": ["iss"]})));
    add("iss wrong case", with_claims(json!({"iss": "ISS"})));
    add(
        "duplicate exp",
        signed(
            good_header,
            &format!(r#"{{"iss":"iss","aud":"api","exp":{},"exp":1}}"#, NOW + 600),
        ),
    );
    add(
        "duplicate iss reversed",
        signed(
            good_header,
            &format!(
                r#"{{"iss":"other","aud":"api","exp":{},"iss":"iss"}}"#,
                NOW + 600
            ),
        ),
    );
    add(
        "duplicate custom claim",
        signed(
            good_header,
            &format!(
                r#"{{"iss":"iss","aud":"api","exp":{},"role":"user","role":"admin"}}"#,
                NOW + 600
            ),
        ),
    );
    add(
        "duplicate escaped key",
        signed(
            good_header,
            &format!(
                r#"{{"iss":"iss","aud":"api","exp":{},"\u0065xp":1}}"#,
                NOW + 600
            ),
        ),
    );
    // Non-object payloads and broken encodings.
    for payload in ["[]", "\"x\"", "5", "null", "true"] {
        add(&format!("payload {payload}"), signed(good_header, payload));
    }
    add("invalid utf-8 payload", {
        let input = format!(
            "{}.{}",
            b64(good_header.as_bytes()),
            b64(b"{\"iss\":\"\xff\"}")
        );
        format!(
            "{input}.{}",
            b64(&hmac_sign::sign(SECRET.as_bytes(), input.as_bytes()))
        )
    });
    add(
        "bom payload",
        signed(good_header, &format!("\u{feff}{good_payload}")),
    );
    add(
        "lone surrogate",
        signed(
            good_header,
            &format!(
                r#"{{"iss":"iss","aud":"api","exp":{},"email":"\ud800"}}"#,
                NOW + 600
            ),
        ),
    );
    add(
        "depth 200",
        signed(
            good_header,
            &format!(
                r#"{{"iss":"iss","aud":"api","exp":{},"x":{}{}}}"#,
                NOW + 600,
                "[".repeat(200),
                "]".repeat(200)
            ),
        ),
    );
    // Size cap (checked before any decoding).
    add("8 KiB + 1", "a".repeat(8 * 1024 + 1));

    let count = cases.len();
    export_fuzz_seeds(&valid, &cases);
    for (name, token) in cases {
        // Characters outside token68 make the header itself malformed (RFC 6750 2.1).
        let token68 = token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b));
        let error = if token68 && !token.is_empty() {
            "invalid_token"
        } else {
            "invalid_request"
        };
        refused(&client, &base, "/hs", &token, error, &name).await;
        // public_or_jwt: a bad token is never anonymous.
        refused(
            &client,
            &base,
            "/either",
            &token,
            error,
            &format!("{name} (public_or_jwt)"),
        )
        .await;
    }
    // A 1 MB header never reaches the policy: the server's header limit answers first, quickly.
    let started = std::time::Instant::now();
    let huge = client
        .get(format!("{base}/hs"))
        .bearer_auth("a".repeat(1_000_000))
        .send()
        .await;
    if let Ok(response) = huge {
        assert!(
            matches!(response.status().as_u16(), 400 | 401 | 431),
            "{}",
            response.status()
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    println!("hostile token cases: {count}");
    assert!(count >= 60, "only {count} cases");
}

#[tokio::test]
async fn key_confusion_is_refused() {
    let (base, _server) = server().await;
    let client = reqwest::Client::new();
    let pem = include_bytes!("keys/rsa_public.pem");
    // RS-to-HS confusion: the public key's PEM bytes as an HMAC secret.
    let forged = encode(
        &Header::new(Algorithm::HS256),
        &good_claims(),
        &EncodingKey::from_secret(pem),
    )
    .unwrap();
    refused(
        &client,
        &base,
        "/rs",
        &forged,
        "invalid_token",
        "HS256 signed with the RSA PEM",
    )
    .await;
    let der = B64
        .decode(
            std::str::from_utf8(pem)
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>()
                .replace('+', "-")
                .replace('/', "_")
                .trim_end_matches('='),
        )
        .unwrap_or_default();
    let forged = encode(
        &Header::new(Algorithm::HS256),
        &good_claims(),
        &EncodingKey::from_secret(&der),
    )
    .unwrap();
    refused(
        &client,
        &base,
        "/rs",
        &forged,
        "invalid_token",
        "HS256 signed with the RSA DER",
    )
    .await;
    // ES token on an RSA validator.
    let ec = EncodingKey::from_ec_pem(include_bytes!("keys/ec_private.pem")).unwrap();
    let es = encode(&Header::new(Algorithm::ES256), &good_claims(), &ec).unwrap();
    refused(
        &client,
        &base,
        "/rs",
        &es,
        "invalid_token",
        "ES256 on RS256",
    )
    .await;
    // A jwk header with the attacker's key must not be used.
    let mut header = Header::new(Algorithm::RS256);
    header.jku = Some("http://127.0.0.1:9/evil".into());
    header.x5u = Some("http://127.0.0.1:9/evil".into());
    let attacker = EncodingKey::from_rsa_pem(include_bytes!("keys/rsa2_private.pem")).unwrap();
    let injected = encode(&header, &good_claims(), &attacker).unwrap();
    refused(
        &client,
        &base,
        "/rs",
        &injected,
        "invalid_token",
        "jku/x5u injection",
    )
    .await;
}

#[tokio::test]
async fn hostile_authorization_headers_are_invalid_requests() {
    let (base, _server) = server().await;
    let client = reqwest::Client::new();
    let valid = with_claims(json!({}));
    for (case, value) in [
        ("no scheme", "abc".to_string()),
        ("scheme only", "Bearer".to_string()),
        ("empty token", "Bearer ".to_string()),
        ("two tokens", "Bearer a b".to_string()),
        ("comma pair", format!("Bearer {valid}, Bearer {valid}")),
        ("tab", format!("Bearer\t{valid}")),
        ("basic", "Basic dXNlcjpwYXNz".to_string()),
        ("double space", format!("Bearer  {valid}")),
    ] {
        for path in ["/h", "/h_either"] {
            let before = HEADER_RUNS.load(Ordering::SeqCst);
            let response = client
                .get(format!("{base}{path}"))
                .header("authorization", value.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 401, "{case}");
            let challenge = response.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .to_string();
            assert!(
                challenge.contains("error=\"invalid_request\""),
                "{case}: {challenge}"
            );
            assert_eq!(HEADER_RUNS.load(Ordering::SeqCst), before, "{case}");
        }
    }
    // Two Authorization headers.
    let response = client
        .get(format!("{base}/h_either"))
        .header("authorization", format!("Bearer {valid}"))
        .header("authorization", format!("Bearer {valid}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // Non-UTF-8 bytes.
    let response = client
        .get(format!("{base}/h"))
        .header(
            "authorization",
            reqwest::header::HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // Lower-case scheme is fine (RFC 9110 11.1).
    let response = client
        .get(format!("{base}/h"))
        .header("authorization", format!("bearer {valid}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
