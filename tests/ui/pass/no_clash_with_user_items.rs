//! The markers `jwt_demo`, `jwt_other` and `auth_custom` are types; the user's own function and
//! constant of the same names live in the value namespace and do not clash with them.

use authroute::{AuthError, AuthRequest, Uid};

authroute::validator! {
    name: "demo", issuer: "i", audience: ["a"], algorithm: "HS256",
    secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
}

authroute::validator! {
    name: "other", issuer: "i", audience: ["a"], algorithm: "HS256",
    secret: "another-secret-that-is-long-enough-for-hs256", user: static(1),
}

#[authroute::auth_method]
fn custom(_req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    Ok(Uid(1))
}

fn jwt_demo() -> u32 {
    1
}

fn auth_custom() -> u32 {
    2
}

#[allow(non_upper_case_globals)]
const jwt_other: u32 = 3;

#[authroute::route("/demo", methods = ["GET"], auth = "jwt_demo")]
async fn demo(uid: authroute::Uid) -> String {
    uid.to_string()
}

#[authroute::route("/other", methods = ["GET"], auth = "jwt_other")]
async fn other(uid: authroute::Uid) -> String {
    uid.to_string()
}

#[authroute::route("/custom", methods = ["GET"], auth = "custom")]
async fn custom_route(uid: authroute::Uid) -> String {
    uid.to_string()
}

fn main() {
    assert_eq!(jwt_demo() + auth_custom() + jwt_other, 6);
}
