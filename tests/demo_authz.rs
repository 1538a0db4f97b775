//! The demo's authorization routes, exactly as SPEC section 12.1 fixes them: scoped routes, the
//! claims-only validator, the `api_key` method with hashed keys, and the index listing grants.

#[path = "../examples/demo/app.rs"]
#[allow(dead_code)]
mod app;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

struct Demo {
    base: String,
    _handle: authroute::ServerHandle,
    dir: tempfile::TempDir,
}

async fn start() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let config = app::DemoConfig::with_db(dir.path().join("demo.sqlite3"));
    let app = app::build(&config).await.expect("demo starts");
    let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    Demo {
        base: format!("http://{}", handle.addr()),
        _handle: handle,
        dir,
    }
}

fn demo_token(extra: Value) -> String {
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    let mut claims = json!({"iss": "theissuer", "aud": "auth_jwt_test_api", "exp": exp});
    claims
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let secret = std::env::var("DEMO_JWT_SECRET").unwrap_or_else(|_| app::DEV_SECRET.to_string());
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

struct Reply {
    status: u16,
    challenge: Option<String>,
    cors: Option<String>,
    body: Value,
}

async fn get(url: String, headers: &[(&str, &str)]) -> Reply {
    let mut request = reqwest::Client::new()
        .get(url)
        .header("Origin", "http://spa.example");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let (challenge, cors) = (
        header("www-authenticate"),
        header("access-control-allow-origin"),
    );
    Reply {
        status: response.status().as_u16(),
        challenge,
        cors,
        body: response.json().await.unwrap_or(Value::Null),
    }
}

#[tokio::test]
async fn scoped_routes() {
    let demo = start().await;
    let read = demo_token(json!({ "scope": "read" }));
    let both = demo_token(json!({ "scope": "read write" }));
    let bearer = |t: &str| format!("Bearer {t}");

    let r = get(
        format!("{}/auth_jwt_demo/scoped/read", demo.base),
        &[("Authorization", &bearer(&read))],
    )
    .await;
    assert_eq!((r.status, r.body), (200, json!({ "uid": 2 })));
    assert_eq!(r.cors.as_deref(), Some("*"));

    let r = get(
        format!("{}/auth_jwt_demo/scoped/write", demo.base),
        &[("Authorization", &bearer(&read))],
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.challenge.as_deref(),
        Some(r#"Bearer realm="demo", error="insufficient_scope", scope="write""#)
    );
    assert_eq!(r.body["error"], "insufficient_scope");
    assert_eq!(r.cors.as_deref(), Some("*"));

    let r = get(
        format!("{}/auth_jwt_demo/scoped/write", demo.base),
        &[("Authorization", &bearer(&both))],
    )
    .await;
    assert_eq!((r.status, r.body), (200, json!({ "uid": 2 })));

    // No token at all stays a 401.
    let r = get(format!("{}/auth_jwt_demo/scoped/read", demo.base), &[]).await;
    assert_eq!(r.status, 401);
    // The unscoped whoami route is unaffected by a token without scopes.
    let plain = demo_token(json!({}));
    let r = get(
        format!("{}/auth_jwt_demo/whoami", demo.base),
        &[("Authorization", &bearer(&plain))],
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn claims_only_whoami() {
    let demo = start().await;
    let token = demo_token(json!({ "sub": "service-account-42" }));
    let r = get(
        format!("{}/auth_jwt_demo/claims/whoami", demo.base),
        &[("Authorization", &format!("Bearer {token}"))],
    )
    .await;
    assert_eq!(
        (r.status, r.body),
        (200, json!({ "sub": "service-account-42" }))
    );
    let r = get(format!("{}/auth_jwt_demo/claims/whoami", demo.base), &[]).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn api_key_method() {
    let demo = start().await;
    let url = format!("{}/api_key/whoami", demo.base);
    let r = get(url.clone(), &[("X-Api-Key", app::DEMO_API_KEY)]).await;
    assert_eq!((r.status, r.body), (200, json!({ "uid": 2 })));

    for headers in [
        &[][..],
        &[("X-Api-Key", "demo-api-key-0123456789abcdeX")][..],
        &[("X-Api-Key", "")][..],
        &[("Authorization", "Bearer demo-api-key-0123456789abcdef")][..],
    ] {
        let r = get(url.clone(), headers).await;
        assert_eq!(r.status, 401, "{headers:?}");
        let challenge = r.challenge.unwrap_or_default();
        assert!(challenge.starts_with("ApiKey realm="), "{challenge}");
        assert!(!challenge.contains("Bearer"), "{challenge}");
    }

    // The database holds the key's digest, never the key.
    let db = std::fs::read(demo.dir.path().join("demo.sqlite3")).unwrap();
    let key = app::DEMO_API_KEY.as_bytes();
    assert!(!db.windows(key.len()).any(|w| w == key));
}

#[tokio::test]
async fn index_lists_required_grants() {
    let demo = start().await;
    let r = get(format!("{}/", demo.base), &[]).await;
    assert_eq!(r.status, 200);
    let routes = r.body["routes"].as_array().unwrap();
    let route = |path: &str| {
        routes
            .iter()
            .find(|r| r["path"] == path)
            .unwrap_or_else(|| panic!("{path} listed"))
            .clone()
    };
    assert_eq!(
        route("/auth_jwt_demo/scoped/read")["grants"],
        json!(["read"])
    );
    assert_eq!(
        route("/auth_jwt_demo/scoped/write")["grants"],
        json!(["write"])
    );
    assert_eq!(
        route("/auth_jwt_demo/keycloak/admin")["grants"],
        json!(["api-admin"])
    );
    assert_eq!(route("/auth_jwt_demo/whoami")["grants"], json!([]));
    assert_eq!(route("/api_key/whoami")["auth"], "api_key");
    assert_eq!(route("/web/admin/ping")["groups"], json!(["admin"]));
}

/// Logs in through the demo's session route; the `session_id` cookie to send back.
async fn login(base: &str, login: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{base}/web/session/authenticate"))
        .json(&json!({ "params": { "login": login, "password": login } }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login {login}");
    let set_cookie = r.headers()["set-cookie"].to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn admin_ping_requires_group_admin() {
    let demo = start().await;
    let ping = |cookie: Option<String>| {
        let mut request = reqwest::Client::new()
            .post(format!("{}/web/admin/ping", demo.base))
            .json(&json!({ "jsonrpc": "2.0", "id": 7, "params": {} }));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        request.send()
    };

    assert_eq!(ping(None).await.unwrap().status(), 401);

    let admin = login(&demo.base, "admin").await;
    let r = ping(Some(admin)).await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"], json!({ "uid": 1 }));

    let marc = login(&demo.base, "demo").await;
    let r = ping(Some(marc)).await.unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert!(body.get("result").is_none(), "{body}");
    assert_eq!(body["jsonrpc"], "2.0");
}
