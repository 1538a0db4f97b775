// A refused auth method still declares its marker, so the route that names it (outside the
// module holding the error, where rustc would report a missing type) reports nothing more.
mod methods {
    use authroute::{AuthError, AuthRequest, Uid};

    #[authroute::auth_method]
    pub async fn custom(_req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
        Ok(Uid(1))
    }
}

use methods::*;

#[authroute::route("/x", auth = "custom")]
async fn x(uid: authroute::Uid) -> String {
    uid.to_string()
}

fn main() {}
