//! Groups for session users: `user` and `public` routes requiring groups (all of them, or any
//! of them), over the memory and SQLite directories, in process and over real HTTP. In the
//! group: 200; outside: 403 with a JSON (or JSON-RPC) error and the handler not run; the
//! anonymous public user: 403; no session on a `user` route: still 401; a failing directory:
//! 503.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use authroute::directory::{
    BoxFuture, Directory, DirectoryError, MemoryDirectory, NewUser, PasswordHasher, SqliteDirectory,
};
use authroute::testing::{TestClient, TestResponse};
use authroute::{App, Caller, Json, Partner, PartnerId, Uid, User, route};
use serde_json::{Value, json};

authroute::groups!("admin", "billing", "read-only");

/// Runs of `/never`, which only refused callers request.
static NEVER_RUNS: AtomicUsize = AtomicUsize::new(0);

#[route("/web/admin/ping", type = "json", auth = "user", groups = ["admin"])]
async fn admin_ping(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/admin", methods = ["GET"], auth = "user", groups = ["admin"])]
async fn admin_page(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/admin_and_billing", methods = ["GET"], auth = "user", groups = ["admin", "billing"])]
async fn admin_and_billing(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/reports", methods = ["GET"], auth = "user", any_groups = ["billing", "read-only"])]
async fn reports(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route(
    "/admin_reports",
    methods = ["GET"],
    auth = "user",
    groups = ["admin"],
    any_groups = ["billing", "read-only"]
)]
async fn admin_reports(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/public/admin", methods = ["GET"], auth = "public", groups = ["admin"])]
async fn public_admin(caller: Caller) -> Json<Value> {
    Json(json!({ "uid": caller.uid }))
}

#[route("/never", methods = ["GET"], auth = "user", groups = ["admin"])]
async fn never() -> &'static str {
    NEVER_RUNS.fetch_add(1, Ordering::SeqCst);
    "ran"
}

#[route("/open", methods = ["GET"], auth = "user")]
async fn open(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

const ADMIN: Uid = Uid(1);
const DEMO: Uid = Uid(2);
const PUBLIC: Uid = Uid(3);
/// In `billing` only.
const BILLING: Uid = Uid(4);
/// In `admin` and `read-only`.
const ADMIN_READER: Uid = Uid(5);

fn users() -> [NewUser; 5] {
    [
        NewUser::new("Administrator").group("admin"),
        NewUser::new("Marc Demo"),
        NewUser::new("Public user"),
        NewUser::new("Accountant").group("billing"),
        NewUser::new("Auditor").groups(["admin", "read-only"]),
    ]
}

fn memory_directory() -> MemoryDirectory {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    for user in users() {
        directory.add_user(user).unwrap();
    }
    directory
}

async fn sqlite_directory(dir: &tempfile::TempDir) -> SqliteDirectory {
    let path = dir.path().join("groups.sqlite3");
    let directory = SqliteDirectory::open(&path, PasswordHasher::fast_for_tests())
        .await
        .unwrap();
    for user in users() {
        directory.add_user(user).await.unwrap();
    }
    directory
}

async fn app(directory: Arc<dyn Directory>) -> App {
    App::builder()
        .directory(directory)
        .public_uid(PUBLIC)
        .build()
        .await
        .expect("starts")
}

async fn as_user(app: &App, uid: Option<Uid>) -> TestClient {
    let client = TestClient::new(app);
    if let Some(uid) = uid {
        client.login_as(uid).await.unwrap();
    }
    client
}

async fn get(app: &App, uid: Option<Uid>, path: &str) -> TestResponse {
    as_user(app, uid).await.get(path).send().await
}

async fn ping(app: &App, uid: Option<Uid>) -> TestResponse {
    as_user(app, uid)
        .await
        .post("/web/admin/ping")
        .json(&json!({ "jsonrpc": "2.0", "id": 7, "params": {} }))
        .send()
        .await
}

fn assert_forbidden_json(response: &TestResponse) {
    assert_eq!(response.status(), 403, "{}", response.text());
    assert_eq!(response.header("www-authenticate"), None);
    let body: Value = response.json().unwrap();
    assert_eq!(body["error"], "forbidden", "{body}");
    let description = body["error_description"].as_str().unwrap();
    assert!(description.contains("admin"), "{description}");
}

fn assert_forbidden_rpc(response: &TestResponse) {
    assert_eq!(response.status(), 403, "{}", response.text());
    let body: Value = response.json().unwrap();
    assert_eq!(body["jsonrpc"], "2.0", "{body}");
    assert!(body.get("result").is_none(), "{body}");
    assert_eq!(body["error"]["data"]["error"], "forbidden", "{body}");
}

/// The whole contract against one directory.
async fn contract(app: &App) {
    // In the group: the handler runs.
    let response = ping(app, Some(ADMIN)).await;
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(response.json::<Value>().unwrap()["result"]["uid"], 1);
    let response = get(app, Some(ADMIN), "/admin").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().unwrap()["uid"], 1);

    // Outside it: 403, JSON-RPC on the json route, JSON elsewhere.
    assert_forbidden_rpc(&ping(app, Some(DEMO)).await);
    assert_forbidden_json(&get(app, Some(DEMO), "/admin").await);
    assert_forbidden_json(&get(app, Some(BILLING), "/admin").await);

    // No session on a `user` route: 401 first, as on any `user` route.
    assert_eq!(ping(app, None).await.status(), 401);
    assert_eq!(get(app, None, "/admin").await.status(), 401);

    // `public`: the anonymous public user holds no groups; a session user in the group passes.
    assert_forbidden_json(&get(app, None, "/public/admin").await);
    assert_forbidden_json(&get(app, Some(DEMO), "/public/admin").await);
    let response = get(app, Some(ADMIN), "/public/admin").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().unwrap()["uid"], 1);

    // All of `groups`, one of `any_groups`.
    assert_eq!(
        get(app, Some(ADMIN), "/admin_and_billing").await.status(),
        403
    );
    assert_eq!(
        get(app, Some(BILLING), "/admin_and_billing").await.status(),
        403
    );
    assert_eq!(get(app, Some(BILLING), "/reports").await.status(), 200);
    assert_eq!(get(app, Some(ADMIN_READER), "/reports").await.status(), 200);
    assert_eq!(get(app, Some(ADMIN), "/reports").await.status(), 403);
    assert_eq!(
        get(app, Some(ADMIN_READER), "/admin_reports")
            .await
            .status(),
        200
    );
    assert_eq!(get(app, Some(ADMIN), "/admin_reports").await.status(), 403);
    assert_eq!(
        get(app, Some(BILLING), "/admin_reports").await.status(),
        403
    );

    // A route without groups is unchanged.
    assert_eq!(get(app, Some(DEMO), "/open").await.status(), 200);
}

#[tokio::test]
async fn memory_directory_groups_decide() {
    let app = app(Arc::new(memory_directory())).await;
    contract(&app).await;
}

#[tokio::test]
async fn sqlite_directory_groups_decide() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(Arc::new(sqlite_directory(&dir).await)).await;
    contract(&app).await;
}

#[tokio::test]
async fn the_route_list_shows_required_groups() {
    let app = app(Arc::new(memory_directory())).await;
    let routes = app.routes();
    let find = |path: &str| routes.iter().find(|r| r.path == path).unwrap();
    let both = find("/admin_reports");
    assert_eq!(both.groups, ["admin"]);
    assert_eq!(both.any_groups, ["billing", "read-only"]);
    assert!(both.grants.is_empty());
    assert!(find("/open").groups.is_empty());
}

#[tokio::test]
async fn joining_a_group_takes_effect_on_the_next_request() {
    let directory = Arc::new(memory_directory());
    let app = app(directory.clone()).await;
    let client = as_user(&app, Some(DEMO)).await;
    assert_eq!(client.get("/admin").send().await.status(), 403);
    directory.add_to_group(DEMO, "admin").unwrap();
    assert_eq!(client.get("/admin").send().await.status(), 200);
}

#[tokio::test]
async fn refused_requests_never_reach_the_handler() {
    let app = app(Arc::new(memory_directory())).await;
    for uid in [None, Some(DEMO), Some(BILLING)] {
        let response = get(&app, uid, "/never").await;
        assert!(matches!(response.status().as_u16(), 401 | 403), "{uid:?}");
    }
    assert_eq!(NEVER_RUNS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn over_real_http() {
    let app = app(Arc::new(memory_directory())).await;
    let ttl = 3600;
    let admin = app.sessions().create(ADMIN, app.now(), ttl).await.unwrap();
    let demo = app.sessions().create(DEMO, app.now(), ttl).await.unwrap();
    let server = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let url = format!("http://{}/web/admin/ping", server.addr());
    let client = reqwest::Client::new();
    let call = |session: Option<String>| {
        let mut request = client
            .post(&url)
            .json(&json!({ "jsonrpc": "2.0", "id": 1, "params": {} }));
        if let Some(id) = session {
            request = request.header("cookie", format!("session_id={id}"));
        }
        request.send()
    };

    let ok = call(Some(admin.id.clone())).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.json::<Value>().await.unwrap()["result"]["uid"], 1);

    let refused = call(Some(demo.id.clone())).await.unwrap();
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["id"], Value::Null, "{body}");
    assert_eq!(body["error"]["data"]["error"], "forbidden", "{body}");

    assert_eq!(call(None).await.unwrap().status(), 401);
    server.shutdown().await;
}

/// A memory directory whose group lookups fail.
#[derive(Debug)]
struct GroupsDown(MemoryDirectory);

impl Directory for GroupsDown {
    fn authenticate<'a>(
        &'a self,
        login: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Uid>, DirectoryError>> {
        self.0.authenticate(login, password)
    }

    fn user(&self, uid: Uid) -> BoxFuture<'_, Result<Option<User>, DirectoryError>> {
        self.0.user(uid)
    }

    fn user_by_login<'a>(
        &'a self,
        login: &'a str,
    ) -> BoxFuture<'a, Result<Option<User>, DirectoryError>> {
        self.0.user_by_login(login)
    }

    fn partner(&self, id: PartnerId) -> BoxFuture<'_, Result<Option<Partner>, DirectoryError>> {
        self.0.partner(id)
    }

    fn partners_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Partner>, DirectoryError>> {
        self.0.partners_by_email(email)
    }

    fn groups(&self, _uid: Uid) -> BoxFuture<'_, Result<Vec<String>, DirectoryError>> {
        Box::pin(async { Err(DirectoryError::Storage("disk on fire".into())) })
    }
}

#[tokio::test]
async fn a_failing_directory_is_503_and_does_not_leak() {
    let app = app(Arc::new(GroupsDown(memory_directory()))).await;
    let response = get(&app, Some(ADMIN), "/admin").await;
    assert_eq!(response.status(), 503);
    assert!(
        !response.text().contains("disk on fire"),
        "{}",
        response.text()
    );
    let response = ping(&app, Some(ADMIN)).await;
    assert_eq!(response.status(), 503);
    // Routes without groups do not ask for them.
    assert_eq!(get(&app, Some(ADMIN), "/open").await.status(), 200);
}
