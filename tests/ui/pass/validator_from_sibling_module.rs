//! A validator and an auth method declared without `pub` in one module (their markers are then
//! `pub(crate)`) and imported into a sibling with `use crate::sibling::...`, by routes and by
//! another validator's `next`.

mod auth {
    use authroute::{AuthError, AuthRequest, Uid};

    authroute::validator! {
        name: "staff", issuer: "i", audience: ["a"], algorithm: "HS256",
        secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
    }

    #[authroute::auth_method]
    fn custom(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
        match req.header("authorization") {
            Some(b"42") => Ok(Uid(1)),
            _ => Err(AuthError::denied("the answer is 42")),
        }
    }
}

mod chained {
    use crate::auth::jwt_staff;

    authroute::validator! {
        name: "legacy", issuer: "i", audience: ["a"], algorithm: "HS256",
        secret: "another-secret-that-is-long-enough-for-hs256", user: static(1), next: "staff",
    }
}

mod routes {
    use crate::auth::{auth_custom, jwt_staff};
    use crate::chained::jwt_legacy;

    #[authroute::route("/staff", methods = ["GET"], auth = "jwt_staff")]
    async fn staff(uid: authroute::Uid) -> String {
        uid.to_string()
    }

    #[authroute::route("/maybe", methods = ["GET"], auth = "public_or_jwt_staff")]
    async fn maybe(caller: authroute::Caller) -> String {
        caller.uid.to_string()
    }

    #[authroute::route("/legacy", methods = ["GET"], auth = "jwt_legacy")]
    async fn legacy(uid: authroute::Uid) -> String {
        uid.to_string()
    }

    #[authroute::route("/custom", methods = ["GET"], auth = "custom")]
    async fn custom(uid: authroute::Uid) -> String {
        uid.to_string()
    }
}

fn main() {}
