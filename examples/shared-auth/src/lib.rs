//! Auth declarations shared by several services: a crate declares them once, with `pub`, and
//! every application crate imports their markers like any other item:
//!
//! ```
//! use shared_auth::{auth_api_key, jwt_corp};
//!
//! #[authroute::route("/me", methods = ["GET"], auth = "jwt_corp")]
//! async fn me(uid: authroute::Uid) -> String { uid.to_string() }
//!
//! #[authroute::route("/robot", methods = ["GET"], auth = "api_key")]
//! async fn robot(uid: authroute::Uid) -> String { uid.to_string() }
//! # fn main() {}
//! ```

use authroute::{AuthError, AuthRequest, Uid, auth_method, validator};

/// The header value [`api_key`] accepts.
pub const API_KEY: &str = "shared-api-key-0123456789";

/// The user an accepted API key runs as.
pub const API_KEY_UID: Uid = Uid(7);

validator! {
    pub name: "corp",
    issuer: "https://sso.corp.example",
    audience: ["corp-services"],
    algorithm: "HS256",
    secret: env("CORP_JWT_SECRET"),
    user: static(2),
}

/// `X-Api-Key: <API_KEY>` runs as [`API_KEY_UID`]; `auth = "api_key"` once `auth_api_key` is
/// in scope.
#[auth_method]
pub fn api_key(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    match req.header("x-api-key") {
        Some(key) if key == API_KEY.as_bytes() => Ok(API_KEY_UID),
        _ => Err(AuthError::denied("a valid `X-Api-Key` header is required")),
    }
}

/// A validator declared in a private module: its `pub` marker is reachable only through the
/// re-export below.
mod partners {
    authroute::validator! {
        pub name: "partners",
        issuer: "https://partners.corp.example",
        audience: ["corp-services"],
        algorithm: "HS256",
        secret: env("PARTNERS_JWT_SECRET"),
        user: static(3),
    }
}

pub use partners::jwt_partners;
