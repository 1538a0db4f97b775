//! The demo's `/metrics`: OpenTelemetry's HTTP names rendered for Prometheus, the route template
//! as `http_route`, auth decisions by outcome and reason, and no token or raw value in any label.

#[path = "../examples/demo/app.rs"]
#[allow(dead_code)]
mod app;

use authroute::testing::{TestClient, mint};
use serde_json::json;

/// The first line of `text` for metric `name` that has all of `labels`.
fn line<'a>(text: &'a str, name: &str, labels: &[&str]) -> Option<&'a str> {
    text.lines().find(|line| {
        line.starts_with(name)
            && line[name.len()..].starts_with('{')
            && labels.iter().all(|label| line.contains(label))
    })
}

#[tokio::test]
async fn requests_and_auth_decisions_are_counted_with_bounded_labels() {
    let dir = tempfile::tempdir().unwrap();
    let config = app::DemoConfig::with_db(dir.path().join("demo.sqlite3"));
    let app = app::build(&config).await.expect("demo starts");
    let client = TestClient::new(&app);
    let token = mint(&app, "demo", json!({ "scope": "read" })).unwrap();
    for _ in 0..3 {
        let ok = client
            .get("/auth_jwt_demo/whoami")
            .bearer(&token)
            .send()
            .await;
        assert_eq!(ok.status(), 200);
    }
    let refused = client
        .get("/auth_jwt_demo/whoami")
        .bearer("secret-looking-garbage")
        .send()
        .await;
    assert_eq!(refused.status(), 401);
    let forbidden = client
        .get("/auth_jwt_demo/scoped/write")
        .bearer(&token)
        .send()
        .await;
    assert_eq!(forbidden.status(), 403);

    let answer = client.get("/metrics").send().await;
    assert_eq!(answer.status(), 200);
    let text = answer.text();
    let ok = line(
        &text,
        "http_server_request_duration_seconds_count",
        &[
            r#"http_request_method="GET""#,
            r#"http_route="/auth_jwt_demo/whoami""#,
            r#"http_response_status_code="200""#,
        ],
    )
    .unwrap_or_else(|| panic!("no duration histogram for the route in:\n{text}"));
    let count: f64 = ok.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 3.0, "{ok}");
    assert!(
        line(
            &text,
            "http_server_request_duration_seconds_bucket",
            &[r#"le="0.005""#]
        )
        .is_some(),
        "the duration is a histogram with OpenTelemetry's buckets:\n{text}"
    );
    for (outcome, reason, route_validator) in [
        ("accepted", "ok", "demo"),
        ("refused", "invalid_token", "demo"),
        ("refused", "insufficient_scope", "demo"),
    ] {
        let labels = [
            r#"method="jwt_demo""#.to_string(),
            format!(r#"validator="{route_validator}""#),
            format!(r#"outcome="{outcome}""#),
            format!(r#"reason="{reason}""#),
        ];
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        assert!(
            line(&text, "authroute_auth_decisions_total", &labels).is_some(),
            "no {outcome}/{reason} decision in:\n{text}"
        );
    }
    assert!(text.contains("http_server_active_requests"), "{text}");
    assert!(!text.contains(&token) && !text.contains("secret-looking-garbage"));
    assert!(!text.contains("enduser") && !text.contains("uid"), "{text}");
}
