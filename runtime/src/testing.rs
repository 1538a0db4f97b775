//! Helpers for application tests (feature `testing`): mint tokens that a declared validator
//! accepts, and send requests to the application in process with [`TestClient`], so a route
//! test is a few lines.
//!
//! ```standalone_crate
//! use authroute::testing::{TestClient, mint};
//! use authroute::{Json, Uid, route, validator};
//!
//! validator! {
//!     name: "demo", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
//!     secret: "a-test-secret-that-is-long-enough-0123", user: static(1),
//! }
//!
//! #[route("/me", methods = ["GET"], auth = "jwt_demo")]
//! async fn me(uid: Uid) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({ "uid": uid }))
//! }
//!
//! #[route("/profile", methods = ["GET"], auth = "user")]
//! async fn profile(uid: Uid) -> String { uid.to_string() }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
//! let directory = MemoryDirectory::new(PasswordHasher::default());
//! directory.add_user(NewUser::new("Test user"))?;
//! let app = authroute::App::builder().directory(std::sync::Arc::new(directory)).build().await?;
//! let client = TestClient::new(&app);
//!
//! let token = mint(&app, "demo", serde_json::json!({}))?;
//! let response = client.get("/me").bearer(&token).send().await;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.json::<serde_json::Value>()?, serde_json::json!({ "uid": 1 }));
//!
//! assert_eq!(client.get("/profile").send().await.status(), 401);
//! client.login_as(Uid(1)).await?;
//! assert_eq!(client.get("/profile").send().await.text(), "1");
//! # Ok(()) }
//! # fn main() { tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap(); }
//! ```

use std::sync::Mutex;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Map, Value};

use crate::app::App;
use crate::identity::Uid;
use crate::session::{SESSION_COOKIE, SessionError};

/// Why a token could not be minted.
#[derive(Debug, thiserror::Error)]
pub enum MintError {
    /// No validator with this name.
    #[error("no validator named `{0}`")]
    UnknownValidator(String),
    /// Only HS* validators hold their signing secret; sign with your own private key otherwise.
    #[error(
        "validator `{0}` verifies with a public key; sign tokens with the matching private key"
    )]
    NotHmac(String),
    /// Signing failed.
    #[error("signing failed: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
}

/// The claims a validator requires, valid for an hour from the app's clock: `iss`, `aud` (the
/// validator's first audience) and `exp`.
pub fn default_claims(app: &App, validator: &str) -> Result<Map<String, Value>, MintError> {
    let v = app
        .validator(validator)
        .ok_or_else(|| MintError::UnknownValidator(validator.to_string()))?;
    let mut claims = Map::new();
    claims.insert("iss".into(), Value::from(v.policy.issuer.clone()));
    let aud = v.policy.audience.first().cloned().unwrap_or_default();
    claims.insert("aud".into(), Value::from(aud));
    claims.insert("exp".into(), Value::from(app.now() + 3600));
    Ok(claims)
}

/// A token for an HS* validator: [`default_claims`] overridden by `extra` (an object; `null`
/// members remove a default claim).
pub fn mint(app: &App, validator: &str, extra: Value) -> Result<String, MintError> {
    let mut claims = default_claims(app, validator)?;
    if let Value::Object(extra) = extra {
        for (key, value) in extra {
            if value.is_null() {
                claims.remove(&key);
            } else {
                claims.insert(key, value);
            }
        }
    }
    let v = app
        .validator(validator)
        .ok_or_else(|| MintError::UnknownValidator(validator.to_string()))?;
    let secret = v
        .secret
        .as_ref()
        .map(|secret| secret.expose().as_slice())
        .ok_or_else(|| MintError::NotHmac(validator.to_string()))?;
    let header = Header::new(v.policy.algorithm);
    Ok(jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_secret(secret),
    )?)
}

/// Sends requests to an [`App`] in process (no socket), through the whole pipeline, and keeps
/// the cookies the application sets, as a browser would.
#[derive(Debug)]
pub struct TestClient {
    app: App,
    cookies: Mutex<Vec<(String, String)>>,
}

impl TestClient {
    /// A client of `app`, with no cookies.
    pub fn new(app: &App) -> Self {
        TestClient {
            app: app.clone(),
            cookies: Mutex::new(Vec::new()),
        }
    }

    /// A `GET` request to `path` (with its query string, if any).
    pub fn get(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::GET, path)
    }

    /// A `POST` request.
    pub fn post(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::POST, path)
    }

    /// A `PUT` request.
    pub fn put(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::PUT, path)
    }

    /// A `DELETE` request.
    pub fn delete(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::DELETE, path)
    }

    /// A request with any method.
    pub fn request(&self, method: Method, path: &str) -> TestRequest<'_> {
        TestRequest {
            client: self,
            method,
            path: path.to_string(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// Logs `uid` in: a real session in the application's store, whose cookie the following
    /// requests carry (for `user` and `public` routes).
    pub async fn login_as(&self, uid: Uid) -> Result<(), SessionError> {
        let ttl = self.app.config().session_ttl_secs();
        let session = self.app.sessions().create(uid, self.app.now(), ttl).await?;
        self.set_cookie(SESSION_COOKIE, &session.id);
        Ok(())
    }

    /// Forgets every cookie.
    pub fn clear_cookies(&self) {
        self.jar().clear();
    }

    fn jar(&self) -> std::sync::MutexGuard<'_, Vec<(String, String)>> {
        self.cookies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn set_cookie(&self, name: &str, value: &str) {
        let mut jar = self.jar();
        jar.retain(|(existing, _)| existing != name);
        if !value.is_empty() {
            jar.push((name.to_string(), value.to_string()));
        }
    }
}

/// A request being built by a [`TestClient`].
#[derive(Debug)]
pub struct TestRequest<'c> {
    client: &'c TestClient,
    method: Method,
    path: String,
    headers: HeaderMap,
    cookies: Vec<(String, String)>,
    body: Bytes,
}

impl TestRequest<'_> {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    /// A header; a name or value that HTTP does not allow panics, as a test should.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a valid header name");
        let value = HeaderValue::from_str(value).expect("a valid header value");
        self.headers.append(name, value);
        self
    }

    /// A cookie for this request only, besides the client's own.
    pub fn cookie(mut self, name: &str, value: &str) -> Self {
        self.cookies.push((name.to_string(), value.to_string()));
        self
    }

    /// A JSON body, with `Content-Type: application/json`.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.body = serde_json::to_vec(body)
            .expect("the body serialises")
            .into();
        self.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        self
    }

    /// A raw body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends the request through the application and reads the whole answer.
    pub async fn send(self) -> TestResponse {
        let client = self.client;
        let mut cookies: Vec<String> = client
            .jar()
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        cookies.extend(self.cookies.iter().map(|(n, v)| format!("{n}={v}")));
        let mut request = Request::new(Full::new(self.body));
        *request.method_mut() = self.method;
        *request.uri_mut() = self.path.parse().expect("a valid request path");
        *request.headers_mut() = self.headers;
        if !cookies.is_empty() {
            let value = HeaderValue::from_str(&cookies.join("; ")).expect("valid cookies");
            request.headers_mut().insert(header::COOKIE, value);
        }
        let response = client.app.handle(request).await;
        let (parts, body) = response.into_parts();
        for set in parts.headers.get_all(header::SET_COOKIE) {
            if let Some(cookie) = set
                .to_str()
                .ok()
                .and_then(|text| cookie::Cookie::parse(text.to_string()).ok())
            {
                let expired = cookie.max_age().is_some_and(|age| age.is_zero());
                let value = if expired { "" } else { cookie.value() };
                client.set_cookie(cookie.name(), value);
            }
        }
        let body = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(never) => match never {},
        };
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }
}

/// What the application answered.
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl TestResponse {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header's value as text, when present and readable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body's bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, deserialised into `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}
