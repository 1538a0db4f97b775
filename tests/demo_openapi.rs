//! The demo's `/openapi.json`: every route with unique operationIds, one scheme per validator and
//! one for the session cookie, and per-operation security derived from the auth declarations.

#[path = "../examples/demo/app.rs"]
#[allow(dead_code)]
mod app;

use std::collections::HashSet;

use authroute::testing::TestClient;
use serde_json::{Value, json};

async fn document() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let config = app::DemoConfig::with_db(dir.path().join("demo.sqlite3"));
    let app = app::build(&config).await.expect("demo starts");
    let answer = TestClient::new(&app).get("/openapi.json").send().await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    let document: Value = answer.json().unwrap();
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("demo-openapi.json");
    std::fs::write(out, serde_json::to_vec_pretty(&document).unwrap()).unwrap();
    document
}

fn security<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    &doc["paths"][path][method]["security"]
}

#[tokio::test]
async fn every_route_is_listed_once_with_unique_operation_ids() {
    let doc = document().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/",
        "/openapi.json",
        "/metrics",
        "/auth_jwt_demo/whoami",
        "/web/session/authenticate",
    ] {
        assert!(paths.contains_key(path), "{path} missing");
    }
    let mut ids = HashSet::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            assert!(
                ids.insert(id.to_string()),
                "operationId {id} twice ({method} {path})"
            );
        }
    }
}

#[tokio::test]
async fn security_follows_the_auth_declarations() {
    let doc = document().await;
    let schemes = &doc["components"]["securitySchemes"];
    for validator in ["demo", "demo_cookie", "demo_keycloak", "demo_claims"] {
        assert_eq!(
            schemes[validator],
            json!({ "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": format!("a JWT for validator `{validator}`") }),
        );
    }
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "session_id");

    assert_eq!(
        *security(&doc, "/auth_jwt_demo/whoami", "get"),
        json!([{ "demo": [] }])
    );
    assert_eq!(
        *security(&doc, "/auth_jwt_demo/whoami-public-or-jwt", "get"),
        json!([{ "demo": [] }, {}])
    );
    assert_eq!(
        *security(&doc, "/auth_jwt_demo/scoped/read", "get"),
        json!([{ "demo": ["read"] }])
    );
    assert_eq!(
        *security(&doc, "/auth_jwt_demo/keycloak/admin", "get"),
        json!([{ "demo_keycloak": ["api-admin"] }])
    );
    assert_eq!(
        *security(&doc, "/web/session/get_session_info", "post"),
        json!([{ "session": [] }])
    );
    assert!(security(&doc, "/", "get").is_null());
    assert!(security(&doc, "/web/session/authenticate", "post").is_null());
    let rpc = &doc["paths"]["/web/session/authenticate"]["post"]["requestBody"];
    assert_eq!(
        rpc["content"]["application/json"]["schema"]["properties"]["jsonrpc"]["enum"],
        json!(["2.0"])
    );
}
