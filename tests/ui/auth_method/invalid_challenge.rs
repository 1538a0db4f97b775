use authroute::{AuthError, AuthRequest, Uid};

#[authroute::auth_method(challenge = "Api Key")]
fn custom(_req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    Ok(Uid(1))
}

fn main() {}
