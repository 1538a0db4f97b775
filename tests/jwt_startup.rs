//! Validator configuration mistakes are startup errors, all reported together, each naming
//! the culprit.

use authroute::{App, Json, Uid, route, validator};

mod one {
    authroute::validator! { name: "dup", issuer: "i", audience: ["a"], algorithm: "HS256", secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1) }
}
mod two {
    authroute::validator! { name: "dup", issuer: "i", audience: ["a"], algorithm: "HS256", secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1) }
}

validator! { name: "no_env", issuer: env("AUTHROUTE_TEST_SURELY_UNSET_ISSUER"), audience: ["a"], algorithm: "HS256", secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1) }
validator! { name: "short_env", issuer: "i", audience: ["a"], algorithm: "HS512", secret: env("AUTHROUTE_TEST_SHORT", default = "only-forty-bytes-which-is-short-for-512"), user: static(1) }
validator! { name: "no_file", issuer: "i", audience: ["a"], algorithm: "RS256", public_key_file: "tests/keys/does-not-exist.pem", user: static(1) }
validator! { name: "wrong_kind", issuer: "i", audience: ["a"], algorithm: "RS256", public_key_file: "tests/keys/ec_public.pem", user: static(1) }
validator! { name: "ghost_user", issuer: "i", audience: ["a"], algorithm: "HS256", secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(99) }
validator! { name: "cookie", issuer: "i", audience: ["a"], algorithm: "HS256", secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1), cookie: true }

#[route("/single", methods = ["GET"], auth = "jwt")]
async fn single(uid: Uid) -> Json<Uid> {
    Json(uid)
}

#[tokio::test]
async fn every_problem_is_reported_together() {
    let err = App::builder().build().await.unwrap_err();
    let all = err.to_string();
    println!("{all}");
    let expect = [
        "validator `dup` is declared twice",
        "`AUTHROUTE_TEST_SURELY_UNSET_ISSUER`",
        "validator `short_env`",
        "`tests/keys/does-not-exist.pem`",
        "validator `wrong_kind`",
        "uid 99",
        "validator `cookie` uses cookie mode, but no cookie secret is configured",
        "uses auth `jwt`, which needs exactly one validator",
    ];
    for needle in expect {
        assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
    }
}
