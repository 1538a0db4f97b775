//! Identity without a user table (`user: none`: the token is the identity, grants still apply)
//! and the built-in `user: claim("...")` strategy (the directory user whose login equals the
//! claim), over real HTTP with the memory and SQLite directories.

mod support {
    pub mod hs256;
}

use std::sync::Arc;

use authroute::directory::{Directory, MemoryDirectory, NewUser, PasswordHasher, SqliteDirectory};
use authroute::{App, Claims, Json, Uid, ValidatorName, route, validator};
use serde::Deserialize;
use serde_json::{Value, json};

const SECRET: &str = "the-secret-of-the-claims-identity-tests!";

validator! {
    name: "claims", issuer: "claims", audience: ["api"], algorithm: "HS256",
    secret: "the-secret-of-the-claims-identity-tests!", user: none,
    grants: { claim: "scope", known: ["read"] },
}

validator! {
    name: "by_email", issuer: "by-email", audience: ["api"], algorithm: "HS256",
    secret: "the-secret-of-the-claims-identity-tests!", user: claim("email"),
}

#[derive(Deserialize)]
struct Subject {
    sub: String,
}

#[route("/claims", methods = ["GET"], auth = "jwt_claims")]
async fn claims(Claims(token): Claims<Subject>, ValidatorName(name): ValidatorName) -> Json<Value> {
    Json(json!({ "sub": token.sub, "validator": name }))
}

#[route("/claims/read", methods = ["GET"], auth = "jwt_claims", scopes = ["read"])]
async fn claims_read(Claims(token): Claims<Subject>) -> Json<Value> {
    Json(json!({ "sub": token.sub }))
}

#[route("/claims/maybe", methods = ["GET"], auth = "public_or_jwt_claims")]
async fn claims_maybe(token: Option<Claims<Subject>>) -> Json<Value> {
    Json(json!({ "sub": token.map(|Claims(t)| t.sub) }))
}

#[route("/by_email", methods = ["GET"], auth = "jwt_by_email")]
async fn by_email(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

fn token(issuer: &str, extra: Value) -> String {
    support::hs256::token(SECRET, issuer, extra)
}

async fn serve(directory: Arc<dyn Directory>, public: Uid) -> (String, authroute::ServerHandle) {
    let app = App::builder()
        .directory(directory)
        .public_uid(public)
        .build()
        .await
        .expect("starts");
    let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    (format!("http://{}", handle.addr()), handle)
}

async fn get(url: String, token: Option<&str>) -> (u16, String, Value) {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (
        status,
        challenge,
        response.json().await.unwrap_or(Value::Null),
    )
}

fn memory() -> (Arc<dyn Directory>, Uid) {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    let public = directory.add_user(NewUser::new("Public user")).unwrap();
    directory
        .add_user(NewUser::new("Marc Demo").login("marc@example.com"))
        .unwrap();
    directory
        .add_user(NewUser::new("Gone").login("gone@example.com").inactive())
        .unwrap();
    (Arc::new(directory), public)
}

#[tokio::test]
async fn a_claims_only_route_sees_the_token_and_its_grants() {
    let (directory, public) = memory();
    let (base, _server) = serve(directory, public).await;

    let plain = token("claims", json!({ "sub": "service-account-7" }));
    let (status, _, body) = get(format!("{base}/claims"), Some(&plain)).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({ "sub": "service-account-7", "validator": "claims" })
    );

    let (status, challenge, _) = get(format!("{base}/claims/read"), Some(&plain)).await;
    assert_eq!(status, 403);
    assert_eq!(
        challenge,
        r#"Bearer realm="claims", error="insufficient_scope", scope="read""#
    );
    let read = token("claims", json!({ "sub": "s", "scope": "read" }));
    assert_eq!(get(format!("{base}/claims/read"), Some(&read)).await.0, 200);

    let (status, _, body) = get(format!("{base}/claims/maybe"), None).await;
    assert_eq!((status, body), (200, json!({ "sub": null })));
    let (status, _, body) = get(format!("{base}/claims/maybe"), Some(&plain)).await;
    assert_eq!((status, body), (200, json!({ "sub": "service-account-7" })));

    let (status, challenge, _) = get(format!("{base}/claims"), None).await;
    assert_eq!(status, 401);
    assert!(
        challenge.starts_with(r#"Bearer realm="claims""#),
        "{challenge}"
    );
}

async fn claim_strategy_maps_to_directory_users(directory: Arc<dyn Directory>, public: Uid) {
    let (base, _server) = serve(directory.clone(), public).await;
    let marc = directory
        .user_by_login("marc@example.com")
        .await
        .unwrap()
        .expect("seeded")
        .id;

    let ok = token("by-email", json!({ "email": "marc@example.com" }));
    let (status, _, body) = get(format!("{base}/by_email"), Some(&ok)).await;
    assert_eq!((status, body), (200, json!({ "uid": marc })));

    for (claims, why) in [
        (json!({ "email": "nobody@example.com" }), "no such login"),
        (json!({ "email": "gone@example.com" }), "inactive user"),
        (
            json!({ "email": "MARC@example.com" }),
            "logins compare exactly",
        ),
        (json!({ "email": ["marc@example.com"] }), "not a string"),
        (json!({ "sub": "marc@example.com" }), "claim missing"),
    ] {
        let t = token("by-email", claims);
        let (status, challenge, _) = get(format!("{base}/by_email"), Some(&t)).await;
        assert_eq!(status, 401, "{why}");
        assert!(
            challenge.contains(r#"realm="by_email", error="invalid_token""#),
            "{why}: {challenge}"
        );
    }
}

#[tokio::test]
async fn claim_strategy_with_the_memory_directory() {
    let (directory, public) = memory();
    claim_strategy_maps_to_directory_users(directory, public).await;
}

#[tokio::test]
async fn claim_strategy_with_the_sqlite_directory() {
    let dir = tempfile::tempdir().unwrap();
    let directory = SqliteDirectory::open(
        dir.path().join("users.sqlite3"),
        PasswordHasher::fast_for_tests(),
    )
    .await
    .unwrap();
    let public = directory
        .add_user(NewUser::new("Public user"))
        .await
        .unwrap();
    directory
        .add_user(NewUser::new("Marc Demo").login("marc@example.com"))
        .await
        .unwrap();
    directory
        .add_user(NewUser::new("Gone").login("gone@example.com").inactive())
        .await
        .unwrap();
    claim_strategy_maps_to_directory_users(Arc::new(directory), public).await;
}
