//! The SPA's API side: `POST /auth_jwt_demo/dev_token` answers a `demo` token with scope `read`
//! (which passes `scoped/read` and not `scoped/write`), and its CORS preflight passes while the
//! session route's does not.

#[path = "../examples/demo/app.rs"]
#[allow(dead_code)]
mod app;

use authroute::testing::TestClient;
use serde_json::Value;

#[tokio::test]
async fn the_dev_token_reads_but_does_not_write_and_the_preflights_differ() {
    let dir = tempfile::tempdir().unwrap();
    let config = app::DemoConfig::with_db(dir.path().join("demo.sqlite3"));
    let app = app::build(&config).await.expect("demo starts");
    let client = TestClient::new(&app);

    let answer = client.post("/auth_jwt_demo/dev_token").send().await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
    let body: Value = answer.json().unwrap();
    let token = body["token"].as_str().expect("a token").to_owned();

    let whoami = client
        .get("/auth_jwt_demo/whoami")
        .bearer(&token)
        .send()
        .await;
    assert_eq!(whoami.json::<Value>().unwrap()["uid"], 2);
    let read = client
        .get("/auth_jwt_demo/scoped/read")
        .bearer(&token)
        .send()
        .await;
    assert_eq!(read.status(), 200, "{}", read.text());
    let write = client
        .get("/auth_jwt_demo/scoped/write")
        .bearer(&token)
        .send()
        .await;
    assert_eq!(write.status(), 403, "{}", write.text());

    let preflight = |path: &'static str, method: &'static str| {
        client
            .request(http::Method::OPTIONS, path)
            .header("origin", "http://127.0.0.1:8071")
            .header("access-control-request-method", method)
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight("/auth_jwt_demo/whoami", "GET").await;
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(allowed.header("access-control-allow-origin"), Some("*"));
    let refused = preflight("/web/session/get_session_info", "POST").await;
    assert_eq!(refused.header("access-control-allow-origin"), None);
}
