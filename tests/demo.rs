//! The demo's `/custom_auth/test` and `GET /` exactly as SPEC section 12 fixes them.

#[path = "../examples/demo/app.rs"]
#[allow(dead_code)]
mod app;

use serde_json::{Value, json};

async fn start() -> (String, authroute::ServerHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = app::DemoConfig::with_db(dir.path().join("demo.sqlite3"));
    let app = app::build(&config).await.expect("demo starts");
    let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    (format!("http://{}", handle.addr()), handle, dir)
}

#[tokio::test]
async fn custom_auth_test_with_42_runs_as_the_administrator() {
    let (base, _server, _dir) = start().await;
    let response = reqwest::Client::new()
        .post(format!("{base}/custom_auth/test"))
        .header("content-type", "application/json")
        .header("authorization", "42")
        .body(r#"{"params": {}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"jsonrpc": "2.0", "id": null, "result": {"uid": 1}})
    );
}

#[tokio::test]
async fn custom_auth_test_refuses_anything_else() {
    let (base, _server, _dir) = start().await;
    let client = reqwest::Client::new();
    let cases: [&[&str]; 5] = [&[], &["43"], &["Bearer 42"], &["42", "42"], &["4 2"]];
    for headers in cases {
        let mut request = client
            .post(format!("{base}/custom_auth/test"))
            .json(&json!({"params": {}}));
        for value in headers {
            request = request.header("authorization", *value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{headers:?}");
        assert_eq!(
            response
                .headers()
                .get_all("www-authenticate")
                .iter()
                .count(),
            1,
            "{headers:?}"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["jsonrpc"], "2.0", "{headers:?}");
        assert!(body.get("result").is_none(), "{headers:?}: {body}");
        assert_eq!(body["error"]["code"], -32001, "{headers:?}");
    }
}

#[tokio::test]
async fn the_index_lists_every_route() {
    let (base, _server, _dir) = start().await;
    let body: Value = reqwest::get(format!("{base}/"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let routes = body["routes"].as_array().unwrap();
    let mut paths: Vec<&str> = routes.iter().map(|r| r["path"].as_str().unwrap()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/",
            "/api_key/whoami",
            "/auth_jwt_demo/claims/whoami",
            "/auth_jwt_demo/dev_token",
            "/auth_jwt_demo/keycloak/admin",
            "/auth_jwt_demo/keycloak/whoami",
            "/auth_jwt_demo/keycloak/whoami-public-or-jwt",
            "/auth_jwt_demo/scoped/read",
            "/auth_jwt_demo/scoped/write",
            "/auth_jwt_demo/whoami",
            "/auth_jwt_demo/whoami-public-or-jwt",
            "/auth_jwt_demo_cookie/whoami",
            "/auth_jwt_demo_cookie/whoami-public-or-jwt",
            "/custom_auth/test",
            "/metrics",
            "/openapi.json",
            "/web/admin/ping",
            "/web/session/authenticate",
            "/web/session/destroy",
            "/web/session/get_session_info",
        ]
    );
    assert!(
        routes.iter().any(|r| r["path"] == "/custom_auth/test"
            && r["auth"] == "custom"
            && r["type"] == "json")
    );
    assert!(
        routes
            .iter()
            .any(|r| r["path"] == "/auth_jwt_demo/whoami" && r["auth"] == "jwt_demo")
    );
}
