// An `async` auth method with its own challenge, awaiting the directory, used by a route.
use authroute::{AuthError, AuthRequest, Uid};

#[authroute::auth_method(challenge = "ApiKey", realm = "api")]
async fn api_key(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    let uid = match req.header("x-api-key") {
        Some(b"k1") => Uid(2),
        _ => return Err(AuthError::denied("a valid `X-Api-Key` header is required")),
    };
    match req.directory().user(uid).await {
        Ok(Some(user)) if user.active => Ok(uid),
        _ => Err(AuthError::denied("the key's user is inactive")),
    }
}

#[authroute::route("/x", auth = "api_key")]
async fn x(uid: Uid) -> String {
    uid.to_string()
}

fn main() {}
