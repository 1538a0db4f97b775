//! Declarations shared across crates (issue 12, "Shareable declarations"): this test crate is
//! the application, `shared_auth` (examples/shared-auth) the library that declares a validator,
//! an auth method and a re-exported validator, imported here with `use` like any other item.

use std::sync::Arc;

use authroute::clock::ManualClock;
use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Json, Problem, Uid, ValidatorName, route, routes};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use shared_auth::{API_KEY, auth_api_key, jwt_corp, jwt_partners};

const NOW: i64 = 1_900_000_000;
/// Given with `AppBuilder::var` for `shared_auth`'s `env("CORP_JWT_SECRET")`.
const CORP_SECRET: &str = "the-corp-secret-given-by-the-app-Kd8sLq2";
/// For the validator `shared_auth` declares in a private module and re-exports.
const PARTNERS_SECRET: &str = "the-partners-secret-given-by-the-app-Wm4";

#[route("/corp", methods = ["GET"], auth = "jwt_corp")]
async fn corp(uid: Uid, validator: ValidatorName) -> Json<Value> {
    Json(json!({ "uid": uid, "validator": validator.0 }))
}

#[route("/partners", methods = ["GET"], auth = "jwt_partners")]
async fn partners(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/robot", methods = ["GET"], auth = "api_key")]
async fn robot(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

/// Users 1 to 7, so that `static(2)`, `static(3)` and the API key's uid 7 exist.
fn directory() -> Arc<MemoryDirectory> {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    for n in 1..=7 {
        directory
            .add_user(NewUser::new(format!("User {n}")))
            .expect("seed user");
    }
    Arc::new(directory)
}

fn builder() -> authroute::AppBuilder {
    App::builder()
        .directory(directory())
        .clock(Arc::new(ManualClock::new(NOW)))
}

struct Server {
    base: String,
    client: reqwest::Client,
    _handle: authroute::ServerHandle,
}

async fn serve(app: App) -> Server {
    let handle = app
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind");
    Server {
        base: format!("http://{}", handle.addr()),
        client: reqwest::Client::new(),
        _handle: handle,
    }
}

struct Reply {
    status: u16,
    challenge: Vec<String>,
    body: Value,
}

impl Server {
    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.client.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            challenge,
            body,
        }
    }

    async fn bearer(&self, path: &str, token: &str) -> Reply {
        self.get(path, &[("authorization", &format!("Bearer {token}"))])
            .await
    }
}

fn token(secret: &str, iss: &str) -> String {
    let claims = json!({"iss": iss, "aud": "corp-services", "exp": NOW + 600, "sub": "s"});
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn corp_token(secret: &str) -> String {
    token(secret, "https://sso.corp.example")
}

fn partners_token(secret: &str) -> String {
    token(secret, "https://partners.corp.example")
}

/// The default route set serves every route of the binary and readies every validator in it,
/// the other crate's included, so each gets its variable.
async fn full_app() -> Server {
    let app = builder()
        .var("CORP_JWT_SECRET", CORP_SECRET)
        .var("PARTNERS_JWT_SECRET", PARTNERS_SECRET)
        .build()
        .await
        .expect("app with the shared declarations starts");
    serve(app).await
}

#[tokio::test]
async fn imported_validator_accepts_tokens_signed_with_the_apps_secret() {
    let s = full_app().await;
    let reply = s.bearer("/corp", &corp_token(CORP_SECRET)).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body, json!({"uid": 2, "validator": "corp"}));
}

#[tokio::test]
async fn imported_validator_refuses_other_tokens_under_its_realm() {
    let s = full_app().await;
    let missing = s.get("/corp", &[]).await;
    assert_eq!(missing.status, 401);
    assert_eq!(missing.challenge, [r#"Bearer realm="corp""#]);
    for (what, token) in [
        (
            "another secret",
            corp_token("a-secret-the-app-never-gave-to-corp!!"),
        ),
        ("the partners secret", corp_token(PARTNERS_SECRET)),
        ("the partners issuer", partners_token(CORP_SECRET)),
    ] {
        let reply = s.bearer("/corp", &token).await;
        assert_eq!(reply.status, 401, "{what}: {:?}", reply.body);
        assert_eq!(
            reply.challenge,
            [r#"Bearer realm="corp", error="invalid_token""#],
            "{what}"
        );
        assert_eq!(reply.body["error"], "invalid_token", "{what}");
    }
}

#[tokio::test]
async fn re_exported_validator_from_a_private_module_works() {
    let s = full_app().await;
    let reply = s
        .bearer("/partners", &partners_token(PARTNERS_SECRET))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body, json!({"uid": 3}));
    let reply = s.bearer("/partners", &corp_token(CORP_SECRET)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.challenge,
        [r#"Bearer realm="partners", error="invalid_token""#]
    );
}

#[tokio::test]
async fn imported_auth_method_checks_the_api_key() {
    let s = full_app().await;
    let reply = s.get("/robot", &[("x-api-key", API_KEY)]).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body, json!({"uid": 7}));
    for headers in [&[][..], &[("x-api-key", "not-the-key")][..]] {
        let reply = s.get("/robot", headers).await;
        assert_eq!(reply.status, 401, "{headers:?}");
        assert_eq!(
            reply.challenge,
            [r#"Bearer realm="authroute""#],
            "{headers:?}"
        );
        assert_eq!(reply.body["error"], "unauthorized", "{headers:?}");
    }
    // The method's routes do not take a bearer token instead.
    let reply = s.bearer("/robot", &corp_token(CORP_SECRET)).await;
    assert_eq!(reply.status, 401);
}

/// The other crate's validators are in the registry: without its variable, the default route
/// set does not start, and the problem names the validator and the variable.
#[tokio::test]
async fn the_default_route_set_needs_the_other_crates_variables() {
    let err = builder()
        .var("CORP_JWT_SECRET", CORP_SECRET)
        .build()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        err.problems().iter().any(|p| matches!(
            p,
            Problem::Validator { validator, message }
                if validator == "partners" && message.contains("PARTNERS_JWT_SECRET")
        )),
        "{text}"
    );
}

/// An explicit route set readies only the validators its routes use, so an application that
/// serves the corp route needs only the corp secret.
#[tokio::test]
async fn an_explicit_route_set_needs_only_its_validators() {
    let app = builder()
        .var("CORP_JWT_SECRET", CORP_SECRET)
        .routes(routes![corp, robot])
        .build()
        .await
        .expect("starts without the partners secret");
    assert!(app.validator("corp").is_some());
    assert!(app.validator("partners").is_none());
    let s = serve(app).await;
    let reply = s.bearer("/corp", &corp_token(CORP_SECRET)).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["uid"], 2);
    assert_eq!(s.get("/robot", &[("x-api-key", API_KEY)]).await.status, 200);
    assert_eq!(s.bearer("/partners", "x").await.status, 404);
}
