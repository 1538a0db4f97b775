//! Scopes and roles over real HTTP: a space-separated `scope` claim, an `scp` array, a nested
//! roles array, all-of and any-of rules, chains (the accepting validator's grants count),
//! anonymous callers on `public_or_jwt` routes, and cookie mode.

mod support {
    pub mod hs256;
}

use std::sync::Arc;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Json, Uid, route, validator};
use serde_json::{Value, json};

const SECRET: &str = "the-secret-of-the-scope-tests-0123456789";

validator! {
    name: "scoped", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
    secret: "the-secret-of-the-scope-tests-0123456789", user: static(1),
    grants: { claim: "scope", known: ["read", "write", "admin"] },
}

validator! {
    name: "scp", issuer: "scp-issuer", audience: ["api"], algorithm: "HS256",
    secret: "the-secret-of-the-scope-tests-0123456789", user: static(1),
    grants: { claim: "scp", known: ["read", "write"] },
}

validator! {
    name: "keycloak", issuer: "kc", audience: ["api"], algorithm: "HS256",
    secret: "the-secret-of-the-scope-tests-0123456789", user: static(1),
    grants: { claim: "realm_access.roles", known: ["api-admin", "api-user"] },
}

// A chain: `head` accepts issuer `head`, then `tail` accepts issuer `tail`, each with its own
// grants claim, so which claim counts shows which validator accepted the token.
validator! {
    name: "head", issuer: "head", audience: ["api"], algorithm: "HS256",
    secret: "the-secret-of-the-scope-tests-0123456789", user: static(1), next: "tail",
    grants: { claim: "head_scope", known: ["read"] },
}

validator! {
    name: "tail", issuer: "tail", audience: ["api"], algorithm: "HS256",
    secret: "the-secret-of-the-scope-tests-0123456789", user: static(1),
    grants: { claim: "tail_scope", known: ["read"] },
}

validator! {
    name: "scoped_cookie", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
    secret: "the-secret-of-the-scope-tests-0123456789", user: static(1),
    grants: { claim: "scope", known: ["read", "write"] },
    cookie: { name: "scoped", secure: false, same_site: "Strict", max_age: 600 },
}

#[route("/read", methods = ["GET"], auth = "jwt_scoped", scopes = ["read"])]
async fn read(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/read_write", methods = ["GET"], auth = "jwt_scoped", scopes = ["read", "write"])]
async fn read_write(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/write_or_admin", methods = ["GET"], auth = "jwt_scoped", any_scopes = ["write", "admin"])]
async fn write_or_admin(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/scp", methods = ["GET"], auth = "jwt_scp", scopes = ["write"])]
async fn scp(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/kc", methods = ["GET"], auth = "jwt_keycloak", roles = ["api-admin"])]
async fn kc(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/chain", methods = ["GET"], auth = "jwt_head", scopes = ["read"])]
async fn chain(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/maybe", methods = ["GET"], auth = "public_or_jwt_scoped", scopes = ["read"])]
async fn maybe(uid: Option<Uid>) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/cookie", methods = ["GET"], auth = "jwt_scoped_cookie", scopes = ["write"])]
async fn cookie(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/rpc", methods = ["POST"], auth = "jwt_scoped", type = "json", scopes = ["write"])]
async fn rpc(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

fn token(issuer: &str, extra: Value) -> String {
    support::hs256::token(SECRET, issuer, extra)
}

struct Server {
    base: String,
    client: reqwest::Client,
    _handle: authroute::ServerHandle,
}

impl Server {
    async fn start() -> Self {
        let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
        directory.add_user(NewUser::new("Administrator")).unwrap();
        let public = directory.add_user(NewUser::new("Public user")).unwrap();
        let app = App::builder()
            .directory(Arc::new(directory))
            .public_uid(public)
            .cookie_secret("a-cookie-secret-for-the-scope-tests-32+")
            .build()
            .await
            .expect("starts");
        let handle = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
        Server {
            base: format!("http://{}", handle.addr()),
            client: reqwest::Client::new(),
            _handle: handle,
        }
    }

    async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }
}

async fn assert_insufficient(response: reqwest::Response, realm: &str, scope: &str) {
    assert_eq!(response.status(), 403);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap();
    assert_eq!(
        challenge,
        format!(r#"Bearer realm="{realm}", error="insufficient_scope", scope="{scope}""#)
    );
    let body: Value = response.json().await.unwrap();
    assert!(body.is_object(), "{body}");
}

#[tokio::test]
async fn a_space_separated_scope_claim_grants_exactly_its_names() {
    let server = Server::start().await;
    let read = token("theissuer", json!({ "scope": "read" }));
    let both = token("theissuer", json!({ "scope": "write  read" }));
    let none = token("theissuer", json!({}));
    let lookalike = token("theissuer", json!({ "scope": "READ reader re ad" }));

    let ok = server.get("/read", Some(&read)).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.json::<Value>().await.unwrap(), json!({ "uid": 1 }));
    assert_eq!(server.get("/read_write", Some(&both)).await.status(), 200);

    assert_insufficient(
        server.get("/read_write", Some(&read)).await,
        "scoped",
        "read write",
    )
    .await;
    assert_insufficient(server.get("/read", Some(&none)).await, "scoped", "read").await;
    assert_insufficient(
        server.get("/read", Some(&lookalike)).await,
        "scoped",
        "read",
    )
    .await;
}

#[tokio::test]
async fn any_of_needs_one_of_the_names() {
    let server = Server::start().await;
    for scope in ["write", "admin", "read admin"] {
        let t = token("theissuer", json!({ "scope": scope }));
        assert_eq!(
            server.get("/write_or_admin", Some(&t)).await.status(),
            200,
            "{scope}"
        );
    }
    let t = token("theissuer", json!({ "scope": "read" }));
    assert_insufficient(
        server.get("/write_or_admin", Some(&t)).await,
        "scoped",
        "write admin",
    )
    .await;
}

#[tokio::test]
async fn an_array_claim_and_a_nested_roles_claim() {
    let server = Server::start().await;
    let scp = token("scp-issuer", json!({ "scp": ["read", "write"] }));
    assert_eq!(server.get("/scp", Some(&scp)).await.status(), 200);
    let scp_read = token("scp-issuer", json!({ "scp": ["read"] }));
    assert_insufficient(server.get("/scp", Some(&scp_read)).await, "scp", "write").await;
    // A string where the claim should be an array still reads as space-separated names; any
    // other shape (number, object, array of non-strings) grants nothing.
    for bad in [
        json!(7),
        json!({ "write": true }),
        json!([1, 2]),
        json!(null),
    ] {
        let t = token("scp-issuer", json!({ "scp": bad }));
        assert_eq!(server.get("/scp", Some(&t)).await.status(), 403, "{bad}");
    }

    let admin = token(
        "kc",
        json!({ "realm_access": { "roles": ["api-user", "api-admin"] } }),
    );
    assert_eq!(server.get("/kc", Some(&admin)).await.status(), 200);
    let user = token("kc", json!({ "realm_access": { "roles": ["api-user"] } }));
    assert_insufficient(
        server.get("/kc", Some(&user)).await,
        "keycloak",
        "api-admin",
    )
    .await;
    // The top-level claim of the same name does not count: only the declared path does.
    let flat = token("kc", json!({ "roles": ["api-admin"], "realm_access": {} }));
    assert_insufficient(
        server.get("/kc", Some(&flat)).await,
        "keycloak",
        "api-admin",
    )
    .await;
}

#[tokio::test]
async fn in_a_chain_the_accepting_validators_grants_count() {
    let server = Server::start().await;
    let by_head = token("head", json!({ "head_scope": "read", "tail_scope": "" }));
    assert_eq!(server.get("/chain", Some(&by_head)).await.status(), 200);
    // `tail` accepted this one: its `tail_scope` counts, `head_scope` does not.
    let by_tail = token("tail", json!({ "tail_scope": "read" }));
    assert_eq!(server.get("/chain", Some(&by_tail)).await.status(), 200);
    let tail_without = token("tail", json!({ "head_scope": "read" }));
    assert_insufficient(
        server.get("/chain", Some(&tail_without)).await,
        "tail",
        "read",
    )
    .await;
}

#[tokio::test]
async fn an_anonymous_caller_holds_no_grants() {
    let server = Server::start().await;
    let anonymous = server.get("/maybe", None).await;
    assert_eq!(anonymous.status(), 403);
    assert!(
        anonymous.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains(r#"error="insufficient_scope", scope="read""#)
    );
    let read = token("theissuer", json!({ "scope": "read" }));
    assert_eq!(server.get("/maybe", Some(&read)).await.status(), 200);
    // A bad token is still a 401, not a 403: authentication comes first.
    let bad = server.get("/maybe", Some("not.a.token")).await;
    assert_eq!(bad.status(), 401);
}

#[tokio::test]
async fn cookie_mode_keeps_the_tokens_grants() {
    let server = Server::start().await;
    let write = token("theissuer", json!({ "scope": "write" }));
    let first = server.get("/cookie", Some(&write)).await;
    assert_eq!(first.status(), 200);
    let set_cookie = first.headers()["set-cookie"].to_str().unwrap().to_string();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let again = server
        .client
        .get(format!("{}/cookie", server.base))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);

    let read = token("theissuer", json!({ "scope": "read" }));
    let first = server.get("/cookie", Some(&read)).await;
    assert_insufficient(first, "scoped_cookie", "write").await;
}

#[tokio::test]
async fn a_json_route_refuses_before_reading_the_body() {
    let server = Server::start().await;
    let read = token("theissuer", json!({ "scope": "read" }));
    let response = server
        .client
        .post(format!("{}/rpc", server.base))
        .bearer_auth(&read)
        .json(&json!({ "jsonrpc": "2.0", "params": {} }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains(r#"error="insufficient_scope""#)
    );
    let write = token("theissuer", json!({ "scope": "write" }));
    let response = server
        .client
        .post(format!("{}/rpc", server.base))
        .bearer_auth(&write)
        .json(&json!({ "jsonrpc": "2.0", "params": {} }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
