//! The built-in server wrapped in tower layers, and axum extractors used without their layer.

use std::sync::Arc;
use std::time::Duration;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Uid, route, routes};
use axum::Router;
use axum::routing::get;
use http::{HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

#[route("/hello", methods = ["GET"], auth = "none")]
async fn hello() -> &'static str {
    "hello"
}

async fn app() -> App {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    directory.add_user(NewUser::new("one")).unwrap();
    App::builder()
        .directory(Arc::new(directory))
        .routes(routes![hello])
        .build()
        .await
        .expect("starts")
}

#[tokio::test]
async fn tower_http_layers_wrap_the_built_in_server() {
    let layers = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-served-by"),
            HeaderValue::from_static("authroute"),
        ))
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(5),
        ));
    let server = app()
        .await
        .spawn_with("127.0.0.1:0".parse().unwrap(), layers)
        .await
        .unwrap();
    let response = reqwest::get(format!("http://{}/hello", server.addr()))
        .await
        .unwrap();
    assert_eq!(response.headers()["x-served-by"], "authroute");
    assert_eq!(response.text().await.unwrap(), "hello");
    server.shutdown().await;
}

async fn needs_layer(uid: Uid) -> String {
    uid.to_string()
}

#[tokio::test]
async fn an_extractor_without_its_layer_is_a_500() {
    let router: Router = Router::new().route("/forgot", get(needs_layer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    for _ in 0..2 {
        let response = reqwest::get(format!("http://{addr}/forgot")).await.unwrap();
        assert_eq!(response.status(), 500);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "internal_error");
    }
    task.abort();
}
