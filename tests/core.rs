//! The core over real HTTP: routing, methods, CORS, JSON-RPC, custom auth, limits, panics,
//! extractors.

use std::sync::Arc;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{
    App, AuthError, AuthRequest, Caller, HttpError, Json, Params, Path, Query, RpcError, Uid,
    auth_method, route,
};
use serde::Deserialize;
use serde_json::{Value, json};

#[auth_method]
fn answer(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    match req.header("authorization") {
        Some(b"42") => Ok(Uid(1)),
        _ => Err(AuthError::denied("the answer is 42")),
    }
}

#[route("/guarded", methods = ["GET", "POST"], auth = "answer", cors = "https://app.example")]
async fn guarded(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/open", methods = ["GET"], auth = "none")]
async fn open() -> &'static str {
    "open"
}

#[route("/public", methods = ["GET"], auth = "public")]
async fn public(caller: Caller) -> Json<Value> {
    Json(json!({ "uid": caller.uid, "authenticated": caller.authenticated }))
}

#[derive(Deserialize)]
struct Item {
    id: u32,
    name: String,
}

#[derive(Deserialize)]
struct Paging {
    page: u32,
}

#[route("/items/{id}/{name}", methods = ["GET"], auth = "none")]
async fn item(Path(item): Path<Item>, Query(paging): Query<Paging>) -> Json<Value> {
    Json(json!({ "id": item.id, "name": item.name, "page": paging.page }))
}

#[route("/echo", methods = ["POST"], auth = "none")]
async fn echo(Json(body): Json<Value>) -> Json<Value> {
    Json(body)
}

#[derive(Deserialize)]
struct Sum {
    a: i64,
    b: i64,
}

#[route("/rpc/sum", methods = ["POST"], auth = "none", type = "json")]
async fn sum(Params(p): Params<Sum>) -> Result<Json<Value>, RpcError> {
    if p.a < 0 {
        return Err(RpcError::new(-32050, "negative numbers are not summed"));
    }
    Ok(Json(json!(p.a + p.b)))
}

#[route("/rpc/guarded", methods = ["POST"], auth = "answer", type = "json")]
async fn rpc_guarded(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/panic", methods = ["GET"], auth = "none")]
async fn panics() -> Result<&'static str, HttpError> {
    panic!("a handler bug")
}

struct Server {
    base: String,
    client: reqwest::Client,
    _handle: authroute::ServerHandle,
}

async fn server() -> Server {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    for name in ["Administrator", "Demo", "Public"] {
        directory.add_user(NewUser::new(name)).unwrap();
    }
    let app = App::builder()
        .directory(Arc::new(directory))
        .public_uid(Uid(3))
        .body_limit(1024)
        .build()
        .await
        .expect("starts");
    let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    Server {
        base: format!("http://{}", handle.addr()),
        client: reqwest::Client::new(),
        _handle: handle,
    }
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn rpc(&self, path: &str, body: &str, auth: Option<&str>) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let response = request.send().await.unwrap();
        (
            response.status().as_u16(),
            response.json().await.unwrap_or(Value::Null),
        )
    }
}

#[tokio::test]
async fn unknown_path_is_404_and_wrong_method_405_with_allow() {
    let s = server().await;
    let r = s.client.get(s.url("/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = s.client.delete(s.url("/guarded")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET, POST");
}

#[tokio::test]
async fn preflight_needs_no_authentication() {
    let s = server().await;
    let r = s
        .client
        .request(reqwest::Method::OPTIONS, s.url("/guarded"))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], "https://app.example");
    assert_eq!(h["access-control-allow-methods"], "GET, POST");
    assert_eq!(
        h["access-control-allow-headers"],
        "authorization, content-type"
    );
    assert!(h.contains_key("access-control-max-age"));
    // Normal and refused responses of a CORS route carry the origin too.
    let ok = s
        .client
        .get(s.url("/guarded"))
        .header("authorization", "42")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let refused = s.client.get(s.url("/guarded")).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    // OPTIONS without the preflight header on a route without OPTIONS: 405.
    let r = s
        .client
        .request(reqwest::Method::OPTIONS, s.url("/guarded"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
}

#[tokio::test]
async fn custom_auth_accepts_and_refuses() {
    let s = server().await;
    let r = s
        .client
        .get(s.url("/guarded"))
        .header("authorization", "42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"uid": 1}));
    for value in [None, Some("43"), Some("Bearer 42")] {
        let mut request = s.client.get(s.url("/guarded"));
        if let Some(value) = value {
            request = request.header("authorization", value);
        }
        let r = request.send().await.unwrap();
        assert_eq!(r.status(), 401, "{value:?}");
        let challenges: Vec<_> = r.headers().get_all("www-authenticate").iter().collect();
        assert_eq!(challenges.len(), 1);
        assert_eq!(challenges[0], r#"Bearer realm="authroute""#);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");
    }
    // Two headers are ambiguous: refused.
    let r = s
        .client
        .get(s.url("/guarded"))
        .header("authorization", "42")
        .header("authorization", "42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn json_rpc_envelope_and_errors() {
    let s = server().await;
    let (status, body) = s
        .rpc(
            "/rpc/sum",
            r#"{"jsonrpc":"2.0","method":"call","params":{"a":1,"b":2},"id":7}"#,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"jsonrpc": "2.0", "id": 7, "result": 3}));
    let (_, body) = s
        .rpc(
            "/rpc/sum",
            r#"{"jsonrpc":"2.0","params":{"a":1,"b":2},"id":"abc"}"#,
            None,
        )
        .await;
    assert_eq!(body["id"], "abc");
    let (_, body) = s.rpc("/rpc/sum", r#"{"params":{"a":2,"b":2}}"#, None).await;
    assert_eq!(body, json!({"jsonrpc": "2.0", "id": null, "result": 4}));

    let (status, body) = s.rpc("/rpc/sum", "{not json", None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], -32700);
    let (status, body) = s.rpc("/rpc/sum", "[1, 2]", None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], -32600);
    let (status, body) = s
        .rpc("/rpc/sum", r#"{"params":{"a":"x"},"id":1}"#, None)
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], -32602);
    assert_eq!(body["id"], 1);
    let (status, body) = s
        .rpc("/rpc/sum", r#"{"params":{"a":-1,"b":1},"id":2}"#, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["error"]["code"], -32050);
    assert_eq!(body["error"]["message"], "negative numbers are not summed");

    let (status, body) = s.rpc("/rpc/guarded", r#"{"params":{}}"#, None).await;
    assert_eq!(status, 401);
    assert_eq!(body["jsonrpc"], "2.0");
    assert_eq!(body["error"]["code"], -32001);
    let (status, body) = s.rpc("/rpc/guarded", r#"{"params":{}}"#, Some("42")).await;
    assert_eq!(status, 200);
    assert_eq!(body["result"], json!({"uid": 1}));
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let s = server().await;
    let big = format!("\"{}\"", "x".repeat(2000));
    let r = s
        .client
        .post(s.url("/echo"))
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    // Chunked, without Content-Length.
    let stream = futures_stream(big.into_bytes());
    let r = s
        .client
        .post(s.url("/echo"))
        .body(reqwest::Body::wrap(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let r = s
        .client
        .post(s.url("/echo"))
        .body("{\"small\":true}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"small": true}));
}

/// A body in 100-byte chunks, so that the client cannot announce its length.
fn futures_stream(bytes: Vec<u8>) -> impl futures_core_stream::Stream {
    futures_core_stream::chunks(bytes)
}

mod futures_core_stream {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    pub trait Stream:
        http_body::Body<Data = bytes::Bytes, Error = std::io::Error> + Send + Sync + 'static
    {
    }
    impl<T: http_body::Body<Data = bytes::Bytes, Error = std::io::Error> + Send + Sync + 'static>
        Stream for T
    {
    }

    pub struct Chunks(Vec<u8>);

    pub fn chunks(bytes: Vec<u8>) -> Chunks {
        Chunks(bytes)
    }

    impl http_body::Body for Chunks {
        type Data = bytes::Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
            if self.0.is_empty() {
                return Poll::Ready(None);
            }
            let n = self.0.len().min(100);
            let chunk: Vec<u8> = self.0.drain(..n).collect();
            Poll::Ready(Some(Ok(http_body::Frame::data(bytes::Bytes::from(chunk)))))
        }
    }
}

#[tokio::test]
async fn a_panicking_handler_is_500_and_the_server_keeps_serving() {
    let s = server().await;
    let r = s.client.get(s.url("/panic")).send().await.unwrap();
    assert_eq!(r.status(), 500);
    let body: Value = r.json().await.unwrap();
    assert!(
        !body.to_string().contains("a handler bug"),
        "no panic message leaks"
    );
    let r = s.client.get(s.url("/open")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "open");
}

#[tokio::test]
async fn path_params_query_and_public() {
    let s = server().await;
    let r = s
        .client
        .get(s.url("/items/12/caf%C3%A9%20cr%C3%A8me?page=3"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"id": 12, "name": "café crème", "page": 3})
    );
    let r = s
        .client
        .get(s.url("/items/notanumber/x?page=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = s.client.get(s.url("/items/1/x")).send().await.unwrap();
    assert_eq!(r.status(), 400, "missing query parameter");
    let r = s.client.get(s.url("/public")).send().await.unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"uid": 3, "authenticated": false})
    );
}
