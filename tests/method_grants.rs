//! Custom auth methods that return grants: routes using them may require those grants, a
//! caller without them gets 403 with the method's own challenge, and a method returning a bare
//! `Uid` grants nothing. A method may hand claims-like data to handlers.

use std::sync::Arc;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{
    App, AuthError, AuthRequest, Claims, Json, MethodIdentity, Uid, auth_method, route,
};
use serde_json::{Value, json};

fn refused() -> AuthError {
    AuthError::denied("a valid `X-Api-Key` header is required")
}

/// `read-key` may read, `admin-key` may read and write.
#[auth_method(challenge = "ApiKey", realm = "keys", grants = ["read", "write"])]
async fn keyed(req: &AuthRequest<'_>) -> Result<MethodIdentity, AuthError> {
    let identity = match req.header("x-api-key") {
        Some(b"read-key") => MethodIdentity::new(Uid(1))
            .grant("read")
            .claims(json!({ "key": "read-key-label", "tenant": 7 })),
        Some(b"admin-key") => MethodIdentity::new(Uid(1)).grants(["read", "write"]),
        Some(b"bare-key") => MethodIdentity::new(Uid(1)),
        _ => return Err(refused()),
    };
    // The directory is reachable from an async method.
    match req.directory().user(identity.uid).await {
        Ok(Some(_)) => Ok(identity),
        _ => Err(refused()),
    }
}

/// A sync method returning a bare uid: no grants.
#[auth_method(grants = ["read"])]
fn plain(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    match req.header("authorization") {
        Some(b"42") => Ok(Uid(1)),
        _ => Err(AuthError::denied("the answer is 42")),
    }
}

#[derive(serde::Deserialize)]
struct KeyInfo {
    key: String,
}

#[route("/read", methods = ["GET"], auth = "keyed", scopes = ["read"])]
async fn read(uid: Uid, info: Option<Claims<KeyInfo>>) -> Json<Value> {
    Json(json!({ "uid": uid, "key": info.map(|Claims(i)| i.key) }))
}

#[route("/write", methods = ["GET"], auth = "keyed", scopes = ["write"])]
async fn write(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/plain", methods = ["GET"], auth = "plain", scopes = ["read"])]
async fn plain_read(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[tokio::test]
async fn routes_require_the_grants_a_method_returns() {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    directory.add_user(NewUser::new("Administrator")).unwrap();
    let app = App::builder()
        .directory(Arc::new(directory))
        .build()
        .await
        .expect("starts");
    let server = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = format!("http://{}", server.addr());
    let client = reqwest::Client::new();
    let get = |path: &str, header: (&str, &str)| {
        client
            .get(format!("{base}{path}"))
            .header(header.0, header.1)
            .send()
    };

    let ok = get("/read", ("x-api-key", "read-key")).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<Value>().await.unwrap(),
        json!({ "uid": 1, "key": "read-key-label" })
    );
    let no_claims = get("/read", ("x-api-key", "admin-key")).await.unwrap();
    assert_eq!(
        no_claims.json::<Value>().await.unwrap(),
        json!({ "uid": 1, "key": null })
    );
    assert_eq!(
        get("/write", ("x-api-key", "admin-key"))
            .await
            .unwrap()
            .status(),
        200
    );

    for key in ["read-key", "bare-key"] {
        let refused = get("/write", ("x-api-key", key)).await.unwrap();
        assert_eq!(refused.status(), 403, "{key}");
        assert_eq!(
            refused.headers()["www-authenticate"],
            r#"ApiKey realm="keys", error="insufficient_scope", scope="write""#
        );
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"], "insufficient_scope");
    }
    // No key at all is still a 401 with the method's challenge.
    let missing = get("/read", ("x-other", "1")).await.unwrap();
    assert_eq!(missing.status(), 401);
    assert!(
        missing.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("ApiKey realm=\"keys\"")
    );

    // A method returning a bare `Uid` holds no grants.
    let bare = get("/plain", ("authorization", "42")).await.unwrap();
    assert_eq!(bare.status(), 403);
}
