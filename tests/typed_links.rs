//! Auth strings are split once, by the macro, into the exact validator they name: with
//! validators `x` and `jwt_x` declared, `auth = "jwt_x"` is validator `x` and
//! `auth = "jwt_jwt_x"` is validator `jwt_x`, each accepting only its own tokens.

use std::sync::Arc;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Json, ValidatorName, route, validator};
use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::{Value, json};

const X_SECRET: &str = "secret-of-validator-x-0123456789abcdef";
const JWT_X_SECRET: &str = "secret-of-validator-jwt-x-0123456789ab";

validator! {
    name: "x", issuer: "issuer-x", audience: ["api"], algorithm: "HS256",
    secret: "secret-of-validator-x-0123456789abcdef", user: static(1),
}

validator! {
    name: "jwt_x", issuer: "issuer-jwt-x", audience: ["api"], algorithm: "HS256",
    secret: "secret-of-validator-jwt-x-0123456789ab", user: static(2),
}

#[route("/x", methods = ["GET"], auth = "jwt_x")]
async fn via_x(uid: authroute::Uid, ValidatorName(name): ValidatorName) -> Json<Value> {
    Json(json!({ "uid": uid, "validator": name }))
}

#[route("/jwt_x", methods = ["GET"], auth = "jwt_jwt_x")]
async fn via_jwt_x(uid: authroute::Uid, ValidatorName(name): ValidatorName) -> Json<Value> {
    Json(json!({ "uid": uid, "validator": name }))
}

fn token(issuer: &str, secret: &str) -> String {
    let claims = json!({ "iss": issuer, "aud": "api", "exp": 4_000_000_000_u64 });
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn each_route_accepts_only_its_own_validators_tokens() {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    directory.add_user(NewUser::new("one")).unwrap();
    directory.add_user(NewUser::new("two")).unwrap();
    let app = App::builder()
        .directory(Arc::new(directory))
        .build()
        .await
        .expect("starts");
    let server = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = format!("http://{}", server.addr());
    let client = reqwest::Client::new();
    let x_token = token("issuer-x", X_SECRET);
    let jwt_x_token = token("issuer-jwt-x", JWT_X_SECRET);

    let get = |path: &str, token: &str| {
        client
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
    };

    let ok = get("/x", &x_token).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<Value>().await.unwrap(),
        json!({ "uid": 1, "validator": "x" })
    );
    let ok = get("/jwt_x", &jwt_x_token).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<Value>().await.unwrap(),
        json!({ "uid": 2, "validator": "jwt_x" })
    );

    let refused = get("/x", &jwt_x_token).await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.headers()["www-authenticate"],
        r#"Bearer realm="x", error="invalid_token""#
    );
    let refused = get("/jwt_x", &x_token).await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.headers()["www-authenticate"],
        r#"Bearer realm="jwt_x", error="invalid_token""#
    );
    server.shutdown().await;
}
