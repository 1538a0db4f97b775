//! The dispatch table and one whole request, in process (no socket):
//! - routing lookup (matchit plus the method check) with 10, 1 000 and 10 000 routes;
//! - one request through dispatch, `jwt_bench` auth and a tiny handler, against the same
//!   handler with `auth = "none"`: the cost of authentication inside the server;
//! - the same request on a route requiring a scope: the cost of a grant check.
//!
//! `cargo bench -p authroute --bench dispatch`; instruction counts: see [`fixed_requests`].

use std::hint::black_box;
use std::sync::Arc;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Claims, Json, RouteSet, route, routes, validator};
use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, criterion_group};
use http::{Method, Request};
use http_body_util::Full;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

const SECRET: &str = "bench-secret-0123456789abcdef-0123456789";

validator! {
    name: "bench", issuer: "https://bench.example", audience: ["bench_api"], algorithm: "HS256",
    secret: "bench-secret-0123456789abcdef-0123456789", user: static(1),
    grants: { claim: "scope", known: ["openid", "profile", "email"] },
}

/// Only the claim the handler needs, as an application would declare it (and as the axum
/// peer of `bench/` does).
#[derive(serde::Deserialize)]
struct Subject {
    sub: String,
}

#[route("/jwt/whoami", methods = ["GET"], auth = "jwt_bench")]
async fn jwt_whoami(Claims(claims): Claims<Subject>) -> Json<Value> {
    Json(json!({ "sub": claims.sub }))
}

/// The handler of `/none/whoami` behind `jwt_bench`: the cost of authentication alone.
#[route("/jwt/constant", methods = ["GET"], auth = "jwt_bench")]
async fn jwt_constant(_uid: authroute::Uid) -> Json<Value> {
    Json(json!({ "sub": "bench-user" }))
}

/// `/jwt/constant` plus a required scope: the cost of a grant check.
#[route("/jwt/scoped", methods = ["GET"], auth = "jwt_bench", scopes = ["profile"])]
async fn jwt_scoped(_uid: authroute::Uid) -> Json<Value> {
    Json(json!({ "sub": "bench-user" }))
}

#[route("/none/whoami", methods = ["GET"], auth = "none")]
async fn none_whoami() -> Json<Value> {
    Json(json!({ "sub": "bench-user" }))
}

/// The handlers of the synthetic routes, mounted many times under distinct prefixes.
#[route("/items/{id}", methods = ["GET", "POST"], auth = "none")]
async fn synthetic_items() -> Json<Value> {
    Json(json!({ "ok": true }))
}

#[route("/about", methods = ["GET", "POST"], auth = "none")]
async fn synthetic_about() -> Json<Value> {
    Json(json!({ "ok": true }))
}

/// `count` routes in a realistic mix: half static, half with a parameter, spread over prefixes.
fn synthetic_routes(count: usize) -> RouteSet {
    (0..count).fold(RouteSet::new(), |set, i| {
        let handler = if i % 2 == 0 {
            routes![synthetic_items]
        } else {
            routes![synthetic_about]
        };
        set.merge(handler.nest(&format!("/api/v{}/resource{i}", i % 7)))
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn app(rt: &tokio::runtime::Runtime, extra_routes: usize) -> App {
    rt.block_on(async {
        let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
        directory.add_user(NewUser::new("bench")).unwrap();
        App::builder()
            .directory(Arc::new(directory))
            .routes(routes![jwt_whoami, jwt_constant, jwt_scoped, none_whoami])
            .routes(synthetic_routes(extra_routes))
            .build()
            .await
            .unwrap()
    })
}

fn routing(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("routing lookup");
    for count in [10, 1_000, 10_000] {
        let app = app(&rt, count);
        // An even index: the routes with a parameter (see `synthetic_routes`).
        let middle = (count / 2) & !1;
        let hit = format!("/api/v{}/resource{middle}/items/42", middle % 7);
        let found = app.route_for(&Method::GET, &hit).map(|r| r.handler);
        assert_eq!(found, Some("dispatch::synthetic_items"));
        group.bench_with_input(BenchmarkId::new("hit", count), &hit, |b, path| {
            b.iter(|| black_box(app.route_for(&Method::GET, black_box(path))))
        });
        let miss = format!("/api/v{}/resource{middle}/nothing", middle % 7);
        assert_eq!(app.route_for(&Method::GET, &miss), None);
        group.bench_with_input(BenchmarkId::new("miss", count), &miss, |b, path| {
            b.iter(|| black_box(app.route_for(&Method::GET, black_box(path))))
        });
    }
    group.finish();
}

fn token() -> String {
    let claims = json!({
        "iss": "https://bench.example",
        "aud": "bench_api",
        "sub": "248289761001",
        "exp": 4_000_000_000_i64,
        "iat": 1_700_000_000_i64,
        "email": "mark.brown23@example.com",
        "name": "Marc Demo",
        "scope": "openid profile email",
    });
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

fn request(path: &str, authorization: &str) -> Request<Full<Bytes>> {
    Request::get(path)
        .header("authorization", authorization)
        .header("host", "127.0.0.1:18081")
        .body(Full::new(Bytes::new()))
        .unwrap()
}

fn whole_request(c: &mut Criterion) {
    let rt = runtime();
    let app = app(&rt, 0);
    let bearer = format!("Bearer {}", token());
    for path in [
        "/jwt/whoami",
        "/jwt/constant",
        "/jwt/scoped",
        "/none/whoami",
    ] {
        let response = rt.block_on(app.handle(request(path, &bearer)));
        assert_eq!(response.status(), 200, "{path}");
    }
    let mut group = c.benchmark_group("one request in process");
    for (name, path) in [
        ("auth jwt_bench, handler reads claims", "/jwt/whoami"),
        ("auth jwt_bench, handler of none", "/jwt/constant"),
        (
            "auth jwt_bench + scope check, handler of none",
            "/jwt/scoped",
        ),
        ("auth none", "/none/whoami"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let response = rt.block_on(app.handle(request(path, &bearer)));
                black_box(response)
            })
        });
    }
    group.finish();
}

/// `DISPATCH_REQUESTS=<n> <bench binary> <path>`: serves `n` requests of `path` and exits,
/// without criterion, for instruction counts under `valgrind --tool=callgrind`: the difference
/// between two counts divided by the difference in `n` is the exact cost of one request.
fn fixed_requests(count: usize, path: &str) {
    let rt = runtime();
    let app = app(&rt, 0);
    let bearer = format!("Bearer {}", token());
    for _ in 0..count {
        let response = rt.block_on(app.handle(request(path, &bearer)));
        assert_eq!(response.status(), 200);
    }
}

criterion_group!(dispatch, routing, whole_request);

fn main() {
    if let Ok(count) = std::env::var("DISPATCH_REQUESTS") {
        let path = std::env::args()
            .nth(1)
            .unwrap_or_else(|| "/jwt/whoami".to_string());
        fixed_requests(count.parse().expect("DISPATCH_REQUESTS is a count"), &path);
        return;
    }
    dispatch();
    Criterion::default().configure_from_args().final_summary();
}
