//! JWT validators over real HTTP: the upstream `auth_jwt` behaviour suite, in spirit.

use std::sync::Arc;

use authroute::clock::ManualClock;
use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{
    App, Caller, Claims, Json, Partner, PartnerId, SessionControl, Uid, ValidatorName, route,
    validator,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

const SECRET: &str = "an-integration-test-secret-of-40-bytes!!";
const NOW: i64 = 1_900_000_000;

validator! {
    name: "demo",
    issuer: "theissuer",
    audience: ["auth_jwt_test_api"],
    algorithm: "HS256",
    secret: "an-integration-test-secret-of-40-bytes!!",
    user: static(2),
    partner: email,
}

validator! {
    name: "multi",
    issuer: "theissuer",
    audience: ["a1", "a2"],
    algorithm: "HS256",
    secret: "an-integration-test-secret-of-40-bytes!!",
    user: static(2),
}

validator! {
    name: "required",
    issuer: "theissuer",
    audience: ["auth_jwt_test_api"],
    algorithm: "HS256",
    secret: "an-integration-test-secret-of-40-bytes!!",
    user: static(2),
    partner: email,
    partner_required: true,
}

validator! {
    name: "rsa",
    issuer: "theissuer",
    audience: ["auth_jwt_test_api"],
    algorithm: "RS256",
    public_key_file: "tests/keys/rsa_public.pem",
    user: static(1),
}

validator! {
    name: "ec",
    issuer: "theissuer",
    audience: ["auth_jwt_test_api"],
    algorithm: "ES256",
    public_key_file: "tests/keys/ec_public.pem",
    user: static(1),
}

#[route("/demo", methods = ["GET"], auth = "jwt_demo")]
async fn demo(
    uid: Uid,
    partner: Option<Partner>,
    validator: ValidatorName,
    Claims(claims): Claims,
) -> Json<Value> {
    Json(json!({
        "uid": uid,
        "partner": partner.map(|p| p.name),
        "validator": validator.0,
        "sub": claims.get("sub"),
    }))
}

#[route("/public", methods = ["GET"], auth = "public_or_jwt_demo")]
async fn public(caller: Caller, partner: Option<PartnerId>, claims: Option<Claims>) -> Json<Value> {
    Json(json!({
        "uid": caller.uid,
        "authenticated": caller.authenticated,
        "partner": partner,
        "has_claims": claims.is_some(),
    }))
}

#[route("/multi", methods = ["GET"], auth = "jwt_multi")]
async fn multi(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/required", methods = ["GET"], auth = "jwt_required")]
async fn required(uid: Uid, partner: Option<Partner>) -> Json<Value> {
    Json(json!({ "uid": uid, "partner": partner.map(|p| p.name) }))
}

#[route("/rsa", methods = ["GET"], auth = "jwt_rsa")]
async fn rsa(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/ec", methods = ["GET"], auth = "jwt_ec")]
async fn ec(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/login", methods = ["POST"], auth = "none")]
async fn login(control: SessionControl) -> Json<Value> {
    let session = control.login(Uid(2)).await.expect("session store works");
    Json(json!({ "uid": session.uid }))
}

struct Server {
    base: String,
    client: reqwest::Client,
    clock: Arc<ManualClock>,
    _handle: authroute::ServerHandle,
}

async fn server() -> Server {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    let admin = directory.add_partner("Administrator", Some("admin@example.com"));
    let marc = directory.add_partner("Marc Demo", Some("mark.brown23@example.com"));
    directory.add_partner("Twin A", Some("twin@example.com"));
    directory.add_partner("Twin B", Some("twin@example.com"));
    let public = directory.add_partner("Public user", None);
    for (login, name, partner) in [
        (Some("admin"), "Administrator", admin),
        (Some("demo"), "Marc Demo", marc),
        (None, "Public user", public),
    ] {
        let mut user = NewUser::new(name).partner(partner);
        if let Some(login) = login {
            user = user.login(login).password(login);
        }
        directory.add_user(user).expect("seed user");
    }
    let clock = Arc::new(ManualClock::new(NOW));
    let app = App::builder()
        .directory(Arc::new(directory))
        .clock(clock.clone())
        .public_uid(Uid(3))
        .secure_session_cookie(false)
        .build()
        .await
        .expect("test app starts");
    let handle = app
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind");
    Server {
        base: format!("http://{}", handle.addr()),
        client: reqwest::Client::new(),
        clock,
        _handle: handle,
    }
}

fn claims(extra: Value) -> Value {
    let mut claims = json!({"iss": "theissuer", "aud": "auth_jwt_test_api", "exp": NOW + 3600});
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

fn hs(alg: Algorithm, secret: &str, claims: &Value) -> String {
    encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn token(extra: Value) -> String {
    hs(Algorithm::HS256, SECRET, &claims(extra))
}

struct Reply {
    status: u16,
    challenge: Vec<String>,
    body: Value,
}

impl Server {
    async fn get(&self, path: &str, authorization: Option<&str>) -> Reply {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        reply(request.send().await.unwrap()).await
    }
}

async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        challenge,
        body,
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn assert_invalid_token(reply: &Reply, token: &str) {
    assert_eq!(reply.status, 401, "{:?}", reply.body);
    assert_eq!(
        reply.challenge,
        vec![r#"Bearer realm="demo", error="invalid_token""#.to_string()]
    );
    assert_eq!(reply.body["error"], "invalid_token");
    assert!(
        !reply.body.to_string().contains(token),
        "the body must not echo the token"
    );
}

/// Static-key validators remember verified tokens (`authroute::jwt::cache`); a remembered token
/// must still expire on time, and its partner must still be looked up on every request.
#[tokio::test]
async fn a_remembered_token_still_expires() {
    let s = server().await;
    let t = token(json!({"exp": NOW + 10, "email": "mark.brown23@example.com", "sub": "m"}));
    for _ in 0..3 {
        let reply = s.get("/demo", Some(&bearer(&t))).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(reply.body["partner"], "Marc Demo");
        assert_eq!(reply.body["sub"], "m");
    }
    // A remembered token skips the token68 check, never the header's structure.
    assert_eq!(
        s.get("/demo", Some(&format!("bearer {t}"))).await.status,
        200
    );
    for (value, error) in [
        (format!("Bearer  {t}"), "invalid_request"),
        (format!("Basic {t}"), "invalid_request"),
        (format!("Bearer {t}{t}"), "invalid_token"),
    ] {
        let reply = s.get("/demo", Some(&value)).await;
        assert_eq!(reply.status, 401, "{value}");
        assert_eq!(reply.body["error"], error, "{value}");
    }
    s.clock.advance(9);
    assert_eq!(s.get("/demo", Some(&bearer(&t))).await.status, 200);
    s.clock.advance(1);
    assert_invalid_token(&s.get("/demo", Some(&bearer(&t))).await, &t);
    // A different token with the same claims but a changed signature is never a hit.
    let mut forged = token(json!({"exp": NOW + 3600}));
    s.get("/demo", Some(&bearer(&forged))).await;
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    assert_invalid_token(&s.get("/demo", Some(&bearer(&forged))).await, &forged);
}

#[tokio::test]
async fn missing_and_malformed_headers() {
    let s = server().await;
    let r = s.get("/demo", None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.challenge, vec![r#"Bearer realm="demo""#.to_string()]);
    for bad in ["a", "Bearer", "Bearer ", "Bearer x y", "Basic abc"] {
        let r = s.get("/demo", Some(bad)).await;
        assert_eq!(r.status, 401, "{bad:?}");
        assert_eq!(
            r.challenge,
            vec![r#"Bearer realm="demo", error="invalid_request""#.to_string()],
            "{bad:?}"
        );
        assert_eq!(r.body["error"], "invalid_request");
    }
}

#[tokio::test]
async fn valid_token_with_partner_by_email() {
    let s = server().await;
    let r = s
        .get(
            "/demo",
            Some(&bearer(&token(
                json!({"email": "mark.brown23@example.com", "sub": "u1"}),
            ))),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({"uid": 2, "partner": "Marc Demo", "validator": "demo", "sub": "u1"})
    );
    // `Bearer` is matched case-insensitively (RFC 9110 11.1).
    let r = s
        .get("/demo", Some(&format!("bearer {}", token(json!({})))))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["partner"], Value::Null);
}

#[tokio::test]
async fn partner_not_found_or_ambiguous_is_none() {
    let s = server().await;
    for email in [
        "nobody@example.com",
        "twin@example.com",
        "MARK.BROWN23@example.com",
    ] {
        let r = s
            .get("/demo", Some(&bearer(&token(json!({"email": email})))))
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["partner"], Value::Null, "{email}");
    }
}

#[tokio::test]
async fn partner_required() {
    let s = server().await;
    let r = s
        .get(
            "/required",
            Some(&bearer(&token(json!({"email": "admin@example.com"})))),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["partner"], "Administrator");
    let t = token(json!({"email": "nobody@example.com"}));
    let r = s.get("/required", Some(&bearer(&t))).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.challenge,
        vec![r#"Bearer realm="required", error="invalid_token""#.to_string()]
    );
}

#[tokio::test]
async fn claims_that_must_fail() {
    let s = server().await;
    let cases = [
        ("wrong issuer", token(json!({"iss": "other"}))),
        ("wrong audience", token(json!({"aud": "other"}))),
        ("expired", token(json!({"exp": NOW - 1}))),
        ("not yet valid", token(json!({"nbf": NOW + 60}))),
        ("missing exp", token(json!({"exp": null}))),
        ("missing aud", token(json!({"aud": null}))),
        ("missing iss", token(json!({"iss": null}))),
        (
            "wrong secret",
            hs(
                Algorithm::HS256,
                "another-secret-that-is-also-long-enough!",
                &claims(json!({})),
            ),
        ),
        (
            "HS384 on an HS256 validator",
            hs(Algorithm::HS384, SECRET, &claims(json!({}))),
        ),
    ];
    for (what, t) in cases {
        let r = s.get("/demo", Some(&bearer(&t))).await;
        assert_invalid_token(&r, &t);
        assert_eq!(
            r.body["error_description"], "the access token is invalid",
            "{what}"
        );
    }
    // alg: none, hand-built.
    let b64 = |v: &Value| base64_url(&serde_json::to_vec(v).unwrap());
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none"})),
        b64(&claims(json!({})))
    );
    let r = s.get("/demo", Some(&bearer(&none))).await;
    assert_eq!(r.status, 401);
}

fn base64_url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[tokio::test]
async fn time_claims() {
    let s = server().await;
    let ok = s
        .get("/demo", Some(&bearer(&token(json!({"nbf": NOW - 60})))))
        .await;
    assert_eq!(ok.status, 200);
    let ok = s
        .get("/demo", Some(&bearer(&token(json!({"exp": NOW + 1})))))
        .await;
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn audience_lists() {
    let s = server().await;
    for (aud, status) in [
        (json!("a1"), 200),
        (json!("a2"), 200),
        (json!("a3"), 401),
        (json!(["x", "a2"]), 200),
        (json!(["x", "y"]), 401),
        (json!("A1"), 401),
        (json!("a1 "), 401),
    ] {
        let r = s
            .get("/multi", Some(&bearer(&token(json!({"aud": aud.clone()})))))
            .await;
        assert_eq!(r.status, status, "aud {aud}");
    }
}

#[tokio::test]
async fn public_or_jwt() {
    let s = server().await;
    let r = s.get("/public", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"uid": 3, "authenticated": false, "partner": null, "has_claims": false})
    );
    let r = s
        .get(
            "/public",
            Some(&bearer(&token(json!({"email": "admin@example.com"})))),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["uid"], 2);
    assert_eq!(r.body["authenticated"], true);
    assert_eq!(r.body["has_claims"], true);
    assert!(r.body["partner"].is_number());
    // An invalid token is never anonymous.
    let bad = token(json!({"iss": "other"}));
    assert_invalid_token(&s.get("/public", Some(&bearer(&bad))).await, &bad);
    let r = s.get("/public", Some("Bearer ")).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn logged_in_session_is_refused_on_jwt_routes() {
    let s = server().await;
    let login = s
        .client
        .post(format!("{}/login", s.base))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let t = token(json!({}));
    let r = s
        .client
        .get(format!("{}/demo", s.base))
        .header("Authorization", bearer(&t))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    let r = reply(r).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.challenge.len(), 1);
}

#[tokio::test]
async fn rs256_and_es256_with_pem_keys() {
    let s = server().await;
    let rsa_key = EncodingKey::from_rsa_pem(include_bytes!("keys/rsa_private.pem")).unwrap();
    let ec_key = EncodingKey::from_ec_pem(include_bytes!("keys/ec_private.pem")).unwrap();
    let rs = encode(&Header::new(Algorithm::RS256), &claims(json!({})), &rsa_key).unwrap();
    let es = encode(&Header::new(Algorithm::ES256), &claims(json!({})), &ec_key).unwrap();
    assert_eq!(s.get("/rsa", Some(&bearer(&rs))).await.status, 200);
    assert_eq!(s.get("/ec", Some(&bearer(&es))).await.status, 200);
    // Each key only verifies its own algorithm.
    assert_eq!(s.get("/rsa", Some(&bearer(&es))).await.status, 401);
    assert_eq!(s.get("/ec", Some(&bearer(&rs))).await.status, 401);
    // RS256 token on an HS validator.
    assert_eq!(s.get("/demo", Some(&bearer(&rs))).await.status, 401);
}

#[tokio::test]
async fn testing_helper_mints_accepted_tokens() {
    let s = server().await;
    // The helper needs the app; build a second one on the same registry.
    let app = App::builder()
        .clock(Arc::new(ManualClock::new(NOW)))
        .public_uid(Uid(3))
        .build()
        .await;
    // The default directory is empty, so the static users do not exist: a startup error
    // naming the uid.
    let err = app.unwrap_err().to_string();
    assert!(err.contains("uid 2"), "{err}");
    let token = authroute::testing::mint(
        &test_app().await,
        "demo",
        json!({"email": "admin@example.com"}),
    )
    .unwrap();
    assert_eq!(s.get("/demo", Some(&bearer(&token))).await.status, 200);
}

async fn test_app() -> App {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    for name in ["a", "b", "c"] {
        directory.add_user(NewUser::new(name)).unwrap();
    }
    App::builder()
        .directory(Arc::new(directory))
        .clock(Arc::new(ManualClock::new(NOW)))
        .public_uid(Uid(3))
        .build()
        .await
        .unwrap()
}
