//! Custom error responses over real HTTP: an application renderer decides the body of every
//! framework error (RFC 9457 problem details here), while the status, `WWW-Authenticate`,
//! `Retry-After`, `Allow`, `Connection: close` and CORS headers stay the framework's; a
//! renderer that panics falls back to the default body. The default itself is covered by the
//! rest of the suite, which runs without a renderer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{
    App, AuthError, AuthRequest, Bytes, DefaultErrorRenderer, ErrorRenderer, ErrorView, Json,
    Params, RenderedError, ServerHandle, Uid, auth, auth_method, route, routes, validator,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Wider than any configured timeout below: reaching it means the server did not answer.
const BOUND: Duration = Duration::from_secs(10);
const PROBLEM: &str = "application/problem+json";
/// The body limit: JSON-RPC calls fit, [`too_large`] does not.
const LIMIT: usize = 128;

fn too_large() -> String {
    "x".repeat(LIMIT + 1)
}

validator! {
    name: "errs", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
    secret: "the-secret-of-the-renderer-tests-0123456789", user: static(1),
    grants: { claim: "scope", known: ["read", "write"] },
}

/// Always 503 with `Retry-After: 7`, as unavailable signing keys are.
#[auth_method]
fn down(_req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    Err(AuthError::keys_unavailable(7))
}

#[route("/write", methods = ["GET"], auth = "jwt_errs", scopes = ["write"], cors = "*")]
async fn write(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/upload", methods = ["POST"], auth = "none", cors = "https://spa.example")]
async fn upload(body: Bytes) -> String {
    body.len().to_string()
}

#[route("/down", methods = ["GET"], auth = "down")]
async fn unavailable(uid: Uid) -> String {
    uid.to_string()
}

#[route("/slow", methods = ["GET"], auth = "none")]
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(60)).await;
    "late"
}

#[derive(serde::Deserialize)]
struct Sum {
    a: i64,
    b: i64,
}

#[route("/rpc/sum", methods = ["POST"], auth = "none", type = "json")]
async fn sum(Params(p): Params<Sum>) -> Json<Value> {
    Json(json!(p.a + p.b))
}

#[route("/rpc/guarded", methods = ["POST"], auth = "jwt_errs", type = "json")]
async fn guarded(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

/// Problem details for every error, JSON-RPC errors as `{"jsonrpc", "id", "error"}` with the
/// framework's code; it tries to set the framework's own headers too, which must be ignored.
struct Problems;

impl ErrorRenderer for Problems {
    fn render(&self, error: &ErrorView<'_>) -> RenderedError {
        let rendered = match error.rpc_error() {
            Some(rpc) => {
                let id: Value = error
                    .rpc_id()
                    .map_or(Value::Null, |id| serde_json::from_str(id).unwrap());
                let body = json!({
                    "jsonrpc": "2.0",
                    "id": id,
                    "error": {"code": rpc.code(), "message": "custom", "data": {"kind": error.code()}},
                });
                RenderedError::new("application/json", body.to_string())
            }
            None => {
                let body = json!({
                    "type": format!("https://errors.example/{}", error.code()),
                    "title": error.status().canonical_reason(),
                    "status": error.status().as_u16(),
                    "detail": error.message(),
                    "route": error.route(),
                    "scope": error.scope(),
                    "retry_after": error.retry_after(),
                    "json_rpc": error.is_json_rpc(),
                });
                RenderedError::new(PROBLEM, body.to_string())
            }
        };
        rendered
            .header("x-problem", "1")
            .header("www-authenticate", "Basic realm=\"evil\"")
            .header("retry-after", "9999")
            .header("allow", "DELETE")
            .header("access-control-allow-origin", "https://evil.example")
            .header("content-length", "1")
            .header("connection", "keep-alive")
    }
}

fn all_routes() -> authroute::RouteSet {
    routes![write, upload, unavailable, slow, sum, guarded]
}

async fn build(renderer: impl ErrorRenderer) -> App {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    directory.add_user(NewUser::new("one")).unwrap();
    App::builder()
        .directory(Arc::new(directory))
        .routes(all_routes())
        .authenticates(auth!("jwt_errs"))
        .body_limit(LIMIT)
        .body_timeout(Duration::from_millis(300))
        .handler_timeout(Duration::from_millis(300))
        .error_renderer(renderer)
        .build()
        .await
        .expect("starts")
}

struct Server {
    handle: ServerHandle,
    client: reqwest::Client,
    read_token: String,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.handle.addr())
    }
}

async fn server(renderer: impl ErrorRenderer) -> Server {
    let app = build(renderer).await;
    let read_token = authroute::testing::mint(&app, "errs", json!({"scope": "read"})).unwrap();
    let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    Server {
        handle,
        client: reqwest::Client::new(),
        read_token,
    }
}

/// The response's status, headers and body as JSON, after checking it is problem details.
async fn problem(response: reqwest::Response) -> (u16, reqwest::header::HeaderMap, Value) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], PROBLEM, "{status}");
    assert_eq!(headers["x-problem"], "1", "{status}");
    assert!(headers.get("allow").is_none_or(|allow| allow != "DELETE"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    (status, headers, body)
}

fn only(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    let values: Vec<_> = headers.get_all(name).iter().collect();
    assert_eq!(values.len(), 1, "{name}: {values:?}");
    values[0].to_str().unwrap().to_string()
}

#[tokio::test]
async fn not_found_and_method_not_allowed_are_rendered_and_allow_is_kept() {
    let server = server(Problems).await;
    let response = server.client.get(server.url("/nope")).send().await.unwrap();
    let (status, headers, body) = problem(response).await;
    assert_eq!(status, 404);
    assert_eq!(body["type"], "https://errors.example/not_found");
    assert_eq!(body["route"], Value::Null);
    assert!(headers.get("www-authenticate").is_none());
    assert!(headers.get("retry-after").is_none());

    let response = server
        .client
        .get(server.url("/upload"))
        .send()
        .await
        .unwrap();
    let (status, headers, body) = problem(response).await;
    assert_eq!(status, 405);
    assert_eq!(only(&headers, "allow"), "POST");
    assert_eq!(body["type"], "https://errors.example/method_not_allowed");
    assert_eq!(body["route"], "/upload");
    server.handle.shutdown().await;
}

#[tokio::test]
async fn a_missing_token_keeps_the_framework_challenge() {
    let server = server(Problems).await;
    let response = server
        .client
        .get(server.url("/write"))
        .send()
        .await
        .unwrap();
    let (status, headers, body) = problem(response).await;
    assert_eq!(status, 401);
    assert_eq!(only(&headers, "www-authenticate"), "Bearer realm=\"errs\"");
    assert_eq!(only(&headers, "access-control-allow-origin"), "*");
    assert_eq!(body["type"], "https://errors.example/unauthorized");
    assert_eq!(body["route"], "/write");

    let response = server
        .client
        .get(server.url("/write"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    let (status, headers, body) = problem(response).await;
    assert_eq!(status, 401);
    assert_eq!(
        only(&headers, "www-authenticate"),
        "Bearer realm=\"errs\", error=\"invalid_token\""
    );
    assert_eq!(body["type"], "https://errors.example/invalid_token");
    assert!(!body.to_string().contains("not-a-token"));
    server.handle.shutdown().await;
}

#[tokio::test]
async fn a_missing_scope_keeps_the_insufficient_scope_challenge() {
    let server = server(Problems).await;
    let response = server
        .client
        .get(server.url("/write"))
        .bearer_auth(&server.read_token)
        .send()
        .await
        .unwrap();
    let (status, headers, body) = problem(response).await;
    assert_eq!(status, 403);
    assert_eq!(
        only(&headers, "www-authenticate"),
        "Bearer realm=\"errs\", error=\"insufficient_scope\", scope=\"write\""
    );
    assert_eq!(only(&headers, "access-control-allow-origin"), "*");
    assert_eq!(body["type"], "https://errors.example/insufficient_scope");
    assert_eq!(body["scope"], "write");
    server.handle.shutdown().await;
}

#[tokio::test]
async fn unavailable_keys_keep_the_framework_retry_after() {
    let server = server(Problems).await;
    let response = server.client.get(server.url("/down")).send().await.unwrap();
    let (status, headers, body) = problem(response).await;
    assert_eq!(status, 503);
    assert_eq!(only(&headers, "retry-after"), "7");
    assert!(headers.get("www-authenticate").is_none());
    assert_eq!(
        body["type"],
        "https://errors.example/temporarily_unavailable"
    );
    assert_eq!(body["retry_after"], 7);
    server.handle.shutdown().await;
}

#[tokio::test]
async fn a_handler_timeout_is_rendered() {
    let server = server(Problems).await;
    let response = tokio::time::timeout(BOUND, server.client.get(server.url("/slow")).send())
        .await
        .expect("answered within the bound")
        .unwrap();
    let (status, _, body) = problem(response).await;
    assert_eq!(status, 503);
    assert_eq!(body["type"], "https://errors.example/handler_timeout");
    server.handle.shutdown().await;
}

#[tokio::test]
async fn a_body_too_large_is_rendered_with_the_route_cors_header() {
    let server = server(Problems).await;
    let response = server
        .client
        .post(server.url("/upload"))
        .body(too_large())
        .send()
        .await
        .unwrap();
    let (status, headers, body) = problem(response).await;
    assert_eq!(status, 413);
    assert_eq!(
        only(&headers, "access-control-allow-origin"),
        "https://spa.example"
    );
    assert_eq!(body["type"], "https://errors.example/payload_too_large");
    server.handle.shutdown().await;
}

#[tokio::test]
async fn a_body_timeout_is_rendered_and_still_closes_the_connection() {
    let server = server(Problems).await;
    let mut stream = TcpStream::connect(server.handle.addr()).await.unwrap();
    stream
        .write_all(b"POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nabc")
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(BOUND, stream.read_to_end(&mut answer))
        .await
        .expect("the server answered and closed within the bound")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 408"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
    assert!(!answer.contains("keep-alive"), "{answer}");
    assert!(
        answer.contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert!(
        answer.contains("https://errors.example/request_timeout"),
        "{answer}"
    );
    server.handle.shutdown().await;
}

#[tokio::test]
async fn json_rpc_errors_are_rendered_with_their_status_id_and_challenge() {
    let server = server(Problems).await;
    // Not JSON: 400, no id known.
    let response = server
        .client
        .post(server.url("/rpc/sum"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"jsonrpc": "2.0", "id": null,
               "error": {"code": -32700, "message": "custom", "data": {"kind": "parse_error"}}})
    );

    // Params that do not fit: 400, the request's id echoed.
    let response = server
        .client
        .post(server.url("/rpc/sum"))
        .json(&json!({"jsonrpc": "2.0", "method": "call", "params": {"a": "x"}, "id": 42}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], 42);
    assert_eq!(body["error"]["code"], -32602);
    assert_eq!(body["error"]["data"]["kind"], "bad_request");

    // No token: 401 with the framework's challenge.
    let response = server
        .client
        .post(server.url("/rpc/guarded"))
        .json(&json!({"params": {}, "id": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        only(response.headers(), "www-authenticate"),
        "Bearer realm=\"errs\""
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32001);
    assert_eq!(body["error"]["data"]["kind"], "unauthorized");

    // Successes are untouched.
    let response = server
        .client
        .post(server.url("/rpc/sum"))
        .json(&json!({"params": {"a": 1, "b": 2}, "id": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"jsonrpc": "2.0", "id": 3, "result": 3}));
    server.handle.shutdown().await;
}

#[tokio::test]
async fn a_panicking_renderer_falls_back_to_the_default_body_and_the_server_keeps_serving() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let server = server(move |error: &ErrorView<'_>| -> RenderedError {
        counted.fetch_add(1, Ordering::SeqCst);
        if error.status() == 404 {
            panic!("a renderer bug");
        }
        RenderedError::new("text/plain", "rendered")
    })
    .await;
    for _ in 0..2 {
        let response = server.client.get(server.url("/nope")).send().await.unwrap();
        assert_eq!(response.status(), 404);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body,
            json!({"error": "not_found", "error_description": "no route matches this path"})
        );
    }
    // The challenge survives a panic too, and other errors still use the renderer.
    let response = server
        .client
        .get(server.url("/write"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.text().await.unwrap(), "rendered");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    server.handle.shutdown().await;
}

#[tokio::test]
async fn the_default_renderer_is_todays_body() {
    let server = server(DefaultErrorRenderer).await;
    let response = server
        .client
        .get(server.url("/write"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(
        only(response.headers(), "www-authenticate"),
        "Bearer realm=\"errs\""
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    server.handle.shutdown().await;
}

/// A delegating renderer, for the axum test: problem details for 401s only.
fn problems_for_401(error: &ErrorView<'_>) -> RenderedError {
    match error.status().as_u16() {
        401 => Problems.render(error),
        _ => DefaultErrorRenderer.render(error),
    }
}

async fn me(uid: Uid) -> String {
    uid.to_string()
}

#[tokio::test]
async fn the_axum_router_and_auth_layer_use_the_renderer() {
    let app = build(problems_for_401).await;
    let layer = app.auth_layer(auth!("jwt_errs")).unwrap();
    let router: axum::Router = axum::Router::new()
        .route("/layered", axum::routing::get(me).layer(layer))
        .nest("/api", app.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let client = reqwest::Client::new();

    for path in ["/layered", "/api/write"] {
        let response = client
            .get(format!("http://{addr}{path}"))
            .send()
            .await
            .unwrap();
        let (status, headers, body) = problem(response).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(only(&headers, "www-authenticate"), "Bearer realm=\"errs\"");
        assert_eq!(body["type"], "https://errors.example/unauthorized");
    }
    // Other errors keep the default body.
    let response = client
        .post(format!("http://{addr}/api/upload"))
        .body(too_large())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "payload_too_large");
    task.abort();
}

#[tokio::test]
async fn the_test_client_sees_the_rendered_errors() {
    let app = build(Problems).await;
    let client = authroute::testing::TestClient::new(&app);
    let response = client.get("/write").bearer("not-a-token").send().await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.header("content-type"), Some(PROBLEM));
    assert_eq!(
        response.header("www-authenticate"),
        Some("Bearer realm=\"errs\", error=\"invalid_token\"")
    );
    let body: Value = response.json().unwrap();
    assert_eq!(body["type"], "https://errors.example/invalid_token");
}
