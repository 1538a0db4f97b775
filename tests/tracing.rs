//! The request span and the access log: the span carries the route template, the auth method's
//! decision and the uid, never the token or the raw path; the access log has its own target.

#[path = "../examples/demo/app.rs"]
#[allow(dead_code)]
mod app;

use std::io::Write;
use std::sync::{Arc, Mutex};

use authroute::testing::{TestClient, mint};
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Everything the subscriber writes, kept for the assertions.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

async fn traced(filter: &str, run: impl AsyncFnOnce(&authroute::App, &TestClient)) -> String {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let dir = tempfile::tempdir().unwrap();
    let config = app::DemoConfig::with_db(dir.path().join("demo.sqlite3"));
    let app = app::build(&config).await.expect("demo starts");
    run(&app, &TestClient::new(&app)).await;
    captured.text()
}

#[tokio::test]
async fn the_request_span_names_the_route_the_decision_and_the_uid_never_the_token() {
    let mut token = String::new();
    let text = traced("authroute::request=info", async |app, client| {
        token = mint(app, "demo", json!({})).unwrap();
        let ok = client
            .get("/auth_jwt_demo/whoami")
            .bearer(&token)
            .send()
            .await;
        assert_eq!(ok.status(), 200);
    })
    .await;
    let line = text
        .lines()
        .find(|line| line.contains("otel.name=GET /auth_jwt_demo/whoami"))
        .unwrap_or_else(|| panic!("no span for the route in:\n{text}"));
    for field in [
        "otel.kind=\"server\"",
        "http.request.method=GET",
        "http.route=\"/auth_jwt_demo/whoami\"",
        "http.response.status_code=200",
        "authroute.auth=\"jwt_demo\"",
        "authroute.outcome=\"accepted\"",
        "enduser.id=2",
    ] {
        assert!(line.contains(field), "`{field}` missing in {line}");
    }
    assert!(
        !text.contains(&token),
        "the token reached the trace:\n{text}"
    );
    assert!(
        !text.contains("authroute::access"),
        "the access log is a separate target"
    );
}

#[tokio::test]
async fn a_refusal_is_recorded_and_the_access_log_has_its_own_target() {
    let text = traced("authroute::access=info", async |_, client| {
        let refused = client
            .get("/auth_jwt_demo/whoami")
            .bearer("not-a-token")
            .send()
            .await;
        assert_eq!(refused.status(), 401);
    })
    .await;
    let line = text
        .lines()
        .find(|line| line.contains("authroute::access"))
        .unwrap_or_else(|| panic!("no access line in:\n{text}"));
    for field in [
        "method=GET",
        "path=/auth_jwt_demo/whoami",
        "auth=\"jwt_demo\"",
        "status=401",
    ] {
        assert!(line.contains(field), "`{field}` missing in {line}");
    }
    assert!(
        !text.contains("not-a-token"),
        "the token reached the log:\n{text}"
    );
    assert!(
        !text.contains("otel.name"),
        "spans are on their own target:\n{text}"
    );
}

#[tokio::test]
async fn a_refused_request_span_says_refused_and_has_no_uid() {
    let text = traced("authroute::request=info", async |_, client| {
        let refused = client.get("/auth_jwt_demo/whoami").send().await;
        assert_eq!(refused.status(), 401);
    })
    .await;
    let line = text
        .lines()
        .find(|line| line.contains("otel.name=GET /auth_jwt_demo/whoami"))
        .unwrap_or_else(|| panic!("no span for the route in:\n{text}"));
    assert!(line.contains("authroute.outcome=\"refused\""), "{line}");
    assert!(line.contains("http.response.status_code=401"), "{line}");
    assert!(!line.contains("enduser.id"), "{line}");
}
