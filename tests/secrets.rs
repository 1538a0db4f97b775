//! Secrets never show (issue 12): not in the `Debug` of the app, its configuration or a
//! validator, and not in the log at trace level, where the bearer and cookie tokens must not
//! show either.

use std::io;
use std::sync::{Arc, Mutex, OnceLock};

use authroute::clock::ManualClock;
use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Json, Uid, route, validator};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

const NOW: i64 = 1_900_000_000;
/// Given with `AppBuilder::var` for the validator's `env("AUTHROUTE_SECRETS_TEST_HMAC")`.
const HMAC_SECRET: &str = "hmac-secret-given-with-var-Zq7xK2pW9mLc4Rt";
/// Given with `AppBuilder::cookie_secret`.
const COOKIE_SECRET: &str = "cookie-secret-given-to-the-builder-Vb3nH8sJ";
/// Written in the `literal` validator's declaration.
const LITERAL_SECRET: &str = "literal-secret-in-the-declaration-Tg5yU1eQ";

validator! {
    name: "hidden",
    issuer: "theissuer",
    audience: ["secrets_api"],
    algorithm: "HS256",
    secret: env("AUTHROUTE_SECRETS_TEST_HMAC"),
    user: static(1),
    cookie: true,
}

validator! {
    name: "literal",
    issuer: "theissuer",
    audience: ["secrets_api"],
    algorithm: "HS256",
    secret: "literal-secret-in-the-declaration-Tg5yU1eQ",
    user: static(1),
}

#[route("/hidden", methods = ["GET"], auth = "jwt_hidden")]
async fn hidden(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

async fn app() -> App {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    directory.add_user(NewUser::new("Someone")).unwrap();
    App::builder()
        .directory(Arc::new(directory))
        .clock(Arc::new(ManualClock::new(NOW)))
        .var("AUTHROUTE_SECRETS_TEST_HMAC", HMAC_SECRET)
        .cookie_secret(COOKIE_SECRET)
        .build()
        .await
        .expect("secrets app starts")
}

/// Every form in which a secret could leak: its text, half of it, its base64 (standard and
/// URL-safe), and the `Debug` of its bytes.
fn forms(secret: &str) -> Vec<String> {
    vec![
        secret.to_string(),
        secret[..secret.len() / 2].to_string(),
        STANDARD.encode(secret),
        URL_SAFE_NO_PAD.encode(secret),
        format!("{:?}", secret.as_bytes()),
    ]
}

/// Fails naming the form of `secret` that `output` (whitespace removed, so that `{:#?}` of
/// the bytes is caught too) contains.
fn assert_hidden(what: &str, output: &str, secret: &str) {
    let squeezed: String = output.split_whitespace().collect();
    for form in forms(secret) {
        let form: String = form.split_whitespace().collect();
        assert!(
            !squeezed.contains(&form),
            "{what} shows a secret as `{form}`:\n{output}"
        );
    }
}

const SECRETS: [&str; 3] = [HMAC_SECRET, COOKIE_SECRET, LITERAL_SECRET];

fn assert_debug_hides_secrets(app: &App, extra: &[&str]) {
    let validators = ["hidden", "literal"].map(|name| {
        let validator = app.validator(name).expect("validator is ready");
        (name, validator)
    });
    let mut outputs = vec![
        ("the app's Debug", format!("{app:?}")),
        ("the app's pretty Debug", format!("{app:#?}")),
        ("the config's Debug", format!("{:#?}", app.config())),
    ];
    for (name, validator) in validators {
        outputs.push((name, format!("{validator:?}")));
        outputs.push((name, format!("{validator:#?}")));
    }
    for (what, output) in &outputs {
        for secret in SECRETS.iter().chain(extra) {
            assert_hidden(what, output, secret);
        }
    }
}

#[tokio::test]
async fn debug_output_shows_no_secret() {
    let app = app().await;
    assert_debug_hides_secrets(&app, &[]);
    // The redaction keeps what is not secret.
    let config = format!("{:?}", app.config());
    assert!(config.contains("AUTHROUTE_SECRETS_TEST_HMAC"), "{config}");
    // The validator's Debug shows its declaration, with the secret's variable named.
    let def = format!("{:?}", app.validator("hidden").unwrap());
    assert!(def.contains("AUTHROUTE_SECRETS_TEST_HMAC"), "{def}");
    assert!(def.contains("theissuer"), "{def}");
}

/// The log of this test binary, at trace level for every target (`RUST_LOG=trace`), including
/// `log` records of dependencies. Installed once: the subscriber is global.
fn log() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let writer = log.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Writer(writer.clone()))
            .try_init()
            .expect("the only subscriber of this test binary");
        log
    })
}

struct Writer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Writer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn token(secret: &str) -> String {
    let claims = json!({"iss": "theissuer", "aud": "secrets_api", "exp": NOW + 600});
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn trace_log_shows_no_secret_nor_token() {
    let log = log();
    let app = app().await;
    let handle = app
        .clone()
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("http://{}/hidden", handle.addr());
    let client = reqwest::Client::new();

    let good = token(HMAC_SECRET);
    let accepted = client.get(&url).bearer_auth(&good).send().await.unwrap();
    assert_eq!(accepted.status(), 200);
    let set_cookie = accepted
        .headers()
        .get("set-cookie")
        .expect("cookie mode sets a cookie")
        .to_str()
        .unwrap()
        .to_string();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let cookie_token = cookie.split_once('=').unwrap().1.to_string();

    let bad = token("a-different-secret-nobody-configured-Hk4wE");
    let refused = client.get(&url).bearer_auth(&bad).send().await.unwrap();
    assert_eq!(refused.status(), 401);

    let by_cookie = client
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), 200);
    handle.shutdown().await;

    let tokens = [good.as_str(), bad.as_str(), cookie_token.as_str()];
    // The validator remembers the accepted token: its Debug must not show it either.
    assert_debug_hides_secrets(&app, &tokens);

    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("/hidden"),
        "the request log is captured:\n{log}"
    );
    assert!(
        log.contains("token refused"),
        "the refusal is logged:\n{log}"
    );
    for secret in SECRETS.iter().chain(&tokens) {
        assert_hidden("the trace log", &log, secret);
    }
}
