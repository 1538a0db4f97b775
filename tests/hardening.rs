//! The hardened request path over real sockets: authentication before the body, and the head,
//! body and handler timeouts. Every wait is bounded; the timeouts under test are configured
//! short, and the bounds are ten times wider, so the tests fail only when a timeout is missing.

use std::sync::Arc;
use std::time::Duration;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Bytes, ServerHandle, Uid, route, routes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Wider than any configured timeout below: reaching it means the server did not answer.
const BOUND: Duration = Duration::from_secs(10);

#[route("/upload", methods = ["POST"], auth = "user")]
async fn upload(_uid: Uid, body: Bytes) -> String {
    body.len().to_string()
}

#[route("/open-upload", methods = ["POST"], auth = "none")]
async fn open_upload(body: Bytes) -> String {
    body.len().to_string()
}

#[route("/slow", methods = ["GET"], auth = "none")]
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(60)).await;
    "late"
}

#[route("/fast", methods = ["GET"], auth = "none")]
async fn fast() -> &'static str {
    "fast"
}

async fn server() -> ServerHandle {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    directory.add_user(NewUser::new("one")).unwrap();
    let app = App::builder()
        .directory(Arc::new(directory))
        .routes(routes![upload, open_upload, slow, fast])
        .head_timeout(Duration::from_millis(300))
        .body_timeout(Duration::from_millis(300))
        .handler_timeout(Duration::from_millis(300))
        .build()
        .await
        .expect("starts");
    app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap()
}

/// Sends `request` raw and reads until the server closes or `BOUND` passes.
async fn exchange(server: &ServerHandle, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0_u8; 4096];
    let read = async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&chunk[..n]);
                    // One response is all these tests wait for.
                    if String::from_utf8_lossy(&answer).contains("\r\n\r\n") {
                        break;
                    }
                }
            }
        }
    };
    tokio::time::timeout(BOUND, read)
        .await
        .expect("the server answered or closed within the bound");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn an_unauthenticated_request_is_refused_without_waiting_for_its_body() {
    let server = server().await;
    // A megabyte announced, none sent: the 401 must not wait for it.
    let answer = exchange(
        &server,
        b"POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 1000000\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_408() {
    let server = server().await;
    let answer = exchange(
        &server,
        b"POST /open-upload HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nonly a part",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_head_that_does_not_arrive_in_time_closes_the_connection_and_others_are_served() {
    let server = server().await;
    let mut stalled = TcpStream::connect(server.addr()).await.unwrap();
    stalled
        .write_all(b"GET /fast HTTP/1.1\r\nhost:")
        .await
        .unwrap();

    // Meanwhile another client is served.
    let client = reqwest::Client::new();
    let url = format!("http://{}/fast", server.addr());
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), "fast");

    let mut rest = Vec::new();
    let closed = tokio::time::timeout(BOUND, stalled.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the stalled connection was not closed");
    assert!(
        !String::from_utf8_lossy(&rest).contains("200"),
        "a partial head was served: {}",
        String::from_utf8_lossy(&rest)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_handler_that_runs_too_long_is_503() {
    let server = server().await;
    let client = reqwest::Client::new();
    let url = format!("http://{}/slow", server.addr());
    let response = tokio::time::timeout(BOUND, client.get(&url).send())
        .await
        .expect("answered within the bound")
        .unwrap();
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "handler_timeout");
    server.shutdown().await;
}
