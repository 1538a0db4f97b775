//! The in-process test client against the demo: a login through the real session routes keeps
//! its cookie, `login_as` makes a real session, minted tokens pass, logout drops the cookie.

#[path = "../examples/demo/app.rs"]
#[allow(dead_code)]
mod app;

use authroute::Uid;
use authroute::testing::{TestClient, mint};
use serde_json::{Value, json};

async fn demo() -> (authroute::App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = app::DemoConfig::with_db(dir.path().join("demo.sqlite3"));
    (app::build(&config).await.expect("demo starts"), dir)
}

#[tokio::test]
async fn login_cookie_is_kept_and_dropped_on_logout() {
    let (app, _dir) = demo().await;
    let client = TestClient::new(&app);
    let info = "/web/session/get_session_info";
    assert_eq!(
        client.post(info).json(&json!({})).send().await.status(),
        401
    );

    let login = client
        .post("/web/session/authenticate")
        .json(&json!({ "params": { "login": "demo", "password": "demo" } }))
        .send()
        .await;
    assert_eq!(login.status(), 200, "{}", login.text());
    let answer: Value = client
        .post(info)
        .json(&json!({}))
        .send()
        .await
        .json()
        .unwrap();
    assert_eq!(answer["result"]["login"], "demo");

    let logout = client
        .post("/web/session/destroy")
        .json(&json!({}))
        .send()
        .await;
    assert_eq!(logout.status(), 200);
    assert_eq!(
        client.post(info).json(&json!({})).send().await.status(),
        401
    );
}

#[tokio::test]
async fn login_as_and_minted_tokens() {
    let (app, _dir) = demo().await;
    let client = TestClient::new(&app);
    client.login_as(Uid(1)).await.unwrap();
    let answer: Value = client
        .post("/web/session/get_session_info")
        .json(&json!({}))
        .send()
        .await
        .json()
        .unwrap();
    assert_eq!(answer["result"]["uid"], 1);

    let token = mint(&app, "demo", json!({ "email": "mark.brown23@example.com" })).unwrap();
    client.clear_cookies();
    let whoami = client
        .get("/auth_jwt_demo/whoami")
        .bearer(&token)
        .send()
        .await;
    assert_eq!(whoami.status(), 200);
    assert_eq!(whoami.json::<Value>().unwrap()["name"], "Marc Demo");
    assert_eq!(whoami.header("access-control-allow-origin"), Some("*"));
}
