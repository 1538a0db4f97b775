//! The demo's JWT and cookie-mode routes, exactly as SPEC section 12 fixes them.

#[path = "../examples/demo/app.rs"]
#[allow(dead_code)]
mod app;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

struct Demo {
    base: String,
    _handle: authroute::ServerHandle,
    _dir: tempfile::TempDir,
}

async fn start() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let config = app::DemoConfig::with_db(dir.path().join("demo.sqlite3"));
    let app = app::build(&config).await.expect("demo starts");
    let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    Demo {
        base: format!("http://{}", handle.addr()),
        _handle: handle,
        _dir: dir,
    }
}

fn token(email: Option<&str>, secret: &str) -> String {
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    let mut claims = json!({"iss": "theissuer", "aud": "auth_jwt_test_api", "exp": exp});
    if let Some(email) = email {
        claims["email"] = json!(email);
    }
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn demo_token(email: Option<&str>) -> String {
    token(
        email,
        &std::env::var("DEMO_JWT_SECRET").unwrap_or_else(|_| app::DEV_SECRET.to_string()),
    )
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn get(url: String, headers: &[(&str, &str)]) -> Reply {
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Reply {
        status,
        headers,
        body: response.json().await.unwrap_or(Value::Null),
    }
}

fn cookie_of(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn whoami_routes() {
    let demo = start().await;
    let bearer = format!("Bearer {}", demo_token(Some("mark.brown23@example.com")));
    let r = get(
        format!("{}/auth_jwt_demo/whoami", demo.base),
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"uid": 2, "name": "Marc Demo", "email": "mark.brown23@example.com"})
    );
    assert_eq!(r.headers["access-control-allow-origin"], "*");

    let r = get(format!("{}/auth_jwt_demo/whoami", demo.base), &[]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.headers["www-authenticate"], r#"Bearer realm="demo""#);

    let r = get(
        format!("{}/auth_jwt_demo/whoami-public-or-jwt", demo.base),
        &[],
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["uid"], 3);
    assert_eq!(r.body["name"], Value::Null, "no partner on the public side");

    let r = get(
        format!("{}/auth_jwt_demo/whoami-public-or-jwt", demo.base),
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(r.body["uid"], 2);
    let r = get(
        format!("{}/auth_jwt_demo/whoami-public-or-jwt", demo.base),
        &[("Authorization", "Bearer x.y.z")],
    )
    .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn cookie_round_trip() {
    let demo = start().await;
    let url = format!("{}/auth_jwt_demo_cookie/whoami", demo.base);
    let bearer = format!("Bearer {}", demo_token(Some("mark.brown23@example.com")));
    let first = get(url.clone(), &[("Authorization", &bearer)]).await;
    assert_eq!(first.status, 200);
    let set_cookie = cookie_of(&first).expect("cookie mode sets the cookie");
    for attribute in [
        "demo_auth=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=31536000",
    ] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "the demo turns Secure off: {set_cookie}"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_string();

    let again = get(url.clone(), &[("Cookie", &cookie)]).await;
    assert_eq!(again.status, 200);
    assert_eq!(
        again.body, first.body,
        "same uid and partner from the cookie alone"
    );
    assert!(
        cookie_of(&again).is_some(),
        "renewed on every successful request"
    );

    // The header wins: a valid cookie does not rescue an invalid header.
    let r = get(
        url.clone(),
        &[("Cookie", &cookie), ("Authorization", "Bearer not.a.token")],
    )
    .await;
    assert_eq!(r.status, 401);
    let r = get(
        url.clone(),
        &[("Cookie", &cookie), ("Authorization", "Bearer")],
    )
    .await;
    assert_eq!(r.status, 401);

    // A cookie signed with another secret.
    let forged = format!(
        "demo_auth={}",
        token(
            Some("mark.brown23@example.com"),
            "some-other-cookie-secret-of-enough-bytes"
        )
    );
    assert_eq!(get(url.clone(), &[("Cookie", &forged)]).await.status, 401);

    // Nothing at all.
    assert_eq!(get(url, &[]).await.status, 401);
}

#[tokio::test]
async fn public_or_jwt_cookie_route() {
    let demo = start().await;
    let url = format!("{}/auth_jwt_demo_cookie/whoami-public-or-jwt", demo.base);
    let nothing = get(url.clone(), &[]).await;
    assert_eq!(nothing.body, json!({"uid": 3}));
    assert!(
        cookie_of(&nothing).is_none(),
        "the public side sets no cookie"
    );

    let unknown = format!("Bearer {}", demo_token(Some("nobody@example.com")));
    let r = get(url.clone(), &[("Authorization", &unknown)]).await;
    assert_eq!(r.body, json!({"uid": 2}));
    assert!(cookie_of(&r).is_some());

    let partner = format!("Bearer {}", demo_token(Some("admin@example.com")));
    let r = get(url.clone(), &[("Authorization", &partner)]).await;
    assert_eq!(
        r.body,
        json!({"uid": 2, "name": "Administrator", "email": "admin@example.com"})
    );
    let cookie = cookie_of(&r)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    let r = get(url, &[("Cookie", &cookie)]).await;
    assert_eq!(
        r.body,
        json!({"uid": 2, "name": "Administrator", "email": "admin@example.com"})
    );
}
