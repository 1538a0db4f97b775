//! Sessions over real HTTP against the demo application on a real SQLite file: Odoo's session
//! routes, `user` and `public` auth, persistence across a restart, concurrency.

#[path = "../examples/demo/app.rs"]
#[allow(dead_code)]
mod app;

use std::collections::HashSet;

use authroute::{Caller, Json, Session, route};
use serde_json::{Value, json};

/// A `public` route next to the demo's, to see both sides of `public`.
#[route("/test/public", methods = ["GET"], auth = "public")]
async fn public_probe(caller: Caller, session: Option<Session>) -> Json<Value> {
    Json(
        json!({"uid": caller.uid, "authenticated": caller.authenticated, "session": session.is_some()}),
    )
}

struct Demo {
    base: String,
    client: reqwest::Client,
    handle: authroute::ServerHandle,
}

async fn start(db: &std::path::Path) -> Demo {
    let config = app::DemoConfig::with_db(db.to_path_buf());
    let app = app::build(&config).await.expect("demo starts");
    let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    Demo {
        base: format!("http://{}", handle.addr()),
        client: reqwest::Client::new(),
        handle,
    }
}

struct Reply {
    status: u16,
    body: Value,
    cookie: Option<String>,
    set_cookie: Option<String>,
}

impl Demo {
    async fn rpc(&self, path: &str, params: Value, cookie: Option<&str>) -> Reply {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .json(&json!({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let set_cookie = response
            .headers()
            .get("set-cookie")
            .map(|v| v.to_str().unwrap().to_string());
        let cookie = set_cookie
            .as_ref()
            .map(|c| c.split(';').next().unwrap().to_string());
        let body = response.json().await.unwrap_or(Value::Null);
        Reply {
            status,
            body,
            cookie,
            set_cookie,
        }
    }

    async fn login(&self, login: &str, password: &str) -> Reply {
        self.rpc(
            "/web/session/authenticate",
            json!({"login": login, "password": password}),
            None,
        )
        .await
    }

    async fn public(&self, cookie: Option<&str>) -> Value {
        let mut request = self.client.get(format!("{}/test/public", self.base));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        request.send().await.unwrap().json().await.unwrap()
    }
}

#[tokio::test]
async fn login_info_logout() {
    let dir = tempfile::tempdir().unwrap();
    let demo = start(&dir.path().join("demo.sqlite3")).await;

    let bad = demo.login("demo", "wrong").await;
    assert_eq!(bad.status, 401);
    assert!(
        bad.set_cookie.is_none(),
        "wrong credentials must not create a session"
    );
    assert!(bad.body["error"].is_object());
    assert_eq!(demo.login("nobody", "demo").await.status, 401);

    let ok = demo.login("demo", "demo").await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body["result"], json!({"uid": 2}));
    let set_cookie = ok.set_cookie.unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = ok.cookie.unwrap();
    assert!(cookie.starts_with("session_id="));

    let info = demo
        .rpc("/web/session/get_session_info", json!({}), Some(&cookie))
        .await;
    assert_eq!(info.status, 200);
    assert_eq!(
        info.body["result"],
        json!({"uid": 2, "login": "demo", "name": "Marc Demo"})
    );

    let anonymous = demo
        .rpc("/web/session/get_session_info", json!({}), None)
        .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.body["error"]["code"], -32001);

    let out = demo
        .rpc("/web/session/destroy", json!({}), Some(&cookie))
        .await;
    assert_eq!(out.status, 200);
    let after = demo
        .rpc("/web/session/get_session_info", json!({}), Some(&cookie))
        .await;
    assert_eq!(after.status, 401);
}

#[tokio::test]
async fn public_with_and_without_session() {
    let dir = tempfile::tempdir().unwrap();
    let demo = start(&dir.path().join("demo.sqlite3")).await;
    assert_eq!(
        demo.public(None).await,
        json!({"uid": 3, "authenticated": false, "session": false})
    );
    let cookie = demo.login("admin", "admin").await.cookie.unwrap();
    assert_eq!(
        demo.public(Some(&cookie)).await,
        json!({"uid": 1, "authenticated": true, "session": true})
    );
}

#[tokio::test]
async fn custom_method_runs_as_the_session_user() {
    let dir = tempfile::tempdir().unwrap();
    let demo = start(&dir.path().join("demo.sqlite3")).await;
    let cookie = demo.login("demo", "demo").await.cookie.unwrap();
    let response = demo
        .client
        .post(format!("{}/custom_auth/test", demo.base))
        .header("Authorization", "42")
        .header("Cookie", &cookie)
        .json(&json!({"params": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["result"], json!({"uid": 2}));
}

#[tokio::test]
async fn tampered_and_unknown_session_ids_are_no_session() {
    let dir = tempfile::tempdir().unwrap();
    let demo = start(&dir.path().join("demo.sqlite3")).await;
    let cookie = demo.login("demo", "demo").await.cookie.unwrap();
    let mut tampered = cookie.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for cookie in [
        tampered.as_str(),
        "session_id=unknown",
        "session_id=",
        "session_id=../../etc/passwd",
    ] {
        let info = demo
            .rpc("/web/session/get_session_info", json!({}), Some(cookie))
            .await;
        assert_eq!(info.status, 401, "{cookie}");
        assert_eq!(demo.public(Some(cookie)).await["uid"], 3, "{cookie}");
    }
}

#[tokio::test]
async fn sessions_survive_a_restart_on_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let first = start(&db).await;
    let cookie = first.login("admin", "admin").await.cookie.unwrap();
    first.handle.shutdown().await;

    let second = start(&db).await;
    let info = second
        .rpc("/web/session/get_session_info", json!({}), Some(&cookie))
        .await;
    assert_eq!(info.status, 200);
    assert_eq!(info.body["result"]["uid"], 1);
    // Seeding happened once: the users are still exactly the three of the contract.
    assert_eq!(second.login("demo", "demo").await.status, 200);
}

#[tokio::test]
async fn fifty_concurrent_logins_get_distinct_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let demo = start(&dir.path().join("demo.sqlite3")).await;
    let mut logins = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let client = demo.client.clone();
        let url = format!("{}/web/session/authenticate", demo.base);
        logins.spawn(async move {
            let body = json!({"jsonrpc": "2.0", "method": "call", "params": {"login": "demo", "password": "demo"}});
            let response = client.post(url).json(&body).send().await.unwrap();
            let status = response.status().as_u16();
            let cookie = response.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string());
            (status, cookie)
        });
    }
    let mut ids = HashSet::new();
    while let Some(result) = logins.join_next().await {
        let (status, cookie) = result.unwrap();
        assert_eq!(status, 200);
        ids.insert(cookie.unwrap().split(';').next().unwrap().to_string());
    }
    assert_eq!(ids.len(), 50);
}
