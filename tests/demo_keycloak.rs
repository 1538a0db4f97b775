//! The demo's keycloak routes against a JWKS server on loopback (`DEMO_JWKS_URI`,
//! `DEMO_KEYCLOAK_ISSUER`), and the demo starting while that JWKS is unreachable.

#[path = "../examples/demo/app.rs"]
#[allow(dead_code)]
mod app;
#[allow(dead_code)]
mod support {
    pub mod jwks_server;
}

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;

#[tokio::test]
async fn keycloak_routes() {
    let jwks = support::jwks_server::start().await;
    jwks.set_keys(&[support::jwks_server::jwk("rsa1")]);
    let issuer = format!("{}/auth/realms/master", jwks.base);
    let dir = tempfile::tempdir().unwrap();
    let mut config = app::DemoConfig::with_db(dir.path().join("demo.sqlite3"));
    config.vars.push(("DEMO_JWKS_URI".into(), jwks.jwks_uri()));
    config
        .vars
        .push(("DEMO_KEYCLOAK_ISSUER".into(), issuer.clone()));
    let app = app::build(&config).await.unwrap();
    let server = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = format!("http://{}", server.addr());
    let deadline = Instant::now() + Duration::from_secs(10);
    while jwks.hits() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("rsa1".into());
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600;
    let claims = json!({"iss": issuer, "aud": "auth_jwt_test_api", "exp": exp, "email": "admin@example.com"});
    let key = EncodingKey::from_rsa_pem(include_bytes!("keys/rsa_private.pem")).unwrap();
    let token = encode(&header, &claims, &key).unwrap();

    let client = reqwest::Client::new();
    let r = client
        .get(format!("{base}/auth_jwt_demo/keycloak/whoami"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body,
        json!({"uid": 1, "name": "Administrator", "email": "admin@example.com"})
    );

    let r = client
        .get(format!(
            "{base}/auth_jwt_demo/keycloak/whoami-public-or-jwt"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap(),
        json!({"uid": 3})
    );
    let r = client
        .get(format!(
            "{base}/auth_jwt_demo/keycloak/whoami-public-or-jwt"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["uid"], 1);
    let r = client
        .get(format!("{base}/auth_jwt_demo/keycloak/whoami"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // `/keycloak/admin` requires role `api-admin` at `realm_access.roles`.
    let r = client
        .get(format!("{base}/auth_jwt_demo/keycloak/admin"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.headers()["www-authenticate"],
        r#"Bearer realm="demo_keycloak", error="insufficient_scope", scope="api-admin""#
    );
    let mut claims = claims;
    claims["realm_access"] = json!({ "roles": ["offline_access", "api-admin"] });
    let role_token = encode(&header, &claims, &key).unwrap();
    let r = client
        .get(format!("{base}/auth_jwt_demo/keycloak/admin"))
        .bearer_auth(&role_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap(),
        json!({"uid": 1})
    );
}
