//! JWKS key source against a real JWKS server on loopback: rotation, herds, hangs, outages,
//! garbage, filtering, random `kid`s, OIDC discovery. Counters, not timing luck: time that
//! matters (rate limit refill) is a manual clock.

mod support {
    pub mod jwks_server;
}

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use authroute::clock::ManualClock;
use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Json, Uid, route, validator};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use support::jwks_server::{self, Knobs, jwk};

const NOW: i64 = 1_900_000_000;

// Each test owns one validator, whose JWKS URL comes from its own environment variable.
validator! { name: "basic", issuer: "idp", audience: ["api"], algorithm: "RS256", jwks_uri: env("JWKS_TEST_BASIC"), allow_http: true, user: static(1) }
validator! { name: "basic_ec", issuer: "idp", audience: ["api"], algorithm: "ES256", jwks_uri: env("JWKS_TEST_BASIC"), allow_http: true, user: static(1) }
validator! { name: "rotation", issuer: "idp", audience: ["api"], algorithm: "RS256", jwks_uri: env("JWKS_TEST_ROTATION"), allow_http: true, user: static(1) }
validator! { name: "herd", issuer: "idp", audience: ["api"], algorithm: "RS256", jwks_uri: env("JWKS_TEST_HERD"), allow_http: true, user: static(1) }
validator! { name: "hang", issuer: "idp", audience: ["api"], algorithm: "RS256", jwks_uri: env("JWKS_TEST_HANG"), allow_http: true, user: static(1) }
validator! { name: "outage", issuer: "idp", audience: ["api"], algorithm: "RS256", jwks_uri: env("JWKS_TEST_OUTAGE"), allow_http: true, user: static(1) }
validator! { name: "garbage", issuer: "idp", audience: ["api"], algorithm: "RS256", jwks_uri: env("JWKS_TEST_GARBAGE"), allow_http: true, user: static(1) }
validator! { name: "enc", issuer: "idp", audience: ["api"], algorithm: "RS256", jwks_uri: env("JWKS_TEST_ENC"), allow_http: true, user: static(1) }
validator! { name: "random", issuer: "idp", audience: ["api"], algorithm: "RS256", jwks_uri: env("JWKS_TEST_RANDOM"), allow_http: true, user: static(1) }
validator! { name: "oidc_ok", issuer: env("JWKS_TEST_OIDC_OK"), audience: ["api"], algorithm: "RS256", discovery: true, allow_http: true, user: static(1) }
validator! { name: "oidc_bad", issuer: env("JWKS_TEST_OIDC_BAD"), audience: ["api"], algorithm: "RS256", discovery: true, allow_http: true, user: static(1) }

macro_rules! probe {
    ($($name:ident => $path:literal, $auth:literal;)*) => {$(
        #[route($path, methods = ["GET"], auth = $auth)]
        async fn $name(uid: Uid) -> Json<Value> {
            Json(json!({ "uid": uid }))
        }
    )*};
}

probe! {
    basic_route => "/basic", "jwt_basic";
    basic_ec_route => "/basic_ec", "jwt_basic_ec";
    rotation_route => "/rotation", "jwt_rotation";
    herd_route => "/herd", "jwt_herd";
    hang_route => "/hang", "jwt_hang";
    outage_route => "/outage", "jwt_outage";
    garbage_route => "/garbage", "jwt_garbage";
    enc_route => "/enc", "jwt_enc";
    random_route => "/random", "jwt_random";
    oidc_ok_route => "/oidc_ok", "jwt_oidc_ok";
    oidc_bad_route => "/oidc_bad", "jwt_oidc_bad";
}

struct Fixture {
    base: String,
    client: reqwest::Client,
    knobs: std::collections::HashMap<&'static str, Arc<Knobs>>,
    _server: authroute::ServerHandle,
}

/// One app for the whole binary would share rate limits between tests; each test builds its
/// own app, with every JWKS server started first and the validators' variables pointing at them.
async fn fixture() -> Fixture {
    let mut vars = Vec::new();
    let mut knobs = std::collections::HashMap::new();
    for (name, var) in [
        ("basic", "JWKS_TEST_BASIC"),
        ("rotation", "JWKS_TEST_ROTATION"),
        ("herd", "JWKS_TEST_HERD"),
        ("hang", "JWKS_TEST_HANG"),
        ("outage", "JWKS_TEST_OUTAGE"),
        ("garbage", "JWKS_TEST_GARBAGE"),
        ("enc", "JWKS_TEST_ENC"),
        ("random", "JWKS_TEST_RANDOM"),
    ] {
        let server = jwks_server::start().await;
        server.set_keys(&[jwk("rsa1"), jwk("ec1")]);
        if name == "outage" {
            server.status.store(500, Ordering::SeqCst);
        }
        vars.push((var, server.jwks_uri()));
        knobs.insert(name, server);
    }
    for (name, var, matching) in [
        ("oidc_ok", "JWKS_TEST_OIDC_OK", true),
        ("oidc_bad", "JWKS_TEST_OIDC_BAD", false),
    ] {
        let server = jwks_server::start().await;
        server.set_keys(&[jwk("rsa1")]);
        let issuer = format!("{}/realms/test", server.base);
        *server.discovery_issuer.lock().unwrap() = if matching {
            issuer.clone()
        } else {
            "https://evil.example/realms/test".to_string()
        };
        vars.push((var, issuer.clone()));
        knobs.insert(name, server);
    }
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    directory.add_user(NewUser::new("Administrator")).unwrap();
    let mut builder = App::builder()
        .directory(Arc::new(directory))
        .clock(Arc::new(ManualClock::new(NOW)));
    for (var, value) in vars {
        builder = builder.var(var, value);
    }
    let app = builder
        .build()
        .await
        .expect("starts even before any JWKS was fetched");
    let server = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let fixture = Fixture {
        base: format!("http://{}", server.addr()),
        client: reqwest::Client::new(),
        knobs,
        _server: server,
    };
    // The startup fetches run in the background; wait (bounded) until each server saw one.
    for (name, knobs) in &fixture.knobs {
        if name.starts_with("oidc") {
            continue;
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while knobs.hits() == 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    fixture
}

fn rs256(kid: &str) -> String {
    let key = EncodingKey::from_rsa_pem(include_bytes!("keys/rsa_private.pem")).unwrap();
    sign(Algorithm::RS256, kid, &key)
}

fn rs256_second(kid: &str) -> String {
    let key = EncodingKey::from_rsa_pem(include_bytes!("keys/rsa2_private.pem")).unwrap();
    sign(Algorithm::RS256, kid, &key)
}

fn sign(alg: Algorithm, kid: &str, key: &EncodingKey) -> String {
    sign_for("idp", alg, kid, key)
}

fn sign_for(issuer: &str, alg: Algorithm, kid: &str, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_string());
    let claims = json!({"iss": issuer, "aud": "api", "exp": NOW + 600});
    encode(&header, &claims, key).unwrap()
}

impl Fixture {
    async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    async fn status(&self, path: &str, token: &str) -> u16 {
        self.get(path, token).await.status().as_u16()
    }
}

#[tokio::test]
async fn rs256_and_es256_tokens_are_accepted() {
    let f = fixture().await;
    assert_eq!(f.status("/basic", &rs256("rsa1")).await, 200);
    let ec = EncodingKey::from_ec_pem(include_bytes!("keys/ec_private.pem")).unwrap();
    assert_eq!(
        f.status("/basic_ec", &sign(Algorithm::ES256, "ec1", &ec))
            .await,
        200
    );
}

#[tokio::test]
async fn rotation_needs_exactly_one_refetch() {
    let f = fixture().await;
    let knobs = &f.knobs["rotation"];
    assert_eq!(f.status("/rotation", &rs256("rsa1")).await, 200);
    let before = knobs.hits();
    knobs.set_keys(&[jwk("rsa2")]);
    assert_eq!(f.status("/rotation", &rs256_second("rsa2")).await, 200);
    assert_eq!(
        knobs.hits(),
        before + 1,
        "the new kid costs exactly one fetch"
    );
    println!(
        "rotation: fetches before {before}, after new kid {}",
        knobs.hits()
    );
    // rsa1 was removed by that refresh.
    assert_eq!(f.status("/rotation", &rs256("rsa1")).await, 401);
}

#[tokio::test]
async fn two_hundred_concurrent_requests_with_a_new_kid_cause_one_fetch() {
    let f = fixture().await;
    let knobs = f.knobs["herd"].clone();
    knobs.set_keys(&[jwk("rsa1"), jwk("rsa2")]);
    let before = knobs.hits();
    let token = rs256_second("rsa2");
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let request = f
            .client
            .get(format!("{}/herd", f.base))
            .bearer_auth(token.clone());
        set.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    while let Some(status) = set.join_next().await {
        assert_eq!(status.unwrap(), 200);
    }
    println!(
        "herd: {} fetch(es) for 200 concurrent requests",
        knobs.hits() - before
    );
    assert_eq!(knobs.hits() - before, 1);
}

#[tokio::test]
async fn a_hanging_jwks_does_not_slow_cached_keys() {
    let f = fixture().await;
    let knobs = f.knobs["hang"].clone();
    assert_eq!(f.status("/hang", &rs256("rsa1")).await, 200);
    knobs.delay_ms.store(3_000, Ordering::SeqCst);
    let unknown = f
        .client
        .get(format!("{}/hang", f.base))
        .bearer_auth(rs256("nope"));
    let hanging = tokio::spawn(async move { unknown.send().await.unwrap().status().as_u16() });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let started = Instant::now();
        assert_eq!(f.status("/hang", &rs256("rsa1")).await, 200);
        slowest = slowest.max(started.elapsed());
    }
    assert!(!hanging.is_finished(), "the fetch is still hanging");
    assert!(
        slowest < Duration::from_millis(1_000),
        "cached-key requests waited: {slowest:?}"
    );
    assert_eq!(hanging.await.unwrap(), 401);
}

#[tokio::test]
async fn down_at_startup_then_up() {
    let f = fixture().await;
    // The fixture started this server failing: no key was ever fetched.
    let knobs = &f.knobs["outage"];
    let response = f.get("/outage", &rs256("rsa1")).await;
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().contains_key("retry-after"));
    assert!(!response.headers().contains_key("www-authenticate"));
    knobs.status.store(200, Ordering::SeqCst);
    assert_eq!(
        f.status("/outage", &rs256("rsa1")).await,
        200,
        "recovers when the JWKS is back"
    );
}

#[tokio::test]
async fn garbage_bodies_keep_the_last_good_keys() {
    let f = fixture().await;
    let knobs = &f.knobs["garbage"];
    assert_eq!(f.status("/garbage", &rs256("rsa1")).await, 200);
    let huge = vec![b'a'; 10 * 1024 * 1024];
    for (i, body) in [
        b"<html>oops</html>".to_vec(),
        b"{}".to_vec(),
        br#"{"keys": "x"}"#.to_vec(),
        huge,
    ]
    .into_iter()
    .enumerate()
    {
        knobs.set_body(body);
        let before = knobs.hits();
        // A new kid triggers a refresh, which fails on the garbage.
        assert_eq!(f.status("/garbage", &rs256(&format!("new{i}"))).await, 401);
        assert_eq!(knobs.hits(), before + 1);
        assert_eq!(f.status("/garbage", &rs256("rsa1")).await, 200, "body {i}");
    }
}

#[tokio::test]
async fn an_encryption_key_is_not_used_for_signatures() {
    let f = fixture().await;
    let knobs = &f.knobs["enc"];
    let mut key = jwk("rsa1");
    key["use"] = json!("enc");
    key["kid"] = json!("encrypt");
    knobs.set_keys(&[key, jwk("ec1")]);
    assert_ne!(f.status("/enc", &rs256("encrypt")).await, 200);
}

#[tokio::test]
async fn random_kids_are_bounded_by_the_rate_limit() {
    let f = fixture().await;
    let knobs = &f.knobs["random"];
    let before = knobs.hits();
    for i in 0..1000 {
        let status = f
            .status("/random", &rs256(&format!("random-{i}-{}", i * 7919)))
            .await;
        assert_eq!(status, 401);
    }
    let fetched = knobs.hits() - before;
    println!("random kids: {fetched} fetches for 1000 requests");
    // The bucket holds 10 and the manual clock never refills it; the startup fetch is not
    // rate-limited.
    assert!(fetched <= 10, "{fetched} fetches");
}

#[tokio::test]
async fn oidc_discovery_checks_the_issuer() {
    let f = fixture().await;
    let key = EncodingKey::from_rsa_pem(include_bytes!("keys/rsa_private.pem")).unwrap();
    let issuer = |name: &str| format!("{}/realms/test", f.knobs[name].base);
    let ok = sign_for(&issuer("oidc_ok"), Algorithm::RS256, "rsa1", &key);
    assert_eq!(f.status("/oidc_ok", &ok).await, 200);
    let bad = sign_for(&issuer("oidc_bad"), Algorithm::RS256, "rsa1", &key);
    let response = f.get("/oidc_bad", &bad).await;
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().contains_key("retry-after"));
}
