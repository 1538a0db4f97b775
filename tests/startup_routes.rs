//! Route configuration mistakes stop the server at startup, all reported together.

use authroute::{App, route};

#[route("/twice", methods = ["GET"], auth = "none")]
async fn first() -> &'static str {
    "first"
}

#[route("/twice", methods = ["POST", "GET"], auth = "none")]
async fn second() -> &'static str {
    "second"
}

#[route("/anonymous", methods = ["GET"], auth = "public")]
async fn anonymous() -> &'static str {
    "anonymous"
}

#[tokio::test]
async fn duplicate_routes_and_missing_public_user() {
    let err = App::builder().build().await.unwrap_err();
    let all = err.to_string();
    let duplicate = err
        .problems()
        .iter()
        .map(ToString::to_string)
        .find(|p| p.starts_with("duplicate route GET `/twice`"))
        .unwrap_or_else(|| panic!("no duplicate problem in:\n{all}"));
    assert!(
        duplicate.contains("startup_routes::first") && duplicate.contains("startup_routes::second"),
        "{duplicate}"
    );
    assert!(all.contains("no public user is configured"), "{all}");
}
