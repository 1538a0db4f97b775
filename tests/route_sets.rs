//! Route sets and application state: two applications with different routes in one process,
//! routes mounted under prefixes, `State<T>` for handlers and custom auth methods, and the
//! startup errors for missing state and bad prefixes.

use std::sync::Arc;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{
    App, AuthError, AuthRequest, Json, Problem, RouteSet, State, Uid, auth_method, route, routes,
};
use serde_json::{Value, json};

#[route("/", methods = ["GET"], auth = "none")]
async fn root() -> &'static str {
    "root"
}

#[route("/me", methods = ["GET"], auth = "none")]
async fn me() -> &'static str {
    "me"
}

#[route("/health", methods = ["GET"], auth = "none")]
async fn health() -> &'static str {
    "ok"
}

/// Shared by handlers and the auth method below.
#[derive(Clone)]
struct Keys {
    valid: Arc<Vec<(&'static str, Uid)>>,
}

#[derive(Clone)]
struct Greeting(&'static str);

#[auth_method]
fn key(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    let keys = req
        .state::<Keys>()
        .ok_or_else(|| AuthError::denied("no keys configured"))?;
    let given = req.header("x-key").unwrap_or_default();
    keys.valid
        .iter()
        .find(|(key, _)| key.as_bytes() == given)
        .map(|(_, uid)| *uid)
        .ok_or_else(|| AuthError::denied("a valid `X-Key` header is required"))
}

#[route("/greet", methods = ["GET"], auth = "key")]
async fn greet(uid: Uid, State(greeting): State<Greeting>) -> Json<Value> {
    Json(json!({ "uid": uid, "greeting": greeting.0 }))
}

fn directory() -> Arc<MemoryDirectory> {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    directory.add_user(NewUser::new("one")).unwrap();
    directory.add_user(NewUser::new("two")).unwrap();
    Arc::new(directory)
}

async fn get(client: &reqwest::Client, url: String) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn two_apps_with_different_routes_in_one_process() {
    let api = App::builder()
        .directory(directory())
        .mount("/api", routes![root, me])
        .build()
        .await
        .expect("starts");
    let ops = App::builder()
        .directory(directory())
        .routes(routes![health])
        .build()
        .await
        .expect("starts");
    let paths: Vec<String> = api.routes().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api", "/api/me"]);

    let api = api.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let ops = ops.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let client = reqwest::Client::new();
    let (a, o) = (api.addr(), ops.addr());
    assert_eq!(
        get(&client, format!("http://{a}/api/me")).await,
        (200, "me".into())
    );
    assert_eq!(
        get(&client, format!("http://{a}/api")).await,
        (200, "root".into())
    );
    assert_eq!(get(&client, format!("http://{a}/me")).await.0, 404);
    assert_eq!(get(&client, format!("http://{a}/health")).await.0, 404);
    assert_eq!(
        get(&client, format!("http://{o}/health")).await,
        (200, "ok".into())
    );
    assert_eq!(get(&client, format!("http://{o}/api/me")).await.0, 404);
    api.shutdown().await;
    ops.shutdown().await;
}

#[tokio::test]
async fn nesting_stacks_prefixes_and_merging_keeps_both() {
    let set = routes![me].nest("/v1").nest("/api").merge(routes![health]);
    assert_eq!(set.len(), 2);
    let app = App::builder()
        .directory(directory())
        .routes(set)
        .build()
        .await
        .expect("starts");
    let found = app.route_for(&http::Method::GET, "/api/v1/me").unwrap();
    assert_eq!(found.handler, "route_sets::me");
    assert!(app.route_for(&http::Method::GET, "/health").is_some());
    assert!(app.route_for(&http::Method::GET, "/me").is_none());
}

#[tokio::test]
async fn the_same_route_twice_at_one_path_is_a_startup_error() {
    let err = App::builder()
        .directory(directory())
        .routes(routes![me])
        .routes(routes![me])
        .build()
        .await
        .unwrap_err();
    assert!(
        err.problems()
            .iter()
            .any(|p| matches!(p, Problem::DuplicateRoute { path, .. } if path == "/me")),
        "{err}"
    );
}

#[tokio::test]
async fn bad_prefixes_are_startup_errors() {
    for prefix in ["api", "/api/", "/{tenant}", "//api"] {
        let err = App::builder()
            .directory(directory())
            .mount(prefix, routes![me])
            .build()
            .await
            .unwrap_err();
        let found = err
            .problems()
            .iter()
            .any(|p| matches!(p, Problem::InvalidPrefix { prefix: shown, .. } if shown == prefix));
        assert!(found, "{prefix}: {err}");
    }
}

#[tokio::test]
async fn state_reaches_handlers_and_auth_methods() {
    let keys = Keys {
        valid: Arc::new(vec![("k-one", Uid(1)), ("k-two", Uid(2))]),
    };
    let app = App::builder()
        .directory(directory())
        .routes(routes![greet])
        .state(keys)
        .state(Greeting("hello"))
        .build()
        .await
        .expect("starts");
    assert_eq!(app.state::<Greeting>().map(|g| g.0), Some("hello"));
    let server = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let url = format!("http://{}/greet", server.addr());
    let client = reqwest::Client::new();
    let ok = client
        .get(&url)
        .header("x-key", "k-two")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<Value>().await.unwrap(),
        json!({ "uid": 2, "greeting": "hello" })
    );
    let refused = client
        .get(&url)
        .header("x-key", "nope")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    server.shutdown().await;
}

#[tokio::test]
async fn a_missing_state_is_a_startup_error_naming_route_and_type() {
    let err = App::builder()
        .directory(directory())
        .routes(routes![greet])
        .state(Keys {
            valid: Arc::new(Vec::new()),
        })
        .build()
        .await
        .unwrap_err();
    let problems = err.problems();
    assert_eq!(problems.len(), 1, "{err}");
    match &problems[0] {
        Problem::MissingState {
            path,
            handler,
            type_name,
        } => {
            assert_eq!(path, "/greet");
            assert_eq!(handler, "route_sets::greet");
            assert!(type_name.ends_with("Greeting"), "{type_name}");
        }
        other => panic!("unexpected problem: {other}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("State<") && message.contains("AppBuilder::state"),
        "{message}"
    );
}

#[test]
fn the_default_set_is_every_route_of_the_binary() {
    assert_eq!(RouteSet::all().len(), 4);
}
