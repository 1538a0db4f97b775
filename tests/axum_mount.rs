//! The axum example's contract over real HTTP: plain axum handlers behind authroute layers,
//! and an authroute route nested under `/api`.

#[path = "../examples/axum_mount/app.rs"]
mod app;

use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::{Value, json};

struct Server {
    base: String,
    client: reqwest::Client,
    _task: tokio::task::JoinHandle<()>,
}

async fn server() -> Server {
    let router = app::router().await.expect("the example starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    Server {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        _task: task,
    }
}

fn secret() -> String {
    std::env::var("DEMO_JWT_SECRET").unwrap_or_else(|_| app::DEV_SECRET.to_string())
}

fn token(secret: &str) -> String {
    let claims = json!({
        "iss": "theissuer",
        "aud": "auth_jwt_test_api",
        "exp": 4_000_000_000_u64,
        "email": "mark.brown23@example.com",
    });
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

impl Server {
    async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }
}

#[tokio::test]
async fn health_is_plain_axum() {
    let server = server().await;
    let response = server.get("/axum/health", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn me_is_behind_the_jwt_layer() {
    let server = server().await;
    let good = token(&secret());
    let response = server.get("/axum/me", Some(&good)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({ "uid": 2 }));

    let response = server.get("/axum/me", None).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="demo""#
    );

    let forged = token("not-the-secret-but-long-enough-0123456789");
    let response = server.get("/axum/me", Some(&forged)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="demo", error="invalid_token""#
    );
}

#[tokio::test]
async fn maybe_is_behind_the_public_or_jwt_layer() {
    let server = server().await;
    let response = server.get("/axum/maybe", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({ "uid": 3 }));

    let response = server.get("/axum/maybe", Some(&token(&secret()))).await;
    assert_eq!(response.json::<Value>().await.unwrap(), json!({ "uid": 2 }));

    let response = server.get("/axum/maybe", Some("not.a.token")).await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn the_authroute_route_is_nested_under_api_only() {
    let server = server().await;
    let response = server.get("/api/whoami", Some(&token(&secret()))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({ "uid": 2 }));

    let response = server.get("/api/whoami", None).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="demo""#
    );

    assert_eq!(
        server
            .get("/whoami", Some(&token(&secret())))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn nested_routes_keep_the_pipelines_method_and_preflight_answers() {
    let server = server().await;
    let response = server
        .client
        .post(format!("{}/api/whoami", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET");
}
