//! An auth method declared in another module, imported with `use`, and used by a route that
//! comes before its declaration in the file.

mod routes {
    use crate::methods::auth_api_key;

    #[authroute::route("/x", methods = ["GET"], auth = "api_key")]
    pub async fn x(uid: authroute::Uid) -> String {
        uid.to_string()
    }
}

mod methods {
    use authroute::{AuthError, AuthRequest, Uid};

    #[authroute::auth_method]
    pub fn api_key(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
        match req.header("x-api-key") {
            Some(b"k") => Ok(Uid(1)),
            _ => Err(AuthError::denied("bad key")),
        }
    }
}

fn main() {}
