use authroute::{AuthError, AuthRequest, Uid};

#[authroute::auth_method(challenge = "ApiKey", challenge = "Token")]
fn custom(_req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    Ok(Uid(1))
}

fn main() {}
