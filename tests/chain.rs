//! Validator chains and a multi-audience cookie validator, over real HTTP.

use std::sync::Arc;

use authroute::clock::ManualClock;
use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Json, Uid, ValidatorName, route, validator};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

const GOOD: &str = "the-secret-every-good-validator-shares!!";
const NOW: i64 = 1_900_000_000;

validator! { name: "v1", issuer: "other", audience: ["api"], algorithm: "HS256", secret: "the-secret-every-good-validator-shares!!", user: static(1), next: "v2" }
validator! { name: "v2", issuer: "theissuer", audience: ["other"], algorithm: "HS256", secret: "the-secret-every-good-validator-shares!!", user: static(1), next: "v3" }
validator! { name: "v3", issuer: "theissuer", audience: ["api"], algorithm: "HS256", secret: "a-different-secret-of-sufficient-length!", user: static(1), next: "v4" }
validator! { name: "v4", issuer: "other", audience: ["other"], algorithm: "HS256", secret: "the-secret-every-good-validator-shares!!", user: static(1), next: "v5" }
validator! { name: "v5", issuer: "theissuer", audience: ["other"], algorithm: "HS256", secret: "a-different-secret-of-sufficient-length!", user: static(1), next: "v6" }
validator! { name: "v6", issuer: "other", audience: ["api"], algorithm: "HS256", secret: "a-different-secret-of-sufficient-length!", user: static(1), next: "v7" }
validator! { name: "v7", issuer: "other", audience: ["other"], algorithm: "HS256", secret: "a-different-secret-of-sufficient-length!", user: static(1) }

validator! { name: "first", issuer: "wrong", audience: ["api"], algorithm: "HS256", secret: "the-secret-every-good-validator-shares!!", user: static(1), next: "second" }
validator! { name: "second", issuer: "theissuer", audience: ["api"], algorithm: "HS256", secret: "the-secret-every-good-validator-shares!!", user: static(2) }

validator! {
    name: "multi_cookie", issuer: "theissuer", audience: ["web", "api"], algorithm: "HS256",
    secret: "the-secret-every-good-validator-shares!!", user: static(2),
    cookie: { name: "multi", secure: true, same_site: "Lax", max_age: 600 },
}

#[route("/seven", methods = ["GET"], auth = "jwt_v1")]
async fn seven(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/two", methods = ["GET"], auth = "jwt_first")]
async fn two(uid: Uid, validator: ValidatorName) -> Json<Value> {
    Json(json!({ "uid": uid, "validator": validator.0 }))
}

#[route("/multi", methods = ["GET"], auth = "jwt_multi_cookie")]
async fn multi(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

async fn server() -> (String, authroute::ServerHandle) {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    for name in ["Administrator", "Marc Demo"] {
        directory.add_user(NewUser::new(name)).unwrap();
    }
    let app = App::builder()
        .directory(Arc::new(directory))
        .clock(Arc::new(ManualClock::new(NOW)))
        .cookie_secret("a-cookie-secret-for-the-chain-tests-32+")
        .build()
        .await
        .expect("chain app starts");
    let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    (format!("http://{}", handle.addr()), handle)
}

fn token(aud: &str) -> String {
    let claims = json!({"iss": "theissuer", "aud": aud, "exp": NOW + 60});
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(GOOD.as_bytes()),
    )
    .unwrap()
}

async fn get(url: String, headers: &[(&str, String)]) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn seven_validators_fail_differently_and_are_all_listed() {
    let (base, _server) = server().await;
    let (status, headers, body) = get(
        format!("{base}/seven"),
        &[("Authorization", format!("Bearer {}", token("api")))],
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(headers.get_all("www-authenticate").iter().count(), 1);
    assert_eq!(
        headers["www-authenticate"],
        r#"Bearer realm="v1", error="invalid_token""#
    );
    assert_eq!(body["error"], "invalid_token");
    let description = body["error_description"].as_str().unwrap();
    println!("composite 401 body: {body}");
    let lines: Vec<&str> = description.lines().collect();
    assert_eq!(lines.len(), 7, "{description}");
    for (i, line) in lines.iter().enumerate() {
        assert!(line.starts_with(&format!("v{}: ", i + 1)), "{line}");
    }
    // Each validator failed for its own reason.
    let reasons: std::collections::HashSet<&str> = lines.iter().map(|l| &l[4..]).collect();
    assert!(reasons.len() >= 3, "{description}");
}

#[tokio::test]
async fn the_accepting_validator_of_a_chain_applies() {
    let (base, _server) = server().await;
    let (status, _, body) = get(
        format!("{base}/two"),
        &[("Authorization", format!("Bearer {}", token("api")))],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"uid": 2, "validator": "second"}));
}

#[tokio::test]
async fn a_multi_audience_cookie_is_accepted_on_the_next_request() {
    let (base, _server) = server().await;
    let (status, headers, _) = get(
        format!("{base}/multi"),
        &[("Authorization", format!("Bearer {}", token("web")))],
    )
    .await;
    assert_eq!(status, 200);
    let set_cookie = headers["set-cookie"].to_str().unwrap().to_string();
    for attribute in [
        "multi=",
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Max-Age=600",
        "Path=/",
    ] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let (status, headers, body) = get(format!("{base}/multi"), &[("Cookie", cookie)]).await;
    assert_eq!(status, 200);
    assert_eq!(body["uid"], 2);
    assert!(headers.contains_key("set-cookie"), "the cookie is renewed");
}
