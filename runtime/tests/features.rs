//! What an application gets from each set of Cargo features, over real HTTP. CI runs this file
//! with the default features and with `--no-default-features`: the light build serves HMAC
//! validators from in-memory stores, refuses at startup a validator that needs JWKS (naming the
//! validator and the feature), and has no logins.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Uid, route, routes, validator};
use jsonwebtoken::{EncodingKey, Header, encode};

const SECRET: &str = "a-secret-that-is-long-enough-for-hs256!!";

validator! { name: "hmac", issuer: "i", audience: ["api"], algorithm: "HS256", secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(2) }
validator! { name: "idp", issuer: "https://idp.invalid", audience: ["api"], algorithm: "RS256", jwks_uri: "https://idp.invalid/certs", user: static(2) }

#[route("/hmac", methods = ["GET"], auth = "jwt_hmac")]
async fn hmac(uid: Uid) -> String {
    uid.to_string()
}

#[route("/login", methods = ["POST"], auth = "none")]
async fn login(control: authroute::SessionControl) -> Result<String, authroute::HttpError> {
    control
        .authenticate("demo", "pw")
        .await
        .map(|uid| uid.to_string())
}

#[route("/idp", methods = ["GET"], auth = "jwt_idp")]
async fn idp(uid: Uid) -> String {
    uid.to_string()
}

/// The public user (1) and the validators' user (2), neither with a password: this works with
/// and without the `password` feature.
fn directory() -> MemoryDirectory {
    let directory = MemoryDirectory::new(PasswordHasher::default());
    let public = directory.add_user(NewUser::new("Public user")).unwrap();
    let demo = directory
        .add_user(NewUser::new("Marc Demo").login("demo"))
        .unwrap();
    assert_eq!((public, demo), (Uid(1), Uid(2)));
    directory
}

/// `GET path` over a fresh connection: the status and the body.
async fn get(addr: SocketAddr, path: &str, bearer: Option<&str>) -> (u16, String) {
    let auth = bearer.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    send(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n"),
    )
    .await
}

/// One request, written as is, over a fresh connection: the status and the body.
async fn send(addr: SocketAddr, request: String) -> (u16, String) {
    let reply = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply
    })
    .await
    .unwrap();
    let status = reply[9..12].parse().unwrap();
    let body = reply.split_once("\r\n\r\n").unwrap().1.to_string();
    (status, body)
}

#[tokio::test]
async fn hmac_validators_and_memory_stores() {
    let app = App::builder()
        .directory(Arc::new(directory()))
        .public_uid(Uid(1))
        .routes(routes![hmac])
        .build()
        .await
        .unwrap();
    let server = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let claims = serde_json::json!({"iss": "i", "aud": "api", "exp": 4_000_000_000_i64});
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    let token = encode(&Header::default(), &claims, &key).unwrap();
    assert_eq!(
        get(server.addr(), "/hmac", Some(&token)).await,
        (200, "2".to_string())
    );
    assert_eq!(get(server.addr(), "/hmac", None).await.0, 401);
    server.shutdown().await;
}

#[cfg(not(feature = "jwks"))]
#[tokio::test]
async fn a_jwks_validator_without_the_feature_is_a_startup_error() {
    let err = App::builder()
        .directory(Arc::new(directory()))
        .public_uid(Uid(1))
        .routes(routes![idp])
        .build()
        .await
        .unwrap_err();
    // Then the route that uses it, which cannot be served.
    let Some(authroute::Problem::Validator { validator, message }) = err.problems().first() else {
        panic!("expected a validator problem first: {err}");
    };
    assert_eq!(*validator, "idp");
    assert!(message.contains("`jwks_uri`"), "{message}");
    assert!(message.contains("`jwks` feature"), "{message}");
}

#[cfg(feature = "jwks")]
#[tokio::test]
async fn a_jwks_validator_starts_before_its_keys_are_fetched() {
    let app = App::builder()
        .directory(Arc::new(directory()))
        .public_uid(Uid(1))
        .routes(routes![idp])
        .build()
        .await;
    assert!(app.is_ok(), "{:?}", app.err());
}

#[cfg(not(feature = "password"))]
#[tokio::test]
async fn logins_fail_without_the_password_feature() {
    use authroute::directory::DirectoryError;
    let directory = directory();
    let with_password = directory.add_user(NewUser::new("Admin").login("admin").password("pw"));
    assert!(matches!(
        with_password,
        Err(DirectoryError::PasswordFeatureDisabled)
    ));
    let app = App::builder()
        .directory(Arc::new(directory))
        .public_uid(Uid(1))
        .routes(routes![login])
        .build()
        .await
        .unwrap();
    let err = app
        .directory()
        .authenticate("demo", "pw")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`password` feature"), "{err}");
    // Over HTTP, a login route sees a failed directory: 503, and the error in the log.
    let server = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let request =
        "POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let (status, reply) = send(server.addr(), request.to_string()).await;
    assert_eq!(status, 503, "{reply}");
    server.shutdown().await;
}
