//! Rows (a), (b) and (f) of the load benchmark: authroute on its own server.
//!
//! `bench-authroute [ADDR] [--extra-routes N]`: `GET /jwt/whoami` (`auth = "jwt_bench"`),
//! `GET /none/whoami` (`auth = "none"`), `GET /jwt/constant` (`jwt_bench` with the handler of
//! `/none/whoami`), plus N synthetic `/extra/{i}/items/{id}` routes for the routing scale runs.
//! No tracing subscriber is installed: the runtime's events cost a disabled-callsite check and
//! nothing else, as in a service that logs at WARN.

use std::sync::Arc;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Claims, Json, RouteSet, Uid, route, routes, validator};
use authroute_bench_servers::{SUBJECT, WhoAmI, announce, listen_addr};
use serde::Deserialize;
use tokio::net::TcpListener;

validator! {
    name: "bench",
    issuer: "https://bench.example",
    audience: ["bench_api"],
    algorithm: "HS256",
    secret: "bench-secret-0123456789abcdef-0123456789",
    user: static(1),
}

/// Only the claim the handler needs: authroute deserialises claims lazily, into this type.
#[derive(Deserialize)]
struct Subject {
    sub: String,
}

#[route("/jwt/whoami", methods = ["GET"], auth = "jwt_bench")]
async fn jwt_whoami(Claims(claims): Claims<Subject>) -> Json<WhoAmI> {
    Json(WhoAmI { sub: claims.sub })
}

/// Row (f): the same authentication, and the handler of the `none` route. Claims are
/// deserialised only when a handler asks for them, so this row is (b) plus the auth alone.
#[route("/jwt/constant", methods = ["GET"], auth = "jwt_bench")]
async fn jwt_constant(_uid: Uid) -> Json<WhoAmI> {
    Json(WhoAmI {
        sub: SUBJECT.to_string(),
    })
}

#[route("/none/whoami", methods = ["GET"], auth = "none")]
async fn none_whoami() -> Json<WhoAmI> {
    Json(WhoAmI {
        sub: SUBJECT.to_string(),
    })
}

/// The handler of the synthetic routes, mounted under one prefix per route.
#[route("/items/{id}", methods = ["GET"], auth = "none")]
async fn extra_items() -> Json<WhoAmI> {
    Json(WhoAmI {
        sub: SUBJECT.to_string(),
    })
}

/// N routes `/extra/{i}/items/{id}` built at run time: compiling thousands of `#[route]`
/// handlers would measure the compiler, not the router.
fn extra_routes(count: usize) -> RouteSet {
    (0..count).fold(RouteSet::new(), |set, i| {
        set.merge(routes![extra_items].nest(&format!("/extra/{i}")))
    })
}

/// `--extra-routes N` anywhere on the command line; 0 without it.
fn extra_route_count() -> usize {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--extra-routes") {
        None => 0,
        Some(i) => match args.get(i + 1).and_then(|n| n.parse().ok()) {
            Some(n) => n,
            None => {
                eprintln!("error: --extra-routes needs a number");
                std::process::exit(2);
            }
        },
    }
}

#[tokio::main]
async fn main() {
    let addr = listen_addr("127.0.0.1:18081");
    // The validator's static user 1 must exist: startup checks it.
    let directory = MemoryDirectory::new(PasswordHasher::default());
    directory
        .add_user(NewUser::new("Bench user"))
        .expect("an empty directory accepts a user");
    let app = App::builder()
        .directory(Arc::new(directory))
        .routes(routes![jwt_whoami, jwt_constant, none_whoami])
        .routes(extra_routes(extra_route_count()))
        .build()
        .await
        .unwrap_or_else(|err| {
            eprintln!("error: {err}");
            std::process::exit(1);
        });
    let listener = TcpListener::bind(addr).await.unwrap_or_else(|err| {
        eprintln!("error: cannot bind {addr}: {err}");
        std::process::exit(1);
    });
    announce(listener.local_addr().unwrap_or(addr));
    // run.sh stops us with SIGTERM, whose default action is fine: there is nothing to drain.
    if let Err(err) = app
        .serve_listener(listener, std::future::pending::<()>())
        .await
    {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
