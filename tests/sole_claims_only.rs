//! `auth = "jwt"` names the sole validator without checking its arguments against it, so a
//! claims-only sole validator behind a bare `jwt` route is a startup error naming the fix, and
//! so is a grant the sole validator does not declare.

use std::sync::Arc;

use authroute::directory::{MemoryDirectory, PasswordHasher};
use authroute::{App, Problem, route, validator};

validator! {
    name: "tokens", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: none,
}

#[route("/bare", methods = ["GET"], auth = "jwt")]
async fn bare() -> &'static str {
    "bare"
}

#[route("/bare/scoped", methods = ["GET"], auth = "jwt", scopes = ["read"])]
async fn bare_scoped() -> &'static str {
    "scoped"
}

#[tokio::test]
async fn a_bare_jwt_route_on_a_claims_only_validator_does_not_start() {
    let err = App::builder()
        .directory(Arc::new(MemoryDirectory::new(
            PasswordHasher::fast_for_tests(),
        )))
        .build()
        .await
        .expect_err("refused");
    assert!(
        err.problems().iter().any(|p| matches!(
            p,
            Problem::SoleClaimsOnly { path, validator, .. } if path == "/bare" && validator == "tokens"
        )),
        "{err}"
    );
    assert!(err.to_string().contains(r#"auth = "jwt_tokens""#), "{err}");
    // A bare `jwt` route's grants are checked against the sole validator here, at startup.
    assert!(
        err.problems().iter().any(|p| matches!(
            p,
            Problem::UnknownGrant { path, grant, validator, .. }
                if path == "/bare/scoped" && grant == "read" && validator == "tokens"
        )),
        "{err}"
    );
}
