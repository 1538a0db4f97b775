//! Async custom auth methods over real HTTP: an API-key method that reads its keys from
//! application state and awaits the directory, with its own `ApiKey` challenge on plain and
//! JSON-RPC routes, next to a sync method that still answers `Bearer`.

use std::collections::HashMap;
use std::sync::Arc;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, AuthError, AuthRequest, Json, ServerHandle, Uid, auth_method, route, routes};
use serde_json::{Value, json};

/// The API keys, registered with `AppBuilder::state`.
#[derive(Clone)]
struct ApiKeys(HashMap<&'static str, Uid>);

fn refused() -> AuthError {
    AuthError::denied("a valid `X-Api-Key` header is required")
}

/// Looks the key up in state, then refuses keys of unknown or inactive users.
async fn lookup(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    let key = req.header("x-api-key").ok_or_else(refused)?;
    let key = std::str::from_utf8(key).map_err(|_| refused())?;
    let keys = req.state::<ApiKeys>().ok_or_else(refused)?;
    let uid = *keys.0.get(key).ok_or_else(refused)?;
    match req.directory().user(uid).await {
        Ok(Some(user)) if user.active => Ok(uid),
        _ => Err(refused()),
    }
}

#[auth_method(challenge = "ApiKey")]
async fn api_key(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    lookup(req).await
}

#[auth_method(challenge = "ApiKey", realm = "keys")]
async fn api_key_realm(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    lookup(req).await
}

/// A sync method without a challenge: its 401s stay `Bearer`.
#[auth_method]
fn answer(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    match req.header("authorization") {
        Some(b"42") => Ok(Uid(1)),
        _ => Err(AuthError::denied("the answer is 42")),
    }
}

#[route("/key", methods = ["GET"], auth = "api_key")]
async fn keyed(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/rpc/key", methods = ["POST"], auth = "api_key", type = "json")]
async fn rpc_keyed(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/key-realm", methods = ["GET"], auth = "api_key_realm")]
async fn keyed_realm(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/answer", methods = ["GET"], auth = "answer")]
async fn answered(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

struct Server {
    base: String,
    client: reqwest::Client,
    handle: ServerHandle,
}

impl Server {
    async fn get(&self, path: &str, key: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        request.send().await.unwrap()
    }
}

async fn server() -> Server {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    directory.add_user(NewUser::new("Administrator")).unwrap();
    let mut inactive = NewUser::new("Former");
    inactive.active = false;
    let former = directory.add_user(inactive).unwrap();
    let keys = ApiKeys(HashMap::from([
        ("k-admin", Uid(1)),
        ("k-former", former),
        ("k-ghost", Uid(99)),
    ]));
    let app = App::builder()
        .directory(Arc::new(directory))
        .realm("shop")
        .routes(routes![keyed, rpc_keyed, keyed_realm, answered])
        .state(keys)
        .build()
        .await
        .expect("starts");
    let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    Server {
        base: format!("http://{}", handle.addr()),
        client: reqwest::Client::new(),
        handle,
    }
}

/// The response's only `WWW-Authenticate` value.
fn challenge(response: &reqwest::Response) -> String {
    let values: Vec<_> = response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert_eq!(values.len(), 1, "exactly one challenge: {values:?}");
    values.into_iter().next().unwrap()
}

#[tokio::test]
async fn a_valid_key_of_an_active_user_runs_as_that_user() {
    let s = server().await;
    let response = s.get("/key", Some("k-admin")).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("www-authenticate").is_none());
    assert_eq!(response.json::<Value>().await.unwrap(), json!({ "uid": 1 }));
    s.handle.shutdown().await;
}

#[tokio::test]
async fn missing_wrong_and_inactive_keys_are_401_with_the_api_key_challenge() {
    let s = server().await;
    for key in [None, Some("nope"), Some("k-former"), Some("k-ghost")] {
        let response = s.get("/key", key).await;
        assert_eq!(response.status(), 401, "key {key:?}");
        assert_eq!(challenge(&response), "ApiKey realm=\"shop\"", "key {key:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");
    }
    s.handle.shutdown().await;
}

#[tokio::test]
async fn a_declared_realm_replaces_the_application_realm() {
    let s = server().await;
    let response = s.get("/key-realm", Some("nope")).await;
    assert_eq!(response.status(), 401);
    assert_eq!(challenge(&response), "ApiKey realm=\"keys\"");
    let response = s.get("/key-realm", Some("k-admin")).await;
    assert_eq!(response.status(), 200);
    s.handle.shutdown().await;
}

#[tokio::test]
async fn json_rpc_routes_answer_the_same_status_and_challenge() {
    let s = server().await;
    let rpc = |key: Option<&'static str>| {
        let mut request = s
            .client
            .post(format!("{}/rpc/key", s.base))
            .header("content-type", "application/json")
            .body(r#"{"jsonrpc":"2.0","id":7,"params":{}}"#);
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        request.send()
    };
    let response = rpc(Some("nope")).await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(challenge(&response), "ApiKey realm=\"shop\"");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["jsonrpc"], "2.0");
    assert_eq!(body["error"]["code"], -32001);

    let response = rpc(Some("k-admin")).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["result"], json!({ "uid": 1 }));
    s.handle.shutdown().await;
}

#[tokio::test]
async fn a_sync_method_without_a_challenge_still_answers_bearer() {
    let s = server().await;
    let response = s.get("/answer", None).await;
    assert_eq!(response.status(), 401);
    assert_eq!(challenge(&response), "Bearer realm=\"shop\"");
    let response = s
        .client
        .get(format!("{}/answer", s.base))
        .header("authorization", "42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    s.handle.shutdown().await;
}
